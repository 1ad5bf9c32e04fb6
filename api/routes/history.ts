/**
 * An application's workflow history: from Temporal while it has the workflow, else from OneWindow's
 * own archive (db/history-archive.ts); as JSON, or as a short timeline. The answer says which.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findApplication } from '../../db/queries.js';
import { readArchivedHistory } from '../../db/history-archive.js';
import { errorBody, isUnavailable, isWorkflowGone, notFound } from '../errors.js';
import { STAFF } from '../auth.js';
import { requireSight } from '../application-access.js';
import { decodeHistory } from '../temporal-payloads.js';
import { DEADLINE_ALERTS, TIMELINE_KINDS, timeline } from '../history.js';
import { applicationNoParams } from '../schemas.js';
import { historyExamples } from '../examples/application-records.js';

/** One line of the timeline: what happened (`kind` and its details, for a page to say in its language), and `what` in Temporal's words. */
const timelineEntry = z.object({
  at: z.string(),
  eventId: z.number(),
  what: z.string(),
  kind: z.enum(TIMELINE_KINDS),
  activity: z.string().optional(),
  transitions: z.array(z.string()).optional(),
  update: z.string().optional(),
  department: z.string().optional(),
  decision: z.string().optional(),
  officer: z.string().optional(),
  attempts: z.number().optional(),
  timer: z
    .object({ fireAt: z.string(), alert: z.enum(DEADLINE_ALERTS).optional(), department: z.string().optional() })
    .optional()
    .describe('When the timer fires, and the alert it waits for (yellow at warnAt, red at the promised limit, statutory_red at the statutory one)'),
});

/**
 * Temporal first; when it no longer has the workflow (deleted, past its namespace's retention), the
 * archive. When Temporal cannot be reached, a closed application's archive is the same whole history
 * and is served, saying so; without one, the outage is a 503.
 */
async function readHistory(app: FastifyInstance, no: string) {
  const { database, temporal } = app.deps;
  try {
    return { source: 'temporal' as const, history: await temporal.client.workflow.getHandle(no).fetchHistory() };
  } catch (err) {
    if (!isWorkflowGone(err) && !isUnavailable(err)) throw err;
    const archived = await readArchivedHistory(database.db, no);
    if (!archived && isUnavailable(err)) throw err;
    if (!archived) throw notFound(`The workflow history of application ${no} (neither Temporal nor the archive has it)`);
    if (!archived.history) throw notFound(`The workflow history of application ${no} (disposed of at the end of its retention, ${archived.disposedAt})`);
    return { source: 'archive' as const, history: archived.history, archivedAt: archived.archivedAt, sha256: archived.sha256 };
  }
}

export const historyRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/applications/:no/history',
    {
      schema: {
        tags: ['applications'],
        summary: 'The workflow’s event history (?format=timeline for a short human timeline)',
        params: applicationNoParams,
        querystring: z.object({ format: z.enum(['json', 'timeline']).default('json') }),
        response: {
          200: z.object({
            applicationNo: z.string(),
            temporalUiUrl: z.string().nullable().describe('The workflow in the Temporal UI; null when the history comes from the archive'),
            source: z
              .enum(['temporal', 'archive'])
              .describe('temporal: read from Temporal now; archive: OneWindow’s archived copy (Temporal no longer has the workflow, or cannot be reached)'),
            archivedAt: z.string().optional().describe('With source archive: when the closed history was archived'),
            sha256: z.string().optional().describe('With source archive: the SHA-256 of the stored archive, as the audit trail’s history.archived row names it'),
            events: z.array(z.unknown()).optional(),
            timeline: z.array(timelineEntry).optional(),
          }),
          404: errorBody,
          503: errorBody,
        },
      },
      config: { access: STAFF, examples: historyExamples },
    },
    async (request) => {
      const { no } = request.params;
      const { database, temporal } = app.deps;
      const found = await findApplication(database.db, no);
      if (!found) throw notFound(`Application ${no}`);
      const sight = requireSight(request, found.row, found.reviews);
      // The payloads are encrypted (server/payload-codec.ts); the applicant's personal data in them (the
      // workflow's input, updates' arguments, activities' inputs) is masked unless the caller handles it.
      const source = await readHistory(app, no);
      const raw = JSON.parse(historyToJSON(source.history)) as { events?: Parameters<typeof timeline>[0]['events'] };
      const history = await decodeHistory(temporal.client, raw, { masked: sight !== 'whole' });
      const temporalUiUrl =
        temporal.uiUrl && source.source === 'temporal'
          ? `${temporal.uiUrl}/namespaces/${temporal.client.options.namespace}/workflows/${encodeURIComponent(no)}`
          : null;
      const origin = { applicationNo: no, temporalUiUrl, source: source.source, ...(source.source === 'archive' && { archivedAt: source.archivedAt, sha256: source.sha256 }) };
      return request.query.format === 'timeline'
        ? { ...origin, timeline: timeline(history, [found.row, ...found.reviews]) }
        : { ...origin, events: history.events };
    },
  );
};

/** An application's workflow history from Temporal: as JSON, or as a short timeline. */
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findApplication } from '../../db/queries.js';
import { errorBody, notFound } from '../errors.js';
import { STAFF } from '../auth.js';
import { requireSight } from '../application-access.js';
import { maskIdNumber } from '../identity.js';
import { DEADLINE_ALERTS, TIMELINE_KINDS, timeline } from '../history.js';
import { applicationNoParams } from '../schemas.js';

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
            temporalUiUrl: z.string().nullable(),
            events: z.array(z.unknown()).optional(),
            timeline: z.array(timelineEntry).optional(),
          }),
          404: errorBody,
          503: errorBody,
        },
      }, config: { access: STAFF },
    },
    async (request) => {
      const { no } = request.params;
      const { database, temporal } = app.deps;
      const found = await findApplication(database.db, no);
      if (!found) throw notFound(`Application ${no}`);
      const sight = requireSight(request, found.row, found.reviews);
      const history = JSON.parse(historyToJSON(await temporal.client.workflow.getHandle(no).fetchHistory())) as {
        events?: Parameters<typeof timeline>[0]['events'];
      };
      const temporalUiUrl = temporal.uiUrl
        ? `${temporal.uiUrl}/namespaces/${temporal.client.options.namespace}/workflows/${encodeURIComponent(no)}`
        : null;
      // The history carries the applicant's number in the workflow's input: masked unless the caller handles it.
      const events = sight === 'whole' ? history.events : maskIn(history.events, found.row.applicant.idNumber);
      return request.query.format === 'timeline'
        ? { applicationNo: no, temporalUiUrl, timeline: timeline(history, [found.row, ...found.reviews]) }
        : { applicationNo: no, temporalUiUrl, events };
    },
  );
};

/** Masks the number wherever it appears, also inside payloads, whose data is base64 of JSON. */
function maskIn<T>(events: T, idNumber: string): T {
  const masked = maskIdNumber(idNumber);
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replaceAll(idNumber, masked);
    if (Array.isArray(value)) return value.map(walk);
    if (!value || typeof value !== 'object') return value;
    const fields = value as Record<string, unknown>;
    if (fields.metadata && typeof fields.data === 'string') {
      const text = Buffer.from(fields.data, 'base64').toString('utf8');
      return text.includes(idNumber) ? { ...fields, data: Buffer.from(text.replaceAll(idNumber, masked)).toString('base64') } : fields;
    }
    return Object.fromEntries(Object.entries(fields).map(([key, field]) => [key, walk(field)]));
  };
  return walk(events) as T;
}

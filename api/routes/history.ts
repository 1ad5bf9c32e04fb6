/** An application's workflow history from Temporal: as JSON, or as a short timeline. */
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findApplication } from '../../db/queries.js';
import { errorBody, notFound } from '../errors.js';
import { STAFF } from '../auth.js';
import { requireSight } from '../application-access.js';
import { decodeHistory } from '../temporal-payloads.js';
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
      // The payloads are encrypted (server/payload-codec.ts); the applicant's personal data in them (the
      // workflow's input, updates' arguments, activities' inputs) is masked unless the caller handles it.
      const raw = JSON.parse(historyToJSON(await temporal.client.workflow.getHandle(no).fetchHistory())) as {
        events?: Parameters<typeof timeline>[0]['events'];
      };
      const history = await decodeHistory(temporal.client, raw, { masked: sight !== 'whole' });
      const temporalUiUrl = temporal.uiUrl
        ? `${temporal.uiUrl}/namespaces/${temporal.client.options.namespace}/workflows/${encodeURIComponent(no)}`
        : null;
      return request.query.format === 'timeline'
        ? { applicationNo: no, temporalUiUrl, timeline: timeline(history, [found.row, ...found.reviews]) }
        : { applicationNo: no, temporalUiUrl, events: history.events };
    },
  );
};

/** An application's workflow history from Temporal: as JSON, or as a short timeline. */
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findApplication } from '../../db/queries.js';
import { errorBody, notFound } from '../errors.js';
import { timeline } from '../history.js';
import { applicationNoParams } from '../schemas.js';

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
            timeline: z.array(z.object({ at: z.string(), eventId: z.number(), what: z.string() })).optional(),
          }),
          404: errorBody,
          503: errorBody,
        },
      },
    },
    async (request) => {
      const { no } = request.params;
      const { database, temporal } = app.deps;
      if (!(await findApplication(database.db, no))) throw notFound(`Application ${no}`);
      const history = JSON.parse(historyToJSON(await temporal.client.workflow.getHandle(no).fetchHistory())) as {
        events?: Parameters<typeof timeline>[0]['events'];
      };
      const temporalUiUrl = temporal.uiUrl
        ? `${temporal.uiUrl}/namespaces/${temporal.client.options.namespace}/workflows/${encodeURIComponent(no)}`
        : null;
      return request.query.format === 'timeline'
        ? { applicationNo: no, temporalUiUrl, timeline: timeline(history) }
        : { applicationNo: no, temporalUiUrl, events: history.events };
    },
  );
};

/** Supervision alerts (电子监察): the clocks that reached yellow, red or statutory red, newest first. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ALERT_LEVELS } from '../../workflows/messages.js';
import { listAlerts, repeatedSupplements } from '../../db/queries.js';
import { casesOfAlerts } from '../../db/cases.js';
import { errorBody } from '../errors.js';
import { OVERSIGHT, scopeCentre } from '../auth.js';
import { alert } from '../schemas.js';
import { alertView } from '../views.js';
import { alertsExamples, flagsExamples } from '../examples/supervision.js';

const alertWithCase = alert.extend({ caseId: z.string().nullable().describe('The accountability case opened from it (a red alert opens one by itself); null if none') });

export const alertRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/alerts',
    {
      schema: {
        tags: ['supervision'],
        summary: 'Supervision alerts, newest first, of a centre and those below it (the caller’s own by default), by level and department',
        querystring: z.object({
          centre: z.string().optional(),
          level: z.enum(ALERT_LEVELS).optional(),
          department: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ alerts: z.array(alertWithCase) }), 400: errorBody, 401: errorBody, 403: errorBody, 503: errorBody },
      },
      config: { access: OVERSIGHT, examples: alertsExamples },
    },
    async (request) => {
      const centre = scopeCentre(request, request.query.centre, 'read alerts');
      const rows = await listAlerts(app.deps.database.db, { ...request.query, centre });
      const cases = await casesOfAlerts(app.deps.database.db, [...new Set(rows.map((a) => a.applicationNo))]);
      return { alerts: rows.map((a) => ({ ...alertView(a), caseId: cases.get(`${a.applicationNo}/${a.seq}`) ?? null })) };
    },
  );

  app.get(
    '/flags',
    {
      schema: {
        tags: ['supervision'],
        summary: 'Repeated supplement requests (a breach of 一次性告知 unless justified), newest first',
        querystring: z.object({ centre: z.string().optional() }),
        response: {
          200: z.object({
            flags: z.array(
              z.object({ applicationNo: z.string(), centreCode: z.string(), department: z.string().nullable(), at: z.string(), reason: z.string(), officer: z.object({ id: z.string(), name: z.string().optional() }).nullable() }),
            ),
          }),
        },
      },
      config: { access: OVERSIGHT, examples: flagsExamples },
    },
    async (request) => ({ flags: await repeatedSupplements(app.deps.database.db, scopeCentre(request, request.query.centre, 'read flags')) }),
  );
};

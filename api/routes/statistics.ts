/** Efficiency statistics per centre, department, item or month. */
import { OVERSIGHT, scopeCentre } from '../auth.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { GROUPINGS, efficiency } from '../../db/statistics.js';
import { errorBody } from '../errors.js';
import { ITEM_CATEGORIES, ITEM_KINDS } from '../../workflows/messages.js';
import { efficiencyExamples } from '../examples/supervision.js';

const row = z
  .object({
    key: z.string().describe('The centre code, department, item code or month (yyyy-mm)'),
    decided: z.number().describe('Applications decided (approved or rejected) after acceptance'),
    approved: z.number(),
    averageStatutoryDays: z.number(),
    averagePromisedDays: z.number(),
    averageWorkingDays: z.number().describe('Actual time from acceptance to decision, stopped time excluded'),
    averageCalendarDays: z.number(),
    speedUp: z.number().nullable().describe('averageStatutoryDays ÷ averageWorkingDays'),
    onTime: z.number(),
    onTimeRate: z.number().describe('Share decided within the promised limit'),
    withinStatutory: z.number(),
    yellowAlerts: z.number(),
    redAlerts: z.number(),
  })
  .meta({ id: 'EfficiencyRow' });

export const statisticsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/statistics/efficiency',
    {
      schema: {
        tags: ['supervision'],
        summary: 'Average statutory limit vs actual time, on-time rate and alerts, for a centre (and those below it) and a period',
        querystring: z.object({
          groupBy: z.enum(GROUPINGS).default('centre'),
          centre: z.string().regex(/^\d{6}$/).optional(),
          department: z.string().optional(),
          item: z.string().optional(),
          kind: z
            .enum(ITEM_KINDS)
            .optional()
            .describe('Only applications of this item kind (as submitted): `promised` (承诺件) gives the figures the region publishes'),
          category: z
            .enum(ITEM_CATEGORIES)
            .optional()
            .describe('Only applications of this item category (as submitted): `licensing` (行政许可), `other_power` (其他行政权力), `public_service` (公共服务)'),
          from: z.iso.date().optional().describe('First acceptance day (China time)'),
          to: z.iso.date().optional().describe('Day after the last acceptance day'),
        }),
        response: { 200: z.object({ groupBy: z.enum(GROUPINGS), rows: z.array(row) }), 400: errorBody, 503: errorBody },
      },
      config: { access: OVERSIGHT, examples: efficiencyExamples },
    },
    async (request) => ({
      groupBy: request.query.groupBy,
      rows: await efficiency(app.deps.database.db, { ...request.query, centre: scopeCentre(request, request.query.centre, 'read statistics') }),
    }),
  );
};

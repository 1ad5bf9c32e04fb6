/**
 * Fee statistics (行政事业性收费) for supervisors: what was assessed, collected, waived, reduced, refunded
 * and is still owed per centre, department, item or month, and the payment notices unpaid past their deadline.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FEE_GROUPINGS, feeFigures, unpaidPastDeadline } from '../../db/fee-statistics.js';
import { OVERSIGHT, scopeCentre } from '../auth.js';
import { errorBody, invalid } from '../errors.js';
import { feeFiguresExamples, unpaidExamples } from '../examples/fees.js';

const fen = (what: string) => z.number().int().describe(`${what}, in fen (分)`);
const count = (what: string) => z.number().int().describe(`How many notices ${what}`);

const row = z
  .object({
    key: z.string().describe('The centre code, department, item code or month (yyyy-mm, China time)'),
    name: z.string().optional().describe('The centre’s, department’s (at the centre’s level) or item’s name; none for a month'),
    nameEn: z.string().optional(),
    assessedFen: fen('What was first assessed (核定) for each application: its first notice, before any waiver or reduction by a leader, dated by its issue'),
    assessedCount: count('first assessed (one per application)'),
    collectedFen: fen('What was paid (实收), dated by the payment'),
    collectedCount: count('paid'),
    waivedFen: fen('What leaders waived (免收), dated by the waiver; a fee assessed at 0 is waived at 0'),
    waivedCount: count('waived'),
    reducedFen: fen('What leaders’ reductions (减收) took off the notices they superseded, dated by the reduction'),
    refundedFen: fen('What was paid back (退费) as the payment platform reported it, dated by that report'),
    refundedCount: z.number().int().describe('How many refunds were paid back (a paid notice may have several)'),
    outstandingFen: fen('What is still owed (未缴) on notices issued in the period and not paid'),
    outstandingCount: count('issued and unpaid'),
  })
  .meta({ id: 'FeeFiguresRow' });

const unpaid = z
  .object({
    noticeNo: z.string(),
    applicationNo: z.string(),
    centreCode: z.string(),
    itemCode: z.string(),
    itemName: z.string().nullable(),
    itemNameEn: z.string().nullable(),
    department: z.string().describe('The lead department, which assessed the fee and collects it'),
    amountFen: fen('What the notice asks'),
    paymentCode: z.string().nullable(),
    dueAt: z.string().describe('The payment deadline that passed'),
    issuedAt: z.string(),
    daysOverdue: z.number().int().describe('Calendar days in China it has been overdue, the day the deadline passed counted as the first'),
  })
  .meta({ id: 'UnpaidFeeNotice' });

const centre = z
  .string()
  .regex(/^\d{6}$/)
  .optional()
  .describe('The centre (and those below it); the caller’s own by default, and only theirs or one below it');

export const feeStatisticsRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;

  app.get(
    '/statistics/fees',
    {
      schema: {
        tags: ['supervision'],
        summary: 'Fees assessed, collected, waived, reduced, refunded and outstanding, in fen, for a centre (and those below it) and a period',
        querystring: z.object({
          groupBy: z.enum(FEE_GROUPINGS).default('centre'),
          centre,
          from: z.iso.date().optional().describe('First day (China time); each figure is dated by its own instant: issue, payment, waiver or reduction'),
          to: z.iso.date().optional().describe('Day after the last day'),
        }),
        response: {
          200: z.object({ centre: z.string(), groupBy: z.enum(FEE_GROUPINGS), from: z.string().nullable(), to: z.string().nullable(), rows: z.array(row) }).meta({ id: 'FeeFigures' }),
          400: errorBody,
          401: errorBody,
          403: errorBody,
          503: errorBody,
        },
      },
      config: { access: OVERSIGHT, examples: feeFiguresExamples },
    },
    async (request) => {
      const { groupBy, from, to } = request.query;
      if (from && to && to <= from) throw invalid('to', `must be after from (${from}): the period is from its first day up to the day before to`);
      const scope = scopeCentre(request, request.query.centre, 'read fee statistics');
      return { centre: scope, groupBy, from: from ?? null, to: to ?? null, rows: await feeFigures(db, { centre: scope, from, to, groupBy }) };
    },
  );

  app.get(
    '/fees/unpaid',
    {
      schema: {
        tags: ['supervision'],
        summary: 'Payment notices unpaid past their deadline at a centre (and those below it), the longest overdue first',
        querystring: z.object({
          centre,
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ centre: z.string(), notices: z.array(unpaid) }).meta({ id: 'UnpaidFeeNotices' }), 400: errorBody, 401: errorBody, 403: errorBody, 503: errorBody },
      },
      config: { access: OVERSIGHT, examples: unpaidExamples },
    },
    async (request) => {
      const scope = scopeCentre(request, request.query.centre, 'list unpaid fees');
      return { centre: scope, notices: await unpaidPastDeadline(db, { centre: scope, limit: request.query.limit }) };
    },
  );
};

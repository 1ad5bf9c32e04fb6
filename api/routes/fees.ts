/**
 * Fees (行政事业性收费) over REST: what an application owes and has paid, the lead window's assessment
 * (核定) and a leader's waiver or reduction. A payment notice is issued at the region's non-tax
 * payment platform first (keyed by its number, so a retried request issues nothing twice), then the
 * application's workflow takes it: a platform that is down answers 503 and the application is unchanged.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { type PaymentPlatform, PaymentPlatformError } from '../../activities/payment-platform.js';
import { calendarSnapshot } from '../../db/calendar.js';
import { findItemVersion } from '../../db/catalogue.js';
import { findApplication } from '../../db/queries.js';
import { feeNotices, feeRefunds } from '../../db/schema/index.js';
import { type Officer, adjustFeeUpdate, assessFeeUpdate, decideRefundUpdate, requestRefundUpdate } from '../../workflows/messages.js';
import { type FeeSchedule, type IssuedFee, assess, chargedLines, noticeNo, reducedLines } from '../../workflows/rules/fees.js';
import { WorkingCalendar, chinaDate, spanFor } from '../../workflows/rules/working-days.js';
import { OVERSIGHT, WINDOW_STAFF, scopeCentre, staffOf } from '../auth.js';
import { listReconciliations } from '../../db/fee-reconciliation.js';
import { withinCentre } from '../../workflows/rules/authority.js';
import { requireSight } from '../application-access.js';
import { HttpError, errorBody, invalid, notFound, refused } from '../errors.js';
import { applicationNoParams } from '../schemas.js';
import { executeUpdate } from './window.js';
import * as examples from '../examples/fees.js';

const notice = z
  .object({
    noticeNo: z.string(),
    status: z.enum(['issued', 'paid', 'superseded', 'waived', 'cancelled']),
    amountFen: z.number().int().describe('What the notice asks, in fen (分)'),
    grossFen: z.number().int().describe('Before reductions'),
    lines: z.array(z.object({ code: z.string(), name: z.string(), quantity: z.number().int(), grossFen: z.number().int(), reductionFen: z.number().int(), amountFen: z.number().int() })),
    reductions: z.array(z.string()),
    paymentCode: z.string().nullable().describe('The code the applicant pays with at any channel of the non-tax payment platform'),
    issuedAt: z.string(),
    dueAt: z.string().describe('The payment deadline, in working days from the notice'),
    paidAt: z.string().nullable(),
    receiptNo: z.string().nullable().describe('The electronic receipt (财政电子票据) number'),
    adjustment: z.object({ officer: z.object({ id: z.string(), name: z.string().optional() }), reason: z.string(), fromFen: z.number(), toFen: z.number(), at: z.string() }).nullable(),
  })
  .meta({ id: 'FeeNotice' });

const refund = z
  .object({
    refundNo: z.string(),
    noticeNo: z.string(),
    amountFen: z.number().int(),
    reason: z.string(),
    status: z.enum(['requested', 'approved', 'rejected', 'submitted', 'refunded', 'failed']).describe('Requested by the window, approved or rejected by a leader, submitted to the platform, refunded when it reports so; failed when it refused'),
    requestedBy: z.string().describe('The officer who asked, or `rule` for an application refused after payment'),
    requestedAt: z.string(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    refundedAt: z.string().nullable(),
    failure: z.string().nullable(),
  })
  .meta({ id: 'FeeRefund' });

const fees = z
  .object({
    applicationNo: z.string(),
    status: z.enum(['awaiting_assessment', 'awaiting_payment', 'paid', 'waived', 'cancelled']),
    amountFen: z.number().int().nullable().describe('What is owed or was paid now: the current notice’s amount'),
    paymentCode: z.string().nullable(),
    dueAt: z.string().nullable(),
    notices: z.array(notice).describe('Every payment notice (缴款通知书), oldest first; a reduction supersedes one with the next'),
    refunds: z.array(refund).describe('Every refund (退费), oldest first'),
    schedule: z.unknown().describe('The item’s fee schedule as the application was submitted under it (lines, standards in fen, reductions)'),
  })
  .meta({ id: 'Fees' });

const assessment = z
  .object({
    lines: z
      .array(z.object({ code: z.string().min(1).max(64), quantity: z.number().int().min(0).max(10_000) }))
      .min(1)
      .max(20)
      .describe('Each fee line that applies, with its quantity (1 for a fixed line)'),
    reductions: z.array(z.string().min(1).max(64)).max(20).default([]).describe('The exemptions and reductions the applicant qualifies for (e.g. small-micro-enterprise)'),
  })
  .meta({ id: 'FeeAssessment' });

const adjustment = z
  .object({
    toFen: z.number().int().min(0).describe('The new amount in fen: 0 waives the fee (免收), less than now reduces it (减收)'),
    reason: z.string().trim().min(1).max(500),
  })
  .meta({ id: 'FeeAdjustment' });

const refundRequest = z
  .object({ amountFen: z.number().int().min(1).describe('What to pay back, in fen: at most what was paid and not refunded'), reason: z.string().trim().min(1).max(500) })
  .meta({ id: 'FeeRefundRequest' });

const refundDecision = z
  .object({ approve: z.boolean(), note: z.string().trim().max(500).optional() })
  .meta({ id: 'FeeRefundDecision' });

const refundParams = z.object({ no: z.string().min(1).max(64), refundNo: z.string().min(1).max(80) });

const responses = { 200: fees, 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 503: errorBody };

export const feeRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/applications/:no/fees',
    {
      schema: { tags: ['fees'], summary: 'What the application owes and has paid: its payment notices with their payment codes, deadlines and receipts', params: applicationNoParams, response: responses },
      config: { access: ['integrator', ...WINDOW_STAFF, ...OVERSIGHT], examples: examples.feesExamples },
    },
    async (request) => {
      const { found, schedule } = await feeContext(app, request, request.params.no);
      return feesView(app, found.row.applicationNo, schedule);
    },
  );

  app.post(
    '/applications/:no/fees/assessment',
    {
      schema: {
        tags: ['fees'],
        summary: 'The lead window assesses the fee (核定); the payment platform issues the payment notice and its code',
        params: applicationNoParams,
        body: assessment,
        response: responses,
      },
      config: { access: WINDOW_STAFF, examples: examples.assessmentExamples },
    },
    async (request) => {
      const { found, schedule } = await feeContext(app, request, request.params.no);
      const computed = assess(schedule, request.body);
      if ('problem' in computed) throw invalid('body', computed.problem);
      const row = found.row;
      const issued = await issueNotice(app, row, await nextNoticeNo(app, row.applicationNo), computed.amountFen, computed.lines, schedule, request.body.reductions);
      await executeUpdate(app, row.applicationNo, assessFeeUpdate, { officer: officerOf(request), assessment: request.body, notice: issued });
      return feesView(app, row.applicationNo, schedule);
    },
  );

  app.post(
    '/applications/:no/fees/adjustment',
    {
      schema: {
        tags: ['fees'],
        summary: 'A leader of the lead department waives (toFen 0) or reduces an unpaid fee, with a reason; the unpaid notice is withdrawn at the platform',
        params: applicationNoParams,
        body: adjustment,
        response: responses,
      },
      config: { access: ['department_leader'], examples: examples.adjustmentExamples },
    },
    async (request) => {
      const { found, schedule } = await feeContext(app, request, request.params.no);
      const row = found.row;
      const notices = await noticesOf(app, row.applicationNo);
      const current = [...notices].reverse().find((n) => n.status === 'issued');
      if (!current) throw refused(`Application ${row.applicationNo} has no unpaid payment notice to waive or reduce`, 'fee_not_assessable');
      if (request.body.toFen >= current.amountFen) throw invalid('toFen', `must be less than the current ${current.amountFen} fen`);
      // The new notice first (a retry finds it issued), then the old one withdrawn: a payment of it is refused from then on.
      let issued: IssuedFee | undefined;
      if (request.body.toFen > 0) {
        const lines = reducedLines(current.lines, request.body.toFen);
        issued = await issueNotice(app, row, noticeNo(row.applicationNo, notices.length), request.body.toFen, lines, schedule, current.reductions);
      }
      await platformCall(app, (platform) => platform.cancelNotice(current.noticeNo));
      await executeUpdate(app, row.applicationNo, adjustFeeUpdate, { officer: officerOf(request), reason: request.body.reason, toFen: request.body.toFen, notice: issued });
      return feesView(app, row.applicationNo, schedule);
    },
  );

  app.post(
    '/applications/:no/fees/refunds',
    {
      schema: { tags: ['fees'], summary: 'The lead window asks for a refund (退费) of a paid fee, with a reason; a leader approves it', params: applicationNoParams, body: refundRequest, response: responses },
      config: { access: WINDOW_STAFF, examples: examples.refundRequestExamples },
    },
    async (request) => {
      const { found, schedule } = await feeContext(app, request, request.params.no);
      await executeUpdate(app, found.row.applicationNo, requestRefundUpdate, { officer: officerOf(request), ...request.body });
      return feesView(app, found.row.applicationNo, schedule);
    },
  );

  app.post(
    '/applications/:no/fees/refunds/:refundNo/decision',
    {
      schema: {
        tags: ['fees'],
        summary: 'A leader of the lead department, not the one who asked, approves or rejects a refund; an approved one goes back through the payment platform',
        params: refundParams,
        body: refundDecision,
        response: responses,
      },
      config: { access: ['department_leader'], examples: examples.refundDecisionExamples },
    },
    async (request) => {
      const { found, schedule } = await feeContext(app, request, request.params.no);
      await executeUpdate(app, found.row.applicationNo, decideRefundUpdate, { officer: officerOf(request), refundNo: request.params.refundNo, ...request.body });
      return feesView(app, found.row.applicationNo, schedule);
    },
  );
};

const difference = z
  .object({
    kind: z.enum(['here_not_there', 'there_not_here', 'amount_differs']).describe('Recorded here and not on the statement, on the statement and not here, or of another amount'),
    what: z.enum(['payment', 'refund']),
    id: z.string().describe('The platform’s payment id, or the refund’s number'),
    noticeNo: z.string(),
    applicationNo: z.string(),
    centreCode: z.string(),
    hereFen: z.number().int().optional(),
    thereFen: z.number().int().optional(),
  })
  .meta({ id: 'FeeDifference' });

const reconciliation = z
  .object({
    day: z.string().describe('The day in China reconciled'),
    ranAt: z.string(),
    statementLines: z.number().int(),
    recordedLines: z.number().int(),
    matched: z.number().int(),
    differences: z.array(difference).describe('Those at the caller’s centre and below'),
  })
  .meta({ id: 'FeeReconciliation' });

export const feeReconciliationRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/fees/reconciliations',
    {
      schema: {
        tags: ['fees'],
        summary: 'The nightly reconciliations (对账) against the payment platform’s statement, newest first, with every difference at the centre and below',
        querystring: z.object({ centre: z.string().regex(/^\d{6}$/).optional(), limit: z.coerce.number().int().min(1).max(366).default(30) }),
        response: { 200: z.object({ reconciliations: z.array(reconciliation) }), 400: errorBody, 401: errorBody, 403: errorBody },
      },
      config: { access: OVERSIGHT, examples: examples.reconciliationExamples },
    },
    async (request) => {
      const scope = scopeCentre(request, request.query.centre, 'read reconciliations');
      const rows = await listReconciliations(app.deps.database.db, { limit: request.query.limit, within: (code) => withinCentre(scope, code) });
      return { reconciliations: rows.map(({ id: _id, ...row }) => row) };
    },
  );
};

type Found = NonNullable<Awaited<ReturnType<typeof findApplication>>>;

/** The application (the caller must see it) and the fee schedule it was submitted under; 404 when its item charges nothing. */
async function feeContext(app: FastifyInstance, request: FastifyRequest, applicationNo: string): Promise<{ found: Found; schedule: FeeSchedule }> {
  const found = await findApplication(app.deps.database.db, applicationNo);
  if (!found) throw notFound(`Application ${applicationNo}`);
  requireSight(request, found.row, found.reviews);
  const item = await findItemVersion(app.deps.database.db, found.row.itemCode, found.row.itemVersion);
  const schedule = item?.definition.feeSchedule;
  if (!schedule) throw new HttpError(404, 'no_fees', `Item ${found.row.itemCode} (version ${found.row.itemVersion}) charges no fee`);
  return { found, schedule };
}

const officerOf = (request: FastifyRequest): Officer => {
  const officer = staffOf(request);
  return { id: officer.id, name: officer.name, role: officer.role, centreCode: officer.centreCode, departmentCode: officer.departmentCode };
};

const noticesOf = (app: FastifyInstance, applicationNo: string) =>
  app.deps.database.db.select().from(feeNotices).where(eq(feeNotices.applicationNo, applicationNo)).orderBy(asc(feeNotices.issuedAt), asc(feeNotices.noticeNo));

/** The next notice's number; the workflow refuses one that is not (a notice it has not yet written: try again). */
const nextNoticeNo = async (app: FastifyInstance, applicationNo: string) => noticeNo(applicationNo, (await noticesOf(app, applicationNo)).length);

/** Has the platform issue the notice (nothing to issue for a fee of 0) and returns it as the workflow takes it. */
async function issueNotice(
  app: FastifyInstance,
  row: Found['row'],
  number: string,
  amountFen: number,
  lines: IssuedFee['lines'],
  schedule: FeeSchedule,
  reductions: string[],
): Promise<IssuedFee> {
  const issued: IssuedFee = { noticeNo: number, amountFen, lines, reductions };
  if (amountFen === 0) return issued;
  const from = new Date().toISOString();
  const calendar = new WorkingCalendar(await calendarSnapshot(app.deps.database.db, row.centreCode, chinaDate(from), spanFor(schedule.paymentLimitDays)));
  const { paymentCode } = await platformCall(app, (platform) =>
    platform.issueNotice({
      noticeNo: number,
      applicationNo: row.applicationNo,
      payer: { name: row.applicant.name, idNumber: row.applicant.idNumber },
      amountFen,
      lines: chargedLines(lines),
      dueAt: calendar.due(from, schedule.paymentLimitDays).due,
    }),
  );
  return { ...issued, paymentCode };
}

/** A call to the payment platform: its refusal is 409, its absence 503 (nothing has changed). */
async function platformCall<T>(app: FastifyInstance, call: (platform: PaymentPlatform) => Promise<T>): Promise<T> {
  const platform = app.deps.payments?.platform;
  if (!platform) throw new HttpError(503, 'payments_not_configured', 'No payment platform is configured (PAYMENT_PLATFORM_URL): fees cannot be charged here');
  try {
    return await call(platform);
  } catch (err) {
    if (err instanceof PaymentPlatformError) throw refused(`The payment platform refused: ${err.message}`, `payment_platform_${err.code}`);
    throw new HttpError(503, 'payment_platform_unavailable', `The payment platform cannot be reached (${(err as Error).message}); nothing was changed, try again`);
  }
}

async function feesView(app: FastifyInstance, applicationNo: string, schedule: FeeSchedule): Promise<z.infer<typeof fees>> {
  const rows = await noticesOf(app, applicationNo);
  const refunds = await app.deps.database.db
    .select()
    .from(feeRefunds)
    .where(eq(feeRefunds.applicationNo, applicationNo))
    .orderBy(asc(feeRefunds.requestedAt), asc(feeRefunds.refundNo));
  const current = [...rows].reverse().find((n) => n.status === 'issued' || n.status === 'paid') ?? rows.at(-1);
  const status = !current ? 'awaiting_assessment' : current.status === 'issued' ? 'awaiting_payment' : (current.status as 'paid' | 'waived' | 'cancelled');
  return {
    applicationNo,
    status,
    amountFen: current?.amountFen ?? null,
    paymentCode: current?.status === 'issued' || current?.status === 'paid' ? current.paymentCode : null,
    dueAt: current?.status === 'issued' ? current.dueAt : null,
    notices: rows.map((n) => ({
      noticeNo: n.noticeNo,
      status: n.status as z.infer<typeof notice>['status'],
      amountFen: n.amountFen,
      grossFen: n.grossFen,
      lines: n.lines,
      reductions: n.reductions,
      paymentCode: n.paymentCode,
      issuedAt: n.issuedAt,
      dueAt: n.dueAt,
      paidAt: n.paidAt,
      receiptNo: n.receiptNo,
      adjustment: n.adjustment && { ...n.adjustment, officer: { id: n.adjustment.officer.id, name: n.adjustment.officer.name } },
    })),
    refunds: refunds.map((r) => ({
      refundNo: r.refundNo,
      noticeNo: r.noticeNo,
      amountFen: r.amountFen,
      reason: r.reason,
      status: r.status as z.infer<typeof refund>['status'],
      requestedBy: r.requestedBy === 'rule' ? 'rule' : r.requestedBy.id,
      requestedAt: r.requestedAt,
      decidedBy: r.decidedBy?.id ?? null,
      decidedAt: r.decidedAt,
      refundedAt: r.refundedAt,
      failure: r.failure,
    })),
    schedule,
  };
}

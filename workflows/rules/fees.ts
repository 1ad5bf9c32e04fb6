/**
 * Fees (行政事业性收费): the item's fee schedule, the assessment (核定) of what one application owes, a
 * leader's waiver or reduction, and the payment the region's non-tax payment platform reports. Every
 * amount is a whole number of fen (分), never a float. Workflow-safe: no imports beyond types.
 */
import type { ApplicationState, Officer, Review } from '../messages.js';
import { CLOSED_STAGES, REFUSALS } from '../messages.js';
import { actsFor } from './authority.js';
import { type Change, type Draft, change, enter } from './change.js';
import { movedDeadlines } from './deadlines.js';
import { type Refusal, refusal, unauthorised, when } from './refusal.js';
import { activeStop } from './review.js';
import type { WorkingCalendar } from './working-days.js';

/** How one fee line is charged: a fixed amount, per unit (the first `freeUnits` free), or tiered by quantity. */
export type FeeStandard =
  | { type: 'fixed'; amountFen: number }
  | { type: 'per_unit'; unit: string; unitFen: number; freeUnits?: number }
  | { type: 'tiered'; unit: string; tiers: { upTo?: number; unitFen: number }[] };

/** The document and article that allow the charge (收费依据). */
export interface FeeBasis {
  document: string;
  article?: string;
}

export interface FeeLine {
  code: string;
  name: string;
  basis: FeeBasis;
  standard: FeeStandard;
  /** Who pays (缴费人): the applicant unless the schedule says otherwise. */
  payer: string;
  /** The window decides whether the line applies (e.g. 住宅类 or 非住宅类); a rule-assessed schedule has none. */
  optional: boolean;
}

/** An exemption (免收) or reduction (减收) the window may apply where the applicant qualifies, e.g. 小微企业. */
export interface FeeReduction {
  code: string;
  name: string;
  basis: FeeBasis;
  /** How much is taken off, in per cent: 100 exempts. */
  percent: number;
  /** The lines it applies to; all of them when absent. */
  lines?: string[];
}

export interface FeeSchedule {
  /** When the fee is assessed: at intake (受理), or once every department has approved (办结). */
  assessAt: 'intake' | 'decision';
  /** `rule`: the lines are fixed and the workflow assesses them itself; `window`: the lead window assesses. */
  assessedBy: 'rule' | 'window';
  /** The result is handed over only after payment. */
  payBeforePickup: boolean;
  /** Working days the applicant has to pay, from the notice. */
  paymentLimitDays: number;
  /** The applicant is reminded this many working days before the payment deadline. */
  reminderDays: number;
  /**
   * What happens at the deadline: `supervise` lists the application to supervisors as unpaid past its
   * deadline; `terminate` (an assessment at intake only) also ends an application still in review
   * (终止办理: not granted, its open reviews withdrawn, its notice withdrawn at the platform).
   */
  onOverdue: 'supervise' | 'terminate';
  /**
   * Waiting for payment stops the application's clock (an assessment at intake only): from the notice
   * to the payment or waiver, its limits move by the working days it stood still, like a clock stop.
   * The departments' own review clocks run on: they review while the applicant pays.
   */
  stopsClocks?: boolean;
  /** Calendar days after the application closes in which a refund may still be asked; 0: only while it is open. */
  refundDays?: number;
  lines: FeeLine[];
  reductions: FeeReduction[];
}

/** What the window assesses: the quantity of each line that applies, and the reductions the applicant qualifies for. */
export interface FeeAssessment {
  lines: { code: string; quantity: number }[];
  reductions: string[];
}

export interface AssessedLine {
  code: string;
  name: string;
  quantity: number;
  /** Before reductions. */
  grossFen: number;
  reductionFen: number;
  amountFen: number;
}

/** A payment notice (缴款通知书): what is owed, and the code the payment platform gave it. */
export interface FeeNotice {
  noticeNo: string;
  amountFen: number;
  lines: AssessedLine[];
  reductions: string[];
  paymentCode?: string;
  issuedAt: string;
  dueAt: string;
  /** `superseded` by a leader's reduction, `waived` by a leader's waiver, `paid` once. */
  status: 'issued' | 'paid' | 'superseded' | 'waived' | 'cancelled';
  assessedBy: Officer | 'rule';
  /** The leader's waiver or reduction that ended it. */
  adjustment?: FeeAdjustment;
}

export interface FeeAdjustment {
  officer: Officer;
  reason: string;
  fromFen: number;
  toFen: number;
  at: string;
}

/** A payment, as the platform reported it in a verified notification. */
export interface FeePayment {
  paymentId: string;
  noticeNo: string;
  amountFen: number;
  paidAt: string;
  /** The electronic receipt (财政电子票据) number. */
  receiptNo: string;
  channel?: string;
}

export interface FeeState {
  /** `cancelled`: the application was rejected with its fee unpaid, and the notice withdrawn. */
  status: 'awaiting_assessment' | 'awaiting_payment' | 'paid' | 'waived' | 'cancelled';
  notices: FeeNotice[];
  payments: FeePayment[];
  /** The current notice's payment deadline. */
  dueAt?: string;
  /** When the applicant is reminded of it. */
  remindAt?: string;
  remindedAt?: string;
  overdueAt?: string;
  /** A leader's waiver or reduction, with the reason (audited). */
  adjustments: FeeAdjustment[];
  /** Since when waiting for payment holds the application's clock (the schedule's `stopsClocks`). */
  clockStoppedAt?: string;
  /** Refunds (退费), each requested with a reason, approved by a leader, and paid back through the platform once. */
  refunds: FeeRefund[];
}

/**
 * A refund: requested by the lead window (or by the rule, when an application is refused after its fee
 * was paid), approved or rejected by a leader of the lead department who did not request it, submitted
 * to the platform, and refunded when the platform reports it; `failed` when the platform refuses it.
 */
export interface FeeRefund {
  /** <noticeNo>-R1, -R2 … */
  refundNo: string;
  noticeNo: string;
  paymentId: string;
  amountFen: number;
  reason: string;
  requestedBy: Officer | 'rule';
  requestedAt: string;
  status: 'requested' | 'approved' | 'rejected' | 'submitted' | 'refunded' | 'failed';
  decidedBy?: Officer;
  decidedAt?: string;
  note?: string;
  submittedAt?: string;
  refundedAt?: string;
  /** The platform's refusal, when it refused. */
  failure?: string;
}

export interface RefundRequest {
  officer: Officer;
  amountFen: number;
  reason: string;
}

export interface RefundDecision {
  officer: Officer;
  refundNo: string;
  approve: boolean;
  note?: string;
}

/** The platform's report of a refund paid back. */
export interface RefundReport {
  refundNo: string;
  amountFen: number;
  refundedAt: string;
}

/** A payment notice the window or the rule has had the platform issue, as the workflow is told of it. */
export interface IssuedFee {
  noticeNo: string;
  paymentCode?: string;
  amountFen: number;
  lines: AssessedLine[];
  reductions: string[];
}

/** The window's assessment, with the notice the API had the platform issue for it. */
export interface FeeAssessmentUpdate {
  officer: Officer;
  assessment: FeeAssessment;
  notice: IssuedFee;
}

/** A leader's waiver (toFen 0) or reduction, with the new notice the API had issued for a reduction. */
export interface FeeAdjustmentUpdate {
  officer: Officer;
  reason: string;
  toFen: number;
  notice?: IssuedFee;
}

/** The most one application's fee may come to, after reductions: ten million yuan. */
export const MAX_FEN = 1_000_000_000;

/** The line's amount before reductions, for this quantity. */
export function grossFen(standard: FeeStandard, quantity: number): number {
  switch (standard.type) {
    case 'fixed':
      return standard.amountFen * quantity;
    case 'per_unit':
      return Math.max(0, quantity - (standard.freeUnits ?? 0)) * standard.unitFen;
    case 'tiered': {
      // Marginal tiers: the units up to each bound are charged at that tier's price.
      let total = 0;
      let counted = 0;
      for (const tier of standard.tiers) {
        const upTo = tier.upTo ?? Number.POSITIVE_INFINITY;
        const units = Math.max(0, Math.min(quantity, upTo) - counted);
        total += units * tier.unitFen;
        counted += units;
        if (counted >= quantity) break;
      }
      return total;
    }
  }
}

/** What this assessment owes under the schedule, or the first problem with it. */
export function assess(schedule: FeeSchedule, assessment: FeeAssessment): { lines: AssessedLine[]; amountFen: number } | { problem: string } {
  const byCode = new Map(schedule.lines.map((line) => [line.code, line]));
  const reductions = assessment.reductions.map((code) => schedule.reductions.find((r) => r.code === code));
  const unknownReduction = assessment.reductions.find((_, i) => !reductions[i]);
  if (unknownReduction !== undefined) return { problem: `the schedule has no reduction ${unknownReduction}` };
  if (new Set(assessment.reductions).size !== assessment.reductions.length) return { problem: 'a reduction is applied twice' };
  const seen = new Set<string>();
  const lines: AssessedLine[] = [];
  for (const { code, quantity } of assessment.lines) {
    const line = byCode.get(code);
    if (!line) return { problem: `the schedule has no fee line ${code}` };
    if (seen.has(code)) return { problem: `fee line ${code} is assessed twice` };
    if (!Number.isInteger(quantity) || quantity < 0 || quantity > 10_000) return { problem: `the quantity of ${code} must be a whole number from 0 to 10000` };
    seen.add(code);
    const gross = grossFen(line.standard, quantity);
    // Reductions of one line add up, and never take off more than the line.
    const percent = Math.min(100, reductions.filter((r) => !r!.lines || r!.lines.includes(code)).reduce((sum, r) => sum + r!.percent, 0));
    const reductionFen = Math.floor((gross * percent) / 100);
    lines.push({ code, name: line.name, quantity, grossFen: gross, reductionFen, amountFen: gross - reductionFen });
  }
  const missing = schedule.lines.find((line) => !line.optional && !seen.has(line.code));
  if (missing) return { problem: `fee line ${missing.code} (${missing.name}) applies to every application: assess it` };
  const amountFen = lines.reduce((sum, line) => sum + line.amountFen, 0);
  if (amountFen > MAX_FEN) return { problem: `the fee comes to ${amountFen} fen, more than ${MAX_FEN}` };
  return { lines, amountFen };
}

/**
 * A leader's reduction to `toFen`, shared over the lines in proportion so that they add up to it: each
 * line its whole fen, the fen left over to the lines with the largest remainders (never above a line's own).
 */
export function reducedLines(lines: AssessedLine[], toFen: number): AssessedLine[] {
  const total = lines.reduce((sum, line) => sum + line.amountFen, 0);
  const shares = lines.map((line) => (total === 0 ? 0 : (line.amountFen * toFen) / total));
  const amounts = shares.map(Math.floor);
  let left = toFen - amounts.reduce((sum, amount) => sum + amount, 0);
  const byRemainder = shares.map((share, i) => ({ i, rest: share - amounts[i] })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left === 0) break;
    if (amounts[i] < lines[i].amountFen) {
      amounts[i] += 1;
      left -= 1;
    }
  }
  return lines.map((line, i) => ({ ...line, amountFen: amounts[i], reductionFen: line.grossFen - amounts[i] }));
}

/** The lines a payment notice lists at the platform: those with something to pay (an exempted line is not collected). */
export const chargedLines = (lines: AssessedLine[]) => lines.filter((line) => line.amountFen > 0).map(({ code, name, amountFen }) => ({ code, name, amountFen }));

/** A rule-assessed schedule: every line once, no reductions. */
export const ruleAssessment = (schedule: FeeSchedule): FeeAssessment => ({
  lines: schedule.lines.map((line) => ({ code: line.code, quantity: 1 })),
  reductions: [],
});

/** An application of an item with a fee schedule starts owing an assessment. */
export const unassessed = (): FeeState => ({ status: 'awaiting_assessment', notices: [], payments: [], adjustments: [], refunds: [] });

/** The notice numbers of an application: <applicationNo>-F1, -F2 … in the order they are issued. */
export const noticeNo = (applicationNo: string, index: number) => `${applicationNo}-F${index + 1}`;

/** The stage at which the schedule's assessment is due, and whether the application has reached it. */
export function assessmentDue(app: ApplicationState, schedule: FeeSchedule): boolean {
  if (schedule.assessAt === 'intake') return app.stage === 'in_review' || app.stage === 'completed' || app.stage === 'picked_up';
  return app.stage === 'completed' || app.stage === 'picked_up';
}

/** Settled: nothing more is owed (paid, or waived). */
export const settled = (fees: FeeState | undefined) => !fees || fees.status === 'paid' || fees.status === 'waived' || fees.status === 'cancelled';

export function assessmentRefusal(app: ApplicationState, schedule: FeeSchedule | undefined, update: FeeAssessmentUpdate): Refusal | undefined {
  if (!schedule || !app.fees) return refusal(REFUSALS.noFees, `Item ${app.itemCode} charges no fee`);
  const computed = assess(schedule, update.assessment);
  return (
    when(schedule.assessedBy !== 'window', REFUSALS.feeNotAssessable, `Item ${app.itemCode}'s fee is fixed and assessed by its rule`) ??
    when(!assessmentDue(app, schedule), REFUSALS.feeNotAssessable, `The fee is assessed at ${schedule.assessAt}; application ${app.applicationNo} is ${app.stage}`) ??
    when(app.fees.status !== 'awaiting_assessment', REFUSALS.feeNotAssessable, `The fee of ${app.applicationNo} is already assessed (${app.fees.status}); a leader may reduce or waive it`) ??
    unauthorised(actsFor(update.officer, app.leadDepartment, app.centreCode)) ??
    ('problem' in computed ? refusal(REFUSALS.feeNotAssessable, computed.problem) : undefined) ??
    noticeRefusal(app, update.notice, computed as { amountFen: number; lines: AssessedLine[] })
  );
}

/** The notice the API had issued must be the next one, for the amount and the lines the rules give. */
function noticeRefusal(app: ApplicationState, notice: IssuedFee, expected: { amountFen: number; lines: AssessedLine[] }): Refusal | undefined {
  const next = noticeNo(app.applicationNo, app.fees!.notices.length);
  // Field by field: the API may have read the lines back from a jsonb column, which orders keys its own way.
  const fields = (lines: AssessedLine[]) => JSON.stringify(lines.map((l) => [l.code, l.name, l.quantity, l.grossFen, l.reductionFen, l.amountFen]));
  const same = (a: AssessedLine[], b: AssessedLine[]) => fields(a) === fields(b);
  return (
    when(notice.noticeNo !== next, REFUSALS.feeNotAssessable, `The next payment notice is ${next}, not ${notice.noticeNo}`) ??
    when(notice.amountFen !== expected.amountFen, REFUSALS.feeNotAssessable, `The notice is for ${notice.amountFen} fen; it should be ${expected.amountFen}`) ??
    when(!same(notice.lines, expected.lines), REFUSALS.feeNotAssessable, 'The notice’s lines are not the assessed ones') ??
    when(notice.amountFen > 0 && !notice.paymentCode, REFUSALS.feeNotAssessable, 'A notice with an amount carries its payment code')
  );
}

/**
 * The fee assessed and its notice issued (or nothing owed, when it comes to 0), due `dueAt`. Where
 * waiting for payment stops the clock (`stopsClock`), an application in review stands still from now.
 */
export function feeAssessed(
  app: ApplicationState,
  notice: IssuedFee,
  assessedBy: Officer | 'rule',
  dueAt: string,
  remindAt: string | undefined,
  at: string,
  stopsClock = false,
): Change {
  const fees = app.fees!;
  const free = notice.amountFen === 0;
  const issued: FeeNotice = { ...notice, issuedAt: at, dueAt, status: free ? 'waived' : 'issued', assessedBy };
  const stops = stopsClock && !free && app.stage === 'in_review';
  const drafts: Draft[] = [
    { type: 'fee_assessed', actor: assessedBy === 'rule' ? undefined : assessedBy, data: { noticeNo: notice.noticeNo, amountFen: notice.amountFen, paymentCode: notice.paymentCode, dueAt } },
  ];
  if (stops) drafts.push({ type: 'fee_clock_stopped', data: { noticeNo: notice.noticeNo } });
  return change(
    app,
    {
      fees: { ...fees, status: free ? 'waived' : 'awaiting_payment', notices: [...fees.notices, issued], ...(free ? {} : { dueAt, remindAt }), ...(stops ? { clockStoppedAt: at } : {}) },
      ...(stops ? { stoppedSince: app.stoppedSince ?? at } : {}),
    },
    drafts,
    at,
  );
}

/**
 * Waiting for payment no longer holds the application's clock (paid, waived, or the review ended at
 * `at`): the application's clock runs again unless a review's stop still holds it, and every due
 * instant moves by the working days it stood still.
 */
export function feeClockResumed(app: ApplicationState, item: Parameters<typeof movedDeadlines>[1], calendar: WorkingCalendar, at: string): Change {
  const fees = app.fees!;
  const workingDays = calendar.workingDaysFrom(fees.clockStoppedAt!, at);
  const resumed: ApplicationState = { ...app, fees: { ...fees, clockStoppedAt: undefined } };
  if (app.stoppedSince && !app.reviews.some((r) => r.status === 'open' && activeStop(r))) {
    resumed.stoppedDays = app.stoppedDays + calendar.workingDaysFrom(app.stoppedSince, at);
    resumed.stoppedSince = undefined;
  }
  const { state, events } = change(resumed, {}, [{ type: 'fee_clock_resumed', data: { workingDays } }], at);
  return { state: app.deadlines ? movedDeadlines(state, item, calendar) : state, events };
}

/** A leader of the lead department may waive or reduce an unpaid fee, with a reason. */
export function adjustmentRefusal(app: ApplicationState, update: FeeAdjustmentUpdate): Refusal | undefined {
  if (!app.fees) return refusal(REFUSALS.noFees, `Item ${app.itemCode} charges no fee`);
  const current = currentNotice(app.fees);
  const outside = actsFor(update.officer, app.leadDepartment, app.centreCode);
  return (
    unauthorised(outside ?? (update.officer.role === 'department_leader' ? undefined : `only a leader of ${app.leadDepartment} may waive or reduce a fee; ${update.officer.id} is a ${update.officer.role}`)) ??
    when(app.fees.status !== 'awaiting_payment' || !current, REFUSALS.feeNotAssessable, `Only an unpaid assessed fee can be waived or reduced; the fee of ${app.applicationNo} is ${app.fees.status}`) ??
    when(!Number.isInteger(update.toFen) || update.toFen < 0, REFUSALS.feeNotAssessable, 'A waiver or reduction is to a whole number of fen from 0') ??
    when(!update.reason.trim(), REFUSALS.missingReason, 'A waiver or reduction needs a reason') ??
    when(current !== undefined && update.toFen >= current.amountFen, REFUSALS.feeNotAssessable, `A reduction must come below the current ${current?.amountFen} fen`) ??
    when(update.toFen > 0 && !update.notice, REFUSALS.feeNotAssessable, 'A reduction carries its new payment notice') ??
    when(update.toFen === 0 && update.notice !== undefined, REFUSALS.feeNotAssessable, 'A waiver issues no notice') ??
    (update.notice && current ? noticeRefusal(app, update.notice, { amountFen: update.toFen, lines: reducedLines(current.lines, update.toFen) }) : undefined)
  );
}

/** The current notice is superseded by the reduced one, or waived. */
export function feeAdjusted(app: ApplicationState, update: FeeAdjustmentUpdate, dueAt: string, remindAt: string | undefined, at: string): Change {
  const fees = app.fees!;
  const current = currentNotice(fees)!;
  const waived = update.toFen === 0;
  const adjustment = { officer: update.officer, reason: update.reason, fromFen: current.amountFen, toFen: update.toFen, at };
  const notices = fees.notices.map((n) => (n === current ? { ...n, status: waived ? ('waived' as const) : ('superseded' as const), adjustment } : n));
  if (update.notice) notices.push({ ...update.notice, issuedAt: at, dueAt, status: 'issued', assessedBy: update.officer });
  return change(
    app,
    {
      fees: {
        ...fees,
        status: waived ? 'waived' : 'awaiting_payment',
        notices,
        adjustments: [...fees.adjustments, adjustment],
        // The new notice has a deadline and a reminder of its own.
        ...(waived ? {} : { dueAt, remindAt, remindedAt: undefined, overdueAt: undefined }),
      },
    },
    [{ type: waived ? 'fee_waived' : 'fee_reduced', actor: update.officer, data: { fromFen: current.amountFen, toFen: update.toFen, reason: update.reason, noticeNo: update.notice?.noticeNo } }],
    at,
  );
}

/** The notice the applicant is to pay now: the last one issued and not superseded. */
export const currentNotice = (fees: FeeState): FeeNotice | undefined => [...fees.notices].reverse().find((n) => n.status === 'issued' || n.status === 'paid');

/** Whether a reported payment is already recorded (a repeated notification changes nothing). */
export const paymentRecorded = (app: ApplicationState, payment: FeePayment) => app.fees?.payments.some((p) => p.paymentId === payment.paymentId) ?? false;

/** A payment is taken for the current, unpaid notice, for exactly its amount. */
export function paymentRefusal(app: ApplicationState, payment: FeePayment): Refusal | undefined {
  if (!app.fees) return refusal(REFUSALS.noFees, `Item ${app.itemCode} charges no fee`);
  if (paymentRecorded(app, payment)) return undefined;
  const notice = app.fees.notices.find((n) => n.noticeNo === payment.noticeNo);
  return (
    when(!notice, REFUSALS.unknownNotice, `Application ${app.applicationNo} has no payment notice ${payment.noticeNo}`) ??
    when(notice?.status === 'paid', REFUSALS.noticeNotPayable, `Notice ${payment.noticeNo} is already paid (by another payment)`) ??
    when(notice?.status === 'superseded' || notice?.status === 'waived' || notice?.status === 'cancelled', REFUSALS.noticeNotPayable, `Notice ${payment.noticeNo} was ${notice?.status} and is not payable`) ??
    when(notice !== undefined && payment.amountFen !== notice.amountFen, REFUSALS.amountMismatch, `Paid ${payment.amountFen} fen; notice ${payment.noticeNo} is for ${notice?.amountFen} fen`)
  );
}

export function feePaid(app: ApplicationState, payment: FeePayment, at: string): Change {
  const fees = app.fees!;
  const notices = fees.notices.map((n) => (n.noticeNo === payment.noticeNo ? { ...n, status: 'paid' as const } : n));
  return change(
    app,
    { fees: { ...fees, status: 'paid', notices, payments: [...fees.payments, payment] } },
    [{ type: 'fee_paid', data: { noticeNo: payment.noticeNo, paymentId: payment.paymentId, amountFen: payment.amountFen, receiptNo: payment.receiptNo, paidAt: payment.paidAt } }],
    at,
  );
}

/** The applicant is reminded that the payment deadline is near. */
export const feeReminded = (app: ApplicationState, at: string): Change =>
  change(app, { fees: { ...app.fees!, remindedAt: at } }, [{ type: 'fee_reminder', data: { dueAt: app.fees!.dueAt } }], at);

/**
 * The payment deadline passed unpaid: supervisors see it listed (the schedule's `supervise`). Under
 * `terminate`, an application still in review also ends there (终止办理), not granted: its open
 * reviews are withdrawn, and the notice is withdrawn at the platform after it.
 */
export function feeOverdue(app: ApplicationState, at: string, onOverdue: FeeSchedule['onOverdue'] = 'supervise'): Change {
  const terminates = onOverdue === 'terminate' && app.stage === 'in_review';
  const drafts: Draft[] = [{ type: 'fee_overdue', data: { dueAt: app.fees!.dueAt, ...(terminates ? { outcome: 'terminated' } : {}) } }];
  if (!terminates) return change(app, { fees: { ...app.fees!, overdueAt: at } }, drafts, at);
  const reason = TERMINATED_UNPAID;
  const reviews = app.reviews.map((review): Review => (review.status === 'open' ? { ...review, status: 'withdrawn', decidedAt: at, reason } : review));
  reviews.forEach((review, i) => {
    if (review !== app.reviews[i]) drafts.push({ type: 'review_withdrawn', step: review.step, department: review.department, data: { reason } });
  });
  drafts.push({ type: 'fee_terminated', data: { reason } });
  return change(app, { fees: { ...app.fees!, overdueAt: at }, reviews, ...enter('rejected', at) }, drafts, at);
}

export const TERMINATED_UNPAID = '终止办理：逾期未缴纳费用 (terminated: the fee was not paid by its deadline)';

/** The application was rejected with its fee unpaid: the notice is withdrawn at the platform and nothing is owed. */
export function feeCancelled(app: ApplicationState, at: string): Change {
  const fees = app.fees!;
  const current = currentNotice(fees)!;
  const notices = fees.notices.map((n) => (n === current ? { ...n, status: 'cancelled' as const } : n));
  return change(app, { fees: { ...fees, status: 'cancelled', notices } }, [{ type: 'fee_cancelled', data: { noticeNo: current.noticeNo } }], at);
}

/** Pickup waits for the fee where the item hands the result over only after payment. */
export function unpaidRefusal(app: ApplicationState, schedule: FeeSchedule | undefined): Refusal | undefined {
  if (!schedule?.payBeforePickup || settled(app.fees)) return undefined;
  const notice = app.fees && currentNotice(app.fees);
  return refusal(
    REFUSALS.feeUnpaid,
    notice
      ? `The result is handed over after payment: notice ${notice.noticeNo} (${notice.amountFen} fen, payment code ${notice.paymentCode}) is unpaid`
      : `The result is handed over after payment: the fee of ${app.applicationNo} is not assessed yet`,
  );
}

/** Refunds not ended yet: the application's workflow stays open for them. */
export const refundsPending = (fees: FeeState | undefined) => (fees?.refunds ?? []).some((r) => ['requested', 'approved', 'submitted'].includes(r.status));

/** Until when (epoch ms) a refund of a closed application may still be asked; undefined: not after it closed. */
export function refundPeriodEnd(app: ApplicationState, schedule: FeeSchedule | undefined): number | undefined {
  if (!schedule?.refundDays || !app.closedAt || app.fees?.payments.length === 0) return undefined;
  return Date.parse(app.closedAt) + schedule.refundDays * 86_400_000;
}

/** What of the paid amount may still be refunded: paid, less every refund not rejected or failed. */
export function refundable(fees: FeeState): number {
  const paid = fees.payments.reduce((sum, p) => sum + p.amountFen, 0);
  const refunding = fees.refunds.filter((r) => r.status !== 'rejected' && r.status !== 'failed').reduce((sum, r) => sum + r.amountFen, 0);
  return paid - refunding;
}

export function refundRequestRefusal(app: ApplicationState, request: RefundRequest, at: string, schedule?: FeeSchedule): Refusal | undefined {
  if (!app.fees) return refusal(REFUSALS.noFees, `Item ${app.itemCode} charges no fee`);
  const left = refundable(app.fees);
  const until = refundPeriodEnd(app, schedule);
  return (
    unauthorised(actsFor(request.officer, app.leadDepartment, app.centreCode)) ??
    when(
      CLOSED_STAGES.includes(app.stage) && (until === undefined || Date.parse(at) >= until),
      REFUSALS.applicationClosed,
      `Application ${app.applicationNo} closed on ${app.closedAt}; a refund is asked within ${schedule?.refundDays ?? 0} days of closing`,
    ) ??
    when(app.fees.status !== 'paid', REFUSALS.feeNotAssessable, `Only a paid fee is refunded; the fee of ${app.applicationNo} is ${app.fees.status}`) ??
    when(refundsPending(app.fees), REFUSALS.feeNotAssessable, `A refund of ${app.applicationNo} is under way; one at a time`) ??
    when(left < 1, REFUSALS.feeNotAssessable, `The fee of ${app.applicationNo} is refunded in full`) ??
    when(!request.reason.trim(), REFUSALS.missingReason, 'A refund needs a reason') ??
    when(!Number.isInteger(request.amountFen) || request.amountFen < 1 || request.amountFen > left, REFUSALS.feeNotAssessable, `A refund is of 1 to ${left} fen (what was paid and is not refunded yet)`)
  );
}

/** A refund of the paid notice's payment is requested, numbered after the notice. */
export function refundRequested(app: ApplicationState, request: RefundRequest | { officer: 'rule'; amountFen: number; reason: string }, at: string): Change {
  const fees = app.fees!;
  const payment = fees.payments.at(-1)!;
  const refundNo = `${payment.noticeNo}-R${fees.refunds.length + 1}`;
  const refund: FeeRefund = {
    refundNo,
    noticeNo: payment.noticeNo,
    paymentId: payment.paymentId,
    amountFen: request.amountFen,
    reason: request.reason,
    requestedBy: request.officer,
    requestedAt: at,
    status: 'requested',
  };
  return change(
    app,
    { fees: { ...fees, refunds: [...fees.refunds, refund] } },
    [{ type: 'fee_refund_requested', actor: request.officer === 'rule' ? undefined : request.officer, data: { refundNo, amountFen: request.amountFen, reason: request.reason } }],
    at,
  );
}

/** A leader of the lead department decides a requested refund, and not the officer who requested it (separation of duties). */
export function refundDecisionRefusal(app: ApplicationState, decision: RefundDecision): Refusal | undefined {
  if (!app.fees) return refusal(REFUSALS.noFees, `Item ${app.itemCode} charges no fee`);
  const refund = app.fees.refunds.find((r) => r.refundNo === decision.refundNo);
  const outside = actsFor(decision.officer, app.leadDepartment, app.centreCode);
  const requester = refund && refund.requestedBy !== 'rule' ? refund.requestedBy.id : undefined;
  return (
    unauthorised(outside ?? (decision.officer.role === 'department_leader' ? undefined : `only a leader of ${app.leadDepartment} approves a refund; ${decision.officer.id} is a ${decision.officer.role}`)) ??
    unauthorised(requester === decision.officer.id ? `${decision.officer.id} requested refund ${decision.refundNo} and may not decide it too` : undefined) ??
    when(!refund, REFUSALS.feeNotAssessable, `Application ${app.applicationNo} has no refund ${decision.refundNo}`) ??
    when(refund !== undefined && refund.status !== 'requested', REFUSALS.feeNotAssessable, `Refund ${decision.refundNo} is ${refund?.status}, not waiting for a decision`)
  );
}

export function refundDecided(app: ApplicationState, decision: RefundDecision, at: string): Change {
  const status = decision.approve ? ('approved' as const) : ('rejected' as const);
  return withRefund(app, decision.refundNo, { status, decidedBy: decision.officer, decidedAt: at, note: decision.note }, {
    type: `fee_refund_${status}`,
    actor: decision.officer,
    data: { refundNo: decision.refundNo, note: decision.note },
  }, at);
}

/** The platform accepted the refund (it pays back later and reports it), or refused it. */
export const refundSubmitted = (app: ApplicationState, refundNo: string, at: string, failure?: string): Change =>
  failure !== undefined
    ? withRefund(app, refundNo, { status: 'failed', failure }, { type: 'fee_refund_failed', data: { refundNo, failure } }, at)
    : withRefund(app, refundNo, { status: 'submitted', submittedAt: at }, { type: 'fee_refund_submitted', data: { refundNo } }, at);

/** Whether a reported refund is already recorded (a repeated report changes nothing). */
export const refundRecorded = (app: ApplicationState, report: RefundReport) =>
  app.fees?.refunds.some((r) => r.refundNo === report.refundNo && r.status === 'refunded' && r.amountFen === report.amountFen) ?? false;

export function refundReportRefusal(app: ApplicationState, report: RefundReport): Refusal | undefined {
  if (!app.fees) return refusal(REFUSALS.noFees, `Item ${app.itemCode} charges no fee`);
  if (refundRecorded(app, report)) return undefined;
  const refund = app.fees.refunds.find((r) => r.refundNo === report.refundNo);
  return (
    when(!refund, REFUSALS.unknownNotice, `Application ${app.applicationNo} has no refund ${report.refundNo}`) ??
    when(refund?.status === 'refunded', REFUSALS.amountMismatch, `Refund ${report.refundNo} was refunded with ${refund?.amountFen} fen; this report says ${report.amountFen}`) ??
    when(refund?.status === 'failed', REFUSALS.noticeNotPayable, `Refund ${report.refundNo} failed: the platform refused it (${refund?.failure})`) ??
    when(refund !== undefined && !['approved', 'submitted', 'failed'].includes(refund.status), REFUSALS.noticeNotPayable, `Refund ${report.refundNo} is ${refund?.status}: it was not sent to the platform`) ??
    when(refund !== undefined && report.amountFen !== refund.amountFen, REFUSALS.amountMismatch, `Refunded ${report.amountFen} fen; refund ${report.refundNo} is of ${refund?.amountFen} fen`)
  );
}

export const refunded = (app: ApplicationState, report: RefundReport, at: string): Change =>
  withRefund(app, report.refundNo, { status: 'refunded', refundedAt: report.refundedAt }, { type: 'fee_refunded', data: { refundNo: report.refundNo, amountFen: report.amountFen, refundedAt: report.refundedAt } }, at);

function withRefund(app: ApplicationState, refundNo: string, fields: Partial<FeeRefund>, event: Draft, at: string): Change {
  const fees = app.fees!;
  const refunds = fees.refunds.map((r) => (r.refundNo === refundNo ? { ...r, ...fields } : r));
  return change(app, { fees: { ...fees, refunds } }, [event], at);
}

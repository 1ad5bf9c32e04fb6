/**
 * An application's fee (行政事业性收费), inside its workflow: the assessment (by the lead window, or by
 * the item's rule when every line is fixed), a leader's waiver or reduction, the payments the platform
 * reports, and the payment deadline with its reminder, each a durable timer. The rules are in
 * workflows/rules/fees.ts; an application whose item charges nothing never reaches this code.
 *
 * The window's assessment and a leader's reduction arrive with the notice the API had the payment
 * platform issue (a platform that is down answers the window 503 and nothing changes); a rule's
 * assessment issues its notice from an ordinary activity, retried until the platform answers.
 */
import { condition, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ApplicationRecord } from './application-record.js';
import type { Clocks } from './clocks.js';
import {
  type ApplicationInput,
  type ApplicationState,
  CLOSED_STAGES,
  adjustFeeUpdate,
  assessFeeUpdate,
  decideRefundUpdate,
  paymentUpdate,
  refundedUpdate,
  requestRefundUpdate,
} from './messages.js';
import { refuseIf } from './refuse.js';
import {
  type FeeAdjustmentUpdate,
  type FeeAssessmentUpdate,
  type FeePayment,
  type FeeSchedule,
  type RefundDecision,
  type RefundReport,
  type RefundRequest,
  adjustmentRefusal,
  assess,
  assessmentDue,
  assessmentRefusal,
  chargedLines,
  currentNotice,
  feeAdjusted,
  feeAssessed,
  feeCancelled,
  feeClockResumed,
  feeOverdue,
  feePaid,
  feeReminded,
  noticeNo,
  paymentRecorded,
  paymentRefusal,
  refundDecided,
  refundDecisionRefusal,
  refundRecorded,
  refundReportRefusal,
  refundRequestRefusal,
  refundRequested,
  refundSubmitted,
  refundPeriodEnd,
  refundable,
  refunded,
  refundsPending,
  ruleAssessment,
  settled,
} from './rules/fees.js';
import { WorkingCalendar, chinaDate, spanFor } from './rules/working-days.js';

type Calls = Pick<Activities, 'calendarSnapshot' | 'issuePaymentNotice' | 'cancelPaymentNotice' | 'requestPlatformRefund'>;

export function handleFees(record: ApplicationRecord, input: ApplicationInput, calls: Calls, clocks: Pick<Clocks, 'calendarSinceAcceptance' | 'publishDeadlines'>) {
  const { state, now, commit } = record;
  const schedule = input.item.feeSchedule;

  /** The payment deadline of a notice issued now, and its reminder, in the centre's working days. */
  async function deadline(schedule: FeeSchedule, from: string): Promise<{ dueAt: string; remindAt?: string }> {
    const calendar = new WorkingCalendar(
      await calls.calendarSnapshot({ centreCode: state.centreCode, from: chinaDate(from), span: spanFor(schedule.paymentLimitDays) }),
    );
    const dueAt = calendar.due(from, schedule.paymentLimitDays).due;
    const ahead = schedule.paymentLimitDays - schedule.reminderDays;
    return { dueAt, remindAt: schedule.reminderDays > 0 && ahead > 0 ? calendar.due(from, ahead).due : undefined };
  }

  setHandler(
    assessFeeUpdate,
    async (update: FeeAssessmentUpdate) => {
      const at = now();
      const { dueAt, remindAt } = await deadline(schedule!, at);
      return record.record(commit(feeAssessed(state, update.notice, update.officer, dueAt, remindAt, at, schedule!.stopsClocks)));
    },
    { validator: (update: FeeAssessmentUpdate) => refuseIf(assessmentRefusal(state, schedule, update)) },
  );

  setHandler(
    adjustFeeUpdate,
    async (update: FeeAdjustmentUpdate) => {
      const at = now();
      const { dueAt, remindAt } = await deadline(schedule!, at);
      await record.record(commit(feeAdjusted(state, update, dueAt, remindAt, at)));
      return resumeClock();
    },
    { validator: (update: FeeAdjustmentUpdate) => refuseIf(adjustmentRefusal(state, update)) },
  );

  setHandler(
    paymentUpdate,
    // A repeated notification of a recorded payment answers with the state as it is, and writes nothing.
    async (payment: FeePayment) => {
      if (paymentRecorded(state, payment)) return state;
      await record.record(commit(feePaid(state, payment, now())));
      return resumeClock();
    },
    { validator: (payment: FeePayment) => refuseIf(paymentRefusal(state, payment)) },
  );

  setHandler(requestRefundUpdate, async (request: RefundRequest) => record.record(commit(refundRequested(state, request, now()))), {
    validator: (request: RefundRequest) => refuseIf(refundRequestRefusal(state, request, now(), schedule)),
  });

  setHandler(
    decideRefundUpdate,
    async (decision: RefundDecision) => {
      await record.record(commit(refundDecided(state, decision, now())));
      // The leader hears back at once; the platform is asked in the background, retried until it answers.
      if (decision.approve) void submitRefund(decision.refundNo);
      return state;
    },
    { validator: (decision: RefundDecision) => refuseIf(refundDecisionRefusal(state, decision)) },
  );

  setHandler(
    refundedUpdate,
    async (report: RefundReport) => (refundRecorded(state, report) ? state : record.record(commit(refunded(state, report, now())))),
    { validator: (report: RefundReport) => refuseIf(refundReportRefusal(state, report)) },
  );

  /**
   * A fee paid or waived no longer holds the application's clock (the schedule's `stopsClocks`): it
   * runs again, its limits moved by the working days it waited. Written after the payment, which is
   * on record whatever happens here; a decision taken meanwhile has ended the wait itself (clocks.stop).
   */
  async function resumeClock(): Promise<ApplicationState> {
    if (!state.fees?.clockStoppedAt || !settled(state.fees) || state.stage !== 'in_review') return state;
    const calendar = await clocks.calendarSinceAcceptance();
    if (!state.fees.clockStoppedAt || state.stage !== 'in_review') return state;
    const events = commit(feeClockResumed(state, input.item, calendar, now()));
    clocks.publishDeadlines();
    return record.record(events);
  }

  /** Sends an approved refund to the platform, which pays it back and reports it (keyed by the refund's number: a retry refunds nothing twice). */
  async function submitRefund(refundNo: string): Promise<void> {
    const refund = state.fees!.refunds.find((r) => r.refundNo === refundNo)!;
    const answer = await calls.requestPlatformRefund({
      refundNo,
      noticeNo: refund.noticeNo,
      paymentId: refund.paymentId,
      amountFen: refund.amountFen,
      reason: refund.reason,
    });
    // The platform's report may have come first: a refunded refund stays refunded.
    const latest = state.fees!.refunds.find((r) => r.refundNo === refundNo)!;
    if (latest.status !== 'approved') return;
    await record.record(commit(refundSubmitted(state, refundNo, now(), answer.accepted ? undefined : answer.failure)));
  }

  /** The rule's own assessment: every fixed line once, its notice issued through the platform. */
  async function assessByRule(schedule: FeeSchedule): Promise<void> {
    const computed = assess(schedule, ruleAssessment(schedule));
    if ('problem' in computed) throw new Error(`item ${input.item.code}'s fee schedule cannot be assessed by rule: ${computed.problem}`);
    const at = now();
    const { dueAt, remindAt } = await deadline(schedule, at);
    const notice = { noticeNo: noticeNo(state.applicationNo, state.fees!.notices.length), amountFen: computed.amountFen, lines: computed.lines, reductions: [] };
    const { paymentCode } =
      computed.amountFen === 0
        ? { paymentCode: undefined }
        : await calls.issuePaymentNotice({
            noticeNo: notice.noticeNo,
            applicationNo: state.applicationNo,
            payer: { name: input.applicant.name, idNumber: input.applicant.idNumber },
            amountFen: notice.amountFen,
            lines: chargedLines(notice.lines),
            dueAt,
          });
    await record.record(commit(feeAssessed(state, { ...notice, paymentCode }, 'rule', dueAt, remindAt, now(), schedule.stopsClocks)));
  }

  /** Until the fee is paid or waived: the reminder, then the deadline; a new notice moves both. */
  async function watchDeadline(): Promise<void> {
    while (state.fees!.status === 'awaiting_payment') {
      const fees = state.fees!;
      const next = fees.remindAt && !fees.remindedAt ? fees.remindAt : !fees.overdueAt ? fees.dueAt : undefined;
      const notice = currentNotice(fees);
      const moved = () => state.fees!.status !== 'awaiting_payment' || currentNotice(state.fees!)?.noticeNo !== notice?.noticeNo;
      if (!next) {
        await condition(moved);
        continue;
      }
      if (await condition(moved, Math.max(1, Date.parse(next) - Date.parse(now())))) continue;
      await record.record(commit(next === fees.dueAt ? feeOverdue(state, now(), schedule!.onOverdue) : feeReminded(state, now())));
    }
  }

  const refused = () => state.stage === 'rejected' || state.stage === 'not_accepted';
  const closedUnassessed = () => CLOSED_STAGES.includes(state.stage) && !assessmentDue(state, schedule!);

  return {
    /**
     * The fee's whole life beside the review: waits for its assessment (the rule's, or the window's),
     * then for payment or waiver past the reminder and the deadline. Returns at once for an item
     * without fees, and when the application closes before its fee is due (not accepted, rejected).
     * An application rejected with its notice unpaid has the notice cancelled at the platform.
     */
    async run(): Promise<void> {
      if (!schedule) return;
      await condition(() => closedUnassessed() || assessmentDue(state, schedule) || state.fees!.status !== 'awaiting_assessment');
      if (closedUnassessed() && state.fees!.status === 'awaiting_assessment') return;
      if (schedule.assessedBy === 'rule' && state.fees!.status === 'awaiting_assessment') await assessByRule(schedule);
      // A result handed over before payment still has its fee assessed: only a refusal ends the wait.
      else await condition(() => state.fees!.status !== 'awaiting_assessment' || refused());
      if (state.fees!.status === 'awaiting_assessment') return;
      const deadline = watchDeadline();
      await condition(() => settled(state.fees) || state.stage === 'rejected');
      if (!settled(state.fees)) {
        const notice = currentNotice(state.fees!)!;
        const { cancelled } = await calls.cancelPaymentNotice({ noticeNo: notice.noticeNo });
        // Paid at the platform as the application was refused: its notification records the payment.
        if (cancelled) await record.record(commit(feeCancelled(state, now())));
        else await condition(() => settled(state.fees));
      }
      await deadline;
      // Open until the application closes and every refund has ended.
      await condition(() => CLOSED_STAGES.includes(state.stage) && !refundsPending(state.fees));
      if (state.stage === 'rejected' && state.fees!.status === 'paid' && refundable(state.fees!) > 0) {
        // Refused after payment: what is left of it is to be refunded, once a leader approves (once: a leader may reject it).
        const reason = '申请未获准予，退还已缴费用 (the application was refused after its fee was paid)';
        await record.record(commit(refundRequested(state, { officer: 'rule', amountFen: refundable(state.fees!), reason }, now())));
        await condition(() => !refundsPending(state.fees));
      }
      // A paid fee can still be refunded for the schedule's refundDays after closing: the workflow waits for that.
      const until = refundPeriodEnd(state, schedule);
      while (until !== undefined && (await condition(() => refundsPending(state.fees), Math.max(1, until - Date.parse(now()))))) {
        await condition(() => !refundsPending(state.fees));
      }
    },
  };
}

/**
 * The read model's rows as the workflow's state and transitions give them: one mapping, used by the
 * writer (db/read-model.ts) and by the reconciler (db/reconcile.ts), which compares what is
 * stored with what the workflow committed.
 */
import type { accountabilityCases, alerts, applications, events, feeNotices, feeRefunds, reviews } from './schema/index.js';
import type { AlertLevel, ApplicationInput, ApplicationState, Officer, Review, TransitionEvent } from '../workflows/messages.js';
import { opensCase } from '../workflows/rules/alerts.js';

/** The first row of an application: the API writes it at submission, the workflow makes sure of it. */
export function applicationRow(input: ApplicationInput): typeof applications.$inferInsert {
  return {
    applicationNo: input.applicationNo,
    itemCode: input.item.code,
    itemVersion: input.item.version,
    centreCode: input.centreCode,
    leadDepartment: input.item.department,
    major: input.item.major,
    statutoryLimitDays: input.item.statutoryLimitDays,
    promisedLimitDays: input.item.promisedLimitDays,
    stage: 'submitted',
    applicant: input.applicant,
    materials: input.materials,
    clientReference: input.clientReference,
    submittedBy: input.submittedBy ?? null,
    plannedReviews: input.steps.flatMap((s) => s.reviews.map(({ department, centreCode }) => ({ department, centreCode }))),
    consultationId: input.consultation?.id,
    responsibleOfficer: input.consultation?.officer,
    submittedAt: input.submittedAt,
    lastSeq: 1,
  };
}

/** What a transition changes on the application's row. */
export function applicationColumns(state: ApplicationState) {
  return {
    stage: state.stage,
    materials: state.materials,
    responsibleOfficer: state.responsibleOfficer ?? null,
    acceptedAt: state.acceptedAt ?? null,
    completedAt: state.completedAt ?? null,
    pickedUpAt: state.pickedUpAt ?? null,
    handover: state.handover ?? null,
    closedAt: state.closedAt ?? null,
    warnAt: state.deadlines?.warnAt ?? null,
    promisedDueAt: state.deadlines?.promisedDue ?? null,
    statutoryDueAt: state.deadlines?.statutoryDue ?? null,
    dueProvisional: state.deadlines?.provisional ?? false,
    workingDaysTaken: state.timing?.workingDays ?? null,
    calendarDaysTaken: state.timing?.calendarDays ?? null,
    onTime: state.timing?.onTime ?? null,
    withinStatutory: state.timing?.withinStatutory ?? null,
    stoppedSince: state.stoppedSince ?? null,
    stoppedDays: state.stoppedDays,
    supervision: state.supervision,
    lastSeq: state.seq,
  } satisfies Partial<typeof applications.$inferInsert>;
}

export function eventRow(state: Pick<ApplicationState, 'applicationNo' | 'centreCode' | 'itemCode'>, event: TransitionEvent) {
  return {
    applicationNo: state.applicationNo,
    centreCode: state.centreCode,
    itemCode: state.itemCode,
    seq: event.seq,
    type: event.type,
    at: event.at,
    department: event.department ?? null,
    actor: event.actor ?? null,
    data: event.data ?? null,
  } satisfies typeof events.$inferInsert;
}

export function reviewRow(applicationNo: string, review: Review, lastSeq: number) {
  return {
    applicationNo,
    step: review.step,
    department: review.department,
    centreCode: review.centreCode,
    status: review.status,
    openedAt: review.openedAt ?? null,
    decidedAt: review.decidedAt ?? null,
    decidedBy: review.decidedBy ?? null,
    reason: review.reason ?? null,
    conditions: review.conditions ?? null,
    warnAt: review.deadlines?.warnAt ?? null,
    promisedDueAt: review.deadlines?.promisedDue ?? null,
    statutoryDueAt: review.deadlines?.statutoryDue ?? null,
    responsible: review.responsible ?? null,
    late: review.late ?? false,
    stops: review.stops,
    stoppedDays: review.stoppedDays,
    lastSeq,
  } satisfies typeof reviews.$inferInsert;
}

export const isAlert = (event: TransitionEvent) => event.type.startsWith('alert_');

interface AlertData {
  level: AlertLevel;
  centreCode: string;
  responsible: Officer[];
}

/** An alert (电子监察) is keyed by the event that raised it. */
export function alertRow(applicationNo: string, event: TransitionEvent) {
  const { level, centreCode, responsible } = event.data as unknown as AlertData;
  return {
    applicationNo,
    seq: event.seq,
    at: event.at,
    step: event.step ?? null,
    department: event.department ?? null,
    level,
    centreCode,
    responsible,
  } satisfies typeof alerts.$inferInsert;
}

/** A red alert opens an accountability case (责任追究) naming those responsible. */
export function caseRow(applicationNo: string, event: TransitionEvent) {
  const { level, centreCode, responsible } = event.data as unknown as AlertData;
  if (!opensCase(level)) return undefined;
  return {
    id: `${applicationNo}/${event.seq}`,
    applicationNo,
    alertSeq: event.seq,
    level,
    centreCode,
    department: event.department ?? null,
    responsible,
    status: 'open' as const,
    openedAt: event.at,
  } satisfies typeof accountabilityCases.$inferInsert;
}

/** The application's own alerts (not its reviews'), as the statistics count them. */
export function alertCounts(transitions: TransitionEvent[]) {
  const own = transitions.filter((e) => isAlert(e) && !e.department).map((e) => (e.data as unknown as AlertData).level);
  return { yellowAlerts: own.filter((l) => l === 'yellow').length, redAlerts: own.filter((l) => l !== 'yellow').length };
}

/** The application's payment notices, each with the payment that settled it, as of this transition. */
export function feeNoticeRows(state: ApplicationState): (typeof feeNotices.$inferInsert)[] {
  const fees = state.fees;
  if (!fees) return [];
  return fees.notices.map((notice) => {
    const payment = fees.payments.find((p) => p.noticeNo === notice.noticeNo);
    return {
      noticeNo: notice.noticeNo,
      applicationNo: state.applicationNo,
      centreCode: state.centreCode,
      itemCode: state.itemCode,
      department: state.leadDepartment,
      status: notice.status,
      amountFen: notice.amountFen,
      grossFen: notice.lines.reduce((sum, line) => sum + line.grossFen, 0),
      lines: notice.lines,
      reductions: notice.reductions,
      paymentCode: notice.paymentCode ?? null,
      assessedBy: notice.assessedBy,
      issuedAt: notice.issuedAt,
      dueAt: notice.dueAt,
      adjustment: notice.adjustment ?? null,
      paymentId: payment?.paymentId ?? null,
      paidAt: payment?.paidAt ?? null,
      receiptNo: payment?.receiptNo ?? null,
      channel: payment?.channel ?? null,
      lastSeq: state.seq,
    };
  });
}

/** The application's refunds, as of this transition. */
export function feeRefundRows(state: ApplicationState): (typeof feeRefunds.$inferInsert)[] {
  return (state.fees?.refunds ?? []).map((refund) => ({
    refundNo: refund.refundNo,
    noticeNo: refund.noticeNo,
    applicationNo: state.applicationNo,
    centreCode: state.centreCode,
    itemCode: state.itemCode,
    department: state.leadDepartment,
    paymentId: refund.paymentId,
    amountFen: refund.amountFen,
    reason: refund.reason,
    status: refund.status,
    requestedBy: refund.requestedBy,
    requestedAt: refund.requestedAt,
    decidedBy: refund.decidedBy ?? null,
    decidedAt: refund.decidedAt ?? null,
    note: refund.note ?? null,
    submittedAt: refund.submittedAt ?? null,
    refundedAt: refund.refundedAt ?? null,
    failure: refund.failure ?? null,
    lastSeq: state.seq,
  }));
}

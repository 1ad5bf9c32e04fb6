/**
 * The webhooks' outbox: what an application's changes tell its integrator. The read model's writer
 * (db/read-model.ts) calls `enqueueWebhooks` in the transaction that inserts the events, with the events
 * it inserted for the first time, so a change makes its messages exactly when it is committed to the read
 * model and never twice; the sender (server/webhook-sender.ts) delivers them.
 */
import { randomBytes } from 'node:crypto';
import { type SQL, and, eq, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Tx } from './client.js';
import type { IssuedDocument } from './documents.js';
import { applications, webhookDeliveries, webhookEndpoints, webhookMessages } from './schema/index.js';
import type { ApplicationState, TransitionEvent } from '../workflows/messages.js';

/** Every type an endpoint may choose, with what it means (English, Chinese). */
export const WEBHOOK_EVENT_TYPES = {
  'application.submitted': ['Submitted: waiting for intake at the lead department’s window', '已提交'],
  'application.accepted': ['Accepted at intake (受理): the reviews open and the limits count', '已受理'],
  'application.not_accepted': ['Not accepted at intake (不予受理), with the reason', '不予受理'],
  'application.supplement_requested': ['Intake asked for more material (补正), listing every missing one', '补正告知'],
  'application.supplement_received': ['The missing material was handed in', '已补正'],
  'review.decided': ['A department decided its review: approve (with any conditions) or reject, with the reason', '部门审批'],
  'application.rejected': ['Rejected (不予许可): a department rejected it, or an unpaid fee ended it', '不予许可'],
  'application.completed': ['Every department approved: completed (办结), waiting for pickup', '办结'],
  'application.picked_up': ['The applicant collected the result (取件)', '已取件'],
  'alert.raised': ['A clock reached yellow, red or the statutory limit (电子监察)', '预警'],
  'fee.assessed': ['A fee was assessed and its payment notice issued (缴款通知书)', '收费核定'],
  'fee.adjusted': ['A leader reduced or waived the fee: a new payment notice replaces the old one (its code: GET /v1/applications/{no}/fees)', '减免'],
  'fee.paid': ['The fee was paid (the payment platform confirmed it)', '已缴费'],
  'fee.refunded': ['A refund was paid back', '已退费'],
  'document.issued': ['A notice or decision was issued (受理通知书, 不予许可决定书 …), with its number', '文书签发'],
  'complaint.accepted': ['A complaint the key filed was accepted (受理) and is being investigated, with its limit', '投诉受理'],
  'complaint.not_accepted': ['A complaint the key filed was not accepted (不予受理), with the reason the complainant is told', '投诉不予受理'],
  'complaint.answered': ['A complaint the key filed was answered (办结): substantiated or not, with the reply (答复) the complainant is told', '投诉答复'],
} as const satisfies Record<string, readonly [string, string]>;
export type WebhookEventType = keyof typeof WEBHOOK_EVENT_TYPES;
export const WEBHOOK_TYPES = Object.keys(WEBHOOK_EVENT_TYPES) as [WebhookEventType, ...WebhookEventType[]];

/** The webhook types a workflow event makes, in the order they are delivered. */
function typesOf(event: TransitionEvent): WebhookEventType[] {
  if (event.type.startsWith('alert_')) return ['alert.raised'];
  switch (event.type) {
    case 'submitted':
      return ['application.submitted'];
    case 'intake_accept':
      return ['application.accepted'];
    case 'intake_not_accept':
      return ['application.not_accepted'];
    case 'intake_request_supplement':
      return ['application.supplement_requested'];
    case 'supplement_received':
      return ['application.supplement_received'];
    case 'review_approved':
      return ['review.decided'];
    case 'review_rejected':
      return ['review.decided', 'application.rejected'];
    case 'fee_terminated':
      return ['application.rejected'];
    case 'completed':
      return ['application.completed'];
    case 'picked_up':
      return ['application.picked_up'];
    case 'fee_assessed':
      return ['fee.assessed'];
    case 'fee_reduced':
    case 'fee_waived':
      return ['fee.adjusted'];
    case 'fee_paid':
      return ['fee.paid'];
    case 'fee_refunded':
      return ['fee.refunded'];
    default:
      return [];
  }
}

interface Draft {
  type: WebhookEventType;
  seq: number;
  position: number;
  at: string;
  data: Record<string, unknown>;
}

const pick = (data: Record<string, unknown> | undefined, keys: string[]) => Object.fromEntries(keys.flatMap((k) => (data?.[k] === undefined ? [] : [[k, data[k]]])));

/** What each type says beyond the application and the event: no applicant's personal data, no officer's. */
function detailsOf(type: WebhookEventType, event: TransitionEvent, state: ApplicationState): Record<string, unknown> {
  const data = event.data;
  switch (type) {
    case 'application.accepted':
      return state.deadlines ? { promisedDue: state.deadlines.promisedDue, statutoryDue: state.deadlines.statutoryDue } : {};
    case 'application.not_accepted':
      return pick(data, ['reason']);
    case 'application.supplement_requested':
      return pick(data, ['missingMaterials', 'reason']);
    case 'application.supplement_received':
      return pick(data, ['materials']);
    case 'review.decided':
      return { step: event.step, department: event.department, decision: event.type === 'review_approved' ? 'approve' : 'reject', ...pick(data, ['reason', 'conditions']) };
    case 'application.rejected':
      return event.type === 'fee_terminated' ? { cause: 'fee_unpaid', ...pick(data, ['reason']) } : { cause: 'review', department: event.department, ...pick(data, ['reason']) };
    case 'application.completed':
      return state.timing ? { onTime: state.timing.onTime, workingDays: state.timing.workingDays } : {};
    case 'alert.raised':
      return { step: event.step, department: event.department, ...pick(data, ['level']) };
    case 'fee.assessed':
      return pick(data, ['noticeNo', 'amountFen', 'paymentCode', 'dueAt']);
    case 'fee.adjusted':
      return { waived: event.type === 'fee_waived', ...pick(data, ['fromFen', 'toFen', 'reason', 'noticeNo']) };
    case 'fee.paid':
      return pick(data, ['noticeNo', 'amountFen', 'receiptNo', 'paidAt']);
    case 'fee.refunded':
      return pick(data, ['refundNo', 'amountFen', 'refundedAt']);
    default:
      return {};
  }
}

/** The messages these newly written events make. */
export function eventDrafts(events: TransitionEvent[], state: ApplicationState): Draft[] {
  return events.flatMap((event) =>
    typesOf(event).map((type, position) => ({ type, seq: event.seq, position, at: event.at, data: { stage: state.stage, ...detailsOf(type, event, state) } })),
  );
}

/** The messages of documents issued in this write: each after the messages of the event that issued it. */
export function documentDrafts(applicationNo: string, issued: IssuedDocument[]): Draft[] {
  return issued.map((d) => ({
    type: 'document.issued',
    seq: d.causeSeq,
    position: 10,
    at: d.issuedAt,
    data: { kind: d.kind, number: d.number, documentId: d.id, url: `/v1/applications/${applicationNo}/documents/${d.id}` },
  }));
}

/** A message's id: what it is of, so the same change always has the same id (the receivers' webhook-id). */
const messageId = (applicationNo: string, draft: Draft) =>
  `msg_${applicationNo}_${draft.seq}_${draft.type}${draft.type === 'document.issued' ? `_${String(draft.data.kind)}` : ''}`;

/** The ids of the messages an application's events and documents make, for a check that none was lost (the fault run). */
export function expectedMessageIds(applicationNo: string, events: { seq: number; type: string }[], documents: { causeSeq: number; kind: string }[]): string[] {
  const drafts = [
    ...events.flatMap((e) => typesOf({ ...e, at: '' }).map((type) => ({ type, seq: e.seq, position: 0, at: '', data: {} }))),
    ...documents.map((doc) => ({ type: 'document.issued' as const, seq: doc.causeSeq, position: 10, at: '', data: { kind: doc.kind } })),
  ];
  return drafts.map((draft) => messageId(applicationNo, draft));
}

/** The key an application or complaint was submitted with (`integrator:<key>`), if any. */
const keyOf = (submittedBy: string | null | undefined) => (submittedBy?.startsWith('integrator:') ? submittedBy.slice('integrator:'.length) : undefined);

/**
 * Queues the messages for every endpoint of the application's integrator that asked for their type
 * (paused ones too: they wait, nothing is dropped). An application submitted at a window has none.
 */
export async function enqueueWebhooks(tx: Tx, applicationNo: string, drafts: Draft[]): Promise<void> {
  if (drafts.length === 0) return;
  const [app] = await tx
    .select({ submittedBy: applications.submittedBy, clientReference: applications.clientReference, centreCode: applications.centreCode, itemCode: applications.itemCode })
    .from(applications)
    .where(eq(applications.applicationNo, applicationNo));
  const keyId = keyOf(app?.submittedBy);
  if (!keyId) return;
  await queueMessages(tx, keyId, applicationNo, { applicationNo, clientReference: app.clientReference ?? undefined, centreCode: app.centreCode, itemCode: app.itemCode }, drafts);
}

/** A complaint's steps that tell the integrator who filed it, and what each says (no complainant's data). */
const COMPLAINT_STEPS: Record<string, WebhookEventType> = { accepted: 'complaint.accepted', not_accepted: 'complaint.not_accepted', substantiated: 'complaint.answered', unsubstantiated: 'complaint.answered' };

/**
 * Queues a complaint's messages to the integrator that filed it (the 12345 hotline's system, a portal),
 * in the transaction that writes its steps: acceptance or not, and the answer. Ordered by the step's
 * number under the complaint's id; a step written again (a retried write) queues nothing twice.
 */
export async function enqueueComplaintWebhooks(
  tx: Tx,
  complaint: { id: string; submittedBy: string; reference: string | null; centreCode: string; outcome: string | null; reply: { text: string } | null; dueAt: string | null },
  steps: { seq: number; at: string; step: string; note: string | null }[],
): Promise<void> {
  const keyId = keyOf(complaint.submittedBy);
  if (!keyId) return;
  const drafts = steps.flatMap((step): Draft[] => {
    const type = COMPLAINT_STEPS[step.step];
    if (!type) return [];
    const data =
      type === 'complaint.accepted'
        ? { stage: 'investigating', investigationDue: complaint.dueAt }
        : { stage: 'closed', outcome: type === 'complaint.answered' ? complaint.outcome : 'not_accepted', reply: complaint.reply?.text ?? step.note };
    return [{ type, seq: step.seq, position: 0, at: step.at, data }];
  });
  if (drafts.length === 0) return;
  await queueMessages(tx, keyId, complaint.id, { complaintId: complaint.id, reference: complaint.reference ?? undefined, centreCode: complaint.centreCode }, drafts);
}

/** Inserts the messages (and one delivery per endpoint of the key that chose their type), each once. */
async function queueMessages(tx: Tx, keyId: string, orderKey: string, about: Record<string, unknown>, drafts: Draft[]): Promise<void> {
  const endpoints = await tx
    .select({ id: webhookEndpoints.id, eventTypes: webhookEndpoints.eventTypes })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.keyId, keyId), ne(webhookEndpoints.status, 'disabled')));
  const wanted = drafts.flatMap((draft) => {
    const to = endpoints.filter((e) => e.eventTypes.includes(draft.type));
    return to.length > 0 ? [{ draft, id: messageId(orderKey, draft), to }] : [];
  });
  if (wanted.length === 0) return;
  await tx
    .insert(webhookMessages)
    .values(
      wanted.map(({ draft, id }) => ({
        id,
        keyId,
        applicationNo: orderKey,
        seq: draft.seq,
        position: draft.position,
        type: draft.type,
        payload: { type: draft.type, timestamp: draft.at, data: { ...about, seq: draft.seq, ...draft.data } },
      })),
    )
    .onConflictDoNothing();
  await tx
    .insert(webhookDeliveries)
    .values(wanted.flatMap(({ draft, id, to }) => to.map((e) => ({ endpointId: e.id, messageId: id, applicationNo: orderKey, seq: draft.seq, position: draft.position }))))
    .onConflictDoNothing();
}

/** A new signing secret as the Standard Webhooks specification writes it: `whsec_` and 32 random bytes in base64. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** A new endpoint's id. */
export const newEndpointId = () => `we_${randomBytes(9).toString('base64url')}`;

/**
 * Pauses an endpoint (the sender, when it failed for the pause limit; the integrator, by hand): its
 * waiting deliveries are due no more until it is resumed, so no sender reads them meanwhile.
 */
export async function pauseEndpoint(tx: Tx, endpointId: string, reason: string): Promise<void> {
  const now = new Date().toISOString();
  await tx.update(webhookEndpoints).set({ status: 'paused', pausedAt: now, pausedReason: reason, updatedAt: now }).where(eq(webhookEndpoints.id, endpointId));
  await tx
    .update(webhookDeliveries)
    .set({ nextAttemptAt: WAITS_FOR_RESUME })
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, 'pending'), notLeased));
}

/** A paused endpoint's deliveries are due at no time (PostgreSQL's infinity) until it is resumed. */
export const WAITS_FOR_RESUME = 'infinity';

/** Resumes an endpoint: every waiting delivery not in a sender's hands is due now, with its retries afresh. */
export async function resumeEndpoint(tx: Tx, endpointId: string): Promise<void> {
  const now = new Date().toISOString();
  await tx.update(webhookEndpoints).set({ status: 'active', pausedAt: null, pausedReason: null, failingSince: null, updatedAt: now }).where(eq(webhookEndpoints.id, endpointId));
  await tx
    .update(webhookDeliveries)
    .set({ attempts: 0, nextAttemptAt: now })
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, 'pending'), notLeased));
}

/** Not in a sender's hands: never claimed, or its lease has run out. */
const notLeased = or(isNull(webhookDeliveries.leaseUntil), lt(webhookDeliveries.leaseUntil, sql`now()`));

/**
 * Disables endpoints (deleted by their integrator, or their key revoked): nothing more is queued or
 * sent to them; their waiting deliveries are failed with the reason, their log kept.
 */
export async function disableEndpoints(tx: Tx, which: SQL | undefined, reason: string): Promise<void> {
  const now = new Date().toISOString();
  const disabled = await tx
    .update(webhookEndpoints)
    .set({ status: 'disabled', updatedAt: now })
    .where(and(which, ne(webhookEndpoints.status, 'disabled')))
    .returning({ id: webhookEndpoints.id });
  if (disabled.length === 0) return;
  await tx
    .update(webhookDeliveries)
    .set({ status: 'failed', lastError: reason })
    .where(and(inArray(webhookDeliveries.endpointId, disabled.map((e) => e.id)), eq(webhookDeliveries.status, 'pending'), notLeased));
}

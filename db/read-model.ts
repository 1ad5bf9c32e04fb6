/**
 * The read model's writer: the workflow's transitions into PostgreSQL. Every write may run twice (a
 * retried activity, a replayed worker) and a late try may land after a newer write: events, alerts and
 * cases are keyed by (application, seq), documents by (application, kind, seq), and rows only move
 * forward in seq. The rows come from read-model-rows.ts; the activities (activities/index.ts) and the API's submission call this file.
 */
import { and, eq, getTableColumns, isNull, lt, sql } from 'drizzle-orm';
import { toSnakeCase } from 'drizzle-orm/casing';
import type { Db, Tx } from './client.js';
import { accountabilityCases, alerts, applications, events, feeNotices, feeRefunds, reviews } from './schema/index.js';
import { alertRow, applicationColumns, applicationRow, caseRow, eventRow, feeNoticeRows, feeRefundRows, isAlert, reviewRow } from './read-model-rows.js';
import { type DocumentSettings, issueDocuments } from './documents.js';
import { documentDrafts, enqueueWebhooks, eventDrafts } from './webhooks.js';
import { type ApplicationInput, type ApplicationState, type TransitionEvent, submittedEvent } from '../workflows/messages.js';

/** What one write of the workflow's recorder carries: the state after it and the events that led there. */
export interface Transition {
  state: ApplicationState;
  events: TransitionEvent[];
}

export async function writeSubmission(db: Db, input: ApplicationInput): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.insert(applications).values(applicationRow(input)).onConflictDoNothing();
    const first = { applicationNo: input.applicationNo, centreCode: input.centreCode, itemCode: input.item.code };
    const inserted = await insertEvents(tx, first, [submittedEvent(input)]);
    if (inserted.length > 0) await enqueueWebhooks(tx, input.applicationNo, [{ type: 'application.submitted', seq: 1, position: 0, at: input.submittedAt, data: { stage: 'submitted' } }]);
  });
}

/**
 * Writes one transition. `committed` says the workflow has committed it (an ordinary activity's
 * arguments, not a local activity's, which a lost workflow task can leave behind): only then does it
 * issue the documents its transitions call for (db/documents.ts), in the same transaction.
 */
export async function writeTransition(
  db: Db,
  { state, events: transitionEvents }: Transition,
  { committed = false, documents }: { committed?: boolean; documents?: DocumentSettings } = {},
): Promise<void> {
  const applicationNo = state.applicationNo;
  await db.transaction(async (tx) => {
    const inserted = await insertEvents(tx, state, transitionEvents);
    await advanceApplication(tx, state);
    const raised = transitionEvents.filter(isAlert);
    if (raised.length > 0) await insertAlerts(tx, applicationNo, raised);
    // The application's own alerts are counted when one is raised, and at the decision, which puts the
    // row into the statistics (counts an older worker missed while a rolling update ran are right from then on).
    if (raised.some((e) => !e.department) || transitionEvents.some((e) => e.type === 'decided')) await countOwnAlerts(tx, applicationNo);
    await writeReviews(tx, state, transitionEvents);
    if (transitionEvents.some((e) => e.type.startsWith('fee_'))) await writeFeeNotices(tx, state);
    const issued = committed ? await issueDocuments(tx, state, transitionEvents, documents) : [];
    // The integrator's webhooks, in this transaction: only what this write added for the first time.
    await enqueueWebhooks(tx, applicationNo, [...eventDrafts(inserted, state), ...documentDrafts(applicationNo, issued)]);
  });
}

/** The events, each once: a repeated write finds them keyed by (application, seq) and adds nothing. Returns those it added. */
async function insertEvents(tx: Tx, application: Pick<ApplicationState, 'applicationNo' | 'centreCode' | 'itemCode'>, transitionEvents: TransitionEvent[]): Promise<TransitionEvent[]> {
  if (transitionEvents.length === 0) return [];
  const added = await tx
    .insert(events)
    .values(transitionEvents.map((e) => eventRow(application, e)))
    .onConflictDoNothing()
    .returning({ seq: events.seq });
  const seqs = new Set(added.map((e) => e.seq));
  return transitionEvents.filter((e) => seqs.has(e.seq));
}

/** The application's row moves forward only: a late write of an older transition changes nothing. */
async function advanceApplication(tx: Tx, state: ApplicationState) {
  await tx
    .update(applications)
    .set({ ...applicationColumns(state), updatedAt: sql`now()` })
    .where(and(eq(applications.applicationNo, state.applicationNo), lt(applications.lastSeq, state.seq)));
}

/** The alerts raised, each once, and the accountability case that a red one opens. */
async function insertAlerts(tx: Tx, applicationNo: string, raised: TransitionEvent[]) {
  await tx
    .insert(alerts)
    .values(raised.map((e) => alertRow(applicationNo, e)))
    .onConflictDoNothing();
  const cases = raised.flatMap((e) => caseRow(applicationNo, e) ?? []);
  if (cases.length > 0) await tx.insert(accountabilityCases).values(cases).onConflictDoNothing();
}

/** The application's own alerts, counted again from their rows, so a repeated write counts nothing twice. */
async function countOwnAlerts(tx: Tx, applicationNo: string) {
  const own = and(eq(alerts.applicationNo, applicationNo), isNull(alerts.department));
  await tx
    .update(applications)
    .set({
      yellowAlerts: sql`(select count(*) from ${alerts} where ${own} and ${alerts.level} = 'yellow')`,
      redAlerts: sql`(select count(*) from ${alerts} where ${own} and ${alerts.level} <> 'yellow')`,
    })
    .where(eq(applications.applicationNo, applicationNo));
}

/**
 * The reviews this transition names, and every open review whose task is written (it has its
 * responsible officers): an extension, a supplement or a recalculation moves the deadlines of them all.
 * A review's row, like the application's, takes only a newer transition.
 */
async function writeReviews(tx: Tx, state: ApplicationState, transitionEvents: TransitionEvent[]) {
  const touched = new Set(transitionEvents.flatMap((e) => (e.department ? [`${e.step}/${e.department}`] : [])));
  const written = state.reviews.filter((r) => touched.has(`${r.step}/${r.department}`) || (r.status === 'open' && r.responsible));
  if (written.length === 0) return;
  // One statement for all of them: each row takes the new values only where its own lastSeq is older.
  await tx
    .insert(reviews)
    .values(written.map((review) => reviewRow(state.applicationNo, review, state.seq)))
    .onConflictDoUpdate({ target: [reviews.applicationNo, reviews.step, reviews.department], set: REVIEW_CHANGES, setWhere: lt(reviews.lastSeq, excluded('lastSeq')) });
}

/** The application's payment notices and refunds, each row taking only a newer transition, like a review's. */
async function writeFeeNotices(tx: Tx, state: ApplicationState) {
  const rows = feeNoticeRows(state);
  if (rows.length === 0) return;
  await tx
    .insert(feeNotices)
    .values(rows)
    .onConflictDoUpdate({ target: feeNotices.noticeNo, set: FEE_NOTICE_CHANGES, setWhere: lt(feeNotices.lastSeq, excluded('lastSeq')) });
  const refunds = feeRefundRows(state);
  if (refunds.length === 0) return;
  await tx
    .insert(feeRefunds)
    .values(refunds)
    .onConflictDoUpdate({ target: feeRefunds.refundNo, set: FEE_REFUND_CHANGES, setWhere: lt(feeRefunds.lastSeq, excluded('lastSeq')) });
}

/** The value a conflicting insert proposed for this column. */
const excluded = (column: string) => sql.raw(`excluded.${toSnakeCase(column)}`);

/** What a newer transition changes in a notice's row: everything but its key and its application. */
const FEE_NOTICE_CHANGES = Object.fromEntries(
  Object.keys(getTableColumns(feeNotices))
    .filter((column) => !['noticeNo', 'applicationNo', 'centreCode', 'itemCode', 'department', 'issuedAt'].includes(column))
    .map((column) => [column, excluded(column)]),
);

/** What a newer transition changes in a refund's row: its life, not what it is of. */
const FEE_REFUND_CHANGES = Object.fromEntries(
  ['status', 'decidedBy', 'decidedAt', 'note', 'submittedAt', 'refundedAt', 'failure', 'lastSeq'].map((column) => [column, excluded(column)]),
);

/** What a newer transition changes in a review's row: everything but its key and where and when it opened. */
const REVIEW_CHANGES = Object.fromEntries(
  Object.keys(getTableColumns(reviews))
    .filter((column) => !['applicationNo', 'step', 'department', 'centreCode', 'openedAt'].includes(column))
    .map((column) => [column, excluded(column)]),
);

/**
 * The read model against the workflow: what PostgreSQL holds of an application (its row, events,
 * review tasks, alerts, accountability cases, fee notices and refunds) compared with what the workflow committed, every
 * difference named, and on request the rows rewritten from the workflow. The workflow is the truth.
 * The same for each follow-up (督办) of a bad rating or a complaint against its own workflow.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { and, asc, eq, gte, inArray, isNull, ne, notInArray, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { appendAudit } from './audit.js';
import { followUpColumns, lockFollowUp, writeFollowUpIn } from './follow-ups.js';
import { accountabilityCases, alerts, applications, caseSteps, events, feeNotices, feeRefunds, followUpSteps, followUps, reviews } from './schema/index.js';
import { alertCounts, alertRow, applicationColumns, applicationRow, caseRow, eventRow, feeNoticeRows, feeRefundRows, isAlert, reviewRow } from './read-model-rows.js';
import { enqueueWebhooks, eventDrafts } from './webhooks.js';
import { type ApplicationRecord, CLOSED_STAGES, STAGES } from '../workflows/messages.js';
import type { FollowUpState } from '../workflows/rules/follow-ups.js';

/** What the read model should hold of one application. */
export function expectedRows({ input, state, events: transitions }: ApplicationRecord) {
  const raised = transitions.filter(isAlert);
  const first = applicationRow(input);
  return {
    application: {
      itemCode: state.itemCode,
      itemVersion: state.itemVersion,
      centreCode: state.centreCode,
      leadDepartment: state.leadDepartment,
      // Not in the state: from the item as submitted, as in the first row.
      major: first.major,
      ...applicationColumns(state),
      ...alertCounts(transitions),
    },
    events: transitions.map((e) => eventRow(state, e)),
    reviews: state.reviews.map((r) => reviewRow(state.applicationNo, r, state.seq)),
    alerts: raised.map((e) => alertRow(state.applicationNo, e)),
    cases: raised.flatMap((e) => caseRow(state.applicationNo, e) ?? []),
    feeNotices: feeNoticeRows(state),
    feeRefunds: feeRefundRows(state),
    first,
    /** The webhooks its events make: queued for the events a rewrite adds (db/webhooks.ts). */
    webhooks: eventDrafts(transitions, state),
  };
}
type Expected = ReturnType<typeof expectedRows>;

export async function storedRows(db: Db, applicationNo: string) {
  const [application] = await db.select().from(applications).where(eq(applications.applicationNo, applicationNo));
  const of = <T extends { applicationNo: unknown }>(table: T) => eq(table.applicationNo as typeof applications.applicationNo, applicationNo);
  return {
    application,
    events: await db.select().from(events).where(of(events)),
    reviews: await db.select().from(reviews).where(of(reviews)),
    alerts: await db.select().from(alerts).where(of(alerts)),
    cases: await db.select().from(accountabilityCases).where(of(accountabilityCases)),
    feeNotices: await db.select().from(feeNotices).where(of(feeNotices)),
    feeRefunds: await db.select().from(feeRefunds).where(of(feeRefunds)),
  };
}
type Stored = Awaited<ReturnType<typeof storedRows>>;

/** The outcome of a case that supervisors had worked on before the reconciler found its alert was never committed. */
export const VOID_CASE = 'Void: opened from an alert that the workflow never committed (read model reconciled)';

// Columns that the workflow does not decide: which write last touched a review, and a case's life in supervisors' hands.
const REVIEW_BOOKKEEPING = ['lastSeq'];
const CASE_WORK = ['status', 'outcome', 'closedAt'];

/** Every difference between the stored rows and the workflow's, one line each; none when they agree. */
export function differences(expected: Expected, stored: Stored): string[] {
  const no = expected.first.applicationNo;
  const found: string[] = [];
  if (!stored.application) return [`${no}: no application row`];
  for (const [column, value] of Object.entries(expected.application)) {
    const actual = (stored.application as Record<string, unknown>)[column];
    if (canonical(actual) !== canonical(value)) found.push(`${no} application.${column}: read model ${show(actual)}, workflow ${show(value)}`);
  }
  const rowsOf = (name: string, keyOf: (row: Record<string, unknown>) => string, want: object[], have: object[], ignored: string[] = []) => {
    const byKey = new Map(have.map((row) => [keyOf(row as Record<string, unknown>), row as Record<string, unknown>]));
    for (const row of want as Record<string, unknown>[]) {
      const key = keyOf(row);
      const actual = byKey.get(key);
      byKey.delete(key);
      if (!actual) {
        found.push(`${no} ${name} ${key}: missing from the read model`);
        continue;
      }
      for (const [column, value] of Object.entries(row)) {
        if (ignored.includes(column)) continue;
        if (canonical(actual[column]) !== canonical(value)) {
          found.push(`${no} ${name} ${key}.${column}: read model ${show(actual[column])}, workflow ${show(value)}`);
        }
      }
    }
    for (const key of byKey.keys()) found.push(`${no} ${name} ${key}: in the read model, not in the workflow`);
  };
  rowsOf('event', (r) => `${r.seq} (${r.type})`, expected.events, stored.events);
  rowsOf('review', (r) => `${r.step}/${r.department}`, expected.reviews, stored.reviews, REVIEW_BOOKKEEPING);
  rowsOf('alert', (r) => `${r.seq} (${r.level}${r.department ? ` ${r.department}` : ''})`, expected.alerts, stored.alerts);
  // A case a supervisor opened by hand is theirs, and a follow-up's (a bad rating's, a complaint's) its
  // own workflow's, not the application's: the application's workflow cannot tell of them.
  const kept = stored.cases.filter((c) => c.outcome !== VOID_CASE && !c.openedBy && !c.followUpId);
  rowsOf('case', (r) => String(r.id), expected.cases, kept, CASE_WORK);
  rowsOf('fee notice', (r) => String(r.noticeNo), expected.feeNotices, stored.feeNotices, REVIEW_BOOKKEEPING);
  rowsOf('fee refund', (r) => String(r.refundNo), expected.feeRefunds, stored.feeRefunds, REVIEW_BOOKKEEPING);
  return found;
}

/**
 * Rewrites an application's rows from the workflow, in one transaction that holds its row: unless a
 * newer transition was written meanwhile (then nothing is done and false returned; run it again).
 * A case opened from an alert the workflow never raised is removed, or closed as void if supervisors
 * had already worked on it; the trail keeps the rewrite.
 */
export async function rewriteRows(db: Db, expected: Expected): Promise<boolean> {
  const no = expected.first.applicationNo;
  const actor = { id: 'read-model-reconcile', name: 'npm run read-model:reconcile' };
  const rewritten = await db.transaction(async (tx) => {
    await tx.insert(applications).values(expected.first).onConflictDoNothing();
    const [row] = await tx.select({ lastSeq: applications.lastSeq }).from(applications).where(eq(applications.applicationNo, no)).for('update');
    if (row.lastSeq > expected.application.lastSeq) return false;
    await tx.update(applications).set(expected.application).where(eq(applications.applicationNo, no));
    const present = new Set((await tx.select({ seq: events.seq }).from(events).where(eq(events.applicationNo, no))).map((e) => e.seq));
    for (const table of [events, reviews, alerts]) await tx.delete(table).where(eq(table.applicationNo, no));
    if (expected.events.length > 0) await tx.insert(events).values(expected.events);
    // The integrator's webhooks of the events it adds, which their lost write never queued.
    await enqueueWebhooks(tx, no, expected.webhooks.filter((draft) => !present.has(draft.seq)));
    if (expected.reviews.length > 0) await tx.insert(reviews).values(expected.reviews);
    if (expected.alerts.length > 0) await tx.insert(alerts).values(expected.alerts);
    // Refunds name their notice: out first, in last.
    await tx.delete(feeRefunds).where(eq(feeRefunds.applicationNo, no));
    await tx.delete(feeNotices).where(eq(feeNotices.applicationNo, no));
    if (expected.feeNotices.length > 0) await tx.insert(feeNotices).values(expected.feeNotices);
    if (expected.feeRefunds.length > 0) await tx.insert(feeRefunds).values(expected.feeRefunds);

    const ids = expected.cases.map((c) => c.id);
    const phantom = await tx
      .select({ id: accountabilityCases.id })
      .from(accountabilityCases)
      .where(
        and(
          eq(accountabilityCases.applicationNo, no),
          isNull(accountabilityCases.openedBy),
          isNull(accountabilityCases.followUpId),
          ids.length > 0 ? notInArray(accountabilityCases.id, ids) : undefined,
        ),
      );
    for (const { id } of phantom) {
      const worked = await tx.select({ id: caseSteps.id }).from(caseSteps).where(eq(caseSteps.caseId, id)).limit(1);
      if (worked.length === 0) {
        await tx.delete(accountabilityCases).where(eq(accountabilityCases.id, id));
        continue;
      }
      const at = new Date().toISOString();
      await tx.update(accountabilityCases).set({ status: 'closed', outcome: VOID_CASE, closedAt: at }).where(eq(accountabilityCases.id, id));
      await tx.insert(caseSteps).values({ caseId: id, at, actor, status: 'closed', note: VOID_CASE, outcome: VOID_CASE });
    }
    for (const wanted of expected.cases) {
      const { id: _id, status: _status, ...facts } = wanted;
      await tx.insert(accountabilityCases).values(wanted).onConflictDoUpdate({ target: accountabilityCases.id, set: facts });
    }
    return true;
  });
  if (rewritten) {
    await appendAudit(db, {
      at: new Date().toISOString(),
      actor: { id: actor.id, name: actor.name },
      action: 'read-model:reconcile --fix',
      target: no,
      status: 200,
      centreCode: expected.first.centreCode,
      requestId: `reconcile-${no}`,
    });
  }
  return rewritten;
}

/**
 * What must hold of any application's record, whatever failed on the way: its events numbered 1..seq,
 * one decision per decided review and none for the others, no alert raised twice.
 */
export function invariantBreaches({ state, events: transitions }: ApplicationRecord): string[] {
  const no = state.applicationNo;
  const found: string[] = [];
  if (transitions.some((e, i) => e.seq !== i + 1) || transitions.length !== state.seq) {
    found.push(`${no}: events not numbered 1..${state.seq} (${transitions.map((e) => e.seq).join(',')})`);
  }
  for (const review of state.reviews) {
    const decisions = transitions.filter((e) => e.department === review.department && e.step === review.step && /^review_(approved|rejected)$/.test(e.type));
    const expected = review.status === 'approved' || review.status === 'rejected' ? 1 : 0;
    if (decisions.length !== expected) found.push(`${no} ${review.department}: ${decisions.length} decision events, review ${review.status}`);
  }
  const alertKeys = transitions.filter(isAlert).map((e) => `${e.type}/${e.department ?? ''}/${e.step ?? ''}`);
  if (new Set(alertKeys).size !== alertKeys.length) found.push(`${no}: an alert raised twice (${alertKeys.join(', ')})`);
  return found;
}

export interface ReconcileReport {
  checked: number;
  /** Applications whose rows differ from their workflow's, with every difference. */
  differing: { applicationNo: string; differences: string[] }[];
  /** Rewritten from the workflow (with `fix`). */
  fixed: string[];
  /** Still being written by their workflow (a write retrying while the database is down, say): checked again later. */
  writing: string[];
  /** No workflow to compare with: closed past the namespace's retention, or never started. */
  noWorkflow: string[];
}

/**
 * Compares each application's rows with its workflow's record; with `fix`, rewrites those that differ.
 * A workflow with writes under way is given a few seconds to finish them before it is judged.
 */
export async function reconcile(
  db: Db,
  applicationNos: string[],
  recordOf: (applicationNo: string) => Promise<ApplicationRecord | undefined>,
  options: { fix?: boolean; concurrency?: number; settleMs?: number } = {},
): Promise<ReconcileReport> {
  const report: ReconcileReport = { checked: 0, differing: [], fixed: [], writing: [], noWorkflow: [] };
  const settleMs = options.settleMs ?? 10_000;
  async function one(applicationNo: string) {
    for (const started = Date.now(); ; await sleep(250)) {
      let record: ApplicationRecord | undefined;
      try {
        record = await recordOf(applicationNo);
      } catch (err) {
        // A workflow that its worker cannot replay (a non-determinism error) answers no query: name it, fix nothing.
        report.checked += 1;
        return void report.differing.push({ applicationNo, differences: [`${applicationNo}: its workflow cannot be read: ${(err as Error).message}`] });
      }
      if (!record) return void report.noWorkflow.push(applicationNo);
      const expected = expectedRows(record);
      const found = differences(expected, await storedRows(db, applicationNo));
      const settled = record.writtenSeq === record.state.seq;
      if (found.length > 0 && !settled && Date.now() - started < settleMs) continue;
      report.checked += 1;
      if (found.length === 0) return;
      if (!settled) return void report.writing.push(applicationNo);
      report.differing.push({ applicationNo, differences: found });
      if (options.fix && (await rewriteRows(db, expected))) report.fixed.push(applicationNo);
      return;
    }
  }
  await eachOf(applicationNos, options.concurrency ?? 8, one);
  return report;
}

/** `one` for each of `items`, at most `concurrency` at a time. */
async function eachOf(items: string[], concurrency: number, one: (item: string) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await one(next);
    }),
  );
}

/** The applications the read model holds as open, and those submitted since an instant. */
export async function applicationsToReconcile(db: Db, options: { open?: boolean; since?: string }): Promise<string[]> {
  const found = new Set<string>();
  if (options.open) {
    const open = await db.select({ no: applications.applicationNo }).from(applications).where(inArray(applications.stage, OPEN_STAGES));
    for (const { no } of open) found.add(no);
  }
  if (options.since) {
    const since = await db.select({ no: applications.applicationNo }).from(applications).where(gte(applications.submittedAt, options.since));
    for (const { no } of since) found.add(no);
  }
  return [...found];
}
const OPEN_STAGES = STAGES.filter((stage) => !CLOSED_STAGES.includes(stage));

// Follow-ups (督办): each row of follow_ups and its steps against its workflow (`follow-up-<id>`), which
// writes them through writeFollowUp (db/follow-ups.ts): the row as of the state, by version.

/** What a follow-up's workflow says of it, as the reconciler's caller read it from Temporal. */
export interface FollowUpRecord {
  /** Its state: the query's answer while it runs, its result once closed. */
  state: FollowUpState;
  /**
   * Nothing of it under way: closed, or running with no activity and no workflow task pending and no
   * event added while it was read. A change is made in the state before the activity that writes it,
   * so a running workflow that is not settled may be ahead of its row for a moment.
   */
  settled: boolean;
}

export async function storedFollowUp(db: Db, id: string) {
  const [row] = await db.select().from(followUps).where(eq(followUps.id, id));
  const steps = await db.select({ seq: followUpSteps.seq, step: followUpSteps.step }).from(followUpSteps).where(eq(followUpSteps.followUpId, id)).orderBy(asc(followUpSteps.seq));
  return { row, steps };
}
type StoredFollowUp = Awaited<ReturnType<typeof storedFollowUp>>;

/** Said of a step the read model lacks: the state does not hold the steps, only the workflow's history does. */
export const STEP_NOT_REWRITTEN = 'not rewritten: only the workflow history holds the steps';

/**
 * The steps a state implies, each by name with how many at least: the opening (once written), the
 * contact back, the acceptance, a dispute, each yellow and red mark raised, each case opened, the
 * outcome. A follow-up opened again keeps the steps of its earlier openings: so at least, not exactly.
 */
function impliedSteps(state: FollowUpState): Map<string, number> {
  const implied = new Map<string, number>();
  const add = (step: string, n = 1) => n > 0 && implied.set(step, (implied.get(step) ?? 0) + n);
  if (state.version > 0) add('opened');
  if (state.contactedAt) add('contacted');
  if (state.acceptedAt) add('accepted');
  if (state.disputedAt) add('disputed');
  for (const level of ['yellow', 'red']) add(level, state.raised.filter((mark) => mark.endsWith(`:${level}`)).length);
  add('case_opened', state.cases.length);
  if (state.stage === 'closed' && state.outcome) add(state.outcome);
  return implied;
}

/**
 * Every difference between a follow-up's rows and its workflow's state, one line each, in the
 * applications' format; none when they agree. The row's columns are compared with what writeFollowUp
 * would write of the state (its version included); the steps, which the state does not hold, as far
 * as the state tells of them (those it implies, and no number missing between the first and the last).
 */
export function followUpDifferences(state: FollowUpState, stored: StoredFollowUp): string[] {
  const id = state.id;
  if (!stored.row) return [`${id}: no follow-up row (not rewritten: the row holds what the request stored, which the workflow does not)`];
  const found: string[] = [];
  for (const [column, value] of Object.entries(followUpColumns(state))) {
    const actual = (stored.row as Record<string, unknown>)[column];
    if (canonical(actual) !== canonical(value)) found.push(`${id} follow-up.${column}: read model ${show(actual)}, workflow ${show(value)}`);
  }
  for (const [step, least] of impliedSteps(state)) {
    const have = stored.steps.filter((s) => s.step === step).length;
    if (have < least) found.push(`${id} steps "${step}": read model ${have}, workflow at least ${least} (${STEP_NOT_REWRITTEN})`);
  }
  const seqs = new Set(stored.steps.map((s) => s.seq));
  for (let seq = 1; seq < Math.max(0, ...seqs); seq += 1) {
    if (!seqs.has(seq)) found.push(`${id} step ${seq}: missing from the read model (${STEP_NOT_REWRITTEN})`);
  }
  return found;
}

/**
 * Rewrites a follow-up's row from its workflow's state, in one transaction holding the follow-up's lock
 * (the one a request that opens it again takes): first as the workflow writes it (writeFollowUpIn, which
 * also takes an upheld dispute's rating out of the figures), then column by column whatever the
 * versions. Not if the row was written meanwhile (its version moved) or belongs to another opening
 * (opened again since, or a state of an earlier run): false, run it again. The trail keeps the rewrite.
 */
export async function repairFollowUp(db: Db, state: FollowUpState, seenVersion: number): Promise<boolean> {
  const rewritten = await db.transaction(async (tx) => {
    await lockFollowUp(tx, state.id);
    const [row] = await tx.select({ version: followUps.version, openedAt: followUps.openedAt }).from(followUps).where(eq(followUps.id, state.id)).for('update');
    if (!row || row.version !== seenVersion || Date.parse(row.openedAt) !== Date.parse(state.openedAt)) return false;
    await writeFollowUpIn(tx, state, []);
    await tx
      .update(followUps)
      .set({ ...followUpColumns(state), updatedAt: sql`now()` })
      .where(eq(followUps.id, state.id));
    return true;
  });
  if (!rewritten) return false;
  await appendAudit(db, {
    at: new Date().toISOString(),
    actor: { id: 'read-model-reconcile', name: 'npm run read-model:reconcile' },
    action: 'read-model:reconcile --fix',
    target: state.id,
    status: 200,
    centreCode: state.centreCode,
    requestId: `reconcile-${state.id}`,
  });
  return true;
}

export interface FollowUpReconcileReport {
  checked: number;
  /** Follow-ups whose rows differ from their workflow's state, with every difference. */
  differing: { id: string; differences: string[] }[];
  /** Rewritten from the workflow, nothing left (with `fix`). */
  fixed: string[];
  /** Their row rewritten (with `fix`), but a difference left that the state cannot mend: a step, a missing row. */
  partlyFixed: string[];
  /** Still being written by their workflow: checked again later. */
  writing: string[];
  /** No workflow to compare with: closed past the namespace's retention, or never started. */
  noWorkflow: string[];
}

/**
 * Compares each follow-up's rows with its workflow's state; with `fix`, rewrites the row of those that
 * differ. The rule is the applications': a running workflow with a change under way (its write in
 * flight, or waiting for a database that is down) is given a few seconds, then reported as still
 * writing and left alone. The state is read before and after the rows: a change meanwhile reads again.
 */
export async function reconcileFollowUps(
  db: Db,
  ids: string[],
  recordOf: (id: string, openedAt?: string) => Promise<FollowUpRecord | undefined>,
  options: { fix?: boolean; concurrency?: number; settleMs?: number } = {},
): Promise<FollowUpReconcileReport> {
  const report: FollowUpReconcileReport = { checked: 0, differing: [], fixed: [], partlyFixed: [], writing: [], noWorkflow: [] };
  const settleMs = options.settleMs ?? 10_000;
  async function one(id: string) {
    for (const started = Date.now(); ; await sleep(250)) {
      let record: FollowUpRecord | undefined;
      let stored: StoredFollowUp;
      let settled: boolean;
      try {
        const [row] = await db.select({ openedAt: followUps.openedAt }).from(followUps).where(eq(followUps.id, id));
        record = await recordOf(id, row?.openedAt);
        if (!record) return void report.noWorkflow.push(id);
        stored = await storedFollowUp(db, id);
        const again = await recordOf(id, row?.openedAt);
        settled = record.settled && again !== undefined && again.settled && canonical(again.state) === canonical(record.state);
      } catch (err) {
        // Just opened (its query answers once its first activity has run), or a worker restarting: a few seconds.
        if (Date.now() - started < settleMs) continue;
        report.checked += 1;
        return void report.differing.push({ id, differences: [`${id}: its workflow cannot be read: ${(err as Error).message}`] });
      }
      const found = followUpDifferences(record.state, stored);
      if (found.length > 0 && !settled && Date.now() - started < settleMs) continue;
      report.checked += 1;
      if (found.length === 0) return;
      if (!settled) return void report.writing.push(id);
      report.differing.push({ id, differences: found });
      if (!options.fix || !stored.row) return;
      const rowDiffers = found.some((line) => line.startsWith(`${id} follow-up.`));
      if (rowDiffers && !(await repairFollowUp(db, record.state, stored.row.version))) return;
      if (found.every((line) => line.startsWith(`${id} follow-up.`))) report.fixed.push(id);
      else if (rowDiffers) report.partlyFixed.push(id);
      return;
    }
  }
  // One follow-up's failure (a repair the database refused) is its own line, not the end of the report.
  await eachOf(ids, options.concurrency ?? 8, (id) =>
    one(id).catch((err: unknown) => void report.differing.push({ id, differences: [`${id}: could not be compared or repaired: ${(err as Error).message}`] })),
  );
  return report;
}

/**
 * The follow-ups to compare, chosen as the applications are: those the read model holds as open,
 * those opened since an instant, and those of the applications named.
 */
export async function followUpsToReconcile(db: Db, options: { open?: boolean; since?: string; applicationNos?: string[] }): Promise<string[]> {
  const found = new Set<string>();
  const add = (rows: { id: string }[]) => rows.forEach(({ id }) => found.add(id));
  if (options.open) add(await db.select({ id: followUps.id }).from(followUps).where(ne(followUps.stage, 'closed')));
  if (options.since) add(await db.select({ id: followUps.id }).from(followUps).where(gte(followUps.openedAt, options.since)));
  if (options.applicationNos?.length) add(await db.select({ id: followUps.id }).from(followUps).where(inArray(followUps.applicationNo, options.applicationNos)));
  return [...found];
}

/** A value as comparable text: instants as ISO-8601 in UTC, objects with sorted keys and no empty ones, absent as null. */
function canonical(value: unknown): string {
  return JSON.stringify(normalise(value));
}

const INSTANT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)$/;

function normalise(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && INSTANT.test(value)) {
    const iso = value.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00');
    return new Date(iso).toISOString();
  }
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null);
    return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, normalise(v)]));
  }
  return value;
}

const show = (value: unknown) => {
  const text = canonical(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
};

/**
 * The read model against the workflow: what PostgreSQL holds of an application (its row, events,
 * review tasks, alerts and accountability cases) compared with what the workflow committed, every
 * difference named, and on request the rows rewritten from the workflow. The workflow is the truth.
 */
import { and, eq, inArray, notInArray } from 'drizzle-orm';
import type { Db } from './client.js';
import { appendAudit } from './audit.js';
import { accountabilityCases, alerts, applications, caseSteps, events, reviews } from './schema/index.js';
import { alertCounts, alertRow, applicationColumns, applicationRow, caseRow, eventRow, isAlert, reviewRow } from './read-model-rows.js';
import type { ApplicationRecord } from '../workflows/messages.js';

/** What the read model should hold of one application. */
export function expectedRows({ input, state, events: transitions }: ApplicationRecord) {
  const raised = transitions.filter(isAlert);
  return {
    application: {
      itemCode: state.itemCode,
      itemVersion: state.itemVersion,
      centreCode: state.centreCode,
      leadDepartment: state.leadDepartment,
      ...applicationColumns(state),
      ...alertCounts(transitions),
    },
    events: transitions.map((e) => eventRow(state, e)),
    reviews: state.reviews.map((r) => reviewRow(state.applicationNo, r, state.seq)),
    alerts: raised.map((e) => alertRow(state.applicationNo, e)),
    cases: raised.flatMap((e) => caseRow(state.applicationNo, e) ?? []),
    first: applicationRow(input),
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
  };
}
type Stored = Awaited<ReturnType<typeof storedRows>>;

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
  rowsOf('review', (r) => `${r.stage}/${r.department}`, expected.reviews, stored.reviews, REVIEW_BOOKKEEPING);
  rowsOf('alert', (r) => `${r.seq} (${r.level}${r.department ? ` ${r.department}` : ''})`, expected.alerts, stored.alerts);
  rowsOf('case', (r) => String(r.id), expected.cases, stored.cases, CASE_WORK);
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
    for (const table of [events, reviews, alerts]) await tx.delete(table).where(eq(table.applicationNo, no));
    if (expected.events.length > 0) await tx.insert(events).values(expected.events);
    if (expected.reviews.length > 0) await tx.insert(reviews).values(expected.reviews);
    if (expected.alerts.length > 0) await tx.insert(alerts).values(expected.alerts);

    const ids = expected.cases.map((c) => c.id);
    const phantom = await tx
      .select({ id: accountabilityCases.id })
      .from(accountabilityCases)
      .where(and(eq(accountabilityCases.applicationNo, no), ids.length > 0 ? notInArray(accountabilityCases.id, ids) : undefined));
    for (const { id } of phantom) {
      const worked = await tx.select({ id: caseSteps.id }).from(caseSteps).where(eq(caseSteps.caseId, id)).limit(1);
      if (worked.length === 0) {
        await tx.delete(accountabilityCases).where(eq(accountabilityCases.id, id));
        continue;
      }
      const note = 'Void: opened from an alert that the workflow never committed (read model reconciled)';
      const at = new Date().toISOString();
      await tx.update(accountabilityCases).set({ status: 'closed', outcome: note, closedAt: at }).where(eq(accountabilityCases.id, id));
      await tx.insert(caseSteps).values({ caseId: id, at, actor, status: 'closed', note, outcome: note });
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

/** The stored applications among these numbers (the rest have no row at all). */
export async function knownApplications(db: Db, applicationNos: string[]): Promise<Set<string>> {
  if (applicationNos.length === 0) return new Set();
  const rows = await db.select({ no: applications.applicationNo }).from(applications).where(inArray(applications.applicationNo, applicationNos));
  return new Set(rows.map((r) => r.no));
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

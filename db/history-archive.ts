/**
 * A closed workflow's whole history in OneWindow's own store (history_archives): the History protobuf as
 * Temporal returned it (payloads as stored, so encrypted data stays encrypted), gzipped, its SHA-256 in
 * the row and in the audit trail. Written once per run, whoever tries and however often.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import proto from '@temporalio/proto';
import { asc, desc, eq, sql } from 'drizzle-orm';
import { appendAudit } from './audit.js';
import type { Db } from './client.js';
import { auditLog, historyArchives } from './schema/index.js';

// A CommonJS module: its namespaces come off the default export under Node's own ESM loader.
const { temporal } = proto;
type History = proto.temporal.api.history.v1.IHistory;
const { EventType } = temporal.api.enums.v1;

/** The events that end a run, and the status each closes it with. */
const CLOSE_EVENTS = new Map<number, string>([
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, 'completed'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, 'failed'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, 'timed_out'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, 'canceled'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, 'terminated'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, 'continued_as_new'],
]);

export const ARCHIVE_ACTION = 'history.archived';
export const DISPOSE_ACTION = 'history.disposed';
/** Who the audit trail names for the archiver's rows. */
export const ARCHIVER = { id: 'system:history-archiver', name: 'History archiver' };

/** The audit row's request id: one per workflow run. */
export const archiveRequestId = (runId: string) => `history-archive:${runId}`;

const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** How the history's last event closed the run, or undefined when it has not closed (still running). */
export function closeOf(history: History): { status: string; at: Date } | undefined {
  const last = history.events?.at(-1);
  const status = last?.eventType == null ? undefined : CLOSE_EVENTS.get(last.eventType);
  if (!status || !last?.eventTime) return undefined;
  const { seconds, nanos } = last.eventTime;
  return { status, at: new Date(Number(seconds ?? 0) * 1000 + Math.floor((nanos ?? 0) / 1e6)) };
}

export function encodeHistory(history: History): { bytes: Buffer; rawBytes: number; sha256: string } {
  const raw = temporal.api.history.v1.History.encode(history).finish();
  const bytes = gzipSync(raw);
  return { bytes, rawBytes: raw.length, sha256: sha256Of(bytes) };
}

export function decodeArchivedHistory(bytes: Uint8Array): proto.temporal.api.history.v1.History {
  return temporal.api.history.v1.History.decode(gunzipSync(bytes));
}

/**
 * Stores a closed run's history and its audit row in one transaction; a second call for the same run
 * (a retry, another worker, a run after a crash) finds the row and writes nothing. Throws when the
 * history has not closed: only a closed history is whole.
 */
export async function storeHistory(
  db: Db,
  run: { applicationNo: string; runId: string; centreCode?: string },
  history: History,
): Promise<{ stored: boolean; sha256: string; eventCount: number }> {
  const close = closeOf(history);
  if (!close) throw new Error(`The history of ${run.applicationNo} (run ${run.runId}) has not closed: nothing to archive yet`);
  const { bytes, rawBytes, sha256 } = encodeHistory(history);
  const eventCount = history.events?.length ?? 0;
  const stored = await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(historyArchives)
      .values({
        applicationNo: run.applicationNo,
        runId: run.runId,
        closeStatus: close.status,
        closedAt: close.at.toISOString(),
        eventCount,
        rawBytes,
        storedBytes: bytes.length,
        sha256,
        bytes,
      })
      .onConflictDoNothing()
      .returning({ sha256: historyArchives.sha256 });
    if (inserted.length === 0) return false;
    await appendAudit(tx, {
      at: new Date().toISOString(),
      actor: ARCHIVER,
      action: ARCHIVE_ACTION,
      // The hash of the stored bytes is in the row the chain covers: changing either shows.
      target: `${run.applicationNo} sha256:${sha256}`,
      status: 200,
      centreCode: run.centreCode ?? run.applicationNo.slice(0, 6),
      requestId: archiveRequestId(run.runId),
    });
    return true;
  });
  return { stored, sha256, eventCount };
}

export interface ArchivedHistory {
  runId: string;
  closeStatus: string;
  closedAt: string;
  archivedAt: string;
  sha256: string;
  eventCount: number;
  /** Undefined once the record reached its retention's end and was disposed of. */
  history?: proto.temporal.api.history.v1.History;
  disposedAt: string | null;
}

/** The application's newest archived run, decoded after its hash is checked; undefined when none was archived. */
export async function readArchivedHistory(db: Db, applicationNo: string): Promise<ArchivedHistory | undefined> {
  const [row] = await db
    .select()
    .from(historyArchives)
    .where(eq(historyArchives.applicationNo, applicationNo))
    .orderBy(desc(historyArchives.closedAt))
    .limit(1);
  if (!row) return undefined;
  const { bytes, ...facts } = row;
  if (bytes && sha256Of(bytes) !== row.sha256) throw new Error(`The archived history of ${applicationNo} does not match its SHA-256: it was altered`);
  return { ...facts, history: bytes ? decodeArchivedHistory(bytes) : undefined };
}

/** Which of these runs are archived already. */
export async function archivedRuns(db: Db, applicationNos: string[]): Promise<Set<string>> {
  if (applicationNos.length === 0) return new Set();
  const rows = await db
    .select({ applicationNo: historyArchives.applicationNo, runId: historyArchives.runId })
    .from(historyArchives)
    .where(sql`${historyArchives.applicationNo} = any(${sql.param(applicationNos)}::text[])`);
  return new Set(rows.flatMap((r) => [r.applicationNo, `${r.applicationNo}/${r.runId}`]));
}

/**
 * Re-hashes every stored archive against its row and its audit row (`npm run history:archive -- --verify`):
 * the problems found, one line each.
 */
export async function verifyArchives(db: Db): Promise<{ archives: number; disposed: number; problems: string[] }> {
  const problems: string[] = [];
  let archives = 0;
  let disposed = 0;
  const audited = new Map<string, string[]>();
  for (const row of await db.select({ requestId: auditLog.requestId, target: auditLog.target }).from(auditLog).where(eq(auditLog.action, ARCHIVE_ACTION))) {
    audited.set(row.requestId, [...(audited.get(row.requestId) ?? []), row.target]);
  }
  // In pages, so that a million archives never sit in memory at once.
  for (let after: { no: string; runId: string } | undefined; ; ) {
    const page = await db
      .select()
      .from(historyArchives)
      .where(after ? sql`(${historyArchives.applicationNo}, ${historyArchives.runId}) > (${after.no}, ${after.runId})` : undefined)
      .orderBy(asc(historyArchives.applicationNo), asc(historyArchives.runId))
      .limit(200);
    if (page.length === 0) break;
    for (const row of page) {
      const name = `${row.applicationNo} (run ${row.runId})`;
      const targets = audited.get(archiveRequestId(row.runId)) ?? [];
      if (targets.length !== 1) problems.push(`${name}: ${targets.length} audit rows ${ARCHIVE_ACTION}, not 1`);
      else if (targets[0] !== `${row.applicationNo} sha256:${row.sha256}`) problems.push(`${name}: the audit trail names another SHA-256 than the row`);
      if (!row.bytes) {
        if (row.disposedAt) disposed++;
        else problems.push(`${name}: no bytes, and not disposed of`);
        continue;
      }
      archives++;
      if (sha256Of(row.bytes) !== row.sha256) problems.push(`${name}: the stored bytes do not match their SHA-256`);
      else if (decodeArchivedHistory(row.bytes).events.length !== row.eventCount) problems.push(`${name}: the history holds another number of events than the row says`);
    }
    after = { no: page.at(-1)!.applicationNo, runId: page.at(-1)!.runId };
  }
  return { archives, disposed, problems };
}

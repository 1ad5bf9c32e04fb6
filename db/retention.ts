/**
 * The retention of OneWindow's records (RECORD_RETENTION_YEARS): a closed application's records are kept
 * for its item category's years after it closed, or permanently (永久) when its category has none.
 * The report names what reached its end; disposal removes only that, once, each with an audit row.
 * What is disposed of: the archived workflow history's bytes (the row stays, with its SHA-256 and the
 * instant of disposal). The read model, documents and attachments stay: they are the application's
 * file, disposed of by the archive's own procedure (鉴定销毁), not by a timer.
 */
import { and, eq, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import { appendAudit } from './audit.js';
import type { Db } from './client.js';
import { ARCHIVER, DISPOSE_ACTION } from './history-archive.js';
import { applications, historyArchives, items } from './schema/index.js';
import type { ItemCategory } from '../workflows/messages.js';

export type RetentionYears = Partial<Record<ItemCategory, number>>;

export interface RecordAtEnd {
  applicationNo: string;
  category: ItemCategory;
  closedAt: string;
  /** closedAt plus the category's years: the end of its retention, passed. */
  endsAt: string;
  /** An archived history still held (not yet disposed of). */
  archiveHeld: boolean;
}

const plusYears = (at: string | Date, years: number) => {
  const d = new Date(at);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
};

/** The closed applications whose retention has ended by `now`, oldest first. */
export async function recordsAtEnd(db: Db, years: RetentionYears, now = new Date()): Promise<RecordAtEnd[]> {
  const ended = Object.entries(years).map(([category, n]) =>
    and(eq(items.category, category as ItemCategory), lte(applications.closedAt, plusYears(now, -n).toISOString())),
  );
  if (ended.length === 0) return [];
  const rows = await db
    .select({
      applicationNo: applications.applicationNo,
      category: items.category,
      closedAt: applications.closedAt,
      archiveHeld: sql<boolean>`exists (select 1 from ${historyArchives} where ${historyArchives.applicationNo} = ${applications.applicationNo} and ${historyArchives.bytes} is not null)`,
    })
    .from(applications)
    .innerJoin(items, eq(items.code, applications.itemCode))
    .where(and(isNotNull(applications.closedAt), or(...ended)))
    .orderBy(applications.closedAt);
  return rows.map((r) => ({ ...r, closedAt: r.closedAt!, endsAt: plusYears(r.closedAt!, years[r.category]!).toISOString() }));
}

/**
 * Disposes of the archived histories of the applications whose retention has ended: the bytes removed,
 * the row kept and marked, one audit row each, in one transaction per application. Nothing else is
 * touched; run again, it finds nothing left to dispose of. Returns the applications disposed of now.
 */
export async function disposeAtEnd(db: Db, years: RetentionYears, now = new Date()): Promise<string[]> {
  const disposed: string[] = [];
  for (const record of await recordsAtEnd(db, years, now)) {
    if (!record.archiveHeld) continue;
    const done = await db.transaction(async (tx) => {
      const rows = await tx
        .update(historyArchives)
        .set({ bytes: null, disposedAt: now.toISOString() })
        .where(and(eq(historyArchives.applicationNo, record.applicationNo), isNull(historyArchives.disposedAt)))
        .returning({ sha256: historyArchives.sha256, runId: historyArchives.runId });
      for (const row of rows) {
        await appendAudit(tx, {
          at: now.toISOString(),
          actor: ARCHIVER,
          action: DISPOSE_ACTION,
          target: `${record.applicationNo} sha256:${row.sha256}`,
          status: 200,
          centreCode: record.applicationNo.slice(0, 6),
          requestId: `history-dispose:${row.runId}`,
        });
      }
      return rows.length > 0;
    });
    if (done) disposed.push(record.applicationNo);
  }
  return disposed;
}

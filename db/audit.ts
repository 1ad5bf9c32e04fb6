/** Appending to the audit trail and checking its chain. */
import { createHash } from 'node:crypto';
import { asc, desc, sql } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { auditLog } from './schema/index.js';

export type AuditEntry = Omit<typeof auditLog.$inferInsert, 'id' | 'prevHash' | 'hash'>;
const GENESIS = '0'.repeat(64);
// One lock for the whole trail: appends are serialized so that each row names its true predecessor.
const AUDIT_LOCK = 4_205_011;

/** The hash covers every field; the centre only where there is one, so rows written before it existed still verify. */
export const entryHash = (prevHash: string, e: AuditEntry) => {
  // jsonb keeps its own key order: hash the actor's keys sorted, as written and as read back.
  const actor = Object.fromEntries(Object.entries(e.actor).sort(([a], [b]) => a.localeCompare(b)));
  const fields = [prevHash, new Date(e.at).toISOString(), actor, e.action, e.target, e.status, e.requestId];
  if (e.centreCode) fields.push(e.centreCode);
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
};

/** Inside a caller's transaction (`tx`), the row is written or rolled back with the rest of it. */
export async function appendAudit(db: Db | Tx, entry: AuditEntry): Promise<void> {
  await (db as Db).transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`);
    const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    const prevHash = last?.hash ?? GENESIS;
    await tx.insert(auditLog).values({ ...entry, prevHash, hash: entryHash(prevHash, entry) });
  });
}

/** Walks the chain from the first row; names the first row that was altered, or after which one was removed. */
export async function verifyAudit(db: Db): Promise<{ rows: number; problem?: string }> {
  const rows = await db.select().from(auditLog).orderBy(asc(auditLog.id));
  let prevHash = GENESIS;
  for (const row of rows) {
    if (row.prevHash !== prevHash) return { rows: rows.length, problem: `row ${row.id}: the row before it was removed or altered (chain broken)` };
    if (entryHash(row.prevHash, row) !== row.hash) return { rows: rows.length, problem: `row ${row.id} was altered (its hash does not match its content)` };
    prevHash = row.hash;
  }
  return { rows: rows.length };
}

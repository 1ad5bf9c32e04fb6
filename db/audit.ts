/**
 * Appending to the audit trail and checking it. Three things hold it, each against a stronger attacker:
 * the hash chain (an edit of one row), a MAC per row under a key the database never sees (an edit that
 * recomputes every hash after it), and signed checkpoints of its Merkle tree kept outside the database
 * (truncation, removing the newest rows, rewriting rows written before the MAC key). See the README's
 * "Audit trail".
 */
import { createHash } from 'node:crypto';
import { asc, count, desc, eq, gt, sql } from 'drizzle-orm';
import { type AuditKeys, auditKeys, auditMac, hasAuditKeys } from './audit-keys.js';
import {
  type Checkpoint,
  CheckpointError,
  type CheckpointHead,
  copyCheckpoint,
  readCheckpoints,
  readLatestCheckpoint,
  signCheckpoint,
  writeCheckpoint,
} from './audit-checkpoints.js';
import type { Db, Tx } from './client.js';
import { TreeHead, consistencyProof, inclusionProof, leafHash } from './merkle.js';
import { auditLog } from './schema/index.js';

export type AuditEntry = Omit<typeof auditLog.$inferInsert, 'id' | 'prevHash' | 'hash' | 'leafHash' | 'mac'>;
type AuditRow = typeof auditLog.$inferSelect;
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

/** The row's leaf in the Merkle tree: its entry bytes are its hash (which covers every field and its predecessor). */
export const entryLeaf = (hash: string) => leafHash(Buffer.from(hash, 'hex')).toString('hex');

/** Inside a caller's transaction (`tx`), the row is written or rolled back with the rest of it. */
export async function appendAudit(db: Db | Tx, entry: AuditEntry): Promise<void> {
  const { macKey } = auditKeys();
  await (db as Db).transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`);
    const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    const prevHash = last?.hash ?? GENESIS;
    const hash = entryHash(prevHash, entry);
    await tx.insert(auditLog).values({ ...entry, prevHash, hash, leafHash: entryLeaf(hash), mac: auditMac(macKey, hash) });
  });
}

/**
 * Each row's own checks in id order: the chain, its content, its leaf, its MAC. Rows without a MAC are
 * those written before the key (migration 0021): only before the first row that has one, and within
 * the first signed checkpoint (`keyedFrom`, its size), which every process writes after with the key.
 * A MAC missing beyond either was stripped, the hashes after it free to be recomputed.
 */
function checkRows(
  rows: AuditRow[],
  macKey: Buffer | undefined,
  { keyedFrom = Number.POSITIVE_INFINITY, after }: { keyedFrom?: number; after?: { index: number; hash: string } } = {},
): { problems: string[]; unkeyed: number } {
  const problems: string[] = [];
  const first = new Set<string>();
  // One problem of each kind, at its first row: an edit that rehashed everything after it would otherwise name them all.
  const report = (kind: string, message: string) => {
    if (!first.has(kind)) problems.push(message);
    first.add(kind);
  };
  // From the start, or (`after`) going on from a row already signed: its hash and its place in the tree.
  let prevHash = after?.hash ?? GENESIS;
  let keyed = false;
  let unkeyed = 0;
  for (const [i, row] of rows.entries()) {
    const index = (after?.index ?? -1) + 1 + i;
    if (row.prevHash !== prevHash) report('chain', `row ${row.id}: the row before it was removed or altered (chain broken)`);
    if (entryHash(row.prevHash, row) !== row.hash) report('content', `row ${row.id} was altered (its hash does not match its content)`);
    if (row.leafHash !== entryLeaf(row.hash)) report('leaf', `row ${row.id}: its leaf hash does not match its hash`);
    if (macKey && row.mac === null) {
      if (keyed) report('mac', `row ${row.id} has no MAC though rows before it have: written or rewritten without the MAC key`);
      else if (index >= keyedFrom) report('mac', `row ${row.id} has no MAC though it was written after a checkpoint signed ${keyedFrom} rows: its MAC was stripped`);
      else unkeyed++;
    } else if (macKey && row.mac !== auditMac(macKey, row.hash)) {
      report('mac', `row ${row.id}: its MAC does not match (rewritten, and every hash after it recomputed, by someone without the MAC key)`);
    }
    keyed ||= row.mac !== null;
    prevHash = row.hash;
  }
  return { problems, unkeyed };
}

export interface AuditReport {
  rows: number;
  /** The first problem found; absent when the trail is intact. */
  problem?: string;
  problems: string[];
  /** Rows written before the MAC key, vouched for by checkpoints only. */
  unkeyed: number;
  /** Signed checkpoints checked; undefined without keys (the chain alone was checked). */
  checkpoints?: number;
  latest?: { size: number; root: string; file: string };
}

/**
 * Walks the trail from the first row, then holds it against every signed checkpoint: each one's
 * signature, and that the log's first `size` rows still give its root, which also proves each
 * checkpoint extends the one before (the same leaves under both). Names the first row altered, the
 * rows removed and the checkpoint that shows it.
 */
export async function verifyAudit(db: Db, keys: AuditKeys | undefined = hasAuditKeys() ? auditKeys() : undefined): Promise<AuditReport> {
  // The checkpoints before the rows: one signed meanwhile would otherwise count rows not read as removed.
  const { checkpoints, problems: unreadable } = keys ? readCheckpoints(keys.checkpointDir, keys.publicKey, keys.origin) : { checkpoints: [], problems: [] };
  const rows = await db.select().from(auditLog).orderBy(asc(auditLog.id));
  const { problems, unkeyed } = checkRows(rows, keys?.macKey, { keyedFrom: checkpoints[0]?.size });
  if (!keys) return { rows: rows.length, problem: problems[0], problems, unkeyed };

  const sizes = new Set(checkpoints.map((c) => c.size));
  const roots = new Map<number, Buffer>();
  const head = new TreeHead();
  if (sizes.has(0)) roots.set(0, head.root());
  for (const row of rows) {
    head.push(Buffer.from(row.leafHash, 'hex'));
    if (sizes.has(head.size)) roots.set(head.size, head.root());
  }
  problems.push(...unreadable);
  const latest = checkpoints.at(-1);
  if (latest && latest.size > rows.length) {
    problems.push(
      rows.length === 0
        ? `the log has 0 rows but checkpoint ${latest.file} signed ${latest.size}: it was truncated`
        : `rows after ${rows.length} removed (checkpoint ${latest.file} signed ${latest.size}; the log has ${rows.length}, the last id ${rows.at(-1)!.id})`,
    );
  }
  // The first checkpoint whose root the log no longer gives: the rewrite lies after the one before it.
  let covered = 0;
  for (const c of checkpoints.filter((c) => c.size <= rows.length)) {
    if (!roots.get(c.size)!.equals(c.root)) {
      const [from, to] = [rows[covered]?.id, rows[c.size - 1]?.id];
      problems.push(
        `checkpoint ${c.file} signed ${c.size} rows with root ${c.root.toString('base64')}, but the log's first ${c.size} give ${roots.get(c.size)!.toString('base64')}: rows among ids ${from}–${to} were rewritten`,
      );
      break;
    }
    covered = c.size;
  }
  return {
    rows: rows.length,
    problem: problems[0],
    problems,
    unkeyed,
    checkpoints: checkpoints.length,
    latest: latest && { size: latest.size, root: latest.root.toString('base64'), file: latest.file! },
  };
}

/** A checkpoint was refused: the log does not extend the last one, or fails its own checks. Itself a finding. */
export class CheckpointRefused extends Error {}

/**
 * Signs the log's current size and root into a new checkpoint, after checking that the log extends the
 * latest checkpoint; refuses, naming why, if not. No new rows: the latest stands.
 *
 * It reads only the rows added since the latest checkpoint, every minute as much work as rows were
 * added in it, going on from the frontier and last row that checkpoint keeps: the row it ended with is still
 * there, unchanged, and the new rows go on from it (chain, content, leaf, MAC); the new tree is the
 * signed one's frontier with the new leaves pushed on, so it extends it by construction. Rows the
 * checkpoints already signed are checked by `npm run audit:verify`, which reads them all. The first
 * checkpoint reads the whole log.
 */
export async function makeCheckpoint(db: Db, keys: AuditKeys = auditKeys(), now = new Date()): Promise<{ checkpoint: Checkpoint; created: boolean }> {
  if (!keys.signingKey) throw new Error('This process has no AUDIT_SIGNING_KEY: it cannot sign checkpoints');
  let latest: Checkpoint | undefined;
  try {
    latest = readLatestCheckpoint(keys.checkpointDir, keys.publicKey, keys.origin);
  } catch (err) {
    if (err instanceof CheckpointError) throw new CheckpointRefused(`no checkpoint signed: ${err.message}`);
    throw err;
  }
  const { head, newRows } = latest ? await rowsSince(db, keys, latest) : await wholeLog(db, keys);

  if (latest && newRows.length === 0) {
    // Each run copies the latest, so a copy that failed is made by the next one.
    if (keys.checkpointCopy) await copyCheckpoint(keys.checkpointCopy, latest.file!, latest.text);
    return { checkpoint: latest, created: false };
  }
  const lastRow = newRows.at(-1);
  const signed: CheckpointHead = {
    origin: keys.origin,
    size: head.size,
    root: head.root(),
    time: now.toISOString(),
    ...(head.size > 0 && lastRow && { frontier: head.frontier, last: { id: lastRow.id, leaf: Buffer.from(lastRow.leafHash, 'hex') } }),
  };
  const text = signCheckpoint(signed, keys.signingKey, keys.publicKey);
  let file: string;
  try {
    file = writeCheckpoint(keys.checkpointDir, { ...signed, text });
  } catch (err) {
    // Another process signed the same size in the same millisecond: that one stands.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { checkpoint: { ...signed, text }, created: false };
    throw err;
  }
  if (keys.checkpointCopy) await copyCheckpoint(keys.checkpointCopy, file, text);
  return { checkpoint: { ...signed, text, file }, created: true };
}

/** The rows after the latest checkpoint's last, checked to go on from it, and its tree with their leaves pushed on. */
async function rowsSince(db: Db, keys: AuditKeys, latest: Checkpoint) {
  let after: { index: number; hash: string } | undefined;
  if (latest.size > 0) {
    const last = latest.last!;
    const [row] = await db.select().from(auditLog).where(eq(auditLog.id, last.id));
    if (!row) throw new CheckpointRefused(`no checkpoint signed: checkpoint ${latest.file} signed ${latest.size} rows ending with row ${last.id}, which is gone: rows were removed`);
    if (!Buffer.from(row.leafHash, 'hex').equals(last.leaf) || row.leafHash !== entryLeaf(row.hash)) {
      throw new CheckpointRefused(`no checkpoint signed: row ${last.id} is not the row checkpoint ${latest.file} signed last: it was rewritten`);
    }
    after = { index: latest.size - 1, hash: row.hash };
  }
  const newRows = await db
    .select()
    .from(auditLog)
    .where(gt(auditLog.id, latest.last?.id ?? 0))
    .orderBy(asc(auditLog.id));
  // Every row after a checkpoint was written with the MAC key.
  const { problems } = checkRows(newRows, keys.macKey, { keyedFrom: latest.size, after });
  if (problems.length > 0) throw new CheckpointRefused(`no checkpoint signed: ${problems[0]}`);
  const head = TreeHead.resume(latest.size, latest.frontier ?? []);
  if (!head.root().equals(latest.root)) throw new CheckpointRefused(`no checkpoint signed: checkpoint ${latest.file}'s frontier does not give its root`);
  for (const row of newRows) head.push(Buffer.from(row.leafHash, 'hex'));
  return { head, newRows };
}

/** The first checkpoint's: every row, checked, and the tree over them. */
async function wholeLog(db: Db, keys: AuditKeys) {
  const rows = await db.select().from(auditLog).orderBy(asc(auditLog.id));
  const { problems } = checkRows(rows, keys.macKey);
  if (problems.length > 0) throw new CheckpointRefused(`no checkpoint signed: ${problems[0]}`);
  const head = new TreeHead();
  for (const row of rows) head.push(Buffer.from(row.leafHash, 'hex'));
  return { head, newRows: rows };
}

/** The latest signed checkpoint, checked; undefined before the first. */
export function latestCheckpoint(keys: AuditKeys = auditKeys()): Checkpoint | undefined {
  return readLatestCheckpoint(keys.checkpointDir, keys.publicKey, keys.origin);
}

/** The number of rows: the current tree size. */
export const auditSize = async (db: Db) => (await db.select({ n: count() }).from(auditLog))[0].n;

/** The first `size` leaf hashes, in id order, with the rows' ids: all a proof needs (O(size) to read). */
const leavesOf = (db: Db, size: number) =>
  db.select({ id: auditLog.id, leafHash: auditLog.leafHash }).from(auditLog).orderBy(asc(auditLog.id)).limit(size);

/** RFC 9162's inclusion proof of row `id` in the tree of the first `size` rows; undefined if it is not among them. */
export async function auditInclusion(db: Db, id: number, size: number) {
  const rows = await leavesOf(db, size);
  const index = rows.findIndex((r) => r.id === id);
  if (index < 0 || rows.length < size) return undefined;
  const path = inclusionProof(
    rows.map((r) => Buffer.from(r.leafHash, 'hex')),
    index,
    size,
  );
  return { leafIndex: index, treeSize: size, leafHash: rows[index].leafHash, path: path.map((h) => h.toString('base64')) };
}

/** RFC 9162's consistency proof that the tree of the first `to` rows extends that of the first `from`. */
export async function auditConsistency(db: Db, from: number, to: number) {
  const rows = await leavesOf(db, to);
  if (rows.length < to) return undefined;
  const proof = consistencyProof(
    rows.map((r) => Buffer.from(r.leafHash, 'hex')),
    from,
    to,
  );
  return { from, to, proof: proof.map((h) => h.toString('base64')) };
}

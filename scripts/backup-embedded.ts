/**
 * `npm run backup:embedded`: the backup and restore of `npm start`'s data folder (DATA_DIR, ./data),
 * for a machine that runs OneWindow without a PostgreSQL server. One file holds everything the folder
 * keeps: the embedded PGlite database (its data directory, dumped by PGlite itself), the Temporal dev
 * server's SQLite file (temporal.db, with its write-ahead log if one was left), and the payload key
 * file and token secret, without which the restored workflows' payloads cannot be read nor the
 * staff's tokens checked, and the audit log's keys and checkpoints (kept apart from the database on a
 * PostgreSQL deployment: see the README's "Audit trail"). `npm start` must be stopped: PGlite serves one process, and the files of a
 * stopped dev server are a consistent copy of its database.
 *
 *   npm run backup:embedded -- --out onewindow-backup.tar.gz
 *   npm run backup:embedded -- --restore onewindow-backup.tar.gz     into an empty DATA_DIR
 *
 * The restore opens the restored database, checks its audit trail and prints what it holds.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { count } from 'drizzle-orm';
import { verifyAudit } from '../db/audit.js';
import { openDatabase } from '../db/client.js';
import { applications } from '../db/schema/index.js';
import { loadAuditKeys } from '../server/audit-keys.js';
import { loadConfig } from '../server/config.js';

const { values } = parseArgs({ options: { out: { type: 'string' }, restore: { type: 'string' } } });
const dataDir = path.resolve(process.env.DATA_DIR ?? './data');
const pgliteDir = path.join(dataDir, 'pglite');
const PGLITE_DUMP = 'pglite.tar.gz';
/** Left out: logs, and the embedded database, which goes in through PGlite's own dump. */
const skipped = (name: string) => name === 'pglite' || name.endsWith('.log');

/** A refusal, said to the operator as it is (exit 2), with nothing changed. */
class Refusal extends Error {}
function fail(message: string): never {
  throw new Refusal(message);
}

const staging = mkdtempSync(path.join(os.tmpdir(), 'onewindow-backup-'));
try {
  if (!values.out === !values.restore) fail('Give one of --out <file> (back up DATA_DIR) or --restore <file> (into an empty DATA_DIR)');
  if (process.env.DATABASE_URL) {
    fail('DATABASE_URL is set: the database is a PostgreSQL server; back it up with pg_basebackup or pg_dump (README, "Backup and restore")');
  }
  if (values.out) await backUp(path.resolve(values.out));
  else await restore(path.resolve(values.restore!));
} catch (err) {
  if (!(err instanceof Refusal)) throw err;
  console.error(err.message);
  process.exitCode = 2;
} finally {
  rmSync(staging, { recursive: true, force: true });
}

async function backUp(out: string) {
  if (!existsSync(pgliteDir)) fail(`No embedded database in ${pgliteDir}: nothing to back up (is DATA_DIR right?)`);
  if (existsSync(path.join(pgliteDir, 'postmaster.pid'))) {
    fail(`${pgliteDir} is open (postmaster.pid): stop npm start first (after a crash, start and stop it once)`);
  }
  const db = await PGlite.create(pgliteDir);
  try {
    writeFileSync(path.join(staging, PGLITE_DUMP), Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer()));
  } finally {
    await db.close();
  }
  for (const name of readdirSync(dataDir).filter((n) => !skipped(n))) cpSync(path.join(dataDir, name), path.join(staging, name), { recursive: true });
  execFileSync('tar', ['-czf', out, '-C', staging, '.']);
  console.log(`backed up ${dataDir} to ${out} (${readdirSync(staging).join(', ')})`);
}

async function restore(file: string) {
  if (!existsSync(file)) fail(`No such backup file: ${file}`);
  if (existsSync(pgliteDir) && readdirSync(pgliteDir).length > 0) fail(`${pgliteDir} is not empty: restore into an empty DATA_DIR (move the old one away first)`);
  execFileSync('tar', ['-xzf', file, '-C', staging]);
  mkdirSync(dataDir, { recursive: true });
  if (!existsSync(path.join(staging, PGLITE_DUMP))) fail(`${file} is not a backup of npm run backup:embedded (no ${PGLITE_DUMP} in it)`);
  const db = await PGlite.create(pgliteDir, { loadDataDir: new Blob([readFileSync(path.join(staging, PGLITE_DUMP))]) });
  await db.close();
  for (const name of readdirSync(staging).filter((n) => n !== PGLITE_DUMP)) cpSync(path.join(staging, name), path.join(dataDir, name), { recursive: true });

  const database = await openDatabase({ dataDir });
  try {
    const [{ n }] = await database.db.select({ n: count() }).from(applications);
    // The restored folder's audit keys, if it has them (npm start's), check the MACs and checkpoints too.
    const keyed = existsSync(path.join(dataDir, 'audit-mac-key')) || process.env.AUDIT_MAC_KEY;
    const audit = await verifyAudit(database.db, keyed ? loadAuditKeys(loadConfig({ ...process.env, DATA_DIR: dataDir }), { local: 'read' }) : undefined);
    if (audit.problem) fail(`restored into ${dataDir}, but the audit trail is BROKEN (${audit.rows} rows): ${audit.problem}`);
    console.log(`restored ${file} into ${dataDir}: ${n} applications, audit trail intact (${audit.rows} rows)`);
  } finally {
    await database.close();
  }
}

/**
 * The audit trail against a database superuser (issue 19, finding 1): TRUNCATE is refused; emptying it
 * with triggers off, removing its newest rows, and editing a row and recomputing every hash after it
 * are each named by `npm run audit:verify`, thanks to signed checkpoints kept outside the database and
 * a MAC under a key it never sees. Checkpoints are made on a schedule and on demand, and an auditor
 * checks a row's inclusion and the log's consistency offline with the public key alone.
 * Each attack wrecks a database of its own (db/scratch.ts), not the run's shared one.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { desc } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type AuditEntry, appendAudit, entryHash, entryLeaf, makeCheckpoint, verifyAudit } from '../db/audit.js';
import { auditKeys, auditMac } from '../db/audit-keys.js';
import { openDatabase } from '../db/client.js';
import { type ScratchDatabase, createScratchDatabase } from '../db/scratch.js';
import { auditLog } from '../db/schema/index.js';
import { consistencyProof, rootOf, verifyConsistency } from '../db/merkle.js';
import { s3Client } from '../db/s3-blob-store.js';
import { CHECKPOINT_SCHEDULE_ID, ensureCheckpointSchedule } from '../server/schedules.js';
import { type Stack, TEST_AUDIT_KEYS, TEST_PAYLOAD_KEYS, TEST_JWT_SECRET, startStack, submission, supervisorOf, windowOf } from './support/stack.js';
import { hasMoto, skippedWithoutMoto, startMoto } from './support/moto.js';

const repoRoot = path.resolve(import.meta.dirname, '..');
const serverUrl = () => Object.assign(new URL(inject('databaseUrl')), { pathname: '/postgres' }).toString();
const scratches: ScratchDatabase[] = [];
afterAll(async () => {
  for (const s of scratches) await s.drop();
});

/** A fresh database and checkpoint folder: the log of one attack. */
async function freshLog(name: string) {
  const scratch = await createScratchDatabase(serverUrl(), `onewindow_audit_${name}_${Date.now()}_${process.pid}`);
  scratches.push(scratch);
  const database = await openDatabase({ url: scratch.url, dataDir: '' });
  const dir = mkdtempSync(path.join(tmpdir(), `onewindow-checkpoints-${name}-`));
  const keys = { ...auditKeys(), checkpointDir: dir };
  return { url: scratch.url, db: database.db, dir, keys, close: () => database.close() };
}

const entry = (i: number): AuditEntry => ({
  at: new Date(Date.UTC(2026, 11, 2, 9, 0, i)).toISOString(),
  actor: { id: '450100-market_regulation-window', kind: 'officer', role: 'window_officer' },
  action: 'POST /v1/applications/:no/intake',
  target: `450100-20261202-${String(i).padStart(6, '0')}`,
  status: 200,
  centreCode: '450100',
  requestId: `req-${i}`,
});

/** SQL as a superuser: `disable` first turns the table's triggers off, as such an intruder can. */
async function asSuperuser(url: string, statements: string[], params: unknown[][] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    for (const [i, statement] of statements.entries()) await client.query(statement, params[i] ?? []);
    await client.query('commit');
  } finally {
    await client.end();
  }
}
const TRIGGERS_OFF = 'alter table audit_log disable trigger user';

/** A script of scripts/ as an operator runs it, against the log's database and checkpoint folder. */
async function script(name: string, log: { url: string; dir: string }, args: string[] = []) {
  const env = { ...process.env, DATABASE_URL: log.url, AUDIT_CHECKPOINT_DIR: log.dir, ...TEST_AUDIT_KEYS, LOG_LEVEL: 'silent' };
  return promisify(execFile)(process.execPath, [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), `scripts/${name}.ts`, ...args], { cwd: repoRoot, env }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, output: err.stdout + err.stderr }),
  );
}

/**
 * What an intruder runs to rewrite row `index` (its target becomes 'forged') and recompute the chain
 * and leaves of every row after it; `withMac`: their MACs too, as one who holds the MAC key would.
 */
function rewriteFrom(rows: Array<typeof auditLog.$inferSelect>, index: number, { withMac = false } = {}) {
  const statements = ['set local session_replication_role = replica'];
  const params: unknown[][] = [[]];
  let prevHash = rows[index].prevHash;
  for (const row of rows.slice(index)) {
    const content = row.id === rows[index].id ? { ...row, target: 'forged' } : row;
    const hash = entryHash(prevHash, content);
    const mac = withMac ? ', mac = $6' : '';
    statements.push(`update audit_log set target = $1, prev_hash = $2, hash = $3, leaf_hash = $4${mac} where id = $5`);
    params.push([content.target, prevHash, hash, entryLeaf(hash), row.id, ...(withMac ? [auditMac(auditKeys().macKey, hash)] : [])]);
    prevHash = hash;
  }
  return { statements, params };
}

/** 62 rows, as in the issue, and a checkpoint signing them. */
async function signedLog(name: string) {
  const log = await freshLog(name);
  for (let i = 1; i <= 62; i++) await appendAudit(log.db, entry(i));
  const { checkpoint } = await makeCheckpoint(log.db, log.keys);
  expect(checkpoint.size).toBe(62);
  return { ...log, checkpoint };
}

describe('the audit trail against a database superuser', () => {
  it('refuses TRUNCATE; emptied with triggers off, the checkpoint names it', async () => {
    const log = await signedLog('truncate');
    await expect(asSuperuser(log.url, ['truncate audit_log'])).rejects.toThrow(/the audit trail is append-only/);
    expect((await script('audit-verify', log)).output).toMatch(/^audit trail intact: 62 rows, 1 checkpoint checked; the latest signs 62 rows/);

    await asSuperuser(log.url, [TRIGGERS_OFF, 'truncate audit_log']);
    const verified = await script('audit-verify', log);
    expect(verified.code).toBe(1);
    expect(verified.output).toContain(`the log has 0 rows but checkpoint ${log.checkpoint.file} signed 62: it was truncated`);
    // And no checkpoint is signed over it.
    await expect(makeCheckpoint(log.db, log.keys)).rejects.toThrow(`checkpoint ${log.checkpoint.file} signed 62 rows ending with row ${log.checkpoint.last!.id}, which is gone: rows were removed`);
    await log.close();
  });

  it('names the newest rows removed after the latest checkpoint', async () => {
    const log = await signedLog('tail');
    const rows = await log.db.select().from(auditLog).orderBy(auditLog.id);
    await asSuperuser(log.url, ['set local session_replication_role = replica', 'delete from audit_log where id > $1'], [[], [rows[58].id]]);
    const verified = await script('audit-verify', log);
    expect(verified.code).toBe(1);
    expect(verified.output).toContain(`rows after 59 removed (checkpoint ${log.checkpoint.file} signed 62; the log has 59, the last id ${rows[58].id})`);
    const checkpointed = await script('audit-checkpoint', log);
    expect(checkpointed.code).toBe(1);
    expect(checkpointed.output).toContain('rows were removed');
    await log.close();
  });

  it('names an edit whose every later hash and leaf was recomputed: the MAC of its row, and the checkpoint whose root no longer holds', async () => {
    const log = await signedLog('rehash');
    const rows = await log.db.select().from(auditLog).orderBy(auditLog.id);
    // The intruder edits row 10 and recomputes the chain and the leaves after it; the MAC key it does not have.
    const { statements, params } = rewriteFrom(rows, 9);
    await asSuperuser(log.url, statements, params);
    const verified = await script('audit-verify', log);
    expect(verified.code).toBe(1);
    expect(verified.output).toContain(`row ${rows[9].id}: its MAC does not match (rewritten, and every hash after it recomputed, by someone without the MAC key)`);
    expect(verified.output).toMatch(new RegExp(`checkpoint ${log.checkpoint.file} signed 62 rows with root \\S+, but the log's first 62 give \\S+: rows among ids ${rows[0].id}–${rows[61].id} were rewritten`));
    await log.close();
  });

  it('names MACs stripped from every row so that the rows after the latest checkpoint could be rewritten', async () => {
    const log = await signedLog('strip');
    for (let i = 63; i <= 72; i++) await appendAudit(log.db, entry(i));
    const rows = await log.db.select().from(auditLog).orderBy(auditLog.id);
    // Without the MAC key, the intruder removes every MAC, so that all rows read as written before the
    // key, then edits row 65 (not yet signed by a checkpoint) and recomputes the chain and leaves after it.
    const { statements, params } = rewriteFrom(rows, 64);
    await asSuperuser(log.url, ['set local session_replication_role = replica', 'update audit_log set mac = null', ...statements.slice(1)], [[], [], ...params.slice(1)]);
    const verified = await script('audit-verify', log);
    expect(verified.code).toBe(1);
    expect(verified.output).toContain(`row ${rows[62].id} has no MAC though it was written after a checkpoint signed 62 rows: its MAC was stripped`);
    await expect(makeCheckpoint(log.db, log.keys)).rejects.toThrow('its MAC was stripped');
    await log.close();
  });

  it('signs the next checkpoint from the latest one’s frontier and last row, reading only the rows added since', async () => {
    const log = await signedLog('incremental');
    // The signed note keeps the tree's complete subtrees (62 = 32 + 16 + 8 + 4 + 2: five) and the row it ends with.
    const rows = await log.db.select().from(auditLog).orderBy(auditLog.id);
    expect(log.checkpoint.frontier).toHaveLength(5);
    expect(log.checkpoint.last).toEqual({ id: rows[61].id, leaf: Buffer.from(rows[61].leafHash, 'hex') });
    for (let i = 63; i <= 100; i++) await appendAudit(log.db, entry(i));
    // A row the checkpoint signed is edited (no rehash): the next checkpoint does not read it, audit:verify does.
    await asSuperuser(log.url, ['set local session_replication_role = replica', 'update audit_log set target = $1 where id = $2'], [[], ['forged', rows[30].id]]);
    const { checkpoint: next, created } = await makeCheckpoint(log.db, log.keys);
    expect(created).toBe(true);
    expect(next.size).toBe(100);
    const leaves = (await log.db.select().from(auditLog).orderBy(auditLog.id)).map((r) => Buffer.from(r.leafHash, 'hex'));
    expect(next.root.equals(rootOf(leaves))).toBe(true);
    expect(verifyConsistency(62, 100, log.checkpoint.root, next.root, consistencyProof(leaves, 62))).toBe(true);
    const verified = await script('audit-verify', log);
    expect(verified.code).toBe(1);
    expect(verified.output).toContain(`row ${rows[30].id} was altered (its hash does not match its content)`);
    await log.close();
  });

  it('refuses the next checkpoint when the row the latest one ended with was rewritten, or a new row does not go on from it', async () => {
    const rewritten = await signedLog('lastrow');
    const [last] = await rewritten.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    const hash = entryHash(last.prevHash, { ...last, target: 'forged' });
    await asSuperuser(rewritten.url, ['set local session_replication_role = replica', 'update audit_log set target = $1, hash = $2, leaf_hash = $3 where id = $4'], [[], ['forged', hash, entryLeaf(hash), last.id]]);
    await appendAudit(rewritten.db, entry(63));
    await expect(makeCheckpoint(rewritten.db, rewritten.keys)).rejects.toThrow(`row ${last.id} is not the row checkpoint ${rewritten.checkpoint.file} signed last: it was rewritten`);
    await rewritten.close();

    const inserted = await signedLog('splice');
    await appendAudit(inserted.db, entry(63));
    // A row slipped in after the signed one, claiming another predecessor.
    const [newest] = await inserted.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    await asSuperuser(inserted.url, ['set local session_replication_role = replica', 'update audit_log set prev_hash = $1 where id = $2'], [[], ['0'.repeat(64), newest.id]]);
    await expect(makeCheckpoint(inserted.db, inserted.keys)).rejects.toThrow(`row ${newest.id}: the row before it was removed or altered (chain broken)`);
    await inserted.close();
  });

  it('names a row edited without rehashing, as before', async () => {
    const log = await signedLog('edit');
    const [victim] = await log.db.select().from(auditLog).orderBy(auditLog.id).offset(20).limit(1);
    await asSuperuser(log.url, ['set local session_replication_role = replica', 'update audit_log set target = $1 where id = $2'], [[], ['forged', victim.id]]);
    const verified = await script('audit-verify', log);
    expect(verified.code).toBe(1);
    expect(verified.output).toContain(`row ${victim.id} was altered (its hash does not match its content)`);
    await log.close();
  });

  it('vouches for rows written before the MAC key by the checkpoints alone, and catches their rewrite there', async () => {
    const log = await signedLog('unkeyed');
    const rows = await log.db.select().from(auditLog).orderBy(auditLog.id);
    // The first 30 rows as migration 0021 leaves older ones: no MAC.
    await asSuperuser(log.url, ['set local session_replication_role = replica', 'update audit_log set mac = null where id <= $1'], [[], [rows[29].id]]);
    expect(await verifyAudit(log.db, log.keys)).toMatchObject({ rows: 62, problems: [], unkeyed: 30, checkpoints: 1 });
    // Row 5 rewritten and every hash after it recomputed: the unkeyed rows have no MAC to break, the keyed ones after them do, and the checkpoint's root no longer holds.
    const { statements, params } = rewriteFrom(rows, 4);
    await asSuperuser(log.url, statements, params);
    const report = await verifyAudit(log.db, log.keys);
    expect(report.problems).toEqual([
      `row ${rows[30].id}: its MAC does not match (rewritten, and every hash after it recomputed, by someone without the MAC key)`,
      expect.stringMatching(new RegExp(`^checkpoint ${log.checkpoint.file} signed 62 rows with root`)),
    ]);
    await log.close();
  });

  it('a checkpoint file altered is named: its signature does not verify', async () => {
    const log = await signedLog('forged_checkpoint');
    const text = readFileSync(log.checkpoint.file!, 'utf8');
    writeFileSync(path.join(log.dir, `${path.basename(log.checkpoint.file!, '.txt')}-copy.txt`), text.replace('\n62\n', '\n61\n'));
    const verified = await script('audit-verify', log);
    expect(verified.code).toBe(1);
    expect(verified.output).toContain('-copy.txt: its signature does not verify with the log’s public key (altered, or signed by another key)');
    await log.close();
  });
});

describe('checkpoints and proofs, for auditors', () => {
  let stack: Stack;
  let log: Awaited<ReturnType<typeof freshLog>>;
  const supervisor = supervisorOf('450000');
  beforeAll(async () => {
    log = await freshLog('proofs');
    stack = await startStack({ databaseUrl: log.url });
    for (let i = 0; i < 3; i++) {
      const submitted = await stack.integrator({ method: 'POST', url: '/v1/applications', payload: submission() });
      expect(submitted.statusCode, submitted.body).toBe(201);
    }
  });
  afterAll(async () => {
    await stack?.close();
    await log?.close();
  });
  const dir = () => auditKeys().checkpointDir;
  const files = () => readdirSync(dir()).filter((n) => n.endsWith('.txt'));

  it('are signed on demand (POST /v1/audit/checkpoints) and by the schedule', async () => {
    const before = files().length;
    const made = await stack.as(supervisor)({ method: 'POST', url: '/v1/audit/checkpoints' });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ size: expect.any(Number), root: expect.any(String), checkpoint: expect.stringMatching(/^localhost:3000\/audit\n\d+\n/) });
    expect(files().length).toBe(before + 1);
    expect((await stack.as(windowOf('market_regulation'))({ method: 'POST', url: '/v1/audit/checkpoints' })).statusCode).toBe(403);

    await ensureCheckpointSchedule(stack.client, { taskQueue: stack.taskQueue, everySeconds: 1 });
    try {
      // The POST above was itself audited after it signed: the schedule's run has a new row to sign.
      await expect.poll(() => files().length, { timeout: 30_000 }).toBeGreaterThan(before + 1);
    } finally {
      await stack.client.schedule.getHandle(CHECKPOINT_SCHEDULE_ID).delete();
    }
    const latest = await stack.as(supervisor)('/v1/audit/checkpoints/latest');
    expect(latest.statusCode).toBe(200);
    expect(latest.headers['content-type']).toMatch(/^text\/plain/);
    expect(latest.body).toMatch(/^localhost:3000\/audit\n\d+\n[A-Za-z0-9+/]{43}=\ntime \S+\nfrontier [A-Za-z0-9+/=,]+\nlast \d+ [A-Za-z0-9+/]{43}=\n\n— localhost:3000\/audit \S+\n$/);
  });

  it('prove a row is in the signed tree, and that a later checkpoint extends an earlier one, offline with the public key alone', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'onewindow-auditor-'));
    const save = (name: string, body: string) => {
      writeFileSync(path.join(work, name), body);
      return path.join(work, name);
    };
    const key = await stack.as(supervisor)('/v1/audit/public-key');
    expect(key.statusCode).toBe(200);
    expect(key.json().verifierKey).toMatch(/^localhost:3000\/audit\+[0-9a-f]{8}\+/);
    const publicKey = save('key.pem', key.json().publicKey);

    const older = (await stack.as(supervisor)({ method: 'POST', url: '/v1/audit/checkpoints' })).json() as { size: number; checkpoint: string };
    for (let i = 0; i < 2; i++) expect((await stack.integrator({ method: 'POST', url: '/v1/applications', payload: submission() })).statusCode).toBe(201);
    const newer = (await stack.as(supervisor)({ method: 'POST', url: '/v1/audit/checkpoints' })).json() as { size: number; checkpoint: string };
    expect(newer.size).toBeGreaterThan(older.size);
    const [oldFile, newFile] = [save('old.txt', older.checkpoint), save('new.txt', newer.checkpoint)];

    const [row] = await stack.db.select().from(auditLog).orderBy(auditLog.id).offset(1).limit(1);
    const inclusion = await stack.as(supervisor)(`/v1/audit/proofs/inclusion?id=${row.id}&size=${newer.size}`);
    expect(inclusion.statusCode, inclusion.body).toBe(200);
    expect(inclusion.json()).toMatchObject({ leafIndex: 1, treeSize: newer.size, entry: { id: row.id, target: row.target } });
    const included = await script('audit-check', log, ['--public-key', publicKey, '--checkpoint', newFile, '--inclusion', save('inclusion.json', inclusion.body)]);
    expect(included.output).toContain(`included: row ${row.id} (${row.action} ${row.target}) is leaf 1 of the signed tree of ${newer.size} rows`);
    expect(included.code).toBe(0);
    // The row's content edited in the proof: its hash no longer holds.
    const forged = JSON.stringify({ ...inclusion.json(), entry: { ...inclusion.json().entry, target: 'forged' } });
    expect((await script('audit-check', log, ['--public-key', publicKey, '--checkpoint', newFile, '--inclusion', save('forged.json', forged)])).code).toBe(1);

    const consistency = await stack.as(supervisor)(`/v1/audit/proofs/consistency?from=${older.size}&to=${newer.size}`);
    expect(consistency.statusCode, consistency.body).toBe(200);
    const args = ['--public-key', publicKey, '--checkpoint', oldFile, '--checkpoint', newFile, '--consistency', save('consistency.json', consistency.body)];
    const consistent = await script('audit-check', log, args);
    expect(consistent.output).toContain(`consistent: the log of ${newer.size} rows extends the log of ${older.size}`);
    expect(consistent.code).toBe(0);

    // A checkpoint file altered: its signature fails.
    const tampered = save('tampered.txt', older.checkpoint.replace(`\n${older.size}\n`, `\n${older.size - 1}\n`));
    const refusedFile = await script('audit-check', log, ['--public-key', publicKey, '--checkpoint', tampered]);
    expect(refusedFile.code).toBe(1);
    expect(refusedFile.output).toContain('its signature does not verify');

    // A row among the older checkpoint's rewritten and every later hash recomputed: the new proof fails against the signed heads.
    const rows = await stack.db.select().from(auditLog).orderBy(auditLog.id);
    // Even with the MAC key, a rewrite is caught by the signed heads.
    const { statements, params } = rewriteFrom(rows, 0, { withMac: true });
    await asSuperuser(log.url, statements, params);
    const rewritten = await stack.as(supervisor)(`/v1/audit/proofs/consistency?from=${older.size}&to=${newer.size}`);
    const broken = await script('audit-check', log, [...args.slice(0, -1), save('rewritten.json', rewritten.body)]);
    expect(broken.code).toBe(1);
    expect(broken.output).toContain(`FAILED: the log of ${newer.size} rows does not extend the log of ${older.size}: rows were rewritten or removed`);
    const refused = await stack.as(supervisor)({ method: 'POST', url: '/v1/audit/checkpoints' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'audit_checkpoint_refused', message: expect.stringContaining(`signed last: it was rewritten`) });
  });

  it('answer 400 naming the field for a tree larger than the log', async () => {
    const big = await stack.as(supervisor)('/v1/audit/proofs/consistency?from=1&to=999999');
    expect(big.statusCode).toBe(400);
    expect(big.json().error.details).toEqual([{ field: 'querystring.to', message: expect.stringMatching(/^must be at most the log's size, \d+$/) }]);
    const inclusion = await stack.as(supervisor)('/v1/audit/proofs/inclusion?id=1&size=999999');
    expect(inclusion.json().error.details[0].field).toBe('querystring.size');
    expect((await stack.as(supervisor)('/v1/audit/proofs/consistency?from=3&to=2')).json().error.details[0].field).toBe('querystring.from');
    expect((await stack.as(supervisor)('/v1/audit/proofs/inclusion?id=x&size=1')).statusCode).toBe(400);
  });
});

describe('production processes', () => {
  it('refuse to start without AUDIT_MAC_KEY and AUDIT_SIGNING_KEY, saying so', async () => {
    const env = { ...process.env, DATABASE_URL: inject('databaseUrl'), AUTH_JWT_SECRET: TEST_JWT_SECRET, PAYLOAD_KEYS: TEST_PAYLOAD_KEYS, LOG_LEVEL: 'silent' };
    for (const name of ['api', 'worker']) {
      const run = await promisify(execFile)(process.execPath, [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), `server/${name}.ts`], { cwd: repoRoot, env }).then(
        () => ({ code: 0, output: '' }),
        (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, output: err.stdout + err.stderr }),
      );
      expect(run.code, run.output).toBe(1);
      expect(run.output).toContain('Set AUDIT_MAC_KEY (base64, 32 bytes or more) and AUDIT_SIGNING_KEY (an Ed25519 private key, PEM)');
    }
  });
});

describe.skipIf(!hasMoto)(`checkpoints copied to S3${skippedWithoutMoto}`, () => {
  let moto: Awaited<ReturnType<typeof startMoto>> | undefined;
  let endpoint = '';
  beforeAll(async () => {
    moto = await startMoto();
    endpoint = moto.endpoint;
  });
  afterAll(() => moto?.stop());

  it('keeps a copy of each checkpoint in the bucket, as written in the folder', async () => {
    const log = await freshLog('s3');
    const location = { bucket: 'onewindow-audit', prefix: 'checkpoints/', endpoint, region: 'us-east-1', forcePathStyle: true };
    const client = s3Client(location);
    await client.send(new CreateBucketCommand({ Bucket: location.bucket }));
    for (let i = 1; i <= 5; i++) await appendAudit(log.db, entry(i));
    const keys = { ...log.keys, checkpointCopy: location };
    const { checkpoint } = await makeCheckpoint(log.db, keys);
    const copy = async (file: string) =>
      (await (await client.send(new GetObjectCommand({ Bucket: location.bucket, Key: `checkpoints/${path.basename(file)}` }))).Body!.transformToString());
    expect(await copy(checkpoint.file!)).toBe(readFileSync(checkpoint.file!, 'utf8'));
    // No new rows: the latest stands, and its copy is there already.
    expect((await makeCheckpoint(log.db, keys)).created).toBe(false);
    await appendAudit(log.db, entry(6));
    const next = await makeCheckpoint(log.db, keys);
    expect(next.checkpoint.size).toBe(6);
    expect(await copy(next.checkpoint.file!)).toBe(next.checkpoint.text);
    client.destroy();
    await log.close();
  });
});

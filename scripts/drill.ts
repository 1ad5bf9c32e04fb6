/**
 * `npm run drill`: the restore drill. One PostgreSQL cluster of the run's own holds both of
 * OneWindow's databases' worth of state: Temporal's store and visibility databases and OneWindow's
 * read model and audit trail. Its WAL is streamed, as it is written, by `pg_receivewal --synchronous`
 * into an archive folder (another machine's disk, in production), and the cluster waits for that
 * receiver's flush before it acknowledges a commit (synchronous_standby_names): what a caller was
 * told is committed is in the archive. A real Temporal server (go.temporal.io/server), a worker and an
 * API carry a steady load of company start-ups driven over REST by the fault run's windows
 * (scripts/faults/windows.ts). While applications flow a base backup is taken (pg_basebackup); the
 * load goes on; then everything is destroyed at once: PostgreSQL, the Temporal server, the worker and
 * the API SIGKILLed and PostgreSQL's data directory deleted. The cluster is then restored from the
 * base backup and the archive (recovery to the archive's end), the server, worker and API started
 * again, and every application goes on to its end while the windows retry what went unanswered.
 *
 * The checks: every application whose submission was answered 201 before the destruction is there
 * after the restore (in the read model and in Temporal), none twice; the fault run's checks pass on
 * the restored system (every workflow ends as the windows' answers say, the read model equals what
 * each workflow committed, `npm run read-model:reconcile` finds nothing, every history replays); the
 * audit trail verifies. It prints a summary, then one JSON line with the numbers (recovery point and
 * time, backup size and duration), and exits 1 on any loss, double or mismatch. `--short` is CI's.
 * `--without-archive` restores the base backup alone: what was acknowledged after it is lost, and the
 * drill must say so and fail. `--keep` keeps the run's folder (logs, backup, archive).
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { like } from 'drizzle-orm';
import pg from 'pg';
import { waitForTemporal } from '../api/readiness.js';
import { verifyAudit } from '../db/audit.js';
import { openDatabase } from '../db/client.js';
import { applications } from '../db/schema/index.js';
import { seedCatalogue } from '../db/seed.js';
import { loadAuditKeys } from '../server/audit-keys.js';
import { loadConfig } from '../server/config.js';
import { dataConverter, freshKeyList, payloadKeys } from '../server/payload-codec.js';
import { bundleWorkflows } from '../server/runtime.js';
import { ensureNamespace, freePort, registerSearchAttributes } from '../server/temporal.js';
import { ensureTemporalServer, freePorts, setupSchemas, startTemporalServer, type TemporalServer } from './cluster/temporal-server.js';
import { checkApplications } from './faults/checks.js';
import { type Cluster, completePartial, createCluster, ownedDir, pgTool, restoreCluster, runPgTool, spawnPgTool } from './faults/postgres.js';
import { processEnv, supervise } from './faults/processes.js';
import { openWindows } from './faults/windows.js';

const { values } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    applications: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'without-archive': { type: 'boolean', default: false },
  },
});
const short = values.short!;
const total = Number(values.applications ?? (short ? 16 : 60));
const loadMs = short ? 50_000 : 150_000;
const namespace = 'default';
const dir = path.join(os.tmpdir(), `onewindow-drill-${process.pid}`);
const secret = `drill-${process.pid}-0123456789abcdefghijklmnop`;
const receiverName = 'drill_archive';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (message: string) => console.log(`[drill ${new Date().toISOString().slice(11, 19)}] ${message}`);
const runStarted = new Date().toISOString();
const bytes = (folder: string) => Number(execFileSync('du', ['-sb', folder]).toString().split('\t')[0]);
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

// ---- Before: a cluster whose every commit is in the archive, Temporal, a worker and an API.

const serverBuild = ensureTemporalServer();
const pgPort = await freePort();
const apiPort = await freePort();
const serverPorts = await freePorts();
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const archive = ownedDir(path.join(dir, 'archive'));
const backupDir = ownedDir(path.join(dir, 'backup'));
const baseBackup = path.join(backupDir, 'base');
let cluster: Cluster = createCluster(path.join(dir, 'pg'), pgPort);
cluster.start();
const onExit: Array<() => unknown> = [() => cluster.stop()];
let stopped = false;
process.once('exit', () => {
  if (stopped) return;
  for (const kill of onExit.reverse()) {
    try {
      kill();
    } catch {
      // already gone
    }
  }
});

const admin = async <T extends pg.QueryResultRow>(text: string) => {
  const client = new pg.Client({ connectionString: cluster.url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
};
const replication = `host=127.0.0.1 port=${pgPort} user=postgres application_name=${receiverName}`;
// A slot keeps every WAL segment until the receiver has it, even one that falls behind for a while.
runPgTool('pg_receivewal', ['-d', replication, '--slot', receiverName, '--create-slot']);
const receiver = spawnPgTool('pg_receivewal', ['-d', replication, '-D', archive, '--slot', receiverName, '--synchronous', '--no-loop'], path.join(dir, 'pg_receivewal.log'));
const receiverExited = new Promise((r) => receiver.once('exit', r));
onExit.push(() => receiver.pid && process.kill(-receiver.pid, 'SIGKILL'));
for (let i = 0; (await admin(`select 1 from pg_stat_replication where application_name = '${receiverName}'`)).length === 0; i++) {
  if (i > 60) throw new Error(`pg_receivewal did not connect (log: ${dir}/pg_receivewal.log)`);
  await sleep(500);
}
// From here on, a commit is acknowledged only once the receiver has flushed it to the archive.
await admin(`alter system set synchronous_standby_names = '${receiverName}'`);
await admin('select pg_reload_conf()');
for (let i = 0; (await admin(`select 1 from pg_stat_replication where application_name = '${receiverName}' and sync_state = 'sync'`)).length === 0; i++) {
  if (i > 60) throw new Error('pg_receivewal did not become the synchronous standby');
  await sleep(500);
}

const store = { host: '127.0.0.1', port: pgPort, user: 'postgres', password: '', database: 'temporal', visibilityDatabase: 'temporal_visibility' };
const migrated = await openDatabase({ url: cluster.url, dataDir: '' });
await migrated.migrate();
await seedCatalogue(migrated.db);
await migrated.close();
await setupSchemas(serverBuild, store);
const startServer = () => startTemporalServer({ build: serverBuild, store, logFile: path.join(dir, 'temporal.log'), ports: serverPorts });
let temporal: TemporalServer = await startServer();
onExit.push(() => temporal.pid() && process.kill(temporal.pid()!, 'SIGKILL'));
await ensureNamespace(temporal.address, namespace, 1);
{
  const connection = await Connection.connect({ address: temporal.address });
  await registerSearchAttributes(connection, namespace);
  const notReady = await waitForTemporal(connection, namespace, { timeoutMs: 30_000 });
  await connection.close();
  if (notReady.length > 0) throw new Error(`Temporal is not ready: ${notReady.join('; ')}`);
}

// The payload key and the token secret are not in the databases: an operator keeps them apart.
const payloadKeyList = freshKeyList();
const bundlePath = path.join(dir, 'workflow-bundle.js');
const workflowBundle = await bundleWorkflows();
writeFileSync(bundlePath, workflowBundle.code);
const env = processEnv({
  databaseUrl: cluster.url,
  temporalAddress: temporal.address,
  namespace,
  taskQueue: 'onewindow-drill',
  secret,
  payloadKeys: payloadKeyList,
  dataDir: dir,
  bundlePath,
});
const worker = supervise('worker', 'server/worker.ts', env, dir);
const api = supervise('api', 'server/api.ts', { ...env, PORT: String(apiPort) }, dir);
onExit.push(() => worker.kill9(), () => api.kill9());

// ---- The load: applications flowing the whole time, through the backup, the destruction and the restore.

const mismatches: string[] = [];
/** When each submission was answered 201: the acknowledgement whose promise the restore must keep. */
const acknowledged = new Map<string, number>();
const windows = await openWindows({
  bases: [`http://127.0.0.1:${apiPort}`],
  secret,
  prefix: 'drill',
  mismatches,
  onSubmitted: (_, no) => void (acknowledged.has(no) || acknowledged.set(no, Date.now())),
});
log(`load: ${total} applications over ${loadMs / 1000} s`);
const load = windows.load(total, loadMs);

await sleep(loadMs * 0.3);
log(`base backup while ${acknowledged.size} applications have been acknowledged`);
const backupStarted = Date.now();
await promisify(execFile)(...pgTool('pg_basebackup', ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'postgres', '-D', baseBackup, '-X', 'stream', '-c', 'fast']));
const backupMs = Date.now() - backupStarted;
const backupBytes = bytes(baseBackup);
log(`base backup: ${mib(backupBytes)} in ${(backupMs / 1000).toFixed(1)} s; the load goes on`);

await sleep(loadMs * 0.4);

// ---- The destruction: every process SIGKILLed at once, PostgreSQL's data directory deleted.

cluster.kill();
// From this instant nothing can commit: an answer heard before it was for a committed transaction.
const destroyedAt = Date.now();
api.destroy();
worker.destroy();
await temporal.kill();
rmSync(cluster.data, { recursive: true, force: true });
const acknowledgedBefore = [...acknowledged].filter(([, at]) => at < destroyedAt).map(([no]) => no);
log(`destroyed: PostgreSQL, the Temporal server, the worker and the API SIGKILLed, the data directory deleted (${acknowledgedBefore.length} acknowledged)`);
// The receiver ends with its connection; what it flushed is every commit ever acknowledged.
await Promise.race([receiverExited, sleep(10_000)]);
if (receiver.exitCode === null) process.kill(-receiver.pid!, 'SIGTERM');
await receiverExited;
const archiveBytes = bytes(archive);
completePartial(archive);

// ---- The restore: the base backup plus the archive, replayed to its end; then the processes again.

const restoreStarted = Date.now();
// --without-archive: the base backup alone, as a nightly backup would give; the checks must then fail.
const restoreFrom = values['without-archive'] ? ownedDir(path.join(dir, 'no-archive')) : archive;
cluster = restoreCluster(path.join(dir, 'pg-restored'), pgPort, { base: baseBackup, archive: restoreFrom });
cluster.start(); // returns once the cluster answers, read-only while it replays the archive
for (let i = 0; (await admin<{ recovering: boolean }>('select pg_is_in_recovery() as recovering'))[0].recovering; i++) {
  if (i > 1200) throw new Error(`PostgreSQL did not finish its recovery (log: ${dir}/pg-restored/postgres.log)`);
  await sleep(100);
}
const recoveredMs = Date.now() - restoreStarted;
const [replayed] = await admin<{ last: Date | null; lsn: string }>('select pg_last_xact_replay_timestamp() as last, pg_last_wal_replay_lsn()::text as lsn');
const lastRecovered = replayed.last?.getTime() ?? 0;
const archivedCommits = commitsIn(archive);
const notRecovered = archivedCommits.filter((c) => lsnValue(c.lsn) > lsnValue(replayed.lsn));
log(
  `PostgreSQL restored in ${(recoveredMs / 1000).toFixed(1)} s to ${replayed.lsn}: the last transaction recovered committed ` +
    `${destroyedAt - lastRecovered} ms before the destruction; ${notRecovered.length} of the archive's commits not recovered`,
);
if (notRecovered.length > 0) mismatches.push(`${notRecovered.length} commits in the archive were not recovered, from ${notRecovered[0].lsn} (${notRecovered[0].at}) on`);
temporal = await startServer();
worker.start();
api.start();
await windows.waitForApi(180_000);
const apiBackMs = Date.now() - destroyedAt;
log(`the API answers again, ${(apiBackMs / 1000).toFixed(1)} s after the destruction; the windows carry on`);

await load;
log(`load done: ${windows.expectations.length} applications; checking the restored system`);

// ---- The checks.

const connection = await Connection.connect({ address: temporal.address });
const converter = dataConverter(payloadKeys({ dataDir: dir, payloadKeys: { list: payloadKeyList } }, { localKeyFile: false }));
const client = new Client({ connection, namespace, dataConverter: converter });
Runtime.install({ logger: new DefaultLogger('WARN') }); // the replay check's worker
const database = await openDatabase({ url: cluster.url, dataDir: '' });
// Without the archive, workflows rolled back to the backup wait for decisions the windows already heard answered: a minute will do.
const finishWithinMs = values['without-archive'] ? 60_000 : 300_000;
const checked = await checkApplications({ client, db: database.db, expectations: windows.expectations, env, since: runStarted, workflowBundle, finishWithinMs });
mismatches.push(...checked.mismatches);
const reconciledMs = Date.now() - destroyedAt;

// Every acknowledged application is still there, in the read model and in Temporal.
const rows = await database.db
  .select({ no: applications.applicationNo, reference: applications.clientReference })
  .from(applications)
  .where(like(applications.clientReference, 'drill-%'));
const inReadModel = new Set(rows.map((r) => r.no));
const lost: string[] = [];
for (const no of acknowledgedBefore) {
  const inTemporal = await client.workflow
    .getHandle(no)
    .describe()
    .then(() => true)
    .catch(() => false);
  if (!inReadModel.has(no) || !inTemporal) lost.push(`${no}${inReadModel.has(no) ? '' : ' (no read model row)'}${inTemporal ? '' : ' (no workflow)'}`);
}
const atRisk = acknowledgedBefore.filter((no) => acknowledged.get(no)! > lastRecovered);
// None twice: one application per client reference, and none that no window was answered with.
const perReference = new Map<string, number>();
for (const { reference } of rows) perReference.set(reference!, (perReference.get(reference!) ?? 0) + 1);
const doubled = [...perReference].filter(([, n]) => n > 1).map(([ref, n]) => `${ref}: ${n} applications`);
const answered = new Set(windows.expectations.map((e) => e.no));
doubled.push(...[...inReadModel].filter((no) => !answered.has(no)).map((no) => `${no}: an application no window was answered with`));
mismatches.push(...lost.map((l) => `lost: ${l}`), ...doubled.map((d) => `doubled: ${d}`));
// The restored trail against the processes' keys and the checkpoints they signed before the destruction.
const audit = await verifyAudit(database.db, loadAuditKeys(loadConfig(env), { local: 'none' }));
if (audit.problem) mismatches.push(`audit trail: ${audit.problem}`);

const result = {
  applications: windows.expectations.length,
  acknowledgedBeforeDestruction: acknowledgedBefore.length,
  presentAfterRestore: acknowledgedBefore.length - lost.length,
  lost: lost.length,
  acknowledgedAfterLastRecovered: atRisk.length,
  doubled: doubled.length,
  mismatches: mismatches.length,
  auditRowsVerified: audit.problem ? 0 : audit.rows,
  lastCommitRecovered: new Date(lastRecovered).toISOString(),
  lastCommitArchived: archivedCommits.at(-1)?.at,
  commitsArchivedNotRecovered: notRecovered.length,
  recoveryPointMs: Math.max(0, destroyedAt - lastRecovered),
  recoveryTimeApiMs: apiBackMs,
  recoveryTimeReconciledMs: reconciledMs,
  postgresRecoveryMs: recoveredMs,
  backupBytes,
  backupMs,
  archiveBytes,
};
console.log(
  [
    '',
    'Restore drill summary',
    '  under test:         PostgreSQL (Temporal store + visibility, OneWindow) streaming its WAL synchronously to pg_receivewal; Temporal server, a worker, an API',
    `  base backup:        ${mib(backupBytes)} in ${(backupMs / 1000).toFixed(1)} s (pg_basebackup, during the load); WAL archived: ${mib(archiveBytes)}`,
    `  acknowledged:       ${acknowledgedBefore.length} applications before the destruction; ${result.presentAfterRestore} present after the restore, ${lost.length} lost, ${doubled.length} doubled`,
    `  recovery point:     the last commit recovered (${replayed.lsn}) came ${destroyedAt - lastRecovered} ms before the SIGKILL; ${notRecovered.length} of the archive's ${archivedCommits.length} commits not recovered; ${atRisk.length} submission(s) answered after that last commit, ${atRisk.filter((no) => lost.some((l) => l.startsWith(no))).length} of them lost`,
    `  recovery time:      PostgreSQL replayed in ${(recoveredMs / 1000).toFixed(1)} s; the API answered ${(apiBackMs / 1000).toFixed(1)} s after the destruction; all ${windows.expectations.length} applications ended and reconciled after ${(reconciledMs / 1000).toFixed(1)} s`,
    `  fault run's checks: ${checked.finished} workflows finished as answered, ${checked.compared} compared (${checked.differing} differing), ${checked.replayed} replayed (${checked.nonDeterministic} non-deterministic)`,
    `  reconcile command:  ${checked.reconciled}`,
    `  audit trail:        ${audit.problem ? `BROKEN: ${audit.problem}` : `${audit.rows} rows verified, their MACs, and ${audit.checkpoints} signed checkpoint(s)`}`,
    `  mismatches:         ${mismatches.length}`,
    ...mismatches.slice(0, 30).map((m) => `    - ${m}`),
    '',
  ].join('\n'),
);
console.log(JSON.stringify(result));

await Promise.all([worker.stop(), api.stop()]);
await connection.close();
await database.close();
await temporal.stop();
cluster.stop();
stopped = true;
if (mismatches.length === 0 && !values.keep) rmSync(dir, { recursive: true, force: true });
else console.log(`logs, backup and archive kept in ${dir}`);
process.exit(mismatches.length === 0 ? 0 : 1);

/** Every commit record in the archived WAL (pg_waldump reads to the end of what was written, then stops with an error). */
function commitsIn(folder: string): Array<{ lsn: string; at: string }> {
  const segments = readdirSync(folder)
    .filter((f) => /^[0-9A-F]{24}$/.test(f))
    .sort();
  const [command, args] = pgTool('pg_waldump', ['-p', folder, '--rmgr=Transaction', segments[0], segments.at(-1)!]);
  const output = spawnSync(command, args, { maxBuffer: 256 * 1024 * 1024 }).stdout.toString();
  return [...output.matchAll(/lsn: ([0-9A-F]+\/[0-9A-F]+),.*desc: COMMIT (\S+ \S+)/g)].map(([, lsn, at]) => ({ lsn, at: new Date(`${at}Z`).toISOString() }));
}
function lsnValue(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

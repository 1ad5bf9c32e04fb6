/**
 * `npm run faults`: nothing is lost or doubled whatever fails. A worker process, an API process, a
 * Temporal dev server and a PostgreSQL cluster of the run's own (loopback only) carry a steady load of
 * company start-ups (five departments in parallel) driven over REST by simulated windows that retry
 * what was not answered, while the run kills the worker with SIGKILL in the middle of fan-outs, stops
 * and restarts the dev server (its SQLite file kept), stops PostgreSQL for a while, and sends the same
 * decision twice at once and conflicting decisions from two windows at once. The middle of the run,
 * the dev server's restart included, happens under CPU contention: a busy process on every core, so
 * that a slow worker has workflow tasks in hand when the server goes (how a phantom decision was found).
 *
 * Afterwards every application must have reached the state it reaches without faults; every row the
 * read model holds of it (the application, its events, review tasks, alerts and accountability cases)
 * must equal what its workflow committed (db/reconcile.ts), which must hold no decision or alert twice;
 * `npm run read-model:reconcile` over the run's applications must find nothing; and the API must have
 * answered 503, never another 5xx or a false success. It prints a summary and exits 1 on any mismatch.
 * `--short` is the bounded version CI runs.
 *
 * The run also pays (issue 21). The payment platform simulator runs inside it and notifies the (first)
 * API; the first application and every `--fee-every`-th after it (4 unless told; 0: none) are of a copy
 * of the company start-up, made through the administrators' API, that charges a fee assessed by the rule
 * at intake and paid before pickup. Each applicant pays its notice at a random moment, the first notices
 * known before an outage while PostgreSQL or Temporal is down; the platform sends each notification
 * twice (a duplicate) and delivers each until it is answered 2xx, signed afresh every time. An
 * application refused after its fee was paid has it refunded (a leader approves). Afterwards every
 * payment and refund must be recorded exactly once (the workflow; fee_notices and fee_refunds; one
 * fee_paid or fee_refunded event), every notification acknowledged, and none answered anything but 200,
 * or 503 while a dependency was out of reach (scripts/faults/payments.ts).
 *
 * The run also listens (issue 24): a webhook endpoint of the windows' integrator, for every type, whose
 * receiver in this process is stopped for a while as one more fault. Afterwards every message queued
 * for it must have arrived, each application's in order, signed, and none be left pending or failed
 * (repeats are counted: delivery is at least once; scripts/faults/webhooks.ts).
 *
 * The run also follows up bad ratings (督办, issue 22): every `--follow-up-every`-th application (3 unless
 * told; 0: none), once its intake is accepted and while the faults happen, is rated very dissatisfied
 * (差评) by its applicant through the windows' integrator, which opens a follow-up for the lead
 * department's leader; the leader contacts the applicant back and concludes it rectified, each call
 * retried until done (a retry of one that landed hears 200 changed, or 409 and sees the follow-up moved
 * on). Afterwards each follow-up must be closed rectified in the read model and in its workflow's result,
 * its steps each once, no accountability case opened, its history replayed, and the reconcile command
 * must have compared it (scripts/faults/follow-ups.ts).
 *
 * `--cluster` runs it as production runs: a real Temporal server (go.temporal.io/server, built once by
 * scripts/ensure-temporal-server.sh) persisting to the same PostgreSQL cluster as the read model, so
 * that stopping PostgreSQL takes both away; two worker processes and two API processes at once, the
 * windows' calls spread over both APIs; one worker SIGKILLed again and again while the other carries
 * on; and the Temporal server process SIGKILLed and started again.
 *
 * `--temporal-address host:port` runs it against a Temporal that is already running (a cluster of the
 * region's, say), in a fresh namespace of its own; that server is not the run's to restart, so the
 * restart fault is left out and says so.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { openDatabase } from '../db/client.js';
import { seedCatalogue } from '../db/seed.js';
import { bundleWorkflows } from '../server/runtime.js';
import { ensureNamespace, findTemporalCli, freePort, registerSearchAttributes, startDevServer } from '../server/temporal.js';
import { waitForTemporal } from '../api/readiness.js';
import { ensureTemporalServer, freePorts, setupSchemas, startTemporalServer } from './cluster/temporal-server.js';
import { dataConverter, freshKeyList, payloadKeys } from '../server/payload-codec.js';
import { checkApplications } from './faults/checks.js';
import { createCluster } from './faults/postgres.js';
import { processEnv, supervise } from './faults/processes.js';
import { openWindows } from './faults/windows.js';
import { checkPayments, openPayments } from './faults/payments.js';
import { FAULT_RUN_WEBHOOK_ENV, openWebhooks } from './faults/webhooks.js';
import { openFollowUps } from './faults/follow-ups.js';

const { values } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    applications: { type: 'string' },
    'pg-outage-s': { type: 'string' },
    'worker-kills': { type: 'string' },
    contention: { type: 'boolean', default: true },
    cluster: { type: 'boolean', default: false },
    'temporal-address': { type: 'string' },
    'fee-every': { type: 'string' },
    'follow-up-every': { type: 'string' },
  },
});
const short = values.short!;
const onCluster = values.cluster!;
const external = values['temporal-address'];
if (external && onCluster) throw new Error('--cluster starts a Temporal server of its own; --temporal-address uses one that runs: choose one');
const namespace = external ? `onewindow-faults-${Date.now()}-${process.pid}` : 'default';
const temporalName = external ? `Temporal at ${external}` : onCluster ? 'Temporal server' : 'Temporal dev server';
const total = Number(values.applications ?? (short ? 24 : 120));
const outageMs = Number(values['pg-outage-s'] ?? 30) * 1000;
const workerKills = Number(values['worker-kills'] ?? (short ? 2 : 4));
const feeEvery = Number(values['fee-every'] ?? 4);
const followUpEvery = Number(values['follow-up-every'] ?? 3);
const dir = path.join(os.tmpdir(), `onewindow-faults-${process.pid}`);
const secret = `faults-${process.pid}-0123456789abcdefghijklmnop`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (message: string) => console.log(`[faults ${new Date().toISOString().slice(11, 19)}] ${message}`);
const runStarted = new Date().toISOString();

// ---- The processes under test.

// The server's build comes first: the first one takes minutes, and nothing is running yet.
const serverBuild = onCluster ? ensureTemporalServer() : undefined;
const [pgPort, temporalPort] = [await freePort(), await freePort()];
const apiPorts = await Promise.all(Array.from({ length: onCluster ? 2 : 1 }, () => freePort()));
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const cluster = createCluster(path.join(dir, 'pg'), pgPort);
cluster.start();
// Whatever ends the run, an error included (a server that will not start, say), nothing of it outlives
// it: each process, as it starts, adds how to kill it here (a run that ends as planned has stopped them).
const onExit: Array<() => unknown> = [() => cluster.stop()];
let stopped = false;
process.once('exit', () => {
  stopContention();
  if (stopped) return;
  for (const kill of onExit.reverse()) {
    try {
      kill();
    } catch {
      // already gone
    }
  }
});
let stopContention = () => {};
const database = await openDatabase({ url: cluster.url, dataDir: '' });
await database.migrate();
await seedCatalogue(database.db);

/** The Temporal server under test: restarted as one of the faults. */
interface TemporalUnderTest {
  address: string;
  pid(): number | undefined;
  /** Stops it as the fault does: the dev server asked to stop, the real server SIGKILLed. */
  fail(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
async function devTemporal(): Promise<TemporalUnderTest> {
  const cliPath = findTemporalCli(process.env.TEMPORAL_CLI_PATH);
  let server: Awaited<ReturnType<typeof startDevServer>> | undefined;
  const start = async () => {
    server = await startDevServer({ cliPath, port: temporalPort, dbFile: path.join(dir, 'temporal.db'), logFile: path.join(dir, 'temporal.log') });
  };
  await start();
  onExit.push(() => server?.pid && process.kill(server.pid, 'SIGKILL'));
  const stop = async () => server?.stop();
  return { address: `127.0.0.1:${temporalPort}`, pid: () => server?.pid, fail: stop, start, stop };
}
/** go.temporal.io/server with its store and visibility databases on the run's PostgreSQL cluster. */
async function realTemporal(): Promise<TemporalUnderTest> {
  const store = { host: '127.0.0.1', port: pgPort, user: 'postgres', password: '', database: 'temporal', visibilityDatabase: 'temporal_visibility' };
  await setupSchemas(serverBuild!, store);
  const server = await startTemporalServer({ build: serverBuild!, store, logFile: path.join(dir, 'temporal.log'), ports: await freePorts() });
  onExit.push(() => server.pid() && process.kill(server.pid()!, 'SIGKILL'));
  await ensureNamespace(server.address, namespace, 1);
  return { address: server.address, pid: server.pid, fail: server.kill, start: server.start, stop: server.stop };
}
/** A server that runs already: a fresh namespace on it, nothing to start or stop. */
async function externalTemporal(address: string): Promise<TemporalUnderTest> {
  await ensureNamespace(address, namespace, 1);
  const nothing = async () => {};
  return { address, pid: () => undefined, fail: nothing, start: nothing, stop: nothing };
}
const temporal = external ? await externalTemporal(external) : onCluster ? await realTemporal() : await devTemporal();
const address = temporal.address;
const connection = await Connection.connect({ address });
await registerSearchAttributes(connection, namespace);
const notReady = await waitForTemporal(connection, namespace, { timeoutMs: 30_000 });
if (notReady.length > 0) throw new Error(`Temporal is not ready: ${notReady.join('; ')}`);
// The run's own payload key, shared with the workers and the APIs it spawns.
const payloadKeyList = freshKeyList();
const converter = dataConverter(payloadKeys({ dataDir: dir, payloadKeys: { list: payloadKeyList } }, { localKeyFile: false }));
const client = new Client({ connection, namespace, dataConverter: converter });
Runtime.install({ logger: new DefaultLogger('WARN') }); // the replay check's worker

// The workers read one bundle made ahead, as in production: a restarted worker is back in a moment.
const bundlePath = path.join(dir, 'workflow-bundle.js');
const workflowBundle = await bundleWorkflows();
writeFileSync(bundlePath, workflowBundle.code);

// ---- The payment platform: a simulator in this process, whose notifications go to the (first) API.

const loadMs = short ? 60_000 : 150_000;
let loadStarted = Date.now();
const payments =
  feeEvery > 0
    ? await openPayments({
        callbackUrl: `http://127.0.0.1:${apiPorts[0]}/v1/payments/notifications`,
        // A Temporal that is not the run's is not restarted: PostgreSQL's is then the only outage.
        outages: external ? ['PostgreSQL'] : ['Temporal', 'PostgreSQL'],
        payBy: () => loadStarted + loadMs,
        maxWaitMs: loadMs / 2,
        log,
      })
    : undefined;
if (payments) log(`payment platform simulator at ${payments.simulator.url} notifying api${onCluster ? '-1' : ''}; applications 1, ${1 + feeEvery}, ${1 + 2 * feeEvery} … pay a fee`);

const env = processEnv({
  databaseUrl: cluster.url,
  temporalAddress: address,
  namespace,
  taskQueue: 'onewindow-faults',
  secret,
  payloadKeys: payloadKeyList,
  dataDir: dir,
  bundlePath,
  payments: payments?.env,
});
Object.assign(env, FAULT_RUN_WEBHOOK_ENV);

// On the cluster, two of each: the first worker is the one killed, the second carries on meanwhile.
const workers = Array.from({ length: onCluster ? 2 : 1 }, (_, i) => supervise(`worker${onCluster ? `-${i + 1}` : ''}`, 'server/worker.ts', env, dir));
const apis = apiPorts.map((port, i) => supervise(`api${onCluster ? `-${i + 1}` : ''}`, 'server/api.ts', { ...env, PORT: String(port) }, dir));
const worker = workers[0];
for (const child of [...workers, ...apis]) onExit.push(() => child.kill9());

/** A CPU-bound process on every core, as a machine busy with other work has (--no-contention: none). */
function contend() {
  const burners = os.cpus().map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  return () => burners.forEach((b) => b.kill('SIGKILL'));
}
// ---- The windows: REST callers that retry what was not answered, and keep every answer.

const mismatches: string[] = [];
let dependencyDown = false;
const during = { outage: 0, outageOther: 0 };
// Every `followUpEvery`-th application's intake is rated bad once accepted, and its follow-up closed by the leader.
const followUps = openFollowUps({ every: followUpEvery, mismatches, log });
const windows = await openWindows({
  bases: apiPorts.map((port) => `http://127.0.0.1:${port}`),
  secret,
  prefix: 'faults',
  mismatches,
  onAnswer: (status, method, url) => {
    followUps.answered(status, method, url);
    if (dependencyDown && status !== 0) during[status === 503 ? 'outage' : 'outageOther'] += status >= 500 ? 1 : 0;
  },
  fees: payments?.fees(feeEvery),
  onAccepted: (n, no, callers) => followUps.follow(n, no, callers),
});
const { expectations, statuses } = windows;
// Every change of the windows' integrator's applications goes to a webhook receiver in this process.
const webhooks = await openWebhooks({ call: windows.call, integrator: windows.integrator, log });

// ---- Load and faults, at the same time.

const faults: string[] = [];
loadStarted = Date.now();
const load = windows.load(total, loadMs);

const receiverOutage = (async () => {
  await sleep(loadMs / 4);
  await webhooks.down(short ? 10_000 : 20_000);
  faults.push(`webhook receiver down ${short ? 10 : 20} s`);
})();

const schedule = (async () => {
  const step = loadMs / (workerKills + 3);
  for (let k = 0; k < workerKills; k++) {
    await sleep(step / 2);
    worker.kill9();
    faults.push(onCluster ? 'worker 1 of 2 SIGKILL' : 'worker SIGKILL');
    log(`worker killed (${k + 1}/${workerKills})`);
    if (k === Math.floor(workerKills / 2) - 1 && values.contention) {
      stopContention = contend();
      log(`CPU contention on: a busy process on each of ${os.cpus().length} cores`);
    }
  }
  await sleep(step / 2);
  if (external) {
    log(`${temporalName} is not this run's to restart: no Temporal restart`);
  } else {
    log(`${temporalName} ${onCluster ? 'SIGKILLed' : 'stopping'}`);
    dependencyDown = true;
    await temporal.fail();
    const temporalBack = payments?.outageBegins('Temporal');
    await sleep(3000);
    await temporal.start();
    temporalBack?.();
    dependencyDown = false;
    faults.push(onCluster ? 'Temporal server SIGKILL and restart' : 'Temporal dev server restart');
    log(`${temporalName} restarted`);
  }
  await sleep(step / 2);
  if (values.contention) {
    stopContention();
    faults.push(`CPU contention (${os.cpus().length} busy processes) from worker kill ${Math.floor(workerKills / 2)} to after the restart`);
    log('CPU contention off');
  }
  log(`PostgreSQL stopping for ${outageMs / 1000} s`);
  dependencyDown = true;
  cluster.stop();
  const postgresBack = payments?.outageBegins('PostgreSQL');
  await sleep(outageMs);
  cluster.start();
  postgresBack?.();
  dependencyDown = false;
  faults.push(`PostgreSQL stopped ${outageMs / 1000} s`);
  log('PostgreSQL started again');
})();

await Promise.all([load, schedule, receiverOutage]);
log(`load done: ${expectations.length} applications; waiting for every workflow to finish`);

// ---- Checks: every workflow finished as without faults, and the read model says the same, once.

const checked = await checkApplications({ client, db: database.db, expectations, env, since: runStarted, workflowBundle });
mismatches.push(...checked.mismatches);
const paid = payments && (await checkPayments({ client, db: database.db, payments, expectations }));
mismatches.push(...(paid?.mismatches ?? []));
const hooked = await webhooks.check(database.db);
mismatches.push(...hooked.mismatches);
const followedUp = await followUps.check({ client, db: database.db, reconciled: checked.reconciled, workflowBundle });
mismatches.push(...followedUp.mismatches);

if (during.outage === 0) mismatches.push('no request was answered 503 while a dependency was down: the outage went unnoticed');

console.log(
  [
    '',
    'Fault run summary',
    `  under test:        ${workers.length} worker(s), ${apis.length} API process(es), ${external ? `${temporalName}, namespace ${namespace}` : onCluster ? 'Temporal server (go.temporal.io/server) on PostgreSQL' : 'Temporal dev server (SQLite)'}`,
    `  applications:      ${expectations.length} submitted, ${checked.finished} checked (of ${total})`,
    `  faults injected:   ${faults.length} (${faults.join('; ')})`,
    `  answers:           ${Object.entries(statuses).map(([s, n]) => `${s === '0' ? 'no answer' : s}×${n}`).join(', ')}`,
    `  while down:        ${during.outage} × 503, ${during.outageOther} × other 5xx`,
    `  histories replayed: ${checked.replayed}, ${checked.nonDeterministic} non-deterministic`,
    `  rows compared:     ${checked.compared} applications, ${checked.differing} differing from their workflow`,
    `  reconcile command: ${checked.reconciled}`,
    ...(paid ? [`  ${paid.summary}`, `  pickups refused:   ${windows.unpaidPickups()} × fee_unpaid, until paid`] : []),
    `  ${hooked.summary}`,
    ...followedUp.summary.map((line) => `  ${line}`),
    `  mismatches:        ${mismatches.length}`,
    ...mismatches.slice(0, 30).map((m) => `    - ${m}`),
    '',
  ].join('\n'),
);

// Said before the processes stop: a workflow the checks gave up on still has a call of this run's in flight.
if (mismatches.length > 0) console.log(`logs kept in ${dir}`);
await payments?.close();
await Promise.all([...workers, ...apis].map((child) => child.stop()));
await connection.close();
await database.close();
await temporal.stop();
cluster.stop();
stopped = true;
if (mismatches.length === 0) rmSync(dir, { recursive: true, force: true });
process.exit(mismatches.length === 0 ? 0 : 1);

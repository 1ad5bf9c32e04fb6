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
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { issueToken } from '../api/auth.js';
import { type ItemDefinition, requiredMaterials } from '../db/item-definition.js';
import { residentIdCheck } from '../api/identity.js';
import { openDatabase } from '../db/client.js';
import { invariantBreaches, reconcile } from '../db/reconcile.js';
import { seedCatalogue } from '../db/seed.js';
import { type ApplicationState, recordQuery } from '../workflows/messages.js';
import { bundleWorkflows } from '../server/runtime.js';
import { ensureNamespace, findTemporalCli, freePort, registerSearchAttributes, startDevServer } from '../server/temporal.js';
import { waitForTemporal } from '../api/readiness.js';
import { ensureTemporalServer, freePorts, setupSchemas, startTemporalServer } from './cluster/temporal-server.js';
import { dataConverter, freshKeyList, payloadKeys } from '../server/payload-codec.js';
import { createCluster } from './faults/postgres.js';
import { replayFailures } from './replay.js';

const { values } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    applications: { type: 'string' },
    'pg-outage-s': { type: 'string' },
    'worker-kills': { type: 'string' },
    contention: { type: 'boolean', default: true },
    cluster: { type: 'boolean', default: false },
    'temporal-address': { type: 'string' },
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
const DEPARTMENTS = ['housing_fund', 'human_resources', 'market_regulation', 'public_security', 'taxation'];
const CENTRE = '450100';
const root = path.resolve(import.meta.dirname, '..');
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

const env = {
  ...process.env,
  DATABASE_URL: cluster.url,
  TEMPORAL_ADDRESS: address,
  TEMPORAL_NAMESPACE: namespace,
  TEMPORAL_TASK_QUEUE: 'onewindow-faults',
  AUTH_JWT_SECRET: secret,
  PAYLOAD_KEYS: payloadKeyList,
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: '0',
  DATA_DIR: dir,
  WORKFLOW_BUNDLE: bundlePath,
};

/** A process of ours, in its own group so that SIGKILL reaches tsx's node child too; restarted if it dies. */
function supervise(name: string, script: string, extra: NodeJS.ProcessEnv = {}) {
  let child: ChildProcess | undefined;
  let wanted = true;
  const start = () => {
    const out = openSync(path.join(dir, `${name}.log`), 'a');
    child = spawn(path.join(root, 'node_modules/.bin/tsx'), [script], { cwd: root, env: { ...env, ...extra }, stdio: ['ignore', out, out], detached: true });
    child.once('exit', () => {
      if (wanted) setTimeout(start, 1000); // as systemd would
    });
  };
  start();
  return {
    kill9: () => child?.pid && process.kill(-child.pid, 'SIGKILL'),
    stop: async () => {
      wanted = false;
      if (child?.pid && child.exitCode === null) {
        const exited = new Promise((r) => child!.once('exit', r));
        process.kill(-child.pid, 'SIGTERM');
        await Promise.race([exited, sleep(15_000)]);
        if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
      }
    },
  };
}
// On the cluster, two of each: the first worker is the one killed, the second carries on meanwhile.
const workers = Array.from({ length: onCluster ? 2 : 1 }, (_, i) => supervise(`worker${onCluster ? `-${i + 1}` : ''}`, 'server/worker.ts'));
const apis = apiPorts.map((port, i) => supervise(`api${onCluster ? `-${i + 1}` : ''}`, 'server/api.ts', { PORT: String(port) }));
const worker = workers[0];
for (const child of [...workers, ...apis]) onExit.push(() => child.kill9());

/** A CPU-bound process on every core, as a machine busy with other work has (--no-contention: none). */
function contend() {
  const burners = os.cpus().map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  return () => burners.forEach((b) => b.kill('SIGKILL'));
}
// ---- The windows: REST callers that retry what was not answered, and keep every answer.

const bases = apiPorts.map((port) => `http://127.0.0.1:${port}`);
let calls = 0;
const statuses: Record<string, number> = {};
const mismatches: string[] = [];
let dependencyDown = false;
const during = { outage: 0, outageOther: 0 };

async function call(method: string, url: string, credentials: Record<string, string>, body?: unknown) {
  for (let attempt = 0; ; attempt++) {
    let status = 0;
    let json: { error?: { code: string; message: string } } & Record<string, unknown> = {};
    try {
      // Spread over the API processes, as a load balancer would.
      const res = await fetch(`${bases[calls++ % bases.length]}${url}`, {
        method,
        headers: { ...credentials, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        // Generous: an answer given up on is retried, and its outcome is then unknown to this window.
        signal: AbortSignal.timeout(60_000),
      });
      status = res.status;
      json = (await res.json()) as typeof json;
    } catch {
      status = 0; // not answered: the process is restarting, or the answer was lost
    }
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (dependencyDown && status !== 0) during[status === 503 ? 'outage' : 'outageOther'] += status >= 500 ? 1 : 0;
    if (status >= 500 && status !== 503) mismatches.push(`${method} ${url}: ${status} ${json.error?.message ?? ''}`);
    // As a window would: a review task still being opened is decided once it appears.
    const notYet = status === 409 && json.error?.code === 'review_not_open';
    if (status !== 0 && status !== 503 && status !== 429 && !notYet) return { status, json };
    if (attempt > 400) throw new Error(`${method} ${url}: no answer after ${attempt} tries`);
    await sleep(Math.min(2000, 250 * (attempt + 1)));
  }
}

const bearer = async (officer: string) => ({ authorization: `Bearer ${await issueToken({ secret, issuer: 'onewindow', audience: 'onewindow' }, officer, '2h')}` });
const window = await bearer(`${CENTRE}-market_regulation-officer`);
const chiefs = Object.fromEntries(await Promise.all(DEPARTMENTS.map(async (d) => [d, await bearer(`${CENTRE}-${d}-chief`)] as const)));
const leaders = Object.fromEntries(await Promise.all(DEPARTMENTS.map(async (d) => [d, await bearer(`${CENTRE}-${d}-leader`)] as const)));
await waitForApi();
const created = await call('POST', '/v1/integrators', await bearer('450000-admin'), { name: 'fault run', centres: [CENTRE] });
const integrator = { 'x-api-key': created.json.key as string };
/** Every application hands in what a company start-up requires, read from the catalogue once. */
const checklist = requiredMaterials((await call('GET', '/v1/items/company-startup', {})).json.definition as ItemDefinition);

async function waitForApi() {
  for (const base of bases) {
    for (let i = 0; ; i++) {
      const ok = await fetch(`${base}/readyz`).then((r) => r.ok).catch(() => false);
      if (ok) break;
      if (i === 240) throw new Error(`the API at ${base} did not become ready`);
      await sleep(500);
    }
  }
}

interface Expectation {
  no: string;
  /** Departments whose decision was answered 200, with the decision. */
  decided: Map<string, string>;
  conflict?: boolean;
}
const expectations: Expectation[] = [];

/** One application's life at the windows. Every 5th sends a decision twice at once; every 7th, two windows conflict. */
async function application(n: number): Promise<void> {
  const first17 = `450102199${n % 10}0${1 + (n % 9)}1${n % 9}${String(n % 1000).padStart(3, '0')}`;
  const submitted = await call('POST', '/v1/applications', integrator, {
    itemCode: 'company-startup',
    centreCode: CENTRE,
    applicant: { type: 'person', name: `申请人${n}`, idNumber: first17 + residentIdCheck(first17) },
    materials: checklist,
    clientReference: `faults-${n}`,
  });
  if (submitted.status !== 201) return void mismatches.push(`submission ${n}: ${submitted.status}`);
  const no = submitted.json.applicationNo as string;
  const expectation: Expectation = { no, decided: new Map(), conflict: n % 7 === 3 };
  expectations.push(expectation);
  const intake = await call('POST', `/v1/applications/${no}/intake`, window, { decision: 'accept', department: 'market_regulation' });
  // A retried intake whose first try landed hears wrong_stage: the application is in review all the same.
  if (intake.status !== 200 && intake.json.error?.code !== 'wrong_stage') mismatches.push(`${no} intake: ${intake.status}`);

  await Promise.all(
    DEPARTMENTS.map(async (department) => {
      const url = `/v1/applications/${no}/reviews/${department}/decision`;
      if (expectation.conflict && department === 'taxation') {
        // Two windows at once: the chief approves, the leader rejects. Exactly one may succeed.
        const [a, b] = await Promise.all([
          call('POST', url, chiefs[department], { decision: 'approve' }),
          call('POST', url, leaders[department], { decision: 'reject', reason: '材料不符' }),
        ]);
        const won = [a.status === 200 && 'approved', b.status === 200 && 'rejected'].filter(Boolean) as string[];
        if (won.length > 1) mismatches.push(`${no}: both conflicting decisions were answered 200`);
        if (won.length === 1) expectation.decided.set(department, won[0]);
        return;
      }
      const twice = n % 5 === 0 && department === 'housing_fund' ? 2 : 1;
      const answers = await Promise.all(Array.from({ length: twice }, () => call('POST', url, chiefs[department], { decision: 'approve' })));
      for (const answer of answers) {
        if (answer.status === 200) expectation.decided.set(department, 'approved');
        // A repeat (or a retry of a try that landed) hears already_decided; once rejected elsewhere, the review is withdrawn.
        else if (!['already_decided', 'application_closed', 'wrong_stage'].includes(answer.json.error?.code ?? '')) {
          mismatches.push(`${no} ${department}: ${answer.status} ${answer.json.error?.code}`);
        }
      }
    }),
  );
  // The read model may lag behind the workflow while the database is down: wait for the outcome.
  let after = await call('GET', `/v1/applications/${no}`, integrator);
  for (let i = 0; i < 300 && !['completed', 'rejected'].includes(after.json.stage as string); i++) {
    await sleep(1000);
    after = await call('GET', `/v1/applications/${no}`, integrator);
  }
  if (after.json.stage === 'completed') {
    const picked = await call('POST', `/v1/applications/${no}/pickup`, window, {});
    // A retry of a pickup that landed hears wrong_stage or application_closed; the final check reads the stage.
    if (picked.status !== 200 && !['application_closed', 'wrong_stage'].includes(picked.json.error?.code ?? '')) {
      mismatches.push(`${no} pickup: ${picked.status} ${picked.json.error?.code}`);
    }
  }
}

// ---- Load and faults, at the same time.

const faults: string[] = [];
const loadMs = short ? 60_000 : 150_000;
const load = (async () => {
  const running: Promise<void>[] = [];
  for (let n = 1; n <= total; n++) {
    running.push(application(n).catch((err: unknown) => void mismatches.push(`application ${n}: ${String(err)}`)));
    await sleep(loadMs / total);
  }
  await Promise.all(running);
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
    await sleep(3000);
    await temporal.start();
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
  await sleep(outageMs);
  cluster.start();
  dependencyDown = false;
  faults.push(`PostgreSQL stopped ${outageMs / 1000} s`);
  log('PostgreSQL started again');
})();

await Promise.all([load, schedule]);
log(`load done: ${expectations.length} applications; waiting for every workflow to finish`);

// ---- Checks: every workflow finished as without faults, and the read model says the same, once.

let checked = 0;
const deadline = Date.now() + 300_000;
for (const expectation of expectations) {
  const { no } = expectation;
  const handle = client.workflow.getHandle(no);
  let state: ApplicationState;
  try {
    const left = Math.max(1000, deadline - Date.now());
    state = await Promise.race([handle.result() as Promise<ApplicationState>, sleep(left).then(() => Promise.reject(new Error('not finished')))]);
  } catch (err) {
    const { status } = await handle.describe().catch(() => ({ status: { name: 'unknown' } }));
    const open = (await handle.query<ApplicationState>('state').catch(() => undefined))?.stage;
    mismatches.push(`${no}: ${String(err)} (workflow ${status.name}, stage ${open})`);
    continue;
  }
  checked += 1;
  const rejectedBy = [...expectation.decided].find(([, d]) => d === 'rejected')?.[0];
  // Two conflicting windows whose answers were both lost: either may have won, but only one.
  const undecided = expectation.conflict && !expectation.decided.has('taxation');
  const expected = rejectedBy ? ['rejected'] : undecided ? ['rejected', 'picked_up'] : ['picked_up'];
  if (!expected.includes(state.stage)) mismatches.push(`${no}: stage ${state.stage}, expected ${expected.join(' or ')}`);
  for (const [department, decision] of expectation.decided) {
    const review = state.reviews.find((r) => r.department === department);
    if (review?.status !== decision) mismatches.push(`${no} ${department}: answered ${decision}, workflow says ${review?.status}`);
  }
}

// Every row the read model holds of each application must be what its workflow committed (the last
// writes may still be retrying after the outage), and the workflow's own record must hold nothing twice.
const recordOf = (no: string) =>
  client.workflow
    .getHandle(no)
    .query(recordQuery)
    .catch((err: unknown) => (err instanceof WorkflowNotFoundError ? undefined : Promise.reject(err)));
const numbers = expectations.map((e) => e.no);
const compared = await reconcile(database.db, numbers, recordOf, { settleMs: 120_000 });
for (const { differences } of compared.differing) mismatches.push(...differences);
mismatches.push(...compared.writing.map((no) => `${no}: its workflow's writes did not finish`));
mismatches.push(...compared.noWorkflow.map((no) => `${no}: no workflow`));
for (const no of numbers) {
  const record = await recordOf(no);
  if (record) mismatches.push(...invariantBreaches(record));
}

// The operators' command, over the run, must agree.
const reconciled = await promisify(execFile)(path.join(root, 'node_modules/.bin/tsx'), ['scripts/reconcile.ts', '--since', runStarted], {
  cwd: root,
  env: { ...env, LOG_LEVEL: 'silent' },
}).then(
  ({ stdout }) => stdout.trim().split('\n').at(-1) ?? '',
  (err: { stdout?: string }) => {
    mismatches.push(`npm run read-model:reconcile found differences:\n${err.stdout ?? err}`);
    return err.stdout?.trim().split('\n').at(-1) ?? 'failed';
  },
);

// Each history, crashes and restarts included, must replay against today's code: a worker that picks
// an application up from its history must reach the same state.
const replayed = await replayFailures(client, expectations.map((e) => e.no), workflowBundle);
mismatches.push(...replayed.map((failure) => `replay ${failure}`));

if (during.outage === 0) mismatches.push('no request was answered 503 while a dependency was down: the outage went unnoticed');

console.log(
  [
    '',
    'Fault run summary',
    `  under test:        ${workers.length} worker(s), ${apis.length} API process(es), ${external ? `${temporalName}, namespace ${namespace}` : onCluster ? 'Temporal server (go.temporal.io/server) on PostgreSQL' : 'Temporal dev server (SQLite)'}`,
    `  applications:      ${expectations.length} submitted, ${checked} checked (of ${total})`,
    `  faults injected:   ${faults.length} (${faults.join('; ')})`,
    `  answers:           ${Object.entries(statuses).map(([s, n]) => `${s === '0' ? 'no answer' : s}×${n}`).join(', ')}`,
    `  while down:        ${during.outage} × 503, ${during.outageOther} × other 5xx`,
    `  histories replayed: ${expectations.length}, ${replayed.length} non-deterministic`,
    `  rows compared:     ${compared.checked} applications, ${compared.differing.length} differing from their workflow`,
    `  reconcile command: ${reconciled}`,
    `  mismatches:        ${mismatches.length}`,
    ...mismatches.slice(0, 30).map((m) => `    - ${m}`),
    '',
  ].join('\n'),
);

await Promise.all([...workers, ...apis].map((child) => child.stop()));
await connection.close();
await database.close();
await temporal.stop();
cluster.stop();
stopped = true;
if (mismatches.length === 0) rmSync(dir, { recursive: true, force: true });
else console.log(`logs kept in ${dir}`);
process.exit(mismatches.length === 0 ? 0 : 1);

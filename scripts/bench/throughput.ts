/**
 * `npm run bench`: end-to-end throughput and latency of OneWindow against the engine's own ceiling,
 * every process on this machine.
 *
 * OneWindow: a fresh database on the PostgreSQL server of DATABASE_URL, an in-memory Temporal dev
 * server, `npm run worker` and `npm run api` as their own processes. For k = 1, 3, 5 parallel
 * departments (an item made for the run through the administrators' API), N applications, at most C
 * at a time, each: submitted by an integrator, accepted at the window, decided by each department's
 * chief through REST as soon as the intake answers that the review tasks are open (all k at once),
 * then read. It reports completed applications per second and p50/p99 of submit, decide and read.
 *
 * The ceiling: on the same dev server in the same run, a workflow of the same shape (k updates, no
 * activity, no database) driven by a client at the same concurrency: OneWindow's throughput as a
 * ratio of what Temporal itself does here.
 *
 *   npm run bench                         N=200, C=20, k=1,3,5
 *   npm run bench -- --n 500 --concurrency 40 --k 3
 * Results go to bench-results/throughput.json and a Markdown table on stdout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import pg from 'pg';
import { issueToken } from '../../api/auth.js';
import { residentIdCheck } from '../../api/identity.js';
import { openDatabase } from '../../db/client.js';
import { seedCatalogue } from '../../db/seed.js';
import { findTemporalCli, freePort, registerSearchAttributes, startDevServer } from '../temporal.js';
import { decideUpdate, updatesOnly } from './workflows.js';

const { values } = parseArgs({ options: { n: { type: 'string' }, concurrency: { type: 'string' }, k: { type: 'string' } } });
const N = Number(values.n ?? 200);
const C = Number(values.concurrency ?? 20);
const KS = (values.k ?? '1,3,5').split(',').map(Number);
const DEPARTMENTS = ['market_regulation', 'taxation', 'public_security', 'human_resources', 'housing_fund'];
const root = path.resolve(import.meta.dirname, '../..');
const out = path.join(root, 'bench-results');
mkdirSync(out, { recursive: true });
const log = (m: string) => console.error(`[bench] ${m}`);
Runtime.install({ logger: new DefaultLogger('WARN') });

// ---- The stack: database, dev server, worker and API processes.
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
const dbName = `onewindow_bench_${process.pid}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`create database ${dbName}`);
const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${dbName}`;
const database = await openDatabase({ url: dbUrl.toString(), dataDir: '' });
await database.migrate();
await seedCatalogue(database.db);
await database.close();

const devServer = await startDevServer({ cliPath: findTemporalCli(process.env.TEMPORAL_CLI_PATH), port: await freePort(), logFile: path.join(out, 'temporal.log') });
const connection = await Connection.connect({ address: devServer.address });
await registerSearchAttributes(connection, 'default');
const client = new Client({ connection });

const apiPort = await freePort();
const secret = `bench-${process.pid}-0123456789abcdefghijklmnopqrstu`;
const env = {
  ...process.env,
  DATABASE_URL: dbUrl.toString(),
  TEMPORAL_ADDRESS: devServer.address,
  AUTH_JWT_SECRET: secret,
  PORT: String(apiPort),
  HOST: '127.0.0.1',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: '0',
};
// tsx runs the script in a child node process: signal the whole group, also when the bench fails.
const stopChildren = (signal: NodeJS.Signals) => children.forEach((child) => child.pid && child.exitCode === null && process.kill(-child.pid, signal));
process.on('exit', () => stopChildren('SIGKILL'));
const children: ChildProcess[] = ['scripts/worker.ts', 'scripts/api.ts'].map((script) =>
  spawn(path.join(root, 'node_modules/.bin/tsx'), [script], {
    cwd: root,
    env,
    stdio: ['ignore', openSync(path.join(out, `${path.basename(script, '.ts')}.log`), 'w'), 'inherit'],
    detached: true,
  }),
);
const base = `http://127.0.0.1:${apiPort}`;
for (let i = 0; ; i++) {
  if (await fetch(`${base}/readyz`).then((r) => r.ok).catch(() => false)) break;
  if (i > 240) throw new Error('the API did not start');
  await sleep(500);
}

const bearer = async (officer: string) => ({ authorization: `Bearer ${await issueToken({ secret, issuer: 'onewindow', audience: 'onewindow' }, officer, '4h')}` });
async function call(method: string, url: string, headers: Record<string, string>, body?: unknown) {
  const started = performance.now();
  const res = await fetch(`${base}${url}`, { method, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
  return { json, ms: performance.now() - started };
}
const regional = await bearer('450000-admin');
const { json: created } = await call('POST', '/v1/integrators', regional, { name: 'bench', centres: ['450000'] });
const integrator = { 'x-api-key': created.key as string };
const window = await bearer('450100-market_regulation-officer');
const chiefs = Object.fromEntries(await Promise.all(DEPARTMENTS.map(async (d) => [d, await bearer(`450100-${d}-chief`)] as const)));

/** An item whose one stage has k departments reviewing in parallel, made through the administrators' API. */
async function benchItem(k: number): Promise<string> {
  // One department: a promised item (食品经营许可); several: a joint one (企业开办), one stage of k.
  const { json } = await call('GET', `/v1/items/${k === 1 ? 'food-business-licence' : 'company-startup'}`, {});
  const code = `bench-parallel-${k}`;
  const definition = {
    ...(json.definition as object),
    code,
    name: `并联审批基准 ${k}`,
    nameEn: `Benchmark, ${k} parallel departments`,
    stages: [{ name: '并联审批', departments: DEPARTMENTS.slice(0, k).map((d) => ({ code: d, promisedLimitDays: (json.definition as { promisedLimitDays: number }).promisedLimitDays })) }],
  };
  await call('POST', '/v1/items', regional, definition);
  return code;
}

/** A window decides once the review task is open: a decision a moment too early hears review_not_open. */
async function decide(no: string, department: string): Promise<{ ms: number }> {
  const started = performance.now();
  for (;;) {
    try {
      await call('POST', `/v1/applications/${no}/reviews/${department}/decision`, chiefs[department], { decision: 'approve' });
      return { ms: performance.now() - started };
    } catch (err) {
      if (!String(err).includes('review_not_open')) throw err;
      await sleep(50);
    }
  }
}

const percentile = (list: number[], p: number) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
};
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

async function pool(count: number, concurrency: number, one: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) await one(next++);
  }));
}

async function oneWindow(k: number) {
  const item = await benchItem(k);
  const latency = { submit: [] as number[], decide: [] as number[], read: [] as number[] };
  let serial = 0;
  const application = async () => {
    serial += 1;
    const first17 = `4501021990${String(1 + (serial % 12)).padStart(2, '0')}${String(1 + (serial % 28)).padStart(2, '0')}${String(serial % 1000).padStart(3, '0')}`;
    const submitted = await call('POST', '/v1/applications', integrator, {
      itemCode: item,
      centreCode: '450100',
      applicant: { type: 'person', name: '基准', idNumber: first17 + residentIdCheck(first17) },
      materials: ['申请书'],
    });
    latency.submit.push(submitted.ms);
    const no = submitted.json.applicationNo as string;
    await call('POST', `/v1/applications/${no}/intake`, window, { decision: 'accept', department: 'market_regulation' });
    await Promise.all(
      DEPARTMENTS.slice(0, k).map(async (d) => {
        const decided = await decide(no, d);
        latency.decide.push(decided.ms);
      }),
    );
    const read = await call('GET', `/v1/applications/${no}`, integrator);
    latency.read.push(read.ms);
    if (read.json.stage !== 'completed') throw new Error(`${no} is ${String(read.json.stage)}, not completed`);
  };
  await pool(Math.min(20, N), C, application); // warm-up
  for (const list of Object.values(latency)) list.length = 0;
  const started = performance.now();
  await pool(N, C, application);
  const seconds = (performance.now() - started) / 1000;
  return {
    perSecond: round(N / seconds, 2),
    submit: { p50: round(percentile(latency.submit, 50)), p99: round(percentile(latency.submit, 99)) },
    decide: { p50: round(percentile(latency.decide, 50)), p99: round(percentile(latency.decide, 99)) },
    read: { p50: round(percentile(latency.read, 50)), p99: round(percentile(latency.read, 99)) },
  };
}

// ---- The ceiling: the same shape on the same server, no activity, no database.
const nativeConnection = await NativeConnection.connect({ address: devServer.address });
const ceilingWorker = await Worker.create({
  connection: nativeConnection,
  taskQueue: 'bench-ceiling',
  workflowBundle: await bundleWorkflowCode({ workflowsPath: path.resolve(import.meta.dirname, 'workflows.ts'), logger: new DefaultLogger('WARN') }),
});
const ceilingRunning = ceilingWorker.run();

async function ceiling(k: number) {
  const departments = DEPARTMENTS.slice(0, k);
  let serial = 0;
  const application = async () => {
    const handle = await client.workflow.start(updatesOnly, { taskQueue: 'bench-ceiling', workflowId: `ceiling-${k}-${process.pid}-${serial++}`, args: [k] });
    await Promise.all(departments.map((d) => handle.executeUpdate(decideUpdate, { args: [d] })));
    await handle.result();
  };
  await pool(Math.min(20, N), C, application);
  const started = performance.now();
  await pool(N, C, application);
  return { perSecond: round(N / ((performance.now() - started) / 1000), 2) };
}

const rows = [];
for (const k of KS) {
  log(`k=${k}: OneWindow, ${N} applications, concurrency ${C}`);
  const measured = await oneWindow(k);
  log(`k=${k}: the engine's ceiling`);
  const engine = await ceiling(k);
  rows.push({ k, oneWindow: measured, ceiling: engine, ratio: round(measured.perSecond / engine.perSecond, 2) });
}

const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version, temporalCli: '1.9.1' };
writeFileSync(path.join(out, 'throughput.json'), JSON.stringify({ at: new Date().toISOString(), n: N, concurrency: C, machine, rows }, null, 2));
console.log(
  [
    `N=${N} applications per k, concurrency ${C}; ${machine.cpus} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}`,
    '',
    '| k | OneWindow completed/s | engine ceiling/s | ratio | submit p50 / p99 ms | decide p50 / p99 ms | read p50 / p99 ms |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.k} | ${r.oneWindow.perSecond} | ${r.ceiling.perSecond} | ${r.ratio} | ${r.oneWindow.submit.p50} / ${r.oneWindow.submit.p99} | ${r.oneWindow.decide.p50} / ${r.oneWindow.decide.p99} | ${r.oneWindow.read.p50} / ${r.oneWindow.read.p99} |`,
    ),
  ].join('\n'),
);

ceilingWorker.shutdown();
await ceilingRunning;
await nativeConnection.close();
stopChildren('SIGTERM');
await sleep(3000);
await connection.close();
await devServer.stop();
await admin.query(`drop database if exists ${dbName} with (force)`);
await admin.end();

/**
 * `npm run bench:reviews`: what a department review costs the Temporal server per application when
 * it is a coroutine inside the application's workflow, and when it is a child workflow.
 *
 * Starts its own in-memory dev server on a free port, bundles scripts/bench/workflows.ts, runs one
 * worker, then in each of R rounds runs N applications of k departments per design (at most C at a
 * time; the designs' order alternates between rounds): start, wait until each review task is open,
 * approve the k reviews one after another by Workflow Update, await the result. It then reads every
 * history (parent and children) and prints per application: executions, history events, workflow
 * tasks, history bytes, the server's own counters (scraped from the dev server's /metrics before and
 * after each design's run), and the wall-clock time of N applications (median round).
 *
 *   npm run bench:reviews                 N=50, k=5, C=10, R=3, warm-up 5
 *   BENCH_K=10 npm run bench:reviews      or: npm run bench:reviews -- --k 10 --n 100 --rounds 5
 *   env BENCH_N BENCH_K BENCH_CONCURRENCY BENCH_ROUNDS BENCH_WARMUP BENCH_SETTLE_MS, or the same flags
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Client, Connection, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { type DevServer, findTemporalCli, freePort, startDevServer } from '../../server/temporal.js';
import {
  BENCH_REFUSALS,
  type BenchActivities,
  childReviews,
  coroutineReviews,
  decideUpdate,
  departmentsFor,
  reviewWorkflowId,
} from './workflows.js';

type Variant = 'coroutine' | 'child';
const VARIANTS: Variant[] = ['coroutine', 'child'];
const TASK_QUEUE = 'bench-reviews';

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

const { values: flags } = parseArgs({
  options: {
    n: { type: 'string' },
    k: { type: 'string' },
    concurrency: { type: 'string' },
    warmup: { type: 'string' },
    settle: { type: 'string' },
    rounds: { type: 'string' },
  },
});

function positiveInt(name: string, flag: string | undefined, env: string | undefined, fallback: number, min = 1): number {
  const raw = flag ?? env;
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, not ${raw}`);
  return value;
}

const params = {
  n: positiveInt('BENCH_N (--n)', flags.n, process.env.BENCH_N, 50),
  k: positiveInt('BENCH_K (--k)', flags.k, process.env.BENCH_K, 5),
  concurrency: positiveInt('BENCH_CONCURRENCY (--concurrency)', flags.concurrency, process.env.BENCH_CONCURRENCY, 10),
  warmup: positiveInt('BENCH_WARMUP (--warmup)', flags.warmup, process.env.BENCH_WARMUP, 5, 0),
  // Each round runs N applications of each design, in alternating order; wall-clock is the median round.
  rounds: positiveInt('BENCH_ROUNDS (--rounds)', flags.rounds, process.env.BENCH_ROUNDS, 3),
  // Time left after the last application closes for the server's deferred work to run before its
  // counters are read: transfer and visibility tasks, and the timeout timers (workflow task 10 s,
  // activity 10 s in workflows.ts), which fire even when their task has long completed.
  settleMs: positiveInt('BENCH_SETTLE_MS (--settle)', flags.settle, process.env.BENCH_SETTLE_MS, 12_000, 0),
};

// ---------------------------------------------------------------------------------------------
// "The task is open": the activity tells the bench in-process, as the read model tells an officer
// ---------------------------------------------------------------------------------------------

const openedTasks = new Map<string, { promise: Promise<void>; resolve: () => void }>();

function openedTask(applicationId: string, department: string) {
  const key = `${applicationId}|${department}`;
  let entry = openedTasks.get(key);
  if (!entry) {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    entry = { promise, resolve };
    openedTasks.set(key, entry);
  }
  return entry;
}

const activities: BenchActivities = {
  async openTask({ applicationId, department }) {
    openedTask(applicationId, department).resolve();
  },
};

// ---------------------------------------------------------------------------------------------
// One application
// ---------------------------------------------------------------------------------------------

interface AppRun {
  workflowId: string;
  /** Decisions sent again because the workflow had not yet seen the task open (validator refusal). */
  retries: number;
  /** From start to result, as the client sees it. */
  ms: number;
}

async function runApplication(client: Client, variant: Variant, workflowId: string, k: number): Promise<AppRun> {
  const departments = departmentsFor(k);
  const started = performance.now();
  const handle = await client.workflow.start(variant === 'coroutine' ? coroutineReviews : childReviews, {
    taskQueue: TASK_QUEUE,
    workflowId,
    args: [k],
  });
  let retries = 0;
  // Officers decide one after another (a decision is a person's act), each once their task is open.
  for (const department of departments) {
    await openedTask(workflowId, department).promise;
    const target =
      variant === 'coroutine' ? handle : client.workflow.getHandle(reviewWorkflowId(workflowId, department));
    retries += await decide(target, department);
  }
  const result = await handle.result();
  const ms = performance.now() - started;
  if (result.length !== k) throw new Error(`${workflowId} returned ${result.length} reviews, not ${k}`);
  for (const department of departments) openedTasks.delete(`${workflowId}|${department}`);
  return { workflowId, retries, ms };
}

/** Sends one approval; retries while the workflow has not yet seen the task open. Returns the retries. */
async function decide(handle: WorkflowHandle, department: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      await handle.executeUpdate(decideUpdate, { args: [department] });
      return attempt;
    } catch (err) {
      const notYet =
        err instanceof WorkflowNotFoundError ||
        (err instanceof WorkflowUpdateFailedError &&
          err.cause instanceof ApplicationFailure &&
          err.cause.type === BENCH_REFUSALS.notOpenYet);
      if (!notYet || attempt >= 200) throw err;
      await sleep(5);
    }
  }
}

async function runMany(client: Client, variant: Variant, ids: string[], k: number, concurrency: number): Promise<AppRun[]> {
  const runs: AppRun[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, ids.length) }, async () => {
      while (next < ids.length) {
        const id = ids[next++];
        runs.push(await runApplication(client, variant, id, k));
      }
    }),
  );
  return runs;
}

// ---------------------------------------------------------------------------------------------
// What it cost: histories (per application) and the server's counters
// ---------------------------------------------------------------------------------------------

interface HistoryCost {
  executions: number;
  events: number;
  workflowTasks: number;
  activityTasks: number;
  jsonBytes: number;
  protoBytes: number;
}

async function historyCost(client: Client, variant: Variant, applicationId: string, k: number): Promise<HistoryCost> {
  const ids = [applicationId, ...(variant === 'child' ? departmentsFor(k).map((d) => reviewWorkflowId(applicationId, d)) : [])];
  const cost: HistoryCost = { executions: 0, events: 0, workflowTasks: 0, activityTasks: 0, jsonBytes: 0, protoBytes: 0 };
  for (const id of ids) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    const events = history.events ?? [];
    cost.executions += 1;
    cost.events += events.length;
    cost.workflowTasks += events.filter((e) => e.workflowTaskCompletedEventAttributes != null).length;
    cost.activityTasks += events.filter((e) => e.activityTaskCompletedEventAttributes != null).length;
    cost.jsonBytes += Buffer.byteLength(historyToJSON(history));
    cost.protoBytes += proto.temporal.api.history.v1.History.encode(history).finish().length;
  }
  return cost;
}

/** Counters of the dev server's Prometheus endpoint, summed over labels we do not split by. */
type Counters = Map<string, number>;

const op = (...names: string[]) => (labels: string) => names.some((n) => labels.includes(`operation="${n}"`));

const SERVER_COUNTERS: Array<{ key: string; metric: string; where?: (labels: string) => boolean }> = [
  { key: 'persistence', metric: 'persistence_requests' },
  {
    key: 'executionWrites',
    metric: 'persistence_requests',
    where: op('CreateWorkflowExecution', 'UpdateWorkflowExecution', 'ConflictResolveWorkflowExecution', 'SetWorkflowExecution'),
  },
  { key: 'historyReads', metric: 'persistence_requests', where: op('ReadHistoryBranch', 'ReadHistoryBranchByBatch', 'ReadRawHistoryBranch') },
  { key: 'taskQueueWrites', metric: 'persistence_requests', where: op('CreateTasks') },
  { key: 'visibility', metric: 'visibility_persistence_requests' },
  { key: 'historyTasks', metric: 'task_requests' },
  { key: 'transferTasks', metric: 'task_requests', where: (l) => l.includes('operation="TransferActive') },
  { key: 'timerTasks', metric: 'task_requests', where: (l) => l.includes('operation="TimerActive') },
  { key: 'visibilityTasks', metric: 'task_requests', where: (l) => l.includes('operation="VisibilityTask') },
];

async function scrape(metricsUrl: string | undefined): Promise<Counters | undefined> {
  if (!metricsUrl) return undefined;
  const text = await (await fetch(metricsUrl)).text();
  const counters: Counters = new Map(SERVER_COUNTERS.map((c) => [c.key, 0]));
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const [, metric, labels = '', value] = match;
    for (const c of SERVER_COUNTERS) {
      if (c.metric === metric && (!c.where || c.where(labels))) counters.set(c.key, counters.get(c.key)! + Number(value));
    }
  }
  return counters;
}

function metricsUrlFrom(logFile: string): string | undefined {
  const match = /Temporal Metrics:\s+(http\S+)/.exec(readFileSync(logFile, 'utf8'));
  return match?.[1];
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

interface VariantResult {
  variant: Variant;
  /** One per round: N applications from the first start to the last result. */
  wallMs: number[];
  retries: number;
  latencies: number[];
  costs: HistoryCost[];
  /** Summed over the rounds. */
  server?: Counters;
}

function quantile(xs: number[], p: number): number {
  const sorted = [...xs].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function cell(xs: number[], digits = 1): string {
  const avg = mean(xs);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(digits));
  return lo === hi ? fmt(avg) : `${fmt(avg)} (${lo}–${hi})`;
}

function table(results: VariantResult[], n: number): string {
  const [a, b] = results as [VariantResult, VariantResult];
  type Row = [label: string, a: string, b: string, ratio: string];
  const ratio = (x: number, y: number) => (x === 0 ? '–' : `${(y / x).toFixed(2)}×`);
  const rowOf = (label: string, pick: (c: HistoryCost) => number, digits = 1): Row => [
    label,
    cell(a.costs.map(pick), digits),
    cell(b.costs.map(pick), digits),
    ratio(mean(a.costs.map(pick)), mean(b.costs.map(pick))),
  ];
  const rows: Row[] = [
    rowOf('workflow executions', (c) => c.executions),
    rowOf('history events (parent + children)', (c) => c.events),
    rowOf('workflow tasks (WorkflowTaskCompleted)', (c) => c.workflowTasks),
    rowOf('activity tasks (ActivityTaskCompleted)', (c) => c.activityTasks),
    rowOf('history bytes (JSON)', (c) => c.jsonBytes, 0),
    rowOf('history bytes (protobuf)', (c) => c.protoBytes, 0),
  ];
  if (a.server && b.server) {
    const server = (label: string, key: string): Row => {
      const x = a.server!.get(key)! / a.costs.length;
      const y = b.server!.get(key)! / b.costs.length;
      return [label, x.toFixed(1), y.toFixed(1), ratio(x, y)];
    };
    rows.push(
      server('server: persistence requests', 'persistence'),
      server('  execution writes (create/update)', 'executionWrites'),
      server('  history branch reads', 'historyReads'),
      server('  task queue writes (no sync match)', 'taskQueueWrites'),
      server('server: visibility requests', 'visibility'),
      server('server: history tasks processed', 'historyTasks'),
      server('  transfer tasks', 'transferTasks'),
      server('  timer tasks (timeouts)', 'timerTasks'),
      server('  visibility tasks', 'visibilityTasks'),
    );
  }
  rows.push([
    'decisions retried (not open yet)',
    (a.retries / a.costs.length).toFixed(2),
    (b.retries / b.costs.length).toFixed(2),
    '',
  ]);
  const perAppRows = rows.length;
  const wall = (r: VariantResult) => quantile(r.wallMs, 50);
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  const rounds = (r: VariantResult) => r.wallMs.map(seconds).join(' / ');
  rows.push(
    [`wall-clock for ${n} applications (s), median`, seconds(wall(a)), seconds(wall(b)), ratio(wall(a), wall(b))],
    ['  each round (s)', rounds(a), rounds(b), ''],
    ['applications / second (median round)', (n / (wall(a) / 1000)).toFixed(1), (n / (wall(b) / 1000)).toFixed(1), ratio(1 / wall(a), 1 / wall(b))],
    [
      'application latency p50 / p95 (ms)',
      `${quantile(a.latencies, 50).toFixed(0)} / ${quantile(a.latencies, 95).toFixed(0)}`,
      `${quantile(b.latencies, 50).toFixed(0)} / ${quantile(b.latencies, 95).toFixed(0)}`,
      ratio(quantile(a.latencies, 50), quantile(b.latencies, 50)),
    ],
  );
  const header: Row = [`per application (mean, min–max of ${a.costs.length})`, a.variant, b.variant, `${b.variant}/${a.variant}`];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...[header, ...rows].map((r) => r[i].length)));
  const line = (r: Row) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`;
  return [
    line(header),
    rule,
    ...rows.slice(0, perAppRows).map(line),
    line(['**time**', '', '', '']),
    ...rows.slice(perAppRows).map(line),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { n, k, concurrency, warmup, rounds, settleMs } = params;
  const cliPath = findTemporalCli(process.env.TEMPORAL_CLI_PATH);
  const cliVersion = execFileSync(cliPath, ['--version'], { encoding: 'utf8' }).trim();
  const cpus = os.cpus();
  console.log('OneWindow bench: department review as coroutine vs child workflow');
  console.log(
    `machine:    ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
      `${os.platform()} ${os.arch()}, node ${process.version}`,
  );
  console.log(`temporal:   ${cliVersion}, dev server in memory, one worker in this process (SDK defaults)`);
  console.log(
    `parameters: N=${n} applications per design per round, k=${k} departments, concurrency=${concurrency}, ` +
      `rounds=${rounds}, warm-up=${warmup} per design, decisions sequential per application, settle=${settleMs} ms`,
  );

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'onewindow-bench-'));
  const logFile = path.join(tmp, 'temporal.log');
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });

  let server: DevServer | undefined;
  const stopServer = async () => {
    const s = server;
    server = undefined;
    await s?.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`${signal}: stopping the dev server`);
      void stopServer().finally(() => process.exit(130));
    });
  }

  try {
    const [devServer, bundle] = await Promise.all([
      freePort().then((port) => startDevServer({ cliPath, port, logFile })),
      bundleWorkflowCode({
        workflowsPath: path.resolve(import.meta.dirname, 'workflows.ts'),
        // ESM sources import './x.js' for './x.ts' (as server/runtime.ts bundleWorkflows).
        webpackConfigHook: (config) => ({
          ...config,
          resolve: { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } },
        }),
        logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
      }),
    ]);
    server = devServer;
    const metricsUrl = metricsUrlFrom(logFile);
    if (!metricsUrl) console.log('(the dev server printed no metrics address: server counters are left out)');

    const connection = await Connection.connect({ address: devServer.address });
    const client = new Client({ connection, namespace: 'default' });
    const workerConnection = await NativeConnection.connect({ address: devServer.address });
    const worker = await Worker.create({
      connection: workerConnection,
      namespace: 'default',
      taskQueue: TASK_QUEUE,
      workflowBundle: { code: bundle.code },
      activities,
    });

    const results = new Map<Variant, VariantResult>(
      VARIANTS.map((variant) => [variant, { variant, wallMs: [], retries: 0, latencies: [], costs: [] }]),
    );
    const ids = new Map<Variant, string[]>(VARIANTS.map((variant) => [variant, []]));
    let idle: { ms: number; persistence: number } | undefined;

    await worker.runUntil(async () => {
      // Warm-up: JIT, worker caches, task queue partitions and the server's shards, for both designs.
      for (const variant of VARIANTS) {
        await runMany(client, variant, Array.from({ length: warmup }, (_, i) => `warmup-${variant}-${i}`), k, concurrency);
      }
      await sleep(settleMs);
      // The server's own background work while nothing runs, to judge the counters against.
      const idleFrom = await scrape(metricsUrl);
      const idleMs = Math.max(settleMs, 1000);
      await sleep(idleMs);
      const idleTo = await scrape(metricsUrl);
      if (idleFrom && idleTo) idle = { ms: idleMs, persistence: idleTo.get('persistence')! - idleFrom.get('persistence')! };

      for (let round = 0; round < rounds; round++) {
        for (const variant of round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse()) {
          const result = results.get(variant)!;
          const roundIds = Array.from({ length: n }, (_, i) => `app-${variant}-k${k}-r${round}-${String(i).padStart(4, '0')}`);
          const before = await scrape(metricsUrl);
          const started = performance.now();
          const runs = await runMany(client, variant, roundIds, k, concurrency);
          const wallMs = performance.now() - started;
          await sleep(settleMs);
          const after = await scrape(metricsUrl);
          if (before && after) {
            result.server ??= new Map();
            for (const [key, value] of after) result.server.set(key, (result.server.get(key) ?? 0) + value - (before.get(key) ?? 0));
          }
          result.wallMs.push(wallMs);
          result.retries += runs.reduce((sum, r) => sum + r.retries, 0);
          result.latencies.push(...runs.map((r) => r.ms));
          ids.get(variant)!.push(...roundIds);
          console.log(`  round ${round + 1}, ${variant}: ${n} applications in ${(wallMs / 1000).toFixed(2)} s`);
        }
      }
    });

    // Histories are read after the counters, so reading them is not counted as a cost.
    for (const variant of VARIANTS) {
      const result = results.get(variant)!;
      for (const id of ids.get(variant)!) result.costs.push(await historyCost(client, variant, id, k));
    }

    console.log('');
    console.log(`k=${k} departments, ${rounds} × N=${n} applications per design, concurrency ${concurrency}`);
    console.log('');
    console.log(table([...results.values()], n));
    console.log('');
    console.log(
      `Server counters: deltas of the dev server's /metrics over each design's runs, each followed by ${settleMs} ms of ` +
        'settling, divided by the number of applications.',
    );
    if (idle) {
      const perSecond = idle.persistence / (idle.ms / 1000);
      const share = [...results.values()].map((r) => {
        const ms = r.wallMs.reduce((x, y) => x + y, 0) + settleMs * r.wallMs.length;
        return `${r.variant} ${((perSecond * ms) / 1000 / r.costs.length).toFixed(1)}`;
      });
      console.log(
        `Idle background for comparison: ${perSecond.toFixed(1)} persistence requests/s with no application running ` +
          `(≈ ${share.join(', ')} of the persistence requests per application above).`,
      );
    }

    await connection.close();
    await workerConnection.close();
  } finally {
    await stopServer();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

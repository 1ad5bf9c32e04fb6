/**
 * `npm run bench:throughput` (benchmarks 1 and 2): end-to-end throughput and latency of OneWindow
 * against the engine's own ceiling, every process on this machine (scripts/bench/stack.ts).
 *
 * OneWindow: for k = 1, 3, 5 parallel departments (an item made for the run through the
 * administrators' API), N applications, at most C at a time, each: submitted by an integrator,
 * accepted at the window, decided by each department's chief through REST as soon as the intake
 * answers that the review tasks are open (all k at once), then read. It reports completed
 * applications per second and p50/p99 of submit, decide and read. Then, at the largest k below 5
 * (k = 3 by default), the same applications arrive at a fixed rate of half that maximum, one every
 * 2/max seconds whatever the answers: the latencies a window sees at half load.
 *
 * The ceiling: on the same dev server in the same run, a workflow of the same shape (k updates, no
 * activity, no database) driven by a client at the same concurrency: OneWindow's throughput as a
 * ratio of what Temporal itself does here.
 *
 * For both it also prints the CPU time each process spent per application, which says where the
 * difference goes (the processes share the machine's cores, so throughput follows CPU per application).
 *
 * `--temporal dev,cluster` runs everything twice in the same run, one after the other: on the CLI's
 * dev server (SQLite in its process) and on the real Temporal server of `npm run cluster` persisting to
 * the same PostgreSQL server as the read model (its store's backends counted apart).
 *
 *   npm run bench:throughput                         N=200, C=20, k=1,3,5, dev server
 *   npm run bench:throughput -- --n 500 --concurrency 40 --k 3 [--temporal dev,cluster] [--profile]
 *   … --pickup --skip-ceiling      the Flowable peer's shape (each application also picked up), no ceiling:
 *                                  what `npm run bench:peer` runs
 * Results go to bench-results/throughput.json and a Markdown table on stdout.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { type BenchStack, DEPARTMENTS, type Latencies, type TemporalKind, latencies, log, machine, out, pool, report, round, startBenchStack } from './stack.js';
import { decideUpdate, updatesOnly } from './workflows.js';
import { ARCHIVER_SCHEDULE_ID, CHECKPOINT_SCHEDULE_ID } from '../../server/schedules.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string' },
    concurrency: { type: 'string' },
    k: { type: 'string' },
    profile: { type: 'boolean' },
    temporal: { type: 'string' },
    pickup: { type: 'boolean' },
    'skip-ceiling': { type: 'boolean' },
  },
});
const endToEnd = (item: string, k: number, latency: Latencies) => stack.endToEnd(item, k, latency, { pickup: values.pickup });
const N = Number(values.n ?? 200);
const C = Number(values.concurrency ?? 20);
const KS = (values.k ?? '1,3,5').split(',').map(Number);
const KINDS = (values.temporal ?? 'dev').split(',') as TemporalKind[];
if (KINDS.some((kind) => kind !== 'dev' && kind !== 'cluster')) throw new Error('--temporal takes dev, cluster or dev,cluster');
Runtime.install({ logger: new DefaultLogger('WARN') });

let stack: BenchStack;

/** CPU milliseconds per application of each process while `run` completes N applications. */
async function cpuPerApplication(run: () => Promise<void>) {
  const before = await stack.cpu();
  await run();
  const after = await stack.cpu();
  const perApplication = (seconds: number) => round((seconds * 1000) / N);
  const backends = (a: Record<string, number>, b: Record<string, number>) => Object.entries(a).reduce((sum, [pid, seconds]) => sum + seconds - (b[pid] ?? 0), 0);
  return {
    worker: perApplication(after.worker - before.worker),
    api: perApplication(after.api - before.api),
    temporal: perApplication(after.temporal - before.temporal),
    temporalStore: perApplication(backends(after.temporalStore, before.temporalStore)),
    postgres: perApplication(backends(after.postgres, before.postgres)),
    bench: perApplication(after.bench - before.bench),
  };
}

async function oneWindow(item: string, k: number) {
  await pool(Math.min(20, N), C, () => endToEnd(item, k, latencies())); // warm-up
  const latency = latencies();
  let seconds = 0;
  const cpu = await cpuPerApplication(async () => {
    const started = performance.now();
    await pool(N, C, () => endToEnd(item, k, latency));
    seconds = (performance.now() - started) / 1000;
  });
  return { perSecond: round(N / seconds, 2), ...report(latency), cpu };
}

/**
 * What one application, alone on a quiet stack, asks of Temporal and of the read model: its history's
 * events, workflow tasks, activities, local activities, timers and search-attribute upserts, and the
 * transactions in the read model's database (PostgreSQL's counter, read once every backend has flushed
 * its statistics: an idle backend flushes within 10 s).
 * The worker's schedules (the history archiver, the audit checkpoint) are paused and their running
 * sweeps let finish first, so that their transactions are not counted as the application's.
 * Counted, not timed: these do not vary run to run.
 */
async function workPerApplication(item: string, k: number) {
  const schedules = [ARCHIVER_SCHEDULE_ID, CHECKPOINT_SCHEDULE_ID].map((id) => stack.client.schedule.getHandle(id));
  await Promise.all(schedules.map((schedule) => schedule.pause('bench: counting what one application asks')));
  try {
    for (const schedule of schedules) while ((await schedule.describe()).info.runningActions.length > 0) await sleep(500);
    const settle = () => sleep(11_000);
    await settle();
    const before = await stack.transactions();
    const no = await endToEnd(item, k, latencies());
    await settle();
    const transactions = (await stack.transactions()) - before;
    const events = (await stack.client.workflow.getHandle(no).fetchHistory()).events ?? [];
    const count = (has: (e: (typeof events)[number]) => unknown) => events.filter(has).length;
    return {
      events: events.length,
      workflowTasks: count((e) => e.workflowTaskCompletedEventAttributes),
      activities: count((e) => e.activityTaskScheduledEventAttributes),
      localActivities: count((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity'),
      timers: count((e) => e.timerStartedEventAttributes),
      upserts: count((e) => e.upsertWorkflowSearchAttributesEventAttributes),
      transactions,
    };
  } finally {
    await Promise.all(schedules.map((schedule) => schedule.unpause()));
  }
}

/** Open load: an application every 1/rate seconds, whatever the answers. */
async function atRate(item: string, k: number, rate: number) {
  const latency = latencies();
  const running: Promise<unknown>[] = [];
  const started = performance.now();
  for (let i = 0; i < N; i++) {
    const due = started + (i * 1000) / rate;
    await sleep(Math.max(0, due - performance.now()));
    running.push(endToEnd(item, k, latency));
  }
  await Promise.all(running);
  return { rate: round(rate, 2), achieved: round(N / ((performance.now() - started) / 1000), 2), ...report(latency) };
}

// ---- The ceiling: the same shape on the same server, no activity, no database.
const ceilingBundle = await bundleWorkflowCode({ workflowsPath: path.resolve(import.meta.dirname, 'workflows.ts'), logger: new DefaultLogger('WARN') });

async function ceiling(k: number) {
  const { client } = stack;
  const departments = DEPARTMENTS.slice(0, k);
  let serial = 0;
  const application = async () => {
    const handle = await client.workflow.start(updatesOnly, { taskQueue: 'bench-ceiling', workflowId: `ceiling-${k}-${process.pid}-${serial++}`, args: [k] });
    await Promise.all(departments.map((d) => handle.executeUpdate(decideUpdate, { args: [d] })));
    await handle.result();
  };
  await pool(Math.min(20, N), C, application);
  let seconds = 0;
  // Its worker and client run in this process: "bench" is the ceiling's worker.
  const cpu = await cpuPerApplication(async () => {
    const started = performance.now();
    await pool(N, C, application);
    seconds = (performance.now() - started) / 1000;
  });
  return { perSecond: round(N / seconds, 2), cpu };
}

const rows = [];
const halfLoads: Array<{ temporal: string; k: number } & Awaited<ReturnType<typeof atRate>>> = [];
const servers: string[] = [];
for (const kind of KINDS) {
  log(`Temporal: ${kind === 'dev' ? 'the CLI dev server' : 'the real server on PostgreSQL (npm run cluster)'}`);
  stack = await startBenchStack({ profile: values.profile, temporal: kind });
  servers.push(`${kind}: ${stack.temporalVersion}`);
  const nativeConnection = await NativeConnection.connect({ address: stack.temporalAddress });
  const ceilingWorker = await Worker.create({
    connection: nativeConnection,
    taskQueue: 'bench-ceiling',
    dataConverter: stack.dataConverter,
    workflowBundle: ceilingBundle,
  });
  const ceilingRunning = ceilingWorker.run();
  for (const k of KS) {
    const item = await stack.benchItem(k);
    log(`${kind}, k=${k}: OneWindow, ${N} applications, concurrency ${C}`);
    const measured = { ...(await oneWindow(item, k)), work: await workPerApplication(item, k) };
    const engine = values['skip-ceiling'] ? undefined : (log(`${kind}, k=${k}: the engine's ceiling`), await ceiling(k));
    rows.push({ temporal: kind, k, oneWindow: measured, ceiling: engine, ratio: engine && round(measured.perSecond / engine.perSecond, 2) });
    if (k === Math.max(...KS.filter((x) => x < 5), KS[0])) {
      log(`${kind}, k=${k}: ${N} applications arriving at half the maximum, ${round(measured.perSecond / 2, 2)}/s`);
      halfLoads.push({ temporal: kind, k, ...(await atRate(item, k, measured.perSecond / 2)) });
    }
  }
  ceilingWorker.shutdown();
  await ceilingRunning;
  await nativeConnection.close();
  await stack.stop();
}

const host = machine();
writeFileSync(path.join(out, 'throughput.json'), JSON.stringify({ at: new Date().toISOString(), n: N, concurrency: C, machine: host, servers, rows, halfLoads }, null, 2));
const latencyCells = (r: ReturnType<typeof report>) => `${r.submit.p50} / ${r.submit.p99} | ${r.decide.p50} / ${r.decide.p99} | ${r.read.p50} / ${r.read.p99}`;
console.log(
  [
    `N=${N} applications per k, concurrency ${C}; ${host.cpus} × ${host.cpu}, ${host.memoryGiB} GiB, Node ${host.node}; Temporal ${servers.join(', ')}`,
    '',
    '| Temporal | k | OneWindow completed/s | engine ceiling/s | ratio | submit p50 / p99 ms | decide p50 / p99 ms | read p50 / p99 ms |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.temporal} | ${r.k} | ${r.oneWindow.perSecond} | ${r.ceiling?.perSecond ?? '–'} | ${r.ratio ?? '–'} | ${latencyCells(r.oneWindow)} |`),
    '',
    "CPU ms per application (user + system; PostgreSQL: the backends of the bench database, then of Temporal's store and visibility databases on the cluster; the ceiling's worker runs in the load generator):",
    '',
    '| Temporal | k | OneWindow: worker / API / Temporal / PostgreSQL read model / PostgreSQL Temporal store / load generator | total | ceiling: Temporal / its store / worker and client | total |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const own = r.oneWindow.cpu;
      const engine = r.ceiling?.cpu;
      const total = round(own.worker + own.api + own.temporal + own.postgres + own.temporalStore + own.bench);
      const ceilingCells = engine ? `${engine.temporal} / ${engine.temporalStore} / ${engine.bench} | ${round(engine.temporal + engine.temporalStore + engine.bench)}` : '– | –';
      return `| ${r.temporal} | ${r.k} | ${own.worker} / ${own.api} / ${own.temporal} / ${own.postgres} / ${own.temporalStore} / ${own.bench} | ${total} | ${ceilingCells} |`;
    }),
    '',
    'What one application asks (its Temporal history, and transactions in the read model’s database):',
    '',
    '| Temporal | k | history events | workflow tasks | activities | local activities | timers | search-attribute upserts | read-model transactions |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(({ temporal, k, oneWindow: { work: w } }) => `| ${temporal} | ${k} | ${w.events} | ${w.workflowTasks} | ${w.activities} | ${w.localActivities} | ${w.timers} | ${w.upserts} | ${w.transactions} |`),
    ...(halfLoads.length
      ? [
          '',
          '| Temporal | k | arrivals/s (half the maximum) | completed/s | submit p50 / p99 ms | decide p50 / p99 ms | read p50 / p99 ms |',
          '|---|---|---|---|---|---|---|',
          ...halfLoads.map((h) => `| ${h.temporal} | ${h.k} | ${h.rate} | ${h.achieved} | ${latencyCells(h)} |`),
        ]
      : []),
  ].join('\n'),
);

/**
 * `npm run bench:open` (benchmark 3): many applications open at once, each accepted and waiting on
 * its k = 3 departments' decisions and on its durable timers (the yellow, red and statutory limits,
 * days away). At each level (default 0, 1,000 and 10,000 open) it reports:
 *   - the memory of the worker, the API and the Temporal dev server (resident, MiB);
 *   - the size of the read model's database and of the dev server's SQLite file;
 *   - whether throughput holds: P more applications end to end at concurrency C (as the throughput
 *     benchmark), completed per second and p50/p99 of submit, decide and read;
 *   - a decision on an application opened long before (likely out of the worker's cache, so the worker
 *     replays its history first), and the lists a supervisor opens (in review, newest 50; the map).
 * Filling runs C at a time, by default through the same REST API (submit, then accept). With
 * `--fill direct` it calls what the API calls, in this process: `submitApplication` (the same numbering,
 * catalogue snapshot and first row) and the intake Update on the workflow, without HTTP and the API's
 * checks. The applications are the same; filling 100,000 takes half the CPU (the API's share).
 *
 *   npm run bench:open                                   levels 0,1000,10000, P=100, C=20
 *   npm run bench:open -- --open 0,10000,100000 --fill direct
 * Results go to bench-results/open.json and a Markdown table on stdout.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { submitApplication } from '../../api/submissions.js';
import { findOfficer } from '../../db/catalogue.js';
import { openDatabase } from '../../db/client.js';
import { DEFAULT_TASK_QUEUE, intakeUpdate } from '../../workflows/messages.js';
import { DEPARTMENTS, latencies, log, machine, out, percentile, pool, report, round, startBenchStack, summary } from './stack.js';

const { values } = parseArgs({ options: { open: { type: 'string' }, probe: { type: 'string' }, concurrency: { type: 'string' }, profile: { type: 'boolean' }, fill: { type: 'string' } } });
const LEVELS = (values.open ?? '0,1000,10000').split(',').map(Number).sort((a, b) => a - b);
const P = Number(values.probe ?? 100);
const C = Number(values.concurrency ?? 20);
const K = 3;
const DIRECT = values.fill === 'direct';
if (values.fill && !['direct', 'rest'].includes(values.fill)) throw new Error(`--fill is rest or direct, not ${values.fill}`);

const temporalDbFile = path.join(out, 'open-temporal.sqlite');
for (const suffix of ['', '-wal', '-shm']) rmSync(temporalDbFile + suffix, { force: true });
const stack = await startBenchStack({ temporalDbFile, profile: values.profile });
const item = await stack.benchItem(K);
const supervisor = await stack.bearer('450000-supervisor');
const direct = DIRECT ? await directFill() : undefined;

/** What the API does for a submission and an intake, called in this process (`--fill direct`). */
async function directFill() {
  const database = await openDatabase({ url: stack.databaseUrl, dataDir: '' });
  const officer = await findOfficer(database.db, '450100-market_regulation-officer');
  if (!officer) throw new Error('the seed has no market regulation officer at 450100');
  const deps = { db: database.db, client: stack.client, taskQueue: DEFAULT_TASK_QUEUE, log: pino({ level: 'warn' }) };
  const intake = { decision: 'accept' as const, department: 'market_regulation', officer: { id: officer.id, name: officer.name, role: officer.role, centreCode: officer.centreCode, departmentCode: officer.departmentCode } };
  return {
    async open(itemCode: string) {
      const { input } = await submitApplication(deps, stack.submission(itemCode), stack.integratorId);
      await stack.client.workflow.getHandle(input.applicationNo).executeUpdate(intakeUpdate, { args: [intake] });
      return input.applicationNo;
    },
    close: () => database.close(),
  };
}

/** Applications submitted and accepted, left waiting on their decisions: the oldest first. */
const waiting: string[] = [];
/** Open applications on which one department has decided (the old decisions below). */
let touched = 0;

/** Submits and accepts applications until `target` are open. */
async function fill(target: number) {
  const started = performance.now();
  const count = Math.max(0, target - waiting.length - touched);
  await pool(count, C, async () => {
    if (direct) {
      waiting.push(await direct.open(item));
      return;
    }
    const { no } = await stack.submit(item);
    await stack.accept(no);
    waiting.push(no);
  });
  const seconds = (performance.now() - started) / 1000;
  return { seconds: round(seconds), perSecond: count > 0 ? round(count / seconds, 2) : 0 };
}

async function probe() {
  const latency = latencies();
  const started = performance.now();
  await pool(P, C, () => stack.endToEnd(item, K, latency));
  return { perSecond: round(P / ((performance.now() - started) / 1000), 2), ...report(latency) };
}

/** One department decides on each of the oldest waiting applications, one at a time: it stays open. */
async function oldDecisions(count: number) {
  const times: number[] = [];
  const department = DEPARTMENTS[2];
  for (const no of waiting.splice(0, count)) times.push((await stack.decide(no, department)).ms);
  touched += count;
  return summary(times);
}

async function timed(count: number, request: () => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await request();
    times.push(performance.now() - started);
  }
  return { p50: round(percentile(times, 50)), p95: round(percentile(times, 95)) };
}

/** Writes what is measured so far: a long run that is stopped keeps its finished levels. */
function publish() {
  const host = machine();
  writeFileSync(path.join(out, 'open.json'), JSON.stringify({ at: new Date().toISOString(), k: K, probe: P, concurrency: C, fill: DIRECT ? 'direct' : 'rest', machine: host, rows }, null, 2));
  console.log(
    [
      `k=${K}; filled ${DIRECT ? 'directly (submitApplication and the intake Update)' : 'through REST'}; probe of ${P} applications at concurrency ${C}; ${host.cpus} × ${host.cpu}, ${host.memoryGiB} GiB, Node ${host.node}, ${host.temporalCli}`,
      '',
      '| open | filled at /s | worker / API / Temporal MiB | PostgreSQL / Temporal SQLite MiB | probe completed/s | submit p50 / p99 ms | decide p50 / p99 ms | old decision p50 / p99 ms | list p50 / p95 ms | map p50 / p95 ms |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.open} | ${r.fill.perSecond || '-'} | ${r.memory.worker} / ${r.memory.api} / ${r.memory.temporal} | ${r.storage.postgres} / ${r.storage.temporalSqlite} | ` +
          `${r.probe.perSecond} | ${r.probe.submit.p50} / ${r.probe.submit.p99} | ${r.probe.decide.p50} / ${r.probe.decide.p99} | ` +
          `${r.oldDecision.p50} / ${r.oldDecision.p99} | ${r.list.p50} / ${r.list.p95} | ${r.map.p50} / ${r.map.p95} |`,
      ),
    ].join('\n'),
  );
}

interface Row {
  open: number;
  fill: Awaited<ReturnType<typeof fill>>;
  memory: ReturnType<typeof stack.memory>;
  storage: Awaited<ReturnType<typeof stack.storage>>;
  probe: Awaited<ReturnType<typeof probe>>;
  oldDecision: ReturnType<typeof summary>;
  list: Awaited<ReturnType<typeof timed>>;
  map: Awaited<ReturnType<typeof timed>>;
}
const rows: Row[] = [];
for (const level of LEVELS) {
  log(`filling to ${level} open applications`);
  const filled = await fill(Math.max(level, 20)); // at least 20: the old decisions below take them
  const open = waiting.length + touched;
  log(`${open} open (filled at ${filled.perSecond}/s); measuring`);
  const memory = stack.memory();
  const storage = await stack.storage();
  const old = await oldDecisions(20);
  const list = await timed(20, () => stack.call('GET', '/v1/applications?stage=in_review&limit=50', supervisor));
  const map = await timed(20, () => stack.call('GET', '/v1/supervision/map', supervisor));
  const measured = await probe();
  rows.push({ open, fill: filled, memory, storage, probe: measured, oldDecision: old, list, map });
  log(JSON.stringify(rows.at(-1)));
  publish();
}

await direct?.close();
await stack.stop();

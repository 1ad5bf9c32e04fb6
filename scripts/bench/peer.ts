/**
 * `npm run bench:peer`: OneWindow against its performance peer, Flowable's embedded engine running the
 * same approval shape (../shared/peers/flowable: intake → k parallel reviews with three boundary timers
 * each → join → pickup, a process-level statutory timer, PostgreSQL), side by side on this machine in
 * one run. The two alternate, several rounds, the order swapped each round so that neither always
 * runs on a warmer or cooler machine; the table gives each round and the median.
 *
 * OneWindow's side is `npm run bench:throughput -- --k K --pickup --skip-ceiling`: its REST API with
 * authentication, the audit trail, the read model and the durable workflow with all its clocks, each
 * application submitted by an integrator, accepted, decided by k departments at once and picked up.
 *
 *   npm run bench:peer -- [--rounds 3] [--n 600] [--warmup 60] [--k 3] [--concurrency 20]
 * FLOWABLE_PEER_DIR: where the peer is (default ../shared/peers/flowable beside the project).
 * Results go to bench-results/peer.json and a Markdown table on stdout.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { log, machine, out, root, round } from './stack.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    n: { type: 'string', default: '600' },
    warmup: { type: 'string' },
    k: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '20' },
  },
});
const ROUNDS = Number(values.rounds);
const N = Number(values.n);
const K = Number(values.k);
const C = Number(values.concurrency);
const WARMUP = Number(values.warmup ?? Math.ceil(N / 10));
const PEER = path.resolve(process.env.FLOWABLE_PEER_DIR ?? path.join(root, '../shared/peers/flowable'));

/** Runs a command, its stderr passed through; resolves with its stdout, rejects on a non-zero exit. */
function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))));
  });
}

interface Measured {
  perSecond: number;
  /** One application end to end, client side, ms. */
  p50: number;
  p99: number;
  /** CPU ms per application, by process, and their total. */
  cpu: Record<string, number>;
  cpuTotal: number;
  /** Submit p50 / p99 at half the maximum rate (OneWindow only). */
  halfLoadSubmit?: { p50: number; p99: number };
  /** What one application asks of Temporal and the read model (OneWindow only; scripts/bench/throughput.ts). */
  work?: Record<string, number>;
}

async function flowable(): Promise<Measured> {
  const args = ['--db', 'postgres', '--n', String(N), '--warmup', String(WARMUP), '--k', String(K), '--concurrency', String(C)];
  const lines = (await run(path.join(PEER, 'run.sh'), args, PEER)).trim().split('\n');
  const r = JSON.parse(lines.at(-1) ?? '{}') as Record<string, unknown>;
  if (r.allFinished !== true || r.leftoverTimers !== 0 || r.errors !== 0) throw new Error(`the Flowable run did not finish cleanly: ${lines.at(-1)}`);
  const cpu = { 'JVM (engine and load generator)': Number(r.jvmCpuMsPerApp), PostgreSQL: Number(r.pgCpuMsPerApp) };
  return { perSecond: Number(r.completedPerSec), p50: Number(r.p50ms), p99: Number(r.p99ms), cpu, cpuTotal: round(cpu['JVM (engine and load generator)'] + cpu.PostgreSQL) };
}

interface ThroughputRow {
  oneWindow: {
    perSecond: number;
    application: { p50: number; p99: number };
    cpu: Record<'worker' | 'api' | 'temporal' | 'postgres' | 'temporalStore' | 'bench', number>;
    work: Record<string, number>;
  };
}
async function oneWindow(): Promise<Measured> {
  const args = ['scripts/bench/throughput.ts', '--n', String(N), '--concurrency', String(C), '--k', String(K), '--pickup', '--skip-ceiling'];
  await run(path.join(root, 'node_modules/.bin/tsx'), args, root);
  const result = JSON.parse(readFileSync(path.join(out, 'throughput.json'), 'utf8')) as { rows: ThroughputRow[]; halfLoads: Array<{ submit: { p50: number; p99: number } }> };
  const { oneWindow: o } = result.rows[0];
  const cpu = { worker: o.cpu.worker, API: o.cpu.api, Temporal: o.cpu.temporal, PostgreSQL: o.cpu.postgres + o.cpu.temporalStore, 'load generator': o.cpu.bench };
  const cpuTotal = round(Object.values(cpu).reduce((a, b) => a + b, 0));
  return { perSecond: o.perSecond, p50: o.application.p50, p99: o.application.p99, cpu, cpuTotal, halfLoadSubmit: result.halfLoads[0]?.submit, work: o.work };
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const rounds: Array<{ round: number; flowable: Measured; oneWindow: Measured }> = [];
for (let i = 1; i <= ROUNDS; i++) {
  const order = i % 2 ? (['flowable', 'oneWindow'] as const) : (['oneWindow', 'flowable'] as const);
  const measured: Partial<Record<'flowable' | 'oneWindow', Measured>> = {};
  for (const side of order) {
    log(`round ${i} of ${ROUNDS}: ${side === 'flowable' ? 'Flowable' : 'OneWindow'}, ${N} applications, k=${K}, concurrency ${C}`);
    measured[side] = side === 'flowable' ? await flowable() : await oneWindow();
  }
  rounds.push({ round: i, flowable: measured.flowable!, oneWindow: measured.oneWindow! });
}

const host = machine();
writeFileSync(path.join(out, 'peer.json'), JSON.stringify({ at: new Date().toISOString(), n: N, warmup: WARMUP, k: K, concurrency: C, machine: host, rounds }, null, 2));
const cpuCells = (m: Measured) => Object.entries(m.cpu).map(([name, ms]) => `${name} ${ms}`).join(', ');
const row = (label: string, name: string, m: Measured) =>
  `| ${label} | ${name} | ${m.perSecond} | ${m.p50} / ${m.p99} | ${m.halfLoadSubmit ? `${m.halfLoadSubmit.p50} / ${m.halfLoadSubmit.p99}` : '–'} | ${m.cpuTotal} | ${cpuCells(m)} |`;
const medianOf = (side: 'flowable' | 'oneWindow') => ({
  perSecond: median(rounds.map((r) => r[side].perSecond)),
  p99: median(rounds.map((r) => r[side].p99)),
  cpuTotal: median(rounds.map((r) => r[side].cpuTotal)),
  halfLoadP99: side === 'oneWindow' ? median(rounds.map((r) => r.oneWindow.halfLoadSubmit?.p99 ?? Number.NaN)) : undefined,
});
const f = medianOf('flowable');
const o = medianOf('oneWindow');
console.log(
  [
    `k=${K}, ${N} applications per round after ${WARMUP} (Flowable) / 20 (OneWindow) not counted, concurrency ${C}, ${ROUNDS} rounds alternating; ${host.cpus} × ${host.cpu}, ${host.memoryGiB} GiB, Node ${host.node}`,
    '',
    '| round | engine | completed/s | application p50 / p99 ms | submit at half load p50 / p99 ms | CPU ms per application | by process |',
    '|---|---|---|---|---|---|---|',
    ...rounds.flatMap((r) => [row(String(r.round), 'Flowable 7.2 embedded', r.flowable), row(String(r.round), 'OneWindow', r.oneWindow)]),
    '',
    '| median | Flowable | OneWindow | OneWindow ÷ Flowable | goal |',
    '|---|---|---|---|---|',
    `| completed/s | ${f.perSecond} | ${o.perSecond} | ${round(o.perSecond / f.perSecond, 2)} | ≥ 1 |`,
    `| CPU ms per application | ${f.cpuTotal} | ${o.cpuTotal} | ${round(o.cpuTotal / f.cpuTotal, 2)} | ≤ 1 |`,
    `| application p99 ms | ${f.p99} | ${o.p99} | ${round(o.p99 / f.p99, 2)} | |`,
    `| submit p99 at half load ms | – | ${o.halfLoadP99} | | < 100 |`,
    '',
    `One OneWindow application asks (round 1): ${Object.entries(rounds[0].oneWindow.work ?? {}).map(([what, n]) => `${n} ${what}`).join(', ')}.`,
  ].join('\n'),
);

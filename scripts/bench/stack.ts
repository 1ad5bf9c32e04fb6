/**
 * The stack the end-to-end benchmarks run against, every process on this machine: a fresh database on
 * the PostgreSQL server of DATABASE_URL, a Temporal dev server (or, with `temporal: 'cluster'`, the real
 * Temporal server of `npm run cluster` with fresh store and visibility databases on the same PostgreSQL
 * server), `npm run worker` and `npm run api` as
 * their own processes (reading the workflow bundle made ahead), and REST callers for an integrator, the
 * market regulation window and each department's chief at 450100.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { issueToken } from '../../api/auth.js';
import { residentIdCheck } from '../../api/identity.js';
import { type ItemDefinition, requiredMaterials } from '../../db/item-definition.js';
import { createScratchDatabase } from '../../db/scratch.js';
import { ensureNamespace, findTemporalCli, freePort, registerSearchAttributes, startDevServer } from '../../server/temporal.js';
import { waitForTemporal } from '../../api/readiness.js';
import { ensureTemporalServer, freePorts, setupSchemas, startTemporalServer, storeOf } from '../cluster/temporal-server.js';
import { freshAuditKeys } from '../../server/audit-keys.js';
import { dataConverter, freshKeyList, payloadKeys } from '../../server/payload-codec.js';

export const DEPARTMENTS = ['market_regulation', 'taxation', 'public_security', 'human_resources', 'housing_fund'];
export const root = path.resolve(import.meta.dirname, '../..');
export const out = path.join(root, 'bench-results');
export const log = (m: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}`);

export const percentile = (list: number[], p: number) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
};
export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
export const summary = (list: number[]) => ({ p50: round(percentile(list, 50)), p99: round(percentile(list, 99)) });

/** Per call (submit, decide, read) and per whole application, submission to its last step. */
export type Latencies = Record<'submit' | 'decide' | 'read' | 'application', number[]>;
export const latencies = (): Latencies => ({ submit: [], decide: [], read: [], application: [] });
export const report = (latency: Latencies) => ({
  submit: summary(latency.submit),
  decide: summary(latency.decide),
  read: summary(latency.read),
  application: summary(latency.application),
});

/** Runs `one` `count` times, at most `concurrency` at once. */
export async function pool(count: number, concurrency: number, one: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await one(next++);
    }),
  );
}

export function machine() {
  const cli = execFileSync(findTemporalCli(process.env.TEMPORAL_CLI_PATH), ['--version']).toString().trim();
  return { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version, temporalCli: cli };
}

/** A process's children (Linux /proc); none on a kernel without the children file. */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Resident memory of a process and its children, in MiB (Linux /proc). */
export function rssMiB(pid: number | undefined): number {
  if (!pid) return 0;
  const own = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  return round(own + childPids(pid).reduce((sum, child) => sum + rssMiB(child), 0));
}

/** CPU time (user + system) of a process and its children, in seconds (Linux /proc). */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  let own = 0;
  try {
    // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th of them.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    own = (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks, 100 a second on Linux
  } catch {
    return 0; // the process has exited
  }
  return own + childPids(pid).reduce((sum, child) => sum + cpuSeconds(child), 0);
}

/** Where the stack's Temporal runs: the CLI's dev server (SQLite), or the real server on PostgreSQL. */
export type TemporalKind = 'dev' | 'cluster';

/** The real server of `npm run cluster`, on fresh databases of its own (dropped at the end). */
async function clusterTemporal(serverUrl: string) {
  const build = ensureTemporalServer();
  const store = storeOf(serverUrl, `temporal_bench_${process.pid}`);
  await setupSchemas(build, store);
  const server = await startTemporalServer({ build, store, logFile: path.join(out, 'temporal-server.log'), ports: await freePorts() });
  await ensureNamespace(server.address, 'default', 1);
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  return {
    address: server.address,
    pid: server.pid(),
    databases: [store.database, store.visibilityDatabase],
    version: execFileSync(build.server, ['--version']).toString().trim(),
    async stop() {
      await server.stop();
      for (const name of [store.database, store.visibilityDatabase]) await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

/** Node's arguments for `npm run worker` or `npm run api`, as package.json gives them: the bench runs what production runs. */
function productionArgs(name: 'worker' | 'api'): string[] {
  const { scripts } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [node, ...args] = scripts[name].split(' ');
  if (node !== 'node') throw new Error(`npm run ${name} is "${scripts[name]}": the bench expects "node <args>"`);
  return args;
}

export async function startBenchStack(options: { profile?: boolean; temporalDbFile?: string; env?: Record<string, string>; temporal?: TemporalKind } = {}) {
  mkdirSync(out, { recursive: true });
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
  const scratch = await createScratchDatabase(serverUrl, `onewindow_bench_${process.pid}`);

  const temporal =
    options.temporal === 'cluster'
      ? await clusterTemporal(serverUrl)
      : await startDevServer({
          cliPath: findTemporalCli(process.env.TEMPORAL_CLI_PATH),
          port: await freePort(),
          dbFile: options.temporalDbFile,
          logFile: path.join(out, 'temporal.log'),
        }).then((dev) => ({ ...dev, databases: [] as string[], version: machine().temporalCli }));
  const connection = await Connection.connect({ address: temporal.address });
  await registerSearchAttributes(connection, 'default');
  const notReady = await waitForTemporal(connection, 'default', { timeoutMs: 30_000 });
  if (notReady.length > 0) throw new Error(`Temporal is not ready: ${notReady.join('; ')}`);
  // The run's own payload key, shared with the worker and the API it spawns.
  const payloadKeyList = options.env?.PAYLOAD_KEYS ?? freshKeyList();
  const converter = dataConverter(payloadKeys({ dataDir: out, payloadKeys: { list: payloadKeyList } }, { localKeyFile: false }));
  const client = new Client({ connection, dataConverter: converter });

  // The production processes, as `npm run build` makes them: compiled JavaScript in dist/ and the
  // workflow bundle made ahead, which the worker reads.
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { cwd: root, stdio: 'ignore' });
  const bundle = path.join(root, 'dist', 'workflow-bundle.js');
  const apiPort = await freePort();
  const secret = `bench-${process.pid}-0123456789abcdefghijklmnopqrstu`;
  const env = {
    ...process.env,
    DATABASE_URL: scratch.url,
    TEMPORAL_ADDRESS: temporal.address,
    AUTH_JWT_SECRET: secret,
    PAYLOAD_KEYS: payloadKeyList,
    ...freshAuditKeys(),
    PORT: String(apiPort),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '0',
    RATE_LIMIT_PER_KEY_PER_MINUTE: '0',
    WORKFLOW_BUNDLE: bundle,
    ...options.env,
  };
  const children: ChildProcess[] = [];
  // Signal each process's whole group, also when the bench fails.
  const signal = (sig: NodeJS.Signals) => children.forEach((child) => child.pid && child.exitCode === null && process.kill(-child.pid, sig));
  process.on('exit', () => signal('SIGKILL'));
  for (const name of ['worker', 'api'] as const) {
    // --profile: each process writes a V8 CPU profile into bench-results/profiles when it exits.
    const profile = options.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(out, 'profiles')}`] : [];
    children.push(
      spawn(process.execPath, [...profile, ...productionArgs(name)], {
        cwd: root,
        env,
        stdio: ['ignore', openSync(path.join(out, `${name}.log`), 'w'), 'inherit'],
        detached: true,
      }),
    );
  }
  const [worker, api] = children;
  const base = `http://127.0.0.1:${apiPort}`;
  for (let i = 0; ; i++) {
    if (await fetch(`${base}/readyz`).then((r) => r.ok).catch(() => false)) break;
    if (i > 240) throw new Error('the API did not start');
    await sleep(500);
  }

  async function call(method: string, url: string, headers: Record<string, string>, body?: unknown) {
    const started = performance.now();
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
    return { json, ms: performance.now() - started };
  }
  const bearer = async (officer: string) => ({
    authorization: `Bearer ${await issueToken({ secret, issuer: 'onewindow', audience: 'onewindow' }, officer, '12h')}`,
  });
  const regional = await bearer('450000-admin');
  // Keys are the security administrator's (三员), items the system administrator's.
  const { json: created } = await call('POST', '/v1/integrators', await bearer('450000-security'), { name: 'bench', centres: ['450000'] });
  const integrator = { 'x-api-key': created.key as string };
  const window = await bearer('450100-market_regulation-officer');
  const chiefs = Object.fromEntries(await Promise.all(DEPARTMENTS.map(async (d) => [d, await bearer(`450100-${d}-chief`)] as const)));

  /** The materials each bench item requires: every application hands them all in. */
  const checklists = new Map<string, string[]>();
  /** An item whose one step has k departments reviewing in parallel, made through the administrators' API. */
  async function benchItem(k: number): Promise<string> {
    // One department: a promised item (食品经营许可); several: a joint one (企业开办), one step of k.
    const { json } = await call('GET', `/v1/items/${k === 1 ? 'food-business-licence' : 'company-startup'}`, {});
    const definition = json.definition as ItemDefinition;
    const code = `bench-parallel-${k}`;
    checklists.set(code, requiredMaterials(definition));
    await call('POST', '/v1/items', regional, {
      ...definition,
      code,
      name: `并联审批基准 ${k}`,
      nameEn: `Benchmark, ${k} parallel departments`,
      steps: [{ name: '并联审批', departments: DEPARTMENTS.slice(0, k).map((d) => ({ code: d, promisedLimitDays: definition.promisedLimitDays })) }],
    });
    return code;
  }

  let serial = 0;
  /** The body of a new application of the item at 450100; its applicant's ID number is valid and new. */
  function submission(item: string) {
    serial += 1;
    const first17 = `45010219${String(50 + (serial % 50))}${String(1 + (serial % 12)).padStart(2, '0')}${String(1 + (serial % 28)).padStart(2, '0')}${String(serial % 1000).padStart(3, '0')}`;
    return {
      itemCode: item,
      centreCode: '450100',
      applicant: { type: 'person' as const, name: '基准', idNumber: first17 + residentIdCheck(first17) },
      materials: checklists.get(item) ?? [],
    };
  }
  /** Submits an application of the item as the integrator. */
  async function submit(item: string) {
    const submitted = await call('POST', '/v1/applications', integrator, submission(item));
    return { no: submitted.json.applicationNo as string, ms: submitted.ms };
  }

  const accept = (no: string) => call('POST', `/v1/applications/${no}/intake`, window, { decision: 'accept', department: 'market_regulation' });

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

  /**
   * One application from submission to completion, its k decisions at once, then (with `pickup`) handed
   * over at the window, the Flowable peer's whole shape; its latencies go into `latency`.
   */
  async function endToEnd(item: string, k: number, latency: Latencies, options: { pickup?: boolean } = {}) {
    const started = performance.now();
    const submitted = await submit(item);
    latency.submit.push(submitted.ms);
    await accept(submitted.no);
    await Promise.all(DEPARTMENTS.slice(0, k).map(async (d) => latency.decide.push((await decide(submitted.no, d)).ms)));
    const read = await call('GET', `/v1/applications/${submitted.no}`, integrator);
    latency.read.push(read.ms);
    if (read.json.stage !== 'completed') throw new Error(`${submitted.no} is ${String(read.json.stage)}, not completed`);
    if (options.pickup) await call('POST', `/v1/applications/${submitted.no}/pickup`, window, { recipient: '基准', idChecked: true });
    latency.application.push(performance.now() - started);
    return submitted.no;
  }

  return {
    base,
    databaseUrl: scratch.url,
    /** Who the integrator is to the API (`submittedBy` of its applications). */
    integratorId: `integrator:${created.id as string}`,
    submission,
    endToEnd,
    temporalAddress: temporal.address,
    /** The Temporal server's version, as it names itself. */
    temporalVersion: temporal.version,
    client,
    /** The client's and the spawned worker's data converter (server/payload-codec.ts), for a worker of the bench's own. */
    dataConverter: converter,
    call,
    bearer,
    integrator,
    regional,
    benchItem,
    submit,
    accept,
    decide,
    /**
     * CPU seconds used so far by the worker, the API, the Temporal server, the PostgreSQL backends
     * connected to the bench's database and (on the cluster) to Temporal's store and visibility
     * databases (not the server's background writers), and this process.
     */
    async cpu() {
      const admin = new pg.Client({ connectionString: scratch.url });
      await admin.connect();
      const backends = async (databases: string[]) =>
        (await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = any($1) and pid <> pg_backend_pid()', [databases])).rows;
      const [readModel, temporalStore] = [await backends([scratch.name]), await backends(temporal.databases)];
      await admin.end();
      const { user, system } = process.cpuUsage();
      /** Per backend: one that closes between two readings must not count negative. */
      const perBackend = (rows: Array<{ pid: number }>) => Object.fromEntries(rows.map((r) => [r.pid, cpuSeconds(r.pid)]));
      return {
        worker: cpuSeconds(worker.pid),
        api: cpuSeconds(api.pid),
        temporal: cpuSeconds(temporal.pid),
        postgres: perBackend(readModel),
        temporalStore: perBackend(temporalStore),
        bench: (user + system) / 1e6,
      };
    },
    /** Transactions committed in the read model's database so far (PostgreSQL's statistics, flushed at least once a second). */
    async transactions(): Promise<number> {
      const admin = new pg.Client({ connectionString: scratch.url });
      await admin.connect();
      try {
        await admin.query('select pg_stat_clear_snapshot()');
        const { rows } = await admin.query<{ n: string }>('select xact_commit + xact_rollback as n from pg_stat_database where datname = $1', [scratch.name]);
        return Number(rows[0].n);
      } finally {
        await admin.end();
      }
    },
    /** Resident memory of the worker, the API and the Temporal server, in MiB. */
    memory: () => ({ worker: rssMiB(worker.pid), api: rssMiB(api.pid), temporal: rssMiB(temporal.pid) }),
    /** The read model's database and the Temporal server's SQLite file (when it has one), in MiB. */
    async storage() {
      const sqlite = options.temporalDbFile
        ? ['', '-wal'].reduce((sum, suffix) => sum + (statSync(options.temporalDbFile + suffix, { throwIfNoEntry: false })?.size ?? 0), 0)
        : 0;
      return { postgres: round((await scratch.size()) / 2 ** 20), temporalSqlite: round(sqlite / 2 ** 20) };
    },
    async stop() {
      signal('SIGTERM');
      await Promise.race([Promise.all(children.map((c) => c.exitCode === null && new Promise((resolve) => c.once('exit', resolve)))), sleep(20_000)]);
      await connection.close();
      await temporal.stop();
      await scratch.drop();
    },
  };
}

export type BenchStack = Awaited<ReturnType<typeof startBenchStack>>;

/**
 * A real Temporal server on PostgreSQL, as production runs it: the pinned server built from
 * go.temporal.io/server (scripts/ensure-temporal-server.sh), its schemas set up and upgraded by its own
 * sql tool from the server's versioned schema folders, started on scripts/cluster/temporal.yaml. Used
 * by `npm run cluster`, the fault run's `--cluster` and the throughput benchmark's `--cluster`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Connection } from '@temporalio/client';
import pg from 'pg';

const here = import.meta.dirname;
export const configFile = path.join(here, 'temporal.yaml');
export const dynamicConfigFile = path.join(here, 'dynamicconfig.yaml');

export interface ServerBuild {
  server: string;
  sqlTool: string;
  /** schema/postgresql/v12 of the server's module: temporal/ and visibility/, each with versioned/. */
  schema: string;
}

/** Builds the pinned server and sql tool once (minutes), then finds them in the cache. */
export function ensureTemporalServer(): ServerBuild {
  const dir = execFileSync('bash', [path.join(here, '..', 'ensure-temporal-server.sh')], { stdio: ['ignore', 'pipe', 'inherit'] })
    .toString()
    .trim();
  return {
    server: path.join(dir, 'bin', 'temporal-server'),
    sqlTool: path.join(dir, 'bin', 'temporal-sql-tool'),
    schema: path.join(dir, 'schema', 'postgresql', 'v12'),
  };
}

/** A PostgreSQL server, and the two databases Temporal keeps there. */
export interface TemporalStore {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  visibilityDatabase: string;
}

/** The server of a postgres:// URL, with Temporal's two databases named by `prefix`. */
export function storeOf(url: string, prefix = 'temporal'): TemporalStore {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password),
    database: prefix,
    visibilityDatabase: `${prefix}_visibility`,
  };
}

/**
 * Creates both databases when missing, sets up a new one at version 0.0 and upgrades both along the
 * server's versioned schema folders: run again after a server upgrade, it applies only the newer
 * versions (the sql tool keeps the version in each database's schema_version table).
 */
export async function setupSchemas(build: ServerBuild, store: TemporalStore): Promise<void> {
  for (const [database, folder] of [
    [store.database, 'temporal'],
    [store.visibilityDatabase, 'visibility'],
  ] as const) {
    const tool = (...args: string[]) =>
      execFileSync(
        build.sqlTool,
        ['--plugin', 'postgres12', '--ep', store.host, '-p', String(store.port), '-u', store.user, '--db', database, ...args],
        // The password through the environment, not the command line that `ps` shows.
        { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SQL_PASSWORD: store.password } },
      );
    tool('create-database');
    if (!(await hasSchemaVersion(store, database))) tool('setup-schema', '-v', '0.0');
    tool('update-schema', '-d', path.join(build.schema, folder, 'versioned'));
  }
}

async function hasSchemaVersion(store: TemporalStore, database: string): Promise<boolean> {
  const client = new pg.Client({ host: store.host, port: store.port, user: store.user, password: store.password, database });
  await client.connect();
  try {
    const { rows } = await client.query<{ found: string | null }>("SELECT to_regclass('schema_version')::text AS found");
    return rows[0].found !== null;
  } finally {
    await client.end();
  }
}

/** The ports one server process listens on: the frontend's gRPC port is the one clients use. */
export interface ServerPorts {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
}

export const defaultPorts: ServerPorts = {
  frontend: 7233,
  frontendHttp: 7243,
  frontendMembership: 6933,
  history: 7234,
  historyMembership: 6934,
  matching: 7235,
  matchingMembership: 6935,
  worker: 7239,
  workerMembership: 6939,
};

/** The template's variable of a port: TEMPORAL_HISTORY_MEMBERSHIP_PORT for historyMembership. */
export const portVariable = (name: string) => `TEMPORAL_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_PORT`;

/** The default ports, each overridden by its variable in `env`. */
export function portsFrom(env: NodeJS.ProcessEnv): ServerPorts {
  return Object.fromEntries(Object.entries(defaultPorts).map(([name, port]) => [name, Number(env[portVariable(name)] ?? port)])) as unknown as ServerPorts;
}

/**
 * Free ports for every service, so that a test's server disturbs nothing else on the machine. Below
 * 32768: the server keeps its membership ports in a smallint column (an ephemeral port such as 44455
 * stops it at start with "value out of range for type smallint").
 */
export async function freePorts(): Promise<ServerPorts> {
  const ports: Partial<Record<keyof ServerPorts, number>> = {};
  const taken = new Set<number>();
  for (const name of Object.keys(defaultPorts) as Array<keyof ServerPorts>) {
    for (;;) {
      const port = 20_000 + Math.floor(Math.random() * 12_000);
      if (!taken.has(port) && (await isFree(port))) {
        taken.add(port);
        ports[name] = port;
        break;
      }
    }
  }
  return ports as ServerPorts;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface TemporalServer {
  address: string;
  pid(): number | undefined;
  /** Starts the process again on the same store and ports (after stop or kill). */
  start(): Promise<void>;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/**
 * Where the server archives closed workflows (scripts/cluster/temporal.yaml): history under
 * `<archive>/history`, visibility records under `<archive>/visibility`. `archive` is an s3:// URI or a
 * folder's file:// URI.
 */
export function archivalUris(archive: string): { history: string; visibility: string } {
  const base = archive.replace(/\/+$/, '');
  return { history: `${base}/history`, visibility: `${base}/visibility` };
}

/** The archive's URI: TEMPORAL_ARCHIVAL_URI, else the folder TEMPORAL_ARCHIVAL_DIR, else `folder`. */
export function archiveFrom(env: NodeJS.ProcessEnv, folder: string): string {
  if (env.TEMPORAL_ARCHIVAL_URI) {
    const { protocol } = new URL(env.TEMPORAL_ARCHIVAL_URI);
    if (protocol !== 's3:' && protocol !== 'file:') throw new Error(`TEMPORAL_ARCHIVAL_URI must be an s3:// or file:// URI, not ${env.TEMPORAL_ARCHIVAL_URI}`);
    return env.TEMPORAL_ARCHIVAL_URI;
  }
  return pathToFileURL(path.resolve(env.TEMPORAL_ARCHIVAL_DIR || folder)).href;
}

/** Starts frontend, history, matching and worker services in one process and waits until it answers. */
export async function startTemporalServer(options: {
  build: ServerBuild;
  store: TemporalStore;
  logFile: string;
  ports?: ServerPorts;
  historyShards?: number;
  metricsAddress?: string;
  /** Where closed workflows are archived (see archiveFrom); default: `archival/` beside the log file. */
  archive?: string;
  /** The dynamic configuration file; default scripts/cluster/dynamicconfig.yaml (tests lower limits with their own). */
  dynamicConfigFile?: string;
}): Promise<TemporalServer> {
  const ports = options.ports ?? defaultPorts;
  const { store } = options;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_DB_HOST: store.host,
    TEMPORAL_DB_PORT: String(store.port),
    TEMPORAL_DB_USER: store.user,
    TEMPORAL_DB_PASSWORD: store.password,
    TEMPORAL_STORE_DB: store.database,
    TEMPORAL_VISIBILITY_DB: store.visibilityDatabase,
    TEMPORAL_HISTORY_SHARDS: String(options.historyShards ?? 4),
    TEMPORAL_DYNAMIC_CONFIG: options.dynamicConfigFile ?? dynamicConfigFile,
    // The template falls back on TEMPORAL_ARCHIVAL_DIR only without a URI: always hand it the URI.
    TEMPORAL_ARCHIVAL_URI: options.archive ?? pathToFileURL(path.join(path.dirname(path.resolve(options.logFile)), 'archival')).href,
    ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [portVariable(name), String(port)])),
    ...(options.metricsAddress ? { TEMPORAL_METRICS_ADDRESS: options.metricsAddress } : {}),
  };
  const address = `127.0.0.1:${ports.frontend}`;
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  let child: ChildProcess | undefined;

  const start = async () => {
    const out = openSync(options.logFile, 'a');
    child = spawn(options.build.server, ['--config-file', configFile, '--allow-no-auth', 'start'], { stdio: ['ignore', out, out], env });
    try {
      await waitUntilServing(child, address, options.logFile);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
  };
  const ended = (signal: NodeJS.Signals, graceMs: number) => async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => running.kill('SIGKILL'), graceMs);
      running.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      running.kill(signal);
    });
  };
  await start();
  return { address, pid: () => child?.pid, start, stop: ended('SIGTERM', 20_000), kill: ended('SIGKILL', 5_000) };
}

async function waitUntilServing(child: ChildProcess, address: string, logFile: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const output = readFileSync(logFile, 'utf8');
      throw new Error(`The Temporal server exited with ${child.exitCode} (log: ${logFile}):\n${output.slice(-2000)}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        // The frontend answers before history owns its shards: wait until a namespace call goes through.
        await connection.workflowService.getSystemInfo({});
        await connection.workflowService.listNamespaces({ pageSize: 1 });
      } finally {
        await connection.close();
      }
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`The Temporal server did not answer at ${address} within 120 s (log: ${logFile})`);
}

/**
 * `npm run cluster`: OneWindow as production runs it, on one machine. Builds the pinned Temporal
 * server once (scripts/ensure-temporal-server.sh), sets up its store and visibility databases on a
 * PostgreSQL server with the server's own sql tool, starts it on scripts/cluster/temporal.yaml,
 * creates the namespace with its retention and Temporal's archival enabled, registers OneWindow's
 * search attributes and waits until they are usable, migrates and seeds OneWindow's database, then
 * runs the compiled worker and API processes (several of each with --workers / --apis) and a recorder
 * of the windows' cameras (VIDEO_DIR shared with the APIs) until Ctrl+C,
 * which stops them in order.
 *
 *   npm run cluster -- [--workers 2] [--apis 2] [--shards 4] [--no-build | --from-sources]
 *
 * `--from-sources` runs the processes from the sources with tsx (what the test does, which must not
 * rebuild dist/ under another test's feet); `--no-build` reuses dist/ when it is there.
 *
 * Environment: DATABASE_URL (OneWindow's database, created when missing; default
 * postgres://postgres:postgres@127.0.0.1:5432/onewindow), TEMPORAL_STORE_URL (the PostgreSQL server for
 * Temporal's databases; default DATABASE_URL's server), TEMPORAL_STORE_DB / TEMPORAL_VISIBILITY_DB,
 * TEMPORAL_HISTORY_SHARDS (4, fixed once the store exists), TEMPORAL_RETENTION_DAYS (30),
 * TEMPORAL_ARCHIVAL_URI (s3://bucket/prefix, with TEMPORAL_ARCHIVAL_S3_REGION, _ENDPOINT, _PATH_STYLE)
 * or TEMPORAL_ARCHIVAL_DIR (default DATA_DIR/cluster/archival) where closed workflows are archived,
 * TEMPORAL_FRONTEND_PORT (7233), PORT (3000; the n-th API listens on PORT + n - 1), and everything the
 * API and worker read (README, "Configuration").
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../db/client.js';
import { seedCatalogue } from '../db/seed.js';
import { loadAuditKeys } from '../server/audit-keys.js';
import { loadConfig } from '../server/config.js';
import { dataConverter, payloadKeys } from '../server/payload-codec.js';
import { authConfig, createLogger, temporalClient } from '../server/runtime.js';
import { configureNamespace, prepareTemporal, stopChild } from '../server/temporal.js';
import { archivalUris, archiveFrom, ensureTemporalServer, portsFrom, setupSchemas, startTemporalServer, storeOf } from './cluster/temporal-server.js';

const { values: args } = parseArgs({
  options: {
    workers: { type: 'string', default: '1' },
    apis: { type: 'string', default: '1' },
    shards: { type: 'string', default: process.env.TEMPORAL_HISTORY_SHARDS ?? '4' },
    'no-build': { type: 'boolean', default: false },
    'from-sources': { type: 'boolean', default: false },
  },
});
const count = (name: string, value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number from 1`);
  return n;
};
const workers = count('workers', args.workers);
const apis = count('apis', args.apis);
const shards = count('shards', args.shards);
const retentionDays = Number(process.env.TEMPORAL_RETENTION_DAYS || 30);
if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new Error('TEMPORAL_RETENTION_DAYS must be a whole number of days from 1');

const root = path.resolve(import.meta.dirname, '..');
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/onewindow';
const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl });
const logger = createLogger(config.logLevel);
const dir = path.join(config.dataDir, 'cluster');
mkdirSync(dir, { recursive: true });
const say = (line: string) => console.log(`cluster: ${line}`);

// 1. The server and its sql tool, built once into the cache.
const build = ensureTemporalServer();

// 2. Temporal's two databases and OneWindow's, on the PostgreSQL server(s).
const store = {
  ...storeOf(process.env.TEMPORAL_STORE_URL ?? databaseUrl),
  database: process.env.TEMPORAL_STORE_DB ?? 'temporal',
  visibilityDatabase: process.env.TEMPORAL_VISIBILITY_DB ?? 'temporal_visibility',
};
await setupSchemas(build, store);
say(`Temporal's store ${store.database} and visibility ${store.visibilityDatabase} on ${store.host}:${store.port} are at the server's schema versions`);
await createDatabaseIfMissing(databaseUrl);

// 3. The server, the namespace and OneWindow's search attributes.
const ports = portsFrom(process.env);
const archive = archiveFrom(process.env, path.join(dir, 'archival'));
const server = await startTemporalServer({
  build,
  store,
  historyShards: shards,
  logFile: path.join(dir, 'temporal.log'),
  ports,
  metricsAddress: process.env.TEMPORAL_METRICS_ADDRESS,
  archive,
});
const stopAll: Array<() => Promise<unknown>> = [() => server.stop()];
process.once('exit', () => void server.kill());
try {
  const namespace = config.temporal.namespace;
  say(`Temporal server ${server.address} (pid ${server.pid()}, ${shards} history shards, log ${path.join(dir, 'temporal.log')})`);
  const wanted = archivalUris(archive);
  const { outcome, settings } = await configureNamespace(server.address, namespace, { retention: `${retentionDays} days`, archival: wanted });
  const archival = (kind: 'history' | 'visibility') => `${kind} archival ${settings[kind].enabled ? 'enabled' : 'disabled'} into ${settings[kind].uri || '(none)'}`;
  say(`namespace ${namespace}: ${outcome} (retention ${days(settings.retentionMs)}; ${archival('history')}; ${archival('visibility')})`);
  for (const kind of ['history', 'visibility'] as const) {
    if (settings[kind].uri !== wanted[kind]) say(`namespace ${namespace} keeps its ${kind} archival URI ${settings[kind].uri}, not ${wanted[kind]}: Temporal never changes one`);
  }
  // Without keys of the operator's, the data folder's local key file (made once, as `npm start` does).
  const converter = dataConverter(payloadKeys(config, { localKeyFile: true }));
  const temporal = temporalClient(config.temporal, server.address, converter);
  await prepareTemporal(temporal.connection, namespace, logger, { timeoutMs: 60_000 });
  await temporal.connection.close();

  // 4. OneWindow's database, migrated and seeded.
  const database = await openDatabase({ url: databaseUrl, dataDir: config.dataDir });
  await database.migrate();
  if (await seedCatalogue(database.db)) say('seeded the catalogue into an empty database');
  await database.close();

  // 5. The compiled processes.
  const fromSources = args['from-sources'];
  if (!fromSources && (!args['no-build'] || !existsSync(path.join(root, 'dist', 'server', 'api.js')))) {
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'scripts', 'build.ts')], { stdio: 'inherit' });
  }
  // Without an identity provider's keys, staff tokens are signed with the data folder's local secret (npm run token).
  const auth = authConfig(config, { localSecret: true });
  const audit = loadAuditKeys(config, { local: 'create' });
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: server.address,
    ...(process.env.AUTH_JWT_SECRET || process.env.AUTH_JWT_PUBLIC_KEY || process.env.AUTH_JWKS_URL ? {} : { AUTH_JWT_SECRET: auth.secret }),
    ...(process.env.PAYLOAD_KEYS || process.env.PAYLOAD_KEY_FILE ? {} : { PAYLOAD_KEY_FILE: path.join(config.dataDir, 'payload-keys.json') }),
    // The audit log's keys likewise: the data folder's (made once), unless AUDIT_MAC_KEY and AUDIT_SIGNING_KEY are set.
    AUDIT_MAC_KEY: audit.macKey.toString('base64'),
    AUDIT_SIGNING_KEY: audit.signingKey!.export({ format: 'pem', type: 'pkcs8' }).toString(),
    // The recorder writes the windows' recordings where every API reads them for playback.
    VIDEO_DIR: process.env.VIDEO_DIR ?? path.join(config.dataDir, 'video'),
  };
  const children: ChildProcess[] = [];
  const run = (name: string, script: string, extra: NodeJS.ProcessEnv) => {
    const out = openSync(path.join(dir, `${name}.log`), 'a');
    const program = fromSources
      ? [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'server', script.replace('.js', '.ts'))]
      : ['--enable-source-maps', path.join(root, 'dist', 'server', script)];
    const child = spawn(process.execPath, program, {
      stdio: ['ignore', out, out],
      env: { ...env, ...extra },
    });
    child.on('exit', (code, signal) => say(`${name} exited (${signal ?? code}); see ${path.join(dir, `${name}.log`)}`));
    children.push(child);
    return child;
  };
  for (let i = 1; i <= workers; i++) run(`worker-${i}`, 'worker.js', {});
  run('recorder', 'record.js', {});
  const basePort = config.port;
  for (let i = 1; i <= apis; i++) run(`api-${i}`, 'api.js', { PORT: String(basePort + i - 1) });
  // A worker drains for up to 30 s (shutdownForceTime): give it 40.
  stopAll.unshift(...children.map((child) => () => stopChild(child, 40_000)));
  await Promise.all(Array.from({ length: apis }, (_, i) => waitForReady(`http://127.0.0.1:${basePort + i}`)));
  console.log(
    [
      '',
      `OneWindow is running on a Temporal cluster: ${workers} worker(s), ${apis} API process(es).`,
      ...Array.from({ length: apis }, (_, i) => `  API ${i + 1}:       http://localhost:${basePort + i}/v1/applications  (/docs, /readyz)`),
      `  Temporal:    ${server.address} (namespace ${namespace}); temporal --address ${server.address} workflow list`,
      `  Archive:     ${archive} (past retention: temporal workflow list --archived --query "WorkflowId = '…'")`,
      `  Databases:   ${databaseUrl.replace(/:[^:@/]+@/, ':…@')} (OneWindow), ${store.database} + ${store.visibilityDatabase} (Temporal)`,
      `  Logs:        ${dir}/{temporal,worker-N,api-N,recorder}.log`,
      `  Recorder:    the windows' cameras, into ${env.VIDEO_DIR} (recorder.log)`,
      '  A token:     npm run token -- 450000-supervisor',
      'Stop with Ctrl+C.',
      '',
    ].join('\n'),
  );
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  for (const step of stopAll) await step().catch(() => {});
  process.exit(1);
}

let stopping = false;
// `on`, not `once`: Ctrl+C reaches this process twice (from the terminal and relayed by tsx), and a
// second signal without a listener would end it before its children are stopped.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping the APIs and workers, then the Temporal server`);
    void (async () => {
      for (const step of stopAll) await step().catch((err: unknown) => console.error(err));
      process.exit(0);
    })();
  });
}

/** A retention as the operator set it: whole days, else seconds. */
function days(ms: number): string {
  return ms % 86_400_000 === 0 ? `${ms / 86_400_000} days` : `${ms / 1000} s`;
}

async function createDatabaseIfMissing(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) {
      await admin.query(`create database ${pg.escapeIdentifier(name)}`);
      say(`created database ${name}`);
    }
  } finally {
    await admin.end();
  }
}

async function waitForReady(base: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${base}/readyz did not answer 200 within 90 s (see ${dir}/api-N.log)`);
}

/** Everything about reaching Temporal: the CLI's dev server, connection settings, search attributes. */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { msToTs, tsToMs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { isMissingNamespace } from '../api/errors.js';
import { waitForTemporal } from '../api/readiness.js';
import { searchAttributes } from '../workflows/messages.js';
import type { Config } from './config.js';

// server/ in the sources, dist/server/ compiled (npm run build): the project is where package.json is.
const projectRoot = [path.resolve(import.meta.dirname, '..'), path.resolve(import.meta.dirname, '../..')].find((dir) => existsSync(path.join(dir, 'package.json')))!;

/** The `temporal` CLI: TEMPORAL_CLI_PATH, then `temporal` on PATH, then the project's own install. */
export function findTemporalCli(configured?: string): string {
  const candidates = [
    configured,
    ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'temporal')),
    path.join(projectRoot, '.tools', 'py', 'bin', 'temporal'),
    path.join(projectRoot, '.tools', 'bin', 'temporal'),
  ];
  for (const candidate of candidates) {
    if (candidate && isExecutable(candidate)) return path.resolve(candidate);
  }
  throw new Error(
    'The Temporal CLI was not found (TEMPORAL_CLI_PATH, PATH, .tools/). Run `npm run tools:install`, ' +
      'or set TEMPORAL_ADDRESS to use a running Temporal server.',
  );
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface DevServer {
  address: string;
  /** The server's process, to measure it. */
  pid?: number;
  uiUrl?: string;
  stop(): Promise<void>;
}

/**
 * Starts `temporal server start-dev`. With a `dbFile` it persists to SQLite (WAL, so the single
 * connection is not a bottleneck); without one it is in memory, as the tests want.
 */
export async function startDevServer(options: {
  cliPath: string;
  port: number;
  uiPort?: number;
  dbFile?: string;
  logFile: string;
  namespace?: string;
  /** The remote codec endpoint the UI decodes payloads through (server/payload-codec.ts). */
  codecEndpoint?: string;
}): Promise<DevServer> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'warn'];
  args.push(...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']));
  if (options.namespace && options.namespace !== 'default') args.push('--namespace', options.namespace);
  if (options.uiPort && options.codecEndpoint) args.push('--ui-codec-endpoint', options.codecEndpoint);
  if (options.dbFile) {
    mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=1');
  }
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const out = openSync(options.logFile, 'a');
  const child = spawn(options.cliPath, args, { stdio: ['ignore', out, out] });
  const address = `127.0.0.1:${options.port}`;
  try {
    await waitForServer(child, address, options.logFile);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    address,
    pid: child.pid,
    uiUrl: options.uiPort ? `http://localhost:${options.uiPort}` : undefined,
    stop: () => stopChild(child),
  };
}

async function waitForServer(child: ChildProcess, address: string, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      // A Go panic ends with its stack: name the lines that say why first.
      const output = readFileSync(logFile, 'utf8');
      const why = output.split('\n').filter((line) => /panic|error|fatal|unable/i.test(line)).slice(0, 8).join('\n');
      throw new Error(`The Temporal dev server exited with ${child.exitCode}:\n${why}\n...\n${output.slice(-1500)}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`The Temporal dev server did not answer at ${address} within 60 s (log: ${logFile})`);
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Registers the namespace when missing, keeping closed workflows for `retentionDays`. Idempotent; the
 * server sees a new namespace after its namespace cache refresh, so this waits until it is usable.
 */
export async function ensureNamespace(address: string, namespace: string, retentionDays: number): Promise<'created' | 'existed'> {
  const connection = await Connection.connect({ address });
  try {
    let outcome: 'created' | 'existed' = 'existed';
    try {
      await connection.workflowService.describeNamespace({ namespace });
    } catch {
      if (await register(connection, { namespace, workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`) })) outcome = 'created';
    }
    await waitUntilUsable(connection, namespace);
    return outcome;
  } finally {
    await connection.close();
  }
}

const { ArchivalState } = proto.temporal.api.enums.v1;

/** A namespace's retention and archival, as the server describes it. */
export interface NamespaceSettings {
  retentionMs: number;
  history: { enabled: boolean; uri: string };
  visibility: { enabled: boolean; uri: string };
}

/**
 * The namespace of a cluster that archives (scripts/cluster/temporal.yaml): registers it when missing
 * with this retention and history and visibility archival enabled into these URIs; an existing one gets
 * this retention (it applies to workflows that close from then on) and archival enabled where it is
 * not. A namespace keeps the archival URI it once had (Temporal never changes one), so an existing
 * namespace may archive elsewhere than `archival` says: the returned settings tell. Waits until the
 * namespace is usable.
 */
export async function configureNamespace(
  address: string,
  namespace: string,
  wanted: { retention: Duration; archival: { history: string; visibility: string } },
): Promise<{ outcome: 'created' | 'updated' | 'unchanged'; settings: NamespaceSettings }> {
  const connection = await Connection.connect({ address });
  try {
    const retention = msToTs(wanted.retention);
    const describe = () => connection.workflowService.describeNamespace({ namespace }).then(settingsOf);
    let outcome: 'created' | 'updated' | 'unchanged' = 'unchanged';
    const existing = await describe().catch((err: unknown) => {
      if (isMissingNamespace(err)) return undefined;
      throw err;
    });
    if (!existing) {
      const created = await register(connection, {
        namespace,
        workflowExecutionRetentionPeriod: retention,
        historyArchivalState: ArchivalState.ARCHIVAL_STATE_ENABLED,
        historyArchivalUri: wanted.archival.history,
        visibilityArchivalState: ArchivalState.ARCHIVAL_STATE_ENABLED,
        visibilityArchivalUri: wanted.archival.visibility,
      });
      if (created) outcome = 'created';
    }
    const current = existing ?? (await describe());
    if (outcome !== 'created') {
      const config: proto.temporal.api.namespace.v1.INamespaceConfig = {};
      if (current.retentionMs !== tsToMs(retention)) config.workflowExecutionRetentionTtl = retention;
      for (const [kind, uri] of [
        ['history', wanted.archival.history],
        ['visibility', wanted.archival.visibility],
      ] as const) {
        if (current[kind].enabled) continue;
        config[`${kind}ArchivalState`] = ArchivalState.ARCHIVAL_STATE_ENABLED;
        // An earlier URI stays the namespace's: asking for another would be refused.
        config[`${kind}ArchivalUri`] = current[kind].uri || uri;
      }
      if (Object.keys(config).length > 0) {
        await connection.workflowService.updateNamespace({ namespace, config });
        outcome = 'updated';
      }
    }
    await waitUntilUsable(connection, namespace);
    return { outcome, settings: await describe() };
  } finally {
    await connection.close();
  }
}

function settingsOf(described: proto.temporal.api.workflowservice.v1.IDescribeNamespaceResponse): NamespaceSettings {
  const config = described.config ?? {};
  return {
    retentionMs: tsToMs(config.workflowExecutionRetentionTtl),
    history: { enabled: config.historyArchivalState === ArchivalState.ARCHIVAL_STATE_ENABLED, uri: config.historyArchivalUri ?? '' },
    visibility: { enabled: config.visibilityArchivalState === ArchivalState.ARCHIVAL_STATE_ENABLED, uri: config.visibilityArchivalUri ?? '' },
  };
}

/** Registers a namespace; false when another process registered it meanwhile. */
async function register(connection: Connection, request: proto.temporal.api.workflowservice.v1.IRegisterNamespaceRequest): Promise<boolean> {
  try {
    await connection.workflowService.registerNamespace({ description: 'OneWindow: every application, its reviews and its clocks', ...request });
    return true;
  } catch (err) {
    // 6 ALREADY_EXISTS: another process registered it meanwhile.
    if ((err as { code?: number }).code !== 6) throw err;
    return false;
  }
}

/** The server sees a new namespace after its namespace cache refresh: waits (at most 30 s) until it can be used. */
async function waitUntilUsable(connection: Connection, namespace: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await connection.workflowService.describeNamespace({ namespace });
      await connection.workflowService.countWorkflowExecutions({ namespace, query: '' });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Connection settings shared by the client (API) and the worker's native connection. */
export function connectionOptions(temporal: Config['temporal'], address: string) {
  const tls = temporal.tls
    ? temporal.clientCertPath && temporal.clientKeyPath
      ? { clientCertPair: { crt: readFileSync(temporal.clientCertPath), key: readFileSync(temporal.clientKeyPath) } }
      : true
    : undefined;
  return { address, tls, apiKey: temporal.apiKey } satisfies ConnectionOptions;
}

/**
 * Registers OneWindow's search attributes. Idempotent: an attribute that exists is left as it is (a
 * server started with an existing --db-filename keeps what it had).
 */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const wanted = Object.values(searchAttributes);
  const existing = new Set<string>();
  try {
    const listed = await connection.operatorService.listSearchAttributes({ namespace });
    for (const name of Object.keys({ ...listed.customAttributes, ...listed.systemAttributes })) existing.add(name);
  } catch (err) {
    // The Java time-skipping test server implements adding search attributes but not listing them.
    if ((err as { code?: number }).code !== 12) throw err;
  }
  const missing = wanted.filter((key) => !existing.has(key.name));
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((key) => [key.name, indexedValueType(key.type)])),
  });
}

// The operator API takes the proto enum IndexedValueType: 2 KEYWORD, 6 DATETIME, 7 KEYWORD_LIST.
function indexedValueType(type: string): number {
  const types: Record<string, number> = { KEYWORD: 2, DATETIME: 6, KEYWORD_LIST: 7 };
  if (!(type in types)) throw new Error(`no indexed value type for search attribute type ${type}`);
  return types[type];
}

/**
 * At the API's start: registers the search attributes, then waits (at most `timeoutMs`) until Temporal
 * accepts them, since a server sees new ones only when it next refreshes its namespace cache (about
 * 2 s) and a submission before then would be refused. When it cannot register them (no namespace yet,
 * or a server that does not know it yet or cannot be reached) it goes on trying every 2 s in the
 * background, so that the API turns ready once an operator creates the namespace; the returned
 * function stops that. Whatever is missing meanwhile, `/readyz`
 * answers 503 naming it and writes answer 503; the API serves.
 */
export async function prepareTemporal(
  connection: Connection,
  namespace: string,
  logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void },
  options: { timeoutMs?: number; retryMs?: number } = {},
): Promise<() => void> {
  const register = () =>
    registerSearchAttributes(connection, namespace).then(
      () => ({ done: true as const }),
      (err: unknown) => ({ done: false as const, err }),
    );
  const first = await register();
  if (!first.done) {
    const code = (first.err as { code?: unknown }).code;
    // 7 PERMISSION_DENIED, 12 UNIMPLEMENTED: this cluster registers them with its own tooling.
    if (code === 7 || code === 12) {
      logger.warn({ err: first.err }, 'could not register search attributes (register them with the operator API; /readyz names what is missing)');
      return () => {};
    }
    if (isMissingNamespace(first.err)) {
      logger.error(
        { namespace },
        `namespace "${namespace}" does not exist on the Temporal server: create it (temporal operator namespace create --namespace ${namespace}); /readyz and writes answer 503 until then`,
      );
    } else {
      logger.error({ err: first.err }, 'could not register search attributes; trying again every 2 s (/readyz and writes answer 503 until then)');
    }
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void register().then((again) => {
        busy = false;
        if (!again.done) return;
        clearInterval(timer);
        logger.info({ namespace }, `registered OneWindow's search attributes in namespace "${namespace}"`);
      });
    }, options.retryMs ?? 2_000);
    timer.unref();
    return () => clearInterval(timer);
  }
  const problems = await waitForTemporal(connection, namespace, {
    timeoutMs: options.timeoutMs ?? 30_000,
    onWait: (waiting) => logger.info({ problems: waiting }, "waiting until Temporal can use OneWindow's search attributes"),
  });
  if (problems.length > 0) logger.error({ problems }, 'Temporal is not ready for OneWindow: /readyz answers 503 and writes 503 until this is put right');
  return () => {};
}

/**
 * At the worker's start: waits until OneWindow's namespace exists, logging an error every so often,
 * rather than exiting (a supervisor would only restart it into the same error). Other errors throw.
 */
export async function waitForNamespace(
  connection: { workflowService: { describeNamespace(request: { namespace: string }): Promise<unknown> } },
  namespace: string,
  logger: { error(obj: object, msg: string): void; info(obj: object, msg: string): void },
  options: { intervalMs?: number } = {},
): Promise<void> {
  let waited = false;
  for (let attempt = 0; ; attempt++) {
    try {
      await connection.workflowService.describeNamespace({ namespace });
      if (waited) logger.info({ namespace }, `namespace "${namespace}" exists now`);
      return;
    } catch (err) {
      if (!isMissingNamespace(err)) throw err;
      // Every attempt at first, then every tenth: the log says so without filling up.
      if (attempt < 3 || attempt % 10 === 0) {
        logger.error(
          { namespace },
          `namespace "${namespace}" does not exist on the Temporal server: create it (temporal operator namespace create --namespace ${namespace}); waiting`,
        );
      }
      waited = true;
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 5_000));
    }
  }
}

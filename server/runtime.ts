/** The pieces every process is built from: logging, the Temporal client, the worker, the API. */
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { DataConverter, LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { NativeConnection, Runtime, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type DestinationStream, pino } from 'pino';
import { type Activities, createActivities } from '../activities/index.js';
import { type PaymentPlatform, paymentPlatformClient } from '../activities/payment-platform.js';
import { createCheckpointActivities } from '../activities/audit-checkpoint.js';
import { createReconciliationActivities } from '../activities/fee-reconciliation.js';
import { createArchiveActivities } from '../activities/history-archive.js';
import { createFollowUpActivities } from '../activities/follow-ups.js';
import { maskNumbersIn } from '../api/identity.js';
import type { Db } from '../db/client.js';
import type { DocumentSettings } from '../db/documents.js';
import { type Config, ConfigError } from './config.js';
import { connectionOptions, waitForNamespace } from './temporal.js';
import { type Tracing, clientTracing, workerTracing } from './tracing.js';

/**
 * Credentials never reach a log line; applicants' numbers are masked wherever a log line carries them
 * (a request's own log lines, an activity's input, an error's message): every finished line is masked
 * on its way out, whatever produced it.
 */
export function createLogger(level: Config['logLevel'], destination: DestinationStream = pino.destination({ dest: 1, sync: true })) {
  return pino(
    {
      level,
      base: { service: 'onewindow' },
      redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'], censor: '[redacted]' },
    },
    { write: (line: string) => destination.write(maskLine(line)) },
  );
}

/** A credential a client put into a query string, whatever its case: its value, up to the next parameter. */
const QUERY_CREDENTIAL = /\b((?:access_token|id_token|refresh_token|token|api_key|apikey|client_secret)=)[^&\s"\\#]+/gi;
/** A bearer token in a header or an error's text. */
const BEARER = /\b(Bearer\s+)[^\s"\\,]+/gi;
/** Anything shaped like a JWT (its header always begins `{"`, eyJ in base64url), wherever it is. */
const JWT = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?/g;
/** An integrator key (api/auth.ts): its id may be logged, its secret never. */
const API_KEY = /\b(ow_[0-9a-f]{12}_)[A-Za-z0-9_-]{43}/g;
/** A notice's one-time rating code in a path (/rate/<token>, /v1/public/ratings/<token>): whoever reads the log could rate with it. */
const RATING_TOKEN = /(\/(?:rate|public\/ratings)\/)[A-Za-z0-9_-]{43}/g;
/** A user and password inside a URL (a camera's rtsp://user:pass@host, a database's): the host stays. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"\\]+@/gi;

/**
 * Percent-escapes of printable ASCII decoded, again until none is left (a doubly escaped `%255F`
 * too), so that no spelling of a URL (`access%5Ftoken`, dots as `%2E`, digits escaped) hides a token
 * or a number from the masks. `"` and `\` stay escaped: the line is JSON.
 */
function decodeEscapes(line: string): string {
  const decode = (text: string) =>
    text.replace(/%([2-7][0-9A-Fa-f])/g, (escape, hex: string) => {
      const c = String.fromCharCode(Number.parseInt(hex, 16));
      return c === '"' || c === '\\' || c === '\x7f' ? escape : c;
    });
  for (let previous = ''; previous !== line; ) [previous, line] = [line, decode(line)];
  return line;
}

/** Masks ID numbers and credit codes as lists show them, and drops credentials, in one finished log line. */
export function maskLine(line: string): string {
  const decoded = line.includes('%') ? decodeEscapes(line) : line;
  return maskNumbersIn(decoded)
    .replace(JWT, '[redacted]')
    .replace(API_KEY, '$1[redacted]')
    .replace(RATING_TOKEN, '$1[redacted]')
    .replace(URL_USERINFO, '$1[redacted]@')
    .replace(QUERY_CREDENTIAL, '$1[redacted]')
    .replace(BEARER, '$1[redacted]');
}

/**
 * The staff-token configuration. `npm start` and `npm run token`, run without one, share a secret made
 * once in the data folder; a production API refuses to start without one.
 */
export function authConfig(config: Config, options: { localSecret: boolean }): Config['auth'] {
  const { auth } = config;
  if (auth.secret || auth.publicKey || auth.jwksUrl) return auth;
  if (!options.localSecret) throw new Error('Set AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY or AUTH_JWKS_URL: staff sign in with tokens');
  const file = path.join(config.dataDir, 'auth-secret');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return { ...auth, secret: readFileSync(file, 'utf8').trim() };
}
export type AppLogger = ReturnType<typeof createLogger>;

/** Routes the SDK's, the workflows' and the activities' logs into pino; a workflow id is an application number. */
class PinoTemporalLogger implements Logger {
  constructor(private readonly logger: AppLogger) {}
  log(level: LogLevel, message: string, meta: LogMetadata = {}) {
    const fields = meta.workflowId ? { applicationNo: meta.workflowId, ...meta } : meta;
    this.logger[level === 'TRACE' ? 'trace' : (level.toLowerCase() as 'info')](fields, message);
  }
  trace = (m: string, meta?: LogMetadata) => this.log('TRACE', m, meta);
  debug = (m: string, meta?: LogMetadata) => this.log('DEBUG', m, meta);
  info = (m: string, meta?: LogMetadata) => this.log('INFO', m, meta);
  warn = (m: string, meta?: LogMetadata) => this.log('WARN', m, meta);
  error = (m: string, meta?: LogMetadata) => this.log('ERROR', m, meta);
}

/** Once per process, before any worker: our logger, and no signal handlers of the SDK's (we shut down in order). */
export function installTemporalRuntime(logger: AppLogger, metricsAddress?: string): void {
  Runtime.install({
    logger: new PinoTemporalLogger(logger.child({ component: 'temporal' })),
    shutdownSignals: [],
    // The SDK's own metrics (task latencies, slots, sticky cache, polls) for Prometheus at /metrics.
    ...(metricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress } } } } : {}),
  });
}

/**
 * Connects lazily, so the API starts (and answers 503) while Temporal is still unreachable. Calls are
 * retried a few times within about a second, not the SDK's default of ten tries over some twenty
 * seconds: a caller waiting on an HTTP request is better served by a prompt 503 it can retry.
 * `dataConverter` is server/payload-codec.ts's, the same as the workers'.
 */
export function temporalClient(temporal: Config['temporal'], address: string, dataConverter: DataConverter, tracing?: Tracing) {
  const connection = Connection.lazy({
    ...connectionOptions(temporal, address),
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 4 }))],
  });
  const client = new Client({ connection, namespace: temporal.namespace, dataConverter, ...clientTracing(tracing) });
  return { connection, client };
}

/**
 * The workflow code as one bundle: read from `bundlePath` (made ahead by `npm run build:workflows`),
 * or bundled now, which takes several seconds; workers and tests share the result.
 */
export async function bundleWorkflows(bundlePath?: string): Promise<{ code: string }> {
  if (bundlePath) return { code: await readFile(bundlePath, 'utf8') };
  // The sources under tsx, the compiled JavaScript in dist/ (npm run build).
  const workflows = (name: string) => path.resolve(import.meta.dirname, `../workflows/${name}${path.extname(import.meta.filename)}`);
  const { code } = await bundleWorkflowCode({
    workflowsPath: workflows('index'),
    // Always in the bundle, traced or not: see the file.
    workflowInterceptorModules: [workflows('tracing')],
    // ESM sources import './x.js' for './x.ts'.
    webpackConfigHook: (config) => ({
      ...config,
      resolve: { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } },
    }),
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
  });
  return { code };
}

export async function createWorker(options: {
  temporal: Config['temporal'];
  address: string;
  taskQueue?: string;
  db: Db;
  workflowBundle: WorkflowBundle;
  /** server/payload-codec.ts's, the same as the clients'. */
  dataConverter: DataConverter;
  tuning?: Config['worker'];
  /** Tests pass activities wrapped around the real ones (to crash after a write, say). */
  activities?: Activities;
  /** Waits, logging here, until the namespace exists instead of failing (the worker process). */
  waitForNamespace?: Parameters<typeof waitForNamespace>[2];
  /** Spans for the activities and the workflows (server/tracing.ts); unset: none. */
  tracing?: Tracing;
  /** The non-tax payment platform the fee activities call; unset: a fee notice waits, retried, until one is configured. */
  payments?: PaymentPlatform;
  /** Where the documents' QR codes point and how long their rating codes last (config.documents); unset: the defaults. */
  documents?: DocumentSettings;
}) {
  const connection = await NativeConnection.connect(connectionOptions(options.temporal, options.address));
  if (options.waitForNamespace) {
    await waitForNamespace(connection, options.temporal.namespace, options.waitForNamespace).catch(async (err: unknown) => {
      await connection.close();
      throw err;
    });
  }
  // The history archiver's activity reads histories from Temporal through the worker's own connection.
  const client = new Client({ connection, namespace: options.temporal.namespace, dataConverter: options.dataConverter });
  const worker = await Worker.create({
    connection,
    namespace: options.temporal.namespace,
    taskQueue: options.taskQueue ?? options.temporal.taskQueue,
    workflowBundle: options.workflowBundle,
    dataConverter: options.dataConverter,
    activities: {
      ...(options.activities ?? createActivities({ db: options.db, payments: options.payments, documents: options.documents })),
      ...createArchiveActivities({ db: options.db, client }),
      ...createCheckpointActivities({ db: options.db }),
      ...createReconciliationActivities({ db: options.db, payments: options.payments }),
      ...createFollowUpActivities({ db: options.db }),
    },
    // A drain waits for the activities in hand, which retry while PostgreSQL is down: stop waiting after
    // 30 s; the server times them out (or their workflow tasks, for local ones) and another worker runs them
    // again, idempotently.
    shutdownForceTime: '30 seconds',
    ...workerTracing(options.tracing),
    // Unset keys must stay absent: the SDK spreads the options over its defaults.
    ...(options.tuning?.maxCachedWorkflows !== undefined && { maxCachedWorkflows: options.tuning.maxCachedWorkflows }),
    ...(options.tuning?.workflowThreads !== undefined && { workflowThreadPoolSize: options.tuning.workflowThreads }),
  });
  return { worker, connection, client };
}

/**
 * Runs `main`, then on SIGTERM or SIGINT runs the returned steps in order (stop taking requests, drain
 * the worker, close connections) and exits. A bad configuration or a failed start exits 1 with a message.
 */
export async function runProcess(
  main: (started: (undo: () => Promise<unknown>) => void) => Promise<Array<() => Promise<unknown>>>,
): Promise<void> {
  let steps: Array<() => Promise<unknown>>;
  // What main started before it failed (a child process outlives this one): undone, newest first.
  const undo: Array<() => Promise<unknown>> = [];
  try {
    steps = await main((step) => undo.unshift(step));
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    for (const step of undo) await step().catch(() => {});
    process.exit(1);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: shutting down`);
    // A process that stops because something failed (the worker's run, say) set exitCode to 1 first.
    let code = Number(process.exitCode ?? 0);
    for (const step of steps) {
      await step().catch((err: unknown) => {
        code = 1;
        console.error('shutdown step failed:', err);
      });
    }
    process.exit(code);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void stop(signal));
}

/** The payment platform of PAYMENT_PLATFORM_URL (the worker and the API), or none. */
export const paymentPlatformOf = (config: Config): PaymentPlatform | undefined =>
  config.payments.platformUrl ? paymentPlatformClient({ url: config.payments.platformUrl }) : undefined;

/** What the API needs of the payment platform: both its address and its notifications' secret, or neither. */
export function apiPayments(config: Config, platform = paymentPlatformOf(config), callbackSecret = config.payments.callbackSecret) {
  if (!platform && !callbackSecret) return undefined;
  if (!platform || !callbackSecret) throw new ConfigError('Invalid configuration:\n  PAYMENT_PLATFORM_URL and PAYMENT_CALLBACK_SECRET must be set together');
  return { platform, callbackSecret };
}

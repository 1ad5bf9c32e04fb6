/**
 * The fault run's and the restore drill's own processes (workers, APIs): each in its own process group,
 * so that SIGKILL reaches tsx's node child too, and restarted a second after it dies, as systemd would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import path from 'node:path';
import { freshAuditKeys } from '../../server/audit-keys.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The environment of a run's workers and APIs: the run's database, Temporal server, namespace and task
 * queue; its token secret, payload key and audit keys, none of them in the databases (an operator keeps
 * them apart), the audit checkpoints under the data folder; a workflow bundle made ahead; no rate limit;
 * with `payments`, the payment platform the workers and the APIs call, and the secret its notifications are signed with.
 */
export function processEnv(run: {
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  secret: string;
  payloadKeys: string;
  dataDir: string;
  bundlePath: string;
  payments?: { platformUrl: string; callbackSecret: string };
}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: run.databaseUrl,
    TEMPORAL_ADDRESS: run.temporalAddress,
    TEMPORAL_NAMESPACE: run.namespace,
    TEMPORAL_TASK_QUEUE: run.taskQueue,
    AUTH_JWT_SECRET: run.secret,
    PAYLOAD_KEYS: run.payloadKeys,
    ...freshAuditKeys(),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '0',
    DATA_DIR: run.dataDir,
    WORKFLOW_BUNDLE: run.bundlePath,
    ...(run.payments ? { PAYMENT_PLATFORM_URL: run.payments.platformUrl, PAYMENT_CALLBACK_SECRET: run.payments.callbackSecret } : {}),
  };
}

export interface Supervised {
  kill9(): void;
  /** SIGTERM, SIGKILL after 15 s; not restarted. */
  stop(): Promise<void>;
  /** SIGKILL, not restarted until start(). */
  destroy(): void;
  start(): void;
}

/** Runs `script` (a .ts file of the repository) with `env`, its output appended to `logDir`/`name`.log. */
export function supervise(name: string, script: string, env: NodeJS.ProcessEnv, logDir: string): Supervised {
  let child: ChildProcess | undefined;
  let wanted = true;
  const start = () => {
    wanted = true;
    const out = openSync(path.join(logDir, `${name}.log`), 'a');
    const started = spawn(path.join(root, 'node_modules/.bin/tsx'), [script], { cwd: root, env, stdio: ['ignore', out, out], detached: true });
    child = started;
    started.once('exit', () => {
      if (wanted && child === started) setTimeout(start, 1000); // as systemd would
    });
  };
  const kill9 = () => {
    try {
      if (child?.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  start();
  return {
    kill9,
    destroy: () => {
      wanted = false;
      kill9();
    },
    start,
    stop: async () => {
      wanted = false;
      if (child?.pid && child.exitCode === null) {
        const exited = new Promise((r) => child!.once('exit', r));
        process.kill(-child.pid, 'SIGTERM');
        await Promise.race([exited, sleep(15_000)]);
        if (child.exitCode === null) kill9();
      }
    },
  };
}

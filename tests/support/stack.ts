/**
 * The real stack for one test file: a worker on its own task queue, a Temporal client, the API built
 * as in production, all against the run's dev server and PostgreSQL database (see global-setup.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { sql } from 'drizzle-orm';
import { inject } from 'vitest';
import { type Activities, createActivities } from '../../activities/index.js';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { type App, buildApp } from '../../api/app.js';
import { issueToken, newApiKey } from '../../api/auth.js';
import { apiKeys } from '../../db/schema/index.js';
import { openBlobStore } from '../../db/blob-store.js';
import { type Database, type Db, openDatabase } from '../../db/client.js';
import type { SignInConfig } from '../../api/session.js';
import { loadConfig } from '../../server/config.js';
import { type LocalIdp, startLocalIdp } from '../../server/local-idp.js';
import { dataConverter, payloadKeys } from '../../server/payload-codec.js';
import { createWorker, temporalClient } from '../../server/runtime.js';
import { freePort } from '../../server/temporal.js';
import { paymentPlatformClient } from '../../activities/payment-platform.js';
import { type PaymentPlatformSimulator, startPaymentPlatform } from '../../server/payment-platform.js';

export interface RunningWorker {
  stop(): Promise<void>;
}

/** `app.inject` as one caller: every request carries their credentials. */
export type Inject = (options: InjectOptions | string) => Promise<LightMyRequestResponse>;

export interface Stack {
  app: App;
  /** Requests as a staff member, with a token for the officer id (see windowOf, chiefOf, leaderOf). */
  as(officerId: string): Inject;
  /** Requests as the stack's integrator, whose key is bound to the whole region (450000). */
  integrator: Inject & { key: string; keyId: string };
  /** A signed staff token, as `npm run token` makes one. */
  token(officerId: string, ttl?: string | number): Promise<string>;
  database: Database;
  db: Db;
  client: Client;
  connection: Connection;
  taskQueue: string;
  /** Starts another worker on the stack's task queue, with the real activities unless others are given. */
  startWorker(activities?: (real: Activities) => Activities): Promise<RunningWorker>;
  worker: RunningWorker;
  /** With `signIn`: the API served over HTTP on loopback, e.g. http://127.0.0.1:41234. */
  baseUrl: string;
  /** With `signIn`: the local identity provider the API signs in through. */
  idp?: LocalIdp;
  /** With `payments`: the payment platform simulator, whose notifications reach the API. */
  payments?: PaymentPlatformSimulator;
  close(): Promise<void>;
}

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed in this process
}

/** The test run's signing secret; production reads AUTH_JWT_SECRET (or a key or JWKS) from the environment. */
export const TEST_JWT_SECRET = 'onewindow-tests-only-secret-0123456789abcdef';

/** The run's shared Temporal server and the namespace its workflows live in (see global-setup.ts). */
export function sharedTemporal(): { address: string; namespace: string } {
  return { address: inject('temporalAddress'), namespace: inject('temporalNamespace') };
}

/** The secret the test run's payment platform signs its notifications with. */
export const TEST_PAYMENT_SECRET = 'onewindow-tests-only-payment-secret-0123456789';

/** The test run's payload key; production reads PAYLOAD_KEYS or PAYLOAD_KEY_FILE (server/payload-codec.ts). */
export const TEST_PAYLOAD_KEYS = 'test-1:kxP/eGs6gFouHB1pNkZeCiSp6fzAzXVFL9MrM/H5NqE=';

/**
 * The test run's audit log keys, for every process of the run (tests/support/audit-keys.ts configures
 * each test file's; child processes get them in their environment): rows one process writes, another
 * verifies. Production reads AUDIT_MAC_KEY and AUDIT_SIGNING_KEY (server/audit-keys.ts).
 */
export const TEST_AUDIT_KEYS = {
  AUDIT_MAC_KEY: 'WYxM+BkOoWEZpaXMN+4SVUmbSr+Us7Qw0dBNkbSHHtE=',
  AUDIT_SIGNING_KEY: '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIMChoAj+afmfKCQ3l6fEyhDSqnjNfOqgLQ7iIApMrYGP\n-----END PRIVATE KEY-----',
};

export function testConfig(env: Record<string, string> = {}) {
  const temporal = sharedTemporal();
  return loadConfig({
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    DATABASE_URL: inject('databaseUrl'),
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
    ...TEST_AUDIT_KEYS,
    ...env,
  });
}

/** The data converter of every test's clients and workers, as production's: payloads encrypted with the test key. */
export function testDataConverter(env: Record<string, string> = {}) {
  return dataConverter(payloadKeys(testConfig(env), { localKeyFile: false }));
}

/** Creates an integrator key straight in the database (the API's POST /v1/integrators does the same). */
export async function createKey(db: Db, centres: string[], name = 'Test portal') {
  const { id, key, secretHash } = newApiKey();
  await db.insert(apiKeys).values({ id, name, centres, secretHash, createdBy: { id: 'tests' } });
  return { id, key };
}

/** Binds requests to one set of credentials. */
export function caller(app: App, headers: () => Promise<Record<string, string>>): Inject {
  return async (options) => {
    const opts = typeof options === 'string' ? { url: options } : options;
    return app.inject({ ...opts, headers: { ...(opts.headers as Record<string, string> | undefined), ...(await headers()) } });
  };
}

/**
 * The stack of one test file. `signIn` serves the API over HTTP with browser sign-in through a local
 * identity provider (server/local-idp.ts), with these settings over the defaults (see tests/support/signin.ts).
 */
/**
 * A database of a test's own shares the run's Temporal namespace with the shared database, and both
 * number a centre's applications of a day from 1: the workflow id 450100-<day>-000001 would then be
 * started twice (WorkflowExecutionAlreadyStartedError, a 500). Its numbers of today and tomorrow (Beijing)
 * start at a random point far above the shared database's instead.
 */
async function numberApartFromTheShared(db: Db) {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' });
  const days = [0, 1].map((ahead) => day.format(new Date(Date.now() + ahead * 86_400_000)));
  const start = 500_000 + Math.floor(Math.random() * 400_000);
  await db.execute(sql`insert into application_counters (centre_code, day, last_value)
    select code, d::date, ${start} from centres, unnest(${sql.param(days)}::text[]) as d on conflict do nothing`);
}

export async function startStack(
  options: {
    worker?: boolean;
    signIn?: boolean | (Partial<Omit<SignInConfig, 'issuerUrl' | 'publicUrl' | 'clientSecret'>> & { publicClient?: boolean });
    /** A database of the test's own (db/scratch.ts) instead of the run's shared one: for tests that wreck it. */
    databaseUrl?: string;
    /** The payment platform simulator (server/payment-platform.ts), notifying the API served on loopback. */
    payments?: boolean;
    /** Where the windows' recordings are read for playback (VIDEO_DIR). */
    videoDir?: string;
  } = {},
): Promise<Stack> {
  const config = testConfig(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {});
  const address = inject('temporalAddress');
  const taskQueue = `test-${randomUUID()}`;
  const database = await openDatabase({ url: config.databaseUrl, dataDir: '' });
  if (options.databaseUrl) await numberApartFromTheShared(database.db);
  const converter = testDataConverter();
  const temporal = temporalClient(config.temporal, address, converter);
  const workers: RunningWorker[] = [];
  // The API listens on this port when it must be reached over HTTP (sign-in, the payment platform's notifications).
  const port = options.signIn || options.payments ? await freePort() : 0;
  const payments = options.payments
    ? await startPaymentPlatform({ port: 0, callbackUrl: `http://127.0.0.1:${port}/v1/payments/notifications`, secret: TEST_PAYMENT_SECRET, retry: { initialMs: 100, maxMs: 1000 } })
    : undefined;
  const platform = payments && paymentPlatformClient({ url: payments.url });

  async function startWorker(wrap?: (real: Activities) => Activities): Promise<RunningWorker> {
    const real = createActivities({ db: database.db, payments: platform });
    const { worker, connection } = await createWorker({
      temporal: config.temporal,
      address,
      taskQueue,
      db: database.db,
      workflowBundle: { code: inject('workflowBundleCode') },
      dataConverter: converter,
      activities: wrap ? wrap(real) : real,
    });
    const running = worker.run();
    const handle: RunningWorker = {
      async stop() {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await connection.close();
      },
    };
    workers.push(handle);
    return handle;
  }

  const worker = options.worker === false ? { stop: async () => {} } : await startWorker();
  let idp: LocalIdp | undefined;
  let signIn: SignInConfig | undefined;
  if (options.signIn) {
    const publicUrl = `http://127.0.0.1:${port}`;
    const { publicClient, ...overrides } = options.signIn === true ? {} : options.signIn;
    idp = await startLocalIdp({ db: database.db, port: 0, redirectUris: [`${publicUrl}/auth/callback`], publicClient });
    signIn = { ...config.signIn, issuerUrl: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, publicUrl, ...overrides };
  }
  const attachments = { store: openBlobStore(database.db, config.attachments.storeUrl), maxBytes: config.attachments.maxBytes };
  const app = await buildApp({
    database,
    auth: config.auth,
    signIn,
    attachments,
    payments: platform && { platform, callbackSecret: TEST_PAYMENT_SECRET },
    temporal: { ...temporal, taskQueue, uiUrl: 'http://localhost:8233' },
    video: options.videoDir ? { dir: options.videoDir } : undefined,
    webhooks: { allowHttp: true },
  });
  if (port) await app.listen({ port, host: '127.0.0.1' });
  const tokens = new Map<string, Promise<string>>();
  const token = (officerId: string, ttl: string | number = '1h') => issueToken(config.auth, officerId, ttl);
  const as = (officerId: string) =>
    caller(app, async () => {
      if (!tokens.has(officerId)) tokens.set(officerId, token(officerId));
      return { authorization: `Bearer ${await tokens.get(officerId)!}` };
    });
  const { id: keyId, key } = await createKey(database.db, ['450000']);
  const integrator = Object.assign(caller(app, async () => ({ 'x-api-key': key })), { key, keyId });
  return {
    app,
    as,
    integrator,
    token,
    database,
    db: database.db,
    client: temporal.client,
    connection: temporal.connection,
    taskQueue,
    startWorker,
    worker,
    baseUrl: port ? `http://127.0.0.1:${port}` : '',
    idp,
    payments,
    async close() {
      await payments?.close();
      await app.close();
      await idp?.close();
      for (const w of workers) await w.stop().catch(() => {});
      await temporal.connection.close();
      await database.close();
    },
  };
}

// The seeded people and valid identity numbers, also for stacks that do not start the API.
export * from './people.js';

/**
 * The real stack for one test file: a worker on its own task queue, a Temporal client, the API built
 * as in production, all against the run's dev server and PostgreSQL database (see global-setup.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { inject } from 'vitest';
import { type Activities, createActivities } from '../../activities/index.js';
import { type App, buildApp } from '../../api/app.js';
import { type Database, type Db, openDatabase } from '../../db/client.js';
import { creditCodeCheck, residentIdCheck } from '../../api/identity.js';
import { loadConfig } from '../../scripts/config.js';
import { createWorker, temporalClient } from '../../scripts/runtime.js';

export interface RunningWorker {
  stop(): Promise<void>;
}

export interface Stack {
  app: App;
  database: Database;
  db: Db;
  client: Client;
  connection: Connection;
  taskQueue: string;
  /** Starts another worker on the stack's task queue, with the real activities unless others are given. */
  startWorker(activities?: (real: Activities) => Activities): Promise<RunningWorker>;
  worker: RunningWorker;
  close(): Promise<void>;
}

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed in this process
}

export function testConfig(env: Record<string, string> = {}) {
  return loadConfig({ TEMPORAL_ADDRESS: inject('temporalAddress'), DATABASE_URL: inject('databaseUrl'), ...env });
}

export async function startStack(options: { worker?: boolean } = {}): Promise<Stack> {
  const config = testConfig();
  const address = inject('temporalAddress');
  const taskQueue = `test-${randomUUID()}`;
  const database = await openDatabase({ url: config.databaseUrl, dataDir: '' });
  const temporal = temporalClient(config.temporal, address);
  const workers: RunningWorker[] = [];

  async function startWorker(wrap?: (real: Activities) => Activities): Promise<RunningWorker> {
    const real = createActivities({ db: database.db });
    const { worker, connection } = await createWorker({
      temporal: config.temporal,
      address,
      taskQueue,
      db: database.db,
      workflowBundle: { code: inject('workflowBundleCode') },
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
  const app = await buildApp({ database, temporal: { ...temporal, taskQueue, uiUrl: 'http://localhost:8233' } });
  return {
    app,
    database,
    db: database.db,
    client: temporal.client,
    connection: temporal.connection,
    taskQueue,
    startWorker,
    worker,
    async close() {
      await app.close();
      for (const w of workers) await w.stop().catch(() => {});
      await temporal.connection.close();
      await database.close();
    },
  };
}

let serial = Math.floor(Math.random() * 1000);

/** A valid, unique resident ID number (born 1990–1999 in Nanning), so tests never share an applicant. */
export function uniqueIdNumber(): string {
  serial += 1;
  const birth = `199${serial % 10}0${1 + (serial % 9)}1${serial % 9}`;
  const first17 = `450102${birth}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  return first17 + residentIdCheck(first17);
}

/** A valid, unique unified social credit code of a Guangxi company. */
export function uniqueCreditCode(): string {
  const body = `91450100${Array.from({ length: 9 }, () => '0123456789ABCDEFGHJKLMNPQRTUWXY'[Math.floor(Math.random() * 31)]).join('')}`;
  return body + creditCodeCheck(body);
}

export function submission(overrides: Record<string, unknown> = {}) {
  return {
    itemCode: 'company-startup',
    centreCode: '450100',
    applicant: { type: 'organisation', name: '南宁青禾科技有限公司', idNumber: uniqueCreditCode() },
    materials: ['公司章程', '股东身份证明'],
    ...overrides,
  };
}

export const officer = (id: string) => ({ id, name: `Officer ${id}` });

/** The five departments of the seeded company start-up item, which review in parallel. */
export const STARTUP_DEPARTMENTS = ['housing_fund', 'human_resources', 'market_regulation', 'public_security', 'taxation'];

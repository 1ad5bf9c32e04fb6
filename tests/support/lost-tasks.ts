/**
 * A stack on which a test can lose workflow tasks on purpose: a Temporal dev server of its own that
 * persists to a file and can be restarted, workers that reach it through a gRPC proxy (so that a
 * task's completion can be held and lost), and activities whose writes can be held back and let
 * through late. The read model is the run's PostgreSQL database; the checks are the reconciler's.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  ApplicationFailure,
  Client,
  Connection,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { expect, inject } from 'vitest';
import { type Activities, createActivities } from '../../activities/index.js';
import type { Transition } from '../../db/read-model.js';
import { isUnavailable } from '../../api/errors.js';
import { type Database, type Db, openDatabase } from '../../db/client.js';
import { differences, expectedRows, storedRows } from '../../db/reconcile.js';
import { applicationWorkflow } from '../../workflows/application.js';
import {
  type ApplicationState,
  REFUSALS,
  decisionUpdate,
  intakeUpdate,
  recordQuery,
} from '../../workflows/messages.js';
import { findTemporalCli, freePort, registerSearchAttributes, startDevServer, type DevServer } from '../../server/temporal.js';
import { type GrpcProxy, quietRuntime, startGrpcProxy } from './grpc-proxy.js';
import { testDataConverter } from './stack.js';
import { applicationInput } from './items.js';
import { chiefOf, officer, windowOf } from './people.js';

quietRuntime();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Holds back the first write that `matches` until opened; counts every write, to know when they are done. */
export function writeGate(matches: (transition: Transition) => boolean) {
  let entered!: () => void;
  let open!: () => void;
  const state = {
    entered: new Promise<void>((r) => (entered = r)),
    opened: new Promise<void>((r) => (open = r)),
    used: false,
    inFlight: 0,
    lastSettled: Date.now(),
  };
  const wrap = (real: Activities): Activities => {
    const wrapped = { ...real } as Record<string, (...args: unknown[]) => Promise<unknown>>;
    for (const [name, fn] of Object.entries(real) as [string, (...args: unknown[]) => Promise<unknown>][]) {
      wrapped[name] = async (...args: unknown[]) => {
        state.inFlight += 1;
        try {
          const transition = args[0] as Partial<Transition>;
          if (!state.used && Array.isArray(transition?.events) && matches(transition as Transition)) {
            state.used = true;
            entered();
            await state.opened;
          }
          return await fn(...args);
        } finally {
          state.inFlight -= 1;
          state.lastSettled = Date.now();
        }
      };
    }
    return wrapped as unknown as Activities;
  };
  return {
    wrap,
    entered: state.entered,
    open: () => open(),
    /** Resolves once no write has been under way for a second. */
    async drained() {
      while (state.inFlight > 0 || Date.now() - state.lastSettled < 1000) await sleep(100);
    },
  };
}

/** Waits until the workflow's writes are all done, then names every difference between its record and the read model. */
export async function readModelDifferences(handle: WorkflowHandle, db: Db): Promise<string[]> {
  let found: string[] = [];
  for (let i = 0; i < 100; i++) {
    const record = await handle.query(recordQuery);
    found = differences(expectedRows(record), await storedRows(db, handle.workflowId));
    if (found.length === 0 || record.writtenSeq === record.state.seq) break;
    await sleep(200);
  }
  return found;
}

export interface LossyWorker {
  proxy?: GrpcProxy;
  stop(): Promise<void>;
}

export async function startLossyStack() {
  const dir = path.resolve(import.meta.dirname, '../.tmp', `lost-tasks-${randomUUID().slice(0, 8)}`);
  mkdirSync(dir, { recursive: true });
  const serverOptions = {
    cliPath: findTemporalCli(process.env.TEMPORAL_CLI_PATH),
    port: await freePort(),
    dbFile: path.join(dir, 'temporal.db'),
    logFile: path.join(dir, 'temporal.log'),
  };
  let server: DevServer = await startDevServer(serverOptions);
  const connection = await Connection.connect({ address: server.address });
  await registerSearchAttributes(connection, 'default');
  const converter = testDataConverter();
  const client = new Client({ connection, dataConverter: converter });
  const database: Database = await openDatabase({ url: inject('databaseUrl'), dataDir: '' });
  // Each test has a task queue of its own (see nextTest), so no worker of another test takes its tasks.
  let taskQueue = `lost-tasks-${randomUUID()}`;
  const workers: LossyWorker[] = [];

  /** A worker on the stack's queue, through a proxy of its own unless `direct`. */
  async function startWorker(options: { direct?: boolean; wrap?: (real: Activities) => Activities } = {}): Promise<LossyWorker> {
    const proxy = options.direct ? undefined : await startGrpcProxy(server.address);
    const native = await NativeConnection.connect({ address: proxy?.address ?? server.address });
    const real = createActivities({ db: database.db });
    const worker = await Worker.create({
      connection: native,
      taskQueue,
      workflowBundle: { code: inject('workflowBundleCode') },
      dataConverter: converter,
      activities: options.wrap ? options.wrap(real) : real,
      // A worker cut off from the server gives its sticky tasks back within a second.
      stickyQueueScheduleToStartTimeout: '1 second',
      shutdownForceTime: '2 seconds',
    });
    const running = worker.run();
    const handle: LossyWorker = {
      proxy,
      async stop() {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        // A worker cut off by its proxy waits on calls that will never be answered: end them.
        await proxy?.close();
        await Promise.race([running.catch(() => {}), sleep(10_000)]);
        await native.close().catch(() => {});
      },
    };
    workers.push(handle);
    return handle;
  }

  /** An application of `itemCode` at Nanning, started as the API starts one (a lost workflow task is retried after `workflowTaskTimeout`). */
  async function start(itemCode = 'company-startup', workflowTaskTimeout?: string): Promise<WorkflowHandle<typeof applicationWorkflow>> {
    const input = await applicationInput(database.db, itemCode);
    return client.workflow.start(applicationWorkflow, { workflowId: input.applicationNo, taskQueue, args: [input], workflowTaskTimeout });
  }

  /**
   * Sends an update as a window does: again after a dependency failed, until it is answered. Returns
   * 'ok', or the workflow's refusal.
   */
  async function send<Arg>(handle: WorkflowHandle, update: UpdateDefinition<ApplicationState, [Arg]>, arg: Arg): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.workflow.getHandle(handle.workflowId).executeUpdate(update, { args: [arg] });
        return 'ok';
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
          if (err.cause.type !== REFUSALS.reviewNotOpen) return err.cause.type ?? 'refused';
        } else if (!isUnavailable(err) && attempt > 20) {
          throw err;
        }
        await sleep(250);
      }
    }
  }

  /**
   * Sends an update whose answer is lost: through a connection of its own that never retries, so the
   * window hears nothing once the server restarts under it.
   */
  async function sendLost<Arg>(handle: WorkflowHandle, update: UpdateDefinition<ApplicationState, [Arg]>, arg: Arg) {
    const own = await Connection.connect({
      address: server.address,
      interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 1 }))],
    });
    try {
      await new Client({ connection: own, dataConverter: converter }).workflow.getHandle(handle.workflowId).executeUpdate(update, { args: [arg] });
      return 'answered';
    } catch {
      return 'lost';
    } finally {
      await own.close();
    }
  }

  const accept = (handle: WorkflowHandle) =>
    send(handle, intakeUpdate, { decision: 'accept' as const, department: 'market_regulation', officer: officer(windowOf('market_regulation')) });
  const approve = (handle: WorkflowHandle, department: string) =>
    send(handle, decisionUpdate, { department, decision: 'approve' as const, officer: officer(chiefOf(department)) });

  /**
   * Sends an update and loses the workflow task that handles it: its completion is held at the
   * worker's proxy while the dev server restarts, then the worker hears that the task is gone. The
   * window hears nothing. Returns false when no completion came within 10 s (nothing was lost).
   */
  async function loseAtRestart<Arg>(worker: LossyWorker, handle: WorkflowHandle, update: UpdateDefinition<ApplicationState, [Arg]>, arg: Arg) {
    const held = worker.proxy!.holdNextCompletion(handle.workflowId);
    const sent = sendLost(handle, update, arg);
    const completion = await Promise.race([held, sleep(10_000).then(() => undefined)]);
    worker.proxy!.cancelHolds();
    if (completion) await restartServer();
    completion?.lose();
    return { lost: !!completion, answer: await sent };
  }

  async function restartServer() {
    await server.stop();
    server = await startDevServer(serverOptions);
  }

  /** Waits until the workflow has no task in flight, so that the next one is the one a test means to lose. */
  async function waitIdle(handle: WorkflowHandle) {
    await expect.poll(async () => !(await handle.describe()).raw.pendingWorkflowTask, { timeout: 30_000 }).toBe(true);
  }

  async function waitForStage(handle: WorkflowHandle, stage: string) {
    await expect.poll(async () => (await handle.query(recordQuery)).state.stage, { timeout: 30_000 }).toBe(stage);
  }

  return {
    client,
    database,
    /** Stops every worker and moves to a new task queue. */
    async nextTest() {
      for (const worker of workers.splice(0)) await worker.stop();
      taskQueue = `lost-tasks-${randomUUID()}`;
    },
    startWorker,
    start,
    send,
    sendLost,
    accept,
    approve,
    readModelDifferences: (handle: WorkflowHandle) => readModelDifferences(handle, database.db),
    loseAtRestart,
    waitIdle,
    waitForStage,
    /** Stops the dev server and starts it again on the same file and port: whatever it held only in memory is gone. */
    restartServer,
    async close() {
      for (const worker of workers) await worker.stop();
      await connection.close();
      await database.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

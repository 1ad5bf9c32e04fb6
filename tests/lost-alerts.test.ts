/**
 * Truth under faults, for the clocks: a red alert raised in a workflow task that the server never
 * keeps must not reach the read model, nor the accountability case it opens. On the time-skipping
 * test server: the worker reaches it through a gRPC proxy that loses the alert's task; the server
 * times the task out and runs it again, and only what that run raised may be in the read model.
 */
import { randomUUID } from 'node:crypto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createActivities } from '../activities/index.js';
import { type Database, openDatabase } from '../db/client.js';
import { applicationWorkflow } from '../workflows/application.js';
import { decisionUpdate, intakeUpdate, recordQuery } from '../workflows/messages.js';
import { type GrpcProxy, quietRuntime, startGrpcProxy } from './support/grpc-proxy.js';
import { chiefOf, officer, windowOf } from './support/people.js';
import { applicationInput, saveTestItem, startTimeSkipping } from './support/items.js';
import { testDataConverter } from './support/stack.js';
import { readModelDifferences } from './support/lost-tasks.js';

quietRuntime();

let env: Awaited<ReturnType<typeof startTimeSkipping>>;
let database: Database;
let proxy: GrpcProxy;
let native: NativeConnection;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `lost-alerts-${randomUUID()}`;
let itemCode: string;

beforeAll(async () => {
  env = await startTimeSkipping();
  database = await openDatabase({ url: inject('databaseUrl'), dataDir: '' });
  // 3 working days promised, 5 statutory, yellow 1 working day before the promise.
  itemCode = await saveTestItem(database.db);
  proxy = await startGrpcProxy(env.address);
  native = await NativeConnection.connect({ address: proxy.address });
  worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowBundle: { code: inject('workflowBundleCode') },
    dataConverter: testDataConverter(),
    activities: createActivities({ db: database.db }),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await native?.close();
  await proxy?.close();
  await database?.close();
  await env?.teardown();
});

it('keeps a red alert and its accountability case from a lost task out of the read model; the retried task’s are the ones kept', { timeout: 120_000 }, async () => {
  const input = await applicationInput(database.db, itemCode);
  const handle = await env.client.workflow.start(applicationWorkflow, { workflowId: input.applicationNo, taskQueue, args: [input] });
  await handle.executeUpdate(intakeUpdate, { args: [{ decision: 'accept', department: 'market_regulation', officer: officer(windowOf('market_regulation')) }] });
  await expect.poll(async () => (await handle.query(recordQuery)).state.reviews[0]?.responsible?.length ?? 0, { timeout: 20_000 }).toBe(1);
  const { deadlines } = (await handle.query(recordQuery)).state;

  // Yellow comes and is kept, as usual.
  await env.sleep(Date.parse(deadlines!.warnAt!) - (await env.currentTimeMs()) + 60_000);
  await expect.poll(async () => (await handle.query(recordQuery)).state.supervision, { timeout: 20_000 }).toBe('yellow');
  expect(await readModelDifferences(handle, database.db)).toEqual([]);

  // Red: the worker raises it (for the application and for the review, each opening a case), but the
  // server never hears back from that task; it times the task out and runs it again, some seconds later.
  const lost = proxy.holdNextCompletion(handle.workflowId).then((completion) => completion.lose());
  await env.sleep(Date.parse(deadlines!.promisedDue) - (await env.currentTimeMs()) + 60_000);
  await lost;
  await expect
    .poll(async () => {
      const { state, writtenSeq } = await handle.query(recordQuery);
      return state.supervision === 'red' && writtenSeq === state.seq;
    }, { timeout: 60_000 })
    .toBe(true);
  const { events } = await handle.query(recordQuery);
  expect(events.filter((e) => e.type === 'alert_red')).toHaveLength(2);
  expect(await readModelDifferences(handle, database.db)).toEqual([]);

  // The late decision is accepted, and the read model still agrees.
  const decided = await handle.executeUpdate(decisionUpdate, {
    args: [{ department: 'market_regulation', decision: 'approve', officer: officer(chiefOf('market_regulation')) }],
  });
  expect(decided.reviews[0]).toMatchObject({ status: 'approved', late: true });
  expect(await readModelDifferences(handle, database.db)).toEqual([]);
});

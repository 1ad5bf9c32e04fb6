/**
 * Truth under faults, for the clocks: a red alert raised in a workflow task that the server never
 * keeps must not reach the read model, nor the accountability case it opens. On the time-skipping
 * test server: the worker reaches it through a gRPC proxy that loses the alert's task; the server
 * times the task out and runs it again, and only what that run raised may be in the read model.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createActivities } from '../activities/index.js';
import { findCentre, findItemVersion, planStages, snapshotOf } from '../db/catalogue.js';
import { saveItem } from '../db/catalogue-writes.js';
import { type Database, openDatabase } from '../db/client.js';
import { itemDefinition } from '../db/item-definition.js';
import { differences, expectedRows, storedRows } from '../db/reconcile.js';
import { registerSearchAttributes } from '../scripts/temporal.js';
import { applicationWorkflow } from '../workflows/application.js';
import { type ApplicationInput, decisionUpdate, intakeUpdate, recordQuery } from '../workflows/messages.js';
import { type GrpcProxy, quietRuntime, startGrpcProxy } from './support/grpc-proxy.js';
import { chiefOf, officer, uniqueIdNumber, windowOf } from './support/people.js';

quietRuntime();

let env: TestWorkflowEnvironment;
let database: Database;
let proxy: GrpcProxy;
let native: NativeConnection;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `lost-alerts-${randomUUID()}`;
const itemCode = `test-lost-alerts-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: path.resolve(import.meta.dirname, '../.tools/py/bin/temporal-test-server') } },
  });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  database = await openDatabase({ url: inject('databaseUrl'), dataDir: '' });
  // 3 working days promised, 5 statutory, yellow 1 working day before the promise.
  const definition = itemDefinition.parse({
    code: itemCode,
    name: `测试丢失告警 ${itemCode}`,
    nameEn: 'Test item for a lost alert',
    department: 'market_regulation',
    kind: 'promised',
    levels: ['city', 'county'],
    legalBasis: '测试',
    statutoryLimitDays: 5,
    promisedLimitDays: 3,
    warningDays: 1,
    stages: [{ name: '审查', departments: [{ code: 'market_regulation', promisedLimitDays: 3 }] }],
  });
  await database.db.transaction((tx) => saveItem(tx, definition, { id: 'test' }, 'create'));
  proxy = await startGrpcProxy(env.address);
  native = await NativeConnection.connect({ address: proxy.address });
  worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowBundle: { code: inject('workflowBundleCode') },
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

async function readModelDifferences(workflowId: string): Promise<string[]> {
  const handle = env.client.workflow.getHandle(workflowId);
  let found: string[] = [];
  for (let i = 0; i < 100; i++) {
    const record = await handle.query(recordQuery);
    found = differences(expectedRows(record), await storedRows(database.db, workflowId));
    if (found.length === 0 || record.writtenSeq === record.state.seq) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return found;
}

it('keeps a red alert and its accountability case from a lost task out of the read model; the retried task’s are the ones kept', { timeout: 120_000 }, async () => {
  const item = (await findItemVersion(database.db, itemCode))!;
  const centre = (await findCentre(database.db, '450100'))!;
  const input: ApplicationInput = {
    applicationNo: `450100-ALERT-${randomUUID()}`,
    centreCode: '450100',
    item: snapshotOf(item.definition, item.version),
    stages: await planStages(database.db, item.definition, centre),
    applicant: { type: 'person', name: '王五', idNumber: uniqueIdNumber() },
    materials: ['申请书'],
    submittedAt: new Date().toISOString(),
  };
  const handle = await env.client.workflow.start(applicationWorkflow, { workflowId: input.applicationNo, taskQueue, args: [input] });
  await handle.executeUpdate(intakeUpdate, { args: [{ decision: 'accept', department: 'market_regulation', officer: officer(windowOf('market_regulation')) }] });
  await expect.poll(async () => (await handle.query(recordQuery)).state.reviews[0]?.responsible?.length ?? 0, { timeout: 20_000 }).toBe(1);
  const { deadlines } = (await handle.query(recordQuery)).state;

  // Yellow comes and is kept, as usual.
  await env.sleep(Date.parse(deadlines!.warnAt!) - (await env.currentTimeMs()) + 60_000);
  await expect.poll(async () => (await handle.query(recordQuery)).state.supervision, { timeout: 20_000 }).toBe('yellow');
  expect(await readModelDifferences(handle.workflowId)).toEqual([]);

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
  expect(await readModelDifferences(handle.workflowId)).toEqual([]);

  // The late decision is accepted, and the read model still agrees.
  const decided = await handle.executeUpdate(decisionUpdate, {
    args: [{ department: 'market_regulation', decision: 'approve', officer: officer(chiefOf('market_regulation')) }],
  });
  expect(decided.reviews[0]).toMatchObject({ status: 'approved', late: true });
  expect(await readModelDifferences(handle.workflowId)).toEqual([]);
});

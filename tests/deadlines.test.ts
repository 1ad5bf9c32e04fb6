/**
 * Time limits on the time-skipping test server: the clocks of an accepted application raise yellow,
 * red and statutory red at their instants, a decision in time raises nothing, and a decision after
 * red stays marked late. The activities write to the real PostgreSQL read model.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../activities/index.js';
import { findCentre, findItemVersion, planStages, snapshotOf } from '../db/catalogue.js';
import { type Database, openDatabase } from '../db/client.js';
import { saveItem } from '../db/catalogue-writes.js';
import { itemDefinition } from '../db/item-definition.js';
import { alerts } from '../db/schema/index.js';
import { applicationWorkflow } from '../workflows/application.js';
import { type ApplicationInput, decisionUpdate, intakeUpdate, stateQuery } from '../workflows/messages.js';
import { registerSearchAttributes } from '../scripts/temporal.js';
import { officer, uniqueIdNumber } from './support/stack.js';

let env: TestWorkflowEnvironment;
let database: Database;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `deadlines-${randomUUID()}`;
const itemCode = `test-deadlines-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: path.resolve(import.meta.dirname, '../.tools/py/bin/temporal-test-server') } },
  });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  database = await openDatabase({ url: inject('databaseUrl'), dataDir: '' });
  // An item of its own: 3 working days promised, 5 statutory, yellow 1 working day before the promise.
  const definition = itemDefinition.parse({
    code: itemCode,
    name: `测试时限事项 ${itemCode}`,
    nameEn: 'Test item with short limits',
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
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { code: inject('workflowBundleCode') },
    activities: createActivities({ db: database.db }),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await database?.close();
  await env?.teardown();
});

async function start() {
  const item = (await findItemVersion(database.db, itemCode))!;
  const centre = (await findCentre(database.db, '450100'))!;
  const input: ApplicationInput = {
    applicationNo: `450100-DL-${randomUUID()}`,
    centreCode: '450100',
    item: snapshotOf(item.definition, item.version),
    stages: await planStages(database.db, item.definition, centre),
    applicant: { type: 'person', name: '张三', idNumber: uniqueIdNumber() },
    materials: ['申请书'],
    submittedAt: new Date().toISOString(),
  };
  const handle = await env.client.workflow.start(applicationWorkflow, { workflowId: input.applicationNo, taskQueue, args: [input] });
  await handle.executeUpdate(intakeUpdate, { args: [{ decision: 'accept', department: 'market_regulation', officer: officer('w-dl') }] });
  await expectEventually(async () => (await handle.query(stateQuery)).reviews.length === 1);
  return handle;
}

/** Waits in real time (the worker is busy with activities) for a condition on the workflow. */
async function expectEventually(check: () => Promise<boolean>) {
  await expect.poll(check, { timeout: 20_000 }).toBe(true);
}

const ms = (a: string, b: string) => Math.abs(Date.parse(a) - Date.parse(b));

describe('time limits', () => {
  it('raises yellow, red and statutory red at the instants the working-day calendar gives', async () => {
    const handle = await start();
    const { deadlines, reviews } = await handle.query(stateQuery);
    expect(deadlines?.warnAt).toBeDefined();
    expect(reviews[0].deadlines?.promisedDue).toBe(deadlines!.promisedDue);

    await env.sleep(Date.parse(deadlines!.statutoryDue) - Date.now() + 60_000);
    await expectEventually(async () => (await handle.query(stateQuery)).alerts.length === 6);
    const state = await handle.query(stateQuery);
    expect(state.supervision).toBe('statutory_red');
    const at = (level: string, department?: string) => state.alerts.find((a) => a.level === level && a.department === department)!.at;
    // Each alert fires at its instant (to the second), for the application and for the review.
    for (const department of [undefined, 'market_regulation']) {
      expect(ms(at('yellow', department), deadlines!.warnAt!)).toBeLessThan(1000);
      expect(ms(at('red', department), deadlines!.promisedDue)).toBeLessThan(1000);
      expect(ms(at('statutory_red', department), deadlines!.statutoryDue)).toBeLessThan(1000);
    }
    // The review's alerts name the department's chief representative at the deciding centre.
    expect(state.alerts.find((a) => a.department)!.responsible).toEqual([
      expect.objectContaining({ id: '450100-market_regulation-chief' }),
    ]);
    await expectEventually(async () => (await database.db.select().from(alerts).where(eq(alerts.applicationNo, handle.workflowId))).length === 6);

    // Past statutory red the review still waits; a decision now is accepted and stays marked late.
    const decided = await handle.executeUpdate(decisionUpdate, {
      args: [{ department: 'market_regulation', decision: 'approve', officer: officer('o-late') }],
    });
    expect(decided.reviews[0]).toMatchObject({ status: 'approved', late: true });
    await expectEventually(async () => (await handle.query(stateQuery)).stage === 'completed');
  });

  it('raises nothing for a review decided before its limits', async () => {
    const handle = await start();
    await handle.executeUpdate(decisionUpdate, { args: [{ department: 'market_regulation', decision: 'approve', officer: officer('o-1') }] });
    const { deadlines } = await handle.query(stateQuery);
    await env.sleep(Date.parse(deadlines!.statutoryDue) - Date.now() + 60_000);
    const state = await handle.query(stateQuery);
    expect(state.stage).toBe('completed');
    expect(state.alerts).toEqual([]);
    expect(state.supervision).toBe('green');
    expect(state.reviews[0].late).toBe(false);
  });
});

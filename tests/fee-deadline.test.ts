/**
 * The payment deadline on the time-skipping test server (issue 21): a notice issued at intake reminds
 * the applicant `reminderDays` working days before its deadline and is marked overdue at it, each a
 * durable timer; a payment after that still settles it, and a payment ends the timers. The notice is
 * issued by the payment platform simulator; the read model is the real PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../activities/index.js';
import { paymentPlatformClient } from '../activities/payment-platform.js';
import { type Database, openDatabase } from '../db/client.js';
import { events, feeNotices } from '../db/schema/index.js';
import { type PaymentPlatformSimulator, startPaymentPlatform } from '../server/payment-platform.js';
import { applicationWorkflow } from '../workflows/application.js';
import { intakeUpdate, paymentUpdate, stateQuery } from '../workflows/messages.js';
import type { FeeSchedule } from '../workflows/rules/fees.js';
import { WorkingCalendar } from '../workflows/rules/working-days.js';
import { calendarSnapshot } from '../db/calendar.js';
import { applicationInput, saveTestItem, startTimeSkipping } from './support/items.js';
import { TEST_PAYMENT_SECRET, officer, testDataConverter, windowOf } from './support/stack.js';

let env: TestWorkflowEnvironment;
let database: Database;
let platform: PaymentPlatformSimulator;
let worker: Worker;
let running: Promise<void>;
let itemCode: string;
const taskQueue = `fee-deadline-${randomUUID()}`;

const schedule: FeeSchedule = {
  assessAt: 'intake',
  assessedBy: 'rule',
  payBeforePickup: true,
  paymentLimitDays: 5,
  reminderDays: 2,
  onOverdue: 'supervise',
  lines: [{ code: 'card', name: '工本费', basis: { document: '测试收费依据' }, standard: { type: 'fixed', amountFen: 1000 }, payer: '申请人', optional: false }],
  reductions: [],
};

beforeAll(async () => {
  env = await startTimeSkipping();
  database = await openDatabase({ url: inject('databaseUrl'), dataDir: '' });
  itemCode = await saveTestItem(database.db, { feeSchedule: schedule });
  // Nobody pays through the platform here: its notifications would go nowhere.
  platform = await startPaymentPlatform({ port: 0, callbackUrl: 'http://127.0.0.1:9/none', secret: TEST_PAYMENT_SECRET });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { code: inject('workflowBundleCode') },
    dataConverter: testDataConverter(),
    activities: createActivities({ db: database.db, payments: paymentPlatformClient({ url: platform.url }) }),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await platform?.close();
  await database?.close();
  await env?.teardown();
});

async function accepted() {
  const input = await applicationInput(database.db, itemCode);
  const handle = await env.client.workflow.start(applicationWorkflow, { workflowId: input.applicationNo, taskQueue, args: [input] });
  await handle.executeUpdate(intakeUpdate, { args: [{ decision: 'accept', department: 'market_regulation', officer: officer(windowOf('market_regulation')) }] });
  await expect.poll(async () => (await handle.query(stateQuery)).fees?.status, { timeout: 20_000 }).toBe('awaiting_payment');
  return { handle, input, fees: (await handle.query(stateQuery)).fees! };
}

const recorded = async (applicationNo: string, type: string) =>
  (await database.db.select().from(events).where(and(eq(events.applicationNo, applicationNo), eq(events.type, type)))).length;

describe('the payment deadline', () => {
  it('is counted in the centre’s working days, with the reminder two working days before it', async () => {
    const { fees, input } = await accepted();
    const issuedAt = fees.notices[0].issuedAt;
    const calendar = new WorkingCalendar(await calendarSnapshot(database.db, '450100', issuedAt.slice(0, 10), 60));
    expect(fees.dueAt).toBe(calendar.due(issuedAt, 5).due);
    expect(fees.remindAt).toBe(calendar.due(issuedAt, 3).due);
    const [row] = await database.db.select().from(feeNotices).where(eq(feeNotices.applicationNo, input.applicationNo));
    expect([row.status, row.amountFen, Date.parse(row.dueAt)]).toEqual(['issued', 1000, Date.parse(fees.dueAt!)]);
  });

  it('reminds, then marks the notice overdue; a late payment still settles it', async () => {
    const { handle, input, fees } = await accepted();
    await env.sleep(Date.parse(fees.remindAt!) - Date.now() + 60_000);
    await expect.poll(async () => (await handle.query(stateQuery)).fees?.remindedAt !== undefined, { timeout: 20_000 }).toBe(true);
    expect((await handle.query(stateQuery)).fees?.overdueAt).toBeUndefined();

    await env.sleep(Date.parse(fees.dueAt!) - Date.now() + 60_000);
    await expect.poll(async () => (await handle.query(stateQuery)).fees?.overdueAt !== undefined, { timeout: 20_000 }).toBe(true);
    await expect.poll(() => recorded(input.applicationNo, 'fee_overdue'), { timeout: 20_000 }).toBe(1);
    expect(await recorded(input.applicationNo, 'fee_reminder')).toBe(1);

    const notice = fees.notices[0];
    const paid = await handle.executeUpdate(paymentUpdate, {
      args: [{ paymentId: `P-${randomUUID()}`, noticeNo: notice.noticeNo, amountFen: 1000, paidAt: new Date().toISOString(), receiptNo: '451234567890' }],
    });
    expect(paid.fees?.status).toBe('paid');
    const [row] = await database.db.select().from(feeNotices).where(eq(feeNotices.noticeNo, notice.noticeNo));
    expect([row.status, row.receiptNo]).toEqual(['paid', '451234567890']);
  });

  it('is not reminded once paid', async () => {
    const { handle, input, fees } = await accepted();
    await handle.executeUpdate(paymentUpdate, {
      args: [{ paymentId: `P-${randomUUID()}`, noticeNo: fees.notices[0].noticeNo, amountFen: 1000, paidAt: new Date().toISOString(), receiptNo: '459876543210' }],
    });
    await env.sleep(Date.parse(fees.dueAt!) - Date.now() + 86_400_000);
    const state = await handle.query(stateQuery);
    expect([state.fees?.status, state.fees?.remindedAt, state.fees?.overdueAt]).toEqual(['paid', undefined, undefined]);
    expect(await recorded(input.applicationNo, 'fee_reminder')).toBe(0);
  });
});

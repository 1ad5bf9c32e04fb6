/**
 * The payment deadline on the time-skipping test server (issue 21): a notice issued at intake reminds
 * the applicant `reminderDays` working days before its deadline and is marked overdue at it, each a
 * durable timer; a payment after that still settles it, and a payment ends the timers. The item's
 * rules: waiting for payment stops the application's clock (`stopsClocks`), an unpaid deadline ends
 * the review (`terminate`), and refunds are still asked after closing (`refundDays`). The notice is
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
import { applications, events, feeNotices, feeRefunds } from '../db/schema/index.js';
import { type PaymentPlatformSimulator, startPaymentPlatform } from '../server/payment-platform.js';
import { applicationWorkflow } from '../workflows/application.js';
import {
  decideRefundUpdate,
  decisionUpdate,
  intakeUpdate,
  paymentUpdate,
  pickupUpdate,
  refundedUpdate,
  requestRefundUpdate,
  stateQuery,
} from '../workflows/messages.js';
import { WorkingCalendar } from '../workflows/rules/working-days.js';
import { calendarSnapshot } from '../db/calendar.js';
import { cardSchedule } from './support/fees.js';
import { applicationInput, saveTestItem, startTimeSkipping } from './support/items.js';
import { TEST_PAYMENT_SECRET, chiefOf, leaderOf, officer, testDataConverter, windowOf } from './support/stack.js';

let env: TestWorkflowEnvironment;
let database: Database;
let platform: PaymentPlatformSimulator;
let worker: Worker;
let running: Promise<void>;
let itemCode: string;
/** Waiting for payment stops the clock, and the deadline ends an application still in review. */
let terminating: string;
/** Paid fees may be refunded for 2 days after closing. */
let refundLater: string;
const taskQueue = `fee-deadline-${randomUUID()}`;

/** The card fee, 10 yuan by the rule at intake: 5 working days to pay, reminded 2 before. */
const schedule = cardSchedule({ reminderDays: 2 });

beforeAll(async () => {
  env = await startTimeSkipping();
  database = await openDatabase({ url: inject('databaseUrl'), dataDir: '' });
  itemCode = await saveTestItem(database.db, { feeSchedule: schedule });
  terminating = await saveTestItem(database.db, { feeSchedule: { ...schedule, stopsClocks: true, onOverdue: 'terminate' }, promisedLimitDays: 10, statutoryLimitDays: 20 });
  refundLater = await saveTestItem(database.db, { feeSchedule: { ...schedule, refundDays: 2 } });
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

async function accepted(code = itemCode) {
  const input = await applicationInput(database.db, code);
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

const pay = (handle: Awaited<ReturnType<typeof accepted>>['handle'], noticeNo: string) =>
  handle.executeUpdate(paymentUpdate, {
    args: [{ paymentId: `P-${randomUUID()}`, noticeNo, amountFen: 1000, paidAt: new Date().toISOString(), receiptNo: `45${Date.now()}` }],
  });
const readModel = async (applicationNo: string) => (await database.db.select().from(applications).where(eq(applications.applicationNo, applicationNo)))[0];

describe('an item whose fee stops the clock and ends the review at the deadline', () => {
  it('holds the application’s clock while unpaid, and moves its limits by the working days it waited', async () => {
    const { handle, input, fees } = await accepted(terminating);
    const waiting = await handle.query(stateQuery);
    expect([waiting.stoppedSince, waiting.fees?.clockStoppedAt]).toEqual([fees.notices[0].issuedAt, fees.notices[0].issuedAt]);
    await expect.poll(async () => Date.parse((await readModel(input.applicationNo)).stoppedSince ?? ''), { timeout: 20_000 }).toBe(Date.parse(fees.notices[0].issuedAt));

    await env.sleep(3 * 86_400_000);
    const paid = await pay(handle, fees.notices[0].noticeNo);
    expect(paid.fees?.status).toBe('paid');
    const state = await handle.query(stateQuery);
    const calendar = new WorkingCalendar(await calendarSnapshot(database.db, '450100', fees.notices[0].issuedAt.slice(0, 10), 60));
    const resumedAt = (await database.db.select().from(events).where(and(eq(events.applicationNo, input.applicationNo), eq(events.type, 'fee_clock_resumed'))))[0]?.at;
    expect(resumedAt).toBeDefined();
    const waited = calendar.workingDaysFrom(fees.notices[0].issuedAt, resumedAt!);
    expect(waited).toBeGreaterThan(0);
    expect([state.stoppedSince, state.stoppedDays, state.fees?.clockStoppedAt]).toEqual([undefined, waited, undefined]);
    // The promise (10 working days from acceptance) and the statute (20) both moved by them.
    expect(state.deadlines!.promisedDue).toBe(calendar.due(state.acceptedAt!, 10 + waited).due);
    expect(state.deadlines!.statutoryDue).toBe(calendar.due(state.acceptedAt!, 20 + waited).due);
    await expect.poll(async () => (await readModel(input.applicationNo)).stoppedDays, { timeout: 20_000 }).toBe(waited);
    const row = await readModel(input.applicationNo);
    expect([row.stoppedSince, Date.parse(row.promisedDueAt!)]).toEqual([null, Date.parse(state.deadlines!.promisedDue)]);
  });

  it('ends an application still unpaid at the deadline: not granted, its reviews withdrawn, its notice withdrawn', async () => {
    const { handle, input, fees } = await accepted(terminating);
    await env.sleep(Date.parse(fees.dueAt!) - Date.now() + 60_000);
    const final = await handle.result();
    expect(final.stage).toBe('rejected');
    expect(final.reviews.map((r) => r.status)).toEqual(['withdrawn']);
    expect([final.fees?.status, final.fees?.notices[0].status, final.fees?.clockStoppedAt]).toEqual(['cancelled', 'cancelled', undefined]);
    // The clock stood still from the notice to the end: that wait does not count against the limits.
    const calendar = new WorkingCalendar(await calendarSnapshot(database.db, '450100', fees.notices[0].issuedAt.slice(0, 10), 60));
    expect(final.stoppedDays).toBe(calendar.workingDaysFrom(fees.notices[0].issuedAt, final.closedAt!));
    expect(final.timing?.withinStatutory).toBe(true);
    expect([await recorded(input.applicationNo, 'fee_terminated'), await recorded(input.applicationNo, 'fee_cancelled')]).toEqual([1, 1]);
    const row = await readModel(input.applicationNo);
    expect([row.stage, row.stoppedDays]).toEqual(['rejected', final.stoppedDays]);
    const [notice] = await database.db.select().from(feeNotices).where(eq(feeNotices.applicationNo, input.applicationNo));
    expect(notice.status).toBe('cancelled');
  });
});

describe('refunds after closing', () => {
  it('are asked and paid back within refundDays of the pickup; after that the application is closed to them', async () => {
    const { handle, input, fees } = await accepted(refundLater);
    // Paid at the platform (which refunds only what it took), and reported to the workflow as its notification would.
    const { paymentId, receiptNo } = await platform.pay(fees.notices[0].paymentCode!);
    await handle.executeUpdate(paymentUpdate, { args: [{ paymentId, noticeNo: fees.notices[0].noticeNo, amountFen: 1000, paidAt: new Date().toISOString(), receiptNo }] });
    await handle.executeUpdate(decisionUpdate, { args: [{ department: 'market_regulation', decision: 'approve', officer: officer(chiefOf('market_regulation')) }] });
    await handle.executeUpdate(pickupUpdate, { args: [{ officer: officer(windowOf('market_regulation')), recipient: '张三' }] });
    await expect.poll(async () => (await handle.query(stateQuery)).closedAt !== undefined, { timeout: 20_000 }).toBe(true);
    expect((await handle.describe()).status.name).toBe('RUNNING');

    const asked = await handle.executeUpdate(requestRefundUpdate, { args: [{ officer: officer(windowOf('market_regulation')), amountFen: 400, reason: '多收工本费' }] });
    const refundNo = asked.fees!.refunds[0].refundNo;
    await handle.executeUpdate(decideRefundUpdate, { args: [{ officer: officer(leaderOf('market_regulation')), refundNo, approve: true }] });
    await expect.poll(async () => (await handle.query(stateQuery)).fees?.refunds[0].status, { timeout: 20_000 }).toBe('submitted');
    await handle.executeUpdate(refundedUpdate, { args: [{ refundNo, amountFen: 400, refundedAt: new Date().toISOString() }] });
    await expect.poll(async () => (await database.db.select().from(feeRefunds).where(eq(feeRefunds.refundNo, refundNo)))[0]?.status, { timeout: 20_000 }).toBe('refunded');

    // Two days after the pickup the workflow ends; a refund asked then finds the application closed.
    await env.sleep(2 * 86_400_000 + 60_000);
    const final = await handle.result();
    expect([final.stage, final.fees?.refunds.map((r) => r.status)]).toEqual(['picked_up', ['refunded']]);
    await expect(
      handle.executeUpdate(requestRefundUpdate, { args: [{ officer: officer(windowOf('market_regulation')), amountFen: 100, reason: '再退' }] }),
    ).rejects.toThrow();
    expect(await recorded(input.applicationNo, 'fee_refund_requested')).toBe(1);
  });
});

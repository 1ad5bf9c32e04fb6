/**
 * Fees end to end (issue 21): the real API, worker, Temporal dev server and PostgreSQL, and the payment
 * platform simulator (server/payment-platform.ts) sending real signed notifications to the API over
 * loopback. Assessment by the window and by the rule, pickup waiting for payment, duplicates,
 * forgeries, replays, stale and mismatched notifications, a leader's reduction and waiver, a rejected
 * application's notice withdrawn.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentHeaders } from '../api/payment-signature.js';
import { reconcile } from '../db/reconcile.js';
import { auditLog, events, feeNotices, feeRefunds } from '../db/schema/index.js';
import { recordQuery } from '../workflows/messages.js';
import type { FeeSchedule } from '../workflows/rules/fees.js';
import { chiefOf, leaderOf, windowOf } from './support/people.js';
import { cardSchedule, registrationSchedule } from './support/fees.js';
import { saveTestItem } from './support/items.js';
import { type Stack, TEST_PAYMENT_SECRET, startStack } from './support/stack.js';
import { ok, windowActions } from './support/window.js';

let stack: Stack;
const act = windowActions(() => stack);
const LEAD = 'market_regulation';

const windowSchedule = registrationSchedule;
const ruleSchedule = (payBeforePickup = true): FeeSchedule => cardSchedule({ payBeforePickup });

let windowItem: string;
let ruleItem: string;
let payLaterItem: string;
/** Waiting for payment stops the application's clock; refunds are asked for a day after closing. */
let clockStoppingItem: string;

beforeAll(async () => {
  stack = await startStack({ payments: true });
  windowItem = await saveTestItem(stack.db, { feeSchedule: windowSchedule });
  ruleItem = await saveTestItem(stack.db, { feeSchedule: ruleSchedule() });
  payLaterItem = await saveTestItem(stack.db, { feeSchedule: ruleSchedule(false) });
  clockStoppingItem = await saveTestItem(stack.db, { feeSchedule: { ...ruleSchedule(), stopsClocks: true, refundDays: 1 } });
});

afterAll(async () => {
  await stack?.close();
});

interface Fees {
  status: string;
  amountFen: number | null;
  paymentCode: string | null;
  dueAt: string | null;
  notices: { noticeNo: string; status: string; amountFen: number; paymentCode: string | null; receiptNo: string | null; paidAt: string | null; lines: { code: string; amountFen: number }[] }[];
}

const fees = async (no: string) => ok<Fees>(await stack.integrator(`/v1/applications/${no}/fees`));
const feesBecome = (no: string, status: string) => expect.poll(async () => (await fees(no)).status, { timeout: 20_000 }).toBe(status);
const assess = (no: string, payload: object, by = windowOf(LEAD)) => stack.as(by)({ method: 'POST', url: `/v1/applications/${no}/fees/assessment`, payload });
const adjust = (no: string, payload: object, by = leaderOf(LEAD)) => stack.as(by)({ method: 'POST', url: `/v1/applications/${no}/fees/adjustment`, payload });

/** Submitted, accepted and approved: completed, waiting for pickup. */
async function completed(itemCode: string): Promise<string> {
  const no = await act.submit({ itemCode });
  ok(await act.accept(no));
  ok(await act.approve(no, LEAD));
  return no;
}

const feeEvents = async (no: string, type: string) =>
  (await stack.db.select().from(events).where(and(eq(events.applicationNo, no), eq(events.type, type)))).length;

/** One notification as the platform would send it, signed (or not) as the test says. */
function notify(body: object, headers = (raw: string) => paymentHeaders(TEST_PAYMENT_SECRET, raw)) {
  const raw = JSON.stringify(body);
  return fetch(`${stack.baseUrl}/v1/payments/notifications`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers(raw) }, body: raw });
}

const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

const refusalsOf = (noticeNo: string) => stack.db.select().from(auditLog).where(like(auditLog.target, `${noticeNo}/%refused:%`));

describe('the window assesses, the applicant pays, the result is handed over', () => {
  it('refuses pickup until paid, takes a payment notified three times once, then hands over', async () => {
    const no = await completed(windowItem);
    expect((await fees(no)).status).toBe('awaiting_assessment');
    const unassessed = await act.pickup(no);
    expect(unassessed.statusCode).toBe(409);
    expect(unassessed.json().error.code).toBe('fee_unpaid');

    // A line the schedule lacks, and an officer of another department, change nothing.
    expect((await assess(no, { lines: [{ code: 'parking', quantity: 1 }] })).statusCode).toBe(400);
    expect((await assess(no, { lines: [{ code: 'residential', quantity: 1 }] }, windowOf('taxation'))).statusCode).toBe(403);
    expect((await fees(no)).notices).toEqual([]);

    // 80 yuan, and three certificates of which the first is free: 80 + 2 × 10 yuan.
    const assessed = ok<Fees>(await assess(no, { lines: [{ code: 'residential', quantity: 1 }, { code: 'certificate', quantity: 3 }] }));
    expect(assessed.status).toBe('awaiting_payment');
    expect(assessed.amountFen).toBe(10_000);
    expect(assessed.paymentCode).toMatch(/^\d{20}$/);
    expect(assessed.notices.map((n) => [n.noticeNo, n.status, n.lines.map((l) => l.amountFen)])).toEqual([[`${no}-F1`, 'issued', [8000, 2000]]]);
    expect(Date.parse(assessed.dueAt!)).toBeGreaterThan(Date.now() + 14 * 86_400_000);
    const again = await assess(no, { lines: [{ code: 'residential', quantity: 1 }] });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('fee_not_assessable');
    expect((await act.pickup(no)).statusCode).toBe(409);

    const deliveriesBefore = stack.payments!.deliveries.length;
    const { paymentId, receiptNo } = await stack.payments!.pay(assessed.paymentCode!, { duplicates: 2, channel: 'counter' });
    await feesBecome(no, 'paid');
    await expect.poll(() => stack.payments!.pending(), { timeout: 20_000 }).toBe(0);
    const delivered = stack.payments!.deliveries.slice(deliveriesBefore);
    expect(delivered.map((d) => d.status)).toEqual([200, 200, 200]);
    expect(new Set(delivered.map((d) => JSON.parse(d.body).paymentId))).toEqual(new Set([paymentId]));
    const paid = await fees(no);
    expect(paid.notices[0]).toMatchObject({ status: 'paid', receiptNo, amountFen: 10_000 });
    expect(await feeEvents(no, 'fee_paid')).toBe(1);

    const handedOver = ok<{ stage: string }>(await act.pickup(no));
    expect(handedOver.stage).toBe('picked_up');
    // The platform reports it once more after the application closed: answered 200 from the record, nothing changes.
    const handle = stack.client.workflow.getHandle(no);
    await expect.poll(async () => (await handle.describe()).status.name, { timeout: 20_000 }).toBe('COMPLETED');
    const late = await notify(JSON.parse(delivered[0].body));
    expect(late.status).toBe(200);
    expect(await feeEvents(no, 'fee_paid')).toBe(1);
  });

  it('applies the small-micro enterprise exemption to the registration fee only', async () => {
    const no = await completed(windowItem);
    const assessed = ok<Fees>(await assess(no, { lines: [{ code: 'non-residential', quantity: 1 }, { code: 'certificate', quantity: 2 }], reductions: ['small-micro'] }));
    expect(assessed.amountFen).toBe(1000);
    expect(assessed.notices[0].lines.map((l) => [l.code, l.amountFen])).toEqual([
      ['non-residential', 0],
      ['certificate', 1000],
    ]);
  });
});

describe('notifications that are not a payment are refused, audited, and change nothing', () => {
  let no: string;
  let fee: Fees;
  const body = () => ({
    type: 'payment',
    paymentId: `P-test-${randomUUID()}`,
    noticeNo: `${no}-F1`,
    paymentCode: fee.paymentCode,
    amountFen: fee.amountFen,
    paidAt: new Date().toISOString(),
    receiptNo: `45${Date.now()}`,
  });

  beforeAll(async () => {
    no = await completed(windowItem);
    fee = ok<Fees>(await assess(no, { lines: [{ code: 'residential', quantity: 1 }] }));
  });

  it('refuses a forged signature, a missing one and a stale one with 401', async () => {
    const forged = await notify(body(), (raw) => paymentHeaders('not-the-platform-secret-0123456789abcdef', raw));
    expect(forged.status).toBe(401);
    expect(await codeOf(forged)).toBe('bad_signature');
    const unsigned = await notify(body(), () => ({}));
    expect(unsigned.status).toBe(401);
    expect(await codeOf(unsigned)).toBe('unsigned');
    const stale = await notify(body(), (raw) => paymentHeaders(TEST_PAYMENT_SECRET, raw, Date.now() - 10 * 60_000));
    expect(stale.status).toBe(401);
    expect(await codeOf(stale)).toBe('stale_notification');
    // A body changed after signing is a forgery too.
    const original = JSON.stringify(body());
    const tampered = await fetch(`${stack.baseUrl}/v1/payments/notifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...paymentHeaders(TEST_PAYMENT_SECRET, original) },
      body: original.replace(/"amountFen":\d+/, '"amountFen":1'),
    });
    expect(tampered.status).toBe(401);
    expect((await fees(no)).status).toBe('awaiting_payment');
  });

  it('refuses a wrong amount with 422 and an audit row naming it', async () => {
    const wrong = await notify({ ...body(), amountFen: 100 });
    expect(wrong.status).toBe(422);
    expect(await codeOf(wrong)).toBe('amount_mismatch');
    const unknown = await notify({ ...body(), noticeNo: `${no}-F9` });
    expect(unknown.status).toBe(422);
    expect(await codeOf(unknown)).toBe('unknown_notice');
    expect((await fees(no)).status).toBe('awaiting_payment');
    expect(await feeEvents(no, 'fee_paid')).toBe(0);
    const rows = [...(await refusalsOf(`${no}-F1`)), ...(await refusalsOf(`${no}-F9`))];
    expect(rows.map((r) => r.target.split('refused: ')[1]).sort()).toEqual(['amount_mismatch', 'unknown_notice']);
    expect(rows.every((r) => r.status === 422 && r.actor.kind === 'payment_platform' && r.centreCode === no.slice(0, 6))).toBe(true);
  });

  it('takes a payment once: a replayed delivery is refused, a re-signed repeat is answered and ignored', async () => {
    const payment = body();
    const raw = JSON.stringify(payment);
    const headers = { 'content-type': 'application/json', ...paymentHeaders(TEST_PAYMENT_SECRET, raw) };
    const send = () => fetch(`${stack.baseUrl}/v1/payments/notifications`, { method: 'POST', headers, body: raw });
    expect((await send()).status).toBe(200);
    const replayed = await send();
    expect(replayed.status).toBe(409);
    expect(await codeOf(replayed)).toBe('replayed');
    expect((await notify(payment)).status).toBe(200);
    expect((await fees(no)).status).toBe('paid');
    expect(await feeEvents(no, 'fee_paid')).toBe(1);
    // Another payment of a notice already paid is refused: money taken twice shows in the reconciliation.
    const second = await notify({ ...body(), paymentId: `P-test-${randomUUID()}` });
    expect(second.status).toBe(422);
    expect(await codeOf(second)).toBe('notice_not_payable');
    expect((await refusalsOf(`${no}-F1`)).map((r) => r.target.split('refused: ')[1])).toEqual(expect.arrayContaining(['replayed', 'notice_not_payable']));
  });
});

describe('a leader waives or reduces, with a reason', () => {
  it('reduces: the old notice is withdrawn at the platform, the new one is paid', async () => {
    const no = await completed(windowItem);
    const first = ok<Fees>(await assess(no, { lines: [{ code: 'non-residential', quantity: 1 }] }));
    expect((await adjust(no, { toFen: 30_000, reason: '减半' }, chiefOf(LEAD))).statusCode).toBe(403);
    expect((await adjust(no, { toFen: 60_000, reason: '多收' })).statusCode).toBe(400);
    const reduced = ok<Fees>(await adjust(no, { toFen: 30_000, reason: '经批准减半收取' }));
    expect(reduced.notices.map((n) => [n.noticeNo, n.status, n.amountFen])).toEqual([
      [`${no}-F1`, 'superseded', 55_000],
      [`${no}-F2`, 'issued', 30_000],
    ]);
    expect(reduced.notices[1].lines.reduce((sum, l) => sum + l.amountFen, 0)).toBe(30_000);
    // The platform refuses the withdrawn notice's code.
    await expect(stack.payments!.pay(first.paymentCode!)).rejects.toMatchObject({ code: 'cancelled' });
    await stack.payments!.pay(reduced.paymentCode!);
    await feesBecome(no, 'paid');
    expect(await feeEvents(no, 'fee_reduced')).toBe(1);
  });

  it('waives: nothing is owed and the result is handed over', async () => {
    const no = await completed(windowItem);
    ok(await assess(no, { lines: [{ code: 'residential', quantity: 1 }] }));
    expect((await adjust(no, { toFen: 0, reason: '   ' })).statusCode).toBe(400);
    const waived = ok<Fees>(await adjust(no, { toFen: 0, reason: '特困群众，依规免收' }));
    expect(waived.status).toBe('waived');
    expect(ok<{ stage: string }>(await act.pickup(no)).stage).toBe('picked_up');
  });
});

describe('the rule assesses by itself', () => {
  it('issues the notice at intake, and pickup waits for the payment', async () => {
    const no = await act.submit({ itemCode: ruleItem });
    expect((await fees(no)).status).toBe('awaiting_assessment');
    ok(await act.accept(no));
    await feesBecome(no, 'awaiting_payment');
    const fee = await fees(no);
    expect([fee.amountFen, fee.notices.length]).toEqual([1000, 1]);
    expect((await assess(no, { lines: [{ code: 'card', quantity: 1 }] })).statusCode).toBe(409);
    ok(await act.approve(no, LEAD));
    expect((await act.pickup(no)).statusCode).toBe(409);
    await stack.payments!.pay(fee.paymentCode!);
    await feesBecome(no, 'paid');
    ok(await act.pickup(no));
  });

  it('withdraws the unpaid notice of a rejected application', async () => {
    const no = await act.submit({ itemCode: ruleItem });
    ok(await act.accept(no));
    await feesBecome(no, 'awaiting_payment');
    const { paymentCode } = await fees(no);
    ok(await act.decide(no, LEAD, 'reject', '不符合条件'));
    await feesBecome(no, 'cancelled');
    await expect(stack.payments!.pay(paymentCode!)).rejects.toMatchObject({ code: 'cancelled' });
    const handle = stack.client.workflow.getHandle(no);
    await expect.poll(async () => (await handle.describe()).status.name, { timeout: 20_000 }).toBe('COMPLETED');
  });

  it('hands over before payment where the item allows it, and stays open until paid', async () => {
    const no = await act.submit({ itemCode: payLaterItem });
    ok(await act.accept(no));
    await feesBecome(no, 'awaiting_payment');
    ok(await act.approve(no, LEAD));
    ok(await act.pickup(no));
    const handle = stack.client.workflow.getHandle(no);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await stack.payments!.pay((await fees(no)).paymentCode!);
    await feesBecome(no, 'paid');
    await expect.poll(async () => (await handle.describe()).status.name, { timeout: 20_000 }).toBe('COMPLETED');
  });
});

/** A rule-assessed fee paid at the platform, the application approved and picked up: closed. */
async function paidAndPickedUp(itemCode: string): Promise<string> {
  const no = await act.submit({ itemCode });
  ok(await act.accept(no));
  await feesBecome(no, 'awaiting_payment');
  await stack.payments!.pay((await fees(no)).paymentCode!);
  await feesBecome(no, 'paid');
  ok(await act.approve(no, LEAD));
  ok(await act.pickup(no));
  return no;
}

describe('the item’s own rules: the clock waits for payment, refunds after closing', () => {
  it('shows the application’s clock stopped while the fee is unpaid, running again once paid', async () => {
    const no = await act.submit({ itemCode: clockStoppingItem });
    ok(await act.accept(no));
    await feesBecome(no, 'awaiting_payment');
    const clockOf = async () => ok<{ deadlines: { stoppedSince: string | null; stoppedDays: number } }>(await stack.integrator(`/v1/applications/${no}`)).deadlines;
    await expect.poll(async () => (await clockOf()).stoppedSince !== null, { timeout: 20_000 }).toBe(true);
    await stack.payments!.pay((await fees(no)).paymentCode!);
    await feesBecome(no, 'paid');
    // Paid the same day: the clock stood still for no working day.
    await expect.poll(async () => (await clockOf()).stoppedSince, { timeout: 20_000 }).toBeNull();
    expect((await clockOf()).stoppedDays).toBe(0);
    expect([await feeEvents(no, 'fee_clock_stopped'), await feeEvents(no, 'fee_clock_resumed')]).toEqual([1, 1]);
  });

  it('takes a refund after the pickup, within the item’s refundDays, and keeps the workflow for it', async () => {
    const no = await paidAndPickedUp(clockStoppingItem);
    ok(await askRefund(no, { amountFen: 300, reason: '领取后发现多收' }));
    const [asked] = await refunds(no);
    ok(await decideRefund(no, asked.refundNo, true));
    await expect.poll(async () => (await refunds(no))[0].status, { timeout: 20_000 }).toBe('refunded');
    // The day after closing is not over: the workflow waits for another refund that may be asked.
    expect((await stack.client.workflow.getHandle(no).describe()).status.name).toBe('RUNNING');
  });

  it('refuses a refund of an application closed without a refund period: 409 application_closed', async () => {
    const no = await paidAndPickedUp(ruleItem);
    await expect.poll(async () => (await stack.client.workflow.getHandle(no).describe()).status.name, { timeout: 20_000 }).toBe('COMPLETED');
    const res = await askRefund(no, { amountFen: 300, reason: '领取后发现多收' });
    expect([res.statusCode, res.json().error.code]).toEqual([409, 'application_closed']);
  });
});

describe('an item without a fee schedule', () => {
  it('answers 404 no_fees', async () => {
    const no = await act.submit();
    const res = await stack.integrator(`/v1/applications/${no}/fees`);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('no_fees');
  });
});

interface Refunds extends Fees {
  refunds: { refundNo: string; status: string; amountFen: number; requestedBy: string; decidedBy: string | null; failure: string | null }[];
}
const refunds = async (no: string) => ok<Refunds>(await stack.integrator(`/v1/applications/${no}/fees`)).refunds;
const askRefund = (no: string, payload: object, by = windowOf(LEAD)) => stack.as(by)({ method: 'POST', url: `/v1/applications/${no}/fees/refunds`, payload });
const decideRefund = (no: string, refundNo: string, approve: boolean, by = leaderOf(LEAD)) =>
  stack.as(by)({ method: 'POST', url: `/v1/applications/${no}/fees/refunds/${refundNo}/decision`, payload: { approve, note: approve ? '同意退费' : '不予退费' } });

describe('refunds: asked with a reason, approved by a leader, paid back through the platform once', () => {
  it('refunds part of a paid fee once, however often the platform reports it', async () => {
    const no = await completed(windowItem);
    const fee = ok<Fees>(await assess(no, { lines: [{ code: 'residential', quantity: 1 }, { code: 'certificate', quantity: 2 }] }));
    await stack.payments!.pay(fee.paymentCode!);
    await feesBecome(no, 'paid');

    expect((await askRefund(no, { amountFen: 9001, reason: '多收工本费' })).statusCode).toBe(409);
    expect((await askRefund(no, { amountFen: 1000, reason: '  ' })).statusCode).toBe(400);
    ok(await askRefund(no, { amountFen: 1000, reason: '多收一本证书工本费' }));
    const [asked] = await refunds(no);
    expect(asked).toMatchObject({ refundNo: `${no}-F1-R1`, status: 'requested', amountFen: 1000, requestedBy: windowOf(LEAD) });
    // One refund at a time, and a chief representative does not approve.
    expect((await askRefund(no, { amountFen: 500, reason: '再退' })).statusCode).toBe(409);
    expect((await decideRefund(no, asked.refundNo, true, chiefOf(LEAD))).statusCode).toBe(403);

    const before = stack.payments!.deliveries.length;
    ok(await decideRefund(no, asked.refundNo, true));
    await expect.poll(async () => (await refunds(no))[0].status, { timeout: 20_000 }).toBe('refunded');
    await expect.poll(() => stack.payments!.pending(), { timeout: 20_000 }).toBe(0);
    const refundDeliveries = stack.payments!.deliveries.slice(before).filter((d) => JSON.parse(d.body).type === 'refund');
    expect(refundDeliveries.map((d) => d.status)).toEqual([200]);
    // The platform reports it again, signed afresh: answered, and nothing changes.
    expect((await notify(JSON.parse(refundDeliveries[0].body))).status).toBe(200);
    expect(await feeEvents(no, 'fee_refunded')).toBe(1);
    expect((await refunds(no))[0]).toMatchObject({ status: 'refunded', decidedBy: leaderOf(LEAD) });
    ok(await act.pickup(no));
  });

  it('lets a leader reject a refund, and not decide one they asked for themselves', async () => {
    const no = await completed(windowItem);
    const fee = ok<Fees>(await assess(no, { lines: [{ code: 'residential', quantity: 1 }] }));
    await stack.payments!.pay(fee.paymentCode!);
    await feesBecome(no, 'paid');
    ok(await askRefund(no, { amountFen: 8000, reason: '申请人撤回' }));
    ok(await decideRefund(no, `${no}-F1-R1`, false));
    expect((await refunds(no))[0]).toMatchObject({ status: 'rejected', decidedBy: leaderOf(LEAD) });
    // Rejected, it no longer counts: the whole payment may be asked for again, here by the leader, who may not decide it.
    ok(await askRefund(no, { amountFen: 8000, reason: '申请人撤回，补交说明' }, leaderOf(LEAD)));
    const own = await decideRefund(no, `${no}-F1-R2`, true);
    expect(own.statusCode).toBe(403);
    expect(own.json().error.message).toContain('may not decide it too');
    expect((await refunds(no)).map((r) => r.status)).toEqual(['rejected', 'requested']);
  });

  it('a payment racing the refusal of its application: the notice cannot be withdrawn, the payment is taken and refunded once approved', async () => {
    const no = await act.submit({ itemCode: ruleItem });
    ok(await act.accept(no));
    await feesBecome(no, 'awaiting_payment');
    const { paymentCode } = await fees(no);
    // Paid at the platform; its notification is held back while the application is refused.
    await stack.payments!.pay(paymentCode!, { delayMs: 1500 });
    ok(await act.decide(no, LEAD, 'reject', '不符合条件'));
    await feesBecome(no, 'paid');
    await expect.poll(async () => (await refunds(no)).map((r) => [r.status, r.requestedBy, r.amountFen]), { timeout: 20_000 }).toEqual([['requested', 'rule', 1000]]);
    const handle = stack.client.workflow.getHandle(no);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    ok(await decideRefund(no, `${no}-F1-R1`, true));
    await expect.poll(async () => (await refunds(no))[0].status, { timeout: 20_000 }).toBe('refunded');
    await expect.poll(async () => (await handle.describe()).status.name, { timeout: 20_000 }).toBe('COMPLETED');
    expect([await feeEvents(no, 'fee_paid'), await feeEvents(no, 'fee_refunded'), await feeEvents(no, 'fee_cancelled')]).toEqual([1, 1, 0]);
  });
});

describe('the read model of fees against the workflow (npm run read-model:reconcile)', () => {
  it('finds a changed notice and a lost refund, and rewrites them from the workflow', async () => {
    const no = await completed(windowItem);
    const fee = ok<Fees>(await assess(no, { lines: [{ code: 'residential', quantity: 1 }] }));
    await stack.payments!.pay(fee.paymentCode!);
    await feesBecome(no, 'paid');
    ok(await askRefund(no, { amountFen: 100, reason: '找零' }));
    ok(await decideRefund(no, `${no}-F1-R1`, false));
    const recordOf = (applicationNo: string) => stack.client.workflow.getHandle(applicationNo).query(recordQuery);
    expect((await reconcile(stack.db, [no], recordOf)).differing).toEqual([]);

    await stack.db.update(feeNotices).set({ amountFen: 1 }).where(eq(feeNotices.noticeNo, `${no}-F1`));
    await stack.db.delete(feeRefunds).where(eq(feeRefunds.refundNo, `${no}-F1-R1`));
    const found = await reconcile(stack.db, [no], recordOf);
    expect(found.differing[0].differences).toEqual([
      `${no} fee notice ${no}-F1.amountFen: read model 1, workflow 8000`,
      `${no} fee refund ${no}-F1-R1: missing from the read model`,
    ]);
    expect((await reconcile(stack.db, [no], recordOf, { fix: true })).fixed).toEqual([no]);
    expect((await reconcile(stack.db, [no], recordOf)).differing).toEqual([]);
  });
});

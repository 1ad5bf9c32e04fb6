/**
 * The daily reconciliation of fees (对账, issue 21) on a database of its own, so that only this file's
 * payments are on its books: a payment and a refund that agree, a payment the platform took but
 * OneWindow refused (a wrong amount), and one OneWindow recorded that is not on the statement, each
 * named; nothing is changed, the finding is stored, audited and served to supervisors.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { paymentPlatformClient } from '../activities/payment-platform.js';
import { paymentHeaders } from '../api/payment-signature.js';
import { compare, reconcileFees } from '../db/fee-reconciliation.js';
import { type ScratchDatabase, createScratchDatabase } from '../db/scratch.js';
import { auditLog, feeNotices } from '../db/schema/index.js';
import { chinaDate } from '../workflows/rules/working-days.js';
import { saveTestItem } from './support/items.js';
import { leaderOf, supervisorOf, windowOf } from './support/people.js';
import { type Stack, TEST_PAYMENT_SECRET, startStack } from './support/stack.js';
import { cardSchedule } from './support/fees.js';
import { ok, windowActions } from './support/window.js';

let scratch: ScratchDatabase;
let stack: Stack;
const act = windowActions(() => stack);
let itemCode: string;

/** The card fee, 25 yuan, assessed by the rule at intake. */
const schedule = cardSchedule({}, 2500);

beforeAll(async () => {
  const server = Object.assign(new URL(inject('databaseUrl')), { pathname: '/postgres' }).toString();
  scratch = await createScratchDatabase(server, `onewindow_fee_reconciliation_${Date.now()}_${process.pid}`);
  stack = await startStack({ payments: true, databaseUrl: scratch.url });
  itemCode = await saveTestItem(stack.db, { feeSchedule: schedule });
});

afterAll(async () => {
  await stack?.close();
  await scratch?.drop();
});

interface Fees {
  status: string;
  paymentCode: string | null;
  refunds: { status: string }[];
}
const fees = async (no: string) => ok<Fees>(await stack.integrator(`/v1/applications/${no}/fees`));

/** Accepted, its notice issued by the rule; its payment code. */
async function owing(): Promise<{ no: string; paymentCode: string }> {
  const no = await act.submit({ itemCode });
  ok(await act.accept(no));
  await expect.poll(async () => (await fees(no)).status, { timeout: 20_000 }).toBe('awaiting_payment');
  return { no, paymentCode: (await fees(no)).paymentCode! };
}

describe('the reconciliation of a day', () => {
  it('names a payment refused here and one unknown to the platform, and matches the rest', async () => {
    // Paid and partly refunded: both on the statement and here.
    const agreed = await owing();
    await stack.payments!.pay(agreed.paymentCode);
    await expect.poll(async () => (await fees(agreed.no)).status, { timeout: 20_000 }).toBe('paid');
    ok(await stack.as(windowOf('market_regulation'))({ method: 'POST', url: `/v1/applications/${agreed.no}/fees/refunds`, payload: { amountFen: 500, reason: '多收' } }));
    ok(await stack.as(leaderOf('market_regulation'))({ method: 'POST', url: `/v1/applications/${agreed.no}/fees/refunds/${agreed.no}-F1-R1/decision`, payload: { approve: true } }));
    await expect.poll(async () => (await fees(agreed.no)).refunds[0]?.status, { timeout: 20_000 }).toBe('refunded');

    // The applicant paid the wrong amount: the platform took it, OneWindow refused it (422).
    const mismatched = await owing();
    const wrong = await stack.payments!.pay(mismatched.paymentCode, { amountFen: 2400 });
    await expect.poll(() => stack.payments!.pending(), { timeout: 20_000 }).toBe(0);
    expect((await fees(mismatched.no)).status).toBe('awaiting_payment');

    // A notification signed with the platform's secret for a payment its books do not hold.
    const unknown = await owing();
    const ghost = `P-ghost-${randomUUID()}`;
    const raw = JSON.stringify({ type: 'payment', paymentId: ghost, noticeNo: `${unknown.no}-F1`, paymentCode: unknown.paymentCode, amountFen: 2500, paidAt: new Date().toISOString(), receiptNo: '4500000000000000001' });
    const accepted = await fetch(`${stack.baseUrl}/v1/payments/notifications`, { method: 'POST', headers: { 'content-type': 'application/json', ...paymentHeaders(TEST_PAYMENT_SECRET, raw) }, body: raw });
    expect(accepted.status).toBe(200);

    const before = await stack.db.select().from(feeNotices);
    const day = chinaDate(new Date());
    const found = await reconcileFees(stack.db, paymentPlatformClient({ url: stack.payments!.url }), day);
    expect([found.statementLines, found.recordedLines, found.matched]).toEqual([3, 3, 2]);
    expect(found.differences.map((d) => [d.kind, d.what, d.id, d.applicationNo, d.hereFen, d.thereFen])).toEqual([
      ['here_not_there', 'payment', ghost, unknown.no, 2500, undefined],
      ['there_not_here', 'payment', wrong.paymentId, mismatched.no, undefined, 2400],
    ]);
    // Nothing changed: the notices are as they were; the finding is audited.
    expect(await stack.db.select().from(feeNotices)).toEqual(before);
    const [audited] = await stack.db.select().from(auditLog).where(eq(auditLog.requestId, `fee-reconciliation-${found.id}`));
    expect([audited.action, audited.status, audited.target]).toEqual(['RECONCILE fees', 409, `fees/${day}: 2 difference(s)`]);

    // Supervisors read it, each the differences of their own centre and below.
    const regional = ok<{ reconciliations: { day: string; matched: number; differences: unknown[] }[] }>(await stack.as(supervisorOf('450000'))('/v1/fees/reconciliations'));
    expect(regional.reconciliations[0]).toMatchObject({ day, matched: 2 });
    expect(regional.reconciliations[0].differences).toHaveLength(2);
    const elsewhere = ok<{ reconciliations: { differences: unknown[] }[] }>(await stack.as(supervisorOf('450200'))('/v1/fees/reconciliations'));
    expect(elsewhere.reconciliations[0].differences).toEqual([]);
    expect((await stack.as(windowOf('market_regulation'))('/v1/fees/reconciliations')).statusCode).toBe(403);
  });

  it('names an amount that differs', () => {
    const recorded = [{ what: 'payment' as const, id: 'P1', noticeNo: '450100-20261203-000001-F1', applicationNo: '450100-20261203-000001', centreCode: '450100', amountFen: 1000 }];
    const statement = [{ kind: 'payment' as const, id: 'P1', noticeNo: '450100-20261203-000001-F1', paymentCode: '1', amountFen: 1001, at: '2026-12-03T01:00:00Z' }];
    expect(compare(recorded, statement)).toEqual({
      matched: 0,
      differences: [{ kind: 'amount_differs', what: 'payment', id: 'P1', noticeNo: '450100-20261203-000001-F1', applicationNo: '450100-20261203-000001', centreCode: '450100', hereFen: 1000, thereFen: 1001 }],
    });
  });
});

/**
 * Fees (行政事业性收费) at the window workstation, in a real browser (Debian's Chromium through
 * playwright-core) against the real stack with the payment platform simulator: the lead window assesses
 * a window-assessed fee once the application is completed, the amount previewed in the page as the rules
 * compute it and then stored by the server; pickup is refused until payment; the simulator's payment
 * shows with its receipt; the window asks a refund, a leader approves it; and a leader's reduction, an
 * amount of three decimals refused in the page before anything is sent.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registrationSchedule } from './support/fees.js';
import { saveTestItem } from './support/items.js';
import { type Stack, leaderOf, startStack, windowOf } from './support/stack.js';
import { ok, windowActions } from './support/window.js';
import { Desk, launchChromium, overflows, stageOf, testid, unnamedControls } from './support/workstation.js';

const LEAD = 'market_regulation';
const schedule = registrationSchedule;

let stack: Stack;
let browser: Browser;
let desk: Desk;
let itemCode: string;
const act = windowActions(() => stack);

beforeAll(async () => {
  stack = await startStack({ signIn: true, payments: true });
  itemCode = await saveTestItem(stack.db, { feeSchedule: schedule });
  browser = await launchChromium();
  desk = new Desk(browser, stack.baseUrl);
});

afterAll(async () => {
  await desk?.close();
  await browser?.close();
  await stack?.close();
});

interface Fees {
  status: string;
  amountFen: number | null;
  paymentCode: string | null;
  notices: { noticeNo: string; status: string; amountFen: number; paymentCode: string | null; receiptNo: string | null }[];
  refunds: { refundNo: string; status: string; amountFen: number; requestedBy: string; decidedBy: string | null }[];
}

const feesOf = async (no: string) => ok<Fees>(await stack.integrator(`/v1/applications/${no}/fees`));

/** Submitted, accepted and approved: completed, its fee awaiting the window's assessment. */
async function completed(): Promise<string> {
  const no = await act.submit({ itemCode });
  ok(await act.accept(no));
  ok(await act.approve(no, LEAD));
  return no;
}

const feeStatus = (page: Page) => testid(page, 'fee-status').getAttribute('data-status');
const feesFlash = (page: Page, text: string | RegExp) => expect.poll(() => testid(page, 'fees-flash').textContent()).toMatch(text);

/** Presses the fees part's refresh until its status is one of these. */
async function refreshUntil(page: Page, statuses: string[], status: () => Promise<string | null> = () => feeStatus(page)) {
  await expect
    .poll(
      async () => {
        await testid(page, 'fees-refresh').click();
        await feesFlash(page, '收费信息已刷新');
        return status();
      },
      { timeout: 30_000, interval: 500 },
    )
    .toSatisfy((s) => statuses.includes(s as string));
}

/** Every POST the page sends to a path ending so. */
function posts(page: Page, ending: string): string[] {
  const sent: string[] = [];
  page.on('request', (r) => r.method() === 'POST' && new URL(r.url()).pathname.endsWith(ending) && sent.push(r.postData() ?? ''));
  return sent;
}

describe('fees at the window workstation', () => {
  it('formats fen as yuan and reads yuan typed as text into whole fen, in the page', { timeout: 60_000 }, async () => {
    const page = await desk.open(windowOf(LEAD));
    // A string, so that the test runner leaves the browser's own import() alone.
    const results = (await page.evaluate(`import('/workstation/modules/fees.js').then((m) => ({
      formatted: [0, 5, 99, 100, 4550, 10000, 123456].map((fen) => m.formatYuan(fen)),
      parsed: ['45', '45.5', '45.55', ' 10 ', '0', '45.555', '-45', '45a', '', '1,000', '.5', '45.'].map((text) => m.parseYuan(text)),
    }))`)) as { formatted: string[]; parsed: (number | null)[] };
    expect(results.formatted).toEqual(['0.00', '0.05', '0.99', '1.00', '45.50', '100.00', '1234.56']);
    expect(results.parsed).toEqual([4500, 4550, 4555, 1000, 0, null, null, null, null, null, null, null]);
  });

  it('assesses at the window with the amount previewed, refuses pickup until paid, shows the receipt, and refunds 10 yuan once a leader approves', { timeout: 240_000 }, async () => {
    const no = await completed();
    const page = await desk.open(windowOf(LEAD), `#/application/${no}`);
    await testid(page, 'fees').waitFor();
    expect(await stageOf(page)).toBe('completed');
    expect(await feeStatus(page)).toBe('awaiting_assessment');
    expect(await testid(page, 'fee-status').textContent()).toBe('待核定');
    expect(await testid(page, 'fee-amount').count()).toBe(0);
    expect(await testid(page, 'fee-notices').count()).toBe(0);

    // Nothing ticked yet: no amount, and why.
    const form = testid(page, 'fee-assess');
    expect(await testid(page, 'fee-preview-amount').textContent()).toBe('—');
    expect(await testid(page, 'fee-preview-problem').textContent()).toBe('请至少勾选一个收费项目。');
    await form.getByRole('checkbox', { name: /^登记费（住宅类）/ }).check();
    await form.getByRole('checkbox', { name: /^证书工本费/ }).check();
    await form.getByRole('spinbutton', { name: '证书工本费 数量（本）' }).fill('3');
    // 80 yuan, and three certificates of which the first is free: 80 + 2 × 10 yuan.
    expect(await testid(page, 'fee-preview-amount').textContent()).toBe('100.00 元');
    // The 小微企业 exemption takes the registration fee off, not the certificates.
    await form.getByRole('checkbox', { name: /^小微企业免收登记费/ }).check();
    expect(await testid(page, 'fee-preview-amount').textContent()).toBe('20.00 元');
    await form.getByRole('checkbox', { name: /^小微企业免收登记费/ }).uncheck();
    const preview = testid(page, 'fee-preview-amount');
    expect([await preview.textContent(), await preview.getAttribute('data-fen')]).toEqual(['100.00 元', '10000']);
    expect(await testid(page, 'fee-preview-lines').locator('li').allTextContents()).toEqual(['登记费（住宅类） × 1：80.00 元', '证书工本费 × 3：20.00 元']);
    expect(await unnamedControls(page)).toEqual([]);
    expect(await overflows(page)).toBe(false);

    const previewFen = Number(await preview.getAttribute('data-fen'));
    const assessments = posts(page, '/fees/assessment');
    await form.getByRole('button', { name: '核定并开具缴款通知书' }).click();
    await feesFlash(page, '已核定收费');
    expect(assessments.map((body) => JSON.parse(body))).toEqual([{ lines: [{ code: 'residential', quantity: 1 }, { code: 'certificate', quantity: 3 }], reductions: [] }]);
    const assessed = await feesOf(no);
    expect([assessed.status, assessed.amountFen]).toEqual(['awaiting_payment', 10_000]);
    expect(assessed.amountFen).toBe(previewFen);
    expect(assessed.paymentCode).toMatch(/^\d{20}$/);
    expect(await feeStatus(page)).toBe('awaiting_payment');
    expect(await testid(page, 'fee-status').textContent()).toBe('待缴费');
    expect([await testid(page, 'fee-amount').textContent(), await testid(page, 'fee-amount').getAttribute('data-fen')]).toEqual(['100.00 元', '10000']);
    expect(await testid(page, 'fee-payment-code').textContent()).toBe(assessed.paymentCode);
    expect(await testid(page, 'fee-due').textContent()).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日$/);
    const first = testid(page, `fee-notice-${no}-F1`);
    expect(await first.getAttribute('data-status')).toBe('issued');
    expect(await first.locator('[data-testid="notice-amount"]').textContent()).toBe('100.00 元');
    expect(await testid(page, 'fee-assess').count()).toBe(0);

    // Pickup before payment: refused, the page says why and the API's message names the notice and the code.
    await page.getByRole('textbox', { name: '领取人' }).fill('韦小芳');
    await page.getByRole('checkbox', { name: '已核验领取人身份证件' }).check();
    await page.getByRole('button', { name: '确认发放' }).click();
    const refusal = testid(page, 'hand-over-error');
    await refusal.waitFor();
    expect(await refusal.getAttribute('data-code')).toBe('fee_unpaid');
    expect(await refusal.locator('strong').textContent()).toBe('操作被拒绝：');
    expect(await refusal.locator('[data-testid="refusal-text"]').textContent()).toBe('缴费后方可领取办理结果：申请人尚未缴清费用。');
    expect(await refusal.locator('[data-testid="refusal-reason"]').textContent()).toContain(`notice ${no}-F1 (10000 fen, payment code ${assessed.paymentCode}) is unpaid`);
    expect(await stageOf(page)).toBe('completed');

    // The applicant pays through the platform; the page, refreshed, shows it paid with the receipt.
    const { receiptNo } = await stack.payments!.pay(assessed.paymentCode!);
    await refreshUntil(page, ['paid']);
    expect(await testid(page, 'fee-status').textContent()).toBe('已缴费');
    expect(await testid(page, 'fee-receipt').textContent()).toBe(receiptNo);
    expect(await first.getAttribute('data-status')).toBe('paid');
    expect((await feesOf(no)).notices[0]).toMatchObject({ status: 'paid', receiptNo, amountFen: 10_000 });

    // The window asks a refund of 10 yuan: a third decimal is refused in the page, 10 goes as 1000 fen.
    const refunds = posts(page, '/fees/refunds');
    const refund = testid(page, 'fee-refund');
    expect(await refund.locator('.hint').textContent()).toContain('可退金额 100.00 元');
    await refund.getByRole('textbox', { name: '退费金额（元）' }).fill('10.001');
    await refund.getByRole('textbox', { name: '理由（必填）' }).fill('多收一本证书工本费');
    await refund.getByRole('button', { name: '申请退费' }).click();
    await testid(page, 'fee-refund-error').waitFor();
    expect(await testid(page, 'fee-refund-error').textContent()).toContain('金额“10.001”无效');
    expect(refunds).toEqual([]);
    await refund.getByRole('textbox', { name: '退费金额（元）' }).fill('10');
    await refund.getByRole('button', { name: '申请退费' }).click();
    await feesFlash(page, '已申请退费');
    expect(refunds.map((body) => JSON.parse(body))).toEqual([{ amountFen: 1000, reason: '多收一本证书工本费' }]);
    const refundNo = `${no}-F1-R1`;
    const row = testid(page, `fee-refund-${refundNo}`);
    expect([await row.getAttribute('data-status'), await row.locator('[data-testid="refund-amount"]').textContent()]).toEqual(['requested', '10.00 元']);
    expect(await testid(page, 'refund-pending').textContent()).toBe('一笔退费正在办理中；办结后方可再申请。');
    expect(await testid(page, 'refund-decision').count()).toBe(0);
    expect((await feesOf(no)).refunds).toMatchObject([{ refundNo, status: 'requested', amountFen: 1000, requestedBy: windowOf(LEAD) }]);

    // The department's leader, who did not ask, approves it with a note.
    const leader = await desk.open(leaderOf(LEAD), `#/application/${no}`);
    const decision = testid(leader, 'refund-decision');
    await decision.waitFor();
    expect(await decision.getAttribute('data-refund')).toBe(refundNo);
    expect(await decision.locator('.hint').textContent()).toBe(`退费 10.00 元，理由：多收一本证书工本费（申请：${windowOf(LEAD)}）`);
    expect(await testid(leader, 'fee-adjust').count()).toBe(0);
    await decision.getByRole('textbox', { name: '审核意见（可选）' }).fill('核实多收，同意退费');
    await decision.getByRole('button', { name: '同意退费' }).click();
    await feesFlash(leader, '已同意退费');
    expect(await testid(leader, 'refund-decision').count()).toBe(0);
    const leaderRow = testid(leader, `fee-refund-${refundNo}`);
    await refreshUntil(leader, ['submitted', 'refunded'], () => leaderRow.getAttribute('data-status'));
    expect(await leaderRow.locator('[data-testid="refund-status"]').textContent()).toMatch(/^(已提交缴费平台|已退费)$/);
    expect((await feesOf(no)).refunds[0]).toMatchObject({ refundNo, amountFen: 1000, decidedBy: leaderOf(LEAD), status: expect.stringMatching(/^(submitted|refunded)$/) });

    // Back at the window: once the platform reports it, refunded; and paid, the result is handed over.
    await refreshUntil(page, ['refunded'], () => row.getAttribute('data-status'));
    expect(await row.locator('[data-testid="refund-status"]').textContent()).toBe('已退费');
    expect(await refund.locator('.hint').textContent()).toContain('可退金额 90.00 元');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: `Application ${no}` }).waitFor();
    expect([await testid(page, 'fee-status').textContent(), await testid(page, 'fee-amount').textContent()]).toEqual(['Paid', '¥100.00']);
    expect(await row.locator('[data-testid="refund-status"]').textContent()).toBe('Refunded');
    expect(await unnamedControls(page)).toEqual([]);
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { name: `办件 ${no}` }).waitFor();
    await page.getByRole('textbox', { name: '领取人' }).fill('韦小芳');
    await page.getByRole('checkbox', { name: '已核验领取人身份证件' }).check();
    await page.getByRole('button', { name: '确认发放' }).click();
    await expect.poll(() => testid(page, 'flash').textContent()).toMatch('已发放');
    expect(await stageOf(page)).toBe('picked_up');
  });

  it("refuses a leader's reduction to 45.555 yuan in the page, then reduces to 45.5 yuan: the old notice struck through", { timeout: 180_000 }, async () => {
    const no = await completed();
    const assessed = ok<Fees>(
      await stack.as(windowOf(LEAD))({ method: 'POST', url: `/v1/applications/${no}/fees/assessment`, payload: { lines: [{ code: 'residential', quantity: 1 }, { code: 'certificate', quantity: 3 }] } }),
    );
    expect(assessed.amountFen).toBe(10_000);

    const leader = await desk.open(leaderOf(LEAD), `#/application/${no}`);
    const adjust = testid(leader, 'fee-adjust');
    await adjust.waitFor();
    expect(await testid(leader, 'fee-assess').count()).toBe(0);
    expect(await adjust.locator('.hint').textContent()).toBe(`当前缴款通知书 ${no}-F1 金额 100.00 元；填 0 为免收，低于当前金额为减收。`);
    const sent = posts(leader, '/fees/adjustment');
    const amount = adjust.getByRole('textbox', { name: '减免后金额（元）' });
    const reason = adjust.getByRole('textbox', { name: '理由（必填）' });
    const submit = adjust.getByRole('button', { name: '减免' });
    const error = testid(leader, 'fee-adjust-error');

    // No reason: the form asks for one and sends nothing.
    await amount.fill('45.5');
    await submit.click();
    expect(await reason.evaluate((node) => (node as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing)).toBe(true);
    await reason.fill('经批准减收');
    for (const text of ['45.555', '-45', '四十五', '100']) {
      await amount.fill(text);
      await submit.click();
      await expect.poll(() => error.textContent()).toContain(text === '100' ? '减免后金额须低于当前的 100.00 元' : `金额“${text}”无效`);
      expect(await error.isVisible()).toBe(true);
    }
    expect(sent).toEqual([]);
    expect((await feesOf(no)).notices.map((n) => [n.status, n.amountFen])).toEqual([['issued', 10_000]]);

    await amount.fill('45.5');
    await submit.click();
    await feesFlash(leader, '已减免');
    expect(sent.map((body) => JSON.parse(body))).toEqual([{ toFen: 4550, reason: '经批准减收' }]);
    const reduced = await feesOf(no);
    expect(reduced.notices.map((n) => [n.noticeNo, n.status, n.amountFen])).toEqual([
      [`${no}-F1`, 'superseded', 10_000],
      [`${no}-F2`, 'issued', 4550],
    ]);
    expect([await testid(leader, 'fee-amount').textContent(), await testid(leader, 'fee-payment-code').textContent()]).toEqual(['45.50 元', reduced.paymentCode]);
    expect(reduced.paymentCode).not.toBe(assessed.paymentCode);
    const old = testid(leader, `fee-notice-${no}-F1`);
    expect([await old.getAttribute('data-status'), await old.getAttribute('class')]).toEqual(['superseded', 'struck']);
    expect(await old.locator('[data-testid="notice-amount"] s').textContent()).toBe('100.00 元');
    expect(await old.textContent()).toContain('已被替代');
    expect(await old.textContent()).toContain('减免：经批准减收');
    const current = testid(leader, `fee-notice-${no}-F2`);
    expect([await current.getAttribute('data-status'), await current.locator('s').count(), await current.locator('[data-testid="notice-amount"]').textContent()]).toEqual(['issued', 0, '45.50 元']);
    expect(await unnamedControls(leader)).toEqual([]);
    expect(await overflows(leader)).toBe(false);
    expect(desk.errors).toEqual([]);
  });
});

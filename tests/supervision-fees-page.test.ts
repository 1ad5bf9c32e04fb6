/**
 * The supervision page's fees panel (收费) in a real browser (Debian's Chromium through playwright-core)
 * against the real stack: a supervisor of Chongzuo (451400, which no other test file uses) signs in and
 * sees this month's fees of the city and its county Jiangzhou (451402) in yuan, by department, and the
 * notices unpaid past their deadline, longest overdue first; in Chinese and in English.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signIn } from './support/signin.js';
import { type ScratchDatabase, createScratchDatabase } from '../db/scratch.js';
import { CARD, ESTATE, type FeeItem, feeApplication } from './support/fees.js';
import { type Stack, startStack, supervisorOf } from './support/stack.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.resolve(import.meta.dirname, '.tmp/screenshots');
const CITY = '451400';
const COUNTY = '451402';
const DAY = 86_400_000;

let stack: Stack;
let scratch: ScratchDatabase;
let browser: Browser;

/** An application with one payment notice, written to the read model as the workflow's recorder writes it. */
function notice(centreCode: string, item: FeeItem, n: { status: string; amountFen: number; issuedAt: Date; dueAt: Date; paid?: boolean; waived?: boolean }) {
  const at = n.issuedAt.toISOString();
  const leader = { id: `${centreCode}-natural_resources-leader`, name: '测试领导', role: 'department_leader' as const };
  return feeApplication(
    stack.db,
    centreCode,
    item,
    [{ status: n.status, amountFen: n.amountFen, issuedAt: at, dueAt: n.dueAt.toISOString(), paidAt: n.paid ? at : undefined, adjustment: n.waived ? { officer: leader, reason: '困难群众', fromFen: n.amountFen, toFen: 0, at } : undefined }],
    'FEEPAGE',
  );
}

/** Calendar days in China from the day a deadline passed to today, both counted. */
const daysOverdue = (due: Date) => {
  const day = (ms: number) => Math.floor((ms + 8 * 3_600_000) / DAY);
  return day(Date.now()) - day(due.getTime()) + 1;
};

const now = new Date();
const ago = (days: number) => new Date(now.getTime() - days * DAY);
const overdue = { older: ago(45), newer: ago(30) };
const no: Record<string, string> = {};

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mkdirSync(SHOTS, { recursive: true });
  // A database of its own: these rows would otherwise be in every other file's regional statistics.
  scratch = await createScratchDatabase(Object.assign(new URL(inject('databaseUrl')), { pathname: '/postgres' }).toString(), `onewindow_fees_page_${Date.now()}_${process.pid}`);
  stack = await startStack({ signIn: true, worker: false, databaseUrl: scratch.url });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  // This month: paid at the city, waived and outstanding at the county.
  no.paid = await notice(CITY, ESTATE, { status: 'paid', amountFen: 9000, issuedAt: now, dueAt: new Date(now.getTime() + 20 * DAY), paid: true });
  no.waived = await notice(COUNTY, ESTATE, { status: 'waived', amountFen: 8000, issuedAt: now, dueAt: new Date(now.getTime() + 20 * DAY), waived: true });
  no.owed = await notice(COUNTY, CARD, { status: 'issued', amountFen: 1000, issuedAt: now, dueAt: new Date(now.getTime() + 5 * DAY) });
  // Issued months ago and unpaid past their deadlines: listed, not in this month's figures.
  no.older = await notice(CITY, ESTATE, { status: 'issued', amountFen: 1_234_567, issuedAt: ago(60), dueAt: overdue.older });
  no.newer = await notice(COUNTY, CARD, { status: 'issued', amountFen: 1000, issuedAt: ago(40), dueAt: overdue.newer });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await scratch?.drop();
});

const textOf = (page: Page, selector: string) => page.locator(selector).first().textContent();
const tile = (page: Page, figure: string) => textOf(page, `[data-testid="fee-${figure}"] .fee-amount`);
const row = (page: Page, department: string) =>
  page.locator(`[data-testid="fee-row-${department}"] td`).allTextContents();
const unpaid = (page: Page) =>
  page.locator('[data-testid="fee-unpaid-item"]').evaluateAll((items) =>
    items.map((item) => (item as unknown as { innerText: string }).innerText.replace(/\s+/g, ' ').trim()),
  );

describe('the supervision page’s fees panel', () => {
  it('shows this month’s fees in yuan, by department, and the notices unpaid past their deadline', { timeout: 90_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, stack.baseUrl, supervisorOf(CITY), '/supervision');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(now);
    await page.waitForSelector(`[data-testid="fees"][data-centre="${CITY}"][data-month="${month}"]`);

    expect(await textOf(page, '#fees-title')).toBe('收费');
    expect(await textOf(page, '[data-testid="fees-centre"]')).toBe(`崇左市 · ${month}`);
    // The city's and its county's this month: 90 + 80 + 10 yuan assessed, 90 collected, 80 waived, 10 owed.
    expect(await tile(page, 'assessed')).toBe('¥180.00');
    expect(await tile(page, 'collected')).toBe('¥90.00');
    expect(await tile(page, 'waived')).toBe('¥80.00');
    expect(await tile(page, 'outstanding')).toBe('¥10.00');
    expect(await textOf(page, '[data-testid="fee-assessed"] .fee-count')).toBe('3笔');
    expect(await page.locator('[data-testid="fees-departments"] th').allTextContents()).toEqual(['部门', '核定', '实收', '免收', '未缴']);
    expect(await row(page, 'natural_resources')).toEqual(['自然资源局', '¥170.00', '¥90.00', '¥80.00', '¥0.00']);
    expect(await row(page, 'public_security')).toEqual(['公安局', '¥10.00', '¥0.00', '¥0.00', '¥10.00']);

    // Unpaid past the deadline, the longest overdue first; the one still within its deadline is not listed.
    const older = daysOverdue(overdue.older);
    const newer = daysOverdue(overdue.newer);
    expect(older).toBeGreaterThan(newer);
    expect(await unpaid(page)).toEqual([
      `${no.older} 不动产首次登记（国有建设用地使用权及房屋所有权） ¥12,345.67 逾期${older}天`,
      `${no.newer} 临时居民身份证办理 ¥10.00 逾期${newer}天`,
    ]);
    await page.screenshot({ path: path.join(SHOTS, 'supervision-1920-fees.png') });

    // Its application number opens the application's detail.
    await page.locator(`[data-testid="fee-unpaid-item"][data-no="${no.older}"] a`).click();
    await expect.poll(() => textOf(page, '[data-testid="detail-no"]')).toBe(no.older);
    await page.click('#detail-close');

    // The county alone, chosen in the day panel: its figures and its overdue notice.
    await page.selectOption('[data-testid="day-centre-select"]', COUNTY);
    await page.waitForSelector(`[data-testid="fees"][data-centre="${COUNTY}"]`);
    expect(await tile(page, 'assessed')).toBe('¥90.00');
    expect(await tile(page, 'collected')).toBe('¥0.00');
    expect(await unpaid(page)).toEqual([`${no.newer} 临时居民身份证办理 ¥10.00 逾期${newer}天`]);

    // In English.
    await page.click('[data-testid="lang-switch"]');
    await expect.poll(() => textOf(page, '#fees-title')).toBe('Fees');
    expect(await page.locator('[data-testid="fees-departments"] th').allTextContents()).toEqual(['Department', 'Assessed', 'Collected', 'Waived', 'Outstanding']);
    expect(await unpaid(page)).toEqual([`${no.newer} Temporary resident identity card ¥10.00 ${newer} d overdue`]);
    await page.evaluate(() => (globalThis as unknown as { localStorage: { removeItem(key: string): void } }).localStorage.removeItem('onewindow.supervision.lang'));

    // A laptop screen: the panel spans the width below the others.
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.selectOption('[data-testid="day-centre-select"]', CITY);
    await page.waitForSelector(`[data-testid="fees"][data-centre="${CITY}"]`);
    await page.screenshot({ path: path.join(SHOTS, 'supervision-1366-fees.png'), fullPage: true });
    const [fees, efficiency] = await Promise.all([page.locator('[data-testid="fees"]').boundingBox(), page.locator('[data-testid="efficiency"]').boundingBox()]);
    expect(fees!.y).toBeGreaterThanOrEqual(efficiency!.y + efficiency!.height);
    expect(fees!.width).toBeCloseTo(efficiency!.width, 0);

    expect(errors).toEqual([]);
    await context.close();
  });
});

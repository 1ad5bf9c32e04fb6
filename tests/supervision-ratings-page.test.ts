/**
 * The supervision page's ratings panel (好差评) in a real browser (Debian's Chromium through playwright-core)
 * against the real stack: a supervisor of Beihai (450500, which no other test file rates) signs in and
 * sees this month's satisfaction rate and counts of the city and its county Haicheng (450502), the table
 * by window or by officer and the month's ranking of windows, bad ratings in red; in Chinese and in
 * English, at 1920×1080 and on a 1366×768 laptop, the page never wider than the screen.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applications, ratings } from '../db/schema/index.js';
import { type ScratchDatabase, createScratchDatabase } from '../db/scratch.js';
import { type RatingLevel, isBad } from '../workflows/rules/ratings.js';
import { signIn } from './support/signin.js';
import { type Stack, startStack, supervisorOf, windowOf } from './support/stack.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.resolve(import.meta.dirname, '.tmp/screenshots');
const CITY = '450500';
const COUNTY = '450502';
const EVENTS = ['consultation', 'intake', 'decision', 'pickup'] as const;

let stack: Stack;
let scratch: ScratchDatabase;
let browser: Browser;
let serial = 0;

/** An application of the window's department with one rating per event, given now, as the API stores them. */
async function rated(centreCode: string, department: string, windowName: string, levels: RatingLevel[]) {
  const applicationNo = `${centreCode}-RATEPAGE-${String(++serial).padStart(3, '0')}`;
  const now = new Date().toISOString();
  await stack.db.insert(applications).values({
    applicationNo,
    itemCode: 'individual-business-registration',
    itemVersion: 1,
    centreCode,
    leadDepartment: department,
    statutoryLimitDays: 20,
    promisedLimitDays: 1,
    stage: 'picked_up',
    applicant: { type: 'person', name: '测试', idNumber: '450100199001011234' },
    materials: [],
    submittedAt: now,
  });
  await stack.db.insert(ratings).values(
    levels.map((level, i) => ({
      applicationNo,
      event: EVENTS[i],
      level,
      bad: isBad(level),
      channel: 'api' as const,
      ratedBy: 'tests',
      centreCode,
      department,
      windowCode: `${centreCode}-${department}`,
      windowName,
      officerId: windowOf(department, centreCode),
      officerName: `${windowName}工作人员`,
      ratedAt: now,
    })),
  );
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mkdirSync(SHOTS, { recursive: true });
  // A database of its own: these ratings would otherwise be in every other file's regional statistics.
  scratch = await createScratchDatabase(Object.assign(new URL(inject('databaseUrl')), { pathname: '/postgres' }).toString(), `onewindow_ratings_page_${Date.now()}_${process.pid}`);
  stack = await startStack({ signIn: true, worker: false, databaseUrl: scratch.url });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  // This month. The city's market regulation window: 2 of 3 satisfied; its public security window: 2 of 2.
  await rated(CITY, 'market_regulation', '市场监督管理局窗口', ['very_satisfied', 'satisfied', 'dissatisfied']);
  await rated(CITY, 'public_security', '公安局窗口', ['very_satisfied', 'very_satisfied']);
  // The county's taxation window: 3 of 4.
  await rated(COUNTY, 'taxation', '税务局窗口', ['satisfied', 'satisfied', 'satisfied', 'very_dissatisfied']);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await scratch?.drop();
});

const textOf = (page: Page, selector: string) => page.locator(selector).first().textContent();
const tile = (page: Page, figure: string) => textOf(page, `[data-testid="rating-${figure}"] dd`);
const cells = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((rows) => rows.map((row) => [...(row as unknown as { cells: { textContent: string }[] }).cells].map((c) => c.textContent).join(' | ')));
const ranking = (page: Page) => cells(page, '[data-testid="rating-rank"]');
const byRows = (page: Page) => cells(page, '[data-testid="ratings-by-table"] tbody tr');
/** Whether the page, or the element, is wider than the screen (or the element's box): a scroll bar sideways. */
const overflows = (page: Page, selector = 'html') =>
  page.locator(selector).first().evaluate((node) => {
    const n = node as unknown as { scrollWidth: number; clientWidth: number };
    return n.scrollWidth > n.clientWidth + 1;
  });
const box = async (page: Page, testid: string) => (await page.locator(`[data-testid="${testid}"]`).boundingBox())!;

describe('the supervision page’s ratings panel', () => {
  it('shows this month’s satisfaction rate, the table by window or officer and the windows’ ranking, bad ratings in red', { timeout: 90_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, stack.baseUrl, supervisorOf(CITY), '/supervision');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date());
    await page.waitForSelector(`[data-testid="ratings"][data-centre="${CITY}"][data-month="${month}"]`);

    expect(await textOf(page, '#ratings-title')).toBe('好差评');
    expect(await textOf(page, '[data-testid="ratings-centre"]')).toBe(`北海市 · ${month}`);
    // The city and its county this month: 7 of 9 satisfied, 2 bad.
    expect(await tile(page, 'rate')).toBe('77.8%');
    expect(await tile(page, 'total')).toBe('9');
    expect(await tile(page, 'bad')).toBe('2');
    expect(await page.locator('[data-testid="rating-bad"]').getAttribute('class')).toContain('has-bad');
    expect(await page.locator('[data-testid="rating-levels"] .rating-level').allTextContents()).toEqual(['非常满意 3', '满意 4', '基本满意 0', '不满意 1', '非常不满意 1']);
    expect(await page.locator('[data-testid="rating-levels"] .count-red').allTextContents()).toEqual(['不满意 1', '非常不满意 1']);

    // By window.
    expect(await page.locator('[data-testid="ratings-by-table"] th').allTextContents()).toEqual(['窗口', '评价数', '差评', '满意率']);
    expect(await byRows(page)).toEqual(['市场监督管理局窗口 | 3 | 1 | 66.7%', '公安局窗口 | 2 | 0 | 100.0%', '税务局窗口 | 4 | 1 | 75.0%']);

    // The month's ranking: best rate first, bad ratings in red.
    expect(await page.locator('[data-testid="ratings-ranking"] th').allTextContents()).toEqual(['名次', '窗口', '中心', '评价数', '差评', '满意率']);
    expect(await ranking(page)).toEqual(['1 | 公安局窗口 | 北海市 | 2 | 0 | 100.0%', '2 | 税务局窗口 | 海城区 | 4 | 1 | 75.0%', '3 | 市场监督管理局窗口 | 北海市 | 3 | 1 | 66.7%']);
    const market = page.locator(`[data-testid="rating-rank"][data-window="${CITY}-market_regulation"]`);
    expect(await market.getAttribute('class')).toContain('has-red');
    expect(await market.locator('td.rating-bad').getAttribute('class')).toContain('count-red');
    const security = page.locator(`[data-testid="rating-rank"][data-window="${CITY}-public_security"]`);
    expect(await security.getAttribute('class')).not.toContain('has-red');
    expect(await security.locator('td.rating-bad').getAttribute('class')).not.toContain('count-red');

    // By officer.
    await page.selectOption('[data-testid="ratings-by"]', 'officer');
    await page.waitForSelector('[data-testid="ratings"][data-by="officer"]');
    expect(await page.locator('[data-testid="ratings-by-table"] th').first().textContent()).toBe('工作人员');
    expect(await byRows(page)).toEqual(['市场监督管理局窗口工作人员 | 3 | 1 | 66.7%', '公安局窗口工作人员 | 2 | 0 | 100.0%', '税务局窗口工作人员 | 4 | 1 | 75.0%']);

    // Below the room's screen, which keeps its height and its panels; the page no wider than the screen.
    const [efficiency, fees, panel] = await Promise.all([box(page, 'efficiency'), box(page, 'fees'), box(page, 'ratings')]);
    expect(efficiency.y + efficiency.height).toBeLessThanOrEqual(1080);
    expect(fees.y + fees.height).toBeLessThanOrEqual(1080);
    expect(panel.y).toBeGreaterThanOrEqual(efficiency.y + efficiency.height);
    expect(panel.x).toBeCloseTo((await page.locator('.panel-map').boundingBox())!.x, 0);
    expect(await overflows(page)).toBe(false);
    await page.screenshot({ path: path.join(SHOTS, 'supervision-1920-ratings.png'), fullPage: true });

    // The county alone, chosen in the day panel.
    await page.selectOption('[data-testid="day-centre-select"]', COUNTY);
    await page.waitForSelector(`[data-testid="ratings"][data-centre="${COUNTY}"]`);
    expect(await tile(page, 'rate')).toBe('75.0%');
    expect(await ranking(page)).toEqual(['1 | 税务局窗口 | 海城区 | 4 | 1 | 75.0%']);

    // In English: the windows by their department's English name.
    await page.selectOption('[data-testid="ratings-by"]', 'window');
    await page.selectOption('[data-testid="day-centre-select"]', CITY);
    await page.waitForSelector(`[data-testid="ratings"][data-centre="${CITY}"][data-by="window"]`);
    await page.click('[data-testid="lang-switch"]');
    await expect.poll(() => textOf(page, '#ratings-title')).toBe('Ratings');
    expect(await page.locator('[data-testid="ratings-ranking"] th').allTextContents()).toEqual(['Rank', 'Window', 'Centre', 'Ratings', 'Bad', 'Satisfaction']);
    expect(await ranking(page)).toEqual([
      '1 | Public Security window | Beihai | 2 | 0 | 100.0%',
      '2 | Taxation window | Haicheng District | 4 | 1 | 75.0%',
      '3 | Administration for Market Regulation window | Beihai | 3 | 1 | 66.7%',
    ]);
    expect(await page.locator('[data-testid="rating-levels"] .rating-level').allTextContents()).toEqual([
      'Very satisfied 3',
      'Satisfied 4',
      'Basically satisfied 0',
      'Dissatisfied 1',
      'Very dissatisfied 1',
    ]);
    expect(await overflows(page)).toBe(false);
    expect(await overflows(page, '[data-testid="ratings"] .ratings-part:last-child .table-wrap')).toBe(false);

    // A laptop screen, in English and in Chinese: the panel spans the width below the fees panel, nothing wider than the screen.
    await page.setViewportSize({ width: 1366, height: 768 });
    await expect.poll(async () => (await box(page, 'ratings')).width).toBeCloseTo((await box(page, 'fees')).width, 0);
    expect(await overflows(page)).toBe(false);
    expect(await overflows(page, '[data-testid="ratings"] .ratings-part:last-child .table-wrap')).toBe(false);
    await page.locator('[data-testid="ratings"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'supervision-1366-ratings-english.png') });
    await page.click('[data-testid="lang-switch"]');
    await expect.poll(() => textOf(page, '#ratings-title')).toBe('好差评');
    const [laptopFees, laptopPanel] = await Promise.all([box(page, 'fees'), box(page, 'ratings')]);
    expect(laptopPanel.y).toBeGreaterThanOrEqual(laptopFees.y + laptopFees.height);
    expect(laptopPanel.x).toBeCloseTo(laptopFees.x, 0);
    expect(await overflows(page)).toBe(false);
    for (const part of ['first', 'last']) expect(await overflows(page, `[data-testid="ratings"] .ratings-part:${part}-child .table-wrap`)).toBe(false);
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, 'supervision-1366-ratings.png'), fullPage: true });
    await page.evaluate(() => (globalThis as unknown as { localStorage: { removeItem(key: string): void } }).localStorage.removeItem('onewindow.supervision.lang'));

    expect(errors).toEqual([]);
    await context.close();
  });
});

/**
 * The supervision page's application detail in a real browser (Debian's Chromium through
 * playwright-core) against the real stack: the countdown counts working time, a decided application
 * says how long it took, a limit shows its last working day, departments are named at their level,
 * and the timeline says in Chinese (or English) what each event means for the application.
 */
import { existsSync } from 'node:fs';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from './support/signin.js';
import { STARTUP_DEPARTMENTS, type Stack, startStack, supervisorOf } from './support/stack.js';
import { ok, windowActions } from './support/window.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  stack = await startStack({ signIn: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const { submit, accept, approve } = windowActions(() => stack);
const read = async (no: string) => ok<Record<string, any>>(await stack.as(supervisorOf())(`/v1/applications/${no}`)); // eslint-disable-line @typescript-eslint/no-explicit-any

/** The China date of the day before an instant's: the last working day of a limit that ends at 24:00. */
const lastDay = (iso: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.parse(iso) - 1));
const chineseDay = (day: string) => {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
};

async function signedInPage(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page, stack.baseUrl, supervisorOf('450100'), '/supervision');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  return { page, errors };
}

/** Opens an application's detail as a click on its row does (the page's own module). */
async function openDetail(page: Page, no: string) {
  // As a string: the test runner would rewrite an import() written as code.
  await page.evaluate(`import('/supervision/modules/detail.js').then((m) => m.openDetail(${JSON.stringify(no)}))`);
  await expect.poll(() => page.locator('[data-testid="detail-no"]').textContent()).toBe(no);
  await page.locator('[data-testid="timeline"] li').first().waitFor({ timeout: 10_000 });
}

describe('the application detail', () => {
  it('counts working time to the promised limit, shows limits as their last working day and names departments at the centre’s level', async () => {
    const no = await submit();
    ok(await accept(no));
    await expect.poll(async () => (await read(no)).reviews.length).toBe(5);
    const { deadlines } = await read(no);
    const { page, errors } = await signedInPage();
    await openDetail(page, no);

    const countdown = page.locator('[data-testid="countdown"]');
    await expect.poll(() => countdown.textContent()).toMatch(/^\d+个工作日 \d\d:\d\d:\d\d$/);
    // Working time never exceeds the time on the clock, and it is what the text says.
    // One reading of the ticking node: its text and its numbers of the same second.
    const [text, workingMs, remainingMs] = await page.evaluate(() => {
      const node = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string; dataset: Record<string, string> } } }).document.querySelector(
        '[data-testid="countdown"]',
      );
      return [node.textContent, node.dataset.workingMs, node.dataset.remainingMs];
    });
    const [working, remaining] = [Number(workingMs), Number(remainingMs)];
    expect(working).toBeGreaterThanOrEqual(0);
    expect(working).toBeLessThanOrEqual(remaining);
    const [, days, hours] = /^(\d+)个工作日 (\d\d):/.exec(text)!;
    expect(Number(days) * 24 + Number(hours)).toBe(Math.floor(working / 3_600_000));

    // The promised limit reads as its last working day, not 00:00 of the day after.
    const facts = (await page.locator('[data-testid="detail"] .facts').textContent())!;
    expect(facts).toContain(chineseDay(lastDay(deadlines.promisedDueAt)));
    expect(facts).toContain(chineseDay(lastDay(deadlines.statutoryDueAt)));
    expect(facts).not.toMatch(/\d{4}-\d\d-\d\d 00:00/);

    // Nanning's reviews: a 局, never 厅（局）.
    const reviews = (await page.locator('[data-testid="detail"] table').textContent())!;
    expect(reviews).toContain('公安局');
    expect(reviews).toContain('人力资源和社会保障局');
    expect(reviews).not.toContain('（局）');

    // English: the same limit as an ISO day.
    await page.click('[data-testid="lang-switch"]');
    await expect.poll(() => countdown.textContent()).toMatch(/^\d+ working days \d\d:\d\d:\d\d$/);
    expect(await page.locator('[data-testid="detail"] .facts').textContent()).toContain(lastDay(deadlines.promisedDueAt));
    await page.click('[data-testid="lang-switch"]');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('says how long a decided application took and whether on time, and tells its timeline in Chinese and English', async () => {
    const no = await submit();
    ok(await accept(no));
    await expect.poll(async () => (await read(no)).reviews.length).toBe(5);
    for (const department of STARTUP_DEPARTMENTS) ok(await approve(no, department));
    await expect.poll(async () => (await read(no)).timing).not.toBeNull();
    const { page, errors } = await signedInPage();
    await openDetail(page, no);

    const countdown = page.locator('[data-testid="countdown"]');
    await expect.poll(() => countdown.textContent()).toMatch(/^用时 \d+个工作日\d+小时 按承诺时限办结$/);
    expect(await countdown.textContent()).not.toContain('未计时');

    // Every line in plain Chinese: what it means for the application, none of Temporal's words.
    await expect.poll(async () => (await page.locator('[data-testid="timeline"] li').allTextContents()).join('\n')).toContain('、办结');
    const lines = await page.locator('[data-testid="timeline"] li span').allTextContents();
    const timeline = lines.join('\n');
    expect(lines[0]).toBe('申请已提交，办件流程开始');
    for (const words of ['写入读模型', '窗口受理', '部门审查：批准', '开启审查（公安局）', '计时器开始（承诺时限']) expect(timeline).toContain(words);
    // The officers are named by their ids (450100-taxation-chief); nothing else is a code.
    expect(timeline.replace(/\d{6}-[a-z_]+-(officer|chief|leader)/g, '')).not.toMatch(/activity|timer|update|workflow|record[A-Z]|[a-z]+_[a-z]+/);

    await page.click('[data-testid="lang-switch"]');
    await expect.poll(async () => (await page.locator('[data-testid="timeline"] li span').allTextContents())[0]).toBe('Application submitted; its workflow starts');
    const english = (await page.locator('[data-testid="timeline"] li span').allTextContents()).join('\n');
    for (const words of ['Write to the read model', 'Accepted at the window', 'Review: approved', 'Timer set (']) expect(english).toContain(words);
    await expect.poll(() => countdown.textContent()).toMatch(/^took \d+ working days \d+ h within the promised limit$/);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

/**
 * The supervision page's follow-ups panel (督办) in a real browser (Debian's Chromium through playwright-core)
 * against the real stack (API, worker, Temporal, PostgreSQL): a bad rating given through the integrator
 * and a complaint the integrator sends about an officer, both at Jinchengjiang (金城江区, 451202, a county of Hechi
 * that no other test file uses), and a complaint a window officer takes down at its sibling Yizhou
 * (451203). The county's supervisor sees the two of their own, counted, overdue first, and not the
 * sibling's; they accept the complaint and record substantiated findings through the page, and the case
 * it opens shows in the cases list by its follow-up, there being no application. The city's supervisor
 * sees both counties; at 1920×1080 and on a 1366×768 laptop the page is never wider than the screen.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findApplication } from '../db/queries.js';
import { followUps, officers } from '../db/schema/index.js';
import { servedEvents } from '../db/served-events.js';
import { saveTestItem } from './support/items.js';
import { signIn } from './support/signin.js';
import { type Stack, leaderOf, startStack, supervisorOf, windowOf } from './support/stack.js';
import { ok, windowActions } from './support/window.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.resolve(import.meta.dirname, '.tmp/screenshots');
const CITY = '451200';
const COUNTY = '451202';
const SIBLING = '451203';
const OFFICER = windowOf('taxation', COUNTY);

let stack: Stack;
let browser: Browser;
let ratingId: string;
let complaintId: string;
let siblingId: string;
const act = windowActions(() => stack);
const nameOf = async (id: string) => (await stack.db.select({ name: officers.name }).from(officers).where(eq(officers.id, id)))[0].name;

interface FollowUp {
  id: string;
  stage: string;
  level: string;
  dueAt: string | null;
  caseId: string | null;
  steps?: { step: string }[];
}

/** Waits (in real time: the worker writes the read model) until `check` answers true; expect.poll is for tests, not hooks. */
async function until(check: () => Promise<boolean>, timeout = 30_000) {
  for (const end = Date.now() + timeout; !(await check()); ) {
    if (Date.now() > end) throw new Error(`Not so after ${timeout} ms: ${check.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A follow-up as its centre's supervisor reads it, with its steps. */
const followUp = async (id: string, centre: string) => (await stack.as(supervisorOf(centre))({ url: `/v1/follow-ups/${id}` })).json() as FollowUp;
/** Its workflow has started and written its clocks and first step. */
const started = async (id: string, centre: string) => {
  const f = await followUp(id, centre);
  return !!f.dueAt && (f.steps?.length ?? 0) > 0;
};

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mkdirSync(SHOTS, { recursive: true });
  stack = await startStack({ signIn: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });

  // A bad rating of the intake of an application at the county, through the integrator.
  const no = await act.submit({ itemCode: await saveTestItem(stack.db), centreCode: COUNTY });
  ok(await act.accept(no));
  await until(async () => {
    const found = await findApplication(stack.db, no);
    return found ? (await servedEvents(stack.db, found.row, found.reviews)).intake !== undefined : false;
  });
  const rating = ok<{ bad: boolean }>(await stack.integrator({ method: 'POST', url: `/v1/applications/${no}/ratings`, payload: { event: 'intake', level: 'very_dissatisfied', comment: '排队两小时' } }), 201);
  expect(rating.bad).toBe(true);
  ratingId = `R-${no}-intake`;

  // A complaint about an officer of the county, through the integrator (the 12345 hotline).
  complaintId = ok<FollowUp>(
    await stack.integrator({
      method: 'POST',
      url: '/v1/complaints',
      payload: { subject: { kind: 'officer', officerId: OFFICER }, content: '窗口工作人员推诿，不予解释', complainant: { name: '李四', phone: '13800000000' }, reference: `page-${randomUUID()}` },
    }),
    201,
  ).id;
  // A complaint about the sibling county's centre, taken down at one of its windows.
  siblingId = ok<FollowUp>(
    await stack.as(windowOf('market_regulation', SIBLING))({ method: 'POST', url: '/v1/complaints', payload: { subject: { kind: 'centre', centreCode: SIBLING }, content: '大厅取号系统经常故障' } }),
    201,
  ).id;
  await until(async () => (await started(ratingId, COUNTY)) && (await started(complaintId, COUNTY)) && (await started(siblingId, SIBLING)));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const textOf = (page: Page, selector: string) => page.locator(selector).first().textContent();
const count = (page: Page, kind: string, figure: string) => page.locator(`[data-testid="follow-up-count-${kind}-${figure}"]`).getAttribute('data-count');
const rowIds = (page: Page) => page.locator('[data-testid="follow-up-item"]').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { id: string } }).dataset.id));
const row = (page: Page, id: string) => page.locator(`[data-testid="follow-up-item"][data-id="${id}"]`);
/** Whether the page, or the element, is wider than the screen (or the element's box): a scroll bar sideways. */
const overflows = (page: Page, selector = 'html') =>
  page.locator(selector).first().evaluate((node) => {
    const n = node as unknown as { scrollWidth: number; clientWidth: number };
    return n.scrollWidth > n.clientWidth + 1;
  });
const box = async (page: Page, testid: string) => (await page.locator(`[data-testid="${testid}"]`).boundingBox())!;
const refresh = (page: Page) => page.evaluate(() => (globalThis as unknown as { __supervision: { refresh(): Promise<unknown> } }).__supervision.refresh());

/** Every control of the follow-ups panel that has no accessible name (a label, aria-label or text). */
function unnamedControls(page: Page) {
  return page.evaluate(() => {
    interface Control {
      outerHTML: string;
      labels?: { length: number } | null;
      textContent: string | null;
      getAttribute(name: string): string | null;
    }
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<Control> } }).document;
    return [...doc.querySelectorAll('.panel-follow-ups :is(button, input, textarea, select)')]
      .filter((c) => !((c.labels?.length ?? 0) > 0 || c.getAttribute('aria-label')?.trim() || c.textContent?.trim()))
      .map((c) => c.outerHTML.slice(0, 120));
  });
}

/**
 * The panel below the ratings, as wide as they are and left-aligned with them, nothing wider than the
 * screen; the follow-up opened beside the list on the room's screen, below it on a laptop.
 */
async function checkLayout(page: Page, height: number, opened: 'beside' | 'below') {
  const [ratings, panel] = await Promise.all([box(page, 'ratings'), box(page, 'follow-ups')]);
  expect(panel.y).toBeGreaterThanOrEqual(ratings.y + ratings.height);
  expect(panel.x).toBeCloseTo(ratings.x, 0);
  expect(panel.width).toBeCloseTo(ratings.width, 0);
  // The room's screen keeps its height: the panel is below it, the page scrolls to it.
  expect(panel.y).toBeGreaterThanOrEqual(Math.min(height, ratings.y + ratings.height));
  expect(await overflows(page)).toBe(false);
  expect(await overflows(page, '.follow-ups-table-wrap')).toBe(false);
  expect(await overflows(page, '[data-testid="follow-up-detail"]')).toBe(false);
  const [list, detail] = await Promise.all([page.locator('.follow-ups-part').boundingBox(), box(page, 'follow-up-detail')]);
  if (opened === 'beside') expect(list!.x + list!.width).toBeLessThanOrEqual(detail.x);
  else expect(list!.y + list!.height).toBeLessThanOrEqual(detail.y);
  // Inside the panel.
  expect(detail.y + detail.height).toBeLessThanOrEqual(panel.y + panel.height);
  expect(detail.x + detail.width).toBeLessThanOrEqual(panel.x + panel.width);
}

describe('the supervision page’s follow-ups panel', () => {
  it('counts and lists the county’s bad ratings and complaints, overdue first; the supervisor accepts a complaint and records substantiated findings, and its case shows without an application', { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, stack.baseUrl, supervisorOf(COUNTY), '/supervision');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    await page.waitForSelector(`[data-testid="follow-ups"][data-centre="${COUNTY}"]`);

    expect(await textOf(page, '#follow-ups-title')).toBe('督办 · 差评与投诉');
    expect(await textOf(page, '[data-testid="follow-ups-centre"]')).toBe('金城江区');
    // One of each, open and on time; the sibling county's complaint is not the county supervisor's.
    for (const kind of ['bad_rating', 'complaint']) {
      expect([await count(page, kind, 'open'), await count(page, kind, 'yellow'), await count(page, kind, 'overdue')]).toEqual(['1', '0', '0']);
    }
    expect((await rowIds(page)).sort()).toEqual([complaintId, ratingId].sort());
    expect(await page.evaluate((id) => fetch(`/v1/follow-ups/${id}`).then((r) => r.status), siblingId)).toBe(404);
    expect(await page.locator('[data-testid="follow-ups-list"] th').allTextContents()).toEqual(['级别', '类型', '编号', '事由', '中心 · 部门', '阶段', '期限', '承办人']);
    const ratingRow = row(page, ratingId);
    expect(await ratingRow.locator('td.about').textContent()).toBe(`${ratingId.slice(2, -'-intake'.length)} · 受理环节差评`);
    expect(await ratingRow.getByTestId('follow-up-stage').textContent()).toBe('待回访');
    expect(await ratingRow.locator('td.assignee').textContent()).toBe(await nameOf(leaderOf('market_regulation', COUNTY)));
    const complaintRow = row(page, complaintId);
    expect(await complaintRow.locator('td.about').textContent()).toBe(`工作人员 ${OFFICER}`);
    expect(await complaintRow.getByTestId('follow-up-stage').textContent()).toBe('待受理');
    expect(await complaintRow.locator('td.assignee').textContent()).toBe('本中心监察员');
    expect(await complaintRow.locator('td.due .countdown').getAttribute('data-due')).toBe((await followUp(complaintId, COUNTY)).dueAt);

    // The bad rating's contact limit passes (the workflow's write, made here in the read model): red, counted overdue, listed first.
    await stack.db.update(followUps).set({ level: 'red' }).where(eq(followUps.id, ratingId));
    await refresh(page);
    await expect.poll(() => count(page, 'bad_rating', 'overdue')).toBe('1');
    expect(await page.getByTestId('follow-up-count-bad_rating-overdue').getAttribute('class')).toContain('count-red');
    expect(await page.getByTestId('follow-up-count-complaint-overdue').getAttribute('class')).not.toContain('count-red');
    expect(await rowIds(page)).toEqual([ratingId, complaintId]);
    expect(await ratingRow.getAttribute('class')).toContain('has-red');
    expect(await ratingRow.locator('.badge').textContent()).toBe('红牌超期');
    // A bad rating waits for its department's leader: no action of the supervisor's.
    await ratingRow.getByTestId('follow-up-open').click();
    await expect.poll(() => page.getByTestId('follow-up-steps').locator('li').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('follow-up-detail').locator('form').count()).toBe(0);
    expect(await textOf(page, '.follow-up-waiting')).toBe('由该部门负责人回访、整改；提出申诉后由监察员复核。');

    // The complaint: its steps, and the acceptance its stage waits for. Sent without a choice or a note, refused, naming both.
    await complaintRow.getByRole('button', { name: `查看投诉督办 ${complaintId}` }).click();
    const detail = page.getByTestId('follow-up-detail');
    await expect.poll(() => detail.getAttribute('data-stage')).toBe('received');
    expect(await detail.getByTestId('follow-up-steps').textContent()).toContain('发起督办');
    expect(await detail.textContent()).toContain('李四 13800000000');
    expect(await detail.textContent()).toContain('窗口工作人员推诿，不予解释');
    const acceptance = detail.getByRole('form', { name: `受理投诉 ${complaintId}` });
    await acceptance.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => acceptance.getByRole('alert').textContent()).toBe('请选择“是否受理”。 请填写“受理意见（不予受理时为告知投诉人的理由）”：此项必填。');
    expect(await acceptance.locator('fieldset').getAttribute('aria-invalid')).toBe('true');
    expect(await unnamedControls(page)).toEqual([]);
    await acceptance.getByRole('radio', { name: '受理并调查' }).check();
    await acceptance.getByRole('textbox', { name: '受理意见（不予受理时为告知投诉人的理由）' }).fill('受理，由本中心调查');
    await acceptance.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => page.getByTestId('follow-ups-status').textContent()).toBe(`已受理：${complaintId}，调查中`);
    await expect.poll(() => detail.getAttribute('data-stage')).toBe('investigating');
    await expect.poll(() => complaintRow.getByTestId('follow-up-stage').textContent()).toBe('调查中');
    expect(await complaintRow.locator('td.assignee').textContent()).toBe(await nameOf(supervisorOf(COUNTY)));
    expect(await detail.getByTestId('follow-up-steps').textContent()).toContain('已受理');

    // The findings: substantiated, with the reply; the officer complained about is held responsible.
    const findings = detail.getByRole('form', { name: `投诉 ${complaintId} 的调查结论` });
    await findings.getByRole('radio', { name: '属实（立案追责）' }).check();
    await findings.getByRole('textbox', { name: '调查结论' }).fill('经调取录像，工作人员确有推诿');
    await findings.getByRole('textbox', { name: '答复投诉人' }).fill('投诉属实，已责令整改并向您致歉');
    expect(await unnamedControls(page)).toEqual([]);
    await page.locator('[data-testid="follow-ups"]').screenshot({ path: path.join(SHOTS, 'follow-ups-panel-findings.png') });
    await findings.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => page.getByTestId('follow-ups-status').textContent()).toBe(`投诉属实：${complaintId}，已立案 ${complaintId}`);
    await expect.poll(() => row(page, complaintId).count()).toBe(0);
    expect(await count(page, 'complaint', 'open')).toBe('0');
    expect(await detail.getAttribute('data-stage')).toBe('closed');
    expect(await detail.getByTestId('follow-up-outcome').textContent()).toBe('投诉属实');
    expect(await detail.getByTestId('follow-up-case').textContent()).toBe(complaintId);
    expect(await detail.locator('form').count()).toBe(0);

    // The case it opened: in the pending list, by its follow-up, with no application link.
    const caseItem = page.locator(`[data-testid="case-item"][data-case-id="${complaintId}"]`);
    await expect.poll(() => caseItem.count()).toBe(1);
    expect(await caseItem.locator('.app-link').count()).toBe(0);
    expect(await caseItem.getByTestId('case-follow-up').textContent()).toBe(complaintId);
    expect(await caseItem.locator('.badge').textContent()).toBe('投诉督办');
    expect(await caseItem.textContent()).toContain(`责任人：${await nameOf(OFFICER)}`);
    expect(await caseItem.getByRole('button', { name: `记录说明：${complaintId}（投诉督办）` }).count()).toBe(1);
    // Its explanation form names the follow-up.
    await caseItem.getByRole('button', { name: /^记录说明：/ }).click();
    expect(await caseItem.getByRole('form', { name: `记录${complaintId}责任人的情况说明` }).count()).toBe(1);
    await page.keyboard.press('Escape');

    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, 'supervision-1920-follow-ups.png'), fullPage: true });
    await checkLayout(page, 1080, 'beside');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the city’s supervisor both counties, in English on a 1366×768 laptop; a case opens its follow-up in the panel', { timeout: 90_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-GB', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(() => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('onewindow.supervision.lang', 'en'));
    await signIn(page, stack.baseUrl, supervisorOf(CITY), '/supervision');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    await page.waitForSelector(`[data-testid="follow-ups"][data-centre="${CITY}"]`);

    expect(await textOf(page, '#follow-ups-title')).toBe('Follow-ups (督办): bad ratings and complaints');
    // The county's overdue bad rating and the sibling's complaint; the county's complaint is closed.
    expect([await count(page, 'bad_rating', 'open'), await count(page, 'bad_rating', 'overdue')]).toEqual(['1', '1']);
    expect([await count(page, 'complaint', 'open'), await count(page, 'complaint', 'overdue')]).toEqual(['1', '0']);
    expect(await rowIds(page)).toEqual([ratingId, siblingId]);
    expect(await row(page, siblingId).locator('td.about').textContent()).toBe('Centre Yizhou District');
    expect(await row(page, siblingId).getByTestId('follow-up-stage').textContent()).toBe('To accept');
    expect(await row(page, ratingId).locator('td.about').textContent()).toContain('bad rating of the intake');

    // Only the county chosen: the sibling's complaint goes.
    await page.selectOption('[data-testid="day-centre-select"]', COUNTY);
    await page.waitForSelector(`[data-testid="follow-ups"][data-centre="${COUNTY}"]`);
    expect(await rowIds(page)).toEqual([ratingId]);
    expect(await count(page, 'complaint', 'open')).toBe('0');
    await page.selectOption('[data-testid="day-centre-select"]', CITY);
    await page.waitForSelector(`[data-testid="follow-ups"][data-centre="${CITY}"]`);

    // The case the complaint opened, in the cases panel: its follow-up opens below, closed, with its outcome.
    const caseItem = page.locator(`[data-testid="case-item"][data-case-id="${complaintId}"]`);
    await expect.poll(() => caseItem.count()).toBe(1);
    expect(await caseItem.locator('.badge').textContent()).toBe('Complaint');
    await caseItem.getByTestId('case-follow-up').click();
    const detail = page.getByTestId('follow-up-detail');
    await expect.poll(() => detail.getAttribute('data-stage')).toBe('closed');
    expect(await detail.getByTestId('follow-up-outcome').textContent()).toBe('Substantiated');
    expect(await detail.getByTestId('follow-up-steps').textContent()).toContain('Case opened');

    // The sibling's complaint: the acceptance form, in English.
    await row(page, siblingId).getByRole('button', { name: `Show the Complaint follow-up ${siblingId}` }).click();
    await expect.poll(() => detail.getAttribute('data-stage')).toBe('received');
    expect(await detail.getByRole('form', { name: `Accept complaint ${siblingId}` }).count()).toBe(1);
    expect(await detail.textContent()).toContain('anonymous');
    expect(await unnamedControls(page)).toEqual([]);

    await page.locator('[data-testid="follow-ups"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'supervision-1366-follow-ups-english.png') });
    await checkLayout(page, 768, 'below');
    // In Chinese too.
    await page.click('[data-testid="lang-switch"]');
    await expect.poll(() => textOf(page, '#follow-ups-title')).toBe('督办 · 差评与投诉');
    expect(await detail.getByRole('form', { name: `受理投诉 ${siblingId}` }).count()).toBe(1);
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, 'supervision-1366-follow-ups.png'), fullPage: true });
    await checkLayout(page, 768, 'below');
    await page.evaluate(() => (globalThis as unknown as { localStorage: { removeItem(key: string): void } }).localStorage.removeItem('onewindow.supervision.lang'));

    expect(errors).toEqual([]);
    await context.close();
  });
});

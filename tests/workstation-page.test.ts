/**
 * The window workstation (/workstation) in a real browser (Debian's Chromium through playwright-core)
 * against the real stack served over HTTP, each officer signed in through the local identity provider
 * in their own browser: a chief representative's approval with a condition from the inbox, the handover
 * with a licence number, a major item that waits for the department leader (who extends the limit and
 * decides), not accepting and rejecting with reasons, a review's clock stopped for a hearing, files
 * uploaded and listed, the CSRF token on every change, an expired session and signing in again,
 * signing out; accessible names, the English switch and no horizontal overflow at 1366×768.
 * tests/workstation-day.test.ts walks a whole day from consultation to pickup.
 */
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../api/session.js';
import { sessions } from '../db/schema/index.js';
import { png } from './support/files.js';
import { type Stack, chiefOf, leaderOf, materialsOf, startStack, supervisorOf, windowOf } from './support/stack.js';
import { ok, windowActions } from './support/window.js';
import { Desk, cookieOf, launchChromium, outcome, overflows, pickOfficer, screenshot, stageOf, testid, unnamedControls } from './support/workstation.js';

const ITEM = 'food-business-licence'; // 食品经营许可: market regulation, promised, reviewed by its own department
const MAJOR = 'eia-report-book-approval'; // 环境影响报告书审批: major, decided by ecology and environment's leader

let stack: Stack;
let browser: Browser;
let desk: Desk;
let base: string;
const actions = windowActions(() => stack);

beforeAll(async () => {
  stack = await startStack({ signIn: true });
  base = stack.baseUrl;
  browser = await launchChromium();
  desk = new Desk(browser, base);
});

afterAll(async () => {
  await desk?.close();
  await browser?.close();
  await stack?.close();
});

const openAs = (officerId: string | undefined, hash = '', viewport?: { width: number; height: number }) => desk.open(officerId, hash, viewport);

let no = '';
let windowPage: Page;

describe('the window workstation', () => {
  it('opens an accepted application at the window: its materials, the files handed in, the 受理通知书', { timeout: 120_000 }, async () => {
    no = await actions.submit({ itemCode: ITEM });
    const material = materialsOf(ITEM)[0];
    ok(await actions.accept(no), 200);
    await expect.poll(async () => (await stack.integrator(`/v1/applications/${no}`)).json().reviews[0]?.status ?? null).toBe('open');
    windowPage = await openAs(windowOf('market_regulation'), `#/application/${no}`);
    const page = windowPage;
    expect(await page.title()).toBe('政务服务业务通用软件 · 窗口工作台');
    await expect.poll(() => testid(page, 'whoami').textContent()).toContain('窗口工作人员');
    await testid(page, 'application-no').waitFor();
    expect(await stageOf(page)).toBe('in_review');

    // A PNG of the first material, uploaded at the window: its CSRF token is the session's.
    const row = page.locator(`tr[data-material="${material}"]`);
    expect(await row.locator('[data-testid="no-attachments"]').textContent()).toBe('无附件');
    const sent: (string | undefined)[] = [];
    page.on('request', (r) => r.method() === 'POST' && sent.push(r.headers()['x-csrf-token']));
    await row.getByLabel(`上传附件：${material}`).setInputFiles({ name: '申请书.png', mimeType: 'image/png', buffer: png() });
    await row.getByRole('button', { name: '上传', exact: true }).click();
    await outcome(page, '附件已上传');
    expect(sent).toEqual([await cookieOf(page, 'ow_csrf')]);
    const file = row.locator('[data-testid="attachment"]');
    expect(await file.textContent()).toBe('申请书.png');
    expect(await file.getAttribute('download')).toBe('申请书.png');
    expect(await row.locator('li').getAttribute('data-content-type')).toBe('image/png');
    expect(await row.locator('[data-testid="attachment-list"]').textContent()).toMatch(/1 KB · \d{4}-\d{2}-\d{2} \d{2}:\d{2} · 上传人 /);

    // The 受理通知书, opening in a new tab, with its number.
    const notice = testid(page, 'document-acceptance_notice');
    expect(await notice.getByRole('link').textContent()).toBe('受理通知书');
    expect(await notice.getByRole('link').getAttribute('target')).toBe('_blank');
    expect(await notice.getByRole('link').getAttribute('href')).toMatch(new RegExp(`^/v1/applications/${no}/documents/\\d+$`));
    expect(await notice.locator('[data-testid="document-number"]').textContent()).toMatch(/^450100受通〔\d{4}〕第\d{6}号$/);
    expect(await unnamedControls(page)).toEqual([]);
  });

  it('lets the chief representative approve the review with a condition from the inbox', { timeout: 120_000 }, async () => {
    const page = await openAs(chiefOf('market_regulation'));
    await page.getByRole('heading', { name: '待审批', level: 2 }).waitFor();
    await page.getByRole('link', { name: no }).click();
    await page.getByRole('heading', { name: `审批 ${no}` }).waitFor();
    expect(await testid(page, 'reviews').textContent()).toContain('市场监督管理');
    expect(await testid(page, 'review-due').textContent()).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日$/);
    await page.getByRole('textbox', { name: '附加条件（可选）' }).fill('开业前通过现场核查');
    expect(await unnamedControls(page)).toEqual([]);
    expect(await overflows(page)).toBe(false);
    await page.getByRole('button', { name: '准予', exact: true }).click();
    await outcome(page, '已准予');
    expect(await stageOf(page)).toBe('completed');
    expect(await testid(page, 'reviews').locator('tr[data-status="approved"]').count()).toBe(1);
    expect(await page.getByRole('button', { name: '准予', exact: true }).count()).toBe(0);
  });

  it('hands the result over at the window with the recipient, the identity check and the licence number', { timeout: 120_000 }, async () => {
    const page = windowPage;
    await page.getByRole('link', { name: '窗口待办', exact: true }).click();
    const row = testid(page, `queue-${no}`);
    await row.waitFor();
    expect(await row.getAttribute('data-task')).toBe('pickup');
    await row.getByRole('link', { name: no }).click();
    await page.getByRole('textbox', { name: '领取人' }).fill('韦小芳');
    await page.getByRole('checkbox', { name: '已核验领取人身份证件' }).check();
    await page.getByRole('textbox', { name: '证照编号' }).fill('JY14501000000001');
    await page.getByRole('button', { name: '确认发放' }).click();
    await outcome(page, '已发放');
    expect(await stageOf(page)).toBe('picked_up');
    const view = ok<{ handover: object }>(await stack.as(windowOf('market_regulation'))(`/v1/applications/${no}`));
    expect(view.handover).toMatchObject({ recipient: '韦小芳', idChecked: true, licenceNo: 'JY14501000000001' });
  });

  it('keeps a major item from the chief representative; the leader extends the limit and decides', { timeout: 180_000 }, async () => {
    const major = await actions.submit({ itemCode: MAJOR });
    ok(await actions.accept(major, 'ecology_environment'));
    await expect.poll(async () => (await stack.integrator(`/v1/applications/${major}`)).json().reviews[0]?.deadlines?.promisedDueAt ?? null).not.toBeNull();

    const chief = await openAs(chiefOf('ecology_environment'), `#/decide/${major}/ecology_environment`);
    await testid(chief, 'major-notice').waitFor();
    expect(await testid(chief, 'major-notice').textContent()).toContain('须由部门负责人决定');
    expect(await chief.getByRole('button', { name: '准予', exact: true }).count()).toBe(0);

    const leader = await openAs(leaderOf('ecology_environment'), '', { width: 1920, height: 1080 });
    await leader.getByRole('link', { name: major }).click();
    await leader.getByRole('heading', { name: `审批 ${major}` }).waitFor();
    const before = await leader.locator('[data-testid="deadline"] time').nth(1).getAttribute('datetime');
    const extension = testid(leader, 'extension');
    await extension.getByRole('spinbutton', { name: '延长工作日数' }).fill('5');
    await extension.getByRole('textbox', { name: '理由（必填）' }).fill('需组织专家现场踏勘');
    await screenshot(leader, 'decision-major-leader');
    await leader.getByRole('button', { name: '延长时限' }).click();
    await outcome(leader, '已延长法定时限');
    const after = await leader.locator('[data-testid="deadline"] time').nth(1).getAttribute('datetime');
    expect(after! > before!).toBe(true);
    await leader.getByRole('button', { name: '准予', exact: true }).click();
    await outcome(leader, '已准予');
    expect(await stageOf(leader)).toBe('completed');
  });

  it('switches to English, names every control and does not overflow at 1366×768', { timeout: 120_000 }, async () => {
    const page = windowPage;
    for (const hash of ['#/queue', '#/consult', `#/application/${no}`]) {
      await page.goto(`${base}/workstation${hash}`);
      await page.waitForSelector('body[data-ready="true"]');
      await page.locator('main h2').first().waitFor();
      expect(await overflows(page), hash).toBe(false);
      expect(await unnamedControls(page), hash).toEqual([]);
    }
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: `Application ${no}` }).waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang)).toBe('en');
    expect(await page.getByRole('link', { name: 'Window queue' }).count()).toBe(1);
    expect(await stageOf(page)).toBe('picked_up');
    expect(await testid(page, 'stage').first().textContent()).toBe('Picked up');
    expect(await testid(page, 'promised-due').textContent()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await testid(page, 'document-approval_decision').getByRole('link').textContent()).toBe('Licensing decision (approval)');
    await page.getByRole('link', { name: 'Window queue' }).click();
    await page.getByRole('heading', { name: 'Window queue', level: 2 }).waitFor();
    expect(await overflows(page)).toBe(false);
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { name: '窗口待办', level: 2 }).waitFor();
  });

  it('refuses without a reason, then does not accept one application and rejects another, each with its reason', { timeout: 120_000 }, async () => {
    const [refused, reviewed] = [await actions.submit({ itemCode: ITEM }), await actions.submit({ itemCode: ITEM })];
    ok(await actions.accept(reviewed));
    const page = windowPage ?? (await openAs(windowOf('market_regulation')));
    await page.goto(`${base}/workstation#/application/${refused}`);
    await testid(page, 'not-accept').waitFor();
    const notAccept = page.getByRole('button', { name: '不予受理' });
    await notAccept.click(); // no reason: the form asks for one and sends nothing
    expect(await testid(page, 'not-accept').getByRole('textbox', { name: '理由（必填）' }).evaluate((node) => (node as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing)).toBe(true);
    expect(await stageOf(page)).toBe('submitted');
    await testid(page, 'not-accept').getByRole('textbox', { name: '理由（必填）' }).fill('申请事项不属于本机关职权范围');
    await notAccept.click();
    await outcome(page, '已决定不予受理');
    expect(await stageOf(page)).toBe('not_accepted');

    const chief = await openAs(chiefOf('market_regulation'), `#/decide/${reviewed}/market_regulation`);
    await testid(chief, 'reject').getByRole('textbox', { name: '理由（必填）' }).fill('经营场所不符合食品安全要求');
    await chief.getByRole('button', { name: '不予批准' }).click();
    await outcome(chief, '已决定不予批准');
    expect(await stageOf(chief)).toBe('rejected');
    expect(await testid(chief, 'reviews').textContent()).toContain('经营场所不符合食品安全要求');
  });

  it("stops a review's clock for a hearing and restarts it at the window", { timeout: 120_000 }, async () => {
    const inReview = await actions.submit({ itemCode: ITEM });
    ok(await actions.accept(inReview));
    await expect.poll(async () => (await stack.integrator(`/v1/applications/${inReview}`)).json().reviews[0]?.status ?? null).toBe('open');
    const page = windowPage ?? (await openAs(windowOf('market_regulation')));
    await page.goto(`${base}/workstation#/application/${inReview}`);
    await page.waitForSelector('[data-testid="stop-clock"]');
    const clock = testid(page, 'clock');
    await clock.getByRole('combobox', { name: '暂停原因' }).selectOption('hearing');
    await clock.getByRole('textbox', { name: '理由（必填）' }).fill('申请人要求听证');
    await clock.getByRole('button', { name: '暂停计时' }).click();
    await outcome(page, '已暂停计时');
    expect(await testid(page, 'clock').textContent()).toContain('计时暂停：听证');
    await testid(page, 'clock').getByRole('button', { name: '恢复计时' }).click();
    await outcome(page, '已恢复计时');
    const view = ok<{ reviews: { stops: { type: string; endedAt?: string }[] }[] }>(await stack.as(windowOf('market_regulation'))(`/v1/applications/${inReview}`));
    expect(view.reviews[0].stops).toMatchObject([{ type: 'hearing', endedAt: expect.any(String) }]);
  });

  it('says when the session has expired, with the sign-in link; signing in again returns to the same screen', { timeout: 120_000 }, async () => {
    const page = await openAs(windowOf('market_regulation'), `#/application/${no}`);
    await testid(page, 'application-no').waitFor();
    expect(await testid(page, 'notice').isVisible()).toBe(false);
    // Idle for longer than the session's idle timeout (30 minutes): the row says it was last used 31 minutes ago.
    const id = (await cookieOf(page, 'ow_session'))!;
    await stack.db.update(sessions).set({ lastSeenAt: new Date(Date.now() - 31 * 60_000).toISOString() }).where(eq(sessions.idHash, sha256(id)));
    await page.getByRole('link', { name: '窗口待办', exact: true }).click();
    await expect.poll(() => testid(page, 'notice').textContent()).toContain('会话已过期，请重新登录');
    const link = testid(page, 'sign-in');
    expect(await link.getAttribute('href')).toBe(`/auth/login?returnTo=${encodeURIComponent('/workstation#/queue')}`);
    expect(await page.getByRole('button', { name: '退出' }).isVisible()).toBe(false);
    expect(await stack.db.select().from(sessions).where(eq(sessions.idHash, sha256(id)))).toEqual([]);

    await link.click();
    await pickOfficer(page, windowOf('market_regulation'));
    expect(new URL(page.url()).hash).toBe('#/queue');
    await page.getByRole('heading', { name: '窗口待办', level: 2 }).waitFor();
    expect(await testid(page, 'notice').isVisible()).toBe(false);
    await expect.poll(() => testid(page, 'whoami').textContent()).toContain('窗口工作人员');
    expect(await cookieOf(page, 'ow_session')).not.toBe(id);
  });

  it("signs out with the session's CSRF token, ending the session", { timeout: 60_000 }, async () => {
    const page = await openAs(windowOf('market_regulation'));
    const id = (await cookieOf(page, 'ow_session'))!;
    const csrf = await cookieOf(page, 'ow_csrf');
    const logout = page.waitForResponse((r) => new URL(r.url()).pathname === '/auth/logout');
    await page.getByRole('button', { name: '退出' }).click();
    const answer = await logout;
    expect(answer.request().headers()['x-csrf-token']).toBe(csrf);
    expect(answer.status()).toBe(204);
    await testid(page, 'sign-in').waitFor();
    expect(await testid(page, 'notice').textContent()).toContain('您已退出');
    expect(await page.getByRole('button', { name: '退出' }).isVisible()).toBe(false);
    expect(await stack.db.select().from(sessions).where(eq(sessions.idHash, sha256(id)))).toEqual([]);
    expect(await cookieOf(page, 'ow_session')).toBeUndefined();
    expect((await page.context().request.get(`${base}/auth/session`)).status()).toBe(401);
  });

  it('asks who is not signed in to sign in, and sends supervisors to the supervision centre', { timeout: 60_000 }, async () => {
    // The page is public (it holds no data); the font is cached for a year; the README's screenshots are not served.
    const font = await fetch(`${base}/workstation/vendor/noto-sans-sc.ttf`, { method: 'HEAD' });
    expect(font.status).toBe(200);
    expect(font.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable/);
    expect((await fetch(`${base}/workstation/screenshots/intake.png`)).status).toBe(404);

    const anonymous = await openAs(undefined);
    const signIn = anonymous.getByRole('link', { name: '登录' });
    await signIn.waitFor();
    expect(await signIn.getAttribute('href')).toBe(`/auth/login?returnTo=${encodeURIComponent('/workstation')}`);

    const supervisor = await openAs(supervisorOf());
    await testid(supervisor, 'other-role').waitFor();
    expect(await supervisor.getByRole('link', { name: '前往电子监察' }).getAttribute('href')).toBe('/supervision');
    expect(desk.errors).toEqual([]);
  });
});

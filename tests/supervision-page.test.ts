/**
 * The supervision monitoring page (/supervision) in a real browser (Debian's Chromium through
 * playwright-core) against the real stack served over HTTP: sign-in through the local identity
 * provider, the map's dots and colours, the day's table, an application's detail, a live update through
 * the event stream, the item category filter, and a session that expires under the open page.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { type Browser, type ConsoleMessage, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../api/session.js';
import { sessions } from '../db/schema/index.js';
import { signIn } from './support/signin.js';
import { type Stack, chiefOf, startStack, submission, supervisorOf, uniqueIdNumber, windowOf } from './support/stack.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.resolve(import.meta.dirname, '.tmp/screenshots');
const COLOURS: Record<string, string> = { green: '#2e7d32', yellow: '#f9a825', red: '#c62828' };
const ITEM = 'food-business-licence';

interface MapCentre {
  code: string;
  longitude: number;
  latitude: number;
  supervision: 'green' | 'yellow' | 'red';
}

const chinaToday = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

let stack: Stack;
let browser: Browser;
let base: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mkdirSync(SHOTS, { recursive: true });
  stack = await startStack({ signIn: true });
  base = stack.baseUrl;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** What the tests read of the page's globals (the project's TypeScript has no DOM library). */
interface PageGlobals {
  __supervision: {
    centres: unknown[];
    refresh(): Promise<unknown>;
    chart: {
      getOption(): { geo: { zoom?: number }[]; series: { type: string; data: { code: string; itemStyle: { color: string } }[] }[] };
      convertToPixel(finder: object, value: number[]): number[];
    };
  };
  __notReloaded?: boolean;
  localStorage: { removeItem(key: string): void };
  sessionStorage: { length: number };
  document: { cookie: string };
}

/** The page's map: each dot's centre code, colour and series type, as ECharts holds them. */
function mapDots(page: Page) {
  return page.evaluate(() =>
    (globalThis as unknown as PageGlobals).__supervision.chart
      .getOption()
      .series.flatMap((s) => s.data.map((d) => ({ code: d.code, colour: d.itemStyle.color, type: s.type }))),
  );
}

const text = (page: Page, testid: string) => page.locator(`[data-testid="${testid}"]`).first().textContent();

async function apiMap(): Promise<MapCentre[]> {
  return (await stack.as(supervisorOf())('/v1/supervision/map')).json().centres;
}

describe('the supervision page', () => {
  it('shows the map, the day table and a live application detail', { timeout: 180_000 }, async () => {
    // An application at Nanning, accepted: its promised clock is running.
    const idNumber = uniqueIdNumber();
    const body = submission({ itemCode: ITEM, applicant: { type: 'person', name: '韦小芳', idNumber } });
    const submitted = await stack.integrator({ method: 'POST', url: '/v1/applications', payload: body });
    expect(submitted.statusCode).toBe(201);
    const no = submitted.json().applicationNo as string;
    const accepted = await stack.as(windowOf('market_regulation'))({
      method: 'POST',
      url: `/v1/applications/${no}/intake`,
      payload: { decision: 'accept', department: 'market_regulation' },
    });
    expect(accepted.statusCode).toBe(200);
    await expect.poll(async () => (await stack.integrator(`/v1/applications/${no}`)).json().deadlines.promisedDueAt).not.toBeNull();

    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Signed out, the page's question for its session is answered 401, as it should be.
    const signedOutAnswer = (m: ConsoleMessage) => m.location().url.endsWith('/auth/session') && m.text().includes('401');
    page.on('console', (m) => m.type() === 'error' && !signedOutAnswer(m) && errors.push(`${m.text()} ${m.location().url}`));
    // Signed out, the page offers to sign in (no token to paste); the identity provider lists the officers,
    // and the regional supervisor, picked there, lands back on the page, which opens on the whole region.
    await page.goto(`${base}/supervision`);
    await page.waitForSelector('[data-testid="signin"]:not([hidden])');
    expect(await page.locator('#signin textarea, #signin input').count()).toBe(0);
    await page.click('[data-testid="signin-link"]');
    await page.locator(`button[name="officer"][value="${supervisorOf()}"]`).click();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    expect(page.url()).toBe(`${base}/supervision`);
    expect(await text(page, 'whoami')).toContain(supervisorOf());
    expect(await page.title()).toBe('广西政务服务电子监察');
    // The workstation's Noto Sans SC (web/workstation/fonts.css) is declared for the page's Chinese text and loads.
    const loadedFaces = await page.evaluate(async () => {
      const { fonts } = (globalThis as unknown as { document: { fonts: { load: (font: string, text: string) => Promise<unknown[]> } } }).document;
      return (await fonts.load('16px "OneWindow Noto Sans SC"', '北京时间')).length;
    });
    expect(loadedFaces).toBe(1);
    await page.waitForSelector('[data-testid="live"][data-state="live"]', { timeout: 10_000 });

    // A dot per centre, coloured by the centre's supervision state; red ones blink (effectScatter).
    const centres = await page.evaluate(() => (globalThis as unknown as PageGlobals).__supervision.centres.length);
    expect(centres).toBeGreaterThanOrEqual(126);
    await expect
      .poll(async () => {
        const [dots, expected] = await Promise.all([mapDots(page), apiMap()]);
        return {
          count: dots.length,
          codes: new Set(dots.map((d) => d.code)).size,
          wrong: expected.filter((c) => dots.find((d) => d.code === c.code)?.colour !== COLOURS[c.supervision]).map((c) => c.code),
          redNotBlinking: dots.filter((d) => d.colour === COLOURS.red && d.type !== 'effectScatter').map((d) => d.code),
        };
      })
      .toEqual({ count: centres, codes: centres, wrong: [], redNotBlinking: [] });

    // Zoomed in on Nanning (a test centre may lie a few pixels away), a click on its dot selects it for the table.
    const nanning = (await apiMap()).find((c) => c.code === '450100')!;
    const nanningAt = () =>
      page.evaluate(
        (point) => (globalThis as unknown as PageGlobals).__supervision.chart.convertToPixel({ geoIndex: 0 }, point),
        [nanning.longitude, nanning.latitude],
      );
    const box = (await page.locator('[data-testid="map"]').boundingBox())!;
    const [x0, y0] = await nanningAt();
    await page.mouse.move(box.x + x0, box.y + y0);
    const zoom = () => page.evaluate(() => (globalThis as unknown as PageGlobals).__supervision.chart.getOption().geo[0].zoom ?? 1);
    for (let i = 0; i < 15; i++) await page.mouse.wheel(0, -400);
    await expect.poll(zoom).toBeGreaterThan(4.1); // every wheel step handled (×1.1 each), none left to come
    const [x, y] = await nanningAt();
    await page.mouse.click(box.x + x, box.y + y);
    await expect.poll(() => text(page, 'day-centre')).toMatch(/^南宁市政务服务中心/);
    await page.click('[data-testid="map-reset"]');
    await expect.poll(zoom).toBe(1);
    await page.fill('[data-testid="day-date"]', chinaToday());
    const row = page.locator(`[data-testid="day-row-${ITEM}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('食品经营许可');
    await page.mouse.move(0, 0);
    await page.waitForTimeout(600); // the map's transition back to the whole region, for the screenshot
    await page.screenshot({ path: path.join(SHOTS, 'supervision-1920-overview.png') });

    // Its applications, then the detail of ours: number, masked ID, a running countdown, the timeline.
    await row.click();
    await page.locator(`[data-testid="application-${no}"]`).click();
    const detail = page.locator('[data-testid="detail"]');
    await detail.waitFor();
    await expect.poll(() => text(page, 'detail-no')).toBe(no);
    await page.locator('[data-testid="timeline"] li').first().waitFor({ timeout: 10_000 });
    const masked = `${idNumber.slice(0, 4)}${'*'.repeat(idNumber.length - 8)}${idNumber.slice(-4)}`;
    expect(await page.locator('[data-testid="masked-id"]').textContent()).toBe(masked);
    expect(await detail.textContent()).not.toContain(idNumber);
    const countdown = page.locator('[data-testid="countdown"]');
    // Working time to the promised limit (see supervision-detail.test.ts for its days and the timeline's words).
    expect(await countdown.textContent()).toMatch(/^\d+个工作日 \d\d:\d\d:\d\d$/);
    const before = Number(await countdown.getAttribute('data-remaining-ms'));
    await expect.poll(async () => Number(await countdown.getAttribute('data-remaining-ms'))).toBeLessThanOrEqual(before - 900);
    expect(await page.locator('[data-testid="timeline"]').textContent()).toContain('窗口受理');
    await page.screenshot({ path: path.join(SHOTS, 'supervision-1920-detail.png') });

    // The market regulation review approves it: the open detail shows 办结 through the event stream.
    await page.evaluate(() => ((globalThis as unknown as PageGlobals).__notReloaded = true));
    const decided = await stack.as(chiefOf('market_regulation'))({
      method: 'POST',
      url: `/v1/applications/${no}/reviews/market_regulation/decision`,
      payload: { decision: 'approve' },
    });
    expect(decided.statusCode).toBe(200);
    await page.waitForSelector('[data-testid="detail"] .stage[data-stage="completed"]', { timeout: 5_000 });
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__notReloaded)).toBe(true);
    expect(await page.locator('[data-testid="detail"] .stage[data-stage="completed"]').textContent()).toBe('已办结');

    // English, kept across a reload.
    await page.click('[data-testid="lang-switch"]');
    await page.waitForSelector('text=Electronic map');
    expect(await page.locator('[data-testid="detail"] .stage[data-stage="completed"]').textContent()).toBe('completed');
    expect(await page.locator('[data-testid="live"]').textContent()).toContain('live');
    // Reloaded by the event stream and relabelled: still a dot per centre.
    expect((await mapDots(page)).length).toBeGreaterThanOrEqual(centres);
    await page.screenshot({ path: path.join(SHOTS, 'supervision-1920-english.png') });
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.locator('h1').textContent()).toBe('Guangxi government service electronic supervision');

    // The efficiency panel groups by item too: the approved application's item is among the rows.
    await page.selectOption('[data-testid="efficiency-group"]', 'item');
    await page.waitForSelector(`[data-testid="efficiency"] tr[data-key="${ITEM}"]`, { timeout: 5000 });

    // A laptop screen: the panels stack and the page scrolls.
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.removeItem('onewindow.supervision.lang'));
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.screenshot({ path: path.join(SHOTS, 'supervision-1366-laptop.png'), fullPage: true });
    const [mapBox, tableBox] = await Promise.all([
      page.locator('[data-testid="map"]').boundingBox(),
      page.locator('[data-testid="day-table"]').boundingBox(),
    ]);
    expect(tableBox!.y).toBeGreaterThan(mapBox!.y + mapBox!.height);

    expect(errors).toEqual([]);
    await context.close();
  });

  it('narrows the day’s table and the statistics to the item category chosen (其他行政权力)', { timeout: 90_000 }, async () => {
    // Today at Nanning: a food business licence (行政许可) and a seal engraving filing (公章刻制备案, 其他行政权力).
    const FILING = 'seal-engraving-record';
    for (const itemCode of [ITEM, FILING]) {
      const res = await stack.integrator({ method: 'POST', url: '/v1/applications', payload: submission({ itemCode }) });
      expect(res.statusCode, res.body).toBe(201);
    }
    const others = new Set(
      ((await stack.app.inject({ url: '/v1/items?category=other_power' })).json().items as { code: string }[]).map((i) => i.code),
    );
    expect(others.has(FILING) && !others.has(ITEM)).toBe(true);

    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, base, supervisorOf('450100'), '/supervision');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    await page.fill('[data-testid="day-date"]', chinaToday());
    await page.locator(`[data-testid="day-row-${ITEM}"]`).waitFor({ timeout: 10_000 });
    await page.locator(`[data-testid="day-row-${FILING}"]`).waitFor();
    const rowItems = () =>
      page.locator('[data-testid^="day-row-"]').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { testid: string } }).dataset.testid.slice('day-row-'.length)));
    expect(await page.locator('[data-testid="day-category"] option').allTextContents()).toEqual(['全部', '行政许可', '其他行政权力', '公共服务']);

    await page.selectOption('[data-testid="day-category"]', { label: '其他行政权力' });
    await page.locator(`[data-testid="day-row-${ITEM}"]`).waitFor({ state: 'detached', timeout: 10_000 });
    const shown = await rowItems();
    expect(shown).toContain(FILING);
    expect(shown.filter((code) => !others.has(code))).toEqual([]);
    await expect.poll(() => text(page, 'efficiency-centre')).toContain('其他行政权力');
    await page.screenshot({ path: path.join(SHOTS, 'supervision-1920-category.png') });

    // All items again: the licence is back.
    await page.selectOption('[data-testid="day-category"]', '');
    await page.locator(`[data-testid="day-row-${ITEM}"]`).waitFor({ timeout: 10_000 });
    expect(await text(page, 'efficiency-centre')).not.toContain('其他行政权力');
    // In English the choices say both names.
    await page.click('[data-testid="lang-switch"]');
    await expect.poll(() => page.locator('[data-testid="day-category"] option').nth(2).textContent()).toBe('Other administrative powers (其他行政权力)');
    await page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.removeItem('onewindow.supervision.lang'));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('covers only the signed-in supervisor’s centre, signs out, and asks to sign in again when the session expires', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    await signIn(page, base, supervisorOf('450100'), '/supervision');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    expect(page.url()).toBe(`${base}/supervision`);
    // The session is in an httpOnly cookie: the page's scripts cannot read it, and keep no token.
    const cookies = await context.cookies(base);
    expect(cookies.find((c) => c.name === 'ow_session')).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' });
    const { cookie, stored } = await page.evaluate(() => ({
      cookie: (globalThis as unknown as PageGlobals).document.cookie,
      stored: (globalThis as unknown as PageGlobals).sessionStorage.length,
    }));
    expect(cookie).not.toContain('ow_session');
    expect(stored).toBe(0);
    const codes = (await mapDots(page)).map((d) => d.code);
    expect(codes).toContain('450100');
    expect(codes.length).toBeGreaterThan(1);
    expect(codes.filter((c) => !c.startsWith('4501'))).toEqual([]);
    expect(await text(page, 'day-centre')).toMatch(/^南宁市政务服务中心/);

    await page.click('[data-testid="sign-out"]');
    await page.waitForSelector('[data-testid="signin"]:not([hidden])');
    expect((await context.cookies(base)).map((c) => c.name)).not.toContain('ow_session');
    expect(await page.locator('body[data-ready="true"]').count()).toBe(0);

    // Signed in again, the session goes idle past its limit while the page is open: its next load is
    // refused, and the page asks to sign in again, saying the session expired.
    await signIn(page, base, supervisorOf('450100'), '/supervision');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    const id = (await context.cookies(base)).find((c) => c.name === 'ow_session')!.value;
    await stack.db.update(sessions).set({ lastSeenAt: new Date(Date.now() - 31 * 60_000).toISOString() }).where(eq(sessions.idHash, sha256(id)));
    await page.evaluate(() => void (globalThis as unknown as PageGlobals).__supervision.refresh());
    await page.waitForSelector('[data-testid="signin"]:not([hidden])', { timeout: 10_000 });
    await expect.poll(() => text(page, 'signin-error')).toContain('expired');
    expect(await page.locator('body[data-ready="true"]').count()).toBe(0);
    await context.close();
  });
});

/**
 * The demo (issue 16): a demo centre whose working day lasts three seconds (dayMinutes 0.05), made
 * through the organisation API as `npm run simulate -- --demo` makes its centres. An application there
 * passes its yellow, red and statutory red instants within half a minute by the workflow's own durable
 * timers on the real Temporal dev server, with real timestamps; the alerts and the case that red opens
 * are in the read model; and the supervision page, in Chromium, shows the centre's dot red and
 * blinking, the alert and the open case. No real centre may have compressed days.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoCentre, demoStaffing } from '../db/demo.js';
import { signIn } from './support/signin.js';
import { type Stack, adminOf, materialsOf, securityOf, startStack, uniqueIdNumber } from './support/stack.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.resolve(import.meta.dirname, '.tmp/screenshots');
const RED = '#c62828';
// Promised 5 working days, statutory 10, yellow 1 day before the promised limit: with three-second
// days, yellow comes after 12–15 s, red after 15–18 s, statutory red after 30–33 s.
const ITEM = 'food-business-licence';
const DAY_MS = 3000;
const CENTRE: DemoCentre = {
  code: '459990',
  name: '演示中心（测试，三秒一个工作日）',
  nameEn: 'Demo centre (test, three-second working days)',
  division: '演示',
  parentCode: '450000',
  level: 'city',
  longitude: 108.2,
  latitude: 21.3,
  coordinateApproximate: false,
  dayMinutes: DAY_MS / 60_000,
};
const supervisor = `${CENTRE.code}-supervisor`;

interface Alert {
  applicationNo: string;
  level: string;
  department: string | null;
  at: string;
  caseId: string | null;
}
interface Clock {
  warnAt: string | null;
  promisedDueAt: string | null;
  statutoryDueAt: string | null;
}

let stack: Stack;
let browser: Browser;
let late: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mkdirSync(SHOTS, { recursive: true });
  stack = await startStack({ signIn: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  // The demo centre, its windows and officers, through the API as the simulator makes them: the
  // region's system administrator the centre and windows, its security administrator the officers.
  const put = async (url: string, payload: object) => {
    const res = await stack.as(url.startsWith('/v1/officers/') ? securityOf() : adminOf())({ method: 'PUT', url, payload });
    expect([200, 201], `${url}: ${res.body}`).toContain(res.statusCode);
  };
  await put(`/v1/centres/${CENTRE.code}`, CENTRE);
  const { departments } = (await stack.integrator('/v1/departments')).json();
  const staff = demoStaffing(CENTRE, departments.map(({ code, name, nameEn, levels }: Record<string, unknown>) => ({ code, name, nameEn, levels })));
  for (const w of staff.windows) await put(`/v1/windows/${w.code}`, w);
  for (const o of staff.officers) await put(`/v1/officers/${o.id}`, { departmentCode: null, windowCode: null, ...o });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function submitAndAccept(): Promise<{ no: string; acceptedAt: string; deadlines: Clock }> {
  const submitted = await stack.integrator({
    method: 'POST',
    url: '/v1/applications',
    payload: { itemCode: ITEM, centreCode: CENTRE.code, applicant: { type: 'person', name: '演示申请人', idNumber: uniqueIdNumber() }, materials: materialsOf(ITEM) },
  });
  expect(submitted.statusCode, submitted.body).toBe(201);
  const no = submitted.json().applicationNo as string;
  const accepted = await stack.as(`${CENTRE.code}-market_regulation-officer`)({
    method: 'POST',
    url: `/v1/applications/${no}/intake`,
    payload: { decision: 'accept', department: 'market_regulation' },
  });
  expect(accepted.statusCode, accepted.body).toBe(200);
  await expect.poll(async () => (await stack.integrator(`/v1/applications/${no}`)).json().deadlines.promisedDueAt, { timeout: 10_000 }).not.toBeNull();
  const view = (await stack.integrator(`/v1/applications/${no}`)).json();
  return { no, acceptedAt: view.acceptedAt, deadlines: view.deadlines };
}

const alertsOf = async (no: string): Promise<Alert[]> =>
  ((await stack.as(supervisor)({ url: '/v1/alerts', query: { centre: CENTRE.code } })).json().alerts as Alert[]).filter((a) => a.applicationNo === no);

describe('a demo centre', () => {
  it('may not be a real centre: compressed days are refused on 450100', async () => {
    const nanning = (await stack.integrator('/v1/centres/450100')).json();
    expect(nanning.dayMinutes).toBeNull();
    const res = await stack.as(adminOf())({ method: 'PUT', url: '/v1/centres/450100', payload: { ...nanning, dayMinutes: 1 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');
    expect(res.body).toContain('dayMinutes');
    expect((await stack.integrator(`/v1/centres/${CENTRE.code}`)).json().dayMinutes).toBe(CENTRE.dayMinutes);
  });

  it('turns an undecided application yellow, red and statutory red by its own timers, and red opens a case', { timeout: 90_000 }, async () => {
    const prompt = await submitAndAccept();
    const undecided = await submitAndAccept();
    late = undecided.no;
    const { acceptedAt, deadlines } = undecided;
    // Limits in compressed days: the day of acceptance is not counted, each limit ends where its last day ends.
    const dayStart = Math.floor(Date.parse(acceptedAt) / DAY_MS) * DAY_MS;
    expect(Date.parse(deadlines.warnAt!)).toBe(dayStart + 5 * DAY_MS);
    expect(Date.parse(deadlines.promisedDueAt!)).toBe(dayStart + 6 * DAY_MS);
    expect(Date.parse(deadlines.statutoryDueAt!)).toBe(dayStart + 11 * DAY_MS);

    // The other is decided at once: on time, in compressed working days.
    const decided = await stack.as(`${CENTRE.code}-market_regulation-chief`)({
      method: 'POST',
      url: `/v1/applications/${prompt.no}/reviews/market_regulation/decision`,
      payload: { decision: 'approve' },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    await expect.poll(async () => (await stack.integrator(`/v1/applications/${prompt.no}`)).json().stage, { timeout: 10_000 }).toBe('completed');

    // The timers fire at the real instants: yellow, then red, then statutory red, each an alert.
    await expect
      .poll(async () => new Set((await alertsOf(late)).map((a) => a.level)), { timeout: 60_000, interval: 1000 })
      .toEqual(new Set(['yellow', 'red', 'statutory_red']));
    const alerts = await alertsOf(late);
    for (const [level, due] of [
      ['yellow', deadlines.warnAt],
      ['red', deadlines.promisedDueAt],
      ['statutory_red', deadlines.statutoryDueAt],
    ] as const) {
      const raised = alerts.filter((a) => a.level === level);
      expect(raised.length, level).toBeGreaterThan(0);
      // Not before its instant, and within seconds after it: a durable timer, not a faked timestamp.
      for (const a of raised) {
        expect(Date.parse(a.at), level).toBeGreaterThanOrEqual(Date.parse(due!));
        expect(Date.parse(a.at) - Date.parse(due!), level).toBeLessThan(10_000);
      }
    }
    const view = (await stack.integrator(`/v1/applications/${late}`)).json();
    expect(view.supervision).toBe('statutory_red');
    expect((await stack.integrator(`/v1/applications/${prompt.no}`)).json().supervision).toBe('green');

    // Red opened its case: pending, for the late application.
    const cases = (await stack.as(supervisor)({ url: '/v1/cases', query: { application: late, status: 'pending' } })).json().cases as { id: string; status: string }[];
    expect(cases.length).toBeGreaterThan(0);
    expect(cases.every((c) => c.status === 'open')).toBe(true);
    expect(alerts.filter((a) => a.level !== 'yellow').some((a) => a.caseId)).toBe(true);

    // The map: the centre is red.
    const map = (await stack.as(supervisor)('/v1/supervision/map')).json().centres as { code: string; supervision: string; dayMinutes: number | null }[];
    expect(map.find((c) => c.code === CENTRE.code)).toMatchObject({ supervision: 'red', dayMinutes: CENTRE.dayMinutes });
  });

  it('shows on the supervision page: a blinking red dot, the alert and the open case', { timeout: 90_000 }, async () => {
    expect(late).toBeDefined();
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, stack.baseUrl, supervisor, '/supervision');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });

    // The dot: red, drawn by ECharts' effectScatter, whose ripple makes it blink (a canvas has no CSS animation).
    const dot = () =>
      page.evaluate((code) => {
        const g = globalThis as unknown as {
          __supervision: { chart: { getOption(): { series: { type: string; rippleEffect?: { period: number }; data: { code: string; itemStyle: { color: string } }[] }[] } } };
        };
        const series = g.__supervision.chart.getOption().series.find((s) => s.data.some((d) => d.code === code));
        const d = series?.data.find((x) => x.code === code);
        return series && d ? { type: series.type, ripple: !!series.rippleEffect, colour: d.itemStyle.color } : null;
      }, CENTRE.code);
    await expect.poll(dot, { timeout: 20_000 }).toEqual({ type: 'effectScatter', ripple: true, colour: RED });

    // The alert in the alerts list, and its case in the pending cases.
    await expect.poll(() => page.locator(`[data-testid="alert-item"][data-no="${late}"]`).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect
      .poll(() => page.locator(`[data-testid="case-item"][data-status="open"][data-case-id^="${late}/"]`).count(), { timeout: 20_000 })
      .toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'supervision-demo-centre.png') });

    // Its detail counts in the centre's compressed days: overdue since the promised limit by as many
    // three-second days as have passed, and the real time of the one under way.
    await page.locator(`[data-testid="alert-item"][data-no="${late}"] a.app-link`).first().click();
    const countdown = page.locator('[data-testid="countdown"]');
    await countdown.waitFor({ timeout: 10_000 });
    const promisedDue = Date.parse((await stack.integrator(`/v1/applications/${late}`)).json().deadlines.promisedDueAt);
    // Text and attribute read at one instant: the countdown ticks every second, and a day lasts three.
    const [text, workingMs] = await countdown.evaluate((el) => [el.textContent ?? '', el.getAttribute('data-working-ms')]);
    const shown = Number(text.match(/^已超期 (\d+)个工作日 00:00:0\d$/)?.[1]);
    const overdueMs = -Number(workingMs);
    expect(Math.abs(overdueMs - (Date.now() - promisedDue))).toBeLessThan(3000);
    expect(shown, text).toBe(Math.floor(overdueMs / DAY_MS));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('tells the window in its inbox how many compressed days and real minutes are left, or how many days overdue', { timeout: 60_000 }, async () => {
    const fresh = await submitAndAccept();
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    await signIn(page, stack.baseUrl, `${CENTRE.code}-market_regulation-chief`, '/workstation');
    const row = (no: string) => page.locator('tr', { hasText: no }).locator('.remaining').first();
    await expect.poll(() => row(fresh.no).textContent(), { timeout: 15_000 }).toMatch(/^剩 \d 个工作日（演示中心：1 分钟）$/);
    await expect.poll(() => row(late).textContent(), { timeout: 10_000 }).toMatch(/^已超期 \d+ 个工作日$/);
    await context.close();
  });
});

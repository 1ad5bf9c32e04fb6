/**
 * The public satisfaction figures (好差评公示) at GET /v1/public/satisfaction and the page at
 * /satisfaction, without sign-in, against ratings and follow-ups written here, in a database of the
 * file's own, at Beihai (450500) and its districts Haicheng (450502) and Yinhai (450503), the others
 * (450512, 450521) left unrated: exact counts per level, rates and bad ratings per centre and
 * together, how the bad ratings were followed up (rectified, explained, open; a dispute upheld left
 * out of the figures), the windows' ranking with the windows under minRatings unranked after, the
 * month in China time; nothing of the officers, the applicants or the comments; a finished month only
 * (400 for the current month, one to come, or no month at all), 404 for an unknown centre, a few
 * requests a minute per address; and the page in a real browser (Debian's Chromium through
 * playwright-core) showing the ranking, moved by its centre and month choices.
 */
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applications, followUps, ratings } from '../db/schema/index.js';
import { type ScratchDatabase, createScratchDatabase } from '../db/scratch.js';
import type { FollowUpOutcome, FollowUpStage } from '../workflows/rules/follow-ups.js';
import { type RatingLevel, isBad } from '../workflows/rules/ratings.js';
import { type Stack, startStack } from './support/stack.js';
import { launchChromium, overflows, testid, unnamedControls } from './support/workstation.js';

const CITY = '450500';
const HAICHENG = '450502';
const YINHAI = '450503';
const TIESHANGANG = '450512';
const HEPU = '450521';
const WINDOW_NAMES: Record<string, string> = { market_regulation: '市场监督管理局窗口', public_security: '公安局窗口', taxation: '税务局窗口' };

let stack: Stack;
let scratch: ScratchDatabase;
let browser: Browser;
let base: string;
let serial = 0;
const errors: string[] = [];
/** Marks this run's officers, comments and applicants: none of it may be published. */
const run = Math.random().toString(36).slice(2, 8);
const SECRETS = [`officer-${run}`, `工作人员${run}`, `评论${run}`, `申请人${run}`, `PUBSAT-${run}`];

/** A China-time instant. */
const cn = (local: string) => `${local}+08:00`;

interface Given {
  level: RatingLevel;
  at: string;
  /** The bad rating's follow-up (督办) as it stands. */
  followUp?: { stage: FollowUpStage; outcome?: FollowUpOutcome };
  disputeUpheld?: boolean;
}

/**
 * Ratings of a window (`<centre>-<department>`, as the seed names windows; null: an event served at no
 * known window), one application each (read-model row, as the recorder writes it), each with an
 * officer and a comment; a follow-up row for those given one, as the follow-up workflow writes it.
 */
async function rated(centreCode: string, department: string | null, given: Given[]) {
  for (const g of given) {
    const applicationNo = `${centreCode}-PUBSAT-${run}-${String(++serial).padStart(4, '0')}`;
    const event = department ? 'intake' : 'consultation';
    await stack.db.insert(applications).values({
      applicationNo,
      itemCode: 'individual-business-registration',
      itemVersion: 1,
      centreCode,
      leadDepartment: department ?? 'market_regulation',
      statutoryLimitDays: 20,
      promisedLimitDays: 1,
      stage: 'picked_up',
      applicant: { type: 'person', name: `申请人${run}`, idNumber: '450100199001011234' },
      materials: [],
      submittedAt: cn('2026-04-20T09:00:00'),
    });
    await stack.db.insert(ratings).values({
      applicationNo,
      event,
      level: g.level,
      bad: isBad(g.level),
      tags: isBad(g.level) ? ['slow'] : ['efficient'],
      comment: `评论${run}：${g.level}`,
      channel: 'api' as const,
      ratedBy: 'tests',
      centreCode,
      department,
      windowCode: department && `${centreCode}-${department}`,
      windowName: department && WINDOW_NAMES[department],
      officerId: department && `${centreCode}-${department}-officer-${run}`,
      officerName: department && `工作人员${run}`,
      ratedAt: g.at,
      disputeUpheld: g.disputeUpheld ?? false,
    });
    if (g.followUp) {
      await stack.db.insert(followUps).values({
        id: `R-${applicationNo}-${event}`,
        kind: 'bad_rating',
        stage: g.followUp.stage,
        outcome: g.followUp.outcome ?? null,
        centreCode,
        department,
        applicationNo,
        ratingEvent: event,
        ratingLevel: g.level,
        content: `评论${run}`,
        channel: 'api',
        submittedBy: `rating:${serial}`,
        openedAt: g.at,
        closedAt: g.followUp.stage === 'closed' ? cn('2026-06-10T10:00:00') : null,
      });
    }
  }
}

/** `n` ratings of one level in May 2026, China time. */
const may = (level: RatingLevel, n = 1, more: Omit<Given, 'level' | 'at'> = {}): Given[] =>
  Array.from({ length: n }, (_, i) => ({ level, at: cn(`2026-05-${String(10 + i).padStart(2, '0')}T10:00:00`), ...more }));

const chinaMonth = (at = new Date()) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(at);
function lastFinishedMonth() {
  const [year, month] = chinaMonth().split('-').map(Number);
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
}

beforeAll(async () => {
  // A database of its own: these ratings stay out of the region's shared statistics.
  scratch = await createScratchDatabase(Object.assign(new URL(inject('databaseUrl')), { pathname: '/postgres' }).toString(), `onewindow_public_satisfaction_${Date.now()}_${process.pid}`);
  stack = await startStack({ worker: false, databaseUrl: scratch.url });
  await stack.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(stack.app.server.address() as AddressInfo).port}`;

  // Beihai, the city. Market regulation: 3 of 4 satisfied (0.75), its bad rating rectified; a bad
  // rating at 23:50 on 30 April in China (15:50 UTC) is April's, one at 00:10 on 1 June (31 May UTC) June's.
  await rated(CITY, 'market_regulation', [
    ...may('very_satisfied'),
    ...may('satisfied'),
    ...may('basically_satisfied'),
    ...may('dissatisfied', 1, { followUp: { stage: 'closed', outcome: 'rectified' } }),
    { level: 'very_dissatisfied', at: cn('2026-04-30T23:50:00'), followUp: { stage: 'rectifying' } },
    { level: 'dissatisfied', at: cn('2026-06-01T00:10:00'), followUp: { stage: 'contacting' } },
  ]);
  // Public security: 2 of 2 (1.0); a bad rating whose dispute was upheld (申诉成立) does not count.
  await rated(CITY, 'public_security', [...may('very_satisfied', 2), ...may('very_dissatisfied', 1, { disputeUpheld: true, followUp: { stage: 'closed', outcome: 'dispute_upheld' } })]);
  // Haicheng. Taxation: 3 of 5 (0.6), one bad rating explained, the other still being rectified.
  await rated(HAICHENG, 'taxation', [
    ...may('satisfied', 3),
    ...may('very_dissatisfied', 1, { followUp: { stage: 'closed', outcome: 'explained' } }),
    ...may('dissatisfied', 1, { followUp: { stage: 'rectifying' } }),
  ]);
  // A consultation served at no known window: the centre's, no window's.
  await rated(HAICHENG, null, may('very_satisfied'));
  // Yinhai. Market regulation: one rating, good (its bad rating was changed within the window: withdrawn).
  await rated(YINHAI, 'market_regulation', may('satisfied', 1, { followUp: { stage: 'closed', outcome: 'withdrawn' } }));
  // Hepu: one rating in the last finished month, one in the current month (not published yet).
  const [year, month] = lastFinishedMonth().split('-');
  await rated(HEPU, 'taxation', [{ level: 'basically_satisfied', at: cn(`${year}-${month}-15T12:00:00`) }, { level: 'very_dissatisfied', at: new Date().toISOString() }]);

  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await scratch?.drop();
});

/** Without credentials, from an address of the test's own (each address has its own allowance). */
const publicly = (url: string, remoteAddress = '198.51.100.1') => stack.app.inject({ method: 'GET', url, remoteAddress });
async function published(query: string, remoteAddress?: string) {
  const res = await publicly(`/v1/public/satisfaction?${query}`, remoteAddress);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Published;
}

type Levels = Record<RatingLevel, number>;
interface Counts {
  levels: Levels;
  total: number;
  bad: number;
  satisfactionRate: number | null;
}
interface FollowUp {
  closed: number;
  rectified: number;
  explained: number;
  open: number;
  disputeUpheld: number;
}
interface Published {
  month: string;
  centre: { code: string; name: string };
  minRatings: number;
  asOf: string;
  overall: Counts & { followUp: FollowUp };
  centres: (Counts & { code: string; name: string; parentCode: string | null; followUp: FollowUp })[];
  windows: (Counts & { rank: number | null; windowCode: string; name?: string; centreCode: string; centreName: string | null })[];
}

const levels = (very_satisfied: number, satisfied: number, basically_satisfied: number, dissatisfied: number, very_dissatisfied: number): Levels => ({
  very_satisfied,
  satisfied,
  basically_satisfied,
  dissatisfied,
  very_dissatisfied,
});
const followUp = (rectified: number, explained: number, open: number, disputeUpheld: number): FollowUp => ({ closed: rectified + explained, rectified, explained, open, disputeUpheld });
/** Each window as `rank window total rate`. */
const order = (body: Published) => body.windows.map((w) => `${w.rank ?? '-'} ${w.windowCode} ${w.total} ${w.satisfactionRate}`);

describe('the month’s figures, published (好差评公示)', () => {
  it('counts each centre’s ratings per level, its rate, its bad ratings and how they were followed up, and all of them together', async () => {
    const body = await published(`centre=${CITY}&month=2026-05&minRatings=2`);
    expect(body).toMatchObject({ month: '2026-05', centre: { code: CITY, name: '北海市政务服务中心' }, minRatings: 2 });
    expect(Date.parse(body.asOf)).toBeGreaterThan(Date.now() - 60_000);
    expect(body.centres.map((c) => c.code)).toEqual([CITY, HAICHENG, YINHAI, TIESHANGANG, HEPU]);
    expect(body.centres[0]).toEqual({
      code: CITY,
      name: '北海市政务服务中心',
      parentCode: '450000',
      levels: levels(3, 1, 1, 1, 0),
      total: 6,
      bad: 1,
      satisfactionRate: 0.8333,
      followUp: followUp(1, 0, 0, 1),
    });
    expect(body.centres[1]).toEqual({
      code: HAICHENG,
      name: '海城区政务服务中心',
      parentCode: CITY,
      levels: levels(1, 3, 0, 1, 1),
      total: 6,
      bad: 2,
      satisfactionRate: 0.6667,
      followUp: followUp(0, 1, 1, 0),
    });
    expect(body.centres[2]).toMatchObject({ code: YINHAI, levels: levels(0, 1, 0, 0, 0), total: 1, bad: 0, satisfactionRate: 1, followUp: followUp(0, 0, 0, 0) });
    for (const unrated of body.centres.slice(3)) {
      expect(unrated).toMatchObject({ levels: levels(0, 0, 0, 0, 0), total: 0, bad: 0, satisfactionRate: null, followUp: followUp(0, 0, 0, 0) });
    }
    expect(body.overall).toEqual({ levels: levels(4, 5, 1, 2, 1), total: 13, bad: 3, satisfactionRate: 0.7692, followUp: followUp(1, 1, 1, 1) });
  });

  it('ranks the windows by satisfaction rate, a tie to more ratings, those under minRatings unranked after', async () => {
    const body = await published(`centre=${CITY}&month=2026-05&minRatings=2`);
    expect(order(body)).toEqual([`1 ${CITY}-public_security 2 1`, `2 ${CITY}-market_regulation 4 0.75`, `3 ${HAICHENG}-taxation 5 0.6`, `- ${YINHAI}-market_regulation 1 1`]);
    expect(body.windows[2]).toEqual({
      rank: 3,
      windowCode: `${HAICHENG}-taxation`,
      name: '税务局窗口',
      centreCode: HAICHENG,
      centreName: '海城区政务服务中心',
      levels: levels(0, 3, 0, 1, 1),
      total: 5,
      bad: 2,
      satisfactionRate: 0.6,
    });
    // From one rating up (the default), Yinhai's single good rating ranks after the city's two.
    expect(order(await published(`centre=${CITY}&month=2026-05`))).toEqual([
      `1 ${CITY}-public_security 2 1`,
      `2 ${YINHAI}-market_regulation 1 1`,
      `3 ${CITY}-market_regulation 4 0.75`,
      `4 ${HAICHENG}-taxation 5 0.6`,
    ]);
    // A district alone: its own centre and windows.
    const district = await published(`centre=${HAICHENG}&month=2026-05`);
    expect(district.centres.map((c) => c.code)).toEqual([HAICHENG]);
    expect(order(district)).toEqual([`1 ${HAICHENG}-taxation 5 0.6`]);
    expect(district.overall).toMatchObject({ total: 6, bad: 2, satisfactionRate: 0.6667, followUp: followUp(0, 1, 1, 0) });
  });

  it('dates each rating by the month in China: the last evening of April is April’s, the first hour of June June’s', async () => {
    const april = await published(`centre=${CITY}&month=2026-04`);
    expect(order(april)).toEqual([`1 ${CITY}-market_regulation 1 0`]);
    expect(april.overall).toMatchObject({ levels: levels(0, 0, 0, 0, 1), total: 1, bad: 1, followUp: followUp(0, 0, 1, 0) });
    const june = await published(`centre=${CITY}&month=2026-06`);
    expect(order(june)).toEqual([`1 ${CITY}-market_regulation 1 0`]);
    expect(june.overall).toMatchObject({ total: 1, bad: 1, followUp: followUp(0, 0, 1, 0) });
    const july = await published(`centre=${CITY}&month=2026-07`);
    expect(july.windows).toEqual([]);
    expect(july.overall).toMatchObject({ total: 0, satisfactionRate: null });
  });

  it('names no officer, applicant, application or comment, nor any tag', async () => {
    for (const query of [`centre=${CITY}&month=2026-05`, `centre=${CITY}&month=2026-04`, `centre=${HAICHENG}&month=2026-05&minRatings=9`]) {
      const text = (await publicly(`/v1/public/satisfaction?${query}`, '198.51.100.2')).body;
      for (const secret of SECRETS) expect(text, query).not.toContain(secret);
      expect(text).not.toMatch(/officer|comment|applicationNo|applicant|tags|"slow"|"efficient"/i);
    }
  });

  it('publishes the last finished month in China by default, without sign-in, and caches it a while', async () => {
    const res = await publicly(`/v1/public/satisfaction?centre=${HEPU}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const body = res.json() as Published;
    expect(body.month).toBe(lastFinishedMonth());
    expect(body.overall).toMatchObject({ levels: levels(0, 0, 1, 0, 0), total: 1, bad: 0, satisfactionRate: 1 });
    expect(order(body)).toEqual([`1 ${HEPU}-taxation 1 1`]);
    // No centre: the regional centre's, its every centre listed.
    const region = await published(`month=2026-05`);
    expect(region.centre.code).toBe('450000');
    expect(region.centres[0].code).toBe('450000');
    expect(region.overall).toMatchObject({ total: 13, bad: 3, satisfactionRate: 0.7692 });
  });

  it('refuses the current month, a month to come and a month that is not yyyy-mm with 400 naming querystring.month', async () => {
    const current = chinaMonth();
    for (const month of [current, '2099-01', '2026-5', '2026-13', '2026-00', 'May', '2026-05-01', '0999-12']) {
      const res = await publicly(`/v1/public/satisfaction?centre=${HEPU}&month=${month}`, '198.51.100.3');
      expect(res.statusCode, month).toBe(400);
      expect(res.json(), month).toMatchObject({ error: { code: 'validation_failed', details: [{ field: 'querystring.month' }] } });
    }
    const res = await publicly(`/v1/public/satisfaction?centre=${HEPU}&month=${current}`, '198.51.100.3');
    expect(res.json().error.message).toContain('finished month');
    // The current month's ratings are nowhere in the answer to come: none is published before its month is over.
    for (const query of ['centre=abc', 'centre=4505', 'minRatings=0', 'minRatings=two']) {
      const bad = await publicly(`/v1/public/satisfaction?month=2026-05&${query}`, '198.51.100.3');
      expect(bad.statusCode, query).toBe(400);
      expect(bad.json().error.details[0].field, query).toBe(`querystring.${query.split('=')[0]}`);
    }
  });

  it('answers 404 in the one error shape for a centre that does not exist', async () => {
    const res = await publicly('/v1/public/satisfaction?centre=450599&month=2026-05', '198.51.100.4');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'Centre 450599 was not found' } });
  });

  it('answers a few requests a minute per address (RATING_PUBLIC_PER_MINUTE, 20), then 429; another address is still answered', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await publicly(`/v1/public/satisfaction?centre=${YINHAI}&month=2026-05`, '203.0.113.9')).statusCode);
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses[20]).toBe(429);
    const refused = await publicly(`/v1/public/satisfaction?centre=${YINHAI}&month=2026-05`, '203.0.113.9');
    expect(refused.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await publicly(`/v1/public/satisfaction?centre=${YINHAI}&month=2026-05`, '203.0.113.10')).statusCode).toBe(200);
  });
});

/** A phone's browser, as someone who saw the notice in the hall holds it. */
async function phone(path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}${path}`);
  return page;
}

/** The ranking table's rows as `rank window-code`, as the page shows them. */
const rankingRows = (page: Page) =>
  testid(page, 'ranking-row').evaluateAll((rows) => rows.map((row) => `${row.getAttribute('data-rank') || '-'} ${row.getAttribute('data-window')}`));

describe('the public page at /satisfaction', () => {
  it('shows the chosen centre’s figures and the windows’ ranking, and moves with the centre and the month chosen', { timeout: 90_000 }, async () => {
    const page = await phone(`/satisfaction?centre=${CITY}&month=2026-05&minRatings=2`);
    await expect.poll(() => testid(page, 'status').getAttribute('data-kind')).toBe('ready');
    expect(await rankingRows(page)).toEqual([`1 ${CITY}-public_security`, `2 ${CITY}-market_regulation`, `3 ${HAICHENG}-taxation`, `- ${YINHAI}-market_regulation`]);
    const first = testid(page, 'ranking-row').first();
    expect(await first.textContent()).toContain('公安局窗口');
    expect(await first.textContent()).toContain('北海市政务服务中心');
    expect(await testid(page, 'ranking-row').nth(2).textContent()).toMatch(/税务局窗口.*海城区政务服务中心.*5.*60\.00%.*2/);
    expect(await testid(page, 'ranking-note').textContent()).toContain('评价少于 2 条的窗口不参与排名');
    expect(await testid(page, 'total').textContent()).toBe('13');
    expect(await testid(page, 'rate').textContent()).toBe('76.92%');
    expect(await testid(page, 'bad').textContent()).toBe('3');
    expect(await testid(page, 'closed').textContent()).toContain('2（已整改 1，已说明 1）');
    expect(await testid(page, 'open').textContent()).toBe('1');
    expect(await testid(page, 'dispute-upheld').textContent()).toBe('1');
    expect(await testid(page, 'levels').locator('tbody tr td').allTextContents()).toEqual(['4', '5', '1', '2', '1']);
    expect(await testid(page, 'summary-title').textContent()).toBe('北海市政务服务中心 · 2026年5月');
    // The centres rated that month, each on its row; the two that were not, only counted.
    expect(await testid(page, 'centre-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-centre')))).toEqual([CITY, HAICHENG, YINHAI]);
    expect(await testid(page, 'centres-note').textContent()).toContain('其余 2 个中心本月没有评价');
    expect(await page.textContent('body')).not.toContain(run);
    expect(await unnamedControls(page)).toEqual([]);
    expect(await overflows(page)).toBe(false);

    // Another centre: its own windows; the address follows, so that a link shows the same.
    await page.getByRole('combobox', { name: /政务服务中心/ }).selectOption(HAICHENG);
    await expect.poll(() => rankingRows(page)).toEqual([`1 ${HAICHENG}-taxation`]);
    expect(new URL(page.url()).searchParams.get('centre')).toBe(HAICHENG);
    expect(await testid(page, 'rate').textContent()).toBe('66.67%');
    expect(await testid(page, 'centres-section').isHidden()).toBe(true);

    // Another month: the city in April, its one window rated once, under the address's minRatings of 2.
    await page.getByRole('combobox', { name: /政务服务中心/ }).selectOption(CITY);
    await expect.poll(() => rankingRows(page)).toHaveLength(4);
    await page.getByLabel(/月份/).fill('2026-04');
    await expect.poll(() => rankingRows(page)).toEqual([`- ${CITY}-market_regulation`]);
    expect(await testid(page, 'ranking-row').first().textContent()).toContain('未排名');
    expect(new URL(page.url()).searchParams.get('month')).toBe('2026-04');
    expect(await testid(page, 'total').textContent()).toBe('1');
    expect(await testid(page, 'rate').textContent()).toBe('0.00%');

    // No month and no centre: the region's last finished month, which is also the latest to choose.
    const region = await phone('/satisfaction');
    await expect.poll(() => testid(region, 'status').getAttribute('data-kind')).toBe('ready');
    expect(await testid(region, 'month').inputValue()).toBe(lastFinishedMonth());
    expect(await testid(region, 'month').getAttribute('max')).toBe(lastFinishedMonth());
    expect(await testid(region, 'centre').inputValue()).toBe('450000');
    expect(await rankingRows(region)).toContain(`1 ${HEPU}-taxation`);
    expect(errors).toEqual([]);
  });

  it('says so when the month asked for is not finished, or the centre does not exist', { timeout: 60_000 }, async () => {
    const current = await phone(`/satisfaction?centre=${CITY}&month=${chinaMonth()}`);
    await expect.poll(() => testid(current, 'status').getAttribute('data-kind')).toBe('refused');
    expect(await testid(current, 'status').textContent()).toContain('finished month');
    expect(await testid(current, 'ranking-section').isHidden()).toBe(true);
    const unknown = await phone('/satisfaction?centre=450599&month=2026-05');
    await expect.poll(() => testid(unknown, 'status').getAttribute('data-kind')).toBe('refused');
    expect(await testid(unknown, 'status').textContent()).toContain('没有这个政务服务中心');
    expect(errors).toEqual([]);
  });
});

/**
 * The month's ranking of windows by satisfaction rate (好差评通报) against ratings written here, in a
 * database of the file's own, at Wuzhou (450400) and its counties Wanxiu (450403) and Changzhou (450405),
 * which no other test file rates: best rate first, a tie to the window with more ratings, then to the
 * lower window code; windows below minRatings after the ranked ones; the month in China time; a
 * county's supervisor sees the county's windows only.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applications, ratings } from '../db/schema/index.js';
import { type ScratchDatabase, createScratchDatabase } from '../db/scratch.js';
import { type RatingLevel, isBad } from '../workflows/rules/ratings.js';
import { type Stack, startStack, supervisorOf, windowOf } from './support/stack.js';
import { ok } from './support/window.js';

const CITY = '450400';
const WANXIU = '450403';
const CHANGZHOU = '450405';
const EVENTS = ['consultation', 'intake', 'decision', 'pickup'] as const;

let stack: Stack;
let scratch: ScratchDatabase;
let serial = 0;

/** A China-time instant. */
const cn = (local: string) => `${local}+08:00`;

/**
 * Ratings of a window (`<centre>-<department>`, as the seed names windows), at the instants given: one
 * application (read-model row, as the recorder writes it) for every four, one rating per event (一事一评).
 */
async function rated(centreCode: string, department: string | null, given: [RatingLevel, string][]) {
  for (let i = 0; i < given.length; i += EVENTS.length) {
    const applicationNo = `${centreCode}-RANK-${String(++serial).padStart(4, '0')}`;
    await stack.db.insert(applications).values({
      applicationNo,
      itemCode: 'individual-business-registration',
      itemVersion: 1,
      centreCode,
      leadDepartment: department ?? 'market_regulation',
      statutoryLimitDays: 20,
      promisedLimitDays: 1,
      stage: 'picked_up',
      applicant: { type: 'person', name: '测试', idNumber: '450100199001011234' },
      materials: [],
      submittedAt: cn('2026-04-20T09:00:00'),
    });
    await stack.db.insert(ratings).values(
      given.slice(i, i + EVENTS.length).map(([level, at], n) => ({
        applicationNo,
        event: EVENTS[n],
        level,
        bad: isBad(level),
        channel: 'api' as const,
        ratedBy: 'tests',
        centreCode,
        department,
        windowCode: department && `${centreCode}-${department}`,
        windowName: department && `${department}窗口`,
        officerId: department && windowOf(department, centreCode),
        officerName: department && '测试工作人员',
        ratedAt: at,
      })),
    );
  }
}

/** `n` ratings of one level in May 2026, China time. */
const may = (level: RatingLevel, n = 1): [RatingLevel, string][] => Array.from({ length: n }, (_, i) => [level, cn(`2026-05-${String(10 + i).padStart(2, '0')}T10:00:00`)]);

beforeAll(async () => {
  // A database of its own: these ratings stay out of the region's shared statistics.
  scratch = await createScratchDatabase(Object.assign(new URL(inject('databaseUrl')), { pathname: '/postgres' }).toString(), `onewindow_rating_ranking_${Date.now()}_${process.pid}`);
  stack = await startStack({ worker: false, databaseUrl: scratch.url });
  // Wuzhou, the city. Market regulation: 3 of 4 satisfied (0.75); a bad rating at 00:10 on 1 June in
  // China (still 31 May in UTC) is June's.
  await rated(CITY, 'market_regulation', [...may('very_satisfied'), ...may('satisfied'), ...may('basically_satisfied'), ...may('dissatisfied'), ['very_dissatisfied', cn('2026-06-01T00:10:00')]]);
  // Public security: 2 of 2 (1.0); a bad rating at 23:50 on 30 April in China is April's.
  await rated(CITY, 'public_security', [...may('very_satisfied'), ...may('satisfied'), ['very_dissatisfied', cn('2026-04-30T23:50:00')]]);
  // A consultation served at no known window: no window's, out of the ranking.
  await rated(CITY, null, may('very_dissatisfied'));
  // Wanxiu. Market regulation: 3 of 4 (0.75), the city's market regulation's rate and count, a higher code.
  await rated(WANXIU, 'market_regulation', [...may('satisfied', 3), ...may('very_dissatisfied')]);
  // Public security: 6 of 8 (0.75), the same rate with more ratings.
  await rated(WANXIU, 'public_security', [...may('very_satisfied', 4), ...may('satisfied', 2), ...may('dissatisfied', 2)]);
  // Taxation: one rating, bad (0).
  await rated(WANXIU, 'taxation', may('very_dissatisfied'));
  // And two across the turn of the year, in China: 23:30 on 31 December and 00:30 on 1 January.
  await rated(WANXIU, 'taxation', [['satisfied', cn('2026-12-31T23:30:00')], ['very_dissatisfied', cn('2027-01-01T00:30:00')]]);
  // Changzhou. Natural resources: 2 of 3 (0.6667), the first at 00:30 on 1 May in China (30 April in UTC).
  await rated(CHANGZHOU, 'natural_resources', [['satisfied', '2026-04-30T16:30:00Z'], ...may('basically_satisfied'), ...may('very_dissatisfied')]);
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await scratch?.drop();
});

interface Ranked {
  rank: number | null;
  windowCode: string;
  name?: string;
  centreCode: string;
  centreName: string | null;
  levels: Record<RatingLevel, number>;
  total: number;
  bad: number;
  satisfactionRate: number | null;
}
interface Ranking {
  centre: string;
  month: string;
  minRatings: number;
  windows: Ranked[];
}

const ranking = async (query: string, by = supervisorOf(CITY)) => ok<Ranking>(await stack.as(by)(`/v1/statistics/satisfaction/ranking?${query}`));
/** Each window as `rank window total rate`. */
const order = (body: Ranking) => body.windows.map((w) => `${w.rank ?? '-'} ${w.windowCode} ${w.total} ${w.satisfactionRate}`);
const levels = (very_satisfied: number, satisfied: number, basically_satisfied: number, dissatisfied: number, very_dissatisfied: number) => ({
  very_satisfied,
  satisfied,
  basically_satisfied,
  dissatisfied,
  very_dissatisfied,
});

describe('the monthly ranking of windows (好差评通报)', () => {
  it('ranks the windows of the city and its counties by satisfaction rate, a tie to more ratings, then to the lower window code', async () => {
    const body = await ranking('month=2026-05');
    expect(body).toMatchObject({ centre: CITY, month: '2026-05', minRatings: 1 });
    expect(order(body)).toEqual([
      `1 ${CITY}-public_security 2 1`,
      `2 ${WANXIU}-public_security 8 0.75`,
      `3 ${CITY}-market_regulation 4 0.75`,
      `4 ${WANXIU}-market_regulation 4 0.75`,
      `5 ${CHANGZHOU}-natural_resources 3 0.6667`,
      `6 ${WANXIU}-taxation 1 0`,
    ]);
    // Each with its centre, its count per level and its bad ratings.
    expect(body.windows[1]).toEqual({
      rank: 2,
      windowCode: `${WANXIU}-public_security`,
      name: 'public_security窗口',
      centreCode: WANXIU,
      centreName: '万秀区政务服务中心',
      levels: levels(4, 2, 0, 2, 0),
      total: 8,
      bad: 2,
      satisfactionRate: 0.75,
    });
    expect(body.windows[2]).toMatchObject({ centreName: '梧州市政务服务中心', levels: levels(1, 1, 1, 1, 0), bad: 1 });
    expect(body.windows[4].levels).toEqual(levels(0, 1, 1, 0, 1));
  });

  it('dates each rating by the month in China: the last evening of April is April’s, the first hour of June is June’s, and across the year', async () => {
    expect(order(await ranking('month=2026-04'))).toEqual([`1 ${CITY}-public_security 1 0`]);
    expect(order(await ranking('month=2026-06'))).toEqual([`1 ${CITY}-market_regulation 1 0`]);
    expect((await ranking('month=2026-07')).windows).toEqual([]);
    // December's last evening is December's, the new year's first hour January's.
    expect(order(await ranking(`month=2026-12&centre=${WANXIU}`))).toEqual([`1 ${WANXIU}-taxation 1 1`]);
    expect(order(await ranking(`month=2027-01&centre=${WANXIU}`))).toEqual([`1 ${WANXIU}-taxation 1 0`]);
  });

  it('lists the windows with fewer ratings than minRatings after the ranked ones, unranked, in the same order', async () => {
    const body = await ranking('month=2026-05&minRatings=3');
    expect(body.minRatings).toBe(3);
    expect(order(body)).toEqual([
      `1 ${WANXIU}-public_security 8 0.75`,
      `2 ${CITY}-market_regulation 4 0.75`,
      `3 ${WANXIU}-market_regulation 4 0.75`,
      `4 ${CHANGZHOU}-natural_resources 3 0.6667`,
      `- ${CITY}-public_security 2 1`,
      `- ${WANXIU}-taxation 1 0`,
    ]);
    expect((await ranking('month=2026-05&minRatings=9')).windows.every((w) => w.rank === null)).toBe(true);
  });

  it('keeps a county’s supervisor to the county, and a city’s supervisor may ask for one county', async () => {
    const county = [`1 ${WANXIU}-public_security 8 0.75`, `2 ${WANXIU}-market_regulation 4 0.75`, `3 ${WANXIU}-taxation 1 0`];
    expect(order(await ranking('month=2026-05', supervisorOf(WANXIU)))).toEqual(county);
    expect(order(await ranking(`month=2026-05&centre=${WANXIU}`))).toEqual(county);
    const refused = await stack.as(supervisorOf(WANXIU))(`/v1/statistics/satisfaction/ranking?month=2026-05&centre=${CITY}`);
    expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'forbidden']);
    expect((await stack.as(supervisorOf(CHANGZHOU))(`/v1/statistics/satisfaction/ranking?month=2026-05&centre=${WANXIU}`)).statusCode).toBe(403);
    expect((await stack.as(windowOf('market_regulation', CITY))('/v1/statistics/satisfaction/ranking')).statusCode).toBe(403);
  });

  it('ranks the current month in China when no month is given', async () => {
    const now = new Date();
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(now);
    await rated(CHANGZHOU, 'taxation', [['satisfied', now.toISOString()]]);
    const body = await ranking('', supervisorOf(CHANGZHOU));
    expect(body.month).toBe(month);
    expect(order(body)).toContain(`1 ${CHANGZHOU}-taxation 1 1`);
  });

  it('refuses a month that is not yyyy-mm, or a minRatings below 1, with 400 naming the field', async () => {
    for (const query of ['month=2026-13', 'month=2026-00', 'month=2026-5', 'month=May', 'month=2026-05-01', 'month=0000-01', 'minRatings=0', 'minRatings=two']) {
      const res = await stack.as(supervisorOf(CITY))(`/v1/statistics/satisfaction/ranking?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json(), query).toMatchObject({ error: { code: 'validation_failed', details: [{ field: `querystring.${query.split('=')[0]}` }] } });
    }
    expect((await ranking('month=9999-12')).windows).toEqual([]);
  });
});

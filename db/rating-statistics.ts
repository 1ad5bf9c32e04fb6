/**
 * Satisfaction statistics (好差评) from the ratings: how many of each level, how many bad, and the
 * satisfaction rate, at a centre and the centres below it, in a period, grouped by centre, window,
 * officer or month; and the month's ranking of windows (通报). A rating is dated by when it was first
 * given (a change keeps its date). A rating whose dispute was upheld is left out.
 */
import { type SQL, and, eq, isNotNull, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { RATING_LEVELS, type RatingLevel, isBad, satisfactionRate } from '../workflows/rules/ratings.js';
import { inCentre } from './catalogue.js';
import type { Db, Tx } from './client.js';
import { centres, ratings } from './schema/index.js';

export const SATISFACTION_GROUPINGS = ['centre', 'window', 'officer', 'month'] as const;
export type SatisfactionGrouping = (typeof SATISFACTION_GROUPINGS)[number];

export interface SatisfactionFilter {
  /** The centre and every centre below it. */
  centre: string;
  /** Day range in China time, yyyy-mm-dd, `to` exclusive. */
  from?: string;
  to?: string;
  groupBy: SatisfactionGrouping;
}

export interface SatisfactionFigures {
  /** The centre code, window code, officer id or month (yyyy-mm, China time); `none` for ratings of an event served by nobody known. */
  key: string;
  /** The centre's, window's or officer's name as rated; none for a month. */
  name?: string;
  levels: Record<RatingLevel, number>;
  total: number;
  bad: number;
  /** (非常满意 + 满意 + 基本满意) / total, to four decimal places. */
  satisfactionRate: number | null;
}

/** A bad rating whose dispute a supervisor upheld (申诉成立, db/follow-ups.ts) no longer counts. */
const counted = eq(ratings.disputeUpheld, false);

const chinaMidnight = (day: string) => sql`(${day}::date::timestamp at time zone 'Asia/Shanghai')`;

const count = (where?: SQL) => sql<number>`(count(*) ${where ? sql`filter (where ${where})` : sql``})::int`;

/** The columns counting a group's ratings: all of them, the bad ones, and each level's. */
const levelCounts = () => ({
  total: count(),
  bad: count(sql`${ratings.bad}`),
  ...Object.fromEntries(RATING_LEVELS.map((level) => [level, count(sql`${ratings.level} = ${level}`)])),
});

type CountedRow = Record<RatingLevel, number> & { total: number; bad: number };

const figuresOf = (row: CountedRow) => {
  const levels = Object.fromEntries(RATING_LEVELS.map((level) => [level, row[level]])) as Record<RatingLevel, number>;
  return { levels, total: row.total, bad: row.bad, satisfactionRate: satisfactionRate(levels) };
};

export async function satisfactionFigures(db: Db | Tx, filter: SatisfactionFilter): Promise<SatisfactionFigures[]> {
  const keys: Record<SatisfactionGrouping, { key: SQL<string> | AnyPgColumn; name: SQL<string | null> }> = {
    centre: { key: ratings.centreCode, name: sql`(select ${centres.name} from ${centres} where ${centres.code} = ${ratings.centreCode})` },
    window: { key: sql`coalesce(${ratings.windowCode}, 'none')`, name: sql`max(${ratings.windowName})` },
    officer: { key: sql`coalesce(${ratings.officerId}, 'none')`, name: sql`max(${ratings.officerName})` },
    month: { key: sql`to_char(${ratings.ratedAt} at time zone 'Asia/Shanghai', 'YYYY-MM')`, name: sql`null` },
  };
  const { key, name } = keys[filter.groupBy];
  const rows = await db
    .select({
      key: sql<string>`${key}`,
      // A centre's name depends on the key alone; a window's or officer's is the one rated under it.
      name: filter.groupBy === 'centre' ? sql<string | null>`max(${name})` : name,
      ...levelCounts(),
    })
    .from(ratings)
    .where(
      and(
        inCentre(ratings.centreCode, filter.centre),
        counted,
        filter.from ? sql`${ratings.ratedAt} >= ${chinaMidnight(filter.from)}` : undefined,
        filter.to ? sql`${ratings.ratedAt} < ${chinaMidnight(filter.to)}` : undefined,
      ),
    )
    .groupBy(sql`${key}`)
    .orderBy(sql`${key}`);
  return rows.map((row) => ({ key: row.key, ...(row.name === null ? {} : { name: row.name }), ...figuresOf(row as unknown as CountedRow) }));
}

export interface WindowRankingFilter {
  /** The centre and every centre below it. */
  centre: string;
  /** yyyy-mm, China time. */
  month: string;
  /** Fewer ratings than this in the month: listed, not ranked. */
  minRatings: number;
}

export interface RankedWindow extends Omit<SatisfactionFigures, 'key'> {
  /** 1 for the best; null for a window with fewer ratings than the minimum (not ranked). */
  rank: number | null;
  windowCode: string;
  centreCode: string;
  centreName: string | null;
}

/** The first day of the month after `month` (yyyy-mm), yyyy-mm-dd; by the digits (Date would read year 0050 as 1950). */
function nextMonth(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return m === 12 ? `${String(year + 1).padStart(4, '0')}-01-01` : `${String(year).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}-01`;
}

/**
 * The month's ranking of windows (窗口好差评通报): each window of the centre and those below it with its
 * ratings of the month (China time), best satisfaction rate first; a tie goes to the window with more
 * ratings, then to the lower window code. A window with fewer than `minRatings` ratings comes after the
 * ranked ones, in the same order, unranked: a rate of one or two ratings says little. Ratings of an
 * event served at no known window are no window's and are left out.
 */
export async function windowRanking(db: Db | Tx, filter: WindowRankingFilter): Promise<RankedWindow[]> {
  const rows = await db
    .select({
      windowCode: sql<string>`${ratings.windowCode}`,
      centreCode: ratings.centreCode,
      centreName: sql<string | null>`max(${centres.name})`,
      name: sql<string | null>`max(${ratings.windowName})`,
      ...levelCounts(),
    })
    .from(ratings)
    .leftJoin(centres, eq(centres.code, ratings.centreCode))
    .where(
      and(
        inCentre(ratings.centreCode, filter.centre),
        counted,
        isNotNull(ratings.windowCode),
        sql`${ratings.ratedAt} >= ${chinaMidnight(`${filter.month}-01`)}`,
        sql`${ratings.ratedAt} < ${chinaMidnight(nextMonth(filter.month))}`,
      ),
    )
    .groupBy(ratings.centreCode, ratings.windowCode);
  const windows = rows.map(({ windowCode, centreCode, centreName, name, ...counted }) => {
    const figures = figuresOf(counted as unknown as CountedRow);
    const satisfied = RATING_LEVELS.filter((level) => !isBad(level)).reduce((sum, level) => sum + figures.levels[level], 0);
    return { windowCode, centreCode, centreName, ...(name === null ? {} : { name }), ...figures, satisfied };
  });
  type Window = (typeof windows)[number];
  // The rates compared as fractions of whole numbers, not rounded: 2/3 ranks below 6667/10000.
  const order = (a: Window, b: Window) =>
    b.satisfied * a.total - a.satisfied * b.total || b.total - a.total || (a.windowCode < b.windowCode ? -1 : a.windowCode > b.windowCode ? 1 : 0);
  const ranked = windows.filter((w) => w.total >= filter.minRatings).sort(order);
  const unranked = windows.filter((w) => w.total < filter.minRatings).sort(order);
  return [...ranked.map((w, i) => ({ w, rank: i + 1 })), ...unranked.map((w) => ({ w, rank: null }))].map(({ w: { satisfied: _, ...w }, rank }) => ({ rank, ...w }));
}

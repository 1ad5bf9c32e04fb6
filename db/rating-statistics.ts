/**
 * Satisfaction statistics (好差评) from the ratings: how many of each level, how many bad, and the
 * satisfaction rate, at a centre and the centres below it, in a period, grouped by centre, window,
 * officer or month. A rating is dated by when it was first given (a change keeps its date).
 */
import { type SQL, and, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { RATING_LEVELS, type RatingLevel, satisfactionRate } from '../workflows/rules/ratings.js';
import { inCentre } from './catalogue.js';
import type { Db } from './client.js';
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

const chinaMidnight = (day: string) => sql`(${day}::date::timestamp at time zone 'Asia/Shanghai')`;

export async function satisfactionFigures(db: Db, filter: SatisfactionFilter): Promise<SatisfactionFigures[]> {
  const keys: Record<SatisfactionGrouping, { key: SQL<string> | AnyPgColumn; name: SQL<string | null> }> = {
    centre: { key: ratings.centreCode, name: sql`(select ${centres.name} from ${centres} where ${centres.code} = ${ratings.centreCode})` },
    window: { key: sql`coalesce(${ratings.windowCode}, 'none')`, name: sql`max(${ratings.windowName})` },
    officer: { key: sql`coalesce(${ratings.officerId}, 'none')`, name: sql`max(${ratings.officerName})` },
    month: { key: sql`to_char(${ratings.ratedAt} at time zone 'Asia/Shanghai', 'YYYY-MM')`, name: sql`null` },
  };
  const { key, name } = keys[filter.groupBy];
  const count = (where?: SQL) => sql<number>`(count(*) ${where ? sql`filter (where ${where})` : sql``})::int`;
  const rows = await db
    .select({
      key: sql<string>`${key}`,
      // A centre's name depends on the key alone; a window's or officer's is the one rated under it.
      name: filter.groupBy === 'centre' ? sql<string | null>`max(${name})` : name,
      total: count(),
      bad: count(sql`${ratings.bad}`),
      ...Object.fromEntries(RATING_LEVELS.map((level) => [level, count(sql`${ratings.level} = ${level}`)])),
    })
    .from(ratings)
    .where(
      and(
        inCentre(ratings.centreCode, filter.centre),
        filter.from ? sql`${ratings.ratedAt} >= ${chinaMidnight(filter.from)}` : undefined,
        filter.to ? sql`${ratings.ratedAt} < ${chinaMidnight(filter.to)}` : undefined,
      ),
    )
    .groupBy(sql`${key}`)
    .orderBy(sql`${key}`);
  return rows.map((row) => {
    const figures = row as unknown as Record<RatingLevel, number> & { key: string; name: string | null; total: number; bad: number };
    const levels = Object.fromEntries(RATING_LEVELS.map((level) => [level, figures[level]])) as Record<RatingLevel, number>;
    return {
      key: figures.key,
      ...(figures.name === null ? {} : { name: figures.name }),
      levels,
      total: figures.total,
      bad: figures.bad,
      satisfactionRate: satisfactionRate(levels),
    };
  });
}

/**
 * Efficiency statistics (the figures the region published: "average statutory limit 22.42 days,
 * average actual 4.31 days"), from the read model: every decided application (approved or rejected)
 * of a centre and the centres below it, in a period, grouped by centre, department, item or month.
 */
import { and, eq, gte, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import type { ItemCategory, ItemKind } from '../workflows/messages.js';
import { inCentre, submittedAsCategory } from './catalogue.js';
import type { Db } from './client.js';
import { applications, itemVersions } from './schema/index.js';

export const GROUPINGS = ['centre', 'department', 'item', 'month'] as const;
export type Grouping = (typeof GROUPINGS)[number];

export interface StatisticsFilter {
  /** The centre and every centre below it (GB/T 2260 codes nest: 450000 ⊃ 450100 ⊃ 450102). */
  centre?: string;
  department?: string;
  item?: string;
  /**
   * The item kind as the application was submitted under it (its item version's definition): the
   * region's published figures are of 承诺件, promised items, alone.
   */
  kind?: ItemKind;
  /** The item category (行政许可, 其他行政权力, 公共服务) as the application was submitted under it. */
  category?: ItemCategory;
  /** Acceptance day range in China time, yyyy-mm-dd, `to` exclusive. */
  from?: string;
  to?: string;
  groupBy: Grouping;
}


export async function efficiency(db: Db, filter: StatisticsFilter) {
  const key: Record<Grouping, SQL<string>> = {
    centre: sql<string>`${applications.centreCode}`,
    department: sql<string>`${applications.leadDepartment}`,
    item: sql<string>`${applications.itemCode}`,
    month: sql<string>`to_char(${applications.acceptedAt} at time zone 'Asia/Shanghai', 'YYYY-MM')`,
  };
  // Every column read here is in applications_decided_figures_idx (its condition first), so PostgreSQL
  // reads that index alone. The day range as instants, which the index serves (a day computed per row cannot).
  const chinaMidnight = (day: string) => sql`(${day}::date::timestamp at time zone 'Asia/Shanghai')`;
  const conditions = [
    isNotNull(applications.workingDaysTaken),
    filter.centre ? inCentre(applications.centreCode, filter.centre) : undefined,
    filter.department ? eq(applications.leadDepartment, filter.department) : undefined,
    filter.item ? eq(applications.itemCode, filter.item) : undefined,
    // The kind and the category are not in the figures' index: with either, PostgreSQL reads the decided rows' item versions too.
    filter.kind
      ? sql`(${applications.itemCode}, ${applications.itemVersion}) in (select ${itemVersions.itemCode}, ${itemVersions.version} from ${itemVersions} where ${itemVersions.definition}->>'kind' = ${filter.kind})`
      : undefined,
    filter.category ? submittedAsCategory(filter.category) : undefined,
    filter.from ? gte(applications.acceptedAt, chinaMidnight(filter.from)) : undefined,
    filter.to ? lt(applications.acceptedAt, chinaMidnight(filter.to)) : undefined,
  ];
  const rows = await db
    .select({
      key: key[filter.groupBy],
      decided: sql<number>`count(*)::int`,
      approved: sql<number>`(count(*) filter (where ${applications.completedAt} is not null))::int`,
      averageStatutoryDays: sql<number>`avg(${applications.statutoryLimitDays})::float`,
      averagePromisedDays: sql<number>`avg(${applications.promisedLimitDays})::float`,
      averageWorkingDays: sql<number>`avg(${applications.workingDaysTaken})::float`,
      averageCalendarDays: sql<number>`avg(${applications.calendarDaysTaken})::float`,
      onTime: sql<number>`(count(*) filter (where ${applications.onTime}))::int`,
      withinStatutory: sql<number>`(count(*) filter (where ${applications.withinStatutory}))::int`,
      yellowAlerts: sql<number>`sum(${applications.yellowAlerts})::int`,
      redAlerts: sql<number>`sum(${applications.redAlerts})::int`,
    })
    .from(applications)
    .where(and(...conditions))
    .groupBy(key[filter.groupBy])
    .orderBy(key[filter.groupBy]);
  return rows.map((r) => ({
    ...r,
    averageStatutoryDays: round(r.averageStatutoryDays),
    averagePromisedDays: round(r.averagePromisedDays),
    averageWorkingDays: round(r.averageWorkingDays),
    averageCalendarDays: round(r.averageCalendarDays),
    /** How many times faster than the law allows: average statutory ÷ average actual working days. */
    speedUp: r.averageWorkingDays > 0 ? round(r.averageStatutoryDays / r.averageWorkingDays) : null,
    onTimeRate: round(r.onTime / r.decided, 4),
  }));
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

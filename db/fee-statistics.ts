/**
 * Fee statistics (行政事业性收费) from the read model's payment notices (fee_notices) and refunds
 * (fee_refunds): what was assessed, collected, waived, reduced, refunded and is still owed at a centre
 * and the centres below it, in a period, grouped by centre, department (the lead department, which
 * assesses and collects), item or month; and the notices unpaid past their payment deadline, which a
 * schedule's `onOverdue: 'supervise'` puts before the supervisors. Every amount is a whole number of fen.
 */
import { type SQL, and, asc, eq, lt, sql } from 'drizzle-orm';
import { type AnyPgColumn, unionAll } from 'drizzle-orm/pg-core';
import { noticeNo } from '../workflows/rules/fees.js';
import { inCentre } from './catalogue.js';
import type { Db } from './client.js';
import { departmentNameAt } from './department-names.js';
import { centres, departments, feeNotices, feeRefunds, items } from './schema/index.js';

export const FEE_GROUPINGS = ['centre', 'department', 'item', 'month'] as const;
export type FeeGrouping = (typeof FEE_GROUPINGS)[number];

export interface FeeFilter {
  /** The centre and every centre below it (GB/T 2260 codes nest: 450000 ⊃ 450100 ⊃ 450102). */
  centre: string;
  /** Day range in China time, yyyy-mm-dd, `to` exclusive; each figure is dated by its own instant (see MEASURES). */
  from?: string;
  to?: string;
  groupBy: FeeGrouping;
}

export interface FeeFigures {
  /** The centre code, department, item code or month (yyyy-mm, China time). */
  key: string;
  /** The centre's, department's (at the scope's level) or item's name; none for a month. */
  name?: string;
  nameEn?: string;
  assessedFen: number;
  assessedCount: number;
  collectedFen: number;
  collectedCount: number;
  waivedFen: number;
  waivedCount: number;
  reducedFen: number;
  refundedFen: number;
  refundedCount: number;
  outstandingFen: number;
  outstandingCount: number;
}

type Measure = 'assessed' | 'collected' | 'waived' | 'reduced' | 'outstanding' | 'refunded';

const adjusted = (field: 'fromFen' | 'toFen') => sql`(${feeNotices.adjustment}->>${field})::bigint`;
const adjustedAt = sql`(${feeNotices.adjustment}->>'at')::timestamptz`;

/**
 * Each figure, the notices it counts, the amount it takes of each and the instant that dates it (for
 * the period and the month):
 * - assessed (核定): the first notice of each application, as the window or the rule assessed it (after
 *   the schedule's exemptions, before any leader's waiver or reduction), dated by its issue;
 * - collected (实收): the paid notices, dated by the payment;
 * - waived (免收): the waived notices' amount, dated by the leader's waiver (by the issue for a fee
 *   assessed at 0, which is waived as it is issued);
 * - reduced (减收): what a leader's reduction took off a notice it superseded, dated by the reduction;
 * - outstanding (未缴): the issued notices not yet paid, dated by their issue;
 * - refunded (退费): the refunds the platform reported paid back (fee_refunds), dated by that report;
 *   one asked for, approved, rejected or failed is not counted.
 * A cancelled notice (the application rejected before payment) counts only as assessed.
 */
const MEASURES: Record<Exclude<Measure, 'refunded'>, { applies: SQL; fen: SQL; at: SQL }> = {
  assessed: {
    applies: sql`${feeNotices.noticeNo} = ${feeNotices.applicationNo} || ${noticeNo('', 0)}`,
    fen: sql`${feeNotices.amountFen}`,
    at: sql`${feeNotices.issuedAt}`,
  },
  collected: { applies: eq(feeNotices.status, 'paid'), fen: sql`${feeNotices.amountFen}`, at: sql`${feeNotices.paidAt}` },
  waived: { applies: eq(feeNotices.status, 'waived'), fen: sql`${feeNotices.amountFen}`, at: sql`coalesce(${adjustedAt}, ${feeNotices.issuedAt})` },
  reduced: { applies: eq(feeNotices.status, 'superseded'), fen: sql`${adjusted('fromFen')} - ${adjusted('toFen')}`, at: adjustedAt },
  outstanding: { applies: eq(feeNotices.status, 'issued'), fen: sql`${feeNotices.amountFen}`, at: sql`${feeNotices.issuedAt}` },
};

/** The start of a day in China as an instant, which an index on the instant serves. */
const chinaMidnight = (day: string) => sql`(${day}::date::timestamp at time zone 'Asia/Shanghai')`;

export async function feeFigures(db: Db, filter: FeeFilter): Promise<FeeFigures[]> {
  // One statement: every notice of the scope gives a fact per figure it counts in (measure, instant,
  // fen), and every refund paid back one more, each arm narrowed to its period by its own instant; the
  // facts are then summed per key.
  const inPeriod = (at: SQL | AnyPgColumn) => [
    filter.from ? sql`${at} >= ${chinaMidnight(filter.from)}` : undefined,
    filter.to ? sql`${at} < ${chinaMidnight(filter.to)}` : undefined,
  ];
  const arm = (measure: Exclude<Measure, 'refunded'>) => {
    const { applies, fen, at } = MEASURES[measure];
    return db
      .select({
        centreCode: feeNotices.centreCode,
        department: feeNotices.department,
        itemCode: feeNotices.itemCode,
        measure: sql<Measure>`${measure}::text`.as('measure'),
        at: sql<string>`${at}::timestamptz`.as('at'),
        fen: sql<number>`(${fen})::bigint`.as('fen'),
      })
      .from(feeNotices)
      .where(
        and(inCentre(feeNotices.centreCode, filter.centre), applies, ...inPeriod(at)),
      );
  };
  const refunds = db
    .select({
      centreCode: feeRefunds.centreCode,
      department: feeRefunds.department,
      itemCode: feeRefunds.itemCode,
      measure: sql<Measure>`${'refunded'}::text`.as('measure'),
      at: sql<string>`${feeRefunds.refundedAt}::timestamptz`.as('at'),
      fen: sql<number>`(${feeRefunds.amountFen})::bigint`.as('fen'),
    })
    .from(feeRefunds)
    .where(and(inCentre(feeRefunds.centreCode, filter.centre), eq(feeRefunds.status, 'refunded'), ...inPeriod(feeRefunds.refundedAt)));
  const facts = unionAll(arm('assessed'), arm('collected'), arm('waived'), arm('reduced'), arm('outstanding'), refunds).as('facts');

  const keys: Record<FeeGrouping, SQL<string> | AnyPgColumn> = {
    centre: facts.centreCode,
    department: facts.department,
    item: facts.itemCode,
    month: sql<string>`to_char(${facts.at} at time zone 'Asia/Shanghai', 'YYYY-MM')`,
  };
  const key = keys[filter.groupBy];
  // The key's name, from the organisation or the catalogue; a month has none. The key is named with its
  // subquery inside the lookup, where a bare column name could be read as the looked-up table's own.
  const catalogued = {
    centre: { table: centres, key: 'centre_code' },
    department: { table: departments, key: 'department' },
    item: { table: items, key: 'item_code' },
  } as const;
  const named = filter.groupBy === 'month' ? undefined : catalogued[filter.groupBy];
  const nameOf = (column: 'name' | 'nameEn') =>
    named
      ? sql<string | null>`(select ${named.table[column]} from ${named.table} where ${named.table.code} = ${sql.identifier('facts')}.${sql.identifier(named.key)})`
      : sql<null>`null`;
  const fen = (measure: Measure) => sql<number>`coalesce(sum(${facts.fen}) filter (where ${facts.measure} = ${measure}), 0)`.mapWith(Number);
  const count = (measure: Measure) => sql<number>`(count(*) filter (where ${facts.measure} = ${measure}))::int`;

  const rows = await db
    .select({
      key: sql<string>`${key}`,
      name: nameOf('name'),
      nameEn: nameOf('nameEn'),
      assessedFen: fen('assessed'),
      assessedCount: count('assessed'),
      collectedFen: fen('collected'),
      collectedCount: count('collected'),
      waivedFen: fen('waived'),
      waivedCount: count('waived'),
      reducedFen: fen('reduced'),
      refundedFen: fen('refunded'),
      refundedCount: count('refunded'),
      outstandingFen: fen('outstanding'),
      outstandingCount: count('outstanding'),
    })
    .from(facts)
    .groupBy(key)
    .orderBy(key);

  return rows.map(({ name, nameEn, ...figures }) => ({
    ...figures,
    ...(name === null ? {} : { name: filter.groupBy === 'department' ? departmentNameAt(name, filter.centre) : name }),
    ...(nameEn === null ? {} : { nameEn }),
  }));
}

export interface UnpaidNotice {
  noticeNo: string;
  applicationNo: string;
  centreCode: string;
  itemCode: string;
  itemName: string | null;
  itemNameEn: string | null;
  department: string;
  amountFen: number;
  paymentCode: string | null;
  dueAt: string;
  issuedAt: string;
  /** Calendar days in China it has been overdue: the day the deadline passed is the first. */
  daysOverdue: number;
}

/** The notices still unpaid past their payment deadline at a centre and those below it, the longest overdue first. */
export async function unpaidPastDeadline(db: Db, filter: { centre: string; limit: number }): Promise<UnpaidNotice[]> {
  const chinaDay = (instant: SQL | AnyPgColumn) => sql`(${instant} at time zone 'Asia/Shanghai')::date`;
  const rows = await db
    .select({
      noticeNo: feeNotices.noticeNo,
      applicationNo: feeNotices.applicationNo,
      centreCode: feeNotices.centreCode,
      itemCode: feeNotices.itemCode,
      itemName: items.name,
      itemNameEn: items.nameEn,
      department: feeNotices.department,
      amountFen: feeNotices.amountFen,
      paymentCode: feeNotices.paymentCode,
      dueAt: feeNotices.dueAt,
      issuedAt: feeNotices.issuedAt,
      daysOverdue: sql<number>`(${chinaDay(sql`now()`)} - ${chinaDay(feeNotices.dueAt)} + 1)::int`,
    })
    .from(feeNotices)
    .leftJoin(items, eq(items.code, feeNotices.itemCode))
    .where(and(eq(feeNotices.status, 'issued'), lt(feeNotices.dueAt, sql`now()`), inCentre(feeNotices.centreCode, filter.centre)))
    .orderBy(asc(feeNotices.dueAt), asc(feeNotices.noticeNo))
    .limit(filter.limit);
  return rows.map((r) => ({ ...r, dueAt: new Date(r.dueAt).toISOString(), issuedAt: new Date(r.issuedAt).toISOString() }));
}

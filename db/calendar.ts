/**
 * The working-day calendar in PostgreSQL: seeded from the maintained `chinese-days` package (the State
 * Council's notices), extended each year by an administrator loading the new notice; each region's
 * yearly notice of its own holidays; local days off per centre. A centre's calendar is the national
 * one plus the days of every scope above it (its region included). Snapshots of it feed the pure
 * arithmetic in workflows/rules/working-days.ts.
 */
import { createRequire } from 'node:module';
import { and, between, eq, gte, inArray, like, lte, max, sql } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { ancestry, findCentre } from './catalogue.js';
import { NATIONAL, applications, calendarDays, calendarYears, regionalNotices } from './schema/index.js';
import { addDays, type CalendarSnapshot, startOfChinaDay } from '../workflows/rules/working-days.js';
import { centrePrefix } from '../workflows/rules/authority.js';
import type { Officer } from '../workflows/messages.js';

export type CalendarDay = typeof calendarDays.$inferInsert;

/** The years the seed takes from chinese-days (its data ends with the last published notice). */
export const SEEDED_YEARS = [2024, 2025, 2026];
const CHINESE_DAYS = 'chinese-days 1.5.7 (State Council holiday notices)';

interface ChineseDays {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

const GUANGXI = '450000';
const ZHUANG_FESTIVAL = '壮族三月三';

/**
 * Guangxi's 壮族三月三 notices as the 自治区人民政府办公厅 published them (the days off, weekend days
 * included; neither year has an adjusted working day). Verified against reports of the notices:
 * 2025's of 26 February 2025 ("3月31日至4月1日放假，与周末连休"; lunar 3/3 is Monday 31 March);
 * 2026's: lunar 3/3 is Sunday 19 April, so the region is off 17–20 April, the 17th and 20th in lieu (补休).
 */
export const GUANGXI_NOTICES: { year: number; source: string; daysOff: { day: string; name: string }[] }[] = [
  {
    year: 2025,
    source: '广西壮族自治区人民政府办公厅关于2025年广西三月三放假的通知（3月31日至4月1日放假，与周末连休）',
    daysOff: [
      { day: '2025-03-31', name: ZHUANG_FESTIVAL },
      { day: '2025-04-01', name: ZHUANG_FESTIVAL },
    ],
  },
  {
    year: 2026,
    source: '广西壮族自治区人民政府办公厅关于2026年广西三月三放假的通知（4月17日至20日放假，其中17日、20日为补休）',
    daysOff: [
      { day: '2026-04-17', name: `${ZHUANG_FESTIVAL}补休` },
      { day: '2026-04-18', name: ZHUANG_FESTIVAL },
      { day: '2026-04-19', name: ZHUANG_FESTIVAL },
      { day: '2026-04-20', name: `${ZHUANG_FESTIVAL}补休` },
    ],
  },
];

/**
 * The national days of the given years, and Guangxi's 壮族三月三: its published notice where the seed
 * has one, else the festival's two days by the regulation (lunar 3rd and 4th of the 3rd month).
 */
export function seedCalendarDays(years: number[]): CalendarDay[] {
  const require = createRequire(import.meta.url);
  const data = require('chinese-days/dist/chinese-days.json') as ChineseDays;
  const lunar = require('chinese-days') as { getSolarDateFromLunar(date: string): { date: string } };
  const inYears = (day: string) => years.includes(Number(day.slice(0, 4)));
  const name = (entry: string) => entry.split(',')[1] ?? entry;
  const days: CalendarDay[] = [
    ...Object.entries(data.holidays)
      .filter(([day]) => inYears(day))
      .map(([day, entry]) => ({ scope: NATIONAL, day, kind: 'day_off' as const, name: name(entry), source: CHINESE_DAYS })),
    ...Object.entries(data.workdays)
      .filter(([day]) => inYears(day))
      .map(([day, entry]) => ({ scope: NATIONAL, day, kind: 'working_day' as const, name: `${name(entry)}调休`, source: CHINESE_DAYS })),
  ];
  for (const year of years) {
    const notice = GUANGXI_NOTICES.find((n) => n.year === year);
    if (notice) {
      days.push(...notice.daysOff.map((d) => ({ ...d, scope: GUANGXI, kind: 'day_off' as const, source: notice.source })));
      continue;
    }
    for (const lunarDay of ['03-03', '03-04']) {
      days.push({
        scope: GUANGXI,
        day: lunar.getSolarDateFromLunar(`${year}-${lunarDay}`).date,
        kind: 'day_off',
        name: ZHUANG_FESTIVAL,
        source: '《广西壮族自治区各族人民欢度“壮族三月三”民族节日放假规定》: 农历三月初三、初四放假两天 (no notice seeded: its 补休 is not known)',
      });
    }
  }
  return days;
}

export async function seedCalendar(tx: Tx): Promise<void> {
  await tx.insert(calendarDays).values(seedCalendarDays(SEEDED_YEARS)).onConflictDoNothing();
  await tx
    .insert(calendarYears)
    .values(SEEDED_YEARS.map((year) => ({ year, source: CHINESE_DAYS })))
    .onConflictDoNothing();
  await tx
    .insert(regionalNotices)
    .values(GUANGXI_NOTICES.filter((n) => SEEDED_YEARS.includes(n.year)).map((n) => ({ region: GUANGXI, year: n.year, source: n.source })))
    .onConflictDoNothing();
}

/**
 * The days a limit starting on `from` may need at a centre: the national calendar and the local days
 * off of the centre and every centre above it, for `span` calendar days.
 */
export async function calendarSnapshot(db: Db, centreCode: string, from: string, span: number): Promise<CalendarSnapshot> {
  const centre = await findCentre(db, centreCode);
  const scopes = [NATIONAL, ...(centre ? (await ancestry(db, centre)).map((c) => c.code) : [])];
  const to = addDays(from, span);
  const rows = await db
    .select({ day: calendarDays.day, kind: calendarDays.kind })
    .from(calendarDays)
    .where(and(inArray(calendarDays.scope, scopes), between(calendarDays.day, from, to)));
  const [{ lastYear }] = await db.select({ lastYear: max(calendarYears.year) }).from(calendarYears);
  const published = lastYear ? `${lastYear}-12-31` : addDays(from, -1);
  return {
    daysOff: rows.filter((r) => r.kind === 'day_off').map((r) => r.day),
    workingWeekends: rows.filter((r) => r.kind === 'working_day').map((r) => r.day),
    // Beyond the snapshot's own range nothing is known either.
    publishedThrough: published < to ? published : to,
    // A demo centre's compressed days (db/demo.ts); a real centre's snapshot has no such key at all.
    ...(centre?.dayMinutes != null ? { dayMinutes: centre.dayMinutes } : {}),
  };
}

/**
 * A year's national days, and with a centre every day that counts there: its region's notice, its own
 * days off and those of the centres above it. The regional notices loaded for the year are listed
 * (with a centre, the one of its region only).
 */
export async function listCalendar(db: Db, year: number, centreCode?: string) {
  const centre = centreCode ? await findCentre(db, centreCode) : undefined;
  const above = centre ? (await ancestry(db, centre)).map((c) => c.code) : centreCode ? [centreCode] : [];
  const days = await db
    .select()
    .from(calendarDays)
    .where(and(inArray(calendarDays.scope, [NATIONAL, ...above]), between(calendarDays.day, `${year}-01-01`, `${year}-12-31`)))
    .orderBy(calendarDays.day, calendarDays.scope);
  const [published] = await db.select().from(calendarYears).where(eq(calendarYears.year, year));
  const notices = await db
    .select({ region: regionalNotices.region, source: regionalNotices.source, loadedAt: regionalNotices.loadedAt })
    .from(regionalNotices)
    .where(and(eq(regionalNotices.year, year), ...(centreCode ? [inArray(regionalNotices.region, above)] : [])))
    .orderBy(regionalNotices.region);
  return { days, published: !!published, regionalNotices: notices };
}

/** Replaces a year's national calendar with a new State Council notice; the year becomes published. */
export async function loadNationalYear(tx: Tx, year: number, days: Omit<CalendarDay, 'scope'>[], source: string, actor: Officer) {
  const range = between(calendarDays.day, `${year}-01-01`, `${year}-12-31`);
  const before = await tx.select().from(calendarDays).where(and(eq(calendarDays.scope, NATIONAL), range));
  await tx.delete(calendarDays).where(and(eq(calendarDays.scope, NATIONAL), range));
  if (days.length > 0) await tx.insert(calendarDays).values(days.map((d) => ({ ...d, scope: NATIONAL, source })));
  await tx
    .insert(calendarYears)
    .values({ year, source, loadedBy: actor })
    .onConflictDoUpdate({ target: calendarYears.year, set: { source, loadedBy: actor, loadedAt: sql`now()` } });
  return before;
}

/**
 * Replaces a region's days of a year with its new notice (the regional centre's own days off of that
 * year included: the notice is the region's whole arrangement). Returns the days it replaced.
 */
export async function loadRegionalNotice(
  tx: Tx,
  region: string,
  year: number,
  days: Pick<CalendarDay, 'day' | 'kind' | 'name'>[],
  source: string,
  actor: Officer,
) {
  const inRegionAndYear = and(eq(calendarDays.scope, region), between(calendarDays.day, `${year}-01-01`, `${year}-12-31`));
  const before = await tx.select().from(calendarDays).where(inRegionAndYear);
  await tx.delete(calendarDays).where(inRegionAndYear);
  if (days.length > 0) await tx.insert(calendarDays).values(days.map((d) => ({ ...d, scope: region, source })));
  await tx
    .insert(regionalNotices)
    .values({ region, year, source, loadedBy: actor })
    .onConflictDoUpdate({ target: [regionalNotices.region, regionalNotices.year], set: { source, loadedBy: actor, loadedAt: sql`now()` } });
  return before;
}

/**
 * The running applications (in review) at a centre or below it whose clock spans some of the days
 * from `first` to `last`: accepted by the end of `last`, statutorily due after `first` begins. A
 * stopped clock's later resumption reads the calendar afresh anyway.
 */
export async function runningApplicationsSpanning(db: Db, centreCode: string, first: string, last: string): Promise<string[]> {
  const rows = await db
    .select({ no: applications.applicationNo })
    .from(applications)
    .where(
      and(
        eq(applications.stage, 'in_review'),
        like(applications.centreCode, `${centrePrefix(centreCode)}%`),
        lte(applications.acceptedAt, startOfChinaDay(addDays(last, 1))),
        gte(applications.statutoryDueAt, startOfChinaDay(first)),
      ),
    );
  return rows.map((r) => r.no);
}

/** Adds (or renames) local days off of a centre; they count for it and every centre below it. */
export async function addLocalDaysOff(tx: Tx, centreCode: string, days: { day: string; name: string }[], source: string) {
  await tx
    .insert(calendarDays)
    .values(days.map((d) => ({ ...d, scope: centreCode, kind: 'day_off' as const, source })))
    .onConflictDoUpdate({
      target: [calendarDays.scope, calendarDays.day],
      set: { name: sql`excluded.name`, source: sql`excluded.source`, kind: sql`excluded.kind` },
    });
}

/**
 * The working-day calendar in PostgreSQL: seeded from the maintained `chinese-days` package (the State
 * Council's notices), extended each year by an administrator loading the new notice, with local days
 * off per centre. Snapshots of it feed the pure arithmetic in workflows/working-days.ts.
 */
import { createRequire } from 'node:module';
import { and, between, eq, inArray, max, sql } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { ancestry, findCentre } from './catalogue.js';
import { NATIONAL, calendarDays, calendarYears } from './schema/index.js';
import { addDays, type CalendarSnapshot } from '../workflows/rules/working-days.js';
import type { Officer } from '../workflows/messages.js';

export type CalendarDay = typeof calendarDays.$inferInsert;

/** The years the seed takes from chinese-days (its data ends with the last published notice). */
export const SEEDED_YEARS = [2024, 2025, 2026];
const CHINESE_DAYS = 'chinese-days 1.5.7 (State Council holiday notices)';

interface ChineseDays {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/** The national days of the given years, and Guangxi's 壮族三月三 (lunar 3rd and 4th of the 3rd month). */
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
    for (const lunarDay of ['03-03', '03-04']) {
      days.push({
        scope: '450000',
        day: lunar.getSolarDateFromLunar(`${year}-${lunarDay}`).date,
        kind: 'day_off',
        name: '壮族三月三',
        source: '《广西壮族自治区各族人民欢度“壮族三月三”民族节日放假规定》: 农历三月初三、初四放假两天 (its yearly 调休 is not modelled)',
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
  };
}

export async function listCalendar(db: Db, year: number, centreCode?: string) {
  const scopes = [NATIONAL, ...(centreCode ? [centreCode] : [])];
  const days = await db
    .select()
    .from(calendarDays)
    .where(and(inArray(calendarDays.scope, scopes), between(calendarDays.day, `${year}-01-01`, `${year}-12-31`)))
    .orderBy(calendarDays.day);
  const [published] = await db.select().from(calendarYears).where(eq(calendarYears.year, year));
  return { days, published: !!published };
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

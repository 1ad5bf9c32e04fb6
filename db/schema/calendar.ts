/**
 * The working-day calendar: the State Council's public holidays and adjusted working weekends (调休),
 * each region's yearly notice of its own holidays (e.g. Guangxi's 壮族三月三), and days off that a
 * centre adds for itself and the centres below it.
 */
import { date, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import type { Officer } from '../../workflows/messages.js';
import { createdAt } from './columns.js';

/** The scope of the State Council's national calendar; other scopes are centre codes. */
export const NATIONAL = 'CN';

export const calendarDays = pgTable(
  'calendar_days',
  {
    /** `CN` for the national calendar, or the centre (a region for a regional notice) whose day this is. */
    scope: text().notNull(),
    day: date({ mode: 'string' }).notNull(),
    /** day_off: not worked (holiday); working_day: a weekend that is worked (调休, national or regional). */
    kind: text({ enum: ['day_off', 'working_day'] }).notNull(),
    name: text().notNull(),
    source: text().notNull(),
  },
  (t) => [primaryKey({ name: 'calendar_days_pk', columns: [t.scope, t.day] })],
);

/** The years whose national holiday notice is loaded; due dates beyond the last one are provisional. */
export const calendarYears = pgTable('calendar_years', {
  year: integer().primaryKey(),
  source: text().notNull(),
  loadedAt: createdAt(),
  loadedBy: jsonb().$type<Officer>(),
});

/**
 * The regional notices loaded: a region's arrangement of its own holidays for a year (广西's 壮族三月三
 * notice from the 自治区人民政府办公厅, with its 补休 when the festival falls on a weekend). Its days
 * are the region's scope in calendar_days for that year.
 */
export const regionalNotices = pgTable(
  'regional_notices',
  {
    /** The regional centre's code, e.g. 450000. */
    region: text().notNull(),
    year: integer().notNull(),
    source: text().notNull(),
    loadedAt: createdAt(),
    loadedBy: jsonb().$type<Officer>(),
  },
  (t) => [primaryKey({ name: 'regional_notices_pk', columns: [t.region, t.year] })],
);

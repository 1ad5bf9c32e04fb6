// Working time for the application detail (GET /v1/calendar/:year?centre=): weekends and holidays do
// not count, adjusted working weekends (调休) do. Limits are working days that end at 24:00 China time
// of their last working day, so a working day counts whole (24 hours) and a day off not at all. The
// same approach as the workstation's calendar (web/workstation/modules/calendar.js), kept per centre:
// an application's days off are its centre's and those above it. A demo centre (the map's `dayMinutes`)
// works every day and its working day lasts minutes: its working time is plain elapsed time, counted in
// its compressed days.

import { TZ } from './constants.js';
import { state } from './state.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The China date of an instant, "2026-12-07". */
export const chinaDay = (ms) => dayFormat.format(new Date(ms));
/** 00:00 China time of a date. */
const midnight = (day) => Date.parse(`${day}T00:00:00+08:00`);
const nextDay = (day) => new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

/** A centre and those above it: 450102 → 450102, 450100, 450000. */
function centreAndAbove(code) {
  const codes = [code];
  if (!code.endsWith('00')) codes.push(`${code.slice(0, 4)}00`);
  if (!code.endsWith('0000')) codes.push(`${code.slice(0, 2)}0000`);
  return [...new Set(codes)];
}

/** Per centre: the years loaded, its days off and its working weekends. */
const calendars = new Map();
const calendarOf = (centre) => {
  if (!calendars.has(centre)) calendars.set(centre, { years: new Set(), daysOff: new Set(), workingDays: new Set() });
  return calendars.get(centre);
};

/** Loads the years' calendars of a centre and those above it (the national days come with each); true if any was new. */
export async function loadWorkingCalendar(centre, years, getJSON) {
  const calendar = calendarOf(centre);
  const wanted = [...new Set(years)].filter((y) => !calendar.years.has(y));
  if (!wanted.length) return false;
  await Promise.all(
    wanted.flatMap((year) =>
      centreAndAbove(centre).map(async (code) => {
        const body = await getJSON(`/v1/calendar/${year}?centre=${code}`).catch(() => ({ days: [] }));
        for (const d of body.days ?? []) (d.kind === 'working_day' ? calendar.workingDays : calendar.daysOff).add(d.day);
      }),
    ),
  );
  for (const y of wanted) calendar.years.add(y);
  return true;
}

/** A working day's length at a centre in ms: a demo centre's compressed day, else 24 hours. */
export function workingDayMs(centre) {
  const minutes = state.centreByCode.get(centre)?.dayMinutes;
  return minutes ? Math.max(1, Math.round(minutes * 60_000)) : DAY_MS;
}
const compressed = (centre) => workingDayMs(centre) !== DAY_MS;

export function isWorkingDay(centre, day) {
  if (compressed(centre)) return true;
  const calendar = calendarOf(centre);
  if (calendar.daysOff.has(day)) return false;
  if (calendar.workingDays.has(day)) return true;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** The working time between two instants: the part of [from, to) that falls on working days, in ms. */
export function workingMs(centre, from, to) {
  if (compressed(centre)) return Math.max(0, to - from);
  let total = 0;
  for (let day = chinaDay(from); midnight(day) < to; day = nextDay(day)) {
    if (!isWorkingDay(centre, day)) continue;
    total += Math.max(0, Math.min(to, midnight(nextDay(day))) - Math.max(from, midnight(day)));
  }
  return total;
}

/** Working ms as whole working days (of `dayMs`, a demo centre's shorter ones) and what is left of one: { days, hours, minutes, seconds }. */
export function splitWorking(ms, dayMs = DAY_MS) {
  const days = Math.floor(ms / dayMs);
  let rest = Math.floor((ms - days * dayMs) / 1000);
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  return { days, hours, minutes: Math.floor(rest / 60), seconds: rest % 60 };
}

/**
 * The last day of a limit that ends at `iso`: a limit ending at 24:00 (00:00 of the next day) is its
 * last working day itself; one ending in the middle of a day (moved by a stopped clock), that day and
 * the time. { day: "2026-12-07", time: null | "15:30" }.
 */
export function lastDayOf(iso) {
  const ms = Date.parse(iso);
  const atMidnight = midnight(chinaDay(ms)) === ms;
  const time = atMidnight ? null : new Date(ms + 8 * HOUR_MS).toISOString().slice(11, 16);
  return { day: chinaDay(atMidnight ? ms - 1 : ms), time };
}

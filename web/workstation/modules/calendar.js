// Working days (GET /v1/calendar/:year): weekends and holidays do not count, adjusted working weekends
// (调休) do. Used only to say how much time is left; the due instants themselves come from the API.
// At a demo centre (GET /v1/centres/:code `dayMinutes`) every day is worked and lasts minutes: what is
// left is counted in its compressed days, with the real minutes.

import { TZ, state } from './state.js';

const DAY_MS = 86_400_000;
const dayOf = (ms) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** A centre and those above it: 450102 → 450102, 450100, 450000 (local days off are kept per centre). */
function centreAndAbove(code) {
  const codes = [code];
  if (!code.endsWith('00')) codes.push(`${code.slice(0, 4)}00`);
  if (!code.endsWith('0000')) codes.push(`${code.slice(0, 2)}0000`);
  return [...new Set(codes)];
}

/** Loads the years' calendars of the officer's centre (the national days come with each). */
export async function loadCalendar(years, getJSON) {
  const wanted = years.filter((y) => !state.calendar.years.has(y));
  const centres = centreAndAbove(state.officer?.centreCode ?? '450000');
  await Promise.all(
    wanted.flatMap((year) =>
      centres.map(async (centre) => {
        const body = await getJSON(`/v1/calendar/${year}?centre=${centre}`).catch(() => ({ days: [] }));
        for (const d of body.days ?? []) (d.kind === 'working_day' ? state.calendar.workingDays : state.calendar.daysOff).add(d.day);
      }),
    ),
  );
  for (const y of wanted) state.calendar.years.add(y);
  if (state.calendar.dayMs === undefined) {
    const centre = await getJSON(`/v1/centres/${state.officer?.centreCode ?? '450000'}`).catch(() => null);
    state.calendar.dayMs = centre?.dayMinutes ? Math.max(1, Math.round(centre.dayMinutes * 60_000)) : null;
  }
}

export function isWorkingDay(day) {
  if (state.calendar.daysOff.has(day)) return false;
  if (state.calendar.workingDays.has(day)) return true;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** Working days after `from` up to and including `to`. */
function workingDaysBetween(from, to) {
  let count = 0;
  for (let day = addDays(from, 1); day <= to; day = addDays(day, 1)) if (isWorkingDay(day)) count += 1;
  return count;
}

/**
 * What is left of a limit ending at `due`: the whole working days after today up to its last working
 * day, and the hours left of today when today is a working day; or, past it, the working days overdue.
 */
export function remainingWorking(due, now = Date.now()) {
  const dayMs = state.calendar.dayMs;
  if (dayMs) {
    const left = Date.parse(due) - now;
    if (left <= 0) return { overdue: true, days: Math.max(1, Math.floor(-left / dayMs)), hours: 0 };
    return { overdue: false, days: Math.floor(left / dayMs), hours: 0, minutes: Math.ceil(left / 60_000), compressed: true };
  }
  const today = dayOf(now);
  const lastDay = dayOf(Date.parse(due) - 1);
  if (Date.parse(due) <= now) return { overdue: true, days: Math.max(1, workingDaysBetween(lastDay, today)), hours: 0 };
  if (lastDay < today) return { overdue: false, days: 0, hours: Math.floor((Date.parse(due) - now) / 3_600_000) };
  const endOfToday = Date.parse(`${addDays(today, 1)}T00:00:00+08:00`);
  const hours = isWorkingDay(today) ? Math.floor((Math.min(endOfToday, Date.parse(due)) - now) / 3_600_000) : 0;
  return { overdue: false, days: workingDaysBetween(today, lastDay), hours };
}

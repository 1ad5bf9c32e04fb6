/**
 * Working-day arithmetic against the official 2025 and 2026 holiday schedules (State Council notices,
 * as packaged by chinese-days and seeded into the calendar).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seedCalendarDays } from '../db/calendar.js';
import { WorkingCalendar, addDays, chinaDate, spanFor, startOfChinaDay } from '../workflows/rules/working-days.js';

const national = seedCalendarDays([2025, 2026]).filter((d) => d.scope === 'CN');
const calendar = new WorkingCalendar({
  daysOff: national.filter((d) => d.kind === 'day_off').map((d) => d.day),
  workingWeekends: national.filter((d) => d.kind === 'working_day').map((d) => d.day),
  publishedThrough: '2026-12-31',
});

describe('the official calendar', () => {
  it('knows the 2025 National Day and Mid-Autumn holiday (Oct 1–8 off, Sep 28 and Oct 11 worked)', () => {
    for (let d = 1; d <= 8; d++) expect(calendar.isWorkingDay(`2025-10-0${d}`)).toBe(false);
    expect(calendar.isWorkingDay('2025-09-28')).toBe(true); // a Sunday, worked (调休)
    expect(calendar.isWorkingDay('2025-10-11')).toBe(true); // a Saturday, worked
    expect(calendar.isWorkingDay('2025-10-12')).toBe(false); // an ordinary Sunday
  });

  it('knows the 2026 Spring Festival (Feb 15–23 off, Feb 14 and Feb 28 worked)', () => {
    for (let d = 15; d <= 23; d++) expect(calendar.isWorkingDay(`2026-02-${d}`)).toBe(false);
    expect(calendar.isWorkingDay('2026-02-14')).toBe(true);
    expect(calendar.isWorkingDay('2026-02-28')).toBe(true);
    expect(calendar.isWorkingDay('2026-02-24')).toBe(true);
  });
});

describe('due instants', () => {
  it('counts 20 working days from an acceptance just before the 2026 National Day holiday', () => {
    // Accepted Wed 30 Sep 2026 at 15:00 China time; Oct 1–7 are off, Sat Oct 10 is worked.
    const { lastDay, due, provisional } = calendar.due('2026-09-30T07:00:00Z', 20);
    expect(lastDay).toBe('2026-11-03');
    expect(due).toBe('2026-11-03T16:00:00.000Z'); // the end of 3 Nov in China
    expect(provisional).toBe(false);
  });

  it('does not count the day of acceptance, and ends a 0-day limit at the end of that day', () => {
    expect(calendar.due('2025-06-03T01:00:00Z', 1).lastDay).toBe('2025-06-04');
    expect(calendar.due('2025-06-03T01:00:00Z', 0)).toMatchObject({ lastDay: '2025-06-03', due: '2025-06-03T16:00:00.000Z' });
  });

  it('takes the day in China, not in UTC: 23:30 on 1 Jun 2025 UTC is already 2 Jun in China', () => {
    expect(chinaDate('2025-06-01T23:30:00Z')).toBe('2025-06-02');
    expect(calendar.due('2025-06-01T23:30:00Z', 1).lastDay).toBe('2025-06-03');
  });

  it('marks a limit ending beyond the published calendar as provisional', () => {
    expect(calendar.due('2026-12-20T02:00:00Z', 20).provisional).toBe(true);
    expect(calendar.due('2026-12-01T02:00:00Z', 5).provisional).toBe(false);
  });

  const acceptance = fc
    .date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2026-10-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString());
  const limit = fc.integer({ min: 1, max: 45 });

  it('ends every limit on a working day, at the start of the next day in China', () => {
    fc.assert(
      fc.property(acceptance, limit, (from, n) => {
        const { lastDay, due } = calendar.due(from, n);
        expect(calendar.isWorkingDay(lastDay)).toBe(true);
        expect(due).toBe(startOfChinaDay(addDays(lastDay, 1)));
      }),
    );
  });

  it('has exactly n working days between acceptance and the due day', () => {
    fc.assert(
      fc.property(acceptance, limit, (from, n) => {
        expect(calendar.workingDaysBetween(chinaDate(from), calendar.due(from, n).lastDay)).toBe(n);
      }),
    );
  });

  it('moves strictly later with each extra working day and never ends before the acceptance day', () => {
    fc.assert(
      fc.property(acceptance, limit, (from, n) => {
        const a = calendar.due(from, n);
        const b = calendar.due(from, n + 1);
        expect(b.lastDay > a.lastDay).toBe(true);
        expect(a.lastDay > chinaDate(from)).toBe(true);
      }),
    );
  });

  it('never needs more calendar days than a snapshot of spanFor(n) holds', () => {
    fc.assert(
      fc.property(acceptance, fc.integer({ min: 0, max: 200 }), (from, n) => {
        const { lastDay } = calendar.due(from, n);
        expect(lastDay <= addDays(chinaDate(from), spanFor(n))).toBe(true);
      }),
    );
  });
});

describe('the real calendar through workingDaysFrom', () => {
  it('counts exactly what workingDaysBetween counts between the two instants’ days in China', () => {
    const instant = fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        expect(calendar.workingDaysFrom(a, b)).toBe(calendar.workingDaysBetween(chinaDate(a), chinaDate(b)));
      }),
    );
    expect(calendar.compressed).toBe(false);
    // dayMinutes absent or undefined: China's calendar days, as before demo centres existed.
    const undefinedMinutes = new WorkingCalendar({ daysOff: [], workingWeekends: [], publishedThrough: '2026-12-31', dayMinutes: undefined });
    expect(undefinedMinutes.compressed).toBe(false);
    expect(undefinedMinutes.due('2026-06-05T07:00:00Z', 1).due).toBe('2026-06-08T16:00:00.000Z'); // Fri → Mon
  });
});

describe('a demo centre’s compressed calendar (dayMinutes)', () => {
  // Two-minute working days: days begin at multiples of 120 000 ms since the epoch.
  const demo = new WorkingCalendar({ daysOff: ['2026-10-01'], workingWeekends: [], publishedThrough: '2000-01-01', dayMinutes: 2 });
  const day = 120_000;

  it('does not count the compressed day of acceptance and ends a limit at the end of its last compressed day', () => {
    const from = new Date(1000 * day + 30_000); // 30 s into compressed day 1000
    expect(demo.compressed).toBe(true);
    expect(demo.due(from, 1)).toMatchObject({ due: new Date(1002 * day).toISOString(), provisional: false });
    expect(demo.due(from, 5).due).toBe(new Date(1006 * day).toISOString());
    expect(demo.due(from, 0).due).toBe(new Date(1001 * day).toISOString());
    // Acceptance exactly at a day's start still belongs to that day.
    expect(demo.due(new Date(1000 * day), 1).due).toBe(new Date(1002 * day).toISOString());
    expect(demo.due(from, 1).lastDay).toBe(chinaDate(new Date(1002 * day - 1)));
  });

  it('has no holidays, no weekends and nothing provisional, whatever the snapshot lists', () => {
    expect(demo.isWorkingDay('2026-10-01')).toBe(true);
    expect(demo.isWorkingDay('2026-10-03')).toBe(true); // a Saturday
    expect(demo.isProvisional('2099-01-01')).toBe(false);
    // A limit across the National Day holiday is as short as any other.
    expect(Date.parse(demo.due('2026-09-30T15:59:00Z', 3).due) - Date.parse('2026-09-30T15:59:00Z')).toBeLessThanOrEqual(4 * day);
  });

  it('counts compressed days between instants', () => {
    const from = new Date(1000 * day + 30_000);
    expect(demo.workingDaysFrom(from, new Date(1000 * day + 119_999))).toBe(0);
    expect(demo.workingDaysFrom(from, new Date(1001 * day))).toBe(1);
    expect(demo.workingDaysFrom(from, new Date(1003 * day + 5))).toBe(3);
    expect(demo.workingDaysFrom(from, new Date(999 * day))).toBe(0);
  });

  it('has exactly n compressed days between acceptance and the end of the limit, for any day length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }), fc.integer({ min: 0, max: 60 }), fc.double({ min: 0.01, max: 30, noNaN: true }), (t, n, minutes) => {
        const c = new WorkingCalendar({ daysOff: [], workingWeekends: [], publishedThrough: '2000-01-01', dayMinutes: minutes });
        const due = Date.parse(c.due(new Date(t), n).due);
        expect(due).toBeGreaterThan(t);
        expect(c.workingDaysFrom(new Date(t), new Date(due - 1))).toBe(n);
        expect(c.workingDaysFrom(new Date(t), new Date(due))).toBe(n + 1);
      }),
    );
  });

  it('counts fractional minutes too: 0.05 min is a three-second day', () => {
    const fast = new WorkingCalendar({ daysOff: [], workingWeekends: [], publishedThrough: '2000-01-01', dayMinutes: 0.05 });
    expect(fast.due(new Date(3000 * 10 + 1), 2).due).toBe(new Date(3000 * 13).toISOString());
  });
});


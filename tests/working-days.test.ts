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

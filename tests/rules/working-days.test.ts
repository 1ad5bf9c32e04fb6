/**
 * Working days with a regional notice layered on the national calendar (workflows/rules/working-days.ts):
 * Guangxi's 壮族三月三 of 2026 falls on Sunday 19 April, so the region is off Fri 17 – Mon 20 April
 * (the 17th and 20th in lieu, 补休); the rest of China works the 17th and the 20th.
 */
import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../workflows/rules/working-days.js';

/** 2026's national days around April (清明 4–6 April) — enough for these limits. */
const NATIONAL_2026 = ['2026-04-04', '2026-04-05', '2026-04-06', '2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05'];
const NATIONAL_WORKING_2026 = ['2026-05-09'];
/** Guangxi's notice of 2026, as seeded: weekend days named too. */
const GUANGXI_2026 = ['2026-04-17', '2026-04-18', '2026-04-19', '2026-04-20'];

const national = new WorkingCalendar({ daysOff: NATIONAL_2026, workingWeekends: NATIONAL_WORKING_2026, publishedThrough: '2026-12-31' });
const guangxi = new WorkingCalendar({ daysOff: [...NATIONAL_2026, ...GUANGXI_2026], workingWeekends: NATIONAL_WORKING_2026, publishedThrough: '2026-12-31' });

describe('a regional notice across 2026-04-17..20', () => {
  it('makes every day of it a day off in the region, and none of them elsewhere but the weekend', () => {
    for (const day of GUANGXI_2026) expect(guangxi.isWorkingDay(day), day).toBe(false);
    expect(GUANGXI_2026.map((day) => national.isWorkingDay(day))).toEqual([true, false, false, true]);
    expect(guangxi.isWorkingDay('2026-04-16')).toBe(true);
    expect(guangxi.isWorkingDay('2026-04-21')).toBe(true);
  });

  it.each([
    // [accepted (China time), working days, Guangxi's last working day, elsewhere's]
    ['2026-04-16T10:00:00+08:00', 1, '2026-04-21', '2026-04-17'],
    ['2026-04-16T23:59:00+08:00', 2, '2026-04-22', '2026-04-20'],
    ['2026-04-17T09:00:00+08:00', 1, '2026-04-21', '2026-04-20'], // accepted on the 补休 itself: not counted anyway
    ['2026-04-15T10:00:00+08:00', 1, '2026-04-16', '2026-04-16'], // ends before the notice's days
    ['2026-04-15T10:00:00+08:00', 5, '2026-04-24', '2026-04-22'],
    ['2026-04-16T10:00:00+08:00', 0, '2026-04-16', '2026-04-16'], // 即办件: the day of acceptance
  ])('a limit counted from %s for %i working days ends on %s in Guangxi (%s elsewhere)', (from, days, inGuangxi, elsewhere) => {
    expect(guangxi.due(from, days).lastDay).toBe(inGuangxi);
    expect(national.due(from, days).lastDay).toBe(elsewhere);
  });

  it('ends the limit counted from Thursday 16 April for 1 working day at the end of Tuesday 21 April (China time)', () => {
    expect(guangxi.due('2026-04-16T10:00:00+08:00', 1)).toEqual({ lastDay: '2026-04-21', due: '2026-04-21T16:00:00.000Z', provisional: false });
    expect(guangxi.workingDaysBetween('2026-04-16', '2026-04-21')).toBe(1);
  });

  it('counts a weekend the notice makes a working day (调休), as a national one counts', () => {
    const withRegionalWorkingSunday = new WorkingCalendar({
      daysOff: [...NATIONAL_2026, ...GUANGXI_2026],
      workingWeekends: [...NATIONAL_WORKING_2026, '2026-04-26'],
      publishedThrough: '2026-12-31',
    });
    expect(withRegionalWorkingSunday.due('2026-04-24T10:00:00+08:00', 1).lastDay).toBe('2026-04-26');
  });
});

/**
 * Working-day arithmetic for statutory and promised limits (限时办结). Pure and deterministic, so a
 * workflow can use it on a snapshot of the calendar that an activity fetched, and replay gives the
 * same due instants.
 *
 * The rules (DOMAIN.md): limits count working days in China (Asia/Shanghai, UTC+8 without daylight
 * saving since 1991); weekends and public holidays do not count, the adjusted working weekends (调休)
 * that the State Council announces do; the day of acceptance is not counted; a limit ends at the end
 * of its last working day. A limit of 0 days (即办件) ends at the end of the day of acceptance.
 */

/** The days a computation needs, as yyyy-mm-dd strings. */
export interface CalendarSnapshot {
  /** Days that are not worked although they could be weekdays: public holidays and local days off. */
  daysOff: string[];
  /** Weekend days that are worked (调休). */
  workingWeekends: string[];
  /** The last day of the last year whose holiday notice is loaded; later days count weekends only. */
  publishedThrough: string;
}

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The calendar day in China of an instant. */
export function chinaDate(instant: string | Date): string {
  return new Date(new Date(instant).getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a day in China starts (00:00 +08:00). */
export function startOfChinaDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - CHINA_OFFSET_MS).toISOString();
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export class WorkingCalendar {
  private readonly daysOff: Set<string>;
  private readonly workingWeekends: Set<string>;

  constructor(private readonly snapshot: CalendarSnapshot) {
    this.daysOff = new Set(snapshot.daysOff);
    this.workingWeekends = new Set(snapshot.workingWeekends);
  }

  isWorkingDay(day: string): boolean {
    if (this.daysOff.has(day)) return false;
    if (this.workingWeekends.has(day)) return true;
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /** True when the day lies beyond the published calendars: a holiday may yet be announced on it. */
  isProvisional(day: string): boolean {
    return day > this.snapshot.publishedThrough;
  }

  /**
   * The last working day of a limit of `workingDays` counted from the day after `from`'s day, and the
   * instant the limit ends (the start of the next calendar day in China).
   */
  due(from: string | Date, workingDays: number): { lastDay: string; due: string; provisional: boolean } {
    let day = chinaDate(from);
    for (let counted = 0; counted < workingDays; ) {
      day = addDays(day, 1);
      if (this.isWorkingDay(day)) counted += 1;
    }
    return { lastDay: day, due: startOfChinaDay(addDays(day, 1)), provisional: this.isProvisional(day) };
  }

  /** Working days from the day after `fromDay` up to and including `toDay` (0 when toDay ≤ fromDay). */
  workingDaysBetween(fromDay: string, toDay: string): number {
    let count = 0;
    for (let day = addDays(fromDay, 1); day <= toDay; day = addDays(day, 1)) if (this.isWorkingDay(day)) count += 1;
    return count;
  }
}

/** How many calendar days a snapshot must cover to hold a limit of `workingDays` (holidays included). */
export const spanFor = (workingDays: number) => Math.ceil(workingDays * 1.6) + 40;

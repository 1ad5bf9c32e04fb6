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
  /**
   * A demo centre only (compressed time): each working day lasts this many minutes, every day is a
   * working day and there are no holidays. Days begin at multiples of it since the Unix epoch. Absent
   * for every real centre, whose days are China's calendar days.
   */
  dayMinutes?: number;
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

/** The length of a demo centre's compressed working day in milliseconds (whole, at least 1). */
export const compressedDayMs = (dayMinutes: number) => Math.max(1, Math.round(dayMinutes * 60_000));

export class WorkingCalendar {
  private readonly daysOff: Set<string>;
  private readonly workingWeekends: Set<string>;
  /** A demo centre's compressed day in milliseconds; undefined for a real calendar. */
  private readonly dayMs: number | undefined;

  constructor(private readonly snapshot: CalendarSnapshot) {
    this.daysOff = new Set(snapshot.daysOff);
    this.workingWeekends = new Set(snapshot.workingWeekends);
    this.dayMs = snapshot.dayMinutes !== undefined && snapshot.dayMinutes !== null ? compressedDayMs(snapshot.dayMinutes) : undefined;
  }

  /** True at a demo centre, whose working days last minutes (CalendarSnapshot.dayMinutes). */
  get compressed(): boolean {
    return this.dayMs !== undefined;
  }

  isWorkingDay(day: string): boolean {
    if (this.dayMs !== undefined) return true;
    if (this.daysOff.has(day)) return false;
    if (this.workingWeekends.has(day)) return true;
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /** True when the day lies beyond the published calendars: a holiday may yet be announced on it. */
  isProvisional(day: string): boolean {
    if (this.dayMs !== undefined) return false;
    return day > this.snapshot.publishedThrough;
  }

  /**
   * The last working day of a limit of `workingDays` counted from the day after `from`'s day, and the
   * instant the limit ends (the start of the next calendar day in China).
   */
  due(from: string | Date, workingDays: number): { lastDay: string; due: string; provisional: boolean } {
    if (this.dayMs !== undefined) {
      // Compressed: the limit ends where the compressed day `workingDays` after from's own one ends.
      const due = new Date((this.compressedDay(from) + workingDays + 1) * this.dayMs);
      return { lastDay: chinaDate(new Date(due.getTime() - 1)), due: due.toISOString(), provisional: false };
    }
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

  /**
   * Working days from the day after `from`'s day up to and including `to`'s day (0 when to's day is not
   * later): for a real calendar exactly workingDaysBetween of their days in China; at a demo centre,
   * compressed days.
   */
  workingDaysFrom(from: string | Date, to: string | Date): number {
    if (this.dayMs !== undefined) return Math.max(0, this.compressedDay(to) - this.compressedDay(from));
    return this.workingDaysBetween(chinaDate(from), chinaDate(to));
  }

  /** The index of an instant's compressed day since the Unix epoch (demo centres only). */
  private compressedDay(instant: string | Date): number {
    return Math.floor(new Date(instant).getTime() / this.dayMs!);
  }
}

/** How many calendar days a snapshot must cover to hold a limit of `workingDays` (holidays included). */
export const spanFor = (workingDays: number) => Math.ceil(workingDays * 1.6) + 40;

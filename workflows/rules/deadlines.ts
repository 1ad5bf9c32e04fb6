/**
 * Time limits (限时办结), DOMAIN.md: the application's clock runs from acceptance, each review's from
 * the opening of its step, in working days at the centre (working-days.ts). Yellow comes the item's
 * `warningDays` (1 unless the catalogue says otherwise) before the promised limit, red at the promised
 * limit, statutory red at the statutory limit. Working days a clock stood still, and an extension,
 * lengthen the limits. The decision ends the clock and says how long it took.
 */
import type { ApplicationState, Deadlines, ItemSnapshot, Review } from '../messages.js';
import { type Change, change } from './change.js';
import type { WorkingCalendar } from './working-days.js';

type Limits = Pick<ItemSnapshot, 'statutoryLimitDays' | 'promisedLimitDays' | 'warningDays'>;

/** The due instants of a clock started at `from`. */
export function deadlinesOf(calendar: WorkingCalendar, item: Limits, from: string, promisedDays: number, statutoryDue: string): Deadlines {
  const promised = calendar.due(from, promisedDays);
  const warnDays = promisedDays - item.warningDays;
  const warn = warnDays > 0 ? calendar.due(from, warnDays) : undefined;
  return { warnAt: warn?.due, promisedDue: promised.due, statutoryDue, provisional: promised.provisional };
}

/** The statutory limit in working days, lengthened by the days the clock stood still and by an extension. */
export const statutoryDays = (app: ApplicationState, item: Limits) =>
  item.statutoryLimitDays + app.stoppedDays + (app.extension?.workingDays ?? 0);

/** The application's limits, counted from acceptance. */
export function applicationDeadlines(app: ApplicationState, item: Limits, calendar: WorkingCalendar): Deadlines {
  const statutory = calendar.due(app.acceptedAt!, statutoryDays(app, item));
  const deadlines = deadlinesOf(calendar, item, app.acceptedAt!, item.promisedLimitDays + app.stoppedDays, statutory.due);
  deadlines.provisional ||= statutory.provisional;
  return deadlines;
}

/** A review's limits, counted from the opening of its step; its statutory limit is the application's. */
export function reviewDeadlines(app: ApplicationState, item: Limits, calendar: WorkingCalendar, review: Review): Deadlines {
  return deadlinesOf(calendar, item, review.openedAt!, review.promisedLimitDays + review.stoppedDays, app.deadlines!.statutoryDue);
}

/** Every due instant computed again: after a clock stood still, an extension, or a new holiday calendar. */
export function movedDeadlines(app: ApplicationState, item: Limits, calendar: WorkingCalendar): ApplicationState {
  const moved = { ...app, deadlines: applicationDeadlines(app, item, calendar) };
  moved.reviews = app.reviews.map((review) => (review.status === 'open' ? { ...review, deadlines: reviewDeadlines(moved, item, calendar, review) } : review));
  return moved;
}

/** At acceptance the application's clock starts: its due instants from the acceptance calendar. */
export function startClock(app: ApplicationState, item: Limits, calendar: WorkingCalendar, at: string): Change {
  const deadlines = applicationDeadlines(app, item, calendar);
  return change(app, { deadlines }, [{ type: 'clock_started', data: { ...deadlines } }], at);
}

/** A new holiday calendar: every due instant computed again. */
export function recalculated(app: ApplicationState, item: Limits, calendar: WorkingCalendar, at: string): Change {
  const moved = movedDeadlines(app, item, calendar);
  return change(moved, {}, [{ type: 'deadlines_recalculated', data: { ...moved.deadlines } }], at);
}

/**
 * The clock ends with the decision (`decidedAt`), approval or rejection: how long it took, stopped
 * days excluded, recorded at `at`.
 */
export function timing(app: ApplicationState, calendar: WorkingCalendar, decidedAt: string, at: string): Change {
  const taken: ApplicationState['timing'] = {
    workingDays: Math.max(0, calendar.workingDaysFrom(app.acceptedAt!, decidedAt) - app.stoppedDays),
    calendarDays: Math.round((Date.parse(decidedAt) - Date.parse(app.acceptedAt!)) / 8_640_000) / 10,
    onTime: Date.parse(decidedAt) <= Date.parse(app.deadlines!.promisedDue),
    withinStatutory: Date.parse(decidedAt) <= Date.parse(app.deadlines!.statutoryDue),
  };
  return change(app, { timing: taken }, [{ type: 'decided', data: { ...taken } }], at);
}

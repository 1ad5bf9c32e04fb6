/**
 * The clocks of one application at work (the rules are in workflows/rules/deadlines.ts, alerts.ts,
 * clock-stops.ts and extension.ts): calendar snapshots fetched for the centre, durable timers that
 * raise yellow, red and statutory red, and due instants published as search attributes. The windows'
 * messages that stop, restart, extend or recalculate a clock are in workflows/clock-messages.ts.
 */
import { condition } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ApplicationRecord } from './application-record.js';
import {
  type AlertLevel,
  type ApplicationInput,
  type ClockResumeRequest,
  type Deadlines,
  type Review,
  type TransitionEvent,
  searchAttributes,
} from './messages.js';
import { raiseAlert, nextAlert } from './rules/alerts.js';
import { resumeClocks } from './rules/clock-stops.js';
import { startClock, statutoryDays, timing } from './rules/deadlines.js';
import { feeClockResumed } from './rules/fees.js';
import { activeStop } from './rules/review.js';
import { WorkingCalendar, addDays, chinaDate, spanFor } from './rules/working-days.js';

export type Clocks = ReturnType<typeof createClocks>;

export function createClocks(record: ApplicationRecord, input: ApplicationInput, calendarSnapshot: Activities['calendarSnapshot'], lean: boolean) {
  const { state, now, commit } = record;
  let acceptanceCalendar: WorkingCalendar | undefined;
  /** Bumped whenever a clock stops or its deadlines move, so that waiting timers re-arm. */
  let clockVersion = 0;

  /** The calendar fetched last (at acceptance, or since: a resumed clock, an extension, a new holiday notice) and the days it holds. */
  let latest: { calendar: WorkingCalendar; from: string; to: string } | undefined;

  async function calendarFrom(instant: string, workingDays: number, atLeastDays = 0): Promise<WorkingCalendar> {
    const span = Math.max(spanFor(workingDays), atLeastDays);
    const from = chinaDate(instant);
    const calendar = new WorkingCalendar(await calendarSnapshot({ centreCode: state.centreCode, from, span }));
    latest = { calendar, from, to: addDays(from, span) };
    return calendar;
  }

  /** A calendar from acceptance that reaches past today and the statutory limit (plus `extraDays`). */
  async function calendarSinceAcceptance(extraDays = 0): Promise<WorkingCalendar> {
    // Days already elapsed (some stopped) plus everything still to count: enough for any due instant.
    const elapsed = Math.ceil((Date.now() - Date.parse(state.acceptedAt!)) / 86_400_000);
    const days = statutoryDays(state, input.item) + extraDays;
    return calendarFrom(state.acceptedAt!, days, elapsed + spanFor(days));
  }

  /** The due instants moved: the timers re-arm, and the search attributes follow. */
  function publishDeadlines(): void {
    clockVersion += 1;
    record.publish([
      { key: searchAttributes.promisedDue, value: new Date(state.deadlines!.promisedDue) },
      { key: searchAttributes.statutoryDue, value: new Date(state.deadlines!.statutoryDue) },
    ]);
  }

  /**
   * Durable timers for one clock, each alert in turn. Whatever is settled by then (decided, closed)
   * raises nothing; a stopped clock waits.
   */
  async function watch(clock: () => { deadlines: Deadlines; stopped: boolean }, settled: () => boolean, review?: Review): Promise<void> {
    const raised = new Set<AlertLevel>();
    while (!settled()) {
      if (clock().stopped) {
        await condition(() => settled() || !clock().stopped);
        continue;
      }
      const next = nextAlert(clock().deadlines, raised);
      if (!next) return;
      // The timer is re-armed whenever the clock stops or its deadlines move.
      const version = clockVersion;
      const interrupted = await condition(() => settled() || clock().stopped || clockVersion !== version, Math.max(1, Date.parse(next.at) - Date.now()));
      if (interrupted) continue;
      raised.add(next.level);
      await raise(next.level, review);
    }
  }

  async function raise(level: AlertLevel, review?: Review): Promise<void> {
    await record.record(raised(level, review));
  }

  /** Takes an alert into the state; the worse supervision level is published with the write. */
  function raised(level: AlertLevel, review?: Review): TransitionEvent[] {
    const supervision = state.supervision;
    const events = commit(raiseAlert(state, level, review, now()));
    if (state.supervision !== supervision) record.publish([{ key: searchAttributes.supervision, value: state.supervision }]);
    return events;
  }

  /**
   * Since the lean-history patch: one durable timer for the whole application, armed for the next
   * alert of any running clock (the application's and each open review's whose task is written). It
   * is re-armed only when that instant comes earlier (a review opened, a clock resumed, a limit
   * recalculated); one that comes later (a review decided, a clock stopped, an extension) lets the
   * armed timer fire and find nothing due. When it fires, every alert due by then is raised, the
   * application's first, and written together. The review ending cancels it.
   */
  async function watchAll(watched: (review: Review) => boolean): Promise<void> {
    const raisedBy = new Map<Review | undefined, Set<AlertLevel>>();
    const levelsOf = (review?: Review) => raisedBy.get(review) ?? raisedBy.set(review, new Set()).get(review)!;
    const running = () => [
      ...(state.stoppedSince ? [] : [{ review: undefined, deadlines: state.deadlines! }]),
      ...state.reviews.filter((r) => r.status === 'open' && r.deadlines && !activeStop(r) && watched(r)).map((review) => ({ review, deadlines: review.deadlines! })),
    ];
    const upcoming = () =>
      running().flatMap(({ review, deadlines }) => {
        const next = nextAlert(deadlines, levelsOf(review));
        return next ? [{ review, level: next.level, at: Date.parse(next.at) }] : [];
      });
    const earliest = () => Math.min(...upcoming().map((alert) => alert.at));
    while (state.stage === 'in_review') {
      const armed = earliest();
      const settledOrSooner = () => state.stage !== 'in_review' || earliest() < armed;
      if (armed === Infinity) {
        await condition(settledOrSooner);
        continue;
      }
      if (await condition(settledOrSooner, Math.max(1, armed - Date.now()))) continue;
      const due = upcoming().filter((alert) => alert.at <= Math.max(armed, Date.now()));
      const events = due.flatMap(({ review, level }) => {
        levelsOf(review).add(level);
        return raised(level, review);
      });
      if (events.length > 0) await record.record(events);
    }
  }

  /** Restarts the stopped clocks of these reviews; every due instant moves by the working days they stood still. */
  async function resume(reviews: Review[], by?: ClockResumeRequest): Promise<TransitionEvent[]> {
    const calendar = await calendarSinceAcceptance();
    // Everything below happens at once, after the calendar is in hand: no timer sees a half-moved clock.
    const events = commit(resumeClocks(state, input.item, reviews, calendar, now(), by));
    publishDeadlines();
    return events;
  }

  return {
    calendarSinceAcceptance,
    resume,

    /** At acceptance: the application's due instants, published and recorded with the reviews' opening. */
    async start(): Promise<void> {
      acceptanceCalendar = await calendarFrom(state.acceptedAt!, input.item.statutoryLimitDays);
      const events = commit(startClock(state, input.item, acceptanceCalendar, now()));
      record.publish([{ key: searchAttributes.supervision, value: state.supervision }]);
      publishDeadlines();
      await record.keepForNext(events);
    },

    watchApplication: () => watch(() => ({ deadlines: state.deadlines!, stopped: !!state.stoppedSince }), () => state.stage !== 'in_review'),
    watchAll,

    /** A review's clock starts when its step opens: the first step's with the acceptance calendar, a later one's with its own. */
    acceptanceCalendar: () => acceptanceCalendar!,
    stepCalendar: (openedAt: string) => calendarFrom(openedAt, input.item.promisedLimitDays),

    watchReview: (review: Review) =>
      watch(() => ({ deadlines: review.deadlines!, stopped: !!activeStop(review) }), () => review.status !== 'open', review),

    /** The clock ends with the decision, approval or rejection: how long it took, for the statistics. */
    async stop(decidedAt: string): Promise<TransitionEvent[]> {
      // Lean applications count with the calendar already in hand when it holds every day from acceptance to the decision.
      const holds = latest && latest.from <= chinaDate(state.acceptedAt!) && chinaDate(decidedAt) <= latest.to;
      const calendar = lean && holds ? latest!.calendar : await calendarSinceAcceptance();
      // A fee still unpaid at the decision holds the clock no longer (the schedule's stopsClocks): its wait counts until now.
      const waited = state.fees?.clockStoppedAt ? commit(feeClockResumed(state, input.item, calendar, decidedAt)) : [];
      return [...waited, ...commit(timing(state, calendar, decidedAt, now()))];
    },

    /** A clock stopped: its timers re-arm. */
    interrupt: () => void (clockVersion += 1),
    publishDeadlines,
  };
}

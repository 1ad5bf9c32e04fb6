/**
 * Time limits (限时办结) of one application: its clock and each review's, counted in working days at
 * the centre from a calendar snapshot; durable timers that raise yellow, red and statutory red; clocks
 * that stop (补正, art. 45 procedures) and move every due instant when they restart; the extension of
 * the statutory limit (art. 42). Used by the application workflow, which owns the state.
 */
import { condition, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  type Alert,
  type AlertLevel,
  type ApplicationInput,
  type ApplicationState,
  type ClockResumeRequest,
  type ClockStopRequest,
  type Deadlines,
  type Extension,
  type Review,
  type Stage,
  type TransitionEvent,
  REFUSALS,
  SUPERVISION_LEVELS,
  extendUpdate,
  maxExtensionDays,
  recalculateSignal,
  recalculateUpdate,
  resumeClockUpdate,
  searchAttributes,
  stopClockUpdate,
} from './messages.js';
import { authorise, refuse } from './refuse.js';
import { actsFor, mayExtend } from './rules/authority.js';
import { WorkingCalendar, chinaDate, spanFor } from './rules/working-days.js';

/** What the clocks need of the workflow that owns the application's state. */
export interface ClockContext {
  state: ApplicationState;
  input: ApplicationInput;
  now(): string;
  event(type: string, fields?: Omit<TransitionEvent, 'seq' | 'type' | 'at'>): TransitionEvent;
  record(events: TransitionEvent[]): Promise<ApplicationState>;
  /** Keeps events for the write the workflow makes next (older applications write them at once). */
  keepForNext(events: TransitionEvent[]): Promise<void>;
  calendarSnapshot: Activities['calendarSnapshot'];
  requireStage(stage: Stage, action: string): void;
  requireOpenReview(department: string): Review;
  openStageReview(department: string): Review | undefined;
}

export function createClocks(ctx: ClockContext) {
  const { state, input, now, event, record, keepForNext, calendarSnapshot, requireStage, requireOpenReview, openStageReview } = ctx;
  let acceptanceCalendar: WorkingCalendar | undefined;
  /** Bumped whenever a clock stops or its deadlines move, so that waiting timers re-arm. */
  let clockVersion = 0;


  async function calendarFrom(instant: string, workingDays: number, atLeastDays = 0): Promise<WorkingCalendar> {
    const span = Math.max(spanFor(workingDays), atLeastDays);
    return new WorkingCalendar(await calendarSnapshot({ centreCode: state.centreCode, from: chinaDate(instant), span }));
  }

  /** The application's limits from acceptance, lengthened by the working days its clock stood still. */
  function applicationDeadlines(calendar: WorkingCalendar): Deadlines {
    const statutoryDays = input.item.statutoryLimitDays + state.stoppedDays + (state.extension?.workingDays ?? 0);
    const statutory = calendar.due(state.acceptedAt!, statutoryDays);
    const deadlines = deadlinesOf(calendar, state.acceptedAt!, input.item.promisedLimitDays + state.stoppedDays, statutory.due);
    deadlines.provisional ||= statutory.provisional;
    return deadlines;
  }

  function publishDeadlines(): void {
    clockVersion += 1;
    upsertSearchAttributes([
      { key: searchAttributes.promisedDue, value: new Date(state.deadlines!.promisedDue) },
      { key: searchAttributes.statutoryDue, value: new Date(state.deadlines!.statutoryDue) },
    ]);
  }

  const activeStop = (review: Review) => review.stops.find((s) => !s.endedAt);

  /** A calendar from acceptance that reaches past today and the statutory limit (plus `extraDays`). */
  async function calendarSinceAcceptance(extraDays = 0): Promise<WorkingCalendar> {
    // Days already elapsed (some stopped) plus everything still to count: enough for any due instant.
    const elapsed = Math.ceil((Date.now() - Date.parse(state.acceptedAt!)) / 86_400_000);
    const days = input.item.statutoryLimitDays + state.stoppedDays + (state.extension?.workingDays ?? 0) + extraDays;
    return calendarFrom(state.acceptedAt!, days, elapsed + spanFor(days));
  }

  /** Computes every due instant again (after a stop, an extension or a new calendar) and re-arms the timers. */
  function moveDeadlines(calendar: WorkingCalendar): void {
    state.deadlines = applicationDeadlines(calendar);
    for (const review of state.reviews.filter((r) => r.status === 'open')) {
      review.deadlines = deadlinesOf(calendar, review.openedAt!, review.promisedLimitDays + review.stoppedDays, state.deadlines.statutoryDue);
    }
    publishDeadlines();
  }

  /**
   * Restarts the stopped clocks of these reviews (and the application's, when none stays stopped):
   * every due instant moves by the working days the clock stood still.
   */
  async function resumeClocks(reviews: Review[], by?: ClockResumeRequest): Promise<TransitionEvent[]> {
    const calendar = await calendarSinceAcceptance();
    // Everything below happens at once, after the calendar is in hand: no timer sees a half-moved clock.
    const at = now();
    const events = reviews.map((review) => {
      const stop = activeStop(review)!;
      stop.endedAt = at;
      stop.workingDays = calendar.workingDaysBetween(chinaDate(stop.startedAt), chinaDate(at));
      review.stoppedDays += stop.workingDays;
      return event('clock_resumed', {
        stage: review.stage,
        department: review.department,
        actor: by?.officer,
        data: { type: stop.type, workingDays: stop.workingDays, note: by?.note },
      });
    });
    if (state.stoppedSince && !state.reviews.some((r) => activeStop(r))) {
      state.stoppedDays += calendar.workingDaysBetween(chinaDate(state.stoppedSince), chinaDate(at));
      state.stoppedSince = undefined;
    }
    moveDeadlines(calendar);
    return events;
  }

  function deadlinesOf(calendar: WorkingCalendar, from: string, promisedDays: number, statutoryDue: string): Deadlines {
    const promised = calendar.due(from, promisedDays);
    const warnDays = promisedDays - input.item.warningDays;
    const warn = warnDays > 0 ? calendar.due(from, warnDays) : undefined;
    return { warnAt: warn?.due, promisedDue: promised.due, statutoryDue, provisional: promised.provisional };
  }

  /**
   * Durable timers for one clock: yellow at the warning threshold, red at the promised limit,
   * statutory red at the statutory limit. Whatever is settled by then (decided, closed) raises nothing.
   */
  async function watch(clock: () => { deadlines: Deadlines; stopped: boolean }, settled: () => boolean, review?: Review): Promise<void> {
    const fired = new Set<AlertLevel>();
    while (!settled()) {
      if (clock().stopped) {
        await condition(() => settled() || !clock().stopped);
        continue;
      }
      const { deadlines } = clock();
      const steps: [AlertLevel, string | undefined][] = [
        ['yellow', deadlines.warnAt],
        ['red', deadlines.promisedDue],
        ['statutory_red', deadlines.statutoryDue],
      ];
      const next = steps.find(([level, at]) => at && !fired.has(level));
      if (!next) return;
      // The timer is re-armed whenever the clock stops or its deadlines move.
      const version = clockVersion;
      const interrupted = await condition(
        () => settled() || clock().stopped || clockVersion !== version,
        Math.max(1, Date.parse(next[1]!) - Date.now()),
      );
      if (interrupted) continue;
      fired.add(next[0]);
      await raise(next[0], review);
    }
  }

  async function raise(level: AlertLevel, review?: Review): Promise<void> {
    const holding = review ? [review] : state.reviews.filter((r) => r.status === 'open');
    const responsible = [
      ...(review ? [] : state.responsibleOfficer ? [state.responsibleOfficer] : []),
      ...holding.flatMap((r) => r.responsible ?? []),
    ];
    const alert: Alert = { level, department: review?.department, stage: review?.stage, at: now(), responsible };
    state.alerts.push(alert);
    if (SUPERVISION_LEVELS.indexOf(level) > SUPERVISION_LEVELS.indexOf(state.supervision)) {
      state.supervision = level;
      upsertSearchAttributes([{ key: searchAttributes.supervision, value: level }]);
    }
    const centreCode = review?.centreCode ?? state.centreCode;
    await record([
      event(`alert_${level}`, { stage: review?.stage, department: review?.department, data: { level, centreCode, responsible } }),
    ]);
  }


  /** At acceptance: the application's due instants, published as search attributes and recorded with the reviews' opening. */
  async function start(): Promise<void> {
    acceptanceCalendar = await calendarFrom(state.acceptedAt!, input.item.statutoryLimitDays);
    state.deadlines = applicationDeadlines(acceptanceCalendar);
    upsertSearchAttributes([{ key: searchAttributes.supervision, value: state.supervision }]);
    publishDeadlines();
    await keepForNext([event('clock_started', { data: { ...state.deadlines } })]);
  }

  const watchApplication = () =>
    watch(() => ({ deadlines: state.deadlines!, stopped: !!state.stoppedSince }), () => state.stage !== 'in_review');

  /** A review's clock starts when its stage opens: the first stage's with the acceptance calendar. */
  const acceptance = () => acceptanceCalendar!;
  const stageCalendar = (openedAt: string) => calendarFrom(openedAt, input.item.promisedLimitDays);

  function reviewDeadlines(calendar: WorkingCalendar, review: Review): Deadlines {
    return deadlinesOf(calendar, review.openedAt!, review.promisedLimitDays + review.stoppedDays, state.deadlines!.statutoryDue);
  }

  const watchReview = (review: Review) =>
    watch(() => ({ deadlines: review.deadlines!, stopped: !!activeStop(review) }), () => review.status !== 'open', review);

  /** The clock ends with the decision, approval or rejection: how long it took, for the statistics. */
  function stop(calendar: WorkingCalendar, decidedAt: string): TransitionEvent {
    state.timing = {
      workingDays: Math.max(0, calendar.workingDaysBetween(chinaDate(state.acceptedAt!), chinaDate(decidedAt)) - state.stoppedDays),
      calendarDays: Math.round((Date.parse(decidedAt) - Date.parse(state.acceptedAt!)) / 8_640_000) / 10,
      onTime: Date.parse(decidedAt) <= Date.parse(state.deadlines!.promisedDue),
      withinStatutory: Date.parse(decidedAt) <= Date.parse(state.deadlines!.statutoryDue),
    };
    return event('decided', { data: { ...state.timing } });
  }

  function registerHandlers(): void {
    setHandler(
      stopClockUpdate,
      async (request: ClockStopRequest) => {
        const review = openStageReview(request.department)!;
        const { department: _department, ...stop } = request;
        review.stops.push({ ...stop, startedAt: now() });
        state.stoppedSince ??= now();
        clockVersion += 1;
        const events = [event('clock_stopped', { stage: review.stage, department: review.department, actor: request.officer, data: { ...stop } })];
        if (stop.repeatReason) {
          // Flagged to supervisors: a second supplement request breaks the one-notice rule (一次性告知).
          events.push(event('supplement_repeated', { stage: review.stage, department: review.department, actor: request.officer, data: { reason: stop.repeatReason } }));
        }
        return record(events);
      },
      {
        validator: (request: ClockStopRequest) => {
          requireStage('in_review', 'Stopping the clock');
          const review = requireOpenReview(request.department);
          authorise(actsFor(request.officer, review.department, review.centreCode));
          if (activeStop(review)) {
            refuse(REFUSALS.clockStopped, `The clock of ${request.department}'s review already stands still (${activeStop(review)!.type})`);
          }
          if (!request.reason?.trim()) refuse(REFUSALS.missingReason, 'Stopping the clock needs a reason');
          if (request.type === 'supplement') {
            if (!request.missingMaterials?.length) {
              refuse(REFUSALS.missingReason, 'A supplement request must list every missing material at once (一次性告知)');
            }
            if (review.stops.some((s) => s.type === 'supplement') && !request.repeatReason?.trim()) {
              refuse(
                REFUSALS.repeatedSupplement,
                `${request.department} has already asked for a supplement: a second request needs repeatReason, which supervisors see`,
              );
            }
          }
        },
      },
    );

    setHandler(
      resumeClockUpdate,
      async (request: ClockResumeRequest) => record(await resumeClocks([openStageReview(request.department)!], request)),
      {
        validator: (request: ClockResumeRequest) => {
          requireStage('in_review', 'Restarting the clock');
          const review = requireOpenReview(request.department);
          authorise(actsFor(request.officer, review.department, review.centreCode));
          const stop = activeStop(review);
          if (!stop) refuse(REFUSALS.clockRunning, `The clock of ${request.department}'s review is running`);
          if (stop.type === 'supplement') {
            refuse(REFUSALS.clockRunning, 'A clock stopped for a supplement restarts when the applicant supplies the materials');
          }
        },
      },
    );

    setHandler(
      extendUpdate,
      async (extension: Extension) => {
        const calendar = await calendarSinceAcceptance(extension.workingDays);
        state.extension = { ...extension, at: now() };
        const events = [event('statutory_limit_extended', { actor: extension.officer, data: { ...extension } })];
        moveDeadlines(calendar);
        return record(events);
      },
      {
        validator: (extension: Extension) => {
          requireStage('in_review', 'Extending the limit');
          authorise(mayExtend(extension.officer, state.leadDepartment, input.centreCode));
          if (state.extension) refuse(REFUSALS.alreadyExtended, `The statutory limit was already extended on ${state.extension.at}`);
          if (!extension.reason?.trim()) refuse(REFUSALS.missingReason, 'An extension needs a reason');
          const max = maxExtensionDays(state.kind);
          if (!(extension.workingDays >= 1 && extension.workingDays <= max)) {
            refuse(REFUSALS.extensionTooLong, `A ${state.kind} item's statutory limit may be extended by 1 to ${max} working days`);
          }
        },
      },
    );

    const recalculate = async () => {
      moveDeadlines(await calendarSinceAcceptance());
      return record([event('deadlines_recalculated', { data: { ...state.deadlines } })]);
    };
    setHandler(recalculateUpdate, recalculate, { validator: () => requireStage('in_review', 'Recalculating the limits') });
    setHandler(recalculateSignal, async () => {
      // A signal has no validator: one that arrives after the review ended changes nothing.
      if (state.stage === 'in_review') await recalculate();
    });
  }

  return {
    start,
    watchApplication,
    acceptance,
    stageCalendar,
    calendarSinceAcceptance,
    reviewDeadlines,
    watchReview,
    stop,
    activeStop,
    resumeClocks,
    registerHandlers,
  };
}

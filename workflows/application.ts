/**
 * One application, from submission to pickup (DOMAIN.md): one window accepts (一口受理), every
 * department the item needs reviews it in parallel (并联审批), then it is completed (办结) and picked
 * up (取件). Each transition is written to the read model by an idempotent activity keyed by `seq`.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { WorkingCalendar, chinaDate, spanFor } from './working-days.js';
import {
  type Alert,
  type AlertLevel,
  type ApplicationInput,
  type Deadlines,
  SUPERVISION_LEVELS,
  type ApplicationState,
  type IntakeDecision,
  type Pickup,
  type Review,
  type ReviewDecision,
  type Stage,
  type StagePlan,
  type ClockResumeRequest,
  type Extension,
  type ClockStopRequest,
  type Supplement,
  type TransitionEvent,
  CLOSED_STAGES,
  REFUSALS,
  decisionUpdate,
  intakeUpdate,
  pickupUpdate,
  searchAttributes,
  stateQuery,
  supplementUpdate,
  resumeClockUpdate,
  stopClockUpdate,
  extendUpdate,
  maxExtensionDays,
  recalculateUpdate,
} from './messages.js';

// The read model must converge whatever happens to the database, so recording retries without end;
// each try is short so that a stuck connection is abandoned and retried.
const { recordSubmitted, recordTransition, openReviewTask, calendarSnapshot } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

function refuse(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

export async function applicationWorkflow(input: ApplicationInput): Promise<ApplicationState> {
  const state: ApplicationState = {
    applicationNo: input.applicationNo,
    itemCode: input.item.code,
    itemVersion: input.item.version,
    kind: input.item.kind,
    centreCode: input.centreCode,
    leadDepartment: input.item.department,
    stage: 'submitted',
    currentStage: 0,
    stageCount: input.stages.length,
    materials: input.materials,
    intakes: [],
    supplements: [],
    reviews: [],
    supervision: 'green',
    alerts: [],
    stoppedDays: 0,
    responsibleOfficer: input.consultation?.officer,
    submittedAt: input.submittedAt,
    seq: 1,
  };
  const now = () => new Date().toISOString();

  function event(type: string, fields: Omit<TransitionEvent, 'seq' | 'type' | 'at'> = {}): TransitionEvent {
    state.seq += 1;
    return { seq: state.seq, type, at: now(), ...fields };
  }

  // Activity arguments are serialized when the activation ends, so each record takes its own copy.
  const snapshot = (): ApplicationState => JSON.parse(JSON.stringify(state)) as ApplicationState;

  function moveTo(stage: Stage): void {
    state.stage = stage;
    if (CLOSED_STAGES.includes(stage)) state.closedAt = now();
    upsertSearchAttributes([{ key: searchAttributes.stage, value: stage }]);
  }

  // A window may act before the first row is written; its transition must not reach the read model first.
  let submissionRecorded = false;

  async function record(events: TransitionEvent[]): Promise<ApplicationState> {
    const copy = snapshot();
    await condition(() => submissionRecorded);
    await recordTransition({ state: copy, events });
    return state;
  }

  function requireStage(stage: Stage, action: string): void {
    if (state.stage === stage) return;
    const closed = CLOSED_STAGES.includes(state.stage) ? ' and is closed' : '';
    refuse(REFUSALS.wrongStage, `${action} is not possible: application ${state.applicationNo} is ${state.stage}${closed}`);
  }

  setHandler(stateQuery, () => state);

  setHandler(
    intakeUpdate,
    async (intake: IntakeDecision) => {
      const at = now();
      state.intakes.push({ decision: intake.decision, officer: intake.officer, at, ...intakeDetails(intake) });
      const events = [event(`intake_${intake.decision}`, { actor: intake.officer, data: intakeDetails(intake) })];
      if (intake.decision === 'accept') {
        state.acceptedAt = at;
        // First-inquiry responsibility: the consultation's officer stays first on the record.
        state.responsibleOfficer ??= intake.officer;
        if (state.kind === 'immediate') {
          // 即办件: the intake window decides on the spot; accepting it is approving it.
          const [plan] = input.stages[0].reviews;
          state.reviews.push({ stage: 0, ...plan, status: 'approved', openedAt: at, decidedAt: at, decidedBy: intake.officer, stops: [], stoppedDays: 0 });
          events.push(event('review_approved', { stage: 0, department: plan.department, actor: intake.officer, data: { onTheSpot: true } }));
        }
        moveTo('in_review');
      } else {
        moveTo(intake.decision === 'not_accept' ? 'not_accepted' : 'supplement_requested');
      }
      await record(events);
      // The window hears back once the first stage's reviews are open and can be decided.
      await condition(() => state.stage !== 'in_review' || state.reviews.length > 0);
      return state;
    },
    {
      validator: (intake: IntakeDecision) => {
        requireStage('submitted', 'Intake');
        if (intake.department !== state.leadDepartment) {
          refuse(
            REFUSALS.notLeadDepartment,
            `Intake belongs to the lead department ${state.leadDepartment}, not ${intake.department}`,
          );
        }
        if (intake.decision === 'not_accept' && !intake.reason?.trim()) {
          refuse(REFUSALS.missingReason, 'Not accepting an application needs a reason');
        }
        if (intake.decision === 'request_supplement' && !intake.missingMaterials?.length) {
          refuse(REFUSALS.missingReason, 'A supplement request must list every missing material at once (一次性告知)');
        }
      },
    },
  );

  setHandler(
    supplementUpdate,
    async (supplement: Supplement) => {
      // During review the supplement ends every stop waiting for it, and their clocks run again.
      const waiting = state.stage === 'in_review' ? state.reviews.filter((r) => activeStop(r)?.type === 'supplement') : [];
      const resumed = waiting.length > 0 ? await resumeClocks(waiting) : [];
      state.supplements.push({ at: now(), ...supplement });
      state.materials = [...new Set([...state.materials, ...supplement.materials])];
      const events = [event('supplement_received', { data: { ...supplement } }), ...resumed];
      if (state.stage === 'supplement_requested') moveTo('submitted');
      return record(events);
    },
    {
      validator: (_: Supplement) => {
        if (state.stage === 'in_review' && state.reviews.some((r) => activeStop(r)?.type === 'supplement')) return;
        requireStage('supplement_requested', 'A supplement');
      },
    },
  );

  setHandler(
    decisionUpdate,
    async (decision: ReviewDecision) => {
      const review = openStageReview(decision.department)!;
      Object.assign(review, {
        status: decision.decision === 'approve' ? 'approved' : 'rejected',
        decidedAt: now(),
        decidedBy: decision.officer,
        reason: decision.reason,
        // A decision after the promised limit is accepted, and stays marked late.
        late: !!review.deadlines && Date.now() >= Date.parse(review.deadlines.promisedDue),
      } satisfies Partial<Review>);
      const events = [
        event(`review_${review.status}`, {
          stage: review.stage,
          department: review.department,
          actor: decision.officer,
          data: decision.reason ? { reason: decision.reason } : undefined,
        }),
      ];
      if (review.status === 'rejected') {
        // The first rejection ends the application: the other departments' open reviews are withdrawn.
        for (const other of state.reviews.filter((r) => r.status === 'open')) {
          other.status = 'withdrawn';
          other.decidedAt = now();
          other.reason = `Withdrawn: ${review.department} rejected the application`;
          events.push(event('review_withdrawn', { stage: other.stage, department: other.department, data: { reason: other.reason } }));
        }
        moveTo('rejected');
      }
      return record(events);
    },
    {
      validator: (decision: ReviewDecision) => {
        requireStage('in_review', 'A review decision');
        const review = openStageReview(decision.department);
        if (!review) {
          const later = input.stages.findIndex((s, i) => i > state.currentStage && s.reviews.some((r) => r.department === decision.department));
          if (later >= 0) {
            refuse(
              REFUSALS.stageNotOpen,
              `Department ${decision.department} reviews application ${state.applicationNo} in stage ${later + 1} ` +
                `(${input.stages[later].name}), which has not opened; stage ${state.currentStage + 1} is under way`,
            );
          }
          refuse(
            REFUSALS.unknownDepartment,
            `Department ${decision.department} does not review application ${state.applicationNo}; ` +
              `its reviewers are ${[...new Set(input.stages.flatMap((s) => s.reviews.map((r) => r.department)))].join(', ')}`,
          );
        }
        if (review.status !== 'open') {
          refuse(REFUSALS.alreadyDecided, `Department ${decision.department} has already decided: ${review.status}`);
        }
        if (decision.decision === 'reject' && !decision.reason?.trim()) {
          refuse(REFUSALS.missingReason, 'A rejection needs a reason');
        }
      },
    },
  );

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
        const stop = activeStop(requireOpenReview(request.department));
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
        if (state.extension) refuse(REFUSALS.alreadyExtended, `The statutory limit was already extended on ${state.extension.at}`);
        if (!extension.reason?.trim()) refuse(REFUSALS.missingReason, 'An extension needs a reason');
        const max = maxExtensionDays(state.kind);
        if (!(extension.workingDays >= 1 && extension.workingDays <= max)) {
          refuse(REFUSALS.extensionTooLong, `A ${state.kind} item's statutory limit may be extended by 1 to ${max} working days`);
        }
      },
    },
  );

  setHandler(
    recalculateUpdate,
    async () => {
      moveDeadlines(await calendarSinceAcceptance());
      return record([event('deadlines_recalculated', { data: { ...state.deadlines } })]);
    },
    { validator: () => requireStage('in_review', 'Recalculating the limits') },
  );

  setHandler(
    pickupUpdate,
    async (pickup: Pickup) => {
      state.pickedUpAt = now();
      const events = [event('picked_up', { actor: pickup.officer, data: pickup.recipient ? { recipient: pickup.recipient } : undefined })];
      moveTo('picked_up');
      return record(events);
    },
    { validator: (_: Pickup) => requireStage('completed', 'Pickup') },
  );

  /** The department's review in the stage under way. */
  function openStageReview(department: string): Review | undefined {
    return state.reviews.find((r) => r.department === department && r.stage === state.currentStage);
  }

  function requireOpenReview(department: string): Review {
    const review = openStageReview(department);
    if (!review || review.status !== 'open') {
      refuse(REFUSALS.unknownDepartment, `Department ${department} has no open review of application ${state.applicationNo}`);
    }
    return review;
  }

  /** Opens every review of a stage at once, each with its own clock, and waits for every decision. */
  async function reviewStage(index: number, plan: StagePlan): Promise<void> {
    state.currentStage = index;
    const openedAt = now();
    const calendar = index === 0 ? acceptanceCalendar! : await calendarFrom(openedAt, input.item.promisedLimitDays);
    const opened = plan.reviews.map((p) => {
      const review: Review = { stage: index, ...p, status: 'open', openedAt, stops: [], stoppedDays: 0 };
      review.deadlines = deadlinesOf(calendar, openedAt, p.promisedLimitDays, state.deadlines!.statutoryDue);
      state.reviews.push(review);
      return review;
    });
    await Promise.all(
      opened.map(async (review) => {
        const openedEvent = event('review_opened', { stage: index, department: review.department });
        review.responsible = await openReviewTask({ state: snapshot(), events: [openedEvent], major: input.item.major });
        await watch(() => ({ deadlines: review.deadlines!, stopped: !!activeStop(review) }), () => review.status !== 'open', review);
        // Past statutory red nothing more fires, but the review still waits for its decision.
        await condition(() => review.status !== 'open');
      }),
    );
  }

  // Time limits (限时办结): the clocks start at acceptance, counted in working days at the centre.
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

  /**
   * Restarts the stopped clocks of these reviews (and the application's, when none stays stopped):
   * every due instant moves by the working days the clock stood still.
   */
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

  await recordSubmitted(input);
  submissionRecorded = true;
  await condition(() => state.stage === 'in_review' || state.stage === 'not_accepted');

  if (state.stage === 'in_review') {
    acceptanceCalendar = await calendarFrom(state.acceptedAt!, input.item.statutoryLimitDays);
    state.deadlines = applicationDeadlines(acceptanceCalendar);
    upsertSearchAttributes([{ key: searchAttributes.supervision, value: state.supervision }]);
    publishDeadlines();
    await record([event('clock_started', { data: { ...state.deadlines } })]);
    const watching = watch(() => ({ deadlines: state.deadlines!, stopped: !!state.stoppedSince }), () => state.stage !== 'in_review');

    if (state.kind !== 'immediate') {
      // Stage after stage; a stage starts when every department of the one before has approved.
      for (const [index, plan] of input.stages.entries()) {
        await reviewStage(index, plan);
        if (state.stage !== 'in_review') break;
      }
    }
    // The clock ends with the decision, approval or rejection: keep how long it took, for the statistics.
    const decidedAt = now();
    const calendar = await calendarSinceAcceptance();
    state.timing = {
      workingDays: Math.max(0, calendar.workingDaysBetween(chinaDate(state.acceptedAt!), chinaDate(decidedAt)) - state.stoppedDays),
      calendarDays: Math.round((Date.parse(decidedAt) - Date.parse(state.acceptedAt!)) / 8_640_000) / 10,
      onTime: Date.parse(decidedAt) <= Date.parse(state.deadlines!.promisedDue),
      withinStatutory: Date.parse(decidedAt) <= Date.parse(state.deadlines!.statutoryDue),
    };
    const timed = event('decided', { data: { ...state.timing } });
    if (state.stage === 'in_review' && state.reviews.every((r) => r.status === 'approved')) {
      state.completedAt = decidedAt;
      const events = [timed, event('completed')];
      moveTo('completed');
      await record(events);
    } else {
      await record([timed]);
    }
    await watching;
    if ((state.stage as Stage) === 'completed') await condition(() => state.stage === 'picked_up');
  }

  await condition(allHandlersFinished);
  return state;
}

function intakeDetails(intake: IntakeDecision): { reason?: string; missingMaterials?: string[] } {
  if (intake.decision === 'not_accept') return { reason: intake.reason };
  if (intake.decision === 'request_supplement') return { reason: intake.reason, missingMaterials: intake.missingMaterials };
  return {};
}

/**
 * One application, from submission to pickup (DOMAIN.md): one window accepts (一口受理), every
 * department the item needs reviews it in parallel (并联审批), then it is completed (办结) and picked
 * up (取件). Each transition is written to the read model by an idempotent activity keyed by `seq`,
 * from what the server has committed (workflows/recorder.ts).
 */
import { allHandlersFinished, condition, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { activities } from './proxies.js';
import { createClocks } from './clocks.js';
import { createRecorder } from './recorder.js';
import {
  type ApplicationInput,
  type ApplicationState,
  type IntakeDecision,
  type Pickup,
  type Review,
  type ReviewDecision,
  type Stage,
  type StagePlan,
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
  recordQuery,
  submittedEvent,
} from './messages.js';
import { authorise, refuse } from './refuse.js';
import { actsFor, mayDecide, mayHandIn } from './rules/authority.js';

export async function applicationWorkflow(input: ApplicationInput): Promise<ApplicationState> {
  const { recordSubmitted, recordTransition, openReviewTask, calendarSnapshot, responsibleOfficers, committedWrites } = activities();
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
  /** Every transition, for the reconciler; the submission is the first. */
  const transitions: TransitionEvent[] = [submittedEvent(input)];
  let writtenSeq = 0;

  function event(type: string, fields: Omit<TransitionEvent, 'seq' | 'type' | 'at'> = {}): TransitionEvent {
    state.seq += 1;
    const made = { seq: state.seq, type, at: now(), ...fields };
    transitions.push(made);
    return made;
  }

  // Activity arguments are serialized when the activation ends, so each record takes its own copy.
  const snapshot = (): ApplicationState => JSON.parse(JSON.stringify(state)) as ApplicationState;
  const recorder = createRecorder(recordTransition, snapshot);

  function moveTo(stage: Stage): void {
    state.stage = stage;
    if (CLOSED_STAGES.includes(stage)) state.closedAt = now();
    upsertSearchAttributes([{ key: searchAttributes.stage, value: stage }]);
  }

  // A window may act before the first row is written; its transition must not reach the read model first.
  let submissionRecorded = false;

  /** Writes these events to the read model; returns once they are there. */
  async function record(events: TransitionEvent[]): Promise<ApplicationState> {
    if (committedWrites) {
      await condition(() => submissionRecorded);
      await recorder.record(events);
      return state;
    }
    const copy = snapshot();
    await condition(() => submissionRecorded);
    await recordTransition({ state: copy, events });
    writtenSeq = Math.max(writtenSeq, ...events.map((e) => e.seq));
    return state;
  }

  /**
   * Events that the workflow's main routine writes at once with its own next events (an acceptance
   * with the opening of the reviews, a decision with the application's outcome): one write for both.
   * `keepForNext` is the main routine's own, which does not wait. Older applications write each now.
   */
  async function recordWithNext(events: TransitionEvent[]): Promise<ApplicationState> {
    if (!committedWrites) return record(events);
    recorder.later(events);
    await recorder.written(events);
    return state;
  }
  async function keepForNext(events: TransitionEvent[]): Promise<void> {
    if (committedWrites) recorder.later(events);
    else await record(events);
  }

  /** Reviews whose task is written with its responsible officers: only these take decisions and clock stops. */
  const openTasks = new WeakSet<Review>();

  function requireStage(stage: Stage, action: string): void {
    if (state.stage === stage) return;
    const closed = CLOSED_STAGES.includes(state.stage) ? ' and is closed' : '';
    refuse(REFUSALS.wrongStage, `${action} is not possible: application ${state.applicationNo} is ${state.stage}${closed}`);
  }

  setHandler(stateQuery, () => state);
  setHandler(recordQuery, () => ({ input, state, events: transitions, writtenSeq: committedWrites ? recorder.writtenSeq() : writtenSeq }));

  const clocks = createClocks({ state, input, now, event, record, keepForNext, calendarSnapshot, requireStage, requireOpenReview, openStageReview });
  clocks.registerHandlers();

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
      // An acceptance is written with the clock's start and the opening of the reviews, which follow at once.
      if (committedWrites && intake.decision === 'accept') await recordWithNext(events);
      else await record(events);
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
        authorise(actsFor(intake.officer, state.leadDepartment, input.centreCode));
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
      const waiting = state.stage === 'in_review' ? state.reviews.filter((r) => clocks.activeStop(r)?.type === 'supplement') : [];
      const resumed = waiting.length > 0 ? await clocks.resumeClocks(waiting) : [];
      state.supplements.push({ at: now(), ...supplement });
      state.materials = [...new Set([...state.materials, ...supplement.materials])];
      const events = [event('supplement_received', { data: { ...supplement } }), ...resumed];
      if (state.stage === 'supplement_requested') moveTo('submitted');
      return record(events);
    },
    {
      validator: (supplement: Supplement) => {
        authorise(mayHandIn(supplement.officer, input.submittedBy, state.leadDepartment, input.centreCode));
        if (state.stage === 'in_review' && state.reviews.some((r) => clocks.activeStop(r)?.type === 'supplement')) return;
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
      const decisive = state.stage === 'rejected' || (state.currentStage === state.stageCount - 1 && stageApproved());
      // A decision that ends its stage is written with what follows at once: the outcome, or the next stage's opening.
      if (committedWrites && (state.stage === 'rejected' || stageApproved())) await recordWithNext(events);
      else await record(events);
      // The decision that ends the review answers once the application's outcome is on record too.
      if (decisive) await condition(() => decisionRecorded);
      return state;
    },
    {
      validator: (decision: ReviewDecision) => {
        requireStage('in_review', 'A review decision');
        const review = openStageReview(decision.department);
        if (!review) {
          if (input.stages[state.currentStage]?.reviews.some((r) => r.department === decision.department)) {
            // Accepted a moment ago: the stage's review tasks are still being opened. Retry shortly.
            refuse(REFUSALS.reviewNotOpen, `The review task of ${decision.department} is being opened; decide once it is in the inbox`);
          }
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
        if (review.status === 'open' && !openTasks.has(review)) {
          refuse(REFUSALS.reviewNotOpen, `The review task of ${decision.department} is being opened; decide once it is in the inbox`);
        }
        authorise(mayDecide(decision.officer, review, input.item.major));
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
    pickupUpdate,
    async (pickup: Pickup) => {
      state.pickedUpAt = now();
      const events = [event('picked_up', { actor: pickup.officer, data: pickup.recipient ? { recipient: pickup.recipient } : undefined })];
      moveTo('picked_up');
      return record(events);
    },
    {
      validator: (pickup: Pickup) => {
        requireStage('completed', 'Pickup');
        authorise(actsFor(pickup.officer, state.leadDepartment, input.centreCode));
      },
    },
  );

  /** Set once the application's decision (completion or rejection, and its timing) is recorded. */
  let decisionRecorded = false;
  const stageApproved = () => state.reviews.filter((r) => r.stage === state.currentStage).every((r) => r.status === 'approved');

  /** The department's review in the stage under way. */
  function openStageReview(department: string): Review | undefined {
    return state.reviews.find((r) => r.department === department && r.stage === state.currentStage);
  }

  function requireOpenReview(department: string): Review {
    const review = openStageReview(department);
    if (!review || review.status !== 'open') {
      refuse(REFUSALS.unknownDepartment, `Department ${department} has no open review of application ${state.applicationNo}`);
    }
    if (!openTasks.has(review)) refuse(REFUSALS.reviewNotOpen, `The review task of ${department} is being opened; retry once it is in the inbox`);
    return review;
  }

  /** Opens every review of a stage at once, each with its own clock, and waits for every decision. */
  async function reviewStage(index: number, plan: StagePlan): Promise<void> {
    state.currentStage = index;
    const openedAt = now();
    const calendar = index === 0 ? clocks.acceptance() : await clocks.stageCalendar(openedAt);
    const opened = plan.reviews.map((p) => {
      const review: Review = { stage: index, ...p, status: 'open', openedAt, stops: [], stoppedDays: 0 };
      review.deadlines = clocks.reviewDeadlines(calendar, review);
      state.reviews.push(review);
      return review;
    });
    if (committedWrites) {
      // The tasks are written together, each with who answers for it (read first).
      const reviews = opened.map(({ department, centreCode }) => ({ department, centreCode }));
      const responsible = await responsibleOfficers({ reviews, major: input.item.major });
      opened.forEach((review, i) => (review.responsible = responsible[i]));
      await record(opened.map((review) => event('review_opened', { stage: index, department: review.department })));
      for (const review of opened) openTasks.add(review);
    }
    await Promise.all(
      opened.map(async (review) => {
        if (!committedWrites) {
          const openedEvent = event('review_opened', { stage: index, department: review.department });
          review.responsible = await openReviewTask({ state: snapshot(), events: [openedEvent], major: input.item.major });
          writtenSeq = Math.max(writtenSeq, openedEvent.seq);
          openTasks.add(review);
        }
        await clocks.watchReview(review);
        // Past statutory red nothing more fires, but the review still waits for its decision.
        await condition(() => review.status !== 'open');
      }),
    );
  }

  await recordSubmitted(input);
  submissionRecorded = true;
  writtenSeq = Math.max(writtenSeq, 1);
  await condition(() => state.stage === 'in_review' || state.stage === 'not_accepted');

  if (state.stage === 'in_review') {
    await clocks.start();
    const watching = clocks.watchApplication();

    if (state.kind !== 'immediate') {
      // Stage after stage; a stage starts when every department of the one before has approved.
      for (const [index, plan] of input.stages.entries()) {
        await reviewStage(index, plan);
        if (state.stage !== 'in_review') break;
      }
    }
    const decidedAt = now();
    const timed = clocks.stop(await clocks.calendarSinceAcceptance(), decidedAt);
    if (state.stage === 'in_review' && state.reviews.every((r) => r.status === 'approved')) {
      state.completedAt = decidedAt;
      const events = [timed, event('completed')];
      moveTo('completed');
      await record(events);
    } else {
      await record([timed]);
    }
    decisionRecorded = true;
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

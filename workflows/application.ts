/**
 * One application, from submission to pickup (DOMAIN.md): one window accepts (一口受理), every
 * department the item needs reviews it in parallel (并联审批), then it is completed (办结) and picked
 * up (取件). The rules live in workflows/rules/, one file each; this workflow takes the windows'
 * messages, checks them against the rules, waits, and writes each transition to the read model
 * (workflows/application-record.ts). The clocks and their timers are in workflows/clocks.ts.
 */
import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import { createApplicationRecord } from './application-record.js';
import { handleClockMessages } from './clock-messages.js';
import { createClocks } from './clocks.js';
import { handleFees } from './fees.js';
import { withSteps } from './legacy.js';
import {
  type ApplicationInput,
  type ApplicationState,
  type IntakeDecision,
  type Stage,
  type Pickup,
  type ReviewDecision,
  type StepPlan,
  type Supplement,
  decisionUpdate,
  intakeUpdate,
  pickupUpdate,
  supplementUpdate,
} from './messages.js';
import { activities, feeActivities } from './proxies.js';
import { refuseIf } from './refuse.js';
import { complete, pickUp, pickupRefusal } from './rules/completion.js';
import { intakeRefusal, takeIn } from './rules/intake.js';
import { decide, decisionRefusal, openStep, openTasks, stepApproved } from './rules/review.js';
import { awaitingSupplement, handIn, supplementRefusal } from './rules/supplement.js';

export async function applicationWorkflow(submitted: ApplicationInput): Promise<ApplicationState> {
  const input = withSteps(submitted);
  const calls = activities();
  const record = createApplicationRecord(input, calls);
  const { state, now, commit, committedWrites } = record;
  const clocks = createClocks(record, input, calls.calendarSnapshot, calls.lean);
  handleClockMessages(record, input, clocks);
  // The fee (an item with a fee schedule only) runs beside the review, from its assessment to its payment.
  const { issuePaymentNotice, cancelPaymentNotice, requestPlatformRefund } = feeActivities();
  const feeCalls = { calendarSnapshot: calls.calendarSnapshot, issuePaymentNotice, cancelPaymentNotice, requestPlatformRefund };
  const charging = handleFees(record, input, feeCalls, clocks).run();

  setHandler(
    intakeUpdate,
    async (intake: IntakeDecision) => {
      const events = commit(takeIn(state, input, intake, now()));
      // An acceptance is written with the clock's start and the opening of the reviews, which follow at once.
      if (committedWrites && intake.decision === 'accept') await record.recordWithNext(events);
      else await record.record(events);
      // The window hears back once the first step's reviews are open and can be decided.
      await condition(() => state.stage !== 'in_review' || state.reviews.length > 0);
      return state;
    },
    { validator: (intake: IntakeDecision) => refuseIf(intakeRefusal(state, input, intake)) },
  );

  setHandler(
    supplementUpdate,
    async (supplement: Supplement) => {
      // During review the supplement ends every stop waiting for it, and their clocks run again.
      const waiting = awaitingSupplement(state);
      const resumed = waiting.length > 0 ? await clocks.resume(waiting) : [];
      return record.record([...commit(handIn(state, supplement, now())), ...resumed]);
    },
    { validator: (supplement: Supplement) => refuseIf(supplementRefusal(state, input.submittedBy, supplement)) },
  );

  /** Set once the application's decision (completion or rejection, and its timing) is recorded. */
  let decisionRecorded = false;

  setHandler(
    decisionUpdate,
    async (decision: ReviewDecision) => {
      const events = commit(decide(state, decision, now()));
      const decisive = state.stage === 'rejected' || (state.currentStep === state.stepCount - 1 && stepApproved(state));
      // A decision that ends its step is written with what follows at once: the outcome, or the next step's opening.
      if (committedWrites && (state.stage === 'rejected' || stepApproved(state))) await record.recordWithNext(events);
      else await record.record(events);
      // The decision that ends the review answers once the application's outcome is on record too.
      if (decisive) await condition(() => decisionRecorded);
      return state;
    },
    { validator: (decision: ReviewDecision) => refuseIf(decisionRefusal(state, input, decision, record.taskOpen)) },
  );

  setHandler(pickupUpdate, async (pickup: Pickup) => record.record(commit(pickUp(state, pickup, now()))), {
    validator: (pickup: Pickup) => refuseIf(pickupRefusal(state, pickup, input.item.feeSchedule)),
  });

  /** Opens every review of a step at once, each with its own clock, and waits for every decision. */
  async function reviewStep(index: number, plan: StepPlan): Promise<void> {
    // The step is under way at once: its departments' decisions wait for their tasks (review_not_open).
    state.currentStep = index;
    const openedAt = now();
    const calendar = index === 0 ? clocks.acceptanceCalendar() : await clocks.stepCalendar(openedAt);
    commit(openStep(state, input.item, index, plan, openedAt, calendar));
    const opened = state.reviews.filter((review) => review.step === index);
    if (committedWrites) {
      // The tasks are written together, each with who answers for it (read first).
      const reviews = opened.map(({ department, centreCode }) => ({ department, centreCode }));
      const responsible = await calls.responsibleOfficers({ reviews, major: input.item.major });
      await record.record(commit(openTasks(state, opened, responsible, now())));
      record.tasksOpened(opened);
    }
    await Promise.all(
      opened.map(async (review) => {
        if (!committedWrites) await record.openTaskAlone(review);
        // Lean applications watch every clock with one timer (clocks.watchAll).
        if (!calls.lean) await clocks.watchReview(review);
        // Past statutory red nothing more fires, but the review still waits for its decision.
        await condition(() => review.status !== 'open');
      }),
    );
  }

  await record.recordSubmission();
  await condition(() => state.stage === 'in_review' || state.stage === 'not_accepted');

  if (state.stage === 'in_review') {
    await clocks.start();
    const watching = calls.lean ? clocks.watchAll(record.taskOpen) : clocks.watchApplication();
    if (state.kind !== 'immediate') {
      // Step after step; a step starts when every department of the one before has approved.
      for (const [index, plan] of input.steps.entries()) {
        await reviewStep(index, plan);
        if (state.stage !== 'in_review') break;
      }
    }
    const decidedAt = now();
    const timed = await clocks.stop(decidedAt);
    const approved = state.stage === 'in_review' && state.reviews.every((r) => r.status === 'approved');
    await record.record(approved ? [...timed, ...commit(complete(state, decidedAt, now()))] : timed);
    decisionRecorded = true;
    await watching;
    if ((state.stage as Stage) === 'completed') await condition(() => state.stage === 'picked_up');
  }

  // An application whose result was handed over before payment stays open until the fee is settled.
  await charging;
  await condition(allHandlersFinished);
  return state;
}

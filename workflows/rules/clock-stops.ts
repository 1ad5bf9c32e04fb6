/**
 * Clock stops, DOMAIN.md: a review's clock stands still while the applicant supplies material (补正)
 * or while a procedure that the Administrative Licensing Law (art. 45) excludes from the limit runs
 * (hearing, inspection, expert review, …). It stops with a reason; a supplement lists every missing
 * material at once, and a second supplement request needs a reason that supervisors see. A procedure's
 * clock is restarted by the department; a supplement's when the material comes. The application's
 * clock stands still while any review's does (or, where the item says so, while its fee is unpaid:
 * rules/fees.ts), and every due instant moves by the working days stopped.
 */
import {
  type ApplicationInput,
  type ApplicationState,
  type ClockResumeRequest,
  type ClockStopRequest,
  type Review,
  REFUSALS,
} from '../messages.js';
import { actsFor } from './authority.js';
import { type Change, type Draft, change } from './change.js';
import { movedDeadlines } from './deadlines.js';
import { type Refusal, refusal, stageRefusal, unauthorised, when } from './refusal.js';
import { activeStop, stepReview } from './review.js';
import { oneNoticeRefusal } from './supplement.js';
import type { WorkingCalendar } from './working-days.js';

type TaskOpen = (review: Review) => boolean;

/**
 * A clock stops or restarts only during review, on a review open in the step under way whose task is
 * in the inbox, by a window of that review's department.
 */
function clockRefusal(app: ApplicationState, request: ClockResumeRequest, action: string, taskOpen: TaskOpen): Refusal | undefined {
  const review = stepReview(app, request.department);
  return (
    stageRefusal(app, 'in_review', action) ??
    (review?.status === 'open' ? undefined : refusal(REFUSALS.unknownDepartment, `Department ${request.department} has no open review of application ${app.applicationNo}`)) ??
    when(!taskOpen(review!), REFUSALS.reviewNotOpen, `The review task of ${request.department} is being opened; retry once it is in the inbox`) ??
    unauthorised(actsFor(request.officer, review!.department, review!.centreCode))
  );
}

export function stopRefusal(app: ApplicationState, request: ClockStopRequest, taskOpen: TaskOpen): Refusal | undefined {
  const stopped = () => activeStop(stepReview(app, request.department)!);
  return (
    clockRefusal(app, request, 'Stopping the clock', taskOpen) ??
    (stopped() ? refusal(REFUSALS.clockStopped, `The clock of ${request.department}'s review already stands still (${stopped()!.type})`) : undefined) ??
    when(!request.reason?.trim(), REFUSALS.missingReason, 'Stopping the clock needs a reason') ??
    (request.type === 'supplement' ? supplementStopRefusal(stepReview(app, request.department)!, request) : undefined)
  );
}

function supplementStopRefusal(review: Review, request: ClockStopRequest): Refusal | undefined {
  return (
    oneNoticeRefusal(request.missingMaterials) ??
    when(
      review.stops.some((s) => s.type === 'supplement') && !request.repeatReason?.trim(),
      REFUSALS.repeatedSupplement,
      `${request.department} has already asked for a supplement: a second request needs repeatReason, which supervisors see`,
    )
  );
}

/** The review's clock stands still from `at`, and the application's with it. */
export function stopClock(app: ApplicationState, request: ClockStopRequest, at: string): Change {
  const stopping = stepReview(app, request.department)!;
  const { department: _department, ...stop } = request;
  const reviews = app.reviews.map((r) => (r === stopping ? { ...r, stops: [...r.stops, { ...stop, startedAt: at }] } : r));
  const about = { step: stopping.step, department: stopping.department, actor: request.officer };
  const drafts: Draft[] = [{ type: 'clock_stopped', ...about, data: { ...stop } }];
  if (stop.repeatReason) {
    // Flagged to supervisors: a second supplement request breaks the one-notice rule (一次性告知).
    drafts.push({ type: 'supplement_repeated', ...about, data: { reason: stop.repeatReason } });
  }
  return change(app, { reviews, stoppedSince: app.stoppedSince ?? at }, drafts, at);
}

export function resumeRefusal(app: ApplicationState, request: ClockResumeRequest, taskOpen: TaskOpen): Refusal | undefined {
  const stopped = () => activeStop(stepReview(app, request.department)!);
  return (
    clockRefusal(app, request, 'Restarting the clock', taskOpen) ??
    when(!stopped(), REFUSALS.clockRunning, `The clock of ${request.department}'s review is running`) ??
    when(stopped()!.type === 'supplement', REFUSALS.clockRunning, 'A clock stopped for a supplement restarts when the applicant supplies the materials')
  );
}

/**
 * The clocks of these reviews run again from `at` (and the application's, when none stays stopped):
 * each counts the working days it stood still, and every due instant moves by them.
 */
export function resumeClocks(
  app: ApplicationState,
  item: ApplicationInput['item'],
  resuming: Review[],
  calendar: WorkingCalendar,
  at: string,
  by?: ClockResumeRequest,
): Change {
  const drafts: Draft[] = [];
  const reviews = app.reviews.map((review) => {
    if (!resuming.includes(review)) return review;
    const stop = activeStop(review)!;
    const workingDays = calendar.workingDaysFrom(stop.startedAt, at);
    drafts.push({
      type: 'clock_resumed',
      step: review.step,
      department: review.department,
      actor: by?.officer,
      data: { type: stop.type, workingDays, note: by?.note },
    });
    const stops = review.stops.map((s) => (s === stop ? { ...s, endedAt: at, workingDays } : s));
    return { ...review, stops, stoppedDays: review.stoppedDays + workingDays };
  });
  const resumed: ApplicationState = { ...app, reviews };
  if (app.stoppedSince && !reviews.some((r) => activeStop(r)) && !app.fees?.clockStoppedAt) {
    resumed.stoppedDays = app.stoppedDays + calendar.workingDaysFrom(app.stoppedSince, at);
    resumed.stoppedSince = undefined;
  }
  const { state, events } = change(resumed, {}, drafts, at);
  return { state: movedDeadlines(state, item, calendar), events };
}

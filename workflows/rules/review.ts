/**
 * Parallel review (并联审批), DOMAIN.md: the departments of a step review at once, each with its own
 * clock; a step ends when all of them have approved, and the next one opens. A chief representative
 * decides (a department leader for a major item), and may approve with conditions (附条件); a
 * rejection needs a reason and ends the application, withdrawing the other open reviews. A decision
 * after the promised limit is accepted and stays marked late.
 */
import { type ApplicationInput, type ApplicationState, type Officer, type Review, type ReviewDecision, type StepPlan, REFUSALS } from '../messages.js';
import { mayDecide } from './authority.js';
import { type Change, type Draft, change, enter } from './change.js';
import { reviewDeadlines } from './deadlines.js';
import { type Refusal, refusal, stageRefusal, unauthorised, when } from './refusal.js';
import { reviewingDepartments } from './steps.js';
import type { WorkingCalendar } from './working-days.js';

/** The department's review in the step under way. */
export const stepReview = (app: ApplicationState, department: string): Review | undefined =>
  app.reviews.find((r) => r.department === department && r.step === app.currentStep);

/** The stop a review's clock stands still for, if any. */
export const activeStop = (review: Review) => review.stops.find((s) => !s.endedAt);

/** Every department of the step under way has approved. */
export const stepApproved = (app: ApplicationState): boolean =>
  app.reviews.filter((r) => r.step === app.currentStep).every((r) => r.status === 'approved');

/** The reviews of a step open at once, each with its own clock from `openedAt` (the first step's from acceptance). */
export function openStep(app: ApplicationState, item: ApplicationInput['item'], index: number, plan: StepPlan, openedAt: string, calendar: WorkingCalendar): Change {
  const opened = plan.reviews.map((p): Review => {
    const review: Review = { step: index, ...p, status: 'open', openedAt, stops: [], stoppedDays: 0 };
    return { ...review, deadlines: reviewDeadlines(app, item, calendar, review) };
  });
  return change(app, { reviews: [...app.reviews, ...opened] }, [], openedAt);
}

/** Who answers for each of these reviews while it is open (from the organisation). */
export function withResponsible(app: ApplicationState, reviews: Review[], responsible: Officer[][]): ApplicationState {
  return { ...app, reviews: app.reviews.map((r) => (reviews.includes(r) ? { ...r, responsible: responsible[reviews.indexOf(r)] } : r)) };
}

/** The reviews' tasks are in their departments' inboxes, each with who answers for it. */
export const openTasks = (app: ApplicationState, reviews: Review[], responsible: Officer[][], at: string): Change =>
  change(withResponsible(app, reviews, responsible), {}, reviews.map(taskOpened), at);

export const taskOpened = (review: Review): Draft => ({ type: 'review_opened', step: review.step, department: review.department });

/**
 * Why this decision cannot be taken now. `taskOpen` says whether a review's task is in the inbox yet
 * (a review takes decisions only once its task is written).
 */
export function decisionRefusal(
  app: ApplicationState,
  input: ApplicationInput,
  decision: ReviewDecision,
  taskOpen: (review: Review) => boolean,
): Refusal | undefined {
  const review = stepReview(app, decision.department);
  return (
    stageRefusal(app, 'in_review', 'A review decision') ??
    (review ? undefined : absentReviewRefusal(app, input, decision.department)) ??
    when(review!.status === 'open' && !taskOpen(review!), REFUSALS.reviewNotOpen, `The review task of ${decision.department} is being opened; decide once it is in the inbox`) ??
    unauthorised(mayDecide(decision.officer, review!, input.item.major)) ??
    when(review!.status !== 'open', REFUSALS.alreadyDecided, `Department ${decision.department} has already decided: ${review!.status}`) ??
    when(decision.decision === 'reject' && !decision.reason?.trim(), REFUSALS.missingReason, 'A rejection needs a reason')
  );
}

/** A department with no review in the step under way: it is being opened, comes in a later step, or reviews nothing. */
function absentReviewRefusal(app: ApplicationState, input: ApplicationInput, department: string): Refusal {
  if (input.steps[app.currentStep]?.reviews.some((r) => r.department === department)) {
    // Accepted a moment ago: the step's review tasks are still being opened. Retry shortly.
    return refusal(REFUSALS.reviewNotOpen, `The review task of ${department} is being opened; decide once it is in the inbox`);
  }
  const later = input.steps.findIndex((s, i) => i > app.currentStep && s.reviews.some((r) => r.department === department));
  if (later >= 0) {
    return refusal(
      REFUSALS.stepNotOpen,
      `Department ${department} reviews application ${app.applicationNo} in step ${later + 1} ` +
        `(${input.steps[later].name}), which has not opened; step ${app.currentStep + 1} is under way`,
    );
  }
  return refusal(
    REFUSALS.unknownDepartment,
    `Department ${department} does not review application ${app.applicationNo}; ` +
      `its reviewers are ${reviewingDepartments(input.steps).join(', ')}`,
  );
}

/** The department decides its review; the first rejection withdraws the other open reviews and rejects the application. */
export function decide(app: ApplicationState, decision: ReviewDecision, at: string): Change {
  const decided = stepReview(app, decision.department)!;
  const status = decision.decision === 'approve' ? 'approved' : 'rejected';
  // Conditions (附条件) go with an approval only; absent, the review and its event look as they always did.
  const conditions = status === 'approved' && decision.conditions?.trim() ? decision.conditions : undefined;
  const drafts: Draft[] = [];
  const reviews = app.reviews.map((review): Review => {
    if (review === decided) {
      // A decision after the promised limit is accepted, and stays marked late.
      const late = !!review.deadlines && Date.parse(at) >= Date.parse(review.deadlines.promisedDue);
      return { ...review, status, decidedAt: at, decidedBy: decision.officer, reason: decision.reason, late, ...(conditions ? { conditions } : {}) };
    }
    return review;
  });
  drafts.push({
    type: `review_${status}`,
    step: decided.step,
    department: decided.department,
    actor: decision.officer,
    data: decision.reason || conditions ? { ...(decision.reason ? { reason: decision.reason } : {}), ...(conditions ? { conditions } : {}) } : undefined,
  });
  if (status === 'approved') return change(app, { reviews }, drafts, at);
  const reason = `Withdrawn: ${decided.department} rejected the application`;
  const withdrawn = reviews.map((review): Review => (review.status === 'open' ? { ...review, status: 'withdrawn', decidedAt: at, reason } : review));
  for (const review of withdrawn.filter((r, i) => r !== reviews[i])) {
    drafts.push({ type: 'review_withdrawn', step: review.step, department: review.department, data: { reason } });
  }
  return change(app, { reviews: withdrawn, ...enter('rejected', at) }, drafts, at);
}

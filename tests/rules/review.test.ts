/**
 * Parallel review (并联审批), workflows/rules/review.ts: the departments of a step review at once, each
 * with its own clock; a chief representative decides (a department leader for a major item); a
 * rejection needs a reason and withdraws the other open reviews; a decision after the promised limit
 * is accepted and stays marked late.
 */
import { describe, expect, it } from 'vitest';
import { type ApplicationState, type Officer, REFUSALS, type ReviewDecision } from '../../workflows/messages.js';
import { decide, decisionRefusal, openStep, openTasks, stepApproved, stepReview } from '../../workflows/rules/review.js';
import {
  ACCEPTED, ALL_TASKS_OPEN, DUE, JOINT, LATER, LEAD, MAJOR, OTHER_CENTRE, PARTNER, REGIONAL_CENTRE, REPORTED, STEPS,
  STRANGER, applied, calendar, chiefOf, china, endOf, expectEvents, inReviewApp, inStep, leaderOf, named, openReview,
  refused, responsibleFor, stoppedFor, submittedApp, supervisor, tasksOpen, windowOf, withReview
} from './fixtures.js';

const approve = (department: string, officer: Officer = chiefOf(department), reason?: string): ReviewDecision => ({ department, officer, decision: 'approve', reason });
const reject = (department: string, reason: string, officer: Officer = chiefOf(department)): ReviewDecision => ({ department, officer, decision: 'reject', reason });

const DECIDED_FIRST_STEP = china('2025-09-26 10:00');

/** The first step approved by both departments; the second (fire safety) under way, its review not opened yet. */
function firstStepApproved(): ApplicationState {
  const app = inReviewApp();
  return { ...app, currentStep: 1, reviews: app.reviews.map((r) => ({ ...r, status: 'approved' as const, decidedAt: DECIDED_FIRST_STEP })) };
}
/** …and its review open. */
const secondStep = (): ApplicationState => {
  const app = firstStepApproved();
  return { ...app, reviews: [...app.reviews, { ...openReview(STEPS[1].reviews[0], 1), openedAt: DECIDED_FIRST_STEP }] };
};

describe('decisionRefusal: a chief representative decides, a department leader for a major item', () => {
  const app = inReviewApp();
  const task = ALL_TASKS_OPEN;

  it.each(named([
    { case: 'an application not in review', app: submittedApp(), decision: approve(PARTNER), task, type: REFUSALS.wrongStage, part: `A review decision is not possible: application ${JOINT.applicationNo} is submitted` },
    { case: 'a closed application', app: inStep('rejected'), decision: approve(PARTNER), task, type: REFUSALS.wrongStage, part: 'is rejected and is closed' },
    { case: 'a review whose task is not in the inbox yet', app, decision: approve(PARTNER), task: tasksOpen(LEAD), type: REFUSALS.reviewNotOpen, part: 'The review task of health is being opened; decide once it is in the inbox' },
    { case: "a department of the step whose reviews are not opened yet (accepted a moment ago)", app: inReviewApp(JOINT, { reviewsOpened: false }), decision: approve(LEAD), task, type: REFUSALS.reviewNotOpen, part: 'The review task of market_regulation is being opened' },
    { case: 'a department whose step has not opened', app, decision: approve(LATER), task, type: REFUSALS.stepNotOpen, part: `Department fire reviews application ${JOINT.applicationNo} in step 2 (验收), which has not opened; step 1 is under way` },
    { case: 'a department that reviews nothing of this application', app, decision: approve(STRANGER), task, type: REFUSALS.unknownDepartment, part: `Department transport does not review application ${JOINT.applicationNo}; its reviewers are market_regulation, health, fire` },
    { case: 'a department of a step already over', app: secondStep(), decision: approve(PARTNER), task, type: REFUSALS.unknownDepartment, part: 'Department health does not review application' },
    { case: "the department's window officer", app, decision: approve(PARTNER, windowOf(PARTNER)), task, type: REFUSALS.notAuthorised, part: "a decision is made by health's chief representative or leader; window_officer/health/450100 is a window_officer" },
    { case: "another department's chief representative", app, decision: approve(PARTNER, chiefOf(LEAD)), task, type: REFUSALS.notAuthorised, part: 'cannot act for health' },
    { case: "the department's chief representative at another centre", app, decision: approve(PARTNER, chiefOf(PARTNER, OTHER_CENTRE)), task, type: REFUSALS.notAuthorised, part: 'cannot act at centre 450100' },
    { case: 'the chief representative on a major item', input: MAJOR, app: inReviewApp(MAJOR), decision: approve(PARTNER), task, type: REFUSALS.notAuthorised, part: 'a major item is decided by a leader of health; chief_representative/health/450100 is a chief_representative' },
    { case: 'the accepting centre on a reported item (上报件), decided above it', input: REPORTED, app: inReviewApp(REPORTED), decision: approve(LEAD), task, type: REFUSALS.notAuthorised, part: 'cannot act at centre 450000' },
    { case: 'a supervisor', app, decision: approve(PARTNER, supervisor), task, type: REFUSALS.notAuthorised, part: "does not work at a department's window" },
    { case: 'a department that has already decided', app: withReview(app, PARTNER, { status: 'approved' }), decision: approve(PARTNER), task, type: REFUSALS.alreadyDecided, part: 'Department health has already decided: approved' },
    { case: 'a rejection without a reason', app, decision: reject(PARTNER, ' '), task, type: REFUSALS.missingReason, part: 'A rejection needs a reason' },
  ]))('refuses %s', (_, { app, input = JOINT, decision, task, type, part }) => {
    expect(decisionRefusal(app, input, decision, task)).toEqual(refused(type, part));
  });

  it.each(named([
    { case: 'a wrong stage, before authority', app: submittedApp(), decision: approve(PARTNER, supervisor), task, type: REFUSALS.wrongStage },
    { case: 'a task not yet open, before authority', app, decision: approve(PARTNER, supervisor), task: tasksOpen(), type: REFUSALS.reviewNotOpen },
    { case: 'an unknown department, before authority', app, decision: approve(STRANGER, supervisor), task, type: REFUSALS.unknownDepartment },
    { case: 'authority, before a decision already taken', app: withReview(app, PARTNER, { status: 'approved' }), decision: approve(PARTNER, supervisor), task, type: REFUSALS.notAuthorised },
    { case: 'a decision already taken, whether or not its task is open', app: withReview(app, PARTNER, { status: 'rejected' }), decision: approve(PARTNER), task: tasksOpen(), type: REFUSALS.alreadyDecided },
    { case: 'authority, before the missing reason', app, decision: reject(PARTNER, '', windowOf(PARTNER)), task, type: REFUSALS.notAuthorised },
  ]))('reports %s', (_, { app, decision, task, type }) => {
    expect(decisionRefusal(app, JOINT, decision, task)?.type).toBe(type);
  });

  it.each(named([
    { case: 'the chief representative approve an ordinary item', app, decision: approve(PARTNER) },
    { case: 'a department leader approve an ordinary item', app, decision: approve(PARTNER, leaderOf(PARTNER)) },
    { case: 'a department leader approve a major item', input: MAJOR, app: inReviewApp(MAJOR), decision: approve(PARTNER, leaderOf(PARTNER)) },
    { case: 'the chief representative reject with a reason', app, decision: reject(PARTNER, '卫生条件不达标') },
    { case: 'the regional centre decide a reported item', input: REPORTED, app: inReviewApp(REPORTED), decision: approve(LEAD, chiefOf(LEAD, REGIONAL_CENTRE)) },
    { case: 'a department of the second step decide once its step is under way', app: secondStep(), decision: approve(LATER) },
    // No clock check: a department may decide while its own clock stands still (and the stop stays open).
    { case: 'a department decide while its clock stands still', app: stoppedFor(app, PARTNER, 'expert_review'), decision: approve(PARTNER) },
  ]))('lets %s', (_, { app, input = JOINT, decision }) => {
    expect(decisionRefusal(app, input, decision, ALL_TASKS_OPEN)).toBeUndefined();
  });
});

describe('decide', () => {
  const app = inReviewApp();
  const at = china('2025-09-24 15:00');

  it('approves: the department’s review is decided in time, the others stay open, the application stays in review', () => {
    const result = applied(app, (a) => decide(a, approve(PARTNER), at));
    expect(result.state).toEqual({
      ...withReview(app, PARTNER, { status: 'approved', decidedAt: at, decidedBy: chiefOf(PARTNER), late: false }),
      seq: app.seq + 1,
    });
    expectEvents(result, app, at, [{ type: 'review_approved', step: 0, department: PARTNER, actor: chiefOf(PARTNER) }]);
  });

  it('keeps an approval’s reason, in the review and its transition', () => {
    const result = decide(app, approve(PARTNER, chiefOf(PARTNER), '附条件'), at);
    expect(stepReview(result.state, PARTNER)?.reason).toBe('附条件');
    expect(result.events[0].data).toEqual({ reason: '附条件' });
  });

  it('approves with conditions (附条件): kept in the review and its transition, with the reason', () => {
    const conditions = '须于三个月内完成消防验收';
    const result = decide(app, { ...approve(PARTNER, chiefOf(PARTNER), '符合条件'), conditions }, at);
    expect(stepReview(result.state, PARTNER)?.conditions).toBe(conditions);
    expect(result.events[0].data).toEqual({ reason: '符合条件', conditions });
  });

  it('carries no conditions on a rejection', () => {
    const result = decide(app, { ...reject(PARTNER, '不符合条件'), conditions: '无关' }, at);
    expect(stepReview(result.state, PARTNER)?.conditions).toBeUndefined();
    expect(result.events[0].data).toEqual({ reason: '不符合条件' });
  });

  it('rejects: the application is rejected and closed, and every other open review is withdrawn', () => {
    const reason = '卫生条件不达标';
    const withdrawn = 'Withdrawn: health rejected the application';
    const result = applied(app, (a) => decide(a, reject(PARTNER, reason), at));
    expect(result.state).toEqual({
      ...app,
      stage: 'rejected',
      closedAt: at,
      reviews: [
        { ...app.reviews[0], status: 'withdrawn', decidedAt: at, reason: withdrawn },
        { ...app.reviews[1], status: 'rejected', decidedAt: at, decidedBy: chiefOf(PARTNER), reason, late: false },
      ],
      seq: app.seq + 2,
    });
    expectEvents(result, app, at, [
      { type: 'review_rejected', step: 0, department: PARTNER, actor: chiefOf(PARTNER), data: { reason } },
      { type: 'review_withdrawn', step: 0, department: LEAD, data: { reason: withdrawn } },
    ]);
  });

  it('withdraws nothing already decided', () => {
    const approvedFirst = withReview(app, LEAD, { status: 'approved', decidedAt: china('2025-09-23 10:00') });
    const result = applied(approvedFirst, (a) => decide(a, reject(PARTNER, '卫生条件不达标'), at));
    expect(result.state.reviews.map((r) => r.status)).toEqual(['approved', 'rejected']);
    expect(result.state.reviews[0]).toEqual(approvedFirst.reviews[0]);
    expect(result.events.map((e) => e.type)).toEqual(['review_rejected']);
  });

  it.each(named([
    { case: 'a minute before the promised limit is in time', at: new Date(Date.parse(DUE.promisedDue) - 60_000).toISOString(), late: false },
    { case: 'at the promised limit is late', at: DUE.promisedDue, late: true },
    { case: 'after the promised limit is accepted, and stays marked late', at: china('2025-10-09 10:00'), late: true },
  ]))('a decision %s', (_, { at, late }) => {
    const { state } = applied(app, (a) => decide(a, approve(PARTNER), at));
    expect(stepReview(state, PARTNER)).toMatchObject({ status: 'approved', decidedAt: at, late });
  });
});

describe('the steps of a review', () => {
  it('opens every review of a step at once, each with its own clock from the opening (no transition yet)', () => {
    const app = firstStepApproved();
    const result = applied(app, (a) => openStep(a, JOINT.item, 1, STEPS[1], DECIDED_FIRST_STEP, calendar));
    // Fri 26 Sep + 2 working days: Sat 27 off, Sun 28 worked (yellow at its end), Mon 29 (red at its end).
    expect(result.state.reviews.slice(2)).toEqual([
      {
        step: 1,
        department: LATER,
        centreCode: '450100',
        promisedLimitDays: 2,
        status: 'open',
        openedAt: DECIDED_FIRST_STEP,
        stops: [],
        stoppedDays: 0,
        deadlines: { warnAt: endOf('2025-09-28'), promisedDue: endOf('2025-09-29'), statutoryDue: DUE.statutoryDue, provisional: false },
      },
    ]);
    expect(result.events).toEqual([]);
    expect(result.state.seq).toBe(app.seq);
  });

  it('puts the tasks in the departments’ inboxes, each with who answers for it', () => {
    const opened = openStep(firstStepApproved(), JOINT.item, 1, STEPS[1], DECIDED_FIRST_STEP, calendar).state;
    const at = china('2025-09-26 10:01');
    const result = applied(opened, (a) => openTasks(a, a.reviews.slice(2), [responsibleFor(LATER)], at));
    expect(result.state.reviews[2].responsible).toEqual(responsibleFor(LATER));
    expect(result.state.reviews.slice(0, 2)).toEqual(opened.reviews.slice(0, 2));
    expectEvents(result, opened, at, [{ type: 'review_opened', step: 1, department: LATER }]);
  });

  it('finds a department’s review in the step under way only', () => {
    expect(stepReview(secondStep(), LATER)?.step).toBe(1);
    expect(stepReview(secondStep(), LEAD)).toBeUndefined();
    expect(stepReview(inReviewApp(), LEAD)?.openedAt).toBe(ACCEPTED);
  });

  it.each(named([
    { case: 'every department of the step approved', app: withReview(withReview(inReviewApp(), LEAD, { status: 'approved' }), PARTNER, { status: 'approved' }), approved: true },
    { case: 'one department still reviewing', app: withReview(inReviewApp(), LEAD, { status: 'approved' }), approved: false },
    { case: 'a later step under way, the earlier one approved', app: secondStep(), approved: false },
    { case: 'a later step approved', app: withReview(secondStep(), LATER, { status: 'approved' }), approved: true },
  ]))('says whether the step is approved: %s', (_, { app, approved }) => {
    expect(stepApproved(app)).toBe(approved);
  });
});

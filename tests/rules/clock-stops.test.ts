/**
 * Clock stops, workflows/rules/clock-stops.ts: a review's clock stands still while the applicant
 * supplies material (补正) or while a procedure the law excludes from the limit runs (hearing, expert
 * review, …); the application's clock stands still while any review's does, and when a clock runs again
 * every due instant moves by the working days it stood still.
 */
import { describe, expect, it } from 'vitest';
import { type ApplicationState, type ClockResumeRequest, type ClockStopRequest, type Officer, REFUSALS } from '../../workflows/messages.js';
import { resumeClocks, resumeRefusal, stopClock, stopRefusal } from '../../workflows/rules/clock-stops.js';
import { stepReview } from '../../workflows/rules/review.js';
import {
  ALL_TASKS_OPEN, DUE, JOINT, LATER, LEAD, OTHER_CENTRE, PARTNER, STRANGER, applied, calendar, chiefOf, china, endOf,
  expectEvents, inReviewApp, named, refused, stop, stoppedFor, submittedApp, supervisor, tasksOpen, windowOf, withReview
} from './fixtures.js';

const hearing = (department: string, officer: Officer = windowOf(department), more: Partial<ClockStopRequest> = {}): ClockStopRequest => ({
  department,
  officer,
  type: 'hearing',
  reason: '依申请举行听证',
  expectedDays: 10,
  ...more,
});
const supplementStop = (department: string, more: Partial<ClockStopRequest> = {}) =>
  hearing(department, windowOf(department), { type: 'supplement', reason: '材料不全', missingMaterials: ['卫生检测报告'], expectedDays: undefined, ...more });
const restart = (department: string, officer: Officer = windowOf(department)): ClockResumeRequest => ({ department, officer, note: '听证结束' });

const THU_25_SEP = china('2025-09-25 10:00');
const THU_9_OCT = china('2025-10-09 10:00');

describe('stopRefusal: a clock stops with a reason, on an open review of the step under way', () => {
  const app = inReviewApp();
  const task = ALL_TASKS_OPEN;
  /** Health asked for a supplement once already, and got it. */
  const suppliedOnce = withReview(app, PARTNER, { stops: [stop('supplement', china('2025-09-23 10:00'), { endedAt: china('2025-09-24 10:00'), workingDays: 1 })] });

  it.each(named([
    { case: 'an application not in review', app: submittedApp(), request: hearing(PARTNER), task, type: REFUSALS.wrongStage, part: `Stopping the clock is not possible: application ${JOINT.applicationNo} is submitted` },
    { case: 'a department that reviews nothing of this application', app, request: hearing(STRANGER), task, type: REFUSALS.unknownDepartment, part: `Department transport has no open review of application ${JOINT.applicationNo}` },
    { case: 'a department whose step has not opened', app, request: hearing(LATER), task, type: REFUSALS.unknownDepartment, part: 'Department fire has no open review' },
    { case: 'a department that has decided', app: withReview(app, PARTNER, { status: 'approved' }), request: hearing(PARTNER), task, type: REFUSALS.unknownDepartment, part: 'Department health has no open review' },
    // Unlike a decision (ReviewNotOpen, retry), a stop right after acceptance is told the review does not exist.
    { case: "a department of the step whose reviews are not opened yet", app: inReviewApp(JOINT, { reviewsOpened: false }), request: hearing(LEAD), task, type: REFUSALS.unknownDepartment, part: 'Department market_regulation has no open review' },
    { case: 'a review whose task is not in the inbox yet', app, request: hearing(PARTNER), task: tasksOpen(LEAD), type: REFUSALS.reviewNotOpen, part: 'The review task of health is being opened; retry once it is in the inbox' },
    { case: 'a supervisor', app, request: hearing(PARTNER, supervisor), task, type: REFUSALS.notAuthorised, part: "does not work at a department's window" },
    { case: "another department's officer", app, request: hearing(PARTNER, windowOf(LEAD)), task, type: REFUSALS.notAuthorised, part: 'cannot act for health' },
    { case: "the department's officer at another centre", app, request: hearing(PARTNER, windowOf(PARTNER, OTHER_CENTRE)), task, type: REFUSALS.notAuthorised, part: 'cannot act at centre 450100' },
    { case: 'a clock that already stands still', app: stoppedFor(app, PARTNER, 'expert_review'), request: hearing(PARTNER), task, type: REFUSALS.clockStopped, part: "The clock of health's review already stands still (expert_review)" },
    { case: 'a stop without a reason', app, request: hearing(PARTNER, windowOf(PARTNER), { reason: ' ' }), task, type: REFUSALS.missingReason, part: 'Stopping the clock needs a reason' },
    { case: 'a supplement request that lists no missing material (一次性告知)', app, request: supplementStop(PARTNER, { missingMaterials: [] }), task, type: REFUSALS.missingReason, part: 'must list every missing material at once' },
    { case: 'a second supplement request without repeatReason', app: suppliedOnce, request: supplementStop(PARTNER), task, type: REFUSALS.repeatedSupplement, part: 'health has already asked for a supplement: a second request needs repeatReason, which supervisors see' },
  ]))('refuses %s', (_, { app, request, task, type, part }) => {
    expect(stopRefusal(app, request, task)).toEqual(refused(type, part));
  });

  it.each(named([
    { case: 'a wrong stage, before authority', app: submittedApp(), request: hearing(PARTNER, supervisor), type: REFUSALS.wrongStage },
    { case: 'a review not open, before authority', app, request: hearing(STRANGER, supervisor), type: REFUSALS.unknownDepartment },
    { case: 'authority, before a clock already stopped', app: stoppedFor(app, PARTNER), request: hearing(PARTNER, supervisor), type: REFUSALS.notAuthorised },
    { case: 'a clock already stopped, before the missing reason', app: stoppedFor(app, PARTNER), request: hearing(PARTNER, windowOf(PARTNER), { reason: '' }), type: REFUSALS.clockStopped },
    { case: 'the missing list, before the repeated request', app: suppliedOnce, request: supplementStop(PARTNER, { missingMaterials: [] }), type: REFUSALS.missingReason },
  ]))('reports %s', (_, { app, request, type }) => {
    expect(stopRefusal(app, request, ALL_TASKS_OPEN)?.type).toBe(type);
  });

  it.each(named([
    { case: "the department's window officer stop its clock for a hearing", app, request: hearing(PARTNER) },
    { case: 'its chief representative ask for a supplement listing every material', app, request: supplementStop(PARTNER) },
    { case: 'a second supplement request that says why (repeatReason)', app: suppliedOnce, request: supplementStop(PARTNER, { repeatReason: '检测报告已过期' }) },
    { case: "a department stop its clock while another department's stands still", app: stoppedFor(app, LEAD), request: hearing(PARTNER) },
  ]))('lets %s', (_, { app, request }) => {
    expect(stopRefusal(app, request, ALL_TASKS_OPEN)).toBeUndefined();
  });
});

describe('stopClock', () => {
  const app = inReviewApp();

  it("stops the review's clock, and the application's with it", () => {
    const request = hearing(PARTNER);
    const result = applied(app, (a) => stopClock(a, request, THU_25_SEP));
    const { department: _department, ...recorded } = request;
    expect(result.state).toEqual({
      ...withReview(app, PARTNER, { stops: [{ ...recorded, startedAt: THU_25_SEP }] }),
      stoppedSince: THU_25_SEP,
      seq: app.seq + 1,
    });
    expectEvents(result, app, THU_25_SEP, [{ type: 'clock_stopped', step: 0, department: PARTNER, actor: windowOf(PARTNER), data: recorded }]);
  });

  it("keeps the application's clock stopped since the first stop", () => {
    const already = stoppedFor(app, LEAD, 'inspection', china('2025-09-24 10:00'));
    const { state } = applied(already, (a) => stopClock(a, hearing(PARTNER), THU_25_SEP));
    expect(state.stoppedSince).toBe(china('2025-09-24 10:00'));
    expect(state.reviews.map((r) => r.stops.length)).toEqual([1, 1]);
  });

  it('flags a second supplement request to supervisors (supplement_repeated)', () => {
    const request = supplementStop(PARTNER, { repeatReason: '检测报告已过期' });
    const result = applied(app, (a) => stopClock(a, request, THU_25_SEP));
    const { department: _department, ...recorded } = request;
    const about = { step: 0, department: PARTNER, actor: windowOf(PARTNER) };
    expectEvents(result, app, THU_25_SEP, [
      { type: 'clock_stopped', ...about, data: recorded },
      { type: 'supplement_repeated', ...about, data: { reason: '检测报告已过期' } },
    ]);
  });
});

describe('resumeRefusal: a procedure’s clock is restarted by its department; a supplement’s when the material comes', () => {
  const app = stoppedFor(inReviewApp(), PARTNER, 'hearing');
  const task = ALL_TASKS_OPEN;

  it.each(named([
    { case: 'an application not in review', app: submittedApp(), request: restart(PARTNER), task, type: REFUSALS.wrongStage, part: `Restarting the clock is not possible: application ${JOINT.applicationNo} is submitted` },
    { case: 'a department without an open review', app, request: restart(STRANGER), task, type: REFUSALS.unknownDepartment, part: 'Department transport has no open review' },
    { case: 'a review whose task is not in the inbox yet', app, request: restart(PARTNER), task: tasksOpen(LEAD), type: REFUSALS.reviewNotOpen, part: 'The review task of health is being opened' },
    { case: 'a supervisor', app, request: restart(PARTNER, supervisor), task, type: REFUSALS.notAuthorised, part: "does not work at a department's window" },
    { case: "another department's officer", app, request: restart(PARTNER, chiefOf(LEAD)), task, type: REFUSALS.notAuthorised, part: 'cannot act for health' },
    { case: "the department's officer at another centre", app, request: restart(PARTNER, windowOf(PARTNER, OTHER_CENTRE)), task, type: REFUSALS.notAuthorised, part: 'cannot act at centre 450100' },
    { case: 'a clock that is running', app, request: restart(LEAD), task, type: REFUSALS.clockRunning, part: "The clock of market_regulation's review is running" },
    { case: 'a clock stopped for a supplement', app: stoppedFor(inReviewApp(), PARTNER, 'supplement'), request: restart(PARTNER), task, type: REFUSALS.clockRunning, part: 'A clock stopped for a supplement restarts when the applicant supplies the materials' },
  ]))('refuses %s', (_, { app, request, task, type, part }) => {
    expect(resumeRefusal(app, request, task)).toEqual(refused(type, part));
  });

  it.each(named([
    { case: 'a wrong stage, before authority', app: submittedApp(), request: restart(PARTNER, supervisor), type: REFUSALS.wrongStage },
    { case: 'authority, before a running clock', app, request: restart(LEAD, supervisor), type: REFUSALS.notAuthorised },
  ]))('reports %s', (_, { app, request, type }) => {
    expect(resumeRefusal(app, request, ALL_TASKS_OPEN)?.type).toBe(type);
  });

  it.each(named([
    { case: "the department's window officer", request: restart(PARTNER) },
    { case: 'its chief representative', request: restart(PARTNER, chiefOf(PARTNER)) },
  ]))('lets %s restart a clock stopped for a hearing', (_, { request }) => {
    expect(resumeRefusal(app, request, ALL_TASKS_OPEN)).toBeUndefined();
  });
});

describe('resumeClocks: every due instant moves by the working days the clock stood still', () => {
  const reviewing = inReviewApp();
  const resume = (app: ApplicationState, departments: string[], at: string, by?: ClockResumeRequest) =>
    applied(app, (a) => resumeClocks(a, JOINT.item, departments.map((d) => stepReview(a, d)!), calendar, at, by));

  it.each(named([
    { case: 'the same day', from: china('2025-09-25 09:00'), to: china('2025-09-25 17:00'), days: 0 },
    { case: 'Friday to Monday, over a Saturday off and a worked Sunday (调休)', from: china('2025-09-26 10:00'), to: china('2025-09-29 10:00'), days: 2 },
    { case: 'from the eve of the National Day holiday to its last day', from: china('2025-09-30 10:00'), to: china('2025-10-08 10:00'), days: 0 },
    { case: 'Thursday to Thursday across a weekend, a worked Sunday and the holiday', from: THU_25_SEP, to: THU_9_OCT, days: 5 },
  ]))('counts %s', (_, { from, to, days }) => {
    const { state } = resume(stoppedFor(reviewing, PARTNER, 'hearing', from), [PARTNER], to);
    expect(stepReview(state, PARTNER)!.stoppedDays).toBe(days);
    expect(state.stoppedDays).toBe(days);
  });

  it("ends the stop and moves the review's and the application's due instants; the other review keeps its promise", () => {
    const app = stoppedFor(reviewing, PARTNER, 'hearing', THU_25_SEP);
    const by = restart(PARTNER);
    const result = resume(app, [PARTNER], THU_9_OCT, by);
    // 5 working days stopped: promised 3 + 5 = 8 ends Thu 9 Oct, statutory 5 + 5 = 10 ends Sat 11 Oct (worked).
    const moved = { warnAt: endOf('2025-09-30'), promisedDue: endOf('2025-10-09'), statutoryDue: endOf('2025-10-11'), provisional: false };
    expect(result.state).toEqual({
      ...app,
      reviews: [
        { ...app.reviews[0], deadlines: { ...DUE, statutoryDue: moved.statutoryDue } },
        { ...app.reviews[1], stops: [{ ...app.reviews[1].stops[0], endedAt: THU_9_OCT, workingDays: 5 }], stoppedDays: 5, deadlines: moved },
      ],
      deadlines: moved,
      stoppedDays: 5,
      stoppedSince: undefined,
      seq: app.seq + 1,
    });
    expectEvents(result, app, THU_9_OCT, [
      { type: 'clock_resumed', step: 0, department: PARTNER, actor: windowOf(PARTNER), data: { type: 'hearing', workingDays: 5, note: '听证结束' } },
    ]);
  });

  it("keeps the application's clock stopped while another review's stands still", () => {
    const app = stoppedFor(stoppedFor(reviewing, LEAD, 'inspection', china('2025-09-24 10:00')), PARTNER, 'hearing', THU_25_SEP);
    const { state } = resume(app, [PARTNER], THU_9_OCT);
    expect(state).toMatchObject({ stoppedSince: china('2025-09-24 10:00'), stoppedDays: 0, deadlines: DUE });
    expect(stepReview(state, PARTNER)).toMatchObject({ stoppedDays: 5, deadlines: { promisedDue: endOf('2025-10-09'), statutoryDue: DUE.statutoryDue } });
    expect(stepReview(state, LEAD)).toMatchObject({ stoppedDays: 0, deadlines: DUE });
  });

  it("counts the application's stop from the first review's stop to the last one's restart", () => {
    const app = stoppedFor(stoppedFor(reviewing, LEAD, 'inspection', china('2025-09-24 10:00')), PARTNER, 'hearing', THU_25_SEP);
    const first = resume(app, [PARTNER], THU_9_OCT).state;
    const { state } = resume(first, [LEAD], china('2025-10-10 10:00'));
    // Wed 24 Sep to Fri 10 Oct: 25, 26, 28, 29, 30 Sep, 9 and 10 Oct.
    expect(state).toMatchObject({
      stoppedSince: undefined,
      stoppedDays: 7,
      deadlines: { warnAt: endOf('2025-10-10'), promisedDue: endOf('2025-10-11'), statutoryDue: endOf('2025-10-14') },
    });
  });

  it('restarts every clock waiting for the supplement at once, with no officer when the material came', () => {
    const app = stoppedFor(stoppedFor(reviewing, LEAD, 'supplement', THU_25_SEP), PARTNER, 'supplement', THU_25_SEP);
    const result = resume(app, [LEAD, PARTNER], china('2025-09-29 10:00'));
    expect(result.state.reviews.map((r) => r.stoppedDays)).toEqual([3, 3]);
    expect(result.state).toMatchObject({ stoppedDays: 3, stoppedSince: undefined });
    expectEvents(result, app, china('2025-09-29 10:00'), [
      { type: 'clock_resumed', step: 0, department: LEAD, data: { type: 'supplement', workingDays: 3 } },
      { type: 'clock_resumed', step: 0, department: PARTNER, data: { type: 'supplement', workingDays: 3 } },
    ]);
  });
});

/**
 * Time limits (限时办结), workflows/rules/deadlines.ts: the application's clock runs from acceptance,
 * each review's from the opening of its step, in working days; yellow comes `warningDays` working days
 * before the promised limit, red at it, statutory red at the statutory limit; stopped days and an
 * extension lengthen the limits; the decision says how long it took.
 */
import { describe, expect, it } from 'vitest';
import type { ApplicationState } from '../../workflows/messages.js';
import { applicationDeadlines, deadlinesOf, movedDeadlines, recalculated, reviewDeadlines, startClock, statutoryDays, timing } from '../../workflows/rules/deadlines.js';
import { WorkingCalendar } from '../../workflows/rules/working-days.js';
import {
  ACCEPTED, DUE, ITEM, JOINT, LEAD, NATIONAL_DAY_2025, applied, calendar, china, endOf, expectEvents, inReviewApp,
  leaderOf, named, openReview, withReview
} from './fixtures.js';

const limits = (warningDays = 1) => ({ ...ITEM, warningDays });
const extended = (workingDays: number) => ({ officer: leaderOf(), reason: '需现场核查', workingDays, at: ACCEPTED });

describe('deadlinesOf: yellow exactly warningDays working days before the promised limit', () => {
  it.each(named([
    { case: '1 day before a 3-day promise (the default warning)', promised: 3, warningDays: 1, warnAt: endOf('2025-09-24'), promisedDue: endOf('2025-09-25') },
    { case: '2 days before a 3-day promise', promised: 3, warningDays: 2, warnAt: endOf('2025-09-23'), promisedDue: endOf('2025-09-25') },
    { case: '1 day before a 5-day promise ending on a worked Sunday (调休)', promised: 5, warningDays: 1, warnAt: endOf('2025-09-26'), promisedDue: endOf('2025-09-28') },
    { case: 'never, when the promise is as short as the warning', promised: 1, warningDays: 1, warnAt: undefined, promisedDue: endOf('2025-09-23') },
    { case: 'never, when the promise is shorter than the warning', promised: 2, warningDays: 3, warnAt: undefined, promisedDue: endOf('2025-09-24') },
    { case: 'never on the spot (即办件: due at the end of the day of acceptance)', promised: 0, warningDays: 1, warnAt: undefined, promisedDue: endOf('2025-09-22') },
  ]))('raises yellow %s', (_, { promised, warningDays, warnAt, promisedDue }) => {
    expect(deadlinesOf(calendar, limits(warningDays), ACCEPTED, promised, DUE.statutoryDue)).toEqual({ warnAt, promisedDue, statutoryDue: DUE.statutoryDue, provisional: false });
  });

  it('marks a promise ending beyond the published holiday calendar as provisional', () => {
    const unpublished = new WorkingCalendar({ ...NATIONAL_DAY_2025, publishedThrough: '2025-09-24' });
    expect(deadlinesOf(unpublished, limits(), ACCEPTED, 3, DUE.statutoryDue).provisional).toBe(true);
    expect(deadlinesOf(unpublished, limits(), ACCEPTED, 2, DUE.statutoryDue).provisional).toBe(false);
  });
});

describe('statutoryDays: the statutory limit lengthened by the days a clock stood still and by an extension', () => {
  it.each(named([
    { case: 'the item’s limit alone', stoppedDays: 0, extension: undefined, days: 5 },
    { case: 'plus 2 days stopped', stoppedDays: 2, extension: undefined, days: 7 },
    { case: 'plus an extension of 3', stoppedDays: 0, extension: extended(3), days: 8 },
    { case: 'plus both', stoppedDays: 2, extension: extended(3), days: 10 },
  ]))('is %s', (_, { stoppedDays, extension, days }) => {
    expect(statutoryDays({ ...inReviewApp(), stoppedDays, extension }, ITEM)).toBe(days);
  });
});

describe('applicationDeadlines: counted from acceptance', () => {
  it('ends the promise and the statute at the end of their last working days', () => {
    expect(applicationDeadlines(inReviewApp(), ITEM, calendar)).toEqual(DUE);
  });

  it('moves the promise by the stopped days, and the statute by them and the extension', () => {
    const app: ApplicationState = { ...inReviewApp(), stoppedDays: 2, extension: extended(3) };
    // Promise 3 + 2 = 5 (Sun 28 Sep, worked), yellow a day before; statute 5 + 2 + 3 = 10 (Sat 11 Oct, worked).
    expect(applicationDeadlines(app, ITEM, calendar)).toEqual({
      warnAt: endOf('2025-09-26'),
      promisedDue: endOf('2025-09-28'),
      statutoryDue: endOf('2025-10-11'),
      provisional: false,
    });
  });

  it('is provisional when the statute ends beyond the published calendar, even if the promise does not', () => {
    const unpublished = new WorkingCalendar({ ...NATIONAL_DAY_2025, publishedThrough: '2025-09-26' });
    expect(applicationDeadlines(inReviewApp(), ITEM, unpublished)).toEqual({ ...DUE, provisional: true });
  });
});

describe('reviewDeadlines: counted from the opening of its step, with the application’s statute', () => {
  const app = inReviewApp();
  const fire = { ...openReview(JOINT.steps[1].reviews[0], 1), openedAt: china('2025-09-26 10:00') };

  it.each(named([
    { case: 'a 2-day review opened on a Friday', review: fire, warnAt: endOf('2025-09-28'), promisedDue: endOf('2025-09-29') },
    { case: 'the same review after 5 days stopped', review: { ...fire, stoppedDays: 5 }, warnAt: endOf('2025-10-11'), promisedDue: endOf('2025-10-13') },
  ]))('ends %s', (_, { review, warnAt, promisedDue }) => {
    expect(reviewDeadlines(app, ITEM, calendar, review)).toEqual({ warnAt, promisedDue, statutoryDue: DUE.statutoryDue, provisional: false });
  });
});

describe('movedDeadlines', () => {
  it('computes every open review’s due instants again, and keeps a decided review’s', () => {
    const decided = withReview(inReviewApp(), LEAD, { status: 'approved', deadlines: { ...DUE, promisedDue: 'as it was' } });
    const app = { ...decided, stoppedDays: 1 };
    const before = structuredClone(app);
    const moved = movedDeadlines(app, ITEM, calendar);
    expect(app).toEqual(before);
    const statutoryDue = endOf('2025-09-29'); // 5 + 1
    expect(moved.deadlines).toEqual({ warnAt: endOf('2025-09-25'), promisedDue: endOf('2025-09-26'), statutoryDue, provisional: false });
    expect(moved.reviews[0].deadlines?.promisedDue).toBe('as it was');
    expect(moved.reviews[1].deadlines).toEqual({ ...DUE, statutoryDue });
  });
});

describe('startClock and recalculated', () => {
  it("starts the application's clock at acceptance", () => {
    const app: ApplicationState = { ...inReviewApp(JOINT, { reviewsOpened: false }), deadlines: undefined };
    const at = china('2025-09-22 10:00');
    const result = applied(app, (a) => startClock(a, ITEM, calendar, at));
    expect(result.state).toEqual({ ...app, deadlines: DUE, seq: app.seq + 1 });
    expectEvents(result, app, at, [{ type: 'clock_started', data: { ...DUE } }]);
  });

  it('computes every due instant again from a new holiday calendar', () => {
    // A local day off is announced for Wed 24 Sep: every limit ends a working day later.
    const withDayOff = new WorkingCalendar({ ...NATIONAL_DAY_2025, daysOff: ['2025-09-24', ...NATIONAL_DAY_2025.daysOff] });
    const app = inReviewApp();
    const at = china('2025-09-23 09:00');
    const result = applied(app, (a) => recalculated(a, ITEM, withDayOff, at));
    const moved = { warnAt: endOf('2025-09-25'), promisedDue: endOf('2025-09-26'), statutoryDue: endOf('2025-09-29'), provisional: false };
    expect(result.state.deadlines).toEqual(moved);
    expect(result.state.reviews.map((r) => r.deadlines)).toEqual([moved, moved]);
    expectEvents(result, app, at, [{ type: 'deadlines_recalculated', data: moved }]);
  });
});

describe('timing: how long the decision took, in working days without the stopped ones', () => {
  const app = inReviewApp();
  /** Stopped 5 working days (25 Sep – 9 Oct), its limits moved by them. */
  const stopped = movedDeadlines({ ...app, stoppedDays: 5, reviews: [] }, ITEM, calendar);

  it.each(named([
    { case: 'on the second working day', app, decidedAt: china('2025-09-24 14:00'), taken: { workingDays: 2, calendarDays: 2.2, onTime: true, withinStatutory: true } },
    { case: 'at the promised limit itself', app, decidedAt: DUE.promisedDue, taken: { workingDays: 4, calendarDays: 3.6, onTime: true, withinStatutory: true } },
    { case: 'after the promise, within the statute', app, decidedAt: china('2025-09-27 10:00'), taken: { workingDays: 4, calendarDays: 5, onTime: false, withinStatutory: true } },
    { case: 'after the statute', app, decidedAt: china('2025-10-09 10:00'), taken: { workingDays: 8, calendarDays: 17, onTime: false, withinStatutory: false } },
    { case: 'after 5 working days stopped, which do not count', app: stopped, decidedAt: china('2025-10-09 10:00'), taken: { workingDays: 3, calendarDays: 17, onTime: true, withinStatutory: true } },
  ]))('decided %s', (_, { app, decidedAt, taken }) => {
    const at = china('2025-10-09 12:00');
    const result = applied(app, (a) => timing(a, calendar, decidedAt, at));
    expect(result.state).toEqual({ ...app, timing: taken, seq: app.seq + 1 });
    expectEvents(result, app, at, [{ type: 'decided', data: taken }]);
  });

  it('never counts fewer than 0 working days', () => {
    const { state } = timing({ ...app, stoppedDays: 3 }, calendar, china('2025-09-23 10:00'), china('2025-09-23 10:00'));
    expect(state.timing?.workingDays).toBe(0);
  });
});

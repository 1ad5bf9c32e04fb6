/**
 * Alerts (电子监察), workflows/rules/alerts.ts: each clock raises yellow at its warning threshold, red at
 * the promised limit and statutory red at the statutory limit, each once, in that order; an alert names
 * who answers for it, and the application shows the worst alert it has raised.
 */
import { describe, expect, it } from 'vitest';
import type { AlertLevel, SupervisionLevel } from '../../workflows/messages.js';
import { nextAlert, opensCase, raiseAlert } from '../../workflows/rules/alerts.js';
import { stepReview } from '../../workflows/rules/review.js';
import {
  CONSULTED, DUE, LEAD, PARTNER, REGIONAL_CENTRE, REPORTED, applied, chiefOf, china, expectEvents, inReviewApp, named,
  responsibleFor, windowOf, withReview
} from './fixtures.js';

describe('nextAlert: yellow, then red, then statutory red, each once', () => {
  const noWarning = { ...DUE, warnAt: undefined };

  it.each(named([
    { case: 'yellow at the warning threshold, when nothing is raised', deadlines: DUE, raised: [], next: { level: 'yellow', at: DUE.warnAt } },
    { case: 'red at the promised limit, after yellow', deadlines: DUE, raised: ['yellow'], next: { level: 'red', at: DUE.promisedDue } },
    { case: 'statutory red at the statutory limit, after red', deadlines: DUE, raised: ['yellow', 'red'], next: { level: 'statutory_red', at: DUE.statutoryDue } },
    { case: 'nothing, once statutory red is raised', deadlines: DUE, raised: ['yellow', 'red', 'statutory_red'], next: undefined },
    { case: 'red first, when the promise is too short for a warning', deadlines: noWarning, raised: [], next: { level: 'red', at: DUE.promisedDue } },
    { case: 'statutory red after red, with no warning', deadlines: noWarning, raised: ['red'], next: { level: 'statutory_red', at: DUE.statutoryDue } },
    // The order is by level, not by what was raised: a yellow never raised comes even after red.
    { case: 'yellow when only red was raised', deadlines: DUE, raised: ['red'], next: { level: 'yellow', at: DUE.warnAt } },
  ]))('gives %s', (_, { deadlines, raised, next }) => {
    expect(nextAlert(deadlines, new Set(raised as AlertLevel[]))).toEqual(next);
  });
});

describe('raiseAlert: who answers for it (首问负责制 and the departments’ responsible officers)', () => {
  const at = DUE.warnAt!;
  /** Market regulation has approved; health still reviews. */
  const app = withReview(inReviewApp(), LEAD, { status: 'approved', decidedAt: china('2025-09-23 10:00') });

  it("names, for the application, its responsible officer and the open reviews' responsible officers", () => {
    const result = applied(app, (a) => raiseAlert(a, 'yellow', undefined, at));
    const responsible = [windowOf(), ...responsibleFor(PARTNER)];
    expect(result.state).toEqual({ ...app, alerts: [{ level: 'yellow', at, responsible }], supervision: 'yellow', seq: app.seq + 1 });
    expectEvents(result, app, at, [{ type: 'alert_yellow', data: { level: 'yellow', centreCode: '450100', responsible } }]);
  });

  it("names the consultation's officer first when the application came from one", () => {
    const { state } = raiseAlert(inReviewApp(CONSULTED), 'red', undefined, at);
    expect(state.alerts[0].responsible).toEqual([chiefOf(), ...responsibleFor(LEAD), ...responsibleFor(PARTNER)]);
  });

  it('names only the open reviews’ officers when no one has accepted it yet', () => {
    const { state } = raiseAlert({ ...inReviewApp(), responsibleOfficer: undefined }, 'red', undefined, at);
    expect(state.alerts[0].responsible).toEqual([...responsibleFor(LEAD), ...responsibleFor(PARTNER)]);
  });

  it("names, for a review, only that review's responsible officers, with its department and step", () => {
    const review = stepReview(app, PARTNER)!;
    const result = applied(app, (a) => raiseAlert(a, 'red', review, at));
    const responsible = responsibleFor(PARTNER);
    expect(result.state).toEqual({ ...app, alerts: [{ level: 'red', department: PARTNER, step: 0, at, responsible }], supervision: 'red', seq: app.seq + 1 });
    expectEvents(result, app, at, [{ type: 'alert_red', step: 0, department: PARTNER, data: { level: 'red', centreCode: '450100', responsible } }]);
  });

  it("places a reported item's review alert at the centre that decides it", () => {
    const reported = inReviewApp(REPORTED);
    const { events } = raiseAlert(reported, 'red', reported.reviews[0], at);
    expect(events[0].data).toMatchObject({ centreCode: REGIONAL_CENTRE, responsible: responsibleFor(LEAD, REGIONAL_CENTRE) });
  });

  it('keeps the alerts raised before', () => {
    const yellow = raiseAlert(app, 'yellow', undefined, at).state;
    const { state } = applied(yellow, (a) => raiseAlert(a, 'red', undefined, DUE.promisedDue));
    expect(state.alerts.map((a) => a.level)).toEqual(['yellow', 'red']);
  });

  it.each<[SupervisionLevel, AlertLevel, SupervisionLevel]>([
    ['green', 'yellow', 'yellow'],
    ['yellow', 'red', 'red'],
    ['red', 'statutory_red', 'statutory_red'],
    ['red', 'yellow', 'red'],
    ['statutory_red', 'red', 'statutory_red'],
    ['statutory_red', 'yellow', 'statutory_red'],
  ])('shows the worst alert raised: %s, then %s, is %s (never lower)', (supervision, level, shown) => {
    const { state } = applied({ ...app, supervision }, (a) => raiseAlert(a, level, stepReview(a, PARTNER), at));
    expect(state.supervision).toBe(shown);
  });
});

describe('opensCase: accountability (责任追究制)', () => {
  it.each<[AlertLevel, boolean]>([
    ['yellow', false],
    ['red', true],
    ['statutory_red', true],
  ])('a %s alert opens a case: %s', (level, opens) => expect(opensCase(level)).toBe(opens));
});

/**
 * Supplements (补正), workflows/rules/supplement.ts: the material comes from whoever submitted the
 * application, or at the lead department's window; at intake the application goes back to intake,
 * during review it ends the clock stops waiting for it.
 */
import { describe, expect, it } from 'vitest';
import { type Officer, REFUSALS, type Supplement } from '../../workflows/messages.js';
import { awaitingSupplement, handIn, oneNoticeRefusal, supplementRefusal } from '../../workflows/rules/supplement.js';
import {
  JOINT, LEAD, OTHER_CENTRE, PARTNER, applied, china, expectEvents, inReviewApp, inStep, integrator, named, officer,
  refused, stoppedFor, submittedApp, supplementRequestedApp, windowOf
} from './fixtures.js';

const SUBMITTER = JOINT.submittedBy; // integrator:7
const materials = (officer: Officer | undefined): Supplement => ({ materials: ['场所平面图'], officer });
/** The officer who submitted an application at a window, as `submittedBy` names them. */
const clerk = { ...officer('window_officer', PARTNER), id: 'clerk-1' };

describe('oneNoticeRefusal (一次性告知)', () => {
  it.each([[undefined], [[]]])('refuses a supplement request listing %j as missing materials', (missing) => {
    expect(oneNoticeRefusal(missing)).toEqual(refused(REFUSALS.missingReason, 'must list every missing material at once (一次性告知)'));
  });

  it('accepts a request listing the materials', () => expect(oneNoticeRefusal(['场所平面图'])).toBeUndefined());
});

describe('supplementRefusal: handed in by whoever submitted the application, or at the lead department’s window', () => {
  const waiting = supplementRequestedApp();

  it.each(named([
    { case: 'a supplement that names no one handing it in', app: waiting, supplement: materials(undefined), type: REFUSALS.notAuthorised, part: 'a supplement names who hands it in' },
    { case: 'an integrator that did not submit the application', app: waiting, supplement: materials(integrator('8')), type: REFUSALS.notAuthorised, part: "integrator:8 (no role of no department at no centre) does not work at a department's window" },
    { case: 'the window of another department', app: waiting, supplement: materials(windowOf(PARTNER)), type: REFUSALS.notAuthorised, part: 'cannot act for market_regulation' },
    { case: "the lead department's window at another centre", app: waiting, supplement: materials(windowOf(LEAD, OTHER_CENTRE)), type: REFUSALS.notAuthorised, part: 'cannot act at centre 450100' },
    { case: 'an application that asked for none', app: submittedApp(), supplement: materials(integrator()), type: REFUSALS.wrongStage, part: `A supplement is not possible: application ${JOINT.applicationNo} is submitted` },
    { case: 'a review whose clock waits for a procedure, not for the applicant', app: stoppedFor(inReviewApp(), PARTNER, 'hearing'), supplement: materials(integrator()), type: REFUSALS.wrongStage, part: 'is in_review' },
    { case: 'a closed application', app: inStep('rejected'), supplement: materials(integrator()), type: REFUSALS.wrongStage, part: 'is rejected and is closed' },
  ]))('refuses %s', (_, { app, supplement, type, part }) => {
    expect(supplementRefusal(app, SUBMITTER, supplement)).toEqual(refused(type, part));
  });

  // Unlike the other checks, authority comes before the stage here.
  it('reports authority before a wrong stage', () => {
    expect(supplementRefusal(submittedApp(), SUBMITTER, materials(integrator('8')))?.type).toBe(REFUSALS.notAuthorised);
  });

  it.each(named([
    { case: 'the integrator that submitted it', submittedBy: SUBMITTER, officer: integrator('7'), app: waiting },
    { case: 'the officer who submitted it, of whatever department', submittedBy: 'officer:clerk-1', officer: clerk, app: waiting },
    { case: "the lead department's window", submittedBy: SUBMITTER, officer: windowOf(), app: waiting },
    { case: "the lead department's window, for an application an officer submitted", submittedBy: undefined, officer: windowOf(), app: waiting },
    { case: 'the submitter during review, while a clock waits for the supplement', submittedBy: SUBMITTER, officer: integrator('7'), app: stoppedFor(inReviewApp(), PARTNER, 'supplement') },
  ]))('takes a supplement from %s', (_, { app, submittedBy, officer }) => {
    expect(supplementRefusal(app, submittedBy, materials(officer))).toBeUndefined();
  });
});

describe('awaitingSupplement: the reviews whose clock stands still until the applicant supplies material', () => {
  const reviewing = inReviewApp();

  it.each(named([
    { case: 'a review stopped for a supplement', app: stoppedFor(reviewing, PARTNER, 'supplement'), departments: [PARTNER] },
    { case: 'a review stopped for a hearing', app: stoppedFor(reviewing, PARTNER, 'hearing'), departments: [] },
    { case: 'no review stopped', app: reviewing, departments: [] },
    { case: 'an application no longer in review', app: { ...stoppedFor(reviewing, PARTNER, 'supplement'), stage: 'rejected' as const }, departments: [] },
  ]))('with %s', (_, { app, departments }) => {
    expect(awaitingSupplement(app).map((r) => r.department)).toEqual(departments);
  });
});

describe('handIn', () => {
  const at = china('2025-09-23 11:00');
  const supplement: Supplement = { materials: ['场所平面图', '营业执照'], note: '补齐', officer: integrator() };

  it('adds the material to the file, once each, and sends the application back to intake', () => {
    const app = supplementRequestedApp();
    const result = applied(app, (a) => handIn(a, supplement, at));
    expect(result.state).toEqual({
      ...app,
      stage: 'submitted',
      supplements: [{ at, ...supplement }],
      materials: ['申请书', '营业执照', '场所平面图'],
      seq: app.seq + 1,
    });
    expectEvents(result, app, at, [{ type: 'supplement_received', data: { ...supplement } }]);
  });

  it('leaves an application in review in review (its clocks restart in clock-stops.ts)', () => {
    const app = stoppedFor(inReviewApp(), PARTNER, 'supplement');
    const result = applied(app, (a) => handIn(a, supplement, at));
    expect(result.state).toEqual({ ...app, supplements: [{ at, ...supplement }], materials: ['申请书', '营业执照', '场所平面图'], seq: app.seq + 1 });
    expectEvents(result, app, at, [{ type: 'supplement_received', data: { ...supplement } }]);
  });
});

/**
 * Completion (办结) and pickup (取件), workflows/rules/completion.ts: an application every department
 * approved is completed; the lead department's window hands over the result, and the application closes.
 */
import { describe, expect, it } from 'vitest';
import { type Officer, type Pickup, REFUSALS } from '../../workflows/messages.js';
import { complete, pickUp, pickupRefusal } from '../../workflows/rules/completion.js';
import {
  JOINT, LEAD, OTHER_CENTRE, PARTNER, PROMISED, REGIONAL_CENTRE, REPORTED, applied, chiefOf, china, completedApp,
  expectEvents, inReviewApp, inStep, leaderOf, named, refused, supervisor, windowOf, withReview
} from './fixtures.js';

const pickup = (officer: Officer = windowOf(), recipient?: string, more: Partial<Pickup> = {}): Pickup => ({ officer, recipient, ...more });

describe('complete', () => {
  it('completes an application every department approved, as of its decision; it stays open for pickup', () => {
    const decidedAt = china('2025-09-24 15:00');
    const at = china('2025-09-24 15:01');
    const app = withReview(inReviewApp(PROMISED), LEAD, { status: 'approved', decidedAt });
    const result = applied(app, (a) => complete(a, decidedAt, at));
    expect(result.state).toEqual({ ...app, stage: 'completed', completedAt: decidedAt, seq: app.seq + 1 });
    expect(result.state.closedAt).toBeUndefined();
    expectEvents(result, app, at, [{ type: 'completed' }]);
  });
});

describe('pickupRefusal: the lead department’s window hands over the result', () => {
  const app = completedApp();

  it.each(named([
    { case: 'an application not completed yet', app: inReviewApp(PROMISED), pickup: pickup(), type: REFUSALS.wrongStage, part: `Pickup is not possible: application ${PROMISED.applicationNo} is in_review` },
    { case: 'an application already picked up', app: inStep('picked_up', PROMISED), pickup: pickup(), type: REFUSALS.wrongStage, part: 'is picked_up and is closed' },
    { case: 'a supervisor', app, pickup: pickup(supervisor), type: REFUSALS.notAuthorised, part: "does not work at a department's window" },
    { case: "a reviewing department's window", app: completedApp(JOINT), pickup: pickup(windowOf(PARTNER)), type: REFUSALS.notAuthorised, part: 'cannot act for market_regulation' },
    { case: "the lead department's window at another centre", app, pickup: pickup(windowOf(LEAD, OTHER_CENTRE)), type: REFUSALS.notAuthorised, part: 'cannot act at centre 450100' },
    { case: 'the deciding centre of a reported item (上报件), not the accepting one', app: completedApp(REPORTED), pickup: pickup(windowOf(LEAD, REGIONAL_CENTRE)), type: REFUSALS.notAuthorised, part: 'cannot act at centre 450100' },
  ]))('refuses %s', (_, { app, pickup, type, part }) => {
    expect(pickupRefusal(app, pickup)).toEqual(refused(type, part));
  });

  it('reports a wrong stage before authority', () => {
    expect(pickupRefusal(inReviewApp(PROMISED), pickup(supervisor))?.type).toBe(REFUSALS.wrongStage);
  });

  it.each(named([
    { case: 'window officer', officer: windowOf() },
    { case: 'chief representative', officer: chiefOf() },
    { case: 'leader', officer: leaderOf() },
  ]))("lets the lead department's %s hand over the result", (_, { officer }) => {
    expect(pickupRefusal(app, pickup(officer))).toBeUndefined();
  });
});

describe('pickUp', () => {
  const app = completedApp();
  const at = china('2025-09-26 16:00');

  it('closes the application when the result is handed over, naming the recipient', () => {
    const result = applied(app, (a) => pickUp(a, pickup(windowOf(), '李四'), at));
    const handover = { officer: windowOf(), recipient: '李四' };
    expect(result.state).toEqual({ ...app, stage: 'picked_up', pickedUpAt: at, closedAt: at, handover, seq: app.seq + 1 });
    expectEvents(result, app, at, [{ type: 'picked_up', actor: windowOf(), data: { recipient: '李四' } }]);
  });

  it('records that the window checked the identity and which licence it handed over', () => {
    const result = applied(app, (a) => pickUp(a, pickup(windowOf(), '李四', { idChecked: true, licenceNo: '91450100MA5KXXXX13' }), at));
    const details = { recipient: '李四', idChecked: true, licenceNo: '91450100MA5KXXXX13' };
    expect(result.state.handover).toEqual({ officer: windowOf(), ...details });
    expectEvents(result, app, at, [{ type: 'picked_up', actor: windowOf(), data: details }]);
  });

  it('records no data when nothing but the officer is named', () => {
    const { state, events } = applied(app, (a) => pickUp(a, pickup(), at));
    expect(state.handover).toEqual({ officer: windowOf() });
    expect(events).toHaveLength(1);
    expect(events[0].data).toBeUndefined();
  });
});


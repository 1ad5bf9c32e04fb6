/**
 * Intake (受理), workflows/rules/intake.ts: only the lead department's window takes an application in,
 * at the centre it was submitted to; it accepts, refuses with a reason (不予受理), or asks once for
 * every missing material (一次性告知). An immediate item (即办件) is decided on the spot.
 */
import { describe, expect, it } from 'vitest';
import { type IntakeDecision, type Officer, REFUSALS } from '../../workflows/messages.js';
import { intakeRefusal, submitted, takeIn } from '../../workflows/rules/intake.js';
import {
  ACCEPTED, CONSULTED, IMMEDIATE, JOINT, LEAD, OTHER_CENTRE, PARTNER, applied, chiefOf, china, expectEvents, inReviewApp,
  inStep, leaderOf, named, refused, roleless, submittedApp, supervisor, supplementRequestedApp, windowOf
} from './fixtures.js';

const MAJOR_IMMEDIATE = { ...IMMEDIATE, item: { ...IMMEDIATE.item, major: true } };

const accept = (officer: Officer = windowOf(), department = LEAD): IntakeDecision => ({ decision: 'accept', department, officer });
const notAccept = (reason: string, officer: Officer = windowOf()): IntakeDecision => ({ decision: 'not_accept', department: LEAD, officer, reason });
const askFor = (missingMaterials: string[], reason?: string): IntakeDecision => ({
  decision: 'request_supplement',
  department: LEAD,
  officer: windowOf(),
  missingMaterials,
  reason,
});

describe('an application as submitted', () => {
  it('waits for intake at the lead department of the centre it was submitted to, with no one yet responsible', () => {
    expect(submitted(JOINT)).toEqual({
      // What was submitted, and where.
      ...{ applicationNo: JOINT.applicationNo, itemCode: 'restaurant-opening', itemVersion: 3, kind: 'joint', centreCode: '450100' },
      ...{ leadDepartment: LEAD, materials: ['申请书', '营业执照'], submittedAt: JOINT.submittedAt },
      // Waiting for intake: nothing taken in, reviewed, stopped or raised yet.
      ...{ stage: 'submitted', currentStep: 0, stepCount: 2, seq: 1, supervision: 'green', stoppedDays: 0 },
      ...{ intakes: [], supplements: [], reviews: [], alerts: [] },
    });
  });

  it("names the consultation's officer as responsible from the start (首问负责制)", () => {
    expect(submitted(CONSULTED).responsibleOfficer).toEqual(chiefOf());
  });
});

describe('intakeRefusal: only the lead department’s window takes an application in', () => {
  const app = submittedApp();

  it.each(named([
    { case: 'an application no longer waiting for intake', app: inReviewApp(), intake: accept(), type: REFUSALS.wrongStage, part: `Intake is not possible: application ${JOINT.applicationNo} is in_review` },
    { case: 'a closed application, saying it is closed', app: inStep('not_accepted'), intake: accept(), type: REFUSALS.wrongStage, part: 'is not_accepted and is closed' },
    { case: 'intake by a department other than the lead', app, intake: accept(windowOf(PARTNER), PARTNER), type: REFUSALS.notLeadDepartment, part: 'Intake belongs to the lead department market_regulation, not health' },
    { case: 'a supervisor, who does not work at a window', app, intake: accept(supervisor), type: REFUSALS.notAuthorised, part: "does not work at a department's window" },
    { case: 'an officer without a role', app, intake: accept(roleless), type: REFUSALS.notAuthorised, part: "(no role of market_regulation at 450100) does not work at a department's window" },
    { case: "another department's officer acting for the lead", app, intake: accept(windowOf(PARTNER)), type: REFUSALS.notAuthorised, part: 'cannot act for market_regulation' },
    { case: "the lead department's officer of another centre", app, intake: accept(windowOf(LEAD, OTHER_CENTRE)), type: REFUSALS.notAuthorised, part: 'cannot act at centre 450100' },
    { case: 'not accepting (不予受理) without a reason', app, intake: notAccept('  '), type: REFUSALS.missingReason, part: 'Not accepting an application needs a reason' },
    { case: 'a supplement request that lists no missing material (一次性告知)', app, intake: askFor([]), type: REFUSALS.missingReason, part: 'must list every missing material at once' },
  ]))('refuses %s', (_, { app, intake, type, part }) => {
    expect(intakeRefusal(app, JOINT, intake)).toEqual(refused(type, part));
  });

  it.each(named([
    { case: 'a wrong stage, before authority', app: inReviewApp(), intake: accept(supervisor), type: REFUSALS.wrongStage },
    { case: 'a wrong stage, before the lead department', app: inReviewApp(), intake: accept(windowOf(PARTNER), PARTNER), type: REFUSALS.wrongStage },
    { case: 'the lead department, before authority', app, intake: accept(supervisor, PARTNER), type: REFUSALS.notLeadDepartment },
    { case: 'authority, before the missing reason', app, intake: notAccept('', supervisor), type: REFUSALS.notAuthorised },
  ]))('reports %s', (_, { app, intake, type }) => {
    expect(intakeRefusal(app, JOINT, intake)?.type).toBe(type);
  });

  it.each(named([
    { case: "the lead department's window officer accept", app, intake: accept() },
    { case: 'its chief representative accept', app, intake: accept(chiefOf()) },
    { case: 'its leader accept', app, intake: accept(leaderOf()) },
    { case: 'the window refuse with a reason', app, intake: notAccept('经营场所不符合规划用途') },
    { case: 'the window ask for every missing material at once', app, intake: askFor(['场所平面图', '卫生许可证']) },
    { case: 'the window take in again an application whose supplement came', app: { ...supplementRequestedApp(), stage: 'submitted' as const }, intake: accept() },
    // The on-the-spot decision is the intake's: no chief representative or leader is asked for (mayDecide).
    { case: "a window officer accept a major immediate item, which approves it", app: submittedApp(MAJOR_IMMEDIATE), intake: accept() },
  ]))('lets %s', (_, { app, intake }) => {
    expect(intakeRefusal(app, JOINT, intake)).toBeUndefined();
  });
});

describe('intakeRefusal: an application is accepted only with every material the item requires', () => {
  const CHECKED = { ...JOINT, item: { ...JOINT.item, requiredMaterials: ['申请书', '营业执照', '场所平面图', '健康证明'] } };
  const app = submittedApp(CHECKED);

  it('refuses to accept, naming every required material not handed in', () => {
    expect(intakeRefusal(app, CHECKED, accept())).toEqual(refused(REFUSALS.missingMaterials, 'Required materials are missing: 场所平面图、健康证明; ask for all of them at once'));
  });

  it.each(named([
    { case: 'ask for the missing materials at once (一次性告知)', intake: askFor(['场所平面图', '健康证明']), app, input: CHECKED },
    { case: 'refuse with a reason', intake: notAccept('不属于本机关职权范围'), app, input: CHECKED },
    { case: 'accept once the supplement brought them', intake: accept(), app: { ...app, materials: [...app.materials, '场所平面图', '健康证明'] }, input: CHECKED },
    { case: 'accept an application submitted before the check (no checklist in its item)', intake: accept(), app: submittedApp(JOINT), input: JOINT },
  ]))('lets the window %s', (_, { app, input, intake }) => {
    expect(intakeRefusal(app, input, intake)).toBeUndefined();
  });

  it('reports authority before the missing materials', () => {
    expect(intakeRefusal(app, CHECKED, accept(supervisor))?.type).toBe(REFUSALS.notAuthorised);
  });
});

describe('takeIn', () => {
  const app = submittedApp();
  const at = ACCEPTED;

  it('accepts: the application goes to review and the accepting officer answers for it', () => {
    const result = applied(app, (a) => takeIn(a, JOINT, accept(), at));
    expect(result.state).toEqual({
      ...app,
      stage: 'in_review',
      acceptedAt: at,
      responsibleOfficer: windowOf(),
      intakes: [{ decision: 'accept', officer: windowOf(), at }],
      seq: app.seq + 1,
    });
    expectEvents(result, app, at, [{ type: 'intake_accept', actor: windowOf(), data: {} }]);
  });

  it("keeps the consultation's officer responsible when another officer accepts (首问负责制)", () => {
    const { state } = takeIn(submittedApp(CONSULTED), CONSULTED, accept(), at);
    expect(state.responsibleOfficer).toEqual(chiefOf());
  });

  it('does not accept (不予受理): the application closes, the reason recorded', () => {
    const reason = '经营场所不符合规划用途';
    const result = applied(app, (a) => takeIn(a, JOINT, notAccept(reason), at));
    expect(result.state).toEqual({
      ...app,
      stage: 'not_accepted',
      closedAt: at,
      intakes: [{ decision: 'not_accept', officer: windowOf(), at, reason }],
      seq: app.seq + 1,
    });
    expectEvents(result, app, at, [{ type: 'intake_not_accept', actor: windowOf(), data: { reason } }]);
  });

  it('asks for a supplement (补正): the application waits for the applicant, still open', () => {
    const missingMaterials = ['场所平面图', '卫生许可证'];
    const result = applied(app, (a) => takeIn(a, JOINT, askFor(missingMaterials, '材料不全'), at));
    expect(result.state).toEqual({
      ...app,
      stage: 'supplement_requested',
      intakes: [{ decision: 'request_supplement', officer: windowOf(), at, reason: '材料不全', missingMaterials }],
      seq: app.seq + 1,
    });
    expect(result.state.closedAt).toBeUndefined();
    expectEvents(result, app, at, [{ type: 'intake_request_supplement', actor: windowOf(), data: { reason: '材料不全', missingMaterials } }]);
  });

  it('records a second intake after the supplement, after the first', () => {
    const again = { ...supplementRequestedApp(), stage: 'submitted' as const, seq: 3 };
    const { state, events } = applied(again, (a) => takeIn(a, JOINT, accept(), at));
    expect(state.intakes.map((i) => i.decision)).toEqual(['request_supplement', 'accept']);
    expect(events.map((e) => e.seq)).toEqual([4]);
  });

  it('approves an immediate item (即办件) on the spot: accepting it is its decision', () => {
    const immediate = submittedApp(IMMEDIATE);
    const decidedAt = china('2025-09-22 10:05');
    const result = applied(immediate, (a) => takeIn(a, IMMEDIATE, accept(), decidedAt));
    expect(result.state).toMatchObject({ stage: 'in_review', acceptedAt: decidedAt, responsibleOfficer: windowOf() });
    expect(result.state.reviews).toEqual([
      {
        step: 0,
        department: LEAD,
        centreCode: '450100',
        promisedLimitDays: 0,
        status: 'approved',
        openedAt: decidedAt,
        decidedAt,
        decidedBy: windowOf(),
        stops: [],
        stoppedDays: 0,
      },
    ]);
    expectEvents(result, immediate, decidedAt, [
      { type: 'intake_accept', actor: windowOf(), data: {} },
      { type: 'review_approved', step: 0, department: LEAD, actor: windowOf(), data: { onTheSpot: true } },
    ]);
  });
});

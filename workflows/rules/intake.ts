/**
 * Intake (受理), DOMAIN.md: only the lead department's window takes an application in, at the centre
 * it was submitted to. It accepts (the officer becomes responsible unless a consultation's officer
 * already is: 首问负责制), refuses with a reason (不予受理), or asks once for every missing material
 * (一次性告知). It accepts only an application that has every material the item requires. An
 * immediate item (即办件) is decided on the spot: accepting it approves it.
 */
import type { ApplicationInput, ApplicationState, IntakeDecision } from '../messages.js';
import { REFUSALS } from '../messages.js';
import { actsFor } from './authority.js';
import { type Change, type Draft, change, enter } from './change.js';
import { type Refusal, stageRefusal, unauthorised, when } from './refusal.js';
import { oneNoticeRefusal } from './supplement.js';
import { unassessed } from './fees.js';

/** An application as submitted: waiting for intake at the lead department's window. */
export function submitted(input: ApplicationInput): ApplicationState {
  return {
    applicationNo: input.applicationNo,
    itemCode: input.item.code,
    itemVersion: input.item.version,
    kind: input.item.kind,
    centreCode: input.centreCode,
    leadDepartment: input.item.department,
    stage: 'submitted',
    currentStep: 0,
    stepCount: input.steps.length,
    materials: input.materials,
    intakes: [],
    supplements: [],
    reviews: [],
    supervision: 'green',
    alerts: [],
    stoppedDays: 0,
    responsibleOfficer: input.consultation?.officer,
    submittedAt: input.submittedAt,
    ...(input.item.feeSchedule ? { fees: unassessed() } : {}),
    seq: 1,
  };
}

/** The item's required materials that the applicant has not handed in. */
export const missingMaterials = (app: ApplicationState, input: ApplicationInput): string[] =>
  (input.item.requiredMaterials ?? []).filter((material) => !app.materials.includes(material));

export function intakeRefusal(app: ApplicationState, input: ApplicationInput, intake: IntakeDecision): Refusal | undefined {
  const missing = () => missingMaterials(app, input);
  return (
    stageRefusal(app, 'submitted', 'Intake') ??
    when(intake.department !== app.leadDepartment, REFUSALS.notLeadDepartment, `Intake belongs to the lead department ${app.leadDepartment}, not ${intake.department}`) ??
    unauthorised(actsFor(intake.officer, app.leadDepartment, app.centreCode)) ??
    when(intake.decision === 'not_accept' && !intake.reason?.trim(), REFUSALS.missingReason, 'Not accepting an application needs a reason') ??
    (intake.decision === 'request_supplement' ? oneNoticeRefusal(intake.missingMaterials) : undefined) ??
    when(
      intake.decision === 'accept' && missing().length > 0,
      REFUSALS.missingMaterials,
      `Required materials are missing: ${missing().join('、')}; ask for all of them at once (request_supplement, 一次性告知)`,
    )
  );
}

export function takeIn(app: ApplicationState, input: ApplicationInput, intake: IntakeDecision, at: string): Change {
  const details = intakeDetails(intake);
  const intakes = [...app.intakes, { decision: intake.decision, officer: intake.officer, at, ...details }];
  const drafts: Draft[] = [{ type: `intake_${intake.decision}`, actor: intake.officer, data: details }];
  if (intake.decision !== 'accept') {
    return change(app, { intakes, ...enter(intake.decision === 'not_accept' ? 'not_accepted' : 'supplement_requested', at) }, drafts, at);
  }
  const accepted: Partial<ApplicationState> = { intakes, acceptedAt: at, responsibleOfficer: app.responsibleOfficer ?? intake.officer };
  if (app.kind === 'immediate') {
    const [plan] = input.steps[0].reviews;
    accepted.reviews = [
      ...app.reviews,
      { step: 0, ...plan, status: 'approved', openedAt: at, decidedAt: at, decidedBy: intake.officer, stops: [], stoppedDays: 0 },
    ];
    drafts.push({ type: 'review_approved', step: 0, department: plan.department, actor: intake.officer, data: { onTheSpot: true } });
  }
  return change(app, { ...accepted, ...enter('in_review', at) }, drafts, at);
}

function intakeDetails(intake: IntakeDecision): { reason?: string; missingMaterials?: string[] } {
  if (intake.decision === 'not_accept') return { reason: intake.reason };
  if (intake.decision === 'request_supplement') return { reason: intake.reason, missingMaterials: intake.missingMaterials };
  return {};
}

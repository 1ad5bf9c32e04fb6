/**
 * How a rule says no: a refusal names its kind (the API maps each to 409, or 403 for authority) and
 * tells the window why. A rule's check returns the first refusal that applies, or undefined.
 */
import { type ApplicationState, type Stage, CLOSED_STAGES, REFUSALS } from '../messages.js';

export type RefusalType = (typeof REFUSALS)[keyof typeof REFUSALS];
export interface Refusal {
  type: RefusalType;
  message: string;
}

export const refusal = (type: RefusalType, message: string): Refusal => ({ type, message });

/** A refusal when the condition holds. */
export const when = (condition: boolean, type: RefusalType, message: string): Refusal | undefined =>
  condition ? refusal(type, message) : undefined;

/** The authority rules (authority.ts) give the reason an officer may not act. */
export const unauthorised = (problem: string | undefined): Refusal | undefined =>
  problem === undefined ? undefined : refusal(REFUSALS.notAuthorised, problem);

/** Each action belongs to one stage of the application's life. */
export function stageRefusal(app: ApplicationState, stage: Stage, action: string): Refusal | undefined {
  if (app.stage === stage) return undefined;
  const closed = CLOSED_STAGES.includes(app.stage) ? ' and is closed' : '';
  return refusal(REFUSALS.wrongStage, `${action} is not possible: application ${app.applicationNo} is ${app.stage}${closed}`);
}

import { ApplicationFailure } from '@temporalio/workflow';
import { REFUSALS } from './messages.js';

/** A business refusal: the caller of the update hears the reason; nothing is written to history. */
export function refuse(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

/** Refuses an officer without the authority (workflows/authority.ts gives the reason). */
export function authorise(problem: string | undefined): void {
  if (problem) refuse(REFUSALS.notAuthorised, problem);
}

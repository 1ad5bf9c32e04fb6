import { ApplicationFailure } from '@temporalio/workflow';
import type { Refusal } from './rules/refusal.js';

/** A rule's refusal, thrown from an update's validator: the caller hears the reason; nothing is written to history. */
export function refuseIf(refusal: Refusal | undefined): void {
  if (refusal) throw ApplicationFailure.create({ type: refusal.type, message: refusal.message, nonRetryable: true });
}

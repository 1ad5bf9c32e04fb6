import { ApplicationFailure } from '@temporalio/workflow';
import type { Refusal } from './rules/refusal.js';

/** A rule's refusal, thrown from an update's validator: the caller hears the reason; nothing is written to history. */
export function refuseIf(refusal: Refusal | undefined): void {
  if (refusal) throw ApplicationFailure.create({ type: refusal.type, message: refusal.message, nonRetryable: true });
}

/** A follow-up rule's refusal (workflows/rules/follow-ups.ts), thrown from the follow-up's update validator; the API maps its code. */
export function refuseFollowUp(refusal: { code: string; message: string } | undefined): void {
  if (refusal) throw ApplicationFailure.create({ type: refusal.code, message: refusal.message, nonRetryable: true });
}

import { ApplicationFailure } from '@temporalio/workflow';

/** A business refusal: the caller of the update hears the reason; nothing is written to history. */
export function refuse(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

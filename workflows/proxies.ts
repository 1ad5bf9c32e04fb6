/** The workflow's view of the activities: types only, one retry policy. */
import { type ActivityOptions, patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

// The read model must converge whatever happens to the database, so recording retries without end;
// each try is short so that a stuck connection is abandoned and retried.
const options = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} satisfies ActivityOptions;

/**
 * Every activity is a short database call, so applications started since this patch run them as local
 * activities on the worker that runs the workflow: one marker in the history each, instead of a task
 * that the server schedules, hands out and records (BENCHMARKS.md, "Making it fast"). Applications
 * started before it replay with the activities they were recorded with.
 */
export const LOCAL_ACTIVITIES_PATCH = 'local-activities';

type Calls = Pick<Activities, 'recordSubmitted' | 'recordTransition' | 'openReviewTask' | 'calendarSnapshot'>;

/** The activities of one application. Call once, first thing in the workflow. */
export function activities(): Calls {
  if (!patched(LOCAL_ACTIVITIES_PATCH)) return proxyActivities<Activities>(options);
  const local = proxyLocalActivities<Activities>(options);
  // One local activity at a time. Live, concurrent ones resolve in the order they finish, each in its
  // own activation; on replay their markers resolve together, so the coroutines waiting on them would
  // resume in another order and issue their commands in another order: a non-determinism error (the
  // replay test met it). In turn they resolve the same way live and on replay, and the read model gets
  // each application's writes in the order of its events.
  let last: Promise<unknown> = Promise.resolve();
  function inTurn<A extends unknown[], R>(call: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return (...args) => {
      const result = last.then(() => call(...args));
      last = result.catch(() => undefined);
      return result;
    };
  }
  return {
    recordSubmitted: inTurn(local.recordSubmitted),
    recordTransition: inTurn(local.recordTransition),
    openReviewTask: inTurn(local.openReviewTask),
    calendarSnapshot: inTurn(local.calendarSnapshot),
  };
}

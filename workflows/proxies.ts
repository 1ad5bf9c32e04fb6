/** The workflow's view of the activities: types only, one retry policy, and which way each one runs. */
import { type ActivityOptions, CancelledFailure, TemporalFailure, patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

// The read model must converge whatever happens to the database, so recording retries without end;
// each try is short so that a stuck connection is abandoned and retried.
const options = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} satisfies ActivityOptions;

/**
 * Applications started since this patch ran their activities as local activities (BENCHMARKS.md,
 * "Making it fast"); those started before it replay with the activities they were recorded with.
 */
export const LOCAL_ACTIVITIES_PATCH = 'local-activities';

/**
 * Applications started since this patch write the read model only through ordinary activities, whose
 * arguments the server has committed (workflows/recorder.ts); local activities only read (the
 * calendar, the officers) or write what the workflow's committed input alone decides (the submission).
 * Those started before it replay as they were recorded, writing from local activities.
 */
export const COMMITTED_WRITES_PATCH = 'committed-writes';

/**
 * Applications started since this patch give a local activity 2 seconds, far less than the 8 s after
 * which the worker heartbeats a workflow task, and then read through an ordinary activity. A local
 * activity still running across a heartbeat resolves live in an activation of its own, after the
 * events the next task brought; on replay Core resolves it from its marker together with those
 * events, and the coroutines waiting on both resume in another order: a non-determinism error. The
 * fault run met it with PostgreSQL down (tests/slow-local-activity.test.ts).
 */
export const BOUNDED_LOCAL_ACTIVITIES_PATCH = 'bounded-local-activities';
// Core enforces a schedule-to-close timeout on a hanging attempt but not between retries of quick
// failures (with PostgreSQL down it retried for 32 s), so the attempts are bounded too: at most
// 1.5 + 0.25 + 1.5 s.
const boundedLocal = {
  startToCloseTimeout: '1.5 seconds',
  scheduleToCloseTimeout: '2 seconds',
  retry: { initialInterval: '250 milliseconds', maximumAttempts: 2 },
} satisfies ActivityOptions;

/**
 * Applications started since this patch carry its one marker in place of the three above (it implies
 * them: local reads, committed writes, bounded local activities), arm one durable timer for the next
 * alert of any of their clocks instead of one per clock (workflows/clocks.ts, watchAll), and upsert
 * their search attributes once per write (workflows/application-record.ts). Fewer history events per
 * application, the same facts (issue 20, BENCHMARKS.md). Those started before it replay as recorded.
 */
export const LEAN_HISTORY_PATCH = 'lean-history';

/** The fee's calls to the payment platform (workflows/fees.ts): ordinary activities, retried until the platform answers. */
export const feeActivities = () => proxyActivities<Pick<Activities, 'issuePaymentNotice' | 'cancelPaymentNotice' | 'requestPlatformRefund'>>(options);

type Calls = Pick<Activities, 'recordSubmitted' | 'recordTransition' | 'openReviewTask' | 'calendarSnapshot' | 'responsibleOfficers'>;

/** The activities of one application, and whether it writes only what was committed. Call once, first thing in the workflow. */
export function activities(): Calls & { committedWrites: boolean; lean: boolean } {
  // Asked first: an older history has no marker for it, and replays through the patches it recorded.
  const lean = patched(LEAN_HISTORY_PATCH);
  if (!lean && !patched(LOCAL_ACTIVITIES_PATCH)) {
    const { recordSubmitted, recordTransition, openReviewTask, calendarSnapshot, responsibleOfficers } = proxyActivities<Activities>(options);
    return { recordSubmitted, recordTransition, openReviewTask, calendarSnapshot, responsibleOfficers, committedWrites: false, lean };
  }
  const committed = lean || patched(COMMITTED_WRITES_PATCH);
  const bounded = lean || (committed && patched(BOUNDED_LOCAL_ACTIVITIES_PATCH));
  const local = proxyLocalActivities<Activities>(
    bounded ? boundedLocal : options,
  );
  const ordinary = proxyActivities<Activities>(options);
  /** The local activity, or once it has failed (taken too long, or its retries ran out) the ordinary one. */
  function orOrdinary<A extends unknown[], R>(first: (...args: A) => Promise<R>, then: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    if (!bounded) return first;
    return async (...args) => {
      try {
        return await first(...args);
      } catch (err) {
        // Live, a local activity fails as an ActivityFailure; replayed from its marker, as the failure
        // inside it (a TimeoutFailure, an ApplicationFailure). Only a cancellation or a bug goes on up.
        if (!(err instanceof TemporalFailure) || err instanceof CancelledFailure) throw err;
        return then(...args);
      }
    };
  }
  // One local activity at a time. Live, concurrent ones resolve in the order they finish, each in its
  // own activation; on replay their markers resolve together, so the coroutines waiting on them would
  // resume in another order and issue their commands in another order: a non-determinism error (the
  // replay test met it). In turn they resolve the same way live and on replay.
  let last: Promise<unknown> = Promise.resolve();
  function inTurn<A extends unknown[], R>(call: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return (...args) => {
      const result = last.then(() => call(...args));
      last = result.catch(() => undefined);
      return result;
    };
  }
  const reads = {
    recordSubmitted: inTurn(orOrdinary(local.recordSubmitted, ordinary.recordSubmitted)),
    calendarSnapshot: inTurn(orOrdinary(local.calendarSnapshot, ordinary.calendarSnapshot)),
    responsibleOfficers: inTurn(orOrdinary(local.responsibleOfficers, ordinary.responsibleOfficers)),
  };
  if (!committed) {
    return { ...reads, recordTransition: inTurn(local.recordTransition), openReviewTask: inTurn(local.openReviewTask), committedWrites: false, lean };
  }
  return { ...reads, recordTransition: ordinary.recordTransition, openReviewTask: ordinary.openReviewTask, committedWrites: true, lean };
}

/**
 * Bench-only workflows for `npm run bench:reviews` (scripts/bench/reviews.ts): the same domain shape
 * as applicationWorkflow's review fan-out, written twice so that the server's cost per application
 * can be measured for each design. They live outside workflows/ so the production bundle never holds
 * them; like any workflow code they must stay deterministic (no Node APIs, no I/O).
 *
 *   coroutineReviews(k)  one execution: k coroutines, each opens its task, then waits for its decision
 *                        (a `decide` update on the application's workflow).
 *   childReviews(k)      one parent + k `departmentReview` children; each child opens its task and
 *                        waits for its own `decide` update; the parent awaits every child.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  defineUpdate,
  executeChild,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';

export interface BenchActivities {
  /** Stands in for openReviewTask: no database, it only tells the bench the task is open. */
  openTask(input: { applicationId: string; department: string }): Promise<void>;
}

/** A department's decision (always an approval here); the argument names the department. */
export const decideUpdate = defineUpdate<string, [string]>('decide');

/** Refusal types the client may meet; NotOpenYet is retried (the decision came before the workflow saw the task open). */
export const BENCH_REFUSALS = { notOpenYet: 'NotOpenYet', unknown: 'UnknownDepartment', decided: 'AlreadyDecided' } as const;

export function departmentsFor(k: number): string[] {
  return Array.from({ length: k }, (_, i) => `dept-${String(i + 1).padStart(2, '0')}`);
}

/** A review child's id is derived from its application's id, so a window can address it without asking. */
export function reviewWorkflowId(applicationId: string, department: string): string {
  return `${applicationId}/review/${department}`;
}

// Shorter than production's 30 s so that the server's timeout timers (10 s for workflow tasks, the
// default; 10 s here for activities) fire within the bench's settle time and are counted to the
// design that created them. A timer that fires after its task completed costs the same either way.
const { openTask } = proxyActivities<BenchActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

function refuse(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

type Status = 'pending' | 'open' | 'approved';

/** Design (a): every review is a coroutine inside the application's own workflow. */
export async function coroutineReviews(k: number): Promise<string[]> {
  const applicationId = workflowInfo().workflowId;
  const reviews = new Map<string, Status>(departmentsFor(k).map((d) => [d, 'pending']));

  setHandler(
    decideUpdate,
    (department: string) => {
      reviews.set(department, 'approved');
      return department;
    },
    { validator: (department: string) => validateDecision(reviews.get(department), department) },
  );

  await Promise.all(
    [...reviews.keys()].map(async (department) => {
      await openTask({ applicationId, department });
      reviews.set(department, 'open');
      await condition(() => reviews.get(department) === 'approved');
    }),
  );
  await condition(allHandlersFinished);
  return [...reviews.keys()];
}

/** Design (b): every review is a child workflow; the application's workflow awaits them all. */
export async function childReviews(k: number): Promise<string[]> {
  const applicationId = workflowInfo().workflowId;
  return Promise.all(
    departmentsFor(k).map((department) =>
      executeChild(departmentReview, {
        workflowId: reviewWorkflowId(applicationId, department),
        args: [applicationId, department],
      }),
    ),
  );
}

/** One department's review of one application, as a child of childReviews. */
export async function departmentReview(applicationId: string, department: string): Promise<string> {
  let status: Status = 'pending';

  setHandler(
    decideUpdate,
    (decided: string) => {
      status = 'approved';
      return decided;
    },
    { validator: (decided: string) => validateDecision(decided === department ? status : undefined, decided) },
  );

  await openTask({ applicationId, department });
  status = 'open';
  await condition(() => status === 'approved');
  await condition(allHandlersFinished);
  return department;
}

function validateDecision(status: Status | undefined, department: string): void {
  if (status === undefined) refuse(BENCH_REFUSALS.unknown, `Department ${department} does not review this application`);
  if (status === 'pending') refuse(BENCH_REFUSALS.notOpenYet, `The review task of ${department} is not open yet`);
  if (status === 'approved') refuse(BENCH_REFUSALS.decided, `Department ${department} has already decided`);
}

/**
 * The engine's ceiling for `npm run bench` (scripts/bench/throughput.ts): an application's shape and
 * nothing else. It waits for k decisions sent as updates, with no activity and no database.
 */
export async function updatesOnly(k: number): Promise<number> {
  const decided = new Set<string>();
  setHandler(decideUpdate, (department: string) => {
    decided.add(department);
    return department;
  });
  await condition(() => decided.size >= k);
  await condition(allHandlersFinished);
  return decided.size;
}

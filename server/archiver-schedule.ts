/**
 * The history archiver's Temporal Schedule, kept by every worker process as it starts (server/worker.ts,
 * server/start.ts): created if absent, its interval and task queue set to this process's configuration
 * if present. Overlap SKIP: while a sweep runs (or retries through a database outage), none starts beside it.
 */
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { archiveClosedHistories } from '../workflows/archiver.js';

export const ARCHIVER_SCHEDULE_ID = 'onewindow-history-archiver';

export async function ensureArchiverSchedule(client: Client, options: { taskQueue: string; everySeconds: number }): Promise<void> {
  const every = `${options.everySeconds}s`;
  const action = {
    type: 'startWorkflow' as const,
    workflowType: archiveClosedHistories,
    workflowId: ARCHIVER_SCHEDULE_ID,
    taskQueue: options.taskQueue,
    // A sweep stuck for a day (Temporal's visibility down, say) gives way to a fresh one.
    workflowExecutionTimeout: '1 day',
  };
  try {
    await client.schedule.create({
      scheduleId: ARCHIVER_SCHEDULE_ID,
      spec: { intervals: [{ every }] },
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(ARCHIVER_SCHEDULE_ID).update((previous) => ({ ...previous, spec: { intervals: [{ every }] }, action }));
  }
}

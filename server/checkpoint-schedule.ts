/**
 * The audit log's checkpoint Schedule, kept by every worker process as it starts (server/worker.ts,
 * server/start.ts), as the history archiver's is: created if absent, its interval and task queue set to
 * this process's configuration if present. Overlap SKIP: one checkpoint at a time.
 */
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import { signAuditCheckpointWorkflow } from '../workflows/audit-checkpoint.js';

export const CHECKPOINT_SCHEDULE_ID = 'onewindow-audit-checkpoint';

export async function ensureCheckpointSchedule(client: Client, options: { taskQueue: string; everySeconds: number }): Promise<void> {
  const every = `${options.everySeconds}s`;
  const action = {
    type: 'startWorkflow' as const,
    workflowType: signAuditCheckpointWorkflow,
    workflowId: CHECKPOINT_SCHEDULE_ID,
    taskQueue: options.taskQueue,
    workflowExecutionTimeout: '1 hour',
  };
  try {
    await client.schedule.create({
      scheduleId: CHECKPOINT_SCHEDULE_ID,
      spec: { intervals: [{ every }] },
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(CHECKPOINT_SCHEDULE_ID).update((previous) => ({ ...previous, spec: { intervals: [{ every }] }, action }));
  }
}

/**
 * The worker's Temporal Schedules, kept by every worker process as it starts (server/worker.ts,
 * server/start.ts): created if absent, their interval and task queue set to this process's
 * configuration if present. Overlap SKIP: while a run goes on (or retries through a database outage),
 * none starts beside it.
 * - the history archiver (`HISTORY_ARCHIVE_EVERY_SECONDS`): closed applications' histories into the archive;
 * - the audit log's checkpoint (`AUDIT_CHECKPOINT_EVERY_SECONDS`): a signed checkpoint when rows were added;
 * - the fees' reconciliation against the payment platform's statement, every night at 02:00 in China,
 *   where a payment platform is configured.
 */
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Workflow } from '@temporalio/client';
import { signAuditCheckpointWorkflow } from '../workflows/audit-checkpoint.js';
import { archiveClosedHistories } from '../workflows/archiver.js';
import { reconcileFeesWorkflow } from '../workflows/fee-reconciliation.js';
import type { Config } from './config.js';

export const ARCHIVER_SCHEDULE_ID = 'onewindow-history-archiver';
export const CHECKPOINT_SCHEDULE_ID = 'onewindow-audit-checkpoint';
export const RECONCILIATION_SCHEDULE_ID = 'onewindow-fee-reconciliation';

interface Every {
  taskQueue: string;
  everySeconds: number;
}

/** A Schedule that starts `workflowType` every so many seconds, its run given up after `timeout`. */
async function ensureSchedule(client: Client, scheduleId: string, workflowType: Workflow, timeout: string, { taskQueue, everySeconds }: Every): Promise<void> {
  const spec = { intervals: [{ every: `${everySeconds}s` }] };
  const action = { type: 'startWorkflow' as const, workflowType, workflowId: scheduleId, taskQueue, workflowExecutionTimeout: timeout };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP } });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
  }
}

// A sweep stuck for a day (Temporal's visibility down, say) gives way to a fresh one.
export const ensureArchiverSchedule = (client: Client, every: Every) => ensureSchedule(client, ARCHIVER_SCHEDULE_ID, archiveClosedHistories, '1 day', every);
export const ensureCheckpointSchedule = (client: Client, every: Every) => ensureSchedule(client, CHECKPOINT_SCHEDULE_ID, signAuditCheckpointWorkflow, '1 hour', every);

/** The nightly reconciliation of yesterday's fees, at 02:00 in China, when the platform has closed its books. */
export async function ensureReconciliationSchedule(client: Client, taskQueue: string): Promise<void> {
  const spec = { calendars: [{ hour: 2, minute: 0 }], timezone: 'Asia/Shanghai' };
  const action = { type: 'startWorkflow' as const, workflowType: reconcileFeesWorkflow, workflowId: RECONCILIATION_SCHEDULE_ID, taskQueue, workflowExecutionTimeout: '1 day' };
  try {
    await client.schedule.create({ scheduleId: RECONCILIATION_SCHEDULE_ID, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP } });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(RECONCILIATION_SCHEDULE_ID).update((previous) => ({ ...previous, spec, action }));
  }
}

/** All of them, as this process is configured; an interval of 0 seconds keeps none of that one; no payment platform, no reconciliation. */
export async function ensureSchedules(client: Client, config: Config, { payments = config.payments.platformUrl !== undefined } = {}): Promise<void> {
  const { taskQueue } = config.temporal;
  if (payments) await ensureReconciliationSchedule(client, taskQueue);
  if (config.records.archiveEverySeconds > 0) await ensureArchiverSchedule(client, { taskQueue, everySeconds: config.records.archiveEverySeconds });
  if (config.audit.checkpointEverySeconds > 0) await ensureCheckpointSchedule(client, { taskQueue, everySeconds: config.audit.checkpointEverySeconds });
}

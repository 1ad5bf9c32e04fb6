/**
 * A signed checkpoint of the audit log, started by a Temporal Schedule every
 * AUDIT_CHECKPOINT_EVERY_SECONDS (server/schedules.ts). A database outage is retried; a
 * refusal (the log no longer extends the last checkpoint) fails the run at once, naming why.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { CheckpointActivities, CheckpointReport } from '../activities/audit-checkpoint.js';

const { signAuditCheckpoint } = proxyActivities<CheckpointActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', nonRetryableErrorTypes: ['AuditCheckpointRefused'] },
});

export async function signAuditCheckpointWorkflow(): Promise<CheckpointReport> {
  return signAuditCheckpoint();
}

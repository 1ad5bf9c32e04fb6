/**
 * The audit log's checkpoint activity: signs the log's current size and root (db/audit.ts's
 * makeCheckpoint) with this worker's AUDIT_SIGNING_KEY into AUDIT_CHECKPOINT_DIR. Idempotent: with no
 * new rows the latest checkpoint stands. A refusal (the log no longer extends the last checkpoint) is
 * a finding, not a fault: it fails without retrying, and says why, in the workflow's result and the log.
 */
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { CheckpointRefused, makeCheckpoint } from '../db/audit.js';
import type { Db } from '../db/client.js';

export interface CheckpointReport {
  size: number;
  root: string;
  file?: string;
  created: boolean;
}

export function createCheckpointActivities(deps: { db: Db }) {
  return {
    async signAuditCheckpoint(): Promise<CheckpointReport> {
      try {
        const { checkpoint, created } = await makeCheckpoint(deps.db);
        if (created) log.info('audit checkpoint signed', { size: checkpoint.size, file: checkpoint.file });
        return { size: checkpoint.size, root: checkpoint.root.toString('base64'), file: checkpoint.file, created };
      } catch (err) {
        if (!(err instanceof CheckpointRefused)) throw err;
        log.error('audit checkpoint refused', { reason: err.message });
        throw ApplicationFailure.nonRetryable(err.message, 'AuditCheckpointRefused');
      }
    },
  };
}

export type CheckpointActivities = ReturnType<typeof createCheckpointActivities>;

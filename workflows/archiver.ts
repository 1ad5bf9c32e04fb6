/**
 * The history archiver: one sweep of closed application workflows into OneWindow's own store
 * (activities/history-archive.ts). A Temporal Schedule starts it (server/schedules.ts); a sweep
 * that fails (the database down) is retried until it succeeds, and the schedule skips the next ones meanwhile.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { ArchiveActivities, SweepReport } from '../activities/history-archive.js';

const { sweepClosedHistories } = proxyActivities<ArchiveActivities>({
  startToCloseTimeout: '1 hour',
  // The sweep heartbeats after every workflow: a worker that died is noticed within a minute.
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute' },
});

export async function archiveClosedHistories(): Promise<SweepReport> {
  return sweepClosedHistories();
}

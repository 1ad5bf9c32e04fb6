/**
 * The nightly reconciliation of fees against the payment platform's statement, started by a Temporal
 * Schedule (server/schedules.ts). The platform or the database out of reach is retried.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { ReconciliationActivities, ReconciliationReport } from '../activities/fee-reconciliation.js';

const { reconcileFeesDay } = proxyActivities<ReconciliationActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '30 seconds', maximumInterval: '10 minutes' },
});

export async function reconcileFeesWorkflow(day?: string): Promise<ReconciliationReport> {
  return reconcileFeesDay({ day });
}

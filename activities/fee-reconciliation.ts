/**
 * The nightly reconciliation of fees (db/fee-reconciliation.ts) as an activity, started by a Temporal
 * Schedule (server/schedules.ts): yesterday in China unless a day is given. A platform or a database
 * out of reach is retried; what it finds is stored and audited, and changes nothing.
 */
import { log } from '@temporalio/activity';
import type { Db } from '../db/client.js';
import { reconcileFees, yesterdayInChina } from '../db/fee-reconciliation.js';
import type { PaymentPlatform } from './payment-platform.js';

export interface ReconciliationReport {
  day: string;
  statementLines: number;
  recordedLines: number;
  matched: number;
  differences: number;
}

export function createReconciliationActivities(deps: { db: Db; payments?: PaymentPlatform }) {
  return {
    async reconcileFeesDay({ day }: { day?: string } = {}): Promise<ReconciliationReport> {
      if (!deps.payments) throw new Error('no payment platform is configured (PAYMENT_PLATFORM_URL): nothing to reconcile against');
      const row = await reconcileFees(deps.db, deps.payments, day ?? yesterdayInChina());
      const report = { day: row.day, statementLines: row.statementLines, recordedLines: row.recordedLines, matched: row.matched, differences: row.differences.length };
      if (report.differences > 0) log.warn('fee reconciliation found differences', { ...report });
      else log.info('fee reconciliation matched', { ...report });
      return report;
    },
  };
}

export type ReconciliationActivities = ReturnType<typeof createReconciliationActivities>;

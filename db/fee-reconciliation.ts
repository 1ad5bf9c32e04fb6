/**
 * The daily reconciliation (对账) of fees: the payments and refunds OneWindow recorded on a day in
 * China against the payment platform's statement of that day. Every difference is named: paid (or
 * refunded) here but not on the statement, on the statement but not here, or of another amount. It
 * changes no money and no record: it stores what it found (fee_reconciliations) and writes an audit
 * row, and people act on it.
 */
import { and, desc, gte, lt } from 'drizzle-orm';
import type { PaymentPlatform, StatementLine } from '../activities/payment-platform.js';
import { startOfChinaDay, addDays } from '../workflows/rules/working-days.js';
import { appendAudit } from './audit.js';
import type { Db } from './client.js';
import { type FeeDifference, feeNotices, feeReconciliations, feeRefunds } from './schema/index.js';

interface Recorded {
  what: 'payment' | 'refund';
  id: string;
  noticeNo: string;
  applicationNo: string;
  centreCode: string;
  amountFen: number;
}

/** The payments and refunds recorded here that happened on `day` (in China). */
async function recordedOn(db: Db, day: string): Promise<Recorded[]> {
  const from = startOfChinaDay(day);
  const to = startOfChinaDay(addDays(day, 1));
  const payments = await db
    .select({ id: feeNotices.paymentId, noticeNo: feeNotices.noticeNo, applicationNo: feeNotices.applicationNo, centreCode: feeNotices.centreCode, amountFen: feeNotices.amountFen })
    .from(feeNotices)
    .where(and(gte(feeNotices.paidAt, from), lt(feeNotices.paidAt, to)));
  const refunds = await db
    .select({ id: feeRefunds.refundNo, noticeNo: feeRefunds.noticeNo, applicationNo: feeRefunds.applicationNo, centreCode: feeRefunds.centreCode, amountFen: feeRefunds.amountFen })
    .from(feeRefunds)
    .where(and(gte(feeRefunds.refundedAt, from), lt(feeRefunds.refundedAt, to)));
  return [...payments.map((p) => ({ ...p, what: 'payment' as const, id: p.id! })), ...refunds.map((r) => ({ ...r, what: 'refund' as const }))];
}

/** The differences between what was recorded here and the statement's lines, by payment id or refund number. */
export function compare(recorded: Recorded[], statement: StatementLine[]): { matched: number; differences: FeeDifference[] } {
  const key = (what: string, id: string) => `${what}:${id}`;
  const there = new Map(statement.map((line) => [key(line.kind, line.id), line]));
  const differences: FeeDifference[] = [];
  let matched = 0;
  for (const here of recorded) {
    const line = there.get(key(here.what, here.id));
    there.delete(key(here.what, here.id));
    const { what, id, noticeNo, applicationNo, centreCode } = here;
    if (!line) differences.push({ kind: 'here_not_there', what, id, noticeNo, applicationNo, centreCode, hereFen: here.amountFen });
    else if (line.amountFen !== here.amountFen) differences.push({ kind: 'amount_differs', what, id, noticeNo, applicationNo, centreCode, hereFen: here.amountFen, thereFen: line.amountFen });
    else matched += 1;
  }
  for (const line of there.values()) {
    // A notice number begins with its application's, which begins with its centre's code.
    const applicationNo = line.noticeNo.replace(/-F\d+$/, '');
    differences.push({ kind: 'there_not_here', what: line.kind, id: line.id, noticeNo: line.noticeNo, applicationNo, centreCode: applicationNo.slice(0, 6), thereFen: line.amountFen });
  }
  return { matched, differences };
}

export type FeeReconciliation = typeof feeReconciliations.$inferSelect;

/** Reconciles one day; stores and audits the finding. A platform out of reach throws (the caller retries). */
export async function reconcileFees(db: Db, platform: PaymentPlatform, day: string): Promise<FeeReconciliation> {
  const statement = await platform.statement(day);
  const recorded = await recordedOn(db, day);
  const { matched, differences } = compare(recorded, statement);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(feeReconciliations)
      .values({ day, statementLines: statement.length, recordedLines: recorded.length, matched, differences })
      .returning();
    await appendAudit(tx, {
      at: new Date().toISOString(),
      actor: { id: 'fee-reconciliation', kind: 'operator' },
      action: 'RECONCILE fees',
      target: `fees/${day}: ${differences.length} difference(s)`,
      status: differences.length === 0 ? 200 : 409,
      requestId: `fee-reconciliation-${row.id}`,
    });
    return row;
  });
}

/** The latest reconciliations, newest first, each with only the differences at the centre `scope` and below (all when absent). */
export async function listReconciliations(db: Db, options: { limit: number; within?: (centreCode: string) => boolean }) {
  const rows = await db.select().from(feeReconciliations).orderBy(desc(feeReconciliations.day), desc(feeReconciliations.id)).limit(options.limit);
  return rows.map((row) => ({ ...row, differences: options.within ? row.differences.filter((d) => options.within!(d.centreCode)) : row.differences }));
}

/** Yesterday in China: the day a nightly run reconciles. */
export const yesterdayInChina = (now = new Date()) => addDays(new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10), -1);

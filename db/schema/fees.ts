/**
 * Fees (行政事业性收费) in the read model: every payment notice (缴款通知书) of every application, with
 * the payment that settled it, written by the workflow's recorder like the rest of the read model
 * (db/read-model.ts); and the nonces of the payment platform's notifications, which make a replayed
 * notification recognisable (api/routes/payments.ts).
 */
import { bigint, date, index, integer, jsonb, pgTable, serial, text } from 'drizzle-orm/pg-core';
import type { Officer } from '../../workflows/messages.js';
import type { AssessedLine, FeeAdjustment } from '../../workflows/rules/fees.js';
import { createdAt, instant } from './columns.js';
import { applications } from './applications.js';

export const feeNotices = pgTable(
  'fee_notices',
  {
    /** <applicationNo>-F1, -F2 …: a reduction supersedes a notice with the next one. */
    noticeNo: text().primaryKey(),
    applicationNo: text()
      .notNull()
      .references(() => applications.applicationNo),
    centreCode: text().notNull(),
    itemCode: text().notNull(),
    /** The lead department, which assesses and collects. */
    department: text().notNull(),
    /** issued, paid, superseded, waived or cancelled. */
    status: text().notNull(),
    amountFen: bigint({ mode: 'number' }).notNull(),
    /** Before reductions: what the schedule's lines come to. */
    grossFen: bigint({ mode: 'number' }).notNull(),
    lines: jsonb().$type<AssessedLine[]>().notNull(),
    reductions: jsonb().$type<string[]>().notNull(),
    paymentCode: text(),
    assessedBy: jsonb().$type<Officer | 'rule'>().notNull(),
    issuedAt: instant().notNull(),
    dueAt: instant().notNull(),
    /** The leader's waiver or reduction that ended this notice, with the reason. */
    adjustment: jsonb().$type<FeeAdjustment>(),
    paymentId: text(),
    paidAt: instant(),
    /** The electronic receipt (财政电子票据) number the platform gave the payment. */
    receiptNo: text(),
    channel: text(),
    /** The application's transition this row was written at: a late, older write changes nothing. */
    lastSeq: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [index().on(t.applicationNo), index().on(t.centreCode, t.issuedAt), index().on(t.status, t.dueAt)],
);

/** Every refund (退费) of every application, from its request to the platform's report that it was paid back. */
export const feeRefunds = pgTable(
  'fee_refunds',
  {
    /** <noticeNo>-R1, -R2 … */
    refundNo: text().primaryKey(),
    noticeNo: text()
      .notNull()
      .references(() => feeNotices.noticeNo),
    applicationNo: text().notNull(),
    centreCode: text().notNull(),
    itemCode: text().notNull(),
    department: text().notNull(),
    paymentId: text().notNull(),
    amountFen: bigint({ mode: 'number' }).notNull(),
    reason: text().notNull(),
    /** requested, approved, rejected, submitted, refunded or failed. */
    status: text().notNull(),
    requestedBy: jsonb().$type<Officer | 'rule'>().notNull(),
    requestedAt: instant().notNull(),
    decidedBy: jsonb().$type<Officer>(),
    decidedAt: instant(),
    note: text(),
    submittedAt: instant(),
    refundedAt: instant(),
    failure: text(),
    lastSeq: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [index().on(t.applicationNo), index().on(t.centreCode, t.refundedAt)],
);

/** Every nonce a verified notification carried: the same nonce again is a replay. */
export const paymentNonces = pgTable('payment_nonces', {
  nonce: text().primaryKey(),
  receivedAt: createdAt(),
});

/** One difference the reconciliation found between OneWindow's records and the platform's statement. */
export interface FeeDifference {
  /** `here_not_there`: recorded here, not on the statement; `there_not_here`: on the statement, not recorded here; `amount_differs`. */
  kind: 'here_not_there' | 'there_not_here' | 'amount_differs';
  /** A payment or a refund. */
  what: 'payment' | 'refund';
  /** The platform's payment id, or the refund's number. */
  id: string;
  noticeNo: string;
  applicationNo: string;
  centreCode: string;
  hereFen?: number;
  thereFen?: number;
}

/** Every reconciliation (对账) of a day's payments and refunds against the platform's statement: what it found, never what it changed (nothing). */
export const feeReconciliations = pgTable(
  'fee_reconciliations',
  {
    id: serial().primaryKey(),
    /** The day in China whose statement was reconciled. */
    day: date({ mode: 'string' }).notNull(),
    ranAt: createdAt(),
    statementLines: integer().notNull(),
    recordedLines: integer().notNull(),
    matched: integer().notNull(),
    differences: jsonb().$type<FeeDifference[]>().notNull(),
  },
  (t) => [index().on(t.day)],
);

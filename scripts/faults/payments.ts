/**
 * The fault run's payments (issue 21): "nothing lost" holds for the applicants' money too. The payment
 * platform simulator (server/payment-platform.ts) runs inside the run's process, issues the notices the
 * workers and the APIs ask for, and notifies OneWindow of each payment, signed, with a duplicate; it
 * delivers each notification again (signed afresh) until it is answered 2xx. Applicants pay at random
 * moments, and the first notices known before a dependency outage are paid while it lasts, so that
 * notifications reach the API while PostgreSQL or Temporal is down and are answered 503.
 *
 * Afterwards every payment the simulator took must be recorded exactly once: its notice `paid` in
 * fee_notices with its payment id and receipt number, one `fee_paid` event, the workflow's state the
 * same; every notification acknowledged 2xx once, and answered nothing but 200 or 503 before (or
 * nothing at all: a delivery that timed out while a worker was down).
 * An application refused after its fee was paid has the payment refunded (a leader approves the
 * refund the workflow puts up, ./windows.ts): the refund too is recorded once, from the platform's report.
 */
import { randomBytes } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import { PaymentPlatformError } from '../../activities/payment-platform.js';
import type { Db } from '../../db/client.js';
import { events, feeNotices, feeRefunds } from '../../db/schema/index.js';
import { type PaymentPlatformSimulator, startPaymentPlatform } from '../../server/payment-platform.js';
import type { ApplicationState } from '../../workflows/messages.js';
import type { FeeSchedule } from '../../workflows/rules/fees.js';
import type { Expectation, FeeOptions, NoticeToPay } from './windows.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Assessed by the rule at intake: one fixed line, the licence handed over once it is paid. */
export const FAULT_FEE_SCHEDULE: FeeSchedule = {
  assessAt: 'intake',
  assessedBy: 'rule',
  payBeforePickup: true,
  paymentLimitDays: 5,
  reminderDays: 1,
  onOverdue: 'supervise',
  lines: [
    {
      code: 'licence-copy',
      name: '营业执照副本工本费（故障演练）',
      basis: { document: '故障演练用收费依据（不对外）', article: '第一条' },
      standard: { type: 'fixed', amountFen: 2500 },
      payer: '申请人',
      optional: false,
    },
  ],
  reductions: [],
};

/** One payment the simulator took, with the notifications it sends of it (1 + duplicates). */
export interface PaymentMade extends NoticeToPay {
  paymentId: string;
  receiptNo: string;
  notifications: number;
  at: string;
  /** `during <outage>` or `at random`. */
  when: string;
}

interface Outage {
  name: string;
  from: number;
  to?: number;
  /** The payer that waits for it, if one has claimed it. */
  claimed: boolean;
  begun: Promise<void>;
  begin(): void;
}

export interface PaymentsCheck {
  summary: string;
  mismatches: string[];
}

export type Payments = Awaited<ReturnType<typeof openPayments>>;

/**
 * Starts the simulator on loopback (any free port) with a fresh secret, notifying `callbackUrl`; its
 * retries are short (200 ms doubling to 2 s) so that they land within the run.
 */
export async function openPayments(options: {
  callbackUrl: string;
  /** The outages the schedule will cause, in order: a payer may wait for the next unclaimed one. */
  outages: string[];
  /** No payment waits past this moment (ms since the epoch) but for an outage it claimed. */
  payBy: () => number;
  /** How long a payer may wait for an outage. */
  maxWaitMs: number;
  log?: (message: string) => void;
}) {
  const secret = randomBytes(36).toString('base64url'); // 48 characters
  const simulator: PaymentPlatformSimulator = await startPaymentPlatform({
    port: 0,
    host: '127.0.0.1',
    callbackUrl: options.callbackUrl,
    secret,
    retry: { initialMs: 200, maxMs: 2_000 },
  });
  const made: PaymentMade[] = [];
  /** Notices withdrawn before the applicant paid (the application was rejected). */
  const refused: { notice: NoticeToPay; code: string }[] = [];
  const outages: Outage[] = options.outages.map((name) => {
    let begin = () => {};
    const begun = new Promise<void>((r) => (begin = r));
    return { name, from: 0, claimed: false, begun, begin: () => begin() };
  });

  /** When the applicant pays: just after the next outage begins, if it is unclaimed and near; else at a random moment before `payBy`. */
  async function moment(): Promise<string> {
    const next = outages.find((o) => o.from === 0);
    if (next && !next.claimed) {
      next.claimed = true;
      const waited = await Promise.race([next.begun.then(() => true), sleep(options.maxWaitMs).then(() => false)]);
      if (waited) {
        await sleep(Math.random() * 1000);
        return `during the ${next.name} outage`;
      }
      next.claimed = false;
    }
    await sleep(Math.random() * Math.max(1000, options.payBy() - Date.now()));
    return 'at random';
  }

  const fees = (every: number): FeeOptions => ({
    itemCode: `faults-fee-startup-${process.pid}`,
    schedule: FAULT_FEE_SCHEDULE,
    every,
    async pay(notice) {
      const when = await moment();
      try {
        const { paymentId, receiptNo } = await simulator.pay(notice.paymentCode, { duplicates: 1, channel: 'online' });
        made.push({ ...notice, paymentId, receiptNo, notifications: 2, at: new Date().toISOString(), when });
        if (when !== 'at random') options.log?.(`${notice.applicationNo} paid ${when} (payment ${paymentId})`);
        return true;
      } catch (err) {
        // The application was rejected and its notice withdrawn before the applicant paid: nothing is owed.
        if (err instanceof PaymentPlatformError && err.code === 'cancelled') {
          refused.push({ notice, code: err.code });
          return false;
        }
        throw err;
      }
    },
  });

  return {
    simulator,
    env: { platformUrl: simulator.url, callbackSecret: secret },
    fees,
    made,
    refused,
    /** The schedule tells when an outage begins (the dependency is down now) and ends. */
    outageBegins(name: string): () => void {
      const outage = outages.find((o) => o.name === name && o.from === 0) ?? { name, from: 0, claimed: true, begun: Promise.resolve(), begin: () => {} };
      if (!outages.includes(outage)) outages.push(outage);
      outage.from = Date.now();
      outage.begin();
      return () => {
        outage.to = Date.now();
      };
    },
    outages: () => outages.filter((o) => o.from > 0),
    close: () => simulator.close(),
  };
}

/** Statuses of the API's answers to notifications that are part of a fault: retried by the platform. */
const RETRYABLE = new Set<number | 'error'>([503, 'error']);

/**
 * Every payment recorded exactly once, everywhere: the workflow's state, the read model's notice and
 * its one `fee_paid` event; every notification answered 2xx exactly once in the end; every charged
 * application's notices in fee_notices as its workflow holds them; no `fee_paid` without a payment.
 */
export async function checkPayments(options: { client: Client; db: Db; payments: Payments; expectations: Expectation[]; settleMs?: number }): Promise<PaymentsCheck> {
  const { client, db, payments, expectations } = options;
  const { simulator, made } = payments;
  const mismatches: string[] = [];

  // Every notification is answered 2xx in the end (or refused for good, which is a mismatch below).
  for (const deadline = Date.now() + 120_000; simulator.pending() > 0 && Date.now() < deadline; ) await sleep(500);
  if (simulator.pending() > 0) mismatches.push(`payments: ${simulator.pending()} notification(s) never acknowledged by the API`);

  const deliveries = simulator.deliveries.map((d) => {
    const body = JSON.parse(d.body) as { type: 'payment' | 'refund'; paymentId: string; refundNo?: string };
    return { ...d, type: body.type, paymentId: body.paymentId, refundNo: body.refundNo, time: Date.parse(d.at) };
  });
  const acknowledged = (d: (typeof deliveries)[number]) => d.status !== 'error' && d.status >= 200 && d.status < 300;
  const statuses = new Map<string, number>();
  for (const d of deliveries) statuses.set(String(d.status), (statuses.get(String(d.status)) ?? 0) + 1);
  for (const d of deliveries) {
    if (!acknowledged(d) && !RETRYABLE.has(d.status)) {
      mismatches.push(`${d.type} ${d.refundNo ?? d.paymentId}: a notification answered ${d.status} at ${d.at} (only 200, or 503 while a dependency is out of reach, may be)`);
    }
  }
  // Each notification of a payment (it and its duplicate) acknowledged once: the simulator sends the next once the last is.
  for (const payment of made) {
    const count = deliveries.filter((d) => d.type === 'payment' && d.paymentId === payment.paymentId && acknowledged(d)).length;
    if (count !== payment.notifications) mismatches.push(`${payment.applicationNo}: ${count} of the ${payment.notifications} notifications of payment ${payment.paymentId} acknowledged`);
  }
  const refundNumbers = [...new Set(deliveries.filter((d) => d.type === 'refund').map((d) => d.refundNo!))];
  for (const refundNo of refundNumbers) {
    const count = deliveries.filter((d) => d.refundNo === refundNo && acknowledged(d)).length;
    if (count !== 1) mismatches.push(`refund ${refundNo}: its report acknowledged ${count} times`);
  }
  const outages = payments.outages();
  const whileDown = (time: number) => outages.some((o) => time >= o.from && time <= (o.to ?? Number.POSITIVE_INFINITY));
  const down = deliveries.filter((d) => whileDown(d.time));
  // A notice must be known before an outage to be paid during it: the first applicant's is, and it waits for the first outage.
  if (outages.length > 0 && down.length === 0) mismatches.push(`payments: no notification reached the API while ${outages.map((o) => o.name).join(' or ')} was down: the requirement went untested`);

  // What each charged application's workflow holds, against the read model; lag after an outage is waited for.
  const charged = expectations.filter((e) => e.charged).map((e) => e.no);
  const byApplication = new Map(made.map((p) => [p.applicationNo, p]));
  let lost = 0;
  let doubled = 0;
  let refundsRecorded = 0;
  let found: string[] = [];
  for (const deadline = Date.now() + (options.settleMs ?? 60_000); ; ) {
    found = [];
    lost = 0;
    doubled = 0;
    refundsRecorded = 0;
    const notices = charged.length ? await db.select().from(feeNotices).where(inArray(feeNotices.applicationNo, charged)) : [];
    const refundRows = charged.length ? await db.select().from(feeRefunds).where(inArray(feeRefunds.applicationNo, charged)) : [];
    const paidEvents = await db.select({ applicationNo: events.applicationNo, data: events.data }).from(events).where(eq(events.type, 'fee_paid'));
    const refundedEvents = await db.select({ applicationNo: events.applicationNo, data: events.data }).from(events).where(eq(events.type, 'fee_refunded'));
    const runNumbers = new Set(expectations.map((e) => e.no));
    for (const event of paidEvents) {
      if (runNumbers.has(event.applicationNo) && !byApplication.has(event.applicationNo)) found.push(`${event.applicationNo}: a fee_paid event (${String(event.data?.paymentId)}) without a payment`);
    }
    for (const no of charged) {
      const payment = byApplication.get(no);
      const state = await client.workflow
        .getHandle(no)
        .query<ApplicationState>('state')
        .catch(() => undefined);
      const fees = state?.fees;
      if (!fees) {
        found.push(`${no}: its workflow holds no fee`);
        continue;
      }
      const rows = notices.filter((n) => n.applicationNo === no);
      // The read model's notices are the workflow's, one for one.
      const wanted = fees.notices.map((n) => {
        const paid = fees.payments.find((p) => p.noticeNo === n.noticeNo);
        return `${n.noticeNo} ${n.status} ${n.amountFen} ${n.paymentCode ?? '-'} ${paid?.paymentId ?? '-'} ${paid?.receiptNo ?? '-'}`;
      });
      const stored = rows.map((r) => `${r.noticeNo} ${r.status} ${r.amountFen} ${r.paymentCode ?? '-'} ${r.paymentId ?? '-'} ${r.receiptNo ?? '-'}`);
      if (wanted.sort().join('; ') !== stored.sort().join('; ')) found.push(`${no}: fee_notices holds [${stored.join('; ')}], its workflow [${wanted.join('; ')}]`);
      const feePaid = paidEvents.filter((e) => e.applicationNo === no);
      if (payment) {
        const row = rows.find((r) => r.noticeNo === payment.noticeNo);
        const inWorkflow = fees.payments.filter((p) => p.paymentId === payment.paymentId);
        const recorded =
          fees.status === 'paid' &&
          inWorkflow.length >= 1 &&
          row?.status === 'paid' &&
          row.paymentId === payment.paymentId &&
          row.receiptNo === payment.receiptNo &&
          feePaid.some((e) => e.data?.paymentId === payment.paymentId);
        if (!recorded) {
          lost += 1;
          found.push(
            `${no}: payment ${payment.paymentId} of ${payment.noticeNo} not recorded (workflow fee ${fees.status}, ${inWorkflow.length} payment(s); notice ${row?.status ?? 'missing'} ${row?.paymentId ?? ''} ${row?.receiptNo ?? ''}; ${feePaid.length} fee_paid event(s))`,
          );
        }
        if (fees.payments.length > 1 || feePaid.length > 1) {
          doubled += 1;
          found.push(`${no}: payment ${payment.paymentId} recorded more than once (${fees.payments.length} in the workflow, ${feePaid.length} fee_paid events)`);
        }
        // Refused after payment: the whole payment refunded, once, as the platform reported it; handed over: nothing refunded.
        const refunds = fees.refunds ?? [];
        const wantedRefunds = refunds.map((r) => `${r.refundNo} ${r.status} ${r.amountFen} ${r.paymentId}`);
        const storedRefunds = refundRows.filter((r) => r.applicationNo === no).map((r) => `${r.refundNo} ${r.status} ${r.amountFen} ${r.paymentId}`);
        if (wantedRefunds.sort().join('; ') !== storedRefunds.sort().join('; ')) found.push(`${no}: fee_refunds holds [${storedRefunds.join('; ')}], its workflow [${wantedRefunds.join('; ')}]`);
        const reported = refundedEvents.filter((e) => e.applicationNo === no);
        const expectedRefunds = state.stage === 'rejected' ? 1 : 0;
        const done = refunds.filter((r) => r.status === 'refunded' && r.amountFen === payment.amountFen && r.paymentId === payment.paymentId);
        if (refunds.length !== expectedRefunds || done.length !== expectedRefunds || reported.length !== expectedRefunds) {
          found.push(`${no}: ${state.stage}, ${expectedRefunds} refund expected; the workflow has [${wantedRefunds.join('; ')}], ${reported.length} fee_refunded event(s)`);
        } else refundsRecorded += expectedRefunds;
      } else {
        // Not paid: rejected with the notice withdrawn, so nothing is owed (a completed one would wait for its fee).
        if (fees.status !== 'cancelled' || state.stage !== 'rejected') found.push(`${no}: not paid, yet its fee is ${fees.status} and it is ${state.stage}`);
        if (feePaid.length > 0 || fees.payments.length > 0) found.push(`${no}: not paid, yet ${feePaid.length} fee_paid event(s) and ${fees.payments.length} payment(s) in the workflow`);
      }
    }
    if (found.length === 0 || Date.now() > deadline) break;
    await sleep(2000);
  }
  mismatches.push(...found);

  const counts = [...statuses].sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${s === 'error' ? 'no answer' : s}: ${n}`);
  const downStatuses = new Map<string, number>();
  for (const d of down) downStatuses.set(String(d.status), (downStatuses.get(String(d.status)) ?? 0) + 1);
  const summary = [
    `payments: ${made.length} paid, ${deliveries.length} deliveries (${counts.join(', ') || 'none'}), ${lost} lost, ${doubled} doubled`,
    `  while down:        ${down.length} deliveries (${[...downStatuses].map(([s, n]) => `${s === 'error' ? 'no answer' : s}: ${n}`).join(', ') || 'none'}): ${outages.map((o) => `${deliveries.filter((d) => d.time >= o.from && d.time <= (o.to ?? Infinity)).length} during ${o.name} (${Math.round(((o.to ?? Date.now()) - o.from) / 100) / 10} s)`).join(', ') || 'no outage'}`,
    `  refunds:           ${refundNumbers.length} reported by the platform, ${refundsRecorded} recorded once (refused after payment)`,
    `  charged:           ${charged.length} applications: ${made.filter((p) => p.when !== 'at random').map((p) => `1 paid ${p.when}`).join(', ') || 'none paid during an outage'}; ${payments.refused.length} notice(s) withdrawn before payment; ${simulator.pending()} notification(s) pending`,
  ].join('\n');
  return { summary, mismatches };
}

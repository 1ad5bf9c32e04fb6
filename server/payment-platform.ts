/**
 * A local non-tax payment platform (非税收入统一缴费平台) for development and tests (never production). It
 * speaks the real platform's HTTP API (activities/payment-platform.ts is OneWindow's client for it):
 * it issues a payment code for each payment notice (缴款通知书), takes cancellations and refunds, and
 * gives the day's statement. When an applicant pays (`pay()`, or `POST /sim/pay` from a script), it
 * tells OneWindow as the real one does: a signed callback (api/payment-signature.ts), delivered until
 * OneWindow acknowledges it with a 2xx, each attempt signed afresh.
 *
 * Everything is kept in memory and lost when it stops, except payment codes: they come from the
 * notice number, so a notice issued again after a restart has the code the applicant was given.
 *
 * Run alone: PAYMENT_CALLBACK_SECRET=… tsx server/payment-platform.ts --port 7390 --callback <url>
 */
import { createHash, randomInt } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { type IssuedNotice, type NoticeRequest, PaymentPlatformError, type RefundRequest, type StatementLine } from '../activities/payment-platform.js';
import { chinaDate } from '../workflows/rules/working-days.js';
import { paymentHeaders } from '../api/payment-signature.js';

export interface PaymentPlatformSimulator {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /**
   * The applicant pays the notice behind this payment code: the platform records it and notifies
   * OneWindow. `amountFen` other than the notice's simulates a mismatch; `duplicates` sends the same
   * notification again that many times; `delayMs` holds back its first delivery, so a later payment
   * can reach OneWindow first. Refused (PaymentPlatformError) for an unknown, paid or cancelled notice.
   */
  pay(
    paymentCode: string,
    options?: { amountFen?: number; duplicates?: number; delayMs?: number; channel?: PaymentChannel },
  ): Promise<{ paymentId: string; receiptNo: string }>;
  /** Notifications not yet acknowledged with a 2xx, nor rejected for good. */
  pending(): number;
  /** Every delivery sent, in order, with the status OneWindow answered. */
  deliveries: { body: string; headers: Record<string, string>; status: number | 'error'; at: string }[];
  close(): Promise<void>;
}

/** Where the applicant paid: at a centre's counter, online, or at a bank. */
export type PaymentChannel = 'counter' | 'online' | 'bank';

/** Answers that say the notification itself is wrong: sending it again would not change them. */
const REJECTED = new Set([400, 401, 403, 422]);
const DELIVERY_TIMEOUT_MS = 10_000;
const BODY_LIMIT = 64 * 1024;

const id = z.string().min(1).max(64);
const fen = z.number().int().positive();
const noticeSchema = z
  .object({
    noticeNo: id,
    applicationNo: id,
    payer: z.object({ name: z.string().min(1).max(100), idNumber: id }),
    amountFen: fen,
    lines: z.array(z.object({ code: id, name: z.string().min(1).max(200), amountFen: fen })).min(1).max(50),
    dueAt: z.iso.datetime({ offset: true }),
  })
  .refine((n) => n.lines.reduce((sum, line) => sum + line.amountFen, 0) === n.amountFen, { message: 'amountFen is not the sum of the lines' });
const refundSchema = z.object({ refundNo: id, noticeNo: id, paymentId: id, amountFen: fen, reason: z.string().min(1).max(200) });
const channel = z.enum(['counter', 'online', 'bank']);
const paySchema = z.object({
  paymentCode: id,
  amountFen: fen.optional(),
  duplicates: z.number().int().min(0).max(10).optional(),
  delayMs: z.number().int().min(0).max(60_000).optional(),
  channel: channel.optional(),
});

interface Notice extends IssuedNotice {
  state: 'open' | 'paid' | 'cancelled';
}
interface Payment {
  paymentId: string;
  noticeNo: string;
  paymentCode: string;
  amountFen: number;
  paidAt: string;
  receiptNo: string;
  channel: PaymentChannel;
  refundedFen: number;
}
interface Refund extends RefundRequest {
  paymentCode: string;
  refundedAt: string;
}

const refused = (status: number, code: string, message: string) => new PaymentPlatformError(status, code, message);

export async function startPaymentPlatform(options: {
  /** 0: any free port. */
  port?: number;
  host?: string;
  callbackUrl: string;
  secret: string;
  retry?: { initialMs?: number; maxMs?: number };
  /** Where `GET /statements/:date` also writes statement-<date>.csv. */
  statementDir?: string;
}): Promise<PaymentPlatformSimulator> {
  const notices = new Map<string, Notice>();
  const byCode = new Map<string, Notice>();
  const payments = new Map<string, Payment>();
  const refunds = new Map<string, Refund>();
  const deliveries: PaymentPlatformSimulator['deliveries'] = [];
  const initialMs = options.retry?.initialMs ?? 200;
  const maxMs = options.retry?.maxMs ?? 5_000;
  // Aborted by close(): stops the waits between attempts and the request in flight.
  const stopping = new AbortController();

  function issue(request: NoticeRequest) {
    const known = notices.get(request.noticeNo);
    if (known && known.amountFen !== request.amountFen) {
      throw refused(409, 'notice_conflict', `notice ${request.noticeNo} was issued for ${known.amountFen} fen, not ${request.amountFen}`);
    }
    if (known) return { status: 200, body: issued(known) };
    const notice: Notice = { noticeNo: request.noticeNo, paymentCode: paymentCodeFor(request.noticeNo, byCode), amountFen: request.amountFen, issuedAt: new Date().toISOString(), state: 'open' };
    notices.set(notice.noticeNo, notice);
    byCode.set(notice.paymentCode, notice);
    return { status: 201, body: issued(notice) };
  }

  function cancel(noticeNo: string) {
    const notice = notices.get(noticeNo);
    if (!notice) throw refused(404, 'not_found', `no notice ${noticeNo}`);
    if (notice.state === 'paid') throw refused(409, 'already_paid', `notice ${noticeNo} is paid: refund it instead`);
    notice.state = 'cancelled';
    return { status: 200, body: { noticeNo, status: 'cancelled' } };
  }

  async function pay(paymentCode: string, how: { amountFen?: number; duplicates?: number; delayMs?: number; channel?: PaymentChannel } = {}) {
    const notice = byCode.get(paymentCode);
    if (!notice) throw refused(404, 'not_found', `no notice has payment code ${paymentCode}`);
    // A notice is paid once: the platform refuses a second payment rather than refunding it later.
    if (notice.state === 'paid') throw refused(409, 'already_paid', `notice ${notice.noticeNo} is already paid`);
    if (notice.state === 'cancelled') throw refused(409, 'cancelled', `notice ${notice.noticeNo} was cancelled`);
    const payment: Payment = {
      paymentId: uniqueNumber('P', 20),
      noticeNo: notice.noticeNo,
      paymentCode,
      amountFen: how.amountFen ?? notice.amountFen,
      paidAt: new Date().toISOString(),
      receiptNo: uniqueNumber('45', 18),
      channel: how.channel ?? 'online',
      refundedFen: 0,
    };
    notice.state = 'paid';
    payments.set(payment.paymentId, payment);
    const { refundedFen: _, ...fields } = payment;
    const body = JSON.stringify({ type: 'payment', ...fields });
    for (let i = 0; i <= (how.duplicates ?? 0); i++) notify(payment.paymentId, body, i === 0 ? (how.delayMs ?? 0) : 0);
    return { paymentId: payment.paymentId, receiptNo: payment.receiptNo };
  }

  function refund(request: RefundRequest) {
    const accepted = { status: 202, body: { refundNo: request.refundNo, status: 'accepted' } };
    const known = refunds.get(request.refundNo);
    if (known && (known.paymentId !== request.paymentId || known.noticeNo !== request.noticeNo || known.amountFen !== request.amountFen)) {
      throw refused(409, 'refund_conflict', `refund ${request.refundNo} was asked for ${known.amountFen} fen of payment ${known.paymentId}`);
    }
    if (known) return accepted;
    const payment = payments.get(request.paymentId);
    if (!payment) throw refused(409, 'unknown_payment', `no payment ${request.paymentId}`);
    if (payment.noticeNo !== request.noticeNo) throw refused(409, 'payment_mismatch', `payment ${payment.paymentId} paid notice ${payment.noticeNo}, not ${request.noticeNo}`);
    if (payment.refundedFen + request.amountFen > payment.amountFen) {
      throw refused(409, 'refund_exceeds', `payment ${payment.paymentId} of ${payment.amountFen} fen has ${payment.amountFen - payment.refundedFen} fen left to refund`);
    }
    payment.refundedFen += request.amountFen;
    const done: Refund = { ...request, paymentCode: payment.paymentCode, refundedAt: new Date().toISOString() };
    refunds.set(done.refundNo, done);
    const { refundNo, paymentId, noticeNo, amountFen, refundedAt } = done;
    // Queued behind the payment's own notifications: OneWindow never hears of a refund first.
    notify(paymentId, JSON.stringify({ type: 'refund', refundNo, paymentId, noticeNo, amountFen, refundedAt }), 0);
    return accepted;
  }

  async function statement(date: string) {
    if (!z.iso.date().safeParse(date).success) throw refused(400, 'invalid', `${date} is not a date (YYYY-MM-DD)`);
    const lines: StatementLine[] = [
      ...[...payments.values()].map((p): StatementLine => ({ kind: 'payment', id: p.paymentId, noticeNo: p.noticeNo, paymentCode: p.paymentCode, amountFen: p.amountFen, at: p.paidAt, receiptNo: p.receiptNo })),
      ...[...refunds.values()].map((r): StatementLine => ({ kind: 'refund', id: r.refundNo, noticeNo: r.noticeNo, paymentCode: r.paymentCode, amountFen: r.amountFen, at: r.refundedAt })),
    ]
      // The platform closes its books by the day in China, as the region's treasury does.
      .filter((line) => chinaDate(line.at) === date)
      .sort((a, b) => a.at.localeCompare(b.at));
    if (options.statementDir) {
      await mkdir(options.statementDir, { recursive: true });
      const columns = ['kind', 'id', 'noticeNo', 'paymentCode', 'amountFen', 'at', 'receiptNo'];
      await writeFile(path.join(options.statementDir, `statement-${date}.csv`), stringify(lines, { header: true, columns }));
    }
    return { status: 200, body: { date, lines } };
  }

  // Notifications of one payment (its duplicates, its refunds) go out one after another, each once
  // the one before was acknowledged or rejected; those of different payments do not wait for each other.
  const queues = new Map<string, Promise<void>>();
  let unacknowledged = 0;
  function notify(paymentId: string, body: string, delayMs: number) {
    unacknowledged++;
    const next = (queues.get(paymentId) ?? Promise.resolve())
      .then(async () => {
        await wait(delayMs);
        await deliver(body);
      })
      .finally(() => {
        unacknowledged--;
        if (queues.get(paymentId) === next) queues.delete(paymentId);
      });
    queues.set(paymentId, next);
  }

  async function deliver(body: string): Promise<void> {
    for (let backoff = initialMs; !stopping.signal.aborted; backoff = Math.min(backoff * 2, maxMs)) {
      const headers = { 'content-type': 'application/json', ...paymentHeaders(options.secret, body) };
      const at = new Date().toISOString();
      const status = await post(body, headers);
      deliveries.push({ body, headers, status, at });
      if (status !== 'error' && ((status >= 200 && status < 300) || REJECTED.has(status))) return;
      await wait(backoff);
    }
  }

  async function post(body: string, headers: Record<string, string>): Promise<number | 'error'> {
    try {
      const signal = AbortSignal.any([stopping.signal, AbortSignal.timeout(DELIVERY_TIMEOUT_MS)]);
      const response = await fetch(options.callbackUrl, { method: 'POST', headers, body, signal });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 'error';
    }
  }

  const wait = (ms: number) => (ms > 0 ? pause(ms, undefined, { signal: stopping.signal }).catch(() => {}) : Promise.resolve());

  async function route(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const { pathname } = new URL(req.url ?? '/', 'http://platform.invalid');
    const posted = req.method === 'POST';
    const cancelled = pathname.match(/^\/notices\/([^/]+)\/cancel$/);
    const day = pathname.match(/^\/statements\/([^/]+)$/);
    if (posted && pathname === '/notices') return issue(parse(noticeSchema, await readJson(req)));
    if (posted && cancelled) return cancel(decode(cancelled[1]));
    if (posted && pathname === '/refunds') return refund(parse(refundSchema, await readJson(req)));
    if (req.method === 'GET' && day) return statement(decode(day[1]));
    if (posted && pathname === '/sim/pay') {
      const { paymentCode, ...how } = parse(paySchema, await readJson(req));
      return { status: 201, body: await pay(paymentCode, how) };
    }
    throw refused(404, 'not_found', `no route ${req.method} ${pathname}`);
  }

  const server = createServer((req, res) => {
    const answer = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    route(req).then(
      ({ status, body }) => answer(status, body),
      (err: unknown) => {
        if (err instanceof PaymentPlatformError) return answer(err.status, { error: { code: err.code, message: err.message } });
        console.error('payment platform simulator:', err);
        answer(500, { error: { code: 'internal', message: 'the simulator failed; see its log' } });
      },
    );
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    pay,
    pending: () => unacknowledged,
    deliveries,
    async close() {
      stopping.abort();
      await Promise.allSettled(queues.values());
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

const issued = ({ noticeNo, paymentCode, amountFen, issuedAt }: Notice): IssuedNotice => ({ noticeNo, paymentCode, amountFen, issuedAt });

/** 20 digits from the notice number; another notice's code, however unlikely, moves it on to the next try. */
function paymentCodeFor(noticeNo: string, taken: Map<string, unknown>): string {
  for (let attempt = 0; ; attempt++) {
    const digest = createHash('sha256').update(`${noticeNo}#${attempt}`).digest('hex');
    const code = (BigInt(`0x${digest}`) % 10n ** 20n).toString().padStart(20, '0');
    if (!taken.has(code)) return code;
  }
}

// Random, not a sequence: the tests' processes share one database, where a restarted simulator's
// P00000001 would meet another's.
const numbersGiven = new Set<string>();
function uniqueNumber(prefix: string, digits: number): string {
  for (;;) {
    const number = prefix + Array.from({ length: digits }, () => randomInt(10)).join('');
    if (numbersGiven.has(number)) continue;
    numbersGiven.add(number);
    return number;
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw refused(400, 'invalid', result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw refused(400, 'invalid', `malformed path segment ${segment}`);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > BODY_LIMIT) throw refused(413, 'too_large', `bodies are limited to ${BODY_LIMIT} bytes`);
  }
  try {
    return JSON.parse(body);
  } catch {
    throw refused(400, 'invalid', 'the body is not JSON');
  }
}

// Run alone (`tsx server/payment-platform.ts …`) it starts and prints its URL.
if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '7390' }, host: { type: 'string', default: '127.0.0.1' }, callback: { type: 'string' }, 'statement-dir': { type: 'string' } },
  });
  const secret = process.env.PAYMENT_CALLBACK_SECRET;
  const port = Number(values.port);
  if (!secret || !values.callback || !Number.isInteger(port)) {
    console.error('usage: PAYMENT_CALLBACK_SECRET=<secret> tsx server/payment-platform.ts --callback <url> [--port 7390] [--host 127.0.0.1] [--statement-dir <dir>]');
    process.exit(2);
  }
  const platform = await startPaymentPlatform({ port, host: values.host, callbackUrl: values.callback, secret, statementDir: values['statement-dir'] });
  console.log(`payment platform simulator at ${platform.url}, notifying ${values.callback}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void platform.close().then(() => process.exit(0)));
}

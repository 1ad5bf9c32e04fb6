/**
 * The local payment platform (server/payment-platform.ts) through OneWindow's client for it
 * (activities/payment-platform.ts), over real HTTP on loopback: notices, payments, cancellations,
 * refunds and statements, and the signed notifications it sends to a receiver standing in for
 * OneWindow, which checks every signature and can be told to refuse a notice's notifications for a while.
 */
import { chinaDate } from '../workflows/rules/working-days.js';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NoticeRequest, type PaymentPlatform, PaymentPlatformError, paymentPlatformClient } from '../activities/payment-platform.js';
import { PAYMENT_HEADERS, type SignatureCheck, verifyPayment } from '../api/payment-signature.js';
import { type PaymentPlatformSimulator, startPaymentPlatform } from '../server/payment-platform.js';

const SECRET = 'payment-platform-test-secret';

interface Received {
  body: string;
  notification: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  check: SignatureCheck;
  status: number;
}

/** OneWindow's side, reduced to checking the signature and answering. */
async function startReceiver() {
  const received: Received[] = [];
  const refusals = new Map<string, { times: number; status: number }>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const check = verifyPayment(SECRET, req.headers, body);
      const notification = JSON.parse(body) as Record<string, unknown>;
      const refusal = refusals.get(String(notification.noticeNo));
      let status = check.ok ? 200 : 401;
      if (refusal && refusal.times > 0) {
        refusal.times--;
        status = refusal.status;
      }
      received.push({ body, notification, headers: req.headers, check, status });
      res.writeHead(status).end();
    });
  });
  const url = await listen(server);
  return {
    url,
    /** What reached OneWindow about this notice, in order of arrival. */
    of: (noticeNo: string) => received.filter((r) => r.notification.noticeNo === noticeNo),
    /** Answers the next `times` notifications of this notice with `status`. */
    refuse: (noticeNo: string, times: number, status: number) => refusals.set(noticeNo, { times, status }),
    close: () => close(server),
  };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A notice of this test's own: 50 yuan of certificate fee and 30 of examination fee. */
function notice(overrides: Partial<NoticeRequest> = {}): NoticeRequest {
  const noticeNo = `N-${randomUUID()}`;
  return {
    noticeNo,
    applicationNo: `A-${noticeNo}`,
    payer: { name: '韦秀兰', idNumber: '450103199001011234' },
    amountFen: 8000,
    lines: [
      { code: '103040101', name: '证书工本费', amountFen: 5000 },
      { code: '103040102', name: '考试费', amountFen: 3000 },
    ],
    dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    ...overrides,
  };
}

async function send(method: string, url: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const refusal = (status: number, code: string) => expect.objectContaining({ name: 'PaymentPlatformError', status, code });

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let platform: PaymentPlatformSimulator;
let client: PaymentPlatform;
let statementDir: string;

beforeAll(async () => {
  receiver = await startReceiver();
  statementDir = mkdtempSync(path.join(tmpdir(), 'onewindow-statements-'));
  platform = await startPaymentPlatform({ port: 0, callbackUrl: receiver.url, secret: SECRET, retry: { initialMs: 20, maxMs: 100 }, statementDir });
  client = paymentPlatformClient({ url: platform.url, timeoutMs: 2_000 });
});

afterAll(async () => {
  await platform?.close();
  await receiver?.close();
  if (statementDir) rmSync(statementDir, { recursive: true, force: true });
});

/** Issues a notice and pays it, once OneWindow has the payment's notification. */
async function paid(request = notice()) {
  const issued = await client.issueNotice(request);
  const payment = await platform.pay(issued.paymentCode);
  await expect.poll(() => receiver.of(request.noticeNo).filter((r) => r.status === 200).length).toBe(1);
  return { request, issued, payment, notification: receiver.of(request.noticeNo)[0].notification };
}

describe('notices', () => {
  it('issues a 20-digit payment code once per notice number, and refuses the same number for another amount', async () => {
    const request = notice();
    const first = await send('POST', `${platform.url}/notices`, request);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ noticeNo: request.noticeNo, paymentCode: expect.stringMatching(/^\d{20}$/), amountFen: 8000, issuedAt: expect.any(String) });

    const again = await send('POST', `${platform.url}/notices`, request);
    expect(again).toEqual({ status: 200, body: first.body });
    await expect(client.issueNotice(request)).resolves.toEqual(first.body);

    const dearer = { ...request, amountFen: 9000, lines: [{ code: '103040101', name: '证书工本费', amountFen: 9000 }] };
    await expect(client.issueNotice(dearer)).rejects.toEqual(refusal(409, 'notice_conflict'));
    const other = await client.issueNotice(notice());
    expect(other.paymentCode).not.toBe(first.body.paymentCode);
  });

  it('refuses a malformed notice with 400 invalid', async () => {
    const unbalanced = await send('POST', `${platform.url}/notices`, notice({ amountFen: 7999 }));
    expect(unbalanced).toEqual({ status: 400, body: { error: { code: 'invalid', message: expect.stringContaining('sum of the lines') } } });
    await expect(client.issueNotice({ ...notice(), dueAt: 'next week' })).rejects.toEqual(refusal(400, 'invalid'));
    const error = await client.issueNotice({ ...notice(), lines: [] }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(PaymentPlatformError);
  });

  it('cancels an unpaid notice, which then cannot be paid; a paid notice cannot be cancelled', async () => {
    const open = await client.issueNotice(notice());
    await client.cancelNotice(open.noticeNo);
    await client.cancelNotice(open.noticeNo);
    const payment = await send('POST', `${platform.url}/sim/pay`, { paymentCode: open.paymentCode });
    expect(payment).toEqual({ status: 409, body: { error: { code: 'cancelled', message: expect.any(String) } } });

    const { request } = await paid();
    await expect(client.cancelNotice(request.noticeNo)).rejects.toEqual(refusal(409, 'already_paid'));
    await expect(client.cancelNotice(`N-${randomUUID()}`)).rejects.toEqual(refusal(404, 'not_found'));
  });
});

describe('payments', () => {
  it('tells OneWindow of a payment with a signed notification', async () => {
    const request = notice();
    const issued = await client.issueNotice(request);
    const { paymentId, receiptNo } = await platform.pay(issued.paymentCode, { channel: 'counter' });
    expect(paymentId).toMatch(/^P\d{20}$/);
    expect(receiptNo).toMatch(/^45\d{18}$/);

    await expect.poll(() => receiver.of(request.noticeNo).length).toBe(1);
    const [delivery] = receiver.of(request.noticeNo);
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.check).toEqual({ ok: true, timestamp: expect.any(Number), nonce: delivery.headers[PAYMENT_HEADERS.nonce] });
    expect(JSON.parse(delivery.body)).toEqual({
      type: 'payment',
      paymentId,
      noticeNo: request.noticeNo,
      paymentCode: issued.paymentCode,
      amountFen: 8000,
      paidAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      receiptNo,
      channel: 'counter',
    });
    // The signature covers the body: the same headers do not pass another amount off.
    expect(verifyPayment(SECRET, delivery.headers, delivery.body.replace('"amountFen":8000', '"amountFen":1')).ok).toBe(false);
    await expect.poll(() => platform.pending()).toBe(0);
  });

  it('pays a different amount than the notice asks when told to (a mismatch for OneWindow to catch)', async () => {
    const request = notice();
    const issued = await client.issueNotice(request);
    await platform.pay(issued.paymentCode, { amountFen: 7000 });
    await expect.poll(() => receiver.of(request.noticeNo).map((r) => r.notification.amountFen)).toEqual([7000]);
  });

  it('delivers duplicates of a notification, each signed with a new nonce', async () => {
    const request = notice();
    const issued = await client.issueNotice(request);
    const { paymentId } = await platform.pay(issued.paymentCode, { duplicates: 2 });
    await expect.poll(() => receiver.of(request.noticeNo).length).toBe(3);
    const deliveries = receiver.of(request.noticeNo);
    expect(deliveries.every((d) => d.check.ok && d.notification.paymentId === paymentId)).toBe(true);
    expect(new Set(deliveries.map((d) => d.body)).size).toBe(1);
    expect(new Set(deliveries.map((d) => d.headers[PAYMENT_HEADERS.nonce])).size).toBe(3);
    expect(platform.deliveries.filter((d) => d.body === deliveries[0].body).map((d) => d.status)).toEqual([200, 200, 200]);
  });

  it('retries a notification until OneWindow acknowledges it, signing every attempt afresh', async () => {
    const request = notice();
    receiver.refuse(request.noticeNo, 2, 503);
    const issued = await client.issueNotice(request);
    await platform.pay(issued.paymentCode);
    expect(platform.pending()).toBeGreaterThan(0);

    await expect.poll(() => receiver.of(request.noticeNo).map((r) => r.status)).toEqual([503, 503, 200]);
    const attempts = receiver.of(request.noticeNo);
    expect(attempts.every((a) => a.check.ok)).toBe(true);
    expect(new Set(attempts.map((a) => a.headers[PAYMENT_HEADERS.nonce])).size).toBe(3);
    expect(platform.deliveries.filter((d) => d.body === attempts[0].body).map((d) => d.status)).toEqual([503, 503, 200]);
    await expect.poll(() => platform.pending()).toBe(0);
  });

  it('does not retry a notification OneWindow rejects as malformed', async () => {
    const request = notice();
    receiver.refuse(request.noticeNo, 5, 400);
    const issued = await client.issueNotice(request);
    await platform.pay(issued.paymentCode);
    await expect.poll(() => receiver.of(request.noticeNo).length).toBe(1);
    await sleep(200); // ten backoffs' worth: a retry would have come by now
    expect(receiver.of(request.noticeNo).map((r) => r.status)).toEqual([400]);
    expect(platform.pending()).toBe(0);
  });

  it('lets a later payment reach OneWindow before an earlier, delayed one', async () => {
    const [early, late] = [notice(), notice()];
    const earlyCode = (await client.issueNotice(early)).paymentCode;
    const lateCode = (await client.issueNotice(late)).paymentCode;
    await platform.pay(earlyCode, { delayMs: 300 });
    await platform.pay(lateCode);
    const arrival = (noticeNo: string) => platform.deliveries.findIndex((d) => d.body.includes(noticeNo));
    // The platform records a delivery once its answer is back, a moment after the receiver has it.
    await expect.poll(() => arrival(early.noticeNo)).toBeGreaterThanOrEqual(0);
    expect(receiver.of(early.noticeNo)).toHaveLength(1);
    expect(arrival(late.noticeNo)).toBeLessThan(arrival(early.noticeNo));
    const paidAt = (r: { noticeNo: string }) => String(receiver.of(r.noticeNo)[0].notification.paidAt);
    expect(paidAt(early) <= paidAt(late)).toBe(true);
  });

  it('takes one payment per notice, in process and over HTTP', async () => {
    const { issued } = await paid();
    await expect(platform.pay(issued.paymentCode)).rejects.toEqual(refusal(409, 'already_paid'));
    const again = await send('POST', `${platform.url}/sim/pay`, { paymentCode: issued.paymentCode });
    expect(again).toEqual({ status: 409, body: { error: { code: 'already_paid', message: expect.any(String) } } });
    const unknown = await send('POST', `${platform.url}/sim/pay`, { paymentCode: '00000000000000000000' });
    expect(unknown.status).toBe(404);
  });

  it('takes a payment over HTTP, as a script would', async () => {
    const request = notice();
    const issued = await client.issueNotice(request);
    const answer = await send('POST', `${platform.url}/sim/pay`, { paymentCode: issued.paymentCode, channel: 'bank' });
    expect(answer).toEqual({ status: 201, body: { paymentId: expect.stringMatching(/^P\d{20}$/), receiptNo: expect.stringMatching(/^45\d{18}$/) } });
    await expect.poll(() => receiver.of(request.noticeNo).map((r) => [r.notification.paymentId, r.notification.channel])).toEqual([[answer.body.paymentId, 'bank']]);
  });

  it('stops retrying when closed', async () => {
    const closing = await startPaymentPlatform({ callbackUrl: receiver.url, secret: SECRET, retry: { initialMs: 20, maxMs: 20 } });
    const request = notice();
    receiver.refuse(request.noticeNo, 1_000, 503);
    const issued = await paymentPlatformClient({ url: closing.url }).issueNotice(request);
    await closing.pay(issued.paymentCode);
    await expect.poll(() => receiver.of(request.noticeNo).length).toBeGreaterThanOrEqual(2);
    await closing.close();
    // A request already on the wire when it closed may still reach the receiver: count once all is quiet.
    await sleep(100);
    const attempts = receiver.of(request.noticeNo).length;
    const recorded = closing.deliveries.length;
    await sleep(300);
    expect(receiver.of(request.noticeNo).length).toBe(attempts);
    expect(closing.deliveries.length).toBe(recorded);
    // Every attempt that arrived was recorded (one aborted on the wire is recorded as an error).
    expect(recorded).toBeGreaterThanOrEqual(attempts);
  });
});

describe('refunds and statements', () => {
  it('accepts a refund once per refund number and tells OneWindow after the payment', async () => {
    const { request, payment } = await paid();
    const refund = { refundNo: `R-${randomUUID()}`, noticeNo: request.noticeNo, paymentId: payment.paymentId, amountFen: 3000, reason: '申请人撤回申请' };
    await expect(client.requestRefund(refund)).resolves.toEqual({ refundNo: refund.refundNo, status: 'accepted' });
    await expect(client.requestRefund(refund)).resolves.toEqual({ refundNo: refund.refundNo, status: 'accepted' });

    await expect.poll(() => receiver.of(request.noticeNo).length).toBe(2);
    const [first, second] = receiver.of(request.noticeNo);
    expect(first.notification.type).toBe('payment');
    expect(second.check.ok).toBe(true);
    expect(second.notification).toEqual({
      type: 'refund',
      refundNo: refund.refundNo,
      paymentId: payment.paymentId,
      noticeNo: request.noticeNo,
      amountFen: 3000,
      refundedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    await sleep(100);
    expect(receiver.of(request.noticeNo)).toHaveLength(2); // the repeated request was not refunded again
  });

  it('refuses refunds beyond the amount paid, of unknown payments, of another notice, or reusing a refund number', async () => {
    const { request, payment } = await paid();
    const refund = (amountFen: number, overrides: object = {}) => ({
      refundNo: `R-${randomUUID()}`,
      noticeNo: request.noticeNo,
      paymentId: payment.paymentId,
      amountFen,
      reason: '多缴退费',
      ...overrides,
    });
    await client.requestRefund(refund(5000));
    await expect(client.requestRefund(refund(3001))).rejects.toEqual(refusal(409, 'refund_exceeds'));
    await client.requestRefund(refund(3000));
    await expect(client.requestRefund(refund(1))).rejects.toEqual(refusal(409, 'refund_exceeds'));
    await expect(client.requestRefund(refund(1, { paymentId: 'P00000000000000000000' }))).rejects.toEqual(refusal(409, 'unknown_payment'));
    await expect(client.requestRefund(refund(1, { noticeNo: `N-${randomUUID()}` }))).rejects.toEqual(refusal(409, 'payment_mismatch'));
    await expect(client.requestRefund(refund(0))).rejects.toEqual(refusal(400, 'invalid'));

    // The same refund number again, for another amount: a different refund, not a repeat.
    const other = await paid();
    const once = { refundNo: `R-${randomUUID()}`, noticeNo: other.request.noticeNo, paymentId: other.payment.paymentId, amountFen: 100, reason: '多缴退费' };
    await client.requestRefund(once);
    await expect(client.requestRefund({ ...once, amountFen: 200 })).rejects.toEqual(refusal(409, 'refund_conflict'));
  });

  it("lists the day's payments and refunds, and writes them as CSV", async () => {
    const { request, payment, issued, notification } = await paid();
    const refundNo = `R-${randomUUID()}`;
    await client.requestRefund({ refundNo, noticeNo: request.noticeNo, paymentId: payment.paymentId, amountFen: 2000, reason: '部分退费' });
    await expect.poll(() => receiver.of(request.noticeNo).length).toBe(2);
    const paidAt = String(notification.paidAt);
    const refundedAt = String(receiver.of(request.noticeNo)[1].notification.refundedAt);

    const paymentDay = await client.statement(chinaDate(paidAt));
    expect(paymentDay).toContainEqual({ kind: 'payment', id: payment.paymentId, noticeNo: request.noticeNo, paymentCode: issued.paymentCode, amountFen: 8000, at: paidAt, receiptNo: payment.receiptNo });
    const refundDay = await client.statement(chinaDate(refundedAt));
    expect(refundDay).toContainEqual({ kind: 'refund', id: refundNo, noticeNo: request.noticeNo, paymentCode: issued.paymentCode, amountFen: 2000, at: refundedAt });
    expect(refundDay.map((line) => line.at)).toEqual(refundDay.map((line) => line.at).sort());

    const csv = readFileSync(path.join(statementDir, `statement-${chinaDate(refundedAt)}.csv`), 'utf8').split('\n');
    expect(csv[0]).toBe('kind,id,noticeNo,paymentCode,amountFen,at,receiptNo');
    expect(csv).toContain(`refund,${refundNo},${request.noticeNo},${issued.paymentCode},2000,${refundedAt},`);

    await expect(client.statement('1999-01-01')).resolves.toEqual([]);
    await expect(client.statement('2024-02-30')).rejects.toEqual(refusal(400, 'invalid'));
  });
});

describe('the client', () => {
  it('throws ordinary, retryable errors when the platform fails or does not answer', async () => {
    const failing = createServer((_req, res) => res.writeHead(502).end('bad gateway'));
    const silent = createServer(() => {});
    const [failingUrl, silentUrl] = [await listen(failing), await listen(silent)];
    try {
      const failed = await paymentPlatformClient({ url: failingUrl }).statement('2024-01-01').catch((err: unknown) => err);
      expect(failed).toBeInstanceOf(Error);
      expect(failed).not.toBeInstanceOf(PaymentPlatformError);
      expect(String(failed)).toContain('502');

      const timedOut = await paymentPlatformClient({ url: silentUrl, timeoutMs: 100 }).cancelNotice('N-1').catch((err: unknown) => err);
      expect(timedOut).toMatchObject({ name: 'TimeoutError' });
    } finally {
      await close(failing);
      await close(silent);
    }
    const unreachable = await paymentPlatformClient({ url: failingUrl }).statement('2024-01-01').catch((err: unknown) => err);
    expect(unreachable).toBeInstanceOf(TypeError);
  });
});

/**
 * The payment platform's notifications (非税收入统一缴费平台 → OneWindow) of payments and of refunds
 * paid back. Each is checked in turn:
 * the signature over the raw body and its age (401), its shape (400), its nonce, never seen before
 * (409 `replayed`), then the application's workflow takes the payment once (keyed by the platform's
 * payment id), refusing an unknown or unpayable notice and a wrong amount (422). Every refusal is
 * written to the audit trail with its reason. PostgreSQL or Temporal out of reach is a 503: the
 * platform retries, and the retry, signed afresh, ends exactly once.
 */
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { feeNotices, feeRefunds, paymentNonces } from '../../db/schema/index.js';
import { paymentUpdate, refundedUpdate } from '../../workflows/messages.js';
import { verifyPayment } from '../payment-signature.js';
import { HttpError, errorBody } from '../errors.js';
import { executeUpdate } from './window.js';
import { paymentNotificationExamples } from '../examples/operations.js';

const noticeNumber = z.string().regex(/^\d{6}-\d{8}-\d+-F\d+$/, 'must be a OneWindow notice number');

const payment = z.object({
  type: z.literal('payment'),
  paymentId: z.string().min(1).max(64),
  noticeNo: noticeNumber,
  paymentCode: z.string().min(1).max(64),
  amountFen: z.number().int().min(1),
  paidAt: z.iso.datetime({ offset: true }),
  receiptNo: z.string().min(1).max(64),
  channel: z.string().max(32).optional(),
});

const refund = z.object({
  type: z.literal('refund'),
  refundNo: z.string().regex(/^\d{6}-\d{8}-\d+-F\d+-R\d+$/, 'must be a OneWindow refund number'),
  paymentId: z.string().min(1).max(64),
  noticeNo: noticeNumber,
  amountFen: z.number().int().min(1),
  refundedAt: z.iso.datetime({ offset: true }),
});

const notification = z.discriminatedUnion('type', [payment, refund]);

const received = z.object({ received: z.literal(true), applicationNo: z.string(), noticeNo: z.string(), paymentId: z.string(), refundNo: z.string().optional() });

/** Refusals of the workflow that mean the notification itself is wrong: the platform must not retry them. */
const UNPAYABLE = new Set(['unknown_notice', 'notice_not_payable', 'amount_mismatch', 'no_fees', 'application_closed']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as it arrived, which the signature covers. */
    rawBody?: string;
  }
}

export const paymentRoutes: FastifyPluginAsync = async (app) => {
  // Here only, the body is kept as it arrived: the signature is over its bytes, not over a re-serialization.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body.toString();
    done(null, {});
  });

  app.post(
    '/payments/notifications',
    {
      schema: {
        tags: ['fees'],
        summary: 'The non-tax payment platform notifies a payment, signed (X-Payment-Timestamp, X-Payment-Nonce, X-Payment-Signature: HMAC-SHA256 over "<timestamp>.<nonce>.<body>")',
        // Documents the notification for OpenAPI: the handler parses the raw body itself, once its signature is checked.
        body: notification,
        response: { 200: received, 400: errorBody, 401: errorBody, 409: errorBody, 422: errorBody, 503: errorBody },
      },
      // Nothing is validated before the handler: the body is kept raw (above) and refused, audited, only there.
      validatorCompiler: () => (data) => ({ value: data }),
      config: { access: 'public', auditRefusals: true, csrf: false, examples: paymentNotificationExamples },
    },
    async (request) => {
      request.auditActor = { id: 'payment-platform', kind: 'payment_platform' as const, ip: request.ip };
      const body = request.rawBody ?? '';
      const secret = app.deps.payments!.callbackSecret;
      const check = verifyPayment(secret, request.headers, body);
      if (!check.ok) throw refusal(request, 401, check.code === 'stale' ? 'stale_notification' : check.code, `The notification is not authentic: ${check.message}`);

      let parsed: z.infer<typeof notification>;
      try {
        parsed = notification.parse(JSON.parse(body));
      } catch (err) {
        const detail = err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : 'is not JSON';
        throw refusal(request, 400, 'validation_failed', `The notification is malformed: ${detail}`);
      }
      const applicationNo = parsed.noticeNo.replace(/-F\d+$/, '');
      request.auditTarget = parsed.type === 'payment' ? `${parsed.noticeNo}/${parsed.paymentId}` : `${parsed.noticeNo}/${parsed.refundNo}`;
      request.auditCentre = applicationNo.slice(0, 6);

      // A nonce is used once: the same signed message again is a replay, whatever it says.
      const [fresh] = await app.deps.database.db.insert(paymentNonces).values({ nonce: check.nonce }).onConflictDoNothing().returning();
      if (!fresh) throw refusal(request, 409, 'replayed', `Nonce ${check.nonce} was used before: a replayed notification`);

      try {
        // The update id makes a repeated notification one update; the workflow records a payment or a refund once.
        if (parsed.type === 'payment') {
          const { type: _type, paymentCode: _code, ...paid } = parsed;
          await executeUpdate(app, applicationNo, paymentUpdate, paid, { updateId: `payment-${parsed.paymentId}` });
        } else {
          if (!parsed.refundNo.startsWith(`${parsed.noticeNo}-R`)) throw refusal(request, 400, 'validation_failed', `Refund ${parsed.refundNo} is not of notice ${parsed.noticeNo}`);
          const { refundNo, amountFen, refundedAt } = parsed;
          await executeUpdate(app, applicationNo, refundedUpdate, { refundNo, amountFen, refundedAt }, { updateId: `refund-${refundNo}` });
        }
      } catch (err) {
        // A repeat after the application closed: its workflow cannot be asked, its record can.
        if (err instanceof HttpError && err.code === 'application_closed' && (await recordedBefore(app, parsed))) {
          return { received: true as const, applicationNo, noticeNo: parsed.noticeNo, paymentId: parsed.paymentId, ...(parsed.type === 'refund' && { refundNo: parsed.refundNo }) };
        }
        if (err instanceof HttpError && err.statusCode === 409 && UNPAYABLE.has(err.code)) throw refusal(request, 422, err.code, err.message);
        if (err instanceof HttpError && err.statusCode === 404) throw refusal(request, 422, 'unknown_notice', err.message);
        throw err;
      }
      return { received: true as const, applicationNo, noticeNo: parsed.noticeNo, paymentId: parsed.paymentId, ...(parsed.type === 'refund' && { refundNo: parsed.refundNo }) };
    },
  );
};

/** Whether this payment or refund is already recorded, as notified (the same id and amount). */
async function recordedBefore(app: FastifyInstance, notified: z.infer<typeof notification>): Promise<boolean> {
  const db = app.deps.database.db;
  if (notified.type === 'payment') {
    const [row] = await db.select({ amountFen: feeNotices.amountFen }).from(feeNotices).where(and(eq(feeNotices.paymentId, notified.paymentId), eq(feeNotices.noticeNo, notified.noticeNo)));
    return row?.amountFen === notified.amountFen;
  }
  const [row] = await db.select({ amountFen: feeRefunds.amountFen, status: feeRefunds.status }).from(feeRefunds).where(eq(feeRefunds.refundNo, notified.refundNo));
  return row?.status === 'refunded' && row.amountFen === notified.amountFen;
}

/** A refusal, named in the audit trail's row with its reason. */
function refusal(request: { auditTarget?: string }, status: number, code: string, message: string): HttpError {
  request.auditTarget = `${request.auditTarget ?? '-'} refused: ${code}`;
  return new HttpError(status, code, message);
}

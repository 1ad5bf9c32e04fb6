/**
 * How the region's non-tax payment platform (非税收入统一缴费平台) signs what it sends OneWindow, and how
 * OneWindow checks it: HMAC-SHA256 with the secret both sides share, over `<timestamp>.<nonce>.<body>`
 * (the raw body, byte for byte), in three headers. Every delivery is signed afresh: a repeated
 * notification carries a new timestamp and nonce, so a nonce seen twice is a replay, never a retry.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export const PAYMENT_HEADERS = {
  timestamp: 'x-payment-timestamp',
  nonce: 'x-payment-nonce',
  signature: 'x-payment-signature',
} as const;

/** A notification older (or newer) than this, by its timestamp, is refused as stale. */
export const PAYMENT_TOLERANCE_SECONDS = 300;

/** The signature: base64 of HMAC-SHA256(secret, `${timestamp}.${nonce}.${body}`). */
export function signPayment(secret: string, timestamp: number, nonce: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${nonce}.${body}`).digest('base64');
}

/** The three headers of one delivery of `body`, signed now with a fresh nonce. */
export function paymentHeaders(secret: string, body: string, now = Date.now(), nonce: string = randomUUID()): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return {
    [PAYMENT_HEADERS.timestamp]: String(timestamp),
    [PAYMENT_HEADERS.nonce]: nonce,
    [PAYMENT_HEADERS.signature]: signPayment(secret, timestamp, nonce, body),
  };
}

export type SignatureCheck =
  | { ok: true; timestamp: number; nonce: string }
  | { ok: false; code: 'unsigned' | 'bad_signature' | 'stale'; message: string };

/** Checks a delivery's headers against its raw body: the signature first, then its age. */
export function verifyPayment(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  now = Date.now(),
  toleranceSeconds = PAYMENT_TOLERANCE_SECONDS,
): SignatureCheck {
  const header = (name: string) => {
    const value = headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const timestampText = header(PAYMENT_HEADERS.timestamp);
  const nonce = header(PAYMENT_HEADERS.nonce);
  const signature = header(PAYMENT_HEADERS.signature);
  if (!timestampText || !nonce || !signature) {
    const missing = Object.values(PAYMENT_HEADERS).filter((name) => !header(name));
    return { ok: false, code: 'unsigned', message: `missing ${missing.join(', ')}` };
  }
  if (!/^\d{1,12}$/.test(timestampText) || nonce.length > 128) return { ok: false, code: 'bad_signature', message: 'malformed timestamp or nonce' };
  const timestamp = Number(timestampText);
  const expected = Buffer.from(signPayment(secret, timestamp, nonce, body), 'base64');
  const given = Buffer.from(signature, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, code: 'bad_signature', message: 'the signature does not match the body' };
  }
  if (Math.abs(now / 1000 - timestamp) > toleranceSeconds) {
    return { ok: false, code: 'stale', message: `signed at ${new Date(timestamp * 1000).toISOString()}, more than ${toleranceSeconds} s from now` };
  }
  return { ok: true, timestamp, nonce };
}

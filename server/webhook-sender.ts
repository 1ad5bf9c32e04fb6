/**
 * Delivers the webhooks' outbox (db/webhooks.ts) to the integrators' endpoints, at least once and in
 * order per application: only the earliest waiting delivery of an application to an endpoint is due, so
 * a later change never overtakes an earlier one. Every worker runs a sender; each claims deliveries with
 * FOR UPDATE SKIP LOCKED and a lease (the next attempt's time moved past the request's timeout), so two
 * senders never send the same delivery at once, and a sender that dies leaves its claims to the others.
 *
 * A message also waits for every earlier event of its application to be in the read model: the workflow
 * writes decisions taken at the same moment in one or two writes, not always lowest number first.
 *
 * A request is signed as the Standard Webhooks specification says (webhook-id, webhook-timestamp,
 * webhook-signature with a signature per live secret). A 2xx answer delivers it; anything else waits the
 * next step of the retry schedule (days long), then the delivery is marked failed. An endpoint with no
 * success for the pause limit is paused: its deliveries wait, nothing is dropped, until it is resumed.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, lt, lte, notExists, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Logger } from 'pino';
import { Webhook } from 'standardwebhooks';
import type { Db } from '../db/client.js';
import { WAITS_FOR_RESUME, pauseEndpoint } from '../db/webhooks.js';
import { type WebhookSecret, events, webhookAttempts, webhookDeliveries, webhookEndpoints, webhookMessages } from '../db/schema/index.js';

export interface WebhookSenderOptions {
  db: Db;
  logger: Logger;
  /** Seconds to wait after the 1st, 2nd, … failed attempt; past its end a delivery is failed. */
  retrySchedule?: number[];
  /** An endpoint with no successful delivery for this long is paused (ms). */
  pauseAfterMs?: number;
  /** How long a request may take (ms). */
  timeoutMs?: number;
  /** How often the outbox is read while it is empty (ms). */
  pollMs?: number;
  /** Deliveries claimed and sent at once. */
  batch?: number;
}

/** 5 s, 1 min, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, 24 h, 24 h: a delivery is tried for 3 days and 3 hours. */
export const DEFAULT_RETRY_SCHEDULE = [5, 60, 300, 1800, 7200, 18000, 36000, 36000, 86400, 86400];
/** Two days without a success pauses an endpoint: before any delivery to a dead one runs out of retries. */
export const DEFAULT_PAUSE_AFTER_MS = 2 * 86_400_000;

const RESPONSE_KEPT = 500;

type Claimed = { id: number; attempts: number; endpointId: string; messageId: string; leaseToken: string | null };

export function startWebhookSender(options: WebhookSenderOptions) {
  const { db, logger } = options;
  const schedule = options.retrySchedule ?? DEFAULT_RETRY_SCHEDULE;
  const pauseAfterMs = options.pauseAfterMs ?? DEFAULT_PAUSE_AFTER_MS;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const pollMs = options.pollMs ?? 500;
  const batch = options.batch ?? 20;
  const leaseMs = timeoutMs + 30_000;
  const triedForMs = schedule.reduce((sum, seconds) => sum + seconds * 900, 0); // with the jitter against it
  if (pauseAfterMs >= triedForMs) {
    logger.warn({ pauseAfterMs, triedForMs }, 'webhooks: the pause limit is not below the retry schedule: a dead endpoint’s messages fail before it is paused');
  }
  let running = true;
  let wake: (() => void) | undefined;

  /** Claims the due deliveries: each the earliest waiting one of its application at an active endpoint. */
  async function claim(): Promise<Claimed[]> {
    const d = webhookDeliveries;
    const earlier = alias(webhookDeliveries, 'earlier');
    return db.transaction(async (tx) => {
      const due = await tx
        .select({ id: d.id })
        .from(d)
        .innerJoin(webhookEndpoints, and(eq(webhookEndpoints.id, d.endpointId), eq(webhookEndpoints.status, 'active')))
        .where(
          and(
            eq(d.status, 'pending'),
            lte(d.nextAttemptAt, sql`now()`),
            or(isNull(d.leaseUntil), lt(d.leaseUntil, sql`now()`)),
            // Every earlier event of the application is in the read model (and so is its message): decisions
            // taken at once may be written in two writes, the later numbers first. A complaint's (C-…) are
            // written one step at a time, in order.
            sql`(${d.applicationNo} like 'C-%' or (select count(*) from ${events} where ${events.applicationNo} = ${d.applicationNo} and ${events.seq} < ${d.seq}) = ${d.seq} - 1)`,
            notExists(
              tx
                .select({ one: sql`1` })
                .from(earlier)
                .where(
                  and(
                    eq(earlier.endpointId, d.endpointId),
                    eq(earlier.applicationNo, d.applicationNo),
                    eq(earlier.status, 'pending'),
                    sql`(${earlier.seq}, ${earlier.position}) < (${d.seq}, ${d.position})`,
                  ),
                ),
            ),
          ),
        )
        .orderBy(d.nextAttemptAt)
        .limit(batch)
        .for('update', { of: d, skipLocked: true });
      if (due.length === 0) return [];
      return tx
        .update(d)
        .set({ attempts: sql`${d.attempts} + 1`, leaseUntil: fromNow(leaseMs), leaseToken: randomUUID() })
        .where(
          inArray(
            d.id,
            due.map((r) => r.id),
          ),
        )
        .returning({ id: d.id, attempts: d.attempts, endpointId: d.endpointId, messageId: d.messageId, leaseToken: d.leaseToken });
    });
  }

  /** Sends one delivery and keeps what happened. */
  async function deliver(delivery: Claimed): Promise<void> {
    const [row] = await db
      .select({ url: webhookEndpoints.url, secrets: webhookEndpoints.secrets, payload: webhookMessages.payload })
      .from(webhookEndpoints)
      .innerJoin(webhookMessages, eq(webhookMessages.id, delivery.messageId))
      .where(eq(webhookEndpoints.id, delivery.endpointId));
    const body = JSON.stringify(row.payload);
    const at = new Date();
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    let response: string | null = null;
    try {
      const res = await fetch(row.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'OneWindow-Webhooks/1', ...signedHeaders(delivery.messageId, at, body, row.secrets) },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = res.status;
      response = (await beginningOf(res).catch(() => '')) || null;
      if (status < 200 || status > 299) error = `answered ${status}`;
    } catch (err) {
      error = describe(err);
    }
    const durationMs = Math.round(performance.now() - started);
    await record(delivery, { at: at.toISOString(), status, error, response, durationMs });
  }

  /**
   * Keeps the attempt and what follows from it, if the sender still holds the delivery (a resume or
   * another sender after an expired lease may have taken it). The endpoint's row is locked first, as
   * the routes that pause, resume and delete it lock it, so the two never wait for each other.
   */
  async function record(delivery: Claimed, attempt: { at: string; status: number | null; error: string | null; response: string | null; durationMs: number }) {
    const d = webhookDeliveries;
    const e = webhookEndpoints;
    await db.transaction(async (tx) => {
      await tx.insert(webhookAttempts).values({ deliveryId: delivery.id, ...attempt });
      const ours = and(eq(d.id, delivery.id), eq(d.leaseToken, delivery.leaseToken!), eq(d.status, 'pending'));
      const done = { lastAttemptAt: attempt.at, lastStatus: attempt.status, lastError: attempt.error, leaseUntil: null, leaseToken: null };
      if (!attempt.error) {
        await tx.update(e).set({ failingSince: null, lastSuccessAt: sql`now()` }).where(eq(e.id, delivery.endpointId));
        await tx.update(d).set({ ...done, status: 'delivered', deliveredAt: sql`now()` }).where(ours);
        return;
      }
      // The pause comes before a delivery's last retry is spent: a dead endpoint's messages wait, none fails.
      const [endpoint] = await tx
        .update(e)
        .set({ failingSince: sql`coalesce(${e.failingSince}, now())` })
        .where(eq(e.id, delivery.endpointId))
        .returning({ status: e.status, failingSince: e.failingSince, keyId: e.keyId });
      let status = endpoint.status;
      if (status === 'active' && Date.parse(endpoint.failingSince!) <= Date.now() - pauseAfterMs) {
        status = 'paused';
        await pauseEndpoint(tx, delivery.endpointId, `No delivery succeeded for ${formatDuration(pauseAfterMs)}; the last attempt: ${attempt.error}`);
        logger.warn({ endpointId: delivery.endpointId, keyId: endpoint.keyId }, 'webhook endpoint paused: no delivery succeeded for the pause limit');
      }
      const wait = schedule[delivery.attempts - 1];
      const next =
        status === 'disabled'
          ? { status: 'failed' as const, lastError: `${attempt.error}; the endpoint was deleted` }
          : status === 'paused'
            ? { nextAttemptAt: WAITS_FOR_RESUME }
            : wait === undefined
              ? { status: 'failed' as const }
              : { nextAttemptAt: fromNow(jitter(wait * 1000)) };
      await tx
        .update(d)
        .set({ ...done, ...next })
        .where(ours);
      if (next.status === 'failed') logger.warn({ deliveryId: delivery.id, messageId: delivery.messageId, endpointId: delivery.endpointId }, 'webhook delivery failed');
    });
  }

  /** One round: claims what is due and sends it. Returns how many were sent. */
  async function tick(): Promise<number> {
    const claimed = await claim();
    await Promise.all(claimed.map((delivery) => deliver(delivery).catch((err: unknown) => logger.warn({ err, deliveryId: delivery.id }, 'webhook delivery not recorded; it is tried again when its lease ends'))));
    return claimed.length;
  }

  const loop = (async () => {
    while (running) {
      let sent = 0;
      try {
        sent = await tick();
      } catch (err) {
        logger.warn({ err }, 'webhook sender: the outbox could not be read; trying again');
      }
      if (sent === 0 && running) await new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, pollMs)));
    }
  })();

  return {
    tick,
    async close(): Promise<void> {
      running = false;
      wake?.();
      await loop;
    },
  };
}

export type WebhookSender = ReturnType<typeof startWebhookSender>;

/** The Standard Webhooks headers: one `v1,` signature for each secret still live (the newest first). */
export function signedHeaders(id: string, at: Date, body: string, secrets: WebhookSecret[]): Record<string, string> {
  const live = secrets.filter((s) => !s.expiresAt || Date.parse(s.expiresAt) > at.getTime());
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': live.map((s) => new Webhook(s.secret).sign(id, at, body)).join(' '),
  };
}

/** The first characters of an answer, without reading more of it than that. */
async function beginningOf(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < RESPONSE_KEPT * 4) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel().catch(() => {});
  return new TextDecoder().decode(Buffer.concat(chunks)).slice(0, RESPONSE_KEPT);
}

/** The database's now, moved by `ms`: every sender reads one clock. */
const fromNow = (ms: number) => sql`now() + ${ms}::double precision * interval '1 millisecond'`;

const jitter = (ms: number) => Math.round(ms * (0.9 + Math.random() * 0.2));

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if ((err as Error).name === 'TimeoutError') return 'no answer within the timeout';
  return cause?.code ?? cause?.message ?? (err as Error).message ?? String(err);
}

function formatDuration(ms: number): string {
  if (ms >= 86_400_000 && ms % 86_400_000 === 0) return `${ms / 86_400_000} day(s)`;
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} hour(s)`;
  return `${Math.round(ms / 1000)} s`;
}

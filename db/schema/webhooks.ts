/**
 * Webhooks: the endpoints an integrator registers with its key, the messages its applications' changes
 * make (the outbox, written in the same transaction as the read model's events), one delivery of each
 * message to each endpoint that asked for its type, and every attempt of a delivery (the log).
 */
import { bigint, bigserial, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, instant } from './columns.js';
import { apiKeys } from './security.js';

export const WEBHOOK_ENDPOINT_STATUSES = ['active', 'paused', 'disabled'] as const;
export type WebhookEndpointStatus = (typeof WEBHOOK_ENDPOINT_STATUSES)[number];

/** A signing secret (`whsec_` + base64): the newest signs first; an old one keeps signing until it expires. */
export interface WebhookSecret {
  secret: string;
  createdAt: string;
  /** Set when a newer secret replaced it: deliveries carry both signatures until then. */
  expiresAt?: string;
}

export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: text().primaryKey(),
    keyId: text()
      .notNull()
      .references(() => apiKeys.id),
    url: text().notNull(),
    description: text(),
    eventTypes: jsonb().$type<string[]>().notNull(),
    secrets: jsonb().$type<WebhookSecret[]>().notNull(),
    /** active: delivered to; paused: its deliveries wait (a dead endpoint, or the integrator's choice); disabled: deleted, its log kept. */
    status: text({ enum: WEBHOOK_ENDPOINT_STATUSES }).notNull().default('active'),
    /** Why and since when it is paused. */
    pausedReason: text(),
    pausedAt: instant(),
    /** The first failed attempt since the last success: past the pause limit, the endpoint is paused. */
    failingSince: instant(),
    lastSuccessAt: instant(),
    createdAt: createdAt(),
    updatedAt: instant(),
  },
  (t) => [index('webhook_endpoints_key_idx').on(t.keyId)],
);

/**
 * One change of an application, as its integrator's endpoints receive it. The id is made from what it
 * is (the application, the event's number, the type), so a retried write of the read model makes none twice,
 * and receivers can drop a repeat by it (webhook-id).
 */
export const webhookMessages = pgTable(
  'webhook_messages',
  {
    id: text().primaryKey(),
    keyId: text().notNull(),
    /** The application's number, or a complaint's id (C-…): what the messages are ordered under. */
    applicationNo: text().notNull(),
    /** The event's number in its application, and the order of messages of one event: they are delivered in this order. */
    seq: integer().notNull(),
    position: integer().notNull(),
    type: text().notNull(),
    /** The body sent, as the Standard Webhooks specification shapes it: { type, timestamp, data }. */
    payload: jsonb().$type<{ type: string; timestamp: string; data: Record<string, unknown> }>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('webhook_messages_application_idx').on(t.applicationNo, t.seq, t.position)],
);

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** One message to one endpoint: pending until a 2xx answers it; failed once its retries are spent. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    endpointId: text()
      .notNull()
      .references(() => webhookEndpoints.id),
    messageId: text()
      .notNull()
      .references(() => webhookMessages.id),
    applicationNo: text().notNull(),
    seq: integer().notNull(),
    position: integer().notNull(),
    status: text({ enum: WEBHOOK_DELIVERY_STATUSES }).notNull().default('pending'),
    /** Attempts since it was queued, resumed or replayed: the next waits the retry schedule's entry for this count. */
    attempts: integer().notNull().default(0),
    /** When it is next due ('infinity' while its endpoint is paused). */
    nextAttemptAt: instant().notNull().defaultNow(),
    /** While a sender sends it: until when, and the sender's claim, which its record must still hold. */
    leaseUntil: instant(),
    leaseToken: text(),
    lastAttemptAt: instant(),
    lastStatus: integer(),
    lastError: text(),
    deliveredAt: instant(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_message_uq').on(t.endpointId, t.messageId),
    // The sender's two questions: what is due, and is an earlier one of the same application still waiting.
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index('webhook_deliveries_order_idx').on(t.endpointId, t.applicationNo, t.seq, t.position).where(sql`status = 'pending'`),
    index('webhook_deliveries_log_idx').on(t.endpointId, t.id),
  ],
);

/** Every attempt of a delivery: when, what the endpoint answered (or why there was no answer) and how long it took. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    deliveryId: bigint({ mode: 'number' })
      .notNull()
      .references(() => webhookDeliveries.id),
    at: instant().notNull(),
    status: integer(),
    error: text(),
    /** The first 500 characters of the answer's body. */
    response: text(),
    durationMs: integer().notNull(),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId)],
);

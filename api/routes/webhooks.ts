/**
 * Webhooks, for integrators: endpoints registered with their key, each told of the changes of the
 * applications the key submitted (the types it chose), signed as the Standard Webhooks specification
 * says; the delivery log with every attempt; replay from an instant; secret rotation; pause and resume.
 * The outbox is db/webhooks.ts, the sender server/webhook-sender.ts.
 */
import { and, desc, eq, gte, inArray, lt, lte } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { WAITS_FOR_RESUME, WEBHOOK_EVENT_TYPES, WEBHOOK_TYPES, disableEndpoints, newEndpointId, newWebhookSecret, pauseEndpoint, resumeEndpoint } from '../../db/webhooks.js';
import { WEBHOOK_DELIVERY_STATUSES, WEBHOOK_ENDPOINT_STATUSES, webhookAttempts, webhookDeliveries, webhookEndpoints, webhookMessages } from '../../db/schema/index.js';
import { errorBody, invalid, notFound, refused } from '../errors.js';
import { iso } from '../views.js';
import * as examples from '../examples/webhooks.js';

const integrators = { access: ['integrator'] as const };
const refusals = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody };

const eventTypes = z
  .array(z.enum(WEBHOOK_TYPES))
  .min(1)
  .max(WEBHOOK_TYPES.length)
  .refine((types) => new Set(types).size === types.length, 'each type once')
  .describe('The types this endpoint is sent (GET /v1/webhooks/event-types)');

/** What an integrator sends to register or change an endpoint; a GET's answer, edited, is accepted as it is. */
const endpointInput = z
  .object({
    url: z.string().trim().max(2000).describe('Where the messages are POSTed: https (http only where the server allows it)'),
    eventTypes,
    description: z.string().trim().max(500).nullish(),
  })
  .meta({ id: 'WebhookEndpointSettings' });

const endpointView = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.string()),
    status: z.enum(WEBHOOK_ENDPOINT_STATUSES).describe('active: delivered to; paused: its deliveries wait (no success for days, or paused by the integrator); disabled: deleted'),
    pausedReason: z.string().nullable(),
    pausedAt: z.string().nullable(),
    failingSince: z.string().nullable().describe('The first failed attempt since the last success'),
    lastSuccessAt: z.string().nullable(),
    secrets: z.array(z.object({ createdAt: z.string(), expiresAt: z.string().nullable() })).describe('The live signing secrets (never their values): the newest first'),
    createdAt: z.string(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'WebhookEndpoint' });

const withSecret = endpointView.extend({ secret: z.string().describe('The new signing secret (whsec_…), shown only in this answer') });

const deliveryView = z
  .object({
    id: z.number(),
    messageId: z.string().describe('The webhook-id header: the same for every attempt and replay of this message'),
    type: z.string(),
    applicationNo: z.string().describe('The application the message is of, or the complaint (C-…) for complaint.* messages'),
    seq: z.number(),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: z.number(),
    nextAttemptAt: z.string().nullable().describe('When a pending delivery is next tried'),
    lastAttemptAt: z.string().nullable(),
    lastStatus: z.number().nullable(),
    lastError: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });

const attemptView = z.object({ at: z.string(), status: z.number().nullable(), error: z.string().nullable(), response: z.string().nullable(), durationMs: z.number() });

const idParams = z.object({ id: z.string() });

type EndpointRow = typeof webhookEndpoints.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferSelect & { type: string };

function endpointOf(row: EndpointRow, now = Date.now()): z.infer<typeof endpointView> {
  const { keyId: _key, secrets, pausedAt, failingSince, lastSuccessAt, createdAt, updatedAt, ...rest } = row;
  return {
    ...rest,
    pausedAt: iso(pausedAt),
    failingSince: iso(failingSince),
    lastSuccessAt: iso(lastSuccessAt),
    createdAt: iso(createdAt)!,
    updatedAt: iso(updatedAt),
    secrets: secrets
      .filter((s) => !s.expiresAt || Date.parse(s.expiresAt) > now)
      .map((s) => ({ createdAt: s.createdAt, expiresAt: s.expiresAt ?? null }))
      .reverse(),
  };
}

function deliveryOf(row: DeliveryRow): z.infer<typeof deliveryView> {
  return {
    id: row.id,
    messageId: row.messageId,
    type: row.type,
    applicationNo: row.applicationNo,
    seq: row.seq,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? iso(row.nextAttemptAt) : null,
    lastAttemptAt: iso(row.lastAttemptAt),
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    deliveredAt: iso(row.deliveredAt),
    createdAt: iso(row.createdAt)!,
  };
}

/** A URL as the audit trail keeps it: a token in its query stays out. */
const withoutQuery = (url: string) => {
  const { origin, pathname } = new URL(url);
  return `${origin}${pathname}`;
};

function keyOf(request: FastifyRequest) {
  if (request.identity?.kind !== 'integrator') throw new Error('webhook routes are for integrators only');
  return request.identity.key;
}

export const webhookRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const allowHttp = app.deps.webhooks?.allowHttp ?? false;

  /** The URL, refused unless it is absolute https (or http where allowed), without credentials in it. */
  function checkUrl(url: string): string {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalid('body.url', 'must be an absolute URL, e.g. https://portal.example.gov.cn/onewindow/webhooks');
    }
    if (parsed.protocol !== 'https:' && !(allowHttp && parsed.protocol === 'http:')) throw invalid('body.url', allowHttp ? 'must be http or https' : 'must be https');
    if (parsed.username || parsed.password) throw invalid('body.url', 'may not carry a user or password: the signature authenticates each message');
    return parsed.toString();
  }

  /** The caller's endpoint (another key's is not found), audited against the key's first centre. */
  async function ownEndpoint(request: FastifyRequest, id: string): Promise<EndpointRow> {
    const key = keyOf(request);
    request.auditCentre = key.centres[0];
    const [row] = await db
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.keyId, key.id)));
    if (!row) throw notFound(`Webhook endpoint ${id}`);
    return row;
  }

  const live = (row: EndpointRow) => {
    if (row.status === 'disabled') throw refused(`Webhook endpoint ${row.id} was deleted`, 'endpoint_deleted');
    return row;
  };

  app.get(
    '/webhooks/event-types',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'The types of message an endpoint can choose, with what each means (English and Chinese)',
        response: { 200: z.object({ types: z.array(z.object({ type: z.string(), description: z.string(), descriptionZh: z.string() })) }), 401: errorBody, 403: errorBody },
      },
      config: { ...integrators, examples: examples.eventTypes },
    },
    async () => ({ types: Object.entries(WEBHOOK_EVENT_TYPES).map(([type, [description, descriptionZh]]) => ({ type, description, descriptionZh })) }),
  );

  app.post(
    '/webhooks/endpoints',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Register an endpoint: it is sent every change of the applications this key submitted, of the chosen types; its signing secret is shown only in this answer',
        body: endpointInput,
        response: { 201: withSecret, ...refusals },
      },
      config: { ...integrators, examples: examples.createEndpoint },
    },
    async (request, reply) => {
      const key = keyOf(request);
      const url = checkUrl(request.body.url);
      const secret = newWebhookSecret();
      const id = newEndpointId();
      request.auditCentre = key.centres[0];
      request.auditTarget = `webhook endpoint ${id} ${withoutQuery(url)}`;
      const [row] = await db
        .insert(webhookEndpoints)
        .values({ id, keyId: key.id, url, description: request.body.description ?? null, eventTypes: request.body.eventTypes, secrets: [{ secret, createdAt: new Date().toISOString() }] })
        .returning();
      return reply.status(201).send({ ...endpointOf(row), secret });
    },
  );

  app.get(
    '/webhooks/endpoints',
    {
      schema: { tags: ['webhooks'], summary: 'This key’s endpoints (deleted ones too, with their logs)', response: { 200: z.object({ endpoints: z.array(endpointView) }), 401: errorBody, 403: errorBody } },
      config: { ...integrators, examples: examples.listEndpoints },
    },
    async (request) => {
      const rows = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.keyId, keyOf(request).id)).orderBy(webhookEndpoints.createdAt);
      return { endpoints: rows.map((row) => endpointOf(row)) };
    },
  );

  app.get(
    '/webhooks/endpoints/:id',
    {
      schema: { tags: ['webhooks'], summary: 'One endpoint: its status, why it is paused, its live secrets (never their values)', params: idParams, response: { 200: endpointView, ...refusals } },
      config: { ...integrators, examples: examples.oneEndpoint },
    },
    async (request) => endpointOf(await ownEndpoint(request, request.params.id)),
  );

  app.put(
    '/webhooks/endpoints/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Change an endpoint’s URL, types or description (the GET’s answer, edited, is accepted as it is); messages already queued keep their endpoint',
        params: idParams,
        body: endpointInput,
        response: { 200: endpointView, ...refusals, 409: errorBody },
      },
      config: { ...integrators, examples: examples.updateEndpoint },
    },
    async (request) => {
      const row = live(await ownEndpoint(request, request.params.id));
      const url = checkUrl(request.body.url);
      request.auditTarget = `webhook endpoint ${row.id} ${withoutQuery(url)}`;
      const [updated] = await db
        .update(webhookEndpoints)
        .set({ url, eventTypes: request.body.eventTypes, description: request.body.description ?? null, updatedAt: new Date().toISOString() })
        .where(eq(webhookEndpoints.id, row.id))
        .returning();
      return endpointOf(updated);
    },
  );

  app.delete(
    '/webhooks/endpoints/:id',
    {
      schema: { tags: ['webhooks'], summary: 'Delete an endpoint: nothing more is queued or sent to it; its log stays readable', params: idParams, response: { 200: endpointView, ...refusals, 409: errorBody } },
      config: { ...integrators, examples: examples.deleteEndpoint },
    },
    async (request) => {
      const row = live(await ownEndpoint(request, request.params.id));
      request.auditTarget = `webhook endpoint ${row.id} deleted`;
      await db.transaction((tx) => disableEndpoints(tx, eq(webhookEndpoints.id, row.id), 'the endpoint was deleted'));
      return endpointOf(await ownEndpoint(request, row.id));
    },
  );

  app.post(
    '/webhooks/endpoints/:id/rotate-secret',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'A new signing secret, shown only in this answer; the old one keeps signing beside it for `keepOldHours` (24 unless told), so a receiver can switch without losing a message',
        params: idParams,
        body: z.object({ keepOldHours: z.number().int().min(0).max(168).default(24) }).default({ keepOldHours: 24 }),
        response: { 200: withSecret, ...refusals, 409: errorBody },
      },
      config: { ...integrators, examples: examples.rotateSecret },
    },
    async (request) => {
      const row = live(await ownEndpoint(request, request.params.id));
      const now = new Date();
      const expiresAt = new Date(now.getTime() + request.body.keepOldHours * 3_600_000).toISOString();
      const secret = newWebhookSecret();
      // Old secrets end no later than now + keepOldHours; expired ones are dropped.
      const kept = row.secrets
        .filter((s) => !s.expiresAt || Date.parse(s.expiresAt) > now.getTime())
        .map((s) => ({ ...s, expiresAt: s.expiresAt && s.expiresAt < expiresAt ? s.expiresAt : expiresAt }))
        .filter((s) => Date.parse(s.expiresAt) > now.getTime());
      request.auditTarget = `webhook endpoint ${row.id} secret rotated`;
      const [updated] = await db
        .update(webhookEndpoints)
        .set({ secrets: [...kept, { secret, createdAt: now.toISOString() }], updatedAt: now.toISOString() })
        .where(eq(webhookEndpoints.id, row.id))
        .returning();
      return { ...endpointOf(updated), secret };
    },
  );

  app.post(
    '/webhooks/endpoints/:id/pause',
    {
      schema: { tags: ['webhooks'], summary: 'Pause an endpoint: its messages are kept and wait, in order, until it is resumed', params: idParams, response: { 200: endpointView, ...refusals, 409: errorBody } },
      config: { ...integrators, examples: examples.pauseEndpoint },
    },
    async (request) => {
      const row = live(await ownEndpoint(request, request.params.id));
      if (row.status === 'paused') return endpointOf(row);
      await db.transaction((tx) => pauseEndpoint(tx, row.id, 'Paused by the integrator'));
      return endpointOf(await ownEndpoint(request, row.id));
    },
  );

  app.post(
    '/webhooks/endpoints/:id/resume',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Resume a paused endpoint: every waiting message is sent, in order per application, each with its retries afresh',
        params: idParams,
        response: { 200: endpointView, ...refusals, 409: errorBody },
      },
      config: { ...integrators, examples: examples.resumeEndpoint },
    },
    async (request) => {
      const row = live(await ownEndpoint(request, request.params.id));
      await db.transaction((tx) => resumeEndpoint(tx, row.id));
      // This very answer no longer names it as paused.
      if (request.identity?.kind === 'integrator') request.identity.pausedEndpoints = request.identity.pausedEndpoints?.filter((id) => id !== row.id);
      return endpointOf(await ownEndpoint(request, row.id));
    },
  );

  app.get(
    '/webhooks/endpoints/:id/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'The delivery log, newest first: each message’s status, attempts and the last answer; page with `before`',
        params: idParams,
        querystring: z.object({
          status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
          applicationNo: z.string().max(64).optional(),
          before: z.coerce.number().int().positive().optional().describe('The id of the last delivery of the previous page'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ deliveries: z.array(deliveryView), nextBefore: z.number().nullable() }), ...refusals },
      },
      config: { ...integrators, examples: examples.deliveries },
    },
    async (request) => {
      const endpoint = await ownEndpoint(request, request.params.id);
      const { status, applicationNo, before, limit } = request.query;
      const d = webhookDeliveries;
      const rows = await db
        .select({ delivery: d, type: webhookMessages.type })
        .from(d)
        .innerJoin(webhookMessages, eq(webhookMessages.id, d.messageId))
        .where(and(eq(d.endpointId, endpoint.id), status ? eq(d.status, status) : undefined, applicationNo ? eq(d.applicationNo, applicationNo) : undefined, before ? lt(d.id, before) : undefined))
        .orderBy(desc(d.id))
        .limit(limit);
      const deliveries = rows.map((r) => deliveryOf({ ...r.delivery, type: r.type }));
      return { deliveries, nextBefore: deliveries.length === limit ? deliveries[deliveries.length - 1].id : null };
    },
  );

  app.get(
    '/webhooks/endpoints/:id/deliveries/:deliveryId',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'One delivery: the message sent (its body exactly) and every attempt with the endpoint’s answer',
        params: z.object({ id: z.string(), deliveryId: z.coerce.number().int().positive() }),
        response: { 200: deliveryView.extend({ payload: z.record(z.string(), z.unknown()), attempts: z.array(attemptView) }).meta({ id: 'WebhookDeliveryDetail' }), ...refusals },
      },
      config: { ...integrators, examples: examples.delivery },
    },
    async (request) => {
      const endpoint = await ownEndpoint(request, request.params.id);
      const d = webhookDeliveries;
      const [row] = await db
        .select({ delivery: d, type: webhookMessages.type, payload: webhookMessages.payload })
        .from(d)
        .innerJoin(webhookMessages, eq(webhookMessages.id, d.messageId))
        .where(and(eq(d.endpointId, endpoint.id), eq(d.id, request.params.deliveryId)));
      if (!row) throw notFound(`Delivery ${request.params.deliveryId}`);
      const attempts = await db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, row.delivery.id)).orderBy(webhookAttempts.id);
      return {
        ...deliveryOf({ ...row.delivery, type: row.type }),
        payload: row.payload,
        attempts: attempts.map((a) => ({ at: iso(a.at)!, status: a.status, error: a.error, response: a.response, durationMs: a.durationMs })),
      };
    },
  );

  app.post(
    '/webhooks/endpoints/:id/replay',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Send again every message queued for this endpoint from an instant on (or only the failed ones, or one application’s): in order per application, with the same webhook-id',
        params: idParams,
        body: z.object({
          since: z.iso.datetime({ offset: true }).describe('Messages queued at or after this instant'),
          until: z.iso.datetime({ offset: true }).optional(),
          onlyFailed: z.boolean().default(false),
          applicationNo: z.string().max(64).optional(),
        }),
        response: { 202: z.object({ replayed: z.number() }), ...refusals, 409: errorBody },
      },
      config: { ...integrators, examples: examples.replay },
    },
    async (request, reply) => {
      const endpoint = live(await ownEndpoint(request, request.params.id));
      const { since, until, onlyFailed, applicationNo } = request.body;
      if (until && Date.parse(until) < Date.parse(since)) throw invalid('body.until', 'must not be before `since`');
      const d = webhookDeliveries;
      request.auditTarget = `webhook endpoint ${endpoint.id} replay from ${since}`;
      const replayed = await db
        .update(d)
        .set({ status: 'pending', attempts: 0, nextAttemptAt: endpoint.status === 'paused' ? WAITS_FOR_RESUME : new Date().toISOString(), deliveredAt: null })
        .where(
          and(
            eq(d.endpointId, endpoint.id),
            gte(d.createdAt, since),
            until ? lte(d.createdAt, until) : undefined,
            onlyFailed ? eq(d.status, 'failed') : inArray(d.status, ['delivered', 'failed']),
            applicationNo ? eq(d.applicationNo, applicationNo) : undefined,
          ),
        )
        .returning({ id: d.id });
      return reply.status(202).send({ replayed: replayed.length });
    },
  );
};

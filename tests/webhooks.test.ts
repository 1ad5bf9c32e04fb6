/**
 * Webhooks (issue 24) against the real API, worker, Temporal and PostgreSQL, and a real HTTP receiver on
 * loopback that verifies every signature as the README's sample does (the standardwebhooks package): the
 * receiver stopped while two applications move on, and every message arriving exactly once and in order
 * per application after it comes back; secret rotation (two signatures, either verifies); a dead endpoint
 * paused and the integrator told in every answer, nothing dropped, everything sent on resume; the
 * delivery log with its attempts; replay with the same webhook-id; a sender that stops and another that
 * takes over; bad registrations refused with nothing stored.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { type Server, createServer } from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { AddressInfo } from 'node:net';
import { and, count, eq } from 'drizzle-orm';
import { pino } from 'pino';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSubmission } from '../db/read-model.js';
import { eventRow } from '../db/read-model-rows.js';
import { events, webhookDeliveries, webhookEndpoints, webhookMessages } from '../db/schema/index.js';
import { enqueueWebhooks, eventDrafts } from '../db/webhooks.js';
import type { ApplicationState } from '../workflows/messages.js';
import { type WebhookSender, startWebhookSender } from '../server/webhook-sender.js';
import { applicationInput, saveTestItem } from './support/items.js';
import { type Stack, caller, createKey, startStack } from './support/stack.js';
import { ok, windowActions } from './support/window.js';

const LEAD = 'market_regulation';
let stack: Stack;
let itemCode: string;
const act = windowActions(() => stack);
const logger = pino({ level: 'silent' });

interface Received {
  /** The receiver's path the endpoint was registered with: one path per endpoint. */
  path: string;
  id: string;
  type: string;
  applicationNo: string;
  seq: number;
  signatures: number;
}

/** An HTTP receiver on loopback that verifies each request with its endpoint's secrets and keeps what it got. */
class Receiver {
  readonly got: Received[] = [];
  readonly rejected: string[] = [];
  /** Each path's secrets: every one must verify (the sample receiver needs only one). */
  readonly secrets = new Map<string, string[]>();
  status = 204;
  private server?: Server;
  private paths = 0;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = { 'webhook-id': String(req.headers['webhook-id']), 'webhook-timestamp': String(req.headers['webhook-timestamp']), 'webhook-signature': String(req.headers['webhook-signature']) };
        const secrets = this.secrets.get(req.url!) ?? [];
        const verified = secrets.every((secret) => {
          try {
            new Webhook(secret).verify(body, headers);
            return true;
          } catch {
            return false;
          }
        });
        if (!verified || secrets.length === 0) {
          this.rejected.push(headers['webhook-id']);
          res.writeHead(400).end('bad signature');
          return;
        }
        if (this.status >= 300) {
          res.writeHead(this.status).end('not now');
          return;
        }
        const message = JSON.parse(body) as { type: string; data: { applicationNo: string; seq: number } };
        this.got.push({ path: req.url!, id: headers['webhook-id'], type: message.type, applicationNo: message.data.applicationNo, seq: message.data.seq, signatures: headers['webhook-signature'].split(' ').length });
        res.writeHead(this.status).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stops listening: connections are refused until it starts again on the same port. */
  async stop(): Promise<void> {
    const server = this.server!;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A new path for an endpoint. */
  newPath(): string {
    return `/hooks/${++this.paths}`;
  }

  url(path: string) {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  of(path: string, applicationNo?: string) {
    return this.got.filter((r) => r.path === path && (!applicationNo || r.applicationNo === applicationNo));
  }
}

const receiver = new Receiver();
let sender: WebhookSender | undefined;
/** Retries after 0.2 s, 0.5 s, then every second: days in production, seconds here. */
const QUICK = [0.2, 0.5, ...Array<number>(300).fill(1)];

async function restartSender(options: { pauseAfterMs?: number } = {}) {
  await sender?.close();
  sender = startWebhookSender({ db: stack.db, logger, retrySchedule: QUICK, pollMs: 100, timeoutMs: 2000, ...options });
}

beforeAll(async () => {
  stack = await startStack();
  itemCode = await saveTestItem(stack.db);
  await receiver.start();
  await restartSender();
});
afterAll(async () => {
  await sender?.close();
  await receiver.stop().catch(() => {});
  await stack?.close();
});

/** An endpoint of the stack's integrator at a new path of the receiver, whose secret the receiver then verifies with. */
async function register(types: string[] = ['application.submitted', 'application.accepted', 'review.decided', 'application.completed', 'application.picked_up', 'document.issued'], at?: string) {
  const path = receiver.newPath();
  const res = await stack.integrator({ method: 'POST', url: '/v1/webhooks/endpoints', payload: { url: at ?? receiver.url(path), eventTypes: types, description: '测试门户' } });
  const created = ok<{ id: string; secret: string; status: string }>(res, 201);
  receiver.secrets.set(path, [created.secret]);
  return { ...created, path };
}

/** A decision, tried again while the review task is still being opened. */
async function approve(no: string) {
  await expect.poll(async () => (await act.approve(no, LEAD)).statusCode, { timeout: 20_000, interval: 200 }).toBe(200);
}

async function pendingOf(endpointId: string) {
  const [row] = await stack.db
    .select({ n: count() })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, 'pending')));
  return row.n;
}

async function messagesOf(endpointId: string) {
  return stack.db
    .select({ id: webhookMessages.id, applicationNo: webhookMessages.applicationNo, seq: webhookMessages.seq, position: webhookMessages.position, type: webhookMessages.type })
    .from(webhookDeliveries)
    .innerJoin(webhookMessages, eq(webhookMessages.id, webhookDeliveries.messageId))
    .where(eq(webhookDeliveries.endpointId, endpointId))
    .orderBy(webhookMessages.applicationNo, webhookMessages.seq, webhookMessages.position);
}

describe('delivery', () => {
  let endpoint: { id: string; secret: string; path: string };

  it('gets every change exactly once and in order per application, after the receiver was down a while', { timeout: 120_000 }, async () => {
    endpoint = await register();
    const of = (no: string) => receiver.of(endpoint.path, no);
    const a = await act.submit({ itemCode });
    ok(await act.accept(a));
    await expect.poll(() => of(a).map((r) => r.type), { timeout: 20_000 }).toContain('application.accepted');

    // Down: the receiver refuses connections while A is decided and picked up and B is submitted and accepted.
    await receiver.stop();
    const b = await act.submit({ itemCode });
    await approve(a);
    ok(await act.accept(b));
    await expect.poll(async () => (await act.pickup(a)).statusCode, { timeout: 20_000, interval: 200 }).toBe(200);
    // Retried meanwhile: the log shows refused attempts.
    await expect
      .poll(
        async () => {
          const log = ok<{ deliveries: { attempts: number; lastError: string | null; status: string }[] }>(await stack.integrator(`/v1/webhooks/endpoints/${endpoint.id}/deliveries?status=pending`));
          return log.deliveries.some((d) => d.attempts >= 2 && d.lastError === 'ECONNREFUSED');
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    await expect.poll(async () => (await messagesOf(endpoint.id)).filter((m) => m.applicationNo === a && m.type === 'application.picked_up').length, { timeout: 20_000 }).toBe(1);
    const before = receiver.of(endpoint.path).length;
    expect(of(b)).toEqual([]);

    await receiver.start(); // back, on the same port
    await expect.poll(() => pendingOf(endpoint.id), { timeout: 30_000 }).toBe(0);
    expect(receiver.of(endpoint.path).length).toBeGreaterThan(before);

    const queued = await messagesOf(endpoint.id);
    const ids = receiver.of(endpoint.path).map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length); // exactly once
    expect(ids.sort()).toEqual(queued.map((m) => m.id).sort()); // every one
    expect(receiver.rejected).toEqual([]);
    for (const no of [a, b]) {
      const got = of(no);
      const inOrder = queued.filter((m) => m.applicationNo === no).map((m) => m.id);
      expect(got.map((r) => r.id)).toEqual(inOrder); // in order per application
    }
    expect(of(a).map((r) => r.type)).toEqual([
      'application.submitted',
      'application.accepted',
      'document.issued', // the acceptance notice (受理通知书)
      'review.decided',
      'application.completed',
      'document.issued', // the approval decision
      'application.picked_up',
    ]);
    expect(of(b).map((r) => r.type)).toEqual(['application.submitted', 'application.accepted', 'document.issued']);
  });

  it('holds a message until every earlier event of its application is in the read model', { timeout: 60_000 }, async () => {
    // Decisions taken at the same moment may reach the read model in two writes, the later numbers first
    // (seen in the fault run): here event 3 is written before event 2, as such a write would.
    const decisions = await register(['application.submitted', 'review.decided']);
    const input = { ...(await applicationInput(stack.db, itemCode)), submittedBy: `integrator:${stack.integrator.keyId}` };
    const no = input.applicationNo;
    await writeSubmission(stack.db, input);
    const state = { applicationNo: no, centreCode: input.centreCode, itemCode, stage: 'in_review' } as ApplicationState;
    const write = (seq: number) =>
      stack.db.transaction(async (tx) => {
        const event = { seq, type: 'review_approved', at: new Date().toISOString(), step: 0, department: LEAD };
        await tx.insert(events).values(eventRow(state, event));
        await enqueueWebhooks(tx, no, eventDrafts([event], state));
      });
    await write(3);
    await expect.poll(() => receiver.of(decisions.path, no).map((r) => r.seq), { timeout: 20_000 }).toEqual([1]);
    await new Promise((r) => setTimeout(r, 1000)); // several rounds of the sender
    expect(receiver.of(decisions.path, no).map((r) => r.seq)).toEqual([1]); // 3 waits for 2
    await write(2);
    await expect.poll(() => receiver.of(decisions.path, no).map((r) => r.seq), { timeout: 20_000 }).toEqual([1, 2, 3]);
  });

  it('keeps a delivery log with every attempt and the exact body, and replays with the same webhook-id', { timeout: 60_000 }, async () => {
    await expect.poll(() => pendingOf(endpoint.id), { timeout: 20_000 }).toBe(0);
    const log = ok<{ deliveries: { id: number; messageId: string; status: string; attempts: number }[] }>(await stack.integrator(`/v1/webhooks/endpoints/${endpoint.id}/deliveries?limit=200`));
    expect(log.deliveries.every((d) => d.status === 'delivered')).toBe(true);
    const retried = log.deliveries.find((d) => d.attempts > 1)!;
    const detail = ok<{ payload: { type: string; data: { applicationNo: string } }; attempts: { status: number | null; error: string | null }[] }>(
      await stack.integrator(`/v1/webhooks/endpoints/${endpoint.id}/deliveries/${retried.id}`),
    );
    expect(detail.attempts.length).toBe(retried.attempts);
    expect(detail.attempts.at(-1)).toMatchObject({ status: 204, error: null });
    expect(detail.attempts[0]).toMatchObject({ status: null, error: 'ECONNREFUSED' });

    const before = receiver.of(endpoint.path).length;
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const replay = ok<{ replayed: number }>(await stack.integrator({ method: 'POST', url: `/v1/webhooks/endpoints/${endpoint.id}/replay`, payload: { since, applicationNo: detail.payload.data.applicationNo } }), 202);
    expect(replay.replayed).toBeGreaterThan(0);
    await expect.poll(() => receiver.of(endpoint.path).length - before, { timeout: 20_000 }).toBe(replay.replayed);
    const again = receiver.of(endpoint.path).slice(before);
    expect(again.every((r) => r.applicationNo === detail.payload.data.applicationNo)).toBe(true);
    expect(new Set(again.map((r) => r.id)).size).toBe(again.length);
    expect(again.every((r) => log.deliveries.some((d) => d.messageId === r.id))).toBe(true); // the same ids
  });

  it('signs with both secrets while the old one lasts after a rotation; either verifies', { timeout: 60_000 }, async () => {
    const rotated = ok<{ secret: string; secrets: { expiresAt: string | null }[] }>(await stack.integrator({ method: 'POST', url: `/v1/webhooks/endpoints/${endpoint.id}/rotate-secret`, payload: { keepOldHours: 1 } }));
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secrets).toHaveLength(2);
    receiver.secrets.set(endpoint.path, [endpoint.secret, rotated.secret]); // both must verify
    const no = await act.submit({ itemCode });
    await expect.poll(() => receiver.of(endpoint.path, no).length, { timeout: 20_000 }).toBe(1);
    expect(receiver.of(endpoint.path, no)[0].signatures).toBe(2);

    // The old secret retired at once: one signature, by the new secret only.
    const now = ok<{ secret: string; secrets: unknown[] }>(await stack.integrator({ method: 'POST', url: `/v1/webhooks/endpoints/${endpoint.id}/rotate-secret`, payload: { keepOldHours: 0 } }));
    expect(now.secrets).toHaveLength(1);
    receiver.secrets.set(endpoint.path, [now.secret]);
    const next = await act.submit({ itemCode });
    await expect.poll(() => receiver.of(endpoint.path, next).length, { timeout: 20_000 }).toBe(1);
    expect(receiver.of(endpoint.path, next)[0].signatures).toBe(1);
    expect(receiver.rejected).toEqual([]);
    endpoint.secret = now.secret;
    expect(() => new Webhook(endpoint.secret).verify('{}', { 'webhook-id': 'x', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' })).toThrow();
  });
});

describe('the README’s sample receiver', () => {
  it('verifies and prints each message once', { timeout: 60_000 }, async () => {
    const endpointUrl = (port: number) => `http://127.0.0.1:${port}/`;
    const created = await register(['application.submitted', 'application.accepted'], 'http://127.0.0.1:9/');
    const tsx = path.join(import.meta.dirname, '..', 'node_modules', '.bin', 'tsx');
    const sample = spawn(tsx, [path.join(import.meta.dirname, '..', 'scripts', 'webhooks', 'receiver.ts')], { env: { ...process.env, WEBHOOK_SECRET: created.secret, PORT: '0' } });
    try {
      const [line] = (await once(createInterface({ input: sample.stderr }), 'line')) as [string];
      const port = Number(/port (\d+)/.exec(line)![1]);
      const printed: { id: string; type: string; data: { applicationNo: string } }[] = [];
      createInterface({ input: sample.stdout }).on('line', (l) => printed.push(JSON.parse(l)));
      ok(await stack.integrator({ method: 'PUT', url: `/v1/webhooks/endpoints/${created.id}`, payload: { url: endpointUrl(port), eventTypes: ['application.submitted', 'application.accepted'] } }));
      const no = await act.submit({ itemCode });
      ok(await act.accept(no));
      await expect.poll(() => printed.filter((m) => m.data.applicationNo === no).map((m) => m.type), { timeout: 20_000 }).toEqual(['application.submitted', 'application.accepted']);
      // A forged message is refused with 400.
      const forged = await fetch(endpointUrl(port), { method: 'POST', body: '{"type":"application.accepted"}', headers: { 'webhook-id': 'msg_x', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,Zm9yZ2Vk' } });
      expect(forged.status).toBe(400);
    } finally {
      sample.kill();
      await stack.integrator({ method: 'DELETE', url: `/v1/webhooks/endpoints/${created.id}` });
    }
  });
});

describe('a dead endpoint', () => {
  it('is paused, its integrator told in every answer; nothing is dropped, and all goes out in order on resume', { timeout: 90_000 }, async () => {
    // Its own integrator, whose receiver answers 503 for now.
    const { id: keyId, key } = await createKey(stack.db, ['450000'], 'Dead portal');
    const portal = caller(stack.app, async () => ({ 'x-api-key': key }));
    const dead = new Receiver();
    await dead.start();
    dead.status = 503;
    const path = dead.newPath();
    const created = ok<{ id: string; secret: string }>(await portal({ method: 'POST', url: '/v1/webhooks/endpoints', payload: { url: dead.url(path), eventTypes: ['application.submitted', 'application.accepted'] } }), 201);
    dead.secrets.set(path, [created.secret]);
    await restartSender({ pauseAfterMs: 1500 });
    try {
      const no = ok<{ applicationNo: string }>(await portal({ method: 'POST', url: '/v1/applications', payload: (await import('./support/people.js')).submission({ itemCode }) }), 201).applicationNo;
      await expect.poll(async () => (await stack.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, created.id)))[0].status, { timeout: 20_000 }).toBe('paused');
      ok(await act.accept(no));

      const answer = await portal('/v1/webhooks/endpoints');
      expect(answer.headers['onewindow-webhooks-paused']).toContain(created.id);
      const view = ok<{ endpoints: { id: string; status: string; pausedReason: string }[] }>(answer).endpoints.find((e) => e.id === created.id)!;
      expect(view.status).toBe('paused');
      expect(view.pausedReason).toContain('answered 503');
      expect((await stack.integrator('/v1/webhooks/endpoints')).headers['onewindow-webhooks-paused']).toBeUndefined(); // only its own integrator
      await expect.poll(() => pendingOf(created.id), { timeout: 20_000 }).toBe(2); // kept, waiting
      await new Promise((r) => setTimeout(r, 1000));
      expect(dead.got).toEqual([]); // paused: not tried

      dead.status = 204;
      const resuming = await portal({ method: 'POST', url: `/v1/webhooks/endpoints/${created.id}/resume` });
      expect(ok<{ status: string }>(resuming).status).toBe('active');
      expect(resuming.headers['onewindow-webhooks-paused']).toBeUndefined();
      await expect.poll(() => dead.got.map((r) => r.type), { timeout: 20_000 }).toEqual(['application.submitted', 'application.accepted']);
      expect((await portal('/v1/webhooks/endpoints')).headers['onewindow-webhooks-paused']).toBeUndefined();
      expect(keyId).toBeTruthy();
    } finally {
      await dead.stop();
      await restartSender();
    }
  });
});

describe('senders', () => {
  it('a sender that stops leaves its work to another; nothing is sent twice at once', { timeout: 60_000 }, async () => {
    const endpoint = await register(['application.submitted']);
    await sender?.close();
    sender = undefined;
    const before = receiver.of(endpoint.path).length;
    const nos: string[] = [];
    for (let i = 0; i < 4; i++) nos.push(await act.submit({ itemCode }));
    await expect.poll(() => pendingOf(endpoint.id), { timeout: 20_000 }).toBe(4); // queued with no sender running
    // Two senders at once, then one stops.
    const second = startWebhookSender({ db: stack.db, logger, retrySchedule: QUICK, pollMs: 50 });
    await restartSender();
    await expect.poll(() => pendingOf(endpoint.id), { timeout: 20_000 }).toBe(0);
    await second.close();
    const got = receiver.of(endpoint.path).slice(before);
    expect(got.map((r) => r.applicationNo).sort()).toEqual([...nos].sort());
  });
});

describe('complaints', () => {
  it('tells the integrator that filed a complaint its acceptance and its answer, in order, and no one else', { timeout: 60_000 }, async () => {
    const types = ['complaint.accepted', 'complaint.not_accepted', 'complaint.answered'];
    const mine = await register(types);
    const otherKey = caller(stack.app, async () => ({ 'x-api-key': (await createKey(stack.db, ['450000'], 'Another portal')).key }));
    const otherPath = receiver.newPath();
    const other = ok<{ id: string; secret: string }>(await otherKey({ method: 'POST', url: '/v1/webhooks/endpoints', payload: { url: receiver.url(otherPath), eventTypes: types } }), 201);
    receiver.secrets.set(otherPath, [other.secret]);
    const reference = `12345-${Date.now()}`;
    const complaint = ok<{ id: string }>(
      await stack.integrator({
        method: 'POST',
        url: '/v1/complaints',
        payload: { subject: { kind: 'centre', centreCode: '450100' }, content: '窗口排队两小时无人引导', complainant: { name: '赵六', phone: '13900000000' }, reference },
      }),
      201,
    );
    const supervisor = stack.as('450100-supervisor');
    ok(await supervisor({ method: 'POST', url: `/v1/follow-ups/${complaint.id}/acceptance`, payload: { accepted: true, note: '予以受理' } }));
    const officer = '450100-market_regulation-officer';
    ok(
      await supervisor({
        method: 'POST',
        url: `/v1/follow-ups/${complaint.id}/findings`,
        payload: { substantiated: true, findings: '现场无引导员属实', reply: '情况属实，已增设引导岗，感谢监督', responsible: [officer] },
      }),
    );
    await expect.poll(() => receiver.of(mine.path).map((r) => r.type), { timeout: 20_000 }).toEqual(['complaint.accepted', 'complaint.answered']);
    const bodies = (await messagesOf(mine.id)).map((m) => m.id);
    expect(bodies).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^msg_${complaint.id}_\\d+_complaint.accepted$`))]));
    const [accepted, answered] = await stack.db
      .select({ payload: webhookMessages.payload })
      .from(webhookMessages)
      .where(eq(webhookMessages.applicationNo, complaint.id))
      .orderBy(webhookMessages.seq);
    expect(accepted.payload.data).toMatchObject({ complaintId: complaint.id, reference, centreCode: '450100', stage: 'investigating' });
    expect(typeof accepted.payload.data.investigationDue).toBe('string');
    expect(answered.payload.data).toMatchObject({ complaintId: complaint.id, reference, stage: 'closed', outcome: 'substantiated', reply: '情况属实，已增设引导岗，感谢监督' });
    // Nothing about the complainant, nor the officers found responsible.
    for (const { payload } of [accepted, answered]) expect(JSON.stringify(payload)).not.toMatch(/赵六|13900000000|market_regulation-officer|引导员属实/);
    // Another integrator's endpoint with the same types hears nothing of it.
    expect(receiver.of(otherPath)).toEqual([]);
    expect(await messagesOf(other.id)).toEqual([]);
  });
});

describe('what a message says', () => {
  it('makes a fee reduction or waiver a fee.adjusted message, and a rejection both a decision and the rejection', () => {
    const state = { applicationNo: 'x', centreCode: '450100', itemCode: 'i', stage: 'rejected' } as ApplicationState;
    const drafts = eventDrafts(
      [
        { seq: 7, type: 'fee_waived', at: '2026-03-18T02:00:00.000Z', data: { fromFen: 9000, toFen: 0, reason: '困难群众', noticeNo: 'x-F2' } },
        { seq: 8, type: 'review_rejected', at: '2026-03-18T03:00:00.000Z', department: 'taxation', step: 0, data: { reason: '材料不实' } },
        { seq: 9, type: 'review_withdrawn', at: '2026-03-18T03:00:00.000Z', department: 'public_security', step: 0 },
      ],
      state,
    );
    expect(drafts.map((d) => [d.seq, d.position, d.type])).toEqual([
      [7, 0, 'fee.adjusted'],
      [8, 0, 'review.decided'],
      [8, 1, 'application.rejected'],
    ]);
    expect(drafts[0].data).toMatchObject({ waived: true, fromFen: 9000, toFen: 0, noticeNo: 'x-F2' });
    expect(drafts[2].data).toMatchObject({ cause: 'review', department: 'taxation', reason: '材料不实', stage: 'rejected' });
  });
});

describe('registration', () => {
  it('refuses a bad URL, an unknown type, a repeated type, another key’s endpoint and staff, storing nothing', async () => {
    const before = (await stack.db.select({ n: count() }).from(webhookEndpoints))[0].n;
    const cases: [object, string][] = [
      [{ url: 'ftp://portal.example/hooks', eventTypes: ['application.accepted'] }, 'body.url'],
      [{ url: 'not a url', eventTypes: ['application.accepted'] }, 'body.url'],
      [{ url: 'https://user:pw@portal.example/hooks', eventTypes: ['application.accepted'] }, 'body.url'],
      [{ url: 'https://portal.example/hooks', eventTypes: ['application.exploded'] }, 'body.eventTypes.0'],
      [{ url: 'https://portal.example/hooks', eventTypes: [] }, 'body.eventTypes'],
      [{ url: 'https://portal.example/hooks', eventTypes: ['fee.paid', 'fee.paid'] }, 'body.eventTypes'],
    ];
    for (const [payload, field] of cases) {
      const res = await stack.integrator({ method: 'POST', url: '/v1/webhooks/endpoints', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect((res.json() as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)).toContain(field);
    }
    const mine = await register(['fee.paid'], 'https://portal.example/hooks');
    const { key } = await createKey(stack.db, ['450100'], 'Other portal');
    const other = caller(stack.app, async () => ({ 'x-api-key': key }));
    expect((await other(`/v1/webhooks/endpoints/${mine.id}`)).statusCode).toBe(404);
    expect((await other({ method: 'POST', url: `/v1/webhooks/endpoints/${mine.id}/replay`, payload: { since: new Date().toISOString() } })).statusCode).toBe(404);
    expect((await stack.as('450100-supervisor')('/v1/webhooks/endpoints')).statusCode).toBe(403);
    expect((await stack.db.select({ n: count() }).from(webhookEndpoints))[0].n).toBe(before + 1);

    // The GET's answer, edited, goes back with PUT as it is.
    const got = ok<Record<string, unknown>>(await stack.integrator(`/v1/webhooks/endpoints/${mine.id}`));
    const put = ok<{ eventTypes: string[] }>(await stack.integrator({ method: 'PUT', url: `/v1/webhooks/endpoints/${mine.id}`, payload: { ...got, eventTypes: ['fee.paid', 'fee.assessed'] } }));
    expect(put.eventTypes).toEqual(['fee.paid', 'fee.assessed']);
    expect(ok<{ status: string }>(await stack.integrator({ method: 'DELETE', url: `/v1/webhooks/endpoints/${mine.id}` })).status).toBe('disabled');
    expect((await stack.integrator({ method: 'PUT', url: `/v1/webhooks/endpoints/${mine.id}`, payload: got })).statusCode).toBe(409);
  });

  it('disables a key’s endpoints when the key is revoked', async () => {
    const { id: keyId, key } = await createKey(stack.db, ['450100'], 'Leaked portal');
    const portal = caller(stack.app, async () => ({ 'x-api-key': key }));
    const created = ok<{ id: string }>(await portal({ method: 'POST', url: '/v1/webhooks/endpoints', payload: { url: 'https://attacker.example/hooks', eventTypes: ['application.accepted'] } }), 201);
    ok(await stack.as('450000-security')({ method: 'DELETE', url: `/v1/integrators/${keyId}` }));
    const [row] = await stack.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, created.id));
    expect(row.status).toBe('disabled');
  });
});

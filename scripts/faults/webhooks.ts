/**
 * The fault run's webhooks (issue 24): an endpoint of the windows' integrator, subscribed to every type,
 * and its receiver on loopback, which verifies each signature and keeps what arrived in order. The
 * receiver is stopped for a while as one of the faults. Afterwards every message queued for the endpoint
 * (and every message the run's events and documents make must be queued for it) must have arrived (at least once: a worker killed between a send and its record sends it again), each
 * application's in order, none unsigned or unknown, and none left pending or failed.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, count, eq, ne } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import type { Db } from '../../db/client.js';
import { applications, documents, events, webhookDeliveries, webhookEndpoints, webhookMessages } from '../../db/schema/index.js';
import { WEBHOOK_TYPES, expectedMessageIds } from '../../db/webhooks.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The workers' retries in the run: seconds, not the days of production, so the check need not wait long. */
export const FAULT_RUN_WEBHOOK_ENV = { WEBHOOK_RETRY_SCHEDULE: [1, 1, 2, 2, 3, 3, ...Array<number>(40).fill(5)].join(','), WEBHOOK_ALLOW_HTTP: 'true' };

type Call = (method: string, url: string, headers: Record<string, string>, body?: unknown) => Promise<{ status: number; json: Record<string, unknown> }>;

export async function openWebhooks(options: { call: Call; integrator: Record<string, string>; log: (message: string) => void }) {
  const arrived: { id: string; applicationNo: string }[] = [];
  const badSignatures: string[] = [];
  const signing: { webhook?: Webhook } = {}; // known once the endpoint is registered
  let server: Server | undefined;
  let port = 0;

  const listen = async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          const message = signing.webhook!.verify(body, req.headers as Record<string, string>) as { data: { applicationNo: string } };
          arrived.push({ id: String(req.headers['webhook-id']), applicationNo: message.data.applicationNo });
          res.writeHead(204).end();
        } catch {
          badSignatures.push(String(req.headers['webhook-id']));
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  await listen();
  const created = await options.call('POST', '/v1/webhooks/endpoints', options.integrator, { url: `http://127.0.0.1:${port}/onewindow`, eventTypes: WEBHOOK_TYPES });
  if (created.status !== 201) throw new Error(`the webhook endpoint was not registered: ${created.status} ${JSON.stringify(created.json)}`);
  const endpointId = created.json.id as string;
  signing.webhook = new Webhook(created.json.secret as string);
  options.log(`webhook receiver at http://127.0.0.1:${port}, endpoint ${endpointId}`);

  return {
    /** The receiver refuses connections for `ms`. */
    async down(ms: number) {
      const s = server!;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
      options.log(`webhook receiver down for ${ms / 1000} s`);
      await sleep(ms);
      await listen();
      options.log('webhook receiver back');
    },

    /** Waits for the endpoint's deliveries to settle, then compares what arrived with what was queued. */
    async check(db: Db, timeoutMs = 180_000): Promise<{ summary: string; mismatches: string[] }> {
      const d = webhookDeliveries;
      const unsettled = async () => (await db.select({ n: count() }).from(d).where(and(eq(d.endpointId, endpointId), ne(d.status, 'delivered'))))[0].n;
      for (const deadline = Date.now() + timeoutMs; (await unsettled()) > 0 && Date.now() < deadline; ) await sleep(1000);
      const queued = await db
        .select({ id: webhookMessages.id, applicationNo: webhookMessages.applicationNo, status: d.status })
        .from(d)
        .innerJoin(webhookMessages, eq(webhookMessages.id, d.messageId))
        .where(eq(d.endpointId, endpointId))
        .orderBy(webhookMessages.applicationNo, webhookMessages.seq, webhookMessages.position);
      server?.close();
      const mismatches: string[] = [];
      // Every message the run's events and documents make must have been queued: the outbox lost none.
      const [endpoint] = await db.select({ keyId: webhookEndpoints.keyId }).from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
      const nos = (await db.select({ no: applications.applicationNo }).from(applications).where(eq(applications.submittedBy, `integrator:${endpoint.keyId}`))).map((r) => r.no);
      const queuedIds = new Set(queued.map((m) => m.id));
      let expected = 0;
      for (const no of nos) {
        const made = await db.select({ seq: events.seq, type: events.type }).from(events).where(eq(events.applicationNo, no));
        const issued = await db.select({ causeSeq: documents.causeSeq, kind: documents.kind }).from(documents).where(eq(documents.applicationNo, no));
        for (const id of expectedMessageIds(no, made, issued)) {
          expected++;
          if (!queuedIds.has(id)) mismatches.push(`webhook ${id} was never queued`);
        }
      }
      const received = new Map<string, number>();
      for (const a of arrived) received.set(a.id, (received.get(a.id) ?? 0) + 1);
      const known = new Set(queued.map((m) => m.id));
      const lost = queued.filter((m) => !received.has(m.id));
      const unknown = [...received.keys()].filter((id) => !known.has(id));
      const repeated = [...received.values()].filter((n) => n > 1).length;
      const notDelivered = queued.filter((m) => m.status !== 'delivered');
      // In order: each application's messages first arrived in the order they were queued.
      const firstArrivals = new Map<string, string[]>();
      for (const a of arrived) {
        const seen = firstArrivals.get(a.applicationNo) ?? [];
        if (!seen.includes(a.id)) seen.push(a.id);
        firstArrivals.set(a.applicationNo, seen);
      }
      let outOfOrder = 0;
      for (const [no, ids] of firstArrivals) {
        const expected = queued.filter((m) => m.applicationNo === no && ids.includes(m.id)).map((m) => m.id);
        if (expected.join() !== ids.join()) {
          outOfOrder++;
          mismatches.push(`webhooks of ${no} arrived out of order: ${ids.join(', ')}`);
        }
      }
      for (const m of lost) mismatches.push(`webhook ${m.id} never arrived (${m.status})`);
      for (const id of unknown) mismatches.push(`webhook ${id} arrived but was never queued`);
      if (notDelivered.length > 0) mismatches.push(`${notDelivered.length} webhook deliveries not delivered: ${notDelivered.map((m) => `${m.id} ${m.status}`).slice(0, 5).join('; ')}`);
      if (badSignatures.length > 0) mismatches.push(`${badSignatures.length} webhook requests failed their signature`);
      if (queued.length === 0) mismatches.push('no webhook was queued: the outbox was never written');
      const summary = `webhooks:         ${expected} made by ${nos.length} applications' events and documents, ${queued.length} queued, ${received.size} arrived, ${lost.length} lost, ${repeated} repeated (at least once), ${outOfOrder} applications out of order, ${badSignatures.length} bad signatures`;
      return { summary, mismatches };
    },
  };
}

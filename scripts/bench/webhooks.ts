/**
 * `npm run bench:webhooks`: how fast the webhook senders empty the outbox. In a database of its own on
 * the PostgreSQL server of DATABASE_URL, it queues BENCH_MESSAGES messages (10 per application) for one
 * endpoint whose receiver runs on loopback and answers 204 after BENCH_RECEIVER_MS, then starts
 * BENCH_SENDERS senders (as that many workers would run) and prints deliveries per second and the time
 * from queueing to arrival (p50, p95, p99), and checks that each application's messages arrived in
 * order. Not a test: it asserts nothing.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { pino } from 'pino';
import { openDatabase } from '../../db/client.js';
import { createScratchDatabase } from '../../db/scratch.js';
import { apiKeys, applications, events, webhookDeliveries, webhookEndpoints, webhookMessages } from '../../db/schema/index.js';
import { newWebhookSecret } from '../../db/webhooks.js';
import { startWebhookSender } from '../../server/webhook-sender.js';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
const messages = Number(process.env.BENCH_MESSAGES ?? 5000);
const senders = Number(process.env.BENCH_SENDERS ?? 2);
const receiverMs = Number(process.env.BENCH_RECEIVER_MS ?? 5);
const PER_APPLICATION = 10;

const scratch = await createScratchDatabase(serverUrl, `onewindow_bench_webhooks_${process.pid}`);
const database = await openDatabase({ url: scratch.url, dataDir: '' });
const arrivals = new Map<string, number>();
const order = new Map<string, number[]>();
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const id = String(req.headers['webhook-id']);
    arrivals.set(id, Date.now());
    const [, no, seq] = /^msg_(.+)_(\d+)_/.exec(id)!;
    order.set(no, [...(order.get(no) ?? []), Number(seq)]);
    setTimeout(() => res.writeHead(204).end(), receiverMs);
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;

try {
  await database.migrate();
  const db = database.db;
  await db.insert(apiKeys).values({ id: 'benchkey0000', name: 'bench', centres: ['450000'], secretHash: '0'.repeat(64), createdBy: { id: 'bench' } });
  await db.insert(webhookEndpoints).values({ id: 'we_bench', keyId: 'benchkey0000', url, eventTypes: ['application.accepted'], secrets: [{ secret: newWebhookSecret(), createdAt: new Date().toISOString() }] });
  const apps = Math.ceil(messages / PER_APPLICATION);
  const queuedAt = new Date().toISOString();
  for (let a = 0; a < apps; a += 500) {
    const batch = Array.from({ length: Math.min(500, apps - a) }, (_, i) => `450100-20261203-${String(a + i + 1).padStart(6, '0')}`);
    await db.insert(applications).values(
      batch.map((no) => ({
        applicationNo: no,
        itemCode: 'company-startup',
        itemVersion: 1,
        centreCode: '450100',
        leadDepartment: 'market_regulation',
        statutoryLimitDays: 20,
        promisedLimitDays: 5,
        stage: 'in_review' as const,
        applicant: { type: 'person' as const, name: 'x', idNumber: '450100199001011234' },
        materials: [],
        submittedAt: queuedAt,
        submittedBy: 'integrator:benchkey0000',
      })),
    );
    const seqs = Array.from({ length: PER_APPLICATION }, (_, i) => i + 1);
    await db.insert(events).values(batch.flatMap((no) => seqs.map((seq) => ({ applicationNo: no, seq, type: 'intake_accept', at: queuedAt, centreCode: '450100', itemCode: 'company-startup' }))));
    const ids = batch.flatMap((no) => seqs.map((seq) => ({ no, seq, id: `msg_${no}_${seq}_application.accepted` })));
    await db.insert(webhookMessages).values(
      ids.map(({ no, seq, id }) => ({ id, keyId: 'benchkey0000', applicationNo: no, seq, position: 0, type: 'application.accepted', payload: { type: 'application.accepted', timestamp: queuedAt, data: { applicationNo: no, seq } } })),
    );
    await db.insert(webhookDeliveries).values(ids.map(({ no, seq, id }) => ({ endpointId: 'we_bench', messageId: id, applicationNo: no, seq, position: 0 })));
  }
  const total = apps * PER_APPLICATION;
  console.log(`[bench] ${total} messages of ${apps} applications queued; ${senders} sender(s), the receiver answering after ${receiverMs} ms`);
  const logger = pino({ level: 'warn' });
  const started = Date.now();
  const running = Array.from({ length: senders }, () => startWebhookSender({ db, logger, pollMs: 100 }));
  while (arrivals.size < total) await new Promise((r) => setTimeout(r, 200));
  const seconds = (Date.now() - started) / 1000;
  await Promise.all(running.map((s) => s.close()));
  const latencies = [...arrivals.values()].map((at) => at - started).sort((x, y) => x - y);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  const outOfOrder = [...order.values()].filter((seqs) => seqs.some((s, i) => i > 0 && s < seqs[i - 1])).length;
  const result = {
    messages: total,
    applications: apps,
    senders,
    receiverMs,
    seconds: Number(seconds.toFixed(1)),
    perSecond: Math.round(total / seconds),
    arrivedAfterMs: { p50: pct(50), p95: pct(95), p99: pct(99) },
    outOfOrderApplications: outOfOrder,
    cores: os.cpus().length,
  };
  console.log(JSON.stringify(result));
} finally {
  receiver.close();
  await database.close();
  await scratch.drop();
}

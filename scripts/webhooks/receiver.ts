/**
 * A sample webhook receiver (the README's): verifies each message's signature with the endpoint's secret,
 * drops a repeat by its webhook-id (delivery is at least once), prints the message and answers 204.
 * `WEBHOOK_SECRET=whsec_… PORT=8080 npm run webhooks:receiver`. tests/webhooks.test.ts runs it.
 */
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const webhook = new Webhook(process.env.WEBHOOK_SECRET!); // the secret POST /v1/webhooks/endpoints answered
const seen = new Set<string>(); // keep these in your database: a message may come again

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    let message: unknown;
    try {
      message = webhook.verify(body, req.headers as Record<string, string>); // signature, and a timestamp within 5 minutes
    } catch {
      return res.writeHead(400).end('bad signature');
    }
    const id = req.headers['webhook-id'] as string;
    if (!seen.has(id)) {
      seen.add(id);
      console.log(JSON.stringify({ id, ...(message as object) }));
    }
    res.writeHead(204).end();
  });
});
server.listen(Number(process.env.PORT ?? 8080), () => console.error(`listening on port ${(server.address() as { port: number }).port}`));

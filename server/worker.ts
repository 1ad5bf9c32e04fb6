/** `npm run worker`: the production worker process. Scale it independently of the API. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../db/client.js';
import { useAuditKeys } from './audit-keys.js';
import { ensureSchedules } from './schedules.js';
import { loadConfig } from './config.js';
import { dataConverter, payloadKeys } from './payload-codec.js';
import { bundleWorkflows, createLogger, createWorker, installTemporalRuntime, paymentPlatformOf, runProcess } from './runtime.js';
import { startTracing } from './tracing.js';
import { startWebhookSender } from './webhook-sender.js';

/** Compiled (dist/server/worker.js), the bundle `npm run build` made beside it; from the sources, none. */
function builtBundle(): string | undefined {
  const file = path.join(import.meta.dirname, '..', 'workflow-bundle.js');
  return existsSync(file) ? file : undefined;
}

await runProcess(async () => {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('npm run worker needs DATABASE_URL: the embedded database serves `npm start` only');
  const converter = dataConverter(payloadKeys(config, { localKeyFile: false }));
  useAuditKeys(config, { local: 'none' });
  const logger = createLogger(config.logLevel);
  installTemporalRuntime(logger, config.worker.metricsAddress);
  const tracing = startTracing(config.tracing, 'onewindow-worker');
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  const address = config.temporal.address ?? 'localhost:7233';
  const { worker, connection, client } = await createWorker({
    temporal: config.temporal,
    address,
    db: database.db,
    workflowBundle: await bundleWorkflows(config.worker.bundlePath ?? builtBundle()),
    dataConverter: converter,
    tuning: config.worker,
    waitForNamespace: logger,
    tracing,
    payments: paymentPlatformOf(config),
    documents: config.documents,
  });
  await ensureSchedules(client, config);
  const running = worker.run();
  running.catch((err: unknown) => {
    logger.fatal({ err }, 'the worker stopped');
    process.exitCode = 1; // a supervisor restarts it
    process.kill(process.pid, 'SIGTERM');
  });
  logger.info({ address, taskQueue: config.temporal.taskQueue }, 'worker polling');
  // Each worker sends the integrators' webhooks too: the senders share the outbox without sending anything twice at once.
  const webhooks = config.webhooks.send ? startWebhookSender({ db: database.db, logger, ...config.webhooks }) : undefined;
  return [
    async () => webhooks?.close(),
    async () => {
      worker.shutdown(); // finishes the tasks in hand, takes no new ones
      await running.catch(() => {});
    },
    () => connection.close(),
    () => database.close(),
    async () => tracing?.shutdown(),
  ];
});

/** `npm run api`: the production API process. Scale it independently of the worker. */
import { buildApp } from '../api/app.js';
import { metricsRegistry, serveMetrics } from '../api/metrics.js';
import { openBlobStore } from '../db/blob-store.js';
import { openDatabase } from '../db/client.js';
import { loadConfig } from './config.js';
import { useAuditKeys } from './audit-keys.js';
import { apiPayments, authConfig, createLogger, runProcess, temporalClient } from './runtime.js';
import { dataConverter, payloadKeys } from './payload-codec.js';
import { prepareTemporal } from './temporal.js';
import { startTracing } from './tracing.js';

await runProcess(async () => {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('npm run api needs DATABASE_URL: the embedded database serves `npm start` only');
  const converter = dataConverter(payloadKeys(config, { localKeyFile: false }));
  useAuditKeys(config, { local: 'none' });
  const logger = createLogger(config.logLevel);
  const tracing = startTracing(config.tracing, 'onewindow-api');
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  const address = config.temporal.address ?? 'localhost:7233';
  const temporal = temporalClient(config.temporal, address, converter, tracing);
  const stopPreparing = await prepareTemporal(temporal.connection, config.temporal.namespace, logger);
  const { issuerUrl } = config.signIn;
  if (!issuerUrl) logger.info('OIDC_ISSUER_URL is not set: no browser sign-in, only tokens and API keys');
  const metrics = config.apiMetricsAddress ? metricsRegistry() : undefined;
  const app = await buildApp(
    {
      database,
      auth: authConfig(config, { localSecret: false }),
      signIn: issuerUrl ? { ...config.signIn, issuerUrl } : undefined,
      security: config.security,
      payments: apiPayments(config),
      attachments: { store: openBlobStore(database.db, config.attachments.storeUrl), maxBytes: config.attachments.maxBytes },
      ratings: config.ratings,
      video: { dir: config.video.dir },
      webhooks: { allowHttp: config.webhooks.allowHttp },
      metrics,
      tracer: tracing?.tracer,
      temporal: { ...temporal, taskQueue: config.temporal.taskQueue, uiUrl: config.temporal.uiUrl },
    },
    { loggerInstance: logger },
  );
  await app.listen({ port: config.port, host: config.host });
  const stopMetrics = metrics ? await serveMetrics(metrics, config.apiMetricsAddress!) : async () => {};
  return [() => app.close(), stopMetrics, async () => stopPreparing(), () => temporal.connection.close(), () => database.close(), async () => tracing?.shutdown()];
});

/**
 * `npm start`: everything in one process for a newcomer. Starts the Temporal dev server (unless
 * TEMPORAL_ADDRESS is set), migrates and seeds the database (embedded PGlite unless DATABASE_URL is
 * set), runs the worker and serves the API. `npm start -- --demo` then runs `npm run simulate -- --demo`
 * against it in a child process: the region's working day and the demo centres whose working day
 * lasts a minute (any further arguments, e.g. `--day-minutes 2`, go to the simulator).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { buildApp } from '../api/app.js';
import { openBlobStore } from '../db/blob-store.js';
import { openDatabase } from '../db/client.js';
import { seedCatalogue } from '../db/seed.js';
import { useAuditKeys } from './audit-keys.js';
import { ensureSchedules } from './schedules.js';
import { ConfigError, loadConfig } from './config.js';
import { startLocalIdp } from './local-idp.js';
import { randomBytes } from 'node:crypto';
import { paymentPlatformClient } from '../activities/payment-platform.js';
import { startPaymentPlatform } from './payment-platform.js';
import { startRecorder } from './recorder.js';
import { startWebhookSender } from './webhook-sender.js';
import { apiPayments, authConfig, bundleWorkflows, createLogger, createWorker, installTemporalRuntime, runProcess, temporalClient } from './runtime.js';
import { dataConverter, payloadKeys } from './payload-codec.js';
import { findTemporalCli, prepareTemporal, startDevServer } from './temporal.js';
import { startTracing } from './tracing.js';

const args = process.argv.slice(2);
const demo = args.includes('--demo');

await runProcess(async (started) => {
  const config = loadConfig();
  // Made once in the data folder, like the token secret: the API and the worker here share it.
  const converter = dataConverter(payloadKeys(config, { localKeyFile: true }));
  // The audit log's MAC and signing keys likewise, unless AUDIT_MAC_KEY and AUDIT_SIGNING_KEY are set.
  useAuditKeys(config, { local: 'create' });
  const logger = createLogger(config.logLevel);
  installTemporalRuntime(logger, config.worker.metricsAddress);
  const tracing = startTracing(config.tracing, 'onewindow');
  if (tracing) started(() => tracing.shutdown());

  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  await database.migrate();
  if (await seedCatalogue(database.db)) logger.info('seeded the catalogue into an empty database');

  // Without an identity provider of its own, the centre signs in through the local one (pick an officer).
  const localIdp = config.signIn.issuerUrl
    ? undefined
    : await startLocalIdp({ db: database.db, port: config.signIn.devPort, hostname: 'localhost', redirectUris: [`${config.signIn.publicUrl}/auth/callback`] }).catch(
        (err: unknown) => {
          const taken = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
          throw taken ? new ConfigError(`The local identity provider's port ${config.signIn.devPort} is taken: set OIDC_DEV_PORT to a free one`) : err;
        },
      );
  if (localIdp) started(() => localIdp.close());

  const devServer = config.temporal.address
    ? undefined
    : await startDevServer({
        cliPath: findTemporalCli(config.temporal.cliPath),
        port: config.temporal.devPort,
        uiPort: config.temporal.uiPort,
        dbFile: path.join(config.dataDir, 'temporal.db'),
        logFile: path.join(config.dataDir, 'temporal.log'),
        namespace: config.temporal.namespace,
        // The UI decodes payloads through the API's codec endpoint, for staff signed in to OneWindow.
        codecEndpoint: `${config.signIn.publicUrl}/v1/codec`,
      });
  if (devServer) started(() => devServer.stop());
  const address = config.temporal.address ?? devServer!.address;
  const uiUrl = config.temporal.uiUrl ?? devServer?.uiUrl;

  // Without the region's payment platform, a local simulator issues payment codes and sends real signed notifications.
  const simulatorSecret = config.payments.callbackSecret ?? randomBytes(32).toString('base64');
  const simulatedPayments = config.payments.platformUrl
    ? undefined
    : await startPaymentPlatform({
        port: config.payments.simulatorPort,
        host: '127.0.0.1',
        callbackUrl: `http://127.0.0.1:${config.port}/v1/payments/notifications`,
        secret: simulatorSecret,
        statementDir: path.join(config.dataDir, 'payment-statements'),
      }).catch((err: unknown) => {
        const taken = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
        throw taken ? new ConfigError(`The payment simulator's port ${config.payments.simulatorPort} is taken: set PAYMENT_SIM_PORT to a free one`) : err;
      });
  if (simulatedPayments) started(() => simulatedPayments.close());
  const payments = simulatedPayments
    ? apiPayments(config, paymentPlatformClient({ url: simulatedPayments.url }), simulatorSecret)
    : apiPayments(config);

  const temporal = temporalClient(config.temporal, address, converter, tracing);
  const stopPreparing = await prepareTemporal(temporal.connection, config.temporal.namespace, logger);
  const { worker, connection: workerConnection } = await createWorker({
    temporal: config.temporal,
    address,
    db: database.db,
    workflowBundle: await bundleWorkflows(),
    tracing,
    dataConverter: converter,
    payments: payments?.platform,
    documents: config.documents,
  });
  await ensureSchedules(temporal.client, config, { payments: payments !== undefined });
  const running = worker.run();
  running.catch((err: unknown) => {
    logger.fatal({ err }, 'the worker stopped');
    process.exitCode = 1; // a supervisor restarts it
    process.kill(process.pid, 'SIGTERM');
  });

  const signIn = localIdp
    ? { ...config.signIn, issuerUrl: localIdp.issuer, clientId: localIdp.clientId, clientSecret: localIdp.clientSecret }
    : { ...config.signIn, issuerUrl: config.signIn.issuerUrl! };

  const app = await buildApp(
    {
      database,
      auth: authConfig(config, { localSecret: true }),
      signIn,
      security: config.security,
      payments,
      attachments: { store: openBlobStore(database.db, config.attachments.storeUrl), maxBytes: config.attachments.maxBytes },
      ratings: config.ratings,
      video: { dir: config.video.dir },
      webhooks: { allowHttp: config.webhooks.allowHttp },
      temporal: { ...temporal, taskQueue: config.temporal.taskQueue, uiUrl },
      tracer: tracing?.tracer,
    },
    { loggerInstance: logger },
  );
  await app.listen({ port: config.port, host: config.host });

  // The windows' cameras, recorded here while any are registered (the simulator's --cameras adds synthetic ones).
  const recorder = config.video.record
    ? await startRecorder({ db: database.db, logger, root: config.video.dir, ...config.video })
    : undefined;

  // The integrators' webhooks, sent from here as a worker sends them in production.
  const webhooks = config.webhooks.send ? startWebhookSender({ db: database.db, logger, ...config.webhooks }) : undefined;

  const base = `http://localhost:${config.port}`;
  console.log(
    [
      '',
      'OneWindow is running.',
      `  API:         ${base}/v1/applications`,
      `  API docs:    ${base}/docs`,
      `  Supervision: ${base}/supervision`,
      `  Workstation: ${base}/workstation`,
      `  Temporal UI: ${uiUrl ?? '(not started here)'}`,
      `  Video:       ${recorder ? `recording the registered cameras into ${config.video.dir} (none yet? npm run simulate -- --cameras)` : 'not recording (VIDEO_RECORD=false)'}`,
      `  Payments:    ${simulatedPayments ? `the local payment platform simulator ${simulatedPayments.url} (pay a code: curl -X POST ${simulatedPayments.url}/sim/pay -H 'content-type: application/json' -d '{"paymentCode":"…"}')` : config.payments.platformUrl ?? 'none configured'}`,
      `  Webhooks:    ${webhooks ? 'sent from here to the endpoints integrators register (POST /v1/webhooks/endpoints)' : 'not sent (WEBHOOK_SEND=false)'}`,
      `  Temporal:    ${address} (namespace ${config.temporal.namespace})`,
      `  Database:    ${database.kind === 'pglite' ? `embedded PGlite in ${path.join(config.dataDir, 'pglite')}` : 'PostgreSQL (DATABASE_URL)'}`,
      `  Sign in:     ${base}/auth/login?returnTo=/supervision   (${localIdp ? `local identity provider ${localIdp.issuer}: pick an officer` : `identity provider ${signIn.issuerUrl}`})`,
      '  Machines:    npm run token -- 450000-supervisor   (a staff token for curl; see README, "Who may do what")',
      ...(demo ? ['  Demo:        npm run simulate -- --demo, running now: the demo centres 459900 and 459800 (in the sea off Beihai) turn yellow and red within minutes'] : []),
      'Stop with Ctrl+C.',
      '',
    ].join('\n'),
  );

  // The demo: the simulator as a child process, as `npm run simulate -- --demo` would run it.
  let simulator: ChildProcess | undefined;
  if (demo) {
    const script = path.join(import.meta.dirname, '..', 'scripts', 'simulate.ts');
    simulator = spawn(process.execPath, [...process.execArgv, script, ...args, '--api', base], { stdio: 'inherit', env: process.env });
    simulator.on('exit', (code) => code && logger.warn({ code }, 'the demo simulator stopped with an error'));
  }

  return [
    async () => void simulator?.kill(),
    async () => recorder?.close(),
    async () => webhooks?.close(),
    () => app.close(),
    async () => {
      worker.shutdown();
      await running.catch(() => {});
    },
    () => workerConnection.close(),
    async () => stopPreparing(),
    () => temporal.connection.close(),
    async () => devServer?.stop(),
    async () => localIdp?.close(),
    () => database.close(),
    async () => tracing?.shutdown(),
  ];
});

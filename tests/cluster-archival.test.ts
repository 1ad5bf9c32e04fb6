/**
 * Temporal's own archival on the real server, configured as `npm run cluster` configures it
 * (scripts/cluster/temporal.yaml, configureNamespace): an application closes, the server archives its
 * history and visibility record, retention deletes it from the store, and then the history is still
 * served whole by workflow id and run id, and `temporal workflow list --archived` finds it. Into a
 * folder, and into an S3 bucket (moto's S3 server, as the attachments' test uses). A test-only dynamic
 * config (production's plus lower limits) lets a namespace keep closed workflows for seconds.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Connection, WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { waitForTemporal } from '../api/readiness.js';
import { type Database, openDatabase } from '../db/client.js';
import {
  type TemporalServer,
  archivalUris,
  dynamicConfigFile,
  ensureTemporalServer,
  freePorts,
  setupSchemas,
  startTemporalServer,
  storeOf,
} from '../scripts/cluster/temporal-server.js';
import { createWorker, temporalClient } from '../server/runtime.js';
import { configureNamespace, findTemporalCli, registerSearchAttributes } from '../server/temporal.js';
import { applicationWorkflow } from '../workflows/application.js';
import { intakeUpdate } from '../workflows/messages.js';
import { applicationInput } from './support/items.js';
import { officer, testConfig, testDataConverter, windowOf } from './support/stack.js';
import { hasMoto, skippedWithoutMoto, startMoto } from './support/moto.js';

const run = `${Date.now()}_${process.pid}`;
const store = storeOf(inject('databaseUrl'), `temporal_archival_${run}`);
const namespace = `onewindow-archival-${run}`;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'onewindow-archival-'));
const archiveDir = path.join(tmp, 'archive');
const archive = pathToFileURL(archiveDir).href;
/** How long the test's namespaces keep a closed workflow in the store: production says 30 days. */
const RETENTION_SECONDS = 5;
const BUCKET = 'onewindow-temporal-archive';
let server: TemporalServer | undefined;
let database: Database | undefined;
let moto: Awaited<ReturnType<typeof startMoto>> | undefined;
let s3: S3Client | undefined;
const cleanup: Array<() => Promise<unknown>> = [];

const elapsed = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));


// The first build of the server takes minutes; CI's cluster fault run has made it already.
beforeAll(async () => {
  const build = ensureTemporalServer();
  const started = Date.now();
  if (hasMoto) {
    // The server's S3 archiver reads its endpoint from the template and its credentials the AWS SDK's way.
    moto = await startMoto({ credentials: false });
    const { endpoint } = moto;
    const settings = { TEMPORAL_ARCHIVAL_S3_ENDPOINT: endpoint, TEMPORAL_ARCHIVAL_S3_PATH_STYLE: 'true', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
    const saved = Object.fromEntries(Object.keys(settings).map((key) => [key, process.env[key]]));
    Object.assign(process.env, settings);
    cleanup.push(async () => {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    });
    s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  }
  await setupSchemas(build, store);
  // Production's dynamic config, and what lets a namespace keep closed workflows for seconds: the
  // minimum retention (1 hour), the retention timer's jitter (30 min) and archival's delay (5 min).
  const dynamicConfig = path.join(tmp, 'dynamicconfig.yaml');
  writeFileSync(
    dynamicConfig,
    `${readFileSync(dynamicConfigFile, 'utf8')}
system.namespaceMinRetentionLocal:
  - value: 1s
history.retentionTimerJitterDuration:
  - value: 1s
history.archivalProcessorArchiveDelay:
  - value: 1s
`,
  );
  server = await startTemporalServer({ build, store, logFile: path.join(tmp, 'temporal.log'), ports: await freePorts(), archive, dynamicConfigFile: dynamicConfig });
  database = await openDatabase({ url: inject('databaseUrl'), dataDir: '' });
  console.log(`archival test: schemas and server ready in ${elapsed(started)} at ${server.address}`);
}, 20 * 60_000);

afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {});
  await server?.stop();
  await database?.close();
  await moto?.stop();
  const admin = new pg.Client({ connectionString: inject('databaseUrl') });
  await admin.connect();
  for (const name of [store.database, store.visibilityDatabase]) await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
  rmSync(tmp, { recursive: true, force: true });
}, 60_000);

/**
 * A namespace set up as `npm run cluster` sets one up, but keeping closed workflows for seconds, with a
 * real worker; an application submitted there and not accepted at the window (不予受理), so that its
 * workflow closes.
 */
async function closedApplication(name: string, archival: { history: string; visibility: string }) {
  const address = server!.address;
  const configured = await configureNamespace(address, name, { retention: `${RETENTION_SECONDS} seconds`, archival });
  expect(configured).toEqual({ outcome: 'created', settings: { retentionMs: RETENTION_SECONDS * 1000, history: { enabled: true, uri: archival.history }, visibility: { enabled: true, uri: archival.visibility } } });

  const config = testConfig({ TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: name });
  const converter = testDataConverter();
  const temporal = temporalClient(config.temporal, address, converter);
  cleanup.push(() => temporal.connection.close());
  await registerSearchAttributes(temporal.connection, name);
  expect(await waitForTemporal(temporal.connection, name, { timeoutMs: 30_000 })).toEqual([]);
  const taskQueue = `archival-${name}`;
  const { worker, connection } = await createWorker({
    temporal: config.temporal,
    address,
    taskQueue,
    db: database!.db,
    workflowBundle: { code: inject('workflowBundleCode') },
    dataConverter: converter,
  });
  const running = worker.run();
  cleanup.push(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection.close();
  });

  const input = await applicationInput(database!.db, 'company-startup', '450100');
  const handle = await temporal.client.workflow.start(applicationWorkflow, { workflowId: input.applicationNo, taskQueue, args: [input] });
  await handle.executeUpdate(intakeUpdate, {
    args: [{ decision: 'not_accept', department: 'market_regulation', officer: officer(windowOf('market_regulation')), reason: '不属于本中心受理范围' }],
  });
  expect((await handle.result()).stage).toBe('not_accepted');
  const closed = Date.now();
  const events = (await handle.fetchHistory()).events!;
  expect(events.length).toBeGreaterThan(10);
  expect((await handle.describe()).status.name).toBe('COMPLETED');
  return { temporal, converter, handle, runId: handle.firstExecutionRunId, input, events, closed };
}

type Closed = Awaited<ReturnType<typeof closedApplication>>;

/** Retention deletes it from the store; then the frontend and the CLI serve it from the archive. */
async function expectServedFromArchive(name: string, { temporal, converter, handle, runId, input, events, closed }: Closed) {
  await expect
    .poll(() => handle.describe().then(() => 'in the store', (err: unknown) => (err instanceof WorkflowNotFoundError ? 'gone' : String(err))), { timeout: 60_000, interval: 500 })
    .toBe('gone');
  console.log(`archival test (${name.split('-').pop()}): deleted from the store ${elapsed(closed)} after the close (retention ${RETENTION_SECONDS} s)`);

  // By workflow id and run id, the frontend serves the whole history from the archive, and it decodes.
  const read = Date.now();
  const fromArchive = await temporal.connection.workflowService.getWorkflowExecutionHistory({ namespace: name, execution: { workflowId: handle.workflowId, runId } });
  console.log(`archival test (${name.split('-').pop()}): ${fromArchive.history?.events?.length} of ${events.length} events read from the archive in ${Date.now() - read} ms`);
  expect(fromArchive.archived).toBe(true);
  expect(fromArchive.history!.events!.map((e) => [e.eventId?.toString(), e.eventType])).toEqual(events.map((e) => [e.eventId?.toString(), e.eventType]));
  const [codec] = converter.payloadCodecs!;
  const startedInput = fromArchive.history!.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
  const [plain] = await codec.decode([startedInput]);
  expect(defaultPayloadConverter.fromPayload<typeof input>(plain)).toEqual(input);
  // Without the run id it is not found: the frontend looks in the archive only for a named run.
  await expect(
    temporal.connection.workflowService.getWorkflowExecutionHistory({ namespace: name, execution: { workflowId: handle.workflowId } }),
  ).rejects.toMatchObject({ code: 5 });

  // The operator's commands, as the README gives them.
  const cli = (...args: string[]) =>
    execFileSync(findTemporalCli(process.env.TEMPORAL_CLI_PATH), [...args, '--address', server!.address, '--namespace', name, '--output', 'json']).toString();
  const listed = JSON.parse(cli('workflow', 'list', '--archived', '--query', `WorkflowId = '${handle.workflowId}'`)) as Array<{
    execution: { workflowId: string; runId: string };
    status: string;
  }>;
  expect(listed.map((w) => [w.execution.workflowId, w.execution.runId, w.status])).toEqual([[handle.workflowId, runId, 'WORKFLOW_EXECUTION_STATUS_COMPLETED']]);
  const shown = JSON.parse(cli('workflow', 'show', '--workflow-id', handle.workflowId, '--run-id', runId)) as { events: unknown[] };
  expect(shown.events).toHaveLength(events.length);
}

describe("Temporal's archival on the cluster", () => {
  it('into a folder: a closed application past its retention is served from the archive, its whole history by id and run id, and in the archived list', async () => {
    const name = `${namespace}-folder`;
    const closed = await closedApplication(name, archivalUris(archive));
    // Archived a moment after it closed (archival's delay, lowered to 1 s), into history/ and visibility/.
    const kinds = () => [...new Set(filesUnder(archiveDir).map((f) => path.relative(archiveDir, f).split(path.sep)[0]))].sort();
    await expect.poll(kinds, { timeout: 30_000, interval: 200 }).toEqual(['history', 'visibility']);
    console.log(`archival test (folder): ${closed.events.length} events; archived ${elapsed(closed.closed)} after the close`);
    // The payloads stay encrypted there: no applicant's name or ID number in the archive's files.
    for (const file of filesUnder(archiveDir)) {
      const text = readFileSync(file, 'latin1');
      for (const secret of [closed.input.applicant.idNumber, closed.input.applicant.name]) expect(text).not.toContain(Buffer.from(secret).toString('latin1'));
    }
    await expectServedFromArchive(name, closed);
  }, 150_000);

  it.skipIf(!hasMoto)(`into an S3 bucket${skippedWithoutMoto}: the same, through the template's s3store`, async () => {
    const name = `${namespace}-s3`;
    const closed = await closedApplication(name, archivalUris(`s3://${BUCKET}/region-450000`));
    const keys = async () => ((await s3!.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((o) => o.Key!.split('/').slice(0, 2).join('/'));
    await expect.poll(async () => [...new Set(await keys())].sort(), { timeout: 30_000, interval: 200 }).toEqual(['region-450000/history', 'region-450000/visibility']);
    console.log(`archival test (s3): ${closed.events.length} events; archived ${elapsed(closed.closed)} after the close`);
    await expectServedFromArchive(name, closed);
  }, 150_000);

  it('enables archival on a namespace that exists without it, with the retention asked for; a URI the namespace had stays', async () => {
    const address = server!.address;
    const wanted = archivalUris(archive);
    const connection = await Connection.connect({ address });
    cleanup.push(() => connection.close());
    const { ArchivalState } = proto.temporal.api.enums.v1;
    const bare = `${namespace}-bare`;
    const elsewhere = pathToFileURL(path.join(tmp, 'elsewhere')).href;
    const withUri = `${namespace}-elsewhere`;
    for (const [name, uri] of [
      [bare, ''],
      [withUri, elsewhere],
    ]) {
      await connection.workflowService.registerNamespace({
        namespace: name,
        workflowExecutionRetentionPeriod: msToTs('1 day'),
        historyArchivalState: ArchivalState.ARCHIVAL_STATE_DISABLED,
        historyArchivalUri: uri,
        visibilityArchivalState: ArchivalState.ARCHIVAL_STATE_DISABLED,
      });
    }
    await expect
      .poll(() => connection.workflowService.describeNamespace({ namespace: bare }).then((d) => d.config?.historyArchivalState))
      .toBe(ArchivalState.ARCHIVAL_STATE_DISABLED);

    expect(await configureNamespace(address, bare, { retention: '30 days', archival: wanted })).toEqual({
      outcome: 'updated',
      settings: { retentionMs: 30 * 86_400_000, history: { enabled: true, uri: wanted.history }, visibility: { enabled: true, uri: wanted.visibility } },
    });
    expect((await configureNamespace(address, bare, { retention: '30 days', archival: wanted })).outcome).toBe('unchanged');
    expect((await configureNamespace(address, withUri, { retention: '1 day', archival: wanted })).settings).toEqual({
      retentionMs: 86_400_000,
      history: { enabled: true, uri: elsewhere },
      visibility: { enabled: true, uri: wanted.visibility },
    });
  });
});

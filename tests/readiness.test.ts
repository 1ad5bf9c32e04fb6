/**
 * Readiness against a Temporal dev server of this file's own, as an operator meets it on a new cluster:
 * the namespace not created yet, then created without OneWindow's search attributes, then with them.
 * `/readyz` answers 503 naming each reason and a write answers 503 (never 500) until it is put right;
 * then both succeed without restarting the API. The worker waits for the namespace instead of exiting.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp } from '../api/app.js';
import { readinessProblems } from '../api/readiness.js';
import { type Database, openDatabase } from '../db/client.js';
import { createWorker, temporalClient } from '../server/runtime.js';
import { type DevServer, findTemporalCli, freePort, prepareTemporal, startDevServer } from '../server/temporal.js';
import { searchAttributes } from '../workflows/messages.js';
import { createKey, submission, testConfig, testDataConverter } from './support/stack.js';

let server: DevServer;
let database: Database;
let key: string;

beforeAll(async () => {
  const port = await freePort();
  server = await startDevServer({
    cliPath: findTemporalCli(process.env.TEMPORAL_CLI_PATH),
    port,
    logFile: path.resolve(import.meta.dirname, '.tmp', `temporal-readiness-${port}.log`),
  });
  database = await openDatabase({ url: inject('databaseUrl'), dataDir: '' });
  ({ key } = await createKey(database.db, ['450000'], 'Readiness portal'));
});

afterAll(async () => {
  await database?.close();
  await server?.stop();
});

interface ErrorBody {
  error: { code: string; message: string; details?: { field?: string; message: string }[] };
}

/** An API on the given namespace of this file's dev server, as `npm run api` builds it. */
async function apiOn(namespace: string) {
  const config = testConfig({ TEMPORAL_NAMESPACE: namespace });
  const temporal = temporalClient(config.temporal, server.address, testDataConverter());
  const app = await buildApp({ database, auth: config.auth, temporal: { ...temporal, taskQueue: `readiness-${namespace}` } });
  return {
    app,
    temporal,
    ready: () => app.inject({ method: 'GET', url: '/readyz' }),
    submit: () => app.inject({ method: 'POST', url: '/v1/applications', payload: submission(), headers: { 'x-api-key': key } }),
    async close() {
      await app.close();
      await temporal.connection.close().catch(() => {});
    },
  };
}

function expectUnavailable(res: LightMyRequestResponse): ErrorBody['error'] {
  expect(res.statusCode, res.body).toBe(503);
  expect(res.headers['retry-after']).toBe('5');
  const body = res.json() as ErrorBody;
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe('unavailable');
  return body.error;
}

/** As an operator creates it. */
const createNamespace = (namespace: string) =>
  promisify(execFile)(findTemporalCli(process.env.TEMPORAL_CLI_PATH), ['operator', 'namespace', 'create', '--namespace', namespace, '--address', server.address]);

/** /readyz every 250 ms until it answers 200 (its answer stands 2 s), at most 30 s. */
async function readyWithin(ready: () => Promise<LightMyRequestResponse>, ms = 30_000) {
  const deadline = Date.now() + ms;
  let last = await ready();
  while (last.statusCode !== 200 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    last = await ready();
  }
  return last;
}

const allNames = Object.values(searchAttributes).map((k) => k.name);

describe('readiness', () => {
  it('a missing namespace: /readyz 503 naming it, a write 503; once created with its search attributes, ready without a restart', async () => {
    const namespace = `readiness-missing-${Date.now()}`;
    const api = await apiOn(namespace);
    // As `npm run api` starts: it cannot register the search attributes yet, and goes on trying.
    const apiLogs: string[] = [];
    const apiLog = (_: object, msg: string) => void apiLogs.push(msg);
    const stopPreparing = await prepareTemporal(api.temporal.connection, namespace, { info: apiLog, warn: apiLog, error: apiLog }, { retryMs: 250 });
    expect(apiLogs[0]).toMatch(`namespace "${namespace}" does not exist on the Temporal server: create it`);
    // The worker process waits for the namespace rather than exiting.
    const logged: string[] = [];
    const logger = { error: (_: object, msg: string) => logged.push(msg), info: (_: object, msg: string) => logged.push(msg) };
    const config = testConfig({ TEMPORAL_NAMESPACE: namespace });
    const worker = createWorker({
      temporal: config.temporal,
      address: server.address,
      taskQueue: `readiness-${namespace}`,
      db: database.db,
      workflowBundle: { code: inject('workflowBundleCode') },
      dataConverter: testDataConverter(),
      waitForNamespace: logger,
    });
    worker.catch(() => {}); // awaited below; a failure before then is the test's
    try {
      const ready = expectUnavailable(await api.ready());
      expect(ready.details).toEqual([{ field: 'temporal', message: `namespace "${namespace}" does not exist on the Temporal server` }]);
      expect(ready.message).toContain(namespace);
      expectUnavailable(await api.submit());
      await expect.poll(() => logged.some((m) => m.includes(`namespace "${namespace}" does not exist`))).toBe(true);

      // The operator creates the namespace; the API registers the search attributes in it by itself.
      await createNamespace(namespace);
      const ok = await readyWithin(api.ready);
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json()).toEqual({ status: 'ok' });
      expect(apiLogs).toContain(`registered OneWindow's search attributes in namespace "${namespace}"`);
      const submitted = await api.submit();
      expect(submitted.statusCode, submitted.body).toBe(201);

      // The worker went on once the namespace existed (it retries every 5 s) and runs the application.
      const { worker: running, connection } = await worker;
      expect(logged).toContain(`namespace "${namespace}" exists now`);
      const run = running.run();
      try {
        const no = (submitted.json() as { applicationNo: string }).applicationNo;
        await expect.poll(() => api.temporal.client.workflow.getHandle(no).describe().then((d) => d.historyLength), { timeout: 30_000 }).toBeGreaterThan(3);
      } finally {
        running.shutdown();
        await run;
        await connection.close();
      }
    } finally {
      stopPreparing();
      await api.close();
    }
  });

  it('search attributes not registered: /readyz 503 naming them, a write 503; the API start registers them and waits until usable', async () => {
    const namespace = `readiness-attributes-${Date.now()}`;
    await createNamespace(namespace);
    const api = await apiOn(namespace);
    try {
      // The namespace is new: the server may take a moment to know it at all.
      await expect
        .poll(async () => ((await api.ready()).json() as ErrorBody).error?.details?.[0]?.message, { timeout: 30_000, interval: 500 })
        .toBe(`search attributes not registered in namespace "${namespace}": ${allNames.join(', ')}`);
      const write = expectUnavailable(await api.submit());
      expect(write.message).toMatch(/search attributes/);

      // As `npm run api` starts: register, then wait until Temporal accepts them.
      const logs: string[] = [];
      const log = (_: object, msg: string) => void logs.push(msg);
      const started = Date.now();
      await prepareTemporal(api.temporal.connection, namespace, { info: log, warn: log, error: log });
      expect(logs.filter((m) => m.startsWith('Temporal is not ready'))).toEqual([]);
      expect(await readinessProblems(database, api.temporal.connection, namespace)).toEqual([]);
      expect(Date.now() - started).toBeLessThan(30_000);
      // The first submission right after succeeds: no window of unusable attributes.
      const submitted = await api.submit();
      expect(submitted.statusCode, submitted.body).toBe(201);
      expect((await readyWithin(api.ready)).statusCode).toBe(200);
    } finally {
      await api.close();
    }
  });

  it('PostgreSQL unreachable: /readyz 503 naming the database, a write 503', async () => {
    const down = await openDatabase({ url: `postgres://postgres:postgres@127.0.0.1:${await freePort()}/x`, dataDir: '' });
    // This file's own dev server, where 'default' exists.
    const config = testConfig({ TEMPORAL_NAMESPACE: 'default' });
    const temporal = temporalClient(config.temporal, server.address, testDataConverter());
    const app = await buildApp({ database: down, auth: config.auth, temporal: { ...temporal, taskQueue: 'readiness-db' } });
    try {
      const ready = expectUnavailable(await app.inject({ method: 'GET', url: '/readyz' }));
      expect(ready.details?.map((d) => d.field)).toContain('database');
      expect(ready.details?.find((d) => d.field === 'database')?.message).toMatch(/^PostgreSQL does not answer: /);
      expectUnavailable(await app.inject({ method: 'POST', url: '/v1/applications', payload: submission(), headers: { 'x-api-key': key } }));
    } finally {
      await app.close();
      await temporal.connection.close().catch(() => {});
      await down.close();
    }
  });
});

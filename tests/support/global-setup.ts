/**
 * Once per test run: a real Temporal dev server (in memory, on a free port), a fresh database on the
 * real PostgreSQL server of DATABASE_URL, migrated and seeded, and the workflow code bundled once.
 * Test files connect to these; each test owns its own ids and task queue.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import pg from 'pg';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../db/client.js';
import { seedCatalogue } from '../../db/seed.js';
import { bundleWorkflows } from '../../scripts/runtime.js';
import { findTemporalCli, freePort, registerSearchAttributes, startDevServer } from '../../scripts/temporal.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
    workflowBundleCode: string;
  }
}

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

export default async function setup(project: TestProject) {
  const tmp = path.resolve(import.meta.dirname, '../.tmp');
  mkdirSync(tmp, { recursive: true });

  const started = await Promise.allSettled([
    freePort().then((port) =>
      startDevServer({ cliPath: findTemporalCli(process.env.TEMPORAL_CLI_PATH), port, logFile: path.join(tmp, 'temporal.log') }),
    ),
    createDatabase(),
    bundleWorkflows(),
  ]);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    // Leave nothing running behind a setup that failed (PostgreSQL down, say).
    if (started[0].status === 'fulfilled') await started[0].value.stop();
    if (started[1].status === 'fulfilled') await dropDatabase(started[1].value);
    throw failed.reason;
  }
  const [server, databaseUrl, bundle] = started.map((s) => (s as PromiseFulfilledResult<unknown>).value) as [
    Awaited<ReturnType<typeof startDevServer>>,
    string,
    Awaited<ReturnType<typeof bundleWorkflows>>,
  ];
  const connection = await Connection.connect({ address: server.address });
  await registerSearchAttributes(connection, 'default');
  await connection.close();

  project.provide('temporalAddress', server.address);
  project.provide('databaseUrl', databaseUrl);
  project.provide('workflowBundleCode', bundle.code);

  return async () => {
    await server.stop();
    await dropDatabase(databaseUrl);
  };
}

async function createDatabase(): Promise<string> {
  const name = `onewindow_test_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), dataDir: '' });
  await database.migrate();
  await seedCatalogue(database.db);
  await database.close();
  return url.toString();
}

async function dropDatabase(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
  await admin.end();
}

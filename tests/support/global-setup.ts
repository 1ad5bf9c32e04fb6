/**
 * Once per test run: a real Temporal dev server (in memory, on a free port), a fresh database on the
 * real PostgreSQL server of DATABASE_URL, migrated and seeded, and the workflow code bundled once.
 * Test files connect to these; each test owns its own ids and task queue.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { type ScratchDatabase, createScratchDatabase } from '../../db/scratch.js';
import { bundleWorkflows } from '../../server/runtime.js';
import { findTemporalCli, freePort, registerSearchAttributes, startDevServer } from '../../server/temporal.js';

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
    createScratchDatabase(serverUrl, `onewindow_test_${Date.now()}_${process.pid}`),
    bundleWorkflows(),
  ]);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    // Leave nothing running behind a setup that failed (PostgreSQL down, say).
    if (started[0].status === 'fulfilled') await started[0].value.stop();
    if (started[1].status === 'fulfilled') await started[1].value.drop();
    throw failed.reason;
  }
  const [server, database, bundle] = started.map((s) => (s as PromiseFulfilledResult<unknown>).value) as [
    Awaited<ReturnType<typeof startDevServer>>,
    ScratchDatabase,
    Awaited<ReturnType<typeof bundleWorkflows>>,
  ];
  const connection = await Connection.connect({ address: server.address });
  await registerSearchAttributes(connection, 'default');
  await connection.close();

  project.provide('temporalAddress', server.address);
  project.provide('databaseUrl', database.url);
  project.provide('workflowBundleCode', bundle.code);

  return async () => {
    await server.stop();
    await database.drop();
  };
}


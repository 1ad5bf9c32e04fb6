/**
 * Once per test run: a real Temporal dev server (in memory, on a free port), a fresh database on the
 * real PostgreSQL server of DATABASE_URL, migrated and seeded, and the workflow code bundled once.
 * Test files connect to these; each test owns its own ids and task queue.
 *
 * With TEST_TEMPORAL_ADDRESS (host:port of a running Temporal server) no dev server is started: the
 * run registers a fresh namespace of its own there (onewindow-test-<timestamp>-<pid>, kept 1 day) and
 * tries to delete it at the end. Tests reach the server through inject('temporalAddress') and
 * inject('temporalNamespace') (see sharedTemporal() in stack.ts).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { type ScratchDatabase, createScratchDatabase } from '../../db/scratch.js';
import { bundleWorkflows } from '../../server/runtime.js';
import { waitForTemporal } from '../../api/readiness.js';
import { type DevServer, ensureNamespace, findTemporalCli, freePort, registerSearchAttributes, startDevServer } from '../../server/temporal.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    /** The namespace the run's workflows live in: 'default' on the dev server, a fresh one on TEST_TEMPORAL_ADDRESS. */
    temporalNamespace: string;
    databaseUrl: string;
    workflowBundleCode: string;
  }
}

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
const externalAddress = process.env.TEST_TEMPORAL_ADDRESS;

/** A running Temporal server, and a namespace of this run's own on it: stopping deletes the namespace only. */
async function externalServer(address: string): Promise<DevServer & { namespace: string }> {
  const namespace = `onewindow-test-${Date.now()}-${process.pid}`;
  await ensureNamespace(address, namespace, 1);
  return {
    address,
    namespace,
    async stop() {
      // Cheap to try, harmless to fail: the server drops the namespace's workflows after 1 day anyway.
      const connection = await Connection.connect({ address }).catch(() => undefined);
      await connection?.operatorService.deleteNamespace({ namespace }).catch(() => {});
      await connection?.close();
    },
  };
}

export default async function setup(project: TestProject) {
  const tmp = path.resolve(import.meta.dirname, '../.tmp');
  mkdirSync(tmp, { recursive: true });

  const started = await Promise.allSettled([
    externalAddress
      ? externalServer(externalAddress)
      : freePort().then((port) =>
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
    DevServer & { namespace?: string },
    ScratchDatabase,
    Awaited<ReturnType<typeof bundleWorkflows>>,
  ];
  const namespace = server.namespace ?? 'default';
  try {
    const connection = await Connection.connect({ address: server.address });
    try {
      await registerSearchAttributes(connection, namespace);
      // A server sees new search attributes at its next namespace cache refresh: a start before is refused.
      const problems = await waitForTemporal(connection, namespace, { timeoutMs: 60_000 });
      if (problems.length > 0) throw new Error(`Temporal at ${server.address} is not ready for the tests: ${problems.join('; ')}`);
    } finally {
      await connection.close();
    }
  } catch (err) {
    await server.stop();
    await database.drop();
    throw err;
  }

  project.provide('temporalAddress', server.address);
  project.provide('temporalNamespace', namespace);
  project.provide('databaseUrl', database.url);
  project.provide('workflowBundleCode', bundle.code);

  return async () => {
    await server.stop();
    await database.drop();
  };
}


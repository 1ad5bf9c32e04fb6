/**
 * The worker's production settings: the workflow bundle made ahead (`npm run build:workflows`,
 * read through WORKFLOW_BUNDLE) and the cache and thread settings, parsed from the environment and
 * handed to the Temporal worker.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../db/client.js';
import { ConfigError, loadConfig } from '../server/config.js';
import { bundleWorkflows, createWorker } from '../server/runtime.js';
import { testDataConverter } from './support/stack.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'onewindow-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('worker settings', () => {
  it('reads WORKER_MAX_CACHED_WORKFLOWS, WORKER_WORKFLOW_THREADS and WORKFLOW_BUNDLE; empty means unset; a bad value names its variable', () => {
    expect(loadConfig({}).worker).toEqual({ metricsAddress: undefined, maxCachedWorkflows: undefined, workflowThreads: undefined, bundlePath: undefined });
    expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: ' ', WORKER_WORKFLOW_THREADS: '' }).worker.maxCachedWorkflows).toBeUndefined();
    const set = loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '5000', WORKER_WORKFLOW_THREADS: '2', WORKFLOW_BUNDLE: 'build/b.js' }).worker;
    expect(set).toEqual({ metricsAddress: undefined, maxCachedWorkflows: 5000, workflowThreads: 2, bundlePath: path.resolve('build/b.js') });
    expect(() => loadConfig({ WORKER_WORKFLOW_THREADS: '0' })).toThrow(/WORKER_WORKFLOW_THREADS/);
    expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: 'many' })).toThrow(ConfigError);
    expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '-1' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS: must be a whole number/);
  });

  it('builds the bundle ahead of time, and a worker started from it replays a recorded application', async () => {
    const file = path.join(dir, 'workflow-bundle.js');
    const printed = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build-workflows.ts', file], { cwd: path.resolve(import.meta.dirname, '..') }).toString();
    expect(printed).toContain(file);
    const bundle = await bundleWorkflows(file);
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(import.meta.dirname, 'histories/all-approve.json'), 'utf8')));
    await expect(Worker.runReplayHistory({ workflowBundle: bundle, dataConverter: testDataConverter() }, history)).resolves.toBeUndefined();
  });

  it('hands the cache size and the thread count to the Temporal worker', async () => {
    const database = await openDatabase({ url: inject('databaseUrl'), dataDir: '' });
    const config = loadConfig({
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      WORKER_MAX_CACHED_WORKFLOWS: '7',
      WORKER_WORKFLOW_THREADS: '2',
    });
    const { worker, connection } = await createWorker({
      temporal: config.temporal,
      address: inject('temporalAddress'),
      taskQueue: `settings-${process.pid}`,
      db: database.db,
      workflowBundle: { code: inject('workflowBundleCode') },
      dataConverter: testDataConverter(),
      tuning: config.worker,
    });
    try {
      expect(worker.options.maxCachedWorkflows).toBe(7);
      expect(worker.options.workflowThreadPoolSize).toBe(2);
    } finally {
      await worker.runUntil(Promise.resolve());
      await connection.close();
      await database.close();
    }
  });
});

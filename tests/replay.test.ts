/**
 * Determinism guard: histories recorded from real runs (tests/histories, refreshed with
 * RECORD_HISTORIES=1 npx vitest run tests/workflow.test.ts) must replay against today's workflow code.
 * A change that would break running applications fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { testDataConverter } from './support/stack.js';

const dir = path.join(import.meta.dirname, 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed in this process
}

describe('workflow determinism', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)('replays %s without a non-determinism error', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
    const results = Worker.runReplayHistories(
      // With the codec, as every worker runs: payloads recorded before encryption pass through it.
      { workflowBundle: { code: inject('workflowBundleCode') }, replayName: file, dataConverter: testDataConverter() },
      [{ workflowId: file, history }],
    );
    for await (const result of results) {
      expect(result.error).toBeUndefined();
    }
  });
});

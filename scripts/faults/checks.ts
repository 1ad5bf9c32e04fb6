/**
 * The checks after a fault run or a restore drill: every application's workflow finished as it would
 * without faults (what the windows were answered 200 is what the workflow holds); every row the read
 * model holds of it equals what the workflow committed, which holds nothing twice (db/reconcile.ts);
 * `npm run read-model:reconcile` over the run finds nothing; every history replays against today's code.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import type { Db } from '../../db/client.js';
import { invariantBreaches, reconcile } from '../../db/reconcile.js';
import { type ApplicationState, recordQuery } from '../../workflows/messages.js';
import { replayFailures } from '../replay.js';
import type { Expectation } from './windows.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Checked {
  /** Workflows that finished and were compared with the windows' answers. */
  finished: number;
  /** Applications whose rows were compared with their workflow, and how many differed. */
  compared: number;
  differing: number;
  /** The last line of `npm run read-model:reconcile`. */
  reconciled: string;
  replayed: number;
  nonDeterministic: number;
  mismatches: string[];
}

export async function checkApplications(options: {
  client: Client;
  db: Db;
  expectations: Expectation[];
  /** The environment the reconcile command runs with (the run's database, Temporal, keys). */
  env: NodeJS.ProcessEnv;
  /** The run's start: the reconcile command compares the applications submitted since. */
  since: string;
  workflowBundle: WorkflowBundle;
  finishWithinMs?: number;
}): Promise<Checked> {
  const { client, expectations } = options;
  const mismatches: string[] = [];
  let finished = 0;
  const deadline = Date.now() + (options.finishWithinMs ?? 300_000);
  for (const expectation of expectations) {
    const { no } = expectation;
    const handle = client.workflow.getHandle(no);
    let state: ApplicationState;
    try {
      const left = Math.max(1000, deadline - Date.now());
      state = await Promise.race([handle.result() as Promise<ApplicationState>, sleep(left).then(() => Promise.reject(new Error('not finished')))]);
    } catch (err) {
      const { status } = await handle.describe().catch(() => ({ status: { name: 'unknown' } }));
      const open = (await handle.query<ApplicationState>('state').catch(() => undefined))?.stage;
      mismatches.push(`${no}: ${String(err)} (workflow ${status.name}, stage ${open})`);
      continue;
    }
    finished += 1;
    const rejectedBy = [...expectation.decided].find(([, d]) => d === 'rejected')?.[0];
    // Two conflicting windows whose answers were both lost: either may have won, but only one.
    const undecided = expectation.conflict && !expectation.decided.has('taxation');
    const expected = rejectedBy ? ['rejected'] : undecided ? ['rejected', 'picked_up'] : ['picked_up'];
    if (!expected.includes(state.stage)) mismatches.push(`${no}: stage ${state.stage}, expected ${expected.join(' or ')}`);
    for (const [department, decision] of expectation.decided) {
      const review = state.reviews.find((r) => r.department === department);
      if (review?.status !== decision) mismatches.push(`${no} ${department}: answered ${decision}, workflow says ${review?.status}`);
    }
  }

  // Every row the read model holds of each application must be what its workflow committed (the last
  // writes may still be retrying after an outage), and the workflow's own record must hold nothing twice.
  const recordOf = (no: string) =>
    client.workflow
      .getHandle(no)
      .query(recordQuery)
      .catch((err: unknown) => (err instanceof WorkflowNotFoundError ? undefined : Promise.reject(err)));
  const numbers = expectations.map((e) => e.no);
  const compared = await reconcile(options.db, numbers, recordOf, { settleMs: 120_000 });
  for (const { differences } of compared.differing) mismatches.push(...differences);
  mismatches.push(...compared.writing.map((no) => `${no}: its workflow's writes did not finish`));
  mismatches.push(...compared.noWorkflow.map((no) => `${no}: no workflow`));
  for (const no of numbers) {
    const record = await recordOf(no);
    if (record) mismatches.push(...invariantBreaches(record));
  }

  // The operators' command, over the run, must agree.
  const reconciled = await promisify(execFile)(path.join(root, 'node_modules/.bin/tsx'), ['scripts/reconcile.ts', '--since', options.since], {
    cwd: root,
    env: { ...options.env, LOG_LEVEL: 'silent' },
  }).then(
    ({ stdout }) => stdout.trim().split('\n').at(-1) ?? '',
    (err: { stdout?: string }) => {
      mismatches.push(`npm run read-model:reconcile found differences:\n${err.stdout ?? err}`);
      return err.stdout?.trim().split('\n').at(-1) ?? 'failed';
    },
  );

  // Each history, crashes and restarts included, must replay against today's code: a worker that picks
  // an application up from its history must reach the same state.
  const replayed = await replayFailures(client, numbers.filter((no) => !compared.noWorkflow.includes(no)), options.workflowBundle);
  mismatches.push(...replayed.map((failure) => `replay ${failure}`));

  return {
    finished,
    compared: compared.checked,
    differing: compared.differing.length,
    reconciled,
    replayed: numbers.length,
    nonDeterministic: replayed.length,
    mismatches,
  };
}

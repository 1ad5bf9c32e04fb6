/**
 * `npm run read-model:reconcile`: compares the read model with what each application's workflow has
 * committed, and each follow-up's (督办) row and steps with its workflow's state, and names every
 * difference; with --fix, rewrites the differing rows from their workflow (and writes that to the audit
 * trail). A worker must be running: the workflows answer the comparison's query (a closed follow-up's
 * state is its workflow's result). Exits 1 when a difference is left.
 *
 *   npm run read-model:reconcile                                  the open applications and follow-ups (the default)
 *   npm run read-model:reconcile -- --application 450100-20261202-000008 [--application …]   and their follow-ups
 *   npm run read-model:reconcile -- --follow-up R-450100-20261202-000008-intake [--follow-up …]
 *   npm run read-model:reconcile -- --since 2026-12-01 [--open] [--fix]   submitted (opened) since
 */
import { parseArgs } from 'node:util';
import { type WorkflowHandle, WorkflowNotFoundError } from '@temporalio/client';
import { isWorkflowGone } from '../api/errors.js';
import { openDatabase } from '../db/client.js';
import { type FollowUpRecord, applicationsToReconcile, followUpsToReconcile, reconcile, reconcileFollowUps } from '../db/reconcile.js';
import { followUpQuery, followUpWorkflowId } from '../workflows/follow-up.js';
import { recordQuery } from '../workflows/messages.js';
import type { FollowUpState } from '../workflows/rules/follow-ups.js';
import { useAuditKeys } from '../server/audit-keys.js';
import { loadConfig } from '../server/config.js';
import { temporalClient } from '../server/runtime.js';
import { dataConverter, payloadKeys } from '../server/payload-codec.js';

const { values } = parseArgs({
  options: {
    application: { type: 'string', multiple: true },
    'follow-up': { type: 'string', multiple: true },
    open: { type: 'boolean', default: false },
    since: { type: 'string' },
    fix: { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '8' },
  },
});
if (values.since && Number.isNaN(Date.parse(values.since))) {
  console.error(`--since: not a date or instant: ${values.since}`);
  process.exit(2);
}

const config = loadConfig();
// --fix writes to the audit trail, keyed as the API's and the worker's rows are.
useAuditKeys(config, { local: 'create' });
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
// Queries' answers are encrypted: the same keys as the worker's (npm start's key file when none are set).
const { client, connection } = temporalClient(config.temporal, config.temporal.address ?? 'localhost:7233', dataConverter(payloadKeys(config, { localKeyFile: true })));
/**
 * A follow-up's state from its workflow: the query's answer while it runs (settled when nothing was
 * pending or happened while it was read), its result once it completed (a run ended otherwise, by
 * termination say, answers the query). A run of another opening than the row's (the latest run is
 * void, its request having rolled back) gives way to the run of the row's, found by the workflow id's
 * list. Undefined when Temporal has none of the row's opening: closed past retention, never started,
 * or not listed yet.
 */
async function followUpRecord(id: string, openedAt?: string): Promise<FollowUpRecord | undefined> {
  const workflowId = followUpWorkflowId(id);
  try {
    const latest = await stateOf(client.workflow.getHandle(workflowId));
    if (!openedAt || Date.parse(latest.state.openedAt) === Date.parse(openedAt)) return latest;
    for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId.replaceAll("'", "\\'")}'` })) {
      // A run that cannot be read (one terminated, its worker's code since changed) is not the one looked for.
      const earlier = await stateOf(client.workflow.getHandle(workflowId, run.runId)).catch(() => undefined);
      if (earlier && Date.parse(earlier.state.openedAt) === Date.parse(openedAt)) return earlier;
    }
    // No run of the row's opening to compare with (not listed yet, or past retention): never the void one.
    return undefined;
  } catch (err) {
    if (isWorkflowGone(err)) return undefined;
    throw err;
  }
}

async function stateOf(handle: WorkflowHandle): Promise<FollowUpRecord> {
  const before = await handle.describe();
  if (before.status.name === 'COMPLETED') {
    // That run's result, not a newer run's (which result() would wait for).
    const run = client.workflow.getHandle(handle.workflowId, before.runId, { followRuns: false });
    return { state: (await run.result()) as FollowUpState, settled: true };
  }
  const state = await handle.query(followUpQuery);
  if (before.status.name !== 'RUNNING') return { state, settled: true };
  const after = await handle.describe();
  const idle = (d: typeof before) => !d.raw.pendingActivities?.length && !d.raw.pendingWorkflowTask;
  return { state, settled: idle(before) && idle(after) && after.runId === before.runId && after.historyLength === before.historyLength };
}

try {
  const chosen = values.application ?? [];
  const chosenFollowUps = values['follow-up'] ?? [];
  const open = values.open || (chosen.length === 0 && chosenFollowUps.length === 0 && !values.since);
  const since = values.since && new Date(values.since).toISOString();
  const numbers = new Set([...chosen, ...(await applicationsToReconcile(database.db, { open, since }))]);
  const followUpIds = new Set([...chosenFollowUps, ...(await followUpsToReconcile(database.db, { open, since, applicationNos: chosen }))]);
  if (open) {
    // Running workflows that the read model does not show as open are compared too.
    for await (const workflow of client.workflow.list({ query: `WorkflowType = 'applicationWorkflow' AND ExecutionStatus = 'Running'` })) {
      numbers.add(workflow.workflowId);
    }
    for await (const workflow of client.workflow.list({ query: `WorkflowType = 'followUpWorkflow' AND ExecutionStatus = 'Running'` })) {
      followUpIds.add(workflow.workflowId.replace(/^follow-up-/, ''));
    }
  }
  const report = await reconcile(
    database.db,
    [...numbers],
    (no) =>
      client.workflow
        .getHandle(no)
        .query(recordQuery)
        .catch((err: unknown) => {
          if (err instanceof WorkflowNotFoundError) return undefined;
          throw err;
        }),
    { fix: values.fix, concurrency: Number(values.concurrency) },
  );
  const followUpReport = await reconcileFollowUps(database.db, [...followUpIds], followUpRecord, { fix: values.fix, concurrency: Number(values.concurrency) });
  for (const { applicationNo, differences } of report.differing) {
    const fixed = report.fixed.includes(applicationNo) ? ' (fixed)' : '';
    console.log(`${applicationNo}: ${differences.length} difference(s)${fixed}`);
    for (const line of differences) console.log(`  - ${line}`);
  }
  for (const no of report.writing) console.log(`${no}: its workflow is still writing (retrying?); run again later`);
  for (const no of report.noWorkflow) console.log(`${no}: no workflow to compare with (closed past retention, or never started)`);
  for (const { id, differences } of followUpReport.differing) {
    const fixed = followUpReport.fixed.includes(id) ? ' (fixed)' : followUpReport.partlyFixed.includes(id) ? ' (row fixed; the rest left)' : '';
    console.log(`${id}: ${differences.length} difference(s)${fixed}`);
    for (const line of differences) console.log(`  - ${line}`);
  }
  for (const id of followUpReport.writing) console.log(`${id}: its workflow is still writing (retrying?); run again later`);
  for (const id of followUpReport.noWorkflow) console.log(`${id}: no workflow to compare with (closed past retention, or never started)`);
  const left = report.differing.length - report.fixed.length + followUpReport.differing.length - followUpReport.fixed.length;
  // One line, the last: the fault-injection run (scripts/faults/checks.ts) keeps it.
  console.log(
    `read model: ${report.checked} applications checked, ${report.differing.length} with differences ` +
      `(${report.differing.reduce((n, d) => n + d.differences.length, 0)} in all), ${report.fixed.length} fixed, ` +
      `${report.writing.length} still writing, ${report.noWorkflow.length} without a workflow; ` +
      `${followUpReport.checked} follow-ups checked, ${followUpReport.differing.length} with differences ` +
      `(${followUpReport.differing.reduce((n, d) => n + d.differences.length, 0)} in all), ${followUpReport.fixed.length} fixed, ` +
      `${followUpReport.writing.length} still writing, ${followUpReport.noWorkflow.length} without a workflow`,
  );
  process.exitCode = left > 0 ? 1 : 0;
} finally {
  await connection.close();
  await database.close();
}

/**
 * `npm run read-model:reconcile`: compares the read model with what each application's workflow has
 * committed and names every difference; with --fix, rewrites the differing applications' rows from
 * their workflow (and writes that to the audit trail). A worker must be running: the workflows answer
 * the comparison's query. Exits 1 when a difference is left.
 *
 *   npm run read-model:reconcile                                  the open applications (the default)
 *   npm run read-model:reconcile -- --application 450100-20261202-000008 [--application …]
 *   npm run read-model:reconcile -- --since 2026-12-01 [--open] [--fix]
 */
import { parseArgs } from 'node:util';
import { WorkflowNotFoundError } from '@temporalio/client';
import { openDatabase } from '../db/client.js';
import { applicationsToReconcile, reconcile } from '../db/reconcile.js';
import { recordQuery } from '../workflows/messages.js';
import { useAuditKeys } from '../server/audit-keys.js';
import { loadConfig } from '../server/config.js';
import { temporalClient } from '../server/runtime.js';
import { dataConverter, payloadKeys } from '../server/payload-codec.js';

const { values } = parseArgs({
  options: {
    application: { type: 'string', multiple: true },
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
try {
  const chosen = values.application ?? [];
  const open = values.open || (chosen.length === 0 && !values.since);
  const numbers = new Set([...chosen, ...(await applicationsToReconcile(database.db, { open, since: values.since && new Date(values.since).toISOString() }))]);
  if (open) {
    // Running workflows that the read model does not show as open are compared too.
    for await (const workflow of client.workflow.list({ query: `WorkflowType = 'applicationWorkflow' AND ExecutionStatus = 'Running'` })) {
      numbers.add(workflow.workflowId);
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
  for (const { applicationNo, differences } of report.differing) {
    const fixed = report.fixed.includes(applicationNo) ? ' (fixed)' : '';
    console.log(`${applicationNo}: ${differences.length} difference(s)${fixed}`);
    for (const line of differences) console.log(`  - ${line}`);
  }
  for (const no of report.writing) console.log(`${no}: its workflow is still writing (retrying?); run again later`);
  for (const no of report.noWorkflow) console.log(`${no}: no workflow to compare with (closed past retention, or never started)`);
  const left = report.differing.length - report.fixed.length;
  console.log(
    `read model: ${report.checked} applications checked, ${report.differing.length} with differences ` +
      `(${report.differing.reduce((n, d) => n + d.differences.length, 0)} in all), ${report.fixed.length} fixed, ` +
      `${report.writing.length} still writing, ${report.noWorkflow.length} without a workflow`,
  );
  process.exitCode = left > 0 ? 1 : 0;
} finally {
  await connection.close();
  await database.close();
}

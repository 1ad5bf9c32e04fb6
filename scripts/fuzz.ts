/**
 * `npm run fuzz`: Schemathesis (PyPI, pinned, installed into .tools/schemathesis on first use) against
 * the OpenAPI document the API serves, every route, once per kind of caller with valid credentials
 * (an integrator, a chief representative, a supervisor, the regional administrator). A run passes when
 * no answer is a 5xx and every answer matches its own schema. Everything is real and on loopback: a
 * fresh database on the PostgreSQL server of DATABASE_URL, an in-memory Temporal dev server, a worker.
 * `--short` is the bounded run CI does; `--max-examples N` sets the depth.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../api/app.js';
import { issueToken, newApiKey } from '../api/auth.js';
import { createActivities } from '../activities/index.js';
import { openDatabase } from '../db/client.js';
import { apiKeys } from '../db/schema/index.js';
import { createScratchDatabase } from '../db/scratch.js';
import { freshAuditKeys, useAuditKeys } from '../server/audit-keys.js';
import { loadConfig } from '../server/config.js';
import { dataConverter, freshKeyList, payloadKeys } from '../server/payload-codec.js';
import { bundleWorkflows, createWorker, temporalClient } from '../server/runtime.js';
import { findTemporalCli, freePort, registerSearchAttributes, startDevServer } from '../server/temporal.js';

const SCHEMATHESIS = '4.32.5';
const { values } = parseArgs({ options: { short: { type: 'boolean', default: false }, 'max-examples': { type: 'string' } } });
const maxExamples = values['max-examples'] ?? (values.short ? '8' : '60');
const root = path.resolve(import.meta.dirname, '..');
const tools = path.join(root, '.tools', 'schemathesis');
const st = path.join(tools, 'bin', 'st');

if (!existsSync(st)) {
  console.log(`[fuzz] installing schemathesis ${SCHEMATHESIS} into .tools/schemathesis`);
  const pip = spawnSync('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', tools, `schemathesis==${SCHEMATHESIS}`], {
    stdio: 'inherit',
    env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' },
  });
  if (pip.status !== 0) throw new Error('pip could not install schemathesis');
}

// ---- The stack, as in production but in one process.
const server = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
const scratch = await createScratchDatabase(server, `onewindow_fuzz_${process.pid}`);
const secret = `fuzz-${process.pid}-0123456789abcdefghijklmnopqrstuv`;
// The run's own audit keys sign the run's own checkpoints: one left in ./data by `npm start` does not verify with them.
const checkpointDir = mkdtempSync(path.join(os.tmpdir(), 'onewindow-fuzz-checkpoints-'));
const config = loadConfig({
  ...process.env,
  DATABASE_URL: scratch.url,
  AUTH_JWT_SECRET: secret,
  PAYLOAD_KEYS: freshKeyList(),
  LOG_LEVEL: 'silent',
  ...freshAuditKeys(),
  AUDIT_CHECKPOINT_DIR: checkpointDir,
});
useAuditKeys(config, { local: 'none' });
const converter = dataConverter(payloadKeys(config, { localKeyFile: false }));
const database = await openDatabase({ url: config.databaseUrl, dataDir: '' });
const tmp = path.join(root, 'tests', '.tmp');
mkdirSync(tmp, { recursive: true });
const devServer = await startDevServer({ cliPath: findTemporalCli(config.temporal.cliPath), port: await freePort(), logFile: path.join(tmp, 'fuzz-temporal.log') });
const temporal = temporalClient(config.temporal, devServer.address, converter);
await registerSearchAttributes(temporal.connection, 'default');
const { worker, connection } = await createWorker({
  temporal: config.temporal,
  address: devServer.address,
  db: database.db,
  workflowBundle: await bundleWorkflows(),
  dataConverter: converter,
  activities: createActivities({ db: database.db }),
});
const running = worker.run();
const app = await buildApp({ database, auth: config.auth, security: { rateLimitPerMinute: 0 }, temporal: { ...temporal, taskQueue: config.temporal.taskQueue } });
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

// ---- One run per kind of caller.
const key = newApiKey();
await database.db.insert(apiKeys).values({ id: key.id, name: 'fuzz', centres: ['450000'], secretHash: key.secretHash, createdBy: { id: 'fuzz' } });
const bearer = async (officer: string) => `Authorization: Bearer ${await issueToken(config.auth, officer, '2h')}`;
const callers: [string, string][] = [
  ['integrator', `X-API-Key: ${key.key}`],
  ['chief representative', await bearer('450100-market_regulation-chief')],
  ['supervisor', await bearer('450000-supervisor')],
  ['system administrator', await bearer('450000-admin')],
  ['security administrator', await bearer('450000-security')],
  ['audit administrator', await bearer('450000-auditor')],
];

const results: string[] = [];
let failed = 0;
for (const [who, header] of callers) {
  console.log(`\n[fuzz] as ${who}: ${maxExamples} examples per operation`);
  // Asynchronously: the API answering it lives in this very process.
  const run = await runAsync(
    st,
    [
      'run',
      `${base}/docs/json`,
      '--header',
      header,
      '--checks',
      'not_a_server_error,response_schema_conformance',
      '--max-examples',
      maxExamples,
      '--workers',
      '1',
      '--request-timeout',
      '30',
      '--seed',
      '20261128',
      // The event stream never ends; its own test covers it.
      '--exclude-path',
      '/v1/supervision/stream',
      '--suppress-health-check',
      'all',
      '--no-color',
    ],
    { PYTHONPATH: tools },
  );
  results.push(`  ${who}: ${run.status === 0 ? 'passed' : `FAILED (exit ${run.status})`}`);
  if (run.status !== 0) failed += 1;
}

await app.close();
worker.shutdown();
await running.catch(() => {});
await connection.close();
await temporal.connection.close();
await database.close();
await devServer.stop();
await scratch.drop();
rmSync(checkpointDir, { recursive: true, force: true });
console.log(['', 'Schemathesis summary (no 5xx, every answer matches its schema):', ...results, ''].join('\n'));
process.exit(failed === 0 ? 0 : 1);

function runAsync(command: string, args: string[], env: Record<string, string>): Promise<{ status: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    child.once('exit', (status) => resolve({ status }));
  });
}

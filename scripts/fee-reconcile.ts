/**
 * `npm run fees:reconcile -- [--day YYYY-MM-DD]`: reconciles a day's fees (yesterday in China unless
 * told) against the payment platform's statement (db/fee-reconciliation.ts), as the worker's nightly
 * Schedule does; prints every difference and exits 1 when there is one. Reads DATABASE_URL and
 * PAYMENT_PLATFORM_URL. Changes no money and no record: it stores and audits what it found.
 */
import { parseArgs } from 'node:util';
import { paymentPlatformClient } from '../activities/payment-platform.js';
import { openDatabase } from '../db/client.js';
import { reconcileFees, yesterdayInChina } from '../db/fee-reconciliation.js';
import { useAuditKeys } from '../server/audit-keys.js';
import { loadConfig } from '../server/config.js';

const { values } = parseArgs({ options: { day: { type: 'string' } } });
const config = loadConfig();
if (!config.databaseUrl || !config.payments.platformUrl) {
  console.error('npm run fees:reconcile needs DATABASE_URL and PAYMENT_PLATFORM_URL');
  process.exit(2);
}
useAuditKeys(config, { local: 'read' });
const day = values.day ?? yesterdayInChina();
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
try {
  const found = await reconcileFees(database.db, paymentPlatformClient({ url: config.payments.platformUrl }), day);
  console.log(`fees of ${day}: ${found.statementLines} line(s) on the statement, ${found.recordedLines} recorded here, ${found.matched} matched, ${found.differences.length} difference(s)`);
  for (const d of found.differences) {
    console.log(`  ${d.kind} ${d.what} ${d.id} notice ${d.noticeNo} (application ${d.applicationNo}): here ${d.hereFen ?? '-'} fen, there ${d.thereFen ?? '-'} fen`);
  }
  process.exitCode = found.differences.length > 0 ? 1 : 0;
} finally {
  await database.close();
}

/**
 * `npm run audit:verify`: checks the audit trail's hash chain, each row's MAC (AUDIT_MAC_KEY) and every
 * signed checkpoint in AUDIT_CHECKPOINT_DIR (signature, and that the log still gives its root); exits 1
 * naming each problem: a row altered, rows removed after the latest checkpoint, a truncated log.
 * Without keys in the environment it uses npm start's files in the data folder, and makes none.
 */
import { verifyAudit } from '../db/audit.js';
import { openDatabase } from '../db/client.js';
import { loadAuditKeys } from '../server/audit-keys.js';
import { loadConfig } from '../server/config.js';

const config = loadConfig();
const keys = loadAuditKeys(config, { local: 'read' });
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
const report = await verifyAudit(database.db, keys);
await database.close();
if (report.problem) {
  console.error(`audit trail BROKEN (${report.rows} rows):`);
  for (const problem of report.problems) console.error(`  ${problem}`);
  process.exit(1);
}
const latest = report.latest ? `; the latest signs ${report.latest.size} rows, root ${report.latest.root} (${report.latest.file})` : '; none yet';
const unkeyed = report.unkeyed ? ` (${report.unkeyed} written before the MAC key, vouched for by the checkpoints)` : '';
console.log(`audit trail intact: ${report.rows} rows${unkeyed}, ${report.checkpoints} checkpoint${report.checkpoints === 1 ? '' : 's'} checked${latest}`);

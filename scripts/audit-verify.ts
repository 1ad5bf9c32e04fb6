/** `npm run audit:verify`: checks the audit trail's hash chain; exits 1 naming the first broken row. */
import { verifyAudit } from '../db/audit.js';
import { openDatabase } from '../db/client.js';
import { loadConfig } from '../server/config.js';

const config = loadConfig();
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
const { rows, problem } = await verifyAudit(database.db);
await database.close();
if (problem) {
  console.error(`audit trail BROKEN (${rows} rows): ${problem}`);
  process.exit(1);
}
console.log(`audit trail intact: ${rows} rows`);

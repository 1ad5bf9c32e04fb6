/**
 * `npm run history:archive`: the history archiver's sweep, once, now (the schedule the workers keep runs
 * the same every HISTORY_ARCHIVE_EVERY_SECONDS). Prints what it did as JSON; exits 1 when a history
 * could not be stored (retry later).
 *
 *   npm run history:archive                    closed since the archiver's watermark (less its margin)
 *   npm run history:archive -- --backfill      everything closed that Temporal or the read model still names
 *   npm run history:archive -- --verify        re-hashes every stored archive against its row and the audit
 *                                              trail; exits 1 on a mismatch
 */
import { parseArgs } from 'node:util';
import { sweepClosedHistories } from '../activities/history-archive.js';
import { openDatabase } from '../db/client.js';
import { verifyArchives } from '../db/history-archive.js';
import { useAuditKeys } from '../server/audit-keys.js';
import { loadConfig } from '../server/config.js';
import { dataConverter, payloadKeys } from '../server/payload-codec.js';
import { temporalClient } from '../server/runtime.js';

const { values } = parseArgs({ options: { backfill: { type: 'boolean', default: false }, verify: { type: 'boolean', default: false } } });

const config = loadConfig();
// The sweep writes to the audit trail, keyed as the API's and the worker's rows are.
useAuditKeys(config, { local: 'create' });
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
let failed = false;
try {
  if (values.verify) {
    const { archives, disposed, problems } = await verifyArchives(database.db);
    for (const problem of problems) console.error(`MISMATCH ${problem}`);
    console.log(`history archives: ${archives} verified, ${disposed} disposed of, ${problems.length} mismatches`);
    failed = problems.length > 0;
  } else {
    // Histories are stored as Temporal holds them (encrypted); the keys only serve the client's other needs.
    const { client, connection } = temporalClient(config.temporal, config.temporal.address ?? 'localhost:7233', dataConverter(payloadKeys(config, { localKeyFile: true })));
    try {
      console.log(JSON.stringify(await sweepClosedHistories({ db: database.db, client }, { backfill: values.backfill })));
    } catch (err) {
      console.error(`the sweep stopped: ${err instanceof Error ? err.message : String(err)}; what was archived stays, run it again`);
      failed = true;
    } finally {
      await connection.close();
    }
  }
} finally {
  await database.close();
}
process.exit(failed ? 1 : 0);

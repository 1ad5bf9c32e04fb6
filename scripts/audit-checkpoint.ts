/**
 * `npm run audit:checkpoint`: signs a checkpoint of the audit log now (the worker's schedule does so
 * every AUDIT_CHECKPOINT_EVERY_SECONDS), after proving the log extends the latest one; exits 1 naming
 * why when it does not.
 */
import { CheckpointRefused, makeCheckpoint } from '../db/audit.js';
import { openDatabase } from '../db/client.js';
import { loadAuditKeys } from '../server/audit-keys.js';
import { loadConfig } from '../server/config.js';

const config = loadConfig();
const keys = loadAuditKeys(config, { local: 'create' });
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
try {
  const { checkpoint, created } = await makeCheckpoint(database.db, keys);
  console.log(created ? `checkpoint signed: ${checkpoint.size} rows, root ${checkpoint.root.toString('base64')} (${checkpoint.file})` : `no new rows: the latest checkpoint stands (${checkpoint.size} rows, ${checkpoint.file})`);
} catch (err) {
  if (!(err instanceof CheckpointRefused)) throw err;
  console.error(err.message);
  process.exitCode = 1;
} finally {
  await database.close();
}

/**
 * `npm run records:retention`: the closed applications whose records reached the end of their retention
 * (RECORD_RETENTION_YEARS per item category; a category not named is kept permanently), by category,
 * then the list. Deletes nothing unless `--dispose`: then the archived histories of exactly those are
 * disposed of, one audit row each (db/retention.ts says what is and is not disposed of).
 */
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/client.js';
import { disposeAtEnd, recordsAtEnd } from '../db/retention.js';
import { useAuditKeys } from '../server/audit-keys.js';
import { loadConfig } from '../server/config.js';

const { values } = parseArgs({ options: { dispose: { type: 'boolean', default: false } } });
const config = loadConfig();
// --dispose writes to the audit trail, keyed as the API's and the worker's rows are.
useAuditKeys(config, { local: 'create' });
const years = config.records.retentionYears;
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
try {
  const policy = Object.entries(years).map(([c, n]) => `${c} ${n} years`);
  console.log(`retention: ${policy.length ? policy.join(', ') : 'none configured'}; every other category permanent`);
  const ended = await recordsAtEnd(database.db, years);
  for (const category of new Set(ended.map((r) => r.category))) {
    const records = ended.filter((r) => r.category === category);
    console.log(`${category}: ${records.length} at the end of retention, ${records.filter((r) => r.archiveHeld).length} with an archived history held`);
  }
  for (const r of ended) console.log(`  ${r.applicationNo}\t${r.category}\tclosed ${r.closedAt}\tended ${r.endsAt}\t${r.archiveHeld ? 'archive held' : 'archive disposed of or none'}`);
  console.log(`${ended.length} applications at the end of their retention`);
  if (values.dispose) {
    const disposed = await disposeAtEnd(database.db, years);
    console.log(`disposed of ${disposed.length} archived histories${disposed.length ? `: ${disposed.join(', ')}` : ''}`);
  } else {
    console.log('nothing deleted (run with --dispose to dispose of the archived histories listed)');
  }
} finally {
  await database.close();
}

/**
 * `npm run officers:grant -- <officer-id> <role> [--centre <code>] [--name <name>] [--department <code>] [--window <code>]`:
 * grants a role as the server's operator, on the server (db/operator-grant.ts). The regional centre's
 * system, security and audit administrators (三员) are set this way; every grant is in the audit trail
 * with actor kind `operator`. Everyone else is granted their role by a security administrator.
 */
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/client.js';
import { grantAsOperator } from '../db/operator-grant.js';
import { useAuditKeys } from './audit-keys.js';
import { loadConfig } from './config.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { centre: { type: 'string' }, name: { type: 'string' }, department: { type: 'string' }, window: { type: 'string' } },
});
const [officerId, role] = positionals;
if (!officerId || !role || positionals.length > 2) {
  console.error(
    'usage: npm run officers:grant -- <officer-id> <role> [--centre <code>] [--name <name>] [--department <code>] [--window <code>]\n' +
      '  e.g. npm run officers:grant -- 450000-security security_administrator --centre 450000 --name 自治区政务服务中心安全管理员',
  );
  process.exit(2);
}
const config = loadConfig();
// The grant's audit row is keyed like every other: the API's and the worker's keys (or the data folder's, locally).
useAuditKeys(config, { local: 'create' });
const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
try {
  const target = await grantAsOperator(database.db, { officerId, role, ...values });
  console.log(`granted: ${target} (audited as ${process.env.USER ?? 'the operator'})`);
} catch (err) {
  console.error(`officers:grant: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await database.close();
}

/**
 * `npm run token -- <officer-id> [ttl]`: prints a signed staff token for local use (development and
 * tests), e.g. `npm run token -- 450100-market_regulation-chief 8h`. It uses AUTH_JWT_SECRET, or the
 * secret `npm start` keeps in the data folder. With an identity provider, ask it for tokens instead.
 */
import { issueToken } from '../api/auth.js';
import { loadConfig } from './config.js';
import { authConfig } from './runtime.js';

const [officerId, ttl = '8h'] = process.argv.slice(2);
if (!officerId) {
  console.error('usage: npm run token -- <officer-id> [ttl, e.g. 8h or 30m]\n  officer ids: GET /v1/officers, e.g. 450000-supervisor');
  process.exit(2);
}
process.stdout.write(`${await issueToken(authConfig(loadConfig(), { localSecret: true }), officerId, ttl)}\n`);

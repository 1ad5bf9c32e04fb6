/**
 * The audit trail: every state-changing request, append-only, each row carrying the hash of the one
 * before it, so that a row altered or removed breaks the chain (`npm run audit:verify`); each row also
 * a leaf of a Merkle tree whose signed heads are kept outside the database, and a MAC under a key the
 * database never sees (db/audit.ts, db/audit-checkpoints.ts).
 */
import { bigserial, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.js';

/**
 * The authenticated caller: an officer, an integrator's key, the server's operator (a command run on
 * the server, `npm run officers:grant`), or (for a failed sign-in) nobody but an address.
 */
export interface AuditActor {
  id: string;
  /** `payment_platform`: a notification of the non-tax payment platform, authenticated by its signature. */
  kind?: 'officer' | 'integrator' | 'operator' | 'payment_platform';
  name?: string;
  role?: string;
  ip?: string;
}

export const auditLog = pgTable('audit_log', {
  id: bigserial({ mode: 'number' }).primaryKey(),
  at: instant().notNull(),
  actor: jsonb().$type<AuditActor>().notNull(),
  /** The route, e.g. `POST /v1/applications/:no/intake`. */
  action: text().notNull(),
  /** What it acted on: the route's parameters, or the application a submission created. */
  target: text().notNull(),
  status: integer().notNull(),
  /** The centre the change concerns (the application's, else the actor's): supervisors read their own and below. */
  centreCode: text(),
  requestId: text().notNull(),
  prevHash: text().notNull(),
  hash: text().notNull(),
  /** RFC 9162's leaf hash of the row, SHA-256(0x00 || its hash): what proofs are made of. */
  leafHash: text().notNull(),
  /** HMAC-SHA256 of the hash under AUDIT_MAC_KEY; null on rows written before the key existed (migration 0020). */
  mac: text(),
});

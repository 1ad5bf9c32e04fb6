/**
 * The audit trail: every state-changing request, append-only, each row carrying the hash of the one
 * before it, so that a row altered or removed breaks the chain (`npm run audit:verify`).
 */
import { bigserial, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.js';

export const auditLog = pgTable('audit_log', {
  id: bigserial({ mode: 'number' }).primaryKey(),
  at: instant().notNull(),
  actor: jsonb().$type<{ id: string; name?: string; ip?: string }>().notNull(),
  /** The route, e.g. `POST /v1/applications/:no/intake`. */
  action: text().notNull(),
  /** What it acted on: the route's parameters, or the application a submission created. */
  target: text().notNull(),
  status: integer().notNull(),
  requestId: text().notNull(),
  prevHash: text().notNull(),
  hash: text().notNull(),
});

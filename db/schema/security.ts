/**
 * Integrators' API keys (portals and other systems). The key is shown once, when it is created; only
 * its SHA-256 is kept. A key is bound to centres (each with the centres below it) and can be revoked.
 */
import { jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, instant } from './columns.js';

/** What applications a key may complain about: those it submitted, or any at its centres. */
export const COMPLAINTS_ABOUT = ['own', 'centres'] as const;

export const apiKeys = pgTable('api_keys', {
  /** The public part of the key, `ow_<id>_<secret>`: finds the row without scanning hashes. */
  id: text().primaryKey(),
  name: text().notNull(),
  /** Centres the integrator may submit to, each with the centres below it. */
  centres: jsonb().$type<string[]>().notNull(),
  /**
   * Which applications it may complain about (投诉): `own`, those it submitted; `centres`, any whose
   * centre is within its centres (a 12345 hotline, which takes calls about applications submitted
   * anywhere). Set by the security administrator who creates the key.
   */
  complaintsAbout: text({ enum: COMPLAINTS_ABOUT }).notNull().default('own'),
  /** SHA-256 of the secret part, hex. */
  secretHash: text().notNull(),
  createdBy: jsonb().$type<{ id: string; name?: string }>().notNull(),
  createdAt: createdAt(),
  revokedAt: instant(),
  revokedBy: jsonb().$type<{ id: string; name?: string }>(),
});

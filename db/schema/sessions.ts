/**
 * Browser sign-in (OpenID Connect): the sessions of signed-in staff, and the sign-ins under way at the
 * identity provider. Both are keyed by the SHA-256 of a random id that only the browser's cookie holds,
 * so a copy of the table signs no one in. Every API process reads the same rows.
 */
import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, instant } from './columns.js';
import { officers } from './organisation.js';

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 (hex) of the random session id in the `ow_session` cookie. */
    idHash: text().primaryKey(),
    officerId: text()
      .notNull()
      .references(() => officers.id, { onDelete: 'cascade' }),
    /** The synchronizer token that unsafe requests carry in X-CSRF-Token (also in the `ow_csrf` cookie). */
    csrfToken: text().notNull(),
    createdAt: createdAt(),
    /** Written at most once a minute: the idle timeout counts from here. */
    lastSeenAt: instant().notNull().defaultNow(),
    /** The absolute timeout: the session ends then, however active. */
    expiresAt: instant().notNull(),
  },
  (t) => [index('sessions_officer_idx').on(t.officerId), index('sessions_expires_idx').on(t.expiresAt)],
);

/** A sign-in sent to the identity provider and not yet back: PKCE verifier, state, nonce and where to return. */
export const pendingSignIns = pgTable('pending_sign_ins', {
  /** SHA-256 (hex) of the random id in the short-lived `ow_signin` cookie, which binds the sign-in to the browser. */
  idHash: text().primaryKey(),
  state: text().notNull(),
  nonce: text().notNull(),
  codeVerifier: text().notNull(),
  returnTo: text().notNull(),
  createdAt: createdAt(),
});

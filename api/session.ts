/**
 * Staff sessions in the browser. A session is a row in PostgreSQL (so every API process shares it)
 * named by the SHA-256 of a random id that only the `ow_session` cookie holds. It ends when the
 * officer signs out, after `idleMinutes` without a request, or `absoluteHours` after sign-in, whatever
 * they do. Writes made with the cookie carry the session's synchronizer token in X-CSRF-Token: another
 * site can make the browser send the cookie, but cannot read the token (the `ow_csrf` cookie is
 * SameSite=Strict and the page reads it only on its own origin).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.js';
import { findOfficer } from '../db/catalogue.js';
import { sessions } from '../db/schema/index.js';
import { HttpError } from './errors.js';

export interface SessionConfig {
  /** A session unused this long ends. */
  idleMinutes: number;
  /** A session ends this long after sign-in, however active. */
  absoluteHours: number;
}

/** OpenID Connect against the identity provider, and the sessions it opens. */
export interface SignInConfig extends SessionConfig {
  issuerUrl: string;
  clientId: string;
  /** Unset: a public client, PKCE only. */
  clientSecret?: string;
  /** The ID token claim that holds the officer id. */
  officerClaim: string;
  scopes: string;
  /** The API's external base URL: the redirect URI is `${publicUrl}/auth/callback`. */
  publicUrl: string;
}

export const SESSION_COOKIE = 'ow_session';
export const CSRF_COOKIE = 'ow_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export const sessionCookie: CookieSerializeOptions = { httpOnly: true, secure: true, sameSite: 'lax', path: '/' };
// Readable by the page's scripts, never sent with a request from another site.
export const csrfCookie: CookieSerializeOptions = { httpOnly: false, secure: true, sameSite: 'strict', path: '/' };

/** The last-seen time is written at most this often, so reading pages costs no write per request. */
const TOUCH_EVERY_MS = 60_000;

export interface SessionInfo {
  idHash: string;
  officerId: string;
  csrfToken: string;
  expiresAt: string;
  idleExpiresAt: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the caller was authenticated by the `ow_session` cookie. */
    session?: SessionInfo;
  }
}

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message);

/** Opens a session for an officer: the id goes to the cookie, only its hash to the database. */
export async function createSession(db: Db, officerId: string, config: SessionConfig) {
  const id = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const now = Date.now();
  const expiresAt = new Date(now + config.absoluteHours * 3_600_000).toISOString();
  // Sessions that ended without a sign-out leave with the next sign-in.
  await db.delete(sessions).where(lt(sessions.expiresAt, new Date(now).toISOString()));
  await db.insert(sessions).values({ idHash: sha256(id), officerId, csrfToken, lastSeenAt: new Date(now).toISOString(), expiresAt });
  return { id, csrfToken, expiresAt };
}

/** The session a cookie names, refused (and its row removed) once idle or absolutely expired. */
export async function resolveSession(db: Db, id: string, config: SessionConfig) {
  const idHash = sha256(id);
  const [row] = await db.select().from(sessions).where(eq(sessions.idHash, idHash));
  if (!row) throw unauthorized('Not signed in: the session has ended or is unknown; sign in again at /auth/login');
  const now = Date.now();
  const lastSeen = Date.parse(row.lastSeenAt);
  const idleExpiresAt = lastSeen + config.idleMinutes * 60_000;
  const expired =
    now >= Date.parse(row.expiresAt)
      ? `it is more than ${config.absoluteHours} h since sign-in`
      : now >= idleExpiresAt
        ? `it was idle for more than ${config.idleMinutes} min`
        : undefined;
  if (expired) {
    await db.delete(sessions).where(eq(sessions.idHash, idHash));
    throw new HttpError(401, 'session_expired', `The session has expired (${expired}); sign in again`);
  }
  const officer = await findOfficer(db, row.officerId);
  if (!officer) {
    await db.delete(sessions).where(eq(sessions.idHash, idHash));
    throw unauthorized(`Officer ${row.officerId} is no longer in the organisation`);
  }
  let seen = lastSeen;
  if (now - lastSeen >= TOUCH_EVERY_MS) {
    seen = now;
    await db.update(sessions).set({ lastSeenAt: new Date(now).toISOString() }).where(eq(sessions.idHash, idHash));
  }
  const session: SessionInfo = {
    idHash,
    officerId: officer.id,
    csrfToken: row.csrfToken,
    expiresAt: new Date(Date.parse(row.expiresAt)).toISOString(),
    idleExpiresAt: new Date(Math.min(seen + config.idleMinutes * 60_000, Date.parse(row.expiresAt))).toISOString(),
  };
  return { officer, session };
}

export async function endSession(db: Db, idHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, idHash));
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A write authenticated by the cookie must carry the session's token (compared in constant time). */
export function checkCsrf(request: FastifyRequest, session: SessionInfo): void {
  if (!UNSAFE.has(request.method)) return;
  const sent = request.headers[CSRF_HEADER];
  const given = Buffer.from(typeof sent === 'string' ? sent : '');
  const expected = Buffer.from(session.csrfToken);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new HttpError(403, 'csrf', `A ${request.method} signed in by the session cookie must carry the session's token in X-CSRF-Token (GET /auth/session, or the ow_csrf cookie)`);
  }
}

export function setSessionCookies(reply: FastifyReply, session: { id: string; csrfToken: string }): void {
  reply.setCookie(SESSION_COOKIE, session.id, sessionCookie).setCookie(CSRF_COOKIE, session.csrfToken, csrfCookie);
}

export function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, sessionCookie).clearCookie(CSRF_COOKIE, csrfCookie);
}

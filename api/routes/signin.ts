/**
 * Browser sign-in: OpenID Connect's authorization code flow with PKCE against the configured identity
 * provider. /auth/login sends the browser there; /auth/callback takes the code back, checks the ID
 * token, finds the officer the configured claim names in the organisation and opens a session
 * (api/session.ts); /auth/session says who is signed in; /auth/logout ends it. Machines keep their
 * bearer tokens and API keys. These routes are browser flows, left out of the OpenAPI document.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, gte, lt } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as oidc from 'openid-client';
import { z } from 'zod';
import { appendAudit } from '../../db/audit.js';
import { findOfficer } from '../../db/catalogue.js';
import { pendingSignIns } from '../../db/schema/index.js';
import { actorOf, staffIdentity } from '../auth.js';
import { HttpError, isUnavailable } from '../errors.js';
import { type SignInConfig, clearSessionCookies, createSession, endSession, setSessionCookies, sha256 } from '../session.js';

const SIGNIN_COOKIE = 'ow_signin';
/** A sign-in must come back from the identity provider within this time. */
const PENDING_MS = 10 * 60_000;
const DEFAULT_RETURN = '/workstation';

/** A path of this origin ("/x", never "//host" or "/\host", which browsers read as another origin), else the default. */
export function safeReturnTo(value: string | undefined): string {
  if (!value || !/^\/(?![/\\])[^\\\s]*$/.test(value)) return DEFAULT_RETURN;
  const base = new URL('http://onewindow.invalid');
  return new URL(value, base).origin === base.origin ? value : DEFAULT_RETURN;
}

/** http only for a provider on this machine (the local one of `npm start` and the tests), never for another host. */
export function isLocalHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** The provider's metadata, discovered on first use (it may start after the API) and again after a failure. */
function providerConfiguration(config: SignInConfig): () => Promise<oidc.Configuration> {
  let discovered: Promise<oidc.Configuration> | undefined;
  return () => {
    discovered ??= (async () => {
      const issuer = new URL(config.issuerUrl);
      const authentication = config.clientSecret ? oidc.ClientSecretPost(config.clientSecret) : oidc.None();
      return oidc.discovery(issuer, config.clientId, undefined, authentication, isLocalHttp(issuer) ? { execute: [oidc.allowInsecureRequests] } : undefined);
    })().catch((err: unknown) => {
      discovered = undefined;
      throw err;
    });
    return discovered;
  };
}

const signInFailed = (message: string) => new HttpError(400, 'sign_in_failed', message);

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A browser gets a page it can read, with the way back; any other client the one error shape. */
function sendError(request: FastifyRequest, reply: FastifyReply, err: HttpError) {
  if (!request.headers.accept?.includes('text/html')) throw err;
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign-in refused · OneWindow</title></head>
<body><main><h1>Sign-in refused</h1><p role="alert" data-code="${escapeHtml(err.code)}">${escapeHtml(err.message)}</p>
<p><a href="/auth/login">Sign in again</a></p></main></body></html>`;
  return reply.status(err.statusCode).type('text/html; charset=utf-8').send(page);
}

const sessionBody = z.object({
  officer: z.object({ id: z.string(), name: z.string(), role: z.string(), centreCode: z.string(), departmentCode: z.string().nullable() }),
  csrfToken: z.string(),
  expiresAt: z.string(),
  idleExpiresAt: z.string(),
});

export const signInRoutes: FastifyPluginAsyncZod<{ config: SignInConfig }> = async (app, { config }) => {
  const db = app.deps.database.db;
  const provider = providerConfiguration(config);
  const redirectUri = `${config.publicUrl}/auth/callback`;
  const cookie = { httpOnly: true, secure: true, sameSite: 'lax' as const, path: '/auth' };

  app.get(
    '/auth/login',
    { schema: { hide: true, querystring: z.object({ returnTo: z.string().optional() }) } },
    async (request, reply) => {
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier, returnTo: safeReturnTo(request.query.returnTo) };
      const url = oidc.buildAuthorizationUrl(await provider(), {
        redirect_uri: redirectUri,
        scope: config.scopes,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      // The values stay here; the browser holds only a random id that binds the answer to it.
      const id = randomBytes(32).toString('base64url');
      await db.delete(pendingSignIns).where(lt(pendingSignIns.createdAt, new Date(Date.now() - PENDING_MS).toISOString()));
      await db.insert(pendingSignIns).values({ idHash: sha256(id), ...pending });
      return reply.setCookie(SIGNIN_COOKIE, id, { ...cookie, maxAge: PENDING_MS / 1000 }).redirect(url.href, 302);
    },
  );

  app.get('/auth/callback', { schema: { hide: true } }, async (request, reply) => {
    reply.clearCookie(SIGNIN_COOKIE, cookie);
    try {
      const id = request.cookies[SIGNIN_COOKIE];
      const [pending] = id
        ? await db
            .delete(pendingSignIns)
            .where(and(eq(pendingSignIns.idHash, sha256(id)), gte(pendingSignIns.createdAt, new Date(Date.now() - PENDING_MS).toISOString())))
            .returning()
        : [];
      if (!pending) throw signInFailed('No sign-in is under way in this browser (it must come back within 10 minutes); start again at /auth/login');

      let claims: oidc.IDToken | undefined;
      try {
        const tokens = await oidc.authorizationCodeGrant(await provider(), new URL(request.url, config.publicUrl), {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        claims = tokens.claims();
      } catch (err) {
        if (isUnavailable(err)) throw err;
        request.log.warn({ err }, 'the identity provider’s answer was refused');
        throw signInFailed(`The identity provider's answer was refused: ${err instanceof Error ? err.message : String(err)}`);
      }
      const officerId = claims?.[config.officerClaim];
      if (typeof officerId !== 'string' || !officerId) throw signInFailed(`The ID token carries no claim ${config.officerClaim} with an officer id`);
      const officer = await findOfficer(db, officerId);
      if (!officer) {
        request.log.warn({ officerId }, 'sign-in refused: not an officer of the organisation');
        throw new HttpError(403, 'unknown_officer', `The identity provider signed in ${officerId}, who is not an officer of the organisation; ask a centre administrator to add them`);
      }

      request.identity = staffIdentity(officer);
      const session = await createSession(db, officer.id, config);
      await appendAudit(db, {
        at: new Date().toISOString(),
        actor: actorOf(request),
        centreCode: officer.centreCode,
        action: 'GET /auth/callback',
        target: officer.id,
        status: 302,
        requestId: request.id,
      });
      setSessionCookies(reply, session);
      return reply.redirect(pending.returnTo, 302);
    } catch (err) {
      if (err instanceof HttpError && err.statusCode < 500) return sendError(request, reply, err);
      throw err;
    }
  });

  app.get('/auth/session', { schema: { hide: true, response: { 200: sessionBody } } }, async (request) => {
    const { identity, session } = request;
    if (!session || identity?.kind !== 'staff') throw new HttpError(401, 'unauthorized', 'Not signed in; sign in at /auth/login');
    return { officer: identity.officer, csrfToken: session.csrfToken, expiresAt: session.expiresAt, idleExpiresAt: session.idleExpiresAt };
  });

  // The X-CSRF-Token is checked with the session (api/auth.ts); the audit trail records the sign-out.
  app.post('/auth/logout', { schema: { hide: true } }, async (request, reply) => {
    if (!request.session) throw new HttpError(401, 'unauthorized', 'Not signed in');
    await endSession(db, request.session.idHash);
    clearSessionCookies(reply);
    return reply.status(204).send();
  });
};

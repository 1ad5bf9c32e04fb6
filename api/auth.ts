/**
 * Who is calling. Staff carry a signed bearer token (JWT) whose subject is their officer id, or, in the
 * browser, the `ow_session` cookie of a session opened by signing in (api/session.ts); their role,
 * centre and department come from the organisation, never from the token. Integrators carry an
 * API key (`X-API-Key: ow_<id>_<secret>`), bound to centres. Every route under /v1 declares who may
 * call it (`config.access`); a route without a declaration stops the API from starting. What a caller
 * may touch within that (their centre, their department) is checked by the route with the helpers below.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type JWTPayload, type JWTVerifyGetKey, SignJWT, createRemoteJWKSet, decodeJwt, errors as joseErrors, importSPKI, jwtVerify } from 'jose';
import type { Db } from '../db/client.js';
import { findOfficer } from '../db/catalogue.js';
import { OFFICER_ROLES, type OfficerRole, apiKeys, webhookEndpoints } from '../db/schema/index.js';
import { WINDOW_ROLES, centrePrefix, withinCentre } from '../workflows/rules/authority.js';
import type { Officer } from '../workflows/messages.js';
import { HttpError } from './errors.js';
import { SESSION_COOKIE, type SessionConfig, checkCsrf, resolveSession } from './session.js';

export interface AuthConfig {
  /** HS256 shared secret (at least 32 characters): local tokens from `npm run token`. */
  secret?: string;
  /** PEM public key (SPKI) of an identity provider, with its algorithm (RS256 by default). */
  publicKey?: string;
  algorithm?: string;
  /** JWKS endpoint of an identity provider; its keys rotate without a restart. */
  jwksUrl?: string;
  issuer: string;
  audience: string;
  /** The longest a token may live (exp − iat) and be used after it was issued; 12 unless told (AUTH_MAX_TOKEN_HOURS). */
  maxTokenHours?: number;
}

export const DEFAULT_MAX_TOKEN_HOURS = 12;
/** How far the clocks of the API and whoever issued a token may disagree. */
const CLOCK_SKEW_SECONDS = 60;

export type StaffOfficer = Required<Pick<Officer, 'id' | 'name' | 'role' | 'centreCode'>> & {
  role: OfficerRole;
  departmentCode: string | null;
  /** The window they sit at: what a window action records, so its video can be found (the recordings' bookmarks). */
  windowCode?: string;
};
export type Identity =
  | { kind: 'staff'; id: string; officer: StaffOfficer }
  | { kind: 'integrator'; id: string; key: { id: string; name: string; centres: string[] }; pausedEndpoints?: string[] };

export type Role = OfficerRole | 'integrator';
/** Who may call a route: anyone, or the listed roles (each then checked for scope by the route). */
export type Access = 'public' | readonly Role[];

declare module 'fastify' {
  interface FastifyRequest {
    identity?: Identity;
    /** The centre a change concerns, when it is neither an application's nor the actor's own (api/audit.ts). */
    auditCentre?: string;
    /** What a change was made to, when neither the path nor the answer's number, code or id names it (api/audit.ts). */
    auditTarget?: string;
    /** Who the audit trail names when the request carries no credentials of ours (the payment platform). */
    auditActor?: { id: string; kind: 'payment_platform'; ip: string };
  }
  interface FastifyContextConfig {
    access?: Access;
    /** false: a session's POST needs no CSRF token (a route that changes nothing, such as the payload codec's). */
    csrf?: boolean;
    /** The audit trail records this route's refusals (4xx) too, not only what it changed. */
    auditRefusals?: boolean;
  }
}

export const STAFF: readonly OfficerRole[] = OFFICER_ROLES;
export const WINDOW_STAFF: readonly OfficerRole[] = WINDOW_ROLES;
/**
 * Those who read what happens at their centre and below (applications masked, alerts, statistics,
 * cases): supervisors, and the system administrators who keep the organisation and catalogue.
 */
export const OVERSIGHT: readonly OfficerRole[] = ['supervisor', 'system_administrator'];
/** 系统管理员: the organisation (centres, departments, windows, calendar days and notices) and the catalogue. */
export const SYSTEM_ADMINISTRATORS: readonly OfficerRole[] = ['system_administrator'];
/** 安全管理员: the officers and their roles, and integrators' keys. */
export const SECURITY_ADMINISTRATORS: readonly OfficerRole[] = ['security_administrator'];
/** The change log (who changed the catalogue or the organisation): oversight, and each of the three administrators (三员). */
export const CHANGE_LOG_READERS: readonly OfficerRole[] = [...OVERSIGHT, 'security_administrator', 'audit_administrator'];

const unauthorized = (message: string) => new HttpError(401, 'unauthorized', message);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);

/**
 * Builds the token verifier for the configured key; none configured means no staff can sign in. Beyond
 * the signature, issuer, audience and expiry: `sub` a string, `iat` present and not ahead of this clock
 * by more than a minute, and a lifetime (exp − iat, and the token's age) within `maxTokenHours`.
 */
export async function tokenVerifier(config: AuthConfig): Promise<(token: string) => Promise<JWTPayload & { sub: string }>> {
  const maxSeconds = (config.maxTokenHours ?? DEFAULT_MAX_TOKEN_HOURS) * 3600;
  const options = { issuer: config.issuer, audience: config.audience, requiredClaims: ['sub', 'exp', 'iat'], maxTokenAge: maxSeconds, clockTolerance: CLOCK_SKEW_SECONDS };
  const checked = (payload: JWTPayload) => {
    if (typeof payload.sub !== 'string' || !payload.sub) throw unauthorized('The token\'s subject (sub) must be an officer id, a string');
    if (payload.exp! - payload.iat! > maxSeconds) throw unauthorized(`The token lives longer than the ${maxSeconds / 3600} hours a staff token may (exp − iat)`);
    return payload as JWTPayload & { sub: string };
  };
  if (config.jwksUrl) {
    const jwks: JWTVerifyGetKey = createRemoteJWKSet(new URL(config.jwksUrl));
    return async (token) => checked((await jwtVerify(token, jwks, options)).payload);
  }
  if (config.publicKey) {
    const algorithm = config.algorithm ?? 'RS256';
    const key = await importSPKI(config.publicKey, algorithm);
    return async (token) => checked((await jwtVerify(token, key, { ...options, algorithms: [algorithm] })).payload);
  }
  if (config.secret) {
    const key = new TextEncoder().encode(config.secret);
    return async (token) => checked((await jwtVerify(token, key, { ...options, algorithms: ['HS256'] })).payload);
  }
  return async () => {
    throw unauthorized('This API accepts no staff tokens: configure AUTH_JWT_SECRET, AUTH_JWT_PUBLIC_KEY or AUTH_JWKS_URL');
  };
}

/** A local token for an officer (development, tests, `npm run token`), signed with the shared secret. */
export async function issueToken(config: AuthConfig, officerId: string, ttl: string | number = '8h'): Promise<string> {
  if (!config.secret) throw new Error('Local tokens need AUTH_JWT_SECRET; with an identity provider, ask it for a token');
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(officerId)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(new TextEncoder().encode(config.secret));
  const { iat, exp } = decodeJwt(token);
  const maxHours = config.maxTokenHours ?? DEFAULT_MAX_TOKEN_HOURS;
  if (exp! - iat! > maxHours * 3600) throw new Error(`A staff token may live at most ${maxHours} hours (AUTH_MAX_TOKEN_HOURS); asked for ${ttl}`);
  return token;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** A new key: the whole key is returned once; only the hash of its secret is stored. */
export function newApiKey(): { id: string; key: string; secretHash: string } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, key: `ow_${id}_${secret}`, secretHash: sha256(secret) };
}

async function integratorFor(db: Db, key: string): Promise<Identity> {
  const match = /^ow_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(key);
  if (!match) throw unauthorized('X-API-Key is not a OneWindow key (ow_<id>_<secret>)');
  // With the key, its paused webhook endpoints: every answer tells the integrator of them (below).
  const paused = sql<string[]>`(select coalesce(json_agg(e.id order by e.id), '[]'::json) from ${webhookEndpoints} e where e.key_id = ${apiKeys}.id and e.status = 'paused')`;
  const [row] = await db
    .select({ id: apiKeys.id, name: apiKeys.name, centres: apiKeys.centres, secretHash: apiKeys.secretHash, pausedEndpoints: paused })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, match[1]), isNull(apiKeys.revokedAt)));
  const expected = Buffer.from(row?.secretHash ?? '0'.repeat(64), 'hex');
  // Compared in constant time, also when the key id is unknown.
  if (!timingSafeEqual(expected, Buffer.from(sha256(match[2]), 'hex')) || !row) {
    throw unauthorized('The API key is unknown or has been revoked');
  }
  return { kind: 'integrator', id: `integrator:${row.id}`, key: { id: row.id, name: row.name, centres: row.centres }, pausedEndpoints: row.pausedEndpoints };
}

async function staffFor(db: Db, verify: (token: string) => Promise<{ sub: string }>, token: string): Promise<Identity> {
  let payload: { sub: string };
  try {
    payload = await verify(token);
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw unauthorized('The token has expired');
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'iat' && err.reason === 'check_failed') {
      throw unauthorized(`The token was issued in the future (iat more than ${CLOCK_SKEW_SECONDS} s ahead of this server's clock)`);
    }
    if (err instanceof HttpError) throw err;
    throw unauthorized('The token is not valid (signature, issuer, audience or form)');
  }
  const officer = await findOfficer(db, payload.sub);
  if (!officer) throw unauthorized(`The token names officer ${payload.sub}, who is not in the organisation`);
  return staffIdentity(officer);
}

/**
 * Identities are typed: `officer:<id>` and `integrator:<key id>` (what an application's submittedBy
 * and the supplement check compare). An officer id with a colon could read as another kind's
 * (`integrator:<key id>`), so none is created, and none signs in.
 */
export const isOfficerId = (id: string) => !id.includes(':');
export const OFFICER_ID_RULE = 'may not contain ":": callers are named officer:<id> or integrator:<key id>, and an officer id must not read as another kind';

/** A staff caller as the organisation records them, however they proved who they are. */
export function staffIdentity(officer: Omit<StaffOfficer, 'windowCode'> & { windowCode?: string | null }): Identity {
  const { id, name, role, centreCode, departmentCode, windowCode } = officer;
  if (!isOfficerId(id)) throw unauthorized(`Officer id ${id} contains ":" and could read as another kind of caller; rename the officer`);
  return { kind: 'staff', id: `officer:${id}`, officer: { id, name, role, centreCode, departmentCode, ...(windowCode ? { windowCode } : {}) } };
}

/** Routes that take the session cookie: the API, and the session's own routes. */
const takesSessionCookie = (url: string | undefined) => !!url && (url.startsWith('/v1/') || url === '/auth/session' || url === '/auth/logout');

/**
 * Resolves the caller on every request and enforces the route's declared access: 401 without valid
 * credentials, 403 for a role the route does not admit. Runs before the body is parsed or validated.
 */
export async function registerAuth(
  app: FastifyInstance,
  config: AuthConfig,
  options: {
    signInFailed?: (request: FastifyRequest) => Promise<void>;
    /** Browser sessions' timeouts; unset, the session cookie is not accepted. */
    sessions?: SessionConfig;
  } = {},
): Promise<void> {
  const { signInFailed, sessions } = options;
  const verify = await tokenVerifier(config);
  const db = app.deps.database.db;

  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (route.url.startsWith('/v1') && access === undefined) {
      throw new Error(`Route ${String(route.method)} ${route.url} does not declare who may call it (config.access)`);
    }
    // The OpenAPI document says which credentials each route takes, and who may use them.
    if (route.schema && access && access !== 'public') {
      const schemes: Record<string, string[]>[] = [];
      if (access.some((r) => r !== 'integrator')) schemes.push({ staffToken: [] });
      if (access.includes('integrator')) schemes.push({ integratorKey: [] });
      const who = `Who: ${access.map((r) => r.replace('_', ' ')).join(', ')}.`;
      route.schema = { ...route.schema, security: schemes, description: [route.schema.description, who].filter(Boolean).join('\n\n') };
    }
  });

  // An integrator whose webhook endpoint was paused (it failed for days) hears of it in every answer.
  app.addHook('onSend', async (request, reply, payload) => {
    const paused = request.identity?.kind === 'integrator' ? request.identity.pausedEndpoints : undefined;
    if (paused?.length) reply.header('OneWindow-Webhooks-Paused', `${paused.join(', ')}; see GET /v1/webhooks/endpoints, resume with POST /v1/webhooks/endpoints/{id}/resume`);
    return payload;
  });

  app.addHook('onRequest', async (request) => {
    const apiKey = request.headers['x-api-key'];
    const authorization = request.headers.authorization;
    // Machines' credentials win over a cookie the same client may also hold; only the cookie needs CSRF tokens.
    const sessionId = sessions && takesSessionCookie(request.routeOptions.url) ? request.cookies[SESSION_COOKIE] : undefined;
    try {
      if (typeof apiKey === 'string' && apiKey) request.identity = await integratorFor(db, apiKey.trim());
      else if (authorization) {
        const [scheme, token] = authorization.split(' ');
        if (scheme?.toLowerCase() !== 'bearer' || !token) throw unauthorized('Authorization must be "Bearer <token>"');
        request.identity = await staffFor(db, verify, token);
      } else if (sessionId) {
        const { officer, session } = await resolveSession(db, sessionId, sessions!);
        request.identity = staffIdentity(officer);
        request.session = session;
      }
    } catch (err) {
      if (err instanceof HttpError && err.statusCode === 401) await signInFailed?.(request);
      throw err;
    }
    if (request.session && request.routeOptions.config?.csrf !== false) checkCsrf(request, request.session);

    const access = request.routeOptions.config?.access;
    if (access === undefined || access === 'public') return;
    if (!request.identity) throw unauthorized('This route needs a signed-in session (/auth/login), a staff token (Authorization: Bearer) or an integrator key (X-API-Key)');
    const role = roleOf(request.identity);
    if (!access.includes(role)) throw forbidden(`A ${role.replace('_', ' ')} may not ${request.method} ${request.routeOptions.url}`);
  });
}

export const roleOf = (identity: Identity): Role => (identity.kind === 'staff' ? identity.officer.role : 'integrator');

/** The authenticated officer; the route's access list has already admitted only staff. */
export function staffOf(request: FastifyRequest): StaffOfficer {
  if (request.identity?.kind !== 'staff') throw forbidden('Only staff may do this');
  return request.identity.officer;
}

/** The officer, refused unless the centre is theirs or below theirs. */
export function requireCentre(request: FastifyRequest, centreCode: string, what: string): StaffOfficer {
  const officer = staffOf(request);
  if (!withinCentre(officer.centreCode, centreCode)) {
    throw forbidden(`${officer.id} of centre ${officer.centreCode} may not ${what} at centre ${centreCode}`);
  }
  return officer;
}

/** The centre a supervisor's or administrator's query covers: theirs unless they name one within it. */
export function scopeCentre(request: FastifyRequest, asked: string | undefined, what: string): string {
  const officer = staffOf(request);
  if (!asked) return officer.centreCode;
  requireCentre(request, asked, what);
  return asked;
}

/** Who the audit trail and the records name: the authenticated caller. */
export function actorOf(request: FastifyRequest) {
  const identity = request.identity;
  if (!identity) return { id: 'anonymous', ip: request.ip };
  if (identity.kind === 'integrator') return { id: identity.id, kind: 'integrator' as const, name: identity.key.name, ip: request.ip };
  return { id: identity.officer.id, kind: 'officer' as const, name: identity.officer.name, role: identity.officer.role, ip: request.ip };
}

/** The regional catalogue (items, departments, the national calendar) is kept at the regional centre. */
export function requireRegion(request: FastifyRequest, what: string): StaffOfficer {
  const officer = staffOf(request);
  if (centrePrefix(officer.centreCode).length > 2) throw forbidden(`Only an administrator of the regional centre may ${what}; ${officer.id} serves ${officer.centreCode}`);
  return officer;
}

/** The actor a catalogue or case change records. */
export function recordedActor(request: FastifyRequest) {
  const officer = staffOf(request);
  return { id: officer.id, name: officer.name, requestId: request.id };
}

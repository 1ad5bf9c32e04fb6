/**
 * Browser sign-in over real HTTP: OpenID Connect's code flow with PKCE through the local identity
 * provider, the session cookie and its attributes, CSRF tokens on writes, sign-out, idle and absolute
 * timeouts, an account the organisation does not know, open redirects, and machines' credentials,
 * which keep working as before.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeReturnTo } from '../api/routes/signin.js';
import { sha256 } from '../api/session.js';
import { auditLog, sessions } from '../db/schema/index.js';
import { loadConfig } from '../server/config.js';
import { CookieJar, signInOverHttp } from './support/signin.js';
import { type Stack, securityOf, startStack, submission, supervisorOf } from './support/stack.js';

let stack: Stack;
let base: string;

beforeAll(async () => {
  stack = await startStack({ signIn: true });
  base = stack.baseUrl;
});
afterAll(async () => {
  await stack?.close();
});

/** Signs in and checks it worked: a jar holding the session's cookies. */
async function signedIn(officerId: string): Promise<CookieJar> {
  const { response, jar } = await signInOverHttp(base, officerId, '/supervision');
  expect(response.status, await response.clone().text()).toBe(302);
  expect(jar.cookies.get('ow_session')).toBeTruthy();
  return jar;
}

/** What the tests read of an answer: an error, or a session's times. */
interface Answer {
  error: { code: string; message: string };
  kind: string;
  expiresAt: string;
  idleExpiresAt: string;
}
const read = async (response: Response) => (await response.json()) as Answer;
const json = (jar: CookieJar, path: string, init: RequestInit = {}) => jar.fetch(`${base}${path}`, { ...init, headers: { accept: 'application/json', ...init.headers } });
const attributes = (line: string | undefined) => (line ?? '').split(';').slice(1).map((a) => a.trim().toLowerCase());
const rowOf = async (jar: CookieJar) => (await stack.db.select().from(sessions).where(eq(sessions.idHash, sha256(jar.cookies.get('ow_session')!))))[0];
const newKey = (centre: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `Portal ${Math.random()}`, centres: [centre] }) });

describe('signing in through the identity provider', () => {
  it('sends the browser to the provider with PKCE (S256), state and nonce, keeping the values server-side', async () => {
    const jar = new CookieJar();
    const response = await jar.fetch(`${base}/auth/login?returnTo=/supervision`);
    expect(response.status).toBe(302);
    const to = new URL(response.headers.get('location')!);
    expect(to.origin).toBe(stack.idp!.issuer);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    expect(to.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(to.searchParams.get('state')).toBeTruthy();
    expect(to.searchParams.get('nonce')).toBeTruthy();
    expect(to.searchParams.get('redirect_uri')).toBe(`${base}/auth/callback`);
    // The browser holds only a random id bound to the pending sign-in, in a short-lived httpOnly cookie.
    expect(attributes(jar.lines.get('ow_signin'))).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite=lax', 'path=/auth', 'max-age=600']));
    expect(jar.lines.get('ow_signin')).not.toContain(to.searchParams.get('state')!);
  });

  it('opens a session in httpOnly, Secure, SameSite cookies, stored only as a hash, and /v1 takes the cookie as the officer', async () => {
    const { response, jar } = await signInOverHttp(base, supervisorOf('450100'), '/supervision');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/supervision');
    expect(attributes(jar.lines.get('ow_session'))).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite=lax', 'path=/']));
    const csrf = attributes(jar.lines.get('ow_csrf'));
    expect(csrf).toEqual(expect.arrayContaining(['secure', 'samesite=strict', 'path=/']));
    expect(csrf).not.toContain('httponly');

    const id = jar.cookies.get('ow_session')!;
    const row = await rowOf(jar);
    expect(row).toMatchObject({ officerId: supervisorOf('450100'), csrfToken: jar.cookies.get('ow_csrf') });
    expect(JSON.stringify(await stack.db.select().from(sessions))).not.toContain(id);

    const me = await json(jar, '/v1/me');
    expect(me.status).toBe(200);
    expect(await read(me)).toEqual({
      kind: 'staff',
      officer: { id: supervisorOf('450100'), name: expect.any(String), role: 'supervisor', centreCode: '450100', departmentCode: null },
    });
    const session = await json(jar, '/auth/session');
    expect(session.status).toBe(200);
    const body = await read(session);
    expect(body).toMatchObject({ officer: { id: supervisorOf('450100'), role: 'supervisor', centreCode: '450100' }, csrfToken: jar.cookies.get('ow_csrf') });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(9.9 * 3_600_000);
    expect(Date.parse(body.idleExpiresAt) - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(Date.parse(body.idleExpiresAt) - Date.now()).toBeLessThanOrEqual(30 * 60_000);

    // Audited, with the officer as actor; the live stream takes the cookie, and no longer a token in its query.
    const audited = await stack.db.select().from(auditLog).where(and(eq(auditLog.action, 'GET /auth/callback'), eq(auditLog.target, supervisorOf('450100'))));
    expect(audited[0]?.actor).toMatchObject({ id: supervisorOf('450100'), kind: 'officer' });
    const controller = new AbortController();
    const stream = await jar.fetch(`${base}/v1/supervision/stream`, { signal: controller.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    controller.abort();
    const byQuery = await fetch(`${base}/v1/supervision/stream?access_token=${await stack.token(supervisorOf())}`);
    expect(byQuery.status).toBe(401);
  });

  it('refuses a write by the session cookie without its CSRF token (403 csrf) and takes it with the token', async () => {
    const jar = await signedIn(securityOf('450100'));
    const csrf = jar.cookies.get('ow_csrf')!;
    for (const token of [undefined, 'x'.repeat(csrf.length), 'short']) {
      const refused = await json(jar, '/v1/integrators', { ...newKey('450100'), headers: { 'content-type': 'application/json', ...(token ? { 'x-csrf-token': token } : {}) } });
      expect(refused.status).toBe(403);
      expect((await read(refused)).error).toMatchObject({ code: 'csrf', message: expect.stringContaining('X-CSRF-Token') });
    }
    const created = await json(jar, '/v1/integrators', { ...newKey('450100'), headers: { 'content-type': 'application/json', 'x-csrf-token': csrf } });
    expect(created.status).toBe(201);
    // Reading needs no token.
    expect((await json(jar, '/v1/integrators')).status).toBe(200);
  });

  it('ends the session at sign-out: both cookies cleared, the row gone, the cookie refused', async () => {
    const jar = await signedIn(supervisorOf('450100'));
    const old = jar.header();
    expect((await json(jar, '/auth/logout', { method: 'POST' })).status).toBe(403);
    const out = await json(jar, '/auth/logout', { method: 'POST', headers: { 'x-csrf-token': jar.cookies.get('ow_csrf')! } });
    expect(out.status).toBe(204);
    expect(jar.cookies.has('ow_session')).toBe(false);
    expect(jar.cookies.has('ow_csrf')).toBe(false);
    const after = await fetch(`${base}/v1/me`, { headers: { cookie: old } });
    expect(after.status).toBe(401);
    expect((await read(after)).error.code).toBe('unauthorized');
    expect((await fetch(`${base}/auth/session`, { headers: { cookie: old } })).status).toBe(401);
    const audited = await stack.db.select().from(auditLog).where(eq(auditLog.action, 'POST /auth/logout'));
    expect(audited.map((a) => a.actor.id)).toContain(supervisorOf('450100'));
  });

  it('ends an idle session and one past its absolute limit with 401 session_expired, removing the row', async () => {
    const idle = await signedIn(supervisorOf('450200'));
    const idHash = sha256(idle.cookies.get('ow_session')!);
    // Used two minutes ago: the request counts as activity, written once, not again within the minute.
    await stack.db.update(sessions).set({ lastSeenAt: new Date(Date.now() - 120_000).toISOString() }).where(eq(sessions.idHash, idHash));
    expect((await json(idle, '/v1/me')).status).toBe(200);
    const touched = (await rowOf(idle)).lastSeenAt;
    expect(Date.now() - Date.parse(touched)).toBeLessThan(10_000);
    expect((await json(idle, '/v1/me')).status).toBe(200);
    expect((await rowOf(idle)).lastSeenAt).toBe(touched);

    await stack.db.update(sessions).set({ lastSeenAt: new Date(Date.now() - 31 * 60_000).toISOString() }).where(eq(sessions.idHash, idHash));
    const expired = await json(idle, '/v1/me');
    expect(expired.status).toBe(401);
    expect((await read(expired)).error).toMatchObject({ code: 'session_expired', message: expect.stringMatching(/session has expired.*idle/) });
    expect(await rowOf(idle)).toBeUndefined();

    const old = await signedIn(supervisorOf('450200'));
    await stack.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000).toISOString() }).where(eq(sessions.idHash, sha256(old.cookies.get('ow_session')!)));
    const past = await json(old, '/auth/session');
    expect(past.status).toBe(401);
    expect((await read(past)).error).toMatchObject({ code: 'session_expired', message: expect.stringMatching(/session has expired.*since sign-in/) });
    expect(await rowOf(old)).toBeUndefined();
  });

  it('takes tiny configured timeouts: a session unused beyond SESSION_IDLE_MINUTES has expired', async () => {
    const short = await startStack({ worker: false, signIn: { idleMinutes: 1, absoluteHours: 1 } });
    try {
      const { jar } = await signInOverHttp(short.baseUrl, supervisorOf('450300'), '/supervision');
      const body = await read(await jar.fetch(`${short.baseUrl}/auth/session`));
      expect(Date.parse(body.expiresAt) - Date.now()).toBeLessThanOrEqual(3_600_000);
      expect(Date.parse(body.idleExpiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
      await short.db.update(sessions).set({ lastSeenAt: new Date(Date.now() - 61_000).toISOString() }).where(eq(sessions.idHash, sha256(jar.cookies.get('ow_session')!)));
      const expired = await jar.fetch(`${short.baseUrl}/v1/me`);
      expect(expired.status).toBe(401);
      expect((await read(expired)).error.code).toBe('session_expired');
    } finally {
      await short.close();
    }
  });

  it('reads the officer id from the configured claim', async () => {
    // The local provider puts the officer id in preferred_username as well as in sub.
    const byUsername = await startStack({ worker: false, signIn: { officerClaim: 'preferred_username' } });
    const byNumber = await startStack({ worker: false, signIn: { officerClaim: 'employee_no' } });
    try {
      const { response, jar } = await signInOverHttp(byUsername.baseUrl, supervisorOf('450100'));
      expect(response.status).toBe(302);
      expect((await jar.fetch(`${byUsername.baseUrl}/v1/me`)).status).toBe(200);
      const missing = await signInOverHttp(byNumber.baseUrl, supervisorOf('450100'));
      expect(missing.response.status).toBe(400);
      expect((await read(missing.response)).error).toMatchObject({ code: 'sign_in_failed', message: expect.stringContaining('employee_no') });
      expect(missing.jar.cookies.has('ow_session')).toBe(false);
    } finally {
      await byUsername.close();
      await byNumber.close();
    }
  });

  it('signs in as a public client, with PKCE alone', async () => {
    const open = await startStack({ worker: false, signIn: { publicClient: true } });
    try {
      expect(open.idp!.clientSecret).toBeUndefined();
      const { response, jar } = await signInOverHttp(open.baseUrl, supervisorOf('450100'));
      expect(response.status).toBe(302);
      expect((await jar.fetch(`${open.baseUrl}/v1/me`)).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('refuses an account the organisation does not know, with 403 in the one error shape and no session', async () => {
    const { response, jar } = await signInOverHttp(base, 'stranger-0001', '/supervision');
    expect(response.status).toBe(403);
    expect(await read(response)).toEqual({ error: { code: 'unknown_officer', message: expect.stringContaining('stranger-0001') } });
    expect(jar.cookies.has('ow_session')).toBe(false);
    expect(await stack.db.select().from(sessions).where(eq(sessions.officerId, 'stranger-0001'))).toEqual([]);

    // A browser gets a page saying so.
    const html = await signInPageFor('stranger-0002');
    expect(html.status).toBe(403);
    expect(html.type).toContain('text/html');
    expect(html.text).toContain('not an officer of the organisation');
  });

  it('ignores a returnTo that is not a path of this origin', async () => {
    for (const returnTo of ['https://evil.example/x', '//evil.example/x', '/\\evil.example/x', 'javascript:alert(1)', '/ok path']) {
      expect(safeReturnTo(returnTo)).toBe('/workstation');
    }
    expect(safeReturnTo('/supervision?centre=450100#map')).toBe('/supervision?centre=450100#map');
    for (const returnTo of ['//evil.example/x', 'https://evil.example/']) {
      const { response } = await signInOverHttp(base, supervisorOf('450100'), returnTo);
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/workstation');
    }
  });

  it('refuses a callback that this browser did not start, and a code used twice', async () => {
    const { callbackUrl, jar } = await signInOverHttp(base, supervisorOf('450100'));
    const elsewhere = await fetch(callbackUrl, { headers: { accept: 'application/json' }, redirect: 'manual' });
    expect(elsewhere.status).toBe(400);
    expect((await read(elsewhere)).error.code).toBe('sign_in_failed');
    const replayed = await jar.fetch(callbackUrl, { headers: { accept: 'application/json' } });
    expect(replayed.status).toBe(400);
  });
});

describe('the sign-in settings', () => {
  it('default to the local provider’s needs and name a bad variable', () => {
    expect(loadConfig({ PORT: '3100' }).signIn).toEqual({
      issuerUrl: undefined,
      clientId: 'onewindow',
      clientSecret: undefined,
      officerClaim: 'sub',
      scopes: 'openid profile',
      devPort: 3001,
      publicUrl: 'http://localhost:3100',
      idleMinutes: 30,
      absoluteHours: 10,
    });
    const set = loadConfig({ OIDC_ISSUER_URL: 'https://idp.example', OIDC_SCOPES: ' openid  profile email', PUBLIC_URL: 'https://ow.example/', SESSION_IDLE_MINUTES: '15' });
    expect(set.signIn).toMatchObject({ issuerUrl: 'https://idp.example', scopes: 'openid profile email', publicUrl: 'https://ow.example', idleMinutes: 15 });
    expect(() => loadConfig({ OIDC_ISSUER_URL: 'http://idp.example' })).toThrow(/OIDC_ISSUER_URL: must be https/);
    expect(loadConfig({ OIDC_ISSUER_URL: 'http://127.0.0.1:3001' }).signIn.issuerUrl).toBe('http://127.0.0.1:3001');
    expect(() => loadConfig({ OIDC_SCOPES: 'profile' })).toThrow(/OIDC_SCOPES/);
    expect(() => loadConfig({ SESSION_IDLE_MINUTES: '0' })).toThrow(/SESSION_IDLE_MINUTES/);
    expect(() => loadConfig({ SESSION_ABSOLUTE_HOURS: 'ten' })).toThrow(/SESSION_ABSOLUTE_HOURS/);
    expect(() => loadConfig({ PUBLIC_URL: 'onewindow.example' })).toThrow(/PUBLIC_URL/);
  });
});

describe('machines', () => {
  it('keep bearer tokens and API keys, with no CSRF token, also beside a session cookie', async () => {
    const byToken = await stack.as(securityOf('450100'))({ method: 'POST', url: '/v1/integrators', payload: { name: 'Token portal', centres: ['450100'] } });
    expect(byToken.statusCode).toBe(201);
    const submitted = await stack.integrator({ method: 'POST', url: '/v1/applications', payload: submission() });
    expect(submitted.statusCode).toBe(201);

    // Over HTTP, with a browser's session cookie as well: the Authorization header decides, no CSRF token asked.
    const jar = await signedIn(supervisorOf('450100'));
    const token = await stack.token(securityOf('450100'));
    const created = await jar.fetch(`${base}/v1/integrators`, { ...newKey('450100'), headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
    expect(created.status).toBe(201);
    const keyed = await jar.fetch(`${base}/v1/me`, { headers: { 'x-api-key': stack.integrator.key } });
    expect((await read(keyed)).kind).toBe('integrator');
  });
});

/** A refused sign-in's callback, as a browser asks for it (Accept: text/html). */
async function signInPageFor(account: string) {
  const jar = new CookieJar();
  const login = await jar.fetch(`${base}/auth/login`);
  let url = login.headers.get('location')!;
  let response = await jar.fetch(url);
  while (response.status >= 300 && response.status < 400) response = await jar.fetch((url = new URL(response.headers.get('location')!, url).href));
  const action = /<form method="post" action="([^"]+)"/.exec(await response.text())![1];
  url = new URL(action, url).href;
  response = await jar.fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ officer: account }) });
  while (response.status >= 300 && response.status < 400) {
    url = new URL(response.headers.get('location')!, url).href;
    response = await jar.fetch(url, { headers: { accept: 'text/html' } });
  }
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

/**
 * Staff tokens from a real identity provider: verified with its configured public key (PEM), or with
 * the keys it publishes at a JWKS endpoint, which may rotate. Issuer, audience, expiry and signature are
 * all checked; the role always comes from the organisation, never from the token.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, buildApp } from '../api/app.js';
import type { AuthConfig } from '../api/auth.js';
import { type Stack, startStack, supervisorOf } from './support/stack.js';

let stack: Stack;
let jwks: Server;
let jwksUrl: string;
let published: object[] = [];
const apps: App[] = [];

beforeAll(async () => {
  stack = await startStack({ worker: false });
  jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published })));
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(async () => {
  for (const app of apps) await app.close();
  jwks?.close();
  await stack?.close();
});

async function appWith(auth: Partial<AuthConfig>) {
  const app = await buildApp({
    database: stack.database,
    auth: { issuer: 'https://idp.gxzf.example', audience: 'onewindow', ...auth },
    temporal: { client: stack.client, connection: stack.connection, taskQueue: stack.taskQueue },
  });
  apps.push(app);
  return app;
}

/** A provider's access token: iat as every provider sets it (RFC 9068 requires it), unless `iat: false`. */
function sign(key: CryptoKey, claims: { sub?: string; iss?: string; aud?: string; exp?: string | number; kid?: string; alg?: string; iat?: false } = {}) {
  const jwt = new SignJWT({ role: 'centre_administrator' }) // a role claim the API must ignore
    .setProtectedHeader({ alg: claims.alg ?? 'RS256', kid: claims.kid })
    .setSubject(claims.sub ?? supervisorOf('450100'))
    .setIssuer(claims.iss ?? 'https://idp.gxzf.example')
    .setAudience(claims.aud ?? 'onewindow')
    .setExpirationTime(claims.exp ?? '10m');
  if (claims.iat !== false) jwt.setIssuedAt();
  return jwt.sign(key);
}

const me = (app: App, token: string) => app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${token}` } });

describe('tokens from an identity provider', () => {
  it('verifies with a configured public key, and checks issuer, audience, expiry and signature', async () => {
    const provider = await generateKeyPair('RS256', { extractable: true });
    const stranger = await generateKeyPair('RS256');
    const app = await appWith({ publicKey: await exportSPKI(provider.publicKey), algorithm: 'RS256' });

    const ok = await me(app, await sign(provider.privateKey));
    expect(ok.statusCode).toBe(200);
    // The organisation says who they are: a supervisor of 450100, whatever the token claims.
    expect(ok.json()).toMatchObject({ kind: 'staff', officer: { id: '450100-supervisor', role: 'supervisor', centreCode: '450100' } });
    const refused = await app.inject({ url: '/v1/catalogue/import', method: 'POST', headers: { authorization: `Bearer ${await sign(provider.privateKey)}` }, payload: { items: [] } });
    expect(refused.statusCode).toBe(403);

    for (const [what, token, message] of [
      ['another key', await sign(stranger.privateKey), 'not valid'],
      ['another issuer', await sign(provider.privateKey, { iss: 'https://elsewhere.example' }), 'not valid'],
      ['another audience', await sign(provider.privateKey, { aud: 'another-system' }), 'not valid'],
      ['expired', await sign(provider.privateKey, { exp: Math.floor(Date.now() / 1000) - 120 }), 'expired'],
      ['an unknown officer', await sign(provider.privateKey, { sub: 'nobody' }), 'not in the organisation'],
      ['no iat', await sign(provider.privateKey, { iat: false }), 'not valid'],
      ['a day long', await sign(provider.privateKey, { exp: '24h' }), 'longer than the 12 hours'],
    ] as const) {
      const res = await me(app, token);
      expect(res.statusCode, what).toBe(401);
      expect(res.json().error.message, what).toContain(message);
    }
  });

  it('verifies with the keys published at a JWKS endpoint, each of them during a rotation', async () => {
    const first = await generateKeyPair('ES256', { extractable: true });
    const second = await generateKeyPair('ES256', { extractable: true });
    // A provider publishes its next key before it signs with it.
    published = [
      { ...(await exportJWK(first.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' },
      { ...(await exportJWK(second.publicKey)), kid: 'k2', alg: 'ES256', use: 'sig' },
    ];
    const app = await appWith({ jwksUrl });
    expect((await me(app, await sign(first.privateKey, { alg: 'ES256', kid: 'k1' }))).statusCode).toBe(200);
    expect((await me(app, await sign(second.privateKey, { alg: 'ES256', kid: 'k2' }))).statusCode).toBe(200);
    // A key it never published is refused, whatever its key id says.
    const forged = await generateKeyPair('ES256');
    expect((await me(app, await sign(forged.privateKey, { alg: 'ES256', kid: 'k1' }))).statusCode).toBe(401);
    expect((await me(app, await sign(forged.privateKey, { alg: 'ES256', kid: 'k3' }))).statusCode).toBe(401);
  });

  it('accepts no staff token when no key is configured', async () => {
    const app = await appWith({});
    const provider = await generateKeyPair('RS256');
    const res = await me(app, await sign(provider.privateKey));
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toContain('AUTH_JWT_SECRET');
  });
});

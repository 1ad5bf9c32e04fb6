import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { type Stack, adminOf, caller, createKey, startStack, submission, testConfig } from './support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack?.close());

/** Another instance of the API on the stack's database and Temporal, with its own security settings. */
const appWith = (security: NonNullable<Parameters<typeof buildApp>[0]['security']>) =>
  buildApp({
    database: stack.database,
    auth: testConfig().auth,
    temporal: { client: stack.client, connection: stack.connection, taskQueue: stack.taskQueue },
    security,
  });

/** The one error shape, with a message matching `message`. */
const errorShape = (message: RegExp) => ({ error: { code: expect.any(String), message: expect.stringMatching(message) } });

describe('hardening', () => {
  it('sends security headers and no CORS permission to an origin it was not configured for', async () => {
    const res = await stack.app.inject({ url: '/healthz', headers: { origin: 'https://elsewhere.example' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows a configured origin and limits the requests of one address without credentials, in the one error shape', async () => {
    const app = await appWith({ corsOrigins: ['https://portal.example'], rateLimitPerMinute: 3 });
    try {
      // (Not /healthz: the probes are never limited.)
      const allowed = await app.inject({ url: '/v1/items?q=limit', headers: { origin: 'https://portal.example' } });
      expect(allowed.headers['access-control-allow-origin']).toBe('https://portal.example');
      await app.inject('/v1/items?q=limit');
      await app.inject('/v1/items?q=limit');
      const limited = await app.inject('/v1/items?q=limit');
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toEqual(errorShape(/rate limit/i));
      expect(limited.json().error.code).toBe('rate_limited');
    } finally {
      await app.close();
    }
  });

  it('counts the requests of an authenticated caller per key: one key exhausted, another from the same address still served', async () => {
    const app = await appWith({ rateLimitPerMinute: 2, rateLimitPerKeyPerMinute: 4 });
    try {
      const [firstKey, secondKey] = [await createKey(stack.db, ['450000'], 'First portal'), await createKey(stack.db, ['450000'], 'Second portal')];
      const first = caller(app, async () => ({ 'x-api-key': firstKey.key }));
      const second = caller(app, async () => ({ 'x-api-key': secondKey.key }));
      const list = { url: '/v1/applications', query: { limit: '1' } };
      // More than the limit of an address without credentials: a key has its own, larger allowance.
      for (let i = 0; i < 4; i += 1) expect((await first(list)).statusCode, `request ${i + 1}`).toBe(200);
      const limited = await first(list);
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toEqual(errorShape(/rate limit/i));
      expect((await second(list)).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('refuses a 100 KiB application body with 413 in the one error shape, while the catalogue import takes one', async () => {
    const body = { ...submission(), materials: Array.from({ length: 1024 }, (_, i) => `${String(i).padStart(4, '0')} ${'材'.repeat(40)}`) };
    const payload = JSON.stringify(body);
    expect(Buffer.byteLength(payload)).toBeGreaterThan(100 * 1024);
    const res = await stack.integrator({ method: 'POST', url: '/v1/applications', payload, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });

    // The import has its own, larger limit: a body of the same size is read (and refused only for its rows).
    const rows = JSON.stringify({ items: [{ code: 'not-an-item', note: 'x'.repeat(100 * 1024) }] });
    const imported = await stack.as(adminOf())({ method: 'POST', url: '/v1/catalogue/import', payload: rows, headers: { 'content-type': 'application/json' } });
    expect(imported.statusCode, imported.body).toBe(400);
    expect(imported.json().error.code).toBe('validation_failed');
  });
});

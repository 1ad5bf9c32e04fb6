import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { type Stack, startStack } from './support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack?.close());

describe('hardening', () => {
  it('sends security headers and no CORS permission to an origin it was not configured for', async () => {
    const res = await stack.app.inject({ url: '/healthz', headers: { origin: 'https://elsewhere.example' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows a configured origin and limits the requests of one address, in the one error shape', async () => {
    const app = await buildApp({
      database: stack.database,
      temporal: { client: stack.client, connection: stack.connection, taskQueue: stack.taskQueue },
      security: { corsOrigins: ['https://portal.example'], rateLimitPerMinute: 3 },
    });
    try {
      const allowed = await app.inject({ url: '/healthz', headers: { origin: 'https://portal.example' } });
      expect(allowed.headers['access-control-allow-origin']).toBe('https://portal.example');
      await app.inject('/healthz');
      await app.inject('/healthz');
      const limited = await app.inject('/healthz');
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toEqual({ error: { code: expect.any(String), message: expect.stringMatching(/rate limit/i) } });
    } finally {
      await app.close();
    }
  });
});

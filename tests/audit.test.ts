/** The audit trail: every change recorded, chained by hashes, and a tampered row found. */
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyAudit } from '../db/audit.js';
import { auditLog } from '../db/schema/index.js';
import { type Stack, startStack, submission, supervisorOf, windowOf } from './support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

/** Runs SQL as the superuser with triggers off: what an intruder with database access could do. */
async function tamper(statement: string, params: unknown[]) {
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  await client.connect();
  try {
    await client.query('begin');
    await client.query('set local session_replication_role = replica');
    await client.query(statement, params);
    await client.query('commit');
  } finally {
    await client.end();
  }
}

interface Entry {
  action: string;
  target: string;
  actor: { id: string; kind?: string; name?: string; role?: string; ip?: string };
  centreCode: string | null;
  status: number;
  prevHash: string;
  hash: string;
}

const auditAs = async (officerId: string) => {
  const res = await stack.as(officerId)('/v1/audit?limit=500');
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { entries: Entry[] }).entries;
};

describe('audit trail', () => {
  it('records each change with its authenticated actor, action, target and centre, readable by supervisors only', async () => {
    const created = await stack.integrator({ method: 'POST', url: '/v1/applications', payload: submission() });
    expect(created.statusCode, created.body).toBe(201);
    const no = created.json().applicationNo as string;
    const window = windowOf('market_regulation');
    const accepted = await stack.as(window)({
      method: 'POST',
      url: `/v1/applications/${no}/intake`,
      // A body naming another officer is not who acted: the token's subject is.
      payload: { decision: 'accept', department: 'market_regulation', officer: { id: 'someone-else', name: '冒名' } },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect((await stack.app.inject('/v1/audit')).statusCode).toBe(401);
    expect((await stack.as(window)('/v1/audit')).statusCode).toBe(403);
    expect((await stack.integrator('/v1/audit')).statusCode).toBe(403);
    const entries = await auditAs(supervisorOf('450000'));
    expect(entries.find((e) => e.target === no && e.action === 'POST /v1/applications')).toMatchObject({
      actor: { id: `integrator:${stack.integrator.keyId}`, kind: 'integrator', name: expect.any(String), ip: expect.any(String) },
      centreCode: '450100',
      status: 201,
    });
    expect(entries.find((e) => e.target === no && e.action === 'POST /v1/applications/:no/intake')).toEqual(
      expect.objectContaining({
        actor: { id: window, kind: 'officer', name: expect.any(String), role: 'window_officer', ip: expect.any(String) },
        centreCode: '450100',
        status: 200,
      }),
    );
    // Newest first: each row names the hash of the one before it.
    for (let i = 0; i + 1 < entries.length; i++) expect(entries[i].prevHash).toBe(entries[i + 1].hash);
  });

  it("names the officer who decided, and shows a city's supervisor its own centres' rows only", async () => {
    const nanning = (await stack.integrator({ method: 'POST', url: '/v1/applications', payload: submission({ itemCode: 'food-business-licence' }) })).json()
      .applicationNo as string;
    const liuzhou = (
      await stack.integrator({ method: 'POST', url: '/v1/applications', payload: submission({ itemCode: 'food-business-licence', centreCode: '450200' }) })
    ).json().applicationNo as string;
    expect(nanning).toMatch(/^450100-/);
    expect(liuzhou).toMatch(/^450200-/);
    for (const no of [nanning, liuzhou]) {
      const centre = no.slice(0, 6);
      const accepted = await stack.as(windowOf('market_regulation', centre))({
        method: 'POST',
        url: `/v1/applications/${no}/intake`,
        payload: { decision: 'accept', department: 'market_regulation' },
      });
      expect(accepted.statusCode, accepted.body).toBe(200);
    }
    const chief = '450100-market_regulation-chief';
    await expect
      .poll(async () => (await stack.integrator(`/v1/applications/${nanning}`)).json().reviews.map((r: { status: string }) => r.status))
      .toEqual(['open']);
    const decided = await stack.as(chief)({ method: 'POST', url: `/v1/applications/${nanning}/reviews/market_regulation/decision`, payload: { decision: 'approve' } });
    expect(decided.statusCode, decided.body).toBe(200);

    const region = await auditAs(supervisorOf('450000'));
    const decision = region.find((e) => e.target === `${nanning}/market_regulation` && e.action === 'POST /v1/applications/:no/reviews/:department/decision');
    expect(decision).toMatchObject({ actor: { id: chief, kind: 'officer', role: 'chief_representative' }, centreCode: '450100', status: 200 });
    // The region's supervisor reads every centre.
    expect(region.some((e) => e.target.startsWith(liuzhou))).toBe(true);
    expect(region.some((e) => e.target.startsWith(nanning))).toBe(true);

    const city = await auditAs(supervisorOf('450100'));
    expect(city.length).toBeGreaterThan(0);
    expect(city.every((e) => e.centreCode?.startsWith('4501'))).toBe(true);
    expect(city.some((e) => e.target.startsWith(nanning))).toBe(true);
    expect(city.some((e) => e.target.startsWith(liuzhou))).toBe(false);
    expect(city.find((e) => e.target === `${nanning}/market_regulation`)?.actor.id).toBe(chief);

    const other = await auditAs(supervisorOf('450200'));
    expect(other.every((e) => e.centreCode?.startsWith('4502'))).toBe(true);
    expect(other.some((e) => e.target.startsWith(liuzhou))).toBe(true);
    expect(other.some((e) => e.target.startsWith(nanning))).toBe(false);
  });

  it('refuses to change a row, and names the first row that was altered or removed behind its back', async () => {
    expect((await stack.integrator({ method: 'POST', url: '/v1/applications', payload: submission() })).statusCode).toBe(201);
    expect((await stack.integrator({ method: 'POST', url: '/v1/applications', payload: submission() })).statusCode).toBe(201);
    expect(await verifyAudit(stack.db)).toMatchObject({ rows: expect.any(Number), problems: [] });
    await expect(stack.db.update(auditLog).set({ target: 'forged' })).rejects.toThrow();

    const [victim] = await stack.db.select().from(auditLog).where(eq(auditLog.action, 'POST /v1/applications')).limit(1);
    await tamper('update audit_log set target = $1 where id = $2', ['forged', victim.id]);
    expect((await verifyAudit(stack.db)).problem).toBe(`row ${victim.id} was altered (its hash does not match its content)`);
    await tamper('update audit_log set target = $1 where id = $2', [victim.target, victim.id]);
    expect((await verifyAudit(stack.db)).problem).toBeUndefined();

    const rows = await stack.db.select().from(auditLog).orderBy(auditLog.id);
    const [removed, next] = rows.slice(-2);
    await tamper('delete from audit_log where id = $1', [removed.id]);
    expect((await verifyAudit(stack.db)).problem).toBe(`row ${next.id}: the row before it was removed or altered (chain broken)`);
  });
});

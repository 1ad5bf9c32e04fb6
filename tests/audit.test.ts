/** The audit trail: every change recorded, chained by hashes, and a tampered row found. */
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyAudit } from '../db/audit.js';
import { auditLog } from '../db/schema/index.js';
import { type Stack, officer, startStack, submission } from './support/stack.js';

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

describe('audit trail', () => {
  it('records each change with its actor, action and target, readable by supervisors only', async () => {
    const created = await stack.app.inject({ method: 'POST', url: '/v1/applications', payload: submission() });
    const no = created.json().applicationNo as string;
    await stack.app.inject({
      method: 'POST',
      url: `/v1/applications/${no}/intake`,
      payload: { decision: 'accept', department: 'market_regulation', officer: officer('w-audit') },
    });
    expect((await stack.app.inject({ url: '/v1/audit', headers: { 'x-officer-id': '450100-market_regulation-officer' } })).statusCode).toBe(403);
    const { entries } = (await stack.app.inject({ url: '/v1/audit?limit=500', headers: { 'x-officer-id': '450000-supervisor' } })).json() as {
      entries: { action: string; target: string; actor: { id: string; ip?: string }; status: number; prevHash: string; hash: string }[];
    };
    expect(entries.find((e) => e.target === no && e.action === 'POST /v1/applications')).toMatchObject({ actor: { id: 'integrator' }, status: 201 });
    expect(entries.find((e) => e.target === no && e.action === 'POST /v1/applications/:no/intake')).toMatchObject({ actor: { id: 'w-audit' }, status: 200 });
    // Newest first: each row names the hash of the one before it.
    for (let i = 0; i + 1 < entries.length; i++) expect(entries[i].prevHash).toBe(entries[i + 1].hash);
  });

  it('refuses to change a row, and names the first row that was altered or removed behind its back', async () => {
    await stack.app.inject({ method: 'POST', url: '/v1/applications', payload: submission() });
    await stack.app.inject({ method: 'POST', url: '/v1/applications', payload: submission() });
    expect(await verifyAudit(stack.db)).toEqual({ rows: expect.any(Number) });
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

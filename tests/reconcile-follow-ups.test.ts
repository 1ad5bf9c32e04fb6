/**
 * `npm run read-model:reconcile` over follow-ups (督办), run as an operator runs it: a bad rating's
 * follow-up whose row was changed by hand, or lost a write, is named difference by difference against
 * its workflow's state (the query's answer while it runs, its result once closed); with --fix the row
 * is the workflow's again, the rewrite is in the audit trail, and a second run finds nothing. A step
 * missing is named but not rewritten (the state does not hold the steps); a follow-up whose workflow
 * Temporal no longer has is counted as such.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findApplication } from '../db/queries.js';
import { repairFollowUp } from '../db/reconcile.js';
import { auditLog, followUpSteps, followUps } from '../db/schema/index.js';
import { servedEvents } from '../db/served-events.js';
import { followUpQuery } from '../workflows/follow-up.js';
import { type Stack, TEST_AUDIT_KEYS, TEST_PAYLOAD_KEYS, leaderOf, sharedTemporal, startStack } from './support/stack.js';
import { ok, windowActions } from './support/window.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const root = path.resolve(import.meta.dirname, '..');
async function reconcileCommand(...args: string[]): Promise<{ code: number; out: string }> {
  const temporal = sharedTemporal();
  const env = { ...process.env, DATABASE_URL: inject('databaseUrl'), TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: temporal.namespace, PAYLOAD_KEYS: TEST_PAYLOAD_KEYS, ...TEST_AUDIT_KEYS, LOG_LEVEL: 'silent' };
  try {
    const { stdout } = await promisify(execFile)(path.join(root, 'node_modules/.bin/tsx'), ['scripts/reconcile.ts', ...args], { cwd: root, env });
    return { code: 0, out: stdout };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout + failed.stderr };
  }
}

const act = windowActions(() => stack);
const LEAD = 'market_regulation';

/** A bad rating of a fresh application's intake; its follow-up's id once its workflow has opened it. */
async function badRating(): Promise<{ no: string; id: string }> {
  const no = await act.submit();
  ok(await act.accept(no));
  await expect
    .poll(async () => {
      const found = await findApplication(stack.db, no);
      return found ? (await servedEvents(stack.db, found.row, found.reviews)).intake !== undefined : false;
    }, { timeout: 20_000 })
    .toBe(true);
  ok(await stack.integrator({ method: 'POST', url: `/v1/applications/${no}/ratings`, payload: { event: 'intake', level: 'very_dissatisfied', comment: '窗口人员态度差' } }), 201);
  const id = `R-${no}-intake`;
  await expect.poll(async () => (await row(id))?.dueAt ?? null, { timeout: 20_000 }).not.toBeNull();
  return { no, id };
}

const row = async (id: string) => (await stack.db.select().from(followUps).where(eq(followUps.id, id)))[0];
/** The row's columns that the workflow decides (not when it was last written). */
const decided = async (id: string) => {
  const { updatedAt: _updatedAt, ...rest } = await row(id);
  return rest;
};
const leader = () => stack.as(leaderOf(LEAD));

describe('npm run read-model:reconcile over follow-ups', () => {
  it('names each difference of a tampered row, rewrites it from the running workflow with --fix (audited), then finds none', { timeout: 120_000 }, async () => {
    const { no, id } = await badRating();
    const clean = await reconcileCommand('--follow-up', id);
    expect(clean.out).toContain('0 applications checked');
    expect(clean.out).toContain('1 follow-ups checked, 0 with differences');
    expect(clean.code).toBe(0);
    // Named with its application, as the application's own.
    expect((await reconcileCommand('--application', no)).out).toContain('1 applications checked, 0 with differences (0 in all), 0 fixed, 0 still writing, 0 without a workflow; 1 follow-ups checked, 0 with differences');

    const before = await decided(id);
    await stack.db.update(followUps).set({ stage: 'closed', outcome: 'rectified', level: 'red', dueAt: null, closedAt: new Date().toISOString() }).where(eq(followUps.id, id));
    const found = await reconcileCommand('--follow-up', id);
    expect(found.code).toBe(1);
    for (const line of [
      `${id}: 5 difference(s)`,
      `  - ${id} follow-up.stage: read model "closed", workflow "contacting"`,
      `  - ${id} follow-up.level: read model "red", workflow "green"`,
      `  - ${id} follow-up.dueAt: read model null, workflow "${new Date(before.dueAt!).toISOString()}"`,
      `  - ${id} follow-up.outcome: read model "rectified", workflow null`,
      `  - ${id} follow-up.closedAt: read model "`,
    ]) {
      expect(found.out).toContain(line);
    }
    expect(found.out).toContain('1 follow-ups checked, 1 with differences (5 in all), 0 fixed');
    // Nothing written without --fix.
    expect(await row(id)).toMatchObject({ stage: 'closed', outcome: 'rectified' });

    const fixed = await reconcileCommand('--follow-up', id, '--fix');
    expect(fixed.out).toContain(`${id}: 5 difference(s) (fixed)`);
    expect(fixed.out).toContain('1 follow-ups checked, 1 with differences (5 in all), 1 fixed');
    expect(fixed.code).toBe(0);
    expect(await decided(id)).toEqual(before);
    const trail = await stack.db.select().from(auditLog).where(eq(auditLog.target, id));
    expect(trail.map((r) => [r.action, r.actor.id, r.centreCode])).toEqual([['read-model:reconcile --fix', 'read-model-reconcile', '450100']]);
    const again = await reconcileCommand('--follow-up', id);
    expect(again.out).toContain('1 follow-ups checked, 0 with differences');
    expect(again.code).toBe(0);

    // The follow-up goes on, its row with it.
    ok(await leader()({ method: 'POST', url: `/v1/follow-ups/${id}/contact`, payload: { note: '已电话联系申请人' } }));
    expect(await row(id)).toMatchObject({ stage: 'rectifying', version: before.version + 1 });
    expect((await reconcileCommand('--follow-up', id)).out).toContain('1 follow-ups checked, 0 with differences');
  });

  it('writes a lost write back through the workflow’s own write, and a version ahead of the workflow’s back to it', { timeout: 120_000 }, async () => {
    const { id } = await badRating();
    const before = await decided(id);
    // A write lost (a database restored to before it): the row as the request stored it.
    await stack.db.update(followUps).set({ version: before.version - 1, dueAt: null, assignee: [], clocks: {} }).where(eq(followUps.id, id));
    const lost = await reconcileCommand('--follow-up', id, '--fix');
    expect(lost.out).toContain(`${id} follow-up.version: read model ${before.version - 1}, workflow ${before.version}`);
    expect(lost.out).toContain(`${id}: 4 difference(s) (fixed)`);
    expect(await decided(id)).toEqual(before);

    // A version ahead of the workflow's, which writeFollowUp would never replace.
    await stack.db.update(followUps).set({ version: 99, level: 'yellow' }).where(eq(followUps.id, id));
    const ahead = await reconcileCommand('--follow-up', id, '--fix');
    expect(ahead.out).toContain(`${id} follow-up.version: read model 99, workflow ${before.version}`);
    expect(ahead.out).toContain(`${id}: 2 difference(s) (fixed)`);
    expect(await decided(id)).toEqual(before);
    expect((await reconcileCommand('--follow-up', id)).out).toContain('1 follow-ups checked, 0 with differences');
  });

  it('never rewrites a row of another opening than the state’s (opened again meanwhile), nor one written since it was read', { timeout: 120_000 }, async () => {
    const { id } = await badRating();
    const state = await stack.client.workflow.getHandle(`follow-up-${id}`).query(followUpQuery);
    const seen = await row(id);
    // Opened again by a request since the state was read: a new opening, the version unchanged.
    const reopenedAt = new Date(Date.parse(seen.openedAt) + 60_000).toISOString();
    await stack.db.update(followUps).set({ openedAt: reopenedAt, stage: 'contacting', level: 'yellow' }).where(eq(followUps.id, id));
    expect(await repairFollowUp(stack.db, state, seen.version)).toBe(false);
    expect(await row(id)).toMatchObject({ level: 'yellow', version: seen.version });
    expect(Date.parse((await row(id)).openedAt)).toBe(Date.parse(reopenedAt));
    // The same opening, written since it was read (its version moved): left alone too.
    await stack.db.update(followUps).set({ openedAt: seen.openedAt, version: seen.version + 1 }).where(eq(followUps.id, id));
    expect(await repairFollowUp(stack.db, state, seen.version)).toBe(false);
    expect(await row(id)).toMatchObject({ level: 'yellow', version: seen.version + 1 });
    // Read again, it is repaired.
    expect(await repairFollowUp(stack.db, state, seen.version + 1)).toBe(true);
    expect(await row(id)).toMatchObject({ level: state.level, version: state.version });
  });

  it('compares a closed follow-up with its workflow’s result', { timeout: 120_000 }, async () => {
    const { id } = await badRating();
    ok(await leader()({ method: 'POST', url: `/v1/follow-ups/${id}/contact`, payload: { note: '已电话联系申请人' } }));
    ok(await leader()({ method: 'POST', url: `/v1/follow-ups/${id}/conclusion`, payload: { outcome: 'rectified', note: '已整改' } }));
    const handle = stack.client.workflow.getHandle(`follow-up-${id}`);
    await handle.result();
    const closed = await decided(id);
    expect(closed).toMatchObject({ stage: 'closed', outcome: 'rectified' });
    expect((await reconcileCommand('--follow-up', id)).out).toContain('1 follow-ups checked, 0 with differences');

    await stack.db.update(followUps).set({ outcome: 'explained', closedAt: null }).where(eq(followUps.id, id));
    const found = await reconcileCommand('--follow-up', id, '--fix');
    expect(found.out).toContain(`${id} follow-up.outcome: read model "explained", workflow "rectified"`);
    expect(found.out).toContain(`${id}: 2 difference(s) (fixed)`);
    expect(await decided(id)).toEqual(closed);

    // A step lost: named, not rewritten (the state does not hold it), so the command still fails.
    const [step] = await stack.db.delete(followUpSteps).where(and(eq(followUpSteps.followUpId, id), eq(followUpSteps.step, 'contacted'))).returning();
    const stepLost = await reconcileCommand('--follow-up', id, '--fix');
    expect(stepLost.out).toContain(`${id} steps "contacted": read model 0, workflow at least 1 (not rewritten: only the workflow history holds the steps)`);
    expect(stepLost.out).toContain(`${id} step ${step.seq}: missing from the read model`);
    expect(stepLost.code).toBe(1);
    await stack.db.insert(followUpSteps).values(step);
    expect((await reconcileCommand('--follow-up', id)).out).toContain('1 follow-ups checked, 0 with differences');
  });

  it('counts a follow-up whose workflow Temporal does not have, and fixes nothing of it', { timeout: 60_000 }, async () => {
    const id = `R-reconcile-${Date.now()}-intake`;
    await stack.db.insert(followUps).values({ id, kind: 'bad_rating', stage: 'contacting', centreCode: '450100', submittedBy: 'test', openedAt: new Date().toISOString() });
    try {
      const gone = await reconcileCommand('--follow-up', id, '--fix');
      expect(gone.out).toContain(`${id}: no workflow to compare with`);
      expect(gone.out).toContain('0 follow-ups checked, 0 with differences (0 in all), 0 fixed, 0 still writing, 1 without a workflow');
      expect(gone.code).toBe(0);
    } finally {
      await stack.db.delete(followUps).where(eq(followUps.id, id));
    }
  });

  it('leaves a running follow-up whose write is in flight alone, as still writing, and finds it agreeing once written', { timeout: 120_000 }, async () => {
    const { id } = await badRating();
    // The workflow's write held back (its row locked, as by a transaction that hangs): the workflow is ahead of its row.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked = () => {};
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holding = stack.db.transaction(async (tx) => {
      await tx.select().from(followUps).where(eq(followUps.id, id)).for('update');
      locked();
      await held;
    });
    try {
      await lockTaken;
      const contacting = leader()({ method: 'POST', url: `/v1/follow-ups/${id}/contact`, payload: { note: '已电话联系申请人' } });
      const handle = stack.client.workflow.getHandle(`follow-up-${id}`);
      await expect.poll(async () => (await handle.describe()).raw.pendingActivities?.length ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
      expect(await handle.query(followUpQuery)).toMatchObject({ stage: 'rectifying' });

      const writing = await reconcileCommand('--follow-up', id, '--fix');
      expect(writing.out).toContain(`${id}: its workflow is still writing (retrying?); run again later`);
      expect(writing.out).toContain('1 follow-ups checked, 0 with differences (0 in all), 0 fixed, 1 still writing');
      expect(writing.code).toBe(0);
      expect(await stack.db.select().from(auditLog).where(eq(auditLog.target, id))).toEqual([]);

      release();
      await holding;
      expect(ok(await contacting)).toMatchObject({ stage: 'rectifying' });
      expect(await row(id)).toMatchObject({ stage: 'rectifying' });
      expect((await reconcileCommand('--follow-up', id)).out).toContain('1 follow-ups checked, 0 with differences');
    } finally {
      release();
      await holding;
    }
  });
});

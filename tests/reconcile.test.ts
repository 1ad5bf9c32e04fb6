/**
 * `npm run read-model:reconcile`, run as an operator runs it, against a read model damaged in every
 * way a lost task or a bad hand could damage it: it names each difference, rewrites the rows from the
 * workflow with --fix (voiding a case that supervisors had worked on rather than dropping it, and
 * writing the rewrite to the audit trail), and then finds nothing. The application goes on as before.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { accountabilityCases, alerts, applications, auditLog, caseSteps, events, reviews } from '../db/schema/index.js';
import { STARTUP_DEPARTMENTS, type Stack, TEST_AUDIT_KEYS, TEST_PAYLOAD_KEYS, chiefOf, sharedTemporal, startStack } from './support/stack.js';
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

const { submit, accept, approve } = windowActions(() => stack);

describe('npm run read-model:reconcile', () => {
  it('names every difference, rewrites the rows from the workflow with --fix, and then finds none', { timeout: 120_000 }, async () => {
    const no = await submit();
    ok(await accept(no));
    for (const department of ['market_regulation', 'public_security']) ok(await approve(no, department));
    const clean = await reconcileCommand('--application', no);
    expect(clean.out).toContain('1 applications checked, 0 with differences');
    expect(clean.code).toBe(0);

    // The damage: a decision the workflow never took, a review shown decided, an event gone, a
    // phantom red alert whose case a supervisor already worked on, the wrong stage, and the item shown
    // major (the decision route reads it from the row: left so, it would refuse the chiefs below).
    const { db } = stack;
    await db.update(reviews).set({ status: 'approved' }).where(and(eq(reviews.applicationNo, no), eq(reviews.department, 'taxation')));
    const base = { applicationNo: no, centreCode: '450100', itemCode: 'company-startup', at: new Date().toISOString() };
    await db.insert(events).values({ ...base, seq: 99, type: 'review_approved', department: 'human_resources' });
    await db.delete(events).where(and(eq(events.applicationNo, no), eq(events.seq, 2)));
    const officerOf = (id: string) => ({ id, name: id });
    await db.insert(alerts).values({ applicationNo: no, seq: 98, level: 'red', centreCode: '450100', department: 'taxation', step: 0, at: base.at, responsible: [officerOf(chiefOf('taxation'))] });
    await db.insert(accountabilityCases).values({
      id: `${no}/98`,
      applicationNo: no,
      alertSeq: 98,
      level: 'red',
      centreCode: '450100',
      department: 'taxation',
      responsible: [officerOf(chiefOf('taxation'))],
      status: 'explanation_received',
      openedAt: base.at,
    });
    await db.insert(caseSteps).values({ caseId: `${no}/98`, actor: officerOf('450100-supervisor'), status: 'explanation_received', note: '窗口说明' });
    await db.update(applications).set({ stage: 'completed', major: true }).where(eq(applications.applicationNo, no));

    const found = await reconcileCommand('--application', no);
    expect(found.code).toBe(1);
    for (const line of [
      `${no} application.stage: read model "completed", workflow "in_review"`,
      `${no} application.major: read model true, workflow false`,
      `${no} event 2 (intake_accept): missing from the read model`,
      `${no} event 99 (review_approved): in the read model, not in the workflow`,
      `${no} review 0/taxation.status: read model "approved", workflow "open"`,
      `${no} alert 98 (red taxation): in the read model, not in the workflow`,
      `${no} case ${no}/98: in the read model, not in the workflow`,
    ]) {
      expect(found.out).toContain(line);
    }
    expect(found.out).toContain('1 applications checked, 1 with differences (7 in all), 0 fixed');

    const fixed = await reconcileCommand('--application', no, '--fix');
    expect(fixed.out).toContain('1 with differences (7 in all), 1 fixed');
    expect(fixed.code).toBe(0);
    expect((await reconcileCommand('--application', no)).out).toContain('1 applications checked, 0 with differences');

    // The worked case is kept, closed as void with a step that says why; the rewrite is in the audit trail.
    const [voided] = await db.select().from(accountabilityCases).where(eq(accountabilityCases.id, `${no}/98`));
    expect(voided).toMatchObject({ status: 'closed', outcome: expect.stringContaining('Void') });
    const steps = await db.select().from(caseSteps).where(eq(caseSteps.caseId, `${no}/98`));
    expect(steps.map((s) => `${s.status} by ${s.actor.id}`)).toEqual(['explanation_received by 450100-supervisor', 'closed by read-model-reconcile']);
    const trail = await db.select().from(auditLog).where(eq(auditLog.target, no));
    expect(trail.map((r) => r.action)).toContain('read-model:reconcile --fix');

    // The application goes on, and the read model with it.
    for (const department of STARTUP_DEPARTMENTS.filter((d) => !['market_regulation', 'public_security'].includes(d))) {
      ok(await approve(no, department));
    }
    expect((await stack.integrator(`/v1/applications/${no}`)).json().stage).toBe('completed');
    expect((await reconcileCommand('--application', no)).out).toContain('1 applications checked, 0 with differences');
  });
});

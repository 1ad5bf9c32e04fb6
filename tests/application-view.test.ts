/**
 * An application as the API shows it, on the real stack: each review's decision (in the read model's
 * view and in the workflow's own state), the timeline's kinds and what each timer waits for, and the
 * departments named at each level (GET /v1/departments, the issued decision).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDocument, listDocuments } from '../db/documents.js';
import { STARTUP_DEPARTMENTS, type Stack, chiefOf, startStack, supervisorOf } from './support/stack.js';
import { ok, windowActions } from './support/window.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const { submit, accept, approve, decide } = windowActions(() => stack);
const read = async (url: string) => ok<Record<string, any>>(await stack.as(supervisorOf())(url)); // eslint-disable-line @typescript-eslint/no-explicit-any

interface ReviewView {
  department: string;
  status: string;
  decision: string | null;
}
const decisions = (reviews: ReviewView[]) => Object.fromEntries(reviews.map((r) => [r.department, [r.status, r.decision]]));

describe('an application’s reviews', () => {
  it('say "approve" when approved and "reject" when rejected, in the read model and in the workflow (?live=1)', async () => {
    const approved = await submit();
    ok(await accept(approved));
    await expect.poll(async () => (await read(`/v1/applications/${approved}`)).reviews.length).toBe(5);
    expect(decisions((await read(`/v1/applications/${approved}`)).reviews).taxation).toEqual(['open', null]);
    for (const department of STARTUP_DEPARTMENTS) ok(await approve(approved, department));
    await expect.poll(async () => (await read(`/v1/applications/${approved}`)).stage).toBe('completed');
    const expected = Object.fromEntries(STARTUP_DEPARTMENTS.map((d) => [d, ['approved', 'approve']]));
    expect(decisions((await read(`/v1/applications/${approved}`)).reviews)).toEqual(expected);
    expect(decisions((await read(`/v1/applications/${approved}?live=1`)).reviews)).toEqual(expected);

    const rejected = await submit();
    ok(await accept(rejected));
    await expect.poll(async () => (await read(`/v1/applications/${rejected}`)).reviews.length).toBe(5);
    ok(await decide(rejected, 'taxation', 'reject', '经营范围与登记不符'));
    await expect.poll(async () => (await read(`/v1/applications/${rejected}`)).stage).toBe('rejected');
    for (const url of [`/v1/applications/${rejected}`, `/v1/applications/${rejected}?live=1`]) {
      const byDepartment = decisions((await read(url)).reviews);
      expect(byDepartment.taxation, url).toEqual(['rejected', 'reject']);
      // The others' reviews end without a decision of their own.
      for (const [department, [status, decision]] of Object.entries(byDepartment)) {
        if (department !== 'taxation') expect(decision, `${url} ${department} ${status}`).toBe(status === 'approved' ? 'approve' : null);
      }
    }
  });
});

describe('the timeline', () => {
  it('gives each event a kind and what it concerns, and names the alert the application’s one timer waits for', async () => {
    const no = await submit();
    ok(await accept(no));
    await expect.poll(async () => (await read(`/v1/applications/${no}`)).deadlines.promisedDueAt).not.toBeNull();
    const { deadlines } = await read(`/v1/applications/${no}`);
    // The first alert: yellow at warnAt, or red at the promised limit when it is too short to warn (one working day).
    const [alert, at] = deadlines.warnAt ? ['yellow', deadlines.warnAt] : ['red', deadlines.promisedDueAt];
    const entries = (await read(`/v1/applications/${no}/history?format=timeline`)).timeline as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(entries[0]).toMatchObject({ kind: 'workflow_started', what: 'workflow applicationWorkflow started (submitted)' });
    expect(entries).toContainEqual(
      expect.objectContaining({ kind: 'update_accepted', update: 'intake', decision: 'accept', department: 'market_regulation', officer: '450100-market_regulation-officer' }),
    );
    const opening = entries.find((e) => e.kind === 'activity_scheduled' && e.transitions?.includes('clock_started'));
    expect(opening).toMatchObject({ activity: 'recordTransition' });
    expect(opening!.transitions).toContain('review_opened (public_security)');
    // One timer waits for the first alert of any clock, the application's and its five reviews' (the lean-history patch).
    const timers = entries.filter((e) => e.kind === 'timer_started');
    expect(timers).toHaveLength(1);
    expect(timers[0].timer.alert, JSON.stringify(timers[0])).toBe(alert);
    expect(Math.abs(Date.parse(timers[0].timer.fireAt) - Date.parse(at))).toBeLessThan(60_000);
    for (const e of entries) expect(typeof e.kind).toBe('string');
  });
});

describe('department names', () => {
  it('are given per level: 公安厅 at the region, 公安局 in a city or county; 消防救援总队, 支队, 大队', async () => {
    const { departments } = ok<{ departments: { code: string; name: string; names: Record<string, string> }[] }>(await stack.integrator('/v1/departments'));
    const named = (code: string) => departments.find((d) => d.code === code)!.names;
    expect(named('public_security')).toEqual({ region: '公安厅', city: '公安局', county: '公安局' });
    expect(named('fire_rescue')).toEqual({ region: '消防救援总队', city: '消防救援支队', county: '消防救援大队' });
    expect(named('commerce')).toEqual({ region: '商务厅', city: '商务局' });
    expect(named('taxation')).toEqual({ region: '税务局', city: '税务局', county: '税务局' });
    for (const d of departments) for (const name of Object.values(d.names)) expect(name, d.code).not.toMatch(/（局）|（支队）/);
  });

  it('in a city’s decision are the city’s: 南宁市 issues it for the 公安局, not the 公安厅（局）', async () => {
    const no = await submit();
    ok(await accept(no));
    await expect.poll(async () => (await read(`/v1/applications/${no}`)).reviews.length).toBe(5);
    for (const department of STARTUP_DEPARTMENTS) ok(await approve(no, department, chiefOf(department)));
    await expect.poll(async () => (await listDocuments(stack.db, no)).some((d) => d.kind === 'approval_decision')).toBe(true);
    const issued = (await listDocuments(stack.db, no)).find((d) => d.kind === 'approval_decision')!;
    const text = JSON.stringify((await findDocument(stack.db, no, issued.id))!.fields);
    expect(text).toContain('公安局');
    expect(text).toContain('人力资源和社会保障局');
    expect(text).not.toContain('（局）');
  });
});

/**
 * The window's queue (GET /v1/window/queue): what a department's window at a centre must take in,
 * await a supplement for, restart or hand over, with the item's checklist and what is missing; the nearest due
 * instant first; scoped to the caller's own department and centre.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { materialsOf, windowOf } from './support/people.js';
import { type Stack, startStack } from './support/stack.js';
import { ok, windowActions } from './support/window.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const actions = windowActions(() => stack);

interface QueueItem {
  applicationNo: string;
  task: string;
  stage: string;
  itemName: string;
  applicantName: string;
  dueAt: string | null;
  dueLastDay: string | null;
  materials: string[];
  requiredMaterials: string[];
  missingMaterials: string[];
}

const queueOf = async (officerId: string) => ok<{ department: string; centreCode: string; items: QueueItem[] }>(await stack.as(officerId)('/v1/window/queue'));
const find = (items: QueueItem[], no: string) => items.find((i) => i.applicationNo === no);

describe('the window queue', () => {
  it('lists what the window takes in, awaits a supplement for, restarts and hands over, with the checklist, the nearest due first', async () => {
    const ITEM = 'food-business-licence';
    const required = materialsOf(ITEM);
    const complete = await actions.submit({ itemCode: ITEM });
    const incomplete = await actions.submit({ itemCode: ITEM, materials: required.slice(1) });
    const asked = await actions.submit({ itemCode: ITEM, materials: required.slice(1) });
    ok(await actions.intake(asked, { decision: 'request_supplement', department: 'market_regulation', missingMaterials: [required[0]] }));
    // An immediate item is approved at intake: it waits for pickup at once.
    const done = await actions.submit({ itemCode: 'individual-business-registration' });
    ok(await actions.accept(done));
    await expect.poll(async () => find((await queueOf(windowOf('market_regulation'))).items, done)?.task).toBe('pickup');
    // A review whose clock stands still (a hearing) waits for the window to restart it.
    const heard = await actions.submit({ itemCode: ITEM });
    ok(await actions.accept(heard));
    await expect.poll(async () => (await stack.integrator(`/v1/applications/${heard}`)).json().reviews[0]?.deadlines.promisedDueAt ?? null).not.toBeNull();
    ok(
      await stack.as(windowOf('market_regulation'))({
        method: 'POST',
        url: `/v1/applications/${heard}/reviews/market_regulation/clock/stop`,
        payload: { type: 'hearing', reason: '听证' },
      }),
    );
    // Another department's application is not this window's.
    const elsewhere = await actions.submit({ itemCode: 'hr-service-licence' });

    const queue = await queueOf(windowOf('market_regulation'));
    expect(queue).toMatchObject({ department: 'market_regulation', centreCode: '450100' });
    expect(find(queue.items, complete)).toMatchObject({ task: 'intake', stage: 'submitted', itemName: '食品经营许可', missingMaterials: [], requiredMaterials: required });
    expect(find(queue.items, incomplete)).toMatchObject({ task: 'intake', missingMaterials: [required[0]], materials: required.slice(1) });
    expect(find(queue.items, asked)).toMatchObject({ task: 'supplement', stage: 'supplement_requested', missingMaterials: [required[0]], dueAt: null });
    expect(find(queue.items, done)).toMatchObject({ task: 'pickup', stage: 'completed', dueAt: null });
    expect(find(queue.items, elsewhere)).toBeUndefined();
    const promised = (await stack.integrator(`/v1/applications/${heard}`)).json().deadlines.promisedDueAt as string;
    expect(find(queue.items, heard)).toMatchObject({ task: 'clock_stopped', stage: 'in_review', dueAt: promised });
    expect((await queueOf(windowOf('human_resources'))).items.map((i) => i.applicationNo)).toContain(elsewhere);

    // Intake is due at the end of the fifth working day after submission (art. 32), shown as that day.
    const intakeDue = find(queue.items, complete)!;
    const submittedAt = (await stack.integrator(`/v1/applications/${complete}`)).json().submittedAt as string;
    const due = (await stack.integrator({ url: '/v1/calendar/due', query: { from: submittedAt, workingDays: '5', centre: '450100' } })).json();
    expect(intakeDue).toMatchObject({ dueAt: due.due, dueLastDay: due.lastWorkingDay });

    // The nearest due instant first; those without one after them.
    const dues = queue.items.map((i) => i.dueAt);
    const withDue = dues.filter((d): d is string => d !== null);
    expect(withDue).toEqual([...withDue].sort());
    expect(dues.slice(0, withDue.length)).toEqual(withDue);
  });

  it('is scoped to the caller: another centre’s window sees none of Nanning’s', async () => {
    const no = await actions.submit({ itemCode: 'food-business-licence' });
    const liuzhou = await queueOf(windowOf('market_regulation', '450200'));
    expect(liuzhou.centreCode).toBe('450200');
    expect(find(liuzhou.items, no)).toBeUndefined();
    expect((await stack.as('450000-supervisor')('/v1/window/queue')).statusCode).toBe(403);
    expect((await stack.app.inject('/v1/window/queue')).statusCode).toBe(401);
  });
});

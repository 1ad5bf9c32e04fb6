/**
 * The workflow takes its shape from the catalogue: each kind of item runs end to end over REST on the
 * real stack, and a catalogue edit never reaches an application already running.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateQuery } from '../workflows/messages.js';
import { type Stack, adminOf, chiefOf, leaderOf, startStack, submission, supervisorOf, windowOf } from './support/stack.js';
import { ok, windowActions } from './support/window.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

interface Review {
  step: number;
  department: string;
  centreCode: string;
  status: string;
  decidedBy: { id: string } | null;
}

/** POSTs as the signed-in officer `officerId`. */
async function post(officerId: string, url: string, payload: object, expected = 200) {
  const res = await stack.as(officerId)({ method: 'POST', url, payload });
  expect(res.statusCode, res.body).toBe(expected);
  return res.json();
}

const { submit, accept, approve } = windowActions(() => stack);
const read = async (no: string) => (await stack.integrator(`/v1/applications/${no}`)).json() as { stage: string; itemVersion: number; reviews: Review[] };
const openReviews = async (no: string) =>
  (await read(no)).reviews.filter((r) => r.status === 'open').map((r) => `${r.step}:${r.department}`).sort();

describe('each kind of item', () => {
  it('decides an immediate item (即办件) at the intake window on the spot', async () => {
    const no = await submit({ itemCode: 'housing-fund-retirement-withdrawal', centreCode: '450100' });
    const accepted = ok<{ reviews: Review[] }>(await accept(no, 'housing_fund'));
    expect(accepted.reviews).toMatchObject([{ step: 0, department: 'housing_fund', status: 'approved', decidedBy: { id: windowOf('housing_fund') } }]);
    await expect.poll(async () => (await read(no)).stage).toBe('completed');

    // Decided on the day it was accepted: zero working days, on time, in the efficiency statistics.
    const supervisor = stack.as(supervisorOf('450000'));
    const stats = await supervisor({
      url: '/v1/statistics/efficiency',
      query: { centre: '450000', item: 'housing-fund-retirement-withdrawal', groupBy: 'item' },
    });
    expect(stats.statusCode).toBe(200);
    expect(stats.json().rows).toEqual([
      expect.objectContaining({ key: 'housing-fund-retirement-withdrawal', averageStatutoryDays: 3, averageWorkingDays: 0, onTimeRate: 1, speedUp: null }),
    ]);
    const bad = await supervisor({ url: '/v1/statistics/efficiency', query: { groupBy: 'week' } });
    expect(bad.json().error.details[0].field).toBe('querystring.groupBy');
  });

  it('has a promised item (承诺件) reviewed by its own department at the same centre', async () => {
    const no = await submit({ itemCode: 'food-business-licence', centreCode: '450100' });
    ok(await accept(no, 'market_regulation'));
    await expect.poll(() => openReviews(no)).toEqual(['0:market_regulation']);
    expect((await read(no)).reviews[0].centreCode).toBe('450100');
    await expect.poll(async () => ((await read(no)) as unknown as { holdingUp: { department: string } | null }).holdingUp?.department).toBe(
      'market_regulation',
    );

    // A leader of the department may extend the statutory limit once, by at most 10 working days (art. 42).
    const extend = (officerId: string, workingDays: number) =>
      stack.as(officerId)({
        method: 'POST',
        url: `/v1/applications/${no}/extension`,
        payload: { reason: '需现场核查', workingDays },
      });
    expect((await extend(chiefOf('market_regulation'), 10)).statusCode).toBe(403);
    // A leader of another department, or of the same department at another centre, may not either.
    expect((await extend(leaderOf('taxation'), 10)).statusCode).toBe(403);
    expect((await extend(leaderOf('market_regulation', '450200'), 10)).statusCode).toBe(403);
    expect((await extend(leaderOf('market_regulation'), 11)).json().error.code).toBe('extension_too_long');
    const before = (await read(no)) as unknown as { acceptedAt: string; deadlines: { statutoryDueAt: string } };
    const extended = await extend(leaderOf('market_regulation'), 10);
    expect(extended.statusCode, extended.body).toBe(200);
    const due = await stack.app.inject({ url: '/v1/calendar/due', query: { from: before.acceptedAt, workingDays: '20', centre: '450100' } });
    expect(extended.json().deadlines.statutoryDueAt).toBe(due.json().due);
    // The review's own limits moved with the application's, in the read model too, and it names who answers for it.
    const [inState] = (await stack.client.workflow.getHandle(no).query(stateQuery)).reviews;
    const [shown] = (await stack.integrator(`/v1/applications/${no}`)).json().reviews;
    expect(shown.deadlines.statutoryDueAt).toBe(new Date(inState.deadlines!.statutoryDue).toISOString());
    expect(shown.responsible).toEqual(inState.responsible);
    expect(shown.responsible.length).toBeGreaterThan(0);
    expect((await extend(leaderOf('market_regulation'), 5)).json().error.code).toBe('already_extended');
    ok(await approve(no, 'market_regulation'));
    await expect.poll(async () => (await read(no)).stage).toBe('completed');
  });

  it('runs a joint item (联办件) step by step, each step’s departments in parallel', async () => {
    const no = await submit({ itemCode: 'construction-project', centreCode: '450100' });
    ok(await accept(no, 'development_reform'));
    const steps = [
      ['development_reform', 'natural_resources'],
      ['housing_construction', 'natural_resources'],
      ['ecology_environment', 'housing_construction'],
      ['housing_construction', 'natural_resources'],
    ];
    for (const [index, departments] of steps.entries()) {
      await expect.poll(() => openReviews(no)).toEqual(departments.map((d) => `${index}:${d}`));
      if (index === 0) {
        // A later step's department cannot decide before its step opens, not even its leader. It sees the
        // application from submission on (the plan names it), and the workflow refuses the early decision.
        const early = await stack.as(leaderOf('housing_construction'))({
          method: 'POST',
          url: `/v1/applications/${no}/reviews/housing_construction/decision`,
          payload: { decision: 'approve' },
        });
        expect(early.statusCode).toBe(409);
        expect(early.json().error).toMatchObject({ code: 'step_not_open' });
        expect(early.json().error.message).toContain('step 2');
      }
      // A major item (重大事项): each department's leader decides.
      await Promise.all(departments.map(async (d) => ok(await approve(no, d, leaderOf(d)))));
    }
    await expect.poll(async () => (await read(no)).stage).toBe('completed');
    expect((await read(no)).reviews).toHaveLength(8);
  });

  it('sends a reported item (上报件) taken in at a county to the parent centre’s department', async () => {
    const no = await submit({ itemCode: 'farmland-conversion', centreCode: '450102' });
    ok(await accept(no, 'natural_resources'));
    await expect.poll(async () => (await read(no)).reviews.map((r) => r.centreCode)).toEqual(['450100']);
    // Each centre's natural_resources window reads its own inbox.
    const inbox = async (centre: string) =>
      ((await stack.as(windowOf('natural_resources', centre))(`/v1/departments/natural_resources/inbox?centre=${centre}`)).json().tasks as { applicationNo: string }[]).map(
        (t) => t.applicationNo,
      );
    expect(await inbox('450100')).toContain(no);
    expect(await inbox('450102')).not.toContain(no);
    // The county's leader may not decide it; the parent centre's leader does (a major item).
    await post(leaderOf('natural_resources', '450102'), `/v1/applications/${no}/reviews/natural_resources/decision`, { decision: 'approve' }, 403);
    ok(await approve(no, 'natural_resources', leaderOf('natural_resources', '450100')));
    await expect.poll(async () => (await read(no)).stage).toBe('completed');
  });

  it('refuses an item at a centre level that does not take it in', async () => {
    const res = await stack.integrator({ method: 'POST', url: '/v1/applications', payload: submission({ itemCode: 'marriage-registration', centreCode: '450000' }) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toEqual([{ field: 'body.centreCode', message: expect.stringContaining('not taken in at a region centre') }]);
  });
});

describe('first-inquiry responsibility (首问负责制)', () => {
  it('keeps the officer who received the consultation first on the record of the application that follows it', async () => {
    // The chief representative takes the call; the window officer later accepts the application.
    const first = chiefOf('market_regulation');
    const consulted = await post(
      first,
      '/v1/consultations',
      { centreCode: '450100', channel: 'phone', itemCode: 'food-business-licence', subject: '咨询食品经营许可所需材料' },
      201,
    );
    const res = await stack.integrator({
      method: 'POST',
      url: '/v1/applications',
      payload: submission({ itemCode: 'food-business-licence', centreCode: '450100', consultationId: consulted.id }),
    });
    expect(res.json()).toMatchObject({ consultationId: consulted.id, responsibleOfficer: { id: first } });
    const accepted = ok<{ responsibleOfficer: { id: string } }>(await accept(res.json().applicationNo, 'market_regulation'));
    expect(accepted.responsibleOfficer.id).toBe(first);

    const unknown = await stack.integrator({ method: 'POST', url: '/v1/applications', payload: submission({ consultationId: 999_999 }) });
    expect(unknown.json().error.details).toEqual([{ field: 'body.consultationId', message: 'unknown consultation 999999' }]);
  });
});

describe('catalogue versions', () => {
  it('keeps a running application on the item version it was submitted under', async () => {
    const code = `test-joint-${randomUUID().slice(0, 8)}`;
    const definition = {
      code,
      name: `测试联办事项 ${code}`,
      nameEn: 'Test joint item',
      department: 'market_regulation',
      kind: 'joint',
      levels: ['city', 'county'],
      legalBasis: '测试',
      statutoryLimitDays: 20,
      promisedLimitDays: 10,
      materials: [{ name: '申请书', required: true }],
      steps: [{ name: '并联审批', departments: [{ code: 'market_regulation', promisedLimitDays: 5 }, { code: 'taxation', promisedLimitDays: 5 }] }],
    };
    const admin = stack.as(adminOf());
    expect((await admin({ method: 'POST', url: '/v1/items', payload: definition })).statusCode).toBe(201);

    const running = await submit({ itemCode: code, centreCode: '450100', materials: ['申请书'] });
    ok(await accept(running, 'market_regulation'));
    await expect.poll(() => openReviews(running)).toEqual(['0:market_regulation', '0:taxation']);

    // The administrator adds a department: version 2. The running application stays on version 1.
    const changed = {
      ...definition,
      steps: [{ name: '并联审批', departments: [...definition.steps[0].departments, { code: 'public_security', promisedLimitDays: 5 }] }],
    };
    const put = await admin({ method: 'PUT', url: `/v1/items/${code}`, payload: changed });
    expect(put.json().version).toBe(2);

    ok(await approve(running, 'market_regulation'));
    ok(await approve(running, 'taxation'));
    await expect.poll(async () => (await read(running)).stage).toBe('completed');
    expect((await read(running)).itemVersion).toBe(1);
    const v1 = (await stack.app.inject(`/v1/items/${code}/versions/1`)).json();
    expect(v1.definition.steps[0].departments).toHaveLength(2);

    const later = await submit({ itemCode: code, centreCode: '450100', materials: ['申请书'] });
    expect((await read(later)).itemVersion).toBe(2);
    ok(await accept(later, 'market_regulation'));
    await expect.poll(() => openReviews(later)).toEqual(['0:market_regulation', '0:public_security', '0:taxation']);
  });
});

/**
 * Time limits on the time-skipping test server: the clocks of an accepted application raise yellow,
 * red and statutory red at their instants, a decision in time raises nothing, and a decision after
 * red stays marked late. The activities write to the real PostgreSQL read model.
 */
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../activities/index.js';
import { buildApp } from '../api/app.js';
import { issueToken } from '../api/auth.js';
import { type Database, openDatabase } from '../db/client.js';
import { saveItem } from '../db/catalogue-writes.js';
import { itemDefinition } from '../db/item-definition.js';
import { alerts, centres } from '../db/schema/index.js';
import { applicationWorkflow } from '../workflows/application.js';
import {
  decisionUpdate,
  intakeUpdate,
  resumeClockUpdate,
  stateQuery,
  stopClockUpdate,
  supplementUpdate,
} from '../workflows/messages.js';
import { WorkingCalendar, chinaDate } from '../workflows/rules/working-days.js';
import { addLocalDaysOff, calendarSnapshot } from '../db/calendar.js';
import { efficiency } from '../db/statistics.js';
import { repeatedSupplements } from '../db/queries.js';
import { caller, chiefOf, officer, supervisorOf, testConfig, windowOf, testDataConverter } from './support/stack.js';
import { applicationInput, saveTestItem, startTimeSkipping } from './support/items.js';

let env: TestWorkflowEnvironment;
let database: Database;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `deadlines-${randomUUID()}`;
let itemCode: string;

beforeAll(async () => {
  env = await startTimeSkipping();
  database = await openDatabase({ url: inject('databaseUrl'), dataDir: '' });
  // An item of its own: 3 working days promised, 5 statutory, yellow 1 working day before the promise.
  itemCode = await saveTestItem(database.db);
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { code: inject('workflowBundleCode') },
    dataConverter: testDataConverter(),
    activities: createActivities({ db: database.db }),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await database?.close();
  await env?.teardown();
});

async function start(code = itemCode, centreCode = '450100') {
  const input = await applicationInput(database.db, code, centreCode);
  const handle = await env.client.workflow.start(applicationWorkflow, { workflowId: input.applicationNo, taskQueue, args: [input] });
  await handle.executeUpdate(intakeUpdate, { args: [{ decision: 'accept', department: 'market_regulation', officer: officer(windowOf('market_regulation', centreCode)) }] });
  await expectEventually(async () => (await handle.query(stateQuery)).reviews.length === 1);
  return handle;
}

/** Waits in real time (the worker is busy with activities) for a condition on the workflow. */
async function expectEventually(check: () => Promise<boolean>) {
  await expect.poll(check, { timeout: 20_000 }).toBe(true);
}

/** The applications the tests decide, for the statistics test. */
const decidedIds: string[] = [];
const ms = (a: string, b: string) => Math.abs(Date.parse(a) - Date.parse(b));

describe('time limits', () => {
  it('raises yellow, red and statutory red at the instants the working-day calendar gives', async () => {
    const handle = await start();
    const { deadlines, reviews } = await handle.query(stateQuery);
    expect(deadlines?.warnAt).toBeDefined();
    expect(reviews[0].deadlines?.promisedDue).toBe(deadlines!.promisedDue);

    await env.sleep(Date.parse(deadlines!.statutoryDue) - Date.now() + 60_000);
    await expectEventually(async () => (await handle.query(stateQuery)).alerts.length === 6);
    const state = await handle.query(stateQuery);
    expect(state.supervision).toBe('statutory_red');
    const at = (level: string, department?: string) => state.alerts.find((a) => a.level === level && a.department === department)!.at;
    // Each alert fires at its instant (to the second), for the application and for the review.
    for (const department of [undefined, 'market_regulation']) {
      expect(ms(at('yellow', department), deadlines!.warnAt!)).toBeLessThan(1000);
      expect(ms(at('red', department), deadlines!.promisedDue)).toBeLessThan(1000);
      expect(ms(at('statutory_red', department), deadlines!.statutoryDue)).toBeLessThan(1000);
    }
    // The review's alerts name the department's chief representative at the deciding centre.
    expect(state.alerts.find((a) => a.department)!.responsible).toEqual([
      expect.objectContaining({ id: '450100-market_regulation-chief' }),
    ]);
    await expectEventually(async () => (await database.db.select().from(alerts).where(eq(alerts.applicationNo, handle.workflowId))).length === 6);
    // One durable timer for every clock (the lean-history patch): one per instant, not one per clock and instant.
    const history = await handle.fetchHistory();
    expect(history.events!.filter((e) => e.timerStartedEventAttributes)).toHaveLength(3);

    // Each red alert opened an accountability case; supervisors take one through its life.
    const { auth } = testConfig();
    const app = await buildApp({ database, auth, temporal: { client: env.client, connection: env.connection, taskQueue } });
    try {
      const as = (officerId: string) => caller(app, async () => ({ authorization: `Bearer ${await issueToken(auth, officerId, '1h')}` }));
      const supervisor = as(supervisorOf('450100'));
      const { cases } = (await supervisor(`/v1/cases?centre=450100&status=open`)).json() as { cases: { id: string; applicationNo: string; responsible: { id: string }[] }[] };
      const mine = cases.filter((c) => c.applicationNo === handle.workflowId);
      expect(mine).toHaveLength(4);
      const ofApplication = (await supervisor({ url: '/v1/cases', query: { application: handle.workflowId } })).json().cases;
      expect(ofApplication.map((c: { id: string }) => c.id).sort()).toEqual(mine.map((c) => c.id).sort());
      expect(mine.every((c) => c.responsible.some((o) => o.id === '450100-market_regulation-chief'))).toBe(true);
      const step = (officerId: string, payload: object) =>
        as(officerId)({ method: 'POST', url: `/v1/cases/${encodeURIComponent(mine[0].id)}/steps`, payload });
      expect((await step('450100-market_regulation-officer', { status: 'explanation_received', note: 'x' })).statusCode).toBe(403);
      expect((await step('450200-supervisor', { status: 'explanation_received', note: 'x' })).statusCode).toBe(403);
      expect((await step('450000-supervisor', { status: 'closed', note: '跳过说明', outcome: '批评教育' })).json().error.code).toBe('wrong_case_status');
      expect((await step('450000-supervisor', { status: 'explanation_received', note: '窗口说明：材料审核积压' })).json().status).toBe('explanation_received');
      expect((await step('450100-supervisor', { status: 'closed', note: '已核实' })).json().error.details[0].field).toBe('body.outcome');
      expect((await step('450100-supervisor', { status: 'closed', note: '已核实', outcome: '批评教育' })).json()).toMatchObject({ status: 'closed', outcome: '批评教育' });
      const closed = (await supervisor(`/v1/cases/${encodeURIComponent(mine[0].id)}`)).json();
      expect(closed.steps.map((s: { status: string; actor: { id: string } }) => `${s.status} by ${s.actor.id}`)).toEqual([
        'explanation_received by 450000-supervisor',
        'closed by 450100-supervisor',
      ]);
    } finally {
      await app.close();
    }

    // Past statutory red the review still waits; a decision now is accepted and stays marked late.
    const decided = await handle.executeUpdate(decisionUpdate, {
      args: [{ department: 'market_regulation', decision: 'approve', officer: officer(chiefOf('market_regulation')) }],
    });
    expect(decided.reviews[0]).toMatchObject({ status: 'approved', late: true });
    decidedIds.push(handle.workflowId);
    await expectEventually(async () => (await handle.query(stateQuery)).stage === 'completed');
  });

  it('raises nothing for a review decided before its limits', async () => {
    const handle = await start();
    await handle.executeUpdate(decisionUpdate, { args: [{ department: 'market_regulation', decision: 'approve', officer: officer(chiefOf('market_regulation')) }] });
    const { deadlines } = await handle.query(stateQuery);
    await env.sleep(Date.parse(deadlines!.statutoryDue) - Date.now() + 60_000);
    const state = await handle.query(stateQuery);
    expect(state.stage).toBe('completed');
    expect(state.alerts).toEqual([]);
    expect(state.supervision).toBe('green');
    expect(state.reviews[0].late).toBe(false);
    decidedIds.push(handle.workflowId);
  });

  it('counts the decided applications into the efficiency statistics', async () => {
    // The first two tests decided one application late (after statutory red) and one at once.
    const decided = await Promise.all(decidedIds.map((id) => env.client.workflow.getHandle(id).query(stateQuery)));
    expect(decided.map((s) => !!s.timing)).toEqual([true, true]);
    const [row] = await efficiency(database.db, { item: itemCode, groupBy: 'item' });
    const working = decided.map((s) => s.timing!.workingDays);
    expect(row).toMatchObject({
      key: itemCode,
      decided: 2,
      approved: 2,
      averageStatutoryDays: 5,
      averagePromisedDays: 3,
      averageWorkingDays: (working[0] + working[1]) / 2,
      onTime: 1,
      onTimeRate: 0.5,
      withinStatutory: 1,
      yellowAlerts: 1,
      redAlerts: 2,
    });
    expect(Math.max(...working)).toBeGreaterThanOrEqual(5); // decided just after the statutory limit ended

    // A period counts the applications accepted on its days, in China time; `to` is exclusive.
    const chinaDay = (instant: string, days = 0) =>
      new Date(Date.parse(instant) + days * 86_400_000).toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' });
    const days = decided.map((s) => chinaDay(s.acceptedAt!)).sort();
    const inPeriod = async (from?: string, to?: string) => (await efficiency(database.db, { item: itemCode, groupBy: 'item', from, to }))[0]?.decided ?? 0;
    expect(await inPeriod(days[0], chinaDay(days.at(-1)!, 1))).toBe(2);
    expect(await inPeriod(chinaDay(days.at(-1)!, 1))).toBe(0);
    expect(await inPeriod(undefined, days[0])).toBe(0);
  });

  it('stops the clocks for a supplement (补正) and moves every due instant by the working days stopped', async () => {
    const handle = await start();
    const before = (await handle.query(stateQuery)).deadlines!;
    const stopped = await handle.executeUpdate(stopClockUpdate, {
      args: [{ department: 'market_regulation', officer: officer(windowOf('market_regulation')), type: 'supplement', reason: '材料不全', missingMaterials: ['场所平面图', '健康证明'] }],
    });
    expect(stopped.stoppedSince).toBeDefined();

    // Ten calendar days pass while the applicant gathers the materials: past the old limits, nothing fires.
    await env.sleep(10 * 86_400_000);
    expect((await handle.query(stateQuery)).alerts).toEqual([]);
    const resumed = await handle.executeUpdate(supplementUpdate, { args: [{ materials: ['场所平面图', '健康证明'], officer: officer(windowOf('market_regulation')) }] });
    const review = resumed.reviews[0];
    const stop = review.stops[0];
    expect(stop.endedAt).toBeDefined();
    expect(stop.workingDays).toBeGreaterThanOrEqual(5);
    expect(resumed.stoppedSince).toBeUndefined();
    expect(resumed.stoppedDays).toBe(stop.workingDays);

    const snapshot = await calendarSnapshot(database.db, '450100', chinaDate(resumed.acceptedAt!), 120);
    const calendar = new WorkingCalendar(snapshot);
    expect(stop.workingDays).toBe(calendar.workingDaysBetween(chinaDate(stop.startedAt), chinaDate(stop.endedAt!)));
    expect(resumed.deadlines!.promisedDue).toBe(calendar.due(resumed.acceptedAt!, 3 + stop.workingDays!).due);
    expect(resumed.deadlines!.statutoryDue).toBe(calendar.due(resumed.acceptedAt!, 5 + stop.workingDays!).due);
    expect(Date.parse(resumed.deadlines!.promisedDue)).toBeGreaterThan(Date.parse(before.promisedDue));
    expect(review.deadlines!.promisedDue).toBe(resumed.deadlines!.promisedDue);

    // A second supplement request for the same review needs a reason, which supervisors see.
    const second = { department: 'market_regulation', officer: officer(windowOf('market_regulation')), type: 'supplement' as const, reason: '仍缺材料', missingMaterials: ['消防验收意见'] };
    await expect(handle.executeUpdate(stopClockUpdate, { args: [second] })).rejects.toMatchObject({
      cause: { type: 'RepeatedSupplement' },
    });
    const again = await handle.executeUpdate(stopClockUpdate, { args: [{ ...second, repeatReason: '申请人补交的平面图与现场不符' }] });
    expect(again.reviews[0].stops[1].repeatReason).toBe('申请人补交的平面图与现场不符');
    await expectEventually(async () => (await repeatedSupplements(database.db)).some((f) => f.applicationNo === handle.workflowId));
  });

  it('stops a review’s clock for an expert review (art. 45) until the window ends it', async () => {
    const handle = await start();
    await handle.executeUpdate(stopClockUpdate, {
      args: [{ department: 'market_regulation', officer: officer(windowOf('market_regulation')), type: 'expert_review', reason: '组织专家评审', expectedDays: 5 }],
    });
    // The applicant cannot end a procedure by sending materials; the window ends it.
    await expect(handle.executeUpdate(supplementUpdate, { args: [{ materials: ['x'], officer: officer(windowOf('market_regulation')) }] })).rejects.toMatchObject({ cause: { type: 'WrongStage' } });
    await env.sleep(3 * 86_400_000);
    const resumed = await handle.executeUpdate(resumeClockUpdate, { args: [{ department: 'market_regulation', officer: officer(windowOf('market_regulation')), note: '专家评审完成' }] });
    expect(resumed.reviews[0].stops[0]).toMatchObject({ type: 'expert_review', expectedDays: 5 });
    expect(resumed.reviews[0].stops[0].workingDays).toBeGreaterThanOrEqual(1);
    await expect(
      handle.executeUpdate(resumeClockUpdate, { args: [{ department: 'market_regulation', officer: officer(windowOf('market_regulation')) }] }),
    ).rejects.toMatchObject({ cause: { type: 'ClockNotStopped' } });
  });

  it('counts 20 working days across the National Day holiday and fires at exactly the expected instants', async () => {
    // The 2027 notice is not published yet, so a centre of the test's own takes 1–7 October 2027
    // off, as every National Day is: accepted Thu 30 Sep 2027, the 20 working days run from Fri 8 Oct
    // to Thu 4 Nov; yellow one working day before; the statutory 30 days end on Thu 18 Nov.
    const centre = '450198'; // nests under Nanning (4501xx), unused by any real county
    await database.db
      .insert(centres)
      .values({ code: centre, name: '测试县政务服务中心', nameEn: 'Test County', division: '测试县', parentCode: '450100', level: 'county', longitude: 108.3, latitude: 22.8 })
      .onConflictDoNothing();
    await database.db.transaction((tx) =>
      addLocalDaysOff(tx, centre, [1, 2, 3, 4, 5, 6, 7].map((d) => ({ day: `2027-10-0${d}`, name: '国庆节' })), 'test stand-in for the 2027 notice'),
    );
    const code = `${itemCode}-nd`;
    const definition = itemDefinition.parse({
      code,
      name: `测试二十日事项 ${code}`,
      nameEn: 'Test item of 20 working days',
      department: 'market_regulation',
      kind: 'promised',
      levels: ['county'],
      legalBasis: '《中华人民共和国行政许可法》第四十二条',
      statutoryLimitDays: 30,
      promisedLimitDays: 20,
      steps: [{ name: '审查', departments: [{ code: 'market_regulation', promisedLimitDays: 20 }] }],
    });
    await database.db.transaction((tx) => saveItem(tx, definition, { id: 'test' }, 'create'));

    await env.sleep(Date.parse('2027-09-30T02:00:00Z') - (await env.currentTimeMs()));
    const handle = await start(code, centre);
    const { deadlines } = await handle.query(stateQuery);
    expect(deadlines).toMatchObject({
      warnAt: '2027-11-03T16:00:00.000Z',
      promisedDue: '2027-11-04T16:00:00.000Z',
      statutoryDue: '2027-11-18T16:00:00.000Z',
    });

    await env.sleep(Date.parse('2027-11-19T00:00:00Z') - (await env.currentTimeMs()));
    await expectEventually(async () => (await handle.query(stateQuery)).alerts.length === 6);
    const alertsRaised = (await handle.query(stateQuery)).alerts.filter((a) => !a.department);
    expect(alertsRaised.map((a) => a.level)).toEqual(['yellow', 'red', 'statutory_red']);
    expect(ms(alertsRaised[0].at, '2027-11-03T16:00:00.000Z')).toBeLessThan(1000);
    expect(ms(alertsRaised[1].at, '2027-11-04T16:00:00.000Z')).toBeLessThan(1000);
    expect(ms(alertsRaised[2].at, '2027-11-18T16:00:00.000Z')).toBeLessThan(1000);
  });
});

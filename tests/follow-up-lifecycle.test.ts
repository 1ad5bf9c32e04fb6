/**
 * Follow-ups (督办, issue 22 parts 2 and 3) as whole lifecycles on the time-skipping test server,
 * against the real PostgreSQL: a bad rating (差评) of a served intake and a complaint (投诉) each followed
 * by its workflow (workflows/follow-up.ts) under the real limits (DEFAULT_FOLLOW_UP_LIMITS, or a
 * region's own), counted in the centre's working days: yellow a working day before a limit, red at
 * it, an accountability case opened once; disputes reviewed by a supervisor, complaints accepted,
 * investigated and answered; the refusals of the update's validator; a withdrawn rating; a request
 * that never committed. The rows are stored and the workflows started as the API does
 * (api/follow-ups.ts openRatingFollowUp, startFollowUp, followUpRatings), each test with its own application or ids.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { ApplicationFailure, WorkflowUpdateFailedError, WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { TransactionRollbackError, and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../activities/index.js';
import { createFollowUpActivities } from '../activities/follow-ups.js';
import { actOnFollowUp, followUpRatings, openRatingFollowUp, startFollowUp } from '../api/follow-ups.js';
import { calendarSnapshot } from '../db/calendar.js';
import { listOfficers } from '../db/catalogue.js';
import { type Database, openDatabase } from '../db/client.js';
import { type FollowUpInsert, listFollowUps, openFollowUpCase, setLimits } from '../db/follow-ups.js';
import { findApplication } from '../db/queries.js';
import { rate } from '../db/ratings.js';
import { accountabilityCases, caseSteps, centres, followUpLimits, followUpSteps, followUps, officers, ratings } from '../db/schema/index.js';
import { servedEvents } from '../db/served-events.js';
import { applicationWorkflow } from '../workflows/application.js';
import { type FollowUpCommand, followUpQuery, followUpUpdate, followUpWorkflow, followUpWorkflowId, withdrawRatingSignal } from '../workflows/follow-up.js';
import { type Officer, intakeUpdate } from '../workflows/messages.js';
import { type ComplaintSubject, DEFAULT_FOLLOW_UP_LIMITS, type FollowUpChannel, type FollowUpInput, type FollowUpState, lateAcceptanceCaseId, lateCaseId } from '../workflows/rules/follow-ups.js';
import { DEFAULT_CHANGE_MINUTES, type RatingLevel } from '../workflows/rules/ratings.js';
import { WorkingCalendar, chinaDate } from '../workflows/rules/working-days.js';
import { applicationInput, saveTestItem, startTimeSkipping } from './support/items.js';
import { leaderOf, officer, supervisorOf, testDataConverter, windowOf } from './support/stack.js';

let env: TestWorkflowEnvironment;
let database: Database;
let worker: Worker;
let running: Promise<void>;
let itemCode: string;
const taskQueue = `follow-up-lifecycle-${randomUUID()}`;
const DEPARTMENT = 'market_regulation';
const CENTRE = '450100';
/** A county whose own limits one test sets (the longest prefix applies: nothing else here is under it). */
const COUNTY = '450722';
const LIMITS = DEFAULT_FOLLOW_UP_LIMITS;
const DAY = 86_400_000;
const MINUTE = 60_000;

/** The writes of a follow-up held back while the test does something in between (the workflow is still running then). */
const held = new Map<string, Promise<void>>();
/** The follow-ups whose write has been scheduled (and reached the worker) since the test last cleared it. */
const entered = new Set<string>();

/** The API as startFollowUp, followUpRatings and actOnFollowUp see it: the time-skipping server's client and the worker's queue. */
let app: FastifyInstance;

beforeAll(async () => {
  env = await startTimeSkipping();
  database = await openDatabase({ url: inject('databaseUrl'), dataDir: '' });
  itemCode = await saveTestItem(database.db);
  const followUpActivities = createFollowUpActivities({ db: database.db });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { code: inject('workflowBundleCode') },
    dataConverter: testDataConverter(),
    activities: {
      ...createActivities({ db: database.db }),
      ...followUpActivities,
      async recordFollowUp(args: Parameters<typeof followUpActivities.recordFollowUp>[0]) {
        entered.add(args.state.id);
        await held.get(args.state.id);
        return followUpActivities.recordFollowUp(args);
      },
      async withdrawFollowUp(args: Parameters<typeof followUpActivities.withdrawFollowUp>[0]) {
        entered.add(args.state.id);
        await held.get(args.state.id);
        return followUpActivities.withdrawFollowUp(args);
      },
    },
  });
  running = worker.run();
  app = { deps: { temporal: { client: env.client, taskQueue } } } as unknown as FastifyInstance;
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await database?.db.delete(followUpLimits).where(eq(followUpLimits.centreCode, COUNTY));
  await database?.close();
  await env?.teardown();
});

const db = () => database.db;
/** The test server's clock: the workflows' now, ahead of the wall clock once time was skipped. */
const serverNow = async () => new Date(await env.currentTimeMs()).toISOString();
/** Skips the server's time to `offset` ms after `at` (before it when negative). */
async function skipTo(at: string, offset: number) {
  const ms = Date.parse(at) + offset - (await env.currentTimeMs());
  if (ms > 0) await env.sleep(ms);
}
/** The centre's working days from the day of `from`, as the workflow's snapshot (db/calendar.ts) holds them. */
const calendarFrom = async (from: string, centre = CENTRE) => new WorkingCalendar(await calendarSnapshot(db(), centre, chinaDate(from), 150));

const supervisor = (centre = CENTRE): Officer => ({ id: supervisorOf(centre), name: `Officer ${supervisorOf(centre)}`, role: 'supervisor', centreCode: centre });
const leader = (centre = CENTRE) => officer(leaderOf(DEPARTMENT, centre));
/** The leaders of the department at the centre, as the workflow assigns them (db: listOfficers). */
const leaders = async (centre = CENTRE) =>
  (await listOfficers(db(), { centre, department: DEPARTMENT, role: 'department_leader' })).map((o) => ({ id: o.id, name: o.name }));

type Handle = WorkflowHandle<typeof followUpWorkflow>;
const act = (handle: Handle, command: FollowUpCommand) => handle.executeUpdate(followUpUpdate, { args: [command] });

/** An application accepted at a window (its intake served), as the rating of an intake needs. */
async function servedIntake(centre = CENTRE) {
  const input = await applicationInput(db(), itemCode, centre);
  const handle = await env.client.workflow.start(applicationWorkflow, { workflowId: input.applicationNo, taskQueue, args: [input] });
  await handle.executeUpdate(intakeUpdate, { args: [{ decision: 'accept', department: DEPARTMENT, officer: officer(windowOf(DEPARTMENT, centre)) }] });
  let served: Awaited<ReturnType<typeof servedEvents>> = {};
  await expect
    .poll(async () => {
      const found = await findApplication(db(), input.applicationNo);
      served = found ? await servedEvents(db(), found.row, found.reviews) : {};
      return served.intake !== undefined;
    })
    .toBe(true);
  return { applicationNo: input.applicationNo, served: served.intake! };
}

/**
 * A bad rating of the intake and its follow-up, as api/ratings.ts stores them (rate, then the row and the
 * workflow in the rating's transaction, as followUpRatings does), opened at the server's now.
 */
async function badRating(centre = CENTRE, level: RatingLevel = 'very_dissatisfied') {
  const { applicationNo, served } = await servedIntake(centre);
  const openedAt = await serverNow();
  const { input, row } = await db().transaction(async (tx) => {
    const [{ row }] = await rate(tx, applicationNo, [{ rating: { event: 'intake', level, tags: ['slow'], comment: '窗口让我跑了三次' }, served }], {
      channel: 'api',
      ratedBy: 'integrator:tests',
      changeMinutes: DEFAULT_CHANGE_MINUTES,
    });
    const input = await openRatingFollowUp(app, tx, row, openedAt);
    return { input, row };
  });
  const handle: Handle = env.client.workflow.getHandle(followUpWorkflowId(input.id));
  // The first write: the row has its clocks.
  await expect.poll(async () => (await followUpRow(input.id))?.version ?? 0).toBeGreaterThan(0);
  return { id: input.id, input, handle, applicationNo, rating: row };
}

/** A complaint stored and started as fileComplaint does (api/routes/follow-ups.ts), with an id of its own. */
async function complaint(options: { subject?: ComplaintSubject; channel?: Exclude<FollowUpChannel, 'qr'>; complainant?: { name: string; phone?: string } | null; centre?: string } = {}) {
  const centre = options.centre ?? CENTRE;
  const subject = options.subject ?? { kind: 'officer', officerId: windowOf(DEPARTMENT, centre) };
  const channel = options.channel ?? 'api';
  const complainant = options.complainant === undefined ? { name: '李四', phone: '13800000000' } : options.complainant;
  const place = subject.kind === 'centre' ? { centreCode: subject.centreCode, department: null, applicationNo: null } : { centreCode: centre, department: DEPARTMENT, applicationNo: null };
  const openedAt = await serverNow();
  const id = `C-T${randomUUID().slice(0, 8)}`;
  const input: FollowUpInput = { id, kind: 'complaint', ...place, openedAt, complaint: { anonymous: !complainant, channel } };
  const row: FollowUpInsert = {
    id,
    kind: 'complaint',
    stage: 'received',
    centreCode: place.centreCode,
    department: place.department,
    applicationNo: place.applicationNo,
    subject,
    content: '窗口工作人员态度恶劣，拒不解释',
    complainant,
    channel,
    submittedBy: channel === 'api' ? 'integrator:tests' : `officer:${windowOf(DEPARTMENT, centre)}`,
    reference: channel === 'api' ? `ref-${randomUUID()}` : null,
    openedAt,
  };
  await db().transaction((tx) => startFollowUp(app, tx, input, row));
  const handle: Handle = env.client.workflow.getHandle(followUpWorkflowId(id));
  await expect.poll(async () => (await followUpRow(id))?.version ?? 0).toBeGreaterThan(0);
  return { id, input, handle };
}

const followUpRow = async (id: string) => (await db().select().from(followUps).where(eq(followUps.id, id)))[0];
const stepsOf = (id: string) => db().select().from(followUpSteps).where(eq(followUpSteps.followUpId, id)).orderBy(asc(followUpSteps.seq));
const stepNames = async (id: string) => (await stepsOf(id)).map((s) => s.step);
const casesOf = (followUpId: string) => db().select().from(accountabilityCases).where(eq(accountabilityCases.followUpId, followUpId)).orderBy(asc(accountabilityCases.id));
const caseStepsOf = (caseId: string) => db().select().from(caseSteps).where(eq(caseSteps.caseId, caseId));
const ms = (instant: string | null | undefined) => (instant ? Date.parse(instant) : null);
const ratingRow = async (applicationNo: string) => (await db().select().from(ratings).where(and(eq(ratings.applicationNo, applicationNo), eq(ratings.event, 'intake'))))[0];

/** The refusal an update's validator threw: WorkflowUpdateFailedError with the rule's code as the ApplicationFailure's type. */
async function refusal(update: Promise<unknown>): Promise<string | undefined> {
  const err = await update.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return (cause as ApplicationFailure).type ?? undefined;
}

/** How many times the workflow has run an activity to its end (its history). */
async function completed(handle: Handle, activity: string): Promise<number> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Map(events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => [String(e.eventId), e.activityTaskScheduledEventAttributes!.activityType?.name]));
  return events.filter((e) => e.activityTaskCompletedEventAttributes && scheduled.get(String(e.activityTaskCompletedEventAttributes.scheduledEventId)) === activity).length;
}

/** With RECORD_HISTORIES=1, keeps the history for the determinism guard (tests/replay.test.ts). */
async function recordHistory(handle: { fetchHistory(): Promise<Parameters<typeof historyToJSON>[0]> }, name: string): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  writeFileSync(path.join(import.meta.dirname, 'histories', `${name}.json`), historyToJSON(await handle.fetchHistory()));
}

describe('a bad rating (差评)', () => {
  it('nobody contacts back: yellow a working day before the contact limit, red at it, one case naming the leaders; contacted and rectified, it closes and the case stays', { timeout: 180_000 }, async () => {
    const { id, input, handle, applicationNo } = await badRating();
    const calendar = await calendarFrom(input.openedAt);
    const contact = { warnAt: calendar.due(input.openedAt, LIMITS.contactDays - 1).due, due: calendar.due(input.openedAt, LIMITS.contactDays).due };
    const rectify = { warnAt: calendar.due(input.openedAt, LIMITS.rectifyDays - 1).due, due: calendar.due(input.openedAt, LIMITS.rectifyDays).due };
    const responsible = await leaders();
    expect(responsible.map((o) => o.id)).toContain(leaderOf(DEPARTMENT));

    const opened = await handle.query(followUpQuery);
    expect([opened.stage, opened.level, opened.limits, opened.clocks]).toEqual(['contacting', 'green', LIMITS, { contact, rectify }]);
    expect(opened.assignee).toEqual(responsible);
    let row = await followUpRow(id);
    expect([row.stage, row.level, ms(row.dueAt), row.applicationNo, row.ratingEvent, row.caseId]).toEqual(['contacting', 'green', Date.parse(contact.due), applicationNo, 'intake', null]);
    expect(row.assignee).toEqual(responsible);

    // A minute before the warning nothing is raised; a minute after it, yellow.
    await skipTo(contact.warnAt, -MINUTE);
    expect((await handle.query(followUpQuery)).level).toBe('green');
    await skipTo(contact.warnAt, MINUTE);
    await expect.poll(async () => (await followUpRow(id)).level).toBe('yellow');
    expect((await handle.query(followUpQuery)).raised).toEqual(['contact:yellow']);
    expect(await casesOf(id)).toEqual([]);

    await skipTo(contact.due, -MINUTE);
    expect((await handle.query(followUpQuery)).level).toBe('yellow');
    await skipTo(contact.due, MINUTE);
    await expect.poll(async () => (await followUpRow(id)).caseId).toBe(id);

    const red = await handle.query(followUpQuery);
    expect([red.stage, red.level, red.raised, red.caseId, red.responsible]).toEqual(['contacting', 'red', ['contact:yellow', 'contact:red'], id, responsible]);
    row = await followUpRow(id);
    expect([row.stage, row.level, row.caseId, row.outcome]).toEqual(['contacting', 'red', id, null]);
    expect(row.responsible).toEqual(responsible);
    // Listed as overdue: open and red.
    expect((await listFollowUps(db(), { centre: CENTRE, status: 'overdue', ids: [id] })).map((r) => r.id)).toEqual([id]);
    expect((await listFollowUps(db(), { centre: CENTRE, status: 'closed', ids: [id] })).length).toBe(0);

    const cases = await casesOf(id);
    expect(cases.map((c) => [c.id, c.followUpId, c.applicationNo, c.level, c.centreCode, c.department, c.status, c.openedBy])).toEqual([
      [id, id, applicationNo, 'red', CENTRE, DEPARTMENT, 'open', null],
    ]);
    expect(cases[0].responsible).toEqual(responsible);
    const steps = await caseStepsOf(id);
    expect(steps.map((s) => [s.status, s.actor.id])).toEqual([['open', 'onewindow']]);
    expect(steps[0].note).toContain('contact limit');
    expect(await stepNames(id)).toEqual(['opened', 'yellow', 'red', 'case_opened']);

    // Late, the leader contacts back and rectifies: closed, and the case stays open for the supervisors.
    const contacted = await act(handle, { action: 'contact', officer: leader(), note: '已电话回访，申请人反映排队时间长' });
    expect([contacted.stage, contacted.level]).toEqual(['rectifying', 'red']);
    const rectified = await act(handle, { action: 'conclude', officer: leader(), outcome: 'rectified', note: '已增开窗口' });
    expect([rectified.stage, rectified.outcome]).toEqual(['closed', 'rectified']);
    const final = await handle.result();
    expect([final.stage, final.outcome, final.caseId, final.level]).toEqual(['closed', 'rectified', id, 'red']);

    row = await followUpRow(id);
    expect([row.stage, row.outcome, row.level, row.dueAt, row.caseId]).toEqual(['closed', 'rectified', 'red', null, id]);
    expect([ms(row.contactedAt), ms(row.closedAt)]).toEqual([Date.parse(final.contactedAt!), Date.parse(final.closedAt!)]);
    expect((await listFollowUps(db(), { centre: CENTRE, status: 'overdue', ids: [id] })).length).toBe(0);
    expect(await stepNames(id)).toEqual(['opened', 'yellow', 'red', 'case_opened', 'contacted', 'rectified']);
    expect((await stepsOf(id)).at(-1)!.actor?.id).toBe(leaderOf(DEPARTMENT));
    expect((await casesOf(id)).map((c) => [c.id, c.status])).toEqual([[id, 'open']]);
    expect((await caseStepsOf(id)).length).toBe(1);
  });

  it('disputed: no mark while the dispute waits; dismissed, the rectification limit moves by exactly the working days it waited', { timeout: 180_000 }, async () => {
    const { id, input, handle } = await badRating();
    await act(handle, { action: 'contact', officer: leader(), note: '已回访' });
    const disputed = await act(handle, { action: 'conclude', officer: leader(), outcome: 'disputed', note: '申请人材料不全，差评不实，申请复核' });
    expect([disputed.stage, disputed.disputedAt !== undefined]).toEqual(['disputed', true]);
    let row = await followUpRow(id);
    // No clock runs while a supervisor reviews it.
    expect([row.stage, row.dueAt]).toEqual(['disputed', null]);

    // The dispute waits past the rectification limit it stopped: nothing is raised.
    const stopped = disputed.clocks.rectify!;
    await skipTo(stopped.due, 2 * DAY);
    const waiting = await handle.query(followUpQuery);
    expect([waiting.stage, waiting.level, waiting.raised, waiting.caseId]).toEqual(['disputed', 'green', [], undefined]);
    expect((await followUpRow(id)).level).toBe('green');
    expect(await casesOf(id)).toEqual([]);

    const dismissed = await act(handle, { action: 'reviewDispute', officer: supervisor(), upheld: false, note: '复核不成立，继续整改' });
    const dismissedAt = (await stepsOf(id)).find((s) => s.step === 'dispute_dismissed')!.at;
    const calendar = await calendarFrom(input.openedAt);
    const waited = calendar.workingDaysFrom(disputed.disputedAt!, dismissedAt);
    expect(waited).toBeGreaterThanOrEqual(LIMITS.rectifyDays);
    const moved = { warnAt: calendar.due(input.openedAt, LIMITS.rectifyDays + waited - 1).due, due: calendar.due(input.openedAt, LIMITS.rectifyDays + waited).due };
    expect([dismissed.stage, dismissed.stoppedDays, dismissed.clocks.rectify, dismissed.level]).toEqual(['rectifying', waited, moved, 'green']);
    // Exactly the working days it waited, however many calendar days that is.
    expect(calendar.workingDaysBetween(calendar.due(input.openedAt, LIMITS.rectifyDays).lastDay, calendar.due(input.openedAt, LIMITS.rectifyDays + waited).lastDay)).toBe(waited);
    row = await followUpRow(id);
    expect([row.stage, row.level, ms(row.dueAt)]).toEqual(['rectifying', 'green', Date.parse(moved.due)]);
    expect((row.clocks as FollowUpState['clocks']).rectify).toEqual(moved);

    // The moved limit runs again: yellow a working day before it.
    await skipTo(moved.warnAt, MINUTE);
    await expect.poll(async () => (await followUpRow(id)).level).toBe('yellow');
    expect((await handle.query(followUpQuery)).raised).toEqual(['rectify:yellow']);

    const explained = await act(handle, { action: 'conclude', officer: leader(), outcome: 'explained', note: '已向申请人说明' });
    expect([explained.stage, explained.outcome]).toEqual(['closed', 'explained']);
    expect((await handle.result()).outcome).toBe('explained');
    expect(await stepNames(id)).toEqual(['opened', 'contacted', 'disputed', 'dispute_dismissed', 'yellow', 'explained']);
    expect((await stepsOf(id)).find((s) => s.step === 'dispute_dismissed')!.actor?.id).toBe(supervisorOf(CENTRE));
    expect(await casesOf(id)).toEqual([]);
    await recordHistory(handle, 'follow-up-disputed');
  });

  it('disputed and upheld by a supervisor: closed dispute_upheld, and the rating no longer counts', async () => {
    const { id, handle, applicationNo } = await badRating();
    await act(handle, { action: 'contact', officer: leader(), note: '已回访' });
    await act(handle, { action: 'conclude', officer: leader(), outcome: 'disputed', note: '差评与办理无关' });
    expect((await ratingRow(applicationNo)).disputeUpheld).toBe(false);
    const upheld = await act(handle, { action: 'reviewDispute', officer: supervisor('450000'), upheld: true, note: '申诉成立' });
    expect([upheld.stage, upheld.outcome]).toEqual(['closed', 'dispute_upheld']);
    const final = await handle.result();
    expect([final.stage, final.outcome]).toEqual(['closed', 'dispute_upheld']);
    const row = await followUpRow(id);
    expect([row.stage, row.outcome, row.level]).toEqual(['closed', 'dispute_upheld', 'green']);
    const rating = await ratingRow(applicationNo);
    expect([rating.bad, rating.disputeUpheld]).toEqual([true, true]);
    expect(await stepNames(id)).toEqual(['opened', 'contacted', 'disputed', 'dispute_upheld']);
  });

  it('refuses, in the update’s validator, what the rules refuse; nothing is written for a refusal', async () => {
    const { id, handle } = await badRating();
    // A window officer is not the department's leader.
    expect(await refusal(act(handle, { action: 'contact', officer: officer(windowOf(DEPARTMENT)), note: '回访' }))).toBe('not_authorised');
    // Neither is a leader of another department, nor a supervisor while the department has leaders.
    expect(await refusal(act(handle, { action: 'contact', officer: officer(leaderOf('taxation')), note: '回访' }))).toBe('not_authorised');
    expect(await refusal(act(handle, { action: 'contact', officer: supervisor(), note: '回访' }))).toBe('not_authorised');
    expect(await refusal(act(handle, { action: 'reviewDispute', officer: supervisor(), upheld: true, note: '复核' }))).toBe('wrong_stage');
    expect(await refusal(act(handle, { action: 'conclude', officer: leader(), outcome: 'rectified', note: '整改' }))).toBe('wrong_stage');
    expect(await refusal(act(handle, { action: 'accept', officer: supervisor(), accepted: true, note: '受理' }))).toBe('wrong_kind');
    expect(await refusal(act(handle, { action: 'findings', officer: supervisor(), substantiated: true, findings: '属实', reply: '答复', responsible: [] }))).toBe('wrong_kind');
    // The API maps them: 403 for authority, 409 with the code for the rest.
    await expect(actOnFollowUp(app, id, { action: 'contact', officer: officer(windowOf(DEPARTMENT)), note: '回访' })).rejects.toMatchObject({ statusCode: 403 });
    await expect(actOnFollowUp(app, id, { action: 'accept', officer: supervisor(), accepted: true, note: '受理' })).rejects.toMatchObject({ statusCode: 409, code: 'wrong_kind' });

    const state = await handle.query(followUpQuery);
    expect([state.stage, state.version]).toEqual(['contacting', 1]);
    expect([(await followUpRow(id)).version, await stepNames(id)]).toEqual([1, ['opened']]);

    await act(handle, { action: 'contact', officer: leader(), note: '已回访' });
    // The closing update's write is held: the workflow still runs, closed, when the next update comes.
    let release!: () => void;
    held.set(id, new Promise<void>((resolve) => (release = resolve)));
    try {
      const closing = await handle.startUpdate(followUpUpdate, { args: [{ action: 'conclude', officer: leader(), outcome: 'explained', note: '已说明' }], waitForStage: WorkflowUpdateStage.ACCEPTED });
      expect(await refusal(act(handle, { action: 'conclude', officer: leader(), outcome: 'rectified', note: '整改' }))).toBe('follow_up_closed');
      expect(await refusal(act(handle, { action: 'contact', officer: leader(), note: '再回访' }))).toBe('follow_up_closed');
      release();
      expect((await closing.result()).outcome).toBe('explained');
    } finally {
      release();
      held.delete(id);
    }
    expect((await handle.result()).outcome).toBe('explained');
    // Once the workflow has ended, the API answers the same refusal.
    await expect(actOnFollowUp(app, id, { action: 'conclude', officer: leader(), outcome: 'rectified', note: '整改' })).rejects.toMatchObject({ statusCode: 409, code: 'follow_up_closed' });
    expect(await stepNames(id)).toEqual(['opened', 'contacted', 'explained']);
    expect((await followUpRow(id)).outcome).toBe('explained');
  });

  it('changed to a good rating within the change window: closed withdrawn, once the change has committed', { timeout: 120_000 }, async () => {
    const { id, handle, applicationNo } = await badRating();
    const { served } = { served: (await servedEvents(db(), (await findApplication(db(), applicationNo))!.row, [])).intake! };
    // As api/ratings.ts stores a change: the signal is sent in the rating's transaction, before it commits (here a second later).
    await db().transaction(async (tx) => {
      const stored = await rate(tx, applicationNo, [{ rating: { event: 'intake', level: 'satisfied' }, served }], { channel: 'api', ratedBy: 'integrator:tests', changeMinutes: DEFAULT_CHANGE_MINUTES });
      expect(stored.map((s) => [s.changed, s.wasBad, s.row.bad])).toEqual([[true, true, false]]);
      await followUpRatings(app, tx, stored);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    });
    const final = await handle.result();
    expect([final.stage, final.outcome]).toEqual(['closed', 'withdrawn']);
    const row = await followUpRow(id);
    expect([row.stage, row.outcome, row.dueAt]).toEqual(['closed', 'withdrawn', null]);
    expect(await stepNames(id)).toEqual(['opened', 'withdrawn']);
    expect(await casesOf(id)).toEqual([]);
    await recordHistory(handle, 'follow-up-withdrawn');
    const rating = await ratingRow(applicationNo);
    expect([rating.level, rating.bad]).toEqual(['satisfied', false]);

    // Changed back to a bad one, still within the window: the withdrawn follow-up opens again, a new run of its workflow, its history kept.
    const reopenedAt = await serverNow();
    await db().transaction(async (tx) => {
      const [{ row, changed, wasBad }] = await rate(tx, applicationNo, [{ rating: { event: 'intake', level: 'dissatisfied' }, served }], { channel: 'api', ratedBy: 'integrator:tests', changeMinutes: DEFAULT_CHANGE_MINUTES });
      expect([row.bad, changed, wasBad]).toEqual([true, true, false]);
      await openRatingFollowUp(app, tx, row, reopenedAt);
    });
    const reopened: Handle = env.client.workflow.getHandle(followUpWorkflowId(id));
    // Its first write (the row was reset to contacting when the change committed).
    await expect.poll(async () => (await followUpRow(id)).version).toBeGreaterThan(final.version);
    const calendar = await calendarFrom(reopenedAt);
    const again = await reopened.query(followUpQuery);
    expect([again.stage, again.outcome, again.level, again.clocks.contact?.due]).toEqual(['contacting', undefined, 'green', calendar.due(reopenedAt, LIMITS.contactDays).due]);
    expect(again.version).toBeGreaterThan(final.version);
    const row2 = await followUpRow(id);
    expect([row2.outcome, row2.closedAt, ms(row2.openedAt), row2.version]).toEqual([null, null, Date.parse(reopenedAt), again.version]);
    expect(await stepNames(id)).toEqual(['opened', 'withdrawn', 'opened']);
    await act(reopened, { action: 'contact', officer: leader(), note: '已回访' });
    await act(reopened, { action: 'conclude', officer: leader(), outcome: 'explained', note: '已说明' });
    expect((await reopened.result()).outcome).toBe('explained');
  });

  it('changed to good and back to bad while the withdrawal is being written: the follow-up stays open', { timeout: 120_000 }, async () => {
    const { id, handle, applicationNo } = await badRating();
    const served = (await servedEvents(db(), (await findApplication(db(), applicationNo))!.row, [])).intake!;
    const before = await handle.query(followUpQuery);
    const recordsBefore = await completed(handle, 'recordFollowUp');
    let release!: () => void;
    held.set(id, new Promise<void>((resolve) => (release = resolve)));
    entered.delete(id);
    try {
      // To good: committed, so the workflow finds the rating good and goes to write the withdrawal…
      await db().transaction(async (tx) => {
        const stored = await rate(tx, applicationNo, [{ rating: { event: 'intake', level: 'satisfied' }, served }], { channel: 'api', ratedBy: 'integrator:tests', changeMinutes: DEFAULT_CHANGE_MINUTES });
        await followUpRatings(app, tx, stored);
      });
      await expect.poll(() => entered.has(id), { timeout: 20_000 }).toBe(true);
      // …and back to bad before that write lands: the follow-up is still open, so the change leaves it to its run.
      await db().transaction(async (tx) => {
        const stored = await rate(tx, applicationNo, [{ rating: { event: 'intake', level: 'dissatisfied', comment: '还是不行' }, served }], { channel: 'api', ratedBy: 'integrator:tests', changeMinutes: DEFAULT_CHANGE_MINUTES });
        expect(stored.map((r) => [r.changed, r.wasBad, r.row.bad])).toEqual([[true, false, true]]);
        await followUpRatings(app, tx, stored);
      });
    } finally {
      held.delete(id);
      release();
    }
    // The held write has landed (the withdrawal's, or a run's check and then its write, as before the patch).
    const writes = async () => (await completed(handle, 'withdrawFollowUp')) + (await completed(handle, 'recordFollowUp'));
    await expect.poll(writes, { timeout: 20_000 }).toBe(recordsBefore + 1);

    // The rating is bad, so its follow-up is open, under the run that opened it, showing the rating as it now is.
    expect((await ratingRow(applicationNo)).bad).toBe(true);
    const after = await handle.query(followUpQuery);
    expect([after.stage, after.outcome, after.version]).toEqual(['contacting', undefined, before.version]);
    const row = await followUpRow(id);
    expect([row.stage, row.outcome, row.closedAt, row.ratingLevel, row.content]).toEqual(['contacting', null, null, 'dissatisfied', '还是不行']);
    expect(await stepNames(id)).toEqual(['opened']);
    await act(handle, { action: 'contact', officer: leader(), note: '已回访' });
    await act(handle, { action: 'conclude', officer: leader(), outcome: 'rectified', note: '已整改' });
    expect((await handle.result()).outcome).toBe('rectified');
  });

  it('changed but still bad: the open follow-up shows the new level and comment, and carries on', { timeout: 120_000 }, async () => {
    const { id, handle, applicationNo } = await badRating(CENTRE, 'very_dissatisfied');
    const served = (await servedEvents(db(), (await findApplication(db(), applicationNo))!.row, [])).intake!;
    const before = await handle.query(followUpQuery);
    await db().transaction(async (tx) => {
      const stored = await rate(tx, applicationNo, [{ rating: { event: 'intake', level: 'dissatisfied', comment: '态度有改善，但仍需排队' }, served }], { channel: 'api', ratedBy: 'integrator:tests', changeMinutes: DEFAULT_CHANGE_MINUTES });
      expect(stored.map((r) => [r.changed, r.wasBad, r.row.bad])).toEqual([[true, true, true]]);
      await followUpRatings(app, tx, stored);
    });
    const row = await followUpRow(id);
    expect([row.stage, row.ratingLevel, row.content, row.version]).toEqual(['contacting', 'dissatisfied', '态度有改善，但仍需排队', before.version]);
    expect(await completed(handle, 'withdrawFollowUp')).toBe(0);
    await act(handle, { action: 'contact', officer: leader(), note: '已回访' });
    expect((await followUpRow(id)).stage).toBe('rectifying');
  });

  it('a rating still bad (a change that rolled back, or none at all): the signal changes nothing', { timeout: 120_000 }, async () => {
    const { id, handle, applicationNo } = await badRating();
    const served = (await servedEvents(db(), (await findApplication(db(), applicationNo))!.row, [])).intake!;
    const before = await handle.query(followUpQuery);

    // The signal without any change.
    await handle.signal(withdrawRatingSignal);
    await expect.poll(() => completed(handle, 'withdrawFollowUp')).toBe(1);
    // A change whose transaction fails after the signal was sent.
    await expect(
      db().transaction(async (tx) => {
        const stored = await rate(tx, applicationNo, [{ rating: { event: 'intake', level: 'very_satisfied' }, served }], { channel: 'api', ratedBy: 'integrator:tests', changeMinutes: DEFAULT_CHANGE_MINUTES });
        await followUpRatings(app, tx, stored);
        await new Promise((resolve) => setTimeout(resolve, 500));
        throw new Error('the request failed');
      }),
    ).rejects.toThrow('the request failed');
    await expect.poll(() => completed(handle, 'withdrawFollowUp'), { timeout: 20_000 }).toBe(2);

    const after = await handle.query(followUpQuery);
    expect([after.stage, after.outcome, after.version]).toEqual(['contacting', undefined, before.version]);
    const row = await followUpRow(id);
    expect([row.stage, row.outcome, row.version]).toEqual(['contacting', null, before.version]);
    expect(await stepNames(id)).toEqual(['opened']);
    expect((await ratingRow(applicationNo)).bad).toBe(true);
    // Still followed up: the leader contacts back.
    expect((await act(handle, { action: 'contact', officer: leader(), note: '已回访' })).stage).toBe('rectifying');
    await act(handle, { action: 'conclude', officer: leader(), outcome: 'rectified', note: '已整改' });
    expect((await handle.result()).outcome).toBe('rectified');
  });
});

describe('a follow-up whose request never committed', () => {
  it('finds no row and ends void, writing nothing', async () => {
    const id = `R-void-${randomUUID()}`;
    const input: FollowUpInput = { id, kind: 'bad_rating', centreCode: CENTRE, department: DEPARTMENT, openedAt: await serverNow(), rating: { applicationNo: `${CENTRE}-void-${randomUUID()}`, event: 'intake' } };
    const final = await env.client.workflow.execute(followUpWorkflow, { workflowId: followUpWorkflowId(id), taskQueue, args: [input] });
    expect([final.stage, final.outcome, final.version, final.caseId]).toEqual(['closed', 'void', 0, undefined]);
    expect(final.closedAt).toBeDefined();
    expect([await followUpRow(id), await stepsOf(id), await casesOf(id)]).toEqual([undefined, [], []]);

    const complaintId = `C-void-${randomUUID().slice(0, 8)}`;
    const voided = await env.client.workflow.execute(followUpWorkflow, {
      workflowId: followUpWorkflowId(complaintId),
      taskQueue,
      args: [{ id: complaintId, kind: 'complaint', centreCode: CENTRE, department: null, openedAt: await serverNow(), complaint: { anonymous: true, channel: 'window' } }],
    });
    expect([voided.stage, voided.outcome]).toEqual(['closed', 'void']);
    expect([await followUpRow(complaintId), await stepsOf(complaintId)]).toEqual([undefined, []]);
  });
});

describe('a complaint (投诉)', () => {
  const officerRow = async (id: string) => (await db().select({ id: officers.id, name: officers.name }).from(officers).where(eq(officers.id, id)))[0];

  it('about an officer, accepted and substantiated: a case naming the officer; the integrator hears the reply', async () => {
    const { id, input, handle } = await complaint({ channel: 'api' });
    const calendar = await calendarFrom(input.openedAt);
    const opened = await handle.query(followUpQuery);
    expect([opened.stage, opened.assignee, opened.clocks]).toEqual(['received', [], { accept: { warnAt: calendar.due(input.openedAt, 1).due, due: calendar.due(input.openedAt, LIMITS.acceptDays).due } }]);
    expect(ms((await followUpRow(id)).dueAt)).toBe(Date.parse(opened.clocks.accept!.due));

    const accepted = await act(handle, { action: 'accept', officer: supervisor(), accepted: true, note: '予以受理' });
    const acceptCalendar = await calendarFrom(accepted.acceptedAt!);
    expect([accepted.stage, accepted.assignee.map((o) => o.id)]).toEqual(['investigating', [supervisorOf(CENTRE)]]);
    expect(accepted.clocks.investigate).toEqual({
      warnAt: acceptCalendar.due(accepted.acceptedAt!, LIMITS.investigateDays - 1).due,
      due: acceptCalendar.due(accepted.acceptedAt!, LIMITS.investigateDays).due,
    });
    let row = await followUpRow(id);
    expect([row.stage, ms(row.acceptedAt), ms(row.dueAt)]).toEqual(['investigating', Date.parse(accepted.acceptedAt!), Date.parse(accepted.clocks.investigate!.due)]);

    const window = await officerRow(windowOf(DEPARTMENT));
    const found = await act(handle, { action: 'findings', officer: supervisor(), substantiated: true, findings: '经调取监控，投诉属实', reply: '您的投诉属实，已对相关人员处理', responsible: [window] });
    expect([found.stage, found.outcome, found.caseId, found.responsible, found.reply?.via, found.reply?.text]).toEqual(['closed', 'substantiated', id, [window], 'integrator', '您的投诉属实，已对相关人员处理']);
    await handle.result();

    row = await followUpRow(id);
    expect([row.stage, row.outcome, row.findings, row.caseId, row.level, row.dueAt]).toEqual(['closed', 'substantiated', '经调取监控，投诉属实', id, 'green', null]);
    expect(row.reply).toEqual(found.reply);
    expect(row.responsible).toEqual([window]);
    const cases = await casesOf(id);
    expect(cases.map((c) => [c.id, c.followUpId, c.applicationNo, c.centreCode, c.department, c.status])).toEqual([[id, id, null, CENTRE, DEPARTMENT, 'open']]);
    expect(cases[0].responsible).toEqual([window]);
    expect((await caseStepsOf(id)).map((s) => s.note)).toEqual([`complaint ${id} substantiated: 经调取监控，投诉属实`]);
    expect(await stepNames(id)).toEqual(['opened', 'accepted', 'substantiated', 'case_opened', 'told']);
    expect((await stepsOf(id)).at(-1)!.note).toBe('the outcome is told through integrator');
  });

  it('not accepted: closed with the reason the complainant is told at the window', async () => {
    const { id, handle } = await complaint({ channel: 'window' });
    const refused = await act(handle, { action: 'accept', officer: supervisor(), accepted: false, note: '不属于本中心受理范围' });
    expect([refused.stage, refused.outcome, refused.reply?.text, refused.reply?.via]).toEqual(['closed', 'not_accepted', '不属于本中心受理范围', 'window']);
    expect((await handle.result()).outcome).toBe('not_accepted');
    const row = await followUpRow(id);
    expect([row.stage, row.outcome, row.reply?.via, row.reply?.text, row.caseId]).toEqual(['closed', 'not_accepted', 'window', '不属于本中心受理范围', null]);
    expect(await stepNames(id)).toEqual(['opened', 'not_accepted', 'told']);
    expect(await casesOf(id)).toEqual([]);
  });

  it('anonymous, taken down at a window: investigated all the same, nobody to tell', async () => {
    const { id, input, handle } = await complaint({ channel: 'window', complainant: null });
    expect(input.complaint).toEqual({ anonymous: true, channel: 'window' });
    await act(handle, { action: 'accept', officer: supervisor(), accepted: true, note: '予以受理' });
    const found = await act(handle, { action: 'findings', officer: supervisor(), substantiated: false, findings: '经核查不属实', reply: '经核查，投诉不属实', responsible: [] });
    expect([found.stage, found.outcome, found.reply?.via]).toEqual(['closed', 'unsubstantiated', 'none']);
    await handle.result();
    const row = await followUpRow(id);
    expect([row.outcome, row.reply?.via, row.complainant, row.caseId]).toEqual(['unsubstantiated', 'none', null, null]);
    expect(await stepNames(id)).toEqual(['opened', 'accepted', 'unsubstantiated', 'told']);
    expect((await stepsOf(id)).at(-1)!.note).toBe('anonymous: nobody to tell');
    expect(await casesOf(id)).toEqual([]);
  });

  it('accepted and left past the investigation limit: red and a case naming the investigating supervisor; one never accepted, red and a case naming the centre’s supervisors, and a second when accepted late and investigated late', { timeout: 180_000 }, async () => {
    const investigated = await complaint({ channel: 'api' });
    const unaccepted = await complaint({ channel: 'window', subject: { kind: 'centre', centreCode: CENTRE } });
    const accepted = await act(investigated.handle, { action: 'accept', officer: supervisor(), accepted: true, note: '予以受理' });
    const clock = accepted.clocks.investigate!;
    const calendar = await calendarFrom(accepted.acceptedAt!);
    expect(clock).toEqual({ warnAt: calendar.due(accepted.acceptedAt!, LIMITS.investigateDays - 1).due, due: calendar.due(accepted.acceptedAt!, LIMITS.investigateDays).due });

    await skipTo(clock.warnAt!, MINUTE);
    await expect.poll(async () => (await followUpRow(investigated.id)).level).toBe('yellow');
    expect(await casesOf(investigated.id)).toEqual([]);
    await skipTo(clock.due, MINUTE);
    const lateCase = lateCaseId({ id: investigated.id, kind: 'complaint' });
    await expect.poll(async () => (await followUpRow(investigated.id)).caseId).toBe(lateCase);

    const red = await investigated.handle.query(followUpQuery);
    expect([red.stage, red.level, red.raised, red.caseId]).toEqual(['investigating', 'red', ['investigate:yellow', 'investigate:red'], lateCase]);
    expect(red.responsible.map((o) => o.id)).toEqual([supervisorOf(CENTRE)]);
    const cases = await casesOf(investigated.id);
    expect(cases.map((c) => [c.id, c.followUpId, c.applicationNo, c.status])).toEqual([[lateCase, investigated.id, null, 'open']]);
    expect(cases[0].responsible.map((o) => o.id)).toEqual([supervisorOf(CENTRE)]);
    expect((await caseStepsOf(lateCase)).length).toBe(1);
    expect((await listFollowUps(db(), { centre: CENTRE, status: 'overdue', ids: [investigated.id, unaccepted.id] })).map((r) => r.id).sort()).toEqual(
      [investigated.id, unaccepted.id].sort(),
    );

    // Never accepted: its acceptance limit passed long ago, red, and a case naming the centre's supervisors, who had to accept it (有诉必查).
    const waiting = await unaccepted.handle.query(followUpQuery);
    const unacceptedCase = lateAcceptanceCaseId({ id: unaccepted.id });
    expect([waiting.stage, waiting.level, waiting.raised, waiting.caseId]).toEqual(['received', 'red', ['accept:yellow', 'accept:red'], unacceptedCase]);
    const supervisors = (await listOfficers(db(), { centre: CENTRE, role: 'supervisor' })).map((o) => o.id);
    expect(supervisors).toContain(supervisorOf(CENTRE));
    expect((await followUpRow(unaccepted.id)).level).toBe('red');
    expect((await casesOf(unaccepted.id)).map((c) => [c.id, c.status, c.responsible.map((o) => o.id)])).toEqual([[unacceptedCase, 'open', supervisors]]);
    expect(waiting.responsible.map((o) => o.id)).toEqual(supervisors);

    // Substantiated late: its own case names the officer; the late one stays.
    const window = await officerRow(windowOf(DEPARTMENT));
    const found = await act(investigated.handle, { action: 'findings', officer: supervisor(), substantiated: true, findings: '属实', reply: '属实，已处理', responsible: [window] });
    expect([found.outcome, found.caseId]).toEqual(['substantiated', investigated.id]);
    expect((await casesOf(investigated.id)).map((c) => [c.id, c.responsible.map((o) => o.id)])).toEqual(
      [
        [investigated.id, [window.id]],
        [lateCase, [supervisorOf(CENTRE)]],
      ].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    );
    // Accepted late, and then investigated late too: a second case, naming the supervisor who accepted it.
    const late = await act(unaccepted.handle, { action: 'accept', officer: supervisor(), accepted: true, note: '逾期受理' });
    await skipTo(late.clocks.investigate!.due, MINUTE);
    const investigationCase = lateCaseId({ id: unaccepted.id, kind: 'complaint' });
    await expect.poll(async () => (await casesOf(unaccepted.id)).map((c) => c.id)).toEqual([unacceptedCase, investigationCase].sort());
    const bothCases = await casesOf(unaccepted.id);
    expect(bothCases.map((c) => [c.id, c.responsible.map((o) => o.id)])).toEqual(
      [
        [unacceptedCase, supervisors],
        [investigationCase, [supervisorOf(CENTRE)]],
      ].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    );
    await act(unaccepted.handle, { action: 'findings', officer: supervisor(), substantiated: false, findings: '不属实', reply: '经核查不属实', responsible: [] });
    expect((await unaccepted.handle.result()).outcome).toBe('unsubstantiated');
    await recordHistory(investigated.handle, 'follow-up-complaint-late');
    await recordHistory(unaccepted.handle, 'follow-up-complaint-late-twice');
  });
});

describe('a case given nobody', () => {
  it('names the supervisors of the nearest centre above that has any', async () => {
    let named: Officer[] = [];
    // In a transaction rolled back at the end: a county of its own below the city, with no officer at all.
    await db()
      .transaction(async (tx) => {
        await tx.insert(centres).values({ code: '450199', name: '测试县', nameEn: 'Test county', division: '测试县', parentCode: CENTRE, level: 'county', longitude: 108.3, latitude: 22.8 });
        const source = { id: `C-T${randomUUID().slice(0, 8)}/late-accept`, followUpId: 'C-T', centreCode: '450199', department: null, applicationNo: null, responsible: [], reason: 'test' };
        named = (await openFollowUpCase(tx as unknown as Database['db'], source)).responsible;
        tx.rollback();
      })
      .catch((err: unknown) => {
        if (!(err instanceof TransactionRollbackError)) throw err;
      });
    const supervisors = (await listOfficers(db(), { centre: CENTRE, role: 'supervisor' })).map((o) => o.id);
    expect(supervisors.length).toBeGreaterThan(0);
    expect(named.map((o) => o.id)).toEqual(supervisors);
    expect(await db().select().from(centres).where(eq(centres.code, '450199'))).toEqual([]);
  });
});

describe('a region’s own limits', () => {
  it('are what a new follow-up there counts by; a limit of one working day has no yellow', { timeout: 180_000 }, async () => {
    const own = { contactDays: 1, rectifyDays: 5, acceptDays: 1, investigateDays: 4 };
    await setLimits(db(), COUNTY, own, 'tests');

    const { id, input, handle } = await badRating(COUNTY);
    const calendar = await calendarFrom(input.openedAt, COUNTY);
    const opened = await handle.query(followUpQuery);
    const contact = { due: calendar.due(input.openedAt, 1).due };
    expect([opened.limits, opened.clocks]).toEqual([own, { contact, rectify: { warnAt: calendar.due(input.openedAt, 4).due, due: calendar.due(input.openedAt, 5).due } }]);
    expect(opened.assignee).toEqual(await leaders(COUNTY));
    expect(ms((await followUpRow(id)).dueAt)).toBe(Date.parse(contact.due));

    const filed = await complaint({ centre: COUNTY, channel: 'window' });
    const complaintCalendar = await calendarFrom(filed.input.openedAt, COUNTY);
    expect((await filed.handle.query(followUpQuery)).clocks).toEqual({ accept: { due: complaintCalendar.due(filed.input.openedAt, 1).due } });

    // The city above it keeps the defaults.
    const city = await complaint({ channel: 'window' });
    expect((await city.handle.query(followUpQuery)).limits).toEqual(LIMITS);

    await skipTo(contact.due, -MINUTE);
    expect((await handle.query(followUpQuery)).level).toBe('green');
    await skipTo(contact.due, MINUTE);
    await expect.poll(async () => (await followUpRow(id)).caseId).toBe(id);
    const red = await handle.query(followUpQuery);
    expect([red.level, red.raised]).toEqual(['red', ['contact:red']]);
    expect((await casesOf(id))[0].responsible).toEqual(await leaders(COUNTY));

    for (const other of [filed, city]) await act(other.handle, { action: 'accept', officer: supervisor('450000'), accepted: false, note: '不予受理' });
    await act(handle, { action: 'contact', officer: leader(COUNTY), note: '已回访' });
    await act(handle, { action: 'conclude', officer: leader(COUNTY), outcome: 'rectified', note: '已整改' });
    expect((await handle.result()).outcome).toBe('rectified');
  });
});

/**
 * The application workflow on the real Temporal dev server, with its real activities writing to the
 * real PostgreSQL read model. Set RECORD_HISTORIES=1 to refresh the histories the replay test uses.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { replayFailures } from '../scripts/replay.js';
import { applications, events, reviews } from '../db/schema/index.js';
import { applicationWorkflow } from '../workflows/application.js';
import {
  decisionUpdate,
  intakeUpdate,
  pickupUpdate,
  stateQuery,
  supplementUpdate,
} from '../workflows/messages.js';
import { STARTUP_DEPARTMENTS, type Stack, chiefOf, leaderOf, materialsOf, officer, startStack, windowOf } from './support/stack.js';
import { applicationInput } from './support/items.js';

const EventType = proto.temporal.api.enums.v1.EventType;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

/** An application's input as the API makes it. */
const input = (itemCode: string, centreCode: string) => applicationInput(stack.db, itemCode, centreCode);

/** Every application this file starts; the last test replays them all. */
const started: string[] = [];

async function start(itemCode = 'company-startup', centreCode = '450100') {
  const args = await input(itemCode, centreCode);
  started.push(args.applicationNo);
  return stack.client.workflow.start(applicationWorkflow, {
    workflowId: args.applicationNo,
    taskQueue: stack.taskQueue,
    args: [args],
  });
}

/** The company start-up item's lead window, which accepts it and hands the licence over. */
const WINDOW = windowOf('market_regulation');
const accept = (handle: WorkflowHandle) =>
  handle.executeUpdate(intakeUpdate, { args: [{ decision: 'accept', department: 'market_regulation', officer: officer(WINDOW) }] });
/** A department's decision, by its chief representative unless another officer is named (a major item needs its leader). */
const approve = (handle: WorkflowHandle, department: string, by = chiefOf(department)) =>
  handle.executeUpdate(decisionUpdate, { args: [{ department, decision: 'approve', officer: officer(by) }] });

/** The read model converges to the workflow: one event per sequence number, 1..seq, no gaps, no repeats. */
async function expectReadModelMatches(handle: WorkflowHandle) {
  const state = await handle.query(stateQuery);
  await expect
    .poll(async () => (await stack.db.select().from(applications).where(eq(applications.applicationNo, handle.workflowId)))[0]?.lastSeq)
    .toBe(state.seq);
  const rows = await stack.db.select().from(events).where(eq(events.applicationNo, handle.workflowId)).orderBy(asc(events.seq));
  expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: state.seq }, (_, i) => i + 1));
  const [row] = await stack.db.select().from(applications).where(eq(applications.applicationNo, handle.workflowId));
  expect(row.stage).toBe(state.stage);
  const reviewRows = await stack.db.select().from(reviews).where(eq(reviews.applicationNo, handle.workflowId)).orderBy(asc(reviews.department));
  const key = (r: { step: number; department: string; status: string }) => `${r.step}/${r.department}/${r.status}`;
  expect(reviewRows.map(key).sort()).toEqual(state.reviews.map(key).sort());
  return state;
}

async function record(name: string, handle: WorkflowHandle) {
  if (!process.env.RECORD_HISTORIES) return;
  const file = path.join(import.meta.dirname, 'histories', `${name}.json`);
  writeFileSync(file, historyToJSON(await handle.fetchHistory()));
}

async function refusal(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('application workflow', () => {
  it('completes when every department approves in parallel, then ends at pickup', async () => {
    const handle = await start();
    const accepted = await accept(handle);
    expect(accepted.stage).toBe('in_review');
    expect(accepted.reviews.map((r) => r.status)).toEqual(['open', 'open', 'open', 'open', 'open']);

    await Promise.all(STARTUP_DEPARTMENTS.map((d) => approve(handle, d)));
    await expect.poll(async () => (await handle.query(stateQuery)).stage).toBe('completed');

    await handle.executeUpdate(pickupUpdate, { args: [{ officer: officer(WINDOW), recipient: '张三' }] });
    const result = await handle.result();
    expect(result.stage).toBe('picked_up');
    expect(result.responsibleOfficer).toEqual(officer(WINDOW));
    expect(result.reviews.every((r) => r.status === 'approved' && r.decidedBy?.id === chiefOf(r.department))).toBe(true);
    await expectReadModelMatches(handle);
    await record('all-approve', handle);
  });

  it('ends rejected at the first rejection, withdrawing the other open reviews and keeping the reason', async () => {
    const handle = await start();
    await accept(handle);
    await approve(handle, 'taxation');
    const after = await handle.executeUpdate(decisionUpdate, {
      args: [{ department: 'public_security', decision: 'reject', reason: '法定代表人身份核验未通过', officer: officer(chiefOf('public_security')) }],
    });
    expect(after.stage).toBe('rejected');
    const status = Object.fromEntries(after.reviews.map((r) => [r.department, r.status]));
    expect(status).toEqual({
      housing_fund: 'withdrawn',
      human_resources: 'withdrawn',
      market_regulation: 'withdrawn',
      public_security: 'rejected',
      taxation: 'approved',
    });
    expect(after.reviews.find((r) => r.department === 'public_security')?.reason).toBe('法定代表人身份核验未通过');
    expect((await handle.result()).stage).toBe('rejected');
    const state = await expectReadModelMatches(handle);
    expect(state.closedAt).toBeTruthy();
    await record('one-rejects', handle);
  });

  it('returns to intake after the applicant supplies the missing materials (补正)', async () => {
    const handle = await start('food-business-licence');
    const asked = await handle.executeUpdate(intakeUpdate, {
      args: [{ decision: 'request_supplement', department: 'market_regulation', officer: officer(WINDOW), missingMaterials: ['经营场所证明', '食品安全管理制度'] }],
    });
    expect(asked.stage).toBe('supplement_requested');
    const resubmitted = await handle.executeUpdate(supplementUpdate, { args: [{ materials: ['经营场所证明', '食品安全管理制度'], officer: officer(windowOf('market_regulation')) }] });
    expect(resubmitted.stage).toBe('submitted');
    expect(resubmitted.materials).toEqual([...materialsOf('food-business-licence'), '经营场所证明', '食品安全管理制度']);
    await accept(handle);
    await approve(handle, 'market_regulation');
    await expect.poll(async () => (await handle.query(stateQuery)).stage).toBe('completed');
    const state = await expectReadModelMatches(handle);
    expect(state.intakes.map((i) => i.decision)).toEqual(['request_supplement', 'accept']);
    await handle.executeUpdate(pickupUpdate, { args: [{ officer: officer(WINDOW) }] });
    await handle.result();
    await record('supplement', handle);
  });

  it('opens a step only when every department of the one before has approved', async () => {
    const handle = await start('construction-project');
    await handle.executeUpdate(intakeUpdate, { args: [{ decision: 'accept', department: 'development_reform', officer: officer(windowOf('development_reform')) }] });
    const plan = [
      ['development_reform', 'natural_resources'],
      ['natural_resources', 'housing_construction'],
      ['housing_construction', 'ecology_environment'],
      ['housing_construction', 'natural_resources'],
    ];
    for (const [step, departments] of plan.entries()) {
      await expect.poll(async () => (await handle.query(stateQuery)).reviews.filter((r) => r.status === 'open').length).toBe(departments.length);
      const state = await handle.query(stateQuery);
      expect(state.currentStep).toBe(step);
      expect(state.reviews.filter((r) => r.status === 'open').map((r) => r.department).sort()).toEqual([...departments].sort());
      // A major item: each department's leader decides.
      for (const department of departments) await approve(handle, department, leaderOf(department));
    }
    await expect.poll(async () => (await handle.query(stateQuery)).stage).toBe('completed');
    await expectReadModelMatches(handle);
    await handle.executeUpdate(pickupUpdate, { args: [{ officer: officer(windowOf('development_reform')) }] });
    await handle.result();
    await record('four-stages', handle);
  });

  it('approves an immediate item at intake, on the spot', async () => {
    const handle = await start('housing-fund-retirement-withdrawal');
    await handle.executeUpdate(intakeUpdate, { args: [{ decision: 'accept', department: 'housing_fund', officer: officer(windowOf('housing_fund')) }] });
    await expect.poll(async () => (await handle.query(stateQuery)).stage).toBe('completed');
    const state = await expectReadModelMatches(handle);
    expect(state.reviews).toMatchObject([{ department: 'housing_fund', status: 'approved', decidedBy: officer(windowOf('housing_fund')) }]);
    await handle.executeUpdate(pickupUpdate, { args: [{ officer: officer(windowOf('housing_fund')) }] });
    await handle.result();
    await record('immediate', handle);
  });

  it('ends at once when intake does not accept the application (不予受理)', async () => {
    const handle = await start();
    await handle.executeUpdate(intakeUpdate, {
      args: [{ decision: 'not_accept', department: 'market_regulation', officer: officer(WINDOW), reason: '不属于本机关职权范围' }],
    });
    const result = await handle.result();
    expect(result.stage).toBe('not_accepted');
    expect(result.intakes[0].reason).toBe('不属于本机关职权范围');
    await expectReadModelMatches(handle);
  });

  it('refuses every wrong decision with its reason and leaves no trace in history or state', async () => {
    const handle = await start();
    const before = async () => ({ events: (await handle.fetchHistory()).events?.length, state: await handle.query(stateQuery) });
    // Wait until the workflow is idle (its first activity done, its last task completed) before comparing.
    const settled = async () => {
      const types = (await handle.fetchHistory()).events?.map((e) => e.eventType) ?? [];
      const count = (type: number) => types.filter((t) => t === type).length;
      return (
        count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) === count(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) &&
        count(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) === count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
      );
    };

    await expect.poll(settled).toBe(true);
    let snapshot = await before();
    expect((await refusal(approve(handle, 'taxation'))).type).toBe('WrongStage');
    expect(
      (await refusal(handle.executeUpdate(intakeUpdate, { args: [{ decision: 'accept', department: 'taxation', officer: officer(windowOf('taxation')) }] }))).type,
    ).toBe('NotLeadDepartment');
    // Intake is the lead department's window at the application's centre, and an officer the organisation knows.
    const intakeBy = (id: string) => handle.executeUpdate(intakeUpdate, { args: [{ decision: 'accept', department: 'market_regulation', officer: officer(id) }] });
    for (const id of ['w-1', windowOf('taxation'), windowOf('market_regulation', '450102')]) {
      expect((await refusal(intakeBy(id))).type).toBe('NotAuthorised');
    }
    expect(await before()).toEqual(snapshot);

    await accept(handle);
    await approve(handle, 'taxation');
    await expect.poll(settled).toBe(true);
    snapshot = await before();
    expect((await refusal(accept(handle))).type).toBe('WrongStage');
    const second = await refusal(approve(handle, 'taxation'));
    expect(second.type).toBe('AlreadyDecided');
    expect(second.message).toContain('taxation has already decided: approved');
    const stranger = await refusal(approve(handle, 'health'));
    expect(stranger.type).toBe('UnknownDepartment');
    expect(stranger.message).toContain('health does not review');
    expect(
      (await refusal(handle.executeUpdate(decisionUpdate, { args: [{ department: 'housing_fund', decision: 'reject', officer: officer(chiefOf('housing_fund')) }] }))).type,
    ).toBe('MissingReason');
    // A decision is the reviewing department's chief representative or leader, at the review's centre.
    for (const id of [windowOf('housing_fund'), chiefOf('taxation'), chiefOf('housing_fund', '450000'), 'o-hf']) {
      const refused = await refusal(approve(handle, 'housing_fund', id));
      expect(refused.type).toBe('NotAuthorised');
      expect(refused.message).toContain(id);
    }
    expect((await refusal(handle.executeUpdate(pickupUpdate, { args: [{ officer: officer(WINDOW) }] }))).type).toBe('WrongStage');
    expect(await before()).toEqual(snapshot);

    await handle.executeUpdate(decisionUpdate, {
      args: [{ department: 'housing_fund', decision: 'reject', reason: '缴存信息不符', officer: officer(chiefOf('housing_fund')) }],
    });
    await handle.result();
    // A closed application's workflow is gone: the server itself refuses any further update.
    await expect(approve(handle, 'market_regulation')).rejects.toThrow();
  });

  it('survives a try that dies after writing, in the middle of the fan-out, and a fresh worker, without duplicating any review task', async () => {
    await stack.worker.stop();
    let crashed = false;
    // The first try of the write that opens the review tasks writes them, then dies before reporting it
    // done; the retry writes again. (A SIGKILLed worker, whose workflow task a fresh worker then replays
    // and runs again, is npm run faults.)
    const first = await stack.startWorker((real) => ({
      ...real,
      recordTransition: async (transition) => {
        await real.recordTransition(transition);
        if (transition.events.some((e) => e.type === 'review_opened' && e.department === 'taxation') && !crashed) {
          crashed = true;
          throw new Error('worker crashed after writing');
        }
      },
    }));
    const handle = await start();
    await accept(handle);
    await expect.poll(() => crashed).toBe(true);
    await first.stop();

    stack.worker = await stack.startWorker(); // a fresh worker: no cache, it replays the history
    await Promise.all(STARTUP_DEPARTMENTS.map((d) => approve(handle, d)));
    await expect.poll(async () => (await handle.query(stateQuery)).stage).toBe('completed');
    const state = await expectReadModelMatches(handle);
    const opened = await stack.db.select().from(events).where(eq(events.applicationNo, handle.workflowId));
    expect(opened.filter((e) => e.type === 'review_opened').map((e) => e.department).sort()).toEqual(STARTUP_DEPARTMENTS);
    expect(state.reviews.every((r) => r.status === 'approved')).toBe(true);
  });

  it('replays every history above, as it is now, without a non-determinism error', async () => {
    expect(started.length).toBeGreaterThan(5);
    expect(await replayFailures(stack.client, started, { code: inject('workflowBundleCode') })).toEqual([]);
  });
});

/**
 * Truth under faults, at random: a seeded schedule of windows' actions and faults over many small
 * applications (three departments in parallel). Each step a window takes in, decides (one department,
 * or every open one at once, now and then a leader's rejection) or hands over the licence, while the
 * schedule may lose that step's workflow task (its completion held while the dev server restarts; or
 * answered "not found", so the server times the task out and runs it again) or cut the worker off
 * with the task in hand and start another. A window that heard nothing looks at the application again
 * and acts on what it sees. At the end every application is closed, and the same invariants as
 * `npm run faults` hold: every decision answered 200 is the workflow's, the read model equals what
 * each workflow committed (row for row), no decision or alert is in a record twice, and every history
 * replays. FAULT_SEED=<n> runs another schedule; the seed is in the test's name.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { differences, expectedRows, invariantBreaches, storedRows } from '../db/reconcile.js';
import { replayFailures } from '../scripts/replay.js';
import { type ApplicationState, decisionUpdate, intakeUpdate, pickupUpdate, recordQuery } from '../workflows/messages.js';
import { chiefOf, leaderOf, officer, windowOf } from './support/people.js';
import { type LossyWorker, startLossyStack } from './support/lost-tasks.js';
import { saveTestItem } from './support/items.js';

const SEED = Number(process.env.FAULT_SEED ?? 13);
const APPLICATIONS = 10;
const DEPARTMENTS = ['market_regulation', 'taxation', 'public_security'];
let itemCode: string;

let stack: Awaited<ReturnType<typeof startLossyStack>>;
beforeAll(async () => {
  stack = await startLossyStack();
  itemCode = await saveTestItem(stack.database.db, { departments: DEPARTMENTS, promisedLimitDays: 10, statutoryLimitDays: 20 });
});
afterAll(() => stack?.close());

/** mulberry32: a small seeded generator, so a seed names one schedule. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(items: T[]) => items[Math.floor(next() * items.length)] };
}

const FAULTS = ['none', 'none', 'none', 'none', 'lost at a restart', 'lost, run again', 'worker cut off'] as const;
type Fault = (typeof FAULTS)[number];
const within = <T>(promise: Promise<T>, ms: number) => Promise.race([promise, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms))]);

it(`keeps the read model equal to every workflow under a seeded schedule of lost tasks (seed ${SEED})`, { timeout: 400_000 }, async () => {
  const random = generator(SEED);
  let worker: LossyWorker = await stack.startWorker();
  const handles = await Promise.all(Array.from({ length: APPLICATIONS }, () => stack.start(itemCode, '2 seconds')));
  /** Decisions answered 200, per application: what the workflow must say. */
  const answered = new Map<string, Map<string, string>>(handles.map((h) => [h.workflowId, new Map()]));
  const faults: Record<Fault, number> = { none: 0, 'lost at a restart': 0, 'lost, run again': 0, 'worker cut off': 0 };

  const closed = (state: ApplicationState) => ['picked_up', 'rejected', 'not_accepted'].includes(state.stage);
  /** What a window does next with an application, as its state shows it now (nothing while its decision is being written). */
  function actionFor(state: ApplicationState) {
    if (state.stage === 'submitted') {
      return [{ update: intakeUpdate, arg: { decision: 'accept' as const, department: 'market_regulation', officer: officer(windowOf('market_regulation')) } }];
    }
    if (state.stage === 'completed') return [{ update: pickupUpdate, arg: { officer: officer(windowOf('market_regulation')) } }];
    const open = state.reviews.filter((r) => r.status === 'open').map((r) => r.department);
    if (open.length === 0) return [];
    const chosen = random.next() < 0.25 ? open : [random.pick(open)];
    return chosen.map((department) =>
      random.next() < 0.1
        ? { update: decisionUpdate, arg: { department, decision: 'reject' as const, reason: '材料不符', officer: officer(leaderOf(department)) } }
        : { update: decisionUpdate, arg: { department, decision: 'approve' as const, officer: officer(chiefOf(department)) } },
    );
  }

  let steps = 0;
  for (; steps < 300; steps++) {
    const states = await Promise.all(handles.map(async (h) => (await h.query(recordQuery)).state));
    const open = states.filter((s) => !closed(s));
    if (open.length === 0) break;
    const state = random.pick(open);
    const actions = actionFor(state);
    if (actions.length === 0) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    const handle = handles.find((h) => h.workflowId === state.applicationNo)!;
    const fault = random.pick([...FAULTS]);
    faults[fault] += 1;
    const note = (outcome: string, arg: unknown) => {
      const decision = arg as { department?: string; decision?: string };
      if (outcome === 'ok' && decision.department) answered.get(handle.workflowId)!.set(decision.department, decision.decision === 'approve' ? 'approved' : 'rejected');
    };

    if (fault === 'none') {
      await Promise.all(actions.map(async ({ update, arg }) => note(await stack.send(handle, update as never, arg), arg)));
      continue;
    }
    const [{ update, arg }] = actions;
    if (fault === 'lost, run again') {
      // The worker hears "not found" at once; the server runs the task again after its timeout.
      const lost = worker.proxy!.holdNextCompletion(handle.workflowId).then((completion) => completion.lose());
      note(await stack.send(handle, update as never, arg), arg);
      await within(lost, 5_000);
      worker.proxy!.cancelHolds();
      continue;
    }
    if (fault === 'lost at a restart') {
      if ((await stack.loseAtRestart(worker, handle, update as never, arg)).answer === 'answered') note('ok', arg);
      continue;
    }
    // The worker is cut off with the task in hand; the server times the task out and another worker runs it.
    const held = worker.proxy!.holdNextCompletion(handle.workflowId);
    const sent = stack.sendLost(handle, update as never, arg);
    await within(held, 10_000);
    worker.proxy!.cancelHolds();
    worker.proxy!.cut();
    worker = await stack.startWorker();
    if ((await sent) === 'answered') note('ok', arg);
  }

  // Every application closes; then its rows, its record and its history are checked.
  const finals = await Promise.all(handles.map((h) => h.result()));
  expect(finals.map((s) => s.stage).filter((stage) => !['picked_up', 'rejected'].includes(stage))).toEqual([]);
  const problems: string[] = [];
  for (const handle of handles) {
    const record = await handle.query(recordQuery);
    for (const [department, decision] of answered.get(handle.workflowId)!) {
      const review = record.state.reviews.find((r) => r.department === department);
      if (review?.status !== decision) problems.push(`${handle.workflowId} ${department}: answered ${decision}, workflow says ${review?.status}`);
    }
    problems.push(...invariantBreaches(record));
    problems.push(...differences(expectedRows(record), await storedRows(stack.database.db, handle.workflowId)));
  }
  problems.push(...(await replayFailures(stack.client, handles.map((h) => h.workflowId), { code: inject('workflowBundleCode') })));
  console.log(`fault schedule, seed ${SEED}: ${steps} steps, faults ${JSON.stringify(faults)}, ${problems.length} problems`);
  expect({ seed: SEED, faults, problems }).toEqual({ seed: SEED, faults, problems: [] });
  // The schedule did what it says: faults of every kind happened.
  expect(Object.values(faults).every((n) => n > 0)).toBe(true);
});

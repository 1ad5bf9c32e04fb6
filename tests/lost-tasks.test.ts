/**
 * Truth under faults: a workflow task that the server never keeps must leave nothing in the read
 * model. Each test loses a task on purpose (its completion held at the worker's proxy while the dev
 * server restarts, or its write held back until after the retry), lets the windows retry as they
 * would, and then compares every row the read model holds of the application with what the workflow
 * committed (the reconciler's comparison, db/reconcile.ts).
 */
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { documents } from '../db/schema/index.js';
import { decisionUpdate, intakeUpdate } from '../workflows/messages.js';
import { leaderOf, officer, windowOf } from './support/people.js';
import { startLossyStack, writeGate } from './support/lost-tasks.js';

let stack: Awaited<ReturnType<typeof startLossyStack>>;
beforeAll(async () => {
  stack = await startLossyStack();
});
afterEach(() => stack?.nextTest());
afterAll(() => stack?.close());

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms))]);

describe('a lost workflow task', { timeout: 180_000 }, () => {
  it('leaves no decision behind when its task is lost after the write and the windows retry in another order', async () => {
    const worker = await stack.startWorker();
    const handle = await stack.start();
    expect(await stack.accept(handle)).toBe('ok');
    for (const department of ['market_regulation', 'public_security', 'housing_fund']) expect(await stack.approve(handle, department)).toBe('ok');
    expect(await stack.readModelDifferences(handle)).toEqual([]);
    await stack.waitIdle(handle);

    // human_resources decides while the workflow is idle; the worker handles it, but its completion never arrives.
    const decision = { department: 'human_resources', decision: 'approve' as const, officer: officer('450100-human_resources-chief') };
    expect(await stack.loseAtRestart(worker, handle, decisionUpdate, decision)).toEqual({ lost: true, answer: 'lost' });

    // The windows had no answer and try again: taxation first this time, then human_resources.
    expect(await stack.approve(handle, 'taxation')).toBe('ok');
    expect(await stack.approve(handle, 'human_resources')).toBe('ok');
    await stack.waitForStage(handle, 'completed');
    expect(await stack.readModelDifferences(handle)).toEqual([]);
  });

  it('keeps a lost task’s late write out: an acceptance lost, then a supplement asked for instead', async () => {
    // Worker A holds back the write of the clock's start, which only an accepted application has.
    const gate = writeGate((t) => t.events.some((e) => e.type === 'clock_started'));
    const a = await stack.startWorker({ wrap: gate.wrap });
    const handle = await stack.start();
    expect(await stack.readModelDifferences(handle)).toEqual([]);
    await stack.waitIdle(handle);

    const held = a.proxy!.holdNextCompletion(handle.workflowId);
    const acceptance = { decision: 'accept' as const, department: 'market_regulation', officer: officer(windowOf('market_regulation')) };
    const taskInHand = Promise.race([held, gate.entered]);
    const lost = stack.sendLost(handle, intakeUpdate, acceptance);
    await within(taskInHand, 30_000, 'the acceptance’s task');
    // The server restarts and worker A is cut off with the task in hand; worker B carries on.
    await stack.restartServer();
    a.proxy!.cut();
    expect(await lost).toBe('lost');
    await stack.startWorker({ direct: true });

    // The window, without an answer, looks again and asks for a missing material instead.
    const supplement = { decision: 'request_supplement' as const, department: 'market_regulation', officer: officer(windowOf('market_regulation')), missingMaterials: ['股东身份证明'] };
    expect(await stack.send(handle, intakeUpdate, supplement)).toBe('ok');
    await stack.waitForStage(handle, 'supplement_requested');
    expect(await stack.readModelDifferences(handle)).toEqual([]);

    // Whatever worker A still had in hand lands now, after the committed writes.
    gate.open();
    await gate.drained();
    expect(await stack.readModelDifferences(handle)).toEqual([]);
    // Documents come only from committed writes: the 一次性告知书, and no 受理通知书 of the lost acceptance.
    const issued = await stack.database.db.select({ kind: documents.kind }).from(documents).where(eq(documents.applicationNo, handle.workflowId));
    expect(issued.map((d) => d.kind)).toEqual(['supplement_notice']);
  });

  it('keeps a decision refused by the workflow out of the read model when a rival was committed first', async () => {
    // The chief's approval is lost with its task; the leader's rejection of the same review is committed.
    const worker = await stack.startWorker();
    const handle = await stack.start();
    expect(await stack.accept(handle)).toBe('ok');
    await stack.waitIdle(handle);
    const approval = { department: 'taxation', decision: 'approve' as const, officer: officer('450100-taxation-chief') };
    expect(await stack.loseAtRestart(worker, handle, decisionUpdate, approval)).toEqual({ lost: true, answer: 'lost' });

    const rejection = { department: 'taxation', decision: 'reject' as const, reason: '材料不符', officer: officer(leaderOf('taxation')) };
    expect(await stack.send(handle, decisionUpdate, rejection)).toBe('ok');
    await stack.waitForStage(handle, 'rejected');
    expect(await stack.readModelDifferences(handle)).toEqual([]);
  });
});

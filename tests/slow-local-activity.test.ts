/**
 * A local activity that outlives its workflow task. Live, a local activity still running when the
 * worker heartbeats its workflow task resolves in an activation of its own, after the events that the
 * next task brought (here an ordinary activity's completion); on replay Core resolves it from its
 * marker together with those events, and the coroutines waiting on both resume in another order. The
 * fault run met it with PostgreSQL down: the calendar read retried for 30 s while the decisions' write
 * completed, and six histories would no longer replay. A local activity now gives up long before the
 * heartbeat and the workflow reads through an ordinary activity instead (workflows/proxies.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Activities } from '../activities/index.js';
import { replayFailures } from '../scripts/replay.js';
import { recalculateSignal, recordQuery } from '../workflows/messages.js';
import { startLossyStack } from './support/lost-tasks.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stack: Awaited<ReturnType<typeof startLossyStack>>;
beforeAll(async () => {
  stack = await startLossyStack();
});
afterEach(() => stack?.nextTest());
afterAll(() => stack?.close());

/**
 * Once armed, for `ms` every calendar read hangs until the time is up (a stuck connection), or fails at
 * once (PostgreSQL refusing connections) and is retried.
 */
function slowCalendar(ms: number, how: 'hangs' | 'fails') {
  const gate = { until: 0, arm: () => void (gate.until = Date.now() + ms) };
  const wrap = (real: Activities): Activities => ({
    ...real,
    async calendarSnapshot(...args: Parameters<Activities['calendarSnapshot']>) {
      if (how === 'hangs') await sleep(gate.until - Date.now());
      else if (Date.now() < gate.until) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      return real.calendarSnapshot(...args);
    },
  });
  return { gate, wrap };
}

describe('a local activity slower than a workflow task', { timeout: 120_000 }, () => {
  it.each(['hangs', 'fails'] as const)('leaves a history that replays: the last decisions arrive together while the calendar read %s', async (how) => {
    const slow = slowCalendar(20_000, how);
    let worker = await stack.startWorker({ direct: true, wrap: slow.wrap });
    const handle = await stack.start();
    expect(await stack.accept(handle)).toBe('ok');
    for (const department of ['market_regulation', 'public_security']) expect(await stack.approve(handle, department)).toBe('ok');
    await stack.waitIdle(handle);

    // While no worker runs, a new holiday notice asks for the limits again and the windows decide the
    // last three, so that one workflow task takes them all: the recalculation reads the calendar, which
    // now hangs, while the decisions' write goes out and completes. (Until the lean-history patch the
    // clock's stop read the calendar after the deciding decision; it now counts with the one in hand.)
    await worker.stop();
    await handle.signal(recalculateSignal);
    const decided = ['housing_fund', 'human_resources', 'taxation'].map((department) => stack.approve(handle, department));
    await sleep(1_000);
    slow.gate.arm();
    worker = await stack.startWorker({ direct: true, wrap: slow.wrap });
    expect(await Promise.all(decided)).toEqual(['ok', 'ok', 'ok']);
    await stack.waitForStage(handle, 'completed');
    expect(await stack.readModelDifferences(handle)).toEqual([]);
    expect((await handle.query(recordQuery)).state.timing?.withinStatutory).toBe(true);

    expect(await replayFailures(stack.client, [handle.workflowId], { code: inject('workflowBundleCode') })).toEqual([]);
    // The local read gave up and an ordinary activity read the calendar instead.
    const { events } = await handle.fetchHistory();
    const scheduled = events!.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
    expect(scheduled).toContain('calendarSnapshot');
  });
});

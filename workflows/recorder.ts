/**
 * How an application's transitions reach the read model: through ordinary activities, one write at a
 * time, each carrying every transition made since the one before.
 *
 * Why ordinary activities: a local activity runs inside a workflow task, before the server keeps
 * that task. If the task is lost (a restart, a timeout, an Update's task the server drops), the
 * workflow runs again and may take its messages in another order, so a write made from the lost
 * task can say something the workflow never committed. An ordinary activity is scheduled by a
 * command that the server records with the task that issued it: its arguments are committed facts,
 * and a lost task schedules nothing. Retries and a late first try carry the same arguments, and the
 * writer's keys and sequence checks make them no-ops (db/read-model.ts).
 *
 * Why one write at a time: the writes of one application land in the order of its events, and the
 * transitions made while a write is under way (decisions arriving together, the events that follow a
 * decision at once) go together in the next one, so each costs one activity, not one each.
 */
import { condition } from '@temporalio/workflow';
import type { Transition } from '../db/read-model.js';
import type { ApplicationState, TransitionEvent } from './messages.js';

export function createRecorder(write: (transition: Transition) => Promise<void>, snapshot: () => ApplicationState) {
  let pending: TransitionEvent[] = [];
  let writing = false;
  let writtenSeq = 1;

  /** Waits until the read model has every event up to `seq`, writing the pending ones when no write is under way. */
  async function until(seq: number): Promise<void> {
    while (writtenSeq < seq) {
      if (writing) {
        await condition(() => !writing || writtenSeq >= seq);
        continue;
      }
      writing = true;
      try {
        const events = pending;
        pending = [];
        await write({ state: snapshot(), events });
        writtenSeq = Math.max(writtenSeq, ...events.map((e) => e.seq));
      } finally {
        writing = false;
      }
    }
  }

  const last = (events: TransitionEvent[]) => Math.max(0, ...events.map((e) => e.seq));

  return {
    /** Writes these events (with any pending ones) and returns once they are in the read model. */
    async record(events: TransitionEvent[]): Promise<void> {
      pending.push(...events);
      await until(last(events));
    },
    /**
     * Keeps these events for the next write, which the caller knows is coming at once (the workflow's
     * next step writes), so that they cost no write of their own.
     */
    later(events: TransitionEvent[]): void {
      pending.push(...events);
    },
    /** Returns once the read model has these events (kept with `later`). */
    written: (events: TransitionEvent[]) => condition(() => writtenSeq >= last(events)),
    /** The last sequence number whose write has completed. */
    writtenSeq: () => writtenSeq,
  };
}

/**
 * The application's record inside its workflow: its state, every transition the rules made, and their
 * writes to the read model (workflows/recorder.ts). Rules (workflows/rules/) return changes; `commit`
 * takes them in, and `record` writes their transitions.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { condition, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { type ApplicationInput, type ApplicationState, type Review, type TransitionEvent, recordQuery, searchAttributes, stateQuery, submittedEvent } from './messages.js';
import type { activities } from './proxies.js';
import { createRecorder } from './recorder.js';
import { type Change, type Draft, change } from './rules/change.js';
import { submitted } from './rules/intake.js';
import { taskOpened, withResponsible } from './rules/review.js';

export type ApplicationRecord = ReturnType<typeof createApplicationRecord>;

export function createApplicationRecord(input: ApplicationInput, calls: ReturnType<typeof activities>) {
  const { recordSubmitted, recordTransition, openReviewTask, committedWrites, lean } = calls;
  const state = submitted(input);
  /** Every transition, for the reconciler; the submission is the first. */
  const transitions: TransitionEvent[] = [submittedEvent(input)];
  /** Older applications' count of written transitions (the recorder keeps it since committed writes). */
  let writtenSeq = 0;
  // A window may act before the first row is written; its transition must not reach the read model first.
  let submissionRecorded = false;
  const now = () => new Date().toISOString();

  // Activity arguments are serialized when the activation ends, so each write takes its own copy.
  const snapshot = (): ApplicationState => JSON.parse(JSON.stringify(state)) as ApplicationState;
  const recorder = createRecorder(recordTransition, snapshot);

  setHandler(stateQuery, () => state);
  // Until the submission's own write completes, nothing is in the read model (the recorder counts it as written).
  const written = () => (!submissionRecorded ? 0 : committedWrites ? recorder.writtenSeq() : writtenSeq);
  setHandler(recordQuery, () => ({ input, state, events: transitions, writtenSeq: written() }));

  /** Search attributes changed since the last write (lean applications publish them with their next write). */
  const unpublished = new Map<string, SearchAttributeUpdatePair>();

  /**
   * Publishes search attributes: at once for older applications; since the lean-history patch, with
   * the next write to the read model, all of them in one upsert (the acceptance's stage, supervision
   * and due instants together).
   */
  function publish(pairs: SearchAttributeUpdatePair[]): void {
    if (!lean) return upsertSearchAttributes(pairs);
    for (const pair of pairs) unpublished.set(pair.key.name, pair);
  }

  function publishPending(): void {
    if (unpublished.size === 0) return;
    upsertSearchAttributes([...unpublished.values()]);
    unpublished.clear();
  }

  /**
   * Takes a rule's change into the state and returns its transitions. Each review stays the same
   * object, because the waits and timers of its step hold it.
   */
  function commit({ state: next, events }: Change): TransitionEvent[] {
    const stage = state.stage;
    const reviews = next.reviews.map((review, i) => (state.reviews[i] ? Object.assign(state.reviews[i], review) : review));
    Object.assign(state, next, { reviews });
    if (state.stage !== stage) publish([{ key: searchAttributes.stage, value: state.stage }]);
    transitions.push(...events);
    return events;
  }

  /** Transitions that change nothing else, numbered now. */
  const note = (...drafts: Draft[]) => commit(change(state, {}, drafts, now()));

  /** Writes these transitions to the read model; returns once they are there. */
  async function record(events: TransitionEvent[]): Promise<ApplicationState> {
    if (committedWrites) {
      await condition(() => submissionRecorded);
      publishPending();
      await recorder.record(events);
      return state;
    }
    const copy = snapshot();
    await condition(() => submissionRecorded);
    await recordTransition({ state: copy, events });
    writtenSeq = Math.max(writtenSeq, ...events.map((e) => e.seq));
    return state;
  }

  /**
   * Transitions that the workflow's main routine writes at once with its own next ones (an acceptance
   * with the opening of the reviews, a decision with the application's outcome): one write for both.
   * Older applications write each now.
   */
  async function recordWithNext(events: TransitionEvent[]): Promise<ApplicationState> {
    if (!committedWrites) return record(events);
    recorder.later(events);
    await recorder.written(events);
    return state;
  }

  /** The main routine's own transitions for its next write, which it does not wait for. */
  async function keepForNext(events: TransitionEvent[]): Promise<void> {
    if (committedWrites) recorder.later(events);
    else await record(events);
  }

  /** Reviews whose task is written with its responsible officers: only these take decisions and clock stops. */
  const openTasks = new WeakSet<Review>();

  /** Older applications open each review's task on its own, writing from the activity that finds its officers. */
  async function openTaskAlone(review: Review): Promise<void> {
    const [opened] = note(taskOpened(review));
    const responsible = await openReviewTask({ state: snapshot(), events: [opened], major: input.item.major });
    commit({ state: withResponsible(state, [review], [responsible]), events: [] });
    writtenSeq = Math.max(writtenSeq, opened.seq);
    openTasks.add(review);
  }

  return {
    state,
    committedWrites,
    now,
    commit,
    publish,
    note,
    record,
    recordWithNext,
    keepForNext,
    openTaskAlone,
    taskOpen: (review: Review) => openTasks.has(review),
    tasksOpened: (reviews: Review[]) => reviews.forEach((review) => openTasks.add(review)),
    async recordSubmission(): Promise<void> {
      await recordSubmitted(input);
      submissionRecorded = true;
      writtenSeq = Math.max(writtenSeq, 1);
    },
  };
}

/**
 * How a rule answers an action: the application's new state and the transitions it made, numbered
 * after the last. Rules never change the state they are given.
 */
import { type ApplicationState, type Stage, type TransitionEvent, CLOSED_STAGES } from '../messages.js';

export interface Change {
  state: ApplicationState;
  events: TransitionEvent[];
}

/** A transition before it is numbered. */
export type Draft = Omit<TransitionEvent, 'seq' | 'at'>;

/** The application with these fields changed and these transitions, all made at `at`, numbered in order. */
export function change(app: ApplicationState, fields: Partial<ApplicationState>, drafts: Draft[], at: string): Change {
  const events = drafts.map(({ type, ...rest }, i) => ({ seq: app.seq + i + 1, type, at, ...rest }));
  return { state: { ...app, ...fields, seq: app.seq + drafts.length }, events };
}

/** The application moves to another stage of its life; a closed one records when it closed. */
export const enter = (stage: Stage, at: string): Partial<ApplicationState> =>
  CLOSED_STAGES.includes(stage) ? { stage, closedAt: at } : { stage };

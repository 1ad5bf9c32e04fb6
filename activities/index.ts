/**
 * Every side effect of the application workflow. Made by a factory so the worker and the tests pass in
 * the database they use.
 */
import { log } from '@temporalio/activity';
import type { Db } from '../db/client.js';
import type { ApplicationInput } from '../workflows/messages.js';
import { type Transition, writeSubmission, writeTransition } from './read-model.js';

export function createActivities({ db }: { db: Db }) {
  return {
    async recordSubmitted(input: ApplicationInput): Promise<void> {
      await writeSubmission(db, input);
    },

    async recordTransition(transition: Transition): Promise<void> {
      await writeTransition(db, transition);
      log.info('transition recorded', {
        applicationNo: transition.state.applicationNo,
        events: transition.events.map((e) => e.type),
      });
    },

    /** Opens one department's review task: the row that appears in that department's window inbox. */
    async openReviewTask(transition: Transition): Promise<void> {
      await writeTransition(db, transition);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

/**
 * Every side effect of the application workflow. Made by a factory so the worker and the tests pass in
 * the database they use. A write scheduled before the review's stages were called steps is read with
 * today's names (workflows/legacy.ts).
 */
import { Context, log } from '@temporalio/activity';
import type { Db } from '../db/client.js';
import { calendarSnapshot } from '../db/calendar.js';
import { listOfficers } from '../db/catalogue.js';
import { type Transition, writeSubmission, writeTransition } from '../db/read-model.js';
import { withSteps } from '../workflows/legacy.js';
import type { ApplicationInput, Officer } from '../workflows/messages.js';
import type { CalendarSnapshot } from '../workflows/rules/working-days.js';

export function createActivities({ db }: { db: Db }) {
  const responsibleFor = async (review: { department: string; centreCode: string }, major: boolean): Promise<Officer[]> => {
    const rows = await listOfficers(db, { centre: review.centreCode, department: review.department, role: major ? 'department_leader' : 'chief_representative' });
    return rows.map((o) => ({ id: o.id, name: o.name }));
  };

  return {
    /** The first row: what the workflow's input alone decides, so a local activity may write it. */
    async recordSubmitted(input: ApplicationInput): Promise<void> {
      await writeSubmission(db, withSteps(input));
    },

    /**
     * Run as an ordinary activity (committed writes), its arguments are facts the workflow committed,
     * so it issues the transition's documents too; run as a local activity (applications started before
     * the committed-writes patch), it may come from a task the server never kept, and issues none.
     */
    async recordTransition(scheduled: Transition): Promise<void> {
      const transition = withSteps(scheduled);
      await writeTransition(db, transition, { committed: !Context.current().info.isLocal });
      log.info('transition recorded', {
        applicationNo: transition.state.applicationNo,
        events: transition.events.map((e) => e.type),
      });
    },

    /**
     * Who answers for each of these reviews while it is open: the department's chief representative at
     * the deciding centre, or for a major item its leader (DOMAIN.md, authority at the window). Reads only.
     */
    async responsibleOfficers({ reviews, major }: { reviews: { department: string; centreCode: string }[]; major: boolean }): Promise<Officer[][]> {
      return Promise.all(reviews.map((review) => responsibleFor(review, major)));
    },

    /**
     * Applications started before the committed-writes patch: opens one department's review task (the
     * row in that department's window inbox) with who answers for it, from a local activity.
     */
    async openReviewTask(scheduled: Transition & { major: boolean }): Promise<Officer[]> {
      const { major, ...transition } = withSteps(scheduled);
      const opened = transition.events[0];
      const review = transition.state.reviews.find((r) => r.step === opened.step && r.department === opened.department)!;
      // The task is written with them (this is the activity's copy of the state; the workflow keeps the answer).
      review.responsible = await responsibleFor(review, major);
      await writeTransition(db, transition);
      return review.responsible;
    },

    /** The days a workflow's working-day arithmetic needs, fetched once and kept in its history. */
    async calendarSnapshot(args: { centreCode: string; from: string; span: number }): Promise<CalendarSnapshot> {
      return calendarSnapshot(db, args.centreCode, args.from, args.span);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

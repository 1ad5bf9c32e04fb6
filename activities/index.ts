/**
 * Every side effect of the application workflow. Made by a factory so the worker and the tests pass in
 * the database they use. A write scheduled before the review's stages were called steps is read with
 * today's names (workflows/legacy.ts).
 */
import { Context, log } from '@temporalio/activity';
import type { Db } from '../db/client.js';
import { calendarSnapshot } from '../db/calendar.js';
import { listOfficers } from '../db/catalogue.js';
import type { DocumentSettings } from '../db/documents.js';
import { type Transition, writeSubmission, writeTransition } from '../db/read-model.js';
import { withSteps } from '../workflows/legacy.js';
import type { ApplicationInput, Officer } from '../workflows/messages.js';
import type { CalendarSnapshot } from '../workflows/rules/working-days.js';
import { type IssuedNotice, type NoticeRequest, type PaymentPlatform, PaymentPlatformError, type RefundRequest } from './payment-platform.js';

/**
 * `payments`: the region's non-tax payment platform (activities/payment-platform.ts); unset, fees cannot
 * be charged. `documents`: where the notices' QR codes point (PUBLIC_BASE_URL) and how long their rating
 * codes last; unset, the defaults of `npm start`.
 */
export function createActivities({ db, payments, documents }: { db: Db; payments?: PaymentPlatform; documents?: DocumentSettings }) {
  const platform = () => {
    // Retried like any failure: configuring the platform lets the waiting notices go out.
    if (!payments) throw new Error('no payment platform is configured (PAYMENT_PLATFORM_URL): a fee notice cannot be issued');
    return payments;
  };

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
      await writeTransition(db, transition, { committed: !Context.current().info.isLocal, documents });
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

    /** Has the payment platform issue a notice (缴款通知书) and its payment code; the platform keys it by its number, so a retry issues nothing twice. */
    async issuePaymentNotice(notice: NoticeRequest): Promise<IssuedNotice> {
      return platform().issueNotice(notice);
    },

    /**
     * Withdraws an unpaid notice at the platform (its application was rejected); idempotent. False when
     * the platform has it paid already: its notification is on its way.
     */
    async cancelPaymentNotice({ noticeNo }: { noticeNo: string }): Promise<{ cancelled: boolean }> {
      try {
        await platform().cancelNotice(noticeNo);
        return { cancelled: true };
      } catch (err) {
        if (err instanceof PaymentPlatformError && err.code === 'already_paid') return { cancelled: false };
        throw err;
      }
    },

    /**
     * Asks the platform to pay back an approved refund, keyed by its number (a retry refunds nothing
     * twice). The platform's refusal (a 4xx) is an answer, not a failure: the refund is marked failed.
     */
    async requestPlatformRefund(refund: RefundRequest): Promise<{ accepted: true } | { accepted: false; failure: string }> {
      try {
        await platform().requestRefund(refund);
        return { accepted: true };
      } catch (err) {
        if (err instanceof PaymentPlatformError) return { accepted: false, failure: `${err.code}: ${err.message}` };
        throw err;
      }
    },

    /** The days a workflow's working-day arithmetic needs, fetched once and kept in its history. */
    async calendarSnapshot(args: { centreCode: string; from: string; span: number }): Promise<CalendarSnapshot> {
      return calendarSnapshot(db, args.centreCode, args.from, args.span);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

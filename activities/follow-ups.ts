/**
 * The follow-up workflow's side effects (workflows/follow-up.ts): finding the row its request stored,
 * writing its changes to the read model, opening its accountability case. Ordinary activities only:
 * each write is keyed, so a retry, or a task the server never kept, writes nothing twice.
 */
import { eq, sql } from 'drizzle-orm';
import { listOfficers } from '../db/catalogue.js';
import type { Db } from '../db/client.js';
import { findFollowUp, limitsFor, lockFollowUp, openFollowUpCase, ratingIsBad, withdrawFollowUp, writeFollowUp } from '../db/follow-ups.js';
import { followUpSteps } from '../db/schema/index.js';
import type { Officer } from '../workflows/messages.js';
import type { FollowUpInput, FollowUpLimits, FollowUpState, FollowUpStep } from '../workflows/rules/follow-ups.js';

export type Opened =
  | { found: false }
  | { found: true; assignee: Officer[]; limits: FollowUpLimits; version: number; lastSeq: number; applicationNo: string | null };

export function createFollowUpActivities({ db }: { db: Db }) {
  return {
    /**
     * The row the request stored, once its transaction has ended (it holds the follow-up's lock while the
     * workflow starts): none, or one of an earlier opening, means it rolled back. With it, who must act (a bad rating: the leaders of
     * its department at its centre; a complaint: the centre's supervisors, named by none) and the
     * region's limits, kept in the workflow's history.
     */
    async openFollowUp(input: FollowUpInput): Promise<Opened> {
      return db.transaction(async (tx) => {
        await lockFollowUp(tx, input.id);
        const row = await findFollowUp(tx, input.id);
        // This opening's row: a row left from an earlier opening (closed, or opened at another instant)
        // means this request's own write rolled back.
        if (!row || row.stage === 'closed' || Date.parse(row.openedAt) !== Date.parse(input.openedAt)) return { found: false } as const;
        // In the transaction: the embedded database has one connection, which it holds.
        const leaders =
          input.kind === 'bad_rating' && input.department
            ? (await listOfficers(tx, { centre: input.centreCode, department: input.department, role: 'department_leader' })).map((o) => ({ id: o.id, name: o.name }))
            : [];
        const [{ lastSeq }] = await tx
          .select({ lastSeq: sql<number>`coalesce(max(${followUpSteps.seq}), 0)::int` })
          .from(followUpSteps)
          .where(eq(followUpSteps.followUpId, input.id));
        const { setAt: _region, ...limits } = await limitsFor(tx, input.centreCode);
        return { found: true, assignee: leaders, limits, version: row.version, lastSeq, applicationNo: row.applicationNo } as const;
      });
    },

    async recordFollowUp({ state, steps }: { state: FollowUpState; steps: FollowUpStep[] }): Promise<void> {
      await writeFollowUp(db, state, steps);
    },

    /** The case and whom it names (the centre's supervisors when it was given nobody). */
    async openFollowUpCase(source: Parameters<typeof openFollowUpCase>[1]): Promise<{ id: string; responsible: Officer[] }> {
      return openFollowUpCase(db, source);
    },

    /**
     * Closes the follow-up as withdrawn (`state` as it is once closed) if its rating is good, checked in
     * the transaction that writes it: a change back to bad meanwhile keeps it open. True when withdrawn.
     */
    async withdrawFollowUp({ state, steps, rating }: { state: FollowUpState; steps: FollowUpStep[]; rating: { applicationNo: string; event: string } }): Promise<boolean> {
      return withdrawFollowUp(db, state, steps, rating);
    },

    /** Whether the rating is still bad: the check of runs from before withdrawFollowUp (its writes apart, a change back to bad could be missed). */
    async ratingStillBad({ applicationNo, event }: { applicationNo: string; event: string }): Promise<boolean> {
      return ratingIsBad(db, applicationNo, event);
    },
  };
}

export type FollowUpActivities = ReturnType<typeof createFollowUpActivities>;

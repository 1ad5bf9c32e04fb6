/**
 * Starting and moving follow-up workflows (workflows/follow-up.ts) from the API. A request stores its
 * follow-up's row and starts the workflow inside one transaction, holding the follow-up's lock: a
 * Temporal out of reach fails the request (503) with nothing stored, and a transaction that fails after
 * the start leaves a workflow that finds no row and ends as void. Actions are updates, refused by the
 * workflow's rules with 409 (403 for authority).
 */
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Tx } from '../db/client.js';
import { type FollowUpInsert, lockFollowUp, ratingFollowUpId, refreshRatingFollowUp, storeRatingFollowUp } from '../db/follow-ups.js';
import type { RatingRow } from '../db/ratings.js';
import { followUps } from '../db/schema/index.js';
import { type FollowUpCommand, followUpUpdate, followUpWorkflow, followUpWorkflowId, withdrawRatingSignal } from '../workflows/follow-up.js';
import type { FollowUpInput, FollowUpState } from '../workflows/rules/follow-ups.js';
import { forbidden } from './auth.js';
import { refused } from './errors.js';

/**
 * Stores the follow-up's row and starts its workflow, in the caller's transaction (which then commits).
 * `store` answers whether it wrote the row (a new one, or a closed one opened again): then any run of
 * the same id is an earlier opening's, ending or void, and gives way to this one. Without a write the
 * follow-up is open and its running workflow carries on (it checks the rating again on its own).
 */
export async function startFollowUp(
  app: FastifyInstance,
  tx: Tx,
  input: FollowUpInput,
  row: FollowUpInsert,
  store: (t: Tx) => Promise<boolean> = async (t) => (await t.insert(followUps).values(row).returning({ id: followUps.id })).length === 1,
) {
  await lockFollowUp(tx, input.id);
  const written = await store(tx);
  await app.deps.temporal.client.workflow.start(followUpWorkflow, {
    workflowId: followUpWorkflowId(input.id),
    taskQueue: app.deps.temporal.taskQueue,
    args: [input],
    workflowIdConflictPolicy: written ? 'TERMINATE_EXISTING' : 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
}

/**
 * A rating's follow-up, in the rating's transaction: a new bad rating (or one changed from good to bad)
 * opens one; a bad one changed but still bad shows the rating as it now is; a bad rating changed to a good one within the change window withdraws it (the workflow
 * checks the change committed).
 */
export async function followUpRatings(app: FastifyInstance, tx: Tx, stored: { row: RatingRow; changed: boolean; wasBad: boolean }[]): Promise<void> {
  for (const { row, changed, wasBad } of stored) {
    if (row.bad && (!changed || !wasBad)) {
      await openRatingFollowUp(app, tx, row);
    } else if (row.bad) {
      await refreshRatingFollowUp(tx, ratingFollowUpId(row.applicationNo, row.event), row);
    } else if (!row.bad && wasBad) {
      await app.deps.temporal.client.workflow
        .getHandle(followUpWorkflowId(ratingFollowUpId(row.applicationNo, row.event)))
        .signal(withdrawRatingSignal)
        .catch((err: unknown) => {
          // Closed already (rectified, explained): the rating's change does not reopen it.
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        });
    }
  }
}

/** A bad rating's follow-up: its row and its workflow, started in the rating's transaction; the workflow's input. */
export async function openRatingFollowUp(app: FastifyInstance, tx: Tx, row: RatingRow, openedAt = new Date().toISOString()): Promise<FollowUpInput> {
  const id = ratingFollowUpId(row.applicationNo, row.event);
  const input: FollowUpInput = { id, kind: 'bad_rating', centreCode: row.centreCode, department: row.department, openedAt, rating: { applicationNo: row.applicationNo, event: row.event } };
  const values: FollowUpInsert = {
    id,
    kind: 'bad_rating',
    stage: 'contacting',
    centreCode: row.centreCode,
    department: row.department,
    applicationNo: row.applicationNo,
    ratingEvent: row.event,
    ratingLevel: row.level,
    content: row.comment,
    channel: row.channel,
    submittedBy: `rating:${row.id}`,
    openedAt,
  };
  await startFollowUp(app, tx, input, values, (t) => storeRatingFollowUp(t, values));
  return input;
}

/** Sends an action to the follow-up's workflow; a refusal of its rules is 409 with the rule's code (403 for authority). */
export async function actOnFollowUp(app: FastifyInstance, id: string, command: FollowUpCommand): Promise<FollowUpState> {
  try {
    return await app.deps.temporal.client.workflow.getHandle(followUpWorkflowId(id)).executeUpdate(followUpUpdate, { args: [command] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      if (err.cause.type === 'not_authorised') throw forbidden(err.cause.message);
      throw refused(err.cause.message, err.cause.type ?? 'refused');
    }
    if (err instanceof WorkflowNotFoundError) throw refused(`${id} is closed; nothing can change it`, 'follow_up_closed');
    throw err;
  }
}

/**
 * Submission: number the application, start its workflow, write its first row. A client reference
 * makes it idempotent: the same reference, also after a timeout or a crash half-way, returns the same
 * application and never starts a second workflow.
 */
import { createHash } from 'node:crypto';
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import type { z } from 'zod';
import type { Db } from '../db/client.js';
import { findCentre, findItemVersion, offeredAt, planSteps, snapshotOf } from '../db/catalogue.js';
import { allocateApplicationNo, findConsultation, findSubmission, reserveSubmission } from '../db/queries.js';
import { writeSubmission } from '../db/read-model.js';
import { applicationWorkflow } from '../workflows/application.js';
import { type ApplicationInput, searchAttributes } from '../workflows/messages.js';
import { reviewingDepartments } from '../workflows/rules/steps.js';
import { HttpError, invalid, isUnavailable } from './errors.js';
import type { submission } from './schemas.js';

export interface SubmissionDeps {
  db: Db;
  client: Client;
  taskQueue: string;
  log: FastifyBaseLogger;
}

/** The calendar day in China, where every centre is: application numbers count per centre per day. */
const chinaDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' });

export async function submitApplication(
  deps: SubmissionDeps,
  request: z.output<typeof submission>,
  submittedBy: string,
): Promise<{ input: ApplicationInput; replayed: boolean }> {
  const { db } = deps;
  // Client references are the submitter's own: two integrators may use the same one.
  const body = request.clientReference ? { ...request, clientReference: `${submittedBy}/${request.clientReference}` } : request;
  const bodyHash = hashOf(request);
  if (body.clientReference) {
    const earlier = await findSubmission(db, body.clientReference);
    if (earlier) return { input: await resume(deps, earlier, body, bodyHash), replayed: true };
  }

  const [item, centre] = await Promise.all([findItemVersion(db, body.itemCode), findCentre(db, body.centreCode)]);
  if (!item) throw invalid('body.itemCode', `unknown item ${body.itemCode}`);
  if (!centre) throw invalid('body.centreCode', `unknown centre ${body.centreCode}`);
  if (!offeredAt(item.ownerCentre, centre.code)) {
    throw invalid('body.centreCode', `item ${body.itemCode} is a local item of centre ${item.ownerCentre}: it is not offered at centre ${centre.code}`);
  }
  if (!item.definition.levels.includes(centre.level)) {
    throw invalid(
      'body.centreCode',
      `item ${body.itemCode} is not taken in at a ${centre.level} centre (only at: ${item.definition.levels.join(', ')})`,
    );
  }

  const consultation = body.consultationId ? await findConsultation(db, body.consultationId) : undefined;
  if (body.consultationId && !consultation) throw invalid('body.consultationId', `unknown consultation ${body.consultationId}`);
  if (consultation && consultation.centreCode !== centre.code) {
    throw invalid('body.consultationId', `consultation ${consultation.id} was received at centre ${consultation.centreCode}, not ${centre.code}`);
  }

  const now = new Date();
  const input: ApplicationInput = {
    applicationNo: await allocateApplicationNo(db, centre.code, chinaDay.format(now)),
    centreCode: centre.code,
    // The workflow carries the item as it is now: later catalogue edits never reach it.
    item: snapshotOf(item.definition, item.version),
    steps: await planSteps(db, item.definition, centre),
    applicant: body.applicant,
    materials: body.materials,
    clientReference: request.clientReference,
    submittedBy,
    consultation: consultation && { id: consultation.id, officer: consultation.officer },
    submittedAt: now.toISOString(),
  };

  if (body.clientReference && !(await reserveSubmission(db, body.clientReference, input, bodyHash))) {
    // Another request with the same reference won the race: answer with its application.
    const winner = await findSubmission(db, body.clientReference);
    return { input: await resume(deps, winner!, body, bodyHash), replayed: true };
  }
  // With a reference, a repeat of this very request may already have started the workflow.
  await start(deps, input, body.clientReference ? 'USE_EXISTING' : 'FAIL');
  return { input, replayed: false };
}

/**
 * The body as validated (trimmed, defaults filled), without its reference, its keys sorted: two
 * requests that mean the same submission hash the same.
 */
export function hashOf(request: z.output<typeof submission>): string {
  const { clientReference: _reference, ...rest } = request;
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, canonical(v)]))
        : value;
  return createHash('sha256').update(JSON.stringify(canonical(rest))).digest('hex');
}

/**
 * A repeated reference: the same body is a replay, and its workflow is made sure to run (a crash may
 * have come between reserve and start); another body is a conflict (409), as payment APIs answer.
 */
async function resume(deps: SubmissionDeps, earlier: { input: ApplicationInput; bodyHash: string | null }, body: z.output<typeof submission>, bodyHash: string) {
  const { input } = earlier;
  // References reserved before the hash was kept are compared on what their input says.
  const differs =
    earlier.bodyHash !== null
      ? earlier.bodyHash !== bodyHash
      : input.item.code !== body.itemCode || input.centreCode !== body.centreCode || input.applicant.idNumber !== body.applicant.idNumber;
  if (differs) {
    throw new HttpError(
      409,
      'client_reference_conflict',
      `clientReference ${input.clientReference} was already used for application ${input.applicationNo} with a different body; a retry sends the same body, a new submission a new reference`,
    );
  }
  await start(deps, input, 'USE_EXISTING');
  return input;
}

async function start(deps: SubmissionDeps, input: ApplicationInput, conflict: 'FAIL' | 'USE_EXISTING'): Promise<void> {
  try {
    await deps.client.workflow.start(applicationWorkflow, {
      workflowId: input.applicationNo,
      taskQueue: deps.taskQueue,
      args: [input],
      workflowIdConflictPolicy: conflict,
      // An application number is never reused, not even after its workflow has closed.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: searchAttributes.stage, value: 'submitted' },
        { key: searchAttributes.centre, value: input.centreCode },
        { key: searchAttributes.item, value: input.item.code },
        { key: searchAttributes.departments, value: reviewingDepartments(input.steps) },
      ],
    });
  } catch (err) {
    // Only a reserved reference may find its workflow already there (and perhaps already closed).
    if (!(conflict === 'USE_EXISTING' && err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  try {
    // The workflow's first activity writes the same row; writing it here too lets the caller read it at once.
    await writeSubmission(deps.db, input);
  } catch (err) {
    // The workflow is durable and will write the row itself: the 201 must not be lost to a database blip.
    if (!isUnavailable(err)) throw err;
    deps.log.warn({ err, applicationNo: input.applicationNo }, 'read model not written at submission; the workflow will');
  }
}

/**
 * What a window records: intake (受理), the applicant's supplement (补正), a department's decision and
 * the pickup (取件). Each is a Workflow Update: the workflow's validator refuses a wrong decision before
 * anything is written, and the caller hears the reason at once.
 */
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { licenceNoOf } from '../../db/documents.js';
import { findApplication } from '../../db/queries.js';
import {
  type ApplicationState,
  CLOSED_STAGES,
  type Officer,
  REFUSALS,
  type Stage,
  decisionUpdate,
  intakeUpdate,
  extendUpdate,
  pickupUpdate,
  resumeClockUpdate,
  stopClockUpdate,
  supplementUpdate,
} from '../../workflows/messages.js';
import { errorBody, notFound, refused } from '../errors.js';
import { WINDOW_STAFF, forbidden } from '../auth.js';
import { requireSight } from '../application-access.js';
import { actsFor, mayDecide, mayExtend } from '../../workflows/rules/authority.js';
import {
  application,
  applicationNoParams,
  clockResume,
  clockStop,
  decision,
  extension,
  decisionParams,
  intake,
  pickup,
  supplement,
} from '../schemas.js';
import { applicationView } from '../views.js';
import {
  clockResumeExamples,
  clockStopExamples,
  decisionExamples,
  extensionExamples,
  intakeExamples,
  pickupExamples,
  supplementExamples,
} from '../examples/applications.js';

const responses = { 200: application, 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 503: errorBody };

export const windowRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/applications/:no/intake',
    {
      schema: { tags: ['window'], summary: 'Intake: accept, not accept, or ask for supplementary materials (the lead department’s window)', params: applicationNoParams, body: intake, response: responses },
      config: { access: WINDOW_STAFF, examples: intakeExamples },
    },
    async (request) =>
      sendUpdate(app, request, request.params.no, intakeUpdate, (found, officer) => {
        authorise(actsFor(officer, found.row.leadDepartment, found.row.centreCode));
        return { ...request.body, officer };
      }),
  );

  app.post(
    '/applications/:no/supplements',
    {
      schema: { tags: ['window'], summary: 'The applicant’s supplementary materials, from the submitting integrator or the lead department’s window; returns the application to intake', params: applicationNoParams, body: supplement, response: responses },
      config: { access: ['integrator', ...WINDOW_STAFF], examples: supplementExamples },
    },
    async (request) =>
      sendUpdate(app, request, request.params.no, supplementUpdate, (found, officer) => {
        // The submitter is the same typed identity (officer:<id> or integrator:<key id>), never merely the same id.
        if (request.identity!.id !== found.row.submittedBy) authorise(actsFor(officer, found.row.leadDepartment, found.row.centreCode));
        return { ...request.body, officer };
      }),
  );

  app.post(
    '/applications/:no/reviews/:department/decision',
    {
      schema: { tags: ['window'], summary: 'A department’s decision: approve, or reject with a reason (its chief representative; a leader for a major item)', params: decisionParams, body: decision, response: responses },
      config: { access: ['chief_representative', 'department_leader'], examples: decisionExamples },
    },
    async (request) =>
      sendUpdate(app, request, request.params.no, decisionUpdate, (found, officer) => {
        const rule = (who: Officer, department: string, centreCode: string) => mayDecide(who, { department, centreCode }, found.row.major);
        return { ...forReview(found, officer, request.params.department, rule), ...request.body };
      }),
  );

  app.post(
    '/applications/:no/reviews/:department/clock/stop',
    {
      schema: {
        tags: ['window'],
        summary: 'Stop a review’s clock: ask for a supplement (补正) or start a procedure excluded from the limit',
        params: decisionParams,
        body: clockStop,
        response: responses,
      },
      config: { access: WINDOW_STAFF, examples: clockStopExamples },
    },
    async (request) =>
      sendUpdate(app, request, request.params.no, stopClockUpdate, (found, officer) => ({
        ...forReview(found, officer, request.params.department, actsFor),
        ...request.body,
      })),
  );

  app.post(
    '/applications/:no/reviews/:department/clock/resume',
    {
      schema: {
        tags: ['window'],
        summary: 'End a procedure and restart the clock; every due instant moves by the working days stopped',
        params: decisionParams,
        body: clockResume,
        response: responses,
      },
      config: { access: WINDOW_STAFF, examples: clockResumeExamples },
    },
    async (request) =>
      sendUpdate(app, request, request.params.no, resumeClockUpdate, (found, officer) => ({
        ...forReview(found, officer, request.params.department, actsFor),
        ...request.body,
      })),
  );

  app.post(
    '/applications/:no/extension',
    {
      schema: {
        tags: ['window'],
        summary: 'Extend the statutory limit once, with a reason (延期, by a leader of the lead department)',
        params: applicationNoParams,
        body: extension,
        response: responses,
      },
      config: { access: ['department_leader'], examples: extensionExamples },
    },
    async (request) =>
      sendUpdate(app, request, request.params.no, extendUpdate, (found, officer) => {
        authorise(mayExtend(officer, found.row.leadDepartment, found.row.centreCode));
        return { ...request.body, officer };
      }),
  );

  app.post(
    '/applications/:no/pickup',
    {
      schema: {
        tags: ['window'],
        summary: 'The applicant collected the result; the application ends. Without a licenceNo, the approval decision’s licence number is recorded',
        params: applicationNoParams,
        body: pickup,
        response: responses,
      },
      config: { access: WINDOW_STAFF, examples: pickupExamples },
    },
    async (request) =>
      sendUpdate(app, request, request.params.no, pickupUpdate, async (found, officer) => {
        authorise(actsFor(officer, found.row.leadDepartment, found.row.centreCode));
        // The licence handed over is the one the 准予行政许可决定书 numbered, unless the window names another.
        const licenceNo = request.body.licenceNo ?? (await licenceNoOf(app.deps.database.db, found.row.applicationNo));
        return { ...request.body, ...(licenceNo ? { licenceNo } : {}), officer };
      }),
  );
};

type Found = NonNullable<Awaited<ReturnType<typeof findApplication>>>;

/** The review a department is deciding now; the workflow names the problem when there is none. */
const reviewOf = (found: Found, department: string) => found.reviews.find((r) => r.department === department && r.status === 'open');

/** Checks the officer against the department's open review (when the read model has it) and names them in the update. */
function forReview(found: Found, officer: Officer, department: string, rule: (officer: Officer, department: string, centreCode: string) => string | undefined) {
  const review = reviewOf(found, department);
  if (review) authorise(rule(officer, review.department, review.centreCode));
  return { department, officer };
}

function authorise(problem: string | undefined): void {
  if (problem) throw forbidden(problem);
}

/**
 * Sends a window's update to the application's workflow. `authorise` checks the caller against the
 * application and builds the update's argument, naming the authenticated officer; the workflow checks
 * the officer again in its validator.
 */
async function sendUpdate<Arg>(
  app: FastifyInstance,
  request: FastifyRequest,
  applicationNo: string,
  update: UpdateDefinition<ApplicationState, [Arg]>,
  authorise: (found: Found, officer: Officer) => Arg | Promise<Arg>,
) {
  const { database } = app.deps;
  const found = await findApplication(database.db, applicationNo);
  if (!found) throw notFound(`Application ${applicationNo}`);
  // Only those who may see it hear anything more of it, even that it is closed.
  requireSight(request, found.row, found.reviews);
  if (CLOSED_STAGES.includes(found.row.stage as Stage)) {
    throw refused(`Application ${applicationNo} is ${found.row.stage} and closed; nothing can change it`, 'application_closed');
  }
  const officer: Officer = request.identity?.kind === 'staff' ? request.identity.officer : { id: request.identity!.id };
  const arg = await authorise(found, officer);
  await executeUpdate(app, applicationNo, update, arg);
  // The update returns once its transition is in the read model, so this read sees it.
  const after = await findApplication(database.db, applicationNo);
  return applicationView(after!.row, after!.reviews, after!.alerts);
}

/**
 * Sends an update to the application's workflow; a refusal by its validator becomes 409 with the
 * rule's code (403 for authority), a workflow that has ended 409 `application_closed`.
 */
export async function executeUpdate<Arg>(
  app: FastifyInstance,
  applicationNo: string,
  update: UpdateDefinition<ApplicationState, [Arg]>,
  arg: Arg,
  options: { updateId?: string } = {},
): Promise<ApplicationState> {
  try {
    return await app.deps.temporal.client.workflow.getHandle(applicationNo).executeUpdate(update, { args: [arg], ...options });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      if (err.cause.type === REFUSALS.notAuthorised) throw forbidden(err.cause.message);
      throw refused(err.cause.message, snakeCase(err.cause.type ?? 'refused'));
    }
    // The workflow closed between our read and the update.
    if (err instanceof WorkflowNotFoundError) throw refused(`Application ${applicationNo} is closed`, 'application_closed');
    throw err;
  }
}

const snakeCase = (type: string) => type.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();

/**
 * What a window records: intake (受理), the applicant's supplement (补正), a department's decision and
 * the pickup (取件). Each is a Workflow Update: the workflow's validator refuses a wrong decision before
 * anything is written, and the caller hears the reason at once.
 */
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { findApplication } from '../../db/queries.js';
import {
  type ApplicationState,
  CLOSED_STAGES,
  type Stage,
  decisionUpdate,
  intakeUpdate,
  extendUpdate,
  pickupUpdate,
  resumeClockUpdate,
  stopClockUpdate,
  supplementUpdate,
} from '../../workflows/messages.js';
import { HttpError, errorBody, notFound, refused } from '../errors.js';
import { findOfficer } from '../../db/catalogue.js';
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

const responses = { 200: application, 400: errorBody, 404: errorBody, 409: errorBody, 503: errorBody };

export const windowRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/applications/:no/intake',
    {
      schema: { tags: ['window'], summary: 'Intake: accept, not accept, or ask for supplementary materials', params: applicationNoParams, body: intake, response: responses },
    },
    async (request) => sendUpdate(app, request.params.no, intakeUpdate, request.body),
  );

  app.post(
    '/applications/:no/supplements',
    {
      schema: { tags: ['window'], summary: 'The applicant’s supplementary materials; returns the application to intake', params: applicationNoParams, body: supplement, response: responses },
    },
    async (request) => sendUpdate(app, request.params.no, supplementUpdate, request.body),
  );

  app.post(
    '/applications/:no/reviews/:department/decision',
    {
      schema: { tags: ['window'], summary: 'A department’s decision: approve, or reject with a reason', params: decisionParams, body: decision, response: responses },
    },
    async (request) =>
      sendUpdate(app, request.params.no, decisionUpdate, { department: request.params.department, ...request.body }),
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
    },
    async (request) => sendUpdate(app, request.params.no, stopClockUpdate, { department: request.params.department, ...request.body }),
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
    },
    async (request) => sendUpdate(app, request.params.no, resumeClockUpdate, { department: request.params.department, ...request.body }),
  );

  app.post(
    '/applications/:no/extension',
    {
      schema: {
        tags: ['window'],
        summary: 'Extend the statutory limit once, with a reason (延期, by a leader of the lead department)',
        params: applicationNoParams,
        body: extension,
        response: { ...responses, 403: errorBody },
      },
    },
    async (request) => {
      const { database } = app.deps;
      const found = await findApplication(database.db, request.params.no);
      const named = await findOfficer(database.db, request.body.officer.id);
      const leader = named?.role === 'department_leader' && named.departmentCode === found?.row.leadDepartment;
      if (found && !leader) {
        throw new HttpError(403, 'forbidden', `Only a leader of ${found.row.leadDepartment} may extend the limit; ${request.body.officer.id} is not one`);
      }
      return sendUpdate(app, request.params.no, extendUpdate, request.body);
    },
  );

  app.post(
    '/applications/:no/pickup',
    {
      schema: { tags: ['window'], summary: 'The applicant collected the result; the application ends', params: applicationNoParams, body: pickup, response: responses },
    },
    async (request) => sendUpdate(app, request.params.no, pickupUpdate, request.body),
  );
};

async function sendUpdate<Arg>(
  app: FastifyInstance,
  applicationNo: string,
  update: UpdateDefinition<ApplicationState, [Arg]>,
  arg: Arg,
) {
  const { database, temporal } = app.deps;
  const found = await findApplication(database.db, applicationNo);
  if (!found) throw notFound(`Application ${applicationNo}`);
  if (CLOSED_STAGES.includes(found.row.stage as Stage)) {
    throw refused(`Application ${applicationNo} is ${found.row.stage} and closed; nothing can change it`, 'application_closed');
  }
  try {
    await temporal.client.workflow.getHandle(applicationNo).executeUpdate(update, { args: [arg] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      throw refused(err.cause.message, snakeCase(err.cause.type ?? 'refused'));
    }
    // The workflow closed between our read and the update.
    if (err instanceof WorkflowNotFoundError) throw refused(`Application ${applicationNo} is closed`, 'application_closed');
    throw err;
  }
  // The update returns once its transition is in the read model, so this read sees it.
  const after = await findApplication(database.db, applicationNo);
  return applicationView(after!.row, after!.reviews, after!.alerts);
}

const snakeCase = (type: string) => type.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();

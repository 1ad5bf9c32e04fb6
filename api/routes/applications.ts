/** Submitting applications and reading them from the read model (or, with ?live=1, from the workflow). */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { findApplication, listApplications } from '../../db/queries.js';
import { stateQuery } from '../../workflows/messages.js';
import { errorBody, invalid, notFound } from '../errors.js';
import { OVERSIGHT, STAFF, WINDOW_STAFF, forbidden, scopeCentre, staffOf } from '../auth.js';
import { requireSight } from '../application-access.js';
import { withinCentre } from '../../workflows/rules/authority.js';
import { maskIdNumber } from '../identity.js';
import { application, applicationNoParams, applicationPage, listQuery, liveState, submission } from '../schemas.js';
import { submitApplication } from '../submissions.js';
import { applicationListing, applicationUrl, applicationView, reviewDecision, submittedView } from '../views.js';
import { z } from 'zod';
import { getApplicationExamples, listApplicationsExamples, submitExamples } from '../examples/applications.js';

export const applicationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database, temporal } = app.deps;
  const db = database.db;

  app.post(
    '/applications',
    {
      schema: {
        tags: ['applications'],
        summary: 'Submit an application (starts its workflow): an integrator to its centres, a window officer at their centre',
        body: submission,
        response: { 201: application, ...refusals, 409: errorBody, 503: errorBody },
      },
      config: { access: ['integrator', ...WINDOW_STAFF], examples: submitExamples },
    },
    async (request, reply) => {
      const identity = request.identity!;
      const { centreCode } = request.body;
      if (identity.kind === 'integrator' && !identity.key.centres.some((c) => withinCentre(c, centreCode))) {
        throw forbidden(`Key ${identity.key.id} (${identity.key.name}) may submit to ${identity.key.centres.join(', ')}, not to centre ${centreCode}`);
      }
      if (identity.kind === 'staff' && identity.officer.centreCode !== centreCode) {
        throw forbidden(`${identity.officer.id} takes applications in at centre ${identity.officer.centreCode}, not ${centreCode}`);
      }
      const { input, replayed } = await submitApplication(
        { db, client: temporal.client, taskQueue: temporal.taskQueue, log: request.log },
        request.body,
        identity.id,
      );
      request.log.info({ applicationNo: input.applicationNo, replayed }, replayed ? 'submission repeated' : 'application submitted');
      const found = await findApplication(db, input.applicationNo).catch(() => undefined);
      const view = found ? applicationView(found.row, found.reviews, found.alerts) : submittedView(input);
      return reply
        .status(201)
        .header('location', applicationUrl(input.applicationNo))
        .header('idempotent-replayed', String(replayed))
        .send(view);
    },
  );

  app.get(
    '/applications/:no',
    {
      schema: {
        tags: ['applications'],
        summary: 'One application from the read model; ?live=1 asks its workflow instead',
        params: applicationNoParams,
        querystring: z.object({ live: z.enum(['0', '1', 'true', 'false']).optional() }),
        response: { 200: z.union([application, liveState]), ...refusals, 404: errorBody, 503: errorBody },
      },
      config: { access: ['integrator', ...STAFF], examples: getApplicationExamples },
    },
    async (request) => {
      const { no } = request.params;
      const found = await findApplication(db, no);
      if (!found) throw notFound(`Application ${no}`);
      const sight = requireSight(request, found.row, found.reviews);
      if (request.query.live === '1' || request.query.live === 'true') {
        const state = await temporal.client.workflow.getHandle(no).query(stateQuery);
        // Each review says its decision, as the read model's view does.
        const reviews = state.reviews.map((r) => ({ ...r, decision: reviewDecision(r.status) }));
        return { ...state, reviews } as typeof state & Record<string, unknown>;
      }
      const view = applicationView(found.row, found.reviews, found.alerts);
      return sight === 'whole' ? view : { ...view, applicant: { ...view.applicant, idNumber: maskIdNumber(view.applicant.idNumber) } };
    },
  );

  app.get(
    '/applications',
    {
      schema: {
        tags: ['applications'],
        summary:
          'List applications, newest first, with filters and cursor pagination: an integrator sees its own, a window its ' +
          'department’s at its centre, a supervisor or administrator their centre and those below it',
        querystring: listQuery,
        response: { 200: applicationPage, ...refusals, 503: errorBody },
      },
      config: { access: ['integrator', ...STAFF], examples: listApplicationsExamples },
    },
    async (request) => {
      const { limit, cursor, within, ...filters } = request.query;
      const scope = listScope(request, filters.centre, within === '1');
      const rows = await listApplications(db, { ...filters, ...scope, after: decodeCursor(cursor), limit: limit + 1 });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        applications: page.map(applicationListing),
        nextCursor: rows.length > limit && last ? encodeCursor(last.submittedAt, last.applicationNo) : null,
      };
    },
  );
};

const refusals = { 400: errorBody, 401: errorBody, 403: errorBody };

/** Narrows a list to what the caller may see. */
function listScope(request: FastifyRequest, centre: string | undefined, within: boolean) {
  const identity = request.identity!;
  if (identity.kind === 'integrator') return { submittedBy: identity.id, centre, within };
  const officer = staffOf(request);
  if (OVERSIGHT.includes(officer.role)) {
    return centre ? { centre: scopeCentre(request, centre, 'list applications'), within } : { centre: officer.centreCode, within: true };
  }
  if (centre && centre !== officer.centreCode) throw forbidden(`${officer.id} lists the applications of centre ${officer.centreCode} only`);
  // What their department takes in or reviews at their centre (a reported item is reviewed a level up).
  return { centre: undefined, within: false, handledBy: { department: officer.departmentCode ?? '', centre: officer.centreCode } };
}

function encodeCursor(submittedAt: string, applicationNo: string): string {
  return Buffer.from(JSON.stringify([new Date(submittedAt).toISOString(), applicationNo])).toString('base64url');
}

function decodeCursor(cursor: string | undefined): { submittedAt: string; applicationNo: string } | undefined {
  if (!cursor) return undefined;
  try {
    const [submittedAt, applicationNo] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof submittedAt === 'string' && !Number.isNaN(Date.parse(submittedAt)) && typeof applicationNo === 'string') {
      return { submittedAt, applicationNo };
    }
  } catch {
    // fall through to the error below
  }
  throw invalid('querystring.cursor', 'is not a cursor this API returned');
}

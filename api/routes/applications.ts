/** Submitting applications and reading them from the read model (or, with ?live=1, from the workflow). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { findApplication, listApplications } from '../../db/queries.js';
import { stateQuery } from '../../workflows/messages.js';
import { errorBody, invalid, notFound } from '../errors.js';
import { application, applicationNoParams, applicationPage, listQuery, liveState, submission } from '../schemas.js';
import { submitApplication } from '../submissions.js';
import { applicationListing, applicationUrl, applicationView, submittedView } from '../views.js';
import { z } from 'zod';

export const applicationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { database, temporal } = app.deps;
  const db = database.db;

  app.post(
    '/applications',
    {
      schema: {
        tags: ['applications'],
        summary: 'Submit an application (starts its workflow)',
        body: submission,
        response: { 201: application, 400: errorBody, 409: errorBody, 503: errorBody },
      },
    },
    async (request, reply) => {
      const { input, replayed } = await submitApplication(
        { db, client: temporal.client, taskQueue: temporal.taskQueue, log: request.log },
        request.body,
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
        response: { 200: z.union([application, liveState]), 404: errorBody, 503: errorBody },
      },
    },
    async (request) => {
      const { no } = request.params;
      const found = await findApplication(db, no);
      if (!found) throw notFound(`Application ${no}`);
      if (request.query.live === '1' || request.query.live === 'true') {
        const state = await temporal.client.workflow.getHandle(no).query(stateQuery);
        return state as typeof state & Record<string, unknown>;
      }
      return applicationView(found.row, found.reviews, found.alerts);
    },
  );

  app.get(
    '/applications',
    {
      schema: {
        tags: ['applications'],
        summary: 'List applications, newest first, with filters and cursor pagination',
        querystring: listQuery,
        response: { 200: applicationPage, 400: errorBody, 503: errorBody },
      },
    },
    async (request) => {
      const { limit, cursor, within, ...filters } = request.query;
      const rows = await listApplications(db, { ...filters, within: within === '1', after: decodeCursor(cursor), limit: limit + 1 });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        applications: page.map(applicationListing),
        nextCursor: rows.length > limit && last ? encodeCursor(last.submittedAt, last.applicationNo) : null,
      };
    },
  );
};

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

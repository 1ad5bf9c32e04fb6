/** A department's window inbox: the review tasks waiting for its decision. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { openReviewTasks } from '../../db/queries.js';
import { errorBody } from '../errors.js';
import { inboxTask } from '../schemas.js';
import { applicationUrl, iso } from '../views.js';

export const inboxRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/departments/:department/inbox',
    {
      schema: {
        tags: ['window'],
        summary: 'Open review tasks of a department, oldest first',
        params: z.object({ department: z.string().min(1).max(64) }),
        querystring: z.object({ centre: z.string().min(1).max(64).optional() }),
        response: { 200: z.object({ tasks: z.array(inboxTask) }), 400: errorBody, 503: errorBody },
      },
    },
    async (request) => {
      const rows = await openReviewTasks(app.deps.database.db, request.params.department, request.query.centre);
      return {
        tasks: rows.map(({ review, application }) => ({
          applicationNo: application.applicationNo,
          url: applicationUrl(application.applicationNo),
          itemCode: application.itemCode,
          centreCode: application.centreCode,
          stage: review.stage,
          department: review.department,
          reviewCentreCode: review.centreCode,
          openedAt: iso(review.openedAt),
          applicantName: application.applicant.name,
        })),
      };
    },
  );
};

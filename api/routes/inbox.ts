/** A department's window inbox: the review tasks waiting for its decision. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { openReviewTasks } from '../../db/queries.js';
import { errorBody } from '../errors.js';
import { WINDOW_STAFF, forbidden, scopeCentre, staffOf } from '../auth.js';
import { inboxTask } from '../schemas.js';
import { applicationUrl, iso } from '../views.js';
import { inboxExamples } from '../examples/window.js';

export const inboxRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/departments/:department/inbox',
    {
      schema: {
        tags: ['window'],
        summary: 'Open review tasks of a department at a centre, the nearest promised limit first: its own window staff, or a supervisor of the centre',
        params: z.object({ department: z.string().min(1).max(64) }),
        querystring: z.object({ centre: z.string().min(1).max(64).optional() }),
        response: { 200: z.object({ tasks: z.array(inboxTask) }), 400: errorBody, 503: errorBody },
      },
      config: { access: [...WINDOW_STAFF, 'supervisor'], examples: inboxExamples },
    },
    async (request) => {
      const officer = staffOf(request);
      const { department } = request.params;
      let centre = request.query.centre;
      if (officer.role === 'supervisor') centre = scopeCentre(request, centre, 'read inboxes');
      else if (officer.departmentCode !== department || (centre && centre !== officer.centreCode)) {
        throw forbidden(`${officer.id} reads the inbox of ${officer.departmentCode} at ${officer.centreCode} only`);
      } else centre = officer.centreCode;
      const rows = await openReviewTasks(app.deps.database.db, department, centre);
      return {
        tasks: rows.map(({ review, application, itemName }) => ({
          applicationNo: application.applicationNo,
          url: applicationUrl(application.applicationNo),
          itemCode: application.itemCode,
          itemName,
          major: application.major,
          centreCode: application.centreCode,
          step: review.step,
          department: review.department,
          reviewCentreCode: review.centreCode,
          openedAt: iso(review.openedAt),
          promisedDueAt: iso(review.promisedDueAt),
          statutoryDueAt: iso(review.statutoryDueAt),
          clockStopped: review.stops.some((stop) => !stop.endedAt),
          applicantName: application.applicant.name,
          materials: application.materials,
        })),
      };
    },
  );
};

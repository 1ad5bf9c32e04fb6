/**
 * Ratings of government services (好差评) by those who handle the application: the applicant rates an
 * event through the integrator that submitted it (again within RATING_CHANGE_MINUTES changes it), and
 * the lead window or the integrator issues the one-time code an acceptance or pickup notice prints
 * (its QR code opens the public page, api/routes/public-ratings.ts). An event not served yet, a second
 * rating, someone else's application are refused and store nothing.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findApplication } from '../../db/queries.js';
import { issueRatingToken } from '../../db/ratings.js';
import { servedEvents } from '../../db/served-events.js';
import { actsFor } from '../../workflows/rules/authority.js';
import { RATED_EVENTS, RATING_NOTICES } from '../../workflows/rules/ratings.js';
import { sightOf } from '../application-access.js';
import { WINDOW_STAFF, forbidden } from '../auth.js';
import { notFound, refused } from '../errors.js';
import { rating, ratingSettings, ratingView, refusals, servedOrRefused, store, view } from '../ratings.js';
import { applicationNoParams } from '../schemas.js';
import { rateExamples, ratingTokenExamples } from '../examples/ratings.js';

const issued = z
  .object({
    token: z.string().describe('Shown once: only its hash is kept'),
    url: z.string().describe('The public rating page the notice’s QR code opens, relative to the API’s base URL'),
    events: z.array(z.enum(RATED_EVENTS)),
    expiresAt: z.string(),
  })
  .meta({ id: 'RatingToken' });

export const ratingRoutes: FastifyPluginAsyncZod = async (app) => {
  const settings = ratingSettings(app);
  const db = app.deps.database.db;

  app.post(
    '/applications/:no/ratings',
    {
      schema: {
        tags: ['ratings'],
        summary: 'The applicant rates a service event of their application (好差评) through the integrator that submitted it; again within the change window changes it',
        params: applicationNoParams,
        body: rating,
        response: { 200: ratingView, 201: ratingView, ...refusals },
      },
      config: { access: ['integrator'], examples: rateExamples },
    },
    async (request, reply) => {
      const { row, served: events } = await ratedApplication(app, request, request.params.no);
      const event = request.body.event;
      const [stored] = await store(app, row.applicationNo, [{ rating: request.body, served: servedOrRefused(events, event, row.consultationId) }], {
        channel: 'api',
        ratedBy: request.identity!.id,
        changeMinutes: settings.changeMinutes,
      });
      request.auditTarget = `${row.applicationNo}/ratings/${event}${stored.changed ? ' changed' : ''}`;
      reply.status(stored.changed ? 200 : 201);
      return view(stored.row);
    },
  );

  app.post(
    '/applications/:no/rating-token',
    {
      schema: {
        tags: ['ratings'],
        summary: 'A one-time rating code for the acceptance or pickup notice (its QR code): it rates the notice’s events that have happened, once, without sign-in',
        params: applicationNoParams,
        body: z.object({ for: z.enum(['acceptance', 'pickup']).describe('acceptance: the consultation and intake; pickup: the decision and pickup') }).meta({ id: 'RatingTokenRequest' }),
        response: { 201: issued, ...refusals },
      },
      config: { access: ['integrator', ...WINDOW_STAFF], examples: ratingTokenExamples },
    },
    async (request, reply) => {
      const { row, served: events } = await ratedApplication(app, request, request.params.no);
      const notice = request.body.for;
      const happened = RATING_NOTICES[notice].filter((event) => events[event]);
      if (happened.length === 0) {
        throw refused(`Nothing on the ${notice} notice of ${row.applicationNo} has happened yet: ${RATING_NOTICES[notice].join(' and ')} cannot be rated`, 'event_not_happened');
      }
      const { token, row: saved } = await db.transaction((tx) =>
        issueRatingToken(tx, { applicationNo: row.applicationNo, notice, events: happened, issuedBy: request.identity!.id, days: settings.tokenDays }),
      );
      request.auditTarget = `${row.applicationNo}/rating-token ${saved.id} (${notice})`;
      reply.status(201);
      return { token, url: `/rate/${token}`, events: happened, expiresAt: new Date(saved.expiresAt).toISOString() };
    },
  );
};

/**
 * The application, for its submitting integrator or the lead department's window at its centre. Any
 * other integrator hears what an unknown number gets (404): an applicant rates only their own
 * application, and a key learns nothing of others'.
 */
async function ratedApplication(app: FastifyInstance, request: FastifyRequest, applicationNo: string) {
  const unknown = notFound(`Application ${applicationNo}`);
  const found = await findApplication(app.deps.database.db, applicationNo);
  if (!found) throw unknown;
  const identity = request.identity!;
  if (identity.kind === 'integrator') {
    if (sightOf(identity, found.row, found.reviews) !== 'whole') throw unknown;
  } else {
    const outside = actsFor(identity.officer, found.row.leadDepartment, found.row.centreCode);
    if (outside) throw forbidden(`${outside}: rating codes are issued by the lead department's window of the application's centre`);
  }
  return { ...found, served: await servedEvents(app.deps.database.db, found.row, found.reviews) };
}

/**
 * The public side of ratings (好差评): the one-time code printed on an acceptance or pickup notice is
 * the credential, no sign-in. What it may rate (no personal data of the applicant), and rating with it
 * once: a forged code is 404 `unknown_token`, a used one 410 `token_used`, an expired one 410
 * `token_expired`; a refused request stores nothing and leaves the code as it was. A code printed on a
 * decision names its pickup before it happens: shown as not yet happened, refused with 409
 * `event_not_happened` until it has, and kept open for it when the decision is rated first. What a code
 * rated it may change, as the integrator may its own, within RATING_CHANGE_MINUTES of each rating (then
 * 409 `already_rated`), used or not: the page is shown those ratings with the time each may be changed
 * until. A used code rates nothing new (410 `token_used`), and no code changes a rating given another
 * way. A few requests a minute per address (RATING_PUBLIC_PER_MINUTE).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { type RatingRow, type RatingTokenRow, findRatingToken, ratingsBy } from '../../db/ratings.js';
import { centres, items } from '../../db/schema/index.js';
import { LEVEL_NAMES, RATED_EVENTS, RATING_LEVELS, RATING_TAGS, type RatedEvent, eventsLeft } from '../../workflows/rules/ratings.js';
import { HttpError, errorBody, invalid } from '../errors.js';
import { applicationOf, changeableUntil, rating, ratingSettings, ratingView, refusals, served, servedOrRefused, store, view } from '../ratings.js';
import { publicRateExamples, rateableExamples } from '../examples/ratings.js';

const tokenParams = z.object({ token: z.string().min(1).max(128).describe('The one-time code printed on the notice') });

const changeableRating = ratingView
  .extend({ changeableUntil: z.string().describe('Until when it may be changed: RATING_CHANGE_MINUTES after it was first given') })
  .meta({ id: 'ChangeableRating' });

const storedRatings = z.object({ ratings: z.array(ratingView) }).meta({ id: 'PublicRatingsStored' });

const rateable = z
  .object({
    applicationNo: z.string(),
    item: z.object({ name: z.string(), nameEn: z.string() }),
    centre: z.object({ code: z.string(), name: z.string() }),
    events: z
      .array(
        z.object({
          event: z.enum(RATED_EVENTS),
          happened: z.boolean().describe('false: not yet (a decision’s code names its pickup before it); it can be rated with this code once it has'),
          at: z.string().nullable(),
          ...served.shape,
        }),
      )
      .describe('What the code may still rate: none once it is used'),
    changeable: z
      .array(changeableRating)
      .describe('The ratings given with this code that it may still change (sent again, as a rating of the same event), each until its changeableUntil'),
    levels: z.array(z.object({ code: z.enum(RATING_LEVELS), zh: z.string(), en: z.string() })),
    tags: z.array(z.object({ code: z.string(), zh: z.string(), en: z.string() })),
    expiresAt: z.string(),
  })
  .meta({ id: 'Rateable' });

export const publicRatingRoutes: FastifyPluginAsyncZod = async (app) => {
  const settings = ratingSettings(app);
  const db = app.deps.database.db;
  // Tried by anyone with a guess: a few a minute per address, counted apart from the rest.
  const publicLimit = { max: settings.publicPerMinute, timeWindow: '1 minute', keyGenerator: (request: FastifyRequest) => `rating:${request.ip}` };

  app.get(
    '/public/ratings/:token',
    {
      schema: {
        tags: ['ratings'],
        summary: 'What a notice’s rating code lets the applicant rate: the item, the centre and each event with the window and officer who served it (no personal data of the applicant)',
        params: tokenParams,
        response: { 200: rateable, ...refusals, 410: errorBody },
      },
      config: { access: 'public', rateLimit: publicLimit, examples: rateableExamples },
    },
    async (request) => {
      const token = await knownToken(app, request.params.token);
      const changeable = (await ratingsBy(db, token.applicationNo, raterOf(token))).filter((r) => stillChangeable(r, settings.changeMinutes));
      if (token.usedAt && changeable.length === 0) throw used();
      refuseExpired(token);
      const { row, served: events } = await applicationOf(app, token.applicationNo);
      const [item] = await db.select({ name: items.name, nameEn: items.nameEn }).from(items).where(eq(items.code, row.itemCode));
      const [centre] = await db.select({ code: centres.code, name: centres.name }).from(centres).where(eq(centres.code, row.centreCode));
      return {
        applicationNo: row.applicationNo,
        item: item ?? { name: row.itemCode, nameEn: row.itemCode },
        centre: centre ?? { code: row.centreCode, name: row.centreCode },
        events: openEvents(token)
          .filter((event) => !changeable.some((r) => r.event === event))
          .map((event) => {
            const e = events[event];
            return e ? { event, happened: true, at: e.at, window: e.window, officer: e.officer } : { event, happened: false, at: null, window: null, officer: null };
          }),
        changeable: changeable.map((r) => ({ ...view(r), changeableUntil: changeableUntil(r, settings.changeMinutes) })),
        levels: RATING_LEVELS.map((code) => ({ code, ...LEVEL_NAMES[code] })),
        tags: Object.entries(RATING_TAGS).map(([code, names]) => ({ code, ...names })),
        expiresAt: new Date(token.expiresAt).toISOString(),
      };
    },
  );

  app.post(
    '/public/ratings/:token',
    {
      schema: {
        tags: ['ratings'],
        summary:
          'The applicant rates the events of a notice’s rating code (its QR code) without sign-in; the code is then used (kept for its events still to come). Rated again within the change window, an event’s rating given with this code is changed (200)',
        params: tokenParams,
        body: z
          .object({ ratings: z.array(rating).min(1).max(RATED_EVENTS.length) })
          .superRefine((body, ctx) => {
            body.ratings.forEach((r, i) => {
              if (body.ratings.findIndex((other) => other.event === r.event) !== i) ctx.addIssue({ code: 'custom', path: ['ratings', i, 'event'], message: `${r.event} is rated twice` });
            });
          })
          .meta({ id: 'PublicRatings' }),
        response: { 200: storedRatings, 201: storedRatings, ...refusals, 410: errorBody },
      },
      // Anyone holding the code; a staff member's session cookie in the same browser asks for no CSRF token here.
      // Refusals are not audited: the trail would name the code, which is in the path.
      config: { access: 'public', csrf: false, rateLimit: publicLimit, examples: publicRateExamples },
    },
    async (request, reply) => {
      const token = await knownToken(app, request.params.token);
      const given = request.body.ratings;
      // What this code rated before it may change (the window is checked with the rating, 409 past it); the rest is new.
      const rated = new Set((await ratingsBy(db, token.applicationNo, raterOf(token))).map((r) => r.event));
      const fresh = given.filter((r) => !rated.has(r.event)).map((r) => r.event);
      if (token.usedAt && fresh.length > 0) throw used();
      refuseExpired(token);
      given.forEach((r, i) => {
        if (!rated.has(r.event) && !token.events.includes(r.event)) throw invalid(`body.ratings.${i}.event`, `this code rates ${token.events.join(' and ')}, not ${r.event}`);
      });
      const { row, served: events } = await applicationOf(app, token.applicationNo);
      const stored = await store(
        app,
        row.applicationNo,
        given.map((r) => ({ rating: r, served: servedOrRefused(events, r.event, row.consultationId) })),
        { channel: 'qr', ratedBy: raterOf(token), changeMinutes: settings.changeMinutes },
        // Changes alone leave the code as it is; anything new uses it (or narrows it to the events still to come).
        fresh.length > 0 ? { token, left: eventsLeft(token.events, fresh, (event) => events[event] !== undefined) } : undefined,
      );
      request.auditTarget = `${row.applicationNo}/ratings/${stored.map((s) => `${s.row.event}${s.changed ? ' changed' : ''}`).join(',')} by rating token ${token.id}`;
      reply.status(stored.some((s) => !s.changed) ? 201 : 200);
      return { ratings: stored.map((s) => view(s.row)) };
    },
  );
};

/** Who a code's ratings are by. */
const raterOf = (token: Pick<RatingTokenRow, 'id'>) => `token:${token.id}`;

/** The events a code may still rate anew: none once used. */
const openEvents = (token: RatingTokenRow): RatedEvent[] => (token.usedAt ? [] : token.events);

const stillChangeable = (row: RatingRow, changeMinutes: number) => Date.now() < Date.parse(changeableUntil(row, changeMinutes));

const used = () => new HttpError(410, 'token_used', 'This rating code has been used: each code rates once (what it rated may be changed only within the change window)');

/** The code's row: 404 for an unknown (forged) one. Whether it is used is the caller's to judge. */
async function knownToken(app: FastifyInstance, token: string) {
  const row = await findRatingToken(app.deps.database.db, token);
  if (!row) throw new HttpError(404, 'unknown_token', 'This rating code is not one OneWindow issued');
  return row;
}

/** 410 for an expired code: it neither rates nor changes anything. */
function refuseExpired(row: RatingTokenRow) {
  if (Date.parse(row.expiresAt) <= Date.now()) throw new HttpError(410, 'token_expired', `This rating code expired at ${new Date(row.expiresAt).toISOString()}`);
}

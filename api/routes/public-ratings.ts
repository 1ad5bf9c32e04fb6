/**
 * The public side of ratings (好差评): the one-time code printed on an acceptance or pickup notice is
 * the credential, no sign-in. What it may rate (no personal data of the applicant), and rating with it
 * once: a forged code is 404 `unknown_token`, a used one 410 `token_used`, an expired one 410
 * `token_expired`; a refused request stores nothing and leaves the code unused. A code printed on a
 * decision names its pickup before it happens: shown as not yet happened, refused with 409
 * `event_not_happened` until it has, and kept open for it when the decision is rated first. A few
 * requests a minute per address (RATING_PUBLIC_PER_MINUTE).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { findRatingToken } from '../../db/ratings.js';
import { centres, items } from '../../db/schema/index.js';
import { LEVEL_NAMES, RATED_EVENTS, RATING_LEVELS, RATING_TAGS, eventsLeft } from '../../workflows/rules/ratings.js';
import { HttpError, errorBody, invalid } from '../errors.js';
import { applicationOf, rating, ratingSettings, ratingView, refusals, served, servedOrRefused, store, view } from '../ratings.js';
import { publicRateExamples, rateableExamples } from '../examples/ratings.js';

const tokenParams = z.object({ token: z.string().min(1).max(128).describe('The one-time code printed on the notice') });

const rateable = z
  .object({
    applicationNo: z.string(),
    item: z.object({ name: z.string(), nameEn: z.string() }),
    centre: z.object({ code: z.string(), name: z.string() }),
    events: z.array(
      z.object({
        event: z.enum(RATED_EVENTS),
        happened: z.boolean().describe('false: not yet (a decision’s code names its pickup before it); it can be rated with this code once it has'),
        at: z.string().nullable(),
        ...served.shape,
      }),
    ),
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
      const token = await usableToken(app, request.params.token);
      const { row, served: events } = await applicationOf(app, token.applicationNo);
      const [item] = await db.select({ name: items.name, nameEn: items.nameEn }).from(items).where(eq(items.code, row.itemCode));
      const [centre] = await db.select({ code: centres.code, name: centres.name }).from(centres).where(eq(centres.code, row.centreCode));
      return {
        applicationNo: row.applicationNo,
        item: item ?? { name: row.itemCode, nameEn: row.itemCode },
        centre: centre ?? { code: row.centreCode, name: row.centreCode },
        events: token.events.map((event) => {
          const e = events[event];
          return e ? { event, happened: true, at: e.at, window: e.window, officer: e.officer } : { event, happened: false, at: null, window: null, officer: null };
        }),
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
        summary: 'The applicant rates the events of a notice’s rating code (its QR code) without sign-in; the code is then used (kept for its events still to come)',
        params: tokenParams,
        body: z
          .object({ ratings: z.array(rating).min(1).max(RATED_EVENTS.length) })
          .superRefine((body, ctx) => {
            body.ratings.forEach((r, i) => {
              if (body.ratings.findIndex((other) => other.event === r.event) !== i) ctx.addIssue({ code: 'custom', path: ['ratings', i, 'event'], message: `${r.event} is rated twice` });
            });
          })
          .meta({ id: 'PublicRatings' }),
        response: { 201: z.object({ ratings: z.array(ratingView) }).meta({ id: 'PublicRatingsStored' }), ...refusals, 410: errorBody },
      },
      // Anyone holding the code; a staff member's session cookie in the same browser asks for no CSRF token here.
      // Refusals are not audited: the trail would name the code, which is in the path.
      config: { access: 'public', csrf: false, rateLimit: publicLimit, examples: publicRateExamples },
    },
    async (request, reply) => {
      const token = await usableToken(app, request.params.token);
      const given = request.body.ratings;
      given.forEach((r, i) => {
        if (!token.events.includes(r.event)) throw invalid(`body.ratings.${i}.event`, `this code rates ${token.events.join(' and ')}, not ${r.event}`);
      });
      const { row, served: events } = await applicationOf(app, token.applicationNo);
      const stored = await store(
        app,
        row.applicationNo,
        given.map((r) => ({ rating: r, served: servedOrRefused(events, r.event, row.consultationId) })),
        { channel: 'qr', ratedBy: `token:${token.id}`, changeMinutes: settings.changeMinutes },
        { token, left: eventsLeft(token.events, given.map((r) => r.event), (event) => events[event] !== undefined) },
      );
      request.auditTarget = `${row.applicationNo}/ratings/${given.map((r) => r.event).join(',')} by rating token ${token.id}`;
      reply.status(201);
      return { ratings: stored.map((s) => view(s.row)) };
    },
  );
};

/** The code's row when it may still be used: 404 for an unknown (forged) one, 410 for a used or expired one. */
async function usableToken(app: FastifyInstance, token: string) {
  const row = await findRatingToken(app.deps.database.db, token);
  if (!row) throw new HttpError(404, 'unknown_token', 'This rating code is not one OneWindow issued');
  if (row.usedAt) throw new HttpError(410, 'token_used', 'This rating code has been used: each code rates once');
  if (Date.parse(row.expiresAt) <= Date.now()) throw new HttpError(410, 'token_expired', `This rating code expired at ${new Date(row.expiresAt).toISOString()}`);
  return row;
}

/**
 * What the rating routes (好差评) share: the settings, the schemas of a rating given and shown, who
 * served an event (409 when it has not happened), and storing a request's ratings in one transaction.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findApplication } from '../db/queries.js';
import { type RatingInput, type RatingRow, RatingRefusal, type RatingTokenRow, rate, useRatingToken } from '../db/ratings.js';
import { type ServedEvent, servedEvents } from '../db/served-events.js';
import { DEFAULT_CHANGE_MINUTES, DEFAULT_TOKEN_DAYS, LEVEL_NAMES, RATED_EVENTS, RATING_LEVELS, RATING_TAG_CODES, type RatedEvent } from '../workflows/rules/ratings.js';
import { HttpError, errorBody, notFound, refused } from './errors.js';
import { followUpRatings } from './follow-ups.js';

export interface RatingSettings {
  /** Minutes after a rating during which it may be changed (RATING_CHANGE_MINUTES, 30). */
  changeMinutes?: number;
  /** Days a notice's rating code stays valid (RATING_TOKEN_DAYS, 30). */
  tokenDays?: number;
  /** Requests per minute per address to the public rating routes (RATING_PUBLIC_PER_MINUTE, 20). */
  publicPerMinute?: number;
}

export const ratingSettings = (app: FastifyInstance): Required<RatingSettings> => ({
  changeMinutes: DEFAULT_CHANGE_MINUTES,
  tokenDays: DEFAULT_TOKEN_DAYS,
  publicPerMinute: 20,
  ...app.deps.ratings,
});

export const rating = z
  .object({
    event: z.enum(RATED_EVENTS).describe('The service event rated: the consultation, intake (受理), the decision (办结) or pickup (取件)'),
    level: z.enum(RATING_LEVELS).describe('非常满意, 满意, 基本满意, 不满意, 非常不满意; the last two are bad ratings (差评)'),
    tags: z.array(z.enum(RATING_TAG_CODES)).max(RATING_TAG_CODES.length).optional(),
    comment: z.string().trim().max(500).optional(),
  })
  .meta({ id: 'RatingRequest' });

export const served = z.object({
  window: z.object({ code: z.string(), name: z.string() }).nullable(),
  officer: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
});

export const ratingView = z
  .object({
    applicationNo: z.string(),
    event: z.enum(RATED_EVENTS),
    level: z.enum(RATING_LEVELS),
    levelZh: z.string(),
    bad: z.boolean().describe('不满意 or 非常不满意 (差评)'),
    tags: z.array(z.string()),
    comment: z.string().nullable(),
    channel: z.enum(['api', 'qr']),
    centreCode: z.string().describe('Where the event was served'),
    ratedAt: z.string(),
    changedAt: z.string().nullable().describe('When it was last changed, within the change window'),
    ...served.shape,
  })
  .meta({ id: 'Rating' });

export const refusals = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 429: errorBody, 503: errorBody };

type Application = NonNullable<Awaited<ReturnType<typeof findApplication>>>['row'];

export async function applicationOf(app: FastifyInstance, applicationNo: string) {
  const found = await findApplication(app.deps.database.db, applicationNo);
  if (!found) throw notFound(`Application ${applicationNo}`);
  return { ...found, served: await servedEvents(app.deps.database.db, found.row, found.reviews) };
}

/** Who served the event; 409 when it has not happened (or, for a consultation, the application came from none). */
export function servedOrRefused(events: Partial<Record<RatedEvent, ServedEvent>>, event: RatedEvent, consultationId: Application['consultationId']): ServedEvent {
  const served = events[event];
  if (served) return served;
  if (event === 'consultation' && consultationId === null) throw refused('The application did not come from a consultation (咨询): there is none to rate', 'no_consultation');
  throw refused(`The ${event} of this application has not happened yet: it can be rated once it has`, 'event_not_happened');
}

/**
 * Stores the ratings (and uses the code, or narrows it to the events `left` to come) in one
 * transaction: any refusal stores nothing and leaves the code as it was.
 */
export async function store(
  app: FastifyInstance,
  applicationNo: string,
  given: { rating: RatingInput; served: ServedEvent }[],
  by: { channel: 'api' | 'qr'; ratedBy: string; changeMinutes: number },
  code?: { token: Pick<RatingTokenRow, 'id' | 'events'>; left: RatedEvent[] },
) {
  try {
    return await app.deps.database.db.transaction(async (tx) => {
      if (code && !(await useRatingToken(tx, code.token, code.left))) throw new HttpError(410, 'token_used', 'This rating code has been used: each code rates once');
      const stored = await rate(tx, applicationNo, given, by);
      // A bad rating is followed up (督办): its workflow starts before this commits, or nothing is stored.
      await followUpRatings(app, tx, stored);
      return stored;
    });
  } catch (err) {
    if (err instanceof RatingRefusal) throw refused(err.message, err.code);
    throw err;
  }
}

/** Until when a rating may be changed (by whoever gave it): `changeMinutes` after it was first given (ratingStep's rule). */
export const changeableUntil = (row: Pick<RatingRow, 'ratedAt'>, changeMinutes: number): string => new Date(new Date(row.ratedAt).getTime() + changeMinutes * 60_000).toISOString();

export function view(row: RatingRow): z.infer<typeof ratingView> {
  return {
    applicationNo: row.applicationNo,
    event: row.event,
    level: row.level,
    levelZh: LEVEL_NAMES[row.level].zh,
    bad: row.bad,
    tags: row.tags,
    comment: row.comment,
    channel: row.channel,
    centreCode: row.centreCode,
    ratedAt: new Date(row.ratedAt).toISOString(),
    changedAt: row.changedAt && new Date(row.changedAt).toISOString(),
    window: row.windowCode ? { code: row.windowCode, name: row.windowName ?? row.windowCode } : null,
    officer: row.officerId ? { id: row.officerId, name: row.officerName } : null,
  };
}

/**
 * Satisfaction statistics (好差评) for supervisors: how many ratings of each level, how many bad, and
 * the satisfaction rate per centre, window, officer or month, at the caller's centre and below; and the
 * month's ranking of the windows there (通报).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SATISFACTION_GROUPINGS, satisfactionFigures, windowRanking } from '../../db/rating-statistics.js';
import { RATING_LEVELS } from '../../workflows/rules/ratings.js';
import { OVERSIGHT, scopeCentre } from '../auth.js';
import { errorBody, invalid } from '../errors.js';
import { rankingExamples, satisfactionExamples } from '../examples/ratings.js';

const levels = z.object(Object.fromEntries(RATING_LEVELS.map((level) => [level, z.number().int()])) as Record<(typeof RATING_LEVELS)[number], z.ZodNumber>);

/** A group's ratings: per level, in all, the bad ones, and the satisfaction rate. */
const counts = {
  levels,
  total: z.number().int(),
  bad: z.number().int().describe('不满意 and 非常不满意 (差评)'),
  satisfactionRate: z.number().nullable().describe('(非常满意 + 满意 + 基本满意) / total, to four decimal places'),
};

const centre = z.string().regex(/^\d{6}$/).optional().describe('The centre (and those below it); the caller’s own by default, and only theirs or one below it');
const refusals = { 400: errorBody, 401: errorBody, 403: errorBody, 503: errorBody };

const row = z
  .object({
    key: z.string().describe('The centre code, window code, officer id or month (yyyy-mm, China time); `none` for events served by no known window or officer'),
    name: z.string().optional().describe('The centre’s, window’s or officer’s name; none for a month'),
    ...counts,
  })
  .meta({ id: 'SatisfactionRow' });

const rankedWindow = z
  .object({
    rank: z.number().int().nullable().describe('1 for the best; null for a window with fewer ratings in the month than minRatings, listed after the ranked ones'),
    windowCode: z.string(),
    name: z.string().optional().describe('The window’s name as rated'),
    centreCode: z.string(),
    centreName: z.string().nullable(),
    ...counts,
  })
  .meta({ id: 'RankedWindow' });

const chinaMonth = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' });

export const satisfactionRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/statistics/satisfaction',
    {
      schema: {
        tags: ['supervision'],
        summary: 'Ratings (好差评) per level, bad ratings and the satisfaction rate for a centre (and those below it) and a period, by centre, window, officer or month',
        querystring: z.object({
          groupBy: z.enum(SATISFACTION_GROUPINGS).default('centre'),
          centre,
          from: z.iso.date().optional().describe('First day (China time) of the ratings counted, each dated by when it was first given'),
          to: z.iso.date().optional().describe('Day after the last day'),
        }),
        response: {
          200: z.object({ centre: z.string(), groupBy: z.enum(SATISFACTION_GROUPINGS), from: z.string().nullable(), to: z.string().nullable(), rows: z.array(row) }).meta({ id: 'Satisfaction' }),
          ...refusals,
        },
      },
      config: { access: OVERSIGHT, examples: satisfactionExamples },
    },
    async (request) => {
      const { groupBy, from, to } = request.query;
      if (from && to && to <= from) throw invalid('to', `must be after from (${from}): the period is from its first day up to the day before to`);
      const scope = scopeCentre(request, request.query.centre, 'read satisfaction statistics');
      return { centre: scope, groupBy, from: from ?? null, to: to ?? null, rows: await satisfactionFigures(app.deps.database.db, { centre: scope, from, to, groupBy }) };
    },
  );

  app.get(
    '/statistics/satisfaction/ranking',
    {
      schema: {
        tags: ['supervision'],
        summary: 'The month’s ranking of windows by satisfaction rate (好差评通报) at a centre and those below it; windows with too few ratings listed after, unranked',
        querystring: z.object({
          month: z
            .string()
            .regex(/^[1-9]\d{3}-(0[1-9]|1[0-2])$/, 'must be a month, yyyy-mm, of the years 1000 to 9999')
            .optional()
            .describe('The month (China time) of the ratings, each dated by when it was first given; the current month by default'),
          centre,
          minRatings: z.coerce.number().int().min(1).max(10_000).default(1).describe('A window with fewer ratings in the month is listed, not ranked'),
        }),
        response: {
          200: z
            .object({
              centre: z.string(),
              month: z.string(),
              minRatings: z.number().int(),
              windows: z.array(rankedWindow).describe('Best satisfaction rate first; a tie goes to more ratings, then to the lower window code; the unranked last, in the same order'),
            })
            .meta({ id: 'WindowRanking' }),
          ...refusals,
        },
      },
      config: { access: OVERSIGHT, examples: rankingExamples },
    },
    async (request) => {
      const { minRatings } = request.query;
      const month = request.query.month ?? chinaMonth.format(new Date());
      const scope = scopeCentre(request, request.query.centre, 'read satisfaction statistics');
      return { centre: scope, month, minRatings, windows: await windowRanking(app.deps.database.db, { centre: scope, month, minRatings }) };
    },
  );
};

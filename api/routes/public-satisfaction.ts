/**
 * The public side of the satisfaction figures (好差评公示, 国办发〔2019〕51号: results are published and
 * ranked): anyone, without sign-in, reads a finished month's ratings at a centre and the centres below
 * it, and the month's ranking of their windows, from the page at /satisfaction (web/satisfaction/,
 * served here too). The figures are the supervisors' (db/rating-statistics.ts), a rating whose dispute
 * was upheld (申诉成立) left out; with them, per centre, how the month's bad ratings (差评) were followed
 * up (督办): closed as rectified (已整改) or explained (已说明), or still open, as of the answer.
 *
 * Only centres and windows are named: no officer, no applicant, no application, no comment or tag. The
 * current month is not published until it is over (its figures still move); nor is a month to come. A
 * few requests a minute per address (RATING_PUBLIC_PER_MINUTE, as the public rating routes).
 */
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { type SQL, and, asc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { findCentre, inCentre } from '../../db/catalogue.js';
import type { Db, Tx } from '../../db/client.js';
import { satisfactionFigures, windowRanking } from '../../db/rating-statistics.js';
import { centres, followUps, ratings } from '../../db/schema/index.js';
import { RATING_LEVELS, type RatingLevel, satisfactionRate } from '../../workflows/rules/ratings.js';
import { errorBody, invalid, notFound } from '../errors.js';
import { ratingSettings } from '../ratings.js';
import { publicSatisfactionExamples } from '../examples/public-satisfaction.js';

const levels = z
  .object(Object.fromEntries(RATING_LEVELS.map((level) => [level, z.number().int()])) as Record<RatingLevel, z.ZodNumber>)
  .describe('非常满意, 满意, 基本满意, 不满意, 非常不满意: how many of each');

const counts = {
  levels,
  total: z.number().int(),
  bad: z.number().int().describe('不满意 and 非常不满意 (差评)'),
  satisfactionRate: z.number().nullable().describe('满意率: (非常满意 + 满意 + 基本满意) / total, to four decimal places; null without ratings'),
};

const followUp = z
  .object({
    closed: z.number().int().describe('Bad ratings whose follow-up (督办) is closed: rectified or explained'),
    rectified: z.number().int().describe('已整改'),
    explained: z.number().int().describe('已说明: looked into and explained to the applicant'),
    open: z.number().int().describe('Bad ratings whose follow-up is not closed yet (回访, 整改, 申诉复核 under way): bad − closed'),
    disputeUpheld: z.number().int().describe('Bad ratings of the month whose dispute was upheld (申诉成立): not in the counts above, nor in the rate'),
  })
  .describe('How the month’s bad ratings were followed up, as of `asOf`')
  .meta({ id: 'PublicBadRatingFollowUp' });

const centreFigures = z
  .object({
    code: z.string(),
    name: z.string(),
    parentCode: z.string().nullable(),
    ...counts,
    followUp,
  })
  .meta({ id: 'PublicCentreSatisfaction' });

const rankedWindow = z.object({
  rank: z.number().int().nullable().describe('1 for the best; null for a window with fewer ratings in the month than minRatings, listed after the ranked ones'),
  windowCode: z.string(),
  name: z.string().optional().describe('The window’s name as rated'),
  centreCode: z.string(),
  centreName: z.string().nullable(),
  ...counts,
});

const month = z
  .string()
  .regex(/^[1-9]\d{3}-(0[1-9]|1[0-2])$/, 'must be a month, yyyy-mm, of the years 1000 to 9999')
  .optional()
  .describe('A finished month (China time), each rating dated by when it was first given; the last finished month by default. The current month or one to come: 400');

const published = z
  .object({
    month: z.string(),
    centre: z.object({ code: z.string(), name: z.string() }),
    minRatings: z.number().int(),
    asOf: z.string().describe('When the follow-ups were counted: a bad rating’s follow-up may close after its month'),
    overall: z.object({ ...counts, followUp }).describe('The centre and every centre below it together'),
    centres: z.array(centreFigures).describe('The centre, then each centre below it (by code), each with the ratings of events served there; none rated: total 0'),
    windows: z.array(rankedWindow).describe('好差评公示: the windows ranked best satisfaction rate first; a tie goes to more ratings, then to the lower window code; the unranked last'),
  })
  .meta({ id: 'PublicSatisfaction' });

const chinaMonth = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' });

/** The month before `month` (yyyy-mm), by the digits. */
function previousMonth(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return m === 1 ? `${String(year - 1).padStart(4, '0')}-12` : `${String(year).padStart(4, '0')}-${String(m - 1).padStart(2, '0')}`;
}

/** The first day of the month after `month` (yyyy-mm), yyyy-mm-dd, by the digits. */
function nextMonthDay(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return m === 12 ? `${String(year + 1).padStart(4, '0')}-01-01` : `${String(year).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}-01`;
}

const chinaMidnight = (day: string) => sql`(${day}::date::timestamp at time zone 'Asia/Shanghai')`;
const count = (where: SQL) => sql<number>`(count(*) filter (where ${where}))::int`;

/**
 * Per centre, the month's bad ratings by how their follow-up (督办, kind bad_rating, one per rating)
 * stands now: those counted in the figures (no dispute upheld) closed as rectified or explained, and
 * those whose dispute was upheld, which the figures leave out.
 */
async function followUpsByCentre(db: Tx, centre: string, month: string) {
  const counted = eq(ratings.disputeUpheld, false);
  const closedAs = (outcome: 'rectified' | 'explained') => count(sql`${counted} and ${followUps.stage} = 'closed' and ${followUps.outcome} = ${outcome}`);
  return db
    .select({
      centreCode: ratings.centreCode,
      rectified: closedAs('rectified'),
      explained: closedAs('explained'),
      disputeUpheld: count(sql`${ratings.disputeUpheld}`),
    })
    .from(ratings)
    .leftJoin(followUps, and(eq(followUps.kind, 'bad_rating'), eq(followUps.applicationNo, ratings.applicationNo), eq(followUps.ratingEvent, ratings.event)))
    .where(
      and(
        inCentre(ratings.centreCode, centre),
        eq(ratings.bad, true),
        sql`${ratings.ratedAt} >= ${chinaMidnight(`${month}-01`)}`,
        sql`${ratings.ratedAt} < ${chinaMidnight(nextMonthDay(month))}`,
      ),
    )
    .groupBy(ratings.centreCode);
}

type Counts = { levels: Record<RatingLevel, number>; total: number; bad: number };
const noLevels = () => Object.fromEntries(RATING_LEVELS.map((level) => [level, 0])) as Record<RatingLevel, number>;

/**
 * The month's figures of a centre and those below it: each centre's, all together, and the windows'
 * ranking. Read one after another in one read-only transaction: one connection, and one snapshot (the
 * follow-ups counted against the same bad ratings).
 */
async function publish(db: Db, centre: { code: string; name: string }, month: string, minRatings: number) {
  const { figures, handled, ranking, listed } = await db.transaction(
    async (tx) => ({
      figures: await satisfactionFigures(tx, { centre: centre.code, from: `${month}-01`, to: nextMonthDay(month), groupBy: 'centre' }),
      handled: await followUpsByCentre(tx, centre.code, month),
      ranking: await windowRanking(tx, { centre: centre.code, month, minRatings }),
      listed: await tx
        .select({ code: centres.code, name: centres.name, parentCode: centres.parentCode })
        .from(centres)
        .where(inCentre(centres.code, centre.code))
        .orderBy(asc(centres.code)),
    }),
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  // The chosen centre first, then those below it; a rating at a centre no longer listed keeps a row of its own.
  const rows = [...listed.filter((c) => c.code === centre.code), ...listed.filter((c) => c.code !== centre.code)];
  for (const f of figures) if (!rows.some((c) => c.code === f.key)) rows.push({ code: f.key, name: f.name ?? f.key, parentCode: null });
  const perCentre = rows.map((c) => {
    const f = figures.find((row) => row.key === c.code);
    const h = handled.find((row) => row.centreCode === c.code);
    const figure: Counts = f ? { levels: f.levels, total: f.total, bad: f.bad } : { levels: noLevels(), total: 0, bad: 0 };
    const rectified = h?.rectified ?? 0;
    const explained = h?.explained ?? 0;
    return {
      code: c.code,
      name: c.name,
      parentCode: c.parentCode,
      ...figure,
      satisfactionRate: satisfactionRate(figure.levels),
      followUp: { closed: rectified + explained, rectified, explained, open: figure.bad - rectified - explained, disputeUpheld: h?.disputeUpheld ?? 0 },
    };
  });
  const sum = (pick: (row: (typeof perCentre)[number]) => number) => perCentre.reduce((total, row) => total + pick(row), 0);
  const overallLevels = Object.fromEntries(RATING_LEVELS.map((level) => [level, sum((row) => row.levels[level])])) as Record<RatingLevel, number>;
  return {
    month,
    centre,
    minRatings,
    asOf: new Date().toISOString(),
    overall: {
      levels: overallLevels,
      total: sum((row) => row.total),
      bad: sum((row) => row.bad),
      satisfactionRate: satisfactionRate(overallLevels),
      followUp: {
        closed: sum((row) => row.followUp.closed),
        rectified: sum((row) => row.followUp.rectified),
        explained: sum((row) => row.followUp.explained),
        open: sum((row) => row.followUp.open),
        disputeUpheld: sum((row) => row.followUp.disputeUpheld),
      },
    },
    centres: perCentre,
    // Named fields only: nothing of who served, whatever the ranking carries.
    windows: ranking.map((w) => ({
      rank: w.rank,
      windowCode: w.windowCode,
      ...(w.name === undefined ? {} : { name: w.name }),
      centreCode: w.centreCode,
      centreName: w.centreName,
      levels: w.levels,
      total: w.total,
      bad: w.bad,
      satisfactionRate: w.satisfactionRate,
    })),
  };
}

/** How many publications are computed at once in a process (each holds one connection); the others wait their turn. */
const PUBLISHING_AT_ONCE = 2;
let publishing = 0;
const waiting: (() => void)[] = [];
async function oneOf<T>(most: number, work: () => Promise<T>): Promise<T> {
  while (publishing >= most) await new Promise<void>((resolve) => waiting.push(resolve));
  publishing += 1;
  try {
    return await work();
  } finally {
    publishing -= 1;
    waiting.shift()?.();
  }
}

const satisfactionApiRoutes: FastifyPluginAsyncZod = async (app) => {
  const settings = ratingSettings(app);
  const db = app.deps.database.db;
  // Read by anyone: a few a minute per address, counted apart from the other public routes and the rest.
  const limit = { max: settings.publicPerMinute, timeWindow: '1 minute', keyGenerator: (request: FastifyRequest) => `satisfaction:${request.ip}` };

  app.get(
    '/public/satisfaction',
    {
      schema: {
        tags: ['ratings'],
        summary:
          'A finished month’s ratings (好差评公示) at a centre and those below it, without sign-in: per centre the count per level, the satisfaction rate, the bad ratings and how they were followed up; and the windows’ ranking. No officer, applicant or comment',
        querystring: z.object({
          month,
          centre: z.string().regex(/^\d{6}$/).optional().describe('The centre (and those below it); the regional centre by default'),
          minRatings: z.coerce.number().int().min(1).max(10_000).default(1).describe('A window with fewer ratings in the month is listed, not ranked'),
        }),
        response: { 200: published, 400: errorBody, 404: errorBody, 429: errorBody, 503: errorBody },
      },
      config: { access: 'public', rateLimit: limit, examples: publicSatisfactionExamples },
    },
    async (request, reply) => {
      const current = chinaMonth.format(new Date());
      const asked = request.query.month ?? previousMonth(current);
      if (asked >= current) throw invalid('querystring.month', `must be a finished month: ${current} is the current month in China, and its figures are published once it is over`);
      const code = request.query.centre ?? (await regionalCentre(db));
      const centre = code === undefined ? undefined : await findCentre(db, code);
      if (!centre) throw notFound(`Centre ${code ?? '(the regional centre)'}`);
      // Anyone may ask: a few at a time, so that the public cannot take the connections the staff need.
      const body = await oneOf(PUBLISHING_AT_ONCE, () => publish(db, { code: centre.code, name: centre.name }, asked, request.query.minRatings));
      // A finished month's figures move only as its bad ratings' follow-ups close (set on an answer only: never on an error).
      reply.header('cache-control', 'public, max-age=300');
      return body;
    },
  );
};

/** The centre with no centre above it (the region's); the lowest code if there were several. */
async function regionalCentre(db: Db): Promise<string | undefined> {
  const [row] = await db.select({ code: centres.code }).from(centres).where(isNull(centres.parentCode)).orderBy(asc(centres.code)).limit(1);
  return row?.code;
}

const pageRoot = path.resolve(import.meta.dirname, '../../web/satisfaction');

/** The page at /satisfaction: a plain page (web/satisfaction/), no sign-in, no build step, its script and style sheet under /satisfaction/assets/. */
const satisfactionPageRoutes: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, { root: pageRoot, prefix: '/satisfaction/assets/', index: false });
  app.get('/satisfaction', { schema: { hide: true }, config: { access: 'public' } }, (_request, reply) => reply.sendFile('index.html', pageRoot));
};

/** The public satisfaction figures under /v1/public/, and the page. */
export const publicSatisfactionRoutes: FastifyPluginAsync = async (app) => {
  await app.register(satisfactionApiRoutes, { prefix: '/v1' });
  await app.register(satisfactionPageRoutes);
};

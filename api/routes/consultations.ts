/**
 * Consultations (咨询) and first-inquiry responsibility (首问负责制): the officer who first receives
 * an inquiry, at the window, by phone or online, is recorded; an application that follows it names
 * that officer first.
 */
import { desc, eq, like } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findCentre } from '../../db/catalogue.js';
import { consultations } from '../../db/schema/index.js';
import { errorBody, invalid } from '../errors.js';
import { OVERSIGHT, STAFF, WINDOW_STAFF, forbidden, scopeCentre, staffOf } from '../auth.js';
import { centrePrefix } from '../../workflows/rules/authority.js';
import { officer } from '../schemas.js';
import { iso } from '../views.js';
import { listConsultationsExamples, recordConsultationExamples } from '../examples/window.js';

const consultation = z
  .object({
    centreCode: z.string().regex(/^\d{6}$/),
    channel: z.enum(['window', 'phone', 'online']),
    itemCode: z.string().max(100).optional(),
    subject: z.string().trim().min(1).max(2000),
    inquirer: z.object({ name: z.string().trim().min(1).max(100), phone: z.string().trim().max(32).optional() }).optional(),
  })
  .meta({ id: 'Consultation' });
const consultationView = consultation.extend({ officer, id: z.number(), at: z.string(), itemCode: z.string().nullable(), inquirer: consultation.shape.inquirer.nullable() });

export const consultationRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const view = (row: typeof consultations.$inferSelect) => ({ ...row, at: iso(row.at)! });

  app.post(
    '/consultations',
    {
      schema: {
        tags: ['window'],
        summary: 'Record a consultation and the officer who first received it (首问负责制)',
        body: consultation,
        response: { 201: consultationView, 400: errorBody, 401: errorBody, 403: errorBody },
      },
      config: { access: WINDOW_STAFF, examples: recordConsultationExamples },
    },
    async (request, reply) => {
      if (!(await findCentre(db, request.body.centreCode))) throw invalid('body.centreCode', `unknown centre ${request.body.centreCode}`);
      const officer = staffOf(request);
      if (officer.centreCode !== request.body.centreCode) throw forbidden(`${officer.id} receives consultations at centre ${officer.centreCode} only`);
      // The officer who first received it is the one signed in.
      const [row] = await db.insert(consultations).values({ ...request.body, officer: { id: officer.id, name: officer.name, ...(officer.windowCode ? { windowCode: officer.windowCode } : {}) } }).returning();
      return reply.status(201).send(view(row));
    },
  );

  app.get(
    '/consultations',
    {
      schema: {
        tags: ['window'],
        summary: 'Consultations of a centre, newest first',
        querystring: z.object({ centre: z.string().optional() }),
        response: { 200: z.object({ consultations: z.array(consultationView) }) },
      },
      config: { access: STAFF, examples: listConsultationsExamples },
    },
    async (request) => ({
      consultations: (
        await db
          .select()
          .from(consultations)
          .where(consultationScope(request, request.query.centre))
          .orderBy(desc(consultations.id))
          .limit(500)
      ).map(view),
    }),
  );
};

/** A window reads its own centre's consultations; supervisors and administrators their centre's and those below. */
function consultationScope(request: FastifyRequest, asked: string | undefined) {
  const officer = staffOf(request);
  if (OVERSIGHT.includes(officer.role)) return like(consultations.centreCode, `${centrePrefix(scopeCentre(request, asked, 'read consultations'))}%`);
  if (asked && asked !== officer.centreCode) throw forbidden(`${officer.id} reads the consultations of centre ${officer.centreCode} only`);
  return eq(consultations.centreCode, officer.centreCode);
}

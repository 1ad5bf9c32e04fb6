/**
 * Accountability cases (责任追究): opened by red alerts, moved by supervisors of the centre or a centre
 * above it: open → explanation received → closed with an outcome. Every step is kept.
 */
import { and, asc, desc, eq, like } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CASE_STATUSES, accountabilityCases, caseSteps } from '../../db/schema/index.js';
import { centrePrefix } from '../../db/catalogue.js';
import { OVERSIGHT, recordedActor, requireCentre, scopeCentre } from '../auth.js';
import { HttpError, errorBody, notFound } from '../errors.js';
import { applicationUrl, iso } from '../views.js';
import { CASE_LEVELS } from '../../workflows/rules/alerts.js';

const officer = z.object({ id: z.string(), name: z.string().optional() });
const step = z.object({ at: z.string(), actor: officer, status: z.enum(CASE_STATUSES), note: z.string(), outcome: z.string().nullable() });
const caseView = z
  .object({
    id: z.string(),
    applicationNo: z.string(),
    applicationUrl: z.string(),
    level: z.enum(CASE_LEVELS),
    centreCode: z.string(),
    department: z.string().nullable(),
    responsible: z.array(officer),
    status: z.enum(CASE_STATUSES),
    outcome: z.string().nullable(),
    openedAt: z.string(),
    closedAt: z.string().nullable(),
    steps: z.array(step).optional(),
  })
  .meta({ id: 'AccountabilityCase' });

/** The only ways a case moves. */
const NEXT: Record<(typeof CASE_STATUSES)[number], (typeof CASE_STATUSES)[number] | undefined> = {
  open: 'explanation_received',
  explanation_received: 'closed',
  closed: undefined,
};

export const caseRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const view = (row: typeof accountabilityCases.$inferSelect) => ({
    ...row,
    applicationUrl: applicationUrl(row.applicationNo),
    openedAt: iso(row.openedAt)!,
    closedAt: iso(row.closedAt),
  });

  app.get(
    '/cases',
    {
      schema: {
        tags: ['supervision'],
        summary: 'Accountability cases, newest first, of a centre and the centres below it',
        querystring: z.object({
          centre: z.string().regex(/^\d{6}$/).optional(),
          status: z.enum(CASE_STATUSES).optional(),
          application: z.string().optional().describe('The cases of one application'),
        }),
        response: { 200: z.object({ cases: z.array(caseView) }), 400: errorBody },
      }, config: { access: OVERSIGHT },
    },
    async (request) => {
      const { status, application } = request.query;
      const centre = scopeCentre(request, request.query.centre, 'read accountability cases');
      const rows = await db
        .select()
        .from(accountabilityCases)
        .where(
          and(
            like(accountabilityCases.centreCode, `${centrePrefix(centre)}%`),
            status ? eq(accountabilityCases.status, status) : undefined,
            application ? eq(accountabilityCases.applicationNo, application) : undefined,
          ),
        )
        .orderBy(desc(accountabilityCases.openedAt), desc(accountabilityCases.id))
        .limit(500);
      return { cases: rows.map(view) };
    },
  );

  app.get(
    '/cases/:id',
    { schema: { tags: ['supervision'], params: z.object({ id: z.string() }), response: { 200: caseView, 404: errorBody } }, config: { access: OVERSIGHT } },
    async (request) => {
      const [row] = await db.select().from(accountabilityCases).where(eq(accountabilityCases.id, request.params.id));
      if (!row) throw notFound(`Case ${request.params.id}`);
      requireCentre(request, row.centreCode, `read case ${row.id}`);
      const steps = await db.select().from(caseSteps).where(eq(caseSteps.caseId, row.id)).orderBy(asc(caseSteps.id));
      return { ...view(row), steps: steps.map((s) => ({ ...s, at: iso(s.at)! })) };
    },
  );

  app.post(
    '/cases/:id/steps',
    {
      schema: {
        tags: ['supervision'],
        summary: 'Move a case on: explanation_received, then closed with an outcome (supervisors)',
        params: z.object({ id: z.string() }),
        body: z
          .object({
            status: z.enum(['explanation_received', 'closed']),
            note: z.string().trim().min(1).max(4000),
            outcome: z.string().trim().min(1).max(500).optional().describe('How the case was handled; required to close it'),
          })
          .refine((b) => b.status !== 'closed' || !!b.outcome, { path: ['outcome'], message: 'closing a case needs an outcome' }),
        response: { 200: caseView, 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody },
      }, config: { access: ['supervisor'] },
    },
    async (request) => {
      const actor = recordedActor(request);
      const { status, note, outcome } = request.body;
      return db.transaction(async (tx) => {
        const [row] = await tx.select().from(accountabilityCases).where(eq(accountabilityCases.id, request.params.id)).for('update');
        if (!row) throw notFound(`Case ${request.params.id}`);
        requireCentre(request, row.centreCode, `handle case ${row.id}`);
        request.auditCentre = row.centreCode;
        if (NEXT[row.status] !== status) {
          throw new HttpError(409, 'wrong_case_status', `Case ${row.id} is ${row.status}; it can move only to ${NEXT[row.status] ?? 'nothing (closed)'}`);
        }
        const closing = status === 'closed';
        const [updated] = await tx
          .update(accountabilityCases)
          .set({ status, outcome: closing ? outcome : row.outcome, closedAt: closing ? new Date().toISOString() : null })
          .where(eq(accountabilityCases.id, row.id))
          .returning();
        await tx.insert(caseSteps).values({ caseId: row.id, actor: { id: actor.id, name: actor.name }, status, note, outcome: outcome ?? null });
        return view(updated);
      });
    },
  );
};

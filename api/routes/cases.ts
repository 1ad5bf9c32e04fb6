/**
 * Accountability cases (责任追究): a red alert opens one by itself; a supervisor may open one from any
 * alert or for an application. Supervisors of the centre or a centre above it move it on: open →
 * explanation received → closed with an outcome. Every step is kept.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CASE_STATUSES } from '../../db/schema/index.js';
import { CASE_FILTERS, NEXT, type CaseRow, findAlert, findApplication, findCase, listCases, moveCase, openCase, responsibleFor, stepsOf } from '../../db/cases.js';
import { OVERSIGHT, recordedActor, requireCentre, scopeCentre } from '../auth.js';
import { HttpError, errorBody, notFound } from '../errors.js';
import { applicationUrl, iso } from '../views.js';
import { ALERT_LEVELS } from '../../workflows/messages.js';
import { caseStepExamples, getCaseExamples, listCasesExamples, openCaseExamples } from '../examples/supervision.js';

const officer = z.object({ id: z.string(), name: z.string().optional() });
const step = z.object({ at: z.string(), actor: officer, status: z.enum(CASE_STATUSES), note: z.string(), outcome: z.string().nullable() });
const caseView = z
  .object({
    id: z.string(),
    applicationNo: z.string().nullable().describe('Null for a case a complaint about an officer, a window or a centre opened'),
    applicationUrl: z.string().nullable(),
    followUpId: z.string().nullable().describe('The follow-up (督办) of a bad rating or complaint that opened it: GET /v1/follow-ups/{id}'),
    alertSeq: z.number().int().nullable().describe('The alert it was opened from; null for a case opened for the application itself'),
    level: z.enum(ALERT_LEVELS).nullable().describe("The alert's level; null for a case opened for the application itself"),
    centreCode: z.string(),
    department: z.string().nullable(),
    responsible: z.array(officer),
    status: z.enum(CASE_STATUSES),
    outcome: z.string().nullable(),
    openedBy: officer.nullable().describe('The supervisor who opened it; null when a red alert opened it'),
    openedAt: z.string(),
    closedAt: z.string().nullable(),
    steps: z.array(step).optional(),
  })
  .meta({ id: 'AccountabilityCase' });

const view = (row: CaseRow) => ({
  ...row,
  applicationUrl: row.applicationNo && applicationUrl(row.applicationNo),
  openedAt: iso(row.openedAt)!,
  closedAt: iso(row.closedAt),
});

export const caseRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;

  app.get(
    '/cases',
    {
      schema: {
        tags: ['supervision'],
        summary: 'Accountability cases, newest first, of a centre and the centres below it',
        querystring: z.object({
          centre: z.string().regex(/^\d{6}$/).optional(),
          status: z.enum(CASE_FILTERS).optional().describe('`pending`: every case not closed (open or explanation received)'),
          application: z.string().optional().describe('The cases of one application'),
        }),
        response: { 200: z.object({ cases: z.array(caseView) }), 400: errorBody },
      },
      config: { access: OVERSIGHT, examples: listCasesExamples },
    },
    async (request) => {
      const centre = scopeCentre(request, request.query.centre, 'read accountability cases');
      return { cases: (await listCases(db, { ...request.query, centre })).map(view) };
    },
  );

  app.post(
    '/cases',
    {
      schema: {
        tags: ['supervision'],
        summary: 'Open a case from an alert (its seq) or for an application (supervisors of its centre or above)',
        body: z.object({
          applicationNo: z.string().trim().min(1).max(64),
          alertSeq: z.number().int().min(0).optional().describe('The alert to open it from; without it, the case is about the application'),
          note: z.string().trim().min(1).max(4000).describe('Why the case is opened'),
        }),
        response: { 201: caseView, 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody },
      },
      config: { access: ['supervisor'], examples: openCaseExamples },
    },
    async (request, reply) => {
      const actor = recordedActor(request);
      const { applicationNo, alertSeq, note } = request.body;
      const application = await findApplication(db, applicationNo);
      if (!application) throw notFound(`Application ${applicationNo}`);
      const alert = alertSeq === undefined ? undefined : await findAlert(db, applicationNo, alertSeq);
      if (alertSeq !== undefined && !alert) throw notFound(`Alert ${alertSeq} of application ${applicationNo}`);
      const centreCode = alert?.centreCode ?? application.centreCode;
      requireCentre(request, centreCode, `open a case at centre ${centreCode}`);
      request.auditCentre = centreCode;
      const source = alert ? { kind: 'alert' as const, alert } : { kind: 'application' as const, application, responsible: await responsibleFor(db, application) };
      const opened = await openCase(db, source, { id: actor.id, name: actor.name }, note);
      if (!opened) {
        const id = `${applicationNo}/${alertSeq}`;
        throw new HttpError(409, 'case_exists', `Alert ${alertSeq} of application ${applicationNo} already has case ${id}`, [{ field: 'alertSeq', message: `already has case ${id}` }]);
      }
      return reply.status(201).send(view(opened));
    },
  );

  app.get(
    '/cases/:id',
    {
      schema: { tags: ['supervision'], params: z.object({ id: z.string() }), response: { 200: caseView, 404: errorBody } },
      config: { access: OVERSIGHT, examples: getCaseExamples },
    },
    async (request) => {
      const row = await findCase(db, request.params.id);
      if (!row) throw notFound(`Case ${request.params.id}`);
      requireCentre(request, row.centreCode, `read case ${row.id}`);
      const steps = await stepsOf(db, row.id);
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
      },
      config: { access: ['supervisor'], examples: caseStepExamples },
    },
    async (request) => {
      const actor = recordedActor(request);
      const { status, note, outcome } = request.body;
      return db.transaction(async (tx) => {
        const row = await findCase(tx, request.params.id, true);
        if (!row) throw notFound(`Case ${request.params.id}`);
        requireCentre(request, row.centreCode, `handle case ${row.id}`);
        request.auditCentre = row.centreCode;
        if (NEXT[row.status] !== status) {
          throw new HttpError(409, 'wrong_case_status', `Case ${row.id} is ${row.status}; it can move only to ${NEXT[row.status] ?? 'nothing (closed)'}`);
        }
        return view(await moveCase(tx, row, { status, note, outcome, actor: { id: actor.id, name: actor.name } }));
      });
    },
  );
};

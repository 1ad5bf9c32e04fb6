/**
 * The working-day calendar: "when is this due?" for integrators and applicants (the same arithmetic
 * the workflows use), the calendar itself, and administrators loading each year's notice and local
 * days off.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findCentre } from '../../db/catalogue.js';
import { addLocalDaysOff, calendarSnapshot, listCalendar, loadNationalYear } from '../../db/calendar.js';
import { recordChange } from '../../db/catalogue-writes.js';
import { and, eq } from 'drizzle-orm';
import { applications } from '../../db/schema/index.js';
import { recalculateSignal } from '../../workflows/messages.js';
import { WorkingCalendar, chinaDate, spanFor } from '../../workflows/rules/working-days.js';
import { recordedActor, requireCentre, requireRegion } from '../auth.js';
import { errorBody, invalid, notFound } from '../errors.js';

const tags = ['calendar'];
const day = z.iso.date();
const namedDay = z.object({ date: day, name: z.string().trim().min(1).max(100) });
/** A list of days, each at most once. */
const days = (max: number, min = 0) =>
  z
    .array(namedDay)
    .min(min)
    .max(max)
    .refine((list) => new Set(list.map((d) => d.date)).size === list.length, { message: 'names a day more than once' });

export const calendarRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;

  app.get(
    '/calendar/due',
    {
      schema: {
        tags,
        summary: 'When a limit of n working days counted from an instant ends, at a centre',
        querystring: z.object({
          from: z.iso.datetime({ offset: true }).describe('The instant of acceptance (ISO-8601)'),
          workingDays: z.coerce.number().int().min(0).max(365),
          centre: z.string().min(1).max(16),
        }),
        response: {
          200: z.object({
            from: z.string(),
            workingDays: z.number(),
            centre: z.string(),
            lastWorkingDay: z.string().describe('The limit’s last working day (China time)'),
            due: z.string().describe('The instant the limit ends: the end of its last working day'),
            provisional: z.boolean().describe('True when it falls beyond the published holiday calendars'),
          }),
          400: errorBody,
        },
      }, config: { access: 'public' },
    },
    async (request) => {
      const { from, workingDays, centre } = request.query;
      if (!(await findCentre(db, centre))) throw invalid('querystring.centre', `unknown centre ${centre}`);
      const calendar = new WorkingCalendar(await calendarSnapshot(db, centre, chinaDate(from), spanFor(workingDays)));
      const { lastDay, due, provisional } = calendar.due(from, workingDays);
      return { from: new Date(from).toISOString(), workingDays, centre, lastWorkingDay: lastDay, due, provisional };
    },
  );

  app.get(
    '/calendar/:year',
    {
      schema: {
        tags,
        summary: 'A year’s holidays and adjusted working days (national, and a centre’s own with ?centre=)',
        params: z.object({ year: z.coerce.number().int().min(2000).max(2100) }),
        querystring: z.object({ centre: z.string().optional() }),
        response: {
          200: z.object({
            year: z.number(),
            published: z.boolean(),
            days: z.array(z.object({ scope: z.string(), day: z.string(), kind: z.string(), name: z.string(), source: z.string() })),
          }),
        },
      }, config: { access: 'public' },
    },
    async (request) => ({ year: request.params.year, ...(await listCalendar(db, request.params.year, request.query.centre)) }),
  );

  app.put(
    '/calendar/:year',
    {
      schema: {
        tags,
        summary: 'Load a year’s State Council holiday notice, replacing that year’s national days (administrators)',
        params: z.object({ year: z.coerce.number().int().min(2000).max(2100) }),
        body: z.object({
          source: z.string().trim().min(1).max(500).describe('The notice, e.g. 国务院办公厅关于2027年部分节假日安排的通知'),
          daysOff: days(60),
          workingWeekends: days(30),
        }).refine((b) => !b.daysOff.some((d) => b.workingWeekends.some((w) => w.date === d.date)), {
          path: ['workingWeekends'],
          message: 'names a day that daysOff names too',
        }),
        response: {
          200: z.object({
            year: z.number(),
            daysOff: z.number(),
            workingWeekends: z.number(),
            recalculated: z.number().describe('Running applications with provisional due instants, each asked (durably) to compute them again'),
          }),
          400: errorBody,
          403: errorBody,
        },
      }, config: { access: ['centre_administrator'] },
    },
    async (request) => {
      requireRegion(request, 'load the national calendar');
      const actor = recordedActor(request);
      const { year } = request.params;
      const { source, daysOff, workingWeekends } = request.body;
      for (const [field, list] of Object.entries({ daysOff, workingWeekends })) {
        list.forEach((d, i) => {
          if (!d.date.startsWith(`${year}-`)) throw invalid(`body.${field}.${i}.date`, `${d.date} is not in ${year}`);
        });
      }
      const days = [
        ...daysOff.map((d) => ({ day: d.date, kind: 'day_off' as const, name: d.name })),
        ...workingWeekends.map((d) => ({ day: d.date, kind: 'working_day' as const, name: d.name })),
      ];
      await db.transaction(async (tx) => {
        const before = await loadNationalYear(tx, year, days.map((d) => ({ ...d, source })), source, actor);
        await recordChange(tx, actor, 'calendar', `CN/${year}`, 'update', before, days);
      });
      // Due instants that fell beyond the published calendar are computed again by their workflows.
      const provisional = await db
        .select({ no: applications.applicationNo })
        .from(applications)
        .where(and(eq(applications.stage, 'in_review'), eq(applications.dueProvisional, true)));
      let recalculated = 0;
      for (const { no } of provisional) {
        try {
          await app.deps.temporal.client.workflow.getHandle(no).signal(recalculateSignal);
          recalculated += 1;
        } catch (err) {
          // Closed in the meantime: nothing left to recompute.
          request.log.warn({ err, applicationNo: no }, 'could not ask for due instants to be recalculated');
        }
      }
      return { year, daysOff: daysOff.length, workingWeekends: workingWeekends.length, recalculated };
    },
  );

  app.post(
    '/calendar/centres/:code/days-off',
    {
      schema: {
        tags,
        summary: 'Add local days off of a centre; they count for it and the centres below it (administrators)',
        params: z.object({ code: z.string() }),
        body: z.object({ source: z.string().trim().min(1).max(500), days: days(30, 1) }),
        response: { 200: z.object({ centre: z.string(), added: z.number() }), 400: errorBody, 403: errorBody, 404: errorBody },
      }, config: { access: ['centre_administrator'] },
    },
    async (request) => {
      const { code } = request.params;
      if (!(await findCentre(db, code))) throw notFound(`Centre ${code}`);
      requireCentre(request, code, 'add days off');
      request.auditCentre = code;
      const actor = recordedActor(request);
      const days = request.body.days.map((d) => ({ day: d.date, name: d.name }));
      await db.transaction(async (tx) => {
        await addLocalDaysOff(tx, code, days, request.body.source);
        await recordChange(tx, actor, 'calendar', code, 'update', null, days);
      });
      return { centre: code, added: days.length };
    },
  );
};

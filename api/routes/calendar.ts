/**
 * The working-day calendar: "when is this due?" for integrators and applicants (the same arithmetic
 * the workflows use), the calendar itself, and administrators loading each year's national notice, a
 * region's notice of its own holidays, and local days off. Whatever changes the calendar asks the
 * running applications it touches to compute their due instants again.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findCentre } from '../../db/catalogue.js';
import {
  addLocalDaysOff,
  calendarSnapshot,
  listCalendar,
  loadNationalYear,
  loadRegionalNotice,
  runningApplicationsSpanning,
} from '../../db/calendar.js';
import { recordChange } from '../../db/catalogue-writes.js';
import { and, eq } from 'drizzle-orm';
import { applications } from '../../db/schema/index.js';
import { recalculateSignal } from '../../workflows/messages.js';
import { WorkingCalendar, chinaDate, spanFor } from '../../workflows/rules/working-days.js';
import { centrePrefix } from '../../workflows/rules/authority.js';
import { SYSTEM_ADMINISTRATORS, recordedActor, requireCentre, requireRegion } from '../auth.js';
import { errorBody, invalid, notFound } from '../errors.js';
import { calendarExamples, daysOffExamples, dueExamples, nationalYearExamples, regionalNoticeExamples } from '../examples/calendar.js';

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

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const weekdayOf = (date: string) => WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()];
const recalculatedAnswer = z.number().describe('Running applications it touches, each asked (durably) to compute its due instants again');

/** Refuses any day of a notice outside its year, naming the field. */
function requireInYear(year: number, lists: Record<string, { date: string }[]>): void {
  for (const [field, list] of Object.entries(lists)) {
    list.forEach((d, i) => {
      if (!d.date.startsWith(`${year}-`)) throw invalid(`body.${field}.${i}.date`, `${d.date} is not in ${year}`);
    });
  }
}

export const calendarRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;

  /** Signals each application's workflow to recompute its due instants; returns how many were asked. */
  async function askToRecalculate(applicationNos: string[], log: FastifyBaseLogger): Promise<number> {
    let asked = 0;
    for (const no of applicationNos) {
      try {
        await app.deps.temporal.client.workflow.getHandle(no).signal(recalculateSignal);
        asked += 1;
      } catch (err) {
        // Closed in the meantime: nothing left to recompute.
        log.warn({ err, applicationNo: no }, 'could not ask for due instants to be recalculated');
      }
    }
    return asked;
  }

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
      },
      config: { access: 'public', examples: dueExamples },
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
        summary: 'A year’s holidays and adjusted working days: national, and with ?centre= every day that counts there (its region’s notice, its own days off and those of the centres above it)',
        params: z.object({ year: z.coerce.number().int().min(2000).max(2100) }),
        querystring: z.object({ centre: z.string().optional() }),
        response: {
          200: z.object({
            year: z.number(),
            published: z.boolean(),
            days: z.array(z.object({ scope: z.string(), day: z.string(), kind: z.string(), name: z.string(), source: z.string() })),
            regionalNotices: z
              .array(z.object({ region: z.string(), source: z.string(), loadedAt: z.string() }))
              .describe('The regional notices loaded for the year (with ?centre=, its region’s)'),
          }),
        },
      },
      config: { access: 'public', examples: calendarExamples },
    },
    async (request) => ({ year: request.params.year, ...(await listCalendar(db, request.params.year, request.query.centre)) }),
  );

  app.put(
    '/calendar/:year',
    {
      schema: {
        tags,
        summary: 'Load a year’s State Council holiday notice, replacing that year’s national days (system administrators)',
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
      },
      config: { access: SYSTEM_ADMINISTRATORS, examples: nationalYearExamples },
    },
    async (request) => {
      requireRegion(request, 'load the national calendar');
      const actor = recordedActor(request);
      const { year } = request.params;
      const { source, daysOff, workingWeekends } = request.body;
      requireInYear(year, { daysOff, workingWeekends });
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
      const recalculated = await askToRecalculate(provisional.map((p) => p.no), request.log);
      return { year, daysOff: daysOff.length, workingWeekends: workingWeekends.length, recalculated };
    },
  );

  app.put(
    '/calendar/regions/:region/:year',
    {
      schema: {
        tags,
        summary: 'Load a region’s notice of its own holidays for a year (e.g. 广西壮族三月三), replacing the region’s days of that year (its regional system administrators)',
        params: z.object({ region: z.string().min(1).max(16), year: z.coerce.number().int().min(2000).max(2100) }),
        body: z
          .object({
            source: z.string().trim().min(1).max(500).describe('The notice, e.g. 广西壮族自治区人民政府办公厅关于2026年广西三月三放假的通知'),
            daysOff: days(30, 1).describe('Every day off the notice gives, 补休 included (weekend days may be named too)'),
            workingWeekends: days(10).default([]).describe('Weekend days the notice makes working days (调休), if any'),
          })
          .refine((b) => !b.daysOff.some((d) => b.workingWeekends.some((w) => w.date === d.date)), {
            path: ['workingWeekends'],
            message: 'names a day that daysOff names too',
          }),
        response: {
          200: z.object({ region: z.string(), year: z.number(), daysOff: z.number(), workingWeekends: z.number(), recalculated: recalculatedAnswer }),
          400: errorBody,
          403: errorBody,
          404: errorBody,
        },
      },
      config: { access: SYSTEM_ADMINISTRATORS, examples: regionalNoticeExamples },
    },
    async (request) => {
      const { region, year } = request.params;
      requireRegion(request, 'load a regional notice');
      const centre = await findCentre(db, region);
      if (!centre) throw notFound(`Centre ${region}`);
      if (centrePrefix(region).length > 2) {
        throw invalid('params.region', `${region} is a ${centre.level} centre, not a region: its own days off go to POST /v1/calendar/centres/${region}/days-off`);
      }
      requireCentre(request, region, 'load a regional notice');
      request.auditCentre = region;
      const actor = recordedActor(request);
      const { source, daysOff, workingWeekends } = request.body;
      requireInYear(year, { daysOff, workingWeekends });
      workingWeekends.forEach((d, i) => {
        const weekday = weekdayOf(d.date);
        if (weekday !== 'Saturday' && weekday !== 'Sunday') throw invalid(`body.workingWeekends.${i}.date`, `${d.date} is a ${weekday}: only a weekend day can be made a working day`);
      });
      const days = [
        ...daysOff.map((d) => ({ day: d.date, kind: 'day_off' as const, name: d.name })),
        ...workingWeekends.map((d) => ({ day: d.date, kind: 'working_day' as const, name: d.name })),
      ];
      await db.transaction(async (tx) => {
        const before = await loadRegionalNotice(tx, region, year, days, source, actor);
        await recordChange(tx, actor, 'calendar', `${region}/${year}`, 'update', before, days);
      });
      // Every running application in the region whose clock reaches into the year: its days changed.
      const running = await runningApplicationsSpanning(db, region, `${year}-01-01`, `${year}-12-31`);
      const recalculated = await askToRecalculate(running, request.log);
      return { region, year, daysOff: daysOff.length, workingWeekends: workingWeekends.length, recalculated };
    },
  );

  app.post(
    '/calendar/centres/:code/days-off',
    {
      schema: {
        tags,
        summary: 'Add local days off of a centre; they count for it and the centres below it (system administrators)',
        params: z.object({ code: z.string() }),
        body: z.object({ source: z.string().trim().min(1).max(500), days: days(30, 1) }),
        response: { 200: z.object({ centre: z.string(), added: z.number(), recalculated: recalculatedAnswer }), 400: errorBody, 403: errorBody, 404: errorBody },
      },
      config: { access: SYSTEM_ADMINISTRATORS, examples: daysOffExamples },
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
      const sorted = days.map((d) => d.day).sort();
      const running = await runningApplicationsSpanning(db, code, sorted[0], sorted[sorted.length - 1]);
      return { centre: code, added: days.length, recalculated: await askToRecalculate(running, request.log) };
    },
  );
};

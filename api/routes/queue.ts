/**
 * A window's queue (窗口待办): what its department must do at the window of its centre. Take in what
 * was submitted (受理), receive what the applicant was asked to supplement (补正), restart a clock that
 * stands still, and hand over what was completed (取件); the nearest due instant first.
 */
import { and, asc, eq, inArray, isNotNull, or } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { calendarSnapshot } from '../../db/calendar.js';
import type { Db } from '../../db/client.js';
import { requiredMaterials } from '../../db/item-definition.js';
import { applications, itemVersions, items } from '../../db/schema/index.js';
import { WorkingCalendar, chinaDate, spanFor } from '../../workflows/rules/working-days.js';
import { STAGES } from '../../workflows/messages.js';
import { WINDOW_STAFF, staffOf } from '../auth.js';
import { errorBody } from '../errors.js';
import { applicationUrl, iso } from '../views.js';
import { queueExamples } from '../examples/window.js';

/**
 * Administrative Licensing Law art. 32: incomplete materials are named, all at once, on the spot or
 * within five days (working days, art. 82), or the application counts as accepted from its receipt.
 */
export const INTAKE_LIMIT_WORKING_DAYS = 5;

const TASKS = ['intake', 'supplement', 'clock_stopped', 'pickup'] as const;

const queueItem = z
  .object({
    applicationNo: z.string(),
    url: z.string(),
    task: z.enum(TASKS).describe('intake (受理), supplement (补正 awaited), clock_stopped (a review’s clock stands still), pickup (取件)'),
    stage: z.enum(STAGES),
    itemCode: z.string(),
    itemName: z.string(),
    itemNameEn: z.string(),
    major: z.boolean(),
    applicantName: z.string(),
    submittedAt: z.string(),
    acceptedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    stoppedSince: z.string().nullable(),
    dueAt: z
      .string()
      .nullable()
      .describe('Intake: the end of the 5th working day after submission (art. 32); a stopped clock: the promised limit; none while the applicant supplements or for a pickup'),
    dueLastDay: z.string().nullable().describe('The last working day of dueAt (China time): the date to show'),
    materials: z.array(z.string()).describe('What the applicant has handed in'),
    requiredMaterials: z.array(z.string()).describe('The item’s checklist, as the application was submitted'),
    missingMaterials: z.array(z.string()).describe('Required materials not handed in yet'),
  })
  .meta({ id: 'WindowQueueItem' });

export const queueRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/window/queue',
    {
      schema: {
        tags: ['window'],
        summary: 'The window’s queue: what its department takes in, awaits a supplement for, restarts or hands over at its centre, the nearest due instant first',
        response: { 200: z.object({ department: z.string(), centreCode: z.string(), items: z.array(queueItem) }), 401: errorBody, 403: errorBody, 503: errorBody },
      },
      config: { access: WINDOW_STAFF, examples: queueExamples },
    },
    async (request) => {
      const officer = staffOf(request);
      const department = officer.departmentCode ?? '';
      return { department, centreCode: officer.centreCode, items: await windowQueue(app.deps.database.db, department, officer.centreCode) };
    },
  );
};

const lastDayOf = (due: string) => chinaDate(new Date(Date.parse(due) - 1));

export async function windowQueue(db: Db, department: string, centreCode: string) {
  const rows = await db
    .select({ application: applications, itemName: items.name, itemNameEn: items.nameEn, definition: itemVersions.definition })
    .from(applications)
    .innerJoin(items, eq(items.code, applications.itemCode))
    .leftJoin(itemVersions, and(eq(itemVersions.itemCode, applications.itemCode), eq(itemVersions.version, applications.itemVersion)))
    .where(
      and(
        eq(applications.centreCode, centreCode),
        eq(applications.leadDepartment, department),
        or(
          inArray(applications.stage, ['submitted', 'supplement_requested', 'completed']),
          and(eq(applications.stage, 'in_review'), isNotNull(applications.stoppedSince)),
        ),
      ),
    )
    .orderBy(asc(applications.submittedAt))
    .limit(500);

  const submitted = rows.filter((r) => r.application.stage === 'submitted');
  let calendar: WorkingCalendar | undefined;
  if (submitted.length > 0) {
    const from = chinaDate(submitted[0].application.submittedAt);
    const span = Math.max(0, (Date.now() - Date.parse(submitted[0].application.submittedAt)) / 86_400_000);
    calendar = new WorkingCalendar(await calendarSnapshot(db, centreCode, from, Math.ceil(span) + spanFor(INTAKE_LIMIT_WORKING_DAYS)));
  }

  const queue = rows.map(({ application: a, itemName, itemNameEn, definition }) => {
    const required = definition ? requiredMaterials(definition) : [];
    const task = a.stage === 'submitted' ? 'intake' : a.stage === 'supplement_requested' ? 'supplement' : a.stage === 'completed' ? 'pickup' : 'clock_stopped';
    // Intake has art. 32's limit, a stopped review its promised limit (moved on when it restarts); the
    // applicant's turn (a supplement) and a pickup have none of the window's.
    const dueAt = task === 'intake' ? calendar!.due(a.submittedAt, INTAKE_LIMIT_WORKING_DAYS).due : task === 'clock_stopped' ? iso(a.promisedDueAt) : null;
    return {
      applicationNo: a.applicationNo,
      url: applicationUrl(a.applicationNo),
      task: task as (typeof TASKS)[number],
      stage: a.stage as (typeof STAGES)[number],
      itemCode: a.itemCode,
      itemName,
      itemNameEn,
      major: a.major,
      applicantName: a.applicant.name,
      submittedAt: iso(a.submittedAt)!,
      acceptedAt: iso(a.acceptedAt),
      completedAt: iso(a.completedAt),
      stoppedSince: iso(a.stoppedSince),
      dueAt,
      dueLastDay: dueAt ? lastDayOf(dueAt) : null,
      materials: a.materials,
      requiredMaterials: required,
      missingMaterials: required.filter((m) => !a.materials.includes(m)),
    };
  });
  // The nearest due instant first; without one (awaiting the applicant, completed), the oldest first.
  return queue.sort((x, y) => (x.dueAt ?? '\uffff').localeCompare(y.dueAt ?? '\uffff') || x.submittedAt.localeCompare(y.submittedAt));
}

/** The read model's queries: what the API lists and shows. */
import { type AnyColumn, and, asc, desc, eq, exists, like, or, sql, type SQL } from 'drizzle-orm';
import { centrePrefix, inCentre, submittedAsCategory } from './catalogue.js';
import type { Db } from './client.js';
import { alerts, applicationCounters, applications, consultations, events, items, reviews, submissions } from './schema/index.js';
import type { ApplicationInput, ItemCategory } from '../workflows/messages.js';

/**
 * Descending as the indexes are built (`.desc()` in db/schema is DESC NULLS LAST). A plain `desc()` is
 * NULLS FIRST, which no index serves: PostgreSQL then sorts the whole table (484 ms at one million
 * applications instead of 0.3 ms; BENCHMARKS.md, dashboard queries).
 */
const newestFirst = (column: AnyColumn) => sql`${column} desc nulls last`;

export type ApplicationRow = typeof applications.$inferSelect;
export type ReviewRow = typeof reviews.$inferSelect;
export type AlertRow = typeof alerts.$inferSelect;

export async function findApplication(db: Db, applicationNo: string) {
  // One query (the reviews and alerts aggregated beside the row), not three: every window action reads it twice.
  const found = await db.query.applications.findFirst({
    where: eq(applications.applicationNo, applicationNo),
    with: {
      reviews: { orderBy: [asc(reviews.step), asc(reviews.department)] },
      alerts: { orderBy: [asc(alerts.seq)] },
    },
  });
  if (!found) return undefined;
  const { reviews: rows, alerts: raised, ...row } = found;
  return { row, reviews: rows, alerts: raised };
}

export interface ApplicationFilter {
  centre?: string;
  /** With `centre`: also the centres below it (GB/T 2260 codes nest). */
  within?: boolean;
  stage?: string;
  item?: string;
  /** Only applications submitted under an item version of this category. */
  category?: ItemCategory;
  department?: string;
  /** Only what a department handles at a centre: takes in there, or reviews there. */
  handledBy?: { department: string; centre: string };
  /** Only what this caller submitted (`integrator:<key id>` or `officer:<id>`). */
  submittedBy?: string;
  /** Position after which to continue: the last row of the previous page. */
  after?: { submittedAt: string; applicationNo: string };
  limit: number;
}

/** Newest first, keyset-paginated on (submitted_at, application_no) so pages stay stable under inserts. */
export async function listApplications(db: Db, filter: ApplicationFilter): Promise<ApplicationRow[]> {
  const conditions: SQL[] = [];
  if (filter.centre) {
    conditions.push(filter.within ? like(applications.centreCode, `${centrePrefix(filter.centre)}%`) : eq(applications.centreCode, filter.centre));
  }
  if (filter.stage) conditions.push(eq(applications.stage, filter.stage));
  if (filter.submittedBy) conditions.push(eq(applications.submittedBy, filter.submittedBy));
  if (filter.handledBy) {
    const { department, centre } = filter.handledBy;
    const reviewsThere = sql`${applications.plannedReviews} @> ${JSON.stringify([{ department, centreCode: centre }])}::jsonb`;
    conditions.push(or(and(eq(applications.centreCode, centre), eq(applications.leadDepartment, department)), reviewsThere)!);
  }
  if (filter.item) conditions.push(eq(applications.itemCode, filter.item));
  if (filter.category) conditions.push(submittedAsCategory(filter.category));
  if (filter.department) {
    const reviewedBy = db
      .select({ one: sql`1` })
      .from(reviews)
      .where(and(eq(reviews.applicationNo, applications.applicationNo), eq(reviews.department, filter.department)));
    conditions.push(or(eq(applications.leadDepartment, filter.department), exists(reviewedBy))!);
  }
  if (filter.after) {
    conditions.push(
      sql`(${applications.submittedAt}, ${applications.applicationNo}) < (${filter.after.submittedAt}::timestamptz, ${filter.after.applicationNo})`,
    );
  }
  return db
    .select()
    .from(applications)
    .where(and(...conditions))
    .orderBy(newestFirst(applications.submittedAt), newestFirst(applications.applicationNo))
    .limit(filter.limit);
}

/** A department's window inbox: its open review tasks, the nearest promised limit first (then the oldest). */
export async function openReviewTasks(db: Db, department: string, centre?: string) {
  return db
    .select({ review: reviews, application: applications, itemName: items.name })
    .from(reviews)
    .innerJoin(applications, eq(applications.applicationNo, reviews.applicationNo))
    .innerJoin(items, eq(items.code, applications.itemCode))
    .where(
      and(
        eq(reviews.department, department),
        eq(reviews.status, 'open'),
        // The deciding centre: for a reported item (上报件) the parent of the centre that took it in.
        centre ? eq(reviews.centreCode, centre) : undefined,
      ),
    )
    .orderBy(sql`${reviews.promisedDueAt} asc nulls last`, asc(reviews.openedAt), asc(reviews.applicationNo));
}

/** The next number of the centre's day: <centre>-<yyyymmdd>-<6-digit sequence>. Gaps are possible, repeats are not. */
export async function allocateApplicationNo(db: Db, centreCode: string, day: string): Promise<string> {
  const [{ value }] = await db
    .insert(applicationCounters)
    .values({ centreCode, day, lastValue: 1 })
    .onConflictDoUpdate({
      target: [applicationCounters.centreCode, applicationCounters.day],
      set: { lastValue: sql`${applicationCounters.lastValue} + 1` },
    })
    .returning({ value: applicationCounters.lastValue });
  return `${centreCode}-${day.replaceAll('-', '')}-${String(value).padStart(6, '0')}`;
}

export async function findSubmission(db: Db, clientReference: string) {
  const [row] = await db.select().from(submissions).where(eq(submissions.clientReference, clientReference));
  return row;
}

/** Reserves a client reference for an application; returns false when another request holds it already. */
export async function reserveSubmission(db: Db, clientReference: string, input: ApplicationInput, bodyHash: string): Promise<boolean> {
  const inserted = await db
    .insert(submissions)
    .values({ clientReference, applicationNo: input.applicationNo, input, bodyHash })
    .onConflictDoNothing()
    .returning({ applicationNo: submissions.applicationNo });
  return inserted.length === 1;
}

export interface AlertFilter {
  centre?: string;
  level?: string;
  department?: string;
  limit: number;
}

/** Supervision alerts, newest first. */
export async function listAlerts(db: Db, filter: AlertFilter): Promise<AlertRow[]> {
  return db
    .select()
    .from(alerts)
    .where(
      and(
        filter.centre ? inCentre(alerts.centreCode, filter.centre) : undefined,
        filter.level ? eq(alerts.level, filter.level as 'red') : undefined,
        filter.department ? eq(alerts.department, filter.department) : undefined,
      ),
    )
    .orderBy(newestFirst(alerts.at), newestFirst(alerts.seq))
    .limit(filter.limit);
}

export async function findConsultation(db: Db, id: number) {
  const [row] = await db.select().from(consultations).where(eq(consultations.id, id));
  return row;
}

/** Supplement requests repeated for the same review, which supervisors follow. */
export async function repeatedSupplements(db: Db, centre?: string) {
  const rows = await db
    .select({ event: events, centreCode: applications.centreCode })
    .from(events)
    .innerJoin(applications, eq(applications.applicationNo, events.applicationNo))
    .where(and(eq(events.type, 'supplement_repeated'), centre ? like(applications.centreCode, `${centrePrefix(centre)}%`) : undefined))
    .orderBy(desc(events.at))
    .limit(500);
  return rows.map(({ event, centreCode }) => ({
    applicationNo: event.applicationNo,
    centreCode,
    department: event.department,
    at: new Date(event.at).toISOString(),
    reason: String(event.data?.reason ?? ''),
    officer: event.actor,
  }));
}

/**
 * The read model of every application, written only by the workflow's idempotent activities
 * (and the API's first insert at submission). The workflow is the truth; these rows converge to it.
 */
import { relations, sql } from 'drizzle-orm';
import { boolean, date, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { type Applicant, type ApplicationInput, type ClockStop, type Handover, type Officer, ALERT_LEVELS, REVIEW_STATUSES, SUPERVISION_LEVELS } from '../../workflows/messages.js';
import { createdAt, instant } from './columns.js';
import { items } from './catalogue.js';
import { centres } from './organisation.js';

export const applications = pgTable(
  'applications',
  {
    applicationNo: text().primaryKey(),
    itemCode: text()
      .notNull()
      .references(() => items.code),
    /** The catalogue version the application was submitted under, and keeps. */
    itemVersion: integer().notNull(),
    centreCode: text()
      .notNull()
      .references(() => centres.code),
    leadDepartment: text().notNull(),
    /** From the item as submitted: a major item's reviews are decided by department leaders. */
    major: boolean().notNull().default(false),
    stage: text().notNull(),
    applicant: jsonb().$type<Applicant>().notNull(),
    materials: jsonb().$type<string[]>().notNull(),
    clientReference: text(),
    /** Who submitted it: `integrator:<key id>` or `officer:<id>`; an integrator sees only its own. */
    submittedBy: text(),
    /**
     * Every review the item plans, step by step, at its deciding centre: known at submission, so a
     * department may see what it will review before its task is written (api/application-access.ts).
     */
    plannedReviews: jsonb().$type<{ department: string; centreCode: string }[]>(),
    /** The consultation it came from (首问负责制); its officer is the first responsible. */
    consultationId: integer(),
    responsibleOfficer: jsonb().$type<Officer>(),
    submittedAt: instant().notNull(),
    acceptedAt: instant(),
    completedAt: instant(),
    pickedUpAt: instant(),
    /** The result handed over at pickup: to whom, whether the window checked their identity, the licence number. */
    handover: jsonb().$type<Handover>(),
    closedAt: instant(),
    /** The limits (working days, counted from acceptance) as instants; see workflows/working-days.ts. */
    warnAt: instant(),
    promisedDueAt: instant(),
    statutoryDueAt: instant(),
    dueProvisional: boolean().notNull().default(false),
    /** The item's limits as the application was submitted under them, for the statistics. */
    statutoryLimitDays: integer().notNull(),
    promisedLimitDays: integer().notNull(),
    /** Set at the decision: working days taken (stopped time excluded), calendar days, within the limits. */
    workingDaysTaken: integer(),
    calendarDaysTaken: doublePrecision(),
    onTime: boolean(),
    withinStatutory: boolean(),
    /** Since when the clock stands still (补正 or an art. 45 procedure), and the working days it has. */
    stoppedSince: instant(),
    stoppedDays: integer().notNull().default(0),
    /** The application's own alerts raised (not its reviews'), yellow and red or statutory red: for the statistics. */
    yellowAlerts: integer().notNull().default(0),
    redAlerts: integer().notNull().default(0),
    /** green, yellow, red or statutory_red: the worst alert raised (电子监察). */
    supervision: text({ enum: SUPERVISION_LEVELS }).notNull().default('green'),
    /** The workflow's sequence number of the transition this row shows; older writes never overwrite newer. */
    lastSeq: integer().notNull().default(0),
    updatedAt: createdAt(),
  },
  (t) => [
    index('applications_submitted_idx').on(t.submittedAt.desc(), t.applicationNo.desc()),
    index('applications_centre_idx').on(t.centreCode, t.submittedAt.desc()),
    index('applications_submitted_by_idx').on(t.submittedBy, t.submittedAt.desc()),
    // A window's list: what its department takes in at its centre, or reviews there (planned_reviews @>).
    index('applications_centre_lead_idx').on(t.centreCode, t.leadDepartment),
    index('applications_planned_reviews_idx').using('gin', t.plannedReviews.op('jsonb_path_ops')),
    // A centre and those below it: centre_code LIKE '4501%', which a plain index serves only in the C collation.
    index('applications_centre_prefix_idx').on(t.centreCode.op('text_pattern_ops')),
    // A stage's newest first (a city's applications in review): the stage, then its newest.
    index('applications_stage_submitted_idx').on(t.stage, t.submittedAt.desc(), t.applicationNo.desc()),
    // The statistics of a period (decided applications accepted between two instants) read only this
    // index, in an index-only scan: the heap's wide rows stay unread.
    index('applications_decided_figures_idx')
      .on(
        t.acceptedAt,
        t.centreCode,
        t.leadDepartment,
        t.itemCode,
        t.statutoryLimitDays,
        t.promisedLimitDays,
        t.workingDaysTaken,
        t.calendarDaysTaken,
        t.onTime,
        t.withinStatutory,
        t.completedAt,
        t.yellowAlerts,
        t.redAlerts,
      )
      .where(sql`${t.workingDaysTaken} is not null`),
    index('applications_item_idx').on(t.itemCode),
    // The history archiver's sweep (the recently closed) and the retention report (closed long ago).
    index('applications_closed_idx').on(t.closedAt).where(sql`${t.closedAt} is not null`),
    // The supervision map counts only the open applications: a small part of a year's million.
    index('applications_open_idx')
      .on(t.centreCode, t.supervision)
      .where(sql`${t.stage} in ('submitted', 'supplement_requested', 'in_review')`),
  ],
);

/** One department's review of one application: that department's window inbox. */
export const reviews = pgTable(
  'reviews',
  {
    applicationNo: text()
      .notNull()
      .references(() => applications.applicationNo),
    /** Index of the item's step this review belongs to; a department may review in several steps. */
    step: integer().notNull(),
    department: text().notNull(),
    /** The centre that decides it: the application's own, or the parent centre for a reported item. */
    centreCode: text().notNull(),
    status: text({ enum: REVIEW_STATUSES }).notNull(),
    openedAt: instant(),
    decidedAt: instant(),
    decidedBy: jsonb().$type<Officer>(),
    reason: text(),
    /** An approval's conditions (附条件), printed in the 准予行政许可决定书. */
    conditions: text(),
    warnAt: instant(),
    promisedDueAt: instant(),
    statutoryDueAt: instant(),
    responsible: jsonb().$type<Officer[]>(),
    /** Decided after its promised limit had passed. */
    late: boolean().notNull().default(false),
    stops: jsonb().$type<ClockStop[]>().notNull().default([]),
    stoppedDays: integer().notNull().default(0),
    lastSeq: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({ name: 'reviews_pk', columns: [t.applicationNo, t.step, t.department] }),
    index('reviews_inbox_idx').on(t.department, t.status, t.centreCode),
  ],
);

/** Append-only: every transition once, keyed by the workflow's sequence number. */
export const events = pgTable(
  'events',
  {
    applicationNo: text()
      .notNull()
      .references(() => applications.applicationNo),
    seq: integer().notNull(),
    type: text().notNull(),
    at: instant().notNull(),
    /** Copied from the application so the day's table reads one index, without a join. */
    centreCode: text().notNull(),
    itemCode: text().notNull(),
    department: text(),
    actor: jsonb().$type<Officer>(),
    data: jsonb().$type<Record<string, unknown>>(),
  },
  (t) => [primaryKey({ name: 'events_pk', columns: [t.applicationNo, t.seq] }), index('events_day_idx').on(t.at, t.centreCode, t.itemCode, t.type)],
);

/** A supervision alert (电子监察): a clock reached yellow, red or statutory red. Keyed by the event that raised it. */
export const alerts = pgTable(
  'alerts',
  {
    applicationNo: text()
      .notNull()
      .references(() => applications.applicationNo),
    seq: integer().notNull(),
    level: text({ enum: ALERT_LEVELS }).notNull(),
    /** The centre whose map dot it colours: the deciding centre of the late review, else the application's. */
    centreCode: text().notNull(),
    /** Absent when the alert is about the application as a whole. */
    department: text(),
    step: integer(),
    at: instant().notNull(),
    responsible: jsonb().$type<Officer[]>().notNull(),
  },
  (t) => [
    primaryKey({ name: 'alerts_pk', columns: [t.applicationNo, t.seq] }),
    index('alerts_centre_at_idx').on(t.centreCode, t.at.desc()),
    // The newest first across centres (a region's or a city's list): walked in order, filtered as it goes.
    index('alerts_at_idx').on(t.at.desc(), t.seq.desc()),
  ],
);

/**
 * An integrator's client reference, reserved before the workflow starts: sending the same reference
 * again finds this row and returns (or finishes starting) the same application.
 */
export const submissions = pgTable(
  'submissions',
  {
    clientReference: text().primaryKey(),
    applicationNo: text().notNull(),
    /** The workflow's input, so that a retry can finish a start that a crash interrupted. */
    input: jsonb().$type<ApplicationInput>().notNull(),
    /** SHA-256 of the submission's normalised body: the same reference with another body is a conflict (null before it was kept). */
    bodyHash: text(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('submissions_application_uq').on(t.applicationNo)],
);

/** Daily sequence per centre for readable application numbers: <centre>-<yyyymmdd>-<sequence>. */
export const applicationCounters = pgTable(
  'application_counters',
  {
    centreCode: text().notNull(),
    day: date({ mode: 'string' }).notNull(),
    lastValue: integer().notNull(),
  },
  (t) => [primaryKey({ name: 'application_counters_pk', columns: [t.centreCode, t.day] })],
);

/** An application's reviews and alerts, read with it in one query (db/queries.ts, findApplication). */
export const applicationRelations = relations(applications, ({ many }) => ({ reviews: many(reviews), alerts: many(alerts) }));
export const reviewRelations = relations(reviews, ({ one }) => ({
  application: one(applications, { fields: [reviews.applicationNo], references: [applications.applicationNo] }),
}));
export const alertRelations = relations(alerts, ({ one }) => ({
  application: one(applications, { fields: [alerts.applicationNo], references: [applications.applicationNo] }),
}));

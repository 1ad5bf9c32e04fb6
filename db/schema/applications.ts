/**
 * The read model of every application, written only by the workflow's idempotent activities
 * (and the API's first insert at submission). The workflow is the truth; these rows converge to it.
 */
import { index, integer, jsonb, pgTable, primaryKey, text, date, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Applicant, ApplicationInput, Officer } from '../../workflows/messages.js';
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
    stage: text().notNull(),
    applicant: jsonb().$type<Applicant>().notNull(),
    materials: jsonb().$type<string[]>().notNull(),
    clientReference: text(),
    responsibleOfficer: jsonb().$type<Officer>(),
    submittedAt: instant().notNull(),
    acceptedAt: instant(),
    completedAt: instant(),
    pickedUpAt: instant(),
    closedAt: instant(),
    /** The workflow's sequence number of the transition this row shows; older writes never overwrite newer. */
    lastSeq: integer().notNull().default(0),
    updatedAt: createdAt(),
  },
  (t) => [
    index('applications_submitted_idx').on(t.submittedAt.desc(), t.applicationNo.desc()),
    index('applications_centre_idx').on(t.centreCode, t.submittedAt.desc()),
    index('applications_stage_idx').on(t.stage),
    index('applications_item_idx').on(t.itemCode),
  ],
);

/** One department's review of one application: that department's window inbox. */
export const reviews = pgTable(
  'reviews',
  {
    applicationNo: text()
      .notNull()
      .references(() => applications.applicationNo),
    /** Index of the item's stage this review belongs to; a department may review in several stages. */
    stage: integer().notNull(),
    department: text().notNull(),
    /** The centre that decides it: the application's own, or the parent centre for a reported item. */
    centreCode: text().notNull(),
    status: text({ enum: ['open', 'approved', 'rejected', 'withdrawn'] }).notNull(),
    openedAt: instant(),
    decidedAt: instant(),
    decidedBy: jsonb().$type<Officer>(),
    reason: text(),
    lastSeq: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({ name: 'reviews_pk', columns: [t.applicationNo, t.stage, t.department] }),
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
    department: text(),
    actor: jsonb().$type<Officer>(),
    data: jsonb().$type<Record<string, unknown>>(),
  },
  (t) => [primaryKey({ name: 'events_pk', columns: [t.applicationNo, t.seq] })],
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

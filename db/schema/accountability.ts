/**
 * First-inquiry responsibility (首问负责制) and accountability (责任追究): consultations name the
 * officer who first received them; a red alert opens a case naming the responsible officers, which
 * supervisors take through its life.
 */
import { index, integer, jsonb, pgTable, serial, text } from 'drizzle-orm/pg-core';
import { ALERT_LEVELS, type Officer } from '../../workflows/messages.js';
import { createdAt, instant } from './columns.js';
import { applications } from './applications.js';
import { centres } from './organisation.js';

export const consultations = pgTable(
  'consultations',
  {
    id: serial().primaryKey(),
    centreCode: text()
      .notNull()
      .references(() => centres.code),
    /** The officer who first received the inquiry: responsible for seeing it through or handing it on. */
    officer: jsonb().$type<Officer>().notNull(),
    channel: text({ enum: ['window', 'phone', 'online'] }).notNull(),
    itemCode: text(),
    subject: text().notNull(),
    inquirer: jsonb().$type<{ name: string; phone?: string }>(),
    at: createdAt(),
  },
  (t) => [index('consultations_centre_idx').on(t.centreCode, t.at.desc())],
);

export const CASE_STATUSES = ['open', 'explanation_received', 'closed'] as const;

export const accountabilityCases = pgTable(
  'accountability_cases',
  {
    /**
     * `<application>/<seq of the alert it was opened from>`: a retried activity, or a second supervisor
     * opening a case from the same alert, opens it once. A case a supervisor opened for an application
     * without an alert is `<application>/s<n>`, its n-th such case; one a follow-up opened, the follow-up's id.
     */
    id: text().primaryKey(),
    /** Null for a case a complaint about an officer, a window or a centre opened. */
    applicationNo: text().references(() => applications.applicationNo),
    /** The follow-up (督办) of a bad rating or a complaint that opened it (db/schema/follow-ups.ts): its id is the case's. */
    followUpId: text(),
    /** The alert it was opened from; null for a case a supervisor opened for the application itself. */
    alertSeq: integer(),
    /** The alert's level (a red alert opens its case by itself; a supervisor may open one from a yellow alert). */
    level: text({ enum: ALERT_LEVELS }),
    centreCode: text().notNull(),
    department: text(),
    responsible: jsonb().$type<Officer[]>().notNull(),
    status: text({ enum: CASE_STATUSES }).notNull(),
    outcome: text(),
    /** The supervisor who opened it; null when a red alert opened it (the workflow's, which the reconciler checks). */
    openedBy: jsonb().$type<Officer>(),
    openedAt: instant().notNull(),
    closedAt: instant(),
  },
  (t) => [index('cases_centre_status_idx').on(t.centreCode, t.status)],
);

/** Every step of a case, kept: who moved it, when, and what they wrote. */
export const caseSteps = pgTable(
  'case_steps',
  {
    id: serial().primaryKey(),
    caseId: text()
      .notNull()
      .references(() => accountabilityCases.id),
    at: createdAt(),
    actor: jsonb().$type<Officer>().notNull(),
    status: text({ enum: CASE_STATUSES }).notNull(),
    note: text().notNull(),
    outcome: text(),
  },
  (t) => [index('case_steps_case_idx').on(t.caseId)],
);

/**
 * First-inquiry responsibility (首问负责制) and accountability (责任追究): consultations name the
 * officer who first received them; a red alert opens a case naming the responsible officers, which
 * supervisors take through its life.
 */
import { index, integer, jsonb, pgTable, serial, text } from 'drizzle-orm/pg-core';
import type { Officer } from '../../workflows/messages.js';
import { CASE_LEVELS } from '../../workflows/rules/alerts.js';
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
    /** `<application>/<seq of the alert that opened it>`: a retried activity opens it once. */
    id: text().primaryKey(),
    applicationNo: text()
      .notNull()
      .references(() => applications.applicationNo),
    alertSeq: integer().notNull(),
    level: text({ enum: CASE_LEVELS }).notNull(),
    centreCode: text().notNull(),
    department: text(),
    responsible: jsonb().$type<Officer[]>().notNull(),
    status: text({ enum: CASE_STATUSES }).notNull(),
    outcome: text(),
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

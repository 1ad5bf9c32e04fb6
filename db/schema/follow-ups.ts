/**
 * Follow-ups (督办) of bad ratings and complaints (workflows/rules/follow-ups.ts): the read model of each
 * follow-up workflow, its steps, and the limits a region sets. Written by the workflow's activities,
 * each write keyed (the row by its version, a step by its number) so that a retry writes nothing twice.
 */
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Officer } from '../../workflows/messages.js';
import {
  type ComplaintSubject,
  FOLLOW_UP_KINDS,
  FOLLOW_UP_LEVELS,
  FOLLOW_UP_OUTCOMES,
  FOLLOW_UP_STAGES,
  type FollowUpChannel,
  type FollowUpState,
} from '../../workflows/rules/follow-ups.js';
import { RATING_LEVELS } from '../../workflows/rules/ratings.js';
import { createdAt, instant } from './columns.js';
import { centres } from './organisation.js';

export const followUps = pgTable(
  'follow_ups',
  {
    /** `R-<application>-<event>` for a bad rating, `C-<yyyymmdd>-<n>` for a complaint; its workflow is `follow-up-<id>`. */
    id: text().primaryKey(),
    kind: text({ enum: FOLLOW_UP_KINDS }).notNull(),
    stage: text({ enum: FOLLOW_UP_STAGES }).notNull(),
    level: text({ enum: FOLLOW_UP_LEVELS }).notNull().default('green'),
    centreCode: text()
      .notNull()
      .references(() => centres.code),
    department: text(),
    /** A bad rating's application (and a complaint's about one). */
    applicationNo: text(),
    ratingEvent: text(),
    /** The bad rating's level as given (不满意 or 非常不满意). */
    ratingLevel: text({ enum: RATING_LEVELS }),
    /** A complaint: what it is about, what it says, who sent it (null: anonymous) and through which channel. */
    subject: jsonb().$type<ComplaintSubject>(),
    content: text(),
    complainant: jsonb().$type<{ name: string; phone?: string }>(),
    channel: text({ enum: ['api', 'window', 'public', 'qr'] }).$type<FollowUpChannel>(),
    /** `integrator:<key id>`, `officer:<id>`, or `public` (the page), or `rating:<id>`. */
    submittedBy: text().notNull(),
    /** The integrator's own reference: sending it again answers the same complaint. */
    reference: text(),
    /** SHA-256 of the public page's tracking code (查询码); the code itself is shown once. */
    trackingHash: text(),
    assignee: jsonb().$type<Officer[]>().notNull().default(sql`'[]'::jsonb`),
    responsible: jsonb().$type<Officer[]>().notNull().default(sql`'[]'::jsonb`),
    /** The running clock's end and the others', as the workflow computed them. */
    clocks: jsonb().$type<FollowUpState['clocks']>().notNull().default(sql`'{}'::jsonb`),
    dueAt: instant(),
    outcome: text({ enum: FOLLOW_UP_OUTCOMES }),
    findings: text(),
    reply: jsonb().$type<FollowUpState['reply']>(),
    caseId: text(),
    openedAt: instant().notNull(),
    contactedAt: instant(),
    acceptedAt: instant(),
    closedAt: instant(),
    /** The workflow's version of the row: an older write never replaces a newer one. */
    version: integer().notNull().default(0),
    createdAt: createdAt(),
    /** The last write: the supervision page's live stream reloads when it moves. */
    updatedAt: createdAt(),
  },
  (t) => [
    index('follow_ups_centre_stage_idx').on(t.centreCode, t.stage),
    index('follow_ups_application_idx').on(t.applicationNo),
    uniqueIndex('follow_ups_reference_uq').on(t.submittedBy, t.reference),
    uniqueIndex('follow_ups_tracking_uq').on(t.trackingHash),
  ],
);

export const followUpSteps = pgTable(
  'follow_up_steps',
  {
    followUpId: text()
      .notNull()
      .references(() => followUps.id),
    seq: integer().notNull(),
    at: instant().notNull(),
    step: text().notNull(),
    actor: jsonb().$type<Officer>(),
    note: text(),
  },
  (t) => [primaryKey({ columns: [t.followUpId, t.seq] })],
);

/** A region's own limits in working days: the longest centre-code prefix that has a row applies; none, the defaults. */
export const followUpLimits = pgTable('follow_up_limits', {
  centreCode: text()
    .primaryKey()
    .references(() => centres.code),
  contactDays: integer().notNull(),
  rectifyDays: integer().notNull(),
  acceptDays: integer().notNull(),
  investigateDays: integer().notNull(),
  updatedBy: text().notNull(),
  updatedAt: createdAt(),
});

/** The complaints' numbers of a day in China, `C-<yyyymmdd>-<n>`. */
export const complaintNumbers = pgTable('complaint_numbers', { day: text().primaryKey(), last: integer().notNull() });


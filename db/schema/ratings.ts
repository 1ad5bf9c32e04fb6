/**
 * Ratings of government services (好差评): one per service event of an application (一事一评), with who
 * served it as the read model names them at the time of rating; and the one-time codes printed on the
 * acceptance and pickup notices, of which only the SHA-256 is kept.
 */
import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, serial, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { RATED_EVENTS, RATING_LEVELS, RATING_NOTICES, type RatedEvent, type RatingNotice, type RatingTag } from '../../workflows/rules/ratings.js';
import { createdAt, instant } from './columns.js';
import { applications } from './applications.js';

const listed = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

export const ratings = pgTable(
  'ratings',
  {
    id: serial().primaryKey(),
    applicationNo: text()
      .notNull()
      .references(() => applications.applicationNo),
    event: text({ enum: RATED_EVENTS }).notNull(),
    level: text({ enum: RATING_LEVELS }).notNull(),
    /** 不满意 or 非常不满意: a bad rating (差评). */
    bad: boolean().notNull(),
    tags: text().array().$type<RatingTag[]>().notNull().default(sql`'{}'::text[]`),
    comment: text(),
    /** Through the integrator's API, or the public page of a notice's code. */
    channel: text({ enum: ['api', 'qr'] }).notNull(),
    /** Who sent it: `integrator:<key id>`, or `token:<rating token id>`. */
    ratedBy: text().notNull(),
    /** The centre where the event was served (the deciding centre for a decision). */
    centreCode: text().notNull(),
    department: text(),
    windowCode: text(),
    windowName: text(),
    officerId: text(),
    officerName: text(),
    /** When the event itself happened. */
    servedAt: instant(),
    ratedAt: createdAt(),
    /** Set when the rating was changed within the change window. */
    changedAt: instant(),
    /** A bad rating whose dispute (申诉复核) a supervisor upheld: it no longer counts in the satisfaction figures. */
    disputeUpheld: boolean().notNull().default(false),
  },
  (t) => [
    uniqueIndex('ratings_application_event_uq').on(t.applicationNo, t.event),
    index('ratings_centre_rated_idx').on(t.centreCode, t.ratedAt),
    // A month's ratings, at a region whose code prefix (LIKE '45%') the index above cannot narrow.
    index('ratings_rated_idx').on(t.ratedAt),
    check('ratings_event_check', sql`${t.event} in (${listed(RATED_EVENTS)})`),
    check('ratings_level_check', sql`${t.level} in (${listed(RATING_LEVELS)})`),
  ],
);

export const ratingTokens = pgTable(
  'rating_tokens',
  {
    id: serial().primaryKey(),
    /**
     * SHA-256 (hex) of the token. The token itself is printed on the notice: a code the window asks for
     * is kept nowhere; one a document issues is in that document's fields (its QR code's URL), since
     * the PDF is rendered when first asked for.
     */
    tokenHash: text().notNull(),
    applicationNo: text()
      .notNull()
      .references(() => applications.applicationNo),
    notice: text({ enum: Object.keys(RATING_NOTICES) as [RatingNotice, ...RatingNotice[]] }).notNull(),
    /**
     * The events it lets the applicant rate: the window's code those of its notice that had happened when
     * it was issued; a document's every one its application will have (a decision's names the pickup to
     * come). Used while some had not happened yet, it keeps just those.
     */
    events: text().array().$type<RatedEvent[]>().notNull(),
    /** Who issued it: `officer:<id>` or `integrator:<key id>`. */
    issuedBy: text().notNull(),
    issuedAt: createdAt(),
    expiresAt: instant().notNull(),
    usedAt: instant(),
  },
  (t) => [uniqueIndex('rating_tokens_hash_uq').on(t.tokenHash), index('rating_tokens_application_idx').on(t.applicationNo)],
);

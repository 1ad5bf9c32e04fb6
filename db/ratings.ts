/**
 * Ratings (好差评) and the one-time rating codes of the notices. A rating is stored with who served the
 * event as the read model names them then; one per event, changed only within the change window
 * (workflows/rules/ratings.ts) and only by whoever gave it (its ratedBy: the integrator's key, or the
 * code it was given with). Every write of one request runs in one transaction: a refusal of any rating
 * in it stores none and leaves its code unused.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { type RatedEvent, type RatingLevel, type RatingNotice, type RatingTag, isBad, ratingStep } from '../workflows/rules/ratings.js';
import type { Db, Tx } from './client.js';
import type { ServedEvent } from './served-events.js';
import { ratingTokens, ratings } from './schema/index.js';

export type RatingRow = typeof ratings.$inferSelect;
export type RatingTokenRow = typeof ratingTokens.$inferSelect;

export interface RatingInput {
  event: RatedEvent;
  level: RatingLevel;
  tags?: RatingTag[];
  comment?: string;
}

/** Why a rating was refused: the route turns it into its HTTP answer. */
export class RatingRefusal extends Error {
  constructor(
    readonly code: 'already_rated',
    readonly event: RatedEvent,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Stores the ratings of one application, each of an event that was served: a new one, or a change of
 * one the same rater (`ratedBy`) gave less than `changeMinutes` ago; anything else refuses the whole lot
 * (the caller's transaction).
 */
export async function rate(
  tx: Tx,
  applicationNo: string,
  given: { rating: RatingInput; served: ServedEvent }[],
  by: { channel: 'api' | 'qr'; ratedBy: string; changeMinutes: number },
): Promise<{ row: RatingRow; changed: boolean; wasBad: boolean }[]> {
  const stored: { row: RatingRow; changed: boolean; wasBad: boolean }[] = [];
  // One order, whatever the request's: two requests naming the same events the other way round would
  // each hold a row the other waits for.
  const ordered = [...given].sort((a, b) => (a.rating.event < b.rating.event ? -1 : a.rating.event > b.rating.event ? 1 : 0));
  for (const { rating, served } of ordered) {
    const [existing] = await tx
      .select()
      .from(ratings)
      .where(and(eq(ratings.applicationNo, applicationNo), eq(ratings.event, rating.event)))
      .for('update');
    // Only whoever gave it may change it: the integrator cannot overwrite what the applicant said through a code, nor the reverse.
    if (existing && existing.ratedBy !== by.ratedBy) throw ratedElsewhere(rating.event, existing.channel, by.channel);
    const now = new Date().toISOString();
    const step = ratingStep(existing && { ratedAt: new Date(existing.ratedAt).toISOString() }, now, by.changeMinutes);
    if (step === 'already_rated') throw alreadyRated(rating.event, by.changeMinutes);
    const values = {
      level: rating.level,
      bad: isBad(rating.level),
      tags: [...new Set(rating.tags ?? [])],
      comment: rating.comment?.trim() || null,
      channel: by.channel,
      ratedBy: by.ratedBy,
    };
    if (step === 'change') {
      // A changed rating is a new one to its follow-up: an upheld dispute of the old one no longer applies.
      const [row] = await tx.update(ratings).set({ ...values, changedAt: now, disputeUpheld: false }).where(eq(ratings.id, existing!.id)).returning();
      stored.push({ row, changed: true, wasBad: existing!.bad });
      continue;
    }
    const [row] = await tx
      .insert(ratings)
      .values({
        ...values,
        applicationNo,
        event: rating.event,
        centreCode: served.centreCode,
        department: served.department,
        windowCode: served.window?.code ?? null,
        windowName: served.window?.name ?? null,
        officerId: served.officer?.id ?? null,
        officerName: served.officer?.name ?? null,
        servedAt: served.at,
      })
      .onConflictDoNothing()
      .returning();
    // Another request rated the same event a moment ago: it came first.
    if (!row) throw alreadyRated(rating.event, by.changeMinutes);
    stored.push({ row, changed: false, wasBad: false });
  }
  // Answered in the request's order.
  return given.map(({ rating }) => stored.find((s) => s.row.event === rating.event)!);
}

const alreadyRated = (event: RatedEvent, changeMinutes: number) =>
  new RatingRefusal('already_rated', event, `The ${event} has been rated already; a rating may be changed only within ${changeMinutes} minutes of it (一事一评)`);

/** A change by someone other than who gave the rating: the message says which way it was given, nothing more. */
function ratedElsewhere(event: RatedEvent, given: RatingRow['channel'], asked: RatingRow['channel']) {
  const via = given === 'qr' ? (asked === 'qr' ? 'another rating code' : 'the QR code of a notice') : asked === 'api' ? 'another integrator key' : 'the integrator’s API';
  return new RatingRefusal('already_rated', event, `The ${event} has been rated already through another channel (${via}): only whoever gave a rating may change it (一事一评)`);
}

/** The ratings of an application given by one rater (`integrator:<key id>`, or a code's `token:<id>`), in the order given. */
export async function ratingsBy(tx: Db | Tx, applicationNo: string, ratedBy: string): Promise<RatingRow[]> {
  return tx
    .select()
    .from(ratings)
    .where(and(eq(ratings.applicationNo, applicationNo), eq(ratings.ratedBy, ratedBy)))
    .orderBy(ratings.id);
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** A new one-time code for a notice: the token is returned once, to be printed; only its SHA-256 is stored. */
export async function issueRatingToken(
  tx: Tx,
  input: { applicationNo: string; notice: RatingNotice; events: RatedEvent[]; issuedBy: string; days: number },
): Promise<{ token: string; row: RatingTokenRow }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + input.days * 86_400_000).toISOString();
  const [row] = await tx
    .insert(ratingTokens)
    .values({ tokenHash: sha256(token), applicationNo: input.applicationNo, notice: input.notice, events: input.events, issuedBy: input.issuedBy, expiresAt })
    .returning();
  return { token, row };
}

/** The code's row, found by the token's hash (whatever was sent: a forged one finds nothing). */
export async function findRatingToken(tx: Db | Tx, token: string): Promise<RatingTokenRow | undefined> {
  const [row] = await tx.select().from(ratingTokens).where(eq(ratingTokens.tokenHash, sha256(token)));
  return row;
}

/**
 * Marks the code used, once: false when another request used it first. With events `left` (not
 * happened yet when it rated), it stays usable for them alone instead; the events it named when read
 * are the check that no other request used it meanwhile.
 */
export async function useRatingToken(tx: Tx, token: Pick<RatingTokenRow, 'id' | 'events'>, left: RatedEvent[] = []): Promise<boolean> {
  const unused = and(eq(ratingTokens.id, token.id), isNull(ratingTokens.usedAt));
  const used = await tx
    .update(ratingTokens)
    .set(left.length === 0 ? { usedAt: new Date().toISOString() } : { events: left })
    .where(left.length === 0 ? unused : and(unused, eq(ratingTokens.events, token.events)))
    .returning({ id: ratingTokens.id });
  return used.length === 1;
}

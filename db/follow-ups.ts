/**
 * Follow-ups (督办) of bad ratings and complaints in PostgreSQL: the row a request stores before its
 * workflow runs, the workflow's writes (each keyed: the row by its version, a step by its number, the
 * case by the follow-up's id), the region's limits, and the lists the supervision page reads.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, asc, desc, eq, inArray, like, lt, ne, sql } from 'drizzle-orm';
import { centrePrefix, listOfficers } from './catalogue.js';
import type { Db, Tx } from './client.js';
import { accountabilityCases, caseSteps, centres, complaintNumbers, followUpLimits, followUpSteps, followUps, ratings } from './schema/index.js';
import type { Officer } from '../workflows/messages.js';
import { CLOCK_OF, DEFAULT_FOLLOW_UP_LIMITS, type FollowUpLimits, type FollowUpState, type FollowUpStep } from '../workflows/rules/follow-ups.js';
import { chinaDate } from '../workflows/rules/working-days.js';
import { enqueueComplaintWebhooks } from './webhooks.js';

export type FollowUpRow = typeof followUps.$inferSelect;
export type FollowUpInsert = typeof followUps.$inferInsert;

/** The officer named on what the workflow does by itself (a red limit, a case it opens). */
export const ONEWINDOW: Officer = { id: 'onewindow', name: 'OneWindow' };

/**
 * Held until the transaction ends: the request that stores a follow-up holds it while its workflow
 * starts, and the workflow's first activity waits on it, so it reads the row once the request has
 * committed, or finds none because it rolled back.
 */
export const lockFollowUp = (tx: Tx, id: string) => tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`follow-up:${id}`}))`);

export const ratingFollowUpId = (applicationNo: string, event: string) => `R-${applicationNo}-${event}`;

/** The next complaint number of the day in China, `C-<yyyymmdd>-<n>` (taken inside the storing transaction). */
export async function nextComplaintId(tx: Tx, at: string): Promise<string> {
  const day = chinaDate(at).replaceAll('-', '');
  const [{ last }] = await tx
    .insert(complaintNumbers)
    .values({ day, last: 1 })
    .onConflictDoUpdate({ target: complaintNumbers.day, set: { last: sql`${complaintNumbers.last} + 1` } })
    .returning({ last: complaintNumbers.last });
  return `C-${day}-${String(last).padStart(4, '0')}`;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** A tracking code (查询码) for the public page: shown once, only its hash kept. */
export function trackingCode(): { code: string; hash: string } {
  const code = randomBytes(18).toString('base64url');
  return { code, hash: sha256(code) };
}

export async function findByTrackingCode(db: Db, code: string): Promise<FollowUpRow | undefined> {
  const [row] = await db.select().from(followUps).where(eq(followUps.trackingHash, sha256(code)));
  return row;
}

export async function findFollowUp(db: Db | Tx, id: string): Promise<FollowUpRow | undefined> {
  const [row] = await db.select().from(followUps).where(eq(followUps.id, id));
  return row;
}

export async function findByReference(db: Db | Tx, submittedBy: string, reference: string): Promise<FollowUpRow | undefined> {
  const [row] = await db
    .select()
    .from(followUps)
    .where(and(eq(followUps.submittedBy, submittedBy), eq(followUps.reference, reference)));
  return row;
}

export const stepsOfFollowUp = (db: Db, id: string) => db.select().from(followUpSteps).where(eq(followUpSteps.followUpId, id)).orderBy(asc(followUpSteps.seq));

/**
 * A bad rating's follow-up row, stored in the rating's transaction. One closed earlier (withdrawn when
 * the rating was changed to good, then back to bad within the change window) opens again; one still
 * open is left to its workflow, showing the rating as it now is. True when it wrote the row.
 */
export async function storeRatingFollowUp(tx: Tx, row: FollowUpInsert): Promise<boolean> {
  const written = await tx
    .insert(followUps)
    .values(row)
    .onConflictDoUpdate({
      target: followUps.id,
      set: {
        stage: 'contacting',
        ratingLevel: row.ratingLevel,
        content: row.content,
        submittedBy: row.submittedBy,
        openedAt: row.openedAt,
        level: 'green',
        outcome: null,
        findings: null,
        reply: null,
        caseId: null,
        contactedAt: null,
        closedAt: null,
      },
      setWhere: eq(followUps.stage, 'closed'),
    })
    .returning({ id: followUps.id });
  if (written.length === 1) return true;
  await refreshRatingFollowUp(tx, row.id, { level: row.ratingLevel ?? null, comment: row.content ?? null });
  return false;
}

/** The limits of the region a centre lies in: the row of the longest prefix of its code, else the defaults. */
export async function limitsFor(db: Db | Tx, centreCode: string): Promise<FollowUpLimits & { setAt: string | null }> {
  const rows = await db.select().from(followUpLimits);
  const region = rows.filter((r) => centreCode.startsWith(centrePrefix(r.centreCode))).sort((a, b) => centrePrefix(b.centreCode).length - centrePrefix(a.centreCode).length)[0];
  if (!region) return { ...DEFAULT_FOLLOW_UP_LIMITS, setAt: null };
  const { contactDays, rectifyDays, acceptDays, investigateDays } = region;
  return { contactDays, rectifyDays, acceptDays, investigateDays, setAt: region.centreCode };
}

export async function setLimits(db: Db, centreCode: string, limits: FollowUpLimits, by: string) {
  const [row] = await db
    .insert(followUpLimits)
    .values({ centreCode, ...limits, updatedBy: by })
    .onConflictDoUpdate({ target: followUpLimits.centreCode, set: { ...limits, updatedBy: by, updatedAt: sql`now()` } })
    .returning();
  return row;
}

export const listLimits = (db: Db) => db.select().from(followUpLimits).orderBy(asc(followUpLimits.centreCode));

/** The columns of a follow-up's row that its workflow decides, as writeFollowUp writes them from the state. */
export function followUpColumns(state: FollowUpState) {
  const running = CLOCK_OF[state.stage];
  return {
    stage: state.stage,
    level: state.level,
    assignee: state.assignee,
    responsible: state.responsible,
    clocks: state.clocks,
    dueAt: (running && state.clocks[running]?.due) ?? null,
    outcome: state.outcome ?? null,
    findings: state.findings ?? null,
    reply: state.reply ?? null,
    caseId: state.caseId ?? null,
    contactedAt: state.contactedAt ?? null,
    acceptedAt: state.acceptedAt ?? null,
    closedAt: state.closedAt ?? null,
    version: state.version,
  };
}

/**
 * The workflow's write: the row as of `state` unless a newer version is there already, and its steps
 * once each, with the messages of a complaint's new steps to the integrator that filed it. An upheld
 * dispute takes the rating out of the satisfaction figures.
 */
export async function writeFollowUp(db: Db, state: FollowUpState, steps: FollowUpStep[]): Promise<void> {
  await db.transaction((tx) => writeFollowUpIn(tx, state, steps));
}

export async function writeFollowUpIn(tx: Tx, state: FollowUpState, steps: FollowUpStep[]): Promise<void> {
  const upheld = state.kind === 'bad_rating' && state.outcome === 'dispute_upheld' ? await findFollowUp(tx, state.id) : undefined;
  // The rating's row before the follow-up's, the order a change of the rating takes them.
  if (upheld?.applicationNo && upheld.ratingEvent) await ratingIsBad(tx, upheld.applicationNo, upheld.ratingEvent, 'update');
  await tx
    .update(followUps)
    .set({ ...followUpColumns(state), updatedAt: sql`now()` })
    .where(and(eq(followUps.id, state.id), lt(followUps.version, state.version)));
  const added = steps.length > 0 ? await tx.insert(followUpSteps).values(steps.map((s) => ({ ...s, followUpId: state.id }))).onConflictDoNothing().returning() : [];
  if (state.kind === 'complaint' && added.length > 0) {
    const row = await findFollowUp(tx, state.id);
    if (row) {
      const complaint = { ...row, outcome: state.outcome ?? null, reply: state.reply ?? null, dueAt: state.clocks.investigate?.due ?? null };
      await enqueueComplaintWebhooks(tx, complaint, added);
    }
  }
  if (upheld?.applicationNo && upheld.ratingEvent) {
    await tx
      .update(ratings)
      .set({ disputeUpheld: true })
      .where(and(eq(ratings.applicationNo, upheld.applicationNo), eq(ratings.event, upheld.ratingEvent as 'intake')));
  }
}

/**
 * Closes a bad rating's follow-up as withdrawn, `closing` being its state once closed, only if the rating
 * is good when this transaction reads it, and in the same transaction. The rating's row is read first
 * (waiting for a change being written) and then the follow-up's lock is taken, the order a change of
 * the rating takes them: a change back to bad either commits first, and the rating is found bad, or
 * finds the follow-up closed and opens it again. True when it is withdrawn (a retry of a withdrawal
 * that committed included).
 */
export async function withdrawFollowUp(db: Db, closing: FollowUpState, steps: FollowUpStep[], rating: { applicationNo: string; event: string }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const bad = await ratingIsBad(tx, rating.applicationNo, rating.event);
    await lockFollowUp(tx, closing.id);
    const row = await findFollowUp(tx, closing.id);
    // Another opening's row (it closed and was opened again meanwhile): not this run's to close.
    if (!row || Date.parse(row.openedAt) !== Date.parse(closing.openedAt)) return false;
    if (row.outcome === 'withdrawn' && row.version >= closing.version) return true;
    if (bad || row.stage === 'closed') return false;
    await writeFollowUpIn(tx, closing, steps);
    return true;
  });
}

/** A bad rating changed but still bad (不满意 ↔ 非常不满意, a new comment): its open follow-up shows the rating as it now is. */
export async function refreshRatingFollowUp(tx: Tx, id: string, rating: { level: FollowUpRow['ratingLevel']; comment: string | null }): Promise<void> {
  await tx
    .update(followUps)
    .set({ ratingLevel: rating.level, content: rating.comment, updatedAt: sql`now()` })
    .where(and(eq(followUps.id, id), ne(followUps.stage, 'closed')));
}

/**
 * The case a follow-up opens (a limit passed, a complaint substantiated): once, whatever the retries (its
 * id is the key). Naming nobody (no leader of the department at the centre, a complaint nobody accepted),
 * it names the centre's supervisors (or the nearest centre's above it that has any), who answer for a
 * follow-up nobody else was given.
 */
export async function openFollowUpCase(
  db: Db,
  source: { id: string; followUpId: string; centreCode: string; department: string | null; applicationNo: string | null; responsible: Officer[]; reason: string },
): Promise<{ id: string; responsible: Officer[] }> {
  return db.transaction(async (tx) => {
    // Nobody given: the supervisors of the centre, or of the nearest centre above it that has any.
    let responsible = source.responsible;
    const seen = new Set<string>();
    for (let centre: string | null = source.centreCode; responsible.length === 0 && centre && !seen.has(centre); ) {
      seen.add(centre);
      responsible = (await listOfficers(tx, { centre, role: 'supervisor' })).map((o) => ({ id: o.id, name: o.name }));
      const [above]: { parent: string | null }[] = await tx.select({ parent: centres.parentCode }).from(centres).where(eq(centres.code, centre));
      centre = above?.parent ?? null;
    }
    const [row] = await tx
      .insert(accountabilityCases)
      .values({
        id: source.id,
        applicationNo: source.applicationNo,
        followUpId: source.followUpId,
        level: 'red',
        centreCode: source.centreCode,
        department: source.department,
        responsible,
        status: 'open',
        openedBy: null,
        openedAt: new Date().toISOString(),
      })
      .onConflictDoNothing()
      .returning({ id: accountabilityCases.id });
    if (row) await tx.insert(caseSteps).values({ caseId: source.id, actor: ONEWINDOW, status: 'open', note: source.reason, outcome: null });
    // A retry names whom the case it opened named.
    const [named] = await tx.select({ responsible: accountabilityCases.responsible }).from(accountabilityCases).where(eq(accountabilityCases.id, source.id));
    return { id: source.id, responsible: named?.responsible ?? responsible };
  });
}

/** Waits for a change still being written (its transaction holds the row): the signal comes before the commit. */
export async function ratingIsBad(db: Db | Tx, applicationNo: string, event: string, lock: 'share' | 'update' = 'share'): Promise<boolean> {
  const [row] = await db
    .select({ bad: ratings.bad })
    .from(ratings)
    .where(and(eq(ratings.applicationNo, applicationNo), eq(ratings.event, event as 'intake')))
    .for(lock);
  return row?.bad ?? false;
}

export const FOLLOW_UP_FILTERS = ['open', 'overdue', 'closed', 'all'] as const;

/** The follow-ups of a centre and those below it: open (not closed), overdue (open and red), closed, or all; newest first. */
export async function listFollowUps(
  db: Db,
  filter: {
    centre: string;
    /** Only this centre, not those below it (a leader's own). */
    exactCentre?: boolean;
    department?: string;
    kind?: FollowUpState['kind'];
    status?: (typeof FOLLOW_UP_FILTERS)[number];
    applicationNo?: string;
    ids?: string[];
  },
) {
  const status = filter.status ?? 'open';
  return db
    .select()
    .from(followUps)
    .where(
      and(
        filter.exactCentre ? eq(followUps.centreCode, filter.centre) : like(followUps.centreCode, `${centrePrefix(filter.centre)}%`),
        filter.department !== undefined ? eq(followUps.department, filter.department) : undefined,
        filter.kind ? eq(followUps.kind, filter.kind) : undefined,
        filter.applicationNo ? eq(followUps.applicationNo, filter.applicationNo) : undefined,
        filter.ids ? inArray(followUps.id, filter.ids) : undefined,
        status === 'open' ? ne(followUps.stage, 'closed') : undefined,
        status === 'overdue' ? and(ne(followUps.stage, 'closed'), eq(followUps.level, 'red')) : undefined,
        status === 'closed' ? eq(followUps.stage, 'closed') : undefined,
      ),
    )
    .orderBy(desc(followUps.openedAt), desc(followUps.id))
    .limit(500);
}

/** Open and overdue follow-ups of each kind, for the supervision page's counts. */
export async function followUpCounts(db: Db, centre: string) {
  const rows = await db
    .select({
      kind: followUps.kind,
      open: sql<number>`count(*) filter (where ${followUps.stage} <> 'closed')::int`,
      yellow: sql<number>`count(*) filter (where ${followUps.stage} <> 'closed' and ${followUps.level} = 'yellow')::int`,
      overdue: sql<number>`count(*) filter (where ${followUps.stage} <> 'closed' and ${followUps.level} = 'red')::int`,
      closed: sql<number>`count(*) filter (where ${followUps.stage} = 'closed')::int`,
    })
    .from(followUps)
    .where(like(followUps.centreCode, `${centrePrefix(centre)}%`))
    .groupBy(followUps.kind);
  const empty = { open: 0, yellow: 0, overdue: 0, closed: 0 };
  const of = (kind: FollowUpState['kind']) => {
    const row = rows.find((r) => r.kind === kind);
    return row ? { open: row.open, yellow: row.yellow, overdue: row.overdue, closed: row.closed } : empty;
  };
  return { badRatings: of('bad_rating'), complaints: of('complaint') };
}

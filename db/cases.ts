/**
 * Accountability cases (责任追究) in PostgreSQL: the list a supervisor works from, a case with its
 * steps, opening one by hand, and moving one on. A red alert opens its case by itself (the read model's
 * writer, db/read-model.ts); a supervisor may also open one from any alert or for an application.
 */
import { and, asc, desc, eq, inArray, like, ne, sql } from 'drizzle-orm';
import { centrePrefix } from './catalogue.js';
import type { Db, Tx } from './client.js';
import { CASE_STATUSES, accountabilityCases, alerts, applications, caseSteps, reviews } from './schema/index.js';
import type { Officer } from '../workflows/messages.js';

export type CaseStatus = (typeof CASE_STATUSES)[number];
export type CaseRow = typeof accountabilityCases.$inferSelect;

/** `pending`: every case not closed yet, whatever its step (open or explanation received). */
export const CASE_FILTERS = [...CASE_STATUSES, 'pending'] as const;

/** The only ways a case moves. */
export const NEXT: Record<CaseStatus, CaseStatus | undefined> = {
  open: 'explanation_received',
  explanation_received: 'closed',
  closed: undefined,
};

export async function listCases(db: Db, filter: { centre: string; status?: (typeof CASE_FILTERS)[number]; application?: string }) {
  const { status, application } = filter;
  return db
    .select()
    .from(accountabilityCases)
    .where(
      and(
        like(accountabilityCases.centreCode, `${centrePrefix(filter.centre)}%`),
        status === 'pending' ? ne(accountabilityCases.status, 'closed') : status ? eq(accountabilityCases.status, status) : undefined,
        application ? eq(accountabilityCases.applicationNo, application) : undefined,
      ),
    )
    .orderBy(desc(accountabilityCases.openedAt), desc(accountabilityCases.id))
    .limit(500);
}

export async function findCase(db: Db | Tx, id: string, forUpdate = false) {
  const query = db.select().from(accountabilityCases).where(eq(accountabilityCases.id, id));
  const [row] = forUpdate ? await query.for('update') : await query;
  return row;
}

export const stepsOf = (db: Db, id: string) => db.select().from(caseSteps).where(eq(caseSteps.caseId, id)).orderBy(asc(caseSteps.id));

/** What a supervisor opens a case from: an alert of the application (by its seq), or the application itself. */
export type CaseSource =
  | { kind: 'alert'; alert: typeof alerts.$inferSelect }
  | { kind: 'application'; application: typeof applications.$inferSelect; responsible: Officer[] };

export async function findAlert(db: Db, applicationNo: string, seq: number) {
  const [row] = await db.select().from(alerts).where(and(eq(alerts.applicationNo, applicationNo), eq(alerts.seq, seq)));
  return row;
}

/** Those responsible for an application as a whole: its first responsible officer (首问负责制) and each review's. */
export async function responsibleFor(db: Db, application: typeof applications.$inferSelect): Promise<Officer[]> {
  const rows = await db.select({ responsible: reviews.responsible }).from(reviews).where(eq(reviews.applicationNo, application.applicationNo));
  const all = [application.responsibleOfficer, ...rows.flatMap((r) => r.responsible ?? [])].filter((o): o is Officer => !!o);
  return [...new Map(all.map((o) => [o.id, o])).values()];
}

export async function findApplication(db: Db, applicationNo: string) {
  const [row] = await db.select().from(applications).where(eq(applications.applicationNo, applicationNo));
  return row;
}

/**
 * Opens a case by hand, its first step saying who opened it and why. Undefined when the alert already
 * has its case (a red alert's, or one opened before): the caller names that case.
 */
export async function openCase(db: Db, source: CaseSource, by: Officer, note: string): Promise<CaseRow | undefined> {
  return db.transaction(async (tx) => {
    const applicationNo = source.kind === 'alert' ? source.alert.applicationNo : source.application.applicationNo;
    let id: string;
    if (source.kind === 'alert') id = `${applicationNo}/${source.alert.seq}`;
    else {
      // The application's row is held so that two supervisors opening cases at once take different numbers.
      await tx.select({ no: applications.applicationNo }).from(applications).where(eq(applications.applicationNo, applicationNo)).for('update');
      const [{ n }] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(accountabilityCases)
        .where(and(eq(accountabilityCases.applicationNo, applicationNo), sql`${accountabilityCases.alertSeq} is null`));
      id = `${applicationNo}/s${n + 1}`;
    }
    const [row] = await tx
      .insert(accountabilityCases)
      .values({
        id,
        applicationNo,
        alertSeq: source.kind === 'alert' ? source.alert.seq : null,
        level: source.kind === 'alert' ? source.alert.level : null,
        centreCode: source.kind === 'alert' ? source.alert.centreCode : source.application.centreCode,
        department: source.kind === 'alert' ? source.alert.department : null,
        responsible: source.kind === 'alert' ? source.alert.responsible : source.responsible,
        status: 'open',
        openedBy: by,
        openedAt: new Date().toISOString(),
      })
      .onConflictDoNothing()
      .returning();
    if (!row) return undefined;
    await tx.insert(caseSteps).values({ caseId: id, actor: by, status: 'open', note, outcome: null });
    return row;
  });
}

/** Moves a held case to `status` and keeps the step; the caller has checked that the case may move there. */
export async function moveCase(tx: Tx, row: CaseRow, step: { status: CaseStatus; note: string; outcome?: string; actor: Officer }) {
  const closing = step.status === 'closed';
  const [updated] = await tx
    .update(accountabilityCases)
    .set({ status: step.status, outcome: closing ? step.outcome : row.outcome, closedAt: closing ? new Date().toISOString() : null })
    .where(eq(accountabilityCases.id, row.id))
    .returning();
  await tx.insert(caseSteps).values({ caseId: row.id, actor: step.actor, status: step.status, note: step.note, outcome: step.outcome ?? null });
  return updated;
}

/** The ids of the cases opened from these alerts of an application, by the alert's seq. */
export async function casesOfAlerts(db: Db, applicationNos: string[]) {
  if (applicationNos.length === 0) return new Map<string, string>();
  const rows = await db
    .select({ id: accountabilityCases.id, applicationNo: accountabilityCases.applicationNo, alertSeq: accountabilityCases.alertSeq })
    .from(accountabilityCases)
    .where(inArray(accountabilityCases.applicationNo, applicationNos));
  return new Map(rows.filter((r) => r.alertSeq !== null).map((r) => [`${r.applicationNo}/${r.alertSeq}`, r.id]));
}

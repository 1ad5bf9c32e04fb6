/**
 * Writes the workflow's transitions into the PostgreSQL read model. Every write may run twice (a retried
 * activity, a replayed worker) and a late try may land after a newer write: events, alerts and cases are
 * keyed by (application, seq), and rows only move forward in seq. The rows come from db/read-model-rows.ts.
 */
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { accountabilityCases, alerts, applications, events, reviews } from '../db/schema/index.js';
import { alertRow, applicationColumns, applicationRow, caseRow, eventRow, isAlert, reviewRow } from '../db/read-model-rows.js';
import { type ApplicationInput, type ApplicationState, type TransitionEvent, submittedEvent } from '../workflows/messages.js';

export interface Transition {
  state: ApplicationState;
  events: TransitionEvent[];
}

export async function writeSubmission(db: Db, input: ApplicationInput): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.insert(applications).values(applicationRow(input)).onConflictDoNothing();
    const first = { applicationNo: input.applicationNo, centreCode: input.centreCode, itemCode: input.item.code };
    await tx.insert(events).values(eventRow(first, submittedEvent(input))).onConflictDoNothing();
  });
}

export async function writeTransition(db: Db, { state, events: transitionEvents }: Transition): Promise<void> {
  const applicationNo = state.applicationNo;
  await db.transaction(async (tx) => {
    await tx
      .insert(events)
      .values(transitionEvents.map((e) => eventRow(state, e)))
      .onConflictDoNothing();

    await tx
      .update(applications)
      .set({ ...applicationColumns(state), updatedAt: sql`now()` })
      .where(and(eq(applications.applicationNo, applicationNo), lt(applications.lastSeq, state.seq)));

    const raised = transitionEvents.filter(isAlert);
    if (raised.length > 0) {
      await tx
        .insert(alerts)
        .values(raised.map((e) => alertRow(applicationNo, e)))
        .onConflictDoNothing();
      const cases = raised.flatMap((e) => caseRow(applicationNo, e) ?? []);
      if (cases.length > 0) await tx.insert(accountabilityCases).values(cases).onConflictDoNothing();
    }

    // The application's own alerts, counted again from their rows (so a repeated write counts nothing
    // twice): when one is raised, and at the decision, which puts the row into the statistics (counts
    // an older worker missed while a rolling update ran are right from then on).
    if (raised.some((e) => !e.department) || transitionEvents.some((e) => e.type === 'decided')) {
      const own = and(eq(alerts.applicationNo, applicationNo), isNull(alerts.department));
      await tx
        .update(applications)
        .set({
          yellowAlerts: sql`(select count(*) from ${alerts} where ${own} and ${alerts.level} = 'yellow')`,
          redAlerts: sql`(select count(*) from ${alerts} where ${own} and ${alerts.level} <> 'yellow')`,
        })
        .where(eq(applications.applicationNo, applicationNo));
    }

    // The reviews this transition names, and every open review whose task is written (it has its
    // responsible officers): an extension, a supplement or a recalculation moves the deadlines of them all.
    const touched = new Set(transitionEvents.flatMap((e) => (e.department ? [`${e.stage}/${e.department}`] : [])));
    const written = state.reviews.filter((r) => touched.has(`${r.stage}/${r.department}`) || (r.status === 'open' && r.responsible));
    for (const review of written) {
      const row = reviewRow(applicationNo, review, state.seq);
      const { applicationNo: _no, stage: _stage, department: _department, centreCode: _centre, openedAt: _opened, ...changes } = row;
      await tx
        .insert(reviews)
        .values(row)
        .onConflictDoUpdate({ target: [reviews.applicationNo, reviews.stage, reviews.department], set: changes, setWhere: lt(reviews.lastSeq, row.lastSeq) });
    }
  });
}

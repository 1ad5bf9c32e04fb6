/**
 * Writes the workflow's transitions into the PostgreSQL read model. Every write may run twice (a retried
 * activity, a replayed worker): events are keyed by (application, seq) and rows only move forward in seq.
 */
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { accountabilityCases, alerts, applications, events, reviews } from '../db/schema/index.js';
import type { AlertLevel, ApplicationInput, ApplicationState, Officer, TransitionEvent } from '../workflows/messages.js';

export interface Transition {
  state: ApplicationState;
  events: TransitionEvent[];
}

/** The first row of an application: the API writes it at submission, the workflow makes sure of it. */
export function applicationRow(input: ApplicationInput): typeof applications.$inferInsert {
  return {
    applicationNo: input.applicationNo,
    itemCode: input.item.code,
    itemVersion: input.item.version,
    centreCode: input.centreCode,
    leadDepartment: input.item.department,
    statutoryLimitDays: input.item.statutoryLimitDays,
    promisedLimitDays: input.item.promisedLimitDays,
    stage: 'submitted',
    applicant: input.applicant,
    materials: input.materials,
    clientReference: input.clientReference,
    submittedBy: input.submittedBy ?? null,
    plannedReviews: input.stages.flatMap((s) => s.reviews.map(({ department, centreCode }) => ({ department, centreCode }))),
    consultationId: input.consultation?.id,
    responsibleOfficer: input.consultation?.officer,
    submittedAt: input.submittedAt,
    lastSeq: 1,
  };
}

export async function writeSubmission(db: Db, input: ApplicationInput): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.insert(applications).values(applicationRow(input)).onConflictDoNothing();
    await tx
      .insert(events)
      .values({ applicationNo: input.applicationNo, seq: 1, type: 'submitted', at: input.submittedAt, centreCode: input.centreCode, itemCode: input.item.code })
      .onConflictDoNothing();
  });
}

export async function writeTransition(db: Db, { state, events: transitionEvents }: Transition): Promise<void> {
  const applicationNo = state.applicationNo;
  await db.transaction(async (tx) => {
    await tx
      .insert(events)
      .values(transitionEvents.map((e) => ({ applicationNo, centreCode: state.centreCode, itemCode: state.itemCode, ...e })))
      .onConflictDoNothing();

    await tx
      .update(applications)
      .set({
        stage: state.stage,
        materials: state.materials,
        responsibleOfficer: state.responsibleOfficer ?? null,
        acceptedAt: state.acceptedAt ?? null,
        completedAt: state.completedAt ?? null,
        pickedUpAt: state.pickedUpAt ?? null,
        closedAt: state.closedAt ?? null,
        warnAt: state.deadlines?.warnAt ?? null,
        promisedDueAt: state.deadlines?.promisedDue ?? null,
        statutoryDueAt: state.deadlines?.statutoryDue ?? null,
        dueProvisional: state.deadlines?.provisional ?? false,
        workingDaysTaken: state.timing?.workingDays ?? null,
        calendarDaysTaken: state.timing?.calendarDays ?? null,
        onTime: state.timing?.onTime ?? null,
        withinStatutory: state.timing?.withinStatutory ?? null,
        stoppedSince: state.stoppedSince ?? null,
        stoppedDays: state.stoppedDays,
        supervision: state.supervision,
        lastSeq: state.seq,
        updatedAt: sql`now()`,
      })
      .where(and(eq(applications.applicationNo, applicationNo), lt(applications.lastSeq, state.seq)));

    const raised = transitionEvents.filter((e) => e.type.startsWith('alert_'));
    if (raised.length > 0) {
      await tx
        .insert(alerts)
        .values(
          raised.map((e) => {
            const data = e.data as { level: AlertLevel; centreCode: string; responsible: Officer[] };
            return { applicationNo, seq: e.seq, at: e.at, stage: e.stage, department: e.department, ...data };
          }),
        )
        .onConflictDoNothing();
      // A red alert opens an accountability case (责任追究) naming those responsible.
      const red = raised.filter((e) => (e.data as { level: AlertLevel }).level !== 'yellow');
      if (red.length > 0) {
        await tx
          .insert(accountabilityCases)
          .values(
            red.map((e) => {
              const data = e.data as { level: 'red' | 'statutory_red'; centreCode: string; responsible: Officer[] };
              return {
                id: `${applicationNo}/${e.seq}`,
                applicationNo,
                alertSeq: e.seq,
                level: data.level,
                centreCode: data.centreCode,
                department: e.department,
                responsible: data.responsible,
                status: 'open' as const,
                openedAt: e.at,
              };
            }),
          )
          .onConflictDoNothing();
      }
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
      const row = {
        applicationNo,
        stage: review.stage,
        department: review.department,
        centreCode: review.centreCode,
        status: review.status,
        openedAt: review.openedAt ?? null,
        decidedAt: review.decidedAt ?? null,
        decidedBy: review.decidedBy ?? null,
        reason: review.reason ?? null,
        warnAt: review.deadlines?.warnAt ?? null,
        promisedDueAt: review.deadlines?.promisedDue ?? null,
        statutoryDueAt: review.deadlines?.statutoryDue ?? null,
        responsible: review.responsible ?? null,
        late: review.late ?? false,
        stops: review.stops,
        stoppedDays: review.stoppedDays,
        lastSeq: state.seq,
      };
      await tx
        .insert(reviews)
        .values(row)
        .onConflictDoUpdate({
          target: [reviews.applicationNo, reviews.stage, reviews.department],
          set: {
            status: row.status,
            decidedAt: row.decidedAt,
            decidedBy: row.decidedBy,
            reason: row.reason,
            responsible: row.responsible,
            late: row.late,
            warnAt: row.warnAt,
            promisedDueAt: row.promisedDueAt,
            statutoryDueAt: row.statutoryDueAt,
            stops: row.stops,
            stoppedDays: row.stoppedDays,
            lastSeq: row.lastSeq,
          },
          setWhere: lt(reviews.lastSeq, row.lastSeq),
        });
    }
  });
}

/**
 * Who served each service event an applicant may rate (好差评), from the read model: the consultation's
 * officer (首问负责制), the officer of the last intake decision (受理), the officer who decided the lead
 * department's review (办结; another department's, when its rejection decided the application), and the
 * officer who handed the result over (取件), each with the window they sit at. An event missing here has
 * not happened yet.
 */
import { and, desc, eq, like } from 'drizzle-orm';
import type { Officer } from '../workflows/messages.js';
import type { RatedEvent } from '../workflows/rules/ratings.js';
import type { Db } from './client.js';
import type { ApplicationRow, ReviewRow } from './queries.js';
import { consultations, events, officers, windows } from './schema/index.js';

export interface ServedEvent {
  at: string;
  /** The centre where it was served: the application's, or the deciding centre of the review. */
  centreCode: string;
  department: string | null;
  officer: { id: string; name: string | null } | null;
  window: { code: string; name: string } | null;
}

export type ServedEvents = Partial<Record<RatedEvent, ServedEvent>>;

const DECIDED_STAGES = new Set(['completed', 'picked_up', 'rejected']);

export async function servedEvents(db: Db, application: ApplicationRow, reviewRows: ReviewRow[]): Promise<ServedEvents> {
  const served: ServedEvents = {};
  const at = (instant: string) => new Date(instant).toISOString();

  if (application.consultationId !== null) {
    const [consultation] = await db.select().from(consultations).where(eq(consultations.id, application.consultationId));
    if (consultation) {
      served.consultation = await withWindow(db, consultation.officer, { at: at(consultation.at), centreCode: consultation.centreCode, department: consultation.officer.departmentCode ?? null });
    }
  }

  const [intake] = await db
    .select({ at: events.at, actor: events.actor })
    .from(events)
    .where(and(eq(events.applicationNo, application.applicationNo), like(events.type, 'intake\\_%')))
    .orderBy(desc(events.seq))
    .limit(1);
  if (intake) served.intake = await withWindow(db, intake.actor, { at: at(intake.at), centreCode: application.centreCode, department: application.leadDepartment });

  if (DECIDED_STAGES.has(application.stage)) {
    const decided = reviewRows.filter((r) => r.decidedAt !== null).sort((a, b) => Date.parse(b.decidedAt!) - Date.parse(a.decidedAt!));
    const review =
      application.stage === 'rejected' ? decided.find((r) => r.status === 'rejected') : decided.find((r) => r.department === application.leadDepartment && r.status === 'approved');
    if (review) served.decision = await withWindow(db, review.decidedBy, { at: at(review.decidedAt!), centreCode: review.centreCode, department: review.department });
  }

  if (application.handover && application.pickedUpAt) {
    served.pickup = await withWindow(db, application.handover.officer, { at: at(application.pickedUpAt), centreCode: application.centreCode, department: application.leadDepartment });
  }
  return served;
}

/** The officer as the organisation names them now, and the window they sit at (none for an officer without one). */
async function withWindow(db: Db, officer: Officer | null, event: Pick<ServedEvent, 'at' | 'centreCode' | 'department'>): Promise<ServedEvent> {
  if (!officer) return { ...event, officer: null, window: null };
  const [found] = await db
    .select({ name: officers.name, departmentCode: officers.departmentCode, windowCode: windows.code, windowName: windows.name })
    .from(officers)
    .leftJoin(windows, eq(windows.code, officers.windowCode))
    .where(eq(officers.id, officer.id));
  return {
    ...event,
    // A consultation names only the officer: their department is the organisation's.
    department: event.department ?? found?.departmentCode ?? null,
    officer: { id: officer.id, name: found?.name ?? officer.name ?? null },
    window: found?.windowCode ? { code: found.windowCode, name: found.windowName! } : null,
  };
}

/** Read-model rows as the API shows them: ISO instants, a URL for every application, remaining time. */
import type { AlertRow, ApplicationRow, ReviewRow } from '../db/queries.js';
import { applicationRow } from '../db/read-model-rows.js';
import { maskIdNumber } from './identity.js';
import type { ApplicationInput, Stage } from '../workflows/messages.js';

export const applicationUrl = (no: string) => `/v1/applications/${encodeURIComponent(no)}`;

export const iso = (value: string | null): string | null => (value === null ? null : new Date(value).toISOString());

/** The instants of a clock, and how long remains until the promised limit (negative when overdue). */
function clock(row: { warnAt: string | null; promisedDueAt: string | null; statutoryDueAt: string | null }, running: boolean) {
  return {
    warnAt: iso(row.warnAt),
    promisedDueAt: iso(row.promisedDueAt),
    statutoryDueAt: iso(row.statutoryDueAt),
    remainingMs: running && row.promisedDueAt ? Date.parse(row.promisedDueAt) - Date.now() : null,
  };
}

/** In lists and on the dashboard the applicant's number is masked; the application's own view shows it. */
export function applicationListing(row: ApplicationRow) {
  const summary = applicationSummary(row);
  return { ...summary, applicant: { ...summary.applicant, idNumber: maskIdNumber(summary.applicant.idNumber) } };
}

export function applicationSummary(row: ApplicationRow) {
  return {
    applicationNo: row.applicationNo,
    url: applicationUrl(row.applicationNo),
    itemCode: row.itemCode,
    itemVersion: row.itemVersion,
    centreCode: row.centreCode,
    leadDepartment: row.leadDepartment,
    stage: row.stage as Stage,
    supervision: row.supervision,
    applicant: row.applicant,
    materials: row.materials,
    clientReference: row.clientReference,
    consultationId: row.consultationId,
    responsibleOfficer: row.responsibleOfficer,
    submittedAt: iso(row.submittedAt)!,
    acceptedAt: iso(row.acceptedAt),
    completedAt: iso(row.completedAt),
    pickedUpAt: iso(row.pickedUpAt),
    handover: row.handover,
    closedAt: iso(row.closedAt),
    timing:
      row.workingDaysTaken === null
        ? null
        : { workingDays: row.workingDaysTaken, calendarDays: row.calendarDaysTaken, onTime: row.onTime, withinStatutory: row.withinStatutory },
    deadlines: {
      ...clock(row, row.stage === 'in_review' && !row.stoppedSince),
      provisional: row.dueProvisional,
      stoppedSince: iso(row.stoppedSince),
      stoppedDays: row.stoppedDays,
    },
  };
}

export function alertView(a: AlertRow) {
  return {
    applicationNo: a.applicationNo,
    seq: a.seq,
    url: applicationUrl(a.applicationNo),
    level: a.level,
    centreCode: a.centreCode,
    department: a.department,
    step: a.step,
    at: iso(a.at)!,
    responsible: a.responsible,
  };
}

/** The critical path: the open review nearest to (or furthest past) its promised limit holds the application up. */
function holdingUp(reviews: ReviewRow[]) {
  const open = reviews.filter((r) => r.status === 'open' && r.promisedDueAt && r.stops.every((s) => s.endedAt));
  const first = open.sort((a, b) => Date.parse(a.promisedDueAt!) - Date.parse(b.promisedDueAt!))[0];
  return first
    ? { department: first.department, centreCode: first.centreCode, promisedDueAt: iso(first.promisedDueAt)!, overdue: Date.parse(first.promisedDueAt!) < Date.now() }
    : null;
}

/**
 * The department's decision on a review, from its status (the one column that records it): approved
 * is "approve", rejected "reject"; open or withdrawn has none. Rows of every age carry a status.
 */
export function reviewDecision(status: string): 'approve' | 'reject' | null {
  return status === 'approved' ? 'approve' : status === 'rejected' ? 'reject' : null;
}

export function applicationView(row: ApplicationRow, reviews: ReviewRow[], alerts: AlertRow[] = []) {
  return {
    ...applicationSummary(row),
    holdingUp: holdingUp(reviews),
    reviews: reviews.map((r) => ({
      step: r.step,
      department: r.department,
      centreCode: r.centreCode,
      status: r.status,
      decision: reviewDecision(r.status),
      openedAt: iso(r.openedAt),
      decidedAt: iso(r.decidedAt),
      decidedBy: r.decidedBy,
      reason: r.reason,
      conditions: r.conditions,
      deadlines: { ...clock(r, r.status === 'open' && r.stops.every((s) => s.endedAt)), stoppedDays: r.stoppedDays },
      stops: r.stops,
      late: r.late,
      responsible: r.responsible ?? [],
    })),
    alerts: alerts.map(alertView),
  };
}

/** What the read model will hold once the workflow has written it: shown when the database missed the first write. */
export function submittedView(input: ApplicationInput) {
  const first = applicationRow(input);
  const row: ApplicationRow = {
    ...first,
    major: input.item.major,
    stage: 'submitted',
    clientReference: input.clientReference ?? null,
    submittedBy: input.submittedBy ?? null,
    plannedReviews: first.plannedReviews ?? null,
    consultationId: input.consultation?.id ?? null,
    responsibleOfficer: input.consultation?.officer ?? null,
    acceptedAt: null,
    completedAt: null,
    pickedUpAt: null,
    handover: null,
    closedAt: null,
    warnAt: null,
    promisedDueAt: null,
    statutoryDueAt: null,
    dueProvisional: false,
    stoppedSince: null,
    stoppedDays: 0,
    workingDaysTaken: null,
    calendarDaysTaken: null,
    onTime: null,
    withinStatutory: null,
    yellowAlerts: 0,
    redAlerts: 0,
    supervision: 'green',
    lastSeq: 1,
    updatedAt: input.submittedAt,
  };
  return applicationView(row, []);
}

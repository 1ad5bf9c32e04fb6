/** Read-model rows as the API shows them: ISO instants, a URL for every application. */
import type { ApplicationRow, ReviewRow } from '../db/queries.js';
import { applicationRow } from '../activities/read-model.js';
import type { ApplicationInput, Stage } from '../workflows/messages.js';

export const applicationUrl = (no: string) => `/v1/applications/${encodeURIComponent(no)}`;

export const iso = (value: string | null): string | null => (value === null ? null : new Date(value).toISOString());

export function applicationSummary(row: ApplicationRow) {
  return {
    applicationNo: row.applicationNo,
    url: applicationUrl(row.applicationNo),
    itemCode: row.itemCode,
    itemVersion: row.itemVersion,
    centreCode: row.centreCode,
    leadDepartment: row.leadDepartment,
    stage: row.stage as Stage,
    applicant: row.applicant,
    materials: row.materials,
    clientReference: row.clientReference,
    responsibleOfficer: row.responsibleOfficer,
    submittedAt: iso(row.submittedAt)!,
    acceptedAt: iso(row.acceptedAt),
    completedAt: iso(row.completedAt),
    pickedUpAt: iso(row.pickedUpAt),
    closedAt: iso(row.closedAt),
  };
}

export function applicationView(row: ApplicationRow, reviews: ReviewRow[]) {
  return {
    ...applicationSummary(row),
    reviews: reviews.map((r) => ({
      stage: r.stage,
      department: r.department,
      centreCode: r.centreCode,
      status: r.status,
      openedAt: iso(r.openedAt),
      decidedAt: iso(r.decidedAt),
      decidedBy: r.decidedBy,
      reason: r.reason,
    })),
  };
}

/** What the read model will hold once the workflow has written it: shown when the database missed the first write. */
export function submittedView(input: ApplicationInput) {
  const row: ApplicationRow = {
    ...applicationRow(input),
    stage: 'submitted',
    clientReference: input.clientReference ?? null,
    responsibleOfficer: null,
    acceptedAt: null,
    completedAt: null,
    pickedUpAt: null,
    closedAt: null,
    lastSeq: 1,
    updatedAt: input.submittedAt,
  };
  return applicationView(row, []);
}

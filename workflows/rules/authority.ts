/**
 * Who may act on an application: one set of rules, checked by the API before it sends an update and
 * again by the workflow's update validators, so that a request that slips past one check is still
 * refused. Each rule answers with the reason for a refusal, or undefined when the officer may act.
 * Workflow-safe: no imports beyond types.
 */
import type { Officer } from '../messages.js';

/** The officers who work at a department's window (not administrators or supervisors); the API's access rules use the same list. */
export const WINDOW_ROLES = ['window_officer', 'chief_representative', 'department_leader'] as const;

/** A centre and every centre below it share the prefix of its code (450000 ⊃ 450100 ⊃ 450102). */
export const centrePrefix = (code: string) => code.replace(/(00)+$/, '');
export const withinCentre = (scope: string, centreCode: string) => centreCode.startsWith(centrePrefix(scope));

const who = (officer: Officer) => `${officer.id} (${officer.role ?? 'no role'} of ${officer.departmentCode ?? 'no department'} at ${officer.centreCode ?? 'no centre'})`;

/** A window officer, chief representative or leader acts only for their own department at their own centre. */
export function actsFor(officer: Officer, department: string, centreCode: string): string | undefined {
  if (!officer.role || !(WINDOW_ROLES as readonly string[]).includes(officer.role)) return `${who(officer)} does not work at a department's window`;
  if (officer.departmentCode !== department) return `${who(officer)} cannot act for ${department}`;
  if (officer.centreCode !== centreCode) return `${who(officer)} cannot act at centre ${centreCode}`;
  return undefined;
}

/** A chief representative decides the department's ordinary items; a major item needs a department leader. */
export function mayDecide(officer: Officer, review: { department: string; centreCode: string }, major: boolean): string | undefined {
  const outside = actsFor(officer, review.department, review.centreCode);
  if (outside) return outside;
  if (officer.role === 'department_leader') return undefined;
  if (major) return `a major item is decided by a leader of ${review.department}; ${officer.id} is a ${officer.role}`;
  if (officer.role !== 'chief_representative') return `a decision is made by ${review.department}'s chief representative or leader; ${officer.id} is a ${officer.role}`;
  return undefined;
}

/** The statutory limit is extended by a leader of the lead department at the accepting centre. */
export function mayExtend(officer: Officer, leadDepartment: string, centreCode: string): string | undefined {
  const outside = actsFor(officer, leadDepartment, centreCode);
  if (outside) return outside;
  if (officer.role !== 'department_leader') return `only a leader of ${leadDepartment} may extend the limit; ${officer.id} is a ${officer.role}`;
  return undefined;
}

/** A supplement is handed in by whoever submitted the application, or at the lead department's window. */
export function mayHandIn(officer: Officer | undefined, submittedBy: string | undefined, leadDepartment: string, centreCode: string): string | undefined {
  if (!officer) return 'a supplement names who hands it in';
  if (submittedBy !== undefined && (officer.id === submittedBy || `officer:${officer.id}` === submittedBy)) return undefined;
  return actsFor(officer, leadDepartment, centreCode);
}

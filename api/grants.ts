/**
 * Who may grant a role (三员, GB/T 22239 / MLPS 2.0): a security administrator (安全管理员) keeps the
 * officers of their centre and those below it, but nobody grants anything to themselves. The roles
 * that watch or keep a centre (its three administrators and its supervisors, who read its audit
 * trail) come from above it: a security administrator of a higher centre, or at the regional centre
 * the server's operator (`npm run officers:grant`). Otherwise a centre's security administrator could
 * make an accomplice its auditor or supervisor, or replace the administrators that check them.
 * A pure rule over plain data; the API passes the record as it is and as it would be.
 */
import { ADMINISTRATOR_ROLES, type OfficerRole } from '../db/schema/index.js';
import { centrePrefix, withinCentre } from '../workflows/rules/authority.js';

/** Granted, changed and taken away only from a centre above: the three administrators and the supervisors. */
export const GRANTED_FROM_ABOVE: readonly OfficerRole[] = [...ADMINISTRATOR_ROLES, 'supervisor'];

export interface OfficerPlace {
  id: string;
  role: OfficerRole;
  centreCode: string;
}

/** A centre strictly below another (450100 is below 450000; 450100 is not below itself). */
export const below = (scope: string, centreCode: string) => withinCentre(scope, centreCode) && centrePrefix(centreCode) !== centrePrefix(scope);

/** Why the grantor may not write this officer record (created when `before` is undefined), or undefined when they may. */
export function grantRefusal(grantor: OfficerPlace, before: OfficerPlace | undefined, after: OfficerPlace): string | undefined {
  if (grantor.role !== 'security_administrator') return `only a security administrator grants roles; ${grantor.id} is a ${grantor.role}`;
  if (after.id === grantor.id || before?.id === grantor.id) return `${grantor.id} may not create or change their own officer record: nobody grants themselves anything`;
  for (const place of [before, after]) {
    if (!place) continue;
    if (!withinCentre(grantor.centreCode, place.centreCode)) return `${grantor.id} of centre ${grantor.centreCode} may not grant roles at centre ${place.centreCode}`;
    if (GRANTED_FROM_ABOVE.includes(place.role) && !below(grantor.centreCode, place.centreCode)) {
      return `a ${place.role} at centre ${place.centreCode} is granted, changed or removed only by a security administrator of a centre above it (or, at the regional centre, by the operator: npm run officers:grant); ${grantor.id} serves ${grantor.centreCode}`;
    }
  }
  return undefined;
}

/** How the audit trail names a grant: the officer and the role change, e.g. `450100-x role window_officer→department_leader`. */
export function grantTarget(before: OfficerPlace | undefined, after: OfficerPlace): string {
  if (before && before.role === after.role) return `${after.id} role ${after.role}`;
  return `${after.id} role ${before?.role ?? 'none'}→${after.role}`;
}

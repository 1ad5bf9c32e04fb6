/**
 * The operator's grant (`npm run officers:grant`): a role given by whoever runs the server, on the
 * server. It is how the regional centre gets its three administrators (三员), since no centre is above
 * it to grant them, and how an operator recovers a centre whose security administrator is gone. The
 * officer is written as through the API (the change log keeps before and after) and the grant goes to
 * the audit trail in the same transaction, with an actor of kind `operator`.
 */
import { hostname, userInfo } from 'node:os';
import { appendAudit } from './audit.js';
import { findCentre, findOfficer } from './catalogue.js';
import { saveOrganisationRecord } from './catalogue-writes.js';
import type { Db } from './client.js';
import { OFFICER_ROLES, type OfficerRole } from './schema/index.js';
import { grantTarget } from '../api/grants.js';
import { OFFICER_ID_RULE, isOfficerId } from '../api/auth.js';

export interface OperatorGrant {
  officerId: string;
  role: string;
  /** Needed for a new officer; moves an existing one. */
  centre?: string;
  name?: string;
  department?: string | null;
  window?: string | null;
}

/** Who ran the command: the operating system's user on this host. */
export const operatorOf = () => {
  const user = userInfo().username;
  return { id: `operator:${user}`, name: `${user}@${hostname()}` };
};

/** Grants the role (creating the officer if new); returns the audit row's target, e.g. `450000-security role none→security_administrator`. */
export async function grantAsOperator(db: Db, grant: OperatorGrant, operator = operatorOf()): Promise<string> {
  if (!isOfficerId(grant.officerId)) throw new Error(`officer id ${grant.officerId} ${OFFICER_ID_RULE}`);
  if (!(OFFICER_ROLES as readonly string[]).includes(grant.role)) throw new Error(`unknown role ${grant.role}: one of ${OFFICER_ROLES.join(', ')}`);
  const role = grant.role as OfficerRole;
  const existing = await findOfficer(db, grant.officerId);
  const centreCode = grant.centre ?? existing?.centreCode;
  if (!centreCode) throw new Error(`${grant.officerId} is a new officer: name their centre (--centre <code>)`);
  if (!(await findCentre(db, centreCode))) throw new Error(`unknown centre ${centreCode}`);
  const name = grant.name ?? existing?.name;
  if (!name) throw new Error(`${grant.officerId} is a new officer: give their name (--name <name>)`);
  // A role without a department (an administrator or supervisor) serves the whole centre.
  const atWindow = ['window_officer', 'chief_representative', 'department_leader'].includes(role);
  const values = {
    id: grant.officerId,
    name,
    role,
    centreCode,
    departmentCode: atWindow ? (grant.department ?? existing?.departmentCode ?? null) : null,
    windowCode: atWindow ? (grant.window ?? existing?.windowCode ?? null) : null,
  };
  const target = grantTarget(existing, values);
  await db.transaction(async (tx) => {
    await saveOrganisationRecord(tx as unknown as Db, 'officer', grant.officerId, values, operator);
    await appendAudit(tx, {
      at: new Date().toISOString(),
      actor: { ...operator, kind: 'operator' },
      centreCode,
      action: 'CLI npm run officers:grant',
      target,
      status: existing ? 200 : 201,
      requestId: `officers-grant-${Date.now()}`,
    });
  });
  return target;
}

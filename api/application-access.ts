/**
 * Who may see an application, and whether they see the applicant's number whole. Those who handle it
 * (the submitting integrator or officer, the lead department's window at the accepting centre, a
 * reviewing department at its deciding centre) see everything; supervisors and administrators of the
 * centre or a centre above it see it with the number masked; nobody else sees it at all.
 */
import type { FastifyRequest } from 'fastify';
import { actsFor, withinCentre } from '../workflows/rules/authority.js';
import { type Identity, OVERSIGHT, forbidden } from './auth.js';

interface Handled {
  applicationNo: string;
  centreCode: string;
  leadDepartment: string;
  submittedBy: string | null;
  plannedReviews?: { department: string; centreCode: string }[] | null;
}

export type Sight = 'whole' | 'masked';

export function sightOf(identity: Identity | undefined, application: Handled, reviews: { department: string; centreCode: string }[]): Sight | undefined {
  if (!identity) return undefined;
  if (application.submittedBy === identity.id) return 'whole';
  if (identity.kind === 'integrator') return undefined;
  const { officer } = identity;
  // The plan is in the row from submission on; the review rows follow as the workflow opens them.
  const handling = [{ department: application.leadDepartment, centreCode: application.centreCode }, ...(application.plannedReviews ?? []), ...reviews];
  const handles = handling.some(
    (r) => actsFor(officer, r.department, r.centreCode) === undefined,
  );
  if (handles) return 'whole';
  if (OVERSIGHT.includes(officer.role) && withinCentre(officer.centreCode, application.centreCode)) return 'masked';
  return undefined;
}

/** The caller's sight of the application, or a 403 (numbers are sequential: hiding one behind a 404 would hide nothing). */
export function requireSight(request: FastifyRequest, application: Handled, reviews: { department: string; centreCode: string }[]): Sight {
  const sight = sightOf(request.identity, application, reviews);
  if (sight) return sight;
  throw forbidden(`Application ${application.applicationNo} is neither handled nor supervised by ${request.identity?.id ?? 'the caller'}`);
}

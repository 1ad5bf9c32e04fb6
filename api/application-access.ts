/**
 * Who may see an application, and whether they see the applicant's number whole. Those who handle it
 * (the submitting integrator or officer, the lead department's window at the accepting centre, a
 * reviewing department at its deciding centre) see everything; supervisors and administrators of the
 * centre or a centre above it see it with the number masked; nobody else sees it at all.
 */
import type { FastifyRequest } from 'fastify';
import { actsFor, withinCentre } from '../workflows/authority.js';
import { type Identity, OVERSIGHT, forbidden } from './auth.js';
import { notFound } from './errors.js';

interface Handled {
  applicationNo: string;
  centreCode: string;
  leadDepartment: string;
  submittedBy: string | null;
}

export type Sight = 'whole' | 'masked';

export function sightOf(identity: Identity | undefined, application: Handled, reviews: { department: string; centreCode: string }[]): Sight | undefined {
  if (!identity) return undefined;
  if (application.submittedBy === identity.id) return 'whole';
  if (identity.kind === 'integrator') return undefined;
  const { officer } = identity;
  const handles = [{ department: application.leadDepartment, centreCode: application.centreCode }, ...reviews].some(
    (r) => actsFor(officer, r.department, r.centreCode) === undefined,
  );
  if (handles) return 'whole';
  if (OVERSIGHT.includes(officer.role) && withinCentre(officer.centreCode, application.centreCode)) return 'masked';
  return undefined;
}

/** The caller's sight of the application, or the refusal: an integrator hears 404 for what is not theirs. */
export function requireSight(request: FastifyRequest, application: Handled, reviews: { department: string; centreCode: string }[]): Sight {
  const sight = sightOf(request.identity, application, reviews);
  if (sight) return sight;
  if (request.identity?.kind === 'integrator') throw notFound(`Application ${application.applicationNo}`);
  throw forbidden(`Application ${application.applicationNo} is neither handled nor supervised by ${request.identity?.id ?? 'the caller'}`);
}

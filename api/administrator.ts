/**
 * Who is acting on the catalogue or on a case. Until authentication arrives, the officer names
 * themself in the `x-officer-id` header; they must exist and hold the role. Every change records them.
 */
import type { FastifyRequest } from 'fastify';
import type { Db } from '../db/client.js';
import type { Actor } from '../db/catalogue-writes.js';
import { findOfficer } from '../db/catalogue.js';
import type { OfficerRole } from '../db/schema/index.js';
import { HttpError, invalid } from './errors.js';

export async function requireRole(db: Db, request: FastifyRequest, role: OfficerRole, purpose: string) {
  const id = request.headers['x-officer-id'];
  if (typeof id !== 'string' || !id.trim()) throw invalid('headers.x-officer-id', `names the officer who may ${purpose}`);
  const officer = await findOfficer(db, id.trim());
  if (!officer || officer.role !== role) {
    throw new HttpError(403, 'forbidden', `Officer ${id} is not a ${role.replace('_', ' ')}; only they ${purpose}`);
  }
  return { officer, actor: { id: officer.id, name: officer.name, requestId: request.id } satisfies Actor };
}

export async function requireAdministrator(db: Db, request: FastifyRequest): Promise<Actor> {
  return (await requireRole(db, request, 'centre_administrator', 'change the catalogue')).actor;
}

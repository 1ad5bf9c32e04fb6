/**
 * Who is changing the catalogue. Until authentication arrives, an administrator names themself in the
 * `x-officer-id` header; the officer must exist and be a centre administrator. Every change records them.
 */
import { eq } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../db/client.js';
import type { Actor } from '../db/catalogue-writes.js';
import { officers } from '../db/schema/index.js';
import { HttpError, invalid } from './errors.js';

export async function requireAdministrator(db: Db, request: FastifyRequest): Promise<Actor> {
  const id = request.headers['x-officer-id'];
  if (typeof id !== 'string' || !id.trim()) throw invalid('headers.x-officer-id', 'names the administrator making the change');
  const [officer] = await db.select().from(officers).where(eq(officers.id, id.trim()));
  if (!officer || officer.role !== 'centre_administrator') {
    throw new HttpError(403, 'forbidden', `Officer ${id} is not a centre administrator; only administrators change the catalogue`);
  }
  return { id: officer.id, name: officer.name, requestId: request.id };
}

/**
 * Integrators' API keys, kept by security administrators (安全管理员): a key is shown once when it is
 * created, bound to centres within the administrator's own, and can be revoked; a revoked key is
 * refused at once. Each is a grant, and its audit row says so (`key <id> granted to … at …`).
 */
import { desc, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findCentre } from '../../db/catalogue.js';
import { apiKeys, webhookEndpoints } from '../../db/schema/index.js';
import { disableEndpoints } from '../../db/webhooks.js';
import { withinCentre } from '../../workflows/rules/authority.js';
import { SECURITY_ADMINISTRATORS, actorOf, newApiKey, requireCentre, staffOf } from '../auth.js';
import { errorBody, invalid, notFound, refused } from '../errors.js';
import { iso } from '../views.js';
import { createIntegratorExamples, listIntegratorsExamples, revokeIntegratorExamples } from '../examples/operations.js';

const keyView = z
  .object({
    id: z.string(),
    name: z.string(),
    centres: z.array(z.string()),
    createdBy: z.object({ id: z.string(), name: z.string().optional() }),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'IntegratorKey' });

const refusals = { 400: errorBody, 401: errorBody, 403: errorBody };
const admins = { access: SECURITY_ADMINISTRATORS };

export const integratorRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const view = (row: typeof apiKeys.$inferSelect) => ({ ...row, createdAt: iso(row.createdAt)!, revokedAt: iso(row.revokedAt) });

  app.post(
    '/integrators',
    {
      schema: {
        tags: ['integrators'],
        summary: 'Create an integrator’s API key, bound to centres (each with those below it); the key is shown only in this answer',
        body: z.object({
          name: z.string().trim().min(1).max(200).describe('The portal or system, e.g. 广西数字政务一体化平台'),
          centres: z.array(z.string().regex(/^\d{6}$/)).min(1).max(200),
        }),
        response: { 201: keyView.extend({ key: z.string().describe('Send as X-API-Key; it cannot be shown again') }), ...refusals },
      },
      config: { ...admins, examples: createIntegratorExamples },
    },
    async (request, reply) => {
      const { name, centres } = request.body;
      for (const [i, code] of centres.entries()) {
        if (!(await findCentre(db, code))) throw invalid(`body.centres.${i}`, `unknown centre ${code}`);
        requireCentre(request, code, 'bind a key');
      }
      request.auditCentre = centres[0];
      const { id, key, secretHash } = newApiKey();
      request.auditTarget = `key ${id} granted to ${name} at ${[...new Set(centres)].join(',')}`;
      const { id: by, name: byName } = actorOf(request);
      const [row] = await db.insert(apiKeys).values({ id, name, centres: [...new Set(centres)], secretHash, createdBy: { id: by, name: byName } }).returning();
      request.log.info({ keyId: id, centres }, 'integrator key created');
      return reply.status(201).send({ ...view(row), key });
    },
  );

  app.get(
    '/integrators',
    {
      schema: {
        tags: ['integrators'],
        summary: 'The integrators’ keys bound within the administrator’s centre (never the keys themselves)',
        response: { 200: z.object({ keys: z.array(keyView) }), ...refusals },
      },
      config: { ...admins, examples: listIntegratorsExamples },
    },
    async (request) => {
      const scope = staffOf(request).centreCode;
      const rows = await db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt));
      return { keys: rows.filter((r) => r.centres.every((c) => withinCentre(scope, c))).map(view) };
    },
  );

  app.delete(
    '/integrators/:id',
    {
      schema: {
        tags: ['integrators'],
        summary: 'Revoke a key: every request with it is refused from now on, and its webhook endpoints are disabled',
        params: z.object({ id: z.string() }),
        response: { 200: keyView, ...refusals, 404: errorBody, 409: errorBody },
      },
      config: { ...admins, examples: revokeIntegratorExamples },
    },
    async (request) => {
      const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, request.params.id));
      if (!row) throw notFound(`Key ${request.params.id}`);
      for (const code of row.centres) requireCentre(request, code, 'revoke a key bound');
      request.auditCentre = row.centres[0];
      request.auditTarget = `key ${row.id} of ${row.name} revoked`;
      if (row.revokedAt) throw refused(`Key ${row.id} was already revoked on ${iso(row.revokedAt)}`, 'already_revoked');
      const { id, name } = actorOf(request);
      // Its webhook endpoints go with it: nothing more is sent to where a leaked key may have pointed them.
      const revoked = await db.transaction(async (tx) => {
        const [key] = await tx.update(apiKeys).set({ revokedAt: new Date().toISOString(), revokedBy: { id, name } }).where(eq(apiKeys.id, row.id)).returning();
        await disableEndpoints(tx, eq(webhookEndpoints.keyId, row.id), 'the key was revoked');
        return key;
      });
      return view(revoked);
    },
  );
};

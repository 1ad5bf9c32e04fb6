/**
 * Integrators' API keys, kept by security administrators (安全管理员): a key is shown once when it is
 * created, bound to centres within the administrator's own, and can be revoked; a revoked key is
 * refused at once. Each is a grant, and its audit row says so (`key <id> granted to … at …`). A key
 * may complain (投诉) about the applications it submitted; one made for a 12345 hotline
 * (complaintsAbout: centres) about any application of its centres, and its audit row says that too.
 */
import { desc, eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findCentre } from '../../db/catalogue.js';
import { COMPLAINTS_ABOUT, apiKeys, webhookEndpoints } from '../../db/schema/index.js';
import { disableEndpoints } from '../../db/webhooks.js';
import { withinCentre } from '../../workflows/rules/authority.js';
import { SECURITY_ADMINISTRATORS, actorOf, newApiKey, requireCentre, staffOf } from '../auth.js';
import { errorBody, invalid, notFound, refused } from '../errors.js';
import { iso } from '../views.js';
import type { RouteExamples } from '../openapi.js';
import { createIntegratorExamples, listIntegratorsExamples, revokeIntegratorExamples } from '../examples/operations.js';

const complaintsAbout = z
  .enum(COMPLAINTS_ABOUT)
  .describe('Which applications the key may complain about (POST /v1/complaints): own, those it submitted; centres, any whose centre is within its centres (a 12345 hotline)');

/** The shared examples of the keys (api/examples/operations.ts), each key with what it may complain about, and a hotline's key. */
const withComplaintsAbout = (examples: RouteExamples): RouteExamples => {
  const key = (value: unknown) => ({ complaintsAbout: 'own', ...(value as object) });
  const value = (v: unknown) => {
    const keys = (v as { keys?: unknown[] }).keys;
    return keys ? { ...(v as object), keys: keys.map(key) } : key(v);
  };
  const responses = Object.fromEntries(
    Object.entries(examples.responses ?? {}).map(([status, shown]) => [status, Object.fromEntries(Object.entries(shown).map(([name, e]) => [name, { ...e, value: value(e.value) }]))]),
  );
  return { ...examples, responses };
};

const HOTLINE = { name: '广西12345政务服务便民热线', centres: ['450000'], complaintsAbout: 'centres' };
const createExamples = withComplaintsAbout(createIntegratorExamples);
createExamples.body = {
  ...createExamples.body,
  hotline: { summary: 'The 12345 hotline’s system: it may complain about any application of the region, whoever submitted it', value: HOTLINE },
};
createExamples.responses![201] = {
  ...createExamples.responses![201],
  hotline: {
    summary: 'The hotline’s key, shown this once',
    value: {
      id: '5d02b7e1c9fa',
      ...HOTLINE,
      createdBy: { id: '450000-security', name: '广西壮族自治区政务服务中心安全管理员' },
      createdAt: '2026-03-02T01:30:12.408Z',
      revokedAt: null,
      key: 'ow_5d02b7e1c9fa_Vq3nH8sT0bXk2yLw5RzP9cJd7MfA4eUg1iOa6NhQ2tY',
    },
  },
};

const keyView = z
  .object({
    id: z.string(),
    name: z.string(),
    centres: z.array(z.string()),
    complaintsAbout,
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
          complaintsAbout: complaintsAbout.default('own'),
        }),
        response: { 201: keyView.extend({ key: z.string().describe('Send as X-API-Key; it cannot be shown again') }), ...refusals },
      },
      config: { ...admins, examples: createExamples },
    },
    async (request, reply) => {
      const { name, centres, complaintsAbout } = request.body;
      for (const [i, code] of centres.entries()) {
        if (!(await findCentre(db, code))) throw invalid(`body.centres.${i}`, `unknown centre ${code}`);
        requireCentre(request, code, 'bind a key');
      }
      request.auditCentre = centres[0];
      const { id, key, secretHash } = newApiKey();
      const about = complaintsAbout === 'centres' ? ', complaints about any application there' : '';
      request.auditTarget = `key ${id} granted to ${name} at ${[...new Set(centres)].join(',')}${about}`;
      const { id: by, name: byName } = actorOf(request);
      const [row] = await db.insert(apiKeys).values({ id, name, centres: [...new Set(centres)], complaintsAbout, secretHash, createdBy: { id: by, name: byName } }).returning();
      request.log.info({ keyId: id, centres, complaintsAbout }, 'integrator key created');
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
      config: { ...admins, examples: withComplaintsAbout(listIntegratorsExamples) },
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
      config: { ...admins, examples: withComplaintsAbout(revokeIntegratorExamples) },
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

/** The audit trail, newest first, for supervisors. */
import { desc, lt } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditLog } from '../../db/schema/index.js';
import { requireRole } from '../administrator.js';
import { adminHeaders } from '../catalogue-schemas.js';
import { errorBody } from '../errors.js';
import { iso } from '../views.js';

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/audit',
    {
      schema: {
        tags: ['supervision'],
        summary: 'Every state-changing request, newest first, with the hash chain that proves nothing was altered (supervisors)',
        headers: adminHeaders,
        querystring: z.object({ before: z.coerce.number().int().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: {
          200: z.object({
            entries: z.array(
              z.object({
                id: z.number(),
                at: z.string(),
                actor: z.object({ id: z.string(), name: z.string().optional(), ip: z.string().optional() }),
                action: z.string(),
                target: z.string(),
                status: z.number(),
                requestId: z.string(),
                prevHash: z.string(),
                hash: z.string(),
              }),
            ),
          }),
          400: errorBody,
          403: errorBody,
        },
      },
    },
    async (request) => {
      await requireRole(app.deps.database.db, request, 'supervisor', 'read the audit trail');
      const rows = await app.deps.database.db
        .select()
        .from(auditLog)
        .where(request.query.before ? lt(auditLog.id, request.query.before) : undefined)
        .orderBy(desc(auditLog.id))
        .limit(request.query.limit);
      return { entries: rows.map((r) => ({ ...r, at: iso(r.at)! })) };
    },
  );
};

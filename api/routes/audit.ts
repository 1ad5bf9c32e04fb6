/** The audit trail, newest first, for audit administrators (审计管理员) and supervisors. */
import { and, desc, like, lt } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditLog } from '../../db/schema/index.js';
import { type Role, staffOf } from '../auth.js';
import { centrePrefix } from '../../workflows/rules/authority.js';
import { errorBody } from '../errors.js';
import { iso } from '../views.js';
import { auditExamples } from '../examples/supervision.js';

/**
 * Who reads the audit trail, its checkpoints and its proofs, each for their centre and those below it:
 * the audit administrator (三员, GB/T 22239), and the supervisors, who follow accountability. No other
 * administrator reads it. One list for every audit route.
 */
export const AUDIT_READERS = ['audit_administrator', 'supervisor'] as const satisfies readonly Role[];

/** One row of the audit trail as the API shows it. */
export const auditEntry = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.object({ id: z.string(), kind: z.enum(['officer', 'integrator', 'operator', 'payment_platform']).optional(), name: z.string().optional(), role: z.string().optional(), ip: z.string().optional() }),
  centreCode: z.string().nullable(),
  action: z.string(),
  target: z.string(),
  status: z.number(),
  requestId: z.string(),
  prevHash: z.string(),
  hash: z.string(),
});

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/audit',
    {
      schema: {
        tags: ['supervision'],
        summary: 'Every state-changing request at the supervisor’s centre and those below it, newest first, with the hash chain that proves nothing was altered',
        querystring: z.object({ before: z.coerce.number().int().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: {
          200: z.object({ entries: z.array(auditEntry) }),
          400: errorBody,
          403: errorBody,
        },
      },
      config: { access: AUDIT_READERS, examples: auditExamples },
    },
    async (request) => {
      const scope = centrePrefix(staffOf(request).centreCode);
      const rows = await app.deps.database.db
        .select()
        .from(auditLog)
        .where(
          and(
            request.query.before ? lt(auditLog.id, request.query.before) : undefined,
            // Supervisors read their centre's and those below it; the region's read everything.
            scope.length > 2 ? like(auditLog.centreCode, `${scope}%`) : undefined,
          ),
        )
        .orderBy(desc(auditLog.id))
        .limit(request.query.limit);
      return { entries: rows.map((r) => ({ ...r, at: iso(r.at)! })) };
    },
  );
};

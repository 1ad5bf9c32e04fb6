/** Who the caller is, as the API sees them: the page shows it and scopes itself to their centre. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OFFICER_ROLES } from '../../db/schema/index.js';
import { STAFF } from '../auth.js';
import { errorBody } from '../errors.js';
import { meExamples } from '../examples/operations.js';

export const meRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/me',
    {
      schema: {
        tags: ['identity'],
        summary: 'The authenticated caller: an officer (role, centre, department) or an integrator key (its centres)',
        response: {
          200: z.union([
            z.object({
              kind: z.literal('staff'),
              officer: z.object({ id: z.string(), name: z.string(), role: z.enum(OFFICER_ROLES), centreCode: z.string(), departmentCode: z.string().nullable() }),
            }),
            z.object({ kind: z.literal('integrator'), key: z.object({ id: z.string(), name: z.string(), centres: z.array(z.string()) }) }),
          ]),
          401: errorBody,
        },
      },
      config: { access: ['integrator', ...STAFF], examples: meExamples },
    },
    async (request) => {
      const identity = request.identity!;
      return identity.kind === 'staff' ? { kind: 'staff' as const, officer: identity.officer } : { kind: 'integrator' as const, key: identity.key };
    },
  );
};

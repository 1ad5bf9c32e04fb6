import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError, errorBody } from '../errors.js';
import { type Problem, readinessProblems } from '../readiness.js';
import { healthExamples, readyExamples } from '../examples/operations.js';

const ok = z.object({ status: z.literal('ok') });

/** How long one answer of /readyz stands: a load balancer's probes do not each cost four calls. */
const CACHE_MS = 2_000;

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  // Probes are never rate limited: a load balancer's or orchestrator's, often many a minute from one address.
  app.get('/healthz', { schema: { tags: ['operations'], response: { 200: ok } }, config: { access: 'public', rateLimit: false, examples: healthExamples } }, async () => ({ status: 'ok' as const }));

  let last: { at: number; problems: Promise<Problem[]> } | undefined;

  /**
   * Ready when PostgreSQL answers, OneWindow's Temporal namespace exists and its search attributes are
   * registered and usable (api/readiness.ts); otherwise 503 naming each reason. Asked again after 2 s at
   * most, so an operator who creates the namespace sees the API ready without restarting it.
   */
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        description:
          'Ready to take writes: PostgreSQL answers, the Temporal namespace exists, and OneWindow’s search attributes are registered and usable in it. Otherwise 503 `unavailable`, each reason in `details` (field `database` or `temporal`).',
        response: { 200: ok, 503: errorBody },
      },
      config: { access: 'public', rateLimit: false, examples: readyExamples },
    },
    async (_request, reply) => {
      const { database, temporal } = app.deps;
      if (!last || Date.now() - last.at > CACHE_MS) {
        last = { at: Date.now(), problems: readinessProblems(database, temporal.connection, temporal.client.options.namespace) };
      }
      const failed = await last.problems;
      if (failed.length > 0) {
        reply.header('retry-after', '5');
        throw new HttpError(503, 'unavailable', `Not ready: ${failed.map((f) => `${f.field}: ${f.message}`).join('; ')}`, failed);
      }
      return { status: 'ok' as const };
    },
  );
};

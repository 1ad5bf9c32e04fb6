import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError, errorBody } from '../errors.js';

const ok = z.object({ status: z.literal('ok') });

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/healthz', { schema: { tags: ['operations'], response: { 200: ok } }, config: { access: 'public' } }, async () => ({ status: 'ok' as const }));

  /** Ready when both Temporal and the database answer; otherwise 503 naming the one that does not. */
  app.get('/readyz', { schema: { tags: ['operations'], response: { 200: ok, 503: errorBody } }, config: { access: 'public' } }, async () => {
    const { database, temporal } = app.deps;
    const checks = await Promise.allSettled([
      withTimeout(database.ping(), 3_000),
      withTimeout(temporal.connection.workflowService.getSystemInfo({}), 3_000),
    ]);
    const failed = checks.flatMap((check, i) =>
      check.status === 'rejected'
        ? [{ field: ['database', 'temporal'][i], message: String((check.reason as Error)?.message ?? check.reason) }]
        : [],
    );
    if (failed.length > 0) {
      throw new HttpError(503, 'unavailable', `Not ready: ${failed.map((f) => f.field).join(' and ')} unreachable`, failed);
    }
    return { status: 'ok' as const };
  });
};

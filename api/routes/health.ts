import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError, errorBody, isMissingNamespace } from '../errors.js';

const ok = z.object({ status: z.literal('ok') });

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/healthz', { schema: { tags: ['operations'], response: { 200: ok } }, config: { access: 'public' } }, async () => ({ status: 'ok' as const }));

  /**
   * Ready when the database answers and Temporal answers for OneWindow's namespace; otherwise 503
   * naming what is missing (a server that is up without the namespace cannot run anything).
   */
  app.get('/readyz', { schema: { tags: ['operations'], response: { 200: ok, 503: errorBody } }, config: { access: 'public' } }, async () => {
    const { database, temporal } = app.deps;
    const { namespace } = temporal.client.options;
    const checks = await Promise.allSettled([
      withTimeout(database.ping(), 3_000),
      withTimeout(temporal.connection.workflowService.describeNamespace({ namespace }), 3_000),
    ]);
    const failed = checks.flatMap((check, i) => {
      if (check.status === 'fulfilled') return [];
      const message = isMissingNamespace(check.reason)
        ? `namespace "${namespace}" does not exist on the Temporal server`
        : String((check.reason as Error)?.message ?? check.reason);
      return [{ field: ['database', 'temporal'][i], message }];
    });
    if (failed.length > 0) {
      throw new HttpError(503, 'unavailable', `Not ready: ${failed.map((f) => `${f.field}: ${f.message}`).join('; ')}`, failed);
    }
    return { status: 'ok' as const };
  });
};

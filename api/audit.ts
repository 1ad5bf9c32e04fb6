/**
 * Writes every state-changing request that succeeded to the audit trail, before its answer leaves:
 * who (the officer named in the request, else the calling system's address), what, on what, when.
 */
import type { FastifyInstance } from 'fastify';
import { appendAudit } from '../db/audit.js';

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function registerAudit(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!CHANGES.has(request.method) || reply.statusCode >= 400) return payload;
    const params = Object.values((request.params ?? {}) as Record<string, string>);
    let target = params.join('/');
    if (!target && typeof payload === 'string') {
      const created = JSON.parse(payload) as { applicationNo?: string; code?: string; id?: string | number };
      target = String(created.applicationNo ?? created.code ?? created.id ?? '');
    }
    const header = request.headers['x-officer-id'];
    const officer = (request.body as { officer?: { id: string; name?: string } } | undefined)?.officer;
    const actor = typeof header === 'string' ? { id: header } : officer ? { id: officer.id, name: officer.name } : { id: 'integrator', ip: request.ip };
    await appendAudit(app.deps.database.db, {
      at: new Date().toISOString(),
      actor,
      action: `${request.method} ${request.routeOptions.url ?? request.url}`,
      target: target || '-',
      status: reply.statusCode,
      requestId: request.id,
    });
    return payload;
  });
}

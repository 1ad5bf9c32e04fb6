/**
 * Writes every state-changing request that succeeded to the audit trail, before its answer leaves:
 * who (the authenticated officer or integrator key, and the address), what, on what, when, and the
 * centre it concerns, which decides which supervisors may read it.
 */
import type { FastifyInstance } from 'fastify';
import { appendAudit } from '../db/audit.js';
import { actorOf } from './auth.js';

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function registerAudit(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const refusal = reply.statusCode >= 400 && reply.statusCode < 500 && request.routeOptions.config?.auditRefusals;
    if (!CHANGES.has(request.method) || (reply.statusCode >= 400 && !refusal)) return payload;
    const params = Object.values((request.params ?? {}) as Record<string, string>);
    let target = request.auditTarget ?? params.join('/');
    if (!target && !refusal && typeof payload === 'string' && payload) {
      const created = JSON.parse(payload) as { applicationNo?: string; code?: string; id?: string | number };
      target = String(created.applicationNo ?? created.code ?? created.id ?? '');
    }
    // The centre the route named, else the application's (its number begins with its centre's code), else the actor's.
    const centreCode =
      request.auditCentre ??
      /^(\d{6})-\d{8}-\d+(\/|$)/.exec(target)?.[1] ??
      (request.identity?.kind === 'staff' ? request.identity.officer.centreCode : undefined);
    await appendAudit(app.deps.database.db, {
      at: new Date().toISOString(),
      actor: request.auditActor ?? actorOf(request),
      centreCode,
      action: `${request.method} ${request.routeOptions.url ?? request.url}`,
      target: target || '-',
      status: reply.statusCode,
      requestId: request.id,
    });
    return payload;
  });
}

/**
 * What OneWindow needs before it can take a write: PostgreSQL answering, OneWindow's Temporal namespace,
 * and its search attributes registered and usable in that namespace. `/readyz` asks this; the API's
 * start waits on the search attributes (a server refreshes its namespace cache every few seconds, and
 * until then a workflow started with them is refused).
 */
import type { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import type { Database } from '../db/client.js';
import { searchAttributes } from '../workflows/messages.js';
import { isMissingNamespace } from './errors.js';

export interface Problem {
  field: 'database' | 'temporal';
  message: string;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}

const grpcCode = (err: unknown) => (err as { code?: unknown })?.code;
const messageOf = (err: unknown) => String((err as Error)?.message ?? err);

/** A value of each search attribute's type, for a query that names them all. */
function sample(type: SearchAttributeType): string {
  return type === 'DATETIME' ? "'2000-01-01T00:00:00Z'" : "'readiness'";
}

/**
 * What keeps Temporal from running OneWindow's applications, in words for an operator; none when ready.
 * The namespace must exist; each search attribute must be listed in it (when the server lets us list
 * them: Temporal Cloud's keys may not) and a visibility query naming them all must be accepted, which
 * is what a start with them needs.
 */
export async function temporalProblems(connection: Connection, namespace: string, timeoutMs = 3_000): Promise<string[]> {
  const service = connection.workflowService;
  try {
    await withTimeout(service.describeNamespace({ namespace }), timeoutMs);
  } catch (err) {
    return [isMissingNamespace(err) ? `namespace "${namespace}" does not exist on the Temporal server` : messageOf(err)];
  }
  const wanted = Object.values(searchAttributes);
  try {
    const listed = await withTimeout(connection.operatorService.listSearchAttributes({ namespace }), timeoutMs);
    const known = new Set(Object.keys({ ...listed.customAttributes, ...listed.systemAttributes }));
    const missing = wanted.filter((key) => !known.has(key.name)).map((key) => key.name);
    if (missing.length > 0) return [`search attributes not registered in namespace "${namespace}": ${missing.join(', ')}`];
  } catch (err) {
    // 12 UNIMPLEMENTED, 7 PERMISSION_DENIED: the query below still tells.
    if (grpcCode(err) !== 12 && grpcCode(err) !== 7) return [messageOf(err)];
  }
  // By workflow id, so that the server looks at no rows; it still resolves every attribute named.
  const query = `WorkflowId = 'onewindow-readiness' AND (${wanted.map((key) => `${key.name} = ${sample(key.type)}`).join(' OR ')})`;
  try {
    await withTimeout(service.listWorkflowExecutions({ namespace, pageSize: 1, query }), timeoutMs);
  } catch (err) {
    if (grpcCode(err) === 3) return [`search attributes not yet usable in namespace "${namespace}": ${messageOf(err)}`];
    return [messageOf(err)];
  }
  return [];
}

/** Every problem, the database's and Temporal's, asked at the same time. */
export async function readinessProblems(database: Database, connection: Connection, namespace: string): Promise<Problem[]> {
  const [db, temporal] = await Promise.all([
    withTimeout(database.ping(), 3_000).then(
      (): string[] => [],
      (err: unknown) => [`PostgreSQL does not answer: ${messageOf(err)}`],
    ),
    temporalProblems(connection, namespace).catch((err: unknown) => [messageOf(err)]),
  ]);
  return [...db.map((message) => ({ field: 'database' as const, message })), ...temporal.map((message) => ({ field: 'temporal' as const, message }))];
}

/**
 * Waits until the search attributes can be used (a server caches a namespace's attributes and takes a
 * few seconds to see new ones), at most `timeoutMs`; the problems that remain, none when usable.
 */
export async function waitForTemporal(
  connection: Connection,
  namespace: string,
  options: { timeoutMs?: number; onWait?: (problems: string[]) => void } = {},
): Promise<string[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let told = false;
  for (;;) {
    const problems = await temporalProblems(connection, namespace);
    if (problems.length === 0 || Date.now() >= deadline) return problems;
    if (!told) options.onWait?.(problems);
    told = true;
    await new Promise((r) => setTimeout(r, 250));
  }
}

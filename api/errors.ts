/**
 * One error shape for every 4xx and 5xx: {"error": {"code", "message", "details"}}. A 5xx never carries
 * internals; a dependency that cannot be reached is a 503 so the caller knows to retry.
 */
import { NamespaceNotFoundError } from '@temporalio/common';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { payloadKeyErrorIn } from '../server/payload-codec.js';
import { chineseMessage, wantsChinese } from './messages-zh.js';

export const errorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z
        .array(
          z.object({
            field: z.string().optional(),
            message: z.string(),
            messageZh: z.string().optional().describe('The message in Chinese, when Accept-Language puts Chinese first'),
          }),
        )
        .optional(),
    }),
  })
  .meta({ id: 'Error' });

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: { field?: string; message: string }[],
  ) {
    super(message);
  }
}

/** 429 `rate_limited`, with Retry-After: the seconds until the caller's allowance is renewed. */
export class RateLimited extends HttpError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterMs: number) {
    super(429, 'rate_limited', message);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} was not found`);
export const refused = (message: string, code = 'refused') => new HttpError(409, code, message);
export const invalid = (field: string, message: string) =>
  new HttpError(400, 'validation_failed', `${field}: ${message}`, [{ field, message }]);

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

/** True when Temporal answers that OneWindow's namespace does not exist: nothing can run until an operator creates it. */
export function isMissingNamespace(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    // The client names it for some calls; others carry gRPC 5 NOT_FOUND with the server's words.
    if (e instanceof NamespaceNotFoundError) return true;
    if ((e as { code?: unknown }).code === 5 && /namespace\b.*\bnot found/i.test(e.message)) return true;
  }
  return false;
}

/** Temporal answers that it does not have this workflow (deleted, or past its namespace's retention): gRPC 5 NOT_FOUND, not about the namespace. */
export function isWorkflowGone(err: unknown): boolean {
  if (isMissingNamespace(err)) return false;
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if (e.name === 'WorkflowNotFoundError' || (e as { code?: unknown }).code === 5) return true;
  }
  return false;
}

/**
 * True when Temporal refuses a start or an update because it does not know one of OneWindow's search
 * attributes (gRPC 3 INVALID_ARGUMENT naming one): not registered yet, or registered moments ago and not
 * yet in the server's namespace cache. The request was right; the deployment is not ready.
 */
export function isUnknownSearchAttribute(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === 3 && /search attribute/i.test(e.message)) return true;
  }
  return false;
}

/** True when the error means Temporal or the database could not be reached, not that the request was wrong. */
export function isUnavailable(err: unknown): boolean {
  if (isMissingNamespace(err)) return true;
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    const { code, name } = e as { code?: unknown; name?: string };
    // gRPC 14 UNAVAILABLE and 4 DEADLINE_EXCEEDED (Temporal); SQLSTATE class 08 and 57P0x (PostgreSQL).
    if (code === 14 || code === 4) return true;
    // gRPC 9 FAILED_PRECONDITION while the workflow's task is failing and being retried (a worker killed
    // mid-task): Temporal refuses updates until it succeeds again; the fault run met it.
    if (code === 9 && /workflow task in failed state/i.test(e.message)) return true;
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08') || code.startsWith('57P0'))) return true;
    if (name === 'ServiceError' && /UNAVAILABLE|DEADLINE|connect/i.test(e.message)) return true;
    if (/Connection terminated|connection timeout|timeout exceeded when trying to connect|Failed to connect/i.test(e.message)) return true;
  }
  return false;
}

/** The path of the first string in a request part that holds a NUL character, which no text column can store. */
function nulIn(value: unknown, at: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? at : undefined;
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const found = nulIn(inner, `${at}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

function isDataException(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    const { code } = e as { code?: unknown };
    if (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) return true;
  }
  return false;
}

/**
 * A failed query's error as it may be logged: drizzle puts the bound values into its message and
 * `params` (an applicant's ID number, a camera's password), so only the statement and the cause go.
 */
export function withoutParams(err: unknown): unknown {
  if (!(err instanceof Error) || !('params' in err) || !('query' in err)) return err;
  const cause = err.cause instanceof Error ? { type: err.cause.name, message: err.cause.message, code: (err.cause as { code?: string }).code } : undefined;
  return { type: err.name, message: err.message.split('\nparams:')[0], query: (err as { query: unknown }).query, cause, stack: err.stack?.split('\nparams:')[0] };
}

export function registerErrorHandler(app: FastifyInstance): void {
  // Any route may answer 503 (PostgreSQL or Temporal out of reach, Temporal not ready): the OpenAPI document says so for each.
  app.addHook('onRoute', (route) => {
    const response = route.schema?.response as Record<string | number, unknown> | undefined;
    if (response && !(503 in response) && !('5xx' in response)) response[503] = errorBody;
  });
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [['params', request.params], ['querystring', request.query], ['body', request.body]] as const) {
      const field = nulIn(value, part);
      if (field) throw invalid(field, 'contains a NUL character');
    }
  });
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const chinese = wantsChinese(request);
    /** With Accept-Language zh first, each detail also says it in Chinese (api/messages-zh.ts). */
    const localized = <D extends { message: string }>(detail: D, issue?: { keyword?: string; params?: Record<string, unknown> }) => {
      const messageZh = chinese ? chineseMessage(detail.message, issue) : undefined;
      return messageZh ? { ...detail, messageZh } : detail;
    };
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) =>
        localized(
          { field: [err.validationContext, ...v.instancePath.split('/').filter(Boolean)].join('.'), message: v.message ?? 'is invalid' },
          { keyword: v.keyword, params: v.params },
        ),
      );
      return reply.status(400).send({
        error: {
          code: 'validation_failed',
          message: details.map((d) => `${d.field}: ${d.message}`).join('; '),
          details,
        },
      });
    }
    if (err instanceof HttpError) {
      // RFC 6750: say which credentials would do.
      if (err.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="onewindow"');
      if (err instanceof RateLimited) reply.header('retry-after', String(err.retryAfterSeconds));
      return reply.status(err.statusCode).send({ error: { code: err.code, message: err.message, details: err.details?.map((d) => localized(d)) } });
    }
    const keyError = payloadKeyErrorIn(err);
    if (keyError) {
      // A deployment's mistake, not the caller's: the key id and what to configure go to the log and the
      // answer (an id is no secret), so that whoever sees either knows which key to add.
      request.log.error({ keyId: keyError.keyId }, keyError.message);
      return reply.status(500).send({ error: { code: 'payload_key_missing', message: `Temporal holds data this API cannot decrypt. ${keyError.message}` } });
    }
    if (isDataException(err)) {
      // SQLSTATE class 22: a value from the request that the database cannot hold (range, encoding).
      return reply.status(400).send({ error: { code: 'validation_failed', message: 'A value in the request is out of range or cannot be stored' } });
    }
    if (isUnknownSearchAttribute(err)) {
      request.log.error({ err }, 'Temporal does not know a search attribute of OneWindow (see /readyz)');
      return reply.status(503).header('retry-after', '5').send({
        error: {
          code: 'unavailable',
          message: 'Temporal is not ready for OneWindow (its search attributes are not registered or not yet usable); nothing was changed. Retry later.',
        },
      });
    }
    if (isUnavailable(err)) {
      request.log.warn({ err: withoutParams(err) }, 'a dependency is unavailable');
      return reply.status(503).header('retry-after', '5').send({
        error: { code: 'unavailable', message: 'A service OneWindow depends on is unavailable; nothing was changed. Retry later.' },
      });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.status(err.statusCode).send({ error: { code: err.code?.toLowerCase() ?? 'bad_request', message: err.message } });
    }
    request.log.error({ err: withoutParams(err) }, 'request failed');
    return reply.status(500).send({ error: { code: 'internal', message: 'Internal error; it has been logged.' } });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url}` } }),
  );
}

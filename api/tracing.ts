/**
 * A server span for every request (server/tracing.ts turns tracing on), named after its method and route
 * pattern: `POST /v1/applications/:no/intake`. The route's handler runs inside it, so the Temporal
 * client's calls are its children and carry the trace on into the workflow. A caller's own trace (a W3C
 * `traceparent` header) is continued. A 5xx marks the span as failed with the error's kind, not its
 * message, which could quote an applicant; the path is kept without its query, which could hold a token.
 * The probes (/healthz, /readyz), polled every few seconds, are left to the metrics.
 */
import { type Span, SpanKind, SpanStatusCode, type Tracer, ROOT_CONTEXT, context, propagation, trace } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const UNTRACED = new Set(['/healthz', '/readyz']);

export function traceRequests(app: FastifyInstance, tracer: Tracer): void {
  const spans = new WeakMap<FastifyRequest, Span>();
  /** An error that ended in a 5xx, until the response is sent. */
  const failures = new WeakMap<FastifyRequest, Error>();

  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    if (route && UNTRACED.has(route)) return;
    const span = tracer.startSpan(
      route ? `${request.method} ${route}` : request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: request.method,
          [ATTR_URL_PATH]: request.url.split('?')[0],
          ...(route && { [ATTR_HTTP_ROUTE]: route }),
        },
      },
      propagation.extract(ROOT_CONTEXT, request.headers),
    );
    spans.set(request, span);
  });

  // The handler itself runs in the span's context: a request body arrives through stream events, which
  // do not carry the context from the hooks that ran before it.
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function (request, reply) {
      const span = spans.get(request);
      if (!span) return handler.call(this, request, reply);
      return context.with(trace.setSpan(ROOT_CONTEXT, span), () => handler.call(this, request, reply));
    };
  });

  app.addHook('onError', async (request, _reply, error) => {
    failures.set(request, error);
  });

  app.addHook('onResponse', async (request, reply) => {
    const span = spans.get(request);
    if (!span) return;
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
    if (reply.statusCode >= 500) {
      const error = failures.get(request);
      span.setAttribute(ATTR_ERROR_TYPE, (error as { code?: string } | undefined)?.code ?? error?.name ?? String(reply.statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  });

  app.addHook('onRequestAbort', async (request) => {
    const span = spans.get(request);
    span?.setAttribute(ATTR_ERROR_TYPE, 'aborted');
    span?.setStatus({ code: SpanStatusCode.ERROR });
    span?.end();
  });
}

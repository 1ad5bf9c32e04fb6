/**
 * The OneWindow HTTP API as a Fastify instance. The server file starts it; tests build it through the
 * same function and call it with `inject`.
 */
import type { PaymentPlatform } from '../activities/payment-platform.js';
import { feeReconciliationRoutes, feeRoutes } from './routes/fees.js';
import { paymentRoutes } from './routes/payments.js';
import type { Tracer } from '@opentelemetry/api';
import type { Client, Connection } from '@temporalio/client';
import Fastify, { type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import type { Database } from '../db/client.js';
import type { BlobStore } from '../db/blob-store.js';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { registerAudit } from './audit.js';
import { recordMetrics } from './metrics.js';
import { traceRequests } from './tracing.js';
import { type AuthConfig, registerAuth } from './auth.js';
import { integratorRoutes } from './routes/integrators.js';
import { meRoutes } from './routes/me.js';
import { signInRoutes } from './routes/signin.js';
import type { SignInConfig } from './session.js';
import { RateLimited, registerErrorHandler } from './errors.js';
import { registerJsonParser } from './json-depth.js';
import { auditRoutes } from './routes/audit.js';
import { auditProofRoutes } from './routes/audit-proofs.js';
import { registerOpenApi } from './openapi.js';
import { applicationRoutes } from './routes/applications.js';
import { alertRoutes } from './routes/alerts.js';
import { caseRoutes } from './routes/cases.js';
import { consultationRoutes } from './routes/consultations.js';
import { documentRoutes } from './routes/documents.js';
import { statisticsRoutes } from './routes/statistics.js';
import { feeStatisticsRoutes } from './routes/fee-statistics.js';
import type { RatingSettings } from './ratings.js';
import { ratingRoutes } from './routes/ratings.js';
import { publicRatingRoutes } from './routes/public-ratings.js';
import { satisfactionRoutes } from './routes/rating-statistics.js';
import { ratingPageRoutes } from './routes/rating-page.js';
import { publicComplaintRoutes } from './routes/public-complaints.js';
import { publicSatisfactionRoutes } from './routes/public-satisfaction.js';
import { followUpRoutes } from './routes/follow-ups.js';
import { supervisionRoutes } from './routes/supervision.js';
import { calendarRoutes } from './routes/calendar.js';
import { healthRoutes } from './routes/health.js';
import { historyRoutes } from './routes/history.js';
import { codecRoutes } from './routes/codec.js';
import { inboxRoutes } from './routes/inbox.js';
import { itemRoutes } from './routes/items.js';
import { organisationRoutes } from './routes/organisation.js';
import { queueRoutes } from './routes/queue.js';
import { windowRoutes } from './routes/window.js';
import { attachmentRoutes } from './routes/attachments.js';
import { workstationRoutes } from './routes/workstation.js';
import { adminRoutes } from './routes/admin.js';
import { videoRoutes } from './routes/video.js';
import { webhookRoutes } from './routes/webhooks.js';

export interface AppDeps {
  database: Database;
  temporal: { client: Client; connection: Connection; taskQueue: string; uiUrl?: string };
  /** How staff tokens are verified (api/auth.ts). */
  auth: AuthConfig;
  /** The region's non-tax payment platform (activities/payment-platform.ts) and the secret its notifications are signed with; unset: fees cannot be charged. */
  payments?: { platform: PaymentPlatform; callbackSecret: string };
  /** Browser sign-in through an OpenID Connect provider, and its sessions (api/session.ts); unset: none. */
  signIn?: SignInConfig;
  security?: {
    /** Origins allowed to call the API from a browser; none by default (same origin only). */
    corsOrigins?: string[];
    /** Origins of Temporal UIs allowed to call the codec endpoint with credentials, beside `temporal.uiUrl`'s. */
    codecOrigins?: string[];
    /** Requests per minute of a caller without credentials, per address; 0 switches the limits off. */
    rateLimitPerMinute?: number;
    /** Requests per minute per integrator key or staff member. */
    rateLimitPerKeyPerMinute?: number;
    /**
     * Which proxies' X-Forwarded-For (and -Proto, -Host) to believe, as Fastify's `trustProxy`: their
     * addresses or subnets, a number of hops, or true for any; unset, none: the caller is the connection's peer.
     */
    trustProxy?: boolean | number | string[];
  };
  /** The applicant's materials as files: where their bytes live (PostgreSQL unless told) and the largest accepted. */
  attachments?: { store?: BlobStore; maxBytes?: number };
  /** Where the requests' Prometheus metrics are recorded (api/metrics.ts); unset: none. */
  metrics?: Registry;
  /** Where each request's server span is started (api/tracing.ts); unset: none. */
  tracer?: Tracer;
  /** Ratings (好差评): how long a rating may be changed, how long a notice's rating code lasts, the public routes' limit per address. */
  ratings?: RatingSettings;
  /** Where the windows' recordings are (VIDEO_DIR; server/recorder.ts writes them); unset: no playback here. */
  video?: { dir: string };
  /** Webhook endpoints: whether a plain http:// URL may be registered (https only unless told). */
  webhooks?: { allowHttp: boolean };
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
  }
}

export async function buildApp(deps: AppDeps, options: FastifyServerOptions = { logger: false }) {
  // 64 KiB is ample for any application or decision; the catalogue import sets its own, larger limit.
  // A number of hops as a function: Fastify takes a number too, but its types do not say so.
  const proxies = deps.security?.trustProxy;
  const trustProxy = typeof proxies === 'number' ? (_address: string, hop: number) => hop < proxies : proxies;
  const app = Fastify({ bodyLimit: 65_536, ...(trustProxy !== undefined && { trustProxy }), ...options }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('deps', deps);
  if (deps.tracer) traceRequests(app, deps.tracer);
  registerErrorHandler(app);
  registerJsonParser(app);
  if (deps.metrics) await recordMetrics(app, deps.metrics);
  // Security headers; the page and /docs load only their own scripts, which a CSP would also allow,
  // but Swagger UI's inline bootstrap would not: the CSP is left to the reverse proxy.
  await app.register(helmet, { contentSecurityPolicy: false });
  // The Temporal UI calls the payload codec (api/routes/codec.ts) from its own origin, with the staff's
  // session cookie ("include cross-origin credentials") or their token.
  const codecOrigins = [...(deps.security?.codecOrigins ?? []), ...(deps.temporal.uiUrl ? [new URL(deps.temporal.uiUrl).origin] : [])];
  const codecCors = { origin: codecOrigins, credentials: true, methods: ['POST'], allowedHeaders: ['content-type', 'authorization', 'x-namespace'], maxAge: 600 };
  const apiCors = { origin: deps.security?.corsOrigins ?? false };
  await app.register(cors, { delegator: (request, callback) => callback(null, request.url?.startsWith('/v1/codec/') ? codecCors : apiCors) });
  // Counted after authentication: per key or staff member when the caller is known, else per address.
  const perMinute = deps.security?.rateLimitPerMinute ?? 1000;
  const perKey = deps.security?.rateLimitPerKeyPerMinute ?? 3000;
  let signInFailed: ((request: FastifyRequest) => Promise<void>) | undefined;
  if (perMinute > 0) {
    await app.register(rateLimit, {
      hook: 'preHandler',
      timeWindow: '1 minute',
      keyGenerator: (request) => request.identity?.id ?? `address:${request.ip}`,
      max: (request) => (request.identity ? perKey : perMinute),
      // The plugin has already set Retry-After (and the X-RateLimit headers); the answer takes the one error shape.
      errorResponseBuilder: (_request, context) => new RateLimited(`Rate limit exceeded: at most ${context.max} requests a minute; retry in ${context.after}`, context.ttl),
    });
    // Credentials that fail count against the address as well, so keys and tokens cannot be tried at speed.
    const failures = app.createRateLimit({ keyGenerator: (request) => `address:${request.ip}`, max: perMinute });
    signInFailed = async (request) => {
      const limit = await failures(request);
      if (!limit.isAllowed && limit.isExceeded) throw new RateLimited(`Too many failed sign-ins from this address; retry in ${Math.ceil(limit.ttlInSeconds)} s`, limit.ttl);
    };
  }
  await app.register(cookie);
  await registerAuth(app, deps.auth, { signInFailed, sessions: deps.signIn });
  registerAudit(app);
  // Every log line about an application carries its number.
  app.addHook('preHandler', async (request) => {
    const no = (request.params as { no?: string } | undefined)?.no;
    if (no) request.log = request.log.child({ applicationNo: no });
  });
  await registerOpenApi(app);
  await app.register(healthRoutes);
  await app.register(applicationRoutes, { prefix: '/v1' });
  await app.register(windowRoutes, { prefix: '/v1' });
  await app.register(attachmentRoutes, { prefix: '/v1' });
  await app.register(inboxRoutes, { prefix: '/v1' });
  await app.register(queueRoutes, { prefix: '/v1' });
  await app.register(historyRoutes, { prefix: '/v1' });
  await app.register(codecRoutes, { prefix: '/v1' });
  await app.register(documentRoutes, { prefix: '/v1' });
  await app.register(organisationRoutes, { prefix: '/v1' });
  await app.register(itemRoutes, { prefix: '/v1' });
  await app.register(calendarRoutes, { prefix: '/v1' });
  await app.register(alertRoutes, { prefix: '/v1' });
  await app.register(statisticsRoutes, { prefix: '/v1' });
  await app.register(feeStatisticsRoutes, { prefix: '/v1' });
  await app.register(caseRoutes, { prefix: '/v1' });
  await app.register(consultationRoutes, { prefix: '/v1' });
  await app.register(supervisionRoutes);
  await app.register(workstationRoutes);
  await app.register(adminRoutes);
  await app.register(auditRoutes, { prefix: '/v1' });
  await app.register(auditProofRoutes, { prefix: '/v1' });
  await app.register(integratorRoutes, { prefix: '/v1' });
  await app.register(meRoutes, { prefix: '/v1' });
  await app.register(feeRoutes, { prefix: '/v1' });
  await app.register(feeReconciliationRoutes, { prefix: '/v1' });
  await app.register(ratingRoutes, { prefix: '/v1' });
  await app.register(publicRatingRoutes, { prefix: '/v1' });
  await app.register(satisfactionRoutes, { prefix: '/v1' });
  await app.register(followUpRoutes, { prefix: '/v1' });
  await app.register(videoRoutes, { prefix: '/v1' });
  await app.register(webhookRoutes, { prefix: '/v1' });
  await app.register(ratingPageRoutes);
  await app.register(publicComplaintRoutes);
  await app.register(publicSatisfactionRoutes);
  // Only where a payment platform is configured does it have anything to notify.
  if (deps.payments) await app.register(paymentRoutes, { prefix: '/v1' });
  if (deps.signIn) await app.register(signInRoutes, { config: deps.signIn });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;

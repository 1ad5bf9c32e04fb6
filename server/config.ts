/** All configuration comes from the environment, parsed once at start; a bad value names its variable. */
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { parseStoreUrl } from '../db/blob-store.js';
import { DEFAULT_TASK_QUEUE, ITEM_CATEGORIES, type ItemCategory } from '../workflows/messages.js';
import { DEFAULT_CHANGE_MINUTES, DEFAULT_TOKEN_DAYS } from '../workflows/rules/ratings.js';

const port = z.coerce.number().int().min(1).max(65535);
const optional = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));

const wholeNumber = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().min(min).max(max)).optional();

const env = z.object({
  PORT: port.default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: optional.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  TEMPORAL_ADDRESS: optional,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default(DEFAULT_TASK_QUEUE),
  TEMPORAL_API_KEY: optional,
  TEMPORAL_TLS: z.enum(['true', 'false']).optional(),
  TEMPORAL_TLS_CERT_PATH: optional,
  TEMPORAL_TLS_KEY_PATH: optional,
  TEMPORAL_CLI_PATH: optional,
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_UI_URL: optional.pipe(z.url().optional()),
  CORS_ORIGINS: optional.transform((v) => v?.split(',').map((o) => o.trim()).filter(Boolean)),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(1000),
  RATE_LIMIT_PER_KEY_PER_MINUTE: z.coerce.number().int().min(0).default(3000),
  AUTH_JWT_SECRET: optional.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  AUTH_JWT_PUBLIC_KEY: optional,
  AUTH_JWT_ALGORITHM: z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA']).default('RS256'),
  AUTH_JWKS_URL: optional.pipe(z.url({ protocol: /^https?$/ }).optional()),
  AUTH_JWT_ISSUER: z.string().min(1).default('onewindow'),
  AUTH_JWT_AUDIENCE: z.string().min(1).default('onewindow'),
  /** The longest a staff token may live (exp − iat) and be used after it was issued, in hours. */
  AUTH_MAX_TOKEN_HOURS: optional.pipe(wholeNumber(1, 720)).transform((v) => v ?? 12),
  TRUST_PROXY: optional.transform((v, ctx) => {
    try {
      return parseTrustProxy(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  }),
  OIDC_ISSUER_URL: optional.pipe(z.url({ protocol: /^https?$/ }).optional()),
  OIDC_CLIENT_ID: z.string().min(1).default('onewindow'),
  OIDC_CLIENT_SECRET: optional,
  OIDC_OFFICER_CLAIM: z.string().min(1).default('sub'),
  OIDC_SCOPES: z
    .string()
    .default('openid profile')
    .refine((v) => v.split(/\s+/).includes('openid'), 'must include openid'),
  OIDC_DEV_PORT: port.default(3001),
  PUBLIC_URL: optional.pipe(z.url({ protocol: /^https?$/ }).optional()),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(168).default(10),
  WORKER_METRICS_ADDRESS: optional.pipe(z.string().regex(/^[^:]+:\d+$/, 'must be host:port').optional()),
  API_METRICS_ADDRESS: optional.pipe(z.string().regex(/^[^:]+:\d+$/, 'must be host:port').optional()),
  WORKER_MAX_CACHED_WORKFLOWS: optional.pipe(wholeNumber(0, 1_000_000)),
  WORKER_WORKFLOW_THREADS: optional.pipe(wholeNumber(1, 64)),
  WORKFLOW_BUNDLE: optional,
  // OpenTelemetry's own variables (the exporter also reads OTEL_EXPORTER_OTLP_HEADERS and _TIMEOUT itself).
  OTEL_EXPORTER_OTLP_ENDPOINT: optional.pipe(z.url({ protocol: /^https?$/ }).optional()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optional.pipe(z.url({ protocol: /^https?$/ }).optional()),
  OTEL_SERVICE_NAME: optional,
  /** id:base64-key pairs, comma-separated, newest last (server/payload-codec.ts). */
  PAYLOAD_KEYS: optional,
  /** A JSON key file, {"current": id, "keys": {id: base64-key}}, instead of PAYLOAD_KEYS. */
  PAYLOAD_KEY_FILE: optional,
  /** The key new payloads are encrypted with; unset: the newest (the key file's `current`). */
  PAYLOAD_KEY_ID: optional,
  /** Origins of Temporal UIs that call the codec endpoint with the staff's cookies, beyond TEMPORAL_UI_URL's. */
  CODEC_CORS_ORIGINS: optional.transform((v) => v?.split(',').map((o) => o.trim()).filter(Boolean)),
  ATTACHMENTS_STORE_URL: optional.superRefine((v, ctx) => {
    if (v === undefined) return;
    try {
      parseStoreUrl(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  }),
  /** 20 MiB: a scanned licence or a few dozen pages of a PDF; larger is almost always a mistake. */
  /** Seconds between two sweeps of the history archiver (npm start and npm run worker keep its schedule); 0: no schedule. */
  HISTORY_ARCHIVE_EVERY_SECONDS: optional.pipe(wholeNumber(0, 86_400)).transform((v) => v ?? 60),
  /** category=years pairs, e.g. licensing=30,public_service=10; a category not named is kept permanently. */
  RECORD_RETENTION_YEARS: optional.transform((v, ctx) => {
    try {
      return parseRetention(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  }),
  ATTACHMENTS_MAX_BYTES: optional.pipe(wholeNumber(1, 2 ** 31 - 1)).transform((v) => v ?? 20 * 1024 * 1024),
  /** The audit log's MAC key, base64 of 32 bytes or more: kept out of the database, so the database cannot recompute the chain. */
  AUDIT_MAC_KEY: optional.refine((v) => v === undefined || Buffer.from(v, 'base64').length >= 32, 'must be base64 of at least 32 bytes'),
  /** The Ed25519 key that signs the audit log's checkpoints, PEM (PKCS#8). */
  AUDIT_SIGNING_KEY: optional,
  /** Where signed checkpoints are written, one file each, never rewritten; keep it off the database's host. */
  AUDIT_CHECKPOINT_DIR: optional,
  /** A copy of each checkpoint in S3-compatible storage, s3://bucket/prefix?endpoint=…; the folder stays the one verified. */
  AUDIT_CHECKPOINT_S3_URL: optional.superRefine((v, ctx) => {
    if (v === undefined) return;
    try {
      parseStoreUrl(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  }),
  /** Seconds between two signed checkpoints (the worker keeps the schedule); 0: none, only on demand. */
  AUDIT_CHECKPOINT_EVERY_SECONDS: optional.pipe(wholeNumber(0, 86_400)).transform((v) => v ?? 60),
  /** The region's non-tax payment platform (非税收入统一缴费平台); unset with `npm start`: the local simulator. */
  PAYMENT_PLATFORM_URL: optional.pipe(z.url({ protocol: /^https?$/ }).optional()),
  /** The secret the platform signs its notifications with (HMAC-SHA256, api/payment-signature.ts). */
  PAYMENT_CALLBACK_SECRET: optional.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  /** `npm start`'s payment platform simulator listens here (server/payment-platform.ts). */
  PAYMENT_SIM_PORT: port.default(3002),
  /** Minutes after a rating (好差评) during which it may be changed; 0: never. */
  RATING_CHANGE_MINUTES: optional.pipe(wholeNumber(0, 1440)).transform((v) => v ?? DEFAULT_CHANGE_MINUTES),
  /** Days a notice's one-time rating code stays valid. */
  RATING_TOKEN_DAYS: optional.pipe(wholeNumber(1, 365)).transform((v) => v ?? DEFAULT_TOKEN_DAYS),
  /** Requests per minute per address to the public rating routes. */
  RATING_PUBLIC_PER_MINUTE: optional.pipe(wholeNumber(1, 10_000)).transform((v) => v ?? 20),
  VIDEO_DIR: optional,
  VIDEO_RETENTION_DAYS: optional.pipe(wholeNumber(1, 3650)).transform((v) => v ?? 90),
  VIDEO_MAX_GB: optional.pipe(z.string().regex(/^\d+(\.\d+)?$/, 'must be a number of gigabytes').transform(Number).optional()),
  VIDEO_SEGMENT_SECONDS: optional.pipe(wholeNumber(1, 10)).transform((v) => v ?? 2),
  VIDEO_CENTRES: optional.transform((v) => v?.split(',').map((c) => c.trim()).filter(Boolean)),
  /** `npm start` records the registered cameras unless this is false. */
  VIDEO_RECORD: z.enum(['true', 'false']).default('true'),
  WEBHOOK_SEND: z.enum(['true', 'false']).default('true'),
  WEBHOOK_RETRY_SCHEDULE: optional.pipe(
    z
      .string()
      .regex(/^\d+(,\d+)*$/, 'must be whole seconds separated by commas, e.g. 5,60,300')
      .transform((v) => v.split(',').map(Number))
      .optional(),
  ),
  WEBHOOK_PAUSE_AFTER_HOURS: optional.pipe(wholeNumber(1, 720)).transform((v) => v ?? 48),
  WEBHOOK_TIMEOUT_SECONDS: optional.pipe(wholeNumber(1, 120)).transform((v) => v ?? 15),
  WEBHOOK_ALLOW_HTTP: z.enum(['true', 'false']).optional(),
  RECORDER_METRICS_ADDRESS: optional.pipe(z.string().regex(/^[^:]+:\d+$/, 'must be host:port').optional()),
  FFMPEG_PATH: z.string().min(1).default('ffmpeg'),
  /** Where applicants reach the public pages: the notices' QR codes open <PUBLIC_BASE_URL>/rate/<code>. */
  PUBLIC_BASE_URL: optional.pipe(z.url({ protocol: /^https?$/ }).optional()),
  /** The log's name in its checkpoints (C2SP tlog-checkpoint's origin), e.g. onewindow.gxzf.gov.cn/audit. */
  AUDIT_LOG_ORIGIN: optional,
});

export type Config = ReturnType<typeof loadConfig>;

export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  const parsed = env.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new ConfigError(`Invalid configuration:\n${problems}`);
  }
  const e = parsed.data;
  if ((e.TEMPORAL_TLS_CERT_PATH === undefined) !== (e.TEMPORAL_TLS_KEY_PATH === undefined)) {
    throw new ConfigError('Invalid configuration:\n  TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together');
  }
  if (e.PAYLOAD_KEYS && e.PAYLOAD_KEY_FILE) {
    throw new ConfigError('Invalid configuration:\n  PAYLOAD_KEYS and PAYLOAD_KEY_FILE: set one of them, not both');
  }
  if (e.OIDC_ISSUER_URL?.startsWith('http:') && !['localhost', '127.0.0.1', '[::1]'].includes(new URL(e.OIDC_ISSUER_URL).hostname)) {
    throw new ConfigError('Invalid configuration:\n  OIDC_ISSUER_URL: must be https (http only for a provider on this machine)');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    /** Where the API serves its requests' Prometheus metrics, e.g. 0.0.0.0:9465; unset: not served. */
    apiMetricsAddress: e.API_METRICS_ADDRESS,
    dataDir: path.resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    worker: {
      /** Where the worker serves the Temporal SDK's Prometheus metrics, e.g. 0.0.0.0:9464; unset: not served. */
      metricsAddress: e.WORKER_METRICS_ADDRESS,
      /** Workflows kept in memory between their tasks; unset: the SDK's default, from the heap size. */
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      /** Threads that run workflow code; unset: the SDK's default (1). */
      workflowThreads: e.WORKER_WORKFLOW_THREADS,
      /** A bundle made by `npm run build:workflows`; unset: the worker bundles the workflows as it starts. */
      bundlePath: e.WORKFLOW_BUNDLE && path.resolve(e.WORKFLOW_BUNDLE),
    },
    databaseUrl: e.DATABASE_URL,
    /** Traces over OTLP/HTTP (server/tracing.ts); no endpoint: no tracing at all. */
    tracing: {
      /** Where spans are posted: the traces endpoint as given, or the general endpoint's /v1/traces. */
      url: e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (e.OTEL_EXPORTER_OTLP_ENDPOINT && `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`),
      /** Unset: onewindow-api, onewindow-worker, or onewindow for `npm start`, after the process. */
      serviceName: e.OTEL_SERVICE_NAME,
    },
    attachments: {
      /** s3://bucket/prefix?endpoint=…&region=…&forcePathStyle=true; unset: the bytes are kept in PostgreSQL. */
      storeUrl: e.ATTACHMENTS_STORE_URL,
      /** The largest file accepted, in bytes. */
      maxBytes: e.ATTACHMENTS_MAX_BYTES,
    },
    records: {
      /** Seconds between the history archiver's sweeps; 0: the worker keeps no schedule (run `npm run history:archive`). */
      archiveEverySeconds: e.HISTORY_ARCHIVE_EVERY_SECONDS,
      /** Years each item category's records are kept after the application closed; absent: permanently. */
      retentionYears: e.RECORD_RETENTION_YEARS,
    },
    /** The audit log's keys and signed checkpoints (server/audit-keys.ts, db/audit-checkpoints.ts). */
    audit: {
      macKey: e.AUDIT_MAC_KEY,
      // A PEM in one environment line may carry its newlines as \n.
      signingKey: e.AUDIT_SIGNING_KEY?.replaceAll('\\n', '\n'),
      checkpointDir: path.resolve(e.AUDIT_CHECKPOINT_DIR ?? path.join(e.DATA_DIR, 'audit-checkpoints')),
      checkpointS3Url: e.AUDIT_CHECKPOINT_S3_URL,
      checkpointEverySeconds: e.AUDIT_CHECKPOINT_EVERY_SECONDS,
      origin: e.AUDIT_LOG_ORIGIN ?? `${new URL(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).host}/audit`,
    },
    /** The non-tax payment platform: where OneWindow asks it for payment notices, and the secret its notifications carry. */
    payments: {
      platformUrl: e.PAYMENT_PLATFORM_URL,
      callbackSecret: e.PAYMENT_CALLBACK_SECRET,
      simulatorPort: e.PAYMENT_SIM_PORT,
    },
    /** Ratings (好差评): the change window, the rating codes' validity and the public routes' limit. */
    ratings: {
      changeMinutes: e.RATING_CHANGE_MINUTES,
      tokenDays: e.RATING_TOKEN_DAYS,
      publicPerMinute: e.RATING_PUBLIC_PER_MINUTE,
    },
    /** Video monitoring: where recordings go and how long they stay; which centres' cameras a recorder takes. */
    video: {
      dir: path.resolve(e.VIDEO_DIR ?? path.join(e.DATA_DIR, 'video')),
      retentionDays: e.VIDEO_RETENTION_DAYS,
      maxBytes: e.VIDEO_MAX_GB === undefined ? undefined : Math.floor(e.VIDEO_MAX_GB * 1e9),
      segmentSeconds: e.VIDEO_SEGMENT_SECONDS,
      centres: e.VIDEO_CENTRES,
      record: e.VIDEO_RECORD === 'true',
      metricsAddress: e.RECORDER_METRICS_ADDRESS,
      ffmpegPath: e.FFMPEG_PATH,
    },
    /**
     * Webhooks (server/webhook-sender.ts): every worker sends them unless told not to; the retry schedule in
     * seconds, the pause of an endpoint without a success, a request's timeout; plain http endpoints only
     * where allowed (always for `npm start`'s embedded database).
     */
    webhooks: {
      send: e.WEBHOOK_SEND === 'true',
      retrySchedule: e.WEBHOOK_RETRY_SCHEDULE,
      pauseAfterMs: e.WEBHOOK_PAUSE_AFTER_HOURS * 3_600_000,
      timeoutMs: e.WEBHOOK_TIMEOUT_SECONDS * 1000,
      allowHttp: e.WEBHOOK_ALLOW_HTTP ? e.WEBHOOK_ALLOW_HTTP === 'true' : !e.DATABASE_URL,
    },
    /** What the documents' issue needs besides the database: where their QR codes point, how long their rating codes last. */
    documents: {
      publicBaseUrl: (e.PUBLIC_BASE_URL ?? e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
      ratingTokenDays: e.RATING_TOKEN_DAYS,
    },
    /** Keys of the payload codec that encrypts applicants' personal data in Temporal; read by server/payload-codec.ts. */
    payloadKeys: {
      list: e.PAYLOAD_KEYS,
      file: e.PAYLOAD_KEY_FILE && path.resolve(e.PAYLOAD_KEY_FILE),
      currentId: e.PAYLOAD_KEY_ID,
    },
    security: {
      corsOrigins: e.CORS_ORIGINS,
      /** Origins allowed to call the codec endpoint with credentials (a Temporal UI's), beside TEMPORAL_UI_URL's. */
      codecOrigins: e.CODEC_CORS_ORIGINS,
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
      rateLimitPerKeyPerMinute: e.RATE_LIMIT_PER_KEY_PER_MINUTE,
      /** The reverse proxies whose X-Forwarded-For names the caller (Fastify's trustProxy); unset: none. */
      trustProxy: e.TRUST_PROXY,
    },
    /** Staff tokens: a shared secret (local tokens), an identity provider's public key, or its JWKS. */
    auth: {
      secret: e.AUTH_JWT_SECRET,
      // A PEM in one environment line may carry its newlines as \n.
      publicKey: e.AUTH_JWT_PUBLIC_KEY?.replaceAll('\\n', '\n'),
      algorithm: e.AUTH_JWT_ALGORITHM,
      jwksUrl: e.AUTH_JWKS_URL,
      issuer: e.AUTH_JWT_ISSUER,
      audience: e.AUTH_JWT_AUDIENCE,
      maxTokenHours: e.AUTH_MAX_TOKEN_HOURS,
    },
    /** Browser sign-in: OpenID Connect's code flow with PKCE against the identity provider, then a session. */
    signIn: {
      /** Unset: `npm start` runs the local identity provider on `devPort`; `npm run api` offers no browser sign-in. */
      issuerUrl: e.OIDC_ISSUER_URL,
      clientId: e.OIDC_CLIENT_ID,
      /** Unset: a public client, with PKCE only. */
      clientSecret: e.OIDC_CLIENT_SECRET,
      officerClaim: e.OIDC_OFFICER_CLAIM,
      scopes: e.OIDC_SCOPES.trim().split(/\s+/).join(' '),
      devPort: e.OIDC_DEV_PORT,
      /** The API's external base URL, where the identity provider sends the browser back (`/auth/callback`). */
      publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
      idleMinutes: e.SESSION_IDLE_MINUTES,
      absoluteHours: e.SESSION_ABSOLUTE_HOURS,
    },
    temporal: {
      /** Unset: `npm start` runs the Temporal dev server itself. */
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      apiKey: e.TEMPORAL_API_KEY,
      tls: e.TEMPORAL_TLS === 'true' || e.TEMPORAL_API_KEY !== undefined || e.TEMPORAL_TLS_CERT_PATH !== undefined,
      clientCertPath: e.TEMPORAL_TLS_CERT_PATH,
      clientKeyPath: e.TEMPORAL_TLS_KEY_PATH,
      cliPath: e.TEMPORAL_CLI_PATH,
      devPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      uiUrl: e.TEMPORAL_UI_URL,
    },
  };
}

export class ConfigError extends Error {}

/**
 * RECORD_RETENTION_YEARS: `licensing=30,public_service=10`. A category not named is kept permanently
 * (永久), the longest an archive may keep a record: shortening is a decision someone writes down.
 */
export function parseRetention(value: string | undefined): Partial<Record<ItemCategory, number>> {
  const years: Partial<Record<ItemCategory, number>> = {};
  for (const pair of (value ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [category, count, ...rest] = pair.split('=').map((p) => p.trim());
    if (!(ITEM_CATEGORIES as readonly string[]).includes(category) || count === undefined || rest.length > 0) {
      throw new Error(`"${pair}": write category=years, a category being one of ${ITEM_CATEGORIES.join(', ')}`);
    }
    if (!/^\d+$/.test(count) || Number(count) > 1000) throw new Error(`"${pair}": the years must be a whole number from 0 to 1000`);
    if (category in years) throw new Error(`${category} is named twice`);
    years[category as ItemCategory] = Number(count);
  }
  return years;
}

/** Names proxy-addr (Fastify's trustProxy) gives to the loopback, link-local and private ranges. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * TRUST_PROXY: `false` (or unset), `true` (any proxy: only when nothing reaches the API but through
 * one), a number of proxy hops, or proxies' addresses and subnets, comma-separated
 * (`10.0.0.5,10.1.0.0/16`, or `loopback`, `linklocal`, `uniquelocal`).
 */
export function parseTrustProxy(value: string | undefined): boolean | number | string[] | undefined {
  if (value === undefined || value === 'false') return undefined;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops < 1 || hops > 10) throw new Error('a number of proxy hops must be from 1 to 10');
    return hops;
  }
  const entries = value.split(',').map((p) => p.trim()).filter(Boolean);
  for (const entry of entries) {
    if (PROXY_RANGE_NAMES.includes(entry)) continue;
    const [address, bits, ...rest] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    if (family === 0 || rest.length > 0 || (bits !== undefined && (!/^\d+$/.test(bits) || Number(bits) > maxBits))) {
      throw new Error(`"${entry}" is not an IP address or subnet: write true, false, a number of hops, or addresses and subnets such as 10.0.0.5,10.1.0.0/16`);
    }
  }
  if (entries.length === 0) throw new Error('names no proxy');
  return entries;
}

/**
 * Temporal's remote codec protocol, for the Temporal UI and CLI (`--codec-endpoint …/v1/codec`): they
 * POST a batch of payloads to /encode or /decode. Only signed-in staff get anything decoded; a payload
 * that belongs to an application the caller handles comes back whole, any other with the applicant's
 * personal data masked, as the application's own pages would show it to them.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findApplication } from '../../db/queries.js';
import { sightOf } from '../application-access.js';
import { STAFF } from '../auth.js';
import { errorBody } from '../errors.js';
import { decodePayloads, encodePayloads, maskPayload, payloadValue } from '../temporal-payloads.js';
import { decodeExamples, encodeExamples } from '../examples/operations.js';

const payloads = z
  .object({
    payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() })),
  })
  .meta({ id: 'Payloads' });

const routeConfig = {
  access: STAFF,
  // Encoding and decoding change nothing, and only origins CORS allows read the answer: the UI, which
  // sends the session cookie but cannot send the CSRF token, needs none.
  csrf: false,
} as const;

/** A Temporal payload may be up to 2 MiB; a batch holds several. */
const BODY_LIMIT = 8 * 1024 * 1024;

/** The first application number in a decoded value: a workflow's input, an activity's, a query's answer. */
function applicationNoIn(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = applicationNoIn(item);
      if (found) return found;
    }
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const fields = value as Record<string, unknown>;
  if (typeof fields.applicationNo === 'string') return fields.applicationNo;
  for (const field of Object.values(fields)) {
    const found = applicationNoIn(field);
    if (found) return found;
  }
  return undefined;
}

export const codecRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/codec/encode',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        tags: ['temporal'],
        summary: "Encrypts payloads with the current key (Temporal's remote codec protocol)",
        body: payloads,
        response: { 200: payloads, 401: errorBody, 403: errorBody },
      },
      config: { ...routeConfig, examples: encodeExamples },
    },
    async (request) => ({ payloads: await encodePayloads(app.deps.temporal.client, request.body.payloads) }),
  );

  app.post(
    '/codec/decode',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        tags: ['temporal'],
        summary: "Decrypts payloads (Temporal's remote codec protocol); personal data masked unless the caller handles the application",
        body: payloads,
        response: { 200: payloads, 401: errorBody, 403: errorBody },
      },
      config: { ...routeConfig, examples: decodeExamples },
    },
    async (request) => {
      const decoded = await decodePayloads(app.deps.temporal.client, request.body.payloads);
      const sights = new Map<string, Promise<boolean>>();
      const whole = (no: string) => {
        if (!sights.has(no)) sights.set(no, handles(request, no));
        return sights.get(no)!;
      };
      return {
        payloads: await Promise.all(
          decoded.map(async (payload) => {
            const no = applicationNoIn(payloadValue(payload)?.value);
            return no && (await whole(no)) ? payload : maskPayload(payload);
          }),
        ),
      };
    },
  );

  /** True when the caller sees the application whole (api/application-access.ts). */
  async function handles(request: FastifyRequest, no: string): Promise<boolean> {
    const found = await findApplication(app.deps.database.db, no);
    return !!found && sightOf(request.identity, found.row, found.reviews) === 'whole';
  }
};

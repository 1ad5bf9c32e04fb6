/**
 * Temporal's payloads as the API shows them: decoded through the clients' own codecs (the keys of
 * server/payload-codec.ts), their JSON masked for those who do not handle the application.
 */
import type { Client } from '@temporalio/client';
import { type JsonPayload, payloadFromJson, payloadToJson } from '../server/payload-codec.js';
import { maskNumbersIn } from './identity.js';
import { maskPersonalData } from './personal-data.js';

/** The codecs of the API's client, innermost last: decoding runs them in reverse. */
const codecsOf = (client: Client) => client.options.loadedDataConverter.payloadCodecs;

export async function encodePayloads(client: Client, payloads: JsonPayload[]): Promise<JsonPayload[]> {
  let encoded = payloads.map(payloadFromJson);
  for (const codec of codecsOf(client)) encoded = await codec.encode(encoded);
  return encoded.map(payloadToJson);
}

export async function decodePayloads(client: Client, payloads: JsonPayload[]): Promise<JsonPayload[]> {
  let decoded = payloads.map(payloadFromJson);
  for (const codec of [...codecsOf(client)].reverse()) decoded = await codec.decode(decoded);
  return decoded.map(payloadToJson);
}

/** The value a decoded JSON payload holds; undefined for any other encoding (binary, null). */
export function payloadValue(payload: JsonPayload): { value: unknown } | undefined {
  const encoding = payload.metadata?.encoding && Buffer.from(payload.metadata.encoding, 'base64').toString('utf8');
  if (encoding !== 'json/plain') return undefined;
  try {
    return { value: JSON.parse(Buffer.from(payload.data ?? '', 'base64').toString('utf8')) };
  } catch {
    return undefined;
  }
}

/** The payload with its JSON value masked (maskPersonalData); any other payload unchanged. */
export function maskPayload(payload: JsonPayload): JsonPayload {
  const held = payloadValue(payload);
  if (!held) return payload;
  return { ...payload, data: Buffer.from(JSON.stringify(maskPersonalData(held.value))).toString('base64') };
}

const isPayload = (value: Record<string, unknown>): value is JsonPayload & Record<string, unknown> =>
  !!value.metadata && typeof value.metadata === 'object' && (value.data === undefined || typeof value.data === 'string') && Object.keys(value).every((k) => k === 'metadata' || k === 'data');

/**
 * A history as historyToJSON gives it, with every payload decoded and, when `masked`, its personal data
 * masked (and any ID number in other text, a failure's message say).
 */
export async function decodeHistory<T>(client: Client, history: T, options: { masked: boolean }): Promise<T> {
  const walk = async (value: unknown): Promise<unknown> => {
    if (typeof value === 'string') return options.masked ? maskNumbersIn(value) : value;
    if (Array.isArray(value)) return Promise.all(value.map(walk));
    if (!value || typeof value !== 'object') return value;
    const fields = value as Record<string, unknown>;
    if (isPayload(fields)) {
      const [decoded] = await decodePayloads(client, [fields]);
      return options.masked ? maskPayload(decoded) : decoded;
    }
    return Object.fromEntries(await Promise.all(Object.entries(fields).map(async ([key, field]) => [key, await walk(field)] as const)));
  };
  return (await walk(history)) as T;
}

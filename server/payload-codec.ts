/**
 * Applicants' personal data (names, ID numbers, phones, what they handed in) travels through Temporal
 * in payloads: workflow inputs, update arguments, activity inputs and results, query answers. Temporal
 * stores them in its history and shows them in its UI, so every payload is encrypted whole before it
 * leaves a OneWindow process (Temporal's encryption sample): AES-256-GCM, a random 12-byte IV per
 * payload, the id of the key in the payload's metadata. Keys rotate: new payloads use the current key,
 * payloads written under an older one decode as long as that key is still configured. Payloads that
 * are not encrypted (histories recorded before encryption) pass through decoding as they are.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { Config } from './config.js';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The keys a process holds, by id, and the one new payloads are encrypted with. */
export interface PayloadKeys {
  current: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** A payload this process cannot decrypt: its key is not configured, or is not the key it was encrypted with. */
export class PayloadKeyError extends Error {
  constructor(
    readonly keyId: string,
    message: string,
  ) {
    super(message);
    this.name = 'PayloadKeyError';
  }
}

/** True when the error, or one it was caused by, is a payload this process could not decrypt. */
export function payloadKeyErrorIn(err: unknown): PayloadKeyError | undefined {
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if (e instanceof PayloadKeyError) return e;
  }
  return undefined;
}

const HOW_TO_CONFIGURE = 'add it to PAYLOAD_KEYS (id:base64-key, comma-separated, newest last) or to the PAYLOAD_KEY_FILE';

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: PayloadKeys) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const id = this.keys.current;
    const key = this.keys.keys.get(id)!;
    return payloads.map((payload) => {
      if (decodeText(payload.metadata?.encoding) === ENCRYPTED_ENCODING) return payload;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      // The key id is authenticated with the data: a payload relabelled with another id fails to decrypt.
      cipher.setAAD(Buffer.from(id));
      // The whole payload, its metadata (the encoding) included, as Temporal's own protobuf message.
      const plain = ProtoPayload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: encodeText(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: encodeText(id) }, data };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (decodeText(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
      const id = decodeText(payload.metadata?.[KEY_ID_METADATA]);
      if (!id) throw new PayloadKeyError('', `An encrypted payload carries no ${KEY_ID_METADATA}: it was not written by OneWindow's codec`);
      const key = this.keys.keys.get(id);
      if (!key) throw new PayloadKeyError(id, `A payload is encrypted with key "${id}", which this process does not have: ${HOW_TO_CONFIGURE}`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(id));
        decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
        const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
        const { metadata, data: inner } = ProtoPayload.decode(plain);
        return { metadata, data: inner };
      } catch {
        throw new PayloadKeyError(id, `A payload encrypted with key "${id}" does not decrypt with the key configured as "${id}": it is another key; configure the one it was written with`);
      }
    });
  }
}

/** The data converter of every Temporal client, worker and replay in OneWindow: they must all read what the others wrote. */
export function dataConverter(keys: PayloadKeys): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys)] };
}

/** A payload as Temporal's remote codec protocol carries it (proto3 JSON): metadata values and data in base64. */
export interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

export function payloadToJson(payload: Payload): JsonPayload {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]));
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

export function payloadFromJson(json: JsonPayload): Payload {
  const metadata = Object.fromEntries(Object.entries(json.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]));
  return { metadata, data: new Uint8Array(Buffer.from(json.data ?? '', 'base64')) };
}

const ProtoPayload = proto.temporal.api.common.v1.Payload;
const encodeText = (text: string) => new Uint8Array(Buffer.from(text));
const decodeText = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

// ---- Keys

/** A key as configured: its id and 32 bytes in base64. Throws naming `source` when it is not one. */
export function parseKey(id: string, base64: string, source: string): [string, Buffer] {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) throw new Error(`${source}: key id "${id}" must be 1 to 64 letters, digits, dots, dashes or underscores`);
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error(`${source}: key "${id}" must be 32 bytes in base64 (openssl rand -base64 32), not ${key.length}`);
  return [id, key];
}

/** `PAYLOAD_KEYS`: `id:base64,id:base64`, newest last. */
export function parseKeyList(text: string, source = 'PAYLOAD_KEYS'): Array<[string, Buffer]> {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(':');
      if (colon < 0) throw new Error(`${source}: "${entry.slice(0, 12)}…" must be id:base64-key`);
      return parseKey(entry.slice(0, colon).trim(), entry.slice(colon + 1).trim(), source);
    });
}

/** A key file: `{"current": "2026-01", "keys": {"2025-06": "base64…", "2026-01": "base64…"}}`; without `current`, the last key. */
export function readKeyFile(file: string): { keys: Array<[string, Buffer]>; current?: string } {
  let parsed: { current?: unknown; keys?: unknown };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as typeof parsed;
  } catch (err) {
    throw new Error(`PAYLOAD_KEY_FILE ${file}: ${(err as Error).message}`);
  }
  if (!parsed.keys || typeof parsed.keys !== 'object') throw new Error(`PAYLOAD_KEY_FILE ${file}: must hold {"current": "<id>", "keys": {"<id>": "<base64 key>"}}`);
  const keys = Object.entries(parsed.keys as Record<string, unknown>).map(([id, key]) => parseKey(id, String(key), `PAYLOAD_KEY_FILE ${file}`));
  return { keys, current: typeof parsed.current === 'string' ? parsed.current : undefined };
}

/**
 * The payload keys of a process, from PAYLOAD_KEYS or PAYLOAD_KEY_FILE (PAYLOAD_KEY_ID picks the
 * current one; otherwise the newest). `npm start` and the local scripts, run without either, share a
 * key file made once in the data folder; the production API and worker refuse to start without keys.
 */
export function payloadKeys(
  config: { dataDir: string; payloadKeys: Partial<Config['payloadKeys']> },
  options: { localKeyFile: boolean },
): PayloadKeys {
  const { list, file, currentId } = config.payloadKeys;
  let keys: Array<[string, Buffer]>;
  let current = currentId;
  if (list) keys = parseKeyList(list);
  else {
    let keyFile = file;
    if (!keyFile) {
      if (!options.localKeyFile) {
        throw new Error("Set PAYLOAD_KEYS (id:base64-key, newest last) or PAYLOAD_KEY_FILE: applicants' personal data in Temporal is encrypted with them");
      }
      keyFile = localKeyFile(config.dataDir);
    }
    const read = readKeyFile(keyFile);
    keys = read.keys;
    current ??= read.current;
  }
  if (keys.length === 0) throw new Error('PAYLOAD_KEYS / PAYLOAD_KEY_FILE: no key given');
  current ??= keys[keys.length - 1][0];
  const byId = new Map(keys);
  if (!byId.has(current)) throw new Error(`PAYLOAD_KEY_ID: the current key "${current}" is not among the configured keys (${[...byId.keys()].join(', ')})`);
  return { current, keys: byId };
}

/** The key file of `npm start`, made once: losing it makes the local Temporal history unreadable. */
function localKeyFile(dataDir: string): string {
  const file = path.join(dataDir, 'payload-keys.json');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const body = { current: 'local-1', keys: { 'local-1': randomBytes(32).toString('base64') } };
    try {
      writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process (the worker beside the API) made it first.
      if ((err as { code?: string }).code !== 'EEXIST') throw err;
    }
  }
  return file;
}

/**
 * A fresh key in PAYLOAD_KEYS's form, for a run that starts its own in-memory Temporal server (the
 * fuzz run, the benchmarks, the fault run): what it writes lives no longer than the run.
 */
export function freshKeyList(id = 'run-1'): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

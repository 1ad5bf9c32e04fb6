/**
 * Where the bytes of attachments live, behind one interface: PostgreSQL (the attachment_blobs table,
 * also under PGlite) by default, or S3-compatible object storage named by ATTACHMENTS_STORE_URL.
 * Bytes are addressed by their SHA-256, so storing them again is a no-op and two uploads of the same
 * file share one copy.
 */
import { isNull, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { attachmentBlobs } from './schema/index.js';

export interface BlobStore {
  /** `postgres`: the bytes are in attachment_blobs.bytes; `s3`: in the bucket, and the row holds none. */
  readonly kind: 'postgres' | 's3';
  /** Stores the bytes under their hash; idempotent. Throws BlobStoreUnavailable when the store cannot be reached. */
  put(sha256: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The bytes stored under the hash, or undefined when there are none. */
  get(sha256: string): Promise<Buffer | undefined>;
}

/** The store could not be reached or refused to work: nothing about the request was wrong. */
export class BlobStoreUnavailable extends Error {
  override name = 'BlobStoreUnavailable';
}

export function postgresBlobStore(db: Db): BlobStore {
  return {
    kind: 'postgres',
    async put(sha256, bytes, contentType) {
      await db
        .insert(attachmentBlobs)
        .values({ sha256, size: bytes.length, contentType, bytes })
        // A row left by an object store configured before keeps no bytes: fill them in.
        .onConflictDoUpdate({ target: attachmentBlobs.sha256, set: { bytes: sql`excluded.bytes` }, where: isNull(attachmentBlobs.bytes) });
    },
    async get(sha256) {
      const [row] = await db.select({ bytes: attachmentBlobs.bytes }).from(attachmentBlobs).where(sql`${attachmentBlobs.sha256} = ${sha256}`);
      return row?.bytes ?? undefined;
    },
  };
}

export interface S3Location {
  bucket: string;
  /** Prepended to every key: '' or ending in '/'. */
  prefix: string;
  endpoint?: string;
  region?: string;
  forcePathStyle: boolean;
}

/** `s3://bucket/prefix?endpoint=http://host:port&region=…&forcePathStyle=true`; throws a message naming what is wrong. */
export function parseStoreUrl(value: string): S3Location {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('must be a URL like s3://bucket/prefix?endpoint=…&region=…&forcePathStyle=true');
  }
  if (url.protocol !== 's3:') throw new Error(`must begin with s3:// (the only object store supported), not ${url.protocol}//`);
  if (!url.hostname) throw new Error('must name the bucket: s3://bucket/prefix');
  const endpoint = url.searchParams.get('endpoint') ?? undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint)) throw new Error('endpoint must be an http(s) URL');
  const forcePathStyle = url.searchParams.get('forcePathStyle') ?? 'false';
  if (!['true', 'false'].includes(forcePathStyle)) throw new Error('forcePathStyle must be true or false');
  const prefix = decodeURIComponent(url.pathname).replace(/^\/+/, '').replace(/\/*$/, '');
  return { bucket: url.hostname, prefix: prefix ? `${prefix}/` : '', endpoint, region: url.searchParams.get('region') ?? undefined, forcePathStyle: forcePathStyle === 'true' };
}

/** The store ATTACHMENTS_STORE_URL names, else PostgreSQL. */
export function openBlobStore(db: Db, storeUrl: string | undefined): BlobStore {
  return storeUrl ? lazyS3BlobStore(parseStoreUrl(storeUrl)) : postgresBlobStore(db);
}

/** The S3 store, its SDK loaded on first use: a process that stores in PostgreSQL never pays for loading it. */
function lazyS3BlobStore(location: S3Location): BlobStore {
  let store: Promise<BlobStore> | undefined;
  const open = () => (store ??= import('./s3-blob-store.js').then((m) => m.s3BlobStore(location)));
  return {
    kind: 's3',
    put: async (sha256, bytes, contentType) => (await open()).put(sha256, bytes, contentType),
    get: async (sha256) => (await open()).get(sha256),
  };
}

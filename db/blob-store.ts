/**
 * Where the bytes of attachments live, behind one interface: PostgreSQL (the attachment_blobs table,
 * also under PGlite) by default, or S3-compatible object storage named by ATTACHMENTS_STORE_URL.
 * Bytes are addressed by their SHA-256, so storing them again is a no-op and two uploads of the same
 * file share one copy.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
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

/** Credentials come from the SDK's usual chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, a profile, a role). */
export function s3BlobStore(location: S3Location): BlobStore & { client: S3Client } {
  const client = new S3Client({
    region: location.region ?? process.env.AWS_REGION ?? 'us-east-1',
    endpoint: location.endpoint,
    forcePathStyle: location.forcePathStyle,
    // A store that is down should answer a prompt 503, not hold the upload for minutes.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    maxAttempts: 2,
  });
  const key = (sha256: string) => `${location.prefix}${sha256}`;
  const unavailable = (err: unknown, what: string) => new BlobStoreUnavailable(`The object store (bucket ${location.bucket}) could not ${what}`, { cause: err });
  return {
    kind: 's3',
    client,
    async put(sha256, bytes, contentType) {
      try {
        await client.send(new PutObjectCommand({ Bucket: location.bucket, Key: key(sha256), Body: bytes, ContentType: contentType, ContentLength: bytes.length }));
      } catch (err) {
        throw unavailable(err, `store ${sha256}`);
      }
    },
    async get(sha256) {
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: location.bucket, Key: key(sha256) }));
        return answer.Body ? Buffer.from(await answer.Body.transformToByteArray()) : undefined;
      } catch (err) {
        if (err instanceof NoSuchKey) return undefined;
        throw unavailable(err, `read ${sha256}`);
      }
    },
  };
}

/** The store ATTACHMENTS_STORE_URL names, else PostgreSQL. */
export function openBlobStore(db: Db, storeUrl: string | undefined): BlobStore {
  return storeUrl ? s3BlobStore(parseStoreUrl(storeUrl)) : postgresBlobStore(db);
}

/** Attachments' bytes in S3-compatible object storage (db/blob-store.ts chooses the store). */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type BlobStore, BlobStoreUnavailable, type S3Location } from './blob-store.js';

/** Credentials come from the SDK's usual chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, a profile, a role). */
export const s3Client = (location: S3Location) =>
  new S3Client({
    region: location.region ?? process.env.AWS_REGION ?? 'us-east-1',
    endpoint: location.endpoint,
    forcePathStyle: location.forcePathStyle,
    // A store that is down should answer a prompt 503, not hold the upload for minutes.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    maxAttempts: 2,
  });

export function s3BlobStore(location: S3Location): BlobStore & { client: S3Client } {
  const client = s3Client(location);
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

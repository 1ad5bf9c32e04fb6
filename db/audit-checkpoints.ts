/**
 * Signed checkpoints of the audit log: its size and Merkle tree head at an instant, signed with Ed25519,
 * in the C2SP formats that transparency logs share (c2sp.org/tlog-checkpoint in a c2sp.org/signed-note),
 * so that any tlog tool can read them:
 *
 *   <origin>\n<tree size>\n<base64 root hash>\ntime <ISO-8601 instant>\n
 *   frontier <base64 hash>,…\nlast <row id> <base64 leaf hash>\n\n— <key name> <base64(key id || signature)>\n
 *
 * `frontier` (the hashes of the tree's complete subtrees, largest first) and `last` (the row the tree
 * ends with) are extension lines, absent for an empty log: the next checkpoint goes on from them, reading
 * only the rows added since. The signature covers every line above the blank one; the key id is the first 4 bytes of
 * SHA-256(key name || \n || 0x01 || public key). Each is kept as one file, written once, in a folder
 * outside the database, which is what makes them evidence against its superuser.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { type KeyObject, createHash, sign, verify } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { S3Location } from './blob-store.js';
import { s3Client } from './s3-blob-store.js';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
  time: string;
  /** The complete subtrees' hashes, largest first, and the last row: what the next checkpoint goes on from. */
  frontier?: Buffer[];
  last?: { id: number; leaf: Buffer };
  /** The signed note, as written. */
  text: string;
  file?: string;
}
export type CheckpointHead = Omit<Checkpoint, 'text' | 'file'>;

const ED25519 = 0x01;
const rawPublicKey = (publicKey: KeyObject) => Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
const keyId = (name: string, publicKey: KeyObject) =>
  createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`), Buffer.from([ED25519]), rawPublicKey(publicKey)]))
    .digest()
    .subarray(0, 4);

/** The verifier key in signed-note form (name+keyid+base64 key), which tlog tools take as is. */
export const verifierKey = (name: string, publicKey: KeyObject) =>
  `${name}+${keyId(name, publicKey).toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), rawPublicKey(publicKey)]).toString('base64')}`;

export function signCheckpoint(head: CheckpointHead, signingKey: KeyObject, publicKey: KeyObject): string {
  const extensions = [
    head.frontier && `frontier ${head.frontier.map((h) => h.toString('base64')).join(',')}\n`,
    head.last && `last ${head.last.id} ${head.last.leaf.toString('base64')}\n`,
  ];
  const body = `${head.origin}\n${head.size}\n${head.root.toString('base64')}\ntime ${head.time}\n${extensions.filter(Boolean).join('')}`;
  const signature = sign(null, Buffer.from(body), signingKey);
  return `${body}\n— ${head.origin} ${Buffer.concat([keyId(head.origin, publicKey), signature]).toString('base64')}\n`;
}

export class CheckpointError extends Error {}

/** Reads a signed checkpoint; throws naming what is wrong with it, a signature that does not verify first. */
export function openCheckpoint(text: string, publicKey: KeyObject, origin?: string): Checkpoint {
  const at = text.indexOf('\n\n');
  if (at < 0) throw new CheckpointError('not a signed note (no blank line before its signatures)');
  const body = text.slice(0, at + 1);
  const lines = body.split('\n').slice(0, -1);
  const [name, sizeLine, rootLine, timeLine, ...extensions] = lines;
  const id = keyId(name, publicKey);
  const signed = text
    .slice(at + 2)
    .split('\n')
    .filter(Boolean)
    .some((line) => {
      const match = /^— (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
      if (!match || match[1] !== name) return false;
      const bytes = Buffer.from(match[2], 'base64');
      return bytes.length === 68 && bytes.subarray(0, 4).equals(id) && verify(null, Buffer.from(body), publicKey, bytes.subarray(4));
    });
  if (!signed) throw new CheckpointError('its signature does not verify with the log’s public key (altered, or signed by another key)');
  const root = Buffer.from(rootLine ?? '', 'base64');
  if (!/^\d+$/.test(sizeLine ?? '') || root.length !== 32 || !timeLine?.startsWith('time ')) throw new CheckpointError('signed, but not a checkpoint of this log’s form');
  if (origin !== undefined && name !== origin) throw new CheckpointError(`a checkpoint of another log (${name}, not ${origin})`);
  const frontierLine = extensions.find((line) => line.startsWith('frontier '));
  const lastLine = /^last (\d+) ([A-Za-z0-9+/=]+)$/.exec(extensions.find((line) => line.startsWith('last ')) ?? '');
  if (sizeLine !== '0' && !(frontierLine && lastLine)) throw new CheckpointError('signed, but without the frontier and last row that every checkpoint of a log with rows keeps');
  return {
    origin: name,
    size: Number(sizeLine),
    root,
    time: timeLine.slice(5),
    frontier: frontierLine?.slice('frontier '.length).split(',').map((h) => Buffer.from(h, 'base64')),
    last: lastLine ? { id: Number(lastLine[1]), leaf: Buffer.from(lastLine[2], 'base64') } : undefined,
    text,
  };
}

/** Files sort by tree size, then time: zero-padded size first. */
const fileName = (size: number, time: string) => `${String(size).padStart(12, '0')}-${time.replace(/[-:.]/g, '')}.txt`;

/** Writes a checkpoint once: flag 'wx' refuses to replace a file, so a written checkpoint is never rewritten here. */
export function writeCheckpoint(dir: string, checkpoint: Omit<Checkpoint, 'file'>): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, fileName(checkpoint.size, checkpoint.time));
  writeFileSync(file, checkpoint.text, { flag: 'wx', mode: 0o444 });
  return file;
}

/** The names of the folder's checkpoint files, smallest tree first (their names sort so); none if there is no folder. */
function checkpointNames(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => n.endsWith('.txt'))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** The latest checkpoint alone, checked (undefined before the first): one file read, however many the folder holds. */
export function readLatestCheckpoint(dir: string, publicKey: KeyObject, origin?: string): Checkpoint | undefined {
  const name = checkpointNames(dir).at(-1);
  if (!name) return undefined;
  const file = path.join(dir, name);
  try {
    return { ...openCheckpoint(readFileSync(file, 'utf8'), publicKey, origin), file };
  } catch (err) {
    if (err instanceof CheckpointError) throw new CheckpointError(`checkpoint ${file}: ${err.message}`);
    throw err;
  }
}

/** Every checkpoint in the folder, smallest tree first, each checked; a file that fails is named among the problems. */
export function readCheckpoints(dir: string, publicKey: KeyObject, origin?: string): { checkpoints: Checkpoint[]; problems: string[] } {
  const names = checkpointNames(dir);
  const checkpoints: Checkpoint[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      checkpoints.push({ ...openCheckpoint(readFileSync(file, 'utf8'), publicKey, origin), file });
    } catch (err) {
      if (!(err instanceof CheckpointError)) throw err;
      problems.push(`checkpoint ${file}: ${err.message}`);
    }
  }
  return { checkpoints: checkpoints.sort((a, b) => a.size - b.size || a.time.localeCompare(b.time)), problems };
}

/**
 * Copies a checkpoint to the bucket under its file's name, once: If-None-Match makes S3 refuse to
 * replace an object (412), which here means the copy is already there. With Object Lock on the bucket,
 * not even the bucket's owner can remove it before its retention ends.
 */
export async function copyCheckpoint(location: S3Location, file: string, text: string): Promise<void> {
  const client = s3Client(location);
  try {
    await client.send(new PutObjectCommand({ Bucket: location.bucket, Key: `${location.prefix}${path.basename(file)}`, Body: text, ContentType: 'text/plain; charset=utf-8', IfNoneMatch: '*' }));
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 412) {
      throw new Error(`checkpoint ${file} is signed, but its copy to s3://${location.bucket}/${location.prefix} failed (the next run tries again)`, { cause: err });
    }
  } finally {
    client.destroy();
  }
}

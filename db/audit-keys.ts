/**
 * The audit log's keys, none of them in the database: the MAC key every append uses, the Ed25519 key
 * that signs checkpoints, and where the checkpoints are kept. Each process sets them once as it starts
 * (server/audit-keys.ts reads them from the environment or, for `npm start`, the data folder), before
 * anything appends: appendAudit is called from the API, the worker's activities and the scripts alike,
 * and a key threaded through all of them would be the same key in every one.
 */
import { type KeyObject, createHmac } from 'node:crypto';
import type { S3Location } from './blob-store.js';

export interface AuditKeys {
  /** HMAC-SHA256 key of each row's MAC. */
  macKey: Buffer;
  /** Signs checkpoints; absent in a process that only verifies. */
  signingKey?: KeyObject;
  /** Checks checkpoints: published at GET /v1/audit/public-key. */
  publicKey: KeyObject;
  /** The log's name in its checkpoints (the first line of each). */
  origin: string;
  /** One file per checkpoint, written once. */
  checkpointDir: string;
  /** Where each checkpoint is also copied, written once (S3's If-None-Match), for auditors; optional. */
  checkpointCopy?: S3Location;
}

let configured: AuditKeys | undefined;

export function configureAuditKeys(keys: AuditKeys): void {
  configured = keys;
}

export function auditKeys(): AuditKeys {
  if (!configured) throw new Error('The audit log has no keys: the process must call configureAuditKeys (server/audit-keys.ts) as it starts');
  return configured;
}

/** Whether this process has keys (a restore check without them verifies the chain alone). */
export const hasAuditKeys = () => configured !== undefined;

/** A row's MAC: HMAC-SHA256 of its hash, hex. */
export const auditMac = (macKey: Buffer, hash: string) => createHmac('sha256', macKey).update(hash).digest('hex');

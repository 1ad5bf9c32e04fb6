/**
 * The audit log's keys for this process: AUDIT_MAC_KEY and AUDIT_SIGNING_KEY from the environment, or
 * for `npm start` and the scripts beside it, files made once in the data folder (like auth-secret).
 * A production process (`npm run api`, `npm run worker`) refuses to start without both: a key made on
 * the spot would MAC and sign in a way no other process could check.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type AuditKeys, configureAuditKeys } from '../db/audit-keys.js';
import { parseStoreUrl } from '../db/blob-store.js';
import type { Config } from './config.js';

/** `create`: make the data folder's files if absent (npm start); `read`: use them only if there (a check); `none`: production. */
type LocalKeys = 'create' | 'read' | 'none';

function localFile(config: Config, name: string, local: LocalKeys, make: () => string): string | undefined {
  const file = path.join(config.dataDir, name);
  if (local === 'create' && !existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    try {
      writeFileSync(file, make(), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process (the worker beside the API) made it first.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return local !== 'none' && existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

export function loadAuditKeys(config: Config, options: { local: LocalKeys }): AuditKeys {
  const { audit } = config;
  const macKey = audit.macKey ?? localFile(config, 'audit-mac-key', options.local, () => randomBytes(32).toString('base64'));
  const signingPem =
    audit.signingKey ??
    localFile(config, 'audit-signing-key.pem', options.local, () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  if (!macKey || !signingPem) {
    throw new Error(
      'Set AUDIT_MAC_KEY (base64, 32 bytes or more) and AUDIT_SIGNING_KEY (an Ed25519 private key, PEM): the audit trail is keyed and its checkpoints signed with them',
    );
  }
  let signingKey;
  try {
    signingKey = createPrivateKey(signingPem);
  } catch {
    throw new Error('AUDIT_SIGNING_KEY: not a private key in PEM (make one with `openssl genpkey -algorithm ed25519`)');
  }
  if (signingKey.asymmetricKeyType !== 'ed25519') throw new Error(`AUDIT_SIGNING_KEY: an Ed25519 key is needed, not ${signingKey.asymmetricKeyType}`);
  return {
    macKey: Buffer.from(macKey, 'base64'),
    signingKey,
    publicKey: createPublicKey(signingKey),
    origin: audit.origin,
    checkpointDir: audit.checkpointDir,
    checkpointCopy: audit.checkpointS3Url === undefined ? undefined : parseStoreUrl(audit.checkpointS3Url),
  };
}

/** Loads the keys and gives them to db/audit-keys.ts, for every append and checkpoint of this process. */
export function useAuditKeys(config: Config, options: { local: LocalKeys }): AuditKeys {
  const keys = loadAuditKeys(config, options);
  configureAuditKeys(keys);
  return keys;
}

/**
 * Fresh keys as environment variables, for a run that starts its own processes (the fault run, the
 * drill, the benchmarks): what they sign lives no longer than the run.
 */
export function freshAuditKeys(): { AUDIT_MAC_KEY: string; AUDIT_SIGNING_KEY: string } {
  return {
    AUDIT_MAC_KEY: randomBytes(32).toString('base64'),
    AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

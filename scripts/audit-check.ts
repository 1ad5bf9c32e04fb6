/**
 * `npm run audit:check`: the auditor's side, offline, with only the log's public key. Checks signed
 * checkpoints, then what the API's proof routes answered against them:
 *
 *   npm run audit:check -- --public-key key.pem --checkpoint old.txt --checkpoint new.txt --consistency proof.json
 *       both checkpoints are signed, and new extends old (GET /v1/audit/proofs/consistency?from=<old>&to=<new>)
 *   npm run audit:check -- --public-key key.pem --checkpoint cp.txt --inclusion proof.json
 *       the row in proof.json (GET /v1/audit/proofs/inclusion?id=<id>&size=<cp's size>) is in the signed tree,
 *       and its content gives its leaf
 *
 * Exits 1 naming the first thing that does not hold.
 */
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CheckpointError, openCheckpoint } from '../db/audit-checkpoints.js';
import { entryHash, entryLeaf } from '../db/audit.js';
import { verifyConsistency, verifyInclusion } from '../db/merkle.js';

const { values } = parseArgs({
  options: {
    'public-key': { type: 'string' },
    checkpoint: { type: 'string', multiple: true, default: [] },
    consistency: { type: 'string' },
    inclusion: { type: 'string' },
  },
});
const fail = (message: string): never => {
  console.error(`FAILED: ${message}`);
  process.exit(1);
};
if (!values['public-key'] || values.checkpoint.length === 0) fail('give --public-key and at least one --checkpoint');
const publicKey = createPublicKey(readFileSync(values['public-key']!));
const b64 = (list: string[]) => list.map((h) => Buffer.from(h, 'base64'));

const checkpoints = values.checkpoint.map((file) => {
  try {
    const c = openCheckpoint(readFileSync(file, 'utf8'), publicKey);
    console.log(`${file}: signed by ${c.origin}, ${c.size} rows, root ${c.root.toString('base64')}, ${c.time}`);
    return c;
  } catch (err) {
    if (err instanceof CheckpointError) return fail(`${file}: ${err.message}`);
    throw err;
  }
});

if (values.consistency) {
  if (checkpoints.length !== 2) fail('--consistency needs two --checkpoint, the older first');
  const [older, newer] = checkpoints;
  const { from, to, proof } = JSON.parse(readFileSync(values.consistency, 'utf8')) as { from: number; to: number; proof: string[] };
  if (from !== older.size || to !== newer.size) fail(`the proof is from ${from} to ${to}, the checkpoints sign ${older.size} and ${newer.size}`);
  if (!verifyConsistency(older.size, newer.size, older.root, newer.root, b64(proof))) fail(`the log of ${newer.size} rows does not extend the log of ${older.size}: rows were rewritten or removed`);
  console.log(`consistent: the log of ${newer.size} rows extends the log of ${older.size}`);
}

if (values.inclusion) {
  const checkpoint = checkpoints.at(-1)!;
  const { leafIndex, treeSize, leafHash, path, entry } = JSON.parse(readFileSync(values.inclusion, 'utf8')) as {
    leafIndex: number;
    treeSize: number;
    leafHash: string;
    path: string[];
    entry: Parameters<typeof entryHash>[1] & { id: number; prevHash: string; hash: string };
  };
  if (treeSize !== checkpoint.size) fail(`the proof is for a tree of ${treeSize} rows, the checkpoint signs ${checkpoint.size}`);
  if (entryHash(entry.prevHash, entry) !== entry.hash) fail(`row ${entry.id}: its content does not give its hash`);
  const leaf = Buffer.from(entryLeaf(entry.hash), 'hex');
  if (!leaf.equals(Buffer.from(leafHash, 'base64'))) fail(`row ${entry.id}: its hash does not give the leaf the proof names`);
  if (!verifyInclusion(leaf, leafIndex, treeSize, b64(path), checkpoint.root)) fail(`row ${entry.id} is not leaf ${leafIndex} of the signed tree of ${treeSize} rows`);
  console.log(`included: row ${entry.id} (${entry.action} ${entry.target}) is leaf ${leafIndex} of the signed tree of ${treeSize} rows`);
}

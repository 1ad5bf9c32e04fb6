/**
 * For auditors, without reading the whole table: the latest signed checkpoint, the key that checks it,
 * a row's inclusion proof and a consistency proof between two tree sizes (RFC 9162), and a checkpoint
 * on demand. `npm run audit:check` verifies what these answer against signed checkpoints offline.
 * Proofs are computed from the rows' leaf hashes: O(n) in the tree size.
 */
import { eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { verifierKey } from '../../db/audit-checkpoints.js';
import { auditKeys } from '../../db/audit-keys.js';
import { CheckpointRefused, auditConsistency, auditInclusion, auditSize, latestCheckpoint, makeCheckpoint } from '../../db/audit.js';
import { auditLog } from '../../db/schema/index.js';
import { centrePrefix } from '../../workflows/rules/authority.js';
import { staffOf } from '../auth.js';
import { HttpError, errorBody, invalid, notFound, refused } from '../errors.js';
import { iso } from '../views.js';
import { AUDIT_READERS, auditEntry } from './audit.js';
import * as examples from '../examples/audit-proofs.js';

const tags = ['supervision'];
const treeSize = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const checkpointView = z.object({ size: z.number(), root: z.string(), time: z.string(), checkpoint: z.string().describe('The signed note (C2SP tlog-checkpoint)') });

export const auditProofRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps.database;
  const errors = { 400: errorBody, 403: errorBody, 404: errorBody };

  /** A size no larger than the log: a proof for a tree that does not exist proves nothing. */
  const withinLog = async (field: string, size: number) => {
    const rows = await auditSize(db);
    if (size > rows) throw invalid(field, `must be at most the log's size, ${rows}`);
  };

  app.get(
    '/audit/checkpoints/latest',
    {
      schema: {
        tags,
        summary: 'The latest signed checkpoint of the audit log (its size and Merkle root, signed with Ed25519), as text',
        response: { 200: z.string().describe('The signed note, text/plain (C2SP tlog-checkpoint)'), ...errors },
      },
      config: { access: AUDIT_READERS, examples: examples.latestCheckpointExamples },
    },
    async (_request, reply) => {
      const latest = latestCheckpoint();
      if (!latest) throw notFound('A checkpoint of the audit log');
      return reply.type('text/plain; charset=utf-8').send(latest.text);
    },
  );

  app.post(
    '/audit/checkpoints',
    {
      schema: {
        tags,
        summary: 'Signs a checkpoint now, after proving the log extends the latest one; 409 naming why if it does not',
        response: { 200: checkpointView, 201: checkpointView, 409: errorBody, ...errors },
      },
      config: { access: AUDIT_READERS, examples: examples.makeCheckpointExamples },
    },
    async (_request, reply) => {
      try {
        const { checkpoint, created } = await makeCheckpoint(db);
        return reply
          .code(created ? 201 : 200)
          .send({ size: checkpoint.size, root: checkpoint.root.toString('base64'), time: checkpoint.time, checkpoint: checkpoint.text });
      } catch (err) {
        if (err instanceof CheckpointRefused) throw refused(err.message, 'audit_checkpoint_refused');
        throw err;
      }
    },
  );

  app.get(
    '/audit/public-key',
    {
      schema: {
        tags,
        summary: 'The key that checks the audit log’s checkpoints: PEM, and the signed-note verifier key',
        response: { 200: z.object({ origin: z.string(), publicKey: z.string(), verifierKey: z.string() }), ...errors },
      },
      config: { access: AUDIT_READERS, examples: examples.publicKeyExamples },
    },
    async () => {
      const { origin, publicKey } = auditKeys();
      return { origin, publicKey: publicKey.export({ format: 'pem', type: 'spki' }).toString(), verifierKey: verifierKey(origin, publicKey) };
    },
  );

  app.get(
    '/audit/proofs/inclusion',
    {
      schema: {
        tags,
        summary: 'That a row is in the tree of the first `size` rows: its leaf index, leaf hash and audit path (RFC 9162 §2.1.3), with the row',
        querystring: z.object({ id: z.coerce.number().int().min(1), size: treeSize.min(1) }),
        response: {
          200: z.object({
            leafIndex: z.number(),
            treeSize: z.number(),
            leafHash: z.string(),
            path: z.array(z.string()).describe('Base64 hashes, leaf to root'),
            entry: auditEntry,
          }),
          ...errors,
        },
      },
      config: { access: AUDIT_READERS, examples: examples.inclusionExamples },
    },
    async (request) => {
      const { id, size } = request.query;
      await withinLog('querystring.size', size);
      const [row] = await db.select().from(auditLog).where(eq(auditLog.id, id));
      // A supervisor proves rows of its own centre and below, as it reads them.
      const scope = centrePrefix(staffOf(request).centreCode);
      if (!row || (scope.length > 2 && !row.centreCode?.startsWith(scope))) throw notFound(`Audit row ${id}`);
      const proof = await auditInclusion(db, id, size);
      if (!proof) throw invalid('querystring.size', `row ${id} is not among the first ${size} rows`);
      const { leafHash: _leaf, mac: _mac, ...entry } = row;
      return { ...proof, leafHash: Buffer.from(proof.leafHash, 'hex').toString('base64'), entry: { ...entry, at: iso(row.at)! } };
    },
  );

  app.get(
    '/audit/proofs/consistency',
    {
      schema: {
        tags,
        summary: 'That the tree of the first `to` rows extends the tree of the first `from` (RFC 9162 §2.1.4)',
        querystring: z.object({ from: treeSize, to: treeSize }),
        response: { 200: z.object({ from: z.number(), to: z.number(), proof: z.array(z.string()).describe('Base64 hashes') }), ...errors },
      },
      config: { access: AUDIT_READERS, examples: examples.consistencyExamples },
    },
    async (request) => {
      const { from, to } = request.query;
      if (from > to) throw invalid('querystring.from', 'must be at most to');
      await withinLog('querystring.to', to);
      const proof = await auditConsistency(db, from, to);
      if (!proof) throw new HttpError(409, 'audit_log_changed', 'The log shrank while the proof was made');
      return proof;
    },
  );
};

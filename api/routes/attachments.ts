/**
 * The applicant's materials as files (附件): uploaded by the integrator or a window that may see the
 * application, listed and downloaded by whoever may see it, every download written to the audit trail.
 */
import { createHash } from 'node:crypto';
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Attachment, findAttachment, listAttachments, recordAttachment } from '../../db/attachments.js';
import { appendAudit } from '../../db/audit.js';
import { BlobStoreUnavailable, postgresBlobStore } from '../../db/blob-store.js';
import { findApplication } from '../../db/queries.js';
import { requireSight } from '../application-access.js';
import { ALLOWED_NAMES, detectMaterialType } from '../attachment-types.js';
import { STAFF, WINDOW_STAFF, actorOf, forbidden } from '../auth.js';
import { HttpError, errorBody, invalid, notFound } from '../errors.js';
import { applicationNoParams } from '../schemas.js';
import { listAttachmentsExamples, uploadAttachmentExamples } from '../examples/application-records.js';

export const DEFAULT_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

const attachment = z
  .object({
    id: z.string(),
    applicationNo: z.string(),
    material: z.string().describe('The material’s name as on the item’s checklist'),
    fileName: z.string(),
    contentType: z.string().describe('Detected from the bytes: application/pdf, image/jpeg, image/png or application/ofd'),
    size: z.number().int(),
    sha256: z.string(),
    uploadedAt: z.string(),
    uploadedBy: z.object({ id: z.string(), kind: z.enum(['officer', 'integrator']).optional(), name: z.string().optional(), role: z.string().optional() }),
    url: z.string().describe('Where to download it'),
  })
  .meta({ id: 'Attachment' });

// Documents the form for OpenAPI only: the route reads the multipart stream itself (the parsed body
// is empty) and answers missing_material or missing_file, so nothing here is enforced.
const uploadForm = z
  .object({
    material: z.string().min(1).max(200).describe('Required: the material’s name as on the item’s checklist, 1–200 characters'),
    file: z.string().meta({ format: 'binary' }).describe(`Required: one file, ${ALLOWED_NAMES}, judged from its bytes`),
  })
  .partial()
  .nullish();

const attachmentParams = applicationNoParams.extend({ id: z.string().min(1).max(64) });
const refusals = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 503: errorBody };
const tags = ['attachments'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const attachmentUrl = (a: Attachment) => `/v1/applications/${encodeURIComponent(a.applicationNo)}/attachments/${a.id}`;
const view = (a: Attachment) => ({
  id: a.id,
  applicationNo: a.applicationNo,
  material: a.material,
  fileName: a.fileName,
  contentType: a.contentType,
  size: a.size,
  sha256: a.sha256,
  uploadedAt: new Date(a.uploadedAt).toISOString(),
  uploadedBy: a.uploadedBy,
  url: attachmentUrl(a),
});

const storeUnavailable = () =>
  new HttpError(503, 'unavailable', 'The attachment store is unavailable; nothing was recorded. Retry later.');

export const attachmentRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const store = app.deps.attachments?.store ?? postgresBlobStore(db);
  const maxBytes = app.deps.attachments?.maxBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES;
  // Multipart only in this plugin; the upload is read as a stream, never past the limit.
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 4096, parts: 20 }, throwFileSizeLimit: false });

  /** The application, once the caller may see it: 404 for none, 403 for someone who may not. */
  async function visibleApplication(request: FastifyRequest, no: string) {
    const found = await findApplication(db, no);
    if (!found) throw notFound(`Application ${no}`);
    return { found, sight: requireSight(request, found.row, found.reviews) };
  }

  app.post(
    '/applications/:no/attachments',
    {
      schema: {
        tags,
        summary: `Upload one of the applicant’s materials (multipart/form-data: material, file): ${ALLOWED_NAMES}, at most ${maxBytes} bytes; the same bytes again answer 200 with the attachment already recorded`,
        consumes: ['multipart/form-data'],
        params: applicationNoParams,
        body: uploadForm,
        response: { 200: attachment, 201: attachment, ...refusals },
      },
      config: { access: ['integrator', ...WINDOW_STAFF], examples: uploadAttachmentExamples },
    },
    async (request, reply) => {
      const { no } = request.params;
      await visibleApplication(request, no);
      const upload = await readUpload(request, maxBytes);
      const detected = await detectMaterialType(upload.bytes);
      if (!detected.ok) {
        const message = `The file’s bytes are ${detected.found}; allowed are ${ALLOWED_NAMES}`;
        throw new HttpError(400, 'unsupported_type', message, [{ field: 'file', message }]);
      }
      const sha256 = createHash('sha256').update(upload.bytes).digest('hex');
      // The bytes first, under their hash, then the row: a row that fails leaves at most bytes nothing
      // refers to, which the next upload of the same file reuses; never a row without its bytes.
      try {
        await store.put(sha256, upload.bytes, detected.contentType);
      } catch (err) {
        if (!(err instanceof BlobStoreUnavailable)) throw err;
        request.log.warn({ err }, 'the attachment store is unavailable');
        throw storeUnavailable();
      }
      const actor = actorOf(request);
      const { attachment: recorded, created } = await recordAttachment(db, {
        applicationNo: no,
        material: upload.material,
        fileName: upload.fileName ?? `${upload.material}.${extensionOf(detected.contentType)}`,
        contentType: detected.contentType,
        size: upload.bytes.length,
        sha256,
        uploadedBy: { id: actor.id, kind: actor.kind, name: actor.name, ...('role' in actor ? { role: actor.role } : {}) },
      });
      request.log.info({ attachment: recorded.id, sha256, created }, created ? 'attachment uploaded' : 'attachment uploaded again');
      return reply.status(created ? 201 : 200).header('location', attachmentUrl(recorded)).send(view(recorded));
    },
  );

  app.get(
    '/applications/:no/attachments',
    {
      schema: { tags, summary: 'The application’s attachments, in upload order', params: applicationNoParams, response: { 200: z.object({ attachments: z.array(attachment) }), ...refusals } },
      config: { access: ['integrator', ...STAFF], examples: listAttachmentsExamples },
    },
    async (request) => {
      await visibleApplication(request, request.params.no);
      return { attachments: (await listAttachments(db, request.params.no)).map(view) };
    },
  );

  app.get(
    '/applications/:no/attachments/:id',
    {
      schema: {
        tags,
        summary: 'Download an attachment’s bytes (written to the audit trail); ETag is its SHA-256',
        params: attachmentParams,
        produces: ['application/pdf', 'image/jpeg', 'image/png', 'application/ofd'],
        response: { 200: z.any().describe('The file’s bytes, as uploaded'), ...refusals },
      },
      config: { access: ['integrator', ...STAFF] },
    },
    async (request, reply) => {
      const { no, id } = request.params;
      const { found, sight } = await visibleApplication(request, no);
      // Supervisors see the applicant's number masked; the materials (an identity card's scan) would unmask it.
      if (sight !== 'whole') throw forbidden(`The materials of ${no} are for those who handle it; ${request.identity?.id ?? 'the caller'} supervises it`);
      const row = UUID.test(id) ? await findAttachment(db, no, id) : undefined;
      if (!row) throw notFound(`Attachment ${id} of application ${no}`);
      let bytes: Buffer | undefined;
      try {
        bytes = await store.get(row.sha256);
      } catch (err) {
        if (!(err instanceof BlobStoreUnavailable)) throw err;
        request.log.warn({ err }, 'the attachment store is unavailable');
        throw new HttpError(503, 'unavailable', 'The attachment store is unavailable. Retry later.');
      }
      if (!bytes) {
        request.log.error({ attachment: row.id, sha256: row.sha256 }, 'the bytes of an attachment are missing from the store');
        throw new HttpError(500, 'internal', 'The bytes of this attachment are missing from the store; it has been logged.');
      }
      // Written before the bytes leave: a download the trail cannot record does not happen.
      await appendAudit(db, {
        at: new Date().toISOString(),
        actor: actorOf(request),
        centreCode: found.row.centreCode,
        // A HEAD runs this handler too (Fastify answers it from the GET route) and is recorded as what it is.
        action: `${request.method} ${request.routeOptions.url}`,
        target: `${no}/${id}`,
        status: 200,
        requestId: request.id,
      });
      return reply
        .type(row.contentType)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeRfc8187(row.fileName)}`)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .header('etag', `"${row.sha256}"`)
        .send(bytes);
    },
  );
};

interface Upload {
  material: string;
  fileName?: string;
  bytes: Buffer;
}

/**
 * Reads the form: the field `material` and one file `file`, in either order. The file is hashed by
 * the caller from the bytes kept here; busboy stops passing them on at the limit, so at most the limit
 * is ever held.
 */
async function readUpload(request: FastifyRequest, maxBytes: number): Promise<Upload> {
  if (!request.isMultipart()) throw new HttpError(400, 'missing_file', 'Send multipart/form-data with the field material and one file named file');
  let material: string | undefined;
  let file: { name?: string; bytes: Buffer } | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.fieldname === 'material') material = String(part.value).trim();
        continue;
      }
      if (part.fieldname !== 'file') {
        part.file.resume();
        throw invalid(part.fieldname, 'is not a field of this form; send the file as "file"');
      }
      const chunks: Buffer[] = [];
      for await (const chunk of part.file) chunks.push(chunk as Buffer);
      if (part.file.truncated) {
        throw new HttpError(400, 'file_too_large', `The file is larger than the limit of ${maxBytes} bytes (${formatBytes(maxBytes)})`, [{ field: 'file', message: `must be at most ${maxBytes} bytes` }]);
      }
      file = { name: cleanFileName(part.filename), bytes: Buffer.concat(chunks) };
    }
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if ((err as { code?: unknown }).code === 'FST_FILES_LIMIT') throw invalid('file', 'send one file per upload');
    // Nothing but the request is read here: any other failure is a form that cannot be parsed (no
    // boundary, a part cut short, too many parts), never the server's.
    throw new HttpError(400, 'validation_failed', `The multipart form cannot be read: ${(err as Error).message}`);
  }
  if (material === undefined || material === '') throw new HttpError(400, 'missing_material', 'The field material (the material’s name as on the item’s checklist) is missing', [{ field: 'material', message: 'is required' }]);
  if ([...material].length > 200) throw invalid('material', 'must be at most 200 characters');
  if (/[\u0000-\u001f\u007f]/.test(material)) throw invalid('material', 'contains a control character');
  if (!file) throw new HttpError(400, 'missing_file', 'The file is missing: send it as the multipart field file', [{ field: 'file', message: 'is required' }]);
  if (file.bytes.length === 0) throw new HttpError(400, 'empty_file', 'The file is empty (0 bytes)', [{ field: 'file', message: 'is empty' }]);
  return { material, fileName: file.name, bytes: file.bytes };
}

/** The name as given, without a path (C:\fakepath\…) or control characters, at most 255 characters. */
function cleanFileName(name: string | undefined): string | undefined {
  const cleaned = (name ?? '').split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return cleaned ? [...cleaned].slice(-255).join('') : undefined;
}

const EXTENSIONS: Record<string, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png', 'application/ofd': 'ofd' };
const extensionOf = (contentType: string) => EXTENSIONS[contentType] ?? 'bin';

/** RFC 8187 (filename*=UTF-8''…): percent-encode all but the attribute characters. */
const encodeRfc8187 = (value: string) => encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const formatBytes = (n: number) => (n % 1_048_576 === 0 ? `${n / 1_048_576} MiB` : n % 1024 === 0 ? `${n / 1024} KiB` : `${n} bytes`);

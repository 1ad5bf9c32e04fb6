/**
 * An application's documents (issue 15): the notices and decisions its transitions issued
 * (db/documents.ts), listed, and each as a PDF, rendered when first asked for and kept, so every later
 * copy is the one first printed. Whoever may see the application may read them.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findDocument, keepPdf, listDocuments } from '../../db/documents.js';
import { DOCUMENT_KINDS } from '../../db/schema/index.js';
import { findApplication } from '../../db/queries.js';
import { STAFF } from '../auth.js';
import { requireSight } from '../application-access.js';
import { errorBody, notFound } from '../errors.js';
import { applicationNoParams } from '../schemas.js';
import { applicationUrl, iso } from '../views.js';
import { listDocumentsExamples } from '../examples/application-records.js';

export const documentSummary = z
  .object({
    id: z.number().int(),
    kind: z.enum(DOCUMENT_KINDS).describe('supplement_notice 一次性告知书, acceptance_notice 受理通知书, non_acceptance_notice 不予受理通知书, approval_decision 准予行政许可决定书, rejection_decision 不予行政许可决定书'),
    title: z.string(),
    number: z.string().describe('From the centre’s series of the year, e.g. 450100许决〔2026〕第000012号'),
    licenceNo: z.string().nullable().describe('An approval’s licence number (许可证编号)'),
    issuedAt: z.string(),
    url: z.string().describe('The PDF'),
  })
  .meta({ id: 'Document' });

const refusals = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 503: errorBody };

export const documentUrl = (no: string, id: number) => `${applicationUrl(no)}/documents/${id}`;

export const documentRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;

  /** The application, once the caller may see it. */
  async function seen(request: Parameters<typeof requireSight>[0], no: string) {
    const found = await findApplication(db, no);
    if (!found) throw notFound(`Application ${no}`);
    requireSight(request, found.row, found.reviews);
    return found;
  }

  app.get(
    '/applications/:no/documents',
    {
      schema: {
        tags: ['applications'],
        summary: 'The notices and decisions issued for an application, in the order issued',
        params: applicationNoParams,
        response: { 200: z.object({ documents: z.array(documentSummary) }), ...refusals },
      },
      config: { access: ['integrator', ...STAFF], examples: listDocumentsExamples },
    },
    async (request) => {
      const { no } = request.params;
      await seen(request, no);
      const rows = await listDocuments(db, no);
      return { documents: rows.map(({ causeSeq: _seq, ...d }) => ({ ...d, issuedAt: iso(d.issuedAt)!, url: documentUrl(no, d.id) })) };
    },
  );

  app.get(
    '/applications/:no/documents/:id',
    {
      schema: {
        tags: ['applications'],
        summary: 'One document as a PDF (A4, embedded Noto Sans SC), the same bytes every time',
        params: applicationNoParams.extend({ id: z.coerce.number().int().min(1).max(2_147_483_647) }),
        produces: ['application/pdf'],
        // A Buffer is sent as it is, never serialized: the schema only documents it.
        response: { 200: z.any().describe('The PDF (application/pdf; Content-Disposition inline with the Chinese title as filename*)'), ...refusals },
      },
      config: { access: ['integrator', ...STAFF] },
    },
    async (request, reply) => {
      const { no, id } = request.params;
      await seen(request, no);
      const document = await findDocument(db, no, id);
      if (!document) throw notFound(`Document ${id} of application ${no}`);
      // pdfkit and its fonts load with the first document asked for, not with every API process.
      const render = async () => (await import('../documents/pdf.js')).renderDocument(document.fields);
      const pdf = document.pdf ?? (await keepPdf(db, document.id, await render()));
      const filename = `${document.title}-${no}.pdf`;
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${asciiName(no, document.kind)}"; filename*=UTF-8''${encodeURIComponent(filename)}`)
        .header('cache-control', 'private, max-age=0')
        .send(pdf);
    },
  );
};

/** For clients that do not read filename*: the same name in ASCII. */
const asciiName = (no: string, kind: string) => `${kind}-${no}.pdf`.replace(/[^\w.-]/g, '_');

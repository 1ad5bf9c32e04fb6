/**
 * The applicant's materials as uploaded files (附件). The bytes are stored once per content (their
 * SHA-256), whichever application or material they were uploaded for; an attachment names the
 * application, the material on the item's checklist and the content.
 */
import { sql } from 'drizzle-orm';
import { bigint, customType, index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { AuditActor } from './audit.js';
import { applications } from './applications.js';
import { createdAt } from './columns.js';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  // PGlite hands bytea back as a Uint8Array, node-postgres as a Buffer.
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)),
});

/** Content-addressed bytes: stored here (bytes) or in the object store configured by ATTACHMENTS_STORE_URL (bytes null). */
export const attachmentBlobs = pgTable('attachment_blobs', {
  sha256: text().primaryKey(),
  size: bigint({ mode: 'number' }).notNull(),
  /** As detected from the bytes, never as the uploader named it. */
  contentType: text().notNull(),
  bytes: bytea(),
  createdAt: createdAt(),
});

/** Who uploaded an attachment: the authenticated officer or integrator key, as the audit trail names them. */
export type Uploader = Omit<AuditActor, 'ip' | 'kind'> & { kind?: 'officer' | 'integrator' };

export const attachments = pgTable(
  'attachments',
  {
    id: uuid().primaryKey().default(sql`gen_random_uuid()`),
    applicationNo: text()
      .notNull()
      .references(() => applications.applicationNo),
    /** The material's name as on the item's checklist (材料清单). */
    material: text().notNull(),
    /** The name the uploader gave the file; shown and offered on download, never trusted for its type. */
    fileName: text().notNull(),
    contentType: text().notNull(),
    size: bigint({ mode: 'number' }).notNull(),
    sha256: text()
      .notNull()
      .references(() => attachmentBlobs.sha256),
    uploadedBy: jsonb().$type<Uploader>().notNull(),
    uploadedAt: createdAt(),
  },
  (t) => [
    // The same bytes for the same material of the same application are one attachment: an upload repeated is a no-op.
    uniqueIndex('attachments_application_material_sha256_uq').on(t.applicationNo, t.material, t.sha256),
    index('attachments_application_idx').on(t.applicationNo, t.uploadedAt),
  ],
);

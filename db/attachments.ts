/** Recording and reading the attachments of an application; the bytes themselves are the BlobStore's. */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from './client.js';
import { attachmentBlobs, attachments } from './schema/index.js';

export type Attachment = typeof attachments.$inferSelect;
export type NewAttachment = Omit<typeof attachments.$inferInsert, 'id' | 'uploadedAt'> & { size: number; contentType: string };

/**
 * Records an attachment whose bytes the store already holds, in one transaction: the blob's row (a
 * no-op when PostgreSQL holds the bytes, or another upload has) and the attachment's. The same bytes
 * for the same material of the same application return the attachment already recorded.
 */
export async function recordAttachment(db: Db, attachment: NewAttachment): Promise<{ attachment: Attachment; created: boolean }> {
  return db.transaction(async (tx) => {
    await tx
      .insert(attachmentBlobs)
      .values({ sha256: attachment.sha256, size: attachment.size, contentType: attachment.contentType })
      .onConflictDoNothing({ target: attachmentBlobs.sha256 });
    const [created] = await tx
      .insert(attachments)
      .values(attachment)
      .onConflictDoNothing({ target: [attachments.applicationNo, attachments.material, attachments.sha256] })
      .returning();
    if (created) return { attachment: created, created: true };
    // Another upload of the same bytes got there first; the conflict waited for it to commit, so it is there.
    const [existing] = await tx
      .select()
      .from(attachments)
      .where(and(eq(attachments.applicationNo, attachment.applicationNo), eq(attachments.material, attachment.material), eq(attachments.sha256, attachment.sha256)));
    return { attachment: existing!, created: false };
  });
}

/** An application's attachments in the order they were uploaded. */
export async function listAttachments(db: Db, applicationNo: string): Promise<Attachment[]> {
  return db.select().from(attachments).where(eq(attachments.applicationNo, applicationNo)).orderBy(asc(attachments.uploadedAt), asc(attachments.id));
}

export async function findAttachment(db: Db, applicationNo: string, id: string): Promise<Attachment | undefined> {
  const [row] = await db.select().from(attachments).where(and(eq(attachments.applicationNo, applicationNo), eq(attachments.id, id)));
  return row;
}

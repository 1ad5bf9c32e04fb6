/**
 * Closed applications' whole workflow histories, kept in OneWindow's own store: Temporal keeps a closed
 * workflow only for its namespace's retention (a day on the dev server), a licensing file is kept for years.
 * One row per workflow run, written once (db/history-archive.ts); its SHA-256 is also in the audit trail.
 */
import { customType, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, instant } from './columns.js';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  // PGlite hands bytea back as a Uint8Array, node-postgres as a Buffer.
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)),
});

export const historyArchives = pgTable(
  'history_archives',
  {
    /** The workflow id: the application's number. */
    applicationNo: text().notNull(),
    runId: text().notNull(),
    /** How the workflow closed: completed, failed, terminated, canceled, timed_out, continued_as_new. */
    closeStatus: text().notNull(),
    closedAt: instant().notNull(),
    eventCount: integer().notNull(),
    /** The encoded History protobuf's size, and the gzip of it that is stored. */
    rawBytes: integer().notNull(),
    storedBytes: integer().notNull(),
    /** SHA-256 of `bytes` (the gzip as stored), hex; the audit row `history.archived` names it too. */
    sha256: text().notNull(),
    /** gzip(temporal.api.history.v1.History), payloads as Temporal stored them (encrypted); null once disposed. */
    bytes: bytea(),
    archivedAt: createdAt(),
    /** Set when the record reached the end of its retention and `npm run records:retention -- --dispose` removed the bytes. */
    disposedAt: instant(),
  },
  (t) => [
    // The key of "written exactly once": a second archiver's insert does nothing.
    uniqueIndex('history_archives_run_uq').on(t.applicationNo, t.runId),
    index('history_archives_closed_idx').on(t.closedAt),
  ],
);

/** The archiver's progress: workflows closed before `watermark` (less a safety margin) have been looked at. */
export const historyArchiver = pgTable('history_archiver', {
  id: text().primaryKey(),
  watermark: instant().notNull(),
  sweptAt: instant().notNull(),
});

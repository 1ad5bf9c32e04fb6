/**
 * The documents an application's transitions issue (notices and decisions, issue 15): each kept with
 * its number, the fields it is rendered from and, once rendered, the PDF itself, so the document
 * printed is the one kept. Numbers come from per-centre, per-year series without gaps (db/documents.ts).
 */
import { customType, index, integer, jsonb, pgTable, primaryKey, serial, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { DocumentFields } from '../documents.js';
import { instant } from './columns.js';
import { applications } from './applications.js';

export const DOCUMENT_KINDS = [
  'supplement_notice', // 一次性告知书: every missing material of one supplement request at intake
  'acceptance_notice', // 受理通知书: with the promised and statutory due dates
  'non_acceptance_notice', // 不予受理通知书: with the reason
  'approval_decision', // 准予行政许可决定书: with the licence number and any conditions
  'rejection_decision', // 不予行政许可决定书: with every department's decision and reason
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});

export const documents = pgTable(
  'documents',
  {
    id: serial().primaryKey(),
    applicationNo: text()
      .notNull()
      .references(() => applications.applicationNo),
    kind: text({ enum: DOCUMENT_KINDS }).notNull(),
    /** The sequence number of the transition that issued it: a second supplement request is a second notice. */
    causeSeq: integer().notNull(),
    title: text().notNull(),
    /** The centre whose series numbered it, the year (in China) and the series. */
    centreCode: text().notNull(),
    year: integer().notNull(),
    series: text().notNull(),
    serialNo: integer().notNull(),
    /** As printed, e.g. 450100许决〔2026〕第000012号. */
    number: text().notNull(),
    /** An approval's licence number (许可证编号), from the centre's licence series. */
    licenceNo: text(),
    issuedAt: instant().notNull(),
    /** Everything the PDF is rendered from. */
    fields: jsonb().$type<DocumentFields>().notNull(),
    /** The PDF as first rendered; kept, so every later copy is the same bytes. */
    pdf: bytea(),
    renderedAt: instant(),
  },
  (t) => [
    // One document per kind per transition: a retried write finds it and issues nothing.
    uniqueIndex('documents_cause_uq').on(t.applicationNo, t.kind, t.causeSeq),
    uniqueIndex('documents_number_uq').on(t.centreCode, t.year, t.series, t.serialNo),
    index('documents_application_idx').on(t.applicationNo, t.id),
  ],
);

/** The last number given in each series of a centre and year; a row is taken with the document it numbers. */
export const documentSeries = pgTable(
  'document_series',
  {
    centreCode: text().notNull(),
    year: integer().notNull(),
    series: text().notNull(),
    lastNo: integer().notNull(),
  },
  (t) => [primaryKey({ name: 'document_series_pk', columns: [t.centreCode, t.year, t.series] })],
);

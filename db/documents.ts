/**
 * The documents an application's transitions issue (issue 15), inside the read model's write of the
 * transition (db/read-model.ts), in the same transaction:
 *
 * | transition                                 | document                         | series              |
 * |--------------------------------------------|----------------------------------|---------------------|
 * | intake_request_supplement (补正 at intake) | 一次性告知书 supplement_notice    | supplement_notice   |
 * | clock_started (accepted, the clock starts) | 受理通知书 acceptance_notice      | acceptance_notice   |
 * | intake_not_accept (不予受理)               | 不予受理通知书 non_acceptance_notice | non_acceptance_notice |
 * | completed (every department approved)      | 准予行政许可决定书 approval_decision | decision (+ licence) |
 * | review_rejected (a department rejected)    | 不予行政许可决定书 rejection_decision | decision           |
 *
 * A document is keyed by (application, kind, the transition's seq), so a retried write finds it and
 * issues nothing, and a second supplement request is a second notice. Its number is the next of its
 * series at the application's centre in the year of issue (in China), taken with an upsert on the
 * series' row in the same transaction: a transaction that rolls back gives its number back, and
 * concurrent issues at one centre wait on that row, so numbers run without gaps.
 *
 * The acceptance notice and the decisions carry a one-time rating code (好差评) as a QR code, issued with
 * them in the same transaction (a rolled-back write leaves neither) and only once (a retried write finds
 * the document first): the notice's for the consultation and the intake, a decision's for the decision
 * and the pickup (still to come when it is printed). Only the code's SHA-256 is kept in rating_tokens;
 * its URL is kept with the document's fields, as everything it prints, because the PDF is rendered
 * when first asked for (api/routes/documents.ts), not in this transaction.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { type DocumentKind, applications, centres, departments, documentSeries, documents, itemVersions, items } from './schema/index.js';
import type { ApplicationState, Deadlines, Review, TransitionEvent } from '../workflows/messages.js';
import { chinaDate } from '../workflows/rules/working-days.js';
import { DEFAULT_TOKEN_DAYS, type RatedEvent, type RatingNotice, noticeEvents } from '../workflows/rules/ratings.js';
import { departmentNameAt } from './department-names.js';
import { issueRatingToken } from './ratings.js';

export const DOCUMENT_TITLES: Record<DocumentKind, string> = {
  supplement_notice: '一次性告知书',
  acceptance_notice: '受理通知书',
  non_acceptance_notice: '不予受理通知书',
  approval_decision: '准予行政许可决定书',
  rejection_decision: '不予行政许可决定书',
};

/** The transition that issues each kind. */
const ISSUED_BY = new Map<string, DocumentKind>([
  ['intake_request_supplement', 'supplement_notice'],
  ['clock_started', 'acceptance_notice'],
  ['intake_not_accept', 'non_acceptance_notice'],
  ['completed', 'approval_decision'],
  ['review_rejected', 'rejection_decision'],
]);

/** Each kind's series and the word its number carries (发文字号: <centre><word>〔<year>〕第<n>号). */
const SERIES: Record<DocumentKind, { series: string; word: string }> = {
  supplement_notice: { series: 'supplement_notice', word: '补告' },
  acceptance_notice: { series: 'acceptance_notice', word: '受通' },
  non_acceptance_notice: { series: 'non_acceptance_notice', word: '不受通' },
  // Approvals and rejections are both 行政许可决定 and share one series.
  approval_decision: { series: 'decision', word: '许决' },
  rejection_decision: { series: 'decision', word: '许决' },
};
export const LICENCE_SERIES = 'licence';

/** The documents that carry a rating code, and the notice whose events it rates. */
const RATED_WITH: Partial<Record<DocumentKind, RatingNotice>> = { acceptance_notice: 'acceptance', approval_decision: 'pickup', rejection_decision: 'pickup' };

/** Where the documents' QR codes point (PUBLIC_BASE_URL) and how long their rating codes last (RATING_TOKEN_DAYS). */
export interface DocumentSettings {
  publicBaseUrl: string;
  ratingTokenDays: number;
}
const DEFAULT_SETTINGS: DocumentSettings = { publicBaseUrl: 'http://localhost:3000', ratingTokenDays: DEFAULT_TOKEN_DAYS };

/** The rating code a document prints: its QR code carries `url`, printed under it too. */
export interface RatingCode {
  url: string;
  events: RatedEvent[];
  /** The last day it may be used all day, in China, yyyy-mm-dd. */
  expiresOn: string;
}

/** A document's number as printed: 450100许决〔2026〕第000012号. */
export const documentNumber = (centreCode: string, word: string, year: number, serial: number) =>
  `${centreCode}${word}〔${year}〕第${String(serial).padStart(6, '0')}号`;

/** A licence number (许可证编号): XK-450100-2026-000012. */
export const licenceNumber = (centreCode: string, year: number, serial: number) => `XK-${centreCode}-${year}-${String(serial).padStart(6, '0')}`;

/**
 * The day a limit ends, as printed: the last working day itself. A due instant is the start of the
 * day after it (workflows/rules/working-days.ts), so the day is the one before the instant, in China.
 */
export const lastDayOf = (due: string) => chinaDate(new Date(Date.parse(due) - 1));

interface Named {
  code: string;
  name: string;
}

/** One department's decision, as a decision document lists it. */
export interface DecisionLine {
  department: Named;
  centreCode: string;
  status: Review['status'];
  reason?: string;
  conditions?: string;
  decidedOn?: string;
}

interface Common {
  title: string;
  number: string;
  applicationNo: string;
  applicant: { type: 'person' | 'organisation'; name: string };
  item: Named;
  /** The centre that issues it (its seal line), and the lead department that took the application in. */
  centre: Named;
  department: Named;
  submittedOn: string;
  issuedAt: string;
  /** The day of issue in China, yyyy-mm-dd. */
  issuedOn: string;
  /** The acceptance notice's and the decisions' rating code (好差评). */
  rating?: RatingCode;
}

export type DocumentFields = Common &
  (
    | { kind: 'supplement_notice'; missingMaterials: string[]; reason?: string }
    | {
        kind: 'acceptance_notice';
        acceptedOn: string;
        promisedLimitDays: number;
        statutoryLimitDays: number;
        /** The last working days of the limits (not the instants they end). */
        promisedLastDay: string;
        statutoryLastDay: string;
        provisional: boolean;
      }
    | { kind: 'non_acceptance_notice'; reason: string }
    | { kind: 'approval_decision'; licenceNo: string; acceptedOn?: string; decisions: DecisionLine[] }
    | { kind: 'rejection_decision'; reason: string; rejectedBy: Named; acceptedOn?: string; decisions: DecisionLine[] }
  );

/** Takes the next number of a series; the row stays locked until the transaction ends. */
export async function allocateNumber(tx: Tx, centreCode: string, year: number, series: string): Promise<number> {
  const [row] = await tx
    .insert(documentSeries)
    .values({ centreCode, year, series, lastNo: 1 })
    .onConflictDoUpdate({ target: [documentSeries.centreCode, documentSeries.year, documentSeries.series], set: { lastNo: sql`${documentSeries.lastNo} + 1` } })
    .returning({ lastNo: documentSeries.lastNo });
  return row.lastNo;
}

/**
 * Issues the documents these transitions call for, each once. Call only with a write whose
 * transitions the workflow has committed (an ordinary activity's), inside its transaction.
 */
export async function issueDocuments(tx: Tx, state: ApplicationState, transitionEvents: TransitionEvent[], settings: DocumentSettings = DEFAULT_SETTINGS): Promise<IssuedDocument[]> {
  const causes = transitionEvents.flatMap((event) => {
    const kind = ISSUED_BY.get(event.type);
    return kind ? [{ event, kind }] : [];
  });
  const issuedNow: IssuedDocument[] = [];
  if (causes.length === 0) return issuedNow;
  // Holding the application's row, a concurrent try of the same write waits here and then finds the
  // documents. NO KEY UPDATE, the lock the write's own UPDATE of the row takes: a stronger one would
  // wait for another write's foreign-key lock on the row while that write waits for this one's update.
  const [app] = await tx.select().from(applications).where(eq(applications.applicationNo, state.applicationNo)).for('no key update');
  if (!app) return issuedNow;
  let context: Awaited<ReturnType<typeof loadContext>> | undefined;
  for (const { event, kind } of causes) {
    const [issued] = await tx
      .select({ id: documents.id })
      .from(documents)
      .where(and(eq(documents.applicationNo, app.applicationNo), eq(documents.kind, kind), eq(documents.causeSeq, event.seq)));
    if (issued) continue;
    context ??= await loadContext(tx, app);
    const issuedOn = chinaDate(event.at);
    const year = Number(issuedOn.slice(0, 4));
    const { series, word } = SERIES[kind];
    const serialNo = await allocateNumber(tx, app.centreCode, year, series);
    const number = documentNumber(app.centreCode, word, year, serialNo);
    const licenceNo = kind === 'approval_decision' ? licenceNumber(app.centreCode, year, await allocateNumber(tx, app.centreCode, year, LICENCE_SERIES)) : undefined;
    const notice = RATED_WITH[kind];
    const rating = notice && (await ratingCode(tx, app, kind, notice, number, settings));
    const common: Common = {
      title: DOCUMENT_TITLES[kind],
      number,
      applicationNo: app.applicationNo,
      applicant: { type: app.applicant.type, name: app.applicant.name },
      item: context.item,
      centre: context.centre,
      department: context.department(app.leadDepartment),
      submittedOn: chinaDate(app.submittedAt),
      issuedAt: new Date(event.at).toISOString(),
      issuedOn,
      ...(rating ? { rating } : {}),
    };
    const fields = documentFields(kind, common, state, event, context.department, licenceNo, app);
    const [row] = await tx
      .insert(documents)
      .values({
        applicationNo: app.applicationNo,
        kind,
        causeSeq: event.seq,
        title: common.title,
        centreCode: app.centreCode,
        year,
        series,
        serialNo,
        number,
        licenceNo: licenceNo ?? null,
        issuedAt: common.issuedAt,
        fields,
      })
      .returning({ id: documents.id });
    issuedNow.push({ id: row.id, kind, number, causeSeq: event.seq, issuedAt: common.issuedAt });
  }
  return issuedNow;
}

/** A document this write issued, for the webhooks of its application (db/webhooks.ts). */
export interface IssuedDocument {
  id: number;
  kind: DocumentKind;
  number: string;
  causeSeq: number;
  issuedAt: string;
}

type ApplicationRow = typeof applications.$inferSelect;

/** The last day a code is valid all day long, as printed: the one before the day its validity ends in. */
const lastWholeDay = (expiresAt: string) => chinaDate(new Date(Date.parse(expiresAt) - 86_400_000));

/** A fresh rating code for the document numbered `number`, issued by it (`document:<number>`). */
async function ratingCode(tx: Tx, app: ApplicationRow, kind: DocumentKind, notice: RatingNotice, number: string, settings: DocumentSettings): Promise<RatingCode> {
  const events = noticeEvents(notice, { fromConsultation: app.consultationId !== null, approved: kind === 'approval_decision' });
  const { token, row } = await issueRatingToken(tx, { applicationNo: app.applicationNo, notice, events, issuedBy: `document:${number}`, days: settings.ratingTokenDays });
  return { url: `${settings.publicBaseUrl.replace(/\/+$/, '')}/rate/${token}`, events, expiresOn: lastWholeDay(row.expiresAt) };
}

function documentFields(
  kind: DocumentKind,
  common: Common,
  state: ApplicationState,
  event: TransitionEvent,
  department: (code: string, centreCode?: string) => Named,
  licenceNo: string | undefined,
  app: ApplicationRow,
): DocumentFields {
  const data = (event.data ?? {}) as { reason?: string; missingMaterials?: string[] } & Partial<Deadlines>;
  const acceptedOn = state.acceptedAt ? chinaDate(state.acceptedAt) : undefined;
  const decisions = () =>
    state.reviews.map(
      (r): DecisionLine => ({
        department: department(r.department, r.centreCode),
        centreCode: r.centreCode,
        status: r.status,
        ...(r.reason ? { reason: r.reason } : {}),
        ...(r.conditions ? { conditions: r.conditions } : {}),
        ...(r.decidedAt ? { decidedOn: chinaDate(r.decidedAt) } : {}),
      }),
    );
  switch (kind) {
    case 'supplement_notice':
      return { ...common, kind, missingMaterials: data.missingMaterials ?? [], ...(data.reason ? { reason: data.reason } : {}) };
    case 'acceptance_notice':
      return {
        ...common,
        kind,
        acceptedOn: acceptedOn ?? common.issuedOn,
        promisedLimitDays: app.promisedLimitDays,
        statutoryLimitDays: app.statutoryLimitDays,
        promisedLastDay: lastDayOf(data.promisedDue!),
        statutoryLastDay: lastDayOf(data.statutoryDue!),
        provisional: data.provisional ?? false,
      };
    case 'non_acceptance_notice':
      return { ...common, kind, reason: data.reason ?? '' };
    case 'approval_decision':
      return { ...common, kind, licenceNo: licenceNo!, acceptedOn, decisions: decisions() };
    case 'rejection_decision':
      return { ...common, kind, reason: data.reason ?? '', rejectedBy: department(event.department!, state.reviews.find((r) => r.department === event.department && r.step === event.step)?.centreCode), acceptedOn, decisions: decisions() };
  }
}

/** The names a document prints: the item as submitted, the centre, the departments. */
async function loadContext(tx: Tx, app: ApplicationRow) {
  const [version] = await tx
    .select({ definition: itemVersions.definition })
    .from(itemVersions)
    .where(and(eq(itemVersions.itemCode, app.itemCode), eq(itemVersions.version, app.itemVersion)));
  const [current] = version ? [] : await tx.select({ name: items.name }).from(items).where(eq(items.code, app.itemCode));
  const [centre] = await tx.select({ name: centres.name }).from(centres).where(eq(centres.code, app.centreCode));
  const names = new Map((await tx.select({ code: departments.code, name: departments.name }).from(departments)).map((d) => [d.code, d.name]));
  return {
    item: { code: app.itemCode, name: version?.definition.name ?? current?.name ?? app.itemCode },
    centre: { code: app.centreCode, name: centre?.name ?? app.centreCode },
    /** A department's name at the centre that acts (the application's, unless a review is decided a level up): 公安厅 or 公安局. */
    department: (code: string, centreCode = app.centreCode): Named => ({ code, name: names.has(code) ? departmentNameAt(names.get(code)!, centreCode) : code }),
  };
}

export type DocumentRow = typeof documents.$inferSelect;

/** An application's documents in the order they were issued, without their bytes. */
export async function listDocuments(db: Db, applicationNo: string) {
  return db
    .select({ id: documents.id, kind: documents.kind, title: documents.title, number: documents.number, licenceNo: documents.licenceNo, issuedAt: documents.issuedAt, causeSeq: documents.causeSeq })
    .from(documents)
    .where(eq(documents.applicationNo, applicationNo))
    .orderBy(asc(documents.id));
}

export async function findDocument(db: Db, applicationNo: string, id: number): Promise<DocumentRow | undefined> {
  const [row] = await db
    .select()
    .from(documents)
    .where(and(eq(documents.applicationNo, applicationNo), eq(documents.id, id)));
  return row;
}

/**
 * Keeps the PDF as first rendered. Two first requests at once render the same bytes (the rendering is
 * deterministic); whichever lands first is kept and returned to both.
 */
export async function keepPdf(db: Db, id: number, pdf: Buffer): Promise<Buffer> {
  await db
    .update(documents)
    .set({ pdf, renderedAt: sql`now()` })
    .where(and(eq(documents.id, id), sql`${documents.pdf} is null`));
  const [row] = await db.select({ pdf: documents.pdf }).from(documents).where(eq(documents.id, id));
  return row.pdf ?? pdf;
}

/** The licence number of an application's approval, if one was issued. */
export async function licenceNoOf(db: Db, applicationNo: string): Promise<string | undefined> {
  const [row] = await db
    .select({ licenceNo: documents.licenceNo })
    .from(documents)
    .where(and(eq(documents.applicationNo, applicationNo), eq(documents.kind, 'approval_decision')))
    .orderBy(asc(documents.id))
    .limit(1);
  return row?.licenceNo ?? undefined;
}

/**
 * The rating codes (好差评) printed on the documents, against the real API, worker, Temporal and
 * PostgreSQL: the acceptance notice's QR code, read back from the PDF as a phone reads a printed copy
 * (the page rasterised by pdfjs-dist, decoded by jsQR), opens the public page and rates the intake; a
 * decision's code names its pickup before it happens, refuses it until it has and stays open for it;
 * each document issues one code in its own write, none twice on a retry, none from a write rolled
 * back; the base URL the QR codes point at is PUBLIC_BASE_URL.
 */
import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DocumentFields, issueDocuments } from '../db/documents.js';
import { findApplication } from '../db/queries.js';
import { type Transition, writeSubmission, writeTransition } from '../db/read-model.js';
import { documents, ratingTokens, ratings } from '../db/schema/index.js';
import { servedEvents } from '../db/served-events.js';
import { loadConfig } from '../server/config.js';
import type { ApplicationInput, ApplicationState, Review } from '../workflows/messages.js';
import { submitted } from '../workflows/rules/intake.js';
import type { RatedEvent } from '../workflows/rules/ratings.js';
import { applicationInput, saveTestItem } from './support/items.js';
import { pdfQrCode, pdfText } from './support/pdf.js';
import { type Stack, caller, startStack, windowOf } from './support/stack.js';
import { ok, windowActions } from './support/window.js';

const LEAD = 'market_regulation';
let stack: Stack;
let itemCode: string;
const act = windowActions(() => stack);

beforeAll(async () => {
  stack = await startStack();
  itemCode = await saveTestItem(stack.db);
});
afterAll(async () => {
  await stack?.close();
});

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const codeOf = (res: { json(): unknown }) => (res.json() as { error: { code: string } }).error.code;
const anonymous = () => caller(stack.app, async () => ({}));
const publicGet = (token: string) => anonymous()({ url: `/v1/public/ratings/${token}` });
const publicPost = (token: string, payload: object) => anonymous()({ method: 'POST', url: `/v1/public/ratings/${token}`, payload });
const tokenRow = async (token: string) => (await stack.db.select().from(ratingTokens).where(eq(ratingTokens.tokenHash, sha256(token))))[0];
const codesOf = (applicationNo: string) => stack.db.select().from(ratingTokens).where(eq(ratingTokens.applicationNo, applicationNo));
const ratingsOf = (applicationNo: string) => stack.db.select().from(ratings).where(eq(ratings.applicationNo, applicationNo));

/** The document of this kind once the read model has issued it. */
async function documentOf(no: string, kind: string): Promise<{ id: number; number: string; url: string }> {
  let found: { id: number; kind: string; number: string; url: string } | undefined;
  await expect
    .poll(async () => {
      const listed = ok<{ documents: { id: number; kind: string; number: string; url: string }[] }>(await stack.integrator(`/v1/applications/${no}/documents`));
      found = listed.documents.find((d) => d.kind === kind);
      return found !== undefined;
    }, { timeout: 20_000 })
    .toBe(true);
  return found!;
}

/** The PDF as the documents route serves it. */
async function pdfOf(url: string): Promise<Buffer> {
  const res = await stack.integrator(url);
  expect(res.statusCode, res.body).toBe(200);
  return res.rawPayload;
}

async function servedIn(no: string, event: RatedEvent) {
  await expect
    .poll(async () => {
      const found = await findApplication(stack.db, no);
      return found ? (await servedEvents(stack.db, found.row, found.reviews))[event] !== undefined : false;
    }, { timeout: 20_000 })
    .toBe(true);
}

const tokenIn = (url: string) => new URL(url).pathname.split('/').pop()!;

describe('the QR codes on the notices', () => {
  it('prints a code for the consultation and the intake on the acceptance notice; its QR code, read from the PDF, rates the intake', { timeout: 90_000 }, async () => {
    const consultation = ok<{ id: number }>(
      await stack.as(windowOf(LEAD))({ method: 'POST', url: '/v1/consultations', payload: { centreCode: '450100', channel: 'window', subject: '个体工商户登记咨询' } }),
      201,
    );
    const no = await act.submit({ itemCode, consultationId: consultation.id });
    ok(await act.accept(no));
    const notice = await documentOf(no, 'acceptance_notice');
    const pdf = await pdfOf(notice.url);

    const url = await pdfQrCode(pdf);
    expect(url).toMatch(/^http:\/\/localhost:3000\/rate\/[\w-]{43}$/);
    // The URL is printed under the QR code too, with what the code rates.
    const text = await pdfText(pdf);
    expect(text).toContain(url);
    expect(text).toContain('政务服务好差评');
    expect(text).toContain('咨询、受理');

    const token = tokenIn(url!);
    const row = await tokenRow(token);
    expect(row).toMatchObject({ applicationNo: no, notice: 'acceptance', events: ['consultation', 'intake'], issuedBy: `document:${notice.number}`, usedAt: null });
    expect(JSON.stringify(row)).not.toContain(token);
    expect(await codesOf(no)).toHaveLength(1);

    const shown = ok<{ events: { event: string; happened: boolean; at: string | null }[] }>(await publicGet(token));
    expect(shown.events.map((e) => [e.event, e.happened])).toEqual([
      ['consultation', true],
      ['intake', true],
    ]);
    const stored = await publicPost(token, { ratings: [{ event: 'intake', level: 'very_satisfied', tags: ['one_visit'] }] });
    expect(ok(stored, 201)).toMatchObject({ ratings: [{ event: 'intake', level: 'very_satisfied', channel: 'qr', officer: { id: windowOf(LEAD) } }] });
    expect((await ratingsOf(no)).map((r) => [r.event, r.channel, r.ratedBy])).toEqual([['intake', 'qr', `token:${row.id}`]]);
    // Everything it names had happened: the code is used (the consultation left unrated is given up); the intake it may still change, for a while.
    expect((await tokenRow(token)).usedAt).not.toBeNull();
    expect(ok(await publicGet(token))).toMatchObject({ events: [], changeable: [{ event: 'intake', level: 'very_satisfied' }] });
    const again = await publicPost(token, { ratings: [{ event: 'consultation', level: 'satisfied' }] });
    expect([again.statusCode, codeOf(again)]).toEqual([410, 'token_used']);
  });

  it('prints a code for the decision and the pickup on the approval: it rates the decision at completion and the pickup only after the pickup', { timeout: 90_000 }, async () => {
    const no = await act.submit({ itemCode });
    ok(await act.accept(no));
    ok(await act.approve(no, LEAD));
    await servedIn(no, 'decision');
    const decision = await documentOf(no, 'approval_decision');
    const pdf = await pdfOf(decision.url);
    const url = await pdfQrCode(pdf);
    expect(url).toMatch(/^http:\/\/localhost:3000\/rate\/[\w-]{43}$/);
    expect(await pdfText(pdf)).toContain('办结、取件');
    const token = tokenIn(url!);
    expect(await tokenRow(token)).toMatchObject({ notice: 'pickup', events: ['decision', 'pickup'], issuedBy: `document:${decision.number}`, usedAt: null });

    // The pickup is named but has not happened: shown as such, refused, nothing stored, the code as it was.
    const shown = ok<{ events: { event: string; happened: boolean; at: string | null; officer: unknown }[] }>(await publicGet(token));
    expect(shown.events).toMatchObject([
      { event: 'decision', happened: true, at: expect.any(String) },
      { event: 'pickup', happened: false, at: null, officer: null },
    ]);
    for (const early of [[{ event: 'pickup', level: 'satisfied' }], [{ event: 'decision', level: 'satisfied' }, { event: 'pickup', level: 'satisfied' }]]) {
      const res = await publicPost(token, { ratings: early });
      expect([res.statusCode, codeOf(res)]).toEqual([409, 'event_not_happened']);
    }
    expect(await ratingsOf(no)).toEqual([]);
    expect(await tokenRow(token)).toMatchObject({ events: ['decision', 'pickup'], usedAt: null });

    // The decision now: rated, and the code stays open for the pickup alone.
    ok(await publicPost(token, { ratings: [{ event: 'decision', level: 'satisfied' }] }), 201);
    expect(await tokenRow(token)).toMatchObject({ events: ['pickup'], usedAt: null });
    expect(ok<{ events: { event: string }[] }>(await publicGet(token)).events.map((e) => e.event)).toEqual(['pickup']);
    // Rated again within the change window: changed, the code still open for the pickup.
    const twice = await publicPost(token, { ratings: [{ event: 'decision', level: 'very_satisfied' }] });
    expect(twice.statusCode).toBe(200);
    expect(await tokenRow(token)).toMatchObject({ events: ['pickup'], usedAt: null });

    ok(await act.pickup(no));
    await servedIn(no, 'pickup');
    ok(await publicPost(token, { ratings: [{ event: 'pickup', level: 'basically_satisfied' }] }), 201);
    expect((await ratingsOf(no)).map((r) => [r.event, r.level, r.channel]).sort()).toEqual([
      ['decision', 'very_satisfied', 'qr'],
      ['pickup', 'basically_satisfied', 'qr'],
    ]);
    expect((await tokenRow(token)).usedAt).not.toBeNull();
    // Past the change window the ratings stand (409), and the used code shows nothing more (410).
    await stack.db.update(ratings).set({ ratedAt: sql`now() - interval '31 minutes'` }).where(eq(ratings.applicationNo, no));
    const late = await publicPost(token, { ratings: [{ event: 'pickup', level: 'dissatisfied' }] });
    expect([late.statusCode, codeOf(late)]).toEqual([409, 'already_rated']);
    const used = await publicGet(token);
    expect([used.statusCode, codeOf(used)]).toEqual([410, 'token_used']);
    // One code per document: the acceptance notice's and the decision's.
    expect((await codesOf(no)).map((c) => c.notice).sort()).toEqual(['acceptance', 'pickup']);
  });
});

describe('issuing the codes with the documents', () => {
  // A centre and a year no other test numbers documents in (tests/documents.test.ts uses 2031 to 2033).
  const CENTRE = '451002';
  const AT = '2035-04-02T02:00:00.000Z';

  async function decided(outcome: 'completed' | 'rejected'): Promise<{ input: ApplicationInput; transition: Transition }> {
    const input = await applicationInput(stack.db, 'company-startup', CENTRE);
    await writeSubmission(stack.db, input);
    const status: Review['status'] = outcome === 'completed' ? 'approved' : 'rejected';
    const reviews = input.steps[0].reviews.map((r, i) => ({ step: 0, ...r, status: i === 0 ? status : ('approved' as const), openedAt: AT, decidedAt: AT, stops: [], stoppedDays: 0 }));
    const state: ApplicationState = { ...submitted(input), stage: outcome, acceptedAt: AT, completedAt: AT, reviews, seq: 5 };
    const event =
      outcome === 'completed'
        ? { seq: 5, type: 'completed' as const, at: AT }
        : { seq: 5, type: 'review_rejected' as const, at: AT, step: 0, department: reviews[0].department, data: { reason: '不符合条件' } };
    return { input, transition: { state, events: [event] } };
  }

  const fieldsOf = async (applicationNo: string) => (await stack.db.select().from(documents).where(eq(documents.applicationNo, applicationNo))).map((d) => d.fields as DocumentFields);

  it('issues one code per document, however often its write runs, and none from a write rolled back', async () => {
    const { input, transition } = await decided('completed');
    await writeTransition(stack.db, transition, { committed: true });
    await writeTransition(stack.db, transition, { committed: true });
    const [issued] = await codesOf(input.applicationNo);
    expect(await codesOf(input.applicationNo)).toHaveLength(1);
    const [fields] = await fieldsOf(input.applicationNo);
    expect(fields.rating).toMatchObject({ events: ['decision', 'pickup'] });
    expect(issued).toMatchObject({ notice: 'pickup', events: ['decision', 'pickup'], issuedBy: `document:${fields.number}` });
    expect(issued.tokenHash).toBe(sha256(tokenIn(fields.rating!.url)));

    // Two tries at the same moment: still one document, one code.
    const racing = await decided('completed');
    await Promise.all([1, 2].map(() => writeTransition(stack.db, racing.transition, { committed: true })));
    expect(await codesOf(racing.input.applicationNo)).toHaveLength(1);

    const failing = await decided('completed');
    await expect(
      stack.db.transaction(async (tx) => {
        await issueDocuments(tx, failing.transition.state, failing.transition.events);
        throw new Error('the write fails after the document');
      }),
    ).rejects.toThrow('after the document');
    expect(await codesOf(failing.input.applicationNo)).toEqual([]);
    expect(await fieldsOf(failing.input.applicationNo)).toEqual([]);
  });

  it('names only the decision on a rejection (nothing is picked up), and points at PUBLIC_BASE_URL for as long as RATING_TOKEN_DAYS', async () => {
    const { input, transition } = await decided('rejected');
    const settings = loadConfig({ PUBLIC_BASE_URL: 'https://onewindow.example/', RATING_TOKEN_DAYS: '7' }).documents;
    await stack.db.transaction((tx) => issueDocuments(tx, transition.state, transition.events, settings));
    const [fields] = await fieldsOf(input.applicationNo);
    expect(fields.kind).toBe('rejection_decision');
    expect(fields.rating!.url).toMatch(/^https:\/\/onewindow\.example\/rate\/[\w-]{43}$/);
    expect(fields.rating!.events).toEqual(['decision']);
    const [code] = await codesOf(input.applicationNo);
    expect(code).toMatchObject({ notice: 'pickup', events: ['decision'] });
    expect(Date.parse(code.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    expect(Date.parse(code.expiresAt) - Date.now()).toBeLessThan(7 * 86_400_000);
  });

  it('reads PUBLIC_BASE_URL, defaulting to PUBLIC_URL, then to this port on localhost, and names a bad one', () => {
    expect(loadConfig({}).documents).toEqual({ publicBaseUrl: 'http://localhost:3000', ratingTokenDays: 30 });
    expect(loadConfig({ PORT: '4000' }).documents.publicBaseUrl).toBe('http://localhost:4000');
    expect(loadConfig({ PUBLIC_URL: 'https://onewindow.example' }).documents.publicBaseUrl).toBe('https://onewindow.example');
    expect(loadConfig({ PUBLIC_URL: 'https://onewindow.example', PUBLIC_BASE_URL: 'https://pj.gxzf.example/' }).documents.publicBaseUrl).toBe('https://pj.gxzf.example');
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'onewindow.example' })).toThrow(/PUBLIC_BASE_URL/);
  });
});

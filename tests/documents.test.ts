/**
 * Documents (issue 15): the notices and decisions an application's transitions issue, in the
 * transition's own write, each once, numbered per centre and year without gaps, and served as PDFs
 * with an embedded Chinese font to whoever may see the application. The PDFs' text is read back with
 * pdfjs-dist, as a reader would see it.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateNumber, issueDocuments, lastDayOf } from '../db/documents.js';
import { type Transition, writeSubmission, writeTransition } from '../db/read-model.js';
import { documents } from '../db/schema/index.js';
import type { ApplicationInput, ApplicationState } from '../workflows/messages.js';
import { submitted } from '../workflows/rules/intake.js';
import { chinaDate } from '../workflows/rules/working-days.js';
import { renderDocument } from '../api/documents/pdf.js';
import { applicationInput } from './support/items.js';
import { type Inject, type Stack, chiefOf, createKey, caller, materialsOf, startStack, supervisorOf, windowOf } from './support/stack.js';
import { ok, windowActions } from './support/window.js';
import { pdfText } from './support/pdf.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const { submit, intake, accept, approve, decide, pickup } = windowActions(() => stack);

interface Listed {
  id: number;
  kind: string;
  title: string;
  number: string;
  licenceNo: string | null;
  issuedAt: string;
  url: string;
}

const listed = async (no: string, as: Inject = stack.integrator) => ok<{ documents: Listed[] }>(await as(`/v1/applications/${no}/documents`)).documents;

/** The PDF's bytes, once the answer is a PDF shown inline under a Chinese name. */
async function pdfOf(url: string, as: Inject = stack.integrator): Promise<Buffer> {
  const res = await as(url);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  expect(res.headers['content-disposition']).toMatch(/^inline; filename="[\w.-]+"; filename\*=UTF-8''%E/);
  return res.rawPayload;
}

/** 2026-12-04 → 2026年12月4日, as the documents print a day. */
const printed = (day: string) => day.replace(/^(\d{4})-0?(\d+)-0?(\d+)$/, '$1年$2月$3日');

const NUMBER = /^450100(许决|补告|受通|不受通)〔\d{4}〕第\d{6}号$/;

describe('the notices at intake', () => {
  it('issues a 一次性告知书 per supplement request, listing every missing material by name, then a 受理通知书 with the last working day of each limit', async () => {
    const [first, second, ...rest] = materialsOf('company-startup');
    const no = await submit({ materials: rest });
    ok(await intake(no, { decision: 'request_supplement', department: 'market_regulation', missingMaterials: [first, second], reason: '材料不齐' }));
    ok(await stack.integrator({ method: 'POST', url: `/v1/applications/${no}/supplements`, payload: { materials: [first] } }));
    ok(await intake(no, { decision: 'request_supplement', department: 'market_regulation', missingMaterials: [second] }));

    const notices = await listed(no);
    expect(notices.map((d) => d.kind)).toEqual(['supplement_notice', 'supplement_notice']);
    expect(notices[0]).toMatchObject({ title: '一次性告知书', url: `/v1/applications/${no}/documents/${notices[0].id}`, licenceNo: null });
    for (const d of notices) expect(d.number).toMatch(NUMBER);
    expect(notices[1].number).not.toBe(notices[0].number);
    const firstText = await pdfText(await pdfOf(notices[0].url));
    expect(firstText).toContain('一次性告知书');
    expect(firstText).toContain(first.replace(/\s+/g, ''));
    expect(firstText).toContain(second.replace(/\s+/g, ''));
    expect(firstText).toContain(notices[0].number);
    expect(await pdfText(await pdfOf(notices[1].url))).toContain(second.replace(/\s+/g, ''));

    ok(await stack.integrator({ method: 'POST', url: `/v1/applications/${no}/supplements`, payload: { materials: [second] } }));
    const accepted = ok<{ deadlines: { promisedDueAt: string; statutoryDueAt: string } }>(await accept(no));
    const acceptance = (await listed(no)).find((d) => d.kind === 'acceptance_notice')!;
    expect(acceptance).toMatchObject({ title: '受理通知书' });
    const text = await pdfText(await pdfOf(acceptance.url));
    const promisedLastDay = lastDayOf(accepted.deadlines.promisedDueAt);
    // The due instant is 00:00 of the day after the last working day: the day printed is the last working day.
    expect(chinaDate(accepted.deadlines.promisedDueAt)).not.toBe(promisedLastDay);
    expect(text).toContain(`承诺办结日期为${printed(promisedLastDay)}`);
    expect(text).toContain(`法定办结日期为${printed(lastDayOf(accepted.deadlines.statutoryDueAt))}`);
    expect(text).not.toContain(`承诺办结日期为${printed(chinaDate(accepted.deadlines.promisedDueAt))}`);
  });

  it('issues a 不予受理通知书 with the reason', async () => {
    const no = await submit();
    const reason = '申请事项依法不属于本机关职权范围';
    ok(await intake(no, { decision: 'not_accept', department: 'market_regulation', reason }));
    const [notice] = await listed(no);
    expect(notice).toMatchObject({ kind: 'non_acceptance_notice', title: '不予受理通知书' });
    expect(notice.number).toMatch(NUMBER);
    const text = await pdfText(await pdfOf(notice.url));
    expect(text).toContain('不予受理通知书');
    expect(text).toContain(reason);
  });
});

describe('the decisions', () => {
  it('issues a 准予行政许可决定书 with its number, the licence number and the conditions; the pickup records that licence', async () => {
    const no = await submit();
    ok(await accept(no));
    const conditions = '自取得许可之日起三个月内完成住所消防安全检查';
    for (const department of ['market_regulation', 'public_security', 'human_resources', 'housing_fund']) ok(await approve(no, department));
    const url = `/v1/applications/${no}/reviews/taxation/decision`;
    const completed = ok<{ stage: string; reviews: { department: string; conditions: string | null }[] }>(
      await stack.as(chiefOf('taxation'))({ method: 'POST', url, payload: { decision: 'approve', conditions } }),
    );
    expect(completed.stage).toBe('completed');
    expect(completed.reviews.map((r) => [r.department, r.conditions])).toContainEqual(['taxation', conditions]);
    expect(completed.reviews.filter((r) => r.conditions !== null)).toHaveLength(1);

    const decision = (await listed(no)).find((d) => d.kind === 'approval_decision')!;
    expect(decision).toMatchObject({ title: '准予行政许可决定书' });
    expect(decision.number).toMatch(/^450100许决〔\d{4}〕第\d{6}号$/);
    expect(decision.licenceNo).toMatch(/^XK-450100-\d{4}-\d{6}$/);
    const started = performance.now();
    const pdf = await pdfOf(decision.url);
    const firstMs = performance.now() - started;
    const again = performance.now();
    expect((await pdfOf(decision.url)).equals(pdf)).toBe(true);
    console.info(`render on first request ${firstMs.toFixed(0)} ms, kept copy ${(performance.now() - again).toFixed(0)} ms, ${pdf.length} bytes`);
    const text = await pdfText(pdf);
    for (const part of ['准予行政许可决定书', decision.number, decision.licenceNo!, conditions, '南宁市政务服务中心']) expect(text).toContain(part);

    const handedOver = ok<{ handover: { licenceNo?: string } }>(await pickup(no));
    expect(handedOver.handover.licenceNo).toBe(decision.licenceNo);
  });

  it('issues a 不予行政许可决定书 with the rejecting department’s reason', async () => {
    const no = await submit();
    ok(await accept(no));
    ok(await approve(no, 'market_regulation'));
    const reason = '经营场所不符合安全条件';
    ok(await decide(no, 'taxation', 'reject', reason));
    const decision = (await listed(no)).find((d) => d.kind === 'rejection_decision')!;
    expect(decision).toMatchObject({ title: '不予行政许可决定书', licenceNo: null });
    expect(decision.number).toMatch(/^450100许决〔\d{4}〕第\d{6}号$/);
    const text = await pdfText(await pdfOf(decision.url));
    for (const part of ['不予行政许可决定书', reason, '税务局']) expect(text).toContain(part);
    expect((await listed(no)).some((d) => d.kind === 'approval_decision')).toBe(false);
  });

  it('embeds its font, so the PDF looks the same on a machine without Chinese fonts, and renders the same bytes twice', async () => {
    const no = await submit();
    ok(await intake(no, { decision: 'not_accept', department: 'market_regulation', reason: '不符合受理条件' }));
    const [notice] = await listed(no);
    const pdf = (await pdfOf(notice.url)).toString('latin1');
    // Noto Sans SC is CFF-flavoured OpenType: pdfkit embeds its subset as a FontFile3 stream.
    expect(pdf).toMatch(/\/FontFile[23]? \d+ 0 R/);
    expect(pdf).toMatch(/\/FontName \/[A-Z]{6}\+NotoSansSC-Regular/);
    const [row] = await stack.db.select().from(documents).where(eq(documents.id, notice.id));
    expect((await renderDocument(row.fields)).equals(row.pdf!)).toBe(true);
  });
});

describe('who may read them', () => {
  it('refuses anyone who may not see the application, and answers 404 for a document it does not have', async () => {
    const no = await submit();
    ok(await intake(no, { decision: 'not_accept', department: 'market_regulation', reason: '不符合受理条件' }));
    const [notice] = await listed(no);
    const other = await createKey(stack.db, ['450200'], 'Liuzhou portal');
    const otherPortal = caller(stack.app, async () => ({ 'x-api-key': other.key }));
    for (const as of [otherPortal, stack.as(chiefOf('education')), stack.as(chiefOf('market_regulation', '450200')), stack.as(supervisorOf('450200'))]) {
      expect((await as(`/v1/applications/${no}/documents`)).statusCode).toBe(403);
      expect((await as(notice.url)).statusCode).toBe(403);
    }
    expect((await stack.as('450100-market_regulation-officer')(`/v1/applications/${no}/documents`)).statusCode).toBe(200);
    expect((await listed(no, stack.as(supervisorOf()))).length).toBe(1);
    expect((await stack.as(windowOf('market_regulation'))(`/v1/applications/${no}/documents/2147483647`)).statusCode).toBe(404);
    expect((await stack.integrator(`/v1/applications/${no}-X/documents`)).statusCode).toBe(404);
  });
});

describe('issuing and numbering', () => {
  // A centre no other test uses and years no other test reaches: these series are this file's own.
  const CENTRE = '451002';

  async function completedApplication(at: string): Promise<{ input: ApplicationInput; transition: Transition }> {
    const input = await applicationInput(stack.db, 'company-startup', CENTRE);
    await writeSubmission(stack.db, input);
    const reviews = input.steps[0].reviews.map((r) => ({ step: 0, ...r, status: 'approved' as const, openedAt: at, decidedAt: at, stops: [], stoppedDays: 0 }));
    const state: ApplicationState = { ...submitted(input), stage: 'completed', acceptedAt: at, completedAt: at, reviews, seq: 5 };
    return { input, transition: { state, events: [{ seq: 5, type: 'completed', at }] } };
  }

  const serialsOf = async (applicationNos: string[]) => {
    const rows = await stack.db.select().from(documents).where(eq(documents.centreCode, CENTRE));
    return rows.filter((r) => applicationNos.includes(r.applicationNo));
  };

  it('issues nothing twice when the write of a transition runs again (a retried activity)', async () => {
    const { input, transition } = await completedApplication('2031-03-03T02:00:00.000Z');
    await writeTransition(stack.db, transition, { committed: true });
    await writeTransition(stack.db, transition, { committed: true });
    const issued = await serialsOf([input.applicationNo]);
    expect(issued.map((d) => d.kind)).toEqual(['approval_decision']);
    // Two tries of one write at the same moment (a late first try and its retry): still one.
    const racing = await completedApplication('2031-03-03T02:00:00.000Z');
    await Promise.all([1, 2].map(() => writeTransition(stack.db, racing.transition, { committed: true })));
    expect((await serialsOf([racing.input.applicationNo])).map((d) => d.kind)).toEqual(['approval_decision']);
    expect((await serialsOf([input.applicationNo, racing.input.applicationNo])).map((d) => d.serialNo).sort()).toEqual([1, 2]);
    // A local activity's write (an application from before committed writes) issues nothing.
    const local = await completedApplication('2031-03-03T02:00:00.000Z');
    await writeTransition(stack.db, local.transition);
    expect(await serialsOf([local.input.applicationNo])).toEqual([]);
  });

  it('numbers 20 concurrent completions at one centre consecutively, without gaps', async () => {
    const at = '2032-06-01T03:00:00.000Z';
    const apps = await Promise.all(Array.from({ length: 20 }, () => completedApplication(at)));
    await Promise.all(apps.map(({ transition }) => writeTransition(stack.db, transition, { committed: true })));
    const issued = await serialsOf(apps.map((a) => a.input.applicationNo));
    expect(issued).toHaveLength(20);
    expect(issued.map((d) => d.serialNo).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(issued.map((d) => d.number)).toContain(`${CENTRE}许决〔2032〕第000020号`);
    expect(new Set(issued.map((d) => d.licenceNo)).size).toBe(20);
  });

  it('leaves no gap when the transaction fails after taking a number', async () => {
    const at = '2033-01-05T03:00:00.000Z';
    const first = await completedApplication(at);
    await writeTransition(stack.db, first.transition, { committed: true });
    const failing = await completedApplication(at);
    await expect(
      stack.db.transaction(async (tx) => {
        await issueDocuments(tx, failing.transition.state, failing.transition.events);
        expect(await allocateNumber(tx, CENTRE, 2033, 'decision')).toBe(3);
        throw new Error('the write fails after the numbers were taken');
      }),
    ).rejects.toThrow('after the numbers were taken');
    expect(await serialsOf([failing.input.applicationNo])).toEqual([]);
    await writeTransition(stack.db, failing.transition, { committed: true });
    const [one] = await serialsOf([first.input.applicationNo]);
    const [two] = await stack.db
      .select()
      .from(documents)
      .where(and(eq(documents.applicationNo, failing.input.applicationNo), eq(documents.kind, 'approval_decision')));
    expect([one.serialNo, two.serialNo]).toEqual([1, 2]);
    expect([one.licenceNo, two.licenceNo]).toEqual([`XK-${CENTRE}-2033-000001`, `XK-${CENTRE}-2033-000002`]);
  });
});

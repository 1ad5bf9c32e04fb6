/**
 * Follow-ups (督办, issue 22 parts 2 and 3) against the real API, worker, Temporal and PostgreSQL: a bad
 * rating opens one for its department's leaders, who contact back and rectify (or dispute it, for a
 * supervisor to review: upheld, the rating no longer counts); a bad rating changed to a good one
 * withdraws it; complaints from an integrator or taken down at a window are accepted, investigated and
 * answered, a substantiated one opening an accountability case; a region sets its own limits; and a
 * Temporal out of reach stores nothing. Everything happens at a county no other test file uses (八步区,
 * Hezhou), so the lists and figures asked for are this file's alone.
 */
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { findApplication } from '../db/queries.js';
import { followUps, ratings } from '../db/schema/index.js';
import { servedEvents } from '../db/served-events.js';
import { temporalClient } from '../server/runtime.js';
import { freePort } from '../server/temporal.js';
import { saveTestItem } from './support/items.js';
import {
  type Inject,
  type Stack,
  adminOf,
  caller,
  chiefOf,
  createKey,
  leaderOf,
  securityOf,
  startStack,
  supervisorOf,
  testConfig,
  testDataConverter,
  windowOf,
} from './support/stack.js';
import { ok, windowActions } from './support/window.js';

const LEAD = 'market_regulation';
/** 八步区 (Hezhou): no other test file works here. */
const CENTRE = '451102';
/** Its city, 贺州市. */
const CITY = '451100';

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

interface FollowUp {
  id: string;
  kind: 'bad_rating' | 'complaint';
  stage: string;
  level: string;
  centreCode: string;
  department: string | null;
  applicationNo: string | null;
  ratingEvent: string | null;
  subject: Record<string, string> | null;
  content: string | null;
  anonymous: boolean | null;
  channel: string | null;
  assignee: { id: string; name?: string }[];
  responsible: { id: string; name?: string }[];
  dueAt: string | null;
  clocks: Record<string, { warnAt?: string; due: string }>;
  outcome: string | null;
  findings: string | null;
  reply: { at: string; text: string; via: string } | null;
  caseId: string | null;
  openedAt: string;
  contactedAt: string | null;
  acceptedAt: string | null;
  closedAt: string | null;
  steps?: { seq: number; step: string; actor: { id: string } | null; note: string | null }[];
  complainant?: { name: string; phone?: string } | null;
  /** A complaint taken down at a window, in its first answer only. */
  trackingCode?: string;
  trackingUrl?: string;
  /** In GET /v1/complaints. */
  updatedAt?: string;
}

const codeOf = (res: { json(): unknown }) => (res.json() as { error: { code: string } }).error.code;
const fieldsOf = (res: { json(): unknown }) => ((res.json() as { error: { details?: { field: string }[] } }).error.details ?? []).map((d) => d.field);

const supervisor = () => stack.as(supervisorOf());
const leader = () => stack.as(leaderOf(LEAD, CENTRE));
const rate = (no: string, level: string, comment?: string, by: Inject = stack.integrator) =>
  by({ method: 'POST', url: `/v1/applications/${no}/ratings`, payload: { event: 'intake', level, ...(comment ? { comment } : {}) } });
const followUp = (id: string, by: Inject = supervisor()) => by(`/v1/follow-ups/${id}`);
const listed = async (query: string, by: Inject = supervisor()) => ok<{ followUps: FollowUp[] }>(await by(`/v1/follow-ups?centre=${CENTRE}&${query}`)).followUps;
const listedIds = async (query: string, by: Inject = supervisor()) => (await listed(query, by)).map((f) => f.id);
const post = (id: string, action: string, payload: object, by: Inject) => by({ method: 'POST', url: `/v1/follow-ups/${id}/${action}`, payload });
const ratingFollowUp = (no: string) => `R-${no}-intake`;

/** An application of the test item at the county, accepted there, its intake in the read model (so it can be rated). */
async function accepted(): Promise<string> {
  const no = await act.submit({ itemCode, centreCode: CENTRE });
  ok(await act.accept(no));
  await expect
    .poll(async () => {
      const found = await findApplication(stack.db, no);
      return found ? (await servedEvents(stack.db, found.row, found.reviews)).intake !== undefined : false;
    }, { timeout: 20_000 })
    .toBe(true);
  return no;
}

/** Waits until the follow-up's workflow has opened it (its first write names the assignee and the clocks). */
async function opened(id: string): Promise<FollowUp> {
  await expect.poll(async () => (await followUp(id)).json().dueAt ?? null, { timeout: 20_000 }).not.toBeNull();
  return ok<FollowUp>(await followUp(id));
}

/** A bad rating of a fresh application's intake, and its follow-up once opened. */
async function badRating(comment = '窗口人员态度差'): Promise<{ no: string; id: string; opened: FollowUp }> {
  const no = await accepted();
  expect(ok(await rate(no, 'very_dissatisfied', comment), 201)).toMatchObject({ bad: true });
  const id = ratingFollowUp(no);
  return { no, id, opened: await opened(id) };
}

describe('a bad rating’s follow-up', () => {
  it('opens for the department’s leaders on a bad rating, none on a good one; another department’s leader learns nothing of it', { timeout: 120_000 }, async () => {
    const { no, id, opened: shown } = await badRating('排队两个小时没人管');
    expect(shown).toMatchObject({
      id,
      kind: 'bad_rating',
      stage: 'contacting',
      level: 'green',
      centreCode: CENTRE,
      department: LEAD,
      applicationNo: no,
      ratingEvent: 'intake',
      content: '排队两个小时没人管',
      anonymous: null,
      channel: 'api',
      assignee: [{ id: leaderOf(LEAD, CENTRE), name: expect.any(String) }],
      outcome: null,
      closedAt: null,
    });
    expect(shown.clocks.contact.due).toBe(shown.dueAt);
    expect(Date.parse(shown.clocks.rectify.due)).toBeGreaterThan(Date.parse(shown.clocks.contact.due));
    expect(Date.parse(shown.dueAt!)).toBeGreaterThan(Date.parse(shown.openedAt));
    expect(shown.steps?.map((s) => s.step)).toEqual(['opened']);

    // Listed open to the region's supervisor and to the department's leader there.
    const bySupervisor = (await listed('')).find((f) => f.id === id);
    expect(bySupervisor).toMatchObject({ stage: 'contacting', assignee: [{ id: leaderOf(LEAD, CENTRE) }], dueAt: shown.dueAt });
    expect((await listed('', leader())).map((f) => f.id)).toContain(id);
    expect(await listedIds('kind=bad_rating&status=open')).toContain(id);
    expect(await listedIds('kind=complaint')).not.toContain(id);
    expect(await listedIds(`application=${no}`)).toEqual([id]);

    // Another department's leader at the same centre, and the department's leader at another: unknown to them.
    for (const other of [leaderOf('education', CENTRE), leaderOf(LEAD, '451103')]) {
      const res = await followUp(id, stack.as(other));
      expect([res.statusCode, codeOf(res)], other).toEqual([404, 'not_found']);
      expect(await listedIds('status=all', stack.as(other))).not.toContain(id);
    }

    // A good rating opens none.
    const good = await accepted();
    expect(ok(await rate(good, 'satisfied'), 201)).toMatchObject({ bad: false });
    expect((await followUp(ratingFollowUp(good))).statusCode).toBe(404);
    expect(await stack.db.select().from(followUps).where(eq(followUps.applicationNo, good))).toEqual([]);
  });

  it('is contacted back and rectified by the leader, each step kept; closed, it refuses more; others are refused', { timeout: 120_000 }, async () => {
    const { id } = await badRating();

    // Not theirs: the lead window's officer and chief representative are refused; a supervisor's review waits for a dispute.
    for (const who of [chiefOf(LEAD, CENTRE), windowOf(LEAD, CENTRE)]) {
      const res = await post(id, 'contact', { note: '已电话联系' }, stack.as(who));
      expect([res.statusCode, codeOf(res)], who).toEqual([403, 'forbidden']);
    }
    const early = await post(id, 'dispute-review', { upheld: true, note: '申诉成立' }, supervisor());
    expect([early.statusCode, codeOf(early)]).toEqual([409, 'wrong_stage']);
    const outOfSight = await post(id, 'contact', { note: '已电话联系' }, stack.as(leaderOf('education', CENTRE)));
    expect(outOfSight.statusCode).toBe(404);
    // A conclusion before the contact back: wrong stage.
    const tooSoon = await post(id, 'conclusion', { outcome: 'rectified', note: '已整改' }, leader());
    expect([tooSoon.statusCode, codeOf(tooSoon)]).toEqual([409, 'wrong_stage']);
    // A supervisor may not contact back for a department that has a leader.
    const bySupervisor = await post(id, 'contact', { note: '已电话联系' }, supervisor());
    expect([bySupervisor.statusCode, codeOf(bySupervisor)]).toEqual([403, 'forbidden']);

    const contacted = ok<FollowUp>(await post(id, 'contact', { note: '已电话联系申请人，致歉并说明排队原因' }, leader()));
    expect(contacted).toMatchObject({ stage: 'rectifying', contactedAt: expect.any(String), closedAt: null });
    expect(contacted.dueAt).toBe(contacted.clocks.rectify.due);

    const closed = ok<FollowUp>(await post(id, 'conclusion', { outcome: 'rectified', note: '增设取号机，高峰期加开窗口' }, leader()));
    expect(closed).toMatchObject({ stage: 'closed', outcome: 'rectified', dueAt: null, closedAt: expect.any(String) });

    const detail = ok<FollowUp>(await followUp(id));
    expect(detail.steps?.map((s) => [s.step, s.actor?.id ?? null, s.note])).toEqual([
      ['opened', null, expect.stringContaining('assigned to')],
      ['contacted', leaderOf(LEAD, CENTRE), '已电话联系申请人，致歉并说明排队原因'],
      ['rectified', leaderOf(LEAD, CENTRE), '增设取号机，高峰期加开窗口'],
    ]);
    expect(detail.steps?.map((s) => s.seq)).toEqual([1, 2, 3]);

    const again = await post(id, 'conclusion', { outcome: 'explained', note: '再次说明' }, leader());
    expect([again.statusCode, codeOf(again)]).toEqual([409, 'follow_up_closed']);
    expect(ok<FollowUp>(await followUp(id))).toMatchObject({ outcome: 'rectified' });

    // Closed: out of the open list, in the closed one.
    expect(await listedIds('')).not.toContain(id);
    expect(await listedIds('status=closed')).toContain(id);
  });

  it('is disputed, dismissed back to rectification, disputed again and upheld: the rating then counts nowhere', { timeout: 120_000 }, async () => {
    const { no, id } = await badRating('办理太慢');
    const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date());
    const figures = async () =>
      ok<{ rows: { key: string; total: number; bad: number }[] }>(await supervisor()(`/v1/statistics/satisfaction?centre=${CENTRE}&groupBy=centre`)).rows.find((r) => r.key === CENTRE)!;
    const ranked = async () =>
      ok<{ windows: { windowCode: string; total: number; bad: number }[] }>(
        await supervisor()(`/v1/statistics/satisfaction/ranking?centre=${CENTRE}&month=${month}&minRatings=1`),
      ).windows.find((w) => w.windowCode === `${CENTRE}-${LEAD}`)!;
    const before = { figures: await figures(), ranked: await ranked() };
    expect(before.figures.bad).toBeGreaterThanOrEqual(1);

    ok(await post(id, 'contact', { note: '已联系申请人' }, leader()));
    const disputed = ok<FollowUp>(await post(id, 'conclusion', { outcome: 'disputed', note: '申请人材料不全导致退回，非窗口原因' }, leader()));
    // While a dispute waits no limit runs.
    expect(disputed).toMatchObject({ stage: 'disputed', dueAt: null });

    // The leader does not decide the dispute, nor does a supervisor of another city (it is out of their sight).
    expect((await post(id, 'dispute-review', { upheld: true, note: '成立' }, leader())).statusCode).toBe(403);
    expect((await post(id, 'dispute-review', { upheld: true, note: '成立' }, stack.as(supervisorOf('450200')))).statusCode).toBe(404);

    const dismissed = ok<FollowUp>(await post(id, 'dispute-review', { upheld: false, note: '申诉不成立，继续整改' }, stack.as(supervisorOf(CITY))));
    expect(dismissed).toMatchObject({ stage: 'rectifying', outcome: null });
    expect(dismissed.dueAt).toBe(dismissed.clocks.rectify.due);
    ok(await post(id, 'conclusion', { outcome: 'disputed', note: '补充材料后再次申诉' }, leader()));

    const upheld = ok<FollowUp>(await post(id, 'dispute-review', { upheld: true, note: '申诉成立，差评不计入' }, supervisor()));
    expect(upheld).toMatchObject({ stage: 'closed', outcome: 'dispute_upheld', closedAt: expect.any(String) });
    const detail = ok<FollowUp>(await followUp(id));
    expect(detail.steps?.map((s) => s.step)).toEqual(['opened', 'contacted', 'disputed', 'dispute_dismissed', 'disputed', 'dispute_upheld']);
    expect(detail.steps?.at(-1)?.actor?.id).toBe(supervisorOf());

    const [row] = await stack.db.select().from(ratings).where(and(eq(ratings.applicationNo, no), eq(ratings.event, 'intake')));
    expect(row).toMatchObject({ bad: true, disputeUpheld: true });
    // Out of the satisfaction figures and the window's ranking.
    expect(await figures()).toMatchObject({ total: before.figures.total - 1, bad: before.figures.bad - 1 });
    expect(await ranked()).toMatchObject({ total: before.ranked.total - 1, bad: before.ranked.bad - 1 });
  });

  it('closes as withdrawn when the applicant changes the bad rating to a good one within the change window, and opens again on a change back', { timeout: 120_000 }, async () => {
    const { no, id } = await badRating();
    expect(ok(await rate(no, 'satisfied'), 200)).toMatchObject({ bad: false, changedAt: expect.any(String) });
    await expect.poll(async () => (await followUp(id)).json().outcome, { timeout: 20_000 }).toBe('withdrawn');
    const withdrawn = ok<FollowUp>(await followUp(id));
    expect(withdrawn).toMatchObject({ stage: 'closed', closedAt: expect.any(String) });
    expect(withdrawn.steps?.map((s) => s.step)).toEqual(['opened', 'withdrawn']);
    expect(await listedIds('')).not.toContain(id);

    // Bad again, still within the window: the follow-up opens again.
    expect(ok(await rate(no, 'dissatisfied', '还是不满意'), 200)).toMatchObject({ bad: true });
    await expect.poll(async () => (await followUp(id)).json().stage, { timeout: 20_000 }).toBe('contacting');
    await expect.poll(async () => (await followUp(id)).json().dueAt ?? null, { timeout: 20_000 }).not.toBeNull();
    expect(ok<FollowUp>(await followUp(id))).toMatchObject({ outcome: null, closedAt: null, assignee: [{ id: leaderOf(LEAD, CENTRE) }] });
  });
});

describe('complaints (投诉)', () => {
  const run = Math.random().toString(36).slice(2, 8);
  const complain = (payload: object, by: Inject = stack.integrator) => by({ method: 'POST', url: '/v1/complaints', payload });
  const aboutOfficer = { kind: 'officer', officerId: windowOf(LEAD, CENTRE) };
  let fromIntegrator: FollowUp;
  let atWindow: FollowUp;
  /** The tracking code the window's answer gave for atWindow. */
  let windowCode: string;
  /** The complaints rows at the county: a refused complaint stores none. */
  const stored = async () => (await stack.db.select({ n: count() }).from(followUps).where(eq(followUps.centreCode, CENTRE)))[0].n;
  /** A key made by a security administrator through the API, and a caller with it. */
  const keyOf = async (centres: string[], complaintsAbout?: 'own' | 'centres', by = securityOf(CITY)) => {
    const made = ok<{ id: string; key: string; complaintsAbout: string }>(
      await stack.as(by)({ method: 'POST', url: '/v1/integrators', payload: { name: `12345热线 ${run} ${centres.join(',')} ${complaintsAbout ?? ''}`, centres, ...(complaintsAbout ? { complaintsAbout } : {}) } }),
      201,
    );
    expect(made.complaintsAbout).toBe(complaintsAbout ?? 'own');
    return caller(stack.app, async () => ({ 'x-api-key': made.key }));
  };

  it('takes one from an integrator about an officer, once per reference, and shows it to that integrator alone', async () => {
    const payload = { subject: aboutOfficer, content: '窗口人员办事推诿，多次让我回去补材料', complainant: { name: '李先生', phone: '13800000000' }, reference: `12345-${run}-1` };
    fromIntegrator = ok<FollowUp>(await complain(payload), 201);
    expect(fromIntegrator).toMatchObject({
      id: expect.stringMatching(/^C-\d{8}-\d{4}$/),
      kind: 'complaint',
      stage: 'received',
      centreCode: CENTRE,
      department: LEAD,
      subject: aboutOfficer,
      anonymous: false,
      channel: 'api',
      outcome: null,
    });
    // The retry answers the same complaint: nothing more stored.
    const retried = ok<FollowUp>(await complain(payload), 200);
    expect(retried.id).toBe(fromIntegrator.id);
    expect(await stack.db.select().from(followUps).where(eq(followUps.reference, payload.reference))).toHaveLength(1);

    const mine = ok<FollowUp>(await stack.integrator(`/v1/complaints/${fromIntegrator.id}`));
    expect(mine).toMatchObject({ id: fromIntegrator.id, stage: 'received', reply: null });
    const other = caller(stack.app, async () => ({ 'x-api-key': (await createKey(stack.db, ['450000'], 'Another portal')).key }));
    const res = await other(`/v1/complaints/${fromIntegrator.id}`);
    expect([res.statusCode, codeOf(res)]).toEqual([404, 'not_found']);
    expect((await supervisor()(`/v1/complaints/${fromIntegrator.id}`)).statusCode).toBe(403);

    // The supervisors see the complainant; the listing opens it, with the centre's supervisors to act (nobody named).
    await expect.poll(async () => (await followUp(fromIntegrator.id)).json().dueAt ?? null).not.toBeNull();
    const detail = ok<FollowUp>(await followUp(fromIntegrator.id));
    expect(detail).toMatchObject({ complainant: { name: '李先生', phone: '13800000000' }, assignee: [], stage: 'received' });
    expect(detail.dueAt).toBe(detail.clocks.accept.due);
    expect(await listedIds('kind=complaint')).toContain(fromIntegrator.id);
    // A leader sees no complaint, even about their own department.
    expect((await followUp(fromIntegrator.id, leader())).statusCode).toBe(404);
  });

  it('takes one down at a window, anonymous; a window of another centre may not', async () => {
    const payload = { subject: { kind: 'window', windowCode: `${CENTRE}-${LEAD}` }, content: `群众口述：窗口午休时间无人值守 ${run}` };
    atWindow = ok<FollowUp>(await complain(payload, stack.as(windowOf(LEAD, CENTRE))), 201);
    expect(atWindow).toMatchObject({ kind: 'complaint', stage: 'received', anonymous: true, channel: 'window', centreCode: CENTRE, department: LEAD });
    // A tracking code for the complainant, as the public page's: shown this once, only its hash kept.
    windowCode = atWindow.trackingCode!;
    expect(windowCode).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(atWindow.trackingUrl).toBe(`/complain/track/${windowCode}`);
    const [row] = await stack.db.select().from(followUps).where(eq(followUps.id, atWindow.id));
    expect(row.trackingHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(windowCode);
    // The code opens the complaint on the public tracking route, as a public page's complaint.
    expect(ok(await stack.app.inject(`/v1/public/complaints/${windowCode}`))).toEqual({
      id: atWindow.id,
      stage: 'received',
      openedAt: atWindow.openedAt,
      acceptedAt: null,
      closedAt: null,
      outcome: null,
      reply: null,
    });
    // An integrator's complaint carries none: the integrator follows it through the API.
    expect(fromIntegrator.trackingCode).toBeUndefined();
    expect(ok<FollowUp & { complainant: unknown }>(await followUp(atWindow.id)).complainant).toBeNull();
    const elsewhere = await complain({ ...payload, content: `${payload.content}（外地）` }, stack.as(windowOf(LEAD, '451103')));
    expect([elsewhere.statusCode, codeOf(elsewhere)]).toEqual([403, 'forbidden']);
    expect(await stack.db.select().from(followUps).where(eq(followUps.content, `${payload.content}（外地）`))).toEqual([]);
  });

  it('gives a window’s complaint sent again with the same reference (its answer lost) a new code, the old one no longer opening it', async () => {
    const window = stack.as(windowOf(LEAD, CENTRE));
    const payload = { subject: { kind: 'centre', centreCode: CENTRE }, content: `窗口登记，网络重发 ${run}`, complainant: { name: '陈女士' }, reference: `window-${run}` };
    const first = ok<FollowUp>(await complain(payload, window), 201);
    expect(first.trackingCode).toEqual(expect.any(String));
    const again = ok<FollowUp>(await complain(payload, window), 200);
    expect(again).toMatchObject({ id: first.id });
    expect(again.trackingCode).toEqual(expect.any(String));
    expect(again.trackingCode).not.toBe(first.trackingCode);
    expect(again.trackingUrl).toBe(`/complain/track/${again.trackingCode}`);
    expect(await stack.db.select({ id: followUps.id }).from(followUps).where(eq(followUps.reference, payload.reference))).toEqual([{ id: first.id }]);
    // The new code opens it; the one whose answer was lost no longer does.
    expect(ok(await stack.app.inject(`/v1/public/complaints/${again.trackingCode}`))).toMatchObject({ id: first.id, stage: 'received' });
    expect((await stack.app.inject(`/v1/public/complaints/${first.trackingCode}`)).statusCode).toBe(404);
  });

  describe('about an application another integrator submitted', () => {
    let no: string;
    beforeAll(async () => {
      // Submitted by the stack's integrator at the county.
      no = await act.submit({ itemCode, centreCode: CENTRE });
    });
    const about = (by: Inject, content: string) => complain({ subject: { kind: 'application', applicationNo: no }, content: `${content} ${run}`, complainant: { name: '周先生', phone: '13907711234' } }, by);

    it('is refused to a key that may complain about its own applications only, storing nothing', async () => {
      const own = await keyOf([CITY]);
      const before = await stored();
      const res = await about(own, '来电反映办件无人处理');
      expect([res.statusCode, codeOf(res), fieldsOf(res)]).toEqual([400, 'validation_failed', ['body.subject.applicationNo']]);
      // Said as for a number that does not exist: the key learns nothing of the application.
      expect(res.json().error.details[0].message).toBe(`no application ${no}`);
      expect(await stored()).toBe(before);
    });

    it('is taken from a hotline’s key for its centres’ applications, which sees nothing of the applicant', async () => {
      const hotline = await keyOf([CITY], 'centres');
      const before = await stored();
      const taken = ok<FollowUp>(await about(hotline, '来电反映办件超期无人答复'), 201);
      expect(taken).toMatchObject({ kind: 'complaint', channel: 'api', centreCode: CENTRE, applicationNo: no, subject: { kind: 'application', applicationNo: no }, anonymous: false });
      expect(taken.trackingCode).toBeUndefined();
      expect(await stored()).toBe(before + 1);
      const found = (await findApplication(stack.db, no))!;
      const shown = JSON.stringify(ok(await hotline(`/v1/complaints/${taken.id}`)));
      for (const personal of [found.row.applicant.name, found.row.applicant.idNumber]) expect(shown).not.toContain(personal);
      // The application's own integrator does not read the hotline's complaint.
      expect((await stack.integrator(`/v1/complaints/${taken.id}`)).statusCode).toBe(404);
    });

    it('is refused to a hotline’s key for other centres, storing nothing', async () => {
      const elsewhere = await keyOf(['450200'], 'centres', securityOf('450000'));
      const before = await stored();
      const res = await about(elsewhere, '来电反映外地办件');
      expect([res.statusCode, fieldsOf(res)]).toEqual([400, ['body.subject.applicationNo']]);
      expect(res.json().error.details[0].message).toBe(`no application ${no}`);
      expect(await stored()).toBe(before);
    });
  });

  it('lists an integrator’s own complaints, the last changed first, by page and since an instant: the outcome and the reply once answered', { timeout: 120_000 }, async () => {
    const hotline = await keyOf([CITY], 'centres');
    const filed: string[] = [];
    for (const [n, subject] of [{ kind: 'centre', centreCode: CENTRE }, { kind: 'window', windowCode: `${CENTRE}-${LEAD}` }, aboutOfficer].entries()) {
      filed.push(ok<FollowUp>(await complain({ subject, content: `热线来电 ${n} ${run}`, complainant: { name: '吴女士' }, reference: `12345-list-${run}-${n}` }, hotline), 201).id);
    }
    const list = (query = '', by: Inject = hotline) => by(`/v1/complaints${query}`);
    const page = (res: { json(): unknown }) => res.json() as { complaints: FollowUp[]; nextCursor: string | null };
    // Once each workflow has opened its complaint (its clocks written), nothing changes them for a while.
    await expect.poll(async () => page(await list()).complaints.filter((c) => c.dueAt !== null).length, { timeout: 20_000 }).toBe(3);

    const all = ok<{ complaints: FollowUp[]; nextCursor: string | null }>(await list());
    expect(all.nextCursor).toBeNull();
    expect(all.complaints.map((c) => c.id).sort()).toEqual([...filed].sort());
    const times = all.complaints.map((c) => Date.parse(c.updatedAt!));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // As GET /v1/complaints/:id shows each, with when it last changed.
    for (const c of all.complaints) {
      const { updatedAt, ...rest } = c;
      expect(updatedAt).toEqual(expect.any(String));
      expect(rest).toEqual(ok(await hotline(`/v1/complaints/${c.id}`)));
      expect(c).toMatchObject({ findings: null, responsible: [], caseId: null });
    }

    // A page at a time, by the cursor: the same complaints in the same order, each once.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const one: { complaints: FollowUp[]; nextCursor: string | null } = ok(await list(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`));
      expect(one.complaints.length).toBeLessThanOrEqual(1);
      paged.push(...one.complaints.map((c) => c.id));
      cursor = one.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all.complaints.map((c) => c.id));

    // Nothing changed since now; then one accepted and answered: it alone, with the outcome and the reply.
    const since = new Date().toISOString();
    expect(ok<{ complaints: FollowUp[] }>(await list(`?since=${encodeURIComponent(since)}`)).complaints).toEqual([]);
    const answered = filed[0];
    ok(await post(answered, 'acceptance', { accepted: true, note: '受理' }, supervisor()));
    expect(ok<{ complaints: FollowUp[] }>(await list(`?since=${encodeURIComponent(since)}`)).complaints.map((c) => [c.id, c.stage])).toEqual([[answered, 'investigating']]);
    ok(await post(answered, 'findings', { substantiated: false, findings: '经核查大厅秩序正常', reply: '经核查，当日大厅秩序正常，感谢您的监督。' }, supervisor()));
    const changed = ok<{ complaints: FollowUp[] }>(await list(`?since=${encodeURIComponent(since)}`)).complaints;
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ id: answered, stage: 'closed', outcome: 'unsubstantiated', findings: null, reply: { text: '经核查，当日大厅秩序正常，感谢您的监督。', via: 'integrator' } });
    // The newest change first.
    expect(ok<{ complaints: FollowUp[] }>(await list()).complaints[0].id).toBe(answered);

    // Another integrator's list holds none of them; nonsense is refused by its field.
    const others = ok<{ complaints: FollowUp[] }>(await list('?limit=200', stack.integrator)).complaints.map((c) => c.id);
    expect(others.filter((id) => filed.includes(id))).toEqual([]);
    expect(others).toContain(fromIntegrator.id);
    for (const [query, field] of [
      ['?cursor=not-a-cursor', 'querystring.cursor'],
      ['?limit=201', 'querystring.limit'],
      ['?since=yesterday', 'querystring.since'],
    ]) {
      const res = await list(query);
      expect([res.statusCode, fieldsOf(res)], query).toEqual([400, [field]]);
    }
    expect((await list('', supervisor())).statusCode).toBe(403);
  });

  it('refuses bad input with 400 naming the field, storing nothing', async () => {
    const content = `无效投诉 ${run}`;
    for (const [subject, body, field] of [
      [{ kind: 'officer', officerId: 'no-such-officer' }, {}, 'body.subject.officerId'],
      [{ kind: 'window', windowCode: `${CENTRE}-no-such-window` }, {}, 'body.subject.windowCode'],
      [{ kind: 'centre', centreCode: '4511' }, {}, 'body.subject.centreCode'],
      [{ kind: 'centre', centreCode: '459998' }, {}, 'body.subject.centreCode'],
      [{ kind: 'application', applicationNo: `${CENTRE}-20990101-999999` }, {}, 'body.subject.applicationNo'],
      [aboutOfficer, { content: '   ' }, 'body.content'],
      [{ kind: 'department', department: LEAD }, {}, 'body.subject.kind'],
    ] as const) {
      const res = await complain({ subject, content, ...body });
      expect(res.statusCode, JSON.stringify(subject)).toBe(400);
      expect(codeOf(res)).toBe('validation_failed');
      expect(fieldsOf(res), JSON.stringify(subject)).toContain(field);
    }
    expect(await stack.db.select().from(followUps).where(eq(followUps.content, content))).toEqual([]);
  });

  it('is accepted and found substantiated by a supervisor: a case names the officer, the integrator reads the reply', async () => {
    const id = fromIntegrator.id;
    // Findings before acceptance, a leader's acceptance, a rating's action: refused.
    const early = await post(id, 'findings', { substantiated: true, findings: '属实', reply: '已处理' }, supervisor());
    expect([early.statusCode, codeOf(early)]).toEqual([409, 'wrong_stage']);
    expect((await post(id, 'acceptance', { accepted: true, note: '受理' }, leader())).statusCode).toBe(403);
    const wrongKind = await post(id, 'dispute-review', { upheld: true, note: '成立' }, supervisor());
    expect([wrongKind.statusCode, codeOf(wrongKind)]).toEqual([409, 'wrong_kind']);

    const investigating = ok<FollowUp>(await post(id, 'acceptance', { accepted: true, note: '予以受理，调取窗口录像' }, supervisor()));
    expect(investigating).toMatchObject({ stage: 'investigating', acceptedAt: expect.any(String), assignee: [{ id: supervisorOf() }] });
    expect(investigating.dueAt).toBe(investigating.clocks.investigate.due);
    expect(ok<FollowUp>(await stack.integrator(`/v1/complaints/${id}`))).toMatchObject({ stage: 'investigating', reply: null, assignee: [] });

    const closed = ok<FollowUp>(
      await post(id, 'findings', { substantiated: true, findings: '经调取录像，窗口人员确有推诿', reply: '经核查投诉属实，已对相关人员问责并整改' }, supervisor()),
    );
    expect(closed).toMatchObject({
      stage: 'closed',
      outcome: 'substantiated',
      findings: '经调取录像，窗口人员确有推诿',
      caseId: id,
      responsible: [{ id: windowOf(LEAD, CENTRE) }],
      reply: { text: '经核查投诉属实，已对相关人员问责并整改', via: 'integrator' },
    });

    const cases = ok<{ cases: { id: string; followUpId: string | null; responsible: { id: string }[]; status: string; applicationNo: string | null }[] }>(
      await supervisor()(`/v1/cases?centre=${CENTRE}`),
    ).cases;
    expect(cases.find((c) => c.id === id)).toMatchObject({ followUpId: id, applicationNo: null, status: 'open', responsible: [{ id: windowOf(LEAD, CENTRE) }] });

    // The integrator reads the outcome and the reply, not the findings or whom they name.
    expect(ok<FollowUp>(await stack.integrator(`/v1/complaints/${id}`))).toMatchObject({
      stage: 'closed',
      outcome: 'substantiated',
      reply: { text: '经核查投诉属实，已对相关人员问责并整改', via: 'integrator' },
      findings: null,
      responsible: [],
      caseId: null,
    });
    const steps = ok<FollowUp>(await followUp(id)).steps!.map((s) => s.step);
    expect(steps).toEqual(['opened', 'accepted', 'substantiated', 'case_opened', 'told']);

    // The integrator's retry of the same reference answers it the same way: no findings, nobody named.
    const retried = ok<FollowUp>(
      await complain({ subject: aboutOfficer, content: '窗口人员办事推诿，多次让我回去补材料', complainant: { name: '李先生', phone: '13800000000' }, reference: `12345-${run}-1` }),
      200,
    );
    expect(retried).toMatchObject({ id, outcome: 'substantiated', findings: null, responsible: [], caseId: null });
    // The complainant's contact is the supervisors', not a system administrator's.
    expect(ok<FollowUp & { complainant: unknown }>(await followUp(id)).complainant).toEqual({ name: '李先生', phone: '13800000000' });
    expect(ok<FollowUp & { complainant: unknown }>(await followUp(id, stack.as(`${CENTRE}-admin`))).complainant).toBeNull();
  });

  it('takes two actions sent at once one after the other, the second checked against what the first did', { timeout: 120_000 }, async () => {
    const { id } = await badRating('两次点击');
    const contacts = await Promise.all([1, 2].map((n) => post(id, 'contact', { note: `回访 ${n}` }, leader())));
    expect(contacts.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(codeOf(contacts.find((r) => r.statusCode === 409)!)).toBe('wrong_stage');
    const conclusions = await Promise.all(
      (['rectified', 'disputed'] as const).map((outcome) => post(id, 'conclusion', { outcome, note: outcome }, leader())),
    );
    expect(conclusions.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const final = ok<FollowUp>(await followUp(id));
    expect(final.steps!.map((s) => s.step)).toEqual(['opened', 'contacted', final.stage === 'closed' ? 'rectified' : 'disputed']);
    // A bad rating has no findings: refused by its kind before anything else is looked at.
    const findings = await post(id, 'findings', { substantiated: true, findings: '属实', reply: '已处理' }, supervisor());
    expect([findings.statusCode, codeOf(findings)]).toEqual([409, 'wrong_kind']);
  });

  it('is found unsubstantiated without a case; an anonymous one taken at the window is told through its receipt’s tracking code; one not accepted is closed with the reason', async () => {
    ok(await post(atWindow.id, 'acceptance', { accepted: true, note: '受理' }, stack.as(supervisorOf(CITY))));
    const closed = ok<FollowUp>(await post(atWindow.id, 'findings', { substantiated: false, findings: '午休时段有轮值人员', reply: '经核查不属实' }, stack.as(supervisorOf(CITY))));
    expect(closed).toMatchObject({ stage: 'closed', outcome: 'unsubstantiated', caseId: null, responsible: [], reply: { via: 'tracking_code' } });
    const cases = ok<{ cases: { id: string; followUpId: string | null }[] }>(await supervisor()(`/v1/cases?centre=${CENTRE}`)).cases;
    expect(cases.filter((c) => c.id === atWindow.id || c.followUpId === atWindow.id)).toEqual([]);
    // The complainant at the window reads the reply by the receipt's code, though they left no name.
    expect(ok(await stack.app.inject(`/v1/public/complaints/${windowCode}`))).toMatchObject({
      id: atWindow.id,
      stage: 'closed',
      outcome: 'unsubstantiated',
      reply: { text: '经核查不属实', at: expect.any(String) },
    });

    const aboutCentre = ok<FollowUp>(await complain({ subject: { kind: 'centre', centreCode: CENTRE }, content: `大厅空调坏了没人修 ${run}`, complainant: { name: '王女士' } }), 201);
    expect(aboutCentre).toMatchObject({ centreCode: CENTRE, department: null });
    const refused = ok<FollowUp>(await post(aboutCentre.id, 'acceptance', { accepted: false, note: '不属于政务服务投诉范围，已转物业' }, supervisor()));
    expect(refused).toMatchObject({ stage: 'closed', outcome: 'not_accepted', acceptedAt: null, reply: { text: '不属于政务服务投诉范围，已转物业', via: 'integrator' } });
    expect(ok<FollowUp>(await stack.integrator(`/v1/complaints/${aboutCentre.id}`))).toMatchObject({ outcome: 'not_accepted' });
  });

  it('takes an action sent before its workflow has opened it once it has, checking the rules then', { timeout: 120_000 }, async () => {
    // No worker: the workflows start, but nothing of them runs until one is back.
    await stack.worker.stop();
    let worker: Awaited<ReturnType<Stack['startWorker']>> | undefined;
    try {
      const filed = async (content: string) => ok<FollowUp>(await complain({ subject: aboutOfficer, content: `${content} ${run}`, complainant: { name: '赵先生' } }), 201).id;
      const [toAccept, tooEarly] = [await filed('窗口人员玩手机'), await filed('窗口人员迟到')];
      const accepting = post(toAccept, 'acceptance', { accepted: true, note: '受理' }, supervisor());
      const finding = post(tooEarly, 'findings', { substantiated: false, findings: '不属实', reply: '经核查不属实' }, supervisor());
      // The updates reach Temporal before the workflows' first tasks run.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      worker = await stack.startWorker();
      expect(ok<FollowUp>(await accepting)).toMatchObject({ stage: 'investigating', assignee: [{ id: supervisorOf() }] });
      const refused = await finding;
      expect([refused.statusCode, codeOf(refused)]).toEqual([409, 'wrong_stage']);
      expect(ok<FollowUp>(await followUp(tooEarly))).toMatchObject({ stage: 'received', outcome: null });
    } finally {
      // Whatever happened, the tests after this one have a worker.
      if (!worker) await stack.startWorker();
    }
  });
});

describe('limits', () => {
  const limits = { contactDays: 5, rectifyDays: 10, acceptDays: 1, investigateDays: 20 };
  const put = (body: object, by: Inject, centre = CENTRE) => by({ method: 'PUT', url: `/v1/follow-up-limits/${centre}`, payload: body });

  it('are set by a system administrator for a region, refused to others and backwards; a new bad rating takes them', { timeout: 120_000 }, async () => {
    expect(ok(await supervisor()(`/v1/follow-up-limits/${CENTRE}`))).toEqual({ centreCode: CENTRE, contactDays: 3, rectifyDays: 15, acceptDays: 2, investigateDays: 15, setAt: null });

    const bySupervisor = await put(limits, supervisor());
    expect([bySupervisor.statusCode, codeOf(bySupervisor)]).toEqual([403, 'forbidden']);
    expect((await put(limits, stack.as(adminOf('450200')))).statusCode).toBe(403);
    const backwards = await put({ ...limits, contactDays: 11 }, stack.as(adminOf()));
    expect([backwards.statusCode, fieldsOf(backwards)]).toEqual([400, ['body.contactDays']]);
    const zero = await put({ ...limits, acceptDays: 0 }, stack.as(adminOf()));
    expect([zero.statusCode, fieldsOf(zero)]).toEqual([400, ['body.acceptDays']]);
    expect(ok(await supervisor()(`/v1/follow-up-limits/${CENTRE}`))).toMatchObject({ contactDays: 3, setAt: null });

    expect(ok(await put(limits, stack.as(adminOf())))).toEqual({ centreCode: CENTRE, ...limits, setAt: CENTRE });
    expect(ok(await supervisor()(`/v1/follow-up-limits/${CENTRE}`))).toEqual({ centreCode: CENTRE, ...limits, setAt: CENTRE });
    // The city above keeps the defaults; the list names the region that set its own.
    expect(ok(await supervisor()(`/v1/follow-up-limits/${CITY}`))).toMatchObject({ contactDays: 3, setAt: null });
    expect(ok<{ limits: { centreCode: string }[] }>(await supervisor()('/v1/follow-up-limits')).limits).toContainEqual({ centreCode: CENTRE, ...limits, setAt: CENTRE });

    const { opened: shown } = await badRating();
    const due = async (days: number) =>
      ok<{ due: string }>(await stack.as(supervisorOf())(`/v1/calendar/due?from=${encodeURIComponent(shown.openedAt)}&workingDays=${days}&centre=${CENTRE}`)).due;
    expect(Date.parse(shown.clocks.contact.due)).toBe(Date.parse(await due(5)));
    expect(Date.parse(shown.clocks.rectify.due)).toBe(Date.parse(await due(10)));
    expect(Date.parse(shown.clocks.contact.due)).toBeGreaterThan(Date.parse(await due(3)));
  });
});

describe('Temporal out of reach', () => {
  it('answers 503 to a complaint and to a bad rating, storing neither', { timeout: 120_000 }, async () => {
    const no = await accepted();
    const temporal = temporalClient(testConfig().temporal, `127.0.0.1:${await freePort()}`, testDataConverter());
    const app = await buildApp({ database: stack.database, auth: testConfig().auth, temporal: { ...temporal, taskQueue: stack.taskQueue } });
    try {
      const content = `投诉时 Temporal 不可用 ${Math.random().toString(36).slice(2, 8)}`;
      const down = caller(app, async () => ({ 'x-api-key': stack.integrator.key }));
      const complaint = await down({ method: 'POST', url: '/v1/complaints', payload: { subject: { kind: 'centre', centreCode: CENTRE }, content, reference: content } });
      expect([complaint.statusCode, codeOf(complaint)]).toEqual([503, 'unavailable']);
      expect(await stack.db.select().from(followUps).where(eq(followUps.content, content))).toEqual([]);

      const rated = await rate(no, 'very_dissatisfied', '系统故障时的差评', down);
      expect([rated.statusCode, codeOf(rated)]).toEqual([503, 'unavailable']);
      expect(await stack.db.select().from(ratings).where(eq(ratings.applicationNo, no))).toEqual([]);
      expect(await stack.db.select().from(followUps).where(eq(followUps.applicationNo, no))).toEqual([]);
    } finally {
      await app.close();
      await temporal.connection.close().catch(() => {});
    }
    // With Temporal back, the same rating is taken and followed up.
    expect(ok(await rate(no, 'very_dissatisfied', '系统故障时的差评'), 201)).toMatchObject({ bad: true });
    expect(await opened(ratingFollowUp(no))).toMatchObject({ stage: 'contacting' });
  });
});

describe('the API document', () => {
  it('describes the follow-up routes', async () => {
    const doc = ok<{ paths: Record<string, object> }>(await stack.app.inject('/docs/json'));
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/follow-ups',
        '/v1/follow-ups/{id}',
        '/v1/follow-ups/{id}/contact',
        '/v1/follow-ups/{id}/conclusion',
        '/v1/follow-ups/{id}/dispute-review',
        '/v1/follow-ups/{id}/acceptance',
        '/v1/follow-ups/{id}/findings',
        '/v1/complaints',
        '/v1/complaints/{id}',
        '/v1/follow-up-limits',
        '/v1/follow-up-limits/{centre}',
      ]),
    );
  });
});

/**
 * Ratings of government services (好差评, issue 22) against the real API, worker, Temporal and
 * PostgreSQL: an application driven from a consultation through intake, decision and pickup, each event
 * rated with who served it; one rating per event, changed only within the change window and only by
 * whoever gave it (the integrator, or the code it was given with, used or not); someone else's
 * application, an event not yet served, bad input, a forged, used or expired code refused with nothing
 * stored; the public routes' limit per address. The satisfaction statistics run against a
 * database of their own, with ratings of known levels, windows, officers and months.
 */
import { createHash } from 'node:crypto';
import { and, count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { findApplication } from '../db/queries.js';
import { auditLog, applications, documents, followUps, ratingTokens, ratings } from '../db/schema/index.js';
import { type ScratchDatabase, createScratchDatabase } from '../db/scratch.js';
import { servedEvents } from '../db/served-events.js';
import { loadConfig } from '../server/config.js';
import { maskLine } from '../server/runtime.js';
import type { RatedEvent } from '../workflows/rules/ratings.js';
import { saveTestItem } from './support/items.js';
import { type Inject, type Stack, caller, chiefOf, createKey, startStack, supervisorOf, testConfig, windowOf } from './support/stack.js';
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

const rateByApi = (no: string, payload: object, by: Inject = stack.integrator) => by({ method: 'POST', url: `/v1/applications/${no}/ratings`, payload });
const ratingsOf = async (no: string) => stack.db.select().from(ratings).where(eq(ratings.applicationNo, no));
const ratingCount = async (no: string) => (await ratingsOf(no)).length;
const codeOf = (res: { json(): unknown }) => (res.json() as { error: { code: string } }).error.code;

/** Waits until the read model shows the event served (the workflow's recorder writes it just after the update). */
async function servedIn(no: string, event: RatedEvent) {
  await expect
    .poll(async () => {
      const found = await findApplication(stack.db, no);
      return found ? (await servedEvents(stack.db, found.row, found.reviews))[event] !== undefined : false;
    }, { timeout: 20_000 })
    .toBe(true);
}

async function consultation(): Promise<number> {
  const res = await stack.as(windowOf(LEAD))({ method: 'POST', url: '/v1/consultations', payload: { centreCode: '450100', channel: 'window', subject: '个体工商户登记咨询' } });
  return ok<{ id: number }>(res, 201).id;
}

/** An application of the test item taken from submission to the stage asked for. */
async function application(upTo: 'submitted' | 'accepted' | 'decided' | 'picked_up', options: { consultationId?: number } = {}): Promise<string> {
  const no = await act.submit({ itemCode, ...options });
  if (upTo === 'submitted') return no;
  ok(await act.accept(no));
  await servedIn(no, 'intake');
  if (upTo === 'accepted') return no;
  ok(await act.approve(no, LEAD));
  await servedIn(no, 'decision');
  if (upTo === 'decided') return no;
  ok(await act.pickup(no));
  await servedIn(no, 'pickup');
  return no;
}

describe('rating through the integrator’s API', () => {
  let no: string;

  it('rates each event as it happens, naming the window and the officer who served it', { timeout: 90_000 }, async () => {
    no = await application('submitted', { consultationId: await consultation() });
    const consultationRating = ok<Record<string, unknown>>(await rateByApi(no, { event: 'consultation', level: 'very_satisfied', tags: ['courteous', 'clear_guidance'] }), 201);
    expect(consultationRating).toMatchObject({
      event: 'consultation',
      level: 'very_satisfied',
      levelZh: '非常满意',
      bad: false,
      tags: ['courteous', 'clear_guidance'],
      channel: 'api',
      centreCode: '450100',
      window: { code: `450100-${LEAD}` },
      officer: { id: windowOf(LEAD) },
      changedAt: null,
    });

    // Intake has not happened yet: refused, nothing stored.
    const early = await rateByApi(no, { event: 'intake', level: 'satisfied' });
    expect(early.statusCode).toBe(409);
    expect(codeOf(early)).toBe('event_not_happened');
    expect(await ratingCount(no)).toBe(1);

    ok(await act.accept(no));
    await servedIn(no, 'intake');
    expect(ok(await rateByApi(no, { event: 'intake', level: 'satisfied' }), 201)).toMatchObject({ officer: { id: windowOf(LEAD) }, bad: false });
    const undecided = await rateByApi(no, { event: 'decision', level: 'satisfied' });
    expect([undecided.statusCode, codeOf(undecided)]).toEqual([409, 'event_not_happened']);

    ok(await act.approve(no, LEAD));
    await servedIn(no, 'decision');
    expect(ok(await rateByApi(no, { event: 'decision', level: 'basically_satisfied', comment: '  审批较快  ' }), 201)).toMatchObject({
      officer: { id: chiefOf(LEAD) },
      comment: '审批较快',
    });
    ok(await act.pickup(no));
    await servedIn(no, 'pickup');
    expect(ok(await rateByApi(no, { event: 'pickup', level: 'very_dissatisfied', tags: ['slow'] }), 201)).toMatchObject({ bad: true, officer: { id: windowOf(LEAD) } });

    const rows = await ratingsOf(no);
    expect(rows.map((r) => [r.event, r.level, r.bad, r.channel, r.officerId, r.department]).sort()).toEqual(
      [
        ['consultation', 'very_satisfied', false, 'api', windowOf(LEAD), LEAD],
        ['decision', 'basically_satisfied', false, 'api', chiefOf(LEAD), LEAD],
        ['intake', 'satisfied', false, 'api', windowOf(LEAD), LEAD],
        ['pickup', 'very_dissatisfied', true, 'api', windowOf(LEAD), LEAD],
      ].sort(),
    );
    expect(rows.every((r) => r.ratedBy === `integrator:${stack.integrator.keyId}` && r.windowName)).toBe(true);
  });

  it('changes a rating given again within the change window (audited), and refuses one after it with 409 already_rated', async () => {
    const changed = await rateByApi(no, { event: 'intake', level: 'dissatisfied', tags: ['slow'], comment: '排队太久' });
    expect(ok(changed, 200)).toMatchObject({ level: 'dissatisfied', bad: true, tags: ['slow'], comment: '排队太久', changedAt: expect.any(String) });
    const audited = await stack.db.select().from(auditLog).where(eq(auditLog.target, `${no}/ratings/intake changed`));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ action: 'POST /v1/applications/:no/ratings', centreCode: '450100', status: 200 });

    // Past the change window (30 minutes by default) the rating stands.
    await stack.db
      .update(ratings)
      .set({ ratedAt: sql`now() - interval '31 minutes'` })
      .where(and(eq(ratings.applicationNo, no), eq(ratings.event, 'intake')));
    const before = await ratingsOf(no);
    const again = await rateByApi(no, { event: 'intake', level: 'very_satisfied' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'already_rated', message: expect.stringContaining('30 minutes') } });
    expect(await ratingsOf(no)).toEqual(before);
  });

  it('refuses a rating of someone else’s application as it refuses an unknown one (404), storing nothing', async () => {
    const before = await ratingCount(no);
    const liuzhou = await createKey(stack.db, ['450200'], 'Liuzhou portal');
    const region = await createKey(stack.db, ['450000'], 'Another regional portal');
    for (const key of [liuzhou.key, region.key]) {
      const other = caller(stack.app, async () => ({ 'x-api-key': key }));
      const res = await rateByApi(no, { event: 'decision', level: 'very_satisfied' }, other);
      expect(res.statusCode).toBe(404);
      expect(codeOf(res)).toBe('not_found');
    }
    const unknown = await rateByApi('450100-20990101-999999', { event: 'decision', level: 'very_satisfied' });
    expect([unknown.statusCode, codeOf(unknown)]).toEqual([404, 'not_found']);
    expect(await ratingCount(no)).toBe(before);
    // A window officer rates nothing: the applicant does.
    expect((await rateByApi(no, { event: 'decision', level: 'very_satisfied' }, stack.as(windowOf(LEAD)))).statusCode).toBe(403);
  });

  it('refuses bad input with 400 naming the field, and a consultation that never was with 409 no_consultation', async () => {
    const fresh = await application('accepted');
    for (const [payload, field] of [
      [{ event: 'intake', level: 'great' }, 'body.level'],
      [{ event: 'lunch', level: 'satisfied' }, 'body.event'],
      [{ event: 'intake', level: 'satisfied', tags: ['nice'] }, 'body.tags.0'],
      [{ event: 'intake', level: 'satisfied', comment: '长'.repeat(501) }, 'body.comment'],
    ] as const) {
      const res = await rateByApi(fresh, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'validation_failed', details: [expect.objectContaining({ field })] } });
    }
    const none = await rateByApi(fresh, { event: 'consultation', level: 'satisfied' });
    expect([none.statusCode, codeOf(none)]).toEqual([409, 'no_consultation']);
    expect(await ratingCount(fresh)).toBe(0);
  });
});

describe('rating codes on the notices, rated on the public page without sign-in', () => {
  const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
  const issue = (no: string, notice: 'acceptance' | 'pickup', by: Inject = stack.as(windowOf(LEAD))) =>
    by({ method: 'POST', url: `/v1/applications/${no}/rating-token`, payload: { for: notice } });
  const anonymous = () => caller(stack.app, async () => ({}));
  const publicGet = (token: string) => anonymous()({ url: `/v1/public/ratings/${token}` });
  const publicPost = (token: string, payload: object) => anonymous()({ method: 'POST', url: `/v1/public/ratings/${token}`, payload });
  const tokenRow = async (token: string) => (await stack.db.select().from(ratingTokens).where(eq(ratingTokens.tokenHash, sha256(token))))[0];

  it('issues a code for what has happened, shows what it rates without the applicant’s data, and rates once', async () => {
    const no = await application('accepted');
    const issued = ok<{ token: string; url: string; events: string[]; expiresAt: string }>(await issue(no, 'acceptance'), 201);
    expect(issued.events).toEqual(['intake']); // no consultation before it
    expect(issued.url).toBe(`/rate/${issued.token}`);
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    const row = await tokenRow(issued.token);
    expect(row).toMatchObject({ applicationNo: no, notice: 'acceptance', events: ['intake'], usedAt: null, issuedBy: `officer:${windowOf(LEAD)}` });
    expect(JSON.stringify(row)).not.toContain(issued.token);

    const shown = await publicGet(issued.token);
    expect(ok(shown)).toMatchObject({
      applicationNo: no,
      item: { name: expect.stringContaining('测试事项') },
      centre: { code: '450100', name: expect.any(String) },
      events: [{ event: 'intake', officer: { id: windowOf(LEAD), name: expect.any(String) }, window: { code: `450100-${LEAD}` } }],
    });
    const [app] = await stack.db.select().from(applications).where(eq(applications.applicationNo, no));
    expect(shown.body).not.toContain(app.applicant.idNumber);
    expect(shown.body).not.toContain(app.applicant.name);

    // An event the code does not rate: 400 naming it, nothing stored, the code still unused.
    const outside = await publicPost(issued.token, { ratings: [{ event: 'pickup', level: 'satisfied' }] });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().error.details[0].field).toBe('body.ratings.0.event');
    expect((await tokenRow(issued.token)).usedAt).toBeNull();

    const stored = await publicPost(issued.token, { ratings: [{ event: 'intake', level: 'satisfied', tags: ['efficient'] }] });
    expect(ok(stored, 201)).toMatchObject({ ratings: [{ event: 'intake', level: 'satisfied', channel: 'qr', officer: { id: windowOf(LEAD) } }] });
    expect((await ratingsOf(no)).map((r) => [r.event, r.channel, r.ratedBy])).toEqual([['intake', 'qr', `token:${row.id}`]]);
    expect((await tokenRow(issued.token)).usedAt).not.toBeNull();
    // The audit trail names the code's row, never the code.
    const audited = await stack.db.select().from(auditLog).where(eq(auditLog.action, 'POST /v1/public/ratings/:token'));
    expect(audited.some((a) => a.target === `${no}/ratings/intake by rating token ${row.id}`)).toBe(true);
    expect(audited.every((a) => !a.target.includes(issued.token))).toBe(true);

    // Used: it rates nothing new; what it rated it may change within the change window (below), and the page is told until when.
    const ratedAt = (await ratingsOf(no))[0].ratedAt;
    expect(ok(await publicGet(issued.token))).toMatchObject({
      events: [],
      changeable: [{ event: 'intake', level: 'satisfied', tags: ['efficient'], channel: 'qr', changeableUntil: new Date(new Date(ratedAt).getTime() + 30 * 60_000).toISOString() }],
    });
    // Past the window: refused both ways, nothing more stored.
    await stack.db.update(ratings).set({ ratedAt: sql`now() - interval '31 minutes'` }).where(eq(ratings.applicationNo, no));
    const late = await publicPost(issued.token, { ratings: [{ event: 'intake', level: 'very_dissatisfied' }] });
    expect([late.statusCode, codeOf(late)]).toEqual([409, 'already_rated']);
    const shownLate = await publicGet(issued.token);
    expect([shownLate.statusCode, codeOf(shownLate)]).toEqual([410, 'token_used']);
    expect((await ratingsOf(no)).map((r) => [r.event, r.level, r.changedAt])).toEqual([['intake', 'satisfied', null]]);
  });

  it('refuses a forged code (404 unknown_token) and an expired one (410 token_expired), storing nothing', async () => {
    const no = await application('picked_up');
    for (const forged of ['A'.repeat(43), 'not-a-code']) {
      for (const res of [await publicGet(forged), await publicPost(forged, { ratings: [{ event: 'pickup', level: 'satisfied' }] })]) {
        expect([res.statusCode, codeOf(res)]).toEqual([404, 'unknown_token']);
      }
    }
    const { token, events } = ok<{ token: string; events: string[] }>(await issue(no, 'pickup'), 201);
    expect(events).toEqual(['decision', 'pickup']);
    await stack.db.update(ratingTokens).set({ expiresAt: sql`now() - interval '1 minute'` }).where(eq(ratingTokens.tokenHash, sha256(token)));
    for (const res of [await publicGet(token), await publicPost(token, { ratings: [{ event: 'pickup', level: 'satisfied' }] })]) {
      expect([res.statusCode, codeOf(res)]).toEqual([410, 'token_expired']);
    }
    expect(await ratingCount(no)).toBe(0);
    expect((await tokenRow(token)).usedAt).toBeNull();
  });

  it('stores none of a code’s ratings and leaves it unused when one of them is refused', async () => {
    const no = await application('picked_up');
    ok(await rateByApi(no, { event: 'pickup', level: 'satisfied' }), 201);
    await stack.db.update(ratings).set({ ratedAt: sql`now() - interval '1 hour'` }).where(eq(ratings.applicationNo, no));
    const { token } = ok<{ token: string }>(await issue(no, 'pickup', stack.integrator), 201);
    const res = await publicPost(token, { ratings: [{ event: 'decision', level: 'satisfied' }, { event: 'pickup', level: 'very_dissatisfied' }] });
    expect([res.statusCode, codeOf(res)]).toEqual([409, 'already_rated']);
    expect((await ratingsOf(no)).map((r) => [r.event, r.level])).toEqual([['pickup', 'satisfied']]);
    expect((await tokenRow(token)).usedAt).toBeNull();
    // Rating each event twice in one request is bad input.
    const twice = await publicPost(token, { ratings: [{ event: 'decision', level: 'satisfied' }, { event: 'decision', level: 'satisfied' }] });
    expect([twice.statusCode, twice.json().error.details[0].field]).toEqual([400, 'body.ratings.1.event']);
  });

  it('issues codes only to the lead window of the application’s centre or its integrator, for what has happened', async () => {
    const no = await application('accepted');
    expect((await issue(no, 'acceptance', stack.as(windowOf(LEAD, '450200')))).statusCode).toBe(403);
    expect((await issue(no, 'acceptance', stack.as(windowOf('taxation')))).statusCode).toBe(403);
    const liuzhou = await createKey(stack.db, ['450200'], 'Liuzhou portal');
    const other = await issue(no, 'acceptance', caller(stack.app, async () => ({ 'x-api-key': liuzhou.key })));
    expect([other.statusCode, codeOf(other)]).toEqual([404, 'not_found']);
    const early = await issue(no, 'pickup');
    expect([early.statusCode, codeOf(early)]).toEqual([409, 'event_not_happened']);
    // No pickup code was issued (the acceptance notice printed a code of its own).
    const [{ issued }] = await stack.db.select({ issued: count() }).from(ratingTokens).where(and(eq(ratingTokens.applicationNo, no), eq(ratingTokens.notice, 'pickup')));
    expect(issued).toBe(0);
    expect(ok(await issue(no, 'acceptance', stack.integrator), 201)).toMatchObject({ events: ['intake'] });
  });

  it('limits the public routes per address', async () => {
    const limited = await buildApp({
      database: stack.database,
      auth: testConfig().auth,
      temporal: { client: stack.client, connection: stack.connection, taskQueue: stack.taskQueue },
      ratings: { publicPerMinute: 2 },
    });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await limited.inject({ url: `/v1/public/ratings/${'B'.repeat(43)}` })).statusCode);
      expect(statuses).toEqual([404, 404, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('changing a rating: within the change window, by whoever gave it', () => {
  const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
  const issue = (no: string, notice: 'acceptance' | 'pickup') => stack.as(windowOf(LEAD))({ method: 'POST', url: `/v1/applications/${no}/rating-token`, payload: { for: notice } });
  const anonymous = () => caller(stack.app, async () => ({}));
  const publicGet = (token: string) => anonymous()({ url: `/v1/public/ratings/${token}` });
  const publicPost = (token: string, payload: object) => anonymous()({ method: 'POST', url: `/v1/public/ratings/${token}`, payload });
  const tokenRow = async (token: string) => (await stack.db.select().from(ratingTokens).where(eq(ratingTokens.tokenHash, sha256(token))))[0];
  const followUpOf = async (no: string, event: RatedEvent) => (await stack.db.select().from(followUps).where(eq(followUps.id, `R-${no}-${event}`)))[0];
  const issued = async (no: string, notice: 'acceptance' | 'pickup') => {
    const { token } = ok<{ token: string }>(await issue(no, notice), 201);
    return { token, row: await tokenRow(token) };
  };

  it('changes a rating given through the QR page within the window, even with the code used (audited, followed up), and refuses it after with 409', { timeout: 90_000 }, async () => {
    const no = await application('accepted');
    const { token, row: code } = await issued(no, 'acceptance');
    expect(ok(await publicPost(token, { ratings: [{ event: 'intake', level: 'very_dissatisfied', comment: '排队太久' }] }), 201)).toMatchObject({ ratings: [{ bad: true }] });
    const used = await tokenRow(token);
    expect(used.usedAt).not.toBeNull();
    // The bad rating opened its follow-up.
    await expect.poll(async () => (await followUpOf(no, 'intake'))?.dueAt ?? null, { timeout: 20_000 }).not.toBeNull();

    const changed = await publicPost(token, { ratings: [{ event: 'intake', level: 'satisfied', tags: ['efficient'] }] });
    expect(ok(changed, 200)).toMatchObject({ ratings: [{ event: 'intake', level: 'satisfied', bad: false, tags: ['efficient'], comment: null, channel: 'qr', changedAt: expect.any(String) }] });
    const rows = await ratingsOf(no);
    expect(rows.map((r) => [r.event, r.level, r.bad, r.channel, r.ratedBy])).toEqual([['intake', 'satisfied', false, 'qr', `token:${code.id}`]]);
    expect(rows[0].changedAt).not.toBeNull();
    // The code is as it was; the change is audited as the integrator's is.
    expect(await tokenRow(token)).toEqual(used);
    const audited = await stack.db.select().from(auditLog).where(eq(auditLog.target, `${no}/ratings/intake changed by rating token ${code.id}`));
    expect(audited).toMatchObject([{ action: 'POST /v1/public/ratings/:token', status: 200 }]);
    // Bad to good: the follow-up is withdrawn, as for a change through the integrator.
    await expect.poll(async () => (await followUpOf(no, 'intake'))?.outcome, { timeout: 20_000 }).toBe('withdrawn');

    // Past the change window it stands: 409, unchanged; the page is told the code is used.
    await stack.db.update(ratings).set({ ratedAt: sql`now() - interval '31 minutes'` }).where(eq(ratings.applicationNo, no));
    const before = await ratingsOf(no);
    const late = await publicPost(token, { ratings: [{ event: 'intake', level: 'very_dissatisfied' }] });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ error: { code: 'already_rated', message: expect.stringContaining('30 minutes') } });
    expect(await ratingsOf(no)).toEqual(before);
    const shown = await publicGet(token);
    expect([shown.statusCode, codeOf(shown)]).toEqual([410, 'token_used']);
    expect(await tokenRow(token)).toEqual(used);
  });

  it('keeps a used code from rating an event it did not rate (410 token_used), storing nothing, and a code kept for the pickup changes the decision', { timeout: 90_000 }, async () => {
    const no = await application('picked_up');
    const { token, row: code } = await issued(no, 'pickup');
    expect(code.events).toEqual(['decision', 'pickup']);
    ok(await publicPost(token, { ratings: [{ event: 'decision', level: 'satisfied' }] }), 201);
    // The pickup had happened and was left unrated: given up, the code is used.
    const used = await tokenRow(token);
    expect(used.usedAt).not.toBeNull();
    for (const ratingsSent of [[{ event: 'pickup', level: 'very_satisfied' }], [{ event: 'decision', level: 'dissatisfied' }, { event: 'pickup', level: 'very_satisfied' }]]) {
      const res = await publicPost(token, { ratings: ratingsSent });
      expect([res.statusCode, codeOf(res)], JSON.stringify(ratingsSent)).toEqual([410, 'token_used']);
    }
    expect((await ratingsOf(no)).map((r) => [r.event, r.level, r.changedAt])).toEqual([['decision', 'satisfied', null]]);
    expect(await tokenRow(token)).toEqual(used);
    expect(ok(await publicGet(token))).toMatchObject({ events: [], changeable: [{ event: 'decision', level: 'satisfied' }] });

    // A decision's code rated before the pickup stays open for it: it changes the decision meanwhile, and rates the pickup with a change of the decision later.
    const early = await application('decided');
    // The code the decision prints names the pickup to come.
    let url: string | undefined;
    await expect
      .poll(async () => {
        const [document] = await stack.db.select().from(documents).where(and(eq(documents.applicationNo, early), eq(documents.kind, 'approval_decision')));
        url = document?.fields?.rating?.url;
        return url;
      }, { timeout: 20_000 })
      .toBeDefined();
    const kept = new URL(url!).pathname.split('/').pop()!;
    expect(await tokenRow(kept)).toMatchObject({ events: ['decision', 'pickup'], usedAt: null });
    ok(await publicPost(kept, { ratings: [{ event: 'decision', level: 'dissatisfied' }] }), 201);
    expect(await tokenRow(kept)).toMatchObject({ events: ['pickup'], usedAt: null });
    expect(ok(await publicGet(kept))).toMatchObject({ events: [{ event: 'pickup', happened: false }], changeable: [{ event: 'decision', level: 'dissatisfied' }] });
    ok(await publicPost(kept, { ratings: [{ event: 'decision', level: 'basically_satisfied' }] }), 200);
    expect(await tokenRow(kept)).toMatchObject({ events: ['pickup'], usedAt: null });
    ok(await act.pickup(early));
    await servedIn(early, 'pickup');
    const both = ok<{ ratings: { event: string; changedAt: string | null }[] }>(
      await publicPost(kept, { ratings: [{ event: 'pickup', level: 'very_satisfied' }, { event: 'decision', level: 'satisfied' }] }),
      201,
    );
    expect(both.ratings.map((r) => [r.event, r.changedAt !== null])).toEqual([
      ['pickup', false],
      ['decision', true],
    ]);
    expect((await tokenRow(kept)).usedAt).not.toBeNull();
    expect((await ratingsOf(early)).map((r) => [r.event, r.level]).sort()).toEqual([
      ['decision', 'satisfied'],
      ['pickup', 'very_satisfied'],
    ]);
  });

  it('lets no one change a rating given another way: the integrator a code’s, a code the integrator’s or another code’s (409), nothing stored', { timeout: 90_000 }, async () => {
    const no = await application('picked_up');
    ok(await rateByApi(no, { event: 'decision', level: 'satisfied' }), 201);
    const { token, row: code } = await issued(no, 'pickup');

    // The code tries the integrator's rating of the decision, within its window: refused, the code as it was.
    const overApi = await publicPost(token, { ratings: [{ event: 'decision', level: 'very_dissatisfied' }] });
    expect(overApi.statusCode).toBe(409);
    expect(overApi.json()).toMatchObject({ error: { code: 'already_rated', message: expect.stringContaining('another channel') } });
    expect(await tokenRow(token)).toEqual(code);

    ok(await publicPost(token, { ratings: [{ event: 'pickup', level: 'very_dissatisfied', comment: '取件等了一小时' }] }), 201);
    const before = await ratingsOf(no);
    expect(before.map((r) => [r.event, r.level, r.ratedBy]).sort()).toEqual([
      ['decision', 'satisfied', `integrator:${stack.integrator.keyId}`],
      ['pickup', 'very_dissatisfied', `token:${code.id}`],
    ]);

    // The integrator tries the code's rating of the pickup, within its window.
    const overCode = await rateByApi(no, { event: 'pickup', level: 'very_satisfied' });
    expect(overCode.statusCode).toBe(409);
    expect(overCode.json()).toMatchObject({ error: { code: 'already_rated', message: expect.stringContaining('another channel') } });
    // The used code tries the integrator's rating: it did not rate the decision.
    const used = await publicPost(token, { ratings: [{ event: 'decision', level: 'dissatisfied' }] });
    expect([used.statusCode, codeOf(used)]).toEqual([410, 'token_used']);
    // Another code of the same notice tries the first code's rating.
    const { token: other, row: otherCode } = await issued(no, 'pickup');
    const overOther = await publicPost(other, { ratings: [{ event: 'pickup', level: 'satisfied' }] });
    expect([overOther.statusCode, codeOf(overOther)]).toEqual([409, 'already_rated']);
    expect(await tokenRow(other)).toEqual(otherCode);

    expect(await ratingsOf(no)).toEqual(before);
    // The bad rating's follow-up was never withdrawn.
    await expect.poll(async () => (await followUpOf(no, 'pickup'))?.dueAt ?? null, { timeout: 20_000 }).not.toBeNull();
    expect((await followUpOf(no, 'pickup')).outcome).toBeNull();
  });
});

describe('configuration and logs', () => {
  it('reads the change window, the codes’ validity and the public limit, naming a bad variable', () => {
    expect(loadConfig({}).ratings).toEqual({ changeMinutes: 30, tokenDays: 30, publicPerMinute: 20 });
    expect(loadConfig({ RATING_CHANGE_MINUTES: '0', RATING_TOKEN_DAYS: '7', RATING_PUBLIC_PER_MINUTE: '5' }).ratings).toEqual({ changeMinutes: 0, tokenDays: 7, publicPerMinute: 5 });
    expect(() => loadConfig({ RATING_CHANGE_MINUTES: 'half an hour' })).toThrow(/RATING_CHANGE_MINUTES/);
    expect(() => loadConfig({ RATING_TOKEN_DAYS: '0' })).toThrow(/RATING_TOKEN_DAYS/);
  });

  it('keeps a rating code out of the log lines', () => {
    const token = 'x'.repeat(20) + '_-' + 'Y'.repeat(21);
    for (const url of [`/rate/${token}`, `/v1/public/ratings/${token}`]) expect(maskLine(JSON.stringify({ req: { url } }))).not.toContain(token);
  });
});

describe('the API document', () => {
  it('describes the rating routes', async () => {
    const doc = ok<{ paths: Record<string, object> }>(await stack.app.inject('/docs/json'));
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/applications/{no}/ratings', '/v1/applications/{no}/rating-token', '/v1/public/ratings/{token}', '/v1/statistics/satisfaction']),
    );
  });
});

describe('satisfaction statistics', () => {
  const CITY = '450300';
  const COUNTY = '450302';
  let scratch: ScratchDatabase;
  let own: Stack;

  /** A China-time instant. */
  const cn = (local: string) => `${local}+08:00`;

  async function rated(centreCode: string, officer: string, window: string, levels: [string, string][]) {
    const applicationNo = `${centreCode}-RATE-${Math.random().toString(36).slice(2, 10)}`;
    await own.db.insert(applications).values({
      applicationNo,
      itemCode: 'individual-business-registration',
      itemVersion: 1,
      centreCode,
      leadDepartment: LEAD,
      statutoryLimitDays: 20,
      promisedLimitDays: 1,
      stage: 'picked_up',
      applicant: { type: 'person', name: '测试', idNumber: '450100199001011234' },
      materials: [],
      submittedAt: cn('2026-02-27T09:00:00'),
    });
    const events = ['consultation', 'intake', 'decision', 'pickup'] as const;
    await own.db.insert(ratings).values(
      levels.map(([level, at], i) => ({
        applicationNo,
        event: events[i],
        level: level as (typeof ratings.$inferInsert)['level'],
        bad: level === 'dissatisfied' || level === 'very_dissatisfied',
        channel: 'api' as const,
        ratedBy: 'tests',
        centreCode,
        department: LEAD,
        windowCode: window,
        windowName: `${window} 窗口`,
        officerId: officer,
        officerName: `${officer} 姓名`,
        ratedAt: cn(at),
      })),
    );
  }

  beforeAll(async () => {
    // A database of its own: these ratings stay out of the region's shared statistics.
    scratch = await createScratchDatabase(Object.assign(new URL(inject('databaseUrl')), { pathname: '/postgres' }).toString(), `onewindow_ratings_${Date.now()}_${process.pid}`);
    own = await startStack({ worker: false, databaseUrl: scratch.url });
    const cityWindow = `${CITY}-${LEAD}`;
    const countyWindow = `${COUNTY}-${LEAD}`;
    // Guilin, the city: two officers at one window, March and April (the last rating is 1 April 00:30 in China, 31 March in UTC).
    await rated(CITY, 'city-a', cityWindow, [
      ['very_satisfied', '2026-03-02T10:00:00'],
      ['satisfied', '2026-03-05T10:00:00'],
      ['dissatisfied', '2026-03-20T10:00:00'],
      ['basically_satisfied', '2026-04-01T00:30:00'],
    ]);
    await rated(CITY, 'city-b', cityWindow, [
      ['very_dissatisfied', '2026-04-10T10:00:00'],
      ['very_satisfied', '2026-04-11T10:00:00'],
    ]);
    // Xiufeng, the county below it.
    await rated(COUNTY, 'county-c', countyWindow, [
      ['satisfied', '2026-03-15T10:00:00'],
      ['satisfied', '2026-03-16T10:00:00'],
      ['very_dissatisfied', '2026-03-17T10:00:00'],
    ]);
    // February: outside the period asked for.
    await rated(COUNTY, 'county-c', countyWindow, [['dissatisfied', '2026-02-28T10:00:00']]);
  }, 120_000);

  afterAll(async () => {
    await own?.close();
    await scratch?.drop();
  });

  const figures = async (query: string, by = supervisorOf(CITY)) => own.as(by)(`/v1/statistics/satisfaction?from=2026-03-01&to=2026-05-01&${query}`);
  const levels = (very_satisfied: number, satisfied: number, basically_satisfied: number, dissatisfied: number, very_dissatisfied: number) => ({
    very_satisfied,
    satisfied,
    basically_satisfied,
    dissatisfied,
    very_dissatisfied,
  });

  it('counts each level, the bad ratings and the satisfaction rate per centre, window, officer and month', async () => {
    expect(ok<{ rows: unknown[] }>(await figures('groupBy=centre')).rows).toEqual([
      { key: CITY, name: '桂林市政务服务中心', levels: levels(2, 1, 1, 1, 1), total: 6, bad: 2, satisfactionRate: 0.6667 },
      { key: COUNTY, name: '秀峰区政务服务中心', levels: levels(0, 2, 0, 0, 1), total: 3, bad: 1, satisfactionRate: 0.6667 },
    ]);
    expect(ok<{ rows: unknown[] }>(await figures('groupBy=window')).rows).toEqual([
      { key: `${CITY}-${LEAD}`, name: `${CITY}-${LEAD} 窗口`, levels: levels(2, 1, 1, 1, 1), total: 6, bad: 2, satisfactionRate: 0.6667 },
      { key: `${COUNTY}-${LEAD}`, name: `${COUNTY}-${LEAD} 窗口`, levels: levels(0, 2, 0, 0, 1), total: 3, bad: 1, satisfactionRate: 0.6667 },
    ]);
    expect(ok<{ rows: unknown[] }>(await figures('groupBy=officer')).rows).toEqual([
      { key: 'city-a', name: 'city-a 姓名', levels: levels(1, 1, 1, 1, 0), total: 4, bad: 1, satisfactionRate: 0.75 },
      { key: 'city-b', name: 'city-b 姓名', levels: levels(1, 0, 0, 0, 1), total: 2, bad: 1, satisfactionRate: 0.5 },
      { key: 'county-c', name: 'county-c 姓名', levels: levels(0, 2, 0, 0, 1), total: 3, bad: 1, satisfactionRate: 0.6667 },
    ]);
    expect(ok<{ rows: unknown[] }>(await figures('groupBy=month')).rows).toEqual([
      { key: '2026-03', levels: levels(1, 3, 0, 1, 1), total: 6, bad: 2, satisfactionRate: 0.6667 },
      { key: '2026-04', levels: levels(1, 0, 1, 0, 1), total: 3, bad: 1, satisfactionRate: 0.6667 },
    ]);
    // Without a period, February's rating counts too.
    const all = ok<{ rows: { key: string; total: number; bad: number; satisfactionRate: number }[] }>(await own.as(supervisorOf(COUNTY))('/v1/statistics/satisfaction'));
    expect(all).toMatchObject({ centre: COUNTY, groupBy: 'centre', rows: [{ key: COUNTY, total: 4, bad: 2, satisfactionRate: 0.5 }] });
  });

  it('keeps a county’s supervisor to the county and refuses bad queries with 400 naming the field', async () => {
    expect((await figures(`groupBy=centre&centre=${CITY}`, supervisorOf(COUNTY))).statusCode).toBe(403);
    const bad = await figures('groupBy=department');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toBe('querystring.groupBy');
    const backwards = await own.as(supervisorOf(CITY))('/v1/statistics/satisfaction?from=2026-05-01&to=2026-03-01');
    expect([backwards.statusCode, backwards.json().error.details[0].field]).toEqual([400, 'to']);
    expect((await own.as(windowOf(LEAD, CITY))('/v1/statistics/satisfaction')).statusCode).toBe(403);
  });
});

describe('two changes at once', () => {
  it('of one code naming the same events in opposite orders: both answered, no deadlock (rows are locked in one order)', { timeout: 120_000 }, async () => {
    const no = await application('picked_up');
    await servedIn(no, 'pickup');
    const { token } = ok<{ token: string }>(await stack.as(windowOf(LEAD))({ method: 'POST', url: `/v1/applications/${no}/rating-token`, payload: { for: 'pickup' } }), 201);
    let address = 0;
    const post = (payload: object) => stack.app.inject({ method: 'POST', url: `/v1/public/ratings/${token}`, payload, remoteAddress: `10.77.0.${++address}` });
    ok(await post({ ratings: [{ event: 'decision', level: 'satisfied' }, { event: 'pickup', level: 'satisfied' }] }), 201);
    for (let i = 0; i < 5; i++) {
      const answers = await Promise.all([
        post({ ratings: [{ event: 'decision', level: 'very_satisfied' }, { event: 'pickup', level: 'very_satisfied' }] }),
        post({ ratings: [{ event: 'pickup', level: 'basically_satisfied' }, { event: 'decision', level: 'basically_satisfied' }] }),
      ]);
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
    }
    expect(await ratingCount(no)).toBe(2);
  });
});

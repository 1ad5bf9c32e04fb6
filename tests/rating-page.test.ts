/**
 * The public rating page (好差评) at /rate/<token>, in a real browser (Debian's Chromium through
 * playwright-core) against the real stack: the code of a pickup notice opens it without sign-in; the
 * applicant chooses a level for the decision and for the pickup, a tag and a comment, submits, and is
 * thanked; the ratings are stored through the code. Opened again within the change window, the page
 * shows the ratings as given and until when they may be changed, and changes one (sending only what
 * changed); past the window it refuses the change, and opened again says the code was used; an
 * unknown code is told apart. A decision's code names the pickup before it happens: the page shows it
 * disabled with a note. Every control has an accessible name.
 */
import type { AddressInfo } from 'node:net';
import { and, eq, sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findApplication } from '../db/queries.js';
import type { DocumentFields } from '../db/documents.js';
import { documents, ratings } from '../db/schema/index.js';
import { servedEvents } from '../db/served-events.js';
import { saveTestItem } from './support/items.js';
import { type Stack, startStack, windowOf } from './support/stack.js';
import { ok, windowActions } from './support/window.js';
import { launchChromium, overflows, testid, unnamedControls } from './support/workstation.js';

const LEAD = 'market_regulation';
let stack: Stack;
let browser: Browser;
let base: string;
let itemCode: string;
const act = windowActions(() => stack);
const errors: string[] = [];

beforeAll(async () => {
  stack = await startStack();
  await stack.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(stack.app.server.address() as AddressInfo).port}`;
  itemCode = await saveTestItem(stack.db);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** A phone's browser, as the applicant scanning the notice holds it. */
async function phone(path: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}${path}`);
  return page;
}

/** An application of the test item, accepted, approved and picked up, as the read model shows it. */
async function pickedUp(): Promise<string> {
  const no = await act.submit({ itemCode });
  ok(await act.accept(no));
  ok(await act.approve(no, LEAD));
  ok(await act.pickup(no));
  await expect
    .poll(async () => {
      const found = (await findApplication(stack.db, no))!;
      return (await servedEvents(stack.db, found.row, found.reviews)).pickup !== undefined;
    }, { timeout: 20_000 })
    .toBe(true);
  return no;
}

describe('the public rating page', () => {
  it('rates the decision and the pickup from the pickup notice’s code once, and changes a rating within the change window', { timeout: 90_000 }, async () => {
    const no = await pickedUp();
    const { url } = ok<{ url: string }>(await stack.as(windowOf(LEAD))({ method: 'POST', url: `/v1/applications/${no}/rating-token`, payload: { for: 'pickup' } }), 201);
    const page = await phone(url);

    await expect.poll(() => testid(page, 'application-no').textContent()).toBe(no);
    await expect.poll(() => testid(page, 'event-decision').isVisible()).toBe(true);
    await expect.poll(() => testid(page, 'event-pickup').isVisible()).toBe(true);
    expect(await testid(page, 'event-pickup').textContent()).toContain('取件');
    expect(await unnamedControls(page)).toEqual([]);
    expect(await overflows(page)).toBe(false);
    // The five levels of each event are one labelled group of radio buttons.
    const decision = page.getByRole('group', { name: /办结/ });
    expect(await decision.getByRole('radio').count()).toBe(5);
    await decision.getByRole('radio', { name: /非常满意/ }).check();

    const pickup = page.getByRole('group', { name: /取件/ });
    await pickup.getByRole('radio', { name: /^不满意/ }).check();
    await pickup.getByRole('checkbox', { name: /多次跑动/ }).check();
    await pickup.getByRole('textbox', { name: /意见建议/ }).fill('取件排队时间长');
    await testid(page, 'submit').click();

    await expect.poll(() => testid(page, 'status').textContent()).toContain('感谢您的评价');
    expect(await testid(page, 'rating-form').isHidden()).toBe(true);
    const rows = await stack.db.select().from(ratings).where(eq(ratings.applicationNo, no));
    expect(rows.map((r) => [r.event, r.level, r.bad, r.channel, r.tags, r.comment]).sort()).toEqual([
      ['decision', 'very_satisfied', false, 'qr', [], null],
      ['pickup', 'dissatisfied', true, 'qr', ['repeated_visits'], '取件排队时间长'],
    ]);

    // The same code again, within the change window: both ratings as given, each with until when it may be changed.
    await page.reload();
    await expect.poll(() => testid(page, 'current-pickup').isVisible()).toBe(true);
    expect(await testid(page, 'status').textContent()).toContain('您已评价，可在规定时间内修改评价');
    for (const event of ['decision', 'pickup']) {
      expect(await testid(page, `event-${event}`).getAttribute('data-rated')).toBe('true');
      expect(await testid(page, `current-${event}`).textContent()).toMatch(/可在 .*\d{2}:\d{2} 前修改/);
    }
    expect(await testid(page, 'current-pickup').textContent()).toContain('您已评价：不满意');
    expect(await testid(page, 'level-decision-very_satisfied').isChecked()).toBe(true);
    expect(await testid(page, 'level-pickup-dissatisfied').isChecked()).toBe(true);
    expect(await testid(page, 'tag-pickup-repeated_visits').isChecked()).toBe(true);
    expect(await testid(page, 'comment-pickup').inputValue()).toBe('取件排队时间长');
    expect(await unnamedControls(page)).toEqual([]);
    expect(await overflows(page)).toBe(false);
    // Nothing changed: nothing is sent.
    await testid(page, 'submit').click();
    await expect.poll(() => testid(page, 'form-error').textContent()).toContain('您未修改评价');

    // The pickup changed to 满意 without the tag: only the pickup is sent, and changed in place.
    const pickupAgain = page.getByRole('group', { name: /取件/ });
    await pickupAgain.getByRole('radio', { name: /^满意/ }).check();
    await pickupAgain.getByRole('checkbox', { name: /多次跑动/ }).uncheck();
    await testid(page, 'submit').click();
    await expect.poll(() => testid(page, 'status').textContent()).toContain('您的评价已修改');
    const changed = await stack.db.select().from(ratings).where(eq(ratings.applicationNo, no));
    expect(changed.map((r) => [r.event, r.level, r.bad, r.tags, r.comment, r.changedAt !== null]).sort()).toEqual([
      ['decision', 'very_satisfied', false, [], null, false],
      ['pickup', 'satisfied', false, [], '取件排队时间长', true],
    ]);

    // Open while the window closes: the change is refused, nothing stored.
    await page.reload();
    await expect.poll(() => testid(page, 'current-decision').isVisible()).toBe(true);
    await stack.db.update(ratings).set({ ratedAt: sql`now() - interval '31 minutes'` }).where(eq(ratings.applicationNo, no));
    await page.getByRole('group', { name: /办结/ }).getByRole('radio', { name: /^基本满意/ }).check();
    await testid(page, 'submit').click();
    await expect.poll(() => testid(page, 'form-error').textContent()).toContain('不能再修改');
    expect(await stack.db.select().from(ratings).where(eq(ratings.applicationNo, no))).toEqual(changed.map((r) => ({ ...r, ratedAt: expect.any(String) })));

    // Past the window: the page says the code was used, and offers nothing to rate.
    await page.reload();
    await expect.poll(() => testid(page, 'status').getAttribute('data-code')).toBe('token_used');
    expect(await testid(page, 'status').textContent()).toContain('已使用');
    expect(await testid(page, 'rating-form').isHidden()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('shows the pickup a decision’s code names before it happens disabled, with a note, and rates the decision', { timeout: 90_000 }, async () => {
    const no = await act.submit({ itemCode });
    ok(await act.accept(no));
    ok(await act.approve(no, LEAD));
    let fields: DocumentFields | undefined;
    await expect
      .poll(async () => {
        const [row] = await stack.db.select().from(documents).where(and(eq(documents.applicationNo, no), eq(documents.kind, 'approval_decision')));
        fields = row?.fields;
        return fields?.rating?.url;
      }, { timeout: 20_000 })
      .toBeDefined();
    const page = await phone(new URL(fields!.rating!.url).pathname);

    await expect.poll(() => testid(page, 'event-decision').isVisible()).toBe(true);
    expect(await testid(page, 'event-pickup').getAttribute('data-happened')).toBe('false');
    expect([await testid(page, 'event-pickup').getAttribute('disabled'), await testid(page, 'event-pickup').getAttribute('aria-disabled')]).toEqual(['', 'true']);
    expect(await testid(page, 'pending-pickup').textContent()).toContain('尚未取件');
    expect(await page.getByRole('group', { name: /取件/ }).getByRole('radio').count()).toBe(0);
    expect(await unnamedControls(page)).toEqual([]);
    expect(await overflows(page)).toBe(false);

    await page.getByRole('group', { name: /办结/ }).getByRole('radio', { name: /^满意/ }).check();
    await testid(page, 'submit').click();
    await expect.poll(() => testid(page, 'status').textContent()).toContain('取件后可再次扫码评价');
    expect((await stack.db.select().from(ratings).where(eq(ratings.applicationNo, no))).map((r) => [r.event, r.level])).toEqual([['decision', 'satisfied']]);

    // Opened again: the decision as rated, to be changed for a while; the pickup still to come.
    await page.reload();
    await expect.poll(() => testid(page, 'current-decision').isVisible()).toBe(true);
    expect(await testid(page, 'level-decision-satisfied').isChecked()).toBe(true);
    expect(await testid(page, 'event-pickup').getAttribute('data-happened')).toBe('false');
    expect(await testid(page, 'status').textContent()).toContain('您已评价，可在规定时间内修改评价');
    expect(errors).toEqual([]);
  });

  it('asks for a level before sending anything, and tells an unknown code apart', async () => {
    const no = await pickedUp();
    const { url } = ok<{ url: string }>(await stack.integrator({ method: 'POST', url: `/v1/applications/${no}/rating-token`, payload: { for: 'pickup' } }), 201);
    const page = await phone(url);
    await expect.poll(() => testid(page, 'event-pickup').isVisible()).toBe(true);
    await testid(page, 'submit').click();
    await expect.poll(() => testid(page, 'form-error').textContent()).toContain('请至少为一项选择满意程度');
    expect(await stack.db.select().from(ratings).where(eq(ratings.applicationNo, no))).toEqual([]);

    const forged = await phone(`/rate/${'D'.repeat(43)}`);
    await expect.poll(() => testid(forged, 'status').getAttribute('data-code')).toBe('unknown_token');
    expect(await testid(forged, 'status').textContent()).toContain('无法识别此评价码');
    expect(errors).toEqual([]);
  });
});

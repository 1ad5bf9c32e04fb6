/**
 * Bad ratings followed up (差评整改) and complaints taken down (登记投诉) at the window workstation, in a
 * real browser (Debian's Chromium through playwright-core) against the real stack: an applicant rates
 * the intake of their application very dissatisfied through the integrator; the department's leader
 * sees it among their follow-ups with its limit, records the contact back, concludes it rectified, and
 * the API shows it closed (an action sent from a page left behind is refused as the workstation
 * refuses); a window officer, who has no follow-ups to see, takes down an anonymous complaint about
 * their window and sees its number and its receipt (投诉回执) to print, with the tracking code that opens
 * the public tracking page, which shows the reply once a supervisor has answered; an empty content and a
 * wrong phone or application number are shown by their fields.
 */
import { eq } from 'drizzle-orm';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findApplication } from '../db/queries.js';
import { followUps } from '../db/schema/index.js';
import { servedEvents } from '../db/served-events.js';
import { saveTestItem } from './support/items.js';
import { type Stack, leaderOf, startStack, supervisorOf, windowOf } from './support/stack.js';
import { ok, windowActions } from './support/window.js';
import { Desk, launchChromium, outcome, overflows, screenshot, tabTo, testid, unnamedControls } from './support/workstation.js';

const LEAD = 'market_regulation';
const WINDOW = `450100-${LEAD}`;

let stack: Stack;
let browser: Browser;
let desk: Desk;
let itemCode: string;
const act = windowActions(() => stack);

beforeAll(async () => {
  stack = await startStack({ signIn: true });
  itemCode = await saveTestItem(stack.db);
  browser = await launchChromium();
  desk = new Desk(browser, stack.baseUrl);
});

afterAll(async () => {
  await desk?.close();
  await browser?.close();
  await stack?.close();
});

interface FollowUp {
  id: string;
  kind: string;
  stage: string;
  level: string;
  dueAt: string | null;
  outcome: string | null;
  closedAt: string | null;
  contactedAt: string | null;
  content: string | null;
  anonymous: boolean | null;
  channel: string | null;
  subject: Record<string, string> | null;
  complainant?: { name: string; phone?: string } | null;
  steps?: { step: string; actor: { id: string } | null; note: string | null }[];
}

const followUpOf = async (id: string, by = leaderOf(LEAD)) => ok<FollowUp>(await stack.as(by)(`/v1/follow-ups/${encodeURIComponent(id)}`));

/** The last working day of a limit as the page writes it in Chinese: the day in China before the instant (2026年12月7日). */
function chineseLastDay(due: string): string {
  const [y, m, d] = new Date(Date.parse(due) - 1 + 8 * 3_600_000).toISOString().slice(0, 10).split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** An application accepted at the lead window, its intake served (so it can be rated). */
async function accepted(): Promise<string> {
  const no = await act.submit({ itemCode });
  ok(await act.accept(no));
  await expect
    .poll(async () => {
      const found = await findApplication(stack.db, no);
      return found ? (await servedEvents(stack.db, found.row, found.reviews)).intake !== undefined : false;
    }, { timeout: 20_000 })
    .toBe(true);
  return no;
}

/** What the page's script sees (tsc knows no DOM here). */
type Window = { getComputedStyle(node: unknown): { color: string }; document: { activeElement: unknown } };
const colourOf = (locator: Locator) => locator.evaluate((node) => (globalThis as unknown as Window).getComputedStyle(node).color);
const hasFocus = (locator: Locator) => locator.evaluate((node) => node === (globalThis as unknown as Window).document.activeElement);
const stepsOf = (page: Page) => testid(page, 'follow-up-steps').locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-step')));

/** Every POST the page sends to a path ending so, with its answer's status. */
function posts(page: Page, ending: string): number[] {
  const statuses: number[] = [];
  page.on('response', (r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith(ending) && statuses.push(r.status()));
  return statuses;
}

describe('bad ratings to follow up at the workstation', () => {
  it('shows the leader the bad rating with its limit; the contact back, then the conclusion rectified close it', { timeout: 180_000 }, async () => {
    const no = await accepted();
    const comment = '排队一个多小时，窗口无人受理';
    const rating = ok<{ bad: boolean }>(
      await stack.integrator({ method: 'POST', url: `/v1/applications/${no}/ratings`, payload: { event: 'intake', level: 'very_dissatisfied', tags: ['slow'], comment } }),
      201,
    );
    expect(rating.bad).toBe(true);
    const id = `R-${no}-intake`;
    // The workflow opens it: its clocks and the assignment are in the read model once it has.
    await expect.poll(async () => (await followUpOf(id)).dueAt, { timeout: 30_000 }).not.toBeNull();
    const opened = await followUpOf(id);
    expect(opened).toMatchObject({ kind: 'bad_rating', stage: 'contacting', level: 'green', ratingLevel: 'very_dissatisfied', content: comment });
    // A limit a working day away: the workflow raises yellow then, and the page shows what the read model holds.
    await stack.db.update(followUps).set({ level: 'yellow' }).where(eq(followUps.id, id));

    // The window officer has no follow-ups: no link, and the address falls back to the queue.
    const officer = await desk.open(windowOf(LEAD), '#/follow-ups');
    await testid(officer, 'queue').or(officer.locator('.empty')).first().waitFor();
    expect(await officer.getByRole('link', { name: '差评整改' }).count()).toBe(0);
    expect(await testid(officer, 'follow-ups').count()).toBe(0);

    const page = await desk.open(leaderOf(LEAD), '#/follow-ups');
    const link = page.getByRole('link', { name: '差评整改' });
    expect(await link.getAttribute('aria-current')).toBe('page');
    await page.getByRole('heading', { name: '差评整改', level: 2 }).waitFor();
    const row = testid(page, `follow-up-${id}`);
    await row.waitFor();
    expect(await row.getAttribute('data-stage')).toBe('contacting');
    expect(await row.locator('th').textContent()).toBe(no);
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['受理 · 非常不满意', '黄牌预警', comment]);
    expect(cells[4]).toBe('待回访');
    const due = row.locator('[data-testid="follow-up-due"]');
    expect(await due.getAttribute('data-level')).toBe('yellow');
    expect(await due.locator('time').textContent()).toBe(chineseLastDay(opened.dueAt!));
    expect(await due.textContent()).toMatch(/剩 \d+ 个工作日/);
    // In the warning's colour (--warn), as the level badge.
    expect(await colourOf(due)).toBe('rgb(138, 90, 0)');
    expect(await colourOf(row.locator('[data-testid="follow-up-level"]'))).toBe('rgb(138, 90, 0)');
    expect(await unnamedControls(page)).toEqual([]);
    expect(await overflows(page)).toBe(false);

    // The row's link selects it: the contact form comes first, below the screen's heading.
    await row.getByRole('link', { name: /^回访 / }).click();
    const card = testid(page, 'follow-up');
    await card.waitFor();
    expect(await card.getAttribute('data-id')).toBe(id);
    expect(new URL(page.url()).hash).toBe(`#/follow-ups/${id}`);
    expect(await testid(page, 'follow-up-conclude').count()).toBe(0);
    expect(await card.getByRole('heading', { level: 3 }).textContent()).toBe(`${no} · 受理差评`);
    expect(await row.getAttribute('class')).toBe('highlight');
    await screenshot(page, 'follow-ups');

    // The same screen in a second window, left behind while the first records the contact.
    const stale = await desk.open(leaderOf(LEAD), `#/follow-ups/${id}`);
    await testid(stale, 'follow-up-contact').waitFor();

    const contacts = posts(page, '/contact');
    const contact = testid(page, 'follow-up-contact');
    await contact.getByRole('textbox', { name: '回访情况（必填）' }).fill('已电话联系申请人，当日窗口人手不足导致等候过久');
    await contact.getByRole('button', { name: '记录回访' }).click();
    await outcome(page, '已记录回访，请在整改时限内办结。');
    expect(contacts).toEqual([200]);
    expect(await card.getAttribute('data-stage')).toBe('rectifying');
    expect(await testid(page, 'follow-up-contact').count()).toBe(0);
    expect(await stepsOf(page)).toEqual(['opened', 'contacted']);
    expect(await testid(page, 'follow-up-steps').locator('li').last().textContent()).toContain('已电话联系申请人');
    expect((await followUpOf(id)).contactedAt).not.toBeNull();

    // The page left behind sends the contact again: refused, said as the workstation says refusals.
    await stale.getByRole('textbox', { name: '回访情况（必填）' }).fill('重复回访');
    await stale.getByRole('button', { name: '记录回访' }).click();
    const refusal = testid(stale, 'follow-up-contact-error');
    await refusal.waitFor();
    expect(await refusal.getAttribute('data-code')).toBe('wrong_stage');
    expect(await refusal.locator('strong').textContent()).toBe('操作被拒绝：');
    expect(await refusal.locator('[data-testid="refusal-text"]').textContent()).toBe('该差评已不在这一阶段（可能已有人办理），请刷新后再试。');
    expect(await refusal.locator('[data-testid="refusal-reason"]').textContent()).toContain(`${id} is rectifying`);

    // Concluded rectified: closed, out of the open list, and the API says so.
    const conclude = testid(page, 'follow-up-conclude');
    await conclude.getByRole('radio', { name: '已整改' }).check();
    await conclude.getByRole('textbox', { name: '整改或说明情况（必填）' }).fill('高峰时段增设一个受理窗口，已向申请人致歉');
    await conclude.getByRole('button', { name: '办结' }).click();
    await outcome(page, '差评已办结：已整改。');
    expect(await card.getAttribute('data-stage')).toBe('closed');
    expect(await testid(page, 'follow-up-outcome').getAttribute('data-outcome')).toBe('rectified');
    expect(await testid(page, 'follow-up-nothing').textContent()).toBe('已办结：已整改。');
    expect(await testid(page, `follow-up-${id}`).count()).toBe(0);

    const closed = await followUpOf(id);
    expect(closed).toMatchObject({ stage: 'closed', outcome: 'rectified', closedAt: expect.any(String) });
    expect(closed.steps!.map((s) => [s.step, s.actor?.id ?? null])).toEqual([
      ['opened', null],
      ['contacted', leaderOf(LEAD)],
      ['rectified', leaderOf(LEAD)],
    ]);
    expect(closed.steps![2].note).toBe('高峰时段增设一个受理窗口，已向申请人致歉');
    const { followUps: closedList } = ok<{ followUps: FollowUp[] }>(await stack.as(leaderOf(LEAD))(`/v1/follow-ups?status=closed&application=${no}`));
    expect(closedList.map((f) => f.id)).toEqual([id]);

    // In English, the same screen.
    await testid(page, 'lang-switch').click();
    await page.getByRole('heading', { name: 'Bad ratings to follow up', level: 2 }).waitFor();
    expect(await testid(page, 'follow-up-nothing').textContent()).toBe('Closed: Rectified.');
    expect(await page.getByRole('link', { name: 'Bad ratings', exact: true }).getAttribute('aria-current')).toBe('page');
    expect(await overflows(page)).toBe(false);
    expect(desk.errors).toEqual([]);
  });
});

describe('taking down a complaint at the window', () => {
  it('takes down an anonymous complaint about the window and shows its number and a receipt with the tracking code; refusals by their fields', { timeout: 120_000 }, async () => {
    const page = await desk.open(windowOf(LEAD), '#/complaint');
    await page.getByRole('heading', { name: '登记投诉', level: 2 }).waitFor();
    expect(await page.getByRole('link', { name: '登记投诉' }).getAttribute('aria-current')).toBe('page');
    const form = testid(page, 'complaint');
    expect(await form.getByRole('radio', { name: '本窗口', exact: true }).isChecked()).toBe(true);
    expect(await form.getByRole('combobox', { name: '窗口', exact: true }).inputValue()).toBe(WINDOW);
    expect(await unnamedControls(page)).toEqual([]);
    expect(await overflows(page)).toBe(false);
    expect(await tabTo(page, 'complaint-submit')).toBe(true);
    const sent = posts(page, '/v1/complaints');

    // Nothing said of what happened: the API's refusal shows by the content, which gets the focus.
    await form.getByRole('checkbox', { name: '匿名投诉（不留姓名和电话）' }).check();
    expect(await form.getByRole('textbox', { name: '姓名' }).isDisabled()).toBe(true);
    await form.getByRole('button', { name: '登记投诉' }).click();
    const contentError = form.locator('[data-field="content"] [data-testid="field-error"]');
    await contentError.waitFor();
    expect(sent).toEqual([400]);
    expect(await contentError.textContent()).toBe('至少5个字');
    const content = form.getByRole('textbox', { name: /^投诉内容/ });
    expect(await content.getAttribute('aria-invalid')).toBe('true');
    expect(await hasFocus(content)).toBe(true);
    expect(await testid(page, 'complaint-error').locator('strong').textContent()).toBe('请更正标出的内容：');
    expect(await testid(page, 'complaint-no').count()).toBe(0);
    expect(await testid(page, 'complaint-receipt').count()).toBe(0);

    const what = '窗口工作人员午休提前离岗，群众等候四十分钟';
    await content.fill(what);
    await form.getByRole('button', { name: '登记投诉' }).click();
    const number = testid(page, 'complaint-no');
    await number.waitFor();
    expect(sent).toEqual([400, 201]);
    const complaintNo = (await number.textContent())!;
    expect(complaintNo).toMatch(/^C-\d{8}-\d+$/);
    expect(await testid(page, 'complaint-recorded').textContent()).toBe(`已登记投诉 ${complaintNo}（匿名），监察人员将受理调查。请打印投诉回执交给投诉人，凭查询码查看答复。`);
    expect(await form.locator('[data-testid="field-error"]').count()).toBe(0);
    expect(await testid(page, 'complaint-error').isHidden()).toBe(true);
    expect(await content.inputValue()).toBe('');

    // The receipt (投诉回执): the number, the tracking code shown this once, and the page that follows it.
    const receipt = testid(page, 'complaint-receipt');
    await receipt.waitFor();
    expect(await receipt.getByRole('heading', { name: '投诉回执', level: 3 }).count()).toBe(1);
    expect(await testid(page, 'receipt-no').textContent()).toBe(complaintNo);
    const code = (await testid(page, 'receipt-code').textContent())!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const trackingUrl = `${stack.baseUrl}/complain/track/${code}`;
    expect(await testid(page, 'receipt-url').textContent()).toBe(trackingUrl);
    expect(await testid(page, 'receipt-url').getAttribute('href')).toBe(trackingUrl);
    expect(await receipt.locator('dt').allTextContents()).toEqual(['投诉编号', '登记时间', '登记中心', '查询码', '查询网址']);
    expect(await unnamedControls(page)).toEqual([]);
    expect(await overflows(page)).toBe(false);
    await screenshot(page, 'complaint');

    // 打印回执: the browser's print, with the rest of the page left off the paper while it prints.
    await page.evaluate(() => {
      const w = globalThis as unknown as { print: () => void; printed: boolean[]; document: { body: { classList: { contains(c: string): boolean } } } };
      w.printed = [];
      w.print = () => w.printed.push(w.document.body.classList.contains('print-receipt'));
    });
    await receipt.getByRole('button', { name: '打印回执' }).click();
    expect(await page.evaluate(() => (globalThis as unknown as { printed: boolean[] }).printed)).toEqual([true]);
    await expect.poll(() => page.locator('body.print-receipt').count()).toBe(0);
    await page.evaluate(() => (globalThis as unknown as { document: { body: { classList: { add(c: string): void } } } }).document.body.classList.add('print-receipt'));
    await page.emulateMedia({ media: 'print' });
    expect([await form.isVisible(), await page.locator('#nav').isVisible(), await receipt.isVisible(), await testid(page, 'receipt-print').isVisible()]).toEqual([false, false, true, false]);
    expect(await testid(page, 'receipt-code').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    await page.evaluate(() => (globalThis as unknown as { document: { body: { classList: { remove(c: string): void } } } }).document.body.classList.remove('print-receipt'));
    expect(await form.isVisible()).toBe(true);

    // The code opens the public tracking page, as the complainant will; it shows the reply once answered.
    const publicContext = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    desk.contexts.push(publicContext);
    const tracking = await publicContext.newPage();
    tracking.on('pageerror', (e) => desk.errors.push(e.message));
    await tracking.goto(trackingUrl);
    await expect.poll(() => testid(tracking, 'stage').getAttribute('data-stage')).toBe('received');
    expect(await testid(tracking, 'complaint-id').textContent()).toBe(complaintNo);
    expect(await testid(tracking, 'reply').isVisible()).toBe(false);
    const answer = '经调取窗口视频核查，当日午休时段确有人员提前离岗，已责令整改并调整午休轮值。';
    ok(await stack.as(supervisorOf())({ method: 'POST', url: `/v1/follow-ups/${complaintNo}/acceptance`, payload: { accepted: true, note: '受理' } }));
    ok(await stack.as(supervisorOf())({ method: 'POST', url: `/v1/follow-ups/${complaintNo}/findings`, payload: { substantiated: true, findings: '视频显示提前离岗属实', reply: answer } }));
    await tracking.reload();
    await expect.poll(() => testid(tracking, 'stage').getAttribute('data-stage')).toBe('closed');
    expect(await testid(tracking, 'outcome').getAttribute('data-outcome')).toBe('substantiated');
    expect(await testid(tracking, 'reply').textContent()).toBe(answer);

    const complaint = await followUpOf(complaintNo, supervisorOf());
    expect(complaint).toMatchObject({
      kind: 'complaint',
      stage: 'closed',
      anonymous: true,
      channel: 'window',
      complainant: null,
      content: what,
      subject: { kind: 'window', windowCode: WINDOW },
    });

    // Named, about an officer at the window, with a phone that is no phone: shown by the phone.
    await form.getByRole('radio', { name: '本窗口的工作人员' }).check();
    const officers = form.getByRole('combobox', { name: '被投诉的工作人员' });
    expect(await officers.locator('option').evaluateAll((options) => options.map((o) => o.getAttribute('value')))).toContain(windowOf(LEAD));
    await officers.selectOption(windowOf(LEAD));
    await form.getByRole('checkbox', { name: '匿名投诉（不留姓名和电话）' }).uncheck();
    await content.fill('办理时态度生硬，不解释需要补正的材料');
    await form.getByRole('textbox', { name: '姓名' }).fill('黄先生');
    await form.getByRole('textbox', { name: '联系电话（可选）' }).fill('call me');
    await form.getByRole('button', { name: '登记投诉' }).click();
    const phoneError = form.locator('[data-field="complainant.phone"] [data-testid="field-error"]');
    await phoneError.waitFor();
    expect(await phoneError.textContent()).toBe('格式不对');
    expect(await form.locator('[data-testid="field-error"]').count()).toBe(1);
    expect(await testid(page, 'complaint-recorded').textContent()).toBe('');
    // The last receipt stays until the next complaint is taken down: its code cannot be had again.
    expect(await testid(page, 'receipt-code').textContent()).toBe(code);

    await form.getByRole('textbox', { name: '联系电话（可选）' }).fill('0771-5551234');
    await form.getByRole('button', { name: '登记投诉' }).click();
    await expect.poll(() => testid(page, 'complaint-no').textContent()).not.toBe(complaintNo);
    const namedNo = (await testid(page, 'complaint-no').textContent())!;
    expect(await testid(page, 'receipt-no').textContent()).toBe(namedNo);
    const namedCode = (await testid(page, 'receipt-code').textContent())!;
    expect(namedCode).not.toBe(code);
    expect(ok<{ id: string }>(await stack.app.inject(`/v1/public/complaints/${namedCode}`)).id).toBe(namedNo);
    const named = await followUpOf(namedNo, supervisorOf());
    expect(named).toMatchObject({ anonymous: false, subject: { kind: 'officer', officerId: windowOf(LEAD) }, complainant: { name: '黄先生', phone: '0771-5551234' } });

    // An application number nobody knows: shown by the number.
    await form.getByRole('radio', { name: '某个办件（按申请编号）' }).check();
    expect(await form.getByRole('combobox', { name: '被投诉的工作人员' }).count()).toBe(0);
    await form.getByRole('textbox', { name: '申请编号' }).fill('450100-20000101-999999');
    await content.fill('办件一直没有进展，也无人答复');
    await form.getByRole('checkbox', { name: '匿名投诉（不留姓名和电话）' }).check();
    await form.getByRole('button', { name: '登记投诉' }).click();
    const applicationError = form.locator('[data-field="subject.applicationNo"] [data-testid="field-error"]');
    await applicationError.waitFor();
    expect(await applicationError.textContent()).toBe('no application 450100-20000101-999999');
    expect(sent).toEqual([400, 201, 400, 201, 400]);

    // In English, the same form.
    await testid(page, 'lang-switch').click();
    await page.getByRole('heading', { name: 'Take down a complaint', level: 2 }).waitFor();
    expect(await testid(page, 'complaint').getByRole('radio', { name: 'This window', exact: true }).isChecked()).toBe(true);
    // The receipt is still there, in English: a change of language does not lose the code.
    expect(await testid(page, 'complaint-receipt').getByRole('heading', { name: 'Complaint receipt', level: 3 }).count()).toBe(1);
    expect(await testid(page, 'receipt-code').textContent()).toBe(namedCode);
    expect(await overflows(page)).toBe(false);
    expect(desk.errors).toEqual([]);
  });
});

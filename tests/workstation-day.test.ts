/**
 * A day at the window, all through the browser against the real stack served over HTTP, each person in
 * their own browser, signed in through the local identity provider: a walk-in consultation becomes an
 * application of a joint item (二手房转移登记: natural resources, taxation and housing construction review
 * in parallel); intake is refused for a missing material; the window asks for it at once and the
 * 一次性告知书 it links to names exactly that material; files the API refuses are not listed; the
 * material arrives as a file and as the supplement; accepted (受理通知书); taxation's chief representative,
 * housing construction's leader and natural resources' chief representative approve; the window hands
 * the result over with the 准予行政许可决定书's number and licence number. Those who do not handle the
 * application cannot download its files.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exe, pdf, zip } from './support/files.js';
import { type Stack, chiefOf, leaderOf, materialsOf, startStack, supervisorOf, uniqueIdNumber, windowOf } from './support/stack.js';
import { ok, windowActions } from './support/window.js';
import { Desk, launchChromium, outcome, screenshot, stageOf, tabTo, testid, unnamedControls } from './support/workstation.js';
import { pdfText } from './support/pdf.js';

const ITEM = 'second-hand-house-transfer'; // 存量房转移登记: one step, three departments in parallel
const LEAD = 'natural_resources';
const DEPARTMENTS = ['natural_resources', 'taxation', 'housing_construction'];
const DECISION_NO = /^450100许决〔\d{4}〕第\d{6}号$/;
const LICENCE_NO = /^XK-450100-\d{4}-\d{6}$/;

let stack: Stack;
let desk: Desk;
const actions = windowActions(() => stack);
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  stack = await startStack({ signIn: true, payments: true });
  browser = await launchChromium();
  desk = new Desk(browser, stack.baseUrl);
});

afterAll(async () => {
  await desk?.close();
  await browser?.close();
  await stack?.close();
});

const required = materialsOf(ITEM);
const forgotten = required.at(-1)!;
let no = '';
let windowPage: Page;
let attachmentUrl = '';

/** The application as the API has it, read as the window officer. */
const view = async <T>() => ok<T>(await stack.as(windowOf(LEAD))(`/v1/applications/${no}`));

/** Opens a deciding officer's inbox once the review is in it, and the decision screen from there. */
async function decisionScreen(officerId: string, department: string): Promise<Page> {
  await expect.poll(async () => ok<{ tasks: { applicationNo: string }[] }>(await stack.as(officerId)(`/v1/departments/${department}/inbox`)).tasks.map((t) => t.applicationNo)).toContain(no);
  const page = await desk.open(officerId);
  await page.getByRole('heading', { name: '待审批', level: 2 }).waitFor();
  await page.getByRole('link', { name: no }).click();
  await page.getByRole('heading', { name: `审批 ${no}` }).waitFor();
  return page;
}

describe('a day at the window, each person in their own signed-in browser', () => {
  it('turns a walk-in consultation into an application; accepting without a material is refused, naming it', { timeout: 120_000 }, async () => {
    // The portal's applications of the night wait in the queue, one of them without a material.
    const overnight = [await actions.submit({ itemCode: ITEM }), await actions.submit({ itemCode: ITEM, materials: required.slice(1) })];
    windowPage = await desk.open(windowOf(LEAD));
    const page = windowPage;
    await expect.poll(() => testid(page, 'whoami').textContent()).toContain('窗口工作人员');
    await page.getByRole('heading', { name: '窗口待办', level: 2 }).waitFor();
    for (const waiting of overnight) expect(await testid(page, `queue-${waiting}`).getAttribute('data-task')).toBe('intake');
    expect(await testid(page, `queue-${overnight[1]}`).textContent()).toContain(`缺：${required[0]}`);

    // 咨询: the walk-in asks; the officer records it and becomes the first responsible (首问负责制).
    await page.getByRole('link', { name: '咨询登记' }).click();
    await page.getByRole('heading', { name: /咨询登记/ }).waitFor();
    await page.getByRole('combobox', { name: '事项' }).selectOption(ITEM);
    await page.getByRole('textbox', { name: '咨询内容' }).fill('买二手房办理过户需要哪些材料？');
    await page.getByRole('textbox', { name: '咨询人姓名' }).fill('黄志明');
    await page.getByRole('button', { name: '登记咨询' }).click();
    await expect.poll(() => testid(page, 'consult-recorded').textContent()).toMatch(/已登记咨询 #\d+/);

    // …and applies on the spot, without the last required material.
    expect(await page.getByRole('textbox', { name: '申请人名称' }).inputValue()).toBe('黄志明');
    await page.getByRole('textbox', { name: '身份证号或统一社会信用代码' }).fill(uniqueIdNumber());
    for (const material of required.slice(0, -1)) await page.getByRole('checkbox', { name: material }).check();
    await screenshot(page, 'consultation');
    await page.getByRole('button', { name: '提交申请' }).click();
    await testid(page, 'application-no').waitFor();
    no = (await testid(page, 'application-no').textContent())!;
    expect(no).toMatch(/^450100-\d{8}-\d{6}$/);
    expect(await stageOf(page)).toBe('submitted');
    expect(await page.locator('.facts').textContent()).toContain(windowOf(LEAD)); // the consultation's officer is responsible
    expect(await testid(page, 'documents').textContent()).toContain('尚无文书');

    // Ticking the forgotten material does not hand it in: accepting is refused, naming it.
    const box = page.getByRole('checkbox', { name: forgotten });
    expect(await box.isChecked()).toBe(false);
    await box.check();
    await page.getByRole('button', { name: '受理', exact: true }).click();
    const refusal = testid(page, 'accept-error');
    await refusal.waitFor();
    expect(await refusal.getAttribute('data-code')).toBe('missing_materials');
    expect(await refusal.textContent()).toContain('不能受理，缺少以下必需材料');
    expect(await testid(page, 'missing-list').textContent()).toBe(forgotten);
    expect(await refusal.textContent()).not.toContain('null');
    expect(await stageOf(page)).toBe('submitted');
    expect(await unnamedControls(page)).toEqual([]);
    await screenshot(page, 'intake');
    await box.uncheck();
  });

  it('asks for it at once: the 一次性告知书 it links to names exactly that material', { timeout: 120_000 }, async () => {
    const page = windowPage;
    await page.getByRole('button', { name: '一次性告知' }).click();
    await outcome(page, '已一次性告知');
    expect(await stageOf(page)).toBe('supplement_requested');
    expect(await testid(page, 'requested-materials').textContent()).toContain(forgotten);

    const notice = testid(page, 'document-supplement_notice');
    expect(await notice.count()).toBe(1);
    expect(await notice.getByRole('link').textContent()).toBe('一次性告知书');
    expect(await notice.locator('[data-testid="document-number"]').textContent()).toMatch(/^450100补告〔\d{4}〕第\d{6}号$/);
    const link = notice.getByRole('link');
    expect(await link.getAttribute('target')).toBe('_blank');
    await screenshot(page, 'supplement');

    // The PDF the page links to, with the window officer's session cookie from their browser.
    const answer = await page.context().request.get(new URL((await link.getAttribute('href'))!, stack.baseUrl).href);
    expect(answer.status()).toBe(200);
    expect(answer.headers()['content-type']).toBe('application/pdf');
    const text = await pdfText(await answer.body());
    expect(text).toContain('一次性告知书');
    expect(text).toContain(no);
    // The list between "如下：" and the closing paragraph is that one material, and no other.
    expect(text.split('全部材料如下：')[1]?.split('请补齐')[0]).toBe(`1.${forgotten}`);
    for (const other of required.slice(0, -1)) expect(text).not.toContain(other);
  });

  it('refuses files that are not PDF, JPEG, PNG or OFD, listing nothing, and takes the material as a PDF with the supplement', { timeout: 120_000 }, async () => {
    const page = windowPage;
    const row = page.locator(`tr[data-material="${forgotten}"]`);
    const input = row.getByLabel(`上传附件：${forgotten}`);
    for (const file of [
      { name: '婚姻状况证明.exe', mimeType: 'application/x-msdownload', buffer: exe() },
      { name: '婚姻状况证明.pdf', mimeType: 'application/pdf', buffer: zip({ 'readme.txt': 'not a PDF' }) },
    ]) {
      await input.setInputFiles(file);
      await row.getByRole('button', { name: '上传', exact: true }).click();
      const error = row.locator('[data-testid="upload-error"]');
      await expect.poll(() => error.getAttribute('data-code')).toBe('unsupported_type');
      expect(await error.locator('[data-testid="refusal-text"]').textContent()).toContain('文件类型不支持：只接受 PDF、JPEG、PNG 或 OFD 文件');
      expect(await error.locator('[data-testid="refusal-reason"]').textContent()).toMatch(/allowed are PDF, JPEG, PNG, OFD/);
      expect(await error.textContent()).toMatch(/^操作失败：文件类型不支持/);
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
      expect(await row.locator('[data-testid="no-attachments"]').count()).toBe(1);
    }
    expect(ok<{ attachments: unknown[] }>(await stack.as(windowOf(LEAD))(`/v1/applications/${no}/attachments`)).attachments).toEqual([]);

    // The applicant brings it: the window uploads the scan and receives the supplement.
    const scan = pdf('Marriage certificate');
    await input.setInputFiles({ name: '婚姻状况证明.pdf', mimeType: 'application/pdf', buffer: scan });
    await row.getByRole('button', { name: '上传', exact: true }).click();
    await outcome(page, '附件已上传');
    const file = row.locator('[data-testid="attachment"]');
    expect(await file.textContent()).toBe('婚姻状况证明.pdf');
    expect(await row.locator('[data-testid="attachment-list"]').textContent()).toContain(`上传人`);
    attachmentUrl = new URL((await file.getAttribute('href'))!, stack.baseUrl).href;
    const download = await page.context().request.get(attachmentUrl);
    expect(download.status()).toBe(200);
    expect(Buffer.from(await download.body()).equals(scan)).toBe(true);

    await page.getByRole('button', { name: '接收补正' }).click();
    await outcome(page, '已接收补正材料');
    expect(await stageOf(page)).toBe('submitted');
    expect(await page.getByRole('checkbox', { name: forgotten }).isChecked()).toBe(true);

    // Accepted with the keyboard alone: Tab to the button, Enter. The 受理通知书 is listed.
    expect(await tabTo(page, 'accept-submit')).toBe(true);
    await page.keyboard.press('Enter');
    await outcome(page, '已受理');
    expect(await stageOf(page)).toBe('in_review');
    const acceptance = testid(page, 'document-acceptance_notice');
    expect(await acceptance.getByRole('link').textContent()).toBe('受理通知书');
    expect(await acceptance.locator('[data-testid="document-number"]').textContent()).toMatch(/^450100受通〔\d{4}〕第\d{6}号$/);
    // The limits show their last working day and what is left in working days and hours.
    expect(await testid(page, 'promised-due').textContent()).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日$/);
    expect(await page.locator('.facts').textContent()).toMatch(/剩 \d+ 个工作日 \d+ 小时/);
    const { deadlines } = await view<{ deadlines: { promisedDueAt: string } }>();
    const lastDay = new Date(Date.parse(deadlines.promisedDueAt) - 1 + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(await testid(page, 'promised-due').getAttribute('datetime')).toBe(lastDay);
  });

  it('lets only those who handle the application download its files', { timeout: 120_000 }, async () => {
    // Another department's window at the centre, the same department at another centre, a supervisor.
    for (const officerId of [windowOf('market_regulation'), windowOf(LEAD, '450200'), supervisorOf()]) {
      const page = await desk.open(officerId);
      const answer = await page.context().request.get(attachmentUrl);
      expect(answer.status(), officerId).toBe(403);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('forbidden');
      await page.context().close();
    }
  });

  it('has each department decide: a chief representative, a department leader, and the lead department', { timeout: 180_000 }, async () => {
    const chief = await decisionScreen(chiefOf('taxation'), 'taxation');
    expect(await testid(chief, 'reviews').locator('tr[data-status="open"]').count()).toBe(3);
    expect(await chief.locator('tr[data-material] [data-testid="attachment"]').textContent()).toBe('婚姻状况证明.pdf');
    await chief.getByRole('textbox', { name: '附加条件（可选）' }).fill('缴清契税后发证');
    expect(await unnamedControls(chief)).toEqual([]);
    await screenshot(chief, 'decision');
    await chief.getByRole('button', { name: '准予', exact: true }).click();
    await outcome(chief, '已准予');
    expect(await testid(chief, 'reviews').locator('tr[data-department="taxation"]').getAttribute('data-status')).toBe('approved');
    expect(await chief.getByRole('button', { name: '准予', exact: true }).count()).toBe(0);

    // A department leader decides as well as the chief representative (and alone decides a major item).
    const leader = await decisionScreen(leaderOf('housing_construction'), 'housing_construction');
    await leader.getByRole('button', { name: '准予', exact: true }).click();
    await outcome(leader, '已准予');

    const lead = await decisionScreen(chiefOf(LEAD), LEAD);
    await lead.getByRole('button', { name: '准予', exact: true }).click();
    await outcome(lead, '已准予');
    expect(await stageOf(lead)).toBe('completed');
    const statuses = await testid(lead, 'reviews').locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { department: string; status: string } }).dataset));
    expect(statuses.map((s) => `${s.department}:${s.status}`).sort()).toEqual(DEPARTMENTS.map((d) => `${d}:approved`).sort());
    expect(await testid(lead, 'reviews').textContent()).toContain('缴清契税后发证');
  });

  it('hands the result over: the 准予行政许可决定书 with its number and licence number, recorded at pickup', { timeout: 120_000 }, async () => {
    const page = windowPage;
    // 存量房转移登记 charges the registration fee, assessed once approved and paid before the result is handed over.
    const fee = ok<{ paymentCode: string }>(
      await stack.as(windowOf(LEAD))({ method: 'POST', url: `/v1/applications/${no}/fees/assessment`, payload: { lines: [{ code: 'registration-residential', quantity: 1 }] } }),
    );
    await stack.payments!.pay(fee.paymentCode);
    await expect.poll(async () => ok<{ status: string }>(await stack.as(windowOf(LEAD))(`/v1/applications/${no}/fees`)).status, { timeout: 20_000 }).toBe('paid');
    await page.getByRole('link', { name: '窗口待办', exact: true }).click();
    const row = testid(page, `queue-${no}`);
    await expect.poll(async () => {
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
      return row.count();
    }).toBe(1);
    expect(await row.getAttribute('data-task')).toBe('pickup');
    await screenshot(page, 'window-queue');
    await row.getByRole('link', { name: no }).click();
    await testid(page, 'pickup').waitFor();

    const decision = testid(page, 'document-approval_decision');
    expect(await decision.getByRole('link').textContent()).toBe('准予行政许可决定书');
    const number = (await decision.locator('[data-testid="document-number"]').textContent())!;
    const licence = (await decision.locator('[data-testid="document-licence"]').textContent())!;
    expect(number).toMatch(DECISION_NO);
    expect(licence).toMatch(LICENCE_NO);
    expect(await page.getByRole('textbox', { name: '证照编号' }).getAttribute('placeholder')).toBe(licence);

    // The decision's PDF says the same.
    const answer = await page.context().request.get(new URL((await decision.getByRole('link').getAttribute('href'))!, stack.baseUrl).href);
    expect(answer.status()).toBe(200);
    const text = await pdfText(await answer.body());
    expect(text).toContain(number);
    expect(text).toContain(licence);

    await page.getByRole('textbox', { name: '领取人' }).fill('黄志明');
    await page.getByRole('checkbox', { name: '已核验领取人身份证件' }).check();
    await page.getByRole('button', { name: '确认发放' }).click();
    await outcome(page, '已发放');
    expect(await stageOf(page)).toBe('picked_up');
    expect(await page.locator('.facts').textContent()).toContain(`黄志明 · ${licence}`);
    expect(await testid(page, 'document-approval_decision').locator('[data-testid="document-licence"]').textContent()).toBe(licence);
    await screenshot(page, 'pickup');

    // The licence number left blank is the approval's, recorded with the handover.
    const { handover } = await view<{ handover: object }>();
    expect(handover).toMatchObject({ recipient: '黄志明', idChecked: true, licenceNo: licence, officer: { id: windowOf(LEAD) } });
    expect(desk.errors).toEqual([]);
  });
});

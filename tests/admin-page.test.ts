/**
 * The administration page (/admin) in a real browser (Debian's Chromium through playwright-core) against
 * the real stack over HTTP, each administrator signed in through the local identity provider: the
 * region's administrator edits an item (a promised limit and a material), sees the new version and the
 * old one still readable, is told in Chinese beside the field when the promised limit passes the
 * statutory one, and loads a regional notice; a city's system administrator adds a window and creates
 * a local item, and its security administrator an officer there; each of the three administrators (三员)
 * sees only their own screens (the security administrator officers and keys, the audit administrator
 * the audit trail with the grants in it); a window officer is told the page is for administrators.
 * The item's fee schedule (收费标准，核定): the seeded one loads and saves back unchanged; one added in the
 * page is saved in whole fen from the yuan typed; an amount the page cannot read is refused before
 * anything is sent; the API's refusals of a schedule land on the line's inputs.
 * Screenshots for the README only with SCREENSHOTS=1 (web/admin/screenshots/).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feeSchedule } from '../db/item-definition.js';
import { signIn } from './support/signin.js';
import { type Stack, adminOf, auditorOf, securityOf, startStack, windowOf } from './support/stack.js';
import { launchChromium, testid } from './support/workstation.js';

const SHOTS = path.resolve(import.meta.dirname, '../web/admin/screenshots');
const SCREENSHOTS = process.env.SCREENSHOTS === '1';

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];
const errors: string[] = [];

beforeAll(async () => {
  stack = await startStack({ signIn: true, worker: false });
  browser = await launchChromium();
  if (SCREENSHOTS) mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await stack?.close();
});

/** A browser for the officer, signed in and on /admin at `hash`, the screen drawn. */
async function openAs(officerId: string, hash = ''): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && !/status of 40[0139]/.test(m.text()) && errors.push(m.text()));
  await signIn(page, stack.baseUrl, officerId, `/admin${hash}`);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

/** Waits for the screen at `hash` to be drawn. */
async function go(page: Page, hash: string) {
  await page.evaluate((h) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = h;
  }, hash);
  await page.waitForSelector('body[data-ready="true"]');
}

/** A screenshot for the README, with SCREENSHOTS=1 only: the window as seen, or the whole page (a long form). */
async function screenshot(page: Page, name: string, fullPage = false) {
  if (!SCREENSHOTS) return;
  await page.evaluate(() => (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts.ready);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

/** An item of the test's own in the regional catalogue: market regulation, promised in 8 of 15 working days. */
async function createItem(): Promise<string> {
  const code = `test-admin-${randomUUID().slice(0, 8)}`;
  const res = await stack.as(adminOf())({
    method: 'POST',
    url: '/v1/items',
    payload: {
      code,
      name: `测试食品小作坊登记 ${code.slice(-8)}`,
      nameEn: `Test workshop registration ${code}`,
      department: 'market_regulation',
      kind: 'promised',
      levels: ['region', 'city', 'county'],
      legalBasis: '《广西壮族自治区食品小作坊小餐饮和食品摊贩管理条例》',
      statutoryLimitDays: 15,
      promisedLimitDays: 8,
      materials: [
        { name: '登记申请书', required: true },
        { name: '健康证明', required: true },
      ],
      fees: [{ name: '不收费', amount: '0', basis: '—' }],
      steps: [{ name: '审查', departments: [{ code: 'market_regulation', promisedLimitDays: 8 }] }],
    },
  });
  expect(res.statusCode).toBe(201);
  return code;
}

const field = (page: Page, path: string) => page.locator(`[data-field="body.${path}"]`);

/** The input (or select) of a fee schedule's field, by its path below body.feeSchedule. */
const feeInput = (page: Page, path: string) => field(page, `feeSchedule.${path}`).locator('input, select, textarea').first();

/** The seed's fee schedule of an item (db/seed/items.json). */
/** The seed's schedule as the catalogue keeps it (with the defaults it did not spell out). */
function seededSchedule(code: string): unknown {
  const seed = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../db/seed/items.json'), 'utf8'));
  return feeSchedule.parse((seed.items ?? seed).find((item: { code: string }) => item.code === code).feeSchedule);
}

const BASIS = '《测试收费标准的通知》（测价〔2026〕1号）';

describe('the administration page', () => {
  it('the region’s administrator edits an item: version 2 is listed, version 1 still readable; an invalid limit is refused beside its field in Chinese', { timeout: 120_000 }, async () => {
    const code = await createItem();
    const page = await openAs(adminOf(), '#/items');
    expect(await page.title()).toBe('政务服务业务通用软件 · 管理');
    await expect.poll(() => testid(page, 'whoami').textContent()).toContain('450000-admin');
    await testid(page, 'item-company-startup').waitFor();
    await screenshot(page, 'items');
    await testid(page, 'item-search').fill(code);
    await testid(page, 'item-search').press('Enter');
    await expect.poll(() => testid(page, 'items').locator('tbody tr').count()).toBe(1);

    await testid(page, `item-${code}`).getByRole('link').click();
    await testid(page, 'item-form').waitFor();
    expect(await testid(page, 'item-owner').textContent()).toContain('自治区目录');
    await field(page, 'promisedLimitDays').locator('input').fill('6');
    await field(page, 'steps.0.departments.0.promisedLimitDays').locator('input').fill('6');
    await testid(page, 'material-row').nth(1).locator('input[name="materialName"]').fill('健康证明（从业人员）');
    await testid(page, 'add-material').click();
    await testid(page, 'material-row').nth(2).locator('input[name="materialName"]').fill('场所平面图');
    await testid(page, 'material-row').nth(2).locator('input[name="materialRequired"]').uncheck();
    await field(page, 'category').locator('select').selectOption('licensing');
    await testid(page, 'item-save').click();
    await expect.poll(() => testid(page, 'flash').textContent()).toBe('已保存：第2版');
    expect(await testid(page, 'version-2').textContent()).toContain('当前版本');
    await testid(page, 'version-1').waitFor();
    await screenshot(page, 'item', true);

    const saved = (await stack.as(adminOf())(`/v1/items/${code}`)).json();
    expect(saved.version).toBe(2);
    expect(saved.definition).toMatchObject({
      promisedLimitDays: 6,
      steps: [{ departments: [{ code: 'market_regulation', promisedLimitDays: 6 }] }],
      materials: [
        { name: '登记申请书', required: true },
        { name: '健康证明（从业人员）', required: true },
        { name: '场所平面图', required: false },
      ],
    });

    // The earlier version, as it was: read-only.
    await testid(page, 'view-version-1').click();
    await testid(page, 'old-version').waitFor();
    expect(await testid(page, 'old-version').textContent()).toContain('第1版');
    expect(await field(page, 'promisedLimitDays').locator('input').inputValue()).toBe('8');
    expect(await testid(page, 'material-row').nth(1).locator('input').first().inputValue()).toBe('健康证明');
    expect(await testid(page, 'item-save').count()).toBe(0);

    // A promised limit beyond the statutory one: refused, said beside the field in Chinese, nothing saved.
    await go(page, `#/items/${code}`);
    await testid(page, 'item-save').waitFor();
    await field(page, 'promisedLimitDays').locator('input').fill('20');
    await testid(page, 'item-save').click();
    const error = field(page, 'promisedLimitDays').locator('[data-testid="field-error"]');
    await error.waitFor();
    expect(await error.textContent()).toBe('承诺办结时限不能超过法定办结时限（15个工作日）');
    expect(await field(page, 'promisedLimitDays').locator('input').getAttribute('aria-invalid')).toBe('true');
    expect(await testid(page, 'item-error').textContent()).toContain('未能保存');
    await page.locator('[data-field="body.promisedLimitDays"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'item-invalid');
    expect((await stack.as(adminOf())(`/v1/items/${code}`)).json().version).toBe(2);

    // The change log names the administrator and the versions.
    await go(page, '#/changes/item');
    const rows = page.locator(`[data-testid="change"][data-key="${code}"]`);
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().textContent()).toContain('修改');

    // In English too, the language being the workstation's choice.
    await testid(page, 'lang-switch').click();
    await expect.poll(() => page.locator('#nav').textContent()).toContain('Change log');
    await expect.poll(() => page.locator('main h2').textContent()).toBe('Change log');
    await testid(page, 'lang-switch').click();
  });

  it('the region’s administrator loads a regional notice for a year and sees it in the calendar', { timeout: 120_000 }, async () => {
    // A year no other test loads, so the notice is this test's own.
    const year = 2060 + Math.floor(Math.random() * 30);
    const page = await openAs(adminOf(), '#/calendar');
    const form = testid(page, 'regional-form');
    await form.locator('input[name="year"]').fill(String(year));
    await form.locator('input[name="source"]').fill(`广西壮族自治区人民政府办公厅关于${year}年广西三月三放假的通知`);
    await form.locator('textarea[name="daysOff"]').fill(`${year}-04-02 三月三\n${year}-04-03 三月三`);
    await testid(page, 'regional-form-submit').click();
    await expect.poll(() => testid(page, 'flash').textContent()).toBe(`已载入：${year}年，放假2天，调休上班0天`);
    expect(await testid(page, 'notices').textContent()).toContain(`关于${year}年广西三月三放假的通知`);
    const day = page.locator(`[data-testid="calendar-days"] tr[data-day="${year}-04-02"][data-scope="450000"]`);
    expect(await day.textContent()).toContain('三月三');
    expect(await day.textContent()).toContain('放假');
    expect(page.url()).toContain(`#/calendar/${year}`);

    // A bad line is refused by the page beside its field.
    await form.locator('textarea[name="daysOff"]').fill('明天 放假');
    await testid(page, 'regional-form-submit').click();
    expect(await form.locator('[data-testid="field-error"]').textContent()).toBe('第1行格式应为“年-月-日 名称”');
    await go(page, '#/calendar/2026');
    await page.locator('[data-testid="calendar-days"] tr[data-scope="450000"]').first().waitFor();
    await screenshot(page, 'calendar');
  });

  it('a city’s system administrator adds a window, its security administrator an officer there, and the system administrator creates a local item', { timeout: 120_000 }, async () => {
    const suffix = randomUUID().slice(0, 6);
    const windowCode = `450100-test-${suffix}`;
    const officerId = `450100-test-${suffix}-officer`;
    const page = await openAs(adminOf('450100'), '#/organisation');
    expect(await testid(page, 'centre-tree').textContent()).toContain('兴宁区政务服务中心');
    // Officers and keys are not the system administrator's: neither screen nor button is shown.
    expect(await page.locator('#nav a').allTextContents()).toEqual(['事项', '组织', '摄像机', '日历', '变更记录']);
    expect(await testid(page, 'new-officer').count()).toBe(0);
    expect(await testid(page, 'officers').count()).toBe(0);

    await testid(page, 'new-window').click();
    const windowForm = testid(page, 'window-form');
    await windowForm.locator('input[name="code"]').fill(windowCode);
    await windowForm.locator('input[name="name"]').fill(`测试窗口 ${suffix}`);
    await windowForm.locator('select[name="departmentCode"]').selectOption('market_regulation');
    await testid(page, 'window-form-submit').click();
    await expect.poll(() => testid(page, 'flash').textContent()).toBe(`窗口已保存：${windowCode}`);
    expect(await testid(page, `window-${windowCode}`).textContent()).toContain(`测试窗口 ${suffix}`);
    await screenshot(page, 'organisation');

    const security = await openAs(securityOf('450100'), '#/officers');
    expect(await security.locator('#nav a').allTextContents()).toEqual(['人员与角色', '接入密钥', '变更记录']);
    // At its own centre it grants window roles only, and its own record has no edit button.
    expect(await testid(security, `officer-${securityOf('450100')}`).locator('button').count()).toBe(0);
    await testid(security, 'new-officer').click();
    const officerForm = testid(security, 'officer-form');
    expect(await officerForm.locator('select[name="role"] option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value))).toEqual([
      'window_officer',
      'chief_representative',
      'department_leader',
    ]);
    await officerForm.locator('input[name="id"]').fill(officerId);
    await officerForm.locator('input[name="name"]').fill('测试窗口人员');
    await officerForm.locator('select[name="departmentCode"]').selectOption('market_regulation');
    await officerForm.locator('select[name="windowCode"]').selectOption(windowCode);
    await screenshot(security, 'officers');
    await testid(security, 'officer-form-submit').click();
    await expect.poll(() => testid(security, 'flash').textContent()).toBe(`工作人员已保存：${officerId}`);
    expect(await testid(security, `officer-${officerId}`).textContent()).toContain(`测试窗口 ${suffix}`);
    expect((await stack.as(adminOf('450100'))(`/v1/officers?window=${windowCode}`)).json().officers).toEqual([
      expect.objectContaining({ id: officerId, role: 'window_officer', centreCode: '450100', windowCode }),
    ]);

    // A local item of Nanning: offered at city and county centres there.
    const code = `test-local-${suffix}`;
    await go(page, '#/items/new');
    expect(await page.locator('main').textContent()).toContain('本级事项（南宁市政务服务中心）');
    await field(page, 'code').locator('input').fill(code);
    await field(page, 'name').locator('input').fill('南宁市测试本级事项');
    await field(page, 'nameEn').locator('input').fill('Nanning local test item');
    await field(page, 'legalBasis').locator('textarea').fill('南宁市测试规定');
    await testid(page, 'material-row').first().locator('input[name="materialName"]').fill('申请书');
    await field(page, 'department').locator('select').selectOption('market_regulation');
    await page.locator('[data-field="body.steps.0.departments.0.code"] select').selectOption('market_regulation');
    await testid(page, 'item-save').click();
    await testid(page, 'item-owner').waitFor();
    expect(await testid(page, 'item-owner').textContent()).toBe(`${code} · 本级事项（南宁市政务服务中心）`);
    expect((await stack.as(adminOf('450100'))(`/v1/items/${code}`)).json()).toMatchObject({ version: 1, ownerCentre: '450100' });
  });

  it('the security administrator grants and revokes an integrator key; the audit administrator reads both grants in the audit trail', { timeout: 120_000 }, async () => {
    const name = `测试门户 ${randomUUID().slice(0, 6)}`;
    const security = await openAs(securityOf('450100'), '#/keys');
    const form = testid(security, 'key-form');
    await form.locator('input[name="name"]').fill(name);
    await testid(security, 'key-form-submit').click();
    await testid(security, 'new-key').waitFor();
    expect(await testid(security, 'new-key').textContent()).toMatch(/ow_[0-9a-f]{12}_/);
    const { keys } = (await stack.as(securityOf('450100'))('/v1/integrators')).json();
    const key = keys.find((k: { name: string }) => k.name === name);
    await testid(security, `revoke-${key.id}`).click();
    await expect.poll(() => testid(security, 'flash').textContent()).toBe(`密钥已吊销：${key.id}`);
    await screenshot(security, 'keys');

    const auditor = await openAs(auditorOf('450100'));
    expect(await auditor.locator('#nav a').allTextContents()).toEqual(['审计记录', '变更记录']);
    const targets = await testid(auditor, 'audit').locator('tbody tr td:nth-child(4)').allTextContents();
    expect(targets).toContain(`key ${key.id} granted to ${name} at 450100`);
    expect(targets).toContain(`key ${key.id} of ${name} revoked`);
    await screenshot(auditor, 'audit');
    // Another administrator's screen asked by its address is not drawn.
    await go(auditor, '#/keys');
    expect(await testid(auditor, 'keys').count()).toBe(0);
    expect(await testid(auditor, 'audit').count()).toBe(1);
  });

  it('a window officer is told the page is for administrators', { timeout: 60_000 }, async () => {
    const page = await openAs(windowOf('market_regulation'));
    expect(await testid(page, 'other-role').textContent()).toContain('管理页面仅供系统管理员、安全管理员和审计管理员使用；您的角色是窗口工作人员。');
    expect(await page.locator('#nav').isHidden()).toBe(true);
    // The page's files are served; the README's screenshots beside them are not.
    expect((await fetch(`${stack.baseUrl}/admin/admin.css`)).status).toBe(200);
    expect((await fetch(`${stack.baseUrl}/admin/screenshots/items.png`)).status).toBe(404);
  });

  it('the seeded fee schedule of 不动产首次登记 loads into the editor and is saved back unchanged', { timeout: 120_000 }, async () => {
    const code = 'real-estate-first-registration';
    const seeded = seededSchedule(code);
    const before = (await stack.as(adminOf())(`/v1/items/${code}`)).json();
    expect(before.definition.feeSchedule).toEqual(seeded);
    const page = await openAs(adminOf(), `#/items/${code}`);
    await testid(page, 'fee-schedule').waitFor();
    expect(await feeInput(page, 'assessAt').inputValue()).toBe('decision');
    expect(await feeInput(page, 'assessedBy').inputValue()).toBe('window');
    expect(await feeInput(page, 'paymentLimitDays').inputValue()).toBe('15');
    expect(await feeInput(page, 'reminderDays').inputValue()).toBe('3');
    expect(await feeInput(page, 'payBeforePickup').isChecked()).toBe(true);
    expect(await testid(page, 'fee-line').count()).toBe(3);
    expect(await feeInput(page, 'lines.0.code').inputValue()).toBe('registration-residential');
    expect(await feeInput(page, 'lines.0.optional').isChecked()).toBe(true);
    expect(await feeInput(page, 'lines.0.standard.amountFen').inputValue()).toBe('80');
    expect(await feeInput(page, 'lines.1.standard.amountFen').inputValue()).toBe('550');
    expect(await feeInput(page, 'lines.2.standard').inputValue()).toBe('per_unit');
    expect(await feeInput(page, 'lines.2.standard.unit').inputValue()).toBe('本');
    expect(await feeInput(page, 'lines.2.standard.unitFen').inputValue()).toBe('10');
    expect(await feeInput(page, 'lines.2.standard.freeUnits').inputValue()).toBe('1');
    expect(await feeInput(page, 'lines.2.basis.article').inputValue()).toBe('');
    expect(await feeInput(page, 'reductions.0.percent').inputValue()).toBe('100');
    expect(await feeInput(page, 'reductions.0.lines').inputValue()).toBe('registration-residential, registration-non-residential');
    await testid(page, 'fee-schedule').evaluate((node) => node.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'item-fee-schedule');

    // Saved without a change: the same schedule, and (the whole definition being the same) no new version.
    await testid(page, 'item-save').click();
    await expect.poll(() => testid(page, 'flash').textContent()).toBe(`已保存：第${before.version}版`);
    const after = (await stack.as(adminOf())(`/v1/items/${code}`)).json();
    expect(after.definition.feeSchedule).toEqual(seeded);
    expect(after.version).toBe(before.version);
  });

  it('the administrator adds a fee schedule: yuan typed are saved as whole fen; removing it saves none', { timeout: 120_000 }, async () => {
    const code = await createItem();
    const page = await openAs(adminOf(), `#/items/${code}`);
    expect(await testid(page, 'no-fee-schedule').textContent()).toBe('本事项不收取核定的费用。');
    await testid(page, 'add-fee-schedule').click();
    await feeInput(page, 'lines.0.code').fill('registration');
    await feeInput(page, 'lines.0.name').fill('登记费');
    await feeInput(page, 'lines.0.basis.document').fill(BASIS);
    await feeInput(page, 'lines.0.basis.article').fill('第二条');
    await feeInput(page, 'lines.0.standard.amountFen').fill('80');
    await testid(page, 'add-fee-line').click();
    await feeInput(page, 'lines.1.code').fill('certificate');
    await feeInput(page, 'lines.1.name').fill('证书工本费');
    await feeInput(page, 'lines.1.basis.document').fill(BASIS);
    await feeInput(page, 'lines.1.optional').check();
    await feeInput(page, 'lines.1.standard').selectOption('per_unit');
    await feeInput(page, 'lines.1.standard.unit').fill('本');
    await feeInput(page, 'lines.1.standard.unitFen').fill('10');
    await feeInput(page, 'lines.1.standard.freeUnits').fill('1');
    await testid(page, 'add-fee-reduction').click();
    await feeInput(page, 'reductions.0.code').fill('small-micro-enterprise');
    await feeInput(page, 'reductions.0.name').fill('小微企业免收登记费');
    await feeInput(page, 'reductions.0.basis.document').fill(BASIS);
    await feeInput(page, 'reductions.0.percent').fill('100');
    await feeInput(page, 'reductions.0.lines').fill('registration');
    await testid(page, 'item-save').click();
    await expect.poll(() => testid(page, 'flash').textContent()).toBe('已保存：第2版');
    const basis = { document: BASIS };
    expect((await stack.as(adminOf())(`/v1/items/${code}`)).json().definition.feeSchedule).toEqual({
      assessAt: 'decision',
      assessedBy: 'window',
      payBeforePickup: true,
      paymentLimitDays: 15,
      reminderDays: 3,
      onOverdue: 'supervise',
      stopsClocks: false,
      refundDays: 0,
      lines: [
        { code: 'registration', name: '登记费', basis: { ...basis, article: '第二条' }, standard: { type: 'fixed', amountFen: 8000 }, payer: '申请人', optional: false },
        { code: 'certificate', name: '证书工本费', basis, standard: { type: 'per_unit', unit: '本', unitFen: 1000, freeUnits: 1 }, payer: '申请人', optional: true },
      ],
      reductions: [{ code: 'small-micro-enterprise', name: '小微企业免收登记费', basis, percent: 100, lines: ['registration'] }],
    });

    // Fractions of a yuan, exactly; a tiered line; the type changed back and forth keeps what was typed.
    await feeInput(page, 'lines.0.standard.amountFen').fill('10.5');
    await feeInput(page, 'lines.1.standard.unitFen').fill('0.07');
    await feeInput(page, 'lines.1.standard').selectOption('fixed');
    await feeInput(page, 'lines.1.standard').selectOption('per_unit');
    await testid(page, 'add-fee-line').click();
    await feeInput(page, 'lines.2.code').fill('survey');
    await feeInput(page, 'lines.2.name').fill('测绘费');
    await feeInput(page, 'lines.2.basis.document').fill(BASIS);
    await feeInput(page, 'lines.2.optional').check();
    await feeInput(page, 'lines.2.standard').selectOption('tiered');
    await feeInput(page, 'lines.2.standard.unit').fill('平方米');
    await feeInput(page, 'lines.2.standard.tiers.0.upTo').fill('100');
    await feeInput(page, 'lines.2.standard.tiers.0.unitFen').fill('1.2');
    await testid(page, 'fee-line').nth(2).getByTestId('add-fee-tier').click();
    await feeInput(page, 'lines.2.standard.tiers.1.unitFen').fill('0.8');
    await testid(page, 'item-save').click();
    await expect.poll(() => testid(page, 'flash').textContent()).toBe('已保存：第3版');
    const lines = (await stack.as(adminOf())(`/v1/items/${code}`)).json().definition.feeSchedule.lines;
    expect(lines.map((l: { standard: unknown }) => l.standard)).toEqual([
      { type: 'fixed', amountFen: 1050 },
      { type: 'per_unit', unit: '本', unitFen: 7, freeUnits: 1 },
      { type: 'tiered', unit: '平方米', tiers: [{ upTo: 100, unitFen: 120 }, { unitFen: 80 }] },
    ]);
    expect(await feeInput(page, 'lines.0.standard.amountFen').inputValue()).toBe('10.50');

    // Removed: the item charges no assessed fee, and its definition has no schedule.
    await testid(page, 'remove-fee-schedule').click();
    expect(await testid(page, 'no-fee-schedule').isVisible()).toBe(true);
    await testid(page, 'item-save').click();
    await expect.poll(() => testid(page, 'flash').textContent()).toBe('已保存：第4版');
    expect((await stack.as(adminOf())(`/v1/items/${code}`)).json().definition).not.toHaveProperty('feeSchedule');
    expect(await testid(page, 'no-fee-schedule').isVisible()).toBe(true);
  });

  it('an amount the page cannot read is refused before anything is sent; the API’s refusals land on the line’s inputs', { timeout: 120_000 }, async () => {
    const code = await createItem();
    const page = await openAs(adminOf(), `#/items/${code}`);
    const sent: string[] = [];
    page.on('request', (r) => r.method() === 'PUT' && sent.push(r.url()));
    await testid(page, 'add-fee-schedule').click();
    await feeInput(page, 'lines.0.code').fill('card');
    await feeInput(page, 'lines.0.name').fill('工本费');
    await feeInput(page, 'lines.0.basis.document').fill(BASIS);
    const amount = field(page, 'feeSchedule.lines.0.standard.amountFen');
    for (const typed of ['10.555', '-1', 'abc', '']) {
      await amount.locator('input').fill(typed);
      await testid(page, 'item-save').click();
      await expect.poll(() => amount.locator('[data-testid="field-error"]').textContent()).toBe(typed === '' ? '请填写金额（元）' : '须为金额（元），最多两位小数，如 80 或 10.50');
      expect(await amount.locator('input').getAttribute('aria-invalid')).toBe('true');
      expect(await testid(page, 'item-error').textContent()).toContain('未能保存');
    }
    expect(sent).toEqual([]);
    expect((await stack.as(adminOf())(`/v1/items/${code}`)).json().version).toBe(1);

    // A rule-assessed schedule charges fixed lines that always apply: an optional line is refused, on that line.
    await amount.locator('input').fill('10');
    await testid(page, 'add-fee-line').click();
    await feeInput(page, 'lines.1.code').fill('extra');
    await feeInput(page, 'lines.1.name').fill('加急费');
    await feeInput(page, 'lines.1.basis.document').fill(BASIS);
    await feeInput(page, 'lines.1.standard.amountFen').fill('5');
    await feeInput(page, 'lines.1.optional').check();
    await feeInput(page, 'assessedBy').selectOption('rule');
    await testid(page, 'item-save').click();
    const line = field(page, 'feeSchedule.lines.1');
    await expect.poll(() => line.locator('[data-testid="field-error"]').textContent()).toContain('a rule-assessed schedule has fixed lines that always apply');
    expect(await testid(page, 'fee-line').nth(1).locator('[data-testid="field-error"]').count()).toBe(1);
    expect(await amount.locator('[data-testid="field-error"]').count()).toBe(0);
    expect(sent).toHaveLength(1);

    // The first line removed, the other is line 0: the API's path of its unit lands on its input.
    await testid(page, 'fee-line').nth(0).getByRole('button', { name: '删除' }).click();
    await feeInput(page, 'assessedBy').selectOption('window');
    await feeInput(page, 'lines.0.standard').selectOption('per_unit');
    await feeInput(page, 'lines.0.standard.unitFen').fill('5');
    await testid(page, 'item-save').click();
    const unit = field(page, 'feeSchedule.lines.0.standard.unit');
    await expect.poll(() => unit.locator('[data-testid="field-error"]').textContent()).toBe('必填');
    expect(await unit.locator('input').getAttribute('aria-invalid')).toBe('true');
    expect((await stack.as(adminOf())(`/v1/items/${code}`)).json().version).toBe(1);

    await unit.locator('input').fill('次');
    await testid(page, 'item-save').click();
    await expect.poll(() => testid(page, 'flash').textContent()).toBe('已保存：第2版');
    expect((await stack.as(adminOf())(`/v1/items/${code}`)).json().definition.feeSchedule.lines).toEqual([
      { code: 'extra', name: '加急费', basis: { document: BASIS }, standard: { type: 'per_unit', unit: '次', unitFen: 500 }, payer: '申请人', optional: true },
    ]);
  });

  it('the item’s rules for the clock, the deadline and refunds are saved; stopping the clock at the decision is refused on its field', { timeout: 120_000 }, async () => {
    const code = await createItem();
    const page = await openAs(adminOf(), `#/items/${code}`);
    await testid(page, 'add-fee-schedule').click();
    await feeInput(page, 'lines.0.code').fill('card');
    await feeInput(page, 'lines.0.name').fill('工本费');
    await feeInput(page, 'lines.0.basis.document').fill(BASIS);
    await feeInput(page, 'lines.0.standard.amountFen').fill('10');
    expect(await feeInput(page, 'onOverdue').inputValue()).toBe('supervise');
    expect(await feeInput(page, 'stopsClocks').isChecked()).toBe(false);
    expect(await feeInput(page, 'refundDays').inputValue()).toBe('0');

    // Assessed at the decision (the new schedule's default), the fee comes after the clock ended: it cannot stop it.
    await feeInput(page, 'stopsClocks').check();
    await testid(page, 'item-save').click();
    const stops = field(page, 'feeSchedule.stopsClocks');
    await expect.poll(() => stops.locator('[data-testid="field-error"]').textContent()).toContain('only a fee assessed at intake can stop the clock');
    expect((await stack.as(adminOf())(`/v1/items/${code}`)).json().version).toBe(1);

    await feeInput(page, 'assessAt').selectOption('intake');
    await feeInput(page, 'onOverdue').selectOption('terminate');
    await feeInput(page, 'refundDays').fill('30');
    await testid(page, 'item-save').click();
    await expect.poll(() => testid(page, 'flash').textContent()).toBe('已保存：第2版');
    const saved = (await stack.as(adminOf())(`/v1/items/${code}`)).json().definition.feeSchedule;
    expect([saved.assessAt, saved.stopsClocks, saved.onOverdue, saved.refundDays]).toEqual(['intake', true, 'terminate', 30]);
  });

  it('left no script errors', () => {
    expect(errors).toEqual([]);
  });
});

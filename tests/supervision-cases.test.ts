/**
 * Accountability from the supervision page (责任追究), in a real browser (Debian's Chromium through
 * playwright-core): a supervisor signed in through the local identity provider opens a case from an
 * alert, records the explanation of a red alert's case and closes it with an outcome, by keyboard and
 * with every control named; the pending list reflects each step. The late application is real: its
 * workflow runs on the time-skipping test server, which jumps past its promised limit, and the real
 * activities write its alerts and cases into the PostgreSQL the page's API reads.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createActivities } from '../activities/index.js';
import { applicationWorkflow } from '../workflows/application.js';
import { intakeUpdate, recordQuery } from '../workflows/messages.js';
import { signIn } from './support/signin.js';
import { type Stack, officer, startStack, supervisorOf, windowOf, testDataConverter } from './support/stack.js';
import { applicationInput, saveTestItem, startTimeSkipping } from './support/items.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.resolve(import.meta.dirname, '.tmp/screenshots');
// Guilin: a centre of its own, so that other test files' alerts do not crowd the page's feeds.
const CENTRE = '450300';

let stack: Stack;
let browser: Browser;
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let no: string;

interface Case {
  id: string;
  status: string;
  level: string | null;
  department: string | null;
  steps?: { status: string; actor: { id: string }; note: string; outcome: string | null }[];
}

const supervisorApi = () => stack.as(supervisorOf(CENTRE));
const casesOf = async (status?: string): Promise<Case[]> =>
  (await supervisorApi()({ url: '/v1/cases', query: { application: no, ...(status ? { status } : {}) } })).json().cases;


/** Waits (in real time: the worker writes the read model) until `check` answers true; expect.poll is for tests, not hooks. */
async function until(check: () => Promise<boolean>, timeout = 20_000) {
  for (const end = Date.now() + timeout; !(await check()); ) {
    if (Date.now() > end) throw new Error(`Not so after ${timeout} ms: ${check.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mkdirSync(SHOTS, { recursive: true });
  stack = await startStack({ signIn: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });

  // An application accepted at Guilin and left undecided past its promised limit: yellow, then red for
  // the application and for its review, each red opening its case.
  env = await startTimeSkipping();
  const taskQueue = `supervision-cases-${randomUUID()}`;
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { code: inject('workflowBundleCode') },
    dataConverter: testDataConverter(),
    activities: createActivities({ db: stack.db }),
  });
  running = worker.run();
  const input = await applicationInput(stack.db, await saveTestItem(stack.db), CENTRE);
  no = input.applicationNo;
  const handle = await env.client.workflow.start(applicationWorkflow, { workflowId: no, taskQueue, args: [input] });
  await handle.executeUpdate(intakeUpdate, { args: [{ decision: 'accept', department: 'market_regulation', officer: officer(windowOf('market_regulation', CENTRE)) }] });
  await until(async () => ((await handle.query(recordQuery)).state.reviews[0]?.responsible?.length ?? 0) === 1);
  const { deadlines } = (await handle.query(recordQuery)).state;
  await env.sleep(Date.parse(deadlines!.promisedDue) - (await env.currentTimeMs()) + 60_000);
  await until(async () => (await casesOf('pending')).length === 2);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  worker?.shutdown();
  await running;
  await env?.teardown();
  await stack?.close();
});

/** The data-testid of the element that has the keyboard's focus. */
const focused = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid'));

const caseItems = (page: Page) => page.locator(`[data-testid="case-item"][data-case-id^="${no}/"]`);
const caseItem = (page: Page, id: string) => page.locator(`[data-testid="case-item"][data-case-id="${id}"]`);

/** Every control of the alerts and cases panels that has no accessible name (a label, aria-label or text). */
function unnamedControls(page: Page) {
  return page.evaluate(() => {
    interface Control {
      tagName: string;
      outerHTML: string;
      labels?: { length: number } | null;
      textContent: string | null;
      getAttribute(name: string): string | null;
    }
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<Control> } }).document;
    return [...doc.querySelectorAll('.panel-cases :is(button, input, textarea, select), .panel-alerts :is(button, input, textarea, select)')]
      .filter((c) => !((c.labels?.length ?? 0) > 0 || c.getAttribute('aria-label')?.trim() || c.textContent?.trim()))
      .map((c) => c.outerHTML.slice(0, 120));
  });
}

it('opens a case from an alert, records the explanation and closes a case with an outcome; the pending list follows each step', { timeout: 180_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1200 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page, stack.baseUrl, supervisorOf(CENTRE), '/supervision');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  const panel = page.getByRole('region', { name: '责任追究案件（待处理）' });

  // The two cases the red alerts opened are pending.
  await expect.poll(() => caseItems(page).count()).toBe(2);
  expect(await unnamedControls(page)).toEqual([]);

  // From the application's yellow alert (which opens no case by itself), by keyboard: the button, the
  // reason, the submit. Without a reason the page says which field is missing.
  const yellow = page.locator(`[data-testid="alert-item"][data-no="${no}"].level-yellow`).first();
  await yellow.getByRole('button', { name: `就${no}的黄牌预警立案` }).focus();
  await page.keyboard.press('Enter');
  const openForm = panel.getByRole('form', { name: `就${no}的黄牌预警立案` });
  await expect.poll(() => focused(page)).toBe('case-note');
  await openForm.getByRole('button', { name: '立案' }).click();
  await expect.poll(() => openForm.getByRole('alert').textContent()).toBe('请填写“立案理由”：此项必填。');
  expect(await openForm.getByRole('textbox', { name: '立案理由' }).getAttribute('aria-invalid')).toBe('true');
  await page.keyboard.type('黄牌预警后两个工作日仍无进展');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByTestId('cases-status').textContent()).toMatch(new RegExp(`^已立案：${no}/\\d+$`));
  await expect.poll(() => caseItems(page).count()).toBe(3);
  await expect.poll(() => yellow.textContent()).toContain('已立案');

  // The red alert's case of the review: its explanation is recorded, and it stays in the pending list.
  const red = (await casesOf('pending')).find((c) => c.level === 'red' && c.department === 'market_regulation')!;
  const redItem = caseItem(page, red.id);
  await redItem.getByRole('button', { name: /^记录说明：/ }).click();
  const explainForm = redItem.getByRole('form');
  await explainForm.getByRole('textbox', { name: '情况说明' }).fill('窗口说明：审查人员病休，材料审核积压');
  await explainForm.getByRole('button', { name: '记录说明' }).click();
  await expect.poll(() => redItem.getByTestId('case-status').textContent()).toBe('已收到说明');
  expect(await caseItems(page).count()).toBe(3);
  expect(await page.getByTestId('cases-status').textContent()).toBe(`已记录说明：${red.id}，待结案`);

  // Closing it without an outcome is refused, naming the field; with one, it leaves the pending list.
  await redItem.getByRole('button', { name: /^结案：/ }).click();
  const closeForm = redItem.getByRole('form');
  await closeForm.getByRole('textbox', { name: '核查意见' }).fill('情况属实，已整改');
  await closeForm.getByRole('button', { name: '结案' }).click();
  await expect.poll(() => closeForm.getByRole('alert').textContent()).toBe('请填写“处理结果”：此项必填。');
  expect(await closeForm.getByRole('textbox', { name: '处理结果' }).getAttribute('aria-invalid')).toBe('true');
  // The steps so far are shown with the form: the explanation recorded above.
  await expect.poll(() => redItem.getByRole('list', { name: '办理经过' }).textContent()).toContain('窗口说明：审查人员病休');
  expect(await unnamedControls(page)).toEqual([]);
  await page.locator('[data-testid="cases-panel"]').screenshot({ path: path.join(SHOTS, 'cases-panel.png') });
  await closeForm.getByRole('textbox', { name: '处理结果' }).fill('批评教育');
  await closeForm.getByRole('button', { name: '结案' }).click();
  await expect.poll(() => caseItem(page, red.id).count()).toBe(0);
  expect(await page.getByTestId('cases-status').textContent()).toBe(`已结案：${red.id}，处理结果：批评教育`);
  expect(await caseItems(page).count()).toBe(2);

  // The API kept every step, by the supervisor who took it.
  const closed = (await supervisorApi()(`/v1/cases/${encodeURIComponent(red.id)}`)).json() as Case;
  expect(closed).toMatchObject({ status: 'closed' });
  expect(closed.steps!.map((s) => `${s.status} by ${s.actor.id}: ${s.note}${s.outcome ? ` → ${s.outcome}` : ''}`)).toEqual([
    `explanation_received by ${supervisorOf(CENTRE)}: 窗口说明：审查人员病休，材料审核积压`,
    `closed by ${supervisorOf(CENTRE)}: 情况属实，已整改 → 批评教育`,
  ]);
  expect((await casesOf('pending')).map((c) => c.id).sort()).toEqual(
    await caseItems(page).evaluateAll((nodes) => nodes.map((n) => (n as unknown as { dataset: { caseId: string } }).dataset.caseId).sort()),
  );

  // A case for the application itself, from the panel's own button; and the English switch.
  await panel.getByRole('button', { name: '为办件立案' }).click();
  const forApplication = panel.getByRole('form', { name: '为办件立案：填写申请编号和立案理由' });
  await forApplication.getByRole('textbox', { name: '申请编号' }).fill(no);
  await forApplication.getByRole('textbox', { name: '立案理由' }).fill('群众投诉办理拖延');
  await forApplication.getByRole('button', { name: '立案' }).click();
  await expect.poll(() => page.getByTestId('cases-status').textContent()).toBe(`已立案：${no}/s1`);
  expect(await caseItem(page, `${no}/s1`).textContent()).toContain('办件立案');

  await page.getByTestId('lang-switch').click();
  const english = page.getByRole('region', { name: 'Accountability cases (pending)' });
  expect(await english.getByRole('button', { name: 'Open a case' }).count()).toBe(1);
  await caseItem(page, `${no}/s1`).getByRole('button', { name: /^Record explanation: / }).click();
  expect(await caseItem(page, `${no}/s1`).getByRole('textbox', { name: 'Explanation' }).count()).toBe(1);
  expect(await unnamedControls(page)).toEqual([]);
  await page.locator('[data-testid="cases-panel"]').screenshot({ path: path.join(SHOTS, 'cases-panel-en.png') });
  await page.keyboard.press('Escape');
  expect(await caseItem(page, `${no}/s1`).getByRole('form').count()).toBe(0);

  expect(errors).toEqual([]);
  await context.close();
});

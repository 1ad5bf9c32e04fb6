/**
 * The cameras screen of the administration page (摄像机, issue 23) in a real browser (Debian's Chromium
 * through playwright-core) against the real stack over HTTP, signed in through the local identity
 * provider: a county's system administrator registers a camera whose URL carries a user and password
 * and GB/T 28181 ids; it is listed with its URL without them and "credentials kept", and neither the
 * page nor any answer it received holds them; refusals (a URL that is not rtsp://, a GB id that is not
 * 20 digits, an id already registered) land beside their fields, in Chinese and in English; renaming it
 * keeps the credentials, disabling it shows it disabled, and clearing them is said. A window officer is
 * told the page is for administrators; the security administrator has no cameras screen.
 * Everything happens at 田东县 (451022), which no other test file uses.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from './support/signin.js';
import { type Stack, adminOf, securityOf, startStack, windowOf } from './support/stack.js';
import { launchChromium, testid } from './support/workstation.js';

const CENTRE = '451022';
const WINDOW = `${CENTRE}-market_regulation`;
const SUFFIX = randomUUID().slice(0, 8);
const CAMERA = `td-${SUFFIX}`;
const USER = `cam-user-${SUFFIX}`;
const PASSWORD = `Secret-${SUFFIX}-pw`;
const URL_SHOWN = 'rtsp://192.0.2.10:554/Streaming/Channels/101';
const URL_TYPED = `rtsp://${USER}:${PASSWORD}@192.0.2.10:554/Streaming/Channels/101`;
const GB_DEVICE = '45102200001320000001';
const GB_CHANNEL = '45102200001310000001';

let stack: Stack;
let browser: Browser;
const contexts: BrowserContext[] = [];
const errors: string[] = [];
/** Every answer of the API the administrator's browser received, as text. */
const answers: Promise<string>[] = [];

beforeAll(async () => {
  stack = await startStack({ signIn: true, worker: false });
  browser = await launchChromium();
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

const field = (page: Page, path: string) => page.locator(`[data-testid="camera-form"] [data-field="body.${path}"]`);
const input = (page: Page, path: string) => field(page, path).locator('input, select').first();
const errorOf = (page: Page, path: string) => field(page, path).locator('[data-testid="field-error"]');
const row = (page: Page) => testid(page, `camera-${CAMERA}`);

interface CameraAnswer {
  id: string;
  name: string;
  rtspUrl: string;
  credentials: boolean;
  gbDeviceId: string | null;
  gbChannelId: string | null;
  enabled: boolean;
}

async function cameraOf(id = CAMERA): Promise<CameraAnswer | undefined> {
  const res = await stack.as(adminOf(CENTRE))(`/v1/cameras?centre=${CENTRE}`);
  expect(res.statusCode).toBe(200);
  expect(res.body).not.toContain(PASSWORD);
  expect(res.body).not.toContain(USER);
  return (res.json().cameras as CameraAnswer[]).find((c) => c.id === id);
}

/** Saves the open camera form and waits for the screen, drawn again without it, to say so. */
async function save(page: Page, id = CAMERA) {
  await testid(page, 'camera-form-submit').click();
  await expect.poll(() => testid(page, 'camera-form').count()).toBe(0);
  await expect.poll(() => testid(page, 'flash').textContent()).toBe(`摄像机已保存：${id}`);
}

describe('the cameras screen', () => {
  it('the county’s system administrator registers a camera: listed without its credentials, which no page or answer holds', { timeout: 120_000 }, async () => {
    const page = await openAs(adminOf(CENTRE), '#/cameras');
    page.on('response', (r: Response) => {
      if (new URL(r.url()).pathname.startsWith('/v1/')) answers.push(r.text().catch(() => ''));
    });
    expect(await page.locator('#nav a').allTextContents()).toEqual(['事项', '组织', '摄像机', '日历', '变更记录']);
    expect(await page.locator('#nav a[aria-current="page"]').textContent()).toBe('摄像机');
    await expect.poll(() => page.locator('main h2').textContent()).toBe('摄像机');

    await testid(page, 'new-camera').click();
    const password = input(page, 'password');
    expect(await password.getAttribute('type')).toBe('password');
    expect(await password.inputValue()).toBe('');
    expect(await input(page, 'enabled').isChecked()).toBe(true);
    await input(page, 'id').fill(CAMERA);
    await input(page, 'windowCode').selectOption(WINDOW);
    await input(page, 'name').fill('受理台');
    await input(page, 'rtspUrl').fill(URL_TYPED);
    await input(page, 'gbDeviceId').fill(GB_DEVICE);
    await input(page, 'gbChannelId').fill(GB_CHANNEL);
    await save(page);

    await row(page).waitFor();
    expect(await row(page).getByTestId('camera-url').textContent()).toBe(URL_SHOWN);
    expect(await row(page).getByTestId('camera-credentials').textContent()).toBe('凭据已保存');
    expect(await row(page).getByTestId('camera-gb').textContent()).toBe(`${GB_DEVICE}${GB_CHANNEL}`);
    expect(await row(page).getByTestId('camera-enabled').textContent()).toBe('录像中');
    expect(await row(page).getByTestId('camera-name').textContent()).toBe('受理台');
    expect(await row(page).textContent()).toContain('市场监督管理局窗口');
    // No recorder reports it: its health is unknown, a grey dot.
    expect(await row(page).getAttribute('data-state')).toBe('unknown');
    expect(await row(page).getByTestId('camera-health').textContent()).toBe('未知');
    expect(await row(page).locator('.health-dot.health-unknown').count()).toBe(1);

    expect(await cameraOf()).toMatchObject({ rtspUrl: URL_SHOWN, credentials: true, gbDeviceId: GB_DEVICE, gbChannelId: GB_CHANNEL, enabled: true, name: '受理台' });
    const html = await page.content();
    expect(html).not.toContain(PASSWORD);
    expect(html).not.toContain(USER);
    const bodies = await Promise.all(answers);
    expect(bodies.some((b) => b.includes(CAMERA))).toBe(true);
    for (const body of bodies) {
      expect(body).not.toContain(PASSWORD);
      expect(body).not.toContain(USER);
    }

    // Refusals beside their fields, in Chinese: a URL that is not rtsp://, a GB id that is not 20 digits.
    await testid(page, 'new-camera').click();
    await input(page, 'id').fill(`${CAMERA}-2`);
    await input(page, 'windowCode').selectOption(WINDOW);
    await input(page, 'name').fill('全景');
    await input(page, 'rtspUrl').fill('http://x');
    await input(page, 'gbDeviceId').fill('123');
    await testid(page, 'camera-form-submit').click();
    await expect.poll(() => errorOf(page, 'rtspUrl').textContent()).toBe('须为 rtsp:// 或 rtsps:// 开头的地址');
    expect(await input(page, 'rtspUrl').getAttribute('aria-invalid')).toBe('true');
    expect(await errorOf(page, 'gbDeviceId').textContent()).toBe('须为20位数字（GB/T 28181 编码）');
    expect(await errorOf(page, 'name').count()).toBe(0);
    expect(await testid(page, 'camera-form-error').textContent()).toContain('未能保存');
    // An id already registered: said by the id.
    await input(page, 'rtspUrl').fill('rtsp://192.0.2.11/stream');
    await input(page, 'gbDeviceId').fill('');
    await input(page, 'id').fill(CAMERA);
    await testid(page, 'camera-form-submit').click();
    await expect.poll(() => errorOf(page, 'id').textContent()).toBe('该编号的摄像机已经登记');
    expect(await errorOf(page, 'rtspUrl').count()).toBe(0);
    expect(await cameraOf(`${CAMERA}-2`)).toBeUndefined();
    expect((await cameraOf())?.rtspUrl).toBe(URL_SHOWN);

    // In English, the API's own words.
    await testid(page, 'lang-switch').click();
    await expect.poll(() => page.locator('main h2').textContent()).toBe('Cameras');
    await page.waitForSelector('body[data-ready="true"]');
    await testid(page, 'new-camera').click();
    await input(page, 'id').fill(`${CAMERA}-2`);
    await input(page, 'name').fill('Overview');
    await input(page, 'rtspUrl').fill('http://x');
    await testid(page, 'camera-form-submit').click();
    await expect.poll(() => errorOf(page, 'rtspUrl').textContent()).toBe('must be an rtsp:// or rtsps:// URL');
    expect(await testid(page, 'camera-form-error').textContent()).toContain('Not saved');
    expect(await row(page).getByTestId('camera-credentials').textContent()).toBe('credentials kept');
    await testid(page, 'lang-switch').click();
    await expect.poll(() => page.locator('main h2').textContent()).toBe('摄像机');
    await page.waitForSelector('body[data-ready="true"]');
  });

  it('renaming keeps the credentials; disabling shows it disabled; clearing them is said', { timeout: 120_000 }, async () => {
    const page = await openAs(adminOf(CENTRE), '#/cameras');
    await row(page).waitFor();

    await testid(page, `edit-camera-${CAMERA}`).click();
    await testid(page, 'camera-form').waitFor();
    expect(await input(page, 'id').getAttribute('readonly')).not.toBeNull();
    expect(await input(page, 'rtspUrl').inputValue()).toBe(URL_SHOWN);
    expect(await input(page, 'password').inputValue()).toBe('');
    expect(await input(page, 'password').getAttribute('type')).toBe('password');
    expect(await input(page, 'username').inputValue()).toBe('');
    expect(await input(page, 'gbDeviceId').inputValue()).toBe(GB_DEVICE);
    await input(page, 'name').fill('受理台（东）');
    await save(page);
    expect(await row(page).getByTestId('camera-name').textContent()).toBe('受理台（东）');
    expect(await row(page).getByTestId('camera-credentials').textContent()).toBe('凭据已保存');
    expect(await cameraOf()).toMatchObject({ name: '受理台（东）', credentials: true, rtspUrl: URL_SHOWN, gbDeviceId: GB_DEVICE, gbChannelId: GB_CHANNEL, enabled: true });

    // Disabled: recording stops, the list says so.
    await testid(page, `edit-camera-${CAMERA}`).click();
    await input(page, 'enabled').uncheck();
    await save(page);
    expect(await row(page).getAttribute('data-enabled')).toBe('false');
    expect(await row(page).getByTestId('camera-enabled').textContent()).toBe('已停用');
    expect(await cameraOf()).toMatchObject({ enabled: false, credentials: true });

    // Its credentials cleared: none kept, and the list no longer says any are.
    await testid(page, `edit-camera-${CAMERA}`).click();
    await testid(page, 'camera-form').locator('input[name="clearCredentials"]').check();
    await save(page);
    expect(await row(page).getByTestId('camera-credentials').count()).toBe(0);
    expect(await cameraOf()).toMatchObject({ credentials: false, enabled: false, name: '受理台（东）' });
    expect(await page.content()).not.toContain(PASSWORD);
  });

  it('a window officer is told the page is for administrators; the security administrator has no cameras screen', { timeout: 120_000 }, async () => {
    const officer = await openAs(windowOf('market_regulation', CENTRE), '#/cameras');
    await testid(officer, 'other-role').waitFor();
    expect(await testid(officer, 'other-role').textContent()).toContain('管理页面仅供系统管理员、安全管理员和审计管理员使用');
    expect(await officer.locator('#nav').isHidden()).toBe(true);
    expect(await testid(officer, 'cameras').count()).toBe(0);
    expect(await officer.content()).not.toContain(CAMERA);
    expect((await stack.as(windowOf('market_regulation', CENTRE))(`/v1/cameras?centre=${CENTRE}`)).statusCode).toBe(403);

    const security = await openAs(securityOf(CENTRE), '#/cameras');
    expect(await security.locator('#nav a').allTextContents()).not.toContain('摄像机');
    await testid(security, 'officers').waitFor();
    expect(await testid(security, 'cameras').count()).toBe(0);
  });

  it('left no script errors', () => {
    expect(errors).toEqual([]);
  });
});

/**
 * The window workstation (/workstation) in Debian's Chromium through playwright-core, for the page's
 * tests: a browser context per person, each signed in through the local identity provider; the
 * page's own test ids; screenshots (only with SCREENSHOTS=1, into web/workstation/screenshots/ for the
 * README); and a PDF's text as a reader sees it (pdfjs-dist).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { expect } from 'vitest';
import { signIn } from './signin.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.resolve(import.meta.dirname, '../../web/workstation/screenshots');
/** Screenshots are written only when asked for, so an ordinary run leaves the tree as it was. */
const SCREENSHOTS = process.env.SCREENSHOTS === '1';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  if (SCREENSHOTS) mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** The people at the workstation: one browser context each, and the page errors of all of them. */
export class Desk {
  readonly contexts: BrowserContext[] = [];
  /** Script errors and failed requests other than the refusals the tests provoke (400, 401, 403, 409). */
  readonly errors: string[] = [];

  constructor(
    private readonly browser: Browser,
    readonly base: string,
  ) {}

  /**
   * A new browser (context) for the officer, signed in through the local identity provider and back on
   * the workstation at `hash`; without an officer, nobody is signed in. 1366×768 unless told.
   */
  async open(officerId: string | undefined, hash = '', viewport = { width: 1366, height: 768 }): Promise<Page> {
    const context = await this.browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    this.contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => this.errors.push(e.message));
    if (process.env.DEBUG_PAGE) page.on('console', (m) => console.log('[page]', m.type(), m.text()));
    page.on('console', (m) => m.type() === 'error' && !/status of 40[0139]/.test(m.text()) && this.errors.push(m.text()));
    if (officerId) await signIn(page, this.base, officerId, `/workstation${hash}`);
    else await page.goto(`${this.base}/workstation${hash}`);
    await page.waitForSelector('body[data-ready="true"]');
    return page;
  }

  async close(): Promise<void> {
    for (const context of this.contexts) await context.close().catch(() => {});
  }
}

/** On the identity provider's page (after the sign-in link): picks the officer and waits to be back on the workstation. */
export async function pickOfficer(page: Page, officerId: string): Promise<void> {
  await page.locator('input[name="q"]').fill(officerId);
  await page.locator('[data-testid="idp-find"]').click();
  await page.locator(`button[name="officer"][value="${officerId}"]`).click();
  await page.waitForURL((url) => url.pathname === '/workstation');
  await page.waitForSelector('body[data-ready="true"]');
}

export const testid = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);
export const stageOf = (page: Page) => testid(page, 'stage').first().getAttribute('data-stage');

/** Waits for the screen to settle after an action: its outcome is announced in the status line. */
export async function outcome(page: Page, text: string | RegExp) {
  await expect.poll(() => testid(page, 'flash').textContent()).toMatch(text);
}

/** A full-page screenshot for the README, with SCREENSHOTS=1 only. */
export async function screenshot(page: Page, name: string) {
  if (!SCREENSHOTS) return;
  await page.evaluate(() => (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts.ready);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Controls without an accessible name, as the browser's accessibility tree has them. */
export async function unnamedControls(page: Page): Promise<string[]> {
  const tree = await page.locator('body').ariaSnapshot();
  return tree.split('\n').filter((line) => /^\s*- (button|textbox|checkbox|combobox|searchbox|spinbutton|link|radio)\s*(\[.*\])?:?\s*$/.test(line));
}

/** True when the page is wider than its window (a horizontal scroll bar). */
export const overflows = (page: Page) =>
  page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return root.scrollWidth > root.clientWidth;
  });

/** Presses Tab until the element with this test id has focus (at most `limit` times); false if it never does. */
export async function tabTo(page: Page, id: string, limit = 160): Promise<boolean> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((want) => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid') === want, id)) return true;
  }
  return false;
}

/** The value of a cookie the browser holds for the API (ow_session, ow_csrf). */
export async function cookieOf(page: Page, name: string): Promise<string | undefined> {
  return (await page.context().cookies()).find((c) => c.name === name)?.value;
}

/**
 * The supervision page's Video panel (视频监控) in a real browser (Debian's Chromium through playwright-core)
 * against the real stack (API, worker, Temporal, PostgreSQL), a synthetic camera on loopback (GStreamer's
 * RTSP server showing the time) and the real recorder (ffmpeg) writing one-second segments: the county
 * supervisor sees the camera online; in an application's detail its intake at the window is a bookmark,
 * which plays the window's video around it, the span's recorded part drawn under the player and the
 * frame's wall-clock time (hls.js's playingDate) within the span; the live wall plays the window live,
 * says so on the tile when the camera drops, and plays it again by itself once it is back.
 * Everything happens at 田阳区 (451003), which no other test file uses.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Recorder, startRecorder } from '../server/recorder.js';
import { freePort } from '../server/temporal.js';
import { type SyntheticCameras, startSyntheticCameras } from '../scripts/video/synthetic-cameras.js';
import { signIn } from './support/signin.js';
import { type Stack, adminOf, startStack, supervisorOf } from './support/stack.js';
import { ok, windowActions } from './support/window.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.resolve(import.meta.dirname, '.tmp/screenshots');
const CENTRE = '451003';
const WINDOW = `${CENTRE}-market_regulation`;
const CAMERA = `page-${CENTRE}-1`;
const ITEM = 'company-startup';

let stack: Stack;
let cameras: SyntheticCameras;
let recorder: Recorder;
let videoDir: string;
let browser: Browser;
let applicationNo: string;
let intakeAt: number;
const act = windowActions(() => stack);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface CameraAnswer {
  id: string;
  health: { state: string };
}
interface Bookmark {
  type: string;
  at: string;
  windowCode: string;
}

const supervisor = () => stack.as(supervisorOf(CENTRE));
const cameraState = async () =>
  ok<{ cameras: CameraAnswer[] }>(await supervisor()({ method: 'GET', url: `/v1/cameras?centre=${CENTRE}` })).cameras.find((c) => c.id === CAMERA)?.health.state;
const bookmarks = async () => ok<{ bookmarks: Bookmark[] }>(await supervisor()({ method: 'GET', url: `/v1/applications/${applicationNo}/video-bookmarks` })).bookmarks;

/** Waits (in real time) until `check` answers true; expect.poll is for tests, not hooks. */
async function until(check: () => Promise<boolean>, timeout = 30_000) {
  for (const end = Date.now() + timeout; !(await check()); ) {
    if (Date.now() > end) throw new Error(`Not so after ${timeout} ms: ${check.toString()}`);
    await sleep(250);
  }
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  mkdirSync(SHOTS, { recursive: true });
  videoDir = await mkdtemp(path.join(tmpdir(), 'onewindow-video-page-'));
  cameras = await startSyntheticCameras({ port: await freePort(), mounts: ['/counter'] });
  stack = await startStack({ signIn: true, videoDir });
  ok(await stack.as(adminOf(CENTRE))({ method: 'POST', url: '/v1/cameras', payload: { id: CAMERA, windowCode: WINDOW, name: '受理台', rtspUrl: cameras.url('/counter') } }), 201);
  recorder = await startRecorder({ db: stack.db, root: videoDir, logger: pino({ level: 'warn' }), segmentSeconds: 1, refreshMs: 500, pruneEveryMs: 3_600_000, centres: [CENTRE] });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });

  await until(async () => (await cameraState()) === 'online');
  // Some seconds recorded before the intake, then the intake at the window, then some seconds after it.
  await sleep(3_000);
  applicationNo = await act.submit({ centreCode: CENTRE, itemCode: ITEM });
  ok(await act.accept(applicationNo));
  await until(async () => (await bookmarks()).some((b) => b.type === 'intake_accept'));
  intakeAt = Date.parse((await bookmarks()).find((b) => b.type === 'intake_accept')!.at);
  await sleep(Math.max(0, intakeAt + 5_000 - Date.now()));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await recorder?.close();
  await cameras?.stop();
  await stack?.close();
  if (videoDir) await rm(videoDir, { recursive: true, force: true });
});

/** The <video>'s readiness and position. */
const media = (page: Page, selector: string) =>
  page.locator(selector).first().evaluate((node) => {
    const video = node as unknown as { readyState: number; currentTime: number; paused: boolean; error: { code: number } | null };
    return { readyState: video.readyState, currentTime: video.currentTime, paused: video.paused, error: video.error?.code ?? null };
  });

/** The video plays: it has a frame, and its position moves on. */
async function expectPlaying(page: Page, selector: string) {
  await expect.poll(async () => (await media(page, selector)).readyState, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  const before = (await media(page, selector)).currentTime;
  await expect.poll(async () => (await media(page, selector)).currentTime, { timeout: 20_000 }).toBeGreaterThan(before + 0.5);
  expect((await media(page, selector)).error).toBeNull();
}

describe('the Video panel', () => {
  it('shows the camera online, plays the intake from the application’s bookmarks and the window live', { timeout: 90_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await signIn(page, stack.baseUrl, supervisorOf(CENTRE), '/supervision');
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });

    // Health: the county's camera, online (green).
    const row = page.locator(`[data-testid="video-camera-${CAMERA}"]`);
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 20_000 }).toBe('online');
    expect(await row.locator('.dot').getAttribute('class')).toContain('dot-green');
    expect(await row.textContent()).toContain('受理台');
    expect(await row.locator('[data-testid="video-last-segment"]').textContent()).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);

    // The application's detail, from the day's table: its intake is a bookmark of the window.
    await page.locator(`[data-testid="day-row-${ITEM}"]`).click({ timeout: 20_000 });
    await page.locator(`[data-testid="application-${applicationNo}"]`).click({ timeout: 20_000 });
    await expect.poll(() => page.locator('[data-testid="detail-no"]').textContent()).toBe(applicationNo);
    const intake = page.locator('[data-testid="video-bookmark"][data-type="intake_accept"]');
    await intake.waitFor({ timeout: 20_000 });
    expect(await intake.getAttribute('data-window')).toBe(WINDOW);
    expect(await intake.textContent()).toContain('受理');

    // Played back: 30 s before the intake to now (less than 2 min after it), its frame's time within.
    await intake.click();
    const player = page.locator('[data-testid="video-playback"]');
    await player.waitFor({ timeout: 20_000 });
    const from = Date.parse((await player.getAttribute('data-from'))!);
    const to = Date.parse((await player.getAttribute('data-to'))!);
    expect(from).toBe(intakeAt - 30_000);
    expect(to).toBeGreaterThan(intakeAt + 4_000);
    expect(to).toBeLessThanOrEqual(Math.min(intakeAt + 120_000, Date.now()));
    await expectPlaying(page, '[data-testid="video-playback-video"]');
    const clock = page.locator('[data-testid="video-clock"]');
    await expect.poll(() => clock.getAttribute('data-at'), { timeout: 20_000 }).toMatch(/^\d{4}-/);
    const shown = Date.parse((await clock.getAttribute('data-at'))!);
    expect(shown).toBeGreaterThanOrEqual(from);
    expect(shown).toBeLessThanOrEqual(to);
    expect(await clock.textContent()).toMatch(/\d{2}:\d{2}:\d{2}/);
    // The span's bar: recorded around the intake; the recording began after the span's start, which is a gap, hatched, with its times.
    const covered = await page.locator('[data-testid="video-covered"]').evaluateAll((spans) =>
      spans.map((s) => ({ from: Date.parse((s as unknown as { dataset: { from: string } }).dataset.from), to: Date.parse((s as unknown as { dataset: { to: string } }).dataset.to) })),
    );
    expect(covered.some((s) => s.from <= intakeAt && intakeAt < s.to), JSON.stringify(covered)).toBe(true);
    const gap = page.locator('[data-testid="video-gap"]').first();
    await gap.waitFor();
    const hatching = await gap.evaluate((node) => (globalThis as unknown as { getComputedStyle(n: unknown): { backgroundImage: string } }).getComputedStyle(node).backgroundImage);
    expect(hatching).toContain('repeating-linear-gradient');
    expect(await page.locator('[data-testid="video-gaps"]').textContent()).toMatch(/无录像 \d{2}:\d{2}:\d{2} – \d{2}:\d{2}:\d{2}/);
    await page.locator('[data-testid="detail-video"]').screenshot({ path: path.join(SHOTS, 'video-playback.png') });
    await page.screenshot({ path: path.join(SHOTS, 'video-detail.png') });

    // The live wall: the window chosen, its camera plays live.
    await page.locator('#detail-close').click();
    await page.locator(`[data-testid="video-window-${WINDOW}"]`).check();
    await page.locator('[data-testid="video-wall-open"]').click();
    const tile = page.locator(`[data-testid="video-tile"][data-camera="${CAMERA}"]`);
    await tile.waitFor({ timeout: 20_000 });
    expect(await tile.textContent()).toContain('受理台');
    await expectPlaying(page, `[data-testid="video-tile"][data-camera="${CAMERA}"] video`);
    const live = tile.locator('[data-testid="video-tile-clock"]');
    await expect.poll(() => live.getAttribute('data-at'), { timeout: 20_000 }).toMatch(/^\d{4}-/);
    expect(Math.abs(Date.parse((await live.getAttribute('data-at'))!) - Date.now())).toBeLessThan(30_000);
    await page.locator('[data-testid="video"]').screenshot({ path: path.join(SHOTS, 'video-panel.png') });

    // In English too.
    await page.locator('#lang-switch').click();
    expect(await page.locator('#video-title').textContent()).toBe('Video');
    expect(await row.textContent()).toContain('Online');

    // On a 1366×768 laptop the panel stacks, and nothing is wider than the screen.
    await page.setViewportSize({ width: 1366, height: 768 });
    const wider = await page.locator('html').evaluate((node) => {
      const n = node as unknown as { scrollWidth: number; clientWidth: number };
      return n.scrollWidth > n.clientWidth + 1;
    });
    expect(wider).toBe(false);
    await page.locator('[data-testid="video"]').screenshot({ path: path.join(SHOTS, 'video-panel-laptop.png') });

    expect(await page.locator('[data-testid="video-error"]').isHidden()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says on the live tile that the camera dropped, and plays it again once it is back', { timeout: 90_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await signIn(page, stack.baseUrl, supervisorOf(CENTRE), '/supervision');
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.locator(`[data-testid="video-window-${WINDOW}"]`).check();
    await page.locator('[data-testid="video-wall-open"]').click();
    const tile = page.locator(`[data-testid="video-tile"][data-camera="${CAMERA}"]`);
    const video = `[data-testid="video-tile"][data-camera="${CAMERA}"] video`;
    await expectPlaying(page, video);

    // Dropped: the tile says so (its picture stands still), the camera's row turns red.
    await cameras.stop();
    await expect.poll(() => tile.getAttribute('class'), { timeout: 30_000 }).toContain('trouble');
    expect(await tile.locator('.video-tile-status').textContent()).toMatch(/无画面|无新画面/);
    const row = page.locator(`[data-testid="video-camera-${CAMERA}"]`);
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('offline');
    expect(await row.locator('[data-testid="video-offline-since"]').textContent()).toMatch(/\d{2}:\d{2}:\d{2}/);

    // Back: a new recording, which the tile loads again by itself, its frames new.
    await cameras.start();
    const back = Date.now();
    const clock = tile.locator('[data-testid="video-tile-clock"]');
    await expect.poll(async () => Date.parse((await clock.getAttribute('data-at')) ?? '0'), { timeout: 60_000, interval: 500 }).toBeGreaterThan(back);
    await expectPlaying(page, video);
    await expect.poll(() => tile.getAttribute('class'), { timeout: 10_000 }).not.toContain('trouble');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 30_000 }).toBe('online');
    expect(errors).toEqual([]);
    await page.close();
  });
});

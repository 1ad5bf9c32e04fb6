/**
 * Video monitoring (issue 23) against a synthetic camera on loopback (GStreamer's RTSP server showing
 * the time), recorded for real by the recorder's ffmpeg, with the real API, worker, Temporal and
 * PostgreSQL: a window action is bookmarked with its window and instant, a supervisor's view of the
 * span around it is audited and its playlist's segments, checked with ffprobe, cover the instant; a
 * camera that drops shows offline and a gap, then records again; credentials appear in no answer and no
 * log line; only supervisors of the centre or above watch, each only their own views. Retention, on
 * recordings laid out as the recorder lays them out, removes only what is old, then the oldest first.
 * Everything happens at 右江区 (451002), which no other test file uses.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { and, eq, like } from 'drizzle-orm';
import { parse } from 'hls-parser';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../db/schema/index.js';
import { type RecordedSegment, coverage, pruneRecordings, segmentsIn } from '../db/video-store.js';
import { type Recorder, startRecorder } from '../server/recorder.js';
import { freePort } from '../server/temporal.js';
import { type SyntheticCameras, startSyntheticCameras } from '../scripts/video/synthetic-cameras.js';
import { type Stack, adminOf, startStack, supervisorOf, windowOf } from './support/stack.js';
import { ok, windowActions } from './support/window.js';

const run = promisify(execFile);
const CENTRE = '451002';
const WINDOW = `${CENTRE}-market_regulation`;
const PASSWORD = 'p@ss:w0rd/secret';
const USER = 'recorder-user';

let stack: Stack;
let cameras: SyntheticCameras;
let recorder: Recorder;
let videoDir: string;
const logLines: string[] = [];
const act = windowActions(() => stack);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface CameraAnswer {
  id: string;
  windowCode: string;
  rtspUrl: string;
  credentials: boolean;
  health: { state: string; offlineSince: string | null; lastSegmentAt: string | null };
}
interface ViewAnswer {
  id: string;
  cameras: { id: string; playlist: string; covered: { from: string; to: string }[]; gaps: { from: string; to: string }[] }[];
}

const supervisor = () => stack.as(supervisorOf(CENTRE));
const cameraState = async (id: string) => ok<{ cameras: CameraAnswer[] }>(await supervisor()({ method: 'GET', url: `/v1/cameras?centre=${CENTRE}` })).cameras.find((c) => c.id === id);

beforeAll(async () => {
  videoDir = await mkdtemp(path.join(tmpdir(), 'onewindow-video-'));
  const port = await freePort();
  cameras = await startSyntheticCameras({ port, mounts: ['/window-1', '/window-2'], user: USER, password: PASSWORD });
  stack = await startStack({ videoDir });
  const withCredentials = new URL(cameras.url('/window-1'));
  withCredentials.username = encodeURIComponent(USER);
  withCredentials.password = encodeURIComponent(PASSWORD);
  ok(await stack.as(adminOf(CENTRE))({ method: 'POST', url: '/v1/cameras', payload: { id: 'yj-1', windowCode: WINDOW, name: '受理台', rtspUrl: withCredentials.toString(), gbDeviceId: '45100200001320000001', gbChannelId: '45100200001310000001' } }), 201);
  // A second camera whose password is wrong: refused by the camera, its URL printed by ffmpeg.
  ok(await stack.as(adminOf(CENTRE))({ method: 'POST', url: '/v1/cameras', payload: { id: 'yj-2', windowCode: WINDOW, name: '全景', rtspUrl: cameras.url('/window-2'), username: USER, password: `${PASSWORD}-wrong` } }), 201);
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
  recorder = await startRecorder({ db: stack.db, root: videoDir, logger, segmentSeconds: 1, refreshMs: 500, pruneEveryMs: 3_600_000, centres: [CENTRE] });
}, 60_000);

afterAll(async () => {
  await recorder?.close();
  await cameras?.stop();
  await stack?.close();
  if (videoDir) await rm(videoDir, { recursive: true, force: true });
});

describe('cameras', () => {
  it('records a camera behind credentials, and shows neither its user nor its password anywhere', { timeout: 60_000 }, async () => {
    await expect.poll(async () => (await cameraState('yj-1'))?.health.state, { timeout: 30_000, interval: 500 }).toBe('online');
    const listed = await supervisor()({ method: 'GET', url: `/v1/cameras?centre=${CENTRE}` });
    expect(listed.body).not.toContain(PASSWORD);
    expect(listed.body).not.toContain(encodeURIComponent(PASSWORD));
    expect(listed.body).not.toContain(USER);
    const one = (await cameraState('yj-1'))!;
    expect(one).toMatchObject({ windowCode: WINDOW, rtspUrl: cameras.url('/window-1'), credentials: true });
    // The camera with the wrong password stays offline, and ffmpeg's complaint names no credential.
    await expect.poll(() => logLines.some((l) => l.includes('yj-2') && l.includes('401')), { timeout: 20_000 }).toBe(true);
    expect((await cameraState('yj-2'))!.health.state).not.toBe('online');
    const logged = logLines.join('\n');
    expect(logged).toContain('[redacted]');
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), `${PASSWORD}-wrong`, USER]) expect(logged).not.toContain(secret);
  });

  it('refuses a camera that is not rtsp, an unknown window, a second registration, and anyone but the centre’s administrators', async () => {
    const admin = stack.as(adminOf(CENTRE));
    const body = { id: 'yj-x', windowCode: WINDOW, name: 'x', rtspUrl: 'rtsp://127.0.0.1:1/x' };
    const notRtsp = await admin({ method: 'POST', url: '/v1/cameras', payload: { ...body, rtspUrl: 'http://example/x' } });
    expect(notRtsp.statusCode).toBe(400);
    expect(notRtsp.json().error.details[0].field).toBe('body.rtspUrl');
    const unknown = await admin({ method: 'POST', url: '/v1/cameras', payload: { ...body, windowCode: 'nowhere' } });
    expect([unknown.statusCode, unknown.json().error.details?.[0]?.field]).toEqual([400, 'body.windowCode']);
    const again = await admin({ method: 'POST', url: '/v1/cameras', payload: { ...body, id: 'yj-1' } });
    expect([again.statusCode, again.json().error.details[0].field]).toEqual([409, 'body.id']);
    // An id names a folder: never one that climbs out of the recordings'.
    for (const id of ['..', '.', '../x']) expect((await admin({ method: 'POST', url: '/v1/cameras', payload: { ...body, id } })).json().error.details[0].field).toBe('body.id');
    // A camera records its window: at another it is another camera. Its kept credentials go to no other host.
    const moved = await admin({ method: 'PUT', url: '/v1/cameras/yj-2', payload: { windowCode: `${CENTRE}-taxation`, name: '全景', rtspUrl: cameras.url('/window-2') } });
    expect([moved.statusCode, moved.json().error.details[0].field]).toEqual([400, 'body.windowCode']);
    const elsewhere = await admin({ method: 'PUT', url: '/v1/cameras/yj-2', payload: { windowCode: WINDOW, name: '全景', rtspUrl: 'rtsp://198.51.100.7:554/stream' } });
    expect([elsewhere.statusCode, elsewhere.json().error.details[0].field]).toEqual([400, 'body.password']);
    expect((await stack.as(adminOf('450200'))({ method: 'POST', url: '/v1/cameras', payload: body })).statusCode).toBe(403);
    expect((await stack.as(windowOf('market_regulation', CENTRE))({ method: 'POST', url: '/v1/cameras', payload: body })).statusCode).toBe(403);
    expect((await stack.as(windowOf('market_regulation', CENTRE))({ method: 'GET', url: '/v1/cameras' })).statusCode).toBe(403);
  });
});

describe('bookmarks and playback', () => {
  let applicationNo: string;
  let intakeAt: number;
  let view: ViewAnswer;

  it('bookmarks a window action with its window and instant, and plays the span around it from segments that cover it', { timeout: 90_000 }, async () => {
    await expect.poll(async () => (await cameraState('yj-1'))?.health.state, { timeout: 30_000, interval: 500 }).toBe('online');
    // Recording for some seconds before the action, so the span around it is all recorded.
    const first = (await segmentsIn(videoDir, 'yj-1', { from: 0, to: Date.now() }))[0];
    await sleep(Math.max(0, first.start + 6_000 - Date.now()));
    applicationNo = await act.submit({ centreCode: CENTRE });
    ok(await act.accept(applicationNo));
    const bookmarks = async () =>
      ok<{ bookmarks: { type: string; at: string; windowCode: string; officer: { id: string }; cameras: number }[] }>(
        await supervisor()({ method: 'GET', url: `/v1/applications/${applicationNo}/video-bookmarks` }),
      ).bookmarks;
    await expect.poll(async () => (await bookmarks()).map((b) => b.type), { timeout: 20_000 }).toContain('intake_accept');
    const intake = (await bookmarks()).find((b) => b.type === 'intake_accept')!;
    expect(intake).toMatchObject({ windowCode: WINDOW, officer: { id: windowOf('market_regulation', CENTRE) }, cameras: 2 });
    intakeAt = Date.parse(intake.at);

    await sleep(Math.max(0, intakeAt + 4_000 - Date.now()));
    const opened = await supervisor()({
      method: 'POST',
      url: '/v1/video-views',
      payload: { windowCode: WINDOW, from: new Date(intakeAt - 3_000).toISOString(), to: new Date(intakeAt + 3_000).toISOString(), applicationNo },
    });
    view = ok<ViewAnswer>(opened, 201);
    const camera = view.cameras.find((c) => c.id === 'yj-1')!;
    expect(camera.gaps, JSON.stringify(camera)).toEqual([]);
    expect(camera.covered).toHaveLength(1);

    // The view is in the audit trail: who, which window, which span, from which application.
    const [audited] = await stack.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'POST /v1/video-views'), like(auditLog.target, `${WINDOW} %${applicationNo}`)));
    expect(audited).toMatchObject({ centreCode: CENTRE, status: 201, actor: expect.objectContaining({ id: supervisorOf(CENTRE) }) });
    expect(audited.target).toContain(new Date(intakeAt - 3_000).toISOString());

    const playlist = await supervisor()({ method: 'GET', url: camera.playlist });
    expect(playlist.statusCode).toBe(200);
    expect(playlist.headers['content-type']).toContain('mpegurl');
    const media = parse(playlist.body);
    if (media.isMasterPlaylist) throw new Error('expected a media playlist');
    expect(media.endlist).toBe(true);
    const holding = media.segments.find((s) => s.programDateTime!.getTime() <= intakeAt && intakeAt < s.programDateTime!.getTime() + s.duration * 1000);
    expect(holding, 'a segment spans the intake').toBeDefined();

    // The segment holding the instant is real video of about the length the playlist says.
    const base = camera.playlist.slice(0, camera.playlist.lastIndexOf('/') + 1);
    const segment = await supervisor()({ method: 'GET', url: base + holding!.uri });
    expect(segment.statusCode).toBe(200);
    expect(segment.headers['content-type']).toBe('video/mp2t');
    const file = path.join(videoDir, 'probe.ts');
    await writeFile(file, segment.rawPayload);
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,codec_type:format=duration', '-of', 'json', file]);
    const probe = JSON.parse(stdout) as { streams: { codec_name: string; codec_type: string }[]; format: { duration: string } };
    expect(probe.streams).toEqual([{ codec_name: 'h264', codec_type: 'video' }]);
    expect(Math.abs(Number(probe.format.duration) - holding!.duration)).toBeLessThan(0.6);
  });

  it('serves a view to its own officer only, within its span, and to supervisors of the centre or above', async () => {
    const camera = view.cameras.find((c) => c.id === 'yj-1')!;
    // Another supervisor of a centre above may open views, but not play this one's.
    expect((await stack.as(supervisorOf('451000'))({ method: 'GET', url: camera.playlist })).statusCode).toBe(403);
    expect((await stack.as(windowOf('market_regulation', CENTRE))({ method: 'GET', url: camera.playlist })).statusCode).toBe(403);
    expect((await stack.as(supervisorOf('450200'))({ method: 'POST', url: '/v1/video-views', payload: { windowCode: WINDOW, live: true } })).statusCode).toBe(403);
    expect((await stack.as(supervisorOf('451000'))({ method: 'POST', url: '/v1/video-views', payload: { windowCode: WINDOW, live: true } })).statusCode).toBe(201);
    // A segment outside the view's span is not served, though it is on disk.
    const all = await segmentsIn(videoDir, 'yj-1', { from: 0, to: Date.now() });
    const outside = all.find((s) => s.end < intakeAt - 10_000) ?? all.find((s) => s.start > intakeAt + 10_000);
    if (outside) {
      const base = camera.playlist.slice(0, camera.playlist.lastIndexOf('/') + 1);
      expect((await supervisor()({ method: 'GET', url: `${base}segments/${outside.run}/${outside.file}` })).statusCode).toBe(404);
    }
    const wrong = [
      [{ windowCode: WINDOW }, 'body.from'],
      [{ windowCode: WINDOW, from: new Date().toISOString(), to: new Date(Date.now() - 1000).toISOString() }, 'body.to'],
      [{ windowCode: WINDOW, from: new Date(Date.now() - 3 * 3_600_000).toISOString(), to: new Date().toISOString() }, 'body.to'],
      [{ windowCode: WINDOW, live: true, from: new Date().toISOString() }, 'body.live'],
      [{ windowCode: 'nowhere', live: true }, 'body.windowCode'],
    ] as const;
    for (const [payload, field] of wrong) {
      const res = await supervisor()({ method: 'POST', url: '/v1/video-views', payload });
      expect([res.statusCode, res.json().error.details?.[0]?.field], JSON.stringify(payload)).toEqual([400, field]);
    }
  });

  it('shows a camera that drops as offline and its outage as a gap, then records again', { timeout: 90_000 }, async () => {
    const before = Date.now();
    await cameras.stop();
    await expect.poll(async () => (await cameraState('yj-1'))?.health.state, { timeout: 30_000, interval: 500 }).toBe('offline');
    const down = (await cameraState('yj-1'))!.health.offlineSince!;
    expect(Date.parse(down)).toBeGreaterThan(before - 5_000);
    await sleep(3_000);
    await cameras.start();
    await expect.poll(async () => (await cameraState('yj-1'))?.health.state, { timeout: 60_000, interval: 500 }).toBe('online');
    await sleep(3_000);
    const opened = ok<ViewAnswer>(await supervisor()({ method: 'POST', url: '/v1/video-views', payload: { windowCode: WINDOW, from: new Date(before - 5_000).toISOString(), to: new Date().toISOString() } }), 201);
    const camera = opened.cameras.find((c) => c.id === 'yj-1')!;
    expect(camera.gaps.length).toBeGreaterThanOrEqual(1);
    const gap = camera.gaps.find((g) => Date.parse(g.to) - Date.parse(g.from) >= 2_000)!;
    expect(gap, 'the outage is a gap of at least the 3 s the camera was away').toBeDefined();
    expect(camera.covered.length).toBeGreaterThanOrEqual(2);
    const media = parse((await supervisor()({ method: 'GET', url: camera.playlist })).body);
    if (media.isMasterPlaylist) throw new Error('expected a media playlist');
    expect(media.segments.some((s) => s.discontinuity)).toBe(true);
    // No segment's time lies inside the gap.
    for (const s of media.segments) {
      const start = s.programDateTime!.getTime();
      expect(start + s.duration * 1000 <= Date.parse(gap.from) + 1_000 || start >= Date.parse(gap.to) - 1_000).toBe(true);
    }
    expect(recorder.status().find((s) => s.cameraId === 'yj-1')!.restarts).toBeGreaterThanOrEqual(1);
  });

  it('rotates a run without losing a second: the next run starts before the last stops', { timeout: 60_000 }, async () => {
    // A recorder of its own at 靖西市 (451081), rotating every 6 s.
    const root = await mkdtemp(path.join(tmpdir(), 'onewindow-rotation-'));
    const url = new URL(cameras.url('/window-1'));
    url.username = encodeURIComponent(USER);
    url.password = encodeURIComponent(PASSWORD);
    ok(await stack.as(adminOf('451081'))({ method: 'POST', url: '/v1/cameras', payload: { id: 'jx-1', windowCode: '451081-market_regulation', name: '轮换', rtspUrl: url.toString() } }), 201);
    const rotating = await startRecorder({ db: stack.db, root, logger: pino({ level: 'silent' }), segmentSeconds: 1, runMinutes: 0.1, refreshMs: 500, pruneEveryMs: 3_600_000, centres: ['451081'] });
    try {
      await expect.poll(async () => (await readdir(path.join(root, 'jx-1'))).length, { timeout: 40_000, interval: 1_000 }).toBeGreaterThanOrEqual(3);
      // From the first segment to the last written: a segment still being cut is no gap.
      const all = await segmentsIn(root, 'jx-1', { from: 0, to: Date.now() });
      const span = { from: all[0].start, to: Math.max(...all.map((s) => s.end)) };
      const recorded = await segmentsIn(root, 'jx-1', span);
      expect(new Set(recorded.map((s) => s.run)).size).toBeGreaterThanOrEqual(2);
      const gaps = coverage(recorded, span).gaps;
      expect(gaps, JSON.stringify({ gaps, around: recorded.filter((s) => gaps.some((g) => Math.abs(s.end - g.from) < 5000 || Math.abs(s.start - g.to) < 5000)).map((s) => [s.run, s.file, s.start, s.end]) })).toEqual([]);
      // At most one ffmpeg besides a run being handed over.
      expect(rotating.status()[0].runDirs.length).toBeLessThanOrEqual(2);
    } finally {
      await rotating.close();
      ok(await stack.as(adminOf('451081'))({ method: 'PUT', url: '/v1/cameras/jx-1', payload: { windowCode: '451081-market_regulation', name: '轮换', rtspUrl: cameras.url('/window-1'), enabled: false } }));
      await rm(root, { recursive: true, force: true });
    }
  });

  it('stops recording a camera that is disabled', { timeout: 30_000 }, async () => {
    ok(await stack.as(adminOf(CENTRE))({ method: 'PUT', url: '/v1/cameras/yj-2', payload: { windowCode: WINDOW, name: '全景', rtspUrl: cameras.url('/window-2'), enabled: false } }));
    await recorder.refresh();
    expect(recorder.status().map((s) => s.cameraId)).toEqual(['yj-1']);
    // Its password was kept (omitted in the change), and is still never answered.
    const listed = await supervisor()({ method: 'GET', url: `/v1/cameras?centre=${CENTRE}` });
    expect(listed.json().cameras.find((c: CameraAnswer) => c.id === 'yj-2')).toMatchObject({ credentials: true, health: { state: 'unknown' } });
  });
});

/** A run as the recorder leaves it: a playlist with a date-time on each segment, and the segments. */
async function lay(root: string, cameraId: string, start: number, count: number, bytes = 1000): Promise<string> {
  const stamp = new Date(start).toISOString().replace(/[-:]/g, '').replace('.', '');
  const dir = path.join(root, cameraId, `${stamp}-1`);
  await mkdir(dir, { recursive: true });
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0'];
  for (let i = 0; i < count; i++) {
    const name = `seg-${String(i).padStart(6, '0')}.ts`;
    await writeFile(path.join(dir, name), Buffer.alloc(bytes));
    lines.push('#EXTINF:2.000000,', `#EXT-X-PROGRAM-DATE-TIME:${new Date(start + i * 2000).toISOString()}`, name);
  }
  await writeFile(path.join(dir, 'index.m3u8'), `${lines.join('\n')}\n`);
  return dir;
}
const day = 86_400_000;

describe('retention', () => {
  it('the recorder removes a run older than the retention beside a camera it is recording, and nothing of the recording', { timeout: 30_000 }, async () => {
    const old = await lay(videoDir, 'yj-1', Date.now() - 91 * day, 3);
    const span = { from: Date.now() - 20_000, to: Date.now() };
    const before = await segmentsIn(videoDir, 'yj-1', span);
    expect(before.length).toBeGreaterThan(3);
    const report = await recorder.prune();
    expect(report.removedByAge).toBe(3);
    expect(report.removedForSpace).toBe(0);
    expect(await readdir(path.dirname(old))).not.toContain(path.basename(old));
    const after = await segmentsIn(videoDir, 'yj-1', span);
    expect(after.map((s) => s.file)).toEqual(expect.arrayContaining(before.map((s) => s.file)));
    expect(report.perCamera.get('yj-1')).toBeGreaterThan(0);
  });

  it('removes segments older than the retention, then the oldest first above the ceiling, keeping a recording run', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'onewindow-retention-'));
    const now = Date.parse('2026-12-03T12:00:00Z');
    const old = await lay(root, 'a', now - 91 * day, 3);
    const older = await lay(root, 'b', now - 120 * day, 2);
    const recent = await lay(root, 'a', now - 2 * day, 5);
    const newest = await lay(root, 'b', now - 1 * day, 5);
    const active = await lay(root, 'c', now - 3 * day, 0);

    const byAge = await pruneRecordings(root, { maxAgeDays: 90, maxBytes: 1e12, now, active: new Set([active]) });
    expect(byAge).toMatchObject({ removedByAge: 5, removedForSpace: 0, bytesLeft: 10_000 });
    expect(await readdir(path.join(root, 'a'))).toEqual([path.basename(recent)]);
    expect(await readdir(path.join(root, 'b'))).toEqual([path.basename(newest)]);
    expect(await readdir(active)).toEqual(['index.m3u8']);
    void old;
    void older;

    // Above a ceiling of 7 segments' bytes: the three oldest go, all of camera a's older run first.
    const bySpace = await pruneRecordings(root, { maxAgeDays: 90, maxBytes: 7_000, now, active: new Set([active]) });
    expect(bySpace).toMatchObject({ removedByAge: 0, removedForSpace: 3, bytesLeft: 7_000 });
    const left: RecordedSegment[] = [...(await segmentsIn(root, 'a', { from: 0, to: now })), ...(await segmentsIn(root, 'b', { from: 0, to: now }))];
    expect(left.map((s) => `${s.cameraId}/${s.file}`)).toEqual(['a/seg-000003.ts', 'a/seg-000004.ts', 'b/seg-000000.ts', 'b/seg-000001.ts', 'b/seg-000002.ts', 'b/seg-000003.ts', 'b/seg-000004.ts']);
    // What was removed is a gap, not filled by anything else.
    const span = { from: now - 2 * day, to: now - 2 * day + 10_000 };
    expect(coverage(await segmentsIn(root, 'a', span), span)).toEqual({ covered: [{ from: span.from + 6_000, to: span.to }], gaps: [{ from: span.from, to: span.from + 6_000 }] });
    await rm(root, { recursive: true, force: true });
  });
});

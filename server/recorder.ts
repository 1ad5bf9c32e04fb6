/**
 * Records every enabled camera continuously (服务行为视频监控): one ffmpeg process per camera copies the
 * camera's H.264 stream, without transcoding, into two-second MPEG-TS segments under an HLS playlist
 * with a program date-time on each (db/video-store.ts reads them back). A camera that drops is started
 * again with a growing backoff, each attempt in a new run folder; a run is rotated hourly, the next one
 * started before the last is stopped, so playlists stay short and no second is lost. Each camera's health
 * (online, offline since, last segment, bytes) goes to `camera_health` and to Prometheus gauges, and the
 * retention policy runs every minute.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, stat, statfs, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Db } from '../db/client.js';
import { cameraHealth, cameras, windows } from '../db/schema/index.js';
import { type RunCache, STARTED_FILE, newRunDir, pruneRecordings } from '../db/video-store.js';
import { withinCentre } from '../workflows/rules/authority.js';

export interface RecorderOptions {
  db: Db;
  /** Where the recordings go (VIDEO_DIR). */
  root: string;
  logger: Logger;
  segmentSeconds?: number;
  runMinutes?: number;
  retentionDays?: number;
  /** The ceiling on the recordings' bytes; unset, 80% of the file system they are on. */
  maxBytes?: number;
  /** Record only the cameras of these centres (and those below them); unset, every camera. */
  centres?: string[];
  ffmpegPath?: string;
  registry?: Registry;
  /** How often the camera list is read again and health reported (ms). */
  refreshMs?: number;
  pruneEveryMs?: number;
}

type CameraRow = typeof cameras.$inferSelect & { centreCode: string };

const MAX_BACKOFF_MS = 30_000;

/** The camera's URL with its user and password, for ffmpeg only. */
function sourceUrl(camera: CameraRow): string {
  const url = new URL(camera.rtspUrl);
  if (camera.username) url.username = encodeURIComponent(camera.username);
  if (camera.password) url.password = encodeURIComponent(camera.password);
  return url.toString();
}

/** ffmpeg's own lines, without the camera's credentials in whatever spelling ffmpeg prints them. */
function redact(line: string, camera: CameraRow): string {
  let text = line.replace(/\b(rtsps?:\/\/)[^\s/@]+@/gi, '$1[redacted]@');
  for (const secret of [camera.password, camera.username]) {
    if (secret) for (const spelling of new Set([secret, encodeURIComponent(secret)])) text = text.split(spelling).join('[redacted]');
  }
  return text;
}

const sameSource = (a: CameraRow, b: CameraRow) => a.rtspUrl === b.rtspUrl && a.username === b.username && a.password === b.password;

class CameraRecorder {
  private child?: ChildProcess;
  private runDir?: string;
  private runStarted = 0;
  /** The run being replaced during a rotation, stopped once the new one has its first segment. */
  private retiring?: { child: ChildProcess; runDir: string };
  private backoffMs = 1_000;
  private restartTimer?: NodeJS.Timeout;
  private starting?: Promise<void>;
  private stopping = false;
  lastSegmentAt?: number;
  offlineSince?: number = Date.now();
  online = false;
  restarts = 0;
  bytes = 0;

  constructor(
    public camera: CameraRow,
    private readonly options: Required<Pick<RecorderOptions, 'root' | 'segmentSeconds' | 'runMinutes' | 'ffmpegPath' | 'logger'>>,
    private readonly onRestart: () => void,
  ) {}

  get activeDirs(): string[] {
    return [this.runDir, this.retiring?.runDir].filter((d): d is string => !!d);
  }

  /** Starts a run, or, when that fails (the disk, the folder), tries again after the backoff: a camera is never left unrecorded. */
  async start(): Promise<void> {
    this.starting = this.startRun().then(
      () => {},
      (err: unknown) => {
        this.options.logger.error({ camera: this.camera.id, err }, 'could not start the recording');
        this.scheduleRestart();
      },
    );
    await this.starting;
  }

  /** A new run folder and its ffmpeg, made the current run only once both exist (and unless stopping meanwhile). */
  private async startRun(): Promise<void> {
    const runDir = await newRunDir(this.options.root, this.camera.id);
    // ffmpeg dates the playlist from when it has probed the stream, seconds after the first frame it
    // keeps: the instant it was started dates the run instead (db/video-store.ts).
    await writeFile(path.join(runDir, STARTED_FILE), new Date().toISOString());
    if (this.stopping) return;
    const child = this.spawnFfmpeg(runDir);
    this.child = child;
    this.runDir = runDir;
    this.runStarted = Date.now();
  }

  private scheduleRestart(): void {
    if (this.stopping) return;
    clearTimeout(this.restartTimer);
    this.options.logger.warn({ camera: this.camera.id, retryInMs: this.backoffMs }, 'starting the camera’s recording again');
    this.restartTimer = setTimeout(() => {
      this.restarts++;
      this.onRestart();
      void this.start();
    }, this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
  }

  private spawnFfmpeg(runDir: string): ChildProcess {
    const { segmentSeconds } = this.options;
    const args = [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error'],
      // Over TCP (no lost packets behind NAT or firewalls); a camera silent for 5 s ends the run.
      ...['-rtsp_transport', 'tcp', '-timeout', '5000000', '-i', sourceUrl(this.camera)],
      // The video only, copied as the camera encoded it.
      ...['-map', '0:v:0', '-an', '-c', 'copy'],
      ...['-f', 'hls', '-hls_time', String(segmentSeconds), '-hls_list_size', '0', '-hls_segment_type', 'mpegts'],
      ...['-hls_flags', 'program_date_time+append_list+independent_segments+temp_file'],
      ...['-hls_segment_filename', path.join(runDir, 'seg-%06d.ts'), path.join(runDir, 'index.m3u8')],
    ];
    const child = spawn(this.options.ffmpegPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let pending = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const line of lines) if (line.trim()) this.options.logger.warn({ camera: this.camera.id }, `ffmpeg: ${redact(line.trim(), this.camera)}`);
    });
    child.on('error', (err) => this.options.logger.error({ camera: this.camera.id, err: redact(err.message, this.camera) }, 'ffmpeg could not start'));
    child.on('exit', (code, signal) => {
      if (this.retiring?.child === child) {
        this.retiring = undefined;
        return;
      }
      if (this.child !== child || this.stopping) return;
      if (this.retiring) {
        // The next run failed during a rotation: the current one goes on.
        ({ child: this.child, runDir: this.runDir } = this.retiring);
        this.retiring = undefined;
        this.runStarted = Date.now(); // the next rotation is tried a run's length later, not at the next check
        return;
      }
      this.child = undefined;
      this.markOffline();
      this.options.logger.warn({ camera: this.camera.id, code, signal }, 'the camera’s recording stopped');
      this.scheduleRestart();
    });
    return child;
  }

  private markOffline(now = Date.now()) {
    if (this.online || this.offlineSince === undefined) this.offlineSince = this.lastSegmentAt ?? now;
    this.online = false;
  }

  /** Reads the run's playlist: a new segment means online; none for a while means offline. Rotates an old run. */
  async check(now = Date.now()): Promise<void> {
    if (this.stopping) return;
    // Only while ffmpeg runs: it writes the playlist once more as it exits, which is no new picture.
    if (this.runDir && this.child && this.child.exitCode === null && this.child.signalCode === null) {
      // During a rotation the current run's segments count as much as the next one's.
      const times = await Promise.all(this.activeDirs.map((dir) => stat(path.join(dir, 'index.m3u8')).then((s) => s.mtimeMs, () => 0)));
      const written = Math.max(...times) || undefined;
      if (written !== undefined && written > (this.lastSegmentAt ?? 0) && written >= this.runStarted) {
        this.lastSegmentAt = written;
        this.online = true;
        this.offlineSince = undefined;
        this.backoffMs = 1_000;
        const next = await stat(path.join(this.runDir, 'index.m3u8')).then((s) => s.mtimeMs, () => 0);
        if (this.retiring && next >= this.runStarted) void stopChild(this.retiring.child);
      }
    }
    const silentMs = now - (this.lastSegmentAt ?? this.runStarted);
    // Segments are cut at key frames: a camera sending one every 10 s writes a segment every 10 s.
    if (this.online && silentMs > this.options.segmentSeconds * 3_000 + 15_000) this.markOffline(now);
    if (this.child && this.online && !this.retiring && now - this.runStarted > this.options.runMinutes * 60_000) await this.rotate();
  }

  /**
   * The next run started beside the current one, which is stopped once the next has its first segment
   * (in check). A next run with no segment in time is given up and the current one goes on.
   */
  private async rotate(): Promise<void> {
    const current = { child: this.child!, runDir: this.runDir! };
    try {
      await this.startRun();
    } catch (err) {
      this.options.logger.error({ camera: this.camera.id, err }, 'could not rotate the recording; the current run goes on');
      return;
    }
    if (this.child === current.child) return; // stopping meanwhile
    this.retiring = current;
    const next = this.child!;
    setTimeout(() => {
      if (this.retiring?.child !== current.child || this.stopping) return;
      // The next run has no segment yet: it is the one given up.
      this.retiring = { child: next, runDir: this.runDir! };
      this.child = current.child;
      this.runDir = current.runDir;
      this.runStarted = Date.now(); // the next rotation is tried a run's length later, not at the next check
      void stopChild(next);
    }, this.options.segmentSeconds * 1_000 + 15_000).unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    await this.starting;
    await Promise.all([this.child, this.retiring?.child].filter((c): c is ChildProcess => !!c).map(stopChild));
  }
}

/** ffmpeg ends a run cleanly on SIGINT (the playlist's last segment written); SIGKILL after 5 s. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGINT');
  });
}

export interface Recorder {
  /** Reads the cameras again and reports health now (the timers do it every refreshMs). */
  refresh(): Promise<void>;
  prune(now?: number): Promise<Awaited<ReturnType<typeof pruneRecordings>>>;
  status(): { cameraId: string; online: boolean; offlineSince?: number; lastSegmentAt?: number; restarts: number; runDirs: string[] }[];
  close(): Promise<void>;
}

export async function startRecorder(options: RecorderOptions): Promise<Recorder> {
  const settings = {
    root: options.root,
    logger: options.logger,
    segmentSeconds: options.segmentSeconds ?? 2,
    runMinutes: options.runMinutes ?? 60,
    ffmpegPath: options.ffmpegPath ?? 'ffmpeg',
  };
  const retentionDays = options.retentionDays ?? 90;
  const name = `${hostname()}:${process.pid}`;
  const recorders = new Map<string, CameraRecorder>();
  const runCache: RunCache = new Map();
  const metrics = options.registry && {
    online: new Gauge({ name: 'onewindow_camera_online', help: '1 while the camera’s segments arrive', labelNames: ['camera', 'window'], registers: [options.registry] }),
    lastSegment: new Gauge({
      name: 'onewindow_camera_last_segment_timestamp_seconds',
      help: 'When the camera’s last segment was written',
      labelNames: ['camera', 'window'],
      registers: [options.registry],
    }),
    bytes: new Gauge({ name: 'onewindow_camera_recording_bytes', help: 'Bytes of the camera’s recording on disk', labelNames: ['camera', 'window'], registers: [options.registry] }),
    restarts: new Counter({ name: 'onewindow_camera_restarts_total', help: 'Times the camera’s ffmpeg was started again after it stopped', labelNames: ['camera'], registers: [options.registry] }),
  };

  const mine = (centre: string) => !options.centres?.length || options.centres.some((c) => withinCentre(c, centre));
  /** This recorder's cameras, disabled ones too (their recordings are still its to prune). */
  async function ours(): Promise<CameraRow[]> {
    const rows = await options.db.select({ camera: cameras, centreCode: windows.centreCode }).from(cameras).innerJoin(windows, eq(windows.code, cameras.windowCode));
    return rows.filter((r) => mine(r.centreCode)).map((r) => ({ ...r.camera, centreCode: r.centreCode }));
  }
  const wanted = async () => (await ours()).filter((c) => c.enabled);

  async function report(): Promise<void> {
    const now = new Date().toISOString();
    for (const r of recorders.values()) {
      const row = {
        online: r.online,
        offlineSince: r.offlineSince === undefined ? null : new Date(r.offlineSince).toISOString(),
        lastSegmentAt: r.lastSegmentAt === undefined ? null : new Date(r.lastSegmentAt).toISOString(),
        bytes: r.bytes,
        recorder: name,
        reportedAt: now,
      };
      await options.db
        .insert(cameraHealth)
        .values({ cameraId: r.camera.id, ...row })
        .onConflictDoUpdate({ target: cameraHealth.cameraId, set: row });
      const labels = { camera: r.camera.id, window: r.camera.windowCode };
      metrics?.online.set(labels, r.online ? 1 : 0);
      if (r.lastSegmentAt) metrics?.lastSegment.set(labels, r.lastSegmentAt / 1000);
      metrics?.bytes.set(labels, r.bytes);
    }
  }

  async function refresh(): Promise<void> {
    const rows = await wanted();
    const ids = new Set(rows.map((r) => r.id));
    for (const [id, r] of recorders) {
      const row = rows.find((c) => c.id === id);
      if (!ids.has(id) || (row && !sameSource(row, r.camera))) {
        await r.stop();
        recorders.delete(id);
        const labels = { camera: id, window: r.camera.windowCode };
        metrics?.online.remove(labels);
        metrics?.lastSegment.remove(labels);
        metrics?.bytes.remove(labels);
        if (!ids.has(id)) await options.db.delete(cameraHealth).where(and(eq(cameraHealth.cameraId, id), eq(cameraHealth.recorder, name)));
      }
    }
    for (const row of rows) {
      if (recorders.has(row.id)) {
        recorders.get(row.id)!.camera = row;
        continue;
      }
      const r = new CameraRecorder(row, settings, () => metrics?.restarts.inc({ camera: row.id }));
      recorders.set(row.id, r);
      await r.start();
    }
    for (const r of recorders.values()) await r.check();
    await report();
  }

  async function ceiling(): Promise<number> {
    if (options.maxBytes !== undefined) return options.maxBytes;
    const fs = await statfs(options.root);
    return Math.floor(fs.blocks * fs.bsize * 0.8);
  }

  async function prune(now = Date.now()) {
    const active = new Set([...recorders.values()].flatMap((r) => r.activeDirs));
    // With VIDEO_CENTRES, other recorders share the folder: only this one's cameras are pruned here.
    const cameraIds = options.centres?.length ? new Set((await ours()).map((c) => c.id)) : undefined;
    const result = await pruneRecordings(options.root, { maxAgeDays: retentionDays, maxBytes: await ceiling(), now, active, cache: runCache, cameras: cameraIds });
    for (const r of recorders.values()) r.bytes = result.perCamera.get(r.camera.id) ?? 0;
    if (result.removedByAge || result.removedForSpace) {
      options.logger.info({ removedByAge: result.removedByAge, removedForSpace: result.removedForSpace, bytesLeft: result.bytesLeft }, 'recordings pruned');
    }
    return result;
  }

  await mkdir(options.root, { recursive: true });
  let busy = Promise.resolve();
  const serially = (step: () => Promise<unknown>) => {
    busy = busy.then(step).then(
      () => {},
      (err: unknown) => options.logger.error({ err }, 'the recorder’s round failed'),
    );
    return busy;
  };
  await serially(refresh);
  await serially(prune);
  const refreshTimer = setInterval(() => void serially(refresh), options.refreshMs ?? 5_000);
  const pruneTimer = setInterval(() => void serially(prune), options.pruneEveryMs ?? 60_000);

  return {
    refresh: () => serially(refresh),
    async prune(now) {
      let result!: Awaited<ReturnType<typeof pruneRecordings>>;
      await serially(async () => (result = await prune(now)));
      return result;
    },
    status: () =>
      [...recorders.values()].map((r) => ({
        cameraId: r.camera.id,
        online: r.online,
        offlineSince: r.offlineSince,
        lastSegmentAt: r.lastSegmentAt,
        restarts: r.restarts,
        runDirs: r.activeDirs,
      })),
    async close() {
      clearInterval(refreshTimer);
      clearInterval(pruneTimer);
      await busy;
      await Promise.all([...recorders.values()].map((r) => r.stop()));
    },
  };
}

/**
 * `npm run bench:video` (issue 23): what recording the windows' cameras costs. For each number of
 * cameras N (default 1, 4, 8, 16) it starts N synthetic cameras on loopback (scripts/video, GStreamer's
 * RTSP server; by default 1280x720 at 15 fps and 1 Mbit/s, as a window's IP camera is typically set,
 * showing the SMPTE bars with a running clock: a fixed view, on which the encoder reaches its target
 * bitrate, where the moving ball reaches about a third of it), registers them in a scratch database of
 * its own on the PostgreSQL server of DATABASE_URL, runs the recorder (server/recorder.ts: one ffmpeg
 * per camera copying the stream into HLS segments) into a temporary folder, waits until every camera
 * has written a segment, then measures for `--seconds`:
 *   - ffmpeg's CPU per camera: the ffmpeg children's utime + stime (/proc/<pid>/stat) over the
 *     interval, divided by the wall time and by N, in % of one core;
 *   - ffmpeg's resident memory (VmRSS, sampled every 5 s; and its proportional share, PSS), the mean
 *     per process;
 *   - the disk written per camera: the bytes that appeared under root/<camera>, per hour and per day;
 *   - apart, the synthetic camera server's own CPU and memory (the test source, not the recorder's
 *     cost), and this process's (the recorder's loop: health every 5 s, retention every minute);
 *   - how busy the whole machine was (/proc/stat: PostgreSQL and anything else running included).
 * Then it estimates how many cameras this machine could record: by CPU (half of the cores left for
 * everything else), by memory (half of it, at ffmpeg's PSS), and by disk (90 days' retention,
 * `--retention-days`, on the space available where the recordings are). Prints one line per N, a JSON
 * line, and writes bench-results/video.json. Not a test: it asserts nothing.
 *
 *   npm run bench:video                                  N = 1,4,8,16, 60 s each, 1280x720 15 fps 1000 kbit/s
 *   npm run bench:video -- --cameras 1,4,8 --seconds 30
 *   npm run bench:video -- --sources 4                    N cameras served from 4 encoded streams
 *   npm run bench:video -- --width 1920 --height 1080 --fps 25 --bitrate 4000 --pattern snow
 *
 * The synthetic server encodes each mount itself (x264, ultrafast): at 720p that costs far more CPU
 * than the recorder's stream copy, so on a small machine it competes with the recorder. `--sources K`
 * serves the N cameras from K mounts (cameras share a mount round-robin; one encode per mount, one
 * RTSP session per camera): the recorder's work is the same per camera, the source's much less.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { inArray, sql } from 'drizzle-orm';
import pino from 'pino';
import { openDatabase } from '../../db/client.js';
import { cameras, windows } from '../../db/schema/index.js';
import { createScratchDatabase } from '../../db/scratch.js';
import { startRecorder } from '../../server/recorder.js';
import { freePort } from '../../server/temporal.js';
import { startSyntheticCameras } from '../video/synthetic-cameras.js';

const { values } = parseArgs({
  options: {
    cameras: { type: 'string', default: '1,4,8,16' },
    seconds: { type: 'string', default: '60' },
    width: { type: 'string', default: '1280' },
    height: { type: 'string', default: '720' },
    fps: { type: 'string', default: '15' },
    bitrate: { type: 'string', default: '1000' },
    pattern: { type: 'string', default: 'smpte' },
    sources: { type: 'string' },
    'retention-days': { type: 'string', default: '90' },
  },
});
const SERIES = values.cameras.split(',').map(Number);
const SECONDS = Number(values.seconds);
const ENCODING = { width: Number(values.width), height: Number(values.height), fps: Number(values.fps), bitrate: Number(values.bitrate), pattern: values.pattern };
const SOURCES = values.sources === undefined ? undefined : Number(values.sources);
const RETENTION_DAYS = Number(values['retention-days']);
if (SERIES.some((n) => !Number.isInteger(n) || n < 1) || !(SECONDS > 0) || (SOURCES !== undefined && !(SOURCES >= 1))) {
  throw new Error('--cameras is a list of whole numbers (1,4,8), --seconds and --sources positive numbers');
}
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench-results');
const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => console.error(`[bench:video] ${line}`);

// ---- /proc ------------------------------------------------------------------------------------------

/** utime + stime of a process (all its threads), in clock ticks; undefined once it is gone. */
function cpuTicks(pid: number): number | undefined {
  try {
    // The command may hold spaces and parentheses: the fields start after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // fields 14 and 15 of proc(5)
  } catch {
    return undefined;
  }
}

/** VmRSS in bytes; undefined once the process is gone. */
function rssBytes(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** Proportional set size in bytes (shared pages divided among their sharers: what N processes add up to). */
function pssBytes(pid: number): number | undefined {
  try {
    const kb = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** Whether a process still runs (not gone, not a zombie). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** A round the test source spoiled (it aborted, or a camera never came online): measured again. */
class SpoiledRound extends Error {}

/** This process's children running `comm` (the recorder's ffmpeg processes). */
function children(comm: string): number[] {
  let listed: number[];
  try {
    listed = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    listed = [];
  }
  return listed.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm;
    } catch {
      return false;
    }
  });
}

/** The whole machine's busy and total jiffies (/proc/stat's first line). */
function machineTicks(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = fields.map(Number);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - n[3] - n[4], total }; // idle and iowait
}

/** Bytes of the files under a folder (recursively). */
function bytesUnder(dir: string): number {
  let sum = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sum += bytesUnder(p);
    else if (e.isFile()) {
      try {
        sum += statSync(p).size;
      } catch {
        // a temp segment renamed meanwhile
      }
    }
  }
  return sum;
}

/** CPU ticks of a set of processes over an interval: each one's first sight to its last (a restarted one counts from its start). */
class CpuMeter {
  private first = new Map<number, number>();
  private last = new Map<number, number>();
  constructor(private readonly pids: () => number[]) {}
  /** At the interval's start: what each has spent so far is not counted. */
  begin() {
    for (const pid of this.pids()) {
      const t = cpuTicks(pid);
      if (t === undefined) continue;
      this.first.set(pid, t);
      this.last.set(pid, t);
    }
  }
  sample() {
    for (const pid of this.pids()) {
      const t = cpuTicks(pid);
      if (t === undefined) continue;
      if (!this.first.has(pid)) this.first.set(pid, 0); // started within the interval
      this.last.set(pid, t);
    }
  }
  seconds(): number {
    let ticks = 0;
    for (const [pid, last] of this.last) ticks += last - (this.first.get(pid) ?? 0);
    return ticks / TICKS;
  }
  get processes() {
    return this.last.size;
  }
}

// ---- One round: N cameras ---------------------------------------------------------------------------

interface Row {
  cameras: number;
  sources: number;
  seconds: number;
  ffmpegProcesses: number;
  /** ffmpeg, % of one core per camera. */
  ffmpegCpuPerCamera: number;
  ffmpegCpuTotal: number;
  ffmpegRssMiB: number;
  /** The same, proportional (its share of ffmpeg's shared libraries): what each more camera adds. */
  ffmpegPssMiB: number;
  diskMiBPerCameraHour: number;
  diskGiBPerCameraDay: number;
  /** What the recorded stream amounts to, per camera. */
  mbitPerCamera: number;
  sourceCpu: number;
  sourceRssMiB: number;
  /** This process: the recorder's loop (and the bench's sampling). */
  recorderLoopCpu: number;
  machineBusy: number;
  restarts: number;
  online: number;
  secondsToFirstSegments: number;
  /** Rounds run until the source held (see SpoiledRound). */
  attempts?: number;
}

async function measure(db: Awaited<ReturnType<typeof openDatabase>>['db'], windowCodes: string[], n: number, base: string): Promise<Row> {
  const sources = Math.min(n, SOURCES ?? n);
  const mounts = Array.from({ length: sources }, (_, i) => `/cam-${i + 1}`);
  const port = await freePort();
  const source = await startSyntheticCameras({ port, mounts, ...ENCODING });
  const root = await mkdtemp(path.join(base, `n${n}-`));
  const ids = Array.from({ length: n }, (_, i) => `bench-${n}-${i + 1}`);
  await db.insert(cameras).values(ids.map((id, i) => ({ id, windowCode: windowCodes[i % windowCodes.length], name: `bench camera ${i + 1}`, rtspUrl: source.url(mounts[i % sources]) })));
  const started = Date.now();
  const recorder = await startRecorder({ db, root, logger: pino({ level: 'warn' }) });
  try {
    // Every camera's first segment (connection, first key frame, two seconds), at most a minute.
    while (Date.now() - started < 60_000 && !recorder.status().every((s) => s.online)) {
      await sleep(500);
      await recorder.refresh();
    }
    const secondsToFirstSegments = (Date.now() - started) / 1000;
    const sourcePid = source.pid()!;
    if (!running(sourcePid)) throw new SpoiledRound('the synthetic camera server exited before every camera was online');
    const offline = recorder.status().filter((s) => !s.online).length;
    if (offline > 0) throw new SpoiledRound(`${offline} of ${n} cameras had no segment after a minute`);
    const ffmpeg = new CpuMeter(() => children('ffmpeg'));
    const sourceCpu = new CpuMeter(() => [sourcePid]);
    const bytes0 = ids.map((id) => bytesUnder(path.join(root, id)));
    const machine0 = machineTicks();
    const self0 = process.cpuUsage();
    const t0 = performance.now();
    ffmpeg.begin();
    sourceCpu.begin();
    const rss: number[] = [];
    const pss: number[] = [];
    const sourceRss: number[] = [];
    while (performance.now() - t0 < SECONDS * 1000) {
      await sleep(Math.min(5_000, SECONDS * 1000 - (performance.now() - t0)));
      ffmpeg.sample();
      sourceCpu.sample();
      for (const pid of children('ffmpeg')) {
        const r = rssBytes(pid);
        if (r !== undefined) rss.push(r);
        const p = pssBytes(pid);
        if (p !== undefined) pss.push(p);
      }
      sourceRss.push(rssBytes(sourcePid) ?? 0);
    }
    if (!running(sourcePid)) throw new SpoiledRound('the synthetic camera server exited during the measurement');
    const wall = (performance.now() - t0) / 1000;
    const self = process.cpuUsage(self0);
    const machine1 = machineTicks();
    const written = ids.map((id, i) => bytesUnder(path.join(root, id)) - bytes0[i]);
    const status = recorder.status();
    const perCameraBytes = written.reduce((a, b) => a + b, 0) / n / wall;
    const mean = (list: number[]) => (list.length ? list.reduce((a, b) => a + b, 0) / list.length : 0);
    return {
      cameras: n,
      sources,
      seconds: round(wall, 1),
      ffmpegProcesses: ffmpeg.processes,
      ffmpegCpuPerCamera: round((ffmpeg.seconds() / wall / n) * 100),
      ffmpegCpuTotal: round((ffmpeg.seconds() / wall) * 100),
      ffmpegRssMiB: round(mean(rss) / 2 ** 20, 1),
      ffmpegPssMiB: round(mean(pss) / 2 ** 20, 1),
      diskMiBPerCameraHour: round((perCameraBytes * 3600) / 2 ** 20, 1),
      diskGiBPerCameraDay: round((perCameraBytes * 86_400) / 2 ** 30, 2),
      mbitPerCamera: round((perCameraBytes * 8) / 1e6, 3),
      sourceCpu: round((sourceCpu.seconds() / wall) * 100, 1),
      sourceRssMiB: round(mean(sourceRss) / 2 ** 20, 1),
      recorderLoopCpu: round(((self.user + self.system) / 1e6 / wall) * 100, 2),
      machineBusy: round(((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * 100, 1),
      restarts: status.reduce((a, s) => a + s.restarts, 0),
      online: status.filter((s) => s.online).length,
      secondsToFirstSegments: round(secondsToFirstSegments, 1),
    };
  } finally {
    await recorder.close();
    await source.stop();
    await db.delete(cameras).where(inArray(cameras.id, ids));
    await rm(root, { recursive: true, force: true });
  }
}

// ---- The series, then the estimate ------------------------------------------------------------------

const scratch = await createScratchDatabase(serverUrl, `onewindow_bench_video_${process.pid}`);
const database = await openDatabase({ url: scratch.url, dataDir: '' });
const base = await mkdtemp(path.join(os.tmpdir(), 'onewindow-bench-video-'));
const host = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30, 1), node: process.version, ffmpeg: '' };
try {
  host.ffmpeg = execFileSync('ffmpeg', ['-version']).toString().split('\n')[0];
} catch {
  host.ffmpeg = 'ffmpeg not found';
}
const rows: Row[] = [];
try {
  const windowCodes = (await database.db.select({ code: windows.code }).from(windows).orderBy(sql`${windows.code}`).limit(Math.max(...SERIES))).map((w) => w.code);
  const encoding = `${ENCODING.width}x${ENCODING.height} ${ENCODING.fps} fps ${ENCODING.bitrate} kbit/s x264 ultrafast (${ENCODING.pattern})`;
  console.log(`machine: ${host.cpus} cores (${host.cpu}), ${host.memoryGiB} GiB, ${os.platform()} ${os.arch()}, node ${host.node}, ${host.ffmpeg}`);
  console.log(`cameras: synthetic, ${encoding}; ${SECONDS} s measured per N after every camera's first segment; recordings in ${base}`);
  console.log('');
  console.log('| cameras | sources | ffmpeg CPU % per camera (total) | ffmpeg RSS (PSS) MiB each | disk MiB per camera-hour | GiB per camera-day | Mbit/s per camera | source server CPU % (RSS MiB) | recorder loop CPU % | machine busy % | online / restarts |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const n of SERIES) {
    log(`${n} camera(s)…`);
    let row: Row | undefined;
    // GStreamer's RTSP server (the test source, not the recorder) sometimes aborts when many clients
    // open a shared mount at once (gst_rtsp_media_get_rates: assertion failed): such a round is run again.
    for (let attempt = 1; !row; attempt++) {
      try {
        row = { ...(await measure(database.db, windowCodes, n, base)), attempts: attempt };
      } catch (err) {
        if (!(err instanceof SpoiledRound) || attempt >= 3) throw err;
        log(`${n} camera(s): ${err.message}; measuring again`);
      }
    }
    rows.push(row);
    console.log(
      `| ${row.cameras} | ${row.sources} | ${row.ffmpegCpuPerCamera} (${row.ffmpegCpuTotal}) | ${row.ffmpegRssMiB} (${row.ffmpegPssMiB}) | ${row.diskMiBPerCameraHour} | ${row.diskGiBPerCameraDay} | ${row.mbitPerCamera} | ${row.sourceCpu} (${row.sourceRssMiB}) | ${row.recorderLoopCpu} | ${row.machineBusy} | ${row.online}/${row.cameras} / ${row.restarts} |`,
    );
  }

  // The most a camera cost in the series (CPU, disk), against half the cores and the disk available.
  const worst = (key: 'ffmpegCpuPerCamera' | 'ffmpegRssMiB' | 'diskGiBPerCameraDay') => Math.max(...rows.map((r) => r[key]));
  const fs = await statfs(base);
  const diskAvailableGiB = (fs.bavail * fs.bsize) / 2 ** 30;
  const diskSizeGiB = (fs.blocks * fs.bsize) / 2 ** 30;
  const retainedGiBPerCamera = worst('diskGiBPerCameraDay') * RETENTION_DAYS;
  const byCpu = Math.floor((host.cpus * 100 * 0.5) / worst('ffmpegCpuPerCamera'));
  // Memory: the PSS at the most cameras (ffmpeg's libraries are shared: the more processes, the less each adds).
  const most = rows.reduce((a, b) => (b.cameras > a.cameras ? b : a));
  const byMemory = Math.floor((os.totalmem() * 0.5) / 2 ** 20 / most.ffmpegPssMiB);
  const byDisk = Math.floor(diskAvailableGiB / retainedGiBPerCamera);
  const estimate = {
    cpuPerCamera: worst('ffmpegCpuPerCamera'),
    rssMiBPerCamera: worst('ffmpegRssMiB'),
    pssMiBPerCamera: most.ffmpegPssMiB,
    gibPerCameraDay: worst('diskGiBPerCameraDay'),
    retentionDays: RETENTION_DAYS,
    retainedGiBPerCamera: round(retainedGiBPerCamera, 1),
    byCpu,
    byMemory,
    byDisk,
    diskAvailableGiB: round(diskAvailableGiB, 1),
    diskSizeGiB: round(diskSizeGiB, 1),
    camerasPerTiB: round(1024 / retainedGiBPerCamera, 1),
    /** How many days of one camera the available disk holds. */
    daysOfOneCamera: round(diskAvailableGiB / worst('diskGiBPerCameraDay'), 1),
    cameras: Math.min(byCpu, byMemory, byDisk),
  };
  console.log('');
  console.log(
    `estimate: by CPU ${byCpu} cameras (${host.cpus} cores × 50% ÷ ${estimate.cpuPerCamera}% each); by memory ${byMemory} (${host.memoryGiB} GiB × 50% ÷ ${estimate.pssMiBPerCamera} MiB PSS each at ${most.cameras}); ` +
      `by disk ${byDisk} (${estimate.diskAvailableGiB} GiB available ÷ ${estimate.retainedGiBPerCamera} GiB per camera for ${RETENTION_DAYS} days; ${estimate.camerasPerTiB} cameras per TiB; one camera fills it in ${estimate.daysOfOneCamera} days) ` +
      `→ ${estimate.cameras} cameras, limited by ${byDisk <= byCpu && byDisk <= byMemory ? 'disk' : byCpu <= byMemory ? 'CPU' : 'memory'}`,
  );
  const result = { at: new Date().toISOString(), machine: host, encoding: ENCODING, seconds: SECONDS, rows, estimate };
  console.log(JSON.stringify(result));
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'video.json'), JSON.stringify(result, null, 2));
} finally {
  await database.close();
  await scratch.drop();
  await rm(base, { recursive: true, force: true });
}

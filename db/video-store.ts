/**
 * The windows' recordings on disk, as the recorder (server/recorder.ts) leaves them: one folder per
 * camera, in it one folder per ffmpeg run (`<start>Z-<n>`), each holding ffmpeg's HLS playlist with a
 * program date-time on every segment, and the MPEG-TS segments it lists. Playback reads only segments
 * still on disk, so a span that was never recorded, or was pruned, is a gap, never another camera's or
 * another time's video. Retention removes segments by age, then the oldest first above a byte ceiling.
 */
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse, setOptions, stringify, types } from 'hls-parser';

// A playlist cut short (ffmpeg killed while writing one) is read for what it lists, without a console warning.
setOptions({ silent: true });

export interface RecordedSegment {
  cameraId: string;
  run: string;
  file: string;
  /** Wall-clock start and end, in ms since the epoch, from the playlist's program date-time. */
  start: number;
  end: number;
  bytes: number;
}

export interface Span {
  from: number;
  to: number;
}

/** Two segments closer than this are one continuous recording. */
const CONTIGUOUS_MS = 1_000;
const RUN_NAME = /^(\d{8}T\d{6}(?:\d{3})?Z)-\d+$/;
export const SEGMENT_NAME = /^seg-\d{6}\.ts$/;
/** The instant the recorder started the run's ffmpeg, written beside its playlist. */
export const STARTED_FILE = 'started';
/** How far ffmpeg's program date-time may lag the run's start and still be its probing delay. */
const MAX_PROBE_LAG_MS = 10_000;

export const cameraDir = (root: string, cameraId: string) => path.join(root, encodeURIComponent(cameraId));

/** A new run's folder, named by its start so the runs of a span are found without reading them all. */
export async function newRunDir(root: string, cameraId: string, now = new Date(), n = process.pid): Promise<string> {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  const dir = path.join(cameraDir(root, cameraId), `${stamp}-${n}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** When a run began, from its folder's name (`<start>Z-<n>`); undefined for a folder that is no run. */
export const runStart = (run: string) => {
  const m = RUN_NAME.exec(run);
  if (!m) return undefined;
  const s = m[1];
  return Date.parse(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${s.slice(15, 18) || '000'}Z`);
};

/** A folder that is not there holds nothing; any other failure to read it (a volume gone, no permission) is thrown. */
const absentAsEmpty = (err: unknown): string[] => {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
  throw err;
};

async function runs(root: string, cameraId: string): Promise<{ run: string; start: number }[]> {
  const names = await readdir(cameraDir(root, cameraId)).catch(absentAsEmpty);
  return names
    .map((run) => ({ run, start: runStart(run) }))
    .filter((r): r is { run: string; start: number } => r.start !== undefined)
    .sort((a, b) => a.start - b.start);
}

/** One run's segments that are still on disk (those overlapping `span`, if given), in order. */
async function runSegments(root: string, cameraId: string, run: string, span?: Span): Promise<RecordedSegment[]> {
  const dir = path.join(cameraDir(root, cameraId), run);
  const text = await readFile(path.join(dir, 'index.m3u8'), 'utf8').catch(() => undefined);
  if (!text) return [];
  const playlist = parse(text);
  if (playlist.isMasterPlaylist) return [];
  // ffmpeg dates the first segment when it has finished probing the stream (seconds after the frames
  // it began with), to the second, and every later one by adding up durations: the whole run is moved
  // back so that it begins when the recorder started ffmpeg.
  const started = Date.parse((await readFile(path.join(dir, STARTED_FILE), 'utf8').catch(() => '')).trim());
  const first = playlist.segments.find((s) => s.programDateTime)?.programDateTime?.getTime();
  const lag = first !== undefined && started && first > started && first - started < MAX_PROBE_LAG_MS ? first - started : 0;
  const found: RecordedSegment[] = [];
  let clock: number | undefined;
  for (const segment of playlist.segments) {
    const start = segment.programDateTime ? segment.programDateTime.getTime() - lag : clock;
    if (start === undefined) continue;
    clock = start + segment.duration * 1000;
    const file = path.basename(segment.uri);
    if (!SEGMENT_NAME.test(file) || (span && (clock <= span.from || start >= span.to))) continue;
    const size = await stat(path.join(dir, file)).then((s) => s.size, () => undefined);
    if (size !== undefined) found.push({ cameraId, run, file, start, end: clock, bytes: size });
  }
  return found;
}

/**
 * The camera's segments overlapping the span, in time order. A run that began after the span is not
 * read; one that began before is, since it may still have been recording. Where two runs overlap (the
 * recorder starts the next before stopping the last), the later run's segments that are already covered
 * are left out.
 */
export async function segmentsIn(root: string, cameraId: string, span: Span): Promise<RecordedSegment[]> {
  await stat(root); // the recordings' volume itself missing is an error, not a camera that recorded nothing
  const all = await runs(root, cameraId);
  const chosen: RecordedSegment[] = [];
  for (const [i, r] of all.entries()) {
    if (r.start > span.to) break;
    const next = all[i + 1];
    // A run ends when the next begins (a restart), or seconds after (a rotation overlaps): this one ended before the span.
    if (next && next.start + 60_000 < span.from) continue;
    for (const s of await runSegments(root, cameraId, r.run, span)) {
      const covered = chosen.at(-1);
      if (covered && s.end <= covered.end + CONTIGUOUS_MS / 2) continue;
      chosen.push(s);
    }
  }
  return chosen.sort((a, b) => a.start - b.start);
}

/**
 * The segments in the span of the newest run that has any, for a live picture: one run's segments are
 * numbered and timed as one stream, and during a rotation's overlap the newer run is taken at once.
 */
export async function newestSegments(root: string, cameraId: string, span: Span): Promise<RecordedSegment[]> {
  await stat(root);
  const all = await runs(root, cameraId);
  for (const r of all.reverse()) {
    if (r.start > span.to) continue;
    const found = await runSegments(root, cameraId, r.run, span);
    if (found.length) return found;
    if (r.start < span.from) break;
  }
  return [];
}

/** What of the span the segments cover, and what they leave as gaps. */
export function coverage(segments: RecordedSegment[], span: Span): { covered: Span[]; gaps: Span[] } {
  const covered: Span[] = [];
  for (const s of segments) {
    const from = Math.max(s.start, span.from);
    const to = Math.min(s.end, span.to);
    if (to <= from) continue;
    const last = covered.at(-1);
    if (last && from <= last.to + CONTIGUOUS_MS) last.to = Math.max(last.to, to);
    else covered.push({ from, to });
  }
  const gaps: Span[] = [];
  let at = span.from;
  for (const c of covered) {
    if (c.from > at + CONTIGUOUS_MS) gaps.push({ from: at, to: c.from });
    at = Math.max(at, c.to);
  }
  if (span.to > at + CONTIGUOUS_MS) gaps.push({ from: at, to: span.to });
  return { covered, gaps };
}

/**
 * An HLS media playlist of the segments: every segment with its program date-time, and a discontinuity
 * wherever the recording broke (another run, or a gap), so a player's clock jumps over the gap rather
 * than run the next video as if it were the missing minutes. `live` leaves the list open for a player to
 * poll; a playback ends it.
 */
export function playlistOf(
  segments: RecordedSegment[],
  uri: (s: RecordedSegment) => string,
  options: { live: boolean; mediaSequence?: number; discontinuitySequence?: number },
): string {
  const list = segments.map(
    (s, i) =>
      new types.Segment({
        uri: uri(s),
        duration: (s.end - s.start) / 1000,
        programDateTime: new Date(s.start),
        discontinuity: i > 0 && (s.run !== segments[i - 1].run || s.start > segments[i - 1].end + CONTIGUOUS_MS),
        mediaSequenceNumber: (options.mediaSequence ?? 0) + i,
      }),
  );
  const playlist = new types.MediaPlaylist({
    version: 3,
    targetDuration: Math.max(1, ...segments.map((s) => Math.ceil((s.end - s.start) / 1000))),
    mediaSequenceBase: options.mediaSequence ?? 0,
    discontinuitySequenceBase: options.discontinuitySequence ?? 0,
    playlistType: options.live ? undefined : 'VOD',
    endlist: !options.live,
    segments: list,
  });
  return stringify(playlist);
}

export const segmentPath = (root: string, cameraId: string, run: string, file: string) => {
  if (!RUN_NAME.test(run) || !SEGMENT_NAME.test(file)) throw new Error(`not a segment: ${run}/${file}`);
  return path.join(cameraDir(root, cameraId), run, file);
};

export interface PruneReport {
  removedByAge: number;
  removedForSpace: number;
  bytesLeft: number;
  /** Bytes left per camera, for the health report. */
  perCamera: Map<string, number>;
}

/** What a run holds, kept between prunes for runs that no longer record (their files only ever go). */
interface RunSummary {
  cameraId: string;
  run: string;
  dir: string;
  start: number;
  end: number;
  bytes: number;
  segments: number;
}
export type RunCache = Map<string, RunSummary>;
const YOUNG_RUN_MS = 2 * 60_000;

async function summarise(root: string, cameraId: string, run: string, start: number): Promise<RunSummary> {
  const segments = await runSegments(root, cameraId, run);
  return {
    cameraId,
    run,
    dir: path.join(cameraDir(root, cameraId), run),
    start: segments[0]?.start ?? start,
    end: segments.at(-1)?.end ?? start,
    bytes: segments.reduce((sum, s) => sum + s.bytes, 0),
    segments: segments.length,
  };
}

/**
 * Removes segments that ended more than `maxAgeDays` ago, then, while the recordings take more than
 * `maxBytes`, the oldest segments of any camera first. A run folder left empty is removed unless it is
 * one of `active` (a run still recording, whose playlist ffmpeg keeps writing). Runs that have stopped
 * are read once and remembered in `cache` (the recorder keeps one), so a prune reads only the runs
 * still recording and those it cuts into: ninety days of hourly runs are not parsed every minute.
 */
export async function pruneRecordings(
  root: string,
  options: {
    maxAgeDays: number;
    maxBytes: number;
    now?: number;
    active?: Set<string>;
    cache?: RunCache;
    /** The cameras whose recordings these are to prune (another recorder may record others into the same folder); unset: all. */
    cameras?: Set<string>;
  },
): Promise<PruneReport> {
  const now = options.now ?? Date.now();
  const cutoff = now - options.maxAgeDays * 86_400_000;
  const cache = options.cache ?? new Map<string, RunSummary>();
  const active = new Set(options.active);
  const summaries: RunSummary[] = [];
  const present = new Set<string>();
  for (const cameraId of (await readdir(root).catch(absentAsEmpty)).map((d) => decodeURIComponent(d))) {
    if (options.cameras && !options.cameras.has(cameraId)) continue;
    for (const r of await runs(root, cameraId)) {
      const dir = path.join(cameraDir(root, cameraId), r.run);
      // A run begun in the last minutes may not have its first segment yet: it is nobody's to remove.
      if (r.start > now - YOUNG_RUN_MS) active.add(dir);
      present.add(dir);
      const known = active.has(dir) ? undefined : cache.get(dir);
      const summary = known ?? (await summarise(root, cameraId, r.run, r.start));
      if (!active.has(dir)) cache.set(dir, summary);
      summaries.push(summary);
    }
  }
  for (const dir of cache.keys()) if (!present.has(dir)) cache.delete(dir);

  /** Removes the run's segments that `doomed` picks, oldest first while `more()` holds; its new summary. */
  async function cut(summary: RunSummary, doomed: (s: RecordedSegment) => boolean, more: () => boolean): Promise<number> {
    let removed = 0;
    for (const s of await runSegments(root, summary.cameraId, summary.run)) {
      if (!more() || !doomed(s)) break;
      await rm(segmentPath(root, s.cameraId, s.run, s.file), { force: true });
      summary.bytes -= s.bytes;
      summary.segments--;
      removed++;
    }
    if (summary.segments === 0 && !active.has(summary.dir)) {
      await rm(summary.dir, { recursive: true, force: true });
      cache.delete(summary.dir);
    } else if (!active.has(summary.dir)) cache.set(summary.dir, await summarise(root, summary.cameraId, summary.run, summary.start));
    return removed;
  }

  let removedByAge = 0;
  for (const summary of summaries) {
    if (summary.segments && summary.end < cutoff && !active.has(summary.dir)) {
      // All of it is old: the folder goes at once, unread.
      await rm(summary.dir, { recursive: true, force: true });
      cache.delete(summary.dir);
      removedByAge += summary.segments;
      summary.bytes = 0;
      summary.segments = 0;
    } else if (summary.segments && summary.start < cutoff) removedByAge += await cut(summary, (s) => s.end < cutoff, () => true);
    else if (!summary.segments && !active.has(summary.dir)) await cut(summary, () => false, () => false);
  }
  let bytes = summaries.reduce((sum, s) => sum + s.bytes, 0);
  let removedForSpace = 0;
  for (const summary of summaries.filter((s) => s.segments).sort((a, b) => a.start - b.start)) {
    if (bytes <= options.maxBytes) break;
    const before = summary.bytes;
    removedForSpace += await cut(summary, () => true, () => bytes - (before - summary.bytes) > options.maxBytes);
    bytes -= before - summary.bytes;
  }

  const perCamera = new Map<string, number>();
  for (const s of summaries) if (s.segments) perCamera.set(s.cameraId, (perCamera.get(s.cameraId) ?? 0) + s.bytes);
  return { removedByAge, removedForSpace, bytesLeft: bytes, perCamera };
}

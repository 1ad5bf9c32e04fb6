/**
 * The windows' recordings on disk, as the recorder (server/recorder.ts) leaves them: one folder per
 * camera, in it one folder per ffmpeg run (`<start>Z-<n>`), each holding ffmpeg's HLS playlist with a
 * program date-time on every segment, and the MPEG-TS segments it lists. Playback reads only segments
 * still on disk, so a span that was never recorded, or was pruned, is a gap, never another camera's or
 * another time's video. Retention removes segments by age, then the oldest first above a byte ceiling.
 */
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify, types } from 'hls-parser';

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

export const cameraDir = (root: string, cameraId: string) => path.join(root, encodeURIComponent(cameraId));

/** A new run's folder, named by its start so the runs of a span are found without reading them all. */
export async function newRunDir(root: string, cameraId: string, now = new Date(), n = process.pid): Promise<string> {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  const dir = path.join(cameraDir(root, cameraId), `${stamp}-${n}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

const runStart = (run: string) => {
  const m = RUN_NAME.exec(run);
  if (!m) return undefined;
  const s = m[1];
  return Date.parse(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${s.slice(15, 18) || '000'}Z`);
};

async function runs(root: string, cameraId: string): Promise<{ run: string; start: number }[]> {
  const names = await readdir(cameraDir(root, cameraId)).catch(() => [] as string[]);
  return names
    .map((run) => ({ run, start: runStart(run) }))
    .filter((r): r is { run: string; start: number } => r.start !== undefined)
    .sort((a, b) => a.start - b.start);
}

/** One run's segments that are still on disk, in order. */
async function runSegments(root: string, cameraId: string, run: string): Promise<RecordedSegment[]> {
  const dir = path.join(cameraDir(root, cameraId), run);
  const text = await readFile(path.join(dir, 'index.m3u8'), 'utf8').catch(() => undefined);
  if (!text) return [];
  const playlist = parse(text);
  if (playlist.isMasterPlaylist) return [];
  const found: RecordedSegment[] = [];
  let clock: number | undefined;
  for (const segment of playlist.segments) {
    const start = segment.programDateTime ? segment.programDateTime.getTime() : clock;
    if (start === undefined) continue;
    clock = start + segment.duration * 1000;
    const file = path.basename(segment.uri);
    if (!SEGMENT_NAME.test(file)) continue;
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
  const all = await runs(root, cameraId);
  const chosen: RecordedSegment[] = [];
  for (const [i, r] of all.entries()) {
    if (r.start > span.to) break;
    const next = all[i + 1];
    // A run ends when the next begins (a restart), or seconds after (a rotation overlaps): this one ended before the span.
    if (next && next.start + 60_000 < span.from) continue;
    for (const s of await runSegments(root, cameraId, r.run)) {
      if (s.end <= span.from || s.start >= span.to) continue;
      const covered = chosen.at(-1);
      if (covered && s.end <= covered.end + CONTIGUOUS_MS / 2) continue;
      chosen.push(s);
    }
  }
  return chosen.sort((a, b) => a.start - b.start);
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
export function playlistOf(segments: RecordedSegment[], uri: (s: RecordedSegment) => string, options: { live: boolean; mediaSequence?: number }): string {
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

/**
 * Removes segments that ended more than `maxAgeDays` ago, then, while the recordings take more than
 * `maxBytes`, the oldest segments of any camera first. A run folder left empty is removed unless it is
 * one of `active` (a run still recording, whose playlist ffmpeg keeps writing).
 */
export async function pruneRecordings(root: string, options: { maxAgeDays: number; maxBytes: number; now?: number; active?: Set<string> }): Promise<PruneReport> {
  const now = options.now ?? Date.now();
  const cutoff = now - options.maxAgeDays * 86_400_000;
  const cameraIds = (await readdir(root).catch(() => [] as string[])).map((d) => decodeURIComponent(d));
  const every: RecordedSegment[] = [];
  for (const cameraId of cameraIds) for (const r of await runs(root, cameraId)) every.push(...(await runSegments(root, cameraId, r.run)));
  every.sort((a, b) => a.end - b.end);

  let removedByAge = 0;
  let removedForSpace = 0;
  let bytes = every.reduce((sum, s) => sum + s.bytes, 0);
  const keep: RecordedSegment[] = [];
  for (const s of every) {
    if (s.end < cutoff) {
      await rm(segmentPath(root, s.cameraId, s.run, s.file), { force: true });
      bytes -= s.bytes;
      removedByAge++;
    } else keep.push(s);
  }
  while (bytes > options.maxBytes && keep.length) {
    const s = keep.shift()!;
    await rm(segmentPath(root, s.cameraId, s.run, s.file), { force: true });
    bytes -= s.bytes;
    removedForSpace++;
  }

  const perCamera = new Map<string, number>();
  for (const s of keep) perCamera.set(s.cameraId, (perCamera.get(s.cameraId) ?? 0) + s.bytes);
  for (const cameraId of cameraIds) {
    for (const r of await runs(root, cameraId)) {
      const dir = path.join(cameraDir(root, cameraId), r.run);
      if (options.active?.has(dir)) continue;
      const left = (await readdir(dir)).filter((f) => SEGMENT_NAME.test(f));
      if (!left.length) await rm(dir, { recursive: true, force: true });
    }
  }
  return { removedByAge, removedForSpace, bytesLeft: bytes, perCamera };
}

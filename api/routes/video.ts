/**
 * Video monitoring of the windows (服务行为视频监控). Administrators register each window's cameras
 * (credentials kept, never answered); supervisors of the centre or above open a view, a window's span
 * played back or its live picture, and every view is written to the audit trail before any video is
 * served: the playlists and segments answer only under a view of the caller's own, and only within its
 * span. An application's window actions are its bookmarks: the window and the instant of each.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { findApplication } from '../../db/queries.js';
import { cameras, videoViews } from '../../db/schema/index.js';
import { type CameraView, type VideoViewRow, bookmarksOf, findCamera, findView, findWindow, listCameras } from '../../db/video.js';
import { coverage, newestSegments, playlistOf, runStart, segmentPath, segmentsIn, type RecordedSegment } from '../../db/video-store.js';
import { requireSight } from '../application-access.js';
import { SYSTEM_ADMINISTRATORS, forbidden, requireCentre, scopeCentre, staffOf } from '../auth.js';
import { HttpError, errorBody, invalid, notFound } from '../errors.js';
import * as examples from '../examples/video.js';

const refusals = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 503: errorBody };
const SUPERVISORS = ['supervisor'] as const;
const CAMERA_READERS = ['supervisor', ...SYSTEM_ADMINISTRATORS] as const;
/** The longest span one view plays back, and how long a view's playlists and segments answer. */
const MAX_SPAN_MS = 2 * 3_600_000;
const VIEW_MINUTES = 120;
/** A live view's playlist: the last segments of the newest run. */
const LIVE_SEGMENTS = 5;
const LIVE_FRESH_MS = 20_000;
/** A recorder that has not reported for this long says nothing about its camera any more. */
const STALE_HEALTH_MS = 60_000;

const gbId = z
  .string()
  .regex(/^\d{20}$/, 'a GB/T 28181 id is 20 digits')
  .nullable()
  .optional();
const rtspUrl = z
  .string()
  .max(2048)
  .refine((v) => URL.canParse(v) && ['rtsp:', 'rtsps:'].includes(new URL(v).protocol), 'must be an rtsp:// or rtsps:// URL');
const cameraFields = {
  windowCode: z.string().min(1).max(64).describe('The window it records; fixed once registered'),
  name: z.string().min(1).max(100),
  rtspUrl: rtspUrl.describe('As the camera or NVR serves it (ONVIF Profile S). A user and password in it are kept apart, never answered.'),
  username: z.string().max(200).nullable().optional().describe('Omitted: kept as it is. null: none.'),
  password: z.string().max(200).nullable().optional().describe('Omitted: kept as it is. null: none.'),
  gbDeviceId: gbId.describe('GB/T 28181 device id'),
  gbChannelId: gbId.describe('GB/T 28181 channel id'),
  enabled: z.boolean().optional(),
};
// The id names the camera's folder of recordings: it begins with a letter or digit (never `.` or `..`).
const cameraBody = z.object({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (at most 64), beginning with a letter or digit'), ...cameraFields }).strict();
const cameraUpdate = z.object(cameraFields).strict();

const health = z.object({
  state: z.enum(['online', 'offline', 'unknown']).describe('unknown: no recorder has reported it within a minute'),
  offlineSince: z.string().nullable(),
  lastSegmentAt: z.string().nullable(),
  bytes: z.number().int(),
  reportedAt: z.string().nullable(),
});
const camera = z.object({
  id: z.string(),
  windowCode: z.string(),
  windowName: z.string(),
  centreCode: z.string(),
  departmentCode: z.string(),
  name: z.string(),
  rtspUrl: z.string().describe('Without user and password'),
  credentials: z.boolean().describe('Whether a user or password is kept for it'),
  gbDeviceId: z.string().nullable(),
  gbChannelId: z.string().nullable(),
  enabled: z.boolean(),
  health,
});
const span = z.object({ from: z.string(), to: z.string() });
const viewAnswer = z.object({
  id: z.string(),
  windowCode: z.string(),
  windowName: z.string(),
  centreCode: z.string(),
  live: z.boolean(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  applicationNo: z.string().nullable(),
  expiresAt: z.string(),
  cameras: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      playlist: z.string().describe('An HLS playlist (hls.js, Safari), with the session or token that opened the view'),
      health,
      covered: z.array(span).describe('What of the span is recorded; empty for a live view'),
      gaps: z.array(span).describe('What of the span is not: shown as gaps, never filled'),
    }),
  ),
});
const viewParams = z.object({ id: z.string().uuid(), camera: z.string().min(1).max(64) });

const iso = (v: string | number | null | undefined) => (v === null || v === undefined ? null : new Date(v).toISOString());

function healthOf(c: CameraView, now = Date.now()): z.infer<typeof health> {
  const fresh = c.reportedAt !== null && now - Date.parse(c.reportedAt) < STALE_HEALTH_MS;
  return {
    state: !c.enabled || !fresh ? 'unknown' : c.online ? 'online' : 'offline',
    offlineSince: iso(c.offlineSince),
    lastSegmentAt: iso(c.lastSegmentAt),
    bytes: c.bytes ?? 0,
    reportedAt: iso(c.reportedAt),
  };
}

const cameraOf = (c: CameraView): z.infer<typeof camera> => ({
  id: c.id,
  windowCode: c.windowCode,
  windowName: c.windowName,
  centreCode: c.centreCode,
  departmentCode: c.departmentCode,
  name: c.name,
  rtspUrl: c.rtspUrl,
  credentials: c.credentials,
  gbDeviceId: c.gbDeviceId,
  gbChannelId: c.gbChannelId,
  enabled: c.enabled,
  health: healthOf(c),
});

/**
 * The URL without its user and password, and those apart (decoded). A URL with a user brings both (no
 * password in it: none); an explicit field wins over the URL's; neither: undefined, kept as it is.
 */
function splitCredentials(body: { rtspUrl: string; username?: string | null; password?: string | null }) {
  const url = new URL(body.rtspUrl);
  const inUrl = url.username !== '';
  const fromUrl = { username: inUrl ? decodeURIComponent(url.username) : undefined, password: inUrl ? (url.password ? decodeURIComponent(url.password) : null) : undefined };
  url.username = '';
  url.password = '';
  return { rtspUrl: url.toString(), username: body.username !== undefined ? body.username : fromUrl.username, password: body.password !== undefined ? body.password : fromUrl.password };
}

/** The recordings' volume unreadable (unmounted, no permission) is a 503, never an answer that nothing was recorded. */
async function stored<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code && ['EACCES', 'EIO', 'ENOTDIR', 'EPERM', 'ESTALE', 'ENOTCONN', 'ENOENT'].includes(code)) {
      throw new HttpError(503, 'video_unavailable', `The recordings cannot be read (${code}); retry later`);
    }
    throw err;
  }
}

export const videoRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const root = () => {
    const dir = app.deps.video?.dir;
    if (!dir) throw new HttpError(503, 'video_unavailable', 'No recordings are kept here (VIDEO_DIR is not set)');
    return dir;
  };

  async function windowWithin(request: FastifyRequest, code: string, field: string, what: string) {
    const window = await findWindow(db, code);
    if (!window) throw invalid(field, `no window ${code}`);
    requireCentre(request, window.centreCode, what);
    return window;
  }

  app.get(
    '/cameras',
    {
      schema: {
        tags: ['video'],
        summary: 'The cameras of a centre’s windows and those below it, with each one’s recording health (online, offline since, last segment); never their credentials',
        querystring: z.object({ centre: z.string().regex(/^\d{6}$/).optional(), window: z.string().max(64).optional() }),
        response: { 200: z.object({ cameras: z.array(camera) }), ...refusals },
      },
      config: { access: CAMERA_READERS, examples: examples.cameraListExamples },
    },
    async (request) => {
      const centre = scopeCentre(request, request.query.centre, 'read the cameras');
      return { cameras: (await listCameras(db, { centre, window: request.query.window })).map(cameraOf) };
    },
  );

  app.post(
    '/cameras',
    {
      schema: { tags: ['video'], summary: 'Register a window’s camera (system administrators of its centre or above)', body: cameraBody, response: { 201: camera, ...refusals } },
      config: { access: SYSTEM_ADMINISTRATORS, examples: examples.registerCameraExamples },
    },
    async (request, reply) => {
      const { id, windowCode, name, gbDeviceId, gbChannelId, enabled } = request.body;
      const window = await windowWithin(request, windowCode, 'body.windowCode', 'register a camera');
      request.auditCentre = window.centreCode;
      const inserted = await db
        .insert(cameras)
        .values({ id, windowCode, name, ...splitCredentials(request.body), gbDeviceId: gbDeviceId ?? null, gbChannelId: gbChannelId ?? null, enabled: enabled ?? true })
        .onConflictDoNothing()
        .returning({ id: cameras.id });
      if (!inserted.length) throw new HttpError(409, 'camera_exists', `Camera ${id} is already registered`, [{ field: 'body.id', message: `Camera ${id} is already registered` }]);
      const [row] = await listCameras(db, { centre: window.centreCode, id });
      return reply.code(201).send(cameraOf(row));
    },
  );

  app.put(
    '/cameras/:id',
    {
      schema: {
        tags: ['video'],
        summary:
          'Change a camera: its name, URL, credentials, GB/T 28181 ids, or whether it is recorded (enabled: false stops its recording; what was recorded stays until retention removes it). Its window stays: a camera at another window is registered anew. A URL at another host needs the credentials again',
        params: z.object({ id: z.string().min(1).max(64) }),
        body: cameraUpdate,
        response: { 200: camera, ...refusals },
      },
      config: { access: SYSTEM_ADMINISTRATORS, examples: examples.changeCameraExamples },
    },
    async (request) => {
      const existing = await findCamera(db, request.params.id);
      if (!existing) throw notFound(`Camera ${request.params.id}`);
      const window = (await findWindow(db, existing.windowCode))!;
      requireCentre(request, window.centreCode, 'change this camera');
      request.auditCentre = window.centreCode;
      // Its recordings are its window's: at another window it is another camera, with recordings of its own.
      if (request.body.windowCode !== existing.windowCode) {
        throw invalid('body.windowCode', `camera ${existing.id} records window ${existing.windowCode}: register a new camera at another window`);
      }
      const split = splitCredentials(request.body);
      // The kept user and password go only to the host they were given for.
      const hostOf = (url: string) => new URL(url).host;
      if (hostOf(split.rtspUrl) !== hostOf(existing.rtspUrl) && (existing.username || existing.password) && split.username === undefined && split.password === undefined) {
        throw invalid('body.password', 'the camera is at another host now: give its user and password again (null for none)');
      }
      const { name, gbDeviceId, gbChannelId, enabled } = request.body;
      await db
        .update(cameras)
        .set({
          windowCode: window.code,
          name,
          rtspUrl: split.rtspUrl,
          username: split.username === undefined ? existing.username : split.username,
          password: split.password === undefined ? existing.password : split.password,
          gbDeviceId: gbDeviceId === undefined ? existing.gbDeviceId : gbDeviceId,
          gbChannelId: gbChannelId === undefined ? existing.gbChannelId : gbChannelId,
          enabled: enabled ?? existing.enabled,
          updatedAt: new Date().toISOString(),
        })
        .where(eq(cameras.id, existing.id));
      const [row] = await listCameras(db, { centre: window.centreCode, id: existing.id });
      return cameraOf(row);
    },
  );

  app.get(
    '/applications/:no/video-bookmarks',
    {
      schema: {
        tags: ['video'],
        summary: 'The application’s window actions (consultation, intake, supplement, clock stop and resume, decision, pickup): each one’s window and instant, to play that window’s video around it',
        params: z.object({ no: z.string().max(64) }),
        response: {
          200: z.object({
            bookmarks: z.array(
              z.object({
                type: z.string(),
                at: z.string(),
                windowCode: z.string(),
                windowName: z.string().nullable(),
                officer: z.object({ id: z.string(), name: z.string().nullable() }),
                department: z.string().nullable(),
                cameras: z.number().int().describe('How many enabled cameras that window has now'),
              }),
            ),
          }),
          ...refusals,
        },
      },
      config: { access: SUPERVISORS, examples: examples.bookmarkExamples },
    },
    async (request) => {
      const found = await findApplication(db, request.params.no);
      if (!found) throw notFound(`Application ${request.params.no}`);
      requireSight(request, found.row, found.reviews);
      requireCentre(request, found.row.centreCode, 'watch this application’s windows');
      const marks = await bookmarksOf(db, found.row.applicationNo, found.row.consultationId);
      const counts = new Map<string, number>();
      for (const c of await listCameras(db, { centre: staffOf(request).centreCode })) if (c.enabled) counts.set(c.windowCode, (counts.get(c.windowCode) ?? 0) + 1);
      return { bookmarks: marks.map((m) => ({ ...m, cameras: counts.get(m.windowCode) ?? 0 })) };
    },
  );

  app.post(
    '/video-views',
    {
      schema: {
        tags: ['video'],
        summary:
          'Open a view of a window’s cameras: a span played back (at most two hours; from a bookmark, 30 s before its instant to 2 min after) or the live picture. Written to the audit trail (who, which window, which span) before any video is served; its playlists answer the same officer for two hours',
        body: z
          .object({
            windowCode: z.string().min(1).max(64),
            live: z.boolean().optional(),
            from: z.iso.datetime({ offset: true }).optional(),
            to: z.iso.datetime({ offset: true }).optional(),
            applicationNo: z.string().max(64).optional().describe('The application whose bookmark it was opened from'),
          })
          .strict(),
        response: { 201: viewAnswer, ...refusals },
      },
      config: { access: SUPERVISORS, examples: examples.viewExamples },
    },
    async (request, reply) => {
      const officer = staffOf(request);
      const { windowCode, live = false, applicationNo } = request.body;
      const window = await windowWithin(request, windowCode, 'body.windowCode', 'watch this window');
      let from: number | null = null;
      let to: number | null = null;
      if (live) {
        if (request.body.from || request.body.to) throw invalid('body.live', 'a live view has no span: leave out from and to');
      } else {
        if (!request.body.from) throw invalid('body.from', 'a playback needs from and to (or live: true)');
        if (!request.body.to) throw invalid('body.to', 'a playback needs from and to (or live: true)');
        from = Date.parse(request.body.from);
        to = Date.parse(request.body.to);
        if (to <= from) throw invalid('body.to', 'must be after from');
        if (to - from > MAX_SPAN_MS) throw invalid('body.to', 'a view plays back at most two hours');
        if (from > Date.now()) throw invalid('body.from', 'is in the future');
      }
      if (applicationNo) {
        const found = await findApplication(db, applicationNo);
        if (!found) throw invalid('body.applicationNo', `no application ${applicationNo}`);
        requireSight(request, found.row, found.reviews);
      }
      const id = randomUUID();
      const now = new Date();
      const row = {
        id,
        officerId: officer.id,
        windowCode,
        centreCode: window.centreCode,
        fromAt: iso(from),
        toAt: iso(to),
        live,
        applicationNo: applicationNo ?? null,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + VIEW_MINUTES * 60_000).toISOString(),
      };
      await db.insert(videoViews).values(row);
      // The audit trail names who watched which window, which span (api/audit.ts writes it before the answer leaves).
      request.auditCentre = window.centreCode;
      request.auditTarget = `${windowCode} ${live ? 'live' : `${row.fromAt}..${row.toAt}`}${applicationNo ? ` ${applicationNo}` : ''}`;
      const list = (await listCameras(db, { centre: window.centreCode, window: windowCode })).filter((c) => c.enabled || !live);
      const answer = [];
      for (const c of list) {
        const recorded = live || !app.deps.video?.dir ? [] : await stored(() => segmentsIn(app.deps.video!.dir, c.id, { from: from!, to: to! }));
        const spans = live ? { covered: [], gaps: [] } : coverage(recorded, { from: from!, to: to! });
        const shown = (s: { from: number; to: number }) => ({ from: iso(s.from)!, to: iso(s.to)! });
        answer.push({
          id: c.id,
          name: c.name,
          playlist: `/v1/video-views/${id}/cameras/${encodeURIComponent(c.id)}/index.m3u8`,
          health: healthOf(c),
          covered: spans.covered.map(shown),
          gaps: spans.gaps.map(shown),
        });
      }
      return reply.code(201).send({
        id,
        windowCode,
        windowName: window.name,
        centreCode: window.centreCode,
        live,
        from: row.fromAt,
        to: row.toAt,
        applicationNo: row.applicationNo,
        expiresAt: row.expiresAt,
        cameras: answer,
      });
    },
  );

  /** The caller's own, unexpired view, and one of its window's cameras. */
  async function viewFor(request: FastifyRequest, params: { id: string; camera: string }): Promise<{ view: VideoViewRow; cameraId: string }> {
    const view = await findView(db, params.id);
    if (!view) throw notFound(`View ${params.id}`);
    if (view.officerId !== staffOf(request).id) throw forbidden('A view plays only for the officer who opened it (and the audit trail names)');
    if (Date.parse(view.expiresAt) < Date.now()) throw new HttpError(410, 'view_expired', 'The view has expired: open a new one');
    const camera = await findCamera(db, params.camera);
    if (!camera || camera.windowCode !== view.windowCode) throw notFound(`Camera ${params.camera} of window ${view.windowCode}`);
    return { view, cameraId: camera.id };
  }

  async function segmentsOf(view: VideoViewRow, cameraId: string, purpose: 'playlist' | 'segment' = 'playlist'): Promise<RecordedSegment[]> {
    return stored(async () => {
      if (!view.live) return segmentsIn(root(), cameraId, { from: Date.parse(view.fromAt!), to: Date.parse(view.toAt!) });
      // Only what is fresh: a camera that has dropped shows nothing live rather than its last seconds again.
      // A segment answers for a minute, so one listed a moment ago is still served.
      const now = Date.now();
      const recent = await newestSegments(root(), cameraId, { from: now - (purpose === 'segment' ? 60_000 : LIVE_FRESH_MS), to: now + 1 });
      return purpose === 'segment' ? recent : recent.slice(-LIVE_SEGMENTS);
    });
  }

  const playlistRefusals = { 401: errorBody, 403: errorBody, 404: errorBody, 410: errorBody, 503: errorBody };

  app.get(
    '/video-views/:id/cameras/:camera/index.m3u8',
    {
      schema: {
        tags: ['video'],
        summary: 'A view’s HLS playlist of one camera: its segments in the span, each with its program date-time and a discontinuity at every break; live: the last few segments, open',
        params: viewParams,
        response: { 200: z.string(), ...playlistRefusals },
      },
      config: { access: SUPERVISORS, examples: examples.playlistExamples },
    },
    async (request, reply) => {
      const { view, cameraId } = await viewFor(request, request.params);
      const segments = await segmentsOf(view, cameraId);
      // Live: numbered within the newest run from its start, and each run its own discontinuity, so a
      // player that saw the last run knows the next one's timestamps begin again.
      const runSecond = segments.length ? Math.floor(runStart(segments[0].run)! / 1000) : 0;
      const sequence = view.live && segments.length ? runSecond + segmentIndex(segments[0].file) : 0;
      const text = playlistOf(segments, (s) => `segments/${s.run}/${s.file}`, { live: view.live, mediaSequence: sequence, discontinuitySequence: 0 });
      return reply.header('cache-control', 'no-store').type('application/vnd.apple.mpegurl').send(text);
    },
  );

  app.get(
    '/video-views/:id/cameras/:camera/segments/:run/:file',
    {
      schema: {
        tags: ['video'],
        summary: 'One MPEG-TS segment of a view’s playlist; only a segment within the view’s span (live: of the last minute) answers',
        params: viewParams.extend({ run: z.string().max(64), file: z.string().max(32) }),
        response: { 200: z.any().describe('The segment’s bytes (video/mp2t)'), ...playlistRefusals },
      },
      config: { access: SUPERVISORS },
    },
    async (request, reply) => {
      const { view, cameraId } = await viewFor(request, request.params);
      const { run, file } = request.params;
      const listed = (await segmentsOf(view, cameraId, 'segment')).some((s) => s.run === run && s.file === file);
      if (!listed) throw notFound(`Segment ${run}/${file} of this view`);
      const where = segmentPath(root(), cameraId, run, file);
      const size = await stat(where).then((s) => s.size, () => undefined);
      if (size === undefined) throw notFound(`Segment ${run}/${file} (removed by retention)`);
      return reply.header('cache-control', 'private, max-age=3600').header('content-length', size).type('video/mp2t').send(createReadStream(where));
    },
  );
};

const segmentIndex = (file: string) => Number(/\d+/.exec(file)![0]);

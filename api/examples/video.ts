/**
 * Examples of the video routes (服务行为视频监控) for /docs: the cameras of the market regulation window
 * at the Xingning District centre in Nanning (450102), recorded through an NVR with GB/T 28181 ids, and a
 * supervisor's view of its intake of 450102-20260302-000015 (api/examples/ratings.ts). Each value is
 * checked against its route's zod schemas (tests/openapi-docs.test.ts).
 */
import type { RouteExamples } from '../openapi.js';
import { APPLICATION_NO, CHIEF, WINDOW, WINDOW_OFFICER } from './ratings.js';

/** GB/T 28181 ids: the centre's code (450102) and unit (00), trade (00), type (118 an NVR, 131 a camera), network (0), serial. */
const NVR = '45010200001180000001';
const CHANNEL_1 = '45010200001310000001';
const CHANNEL_2 = '45010200001310000002';

const COUNTER = { id: '450102-market_regulation-1', name: '受理台' };
const HALL = { id: '450102-market_regulation-2', name: '窗口全景' };

const online = { state: 'online', offlineSince: null, lastSegmentAt: '2026-03-12T02:41:50.000Z', bytes: 118_612_377_600, reportedAt: '2026-03-12T02:41:58.000Z' };

const camera = (which: { id: string; name: string }, channel: string, fields: Record<string, unknown> = {}) => ({
  ...which,
  windowCode: WINDOW.code,
  windowName: WINDOW.name,
  centreCode: '450102',
  departmentCode: 'market_regulation',
  rtspUrl: `rtsp://10.45.12.20:554/Streaming/Channels/${channel === CHANNEL_1 ? 101 : 201}`,
  credentials: true,
  gbDeviceId: NVR,
  gbChannelId: channel,
  enabled: true,
  health: online,
  ...fields,
});

export const cameraListExamples: RouteExamples = {
  querystring: { window: { summary: 'One window’s cameras', value: { centre: '450102', window: WINDOW.code } } },
  responses: {
    200: {
      window: {
        summary: 'The counter’s camera recording, the hall’s offline since the morning',
        value: {
          cameras: [
            camera(COUNTER, CHANNEL_1),
            camera(HALL, CHANNEL_2, { health: { state: 'offline', offlineSince: '2026-03-12T00:58:12.000Z', lastSegmentAt: '2026-03-12T00:57:50.000Z', bytes: 96_337_041_408, reportedAt: '2026-03-12T02:41:58.000Z' } }),
          ],
        },
      },
    },
  },
};

const registered = camera(COUNTER, CHANNEL_1, { health: { state: 'unknown', offlineSince: null, lastSegmentAt: null, bytes: 0, reportedAt: null } });

export const registerCameraExamples: RouteExamples = {
  body: {
    nvr: {
      summary: 'A channel of the window’s NVR, with its GB/T 28181 ids and credentials',
      value: {
        id: COUNTER.id,
        windowCode: WINDOW.code,
        name: COUNTER.name,
        rtspUrl: 'rtsp://10.45.12.20:554/Streaming/Channels/101',
        username: 'onewindow',
        password: 'Gx#2026-rec',
        gbDeviceId: NVR,
        gbChannelId: CHANNEL_1,
        enabled: true,
      },
    },
    urlCredentials: {
      summary: 'An ONVIF camera with its user and password in the URL (kept apart, never answered)',
      value: { id: HALL.id, windowCode: WINDOW.code, name: HALL.name, rtspUrl: 'rtsp://onewindow:Gx%232026-rec@10.45.12.31:554/onvif/profile1/media.smp' },
    },
  },
  responses: {
    201: {
      nvr: { summary: 'Registered: no health until a recorder reports it', value: registered },
      urlCredentials: {
        summary: 'Registered: the URL answered without its user and password',
        value: { ...registered, ...HALL, rtspUrl: 'rtsp://10.45.12.31:554/onvif/profile1/media.smp', gbDeviceId: null, gbChannelId: null },
      },
    },
  },
};

export const changeCameraExamples: RouteExamples = {
  body: {
    disable: {
      summary: 'Recording stopped (what was recorded stays until retention removes it); the credentials kept',
      value: { windowCode: WINDOW.code, name: COUNTER.name, rtspUrl: 'rtsp://10.45.12.20:554/Streaming/Channels/101', enabled: false },
    },
    newHost: {
      summary: 'Moved to a new NVR: its credentials given again',
      value: {
        windowCode: WINDOW.code,
        name: COUNTER.name,
        rtspUrl: 'rtsp://10.45.12.21:554/Streaming/Channels/101',
        username: 'onewindow',
        password: 'Gx#2026-nvr2',
        gbDeviceId: '45010200001180000002',
        gbChannelId: CHANNEL_1,
      },
    },
  },
  responses: {
    200: {
      disable: { summary: 'Not recorded any more', value: camera(COUNTER, CHANNEL_1, { enabled: false, health: { ...online, state: 'unknown' } }) },
      newHost: {
        summary: 'At the new NVR',
        value: camera(COUNTER, CHANNEL_1, { rtspUrl: 'rtsp://10.45.12.21:554/Streaming/Channels/101', gbDeviceId: '45010200001180000002' }),
      },
    },
  },
};

export const bookmarkExamples: RouteExamples = {
  responses: {
    200: {
      application: {
        summary: 'The window actions of an application, from its consultation to its pickup',
        value: {
          bookmarks: [
            { type: 'consultation', at: '2026-03-02T01:20:00.000Z', windowCode: WINDOW.code, windowName: WINDOW.name, officer: WINDOW_OFFICER, department: 'market_regulation', cameras: 2 },
            { type: 'intake_accept', at: '2026-03-02T01:52:00.000Z', windowCode: WINDOW.code, windowName: WINDOW.name, officer: WINDOW_OFFICER, department: 'market_regulation', cameras: 2 },
            { type: 'review_approved', at: '2026-03-04T07:30:00.000Z', windowCode: WINDOW.code, windowName: WINDOW.name, officer: CHIEF, department: 'market_regulation', cameras: 2 },
            { type: 'picked_up', at: '2026-03-06T03:30:00.000Z', windowCode: WINDOW.code, windowName: WINDOW.name, officer: WINDOW_OFFICER, department: 'market_regulation', cameras: 2 },
          ],
        },
      },
    },
  },
};

const VIEW_ID = '6f1c2d7e-93a4-4b8e-9f53-0c1e8a7d2b45';
const LIVE_ID = 'c3a9e2b1-5d47-4f0a-8e6b-7a2d9c41f803';
const playlist = (view: string, cameraId: string) => `/v1/video-views/${view}/cameras/${cameraId}/index.m3u8`;

export const viewExamples: RouteExamples = {
  body: {
    bookmark: {
      summary: 'The intake played back: 30 s before its bookmark to 2 min after',
      value: { windowCode: WINDOW.code, from: '2026-03-02T09:51:30+08:00', to: '2026-03-02T09:54:00+08:00', applicationNo: APPLICATION_NO },
    },
    live: { summary: 'The live picture (实时画面)', value: { windowCode: WINDOW.code, live: true } },
  },
  responses: {
    201: {
      bookmark: {
        summary: 'A playback: the counter recorded throughout, the hall with a gap',
        value: {
          id: VIEW_ID,
          windowCode: WINDOW.code,
          windowName: WINDOW.name,
          centreCode: '450102',
          live: false,
          from: '2026-03-02T01:51:30.000Z',
          to: '2026-03-02T01:54:00.000Z',
          applicationNo: APPLICATION_NO,
          expiresAt: '2026-03-12T04:45:00.000Z',
          cameras: [
            { ...COUNTER, playlist: playlist(VIEW_ID, COUNTER.id), health: online, covered: [{ from: '2026-03-02T01:51:30.000Z', to: '2026-03-02T01:54:00.000Z' }], gaps: [] },
            {
              ...HALL,
              playlist: playlist(VIEW_ID, HALL.id),
              health: online,
              covered: [
                { from: '2026-03-02T01:51:30.000Z', to: '2026-03-02T01:52:40.000Z' },
                { from: '2026-03-02T01:53:10.000Z', to: '2026-03-02T01:54:00.000Z' },
              ],
              gaps: [{ from: '2026-03-02T01:52:40.000Z', to: '2026-03-02T01:53:10.000Z' }],
            },
          ],
        },
      },
      live: {
        summary: 'A live view: no span, its playlists open',
        value: {
          id: LIVE_ID,
          windowCode: WINDOW.code,
          windowName: WINDOW.name,
          centreCode: '450102',
          live: true,
          from: null,
          to: null,
          applicationNo: null,
          expiresAt: '2026-03-12T04:45:00.000Z',
          cameras: [
            { ...COUNTER, playlist: playlist(LIVE_ID, COUNTER.id), health: online, covered: [], gaps: [] },
            { ...HALL, playlist: playlist(LIVE_ID, HALL.id), health: online, covered: [], gaps: [] },
          ],
        },
      },
    },
  },
};

/** The hall camera's segments in the playback above: ten seconds each, a run from 00:30 UTC up to the gap, a new run after it. */
function hallPlaylist(): string {
  const segment = (run: string, runStart: number, at: number) =>
    [`#EXT-X-PROGRAM-DATE-TIME:${new Date(at).toISOString()}`, '#EXTINF:10,', `segments/${run}/seg-${String((at - runStart) / 10_000).padStart(6, '0')}.ts`];
  const first = Date.parse('2026-03-02T00:30:00Z');
  const second = Date.parse('2026-03-02T01:53:10Z');
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:10', '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-DISCONTINUITY-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD'];
  for (let at = Date.parse('2026-03-02T01:51:30Z'); at < Date.parse('2026-03-02T01:52:40Z'); at += 10_000) lines.push(...segment('20260302T003000Z-1', first, at));
  lines.push('#EXT-X-DISCONTINUITY');
  for (let at = second; at < Date.parse('2026-03-02T01:54:00Z'); at += 10_000) lines.push(...segment('20260302T015310Z-1', second, at));
  return [...lines, '#EXT-X-ENDLIST', ''].join('\n');
}

export const playlistExamples: RouteExamples = {
  responses: {
    200: {
      playback: {
        summary: 'The hall camera’s playlist of the playback above (application/vnd.apple.mpegurl): a discontinuity at its gap',
        value: hallPlaylist(),
      },
    },
  },
};

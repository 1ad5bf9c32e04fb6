// Video monitoring of the windows (服务行为视频监控), for supervisors (a system administrator sees the
// cameras' health only): the selected centre's cameras with their recording health (GET /v1/cameras);
// a live wall of the windows chosen, one live view each (POST /v1/video-views {live: true}), every camera
// a muted tile; and, in an application's detail, its window actions as bookmarks (GET …/video-bookmarks),
// each opening a view of 30 s before to 2 min after it (up to now) with what of the span was recorded and
// what is a gap drawn under the player, and the wall-clock time of the frame shown beside it (hls.js's
// playingDate, from the playlist's program date-times). hls.js is loaded before the modules as the global
// `Hls`. Every view is written to the audit trail by the API before it serves any video. Failures are said
// in the panel (or on the tile), never thrown.

import { getJSON, latest, sendJSON, showError } from './api.js';
import { $, centreName, el, formatInstant } from './helpers.js';
import { t } from './i18n.js';
import { state } from './state.js';

const TEXT = {
  zh: {
    title: '视频监控',
    camerasTitle: '摄像机状态',
    col_state: '状态',
    col_camera: '摄像机',
    col_window: '窗口',
    col_offlineSince: '离线起',
    col_lastSegment: '最近录像',
    state_online: '在线',
    state_offline: '离线',
    state_unknown: '未知',
    state_online_tip: '正在录像',
    state_offline_tip: '录像中断：摄像机无画面',
    state_unknown_tip: '一分钟内无录像服务上报（或已停用）',
    disabled: '已停用',
    noCameras: '该中心暂无登记的摄像机',
    wallTitle: '实时画面墙',
    wallHint: '选择窗口后打开实时画面（每次观看均记入审计日志）',
    wallOpen: '打开实时画面',
    wallClose: '关闭画面墙',
    wallNone: '没有可选的窗口（未登记摄像机）',
    wallOpening: '正在打开…',
    wallFailed: '{window}：无法打开实时画面：{message}',
    tileWaiting: '等待画面…',
    tileNoPicture: '无画面：{message}',
    tileRetry: '无画面，稍后重试',
    tileStale: '自 {since} 起无新画面',
    frameTime: '画面时间',
    bookmarksTitle: '窗口录像',
    bookmarksHint: '点击窗口办理环节，回放该窗口前30秒至后2分钟的录像（每次观看均记入审计日志）',
    noBookmarks: '该办件暂无窗口办理环节',
    noCameraAtWindow: '该窗口未登记摄像机',
    cameraCount: '{n}路',
    loading: '加载中…',
    consultation: '咨询登记',
    playbackOf: '{window} · {from} – {to}',
    playbackClose: '关闭回放',
    playbackCamera: '摄像机',
    covered: '有录像',
    gap: '无录像',
    gapSpan: '无录像 {from} – {to}（{seconds}秒）',
    noGaps: '该时段录像完整',
    nothingRecorded: '该时段没有录像',
    noHls: '此浏览器无法播放 HLS 视频',
    openFailed: '无法打开录像：{message}',
    playFailed: '播放失败：{message}',
    atMark: '办理时刻',
    seekHint: '点击跳转到该时刻',
  },
  en: {
    title: 'Video',
    camerasTitle: 'Cameras',
    col_state: 'State',
    col_camera: 'Camera',
    col_window: 'Window',
    col_offlineSince: 'Offline since',
    col_lastSegment: 'Last recorded',
    state_online: 'Online',
    state_offline: 'Offline',
    state_unknown: 'Unknown',
    state_online_tip: 'Recording',
    state_offline_tip: 'Recording interrupted: no picture from the camera',
    state_unknown_tip: 'No recorder has reported it within a minute (or it is disabled)',
    disabled: 'disabled',
    noCameras: 'No camera is registered at this centre',
    wallTitle: 'Live wall',
    wallHint: 'Choose windows and open their live picture (every view is written to the audit trail)',
    wallOpen: 'Open live wall',
    wallClose: 'Close the wall',
    wallNone: 'No window to choose (no camera registered)',
    wallOpening: 'Opening…',
    wallFailed: '{window}: the live picture could not be opened: {message}',
    tileWaiting: 'Waiting for the picture…',
    tileNoPicture: 'No picture: {message}',
    tileRetry: 'No picture, trying again shortly',
    tileStale: 'No new picture since {since}',
    frameTime: 'Frame time',
    bookmarksTitle: 'Window video',
    bookmarksHint: 'Click a window action to play its window from 30 s before to 2 min after (every view is written to the audit trail)',
    noBookmarks: 'No window action of this application yet',
    noCameraAtWindow: 'No camera at this window',
    cameraCount: '{n} cam.',
    loading: 'Loading…',
    consultation: 'consultation',
    playbackOf: '{window} · {from} – {to}',
    playbackClose: 'Close playback',
    playbackCamera: 'Camera',
    covered: 'recorded',
    gap: 'not recorded',
    gapSpan: 'Not recorded {from} – {to} ({seconds} s)',
    noGaps: 'The span is recorded throughout',
    nothingRecorded: 'Nothing of this span was recorded',
    noHls: 'This browser cannot play HLS video',
    openFailed: 'The recording could not be opened: {message}',
    playFailed: 'Playback failed: {message}',
    atMark: 'Action',
    seekHint: 'Click to go to that instant',
  },
};

/** The panel's own labels (the page's dictionary has none of them). */
function v(key, vars) {
  const text = TEXT[state.lang]?.[key] ?? TEXT.zh[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? '')) : text;
}

/** Before and after a bookmark's instant, the span its view plays back. */
const BEFORE_MS = 30_000;
const AFTER_MS = 120_000;
/** How often the cameras' health is read again (it moves without the read model's stream). */
const HEALTH_EVERY_MS = 10_000;
const STATE_DOT = { online: 'dot-green', offline: 'dot-red', unknown: 'dot-grey' };
/** A live tile: its frame this old says the picture is stale; standing still this long, it is loaded again (after a growing wait). */
const STALE_MS = 15_000;
const STILL_MS = 6_000;
const RETRY_MS = 4_000;
const MAX_RETRY_MS = 20_000;

/** An element whose text is one of the panel's labels, set again when the language changes (relabel). */
const labelled = (tag, attrs, key, vars) => el(tag, { ...attrs, dataset: { ...attrs.dataset, vt: key, ...(vars ? { vvars: JSON.stringify(vars) } : {}) } }, v(key, vars));
function relabel(root) {
  for (const node of root.querySelectorAll('[data-vt]')) node.textContent = v(node.dataset.vt, node.dataset.vvars ? JSON.parse(node.dataset.vvars) : undefined);
}

const isSupervisor = () => state.me?.officer?.role === 'supervisor';
const time = (iso) => (iso ? formatInstant(iso, true).slice(11) : '—');
const message = (error) => error?.message ?? String(error);

/**
 * The panel's state: the cameras of `centre` once loaded; the windows chosen for the wall and the tiles
 * it plays. The playback's: the application in the detail, its bookmarks, the view opened from one.
 */
const panel = { centre: null, cameras: null, error: null, chosen: new Set(), tiles: [], wallErrors: [], opening: false };
const playback = { no: null, detail: null, bookmarks: null, error: null, openError: null, view: null, at: null, cameraId: null, player: null };

// ---------------------------------------------------------------------------------------------------
// Playing one playlist in a <video>: hls.js (or the browser's own HLS), the frame's wall-clock time.

/**
 * Plays `url` in `video`, muted. `onFrame(date)` hears the wall-clock time of the frame shown; `onTrouble(text)`
 * hears what went wrong (null once the picture is back). A playback that fails says so. A live picture is
 * watched: one that stands still is loaded again (a camera that dropped comes back in a new recording, whose
 * timestamps start again), one whose frame is old says since when it has shown nothing new. Returns
 * { seek(ms), destroy() }.
 */
function play(video, url, { live, onFrame, onTrouble }) {
  video.muted = true;
  video.playsInline = true;
  video.autoplay = true;
  const Hls = globalThis.Hls;
  let hls = null;
  let retry = null;
  let retryMs = RETRY_MS;
  let gone = false;
  let mediaRecovered = false;
  /** The last frame's wall-clock time, and when the position last moved. */
  let lastFrame = null;
  let lastPosition = -1;
  let movedAt = Date.now();
  let failed = null;

  const frame = () => {
    // hls.js knows the playing fragment's program date-time; the browser's own HLS (Safari) the stream's start date.
    const start = hls ? null : video.getStartDate?.();
    const date = hls ? hls.playingDate : start && !Number.isNaN(start.getTime()) ? new Date(start.getTime() + video.currentTime * 1000) : null;
    if (video.currentTime !== lastPosition) {
      lastPosition = video.currentTime;
      movedAt = Date.now();
    }
    if (!date) return;
    lastFrame = date;
    onFrame(date);
    if (!live) onTrouble(null);
  };
  video.addEventListener('timeupdate', frame);

  /** A live picture: stale or standing still says so; standing still for a while, loaded again (less often each time). */
  const watch = live
    ? setInterval(() => {
        if (gone || failed) return;
        const stale = lastFrame && Date.now() - lastFrame.getTime() > STALE_MS;
        onTrouble(stale ? v('tileStale', { since: time(lastFrame.toISOString()) }) : lastFrame && Date.now() - movedAt < STILL_MS ? null : lastFrame ? v('tileRetry') : v('tileWaiting'));
        if (Date.now() - movedAt > retryMs + STILL_MS) {
          restart();
          retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
        } else if (!stale && Date.now() - movedAt < STILL_MS) retryMs = RETRY_MS;
      }, 1_000)
    : null;

  function restart() {
    clearTimeout(retry);
    hls?.destroy();
    hls = null;
    movedAt = Date.now();
    lastPosition = -1;
    start();
  }

  function start() {
    if (gone) return;
    if (!Hls?.isSupported()) {
      if (video.canPlayType('application/vnd.apple.mpegurl')) {
        video.src = url;
        video.play().catch(() => {});
      } else onTrouble((failed = v('noHls')));
      return;
    }
    hls = new Hls({
      enableWorker: true,
      backBufferLength: live ? 30 : 120,
      ...(live ? { liveSyncDurationCount: 2, liveMaxLatencyDurationCount: 6, manifestLoadingMaxRetry: 2 } : {}),
    });
    hls.on(Hls.Events.MANIFEST_PARSED, () => void video.play().catch(() => {}));
    hls.on(Hls.Events.FRAG_CHANGED, (_event, data) => {
      if (!video.currentTime && data.frag?.programDateTime) onFrame(new Date(data.frag.programDateTime));
    });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal) return;
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR && !mediaRecovered) {
        mediaRecovered = true;
        hls.recoverMediaError();
        return;
      }
      const status = data.response?.code;
      const what = `${data.details}${status ? ` (${status})` : ''}`;
      hls.destroy();
      hls = null;
      // A live picture comes back by itself (the camera reconnects); an expired or refused view does not.
      if (live && status !== 403 && status !== 404 && status !== 410) {
        onTrouble(v('tileRetry'));
        retry = setTimeout(restart, retryMs);
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
      } else onTrouble((failed = v(live ? 'tileNoPicture' : 'playFailed', { message: what })));
    });
    hls.loadSource(url);
    hls.attachMedia(video);
  }
  start();

  return {
    /** Goes to the wall-clock instant `ms`: within a segment, to its frame; in a gap, to the next recording. */
    seek(ms) {
      const level = hls?.levels?.[Math.max(hls.currentLevel, 0)];
      const fragments = (level?.details?.fragments ?? []).filter((f) => f.programDateTime);
      const within = fragments.find((f) => ms >= f.programDateTime && ms < f.programDateTime + f.duration * 1000);
      const target = within ? within.start + (ms - within.programDateTime) / 1000 : fragments.find((f) => f.programDateTime >= ms)?.start;
      if (target !== undefined) video.currentTime = target;
    },
    destroy() {
      gone = true;
      clearTimeout(retry);
      clearInterval(watch);
      video.removeEventListener('timeupdate', frame);
      hls?.destroy();
      hls = null;
      video.removeAttribute('src');
      video.load();
    },
  };
}

function stateDot(health, enabled = true) {
  const s = health?.state ?? 'unknown';
  return el('span', {
    class: `dot ${STATE_DOT[s] ?? 'dot-grey'}`,
    role: 'img',
    title: v(`state_${s}_tip`),
    'aria-label': `${v(`state_${s}`)}${enabled ? '' : ` (${v('disabled')})`}`,
    dataset: { state: s },
  });
}

// ---------------------------------------------------------------------------------------------------
// The panel: the cameras' health, the choice of windows, the live wall.

const cameraLoads = latest();
export function loadVideo() {
  const centre = state.selectedCentre;
  return cameraLoads(
    () => getJSON(`/v1/cameras?${new URLSearchParams({ centre })}`),
    (body, error) => {
      if (body || centre !== panel.centre) panel.cameras = body?.cameras ?? null;
      if (centre !== panel.centre) {
        panel.centre = centre;
        panel.chosen.clear();
      }
      panel.error = error;
      renderVideo();
    },
  );
}

/** The windows that have a camera (enabled), in the cameras' order. */
function windowsWithCameras() {
  const windows = new Map();
  for (const c of panel.cameras ?? []) if (c.enabled && !windows.has(c.windowCode)) windows.set(c.windowCode, c);
  return [...windows.values()];
}

function renderCameras() {
  const list = panel.cameras;
  if (!list) return el('p', { class: 'empty' }, panel.error ? '' : v('loading'));
  if (!list.length) return el('p', { class: 'empty', testid: 'video-no-cameras' }, v('noCameras'));
  const head = ['state', 'camera', 'window', 'offlineSince', 'lastSegment'].map((k) => el('th', {}, v(`col_${k}`)));
  return el(
    'div',
    { class: 'table-wrap video-cameras-wrap' },
    el(
      'table',
      { class: 'table compact', testid: 'video-cameras' },
      el('thead', {}, el('tr', {}, head)),
      el(
        'tbody',
        {},
        list.map((c) =>
          el(
            'tr',
            { testid: `video-camera-${c.id}`, dataset: { state: c.health.state, window: c.windowCode }, class: c.enabled ? '' : 'video-disabled' },
            el('td', {}, stateDot(c.health, c.enabled), ' ', el('span', { class: `video-state state-${c.health.state}` }, v(`state_${c.health.state}`))),
            el('td', {}, c.name, ' ', el('span', { class: 'muted mono' }, c.id), c.enabled ? '' : el('span', { class: 'muted' }, ` (${v('disabled')})`)),
            el('td', {}, c.windowName, ' ', el('span', { class: 'muted' }, centreName(c.centreCode, true))),
            el('td', { class: 'mono', testid: 'video-offline-since' }, c.health.state === 'online' ? '—' : formatInstant(c.health.offlineSince, true)),
            el('td', { class: 'mono', testid: 'video-last-segment' }, formatInstant(c.health.lastSegmentAt, true)),
          ),
        ),
      ),
    ),
  );
}

function renderPicker() {
  const windows = windowsWithCameras();
  if (!windows.length) return el('p', { class: 'empty' }, panel.cameras ? v('wallNone') : '');
  const open = panel.tiles.length > 0 || panel.wallErrors.length > 0;
  return el(
    'div',
    { class: 'video-picker' },
    el(
      'fieldset',
      { class: 'video-windows' },
      el('legend', {}, v('wallHint')),
      windows.map((w) =>
        el(
          'label',
          { class: 'video-window' },
          el('input', {
            type: 'checkbox',
            value: w.windowCode,
            testid: `video-window-${w.windowCode}`,
            checked: panel.chosen.has(w.windowCode),
            onchange: (e) => {
              if (e.target.checked) panel.chosen.add(w.windowCode);
              else panel.chosen.delete(w.windowCode);
              renderVideo();
            },
          }),
          ` ${w.windowName} `,
          el('span', { class: 'muted' }, centreName(w.centreCode, true)),
        ),
      ),
    ),
    el(
      'div',
      { class: 'video-picker-actions' },
      el(
        'button',
        { type: 'button', testid: 'video-wall-open', disabled: !panel.chosen.size || panel.opening || !isSupervisor(), onclick: () => void openWall() },
        panel.opening ? v('wallOpening') : v('wallOpen'),
      ),
      open ? el('button', { type: 'button', testid: 'video-wall-close', onclick: closeWall }, v('wallClose')) : '',
    ),
  );
}

/** Opens one live view per chosen window and a tile per camera of each. */
async function openWall() {
  closeWall();
  panel.opening = true;
  renderVideo();
  const windows = windowsWithCameras().filter((w) => panel.chosen.has(w.windowCode));
  const views = await Promise.all(
    windows.map((w) =>
      sendJSON('/v1/video-views', { windowCode: w.windowCode, live: true }).then(
        (view) => ({ view }),
        (error) => ({ error: v('wallFailed', { window: w.windowName, message: message(error) }) }),
      ),
    ),
  );
  panel.opening = false;
  const wall = $('video-wall');
  for (const { view, error } of views) {
    if (error) panel.wallErrors.push(error);
    for (const camera of view?.cameras ?? []) {
      const tile = liveTile(view, camera);
      panel.tiles.push(tile);
      wall.append(tile.node);
    }
  }
  renderVideo();
}

function liveTile(view, camera) {
  const video = el('video', { class: 'video-tile-video', testid: 'video-tile-video', muted: true, autoplay: true, playsinline: true });
  const clock = el('time', { class: 'video-clock mono', testid: 'video-tile-clock' }, '');
  const status = el('span', { class: 'video-tile-status', role: 'status' }, v('tileWaiting'));
  const dot = stateDot(camera.health);
  const label = el('span', { class: 'video-tile-label' }, `${view.windowName} · ${camera.name}`);
  const node = el(
    'figure',
    { class: 'video-tile', testid: 'video-tile', dataset: { window: view.windowCode, camera: camera.id, view: view.id } },
    video,
    el('figcaption', {}, dot, ' ', label, clock),
    status,
  );
  const player = play(video, camera.playlist, {
    live: true,
    onFrame: (date) => {
      clock.textContent = time(date.toISOString());
      clock.dateTime = date.toISOString();
      clock.dataset.at = date.toISOString();
    },
    onTrouble: (text) => {
      status.textContent = text ?? '';
      status.hidden = !text;
      node.classList.toggle('trouble', Boolean(text));
    },
  });
  return { node, player, camera, dot, view };
}

function closeWall() {
  for (const tile of panel.tiles) tile.player.destroy();
  panel.tiles = [];
  panel.wallErrors = [];
  $('video-wall')?.replaceChildren();
  renderVideo();
}

export function renderVideo() {
  const root = $('video-panel');
  if (!root) return;
  if (!root.dataset.built) {
    root.dataset.built = 'true';
    root.replaceChildren(
      el('div', { class: 'panel-head' }, el('h2', { id: 'video-title' }), el('strong', { id: 'video-centre', class: 'centre-name', testid: 'video-centre' })),
      el(
        'div',
        { class: 'video-body' },
        el('div', { class: 'video-part' }, el('h3', { id: 'video-cameras-title' }), el('div', { id: 'video-cameras-host' })),
        el(
          'div',
          { class: 'video-part video-wall-part' },
          el('h3', { id: 'video-wall-title' }),
          el('div', { id: 'video-picker-host' }),
          el('ul', { id: 'video-wall-errors', class: 'video-errors', testid: 'video-wall-errors' }),
          el('div', { id: 'video-wall', class: 'video-wall', testid: 'video-wall' }),
        ),
      ),
      el('p', { class: 'error', id: 'video-error', testid: 'video-error', role: 'alert', hidden: true }),
    );
  }
  $('video-title').textContent = v('title');
  $('video-centre').textContent = centreName(state.selectedCentre, true);
  $('video-cameras-title').textContent = v('camerasTitle');
  $('video-wall-title').textContent = v('wallTitle');
  $('video-cameras-host').replaceChildren(renderCameras());
  $('video-picker-host').replaceChildren(isSupervisor() ? renderPicker() : '');
  $('video-wall-errors').replaceChildren(...panel.wallErrors.map((text) => el('li', { class: 'error' }, text)));
  // The tiles keep playing; their cameras' health follows the list.
  const byId = new Map((panel.cameras ?? []).map((c) => [c.id, c]));
  for (const tile of panel.tiles) {
    const fresh = byId.get(tile.camera.id);
    if (!fresh) continue;
    const dot = stateDot(fresh.health);
    tile.dot.replaceWith(dot);
    tile.dot = dot;
  }
  relabel(root);
  showError('video-error', panel.error);
  renderPlayback();
}

// ---------------------------------------------------------------------------------------------------
// The application's window actions in its detail, and the playback of one.

const bookmarkLoads = latest();
function loadBookmarks() {
  const no = playback.no;
  if (!no || !isSupervisor()) return Promise.resolve();
  return bookmarkLoads(
    () => getJSON(`/v1/applications/${encodeURIComponent(no)}/video-bookmarks`),
    (body, error) => {
      if (no !== playback.no) return;
      if (body) playback.bookmarks = body.bookmarks;
      playback.error = error;
      renderPlayback();
    },
  );
}

/** The detail opened, closed or drawn again (detail.js redraws it as the application moves): follows it. */
function followDetail() {
  const no = $('detail').hidden ? null : state.detailNo;
  if (no !== playback.no) {
    closePlayback();
    playback.no = no;
    playback.bookmarks = null;
    playback.error = null;
    playback.detail = state.detail;
    void loadBookmarks();
  } else if (no && state.detail && state.detail !== playback.detail) {
    // The application moved: a new window action may have been taken.
    playback.detail = state.detail;
    void loadBookmarks();
  }
  renderPlayback();
}

/** What a bookmark was: the timeline's words for its transition, else its type. */
function actionName(type) {
  if (type === 'consultation') return v('consultation');
  const text = t(`tr_${type}`);
  return text === `tr_${type}` ? type : text;
}

async function openPlayback(bookmark) {
  closePlayback();
  const at = Date.parse(bookmark.at);
  const from = new Date(at - BEFORE_MS).toISOString();
  const to = new Date(Math.min(at + AFTER_MS, Date.now())).toISOString();
  playback.openError = null;
  playback.at = bookmark.at;
  renderPlayback();
  try {
    const view = await sendJSON('/v1/video-views', { windowCode: bookmark.windowCode, from, to, applicationNo: playback.no });
    if (playback.at !== bookmark.at) return;
    playback.view = view;
    playback.cameraId = view.cameras[0]?.id ?? null;
    showCamera();
  } catch (error) {
    playback.openError = v('openFailed', { message: message(error) });
  }
  renderPlayback();
}

function closePlayback() {
  playback.player?.destroy();
  playback.player = null;
  playback.view = null;
  playback.at = null;
  playback.openError = null;
  $('video-player-host')?.replaceChildren();
}

/** The bar under the player: the span, what of it is recorded, the gaps hatched, the bookmark's instant and the frame shown. */
function spanBar(view, camera, at) {
  const from = Date.parse(view.from);
  const to = Date.parse(view.to);
  const left = (ms) => `${(((ms - from) / (to - from)) * 100).toFixed(3)}%`;
  const width = (s) => `${(((Date.parse(s.to) - Date.parse(s.from)) / (to - from)) * 100).toFixed(3)}%`;
  const head = el('span', { class: 'video-playhead', testid: 'video-playhead', hidden: true });
  const bar = el(
    'div',
    {
      class: 'video-bar',
      testid: 'video-bar',
      title: v('seekHint'),
      onclick: (e) => {
        const box = e.currentTarget.getBoundingClientRect();
        playback.player?.seek(from + ((e.clientX - box.left) / box.width) * (to - from));
      },
    },
    camera.covered.map((s) =>
      el('span', { class: 'video-covered', testid: 'video-covered', style: `left:${left(Date.parse(s.from))};width:${width(s)}`, title: `${v('covered')} ${time(s.from)} – ${time(s.to)}`, dataset: s }),
    ),
    camera.gaps.map((s) =>
      el('span', { class: 'video-gap', testid: 'video-gap', style: `left:${left(Date.parse(s.from))};width:${width(s)}`, title: `${v('gap')} ${time(s.from)} – ${time(s.to)}`, dataset: s }),
    ),
    at ? el('span', { class: 'video-mark', style: `left:${left(Date.parse(at))}`, title: `${v('atMark')} ${time(at)}` }) : '',
    head,
  );
  const move = (date) => {
    const ms = date.getTime();
    head.hidden = ms < from || ms > to;
    head.style.left = left(Math.min(Math.max(ms, from), to));
  };
  const gaps = el(
    'ul',
    { class: 'video-gaps', testid: 'video-gaps' },
    camera.gaps.length
      ? camera.gaps.map((s) =>
          labelled('li', { class: 'video-gap-line', dataset: s }, 'gapSpan', { from: time(s.from), to: time(s.to), seconds: Math.round((Date.parse(s.to) - Date.parse(s.from)) / 1000) }),
        )
      : labelled('li', { class: 'muted' }, 'noGaps'),
  );
  return {
    node: el(
      'div',
      { class: 'video-span' },
      bar,
      el('div', { class: 'video-bar-scale mono' }, el('span', {}, time(view.from)), el('span', {}, time(view.to))),
      gaps,
    ),
    move,
  };
}

/** The player of the view's chosen camera (built once per choice; the rest of the section redraws around it). */
function showCamera() {
  playback.player?.destroy();
  playback.player = null;
  const view = playback.view;
  const camera = view?.cameras.find((c) => c.id === playback.cameraId);
  const host = $('video-player-host');
  if (!host) return;
  if (!view) return host.replaceChildren();
  const clock = el('time', { class: 'video-clock big mono', testid: 'video-clock' }, '—');
  const title = labelled('p', { class: 'video-playback-title', testid: 'video-playback-title' }, 'playbackOf', { window: view.windowName, from: formatInstant(view.from, true), to: time(view.to) });
  const tabs =
    view.cameras.length > 1
      ? el(
          'div',
          { class: 'video-camera-tabs', role: 'group', 'aria-label': v('playbackCamera') },
          view.cameras.map((c) =>
            el('button', { type: 'button', class: 'small', 'aria-pressed': String(c.id === playback.cameraId), onclick: () => ((playback.cameraId = c.id), showCamera()) }, c.name),
          ),
        )
      : '';
  const close = labelled('button', { type: 'button', class: 'small video-playback-close', testid: 'video-playback-close', onclick: () => (closePlayback(), renderPlayback()) }, 'playbackClose');
  if (!camera) {
    host.replaceChildren(el('div', { class: 'video-playback', testid: 'video-playback' }, title, close, el('p', { class: 'empty' }, v('noCameraAtWindow'))));
    return;
  }
  const video = el('video', { class: 'video-playback-video', testid: 'video-playback-video', muted: true, autoplay: true, playsinline: true, controls: true });
  const trouble = el('p', { class: 'error', testid: 'video-playback-error', role: 'alert', hidden: true });
  const bar = spanBar(view, camera, playback.at);
  host.replaceChildren(
    el(
      'div',
      { class: 'video-playback', testid: 'video-playback', dataset: { view: view.id, camera: camera.id, from: view.from, to: view.to } },
      el('div', { class: 'video-playback-head' }, title, close),
      tabs,
      el(
        'div',
        { class: 'video-playback-main' },
        video,
        el('div', { class: 'video-playback-side' }, el('span', { class: 'muted' }, labelled('span', { class: 'video-frame-label' }, 'frameTime'), ' ', stateDot(camera.health), ' ', camera.name), clock),
      ),
      bar.node,
      trouble,
    ),
  );
  if (!camera.covered.length) {
    trouble.textContent = v('nothingRecorded');
    trouble.hidden = false;
    return;
  }
  playback.player = play(video, camera.playlist, {
    live: false,
    onFrame: (date) => {
      const iso = date.toISOString();
      clock.textContent = formatInstant(iso, true);
      clock.dateTime = iso;
      clock.dataset.at = iso;
      bar.move(date);
    },
    onTrouble: (text) => {
      trouble.textContent = text ?? '';
      trouble.hidden = !text;
    },
  });
}

function bookmarkItem(b) {
  const none = b.cameras === 0;
  const opened = playback.at === b.at && (playback.view?.windowCode ?? b.windowCode) === b.windowCode;
  return el(
    'li',
    { class: `video-bookmark-item${opened ? ' selected' : ''}` },
    el(
      'button',
      {
        type: 'button',
        class: 'video-bookmark',
        testid: 'video-bookmark',
        dataset: { type: b.type, at: b.at, window: b.windowCode },
        disabled: none,
        'aria-pressed': String(opened),
        onclick: () => void openPlayback(b),
      },
      el('span', { class: 'video-bookmark-what' }, actionName(b.type)),
      el('time', { class: 'mono', datetime: b.at }, formatInstant(b.at, true)),
      el('span', {}, b.windowName ?? b.windowCode),
      el('span', { class: 'muted' }, b.officer?.name ?? b.officer?.id ?? ''),
      el('span', { class: 'muted' }, none ? v('noCameraAtWindow') : v('cameraCount', { n: b.cameras })),
    ),
  );
}

function renderPlayback() {
  const root = $('detail-video');
  if (!root) return;
  const shown = Boolean(playback.no) && isSupervisor();
  root.hidden = !shown;
  if (!shown) return;
  if (!root.dataset.built) {
    root.dataset.built = 'true';
    root.replaceChildren(
      el('h3', { id: 'detail-video-title' }),
      el('p', { class: 'muted video-hint', id: 'detail-video-hint' }),
      el('ul', { class: 'video-bookmarks', id: 'video-bookmarks', testid: 'video-bookmarks' }),
      el('p', { class: 'error', id: 'video-bookmarks-error', testid: 'video-bookmarks-error', role: 'alert', hidden: true }),
      el('div', { id: 'video-player-host' }),
    );
  }
  $('detail-video-title').textContent = `${v('title')} · ${v('bookmarksTitle')}`;
  $('detail-video-hint').textContent = v('bookmarksHint');
  const list = playback.bookmarks;
  $('video-bookmarks').replaceChildren(
    ...(list === null
      ? [el('li', { class: 'empty' }, playback.error ? '' : v('loading'))]
      : list.length
        ? list.map(bookmarkItem)
        : [el('li', { class: 'empty', testid: 'video-no-bookmarks' }, v('noBookmarks'))]),
  );
  const error = $('video-bookmarks-error');
  const text = playback.openError ?? (playback.error ? t('loadFailed', { message: message(playback.error) }) : '');
  error.textContent = text;
  error.hidden = !text;
  relabel($('video-player-host'));
}

// ---------------------------------------------------------------------------------------------------

/** Mounts the panel, follows the application detail, and reads the cameras' health again every few seconds. */
export function initVideo() {
  renderVideo();
  const detail = $('detail');
  const observer = new MutationObserver(followDetail);
  observer.observe(detail, { attributes: true, attributeFilter: ['hidden'] });
  observer.observe($('detail-body'), { childList: true });
  setInterval(() => {
    if (state.me && !document.hidden) void loadVideo();
  }, HEALTH_EVERY_MS);
}

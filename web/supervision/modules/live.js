// Live updates: server-sent events, applied at most once per 500 ms, and the live indicator.

import { loadAlerts } from './alerts.js';
import { loadApplications, loadDay } from './day.js';
import { loadDetail } from './detail.js';
import { loadFees } from './fees.js';
import { $ } from './helpers.js';
import { t } from './i18n.js';
import { loadMap } from './map.js';
import { loadRatings } from './ratings.js';
import { state } from './state.js';
import { loadEfficiency } from './statistics.js';

export function renderLive() {
  const node = $('live');
  node.dataset.state = state.live ? 'live' : 'reconnecting';
  node.classList.toggle('is-live', state.live);
  node.querySelector('.live-text').textContent = state.live ? t('live') : t('reconnecting');
}

let refreshTimer = null;
let lastRefresh = 0;

/** The page has just loaded everything: the first refresh waits 500 ms from now. */
export function markRefreshed() {
  lastRefresh = Date.now();
}

export function refreshAll() {
  return Promise.all([loadMap(), loadDay(), loadApplications(), loadAlerts(), loadDetail(), loadEfficiency(), loadFees(), loadRatings()]);
}

function scheduleRefresh() {
  if (refreshTimer) return;
  const wait = Math.max(0, lastRefresh + 500 - Date.now());
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    lastRefresh = Date.now();
    void refreshAll();
  }, wait);
}

export function connectStream() {
  // Same origin: the browser sends the session cookie with the stream's request; no token in any URL.
  const source = new EventSource('/v1/supervision/stream');
  let opened = false;
  source.onopen = () => {
    state.live = true;
    renderLive();
    // After a reconnection, catch up on whatever changed while the stream was down.
    if (opened) scheduleRefresh();
    opened = true;
  };
  source.onerror = () => {
    state.live = false;
    renderLive();
  };
  source.onmessage = scheduleRefresh;
  source.addEventListener('change', scheduleRefresh);
  return source;
}

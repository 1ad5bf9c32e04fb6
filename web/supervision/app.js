// OneWindow supervision monitoring page (电子监察): plain browser modules, no build step; this one starts the page.
// Reads the JSON API of the same origin; ECharts is loaded before the modules as the global `echarts`.
// A supervisor signs in through the identity provider (/auth/login); the browser then holds the
// session's httpOnly cookie, which the page never sees, and the requests of the same origin carry it.
// The parts are in modules/: i18n, state, helpers, api, map, day (table and applications), detail,
// alerts (and cases), statistics, fees, ratings, follow-ups (督办), video (视频监控), live (the event stream); constants holds the fixed settings.
// The modules import one another without cycles: what the map does in the day panel (selecting a centre,
// refreshing its list of centres) is passed in here, by connectMap.

import { loadAlerts, renderAlerts, renderCases } from './modules/alerts.js';
import { getJSON, showError, signIn, signOut } from './modules/api.js';
import { LANG_KEY } from './modules/constants.js';
import { loadDay, renderApplications, renderCentreSelect, renderDay, renderDayTitle } from './modules/day.js';
import { closeDetail, renderDetail } from './modules/detail.js';
import { loadFees, renderFees } from './modules/fees.js';
import { followLive, initFollowUps, loadFollowUps, renderFollowUps } from './modules/follow-ups.js';
import { $, formatInstant, tickOne } from './modules/helpers.js';
import { t } from './modules/i18n.js';
import { connectStream, markRefreshed, refreshAll, renderLive } from './modules/live.js';
import { chart, connectMap, initMap, loadMap, renderMap } from './modules/map.js';
import { initRatings, loadRatings, renderRatings } from './modules/ratings.js';
import { scope, state } from './modules/state.js';
import { initEfficiency, loadEfficiency, renderEfficiency } from './modules/statistics.js';
import { initVideo, loadVideo, renderVideo } from './modules/video.js';

// ---------------------------------------------------------------------------------------------------
// Static labels.

function renderStatic() {
  document.documentElement.lang = state.lang === 'en' ? 'en' : 'zh-CN';
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-placeholder]')) node.placeholder = t(node.dataset.i18nPlaceholder);
  for (const node of document.querySelectorAll('[data-i18n-title]')) node.title = t(node.dataset.i18nTitle);
  $('lang-switch').textContent = t('switchTo');
  renderLive();
  renderClock();
}

function renderClock() {
  $('clock').textContent = `${formatInstant(new Date().toISOString(), true)} ${state.lang === 'en' ? 'China time' : '北京时间'}`;
}

// ---------------------------------------------------------------------------------------------------
// A centre chosen on the map or in the day panel's list: the panels show it, the day's table, the
// statistics, the fees, the ratings and the follow-ups reload for it.

function selectCentre(code) {
  if (!state.centreByCode.has(code) && code !== scope()) return;
  state.selectedCentre = code;
  state.selectedItem = null;
  state.applications = null;
  $('day-centre').value = code;
  renderMap();
  renderApplications();
  renderDayTitle();
  return Promise.all([loadDay(), loadEfficiency(), loadFees(), loadRatings(), loadFollowUps(), loadVideo()]);
}

// ---------------------------------------------------------------------------------------------------
// Start.

function renderAll() {
  renderStatic();
  renderMap();
  renderCentreSelect();
  renderDay();
  renderApplications();
  renderDetail();
  renderAlerts();
  renderCases();
  renderEfficiency();
  renderFees();
  renderRatings();
  renderFollowUps();
  renderVideo();
}

async function start() {
  window.__supervision = { chart: undefined, centres: [], state, refresh: () => Promise.all([refreshAll(), loadFollowUps()]) };
  renderStatic();
  connectMap({
    onSelect: selectCentre,
    onCentres: () => {
      renderCentreSelect();
      renderDayTitle();
    },
  });
  state.me = await signIn();
  state.selectedCentre = scope();
  $('whoami').textContent = `${state.me.officer.name} (${state.me.officer.id})`;
  $('sign-out').hidden = false;
  $('sign-out').addEventListener('click', () => void signOut());
  setInterval(() => {
    renderClock();
    for (const node of document.querySelectorAll('.countdown[data-due]')) tickOne(node);
  }, 1000);

  const dateInput = $('day-date');
  dateInput.value = state.date;
  dateInput.addEventListener('change', () => {
    if (!dateInput.value) return;
    state.date = dateInput.value;
    state.selectedItem = null;
    state.applications = null;
    renderApplications();
    renderDayTitle();
    void loadDay();
  });
  $('day-centre').addEventListener('change', (e) => void selectCentre(e.target.value));
  // The item category narrows the day's table (and the applications of an item chosen in it) and the statistics.
  $('day-category').addEventListener('change', (e) => {
    state.category = e.target.value;
    state.selectedItem = null;
    state.applications = null;
    renderApplications();
    void Promise.all([loadDay(), loadEfficiency()]);
  });
  $('day-filter').addEventListener('input', (e) => {
    state.filter = e.target.value;
    renderDay();
  });
  $('detail-close').addEventListener('click', closeDetail);
  $('efficiency-group').addEventListener('change', () => void loadEfficiency());
  $('map-reset').addEventListener('click', () => chart?.setOption({ geo: { center: null, zoom: 1 } }));
  document.addEventListener('keydown', (e) => e.key === 'Escape' && !$('detail').hidden && closeDetail());
  $('lang-switch').addEventListener('click', () => {
    state.lang = state.lang === 'en' ? 'zh' : 'en';
    try {
      localStorage.setItem(LANG_KEY, state.lang);
    } catch {
      // private mode: the choice lasts for this page only
    }
    renderAll();
  });

  renderDay();
  renderApplications();
  renderAlerts();
  renderCases();
  renderFees();
  renderRatings();
  renderFollowUps();

  initEfficiency();
  initRatings();
  initFollowUps();
  initVideo();

  followLive(connectStream());
  const departments = getJSON('/v1/departments')
    .then((body) => {
      state.departments = new Map(body.departments.map((d) => [d.code, d]));
    })
    .catch(() => {});
  const geo = getJSON('/supervision/vendor/guangxi.json')
    .then((geojson) => {
      initMap(geojson);
      window.__supervision.chart = chart;
    })
    .catch((error) => showError('map-error', error));
  await Promise.all([departments, geo]);
  markRefreshed();
  await Promise.all([loadMap(), loadDay(), loadAlerts(), loadEfficiency(), loadFees(), loadRatings(), loadFollowUps(), loadVideo()]);
  renderAll();
  document.body.dataset.ready = 'true';
}

void start();

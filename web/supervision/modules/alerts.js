// Alerts and accountability cases: the two feeds at the bottom of the page.

import { getJSON, latest, showError } from './api.js';
import { openDetail } from './detail.js';
import { $, centreName, departmentName, el, formatInstant } from './helpers.js';
import { t } from './i18n.js';
import { state } from './state.js';

const newestFirst = (key) => (a, b) => Date.parse(b[key]) - Date.parse(a[key]);

function appLink(no) {
  return el('a', { href: `#${no}`, class: 'mono app-link', dataset: { no }, onclick: (e) => (e.preventDefault(), openDetail(no)) }, no);
}

/** One feed, newest first by `key`: a line per entry, each with its level, application, centre and department. */
function renderFeed(id, entries, key, line) {
  const list = [...entries].sort(newestFirst(key));
  const where = (x) => el('span', {}, `${centreName(x.centreCode, true)} · ${departmentName(x.department)}`);
  $(id).replaceChildren(...(list.length ? list.map((x) => line(x, appLink(x.applicationNo), where(x))) : [el('li', { class: 'empty' }, t('none'))]));
}

export function renderAlerts() {
  renderFeed('alerts', state.alerts, 'at', (x, app, where) =>
    el(
      'li',
      { class: `feed-item level-${x.level}` },
      el('span', { class: `badge badge-${x.level === 'yellow' ? 'yellow' : 'red'}` }, t(`level_${x.level}`)),
      app,
      where,
      el('time', { class: 'muted' }, formatInstant(x.at)),
    ),
  );
}

export function renderCases() {
  renderFeed('cases', state.cases, 'openedAt', (c, app, where) =>
    el(
      'li',
      { class: `feed-item level-${c.level}`, dataset: { caseId: c.id } },
      el('span', { class: 'badge badge-red' }, t(`level_${c.level}`)),
      app,
      where,
      el('span', { class: `status status-${c.status}` }, t(`case_${c.status}`)),
      el('time', { class: 'muted' }, formatInstant(c.openedAt)),
    ),
  );
}

/** Loads one feed (the newest answer wins), keeps it in the state and draws it; an error shows above it. */
function feedLoader(url, name, render) {
  const loads = latest();
  return () =>
    loads(
      () => getJSON(url),
      (body, error) => {
        showError(`${name}-error`, error);
        if (body) state[name] = body[name];
        render();
      },
    );
}

const loaders = [feedLoader('/v1/alerts?limit=20', 'alerts', renderAlerts), feedLoader('/v1/cases?status=open', 'cases', renderCases)];
export const loadAlerts = () => Promise.all(loaders.map((load) => load()));

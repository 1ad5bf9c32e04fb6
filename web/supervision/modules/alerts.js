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

export function renderAlerts() {
  const list = [...state.alerts].sort(newestFirst('at'));
  $('alerts').replaceChildren(
    ...(list.length
      ? list.map((x) =>
          el(
            'li',
            { class: `feed-item level-${x.level}` },
            el('span', { class: `badge badge-${x.level === 'yellow' ? 'yellow' : 'red'}` }, t(`level_${x.level}`)),
            appLink(x.applicationNo),
            el('span', {}, `${centreName(x.centreCode, true)} · ${departmentName(x.department)}`),
            el('time', { class: 'muted' }, formatInstant(x.at)),
          ),
        )
      : [el('li', { class: 'empty' }, t('none'))]),
  );
}

export function renderCases() {
  const list = [...state.cases].sort(newestFirst('openedAt'));
  $('cases').replaceChildren(
    ...(list.length
      ? list.map((c) =>
          el(
            'li',
            { class: `feed-item level-${c.level}`, dataset: { caseId: c.id } },
            el('span', { class: 'badge badge-red' }, t(`level_${c.level}`)),
            appLink(c.applicationNo),
            el('span', {}, `${centreName(c.centreCode, true)} · ${departmentName(c.department)}`),
            el('span', { class: `status status-${c.status}` }, t(`case_${c.status}`)),
            el('time', { class: 'muted' }, formatInstant(c.openedAt)),
          ),
        )
      : [el('li', { class: 'empty' }, t('none'))]),
  );
}

const alertLoads = latest();
const caseLoads = latest();
export function loadAlerts() {
  return Promise.all([
    alertLoads(
      () => getJSON('/v1/alerts?limit=20'),
      (body, error) => {
        showError('alerts-error', error);
        if (body) state.alerts = body.alerts;
        renderAlerts();
      },
    ),
    caseLoads(
      () => getJSON('/v1/cases?status=open'),
      (body, error) => {
        showError('cases-error', error);
        if (body) state.cases = body.cases;
        renderCases();
      },
    ),
  ]);
}

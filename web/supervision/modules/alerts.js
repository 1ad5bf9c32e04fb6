// Alerts and accountability cases: the two feeds at the bottom of the page. The cases panel, where a
// supervisor works on a case, is in cases.js; an alert without a case offers to open one there.

import { getJSON, latest, showError } from './api.js';
import { loadCases, renderCases, startCase } from './cases.js';
import { openDetail } from './detail.js';
import { $, centreName, departmentName, el, formatInstant } from './helpers.js';
import { t } from './i18n.js';
import { state } from './state.js';

export { renderCases };

function appLink(no) {
  return el('a', { href: `#${no}`, class: 'mono app-link', dataset: { no }, onclick: (e) => (e.preventDefault(), openDetail(no)) }, no);
}

/** A red alert opened its case by itself; any other may be opened by the supervisor. */
function caseOfAlert(x) {
  if (x.caseId) return el('span', { class: 'muted case-opened', title: x.caseId }, t('caseAlreadyOpen'));
  return el(
    'button',
    {
      type: 'button',
      class: 'small case-from-alert',
      testid: 'case-from-alert',
      'aria-label': t('caseOpenFromAlert', { level: t(`level_${x.level}`), no: x.applicationNo }),
      onclick: () => startCase({ applicationNo: x.applicationNo, alertSeq: x.seq, level: x.level }),
    },
    t('caseOpen'),
  );
}

export function renderAlerts() {
  const list = [...state.alerts].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  const line = (x) =>
    el(
      'li',
      { class: `feed-item level-${x.level}`, dataset: { no: x.applicationNo, seq: x.seq }, testid: 'alert-item' },
      el('span', { class: `badge badge-${x.level === 'yellow' ? 'yellow' : 'red'}` }, t(`level_${x.level}`)),
      appLink(x.applicationNo),
      el('span', {}, `${centreName(x.centreCode, true)} · ${departmentName(x.department)}`),
      el('time', { class: 'muted' }, formatInstant(x.at)),
      caseOfAlert(x),
    );
  $('alerts').replaceChildren(...(list.length ? list.map(line) : [el('li', { class: 'empty' }, t('none'))]));
}

const loads = latest();
const loadAlertFeed = () =>
  loads(
    () => getJSON('/v1/alerts?limit=20'),
    (body, error) => {
      showError('alerts-error', error);
      if (body) state.alerts = body.alerts;
      renderAlerts();
    },
  );

document.addEventListener('supervision:cases-changed', () => void loadAlertFeed());

export const loadAlerts = () => Promise.all([loadAlertFeed(), loadCases()]);

// The application detail panel: countdown, facts, reviews, alerts, cases and timeline.

import { getJSON, latest } from './api.js';
import { $, centreName, countdownNode, departmentName, el, formatInstant, itemName, maskId, officerName, stageBadge, supervisionBadge } from './helpers.js';
import { t } from './i18n.js';
import { state } from './state.js';

export function openDetail(no) {
  state.detailNo = no;
  state.detail = null;
  state.detailError = null;
  state.timeline = null;
  state.temporalUiUrl = null;
  $('detail').hidden = false;
  for (const row of $('applications-body').children) row.classList.toggle('selected', row.dataset.testid === `application-${no}`);
  renderDetail();
  return loadDetail();
}

export function closeDetail() {
  state.detailNo = null;
  state.detail = null;
  $('detail').hidden = true;
  for (const row of $('applications-body').children) row.classList.remove('selected');
}

const detailLoads = latest();
export function loadDetail() {
  const no = state.detailNo;
  if (!no) return Promise.resolve();
  const path = `/v1/applications/${encodeURIComponent(no)}`;
  return detailLoads(
    async () => {
      const [detail, history, cases] = await Promise.all([
        getJSON(path),
        getJSON(`${path}/history?format=timeline`).catch((error) => ({ error })),
        getJSON(`/v1/cases?application=${encodeURIComponent(no)}`).catch(() => ({ cases: [] })),
      ]);
      if (!state.items.has(detail.itemCode)) {
        const item = await getJSON(`/v1/items/${encodeURIComponent(detail.itemCode)}`).catch(() => null);
        if (item) state.items.set(detail.itemCode, { name: item.name, nameEn: item.nameEn });
      }
      return { detail, history, cases: cases.cases };
    },
    (result, error) => {
      if (no !== state.detailNo) return;
      state.detailError = error;
      if (result) {
        state.detail = result.detail;
        state.detailCases = result.cases;
        state.timeline = result.history.error ? null : result.history.timeline;
        state.timelineError = result.history.error ?? null;
        state.temporalUiUrl = result.history.error ? null : result.history.temporalUiUrl;
      }
      renderDetail();
    },
  );
}

function field(label, ...value) {
  return [el('dt', {}, label), el('dd', {}, ...value)];
}

export function renderDetail() {
  const body = $('detail-body');
  if (!state.detailNo) return body.replaceChildren();
  const a = state.detail;
  if (!a) {
    body.replaceChildren(
      el('p', { class: 'mono detail-no' }, state.detailNo),
      el('p', { class: state.detailError ? 'error' : 'empty' }, state.detailError ? t('loadFailed', { message: state.detailError.message }) : t('loading')),
    );
    return;
  }
  const d = a.deadlines ?? {};
  const provisional = d.provisional ? t('provisional') : '';
  const facts = el(
    'dl',
    { class: 'facts' },
    field(t('f_item'), `${itemName(a.itemCode)} `, el('span', { class: 'muted' }, `${a.itemCode} · ${t('f_version')} ${a.itemVersion ?? '—'}`)),
    field(t('f_centre'), centreName(a.centreCode)),
    field(t('f_stage'), stageBadge(a.stage)),
    field(t('f_supervision'), supervisionBadge(a.supervision)),
    field(t('f_applicant'), a.applicant?.name ?? '—'),
    field(t('f_idNumber'), el('span', { class: 'mono', testid: 'masked-id' }, maskId(a.applicant?.idNumber))),
    field(t('f_responsible'), officerName(a.responsibleOfficer)),
    field(t('f_warnAt'), formatInstant(d.warnAt)),
    field(t('f_promisedDueAt'), formatInstant(d.promisedDueAt), provisional),
    field(t('f_statutoryDueAt'), formatInstant(d.statutoryDueAt), provisional),
    d.stoppedSince ? field(t('f_stopped'), formatInstant(d.stoppedSince)) : [],
    d.stoppedDays ? field(t('f_stoppedDays'), String(d.stoppedDays)) : [],
    a.holdingUp
      ? field(
          t('f_holdingUp'),
          `${departmentName(a.holdingUp.department)} · ${formatInstant(a.holdingUp.promisedDueAt)}`,
          a.holdingUp.overdue ? el('span', { class: 'badge badge-red' }, t('overdue')) : '',
        )
      : [],
  );

  const countdown = el(
    'div',
    { class: 'countdown-box' },
    el('div', { class: 'countdown-label' }, t('f_countdown')),
    countdownNode(d, { testid: 'countdown', class: 'big' }),
  );

  const reviews = (a.reviews ?? []).length
    ? el(
        'table',
        { class: 'table compact' },
        el('thead', {}, el('tr', {}, ['step', 'department', 'centre', 'status', 'decidedBy', 'due', 'reason', 'stops'].map((k) => el('th', {}, t(`r_${k}`))))),
        el(
          'tbody',
          {},
          a.reviews.map((r) =>
            el(
              'tr',
              { dataset: { department: r.department, status: r.status } },
              el('td', { class: 'num' }, Number(r.step) + 1),
              el('td', {}, departmentName(r.department)),
              el('td', {}, centreName(r.centreCode, true)),
              el('td', {}, el('span', { class: `status status-${r.status}` }, t(`status_${r.status}`)), r.late ? el('span', { class: 'badge badge-red' }, t('late')) : ''),
              el('td', {}, officerName(r.decidedBy)),
              el('td', {}, formatInstant(r.deadlines?.promisedDueAt)),
              el('td', {}, r.reason ?? ''),
              el('td', { class: 'num' }, (r.stops ?? []).length || ''),
            ),
          ),
        ),
      )
    : el('p', { class: 'empty' }, t('none'));

  const alerts = (a.alerts ?? []).length
    ? el(
        'ul',
        { class: 'feed' },
        a.alerts.map((x) =>
          el(
            'li',
            { class: `feed-item level-${x.level}` },
            el('span', { class: `badge badge-${x.level === 'yellow' ? 'yellow' : 'red'}` }, t(`level_${x.level}`)),
            ` ${departmentName(x.department)} · ${formatInstant(x.at)}`,
            (x.responsible ?? []).length ? el('span', { class: 'muted' }, ` → ${x.responsible.map(officerName).join('、')}`) : '',
          ),
        ),
      )
    : el('p', { class: 'empty' }, t('none'));

  const timeline = el(
    'ol',
    { class: 'timeline', testid: 'timeline' },
    (state.timeline ?? []).map((e) => el('li', {}, el('time', {}, formatInstant(e.at, true)), el('span', {}, e.what))),
  );

  body.replaceChildren(
    el('p', { class: 'mono detail-no', testid: 'detail-no' }, a.applicationNo),
    countdown,
    facts,
    el('h3', {}, t('reviewsTitle')),
    reviews,
    el('h3', {}, t('alertsOfApp')),
    alerts,
    el(
      'ul',
      { class: 'feed', testid: 'detail-cases' },
      ...(state.detailCases ?? []).map((c) =>
        el('li', { class: `feed-item level-${c.level}` }, `${t('caseOf')} · ${t(`level_${c.level}`)} · ${c.status}${c.outcome ? ` · ${c.outcome}` : ''}`),
      ),
    ),
    el('h3', {}, t('timelineTitle')),
    state.temporalUiUrl ? el('p', {}, el('a', { href: state.temporalUiUrl, target: '_blank', rel: 'noopener', testid: 'temporal-link' }, t('temporalUi'), ' ↗')) : '',
    state.timelineError ? el('p', { class: 'error' }, t('loadFailed', { message: state.timelineError.message })) : '',
    timeline,
  );
}

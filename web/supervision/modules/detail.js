// The application detail panel: countdown, facts, reviews, alerts, cases and timeline. Limits are
// working days: the countdown counts working time (the centre's calendar), a decided application says
// how long it took, and a limit shows its last working day.

import { getJSON, latest } from './api.js';
import { $, centreName, departmentName, el, formatInstant, itemName, maskId, officerName, stageBadge, supervisionBadge } from './helpers.js';
import { t } from './i18n.js';
import { state } from './state.js';
import { describeEvent } from './timeline.js';
import { chinaDay, lastDayOf, loadWorkingCalendar, splitWorking, workingDayMs, workingMs } from './working-time.js';

export function openDetail(no) {
  state.detailNo = no;
  state.detail = null;
  state.detailError = null;
  state.timeline = null;
  state.temporalUiUrl = null;
  state.historySource = null;
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
      // The working days of its centre, from acceptance to its limits and today.
      const instants = [detail.acceptedAt ?? detail.submittedAt, detail.deadlines?.statutoryDueAt, new Date().toISOString()].filter(Boolean);
      const years = instants.map((iso) => Number(chinaDay(Date.parse(iso)).slice(0, 4)));
      const from = Math.min(...years);
      await loadWorkingCalendar(detail.centreCode, Array.from({ length: Math.min(3, Math.max(...years) - from + 1) }, (_, i) => from + i), getJSON);
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
        state.historySource = result.history.error ? null : result.history;
      }
      renderDetail();
    },
  );
}

/** Where the timeline came from: Temporal, or OneWindow's archive (when, and the start of its SHA-256) once Temporal no longer has it. */
function historySource(history) {
  if (!history?.source) return '';
  const text =
    history.source === 'archive'
      ? t('historyFromArchive', { at: formatInstant(history.archivedAt, true), sha: history.sha256.slice(0, 12) })
      : t('historyFromTemporal');
  return el('p', { class: 'muted', testid: 'history-source', dataset: { source: history.source } }, text);
}

/** A limit's last day: "2026年12月7日" / "2026-12-07" for one that ends at 24:00, with the time for one that does not. */
export function formatDueDay(iso) {
  if (!iso) return '—';
  const { day, time } = lastDayOf(iso);
  const [year, month2, day2] = day.split('-');
  const vars = { year, month2, day2, month: Number(month2), day: Number(day2), time };
  return el('time', { datetime: iso, class: 'due-day', testid: 'due-day' }, t(time ? 'dueDayTime' : 'dueDay', vars));
}

const pad = (n) => String(n).padStart(2, '0');

/**
 * The detail's clock: working time left to (or past) the promised limit while it runs, the time taken
 * once decided, else why it does not run. The ticker below keeps a running one counting.
 */
function detailCountdown(a) {
  const d = a.deadlines ?? {};
  const attrs = { testid: 'countdown', class: 'countdown big' };
  if (a.timing) {
    const end = Date.parse(a.completedAt ?? a.closedAt ?? a.updatedAt ?? Date.now());
    const start = Date.parse(a.acceptedAt ?? a.submittedAt);
    const dayMs = workingDayMs(a.centreCode);
    const taken = Math.max(0, workingMs(a.centreCode, start, end) - (d.stoppedDays ?? 0) * dayMs);
    const { days, hours } = splitWorking(taken, dayMs);
    return el(
      'span',
      { ...attrs, class: 'countdown big taken', dataset: { workingDays: a.timing.workingDays, onTime: a.timing.onTime } },
      t('workingTaken', { days, hours }),
      ' ',
      el('span', { class: `badge badge-${a.timing.onTime ? 'green' : 'red'}`, testid: 'on-time' }, t(a.timing.onTime ? 'takenOnTime' : 'takenLate')),
    );
  }
  const running = d.promisedDueAt && d.remainingMs !== null && d.remainingMs !== undefined;
  if (!running) {
    const text = d.stoppedSince ? t('clockStopped') : a.acceptedAt ? t('clockNotRunning') : t('notAcceptedYet');
    return el('span', { ...attrs, class: 'countdown big idle' }, text);
  }
  const node = el('span', { ...attrs, dataset: { workingDue: d.promisedDueAt, centre: a.centreCode } });
  tickWorking(node);
  return node;
}

/** Sets a running countdown's text: working days and the working time left of one, "3个工作日 04:05:06". */
function tickWorking(node) {
  const due = Date.parse(node.dataset.workingDue);
  const now = Date.now();
  const overdue = due < now;
  const ms = overdue ? workingMs(node.dataset.centre, due, now) : workingMs(node.dataset.centre, now, due);
  const { days, hours, minutes, seconds } = splitWorking(ms, workingDayMs(node.dataset.centre));
  node.textContent = t(overdue ? 'workingOverdue' : 'workingLeft', { days, hms: `${pad(hours)}:${pad(minutes)}:${pad(seconds)}` });
  node.dataset.workingMs = String(overdue ? -ms : ms);
  node.dataset.remainingMs = String(due - now);
  node.classList.toggle('overdue', overdue);
}

setInterval(() => {
  for (const node of document.querySelectorAll('[data-working-due]')) tickWorking(node);
}, 1000);

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
    field(t('f_promisedDueAt'), formatDueDay(d.promisedDueAt), provisional),
    field(t('f_statutoryDueAt'), formatDueDay(d.statutoryDueAt), provisional),
    d.stoppedSince ? field(t('f_stopped'), formatInstant(d.stoppedSince)) : [],
    d.stoppedDays ? field(t('f_stoppedDays'), String(d.stoppedDays)) : [],
    a.holdingUp
      ? field(
          t('f_holdingUp'),
          `${departmentName(a.holdingUp.department, a.holdingUp.centreCode)} · `,
          formatDueDay(a.holdingUp.promisedDueAt),
          a.holdingUp.overdue ? el('span', { class: 'badge badge-red' }, t('overdue')) : '',
        )
      : [],
  );

  const countdown = el(
    'div',
    { class: 'countdown-box' },
    el('div', { class: 'countdown-label' }, t(a.timing ? 'f_timeTaken' : 'f_countdownWorking')),
    detailCountdown(a),
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
              el('td', {}, departmentName(r.department, r.centreCode)),
              el('td', {}, centreName(r.centreCode, true)),
              el('td', {}, el('span', { class: `status status-${r.status}` }, t(`status_${r.status}`)), r.late ? el('span', { class: 'badge badge-red' }, t('late')) : ''),
              el('td', {}, officerName(r.decidedBy)),
              el('td', {}, formatDueDay(r.deadlines?.promisedDueAt)),
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
            ` ${departmentName(x.department, x.centreCode)} · ${formatInstant(x.at)}`,
            (x.responsible ?? []).length ? el('span', { class: 'muted' }, ` → ${x.responsible.map(officerName).join('、')}`) : '',
          ),
        ),
      )
    : el('p', { class: 'empty' }, t('none'));

  const timeline = el(
    'ol',
    { class: 'timeline', testid: 'timeline' },
    (state.timeline ?? []).map((e) =>
      el('li', { dataset: { kind: e.kind } }, el('time', {}, formatInstant(e.at, true)), el('span', { title: e.what }, describeEvent(e, a.centreCode))),
    ),
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
        el('li', { class: `feed-item level-${c.level ?? 'application'}` }, `${t('caseOf')} · ${c.level ? t(`level_${c.level}`) : t('case_forApplication')} · ${t(`case_${c.status}`)}${c.outcome ? ` · ${c.outcome}` : ''}`),
      ),
    ),
    el('h3', {}, t('timelineTitle')),
    historySource(state.historySource),
    state.temporalUiUrl ? el('p', {}, el('a', { href: state.temporalUiUrl, target: '_blank', rel: 'noopener', testid: 'temporal-link' }, t('temporalUi'), ' ↗')) : '',
    state.timelineError ? el('p', { class: 'error' }, t('loadFailed', { message: state.timelineError.message })) : '',
    timeline,
  );
}

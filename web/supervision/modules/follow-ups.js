// Follow-ups (督办) of bad ratings (差评) and complaints (投诉) at the centre selected on the map or in the
// day panel (and those below it), as the Ratings panel is scoped: how many are open, yellow and overdue
// (red) of each kind, and the open ones, overdue first, each with what it is about, its stage, when its
// running limit ends and who must act. Clicking one shows its steps (GET /v1/follow-ups/:id) and, for a
// supervisor, the action its stage waits for: accepting a complaint or not, the findings of one under
// investigation, the review of a disputed bad rating. A refusal of the API is shown on the form, naming
// the field it concerns, as the cases panel shows its own.

import { getJSON, latest, sendJSON, showError } from './api.js';
import { loadCases } from './cases.js';
import { openDetail } from './detail.js';
import { $, centreName, departmentName, el, formatInstant, officerName, tickOne } from './helpers.js';
import { field as labelledField, showRefusal, uniqueId } from './forms.js';
import { t } from './i18n.js';
import { state } from './state.js';

const KINDS = ['bad_rating', 'complaint'];
const COUNTS = ['open', 'yellow', 'overdue'];
/** Red (overdue) first, then yellow, then the rest. */
const LEVEL_ORDER = { red: 0, yellow: 1, green: 2 };

/**
 * The panel's own state: the counts and the open follow-ups of `centre` once loaded, the follow-up
 * opened below the list (its id, its detail with the steps), the form of the action its stage waits
 * for (kept across redraws, as the live stream reloads while the supervisor types) and what the last
 * action did, said in the panel's live region.
 */
const panel = { data: null, selected: null, detail: null, detailError: null, form: null, said: null };

const within = (centre, code) => code.startsWith(centre.replace(/(00)+$/, ''));
const isSupervisor = () => state.me?.officer?.role === 'supervisor';

/** Overdue first, then yellow; within a level the limit that ends first; one without a running limit (a dispute waiting) last. */
function byUrgency(a, b) {
  const level = LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level];
  if (level) return level;
  const due = (a.dueAt ? Date.parse(a.dueAt) : Infinity) - (b.dueAt ? Date.parse(b.dueAt) : Infinity);
  if (due) return due;
  return Date.parse(a.openedAt) - Date.parse(b.openedAt);
}

// ---------------------------------------------------------------------------------------------------
// What a follow-up is about, where, who acts.

function windowName(code, centre) {
  const department = /^\d{6}-(.+)$/.exec(code)?.[1];
  return department && state.departments.has(department) ? t('ratingWindowOf', { department: departmentName(department, centre) }) : code;
}

/** A bad rating: its application (a link to its detail) and the rated event; a complaint: its subject. */
function about(f, link = true) {
  if (f.kind === 'bad_rating') {
    const event = t('fuAboutRating', { event: t(`fuEvent_${f.ratingEvent}`) });
    if (!f.applicationNo) return event;
    return [link ? appLink(f.applicationNo) : el('span', { class: 'mono' }, f.applicationNo), ` · ${event}`];
  }
  const s = f.subject;
  if (!s) return '—';
  if (s.kind === 'application') return [`${t('fuSubject_application')} `, link ? appLink(s.applicationNo) : el('span', { class: 'mono' }, s.applicationNo)];
  const name = s.kind === 'officer' ? s.officerId : s.kind === 'window' ? windowName(s.windowCode, f.centreCode) : centreName(s.centreCode, true);
  return `${t(`fuSubject_${s.kind}`)} ${name}`;
}

const aboutText = (f) => [about(f, false)].flat().map((n) => (typeof n === 'string' ? n : n.textContent)).join('');

function appLink(no) {
  return el('a', { href: `#${no}`, class: 'mono app-link', dataset: { no }, onclick: (e) => (e.preventDefault(), e.stopPropagation(), openDetail(no)) }, no);
}

const where = (f) => `${centreName(f.centreCode, true)} · ${departmentName(f.department, f.centreCode)}`;
const assignees = (f) => (f.assignee.length ? f.assignee.map((o) => o.name ?? o.id).join(t('caseListSep')) : t('fuAssigneeSupervisors'));

function levelBadge(level) {
  return level === 'green'
    ? el('span', { class: 'badge badge-green', dataset: { level } }, t('legendGreen'))
    : el('span', { class: `badge badge-${level}`, dataset: { level } }, t(`level_${level}`));
}

/** When the running limit ends, and a countdown to it that the page's ticker keeps going; none while a dispute waits. */
function dueNode(f) {
  if (!f.dueAt) return el('span', { class: 'muted' }, f.stage === 'closed' ? '—' : t('fuDueNone'));
  const countdown = el('span', { class: 'countdown', dataset: { due: f.dueAt } });
  tickOne(countdown);
  return el('span', { class: 'follow-up-due' }, el('time', { datetime: f.dueAt }, formatInstant(f.dueAt)), ' ', countdown);
}

// ---------------------------------------------------------------------------------------------------
// The counts and the list.

function tiles(counts) {
  return KINDS.map((kind) => {
    const figures = counts?.[kind === 'bad_rating' ? 'badRatings' : 'complaints'];
    return el(
      'div',
      { class: `follow-up-tile kind-${kind}`, testid: `follow-up-tile-${kind}` },
      el('dt', {}, t(`fuKinds_${kind}`)),
      el(
        'dd',
        {},
        COUNTS.map((count) => {
          const n = figures?.[count];
          const alarm = n ? (count === 'overdue' ? ' count-red' : count === 'yellow' ? ' count-yellow' : '') : '';
          return el(
            'span',
            { class: `follow-up-count${alarm}`, title: t(`tip_fuCount_${count}`), testid: `follow-up-count-${kind}-${count}`, dataset: { count: n ?? '' } },
            el('span', { class: 'muted' }, t(`fuCount_${count}`)),
            ' ',
            el('b', {}, n ?? '—'),
          );
        }),
      ),
    );
  });
}

const COLUMNS = ['level', 'kind', 'id', 'about', 'where', 'stage', 'due', 'assignee'];

function row(f) {
  const open = panel.selected === f.id;
  const toggle = () => void (panel.selected === f.id ? closeFollowUp() : selectFollowUp(f.id));
  return el(
    'tr',
    {
      class: `clickable follow-up level-${f.level}${open ? ' selected' : ''}${f.level === 'red' ? ' has-red' : f.level === 'yellow' ? ' has-yellow' : ''}`,
      dataset: { id: f.id, kind: f.kind, stage: f.stage, level: f.level },
      testid: 'follow-up-item',
      onclick: toggle,
    },
    el('td', {}, levelBadge(f.level)),
    el('td', { class: 'kind' }, t(`fuKind_${f.kind}`)),
    el(
      'td',
      { class: 'id' },
      el(
        'button',
        {
          type: 'button',
          class: 'link mono follow-up-open',
          testid: 'follow-up-open',
          'aria-expanded': open ? 'true' : 'false',
          'aria-controls': 'follow-up-detail',
          'aria-label': t('fuOpenLabel', { kind: t(`fuKind_${f.kind}`), id: f.id }),
          title: f.id,
          onclick: (e) => (e.stopPropagation(), toggle()),
        },
        f.id,
      ),
    ),
    el('td', { class: 'about', title: [aboutText(f), f.content].filter(Boolean).join(' — ') }, about(f)),
    el('td', { class: 'where', title: where(f) }, where(f)),
    el('td', {}, el('span', { class: `stage fu-stage-${f.stage}`, testid: 'follow-up-stage' }, t(`fuStage_${f.stage}`))),
    el('td', { class: 'due' }, dueNode(f)),
    el('td', { class: 'assignee', title: assignees(f) }, assignees(f)),
  );
}

function renderList() {
  const list = panel.data?.list ?? [];
  $('follow-ups-head').replaceChildren(el('tr', {}, COLUMNS.map((c) => el('th', {}, t(`fuCol_${c}`)))));
  $('follow-ups-body').replaceChildren(
    ...(list.length ? list.map(row) : [el('tr', {}, el('td', { colspan: COLUMNS.length, class: 'empty' }, panel.data ? t('fuNone') : '…'))]),
  );
}

// ---------------------------------------------------------------------------------------------------
// The follow-up opened: its facts, its steps, the action its stage waits for.

const field = (name, control, label = t(`fuField_${name}`)) => labelledField('follow-up-field', name, control, label);

/** A choice of two, yes or no: radio buttons in a fieldset whose legend names it. */
function choice(name, labels) {
  return el(
    'fieldset',
    { class: 'follow-up-choice', dataset: { name } },
    el('legend', {}, t(`fuField_${name}`)),
    ['true', 'false'].map((value) =>
      el('label', {}, el('input', { type: 'radio', name, value, testid: `follow-up-${name}-${value}` }), ` ${labels[value]}`),
    ),
  );
}

const trimmed = (value) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
const yesNo = (value) => (value === 'true' ? true : value === 'false' ? false : undefined);

function actionForm(f, testid, title, fields, send) {
  const error = el('p', { class: 'error case-form-error', id: uniqueId('follow-up-form-error'), role: 'alert', tabindex: '-1', testid: 'follow-up-form-error', hidden: true });
  const node = el(
    'form',
    { class: 'case-form follow-up-form', testid, 'aria-label': title, novalidate: true },
    el('p', { class: 'case-form-title' }, title),
    ...fields,
    error,
    el('div', { class: 'case-form-buttons' }, el('button', { type: 'submit', class: 'primary', testid: 'follow-up-submit' }, t('fuSubmit'))),
  );
  node.addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = node.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      const moved = await send(Object.fromEntries(new FormData(node)));
      panel.said = t(`fuSaid_${moved.stage === 'closed' ? moved.outcome : moved.stage}`, { id: moved.id, case: moved.caseId ?? '' });
      panel.form = null;
      // A substantiated complaint opened a case: the cases panel lists it, the alerts feed follows.
      document.dispatchEvent(new CustomEvent('supervision:cases-changed'));
      await Promise.all([loadFollowUps(), loadCases()]);
      $('follow-ups-status').focus();
    } catch (err) {
      showRefusal(node, err);
    } finally {
      button.disabled = false;
    }
  });
  return node;
}

const post = (f, action, body) => sendJSON(`/v1/follow-ups/${encodeURIComponent(f.id)}/${action}`, body);

/** The form of the action the follow-up's stage waits for, if a supervisor takes it; else none. */
function buildForm(f) {
  if (f.kind === 'complaint' && f.stage === 'received') {
    return actionForm(f, 'follow-up-acceptance-form', t('fuAcceptTitle', { id: f.id }), [
      choice('accepted', { true: t('fuAccepted_true'), false: t('fuAccepted_false') }),
      field('note', el('textarea', { rows: '2', testid: 'follow-up-note' }), t('fuField_acceptNote')),
    ], (v) => post(f, 'acceptance', { accepted: yesNo(v.accepted), note: trimmed(v.note) ?? '' }));
  }
  if (f.kind === 'complaint' && f.stage === 'investigating') {
    return actionForm(f, 'follow-up-findings-form', t('fuFindingsTitle', { id: f.id }), [
      choice('substantiated', { true: t('fuSubstantiated_true'), false: t('fuSubstantiated_false') }),
      field('findings', el('textarea', { rows: '2', testid: 'follow-up-findings' })),
      field('reply', el('textarea', { rows: '2', testid: 'follow-up-reply' })),
      field('responsible', el('input', { type: 'text', class: 'mono', autocomplete: 'off', testid: 'follow-up-responsible' })),
    ], (v) => {
      const responsible = (trimmed(v.responsible) ?? '').split(/[\s,，、]+/).filter(Boolean);
      return post(f, 'findings', { substantiated: yesNo(v.substantiated), findings: trimmed(v.findings) ?? '', reply: trimmed(v.reply) ?? '', ...(responsible.length ? { responsible } : {}) });
    });
  }
  if (f.kind === 'bad_rating' && f.stage === 'disputed') {
    return actionForm(f, 'follow-up-review-form', t('fuReviewTitle', { id: f.id }), [
      choice('upheld', { true: t('fuUpheld_true'), false: t('fuUpheld_false') }),
      field('note', el('textarea', { rows: '2', testid: 'follow-up-note' }), t('fuField_reviewNote')),
    ], (v) => post(f, 'dispute-review', { upheld: yesNo(v.upheld), note: trimmed(v.note) ?? '' }));
  }
  return null;
}

/** The form kept across redraws; drawn again for another stage or language, with what was typed and chosen. */
function currentForm(f) {
  const key = `${f.id} ${f.stage}`;
  if (panel.form?.key === key && panel.form.lang === state.lang) return panel.form.node;
  const old = panel.form?.key === key ? panel.form.node : null;
  const node = buildForm(f);
  if (!node) {
    panel.form = null;
    return null;
  }
  for (const input of old?.elements ?? []) {
    if (!input.name) continue;
    if (input.type === 'radio') {
      const twin = node.querySelector(`input[type="radio"][name="${CSS.escape(input.name)}"][value="${CSS.escape(input.value)}"]`);
      if (twin) twin.checked = input.checked;
    } else {
      const twin = node.elements.namedItem(input.name);
      if (twin) twin.value = input.value;
    }
  }
  panel.form = { key, lang: state.lang, node };
  return node;
}

/** What a bad rating waits for when no supervisor acts on it (its department's leader does). */
function waitingFor(f) {
  if (f.stage === 'closed') return null;
  if (f.kind === 'bad_rating' && f.stage !== 'disputed') return t('fuWaitLeader');
  return isSupervisor() ? null : t('fuSupervisorsOnly');
}

function facts(f) {
  const fact = (key, value, testid) => (value === null || value === undefined || value === '' ? [] : [el('dt', {}, t(`fuFact_${key}`)), el('dd', { testid }, value)]);
  const complainant = f.kind !== 'complaint' ? null : f.complainant ? [f.complainant.name, f.complainant.phone].filter(Boolean).join(' ') : t('fuAnonymous');
  return el(
    'dl',
    { class: 'follow-up-facts' },
    fact('about', about(f), 'follow-up-about'),
    fact('where', where(f)),
    fact('stage', [el('span', { class: `stage fu-stage-${f.stage}`, testid: 'follow-up-detail-stage' }, t(`fuStage_${f.stage}`)), ...(f.stage === 'closed' ? [] : [' ', levelBadge(f.level)])]),
    fact('due', f.stage === 'closed' ? null : dueNode(f)),
    fact('assignee', f.stage === 'closed' ? null : assignees(f)),
    fact('opened', formatInstant(f.openedAt)),
    fact('channel', f.channel ? t(`fuChannel_${f.channel}`) : null),
    fact('complainant', complainant),
    fact('content', f.content),
    fact('outcome', f.outcome ? t(`fuOutcome_${f.outcome}`) : null, 'follow-up-outcome'),
    fact('findings', f.findings),
    fact('reply', f.reply?.text),
    fact('responsible', f.responsible?.length ? f.responsible.map((o) => o.name ?? o.id).join(t('caseListSep')) : null),
    fact('case', f.caseId, 'follow-up-case'),
  );
}

/** A label of the dictionary, else (a step added to the workflow since) the name it has there. */
const label = (key, fallback) => (t(key) === key ? fallback : t(key));

function steps(f) {
  return el(
    'ol',
    { class: 'follow-up-steps', testid: 'follow-up-steps', 'aria-label': t('fuSteps') },
    (f.steps ?? []).map((s) =>
      el(
        'li',
        { dataset: { step: s.step } },
        el('time', { class: 'muted' }, formatInstant(s.at)),
        ' ',
        el('b', {}, label(`fuStep_${s.step}`, s.step)),
        ` · ${s.actor ? officerName(s.actor) : t('fuSystem')}`,
        s.note ? el('span', { class: 'muted' }, ` · ${s.note}`) : null,
      ),
    ),
  );
}

/** The follow-up and stage the detail last showed. */
let shown = null;

function renderDetail() {
  const box = $('follow-up-detail');
  const f = panel.detail?.id === panel.selected ? panel.detail : null;
  box.dataset.id = panel.selected ?? '';
  box.dataset.stage = f?.stage ?? '';
  if (!panel.selected) {
    box.replaceChildren(el('p', { class: 'empty' }, t('fuSelectHint')));
    return;
  }
  const head = el(
    'div',
    { class: 'follow-up-detail-head' },
    el('h3', {}, `${t(`fuKind_${f?.kind ?? 'complaint'}`)} `, el('span', { class: 'mono' }, panel.selected)),
    el('button', { type: 'button', class: 'close', testid: 'follow-up-close', 'aria-label': t('close'), title: t('close'), onclick: () => closeFollowUp(true) }, '×'),
  );
  if (!f) {
    box.replaceChildren(head, panel.detailError ? el('p', { class: 'error', testid: 'follow-up-detail-error' }, t('loadFailed', { message: panel.detailError.message })) : el('p', { class: 'muted' }, '…'));
    return;
  }
  const form = isSupervisor() && f.stage !== 'closed' ? currentForm(f) : null;
  const waiting = form ? null : waitingFor(f);
  const active = document.activeElement;
  box.replaceChildren(head, facts(f), el('h4', {}, t('fuSteps')), steps(f), form ?? (waiting ? el('p', { class: 'muted follow-up-waiting' }, waiting) : ''));
  // Another follow-up, or this one at another stage, is read from the top.
  if (shown !== `${f.id} ${f.stage}`) box.scrollTop = 0;
  shown = `${f.id} ${f.stage}`;
  // The kept form was taken out and put back: the field being typed in keeps the focus.
  if (active?.isConnected && document.activeElement !== active) active.focus();
}

export function renderFollowUps() {
  const data = panel.data;
  const centre = data?.centre ?? state.selectedCentre;
  $('follow-ups-centre').textContent = centreName(centre, true);
  // The centre shown, once loaded: the tests wait for it.
  Object.assign($('follow-ups-panel').dataset, data ? { centre, open: String(data.list.length) } : {});
  $('follow-up-tiles').replaceChildren(...tiles(data?.counts));
  renderList();
  renderDetail();
  $('follow-ups-status').textContent = panel.said ?? '';
}

// ---------------------------------------------------------------------------------------------------
// Loads.

const detailLoads = latest();

async function loadSelected() {
  const id = panel.selected;
  if (!id) return;
  await detailLoads(
    () => getJSON(`/v1/follow-ups/${encodeURIComponent(id)}`),
    (detail, error) => {
      if (panel.selected !== id) return;
      panel.detailError = error;
      if (detail) panel.detail = detail;
      renderFollowUps();
    },
  );
}

/** Opens a follow-up below the list (from its row, or from a case it opened): its steps load. */
export function selectFollowUp(id) {
  panel.selected = id;
  panel.detail = panel.detail?.id === id ? panel.detail : null;
  panel.detailError = null;
  panel.said = null;
  renderFollowUps();
  return loadSelected();
}

function closeFollowUp(focusRow = false) {
  const id = panel.selected;
  panel.selected = null;
  panel.detail = null;
  panel.form = null;
  renderFollowUps();
  if (focusRow && id) document.querySelector(`[data-testid="follow-up-item"][data-id="${CSS.escape(id)}"] .follow-up-open`)?.focus();
}

const loads = latest();

/** Loads the counts and the open follow-ups of the selected centre (and those below it), and the one opened with its steps. */
export function loadFollowUps() {
  const centre = state.selectedCentre;
  // One opened that lies outside the centre chosen now is put away.
  if (panel.selected && panel.detail && !within(centre, panel.detail.centreCode)) closeFollowUp();
  const query = (extra = {}) => new URLSearchParams({ centre, ...extra });
  return Promise.all([
    loads(
      () => Promise.all([getJSON(`/v1/follow-ups/summary?${query()}`), getJSON(`/v1/follow-ups?${query({ status: 'open' })}`)]),
      (result, error) => {
        showError('follow-ups-error', error);
        if (result) panel.data = { centre, counts: result[0], list: [...result[1].followUps].sort(byUrgency) };
        renderFollowUps();
      },
    ),
    loadSelected(),
  ]);
}

// ---------------------------------------------------------------------------------------------------
// Hooks: the live stream's refresh, a case's follow-up opened from the cases panel, Escape.

let refreshTimer = null;

/** Reloads with the rest of the page when the live stream says something changed (at most once per 500 ms). */
export function followLive(source) {
  let opened = false;
  const schedule = () => {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      void loadFollowUps();
    }, 500);
  };
  source.addEventListener('message', schedule);
  source.addEventListener('change', schedule);
  // After a reconnection, catch up on whatever changed while the stream was down.
  source.addEventListener('open', () => (opened ? schedule() : (opened = true)));
}

export function initFollowUps() {
  document.addEventListener('supervision:open-follow-up', (e) => {
    void selectFollowUp(e.detail);
    $('follow-ups-panel').scrollIntoView({ block: 'nearest' });
  });
  $('follow-ups-panel').addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && panel.selected) {
      e.stopPropagation();
      closeFollowUp(true);
    }
  });
}

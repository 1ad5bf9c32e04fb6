// Accountability cases (责任追究) in the cases panel: the pending list (every case not closed), and the
// supervisor's work on it: opening a case (from an alert, or for an application), recording the
// explanation, closing it with an outcome. Each form is plain HTML controls with labels, reached by Tab;
// Escape cancels it. A refusal of the API is shown on the form, naming the field it concerns.

import { getJSON, latest, sendJSON, showError } from './api.js';
import { openDetail } from './detail.js';
import { $, centreName, departmentName, el, formatInstant, officerName } from './helpers.js';
import { field as labelledField, showRefusal, uniqueId } from './forms.js';
import { t } from './i18n.js';
import { state } from './state.js';

/** The form that is open: { kind: 'open', applicationNo, alertSeq, level } or { kind: 'explanation_received' | 'closed', caseId }. */
let editing = null;
/** What the last write did, said in the panel's live region until the next one. */
let said = null;
let steps = { caseId: null, list: null };

const levelLabel = (level) => (level ? t(`level_${level}`) : t('case_forApplication'));

/** A case a follow-up opened (督办: a bad rating, R-…, or a complaint, C-…) says so; any other, its alert's level. */
const caseLabel = (c) => (c.followUpId ? t(`case_followUp_${c.followUpId.startsWith('C-') ? 'complaint' : 'bad_rating'}`) : levelLabel(c.level));

/** What a case is about, in words: its application, else (a complaint about an officer, a window or a centre) its follow-up. */
const subjectOf = (c) => c.applicationNo ?? c.followUpId ?? c.id;

function appLink(no) {
  return el('a', { href: `#${no}`, class: 'mono app-link', dataset: { no }, onclick: (e) => (e.preventDefault(), openDetail(no)) }, no);
}

/** The follow-up that opened a case: the follow-ups panel shows it with its steps. */
function followUpLink(id) {
  return el(
    'a',
    {
      href: '#follow-ups-panel',
      class: 'mono follow-up-link',
      dataset: { followUp: id },
      testid: 'case-follow-up',
      title: t('caseFollowUpTitle', { id }),
      onclick: (e) => (e.preventDefault(), document.dispatchEvent(new CustomEvent('supervision:open-follow-up', { detail: id }))),
    },
    id,
  );
}

// ---------------------------------------------------------------------------------------------------
// Forms: one field per line, its label above it; the refusal above the buttons.

const field = (name, control) => labelledField('case-field', name, control, t(`caseField_${name}`));

function form(testid, title, fields, submitLabel, send) {
  const error = el('p', { class: 'error case-form-error', id: uniqueId('case-form-error'), role: 'alert', tabindex: '-1', testid: 'case-form-error', hidden: true });
  const node = el(
    'form',
    { class: 'case-form', testid, 'aria-label': title, novalidate: true },
    el('p', { class: 'case-form-title' }, title),
    ...fields,
    error,
    el(
      'div',
      { class: 'case-form-buttons' },
      el('button', { type: 'submit', class: 'primary', testid: 'case-submit' }, submitLabel),
      el('button', { type: 'button', testid: 'case-cancel', onclick: () => cancel() }, t('cancel')),
    ),
  );
  node.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      cancel();
    }
  });
  node.addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = node.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      said = await send(Object.fromEntries(new FormData(node)));
      editing = null;
      steps = { caseId: null, list: null };
      // The alerts feed says which alerts have a case.
      document.dispatchEvent(new CustomEvent('supervision:cases-changed'));
      await loadCases();
      $('cases-status').focus();
    } catch (err) {
      showRefusal(node, err);
    } finally {
      button.disabled = false;
    }
  });
  return node;
}

const trimmed = (value) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

function openForm() {
  const { applicationNo, alertSeq, level } = editing;
  const title = alertSeq === undefined ? t('caseOpenForApplication') : t('caseOpenFromAlert', { level: levelLabel(level), no: applicationNo });
  const no = el('input', { type: 'text', class: 'mono', autocomplete: 'off', testid: 'case-application', value: applicationNo ?? '' });
  if (alertSeq !== undefined) no.readOnly = true;
  const note = el('textarea', { rows: '2', testid: 'case-note' });
  return form('case-open-form', title, [field('applicationNo', no), field('note', note)], t('caseOpen'), async (values) => {
    const opened = await sendJSON('/v1/cases', { applicationNo: trimmed(values.applicationNo) ?? '', alertSeq, note: trimmed(values.note) ?? '' });
    return t('caseOpened', { id: opened.id });
  });
}

function stepForm(c, status) {
  const closing = status === 'closed';
  const note = el('textarea', { rows: '2', testid: 'case-note' });
  const fields = [field(closing ? 'closingNote' : 'explanation', note)];
  note.name = 'note';
  if (closing) fields.push(field('outcome', el('input', { type: 'text', autocomplete: 'off', testid: 'case-outcome' })));
  const title = t(closing ? 'caseCloseTitle' : 'caseExplainTitle', { no: subjectOf(c) });
  return form('case-step-form', title, fields, t(closing ? 'caseClose' : 'caseRecordExplanation'), async (values) => {
    const body = { status, note: trimmed(values.note) ?? '', ...(closing ? { outcome: trimmed(values.outcome) } : {}) };
    const moved = await sendJSON(`/v1/cases/${encodeURIComponent(c.id)}/steps`, body);
    return closing ? t('caseClosedSaid', { id: moved.id, outcome: moved.outcome }) : t('caseExplainedSaid', { id: moved.id });
  });
}

/**
 * The open form's node: kept across redraws (the live stream reloads the list while the supervisor
 * types), drawn again only in the other language, with what was typed.
 */
function currentForm(build) {
  if (editing.node && editing.lang === state.lang) return editing.node;
  const old = editing.node;
  const node = build();
  for (const input of old?.elements ?? []) {
    const twin = input.name ? node.elements.namedItem(input.name) : null;
    if (twin && !twin.readOnly) twin.value = input.value;
  }
  Object.assign(editing, { node, lang: state.lang });
  return node;
}

function cancel() {
  const back = editing?.caseId ? document.querySelector(`[data-case-id="${CSS.escape(editing.caseId)}"] .case-action`) : $('case-new');
  editing = null;
  renderCases();
  (back ?? $('case-new'))?.focus();
}

/** Opens the form to open a case: from an alert (its application and seq), or, without one, for an application to be named. */
export function startCase(from = {}) {
  editing = { kind: 'open', ...from };
  said = null;
  renderCases();
  const first = $('case-open').querySelector('input:not([readonly]), textarea');
  first?.focus();
}

async function startStep(c, status) {
  editing = { kind: status, caseId: c.id };
  said = null;
  renderCases();
  document.querySelector(`[data-case-id="${CSS.escape(c.id)}"] textarea`)?.focus();
  // The case's steps so far (who opened it and why, the explanation), shown above the form.
  if (steps.caseId !== c.id) {
    steps = { caseId: c.id, list: null };
    try {
      steps.list = (await getJSON(`/v1/cases/${encodeURIComponent(c.id)}`)).steps;
    } catch {
      steps.list = [];
    }
    if (editing?.caseId === c.id) renderSteps(c.id);
  }
}

function renderSteps(caseId) {
  const holder = document.querySelector(`[data-case-id="${CSS.escape(caseId)}"] .case-steps`);
  if (!holder || steps.caseId !== caseId || !steps.list) return;
  holder.replaceChildren(
    ...steps.list.map((s) =>
      el(
        'li',
        {},
        el('time', { class: 'muted' }, formatInstant(s.at)),
        ` ${t(`case_${s.status}`)} · ${t('caseLabelled', { label: officerName(s.actor), value: s.note })}`,
        s.outcome ? ` · ${t('caseLabelled', { label: t('caseField_outcome'), value: s.outcome })}` : '',
      ),
    ),
  );
}

// ---------------------------------------------------------------------------------------------------
// The pending list.

function caseLine(c) {
  const next = c.status === 'open' ? 'explanation_received' : c.status === 'explanation_received' ? 'closed' : null;
  const actionLabel = next === 'closed' ? t('caseClose') : t('caseRecordExplanation');
  const action = next
    ? el(
        'button',
        {
          type: 'button',
          class: 'small case-action',
          testid: next === 'closed' ? 'case-close' : 'case-explain',
          'aria-label': t('caseActionLabel', { action: actionLabel, no: subjectOf(c), level: caseLabel(c) }),
          'aria-expanded': editing?.caseId === c.id ? 'true' : 'false',
          onclick: () => void startStep(c, next),
        },
        actionLabel,
      )
    : null;
  const editingThis = editing?.caseId === c.id;
  return el(
    'li',
    { class: `feed-item case-item level-${c.level ?? 'application'}`, dataset: { caseId: c.id, status: c.status, ...(c.followUpId ? { followUp: c.followUpId } : {}) }, testid: 'case-item' },
    el('span', { class: `badge ${c.level === 'yellow' ? 'badge-yellow' : 'badge-red'}` }, caseLabel(c)),
    // A complaint about an officer, a window or a centre has no application: its follow-up stands instead.
    c.applicationNo ? appLink(c.applicationNo) : followUpLink(c.followUpId ?? c.id),
    el('span', {}, `${centreName(c.centreCode, true)} · ${departmentName(c.department)}`),
    el('span', { class: `status status-${c.status}`, testid: 'case-status' }, t(`case_${c.status}`)),
    el('time', { class: 'muted' }, formatInstant(c.openedAt)),
    el('span', { class: 'case-responsible muted' }, t('caseLabelled', { label: t('caseResponsible'), value: c.responsible.map((o) => o.name ?? o.id).join(t('caseListSep')) || '—' })),
    action,
    editingThis ? el('ol', { class: 'case-steps', 'aria-label': t('caseSteps') }) : null,
    editingThis ? currentForm(() => stepForm(c, editing.kind)) : null,
  );
}

let bound = false;

export function renderCases() {
  if (!bound) {
    bound = true;
    $('case-new').addEventListener('click', () => (editing?.kind === 'open' ? cancel() : startCase()));
  }
  const list = [...state.cases].sort((a, b) => Date.parse(b.openedAt) - Date.parse(a.openedAt));
  const active = document.activeElement;
  $('cases').replaceChildren(...(list.length ? list.map(caseLine) : [el('li', { class: 'empty' }, t('none'))]));
  $('case-open').replaceChildren(...(editing?.kind === 'open' ? [currentForm(openForm)] : []));
  // A kept form was taken out and put back: the field being typed in keeps the focus.
  if (active?.isConnected && document.activeElement !== active) active.focus();
  const newButton = $('case-new');
  newButton.textContent = t('caseNew');
  newButton.setAttribute('aria-expanded', editing?.kind === 'open' ? 'true' : 'false');
  $('cases-status').textContent = said ?? '';
  if (editing?.caseId) renderSteps(editing.caseId);
}

const loads = latest();

/** The pending list: every case not closed, whatever its step. */
export function loadCases() {
  return loads(
    () => getJSON('/v1/cases?status=pending'),
    (body, error) => {
      showError('cases-error', error);
      if (body) state.cases = body.cases;
      // A case that left the list (closed elsewhere) takes its open form with it.
      if (editing?.caseId && !state.cases.some((c) => c.id === editing.caseId)) editing = null;
      renderCases();
    },
  );
}

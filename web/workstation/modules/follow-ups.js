// Bad ratings to follow up (差评整改): a department leader's open follow-ups of the bad ratings of their
// department at their centre (GET /v1/follow-ups), each with its application, the event rated, the
// applicant's comment, the running limit in yellow or red, and its stage; and for the one selected
// (#/follow-ups/<id>, GET /v1/follow-ups/:id with its steps) the form of its stage: the contact back
// (回访, POST …/contact), then the conclusion (POST …/conclusion): rectified (已整改), explained
// (情况说明) or disputed (申诉, for a supervisor to review).

import { getJSON, postJSON } from './api.js';
import { actionForm, statusLine, textArea } from './forms.js';
import { t } from './i18n.js';
import { dueDay, el, facts, field, formatInstant, officerName, remainingNode } from './helpers.js';
import { screenHeader } from './parts.js';
import { state } from './state.js';

const CONCLUSIONS = ['rectified', 'explained', 'disputed'];

const href = (id) => `#/follow-ups/${encodeURIComponent(id)}`;

/** A label of a value in a family, or the value itself when the page does not know it. */
function named(prefix, value) {
  if (!value) return '—';
  const text = t(`${prefix}_${value}`);
  return text === `${prefix}_${value}` ? value : text;
}

export function followUpStage(stage) {
  return el('span', { class: `stage fu-stage-${stage}`, testid: 'follow-up-stage', dataset: { stage } }, named('fuStage', stage));
}

export function followUpLevel(level) {
  return el('span', { class: `status fu-level fu-level-${level}`, testid: 'follow-up-level', dataset: { level } }, named('fuLevel', level));
}

/** The running limit: its last working day and the time left, in the follow-up's colour (yellow within a working day, red past it). */
function dueNode(f) {
  if (f.stage === 'closed') return el('span', { class: 'muted' }, `${t('fuClosedAt')} ${formatInstant(f.closedAt)}`);
  if (f.stage === 'disputed') return el('span', { class: 'muted' }, t('fuClockStopped'));
  if (!f.dueAt) return el('span', { class: 'muted' }, '—');
  return el(
    'span',
    { class: `fu-due fu-level-${f.level}`, testid: 'follow-up-due', dataset: { due: f.dueAt, level: f.level } },
    dueDay(f.dueAt),
    ' ',
    remainingNode(f.dueAt),
  );
}

const actionOf = (f) => (f.stage === 'contacting' ? t('fuDoContact') : f.stage === 'rectifying' ? t('fuDoConclude') : t('fuView'));

const commentOf = (f) => (f.content ? f.content : el('span', { class: 'muted' }, t('fuNoComment')));

function listTable(followUps, selected) {
  return el(
    'table',
    { class: 'table follow-ups', testid: 'follow-ups' },
    el('caption', {}, t('fuCaption')),
    el(
      'thead',
      {},
      el('tr', {}, [t('applicationNo'), t('fuEvent'), t('fuLevel'), t('fuComment'), t('fuDue'), t('fuStageCol'), t('fuAction')].map((h) => el('th', { scope: 'col' }, h))),
    ),
    el(
      'tbody',
      {},
      followUps.map((f) =>
        el(
          'tr',
          { testid: `follow-up-${f.id}`, class: f.id === selected ? 'highlight' : '', dataset: { id: f.id, stage: f.stage, level: f.level } },
          el('th', { scope: 'row' }, f.applicationNo ? el('a', { href: `#/application/${encodeURIComponent(f.applicationNo)}`, class: 'mono' }, f.applicationNo) : '—'),
          el('td', {}, named('fuEvent', f.ratingEvent), f.ratingLevel ? el('span', { class: 'muted', testid: 'follow-up-rating' }, ` · ${named('fuRating', f.ratingLevel)}`) : null),
          el('td', {}, followUpLevel(f.level)),
          el('td', { class: 'fu-comment' }, commentOf(f)),
          el('td', {}, dueNode(f)),
          el('td', {}, followUpStage(f.stage)),
          el(
            'td',
            {},
            el(
              'a',
              // Named after what it does and to which rating, its visible words first.
              { href: href(f.id), 'aria-current': f.id === selected ? 'true' : undefined, 'aria-label': t('fuOpenLabel', { action: actionOf(f), no: f.applicationNo ?? f.id, event: named('fuEvent', f.ratingEvent) }), testid: 'follow-up-open' },
              actionOf(f),
            ),
          ),
        ),
      ),
    ),
  );
}

function stepsList(steps) {
  if (!steps?.length) return el('p', { class: 'muted' }, t('fuNoSteps'));
  return el(
    'ol',
    { class: 'fu-steps', testid: 'follow-up-steps' },
    steps.map((s) =>
      el(
        'li',
        { dataset: { step: s.step } },
        el('time', { datetime: s.at }, formatInstant(s.at)),
        ' ',
        el('strong', {}, named('fuStep', s.step)),
        s.actor ? ` · ${officerName(s.actor)}` : '',
        // An officer's note as written; the workflow's own notes (assignment, marks) are in English, kept for the English page.
        s.note && (s.actor || state.lang === 'en') ? el('span', { class: 'fu-note' }, s.note) : null,
      ),
    ),
  );
}

/** The form of the follow-up's stage: the contact back, the conclusion, or why there is nothing to do. */
function stageForm(f, after) {
  const base = `/v1/follow-ups/${encodeURIComponent(f.id)}`;
  if (f.stage === 'contacting') {
    const note = textArea('note', { required: true, maxlength: 2000, rows: 3, testid: 'follow-up-contact-note' });
    return actionForm({
      testid: 'follow-up-contact',
      legend: t('fuContactLegend'),
      hint: t('fuContactHint'),
      fields: [field(t('fuContactNote'), note)],
      submitLabel: t('fuContactSubmit'),
      onSubmit: () => postJSON(`${base}/contact`, { note: note.value.trim() }),
      done: after(() => t('fuContacted')),
    });
  }
  if (f.stage === 'rectifying') {
    const radios = CONCLUSIONS.map((outcome, i) =>
      el(
        'label',
        { class: 'check' },
        el('input', { type: 'radio', name: 'outcome', value: outcome, required: true, checked: i === 0, testid: `follow-up-outcome-${outcome}` }),
        ` ${t(`fuOutcomeChoice_${outcome}`)}`,
      ),
    );
    const note = textArea('note', { required: true, maxlength: 2000, rows: 3, testid: 'follow-up-conclude-note' });
    const chosen = () => radios.map((r) => r.querySelector('input')).find((r) => r.checked)?.value;
    return actionForm({
      testid: 'follow-up-conclude',
      legend: t('fuConcludeLegend'),
      hint: t('fuConcludeHint'),
      fields: [el('fieldset', { class: 'checklist' }, el('legend', {}, t('fuOutcomeLegend')), radios), field(t('fuConcludeNote'), note)],
      submitLabel: t('fuConcludeSubmit'),
      onSubmit: () => postJSON(`${base}/conclusion`, { outcome: chosen(), note: note.value.trim() }),
      done: after((answer) => (answer.stage === 'disputed' ? t('fuDisputed') : t('fuConcluded', { outcome: named('fuOutcome', answer.outcome) }))),
    });
  }
  const why = f.stage === 'disputed' ? t('fuWaitingReview') : f.stage === 'closed' ? t('fuIsClosed', { outcome: named('fuOutcome', f.outcome) }) : t('fuNothingToDo');
  return el('p', { class: 'hint', testid: 'follow-up-nothing' }, why);
}

function detailCard(f, after) {
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'follow-up-title', testid: 'follow-up', dataset: { id: f.id, stage: f.stage, level: f.level } },
    el('h3', { id: 'follow-up-title' }, t('fuDetailTitle', { no: f.applicationNo ?? f.id, event: named('fuEvent', f.ratingEvent) })),
    facts([
      [t('fuId'), el('span', { class: 'mono', testid: 'follow-up-id' }, f.id)],
      [t('applicationNo'), f.applicationNo ? el('a', { href: `#/application/${encodeURIComponent(f.applicationNo)}`, class: 'mono' }, f.applicationNo) : '—'],
      [t('fuEvent'), named('fuEvent', f.ratingEvent)],
      [t('fuRating'), f.ratingLevel ? named('fuRating', f.ratingLevel) : '—'],
      [t('fuComment'), commentOf(f)],
      [t('fuStageCol'), followUpStage(f.stage)],
      [t('fuLevel'), followUpLevel(f.level)],
      [t('fuDue'), dueNode(f)],
      f.clocks?.contact && [t('fuContactDue'), dueDay(f.clocks.contact.due)],
      f.clocks?.rectify && [t('fuRectifyDue'), dueDay(f.clocks.rectify.due)],
      [t('fuOpenedAt'), formatInstant(f.openedAt)],
      f.contactedAt && [t('fuContactedAt'), formatInstant(f.contactedAt)],
      f.outcome && [t('fuOutcome'), el('span', { testid: 'follow-up-outcome', dataset: { outcome: f.outcome } }, named('fuOutcome', f.outcome))],
      f.caseId && [t('fuCase'), el('span', { class: 'mono' }, f.caseId)],
    ]),
    el('div', { class: 'fu-form' }, stageForm(f, after)),
    el('h4', {}, t('fuSteps')),
    stepsList(f.steps),
  );
}

/**
 * The leader's follow-ups, and the one selected with the form of its stage. `rerender(message)` shows
 * this screen again with the action's outcome announced.
 */
export async function renderFollowUps(main, selectedId, rerender, flash) {
  const [{ followUps }, selected] = await Promise.all([
    getJSON('/v1/follow-ups?kind=bad_rating&status=open'),
    selectedId ? getJSON(`/v1/follow-ups/${encodeURIComponent(selectedId)}`) : Promise.resolve(null),
  ]);
  const after = (message) => (answer) => rerender(message(answer));
  const counts = { yellow: followUps.filter((f) => f.level === 'yellow').length, red: followUps.filter((f) => f.level === 'red').length };
  main.replaceChildren(
    screenHeader(
      t('fuTitle'),
      el('p', { class: 'muted', testid: 'follow-up-counts' }, t('fuCounts', { open: followUps.length, yellow: counts.yellow, red: counts.red })),
      selected ? el('a', { href: '#/follow-ups', class: 'back' }, t('fuBack')) : null,
    ),
    flash ? statusLine(flash, 'flash') : statusLine(''),
    el('p', { class: 'hint' }, t('fuHint')),
    // The one selected comes first: from the screen's heading, Tab reaches its form before the list.
    selected ? detailCard(selected, after) : null,
    followUps.length ? el('div', { class: 'table-wrap' }, listTable(followUps, selectedId)) : el('p', { class: 'empty', testid: 'follow-ups-empty' }, t('fuEmpty')),
  );
  state.screen = 'follow-ups';
}

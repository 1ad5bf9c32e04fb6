// The deciding officer's screens: the department's inbox (GET /v1/departments/:department/inbox) and the
// decision on one review: the application, its materials and attachments, the other departments'
// decisions, the limits; approve (with conditions, 附条件) or reject with a reason. A major item is
// decided by the department's leader, never its chief representative (workflows/rules/authority.ts);
// the lead department's leader may extend the statutory limit once.

import { getJSON, postJSON } from './api.js';
import { actionForm, statusLine, textArea } from './forms.js';
import { t } from './i18n.js';
import { departmentName, dueDay, el, field, formatDay, lastDayOf, remainingNode } from './helpers.js';
import { attachmentsOf, documentsOf, documentsSection, itemOf, materialsTable, reviewsTable, screenHeader, summary } from './parts.js';
import { state } from './state.js';

export async function renderInbox(main) {
  const department = state.officer.departmentCode;
  const { tasks } = await getJSON(`/v1/departments/${encodeURIComponent(department)}/inbox`);
  const table = el(
    'table',
    { class: 'table', testid: 'inbox' },
    el('caption', {}, t('inboxCaption', { department: departmentName(department) })),
    el('thead', {}, el('tr', {}, [t('applicationNo'), t('item'), t('applicant'), t('promisedDue'), t('remainingCol'), t('statutoryDue'), t('materialsCol')].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      tasks.map((task) =>
        el(
          'tr',
          { testid: `inbox-${task.applicationNo}` },
          el('th', { scope: 'row' }, el('a', { href: `#/decide/${encodeURIComponent(task.applicationNo)}/${encodeURIComponent(task.department)}`, class: 'mono' }, task.applicationNo)),
          el('td', {}, task.itemName, task.major ? el('span', { class: 'tag', title: t('majorWhy') }, t('majorItem')) : null),
          el('td', {}, task.applicantName),
          el('td', {}, dueDay(task.promisedDueAt)),
          el('td', {}, remainingNode(task.promisedDueAt, task.clockStopped)),
          el('td', {}, dueDay(task.statutoryDueAt)),
          el('td', {}, String(task.materials.length)),
        ),
      ),
    ),
  );
  main.replaceChildren(screenHeader(t('inboxTitle')), tasks.length ? el('div', { class: 'table-wrap' }, table) : el('p', { class: 'empty' }, t('inboxEmpty')));
  state.screen = 'inbox';
}

export async function renderDecision(main, no, department, rerender, flash) {
  const url = `/v1/applications/${encodeURIComponent(no)}`;
  const app = await getJSON(url);
  const [item, attachments, documents] = await Promise.all([itemOf(app.itemCode, app.itemVersion), attachmentsOf(no), documentsOf(no)]);
  const officer = state.officer;
  const review = app.reviews.find((r) => r.department === department && r.status === 'open') ?? app.reviews.find((r) => r.department === department);
  const after = (message) => () => rerender(message);

  const deadline = review
    ? el(
        'section',
        { class: 'card deadline', 'aria-labelledby': 'deadline-title', testid: 'deadline' },
        el('h3', { id: 'deadline-title' }, t('deadline')),
        el(
          'p',
          {},
          t('reviewDue'),
          ' ',
          el('strong', {}, dueDay(review.deadlines?.promisedDueAt, { testid: 'review-due' })),
          ' ',
          review.status === 'open' ? remainingNode(review.deadlines?.promisedDueAt, review.stops?.some((s) => !s.endedAt)) : '',
        ),
        el('p', {}, t('statutoryDue'), ' ', el('strong', {}, dueDay(app.deadlines?.statutoryDueAt)), ' ', app.stage === 'in_review' ? remainingNode(app.deadlines?.statutoryDueAt) : ''),
      )
    : null;

  const panels = [];
  const mine = review && review.department === officer.departmentCode && review.centreCode === officer.centreCode;
  if (review?.status === 'open' && mine) {
    if (item.major && officer.role !== 'department_leader') {
      panels.push(el('section', { class: 'card notice-major', role: 'note', testid: 'major-notice' }, el('h3', {}, t('majorTitle')), el('p', {}, t('majorWhy'))));
    } else {
      const base = `${url}/reviews/${encodeURIComponent(department)}/decision`;
      const conditions = textArea('conditions', { maxlength: 1000, testid: 'conditions' });
      const reason = textArea('reason', { required: true, maxlength: 1000, testid: 'reject-reason' });
      panels.push(
        el(
          'section',
          { class: 'card', 'aria-labelledby': 'decide-title', testid: 'decide' },
          el('h3', { id: 'decide-title' }, t('decide', { department: departmentName(department) })),
          item.major ? el('p', { class: 'hint' }, t('majorLeader')) : null,
          el('div', { class: 'columns' }, [
            actionForm({
              testid: 'approve',
              legend: t('approveLegend'),
              fields: [field(t('conditions'), conditions)],
              submitLabel: t('approve'),
              // Conditions (附条件) only when given.
              onSubmit: () => postJSON(base, { decision: 'approve', ...(conditions.value.trim() ? { conditions: conditions.value.trim() } : {}) }),
              done: after(t('approved')),
            }),
            actionForm({
              testid: 'reject',
              legend: t('rejectLegend'),
              fields: [field(t('reasonRequired'), reason)],
              submitLabel: t('reject'),
              danger: true,
              onSubmit: () => postJSON(base, { decision: 'reject', reason: reason.value.trim() }),
              done: after(t('rejected')),
            }),
          ]),
        ),
      );
    }
  }
  const leadLeader = officer.role === 'department_leader' && officer.departmentCode === app.leadDepartment && officer.centreCode === app.centreCode;
  if (leadLeader && app.stage === 'in_review') panels.push(extensionPanel(app, item, url, after));

  main.replaceChildren(
    screenHeader(t('decisionTitle', { no: app.applicationNo }), el('a', { href: '#/inbox', class: 'back' }, t('backToInbox'))),
    flash ? statusLine(flash, 'flash') : statusLine(''),
    el('div', { class: 'decision-grid' }, el('div', {}, summary(app, item), deadline), el('div', {}, ...panels)),
    el('section', { class: 'card', 'aria-labelledby': 'materials-title' }, el('h3', { id: 'materials-title' }, t('materials')), el('div', { class: 'table-wrap' }, materialsTable({ app, item, attachments }))),
    el('section', { class: 'card', 'aria-labelledby': 'reviews-title' }, el('h3', { id: 'reviews-title' }, t('otherDecisions')), el('div', { class: 'table-wrap' }, reviewsTable(app, department))),
    documentsSection(documents),
  );
  state.screen = 'decision';
}

/** Extend the statutory limit once, with a reason: at most 10 working days, 15 for a joint item (art. 42). */
function extensionPanel(app, item, url, after) {
  const max = item.kind === 'joint' ? 15 : 10;
  const days = el('input', { type: 'number', name: 'workingDays', min: 1, max, required: true, value: String(Math.min(5, max)), inputmode: 'numeric', testid: 'extension-days' });
  const reason = textArea('reason', { required: true, maxlength: 1000, testid: 'extension-reason' });
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'extension-title', testid: 'extension' },
    el('h3', { id: 'extension-title' }, t('extension')),
    el('p', { class: 'hint' }, t('extensionHint', { max, due: app.deadlines?.statutoryDueAt ? formatDay(lastDayOf(app.deadlines.statutoryDueAt)) : '—' })),
    actionForm({
      testid: 'extend',
      legend: t('extensionLegend'),
      fields: [field(t('workingDays'), days), field(t('reasonRequired'), reason)],
      submitLabel: t('extend'),
      onSubmit: () => postJSON(`${url}/extension`, { workingDays: Number(days.value), reason: reason.value.trim() }),
      done: after(t('extended')),
    }),
  );
}

// The window's queue (窗口待办): what its department must take in, receive a supplement for, restart or
// hand over at its centre, the nearest due instant first (GET /v1/window/queue).

import { getJSON } from './api.js';
import { t } from './i18n.js';
import { departmentName, dueDay, el, formatInstant, localName, remainingNode } from './helpers.js';
import { screenHeader, stageBadge } from './parts.js';
import { state } from './state.js';

export async function renderQueue(main) {
  const body = await getJSON('/v1/window/queue');
  const counts = Object.fromEntries(['intake', 'supplement', 'clock_stopped', 'pickup'].map((k) => [k, body.items.filter((i) => i.task === k).length]));
  const table = el(
    'table',
    { class: 'table queue', testid: 'queue' },
    el('caption', {}, t('queueCaption', { department: departmentName(body.department) })),
    el(
      'thead',
      {},
      el('tr', {}, [t('applicationNo'), t('task'), t('item'), t('applicant'), t('dueDay'), t('remainingCol'), t('materialsCol')].map((h) => el('th', { scope: 'col' }, h))),
    ),
    el(
      'tbody',
      {},
      body.items.map((i) =>
        el(
          'tr',
          { testid: `queue-${i.applicationNo}`, dataset: { task: i.task } },
          el('th', { scope: 'row' }, el('a', { href: `#/application/${encodeURIComponent(i.applicationNo)}`, class: 'mono' }, i.applicationNo)),
          el('td', {}, el('span', { class: `task task-${i.task}` }, t(`task_${i.task}`)), ' ', stageBadge(i.stage)),
          el('td', {}, localName({ name: i.itemName, nameEn: i.itemNameEn }), i.major ? el('span', { class: 'tag' }, t('majorItem')) : null),
          el('td', {}, i.applicantName),
          el('td', {}, i.dueAt ? dueDay(i.dueAt) : el('span', { class: 'muted' }, i.task === 'pickup' ? `${t('completedAt')} ${formatInstant(i.completedAt)}` : t('awaitingApplicant'))),
          el('td', {}, remainingNode(i.dueAt, i.task === 'clock_stopped')),
          el(
            'td',
            {},
            `${i.requiredMaterials.length - i.missingMaterials.length}/${i.requiredMaterials.length}`,
            i.missingMaterials.length ? el('span', { class: 'missing' }, ` ${t('missingShort')}：${i.missingMaterials.join('、')}`) : null,
          ),
        ),
      ),
    ),
  );
  main.replaceChildren(
    screenHeader(t('queueTitle'), el('p', { class: 'muted', testid: 'queue-counts' }, ['intake', 'supplement', 'clock_stopped', 'pickup'].map((k) => `${t(`task_${k}`)} ${counts[k]}`).join(' · '))),
    el('p', { class: 'hint' }, t('queueHint')),
    body.items.length ? el('div', { class: 'table-wrap' }, table) : el('p', { class: 'empty' }, t('queueEmpty')),
  );
  state.screen = 'queue';
}

// The audit trail (审计记录), the audit administrator's (审计管理员): every change made at their centre
// and those below it, newest first (GET /v1/audit), grants of roles and keys among them.

import { getJSON } from '../../workstation/modules/api.js';
import { el, formatInstant } from '../../workstation/modules/helpers.js';
import { screenHeader } from '../../workstation/modules/parts.js';
import { t } from './i18n.js';

const actorOf = (actor) => [actor.name ?? actor.id, actor.role ? t(`role_${actor.role}`) : actor.kind].filter(Boolean).join(' · ');

export async function renderAudit(main) {
  const { entries } = await getJSON('/v1/audit?limit=200');
  const table = el(
    'table',
    { class: 'table', testid: 'audit' },
    el('caption', {}, t('auditCaption')),
    el('thead', {}, el('tr', {}, [t('at'), t('actor'), t('action'), t('target'), t('status')].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      entries.map((e) =>
        el(
          'tr',
          { testid: 'audit-entry', dataset: { id: String(e.id) } },
          el('td', {}, formatInstant(e.at)),
          el('td', {}, actorOf(e.actor)),
          el('td', { class: 'mono' }, e.action),
          el('td', { class: 'mono' }, e.target),
          el('td', { class: 'num' }, String(e.status)),
        ),
      ),
    ),
  );
  main.replaceChildren(screenHeader(t('auditTitle')), entries.length ? el('div', { class: 'table-wrap' }, table) : el('p', { class: 'empty' }, t('auditEmpty')));
}

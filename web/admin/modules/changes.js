// The change log (变更记录): who changed what in the catalogue, the organisation and the calendar,
// newest first (GET /v1/catalogue/changes); an administrator below the region sees their own scope's.

import { getJSON } from '../../workstation/modules/api.js';
import { el, formatInstant } from '../../workstation/modules/helpers.js';
import { screenHeader } from '../../workstation/modules/parts.js';
import { t } from './i18n.js';
import { isRegional, withinScope } from './scope.js';

const ENTITIES = ['item', 'centre', 'department', 'window', 'officer', 'calendar'];

/** The centre a change concerns, as far as its record says. */
function centreOf(change) {
  const record = change.after ?? change.before ?? {};
  if (change.entity === 'calendar') return change.key.split('/')[0];
  if (change.entity === 'centre') return change.key;
  return record.centreCode ?? record.ownerCentre ?? null;
}

export async function renderChanges(main, entity = '') {
  const { changes } = await getJSON(`/v1/catalogue/changes?limit=200${entity ? `&entity=${entity}` : ''}`);
  const shown = isRegional() ? changes : changes.filter((c) => withinScope(centreOf(c)));
  const select = el(
    'select',
    { name: 'entity', 'aria-label': t('entity'), onchange: () => (location.hash = select.value ? `#/changes/${select.value}` : '#/changes') },
    el('option', { value: '' }, t('allEntities')),
    ENTITIES.map((e) => el('option', { value: e, selected: e === entity }, t(`entity_${e}`))),
  );
  const table = el(
    'table',
    { class: 'table', testid: 'changes' },
    el('caption', {}, t('changesCaption')),
    el('thead', {}, el('tr', {}, [t('at'), t('actor'), t('entity'), t('key'), t('action'), t('version')].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      shown.map((c) =>
        el(
          'tr',
          { testid: 'change', dataset: { entity: c.entity, key: c.key } },
          el('td', {}, formatInstant(c.at)),
          el('td', {}, c.actor?.name ?? c.actor?.id),
          el('td', {}, t(`entity_${c.entity}`)),
          el('td', { class: 'mono' }, c.entity === 'item' ? el('a', { href: `#/items/${encodeURIComponent(c.key)}` }, c.key) : c.key),
          el('td', {}, t(`action_${c.action}`)),
          el('td', { class: 'num' }, c.after?.version ?? ''),
        ),
      ),
    ),
  );
  main.replaceChildren(
    screenHeader(t('changesTitle'), select),
    shown.length ? el('div', { class: 'table-wrap' }, table) : el('p', { class: 'empty' }, t('changesEmpty')),
  );
}

// Integrators' keys (接入密钥), the security administrator's (安全管理员): the keys bound within their
// centre, a new key (shown once, in the answer that creates it) and revocation. Each is a grant, and
// the audit trail names it. A key complains (投诉) about the applications it submitted; one made for a
// 12345 hotline, which takes calls about applications submitted anywhere, about any application of its
// centres (complaintsAbout: centres).

import { getJSON, request } from '../../workstation/modules/api.js';
import { el, formatInstant } from '../../workstation/modules/helpers.js';
import { screenHeader } from '../../workstation/modules/parts.js';
import { state } from '../../workstation/modules/state.js';
import { statusLine } from '../../workstation/modules/forms.js';
import { t } from './i18n.js';
import { labelled, recordForm } from './organisation.js';

export async function renderKeys(main, flash, created) {
  const { keys } = await getJSON('/v1/integrators');
  const again = (message, key) => renderKeys(main, message, key);
  const name = el('input', { type: 'text', name: 'name', value: '' });
  const centres = el('input', { type: 'text', name: 'centres', value: state.officer.centreCode, class: 'mono' });
  const complaintsAbout = el(
    'select',
    { name: 'complaintsAbout', testid: 'key-complaints-about' },
    ['own', 'centres'].map((value) => el('option', { value }, t(`keyComplaintsAbout_${value}`))),
  );
  const form = recordForm({
    testid: 'key-form',
    legend: t('newKey'),
    fields: [labelled('name', t('keyName'), name), labelled('centres', t('keyCentres'), centres), labelled('complaintsAbout', t('keyComplaintsAbout'), complaintsAbout)],
    save: () =>
      request('POST', '/v1/integrators', {
        name: name.value.trim(),
        centres: centres.value
          .split(/[,，\s]+/)
          .map((c) => c.trim())
          .filter(Boolean),
        complaintsAbout: complaintsAbout.value,
      }),
    done: (saved) => again(undefined, saved),
  });
  const revoke = async (key) => {
    await request('DELETE', `/v1/integrators/${encodeURIComponent(key.id)}`);
    await again(t('keyRevoked', { id: key.id }));
  };
  const table = el(
    'table',
    { class: 'table', testid: 'keys' },
    el('caption', {}, t('keysCaption')),
    el('thead', {}, el('tr', {}, [t('code'), t('keyName'), t('centres'), t('keyComplaints'), t('createdAt'), t('revokedAt'), ''].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      keys.map((k) =>
        el(
          'tr',
          { testid: `key-${k.id}` },
          el('th', { scope: 'row', class: 'mono' }, k.id),
          el('td', {}, k.name),
          el('td', { class: 'mono' }, k.centres.join(', ')),
          el('td', { dataset: { complaintsAbout: k.complaintsAbout } }, t(`keyComplaints_${k.complaintsAbout}`)),
          el('td', {}, formatInstant(k.createdAt)),
          el('td', {}, k.revokedAt ? formatInstant(k.revokedAt) : '—'),
          el('td', {}, k.revokedAt ? null : el('button', { type: 'button', testid: `revoke-${k.id}`, onclick: () => void revoke(k) }, t('revoke'))),
        ),
      ),
    ),
  );
  main.replaceChildren(
    screenHeader(t('keysTitle')),
    statusLine(flash, 'flash'),
    created ? el('p', { class: 'card', testid: 'new-key' }, t('keyShownOnce'), ' ', el('code', { class: 'mono' }, created.key)) : null,
    el('section', { class: 'card' }, form),
    keys.length ? el('div', { class: 'table-wrap' }, table) : el('p', { class: 'empty' }, t('keysEmpty')),
  );
}

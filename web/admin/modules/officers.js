// Officers and their roles (人员与角色), the security administrator's (安全管理员): the officers of a
// centre within theirs, each created or changed with PUT. At their own centre they grant window roles
// only, and never touch their own record; a centre's administrators (三员) and supervisors are granted
// from the centre above (the API checks all of it again, api/grants.ts).

import { getJSON, request } from '../../workstation/modules/api.js';
import { departmentName, el } from '../../workstation/modules/helpers.js';
import { screenHeader } from '../../workstation/modules/parts.js';
import { state } from '../../workstation/modules/state.js';
import { statusLine } from '../../workstation/modules/forms.js';
import { t } from './i18n.js';
import { departmentOptions, labelled, recordForm } from './organisation.js';
import { admin, centreName, withinScope } from './scope.js';

const WINDOW_ROLES = ['window_officer', 'chief_representative', 'department_leader'];
const FROM_ABOVE = ['system_administrator', 'security_administrator', 'audit_administrator', 'supervisor'];

/** The roles this administrator may grant at a centre: window roles at their own, every role below it. */
const grantable = (centre) => (centre === state.officer.centreCode ? WINDOW_ROLES : [...WINDOW_ROLES, ...FROM_ABOVE]);
/** A record they may change: not their own, and an administrator's or supervisor's only below their centre. */
const editable = (o) => o.id !== state.officer.id && grantable(o.centreCode).includes(o.role);

export async function renderOfficers(main, centre = state.officer.centreCode, flash) {
  if (!withinScope(centre)) centre = state.officer.centreCode;
  const [{ officers }, { windows }] = await Promise.all([getJSON(`/v1/officers?centre=${centre}`), getJSON(`/v1/windows?centre=${centre}`)]);
  const editor = el('div', { class: 'editor', testid: 'officer-editor' });
  const again = (message) => renderOfficers(main, centre, message);
  const windowName = (code) => windows.find((w) => w.code === code)?.name ?? code ?? '—';
  const centres = [...admin.centres.values()].filter((c) => withinScope(c.code));
  const picker = el(
    'select',
    { name: 'centre', testid: 'officer-centre', 'aria-label': t('centreShown'), onchange: () => (location.hash = `#/officers/${picker.value}`) },
    centres.map((c) => el('option', { value: c.code, selected: c.code === centre }, `${centreName(c.code)}（${c.code}）`)),
  );
  const table = el(
    'table',
    { class: 'table', testid: 'officers' },
    el('caption', {}, t('officersOf', { centre: centreName(centre) })),
    el('thead', {}, el('tr', {}, [t('officerId'), t('officerName'), t('role'), t('departmentOf'), t('window'), ''].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      officers.map((o) =>
        el(
          'tr',
          { testid: `officer-${o.id}` },
          el('th', { scope: 'row', class: 'mono' }, o.id),
          el('td', {}, o.name),
          el('td', {}, t(`role_${o.role}`)),
          el('td', {}, o.departmentCode ? departmentName(o.departmentCode) : '—'),
          el('td', {}, o.windowCode ? windowName(o.windowCode) : '—'),
          el(
            'td',
            {},
            o.id === state.officer.id
              ? t('own')
              : editable(o)
                ? el('button', { type: 'button', onclick: () => editor.replaceChildren(officerForm(o, centre, windows, again)) }, t('edit'))
                : null,
          ),
        ),
      ),
    ),
  );
  main.replaceChildren(
    screenHeader(t('officersTitle'), picker),
    statusLine(flash, 'flash'),
    el('p', { class: 'muted' }, t('officersHint')),
    el(
      'section',
      { class: 'card' },
      el('div', { class: 'actions' }, el('button', { type: 'button', testid: 'new-officer', onclick: () => editor.replaceChildren(officerForm(null, centre, windows, again)) }, t('newOfficer'))),
      editor,
    ),
    el('div', { class: 'table-wrap' }, table),
  );
}

function officerForm(existing, centre, windows, again) {
  const level = admin.centres.get(centre)?.level ?? admin.level;
  const id = el('input', { type: 'text', name: 'id', value: existing?.id ?? `${centre}-`, readonly: !!existing, class: 'mono' });
  const name = el('input', { type: 'text', name: 'name', value: existing?.name ?? '' });
  const role = el('select', { name: 'role' }, grantable(centre).map((r) => el('option', { value: r, selected: r === (existing?.role ?? 'window_officer') }, t(`role_${r}`))));
  const department = el('select', { name: 'departmentCode' }, departmentOptions(existing?.departmentCode, true, level));
  const window = el(
    'select',
    { name: 'windowCode' },
    el('option', { value: '', selected: !existing?.windowCode }, t('none')),
    windows.map((w) => el('option', { value: w.code, selected: w.code === existing?.windowCode }, `${w.name}（${w.code}）`)),
  );
  return recordForm({
    testid: 'officer-form',
    legend: existing ? t('editOfficer', { code: existing.id }) : t('newOfficer'),
    fields: [
      labelled('id', t('officerId'), id),
      labelled('name', t('officerName'), name),
      labelled('role', t('role'), role),
      labelled('departmentCode', t('departmentOf'), department),
      labelled('windowCode', t('window'), window),
    ],
    save: () =>
      request('PUT', `/v1/officers/${encodeURIComponent(id.value.trim())}`, {
        id: id.value.trim(),
        name: name.value.trim(),
        role: role.value,
        centreCode: centre,
        departmentCode: department.value || null,
        windowCode: window.value || null,
      }),
    done: (saved) => again(t('officerSaved', { code: saved.id })),
  });
}

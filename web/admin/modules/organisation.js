// The organisation (组织): the centres under the administrator's, and their own centre's windows and
// officers, each created or changed with PUT (the API checks the scope again).

import { getJSON, request } from '../../workstation/modules/api.js';
import { departmentName, el } from '../../workstation/modules/helpers.js';
import { screenHeader } from '../../workstation/modules/parts.js';
import { state } from '../../workstation/modules/state.js';
import { statusLine } from '../../workstation/modules/forms.js';
import { clearErrors, showErrors } from './form-errors.js';
import { t } from './i18n.js';
import { admin, centreName } from './scope.js';

const ROLES = ['window_officer', 'chief_representative', 'department_leader', 'centre_administrator', 'supervisor'];

function centreTree(node, depth = 0) {
  const children = node.children ?? [];
  const label = el('span', {}, `${node.name}（${node.code}）`);
  if (!children.length) return el('li', { testid: `centre-${node.code}` }, label);
  // The region has 14 cities and 96 counties: below the first level the tree starts folded.
  return el('li', { testid: `centre-${node.code}` }, el('details', { open: depth === 0 }, el('summary', {}, label, ` · ${children.length}`), el('ul', {}, children.map((c) => centreTree(c, depth + 1)))));
}

function findNode(nodes, code) {
  for (const node of nodes) {
    if (node.code === code) return node;
    const found = findNode(node.children ?? [], code);
    if (found) return found;
  }
  return undefined;
}

export async function renderOrganisation(main, flash) {
  const centre = state.officer.centreCode;
  const [{ centres }, { windows }, { officers }] = await Promise.all([
    getJSON('/v1/centres'),
    getJSON(`/v1/windows?centre=${centre}`),
    getJSON(`/v1/officers?centre=${centre}`),
  ]);
  const own = findNode(centres, centre);
  const editor = el('div', { class: 'editor', testid: 'organisation-editor' });
  const again = (message) => renderOrganisation(main, message);
  const windowName = (code) => windows.find((w) => w.code === code)?.name ?? code ?? '—';

  const windowTable = el(
    'table',
    { class: 'table', testid: 'windows' },
    el('caption', {}, t('windowsOf', { centre: centreName(centre) })),
    el('thead', {}, el('tr', {}, [t('code'), t('windowName'), t('departmentOf'), ''].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      windows.map((w) =>
        el(
          'tr',
          { testid: `window-${w.code}` },
          el('th', { scope: 'row', class: 'mono' }, w.code),
          el('td', {}, w.name),
          el('td', {}, departmentName(w.departmentCode)),
          el('td', {}, el('button', { type: 'button', onclick: () => editor.replaceChildren(windowForm(w, windows, again)) }, t('edit'))),
        ),
      ),
    ),
  );
  const officerTable = el(
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
          el('td', {}, el('button', { type: 'button', onclick: () => editor.replaceChildren(officerForm(o, windows, again)) }, t('edit'))),
        ),
      ),
    ),
  );
  main.replaceChildren(
    screenHeader(t('organisationTitle')),
    statusLine(flash, 'flash'),
    el(
      'div',
      { class: 'columns' },
      el('section', { class: 'card' }, el('h3', {}, t('centres')), el('ul', { class: 'tree', testid: 'centre-tree' }, own ? centreTree(own) : null)),
      el(
        'section',
        { class: 'card' },
        el('div', { class: 'actions' },
          el('button', { type: 'button', testid: 'new-window', onclick: () => editor.replaceChildren(windowForm(null, windows, again)) }, t('newWindow')),
          el('button', { type: 'button', testid: 'new-officer', onclick: () => editor.replaceChildren(officerForm(null, windows, again)) }, t('newOfficer')),
        ),
        editor,
      ),
    ),
    el('div', { class: 'table-wrap' }, windowTable),
    el('div', { class: 'table-wrap' }, officerTable),
  );
}

const labelled = (field, label, control) => el('label', { class: 'field', dataset: { field: `body.${field}` } }, el('span', { class: 'field-label' }, label), control);

const departmentOptions = (value, withNone = false) => [
  withNone ? el('option', { value: '', selected: !value }, t('none')) : null,
  ...[...state.departments.values()]
    .filter((d) => d.levels.includes(admin.level))
    .map((d) => el('option', { value: d.code, selected: d.code === value }, departmentName(d.code))),
];

/** A form that PUTs a record; its refusal is shown by the fields. */
function recordForm({ testid, legend, fields, save, done }) {
  const summary = el('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true, testid: `${testid}-error` });
  const form = el(
    'form',
    { class: 'action', testid, novalidate: true },
    el('fieldset', {}, el('legend', {}, legend), ...fields, el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', testid: `${testid}-submit` }, t('save').replace(/（.*）|\s\(.*\)/, '')))),
    summary,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    summary.hidden = true;
    try {
      const saved = await save(form);
      await done(saved);
    } catch (error) {
      showErrors(form, summary, error);
    }
  });
  return form;
}

function windowForm(existing, _windows, again) {
  const centre = state.officer.centreCode;
  const code = el('input', { type: 'text', name: 'code', value: existing?.code ?? `${centre}-`, readonly: !!existing, class: 'mono' });
  const name = el('input', { type: 'text', name: 'name', value: existing?.name ?? '' });
  const department = el('select', { name: 'departmentCode' }, departmentOptions(existing?.departmentCode));
  return recordForm({
    testid: 'window-form',
    legend: existing ? t('editWindow', { code: existing.code }) : t('newWindow'),
    fields: [labelled('code', t('code'), code), labelled('name', t('windowName'), name), labelled('departmentCode', t('departmentOf'), department)],
    save: () =>
      request('PUT', `/v1/windows/${encodeURIComponent(code.value.trim())}`, { code: code.value.trim(), centreCode: centre, departmentCode: department.value, name: name.value.trim() }),
    done: (saved) => again(t('windowSaved', { code: saved.code })),
  });
}

function officerForm(existing, windows, again) {
  const centre = state.officer.centreCode;
  const id = el('input', { type: 'text', name: 'id', value: existing?.id ?? `${centre}-`, readonly: !!existing, class: 'mono' });
  const name = el('input', { type: 'text', name: 'name', value: existing?.name ?? '' });
  const role = el('select', { name: 'role' }, ROLES.map((r) => el('option', { value: r, selected: r === (existing?.role ?? 'window_officer') }, t(`role_${r}`))));
  const department = el('select', { name: 'departmentCode' }, departmentOptions(existing?.departmentCode, true));
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

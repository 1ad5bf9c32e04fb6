// The organisation (组织), the system administrator's: the centres under theirs and their own centre's
// windows, each created or changed with PUT (the API checks the scope again). The officers, who carry
// the roles, are the security administrator's (officers.js).

import { getJSON, request } from '../../workstation/modules/api.js';
import { departmentName, el } from '../../workstation/modules/helpers.js';
import { screenHeader } from '../../workstation/modules/parts.js';
import { state } from '../../workstation/modules/state.js';
import { statusLine } from '../../workstation/modules/forms.js';
import { clearErrors, showErrors } from './form-errors.js';
import { t } from './i18n.js';
import { admin, centreName } from './scope.js';

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
  const [{ centres }, { windows }] = await Promise.all([getJSON('/v1/centres'), getJSON(`/v1/windows?centre=${centre}`)]);
  const own = findNode(centres, centre);
  const editor = el('div', { class: 'editor', testid: 'organisation-editor' });
  const again = (message) => renderOrganisation(main, message);

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
        ),
        editor,
      ),
    ),
    el('div', { class: 'table-wrap' }, windowTable),
  );
}

export const labelled = (field, label, control) => el('label', { class: 'field', dataset: { field: `body.${field}` } }, el('span', { class: 'field-label' }, label), control);

/** The departments with windows at a centre of `level` (the administrator's own unless told). */
export const departmentOptions = (value, withNone = false, level = admin.level) => [
  withNone ? el('option', { value: '', selected: !value }, t('none')) : null,
  ...[...state.departments.values()]
    .filter((d) => d.levels.includes(level))
    .map((d) => el('option', { value: d.code, selected: d.code === value }, departmentName(d.code))),
];

/** A form that PUTs a record; its refusal is shown by the fields. */
export function recordForm({ testid, legend, fields, save, done }) {
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

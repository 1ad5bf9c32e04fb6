// The item catalogue (事项目录): the items offered at the administrator's centre, one item's current
// definition in a form (saving makes a new version), its versions, and a new item. The region's
// administrators keep the regional catalogue; a city's or county's keep their centre's local items.

import { getJSON, request } from '../../workstation/modules/api.js';
import { departmentName, el, formatInstant } from '../../workstation/modules/helpers.js';
import { screenHeader } from '../../workstation/modules/parts.js';
import { state } from '../../workstation/modules/state.js';
import { statusLine } from '../../workstation/modules/forms.js';
import { feeScheduleEditor } from './fee-schedule.js';
import { clearErrors, refusedInPage, showErrors } from './form-errors.js';
import { t } from './i18n.js';
import { admin, centreName, isRegional } from './scope.js';

const KINDS = ['immediate', 'promised', 'joint', 'reported'];
const LEVELS = ['region', 'city', 'county'];
const CATEGORIES = ['licensing', 'other_power', 'public_service'];

export async function renderItems(main, query = '') {
  const centre = state.officer.centreCode;
  const params = new URLSearchParams(isRegional() ? {} : { centre });
  if (query) params.set('q', query);
  const { items } = await getJSON(`/v1/items?${params}`);
  const input = el('input', { type: 'search', name: 'q', value: query, 'aria-label': t('searchLabel'), testid: 'item-search' });
  const search = el(
    'form',
    { class: 'find', role: 'search', onsubmit: (e) => {
      e.preventDefault();
      location.hash = input.value.trim() ? `#/items?q=${encodeURIComponent(input.value.trim())}` : '#/items';
    } },
    input,
    el('button', { type: 'submit' }, t('search')),
  );
  const table = el(
    'table',
    { class: 'table', testid: 'items' },
    el('caption', {}, t('itemsCaption', { scope: centreName(centre) })),
    el('thead', {}, el('tr', {}, [t('code'), t('name'), t('kind'), t('department'), t('limits'), t('version'), t('owner')].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      items.map((i) =>
        el(
          'tr',
          { testid: `item-${i.code}` },
          el('th', { scope: 'row' }, el('a', { href: `#/items/${encodeURIComponent(i.code)}`, class: 'mono' }, i.code)),
          el('td', {}, state.lang === 'en' ? i.nameEn : i.name),
          el('td', {}, t(`kind_${i.kind}`)),
          el('td', {}, departmentName(i.department)),
          el('td', { class: 'num' }, `${i.promisedLimitDays} / ${i.statutoryLimitDays}`),
          el('td', { class: 'num' }, i.currentVersion),
          el('td', { class: 'nowrap' }, ownerText(i.ownerCentre)),
        ),
      ),
    ),
  );
  main.replaceChildren(
    screenHeader(t('itemsTitle'), el('a', { href: '#/items/new', class: 'button', testid: 'new-item' }, t('newItem'))),
    search,
    items.length ? el('div', { class: 'table-wrap' }, table) : el('p', { class: 'empty' }, t('itemsEmpty')),
  );
}

const ownerText = (ownerCentre) => (ownerCentre ? t('ownerLocal', { centre: centreName(ownerCentre) }) : t('ownerRegional'));

/** Whether the signed-in administrator may change an item kept by `ownerCentre` (null: the region). */
const mayChange = (ownerCentre) =>
  ownerCentre ? ownerCentre.startsWith(state.officer.centreCode.replace(/(00)+$/, '')) : isRegional();

/** One item: its current definition (editable) or an earlier version (read-only), and its versions. */
export async function renderItem(main, code, version, flash) {
  const [current, { versions }] = await Promise.all([
    getJSON(`/v1/items/${encodeURIComponent(code)}${version ? `/versions/${version}` : ''}`),
    getJSON(`/v1/items/${encodeURIComponent(code)}/versions`),
  ]);
  const latest = versions[versions.length - 1]?.version;
  const old = version && Number(version) !== latest;
  const editable = !old && mayChange(current.ownerCentre);
  const form = itemForm(current.definition, {
    readOnly: !editable,
    submitLabel: t('save'),
    onSave: async (definition) => {
      const saved = await request('PUT', `/v1/items/${encodeURIComponent(code)}`, definition);
      location.hash = `#/items/${encodeURIComponent(code)}`;
      await renderItem(main, code, undefined, t('saved', { version: saved.version }));
    },
  });
  const list = el(
    'table',
    { class: 'table', testid: 'versions' },
    el('caption', {}, t('versions')),
    el('thead', {}, el('tr', {}, [t('version'), t('createdAt'), t('createdBy'), ''].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      [...versions].reverse().map((v) =>
        el(
          'tr',
          { testid: `version-${v.version}`, class: v.version === current.version ? 'highlight' : undefined },
          el('th', { scope: 'row' }, t('versionN', { n: v.version }), v.version === latest ? el('span', { class: 'tag' }, t('current')) : null),
          el('td', {}, formatInstant(v.createdAt)),
          el('td', {}, v.createdBy ? (v.createdBy.name ?? v.createdBy.id) : '—'),
          el('td', {}, el('a', { href: `#/items/${encodeURIComponent(code)}/versions/${v.version}`, testid: `view-version-${v.version}` }, t('view'))),
        ),
      ),
    ),
  );
  const parts = [
    screenHeader(
      `${state.lang === 'en' ? current.definition.nameEn : current.definition.name} · ${t('versionN', { n: current.version })}`,
      el('p', { class: 'muted', testid: 'item-owner' }, `${code} · ${ownerText(current.ownerCentre)}`),
    ),
    statusLine(flash, 'flash'),
    old ? el('p', { class: 'hint', testid: 'old-version' }, t('viewingOld', { n: current.version }), ' ', el('a', { href: `#/items/${encodeURIComponent(code)}` }, t('backToCurrent'))) : null,
    !old && !editable ? el('p', { class: 'hint', testid: 'read-only' }, t('readOnlyRegional')) : null,
    el('div', { class: 'item-layout' }, form, el('div', { class: 'table-wrap versions' }, list)),
  ].filter(Boolean);
  main.replaceChildren(...parts);
}

export function renderNewItem(main) {
  const owner = isRegional() ? t('ownerRegional') : t('ownerLocal', { centre: centreName(state.officer.centreCode) });
  const department = [...state.departments.keys()][0] ?? '';
  const blank = {
    code: '',
    name: '',
    nameEn: '',
    department,
    kind: 'promised',
    levels: isRegional() ? ['region'] : admin.level === 'city' ? ['city'] : ['county'],
    legalBasis: '',
    statutoryLimitDays: 20,
    promisedLimitDays: 10,
    warningDays: 1,
    major: false,
    materials: [{ name: '', required: true }],
    fees: [],
    steps: [{ name: '审查', departments: [{ code: department, promisedLimitDays: 10 }] }],
  };
  const form = itemForm(blank, {
    isNew: true,
    submitLabel: t('create'),
    onSave: async (definition) => {
      const saved = await request('POST', '/v1/items', definition);
      location.hash = `#/items/${encodeURIComponent(saved.definition.code)}`;
    },
  });
  main.replaceChildren(screenHeader(t('newItem'), el('p', { class: 'muted' }, t('newItemHint', { owner }))), form);
}

// ---------------------------------------------------------------------------------------------------
// The form: every part of the definition, read back on saving. Fields the form does not show (source)
// are kept as they were. The fee schedule is its own part (fee-schedule.js); an amount the page cannot
// read is refused before anything is sent, beside its input as the API's refusals are.

const num = (value) => (value === '' ? Number.NaN : Number(value));

function departmentSelect(name, value, attrs = {}) {
  return el(
    'select',
    { name, ...attrs },
    [...state.departments.keys()].map((code) => el('option', { value: code, selected: code === value }, departmentName(code))),
  );
}

/** A labelled control whose errors land beside it: data-field is the API's path of the value. */
function cell(path, label, control, attrs = {}) {
  return el('label', { class: 'field', dataset: { field: `body.${path}` }, ...attrs }, el('span', { class: 'field-label' }, label), control);
}

function itemForm(definition, { readOnly = false, isNew = false, submitLabel, onSave }) {
  const summary = el('div', { class: 'form-error', role: 'alert', tabindex: '-1', testid: 'item-error', hidden: true });
  const input = (name, type = 'text', attrs = {}) => el('input', { type, name, value: definition[name] ?? '', autocomplete: 'off', ...attrs });
  const materials = el('tbody', {});
  const fees = el('tbody', {});
  const steps = el('div', { class: 'steps' });
  const feeSchedule = feeScheduleEditor(definition.feeSchedule);

  const materialRow = (m = { name: '', required: true }) => {
    const row = el('tr', { testid: 'material-row' });
    const refresh = () => [...materials.children].forEach((r, i) => r.querySelectorAll('[data-field]').forEach((n) => (n.dataset.field = n.dataset.field.replace(/materials\.\d+/, `materials.${i}`))));
    row.append(
      el('td', { dataset: { field: 'body.materials.0.name' } }, el('input', { type: 'text', name: 'materialName', value: m.name, 'aria-label': t('materialName') })),
      el('td', {}, el('input', { type: 'checkbox', name: 'materialRequired', checked: m.required !== false, 'aria-label': t('required') })),
      el('td', {}, el('button', { type: 'button', onclick: () => { row.remove(); refresh(); } }, t('remove'))),
    );
    materials.append(row);
    refresh();
  };
  const feeRow = (f = { name: '', amount: '', basis: '' }) => {
    const row = el('tr', { testid: 'fee-row' });
    const i = fees.children.length;
    row.append(
      el('td', { dataset: { field: `body.fees.${i}.name` } }, el('input', { type: 'text', name: 'feeName', value: f.name, 'aria-label': t('feeName') })),
      el('td', { dataset: { field: `body.fees.${i}.amount` } }, el('input', { type: 'text', name: 'feeAmount', value: f.amount, 'aria-label': t('feeAmount') })),
      el('td', { dataset: { field: `body.fees.${i}.basis` } }, el('input', { type: 'text', name: 'feeBasis', value: f.basis, 'aria-label': t('feeBasis') })),
      el('td', {}, el('button', { type: 'button', onclick: () => row.remove() }, t('remove'))),
    );
    fees.append(row);
  };
  const stepBox = (step = { name: '', departments: [{ code: definition.department, promisedLimitDays: definition.promisedLimitDays }] }) => {
    const s = steps.children.length;
    const rows = el('div', { class: 'step-departments' });
    const departmentRow = (d) => {
      const i = rows.children.length;
      rows.append(
        el(
          'div',
          { class: 'step-department', testid: 'step-department' },
          cell(`steps.${s}.departments.${i}.code`, t('stepDepartment'), departmentSelect('stepDepartment', d.code)),
          cell(`steps.${s}.departments.${i}.promisedLimitDays`, t('stepLimit'), el('input', { type: 'number', name: 'stepLimit', min: 0, max: 365, value: d.promisedLimitDays })),
        ),
      );
    };
    step.departments.forEach(departmentRow);
    const box = el(
      'fieldset',
      { class: 'step', testid: 'step', dataset: { field: `body.steps.${s}` } },
      el('legend', {}, t('stepN', { n: s + 1 })),
      cell(`steps.${s}.name`, t('stepName'), el('input', { type: 'text', name: 'stepName', value: step.name })),
      el('div', { dataset: { field: `body.steps.${s}.departments` } }, rows),
      el('button', { type: 'button', onclick: () => departmentRow({ code: definition.department, promisedLimitDays: 0 }) }, t('addDepartment')),
    );
    steps.append(box);
  };
  definition.materials.forEach(materialRow);
  (definition.fees ?? []).forEach(feeRow);
  definition.steps.forEach(stepBox);

  const form = el(
    'form',
    { class: 'item-form card', testid: 'item-form', novalidate: true },
    el(
      'fieldset',
      { disabled: readOnly },
      el(
        'div',
        { class: 'grid' },
        cell('code', t('code'), input('code', 'text', { readonly: !isNew, class: 'mono' })),
        cell('officialCode', t('officialCode'), input('officialCode')),
        cell('name', t('name'), input('name')),
        cell('nameEn', t('nameEn'), input('nameEn')),
        cell('department', t('department'), departmentSelect('department', definition.department)),
        cell('kind', t('kind'), el('select', { name: 'kind' }, KINDS.map((k) => el('option', { value: k, selected: k === definition.kind }, t(`kind_${k}`))))),
        cell(
          'category',
          t('category'),
          el('select', { name: 'category' }, CATEGORIES.map((c) => el('option', { value: c, selected: c === (definition.category ?? 'licensing') }, t(`category_${c}`)))),
        ),
        el(
          'fieldset',
          { class: 'levels', dataset: { field: 'body.levels' } },
          el('legend', {}, t('levels')),
          LEVELS.map((l) => el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'levels', value: l, checked: definition.levels.includes(l) }), t(`level_${l}`))),
        ),
        cell('statutoryLimitDays', t('statutoryLimitDays'), input('statutoryLimitDays', 'number', { min: 0, max: 365 })),
        cell('promisedLimitDays', t('promisedLimitDays'), input('promisedLimitDays', 'number', { min: 0, max: 365 })),
        cell('warningDays', t('warningDays'), input('warningDays', 'number', { min: 0, max: 365 })),
        el('label', { class: 'check', dataset: { field: 'body.major' } }, el('input', { type: 'checkbox', name: 'major', checked: !!definition.major }), t('major')),
      ),
      cell('legalBasis', t('legalBasis'), el('textarea', { name: 'legalBasis', rows: 3 }, definition.legalBasis ?? '')),
      el(
        'fieldset',
        { dataset: { field: 'body.materials' } },
        el('legend', {}, t('materials')),
        el('table', { class: 'table compact', testid: 'materials' }, el('thead', {}, el('tr', {}, [t('materialName'), t('required'), ''].map((h) => el('th', { scope: 'col' }, h)))), materials),
        el('button', { type: 'button', testid: 'add-material', onclick: () => materialRow() }, t('addMaterial')),
      ),
      el(
        'fieldset',
        { dataset: { field: 'body.fees' } },
        el('legend', {}, t('fees')),
        el('table', { class: 'table compact', testid: 'fees' }, el('thead', {}, el('tr', {}, [t('feeName'), t('feeAmount'), t('feeBasis'), ''].map((h) => el('th', { scope: 'col' }, h)))), fees),
        el('button', { type: 'button', onclick: () => feeRow() }, t('addFee')),
      ),
      feeSchedule.element,
      el(
        'fieldset',
        { dataset: { field: 'body.steps' } },
        el('legend', {}, t('steps')),
        steps,
        el('button', { type: 'button', onclick: () => stepBox() }, t('addStep')),
      ),
      summary,
      readOnly ? null : el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', testid: 'item-save' }, submitLabel)),
    ),
  );

  /** The definition as the form now says it; what it does not show stays as it was. */
  const collect = () => {
    const value = (name) => form.elements.namedItem(name).value.trim();
    const all = (root, selector) => [...root.querySelectorAll(selector)];
    const next = {
      ...definition,
      code: value('code'),
      name: value('name'),
      nameEn: value('nameEn'),
      department: value('department'),
      kind: value('kind'),
      levels: all(form, 'input[name="levels"]:checked').map((n) => n.value),
      legalBasis: value('legalBasis'),
      statutoryLimitDays: num(value('statutoryLimitDays')),
      promisedLimitDays: num(value('promisedLimitDays')),
      warningDays: num(value('warningDays')),
      major: form.elements.namedItem('major').checked,
      materials: all(materials, 'tr').map((r) => ({ name: r.querySelector('[name="materialName"]').value.trim(), required: r.querySelector('[name="materialRequired"]').checked })),
      fees: all(fees, 'tr').map((r) => ({
        name: r.querySelector('[name="feeName"]').value.trim(),
        amount: r.querySelector('[name="feeAmount"]').value.trim(),
        basis: r.querySelector('[name="feeBasis"]').value.trim(),
      })),
      steps: all(steps, 'fieldset.step').map((box) => ({
        name: box.querySelector('[name="stepName"]').value.trim(),
        departments: all(box, '.step-department').map((d) => ({ code: d.querySelector('[name="stepDepartment"]').value, promisedLimitDays: num(d.querySelector('[name="stepLimit"]').value) })),
      })),
    };
    const officialCode = value('officialCode');
    if (officialCode) next.officialCode = officialCode;
    else delete next.officialCode;
    next.category = value('category');
    const schedule = feeSchedule.read();
    if (schedule.problems.length) throw refusedInPage(schedule.problems);
    if (schedule.value) next.feeSchedule = schedule.value;
    else delete next.feeSchedule;
    return next;
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('[data-testid="item-save"]');
    clearErrors(form);
    summary.hidden = true;
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      await onSave(collect());
    } catch (error) {
      showErrors(form, summary, error);
    } finally {
      button.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  return form;
}

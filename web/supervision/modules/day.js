// The day's business table (电子表格) and the applications of the item selected in it.

import { getJSON, latest, showError } from './api.js';
import { openDetail } from './detail.js';
import { $, centreName, countdownNode, departmentName, el, formatInstant, itemName, stageBadge, supervisionBadge } from './helpers.js';
import { t } from './i18n.js';
import { state } from './state.js';

// The counts are of applications (件), each once a step, except consultations and alerts (次).
const DAY_COLUMNS = ['item', 'department', 'consultation', 'application', 'acceptance', 'decided', 'completion', 'pickup', 'yellow', 'red'];
const COUNT_COLUMNS = new Set(DAY_COLUMNS.slice(2));

export function renderCentreSelect() {
  const select = $('day-centre');
  const ordered = [];
  const children = new Map();
  // The tree's root is the signed-in officer's centre, whose parent (if any) is outside their scope.
  for (const c of state.centres) {
    const parent = c.parentCode && state.centreByCode.has(c.parentCode) ? c.parentCode : null;
    const list = children.get(parent) ?? [];
    list.push(c);
    children.set(parent, list);
  }
  const walk = (parent, depth) => {
    for (const c of children.get(parent) ?? []) {
      ordered.push([c, depth]);
      walk(c.code, depth + 1);
    }
  };
  walk(null, 0);
  select.replaceChildren(
    ...ordered.map(([c, depth]) =>
      el('option', { value: c.code, selected: c.code === state.selectedCentre }, `${'\u3000'.repeat(depth)}${centreName(c.code, true)} ${c.code}`),
    ),
  );
  select.value = state.selectedCentre;
}

export function renderDayTitle() {
  $('day-centre-name').textContent = `${centreName(state.selectedCentre)} · ${state.date}`;
}

function dayValue(row, key) {
  if (key === 'item') return state.lang === 'en' ? row.itemNameEn || row.itemName : row.itemName;
  if (key === 'department') return departmentName(row.department);
  return row[key];
}

export function renderDay() {
  renderDayTitle();
  const head = el(
    'tr',
    {},
    DAY_COLUMNS.map((key) => {
      const sorted = state.sort.key === key;
      return el(
        'th',
        {
          class: `sortable${COUNT_COLUMNS.has(key) ? ' num' : ''}${sorted ? ' sorted' : ''}`,
          dataset: { key },
          title: COUNT_COLUMNS.has(key) ? t(`tip_${key}`) : undefined,
          'aria-sort': sorted ? (state.sort.dir === 'asc' ? 'ascending' : 'descending') : undefined,
          onclick: () => {
            state.sort = sorted
              ? { key, dir: state.sort.dir === 'asc' ? 'desc' : 'asc' }
              : { key, dir: COUNT_COLUMNS.has(key) ? 'desc' : 'asc' };
            renderDay();
          },
        },
        t(`col_${key}`),
        el('span', { class: 'sort-mark' }, sorted ? (state.sort.dir === 'asc' ? ' ▲' : ' ▼') : ''),
      );
    }),
  );
  $('day-head').replaceChildren(head);

  const rows = state.day?.rows ?? [];
  const filter = state.filter.trim().toLowerCase();
  const shown = rows.filter(
    (r) =>
      !filter ||
      [r.itemCode, r.itemName, r.itemNameEn, r.department, departmentName(r.department)].some((s) => String(s ?? '').toLowerCase().includes(filter)),
  );
  const { key, dir } = state.sort;
  const collator = new Intl.Collator(state.lang === 'en' ? 'en' : 'zh-CN');
  shown.sort((a, b) => {
    const va = dayValue(a, key);
    const vb = dayValue(b, key);
    const order = typeof va === 'number' && typeof vb === 'number' ? va - vb : collator.compare(String(va), String(vb));
    return (dir === 'asc' ? order : -order) || collator.compare(a.itemCode, b.itemCode);
  });

  $('day-body').replaceChildren(
    ...shown.map((r) =>
      el(
        'tr',
        {
          testid: `day-row-${r.itemCode}`,
          class: `clickable${r.itemCode === state.selectedItem ? ' selected' : ''}${r.red ? ' has-red' : r.yellow ? ' has-yellow' : ''}`,
          tabindex: 0,
          onclick: () => selectItem(r.itemCode),
          onkeydown: (e) => e.key === 'Enter' && selectItem(r.itemCode),
        },
        DAY_COLUMNS.map((k) => {
          const value = dayValue(r, k);
          const cls = [COUNT_COLUMNS.has(k) ? 'num' : '', k === 'yellow' && value ? 'count-yellow' : '', k === 'red' && value ? 'count-red' : '']
            .filter(Boolean)
            .join(' ');
          const title = k === 'item' ? `${value} · ${r.itemCode}` : k === 'department' ? value : undefined;
          return el('td', { class: cls || undefined, title }, value);
        }),
      ),
    ),
  );
  const empty = $('day-empty');
  empty.hidden = shown.length > 0 || !state.day;
  empty.textContent = rows.length ? t('noMatch') : t('noRows');
}

const dayLoads = latest();
export function loadDay() {
  const centre = state.selectedCentre;
  const date = state.date;
  return dayLoads(
    () => getJSON(`/v1/supervision/day?${new URLSearchParams({ date, centre, ...(state.category ? { category: state.category } : {}) })}`),
    (body, error) => {
      showError('day-error', error);
      state.day = body;
      for (const r of body?.rows ?? []) state.items.set(r.itemCode, { name: r.itemName, nameEn: r.itemNameEn });
      renderDay();
    },
  );
}

// ---------------------------------------------------------------------------------------------------
// Applications of the selected item at the selected centre.

function selectItem(itemCode) {
  state.selectedItem = itemCode;
  state.applications = null;
  for (const row of $('day-body').children) row.classList.toggle('selected', row.dataset.testid === `day-row-${itemCode}`);
  renderApplications();
  return loadApplications();
}

const applicationLoads = latest();
export function loadApplications() {
  const item = state.selectedItem;
  if (!item) return Promise.resolve();
  const centre = state.selectedCentre;
  return applicationLoads(
    () =>
      getJSON(
        `/v1/applications?${new URLSearchParams({ centre, within: '1', item, limit: '50', ...(state.category ? { category: state.category } : {}) })}`,
      ),
    (body, error) => {
      state.applicationsError = error;
      state.applications = body?.applications ?? (error ? [] : null);
      renderApplications();
    },
  );
}

export function renderApplications() {
  const title = $('applications-title');
  const table = $('applications-table');
  const empty = $('applications-empty');
  showError('applications-error', state.applicationsError);
  if (!state.selectedItem) {
    title.textContent = t('applicationsHint');
    table.hidden = true;
    empty.hidden = true;
    return;
  }
  title.textContent = t('applicationsOf', { item: itemName(state.selectedItem), centre: centreName(state.selectedCentre, true) });
  const list = state.applications;
  empty.hidden = Boolean(list && list.length);
  empty.textContent = list === null ? t('loading') : t('noApplications');
  table.hidden = !list || list.length === 0;
  $('applications-head').replaceChildren(
    el(
      'tr',
      {},
      ['applicationNo', 'centre', 'stage', 'supervision', 'submittedAt', 'remaining'].map((k) => el('th', {}, t(`col_${k}`))),
    ),
  );
  $('applications-body').replaceChildren(
    ...(list ?? []).map((a) =>
      el(
        'tr',
        {
          testid: `application-${a.applicationNo}`,
          class: `clickable${a.applicationNo === state.detailNo ? ' selected' : ''}`,
          tabindex: 0,
          onclick: () => openDetail(a.applicationNo),
          onkeydown: (e) => e.key === 'Enter' && openDetail(a.applicationNo),
        },
        el('td', { class: 'mono' }, a.applicationNo),
        el('td', {}, centreName(a.centreCode, true)),
        el('td', {}, stageBadge(a.stage)),
        el('td', {}, supervisionBadge(a.supervision)),
        el('td', {}, formatInstant(a.submittedAt)),
        el('td', {}, countdownNode(a.deadlines)),
      ),
    ),
  );
}

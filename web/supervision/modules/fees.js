// Fees (行政事业性收费): this month's figures at the centre selected on the map or in the day panel (and
// those below it), assessed, collected, waived and outstanding, a table of them by lead department, and
// the payment notices unpaid past their deadline. Amounts come in fen, whole numbers, and are shown
// in yuan without ever passing through a fraction.

import { getJSON, latest, showError } from './api.js';
import { TZ } from './constants.js';
import { openDetail } from './detail.js';
import { $, centreName, departmentName, el, itemName, localName } from './helpers.js';
import { t } from './i18n.js';
import { state } from './state.js';

const FIGURES = ['assessed', 'collected', 'waived', 'outstanding'];

/** Fen as yuan, "¥1,234.50": the yuan and the fen apart, by integer division. */
export function formatYuan(fen) {
  if (typeof fen !== 'number' || !Number.isInteger(fen)) return '—';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100).toLocaleString('en-US');
  return `${fen < 0 ? '−' : ''}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** This month in China, "2026-12", and the days that bound it (the second one exclusive). */
function thisMonth() {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const [year, month] = today.split('-').map(Number);
  const next = new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);
  return { month: today.slice(0, 7), from: `${today.slice(0, 7)}-01`, to: next };
}

/** The department rows added up: the centre's figures (every notice has one lead department); none before they load. */
function totals(rows) {
  if (!rows) return {};
  const sum = Object.fromEntries(FIGURES.flatMap((f) => [[`${f}Fen`, 0], [`${f}Count`, 0]]));
  for (const r of rows) for (const key of Object.keys(sum)) sum[key] += r[key];
  return sum;
}

function tile(figure, figures) {
  const count = figures[`${figure}Count`];
  return el(
    'div',
    { class: `fee-tile fee-${figure}`, title: t(`tip_fee_${figure}`), testid: `fee-${figure}`, dataset: { fen: figures[`${figure}Fen`] } },
    el('dt', {}, t(`fee_${figure}`)),
    el('dd', { class: 'fee-amount' }, formatYuan(figures[`${figure}Fen`])),
    el('dd', { class: 'fee-count muted' }, count === undefined ? '' : t(count === 1 ? 'feeCountOne' : 'feeCount', { n: count })),
  );
}

function unpaidLine(n) {
  const item = n.itemName ? localName({ name: n.itemName, nameEn: n.itemNameEn }) : itemName(n.itemCode);
  return el(
    'li',
    { class: 'feed-item fee-unpaid', testid: 'fee-unpaid-item', dataset: { no: n.applicationNo, notice: n.noticeNo } },
    el('a', { href: `#${n.applicationNo}`, class: 'mono app-link', onclick: (e) => (e.preventDefault(), openDetail(n.applicationNo)) }, n.applicationNo),
    el('span', { class: 'fee-item', title: `${item} · ${departmentName(n.department, n.centreCode)}` }, item),
    el('span', { class: 'num fee-amount' }, formatYuan(n.amountFen)),
    el('span', { class: 'badge badge-red fee-overdue', dataset: { days: n.daysOverdue } }, t('feeDaysOverdue', { days: n.daysOverdue })),
  );
}

export function renderFees() {
  const fees = state.fees;
  const rows = fees?.rows ?? [];
  const centre = fees?.centre ?? state.selectedCentre;
  $('fees-centre').textContent = `${centreName(centre, true)} · ${fees?.month ?? thisMonth().month}`;
  // The centre and month shown, once loaded: the tests wait for them.
  Object.assign($('fees-panel').dataset, fees ? { centre, month: fees.month } : {});
  const figures = totals(fees?.rows);
  $('fee-tiles').replaceChildren(...FIGURES.map((f) => tile(f, figures)));
  $('fees-head').replaceChildren(
    el('tr', {}, el('th', {}, t('fee_department')), ...FIGURES.map((f) => el('th', { class: 'num', title: t(`tip_fee_${f}`) }, t(`fee_${f}`)))),
  );
  $('fees-body').replaceChildren(
    ...(rows.length
      ? rows.map((r) =>
          el(
            'tr',
            { dataset: { key: r.key }, testid: `fee-row-${r.key}` },
            el('td', { class: 'key', title: r.key }, departmentName(r.key, centre)),
            ...FIGURES.map((f) => el('td', { class: `num${f === 'outstanding' && r.outstandingFen ? ' count-yellow' : ''}` }, formatYuan(r[`${f}Fen`]))),
          ),
        )
      : [el('tr', {}, el('td', { colspan: FIGURES.length + 1, class: 'empty' }, t('none')))]),
  );
  const unpaid = fees?.unpaid ?? [];
  $('fees-unpaid').replaceChildren(...(unpaid.length ? unpaid.map(unpaidLine) : [el('li', { class: 'empty' }, t('feesNoneOverdue'))]));
}

const feeLoads = latest();
/** Loads this month's figures by department and the overdue notices of the selected centre (and those below it). */
export function loadFees() {
  const centre = state.selectedCentre;
  const { month, from, to } = thisMonth();
  return feeLoads(
    () =>
      Promise.all([
        getJSON(`/v1/statistics/fees?${new URLSearchParams({ groupBy: 'department', centre, from, to })}`),
        getJSON(`/v1/fees/unpaid?${new URLSearchParams({ centre, limit: '20' })}`),
      ]),
    (result, error) => {
      showError('fees-error', error);
      if (result) state.fees = { centre, month, rows: result[0].rows, unpaid: result[1].notices };
      renderFees();
    },
  );
}

// Efficiency statistics (行政效能): the chart and table, grouped by centre, department, item or month,
// for the centre selected on the map or in the day panel (and those below it), of every item kind or one,
// and of the item category chosen in the day panel.

import { getJSON, latest, showError } from './api.js';
import { echarts } from './constants.js';
import { $, centreName, departmentName, el, itemName } from './helpers.js';
import { t } from './i18n.js';
import { state } from './state.js';

let efficiencyChart;

export function initEfficiency() {
  efficiencyChart = echarts.init($('efficiency-chart'));
  new ResizeObserver(() => efficiencyChart.resize()).observe($('efficiency-chart'));
  $('efficiency-kind').addEventListener('change', () => void loadEfficiency());
}

/** The axis label of a row: a centre's short name, else the department's, else the key (item code, month). */
function rowLabel(key) {
  if (state.centreByCode.has(key)) return centreName(key, true);
  if (state.departments.has(key)) return departmentName(key);
  return key;
}

export function renderEfficiency() {
  const rows = state.efficiency;
  const grouping = state.efficiencyGroup;
  const label = (key) => (grouping === 'item' ? itemName(key) : rowLabel(key));
  const category = state.efficiencyCategory ?? state.category;
  $('efficiency-centre').textContent = `${centreName(state.efficiencyCentre ?? state.selectedCentre, true)}${category ? ` · ${t(`category_${category}`)}` : ''}`;
  const fixed = (n, digits = 2) => (typeof n === 'number' ? n.toFixed(digits) : '—');
  $('efficiency-head').replaceChildren(
    el('tr', {}, ['key', 'decided', 'statutory', 'working', 'speedUp', 'onTime', 'yellow', 'red'].map((k) => el('th', { class: k === 'key' ? '' : 'num' }, t(`eff_${k}`)))),
  );
  $('efficiency-body').replaceChildren(
    ...(rows.length
      ? rows.map((r) =>
          el(
            'tr',
            { dataset: { key: r.key } },
            el('td', { class: 'key', title: `${label(r.key)} ${r.key}` }, label(r.key)),
            el('td', { class: 'num' }, r.decided),
            el('td', { class: 'num' }, fixed(r.averageStatutoryDays)),
            el('td', { class: 'num' }, fixed(r.averageWorkingDays)),
            el('td', { class: 'num' }, r.speedUp === null || r.speedUp === undefined ? '—' : `${fixed(r.speedUp, 1)}×`),
            el('td', { class: 'num' }, typeof r.onTimeRate === 'number' ? `${(r.onTimeRate * 100).toFixed(0)}%` : '—'),
            el('td', { class: `num${r.yellowAlerts ? ' count-yellow' : ''}` }, r.yellowAlerts),
            el('td', { class: `num${r.redAlerts ? ' count-red' : ''}` }, r.redAlerts),
          ),
        )
      : [el('tr', {}, el('td', { colspan: 8, class: 'empty' }, t('none')))]),
  );
  if (!efficiencyChart) return;
  const many = rows.length > 10;
  // Long labels (English centre names, item names) are slanted and cut to a width, whole in the tooltip;
  // the grid makes room for them (containLabel) instead of letting them run into the bars.
  const slanted = rows.length > 3;
  efficiencyChart.setOption(
    {
      backgroundColor: 'transparent',
      title: {
        show: rows.length === 0,
        text: t('none'),
        left: 'center',
        top: 'middle',
        textStyle: { color: '#8aa4c2', fontSize: 13, fontWeight: 'normal' },
      },
      // The legend alone holds the top band; the unit is on the y axis's side, turned along it.
      grid: { left: 26, right: 12, top: 30, bottom: many ? 24 : 6, containLabel: true },
      legend: { type: 'scroll', top: 0, textStyle: { color: '#c6d8ec', fontSize: 11 }, itemWidth: 12, itemHeight: 8 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: {
        show: rows.length > 0,
        type: 'category',
        data: rows.map((r) => label(r.key)),
        axisLabel: {
          color: '#c6d8ec',
          fontSize: 11,
          interval: 0,
          rotate: slanted ? 35 : 0,
          width: slanted ? 84 : Math.max(48, Math.floor(300 / Math.max(rows.length, 1))),
          overflow: 'truncate',
        },
        axisLine: { lineStyle: { color: '#3c6a9c' } },
      },
      yAxis: {
        show: rows.length > 0,
        type: 'value',
        name: t('effAxisUnit'),
        nameLocation: 'middle',
        nameRotate: 90,
        nameGap: 28,
        nameTextStyle: { color: '#c6d8ec' },
        axisLabel: { color: '#c6d8ec' },
        splitLine: { lineStyle: { color: 'rgba(60, 106, 156, 0.35)' } },
      },
      dataZoom: many ? [{ type: 'slider', height: 14, bottom: 4, start: 0, end: Math.round((10 / rows.length) * 100) }] : [],
      series: [
        { id: 'statutory', name: t('effSeriesStatutory'), type: 'bar', data: rows.map((r) => r.averageStatutoryDays), itemStyle: { color: '#5b8fc7' }, barMaxWidth: 26 },
        { id: 'working', name: t('effSeriesWorking'), type: 'bar', data: rows.map((r) => r.averageWorkingDays), itemStyle: { color: '#4caf50' }, barMaxWidth: 26 },
      ],
    },
    { replaceMerge: ['dataZoom', 'series'] },
  );
}

const efficiencyLoads = latest();
/** Loads the statistics of the selected centre (and those below it), in the chosen grouping and item kind. */
export function loadEfficiency() {
  const centre = state.selectedCentre;
  const groupBy = $('efficiency-group').value;
  const kind = $('efficiency-kind').value;
  const category = state.category;
  const query = new URLSearchParams({ groupBy, centre, ...(kind ? { kind } : {}), ...(category ? { category } : {}) });
  return efficiencyLoads(
    () => getJSON(`/v1/statistics/efficiency?${query}`),
    (body, error) => {
      showError('efficiency-error', error);
      if (body) {
        state.efficiency = body.rows;
        state.efficiencyCentre = centre;
        state.efficiencyGroup = groupBy;
        state.efficiencyCategory = category;
      }
      renderEfficiency();
    },
  );
}

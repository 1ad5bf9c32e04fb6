// Efficiency statistics (行政效能): the chart and table, grouped by centre, department, item or month.

import { getJSON, latest, showError } from './api.js';
import { echarts } from './constants.js';
import { $, centreName, el } from './helpers.js';
import { t } from './i18n.js';
import { scope, state } from './state.js';

let efficiencyChart;

export function initEfficiency() {
  efficiencyChart = echarts.init($('efficiency-chart'));
  new ResizeObserver(() => efficiencyChart.resize()).observe($('efficiency-chart'));
}

export function renderEfficiency() {
  const rows = state.efficiency;
  const label = (key) => (state.centreByCode.has(key) ? centreName(key, true) : key);
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
            el('td', { title: r.key }, label(r.key)),
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
      grid: { left: 44, right: 12, top: 34, bottom: many ? 62 : 40 },
      legend: { top: 0, textStyle: { color: '#c6d8ec', fontSize: 11 }, itemWidth: 12, itemHeight: 8 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: {
        show: rows.length > 0,
        type: 'category',
        data: rows.map((r) => label(r.key)),
        axisLabel: { color: '#c6d8ec', fontSize: 11, interval: 0, rotate: rows.length > 4 ? 30 : 0 },
        axisLine: { lineStyle: { color: '#3c6a9c' } },
      },
      yAxis: {
        show: rows.length > 0,
        type: 'value',
        name: t('days'),
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
export function loadEfficiency() {
  return efficiencyLoads(
    () => getJSON(`/v1/statistics/efficiency?groupBy=${$('efficiency-group').value}&centre=${scope()}`),
    (body, error) => {
      showError('efficiency-error', error);
      if (body) state.efficiency = body.rows;
      renderEfficiency();
    },
  );
}

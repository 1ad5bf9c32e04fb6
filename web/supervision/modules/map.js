// The map (电子地图): a dot per centre, coloured by the worst state of its open applications.

import { getJSON, latest, showError } from './api.js';
import { COLOURS, echarts } from './constants.js';
import { $, centreName, localName } from './helpers.js';
import { t } from './i18n.js';
import { state } from './state.js';

export let chart;
// What the map calls in the day panel, passed in by app.js: a dot clicked, the centres (re)loaded.
let onSelect = () => {};
let onCentres = () => {};
export function connectMap(callbacks) {
  ({ onSelect, onCentres } = callbacks);
}

const SIZE = { region: 22, city: 13, county: 8 };
// The regional centre sits in Nanning, at the city centre's very coordinates: its dot is drawn this many
// pixels up and to the left of its place (at every zoom), its name on its left, so that Nanning's dot
// and its 南宁市 label, on the right, stay in sight.
const REGION_OFFSET = [-26, -22];
// Drawing order, bottom to top: the region; then green, yellow, red, so a late centre is never hidden
// under a neighbour that is on time; within a colour a city's dot lies above the districts around its seat.
const LAYERS = [
  ['region', 'green'],
  ['region', 'yellow'],
  ['region', 'red'],
  ...['green', 'yellow', 'red'].flatMap((colour) => [
    ['county', colour],
    ['city', colour],
  ]),
];

export function initMap(geojson) {
  echarts.registerMap('guangxi', geojson);
  chart = echarts.init($('map'), null, { renderer: 'canvas' });
  chart.setOption({
    backgroundColor: 'transparent',
    animationDurationUpdate: 250,
    tooltip: {
      trigger: 'item',
      backgroundColor: 'rgba(12, 28, 48, 0.95)',
      borderColor: '#3c6a9c',
      textStyle: { color: '#e3eefa' },
      formatter: (p) => {
        const c = p.data?.centre;
        if (!c) return '';
        const esc = (s) => String(s).replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]);
        return (
          `<strong>${esc(localName(c))}</strong> <span style="opacity:.7">${esc(c.code)}</span><br/>` +
          `${esc(t('tipOpen'))}: ${c.open} · ` +
          `<span style="color:${COLOURS.yellow}">${esc(t('tipYellow'))}: ${c.yellow}</span> · ` +
          `<span style="color:#ff6b6b">${esc(t('tipRed'))}: ${c.red}</span>`
        );
      },
    },
    geo: {
      map: 'guangxi',
      roam: true,
      scaleLimit: { min: 0.8, max: 30 },
      top: 8,
      bottom: 8,
      left: 8,
      right: 8,
      // The cities' names are on their centres' dots.
      label: { show: false },
      itemStyle: { areaColor: '#17385c', borderColor: '#5b8fc7', borderWidth: 1 },
      emphasis: { disabled: true },
      select: { disabled: true },
      silent: false,
    },
    series: [],
  });
  chart.on('click', (p) => {
    const code = p.data?.code;
    if (code) onSelect(code);
  });
  new ResizeObserver(() => chart.resize()).observe($('map'));
}

export function renderMap() {
  if (!chart) return;
  const series = LAYERS.map(([level, colour], index) => {
    const red = colour === 'red';
    const data = state.centres
      .filter((c) => c.level === level && (COLOURS[c.supervision] ? c.supervision : 'green') === colour)
      .map((c) => {
        const selected = c.code === state.selectedCentre;
        return {
          name: c.code,
          code: c.code,
          supervision: c.supervision,
          centre: c,
          value: [c.longitude, c.latitude],
          symbolSize: SIZE[level] + (selected ? 4 : 0),
          ...(level === 'region' ? { symbolOffset: REGION_OFFSET } : {}),
          itemStyle: {
            color: COLOURS[colour],
            borderColor: selected ? '#ffffff' : 'rgba(255, 255, 255, 0.55)',
            borderWidth: selected ? 3 : level === 'county' ? 0.5 : 1,
            opacity: level === 'region' ? 0.85 : 1,
          },
          label: {
            show: level !== 'county' || selected,
            formatter: centreName(c.code, true),
            position: level === 'region' ? 'left' : 'right',
            color: '#e3eefa',
            fontSize: 11,
            textBorderColor: '#0b1a2e',
            textBorderWidth: 2,
          },
        };
      });
    return {
      id: `${level}-${colour}`,
      type: red ? 'effectScatter' : 'scatter',
      coordinateSystem: 'geo',
      geoIndex: 0,
      z: 2 + index,
      data,
      // Reloads replace the dots in place: no entering animation, which would hide them for a moment.
      animation: false,
      ...(red ? { rippleEffect: { brushType: 'stroke', scale: 3, period: 2.5 }, showEffectOn: 'render' } : {}),
      emphasis: { scale: 1.4, label: { show: true } },
    };
  });
  chart.setOption({ series }, { replaceMerge: ['series'] });
}

const mapLoads = latest();
export function loadMap() {
  return mapLoads(
    () => getJSON('/v1/supervision/map'),
    (body, error) => {
      showError('map-error', error);
      if (!body) return;
      state.centres = body.centres;
      state.centreByCode = new Map(body.centres.map((c) => [c.code, c]));
      window.__supervision.centres = state.centres;
      renderMap();
      onCentres();
    },
  );
}

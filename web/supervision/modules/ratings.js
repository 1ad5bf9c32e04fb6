// Ratings (好差评): this month's satisfaction rate and counts per level at the centre selected on the map
// or in the day panel (and those below it), a table of them by window or by officer, and the month's
// ranking of the windows there (通报), best rate first; bad ratings (不满意, 非常不满意) stand out in red.

import { getJSON, latest, showError } from './api.js';
import { TZ } from './constants.js';
import { $, centreName, departmentName, el } from './helpers.js';
import { t } from './i18n.js';
import { state } from './state.js';

/** Best first, as workflows/rules/ratings.ts lists them; the last two are bad ratings. */
const LEVELS = ['very_satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied', 'very_dissatisfied'];
const BAD = new Set(['dissatisfied', 'very_dissatisfied']);

/** This month in China, "2026-12", and the days that bound it (the second one exclusive). */
function thisMonth() {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const [year, month] = today.split('-').map(Number);
  const next = new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);
  return { month: today.slice(0, 7), from: `${today.slice(0, 7)}-01`, to: next };
}

/** A rate of 0–1 as a percentage to one decimal, "66.7%"; none without ratings. */
export const formatRate = (rate) => (typeof rate === 'number' ? `${(rate * 100).toFixed(1)}%` : '—');

/**
 * A window's name: as rated in Chinese; in English, the department's name when the code is the seed's
 * `<centre>-<department>` (the rated name is Chinese only), else the rated name.
 */
function windowName(code, rated) {
  if (code === 'none') return t('ratingNoWindow');
  const department = /^\d{6}-(.+)$/.exec(code)?.[1];
  if (state.lang === 'en' && department && state.departments.has(department)) return t('ratingWindowOf', { department: departmentName(department) });
  return rated ?? code;
}

const rowName = (by, r) => (by === 'window' ? windowName(r.key, r.name) : r.key === 'none' ? t('ratingNoOfficer') : (r.name ?? r.key));

const badCell = (bad) => el('td', { class: `num rating-bad${bad ? ' count-red' : ''}` }, bad);

function summary(figures) {
  const levels = figures?.levels;
  const tile = (key, value, extra = {}) =>
    el('div', { class: `rating-tile rating-${key}`, testid: `rating-${key}`, title: t(`tip_rating_${key}`), ...extra }, el('dt', {}, t(`rating_${key}`)), el('dd', {}, value));
  return [
    tile('rate', formatRate(figures?.satisfactionRate)),
    tile('total', figures ? figures.total : '—'),
    tile('bad', figures ? figures.bad : '—', { class: `rating-tile rating-bad${figures?.bad ? ' has-bad' : ''}` }),
    el(
      'div',
      { class: 'rating-tile rating-levels', testid: 'rating-levels' },
      el('dt', {}, t('rating_levels')),
      el(
        'dd',
        {},
        LEVELS.map((level) =>
          el('span', { class: `rating-level${BAD.has(level) && levels?.[level] ? ' count-red' : ''}`, dataset: { level } }, `${t(`level_${level}`)} ${levels ? levels[level] : '—'}`),
        ),
      ),
    ),
  ];
}

function byTable(ratings) {
  const by = state.ratingsBy;
  const rows = ratings?.rows ?? [];
  $('ratings-by-head').replaceChildren(
    el('tr', {}, el('th', {}, t(`rating_by_${by}`)), el('th', { class: 'num' }, t('rating_total')), el('th', { class: 'num' }, t('rating_bad')), el('th', { class: 'num' }, t('rating_rate'))),
  );
  $('ratings-by-body').replaceChildren(
    ...(rows.length
      ? rows.map((r) =>
          el(
            'tr',
            { class: r.bad ? 'has-red' : '', dataset: { key: r.key }, testid: `rating-row-${r.key}` },
            el('td', { class: 'key', title: `${rowName(by, r)} ${r.key}` }, rowName(by, r)),
            el('td', { class: 'num' }, r.total),
            badCell(r.bad),
            el('td', { class: 'num' }, formatRate(r.satisfactionRate)),
          ),
        )
      : [el('tr', {}, el('td', { colspan: 4, class: 'empty' }, t('none')))]),
  );
}

function rankingTable(ratings) {
  const windows = ratings?.ranking ?? [];
  $('ratings-ranking-head').replaceChildren(
    el(
      'tr',
      {},
      ['rank', 'window', 'centre', 'total', 'bad', 'rate'].map((k) => el('th', { class: ['rank', 'total', 'bad', 'rate'].includes(k) ? 'num' : '' }, t(`rating_${k}`))),
    ),
  );
  $('ratings-ranking-body').replaceChildren(
    ...(windows.length
      ? windows.map((w) =>
          el(
            'tr',
            { class: `${w.rank === null ? 'unranked' : ''}${w.bad ? ' has-red' : ''}`, testid: 'rating-rank', dataset: { window: w.windowCode, rank: w.rank ?? '' } },
            el('td', { class: 'num rank' }, w.rank ?? el('span', { class: 'muted', title: t('tip_rating_unranked') }, t('rating_unranked'))),
            el('td', { class: 'key', title: `${windowName(w.windowCode, w.name)} ${w.windowCode}` }, windowName(w.windowCode, w.name)),
            el('td', { class: 'key centre' }, centreName(w.centreCode, true)),
            el('td', { class: 'num' }, w.total),
            badCell(w.bad),
            el('td', { class: 'num' }, formatRate(w.satisfactionRate)),
          ),
        )
      : [el('tr', {}, el('td', { colspan: 6, class: 'empty' }, t('none')))]),
  );
}

export function renderRatings() {
  const ratings = state.ratings;
  const centre = ratings?.centre ?? state.selectedCentre;
  $('ratings-centre').textContent = `${centreName(centre, true)} · ${ratings?.month ?? thisMonth().month}`;
  // The centre, month and grouping shown, once loaded: the tests wait for them.
  Object.assign($('ratings-panel').dataset, ratings ? { centre, month: ratings.month, by: ratings.by } : {});
  $('ratings-by').value = state.ratingsBy;
  $('rating-tiles').replaceChildren(...summary(ratings?.summary));
  byTable(ratings);
  rankingTable(ratings);
}

const ratingLoads = latest();
/** Loads this month's figures, the table by window or officer and the windows' ranking, of the selected centre (and those below it). */
export function loadRatings() {
  const centre = state.selectedCentre;
  const by = state.ratingsBy;
  const { month, from, to } = thisMonth();
  const figures = (groupBy) => getJSON(`/v1/statistics/satisfaction?${new URLSearchParams({ groupBy, centre, from, to })}`);
  return ratingLoads(
    () => Promise.all([figures('month'), figures(by), getJSON(`/v1/statistics/satisfaction/ranking?${new URLSearchParams({ centre, month })}`)]),
    (result, error) => {
      showError('ratings-error', error);
      // The month's one row is the whole scope's; none without ratings.
      if (result) state.ratings = { centre, month, by, summary: result[0].rows[0] ?? { levels: Object.fromEntries(LEVELS.map((l) => [l, 0])), total: 0, bad: 0, satisfactionRate: null }, rows: result[1].rows, ranking: result[2].windows };
      renderRatings();
    },
  );
}

export function initRatings() {
  $('ratings-by').addEventListener('change', (e) => {
    state.ratingsBy = e.target.value;
    void loadRatings();
  });
}

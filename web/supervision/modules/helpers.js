// Small helpers: building elements, China time and durations, names by code, badges and countdowns.

import { TZ } from './constants.js';
import { t } from './i18n.js';
import { state } from './state.js';

export const $ = (id) => document.getElementById(id);

/** Builds an element: el('td', { class: 'num', dataset: { x: 1 }, onclick }, 'text', child, ...). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (name === 'testid') node.setAttribute('data-testid', value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const instantFormat = new Intl.DateTimeFormat('sv-SE', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** An instant as China time, "2026-11-28 10:00" (with seconds if asked). */
export function formatInstant(iso, seconds = false) {
  if (!iso) return '—';
  const text = instantFormat.format(new Date(iso));
  return seconds ? text : text.slice(0, 16);
}

/** Milliseconds as "3天 04:05:06" / "3d 04:05:06", with a minus sign when negative. */
export function formatDuration(ms) {
  const sign = ms < 0 ? '−' : '';
  let s = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(s / 86_400);
  s -= days * 86_400;
  const pad = (n) => String(n).padStart(2, '0');
  const hms = `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
  return `${sign}${days}${t('days')} ${hms}`;
}

/** Keeps the first 4 and last 4 characters of an ID number, stars between. */
export function maskId(id) {
  if (!id) return '—';
  const text = String(id);
  if (text.length <= 8) return '*'.repeat(text.length);
  return `${text.slice(0, 4)}${'*'.repeat(text.length - 8)}${text.slice(-4)}`;
}

export const localName = (o) => (o ? (state.lang === 'en' ? o.nameEn || o.name : o.name || o.nameEn) : undefined);

export function centreName(code, short = false) {
  const name = localName(state.centreByCode.get(code)) ?? code;
  return short ? name.replace(/政务服务中心$/, '').replace(/ Government Service Centre$/, '') : name;
}

/** A centre's level from its code: 450000 the region, 450100 a city, 450102 a county. */
const levelOf = (code) => state.centreByCode.get(code)?.level ?? (code.endsWith('0000') ? 'region' : code.endsWith('00') ? 'city' : 'county');

/**
 * A department's name at a centre (by default the one selected): in Chinese the name at its level,
 * 公安厅 at the region and 公安局 in a city or county (GET /v1/departments gives `names` per level).
 */
export function departmentName(code, centreCode = state.selectedCentre) {
  if (!code) return '—';
  const department = state.departments.get(code);
  if (!department) return code;
  const atLevel = state.lang !== 'en' && centreCode ? department.names?.[levelOf(centreCode)] : undefined;
  return atLevel ?? localName(department) ?? code;
}
export const itemName = (code) => localName(state.items.get(code)) ?? code;
export const officerName = (o) => (o ? (o.name ? `${o.name} (${o.id})` : o.id) : '—');

// ---------------------------------------------------------------------------------------------------
// Badges and countdowns, in the applications list and the application detail.

export function supervisionBadge(level) {
  return el('span', { class: `badge badge-${level}`, dataset: { supervision: level } }, t(`sup_${level}`));
}

export function stageBadge(stage) {
  return el('span', { class: `stage stage-${stage}`, dataset: { stage } }, t(`stage_${stage}`));
}

/** A span that the one-second ticker keeps counting down to `due`. */
export function countdownNode(deadlines, attrs = {}) {
  const running = deadlines && deadlines.promisedDueAt && deadlines.remainingMs !== null && deadlines.remainingMs !== undefined;
  if (!running) {
    const text = deadlines?.stoppedSince ? t('clockStopped') : t('clockNotRunning');
    return el('span', { ...attrs, class: `countdown idle ${attrs.class ?? ''}` }, text);
  }
  const node = el('span', { ...attrs, class: `countdown ${attrs.class ?? ''}`, dataset: { due: deadlines.promisedDueAt } });
  tickOne(node);
  return node;
}

export function tickOne(node) {
  const remaining = Date.parse(node.dataset.due) - Date.now();
  node.textContent = formatDuration(remaining);
  node.dataset.remainingMs = String(remaining);
  node.classList.toggle('overdue', remaining < 0);
}

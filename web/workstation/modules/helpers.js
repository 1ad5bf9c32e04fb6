// Small helpers: building elements, China dates, the last working day of a due instant and the time left.

import { t } from './i18n.js';
import { TZ, state } from './state.js';
import { remainingWorking } from './calendar.js';

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
    else if (name === 'checked' || name === 'disabled' || name === 'required' || name === 'hidden') node[name] = !!value;
    else if (name === 'value') node.value = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });
const timeFormat = new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });

/** The day in China of an instant, "2026-12-07". */
export const chinaDay = (instant) => dayFormat.format(new Date(instant));

/**
 * The last working day of a limit: a limit ends at the start of the next day in China (2026-12-08T00:00+08:00
 * ends 2026-12-07), so the day shown is the one before the instant.
 */
export const lastDayOf = (due) => chinaDay(Date.parse(due) - 1);

/** A date as the page's language writes it: 2026年12月7日, or 2026-12-07. */
export function formatDay(day) {
  if (!day) return '—';
  if (state.lang === 'en') return day;
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** An instant as China time, "2026-11-28 10:00". */
export const formatInstant = (iso) => (iso ? timeFormat.format(new Date(iso)) : '—');

/** A due instant as its last working day, in a <time> element. */
export function dueDay(due, attrs = {}) {
  if (!due) return el('span', attrs, '—');
  const day = lastDayOf(due);
  return el('time', { datetime: day, ...attrs }, formatDay(day));
}

/** What is left until a due instant, in working days and hours: "剩 3 个工作日 5 小时" or "已超期 …". */
export function remainingText(due, stopped = false) {
  if (!due) return '—';
  if (stopped) return t('clockStopped');
  const { overdue, days, hours, minutes, compressed } = remainingWorking(due);
  return t(overdue ? 'overdueBy' : compressed ? 'remainingDemo' : 'remaining', { days, hours, minutes });
}

export function remainingNode(due, stopped = false) {
  if (!due) return el('span', {}, '—');
  const overdue = !stopped && Date.parse(due) < Date.now();
  const soon = !stopped && !overdue && remainingWorking(due).days < 1;
  return el('span', { class: `remaining${overdue ? ' overdue' : soon ? ' soon' : ''}${stopped ? ' stopped' : ''}` }, remainingText(due, stopped));
}

export const localName = (o) => (o ? (state.lang === 'en' ? o.nameEn || o.name : o.name || o.nameEn) : undefined);
/** A centre's level from its code: 450000 the region, 450100 a city, 450102 a county. */
const levelOf = (code) => (code.endsWith('0000') ? 'region' : code.endsWith('00') ? 'city' : 'county');

/** A department's name at the officer's centre: 公安厅 at the region, 公安局 in a city or county (GET /v1/departments `names`). */
export function departmentName(code) {
  if (!code) return '—';
  const department = state.departments.get(code);
  const centre = state.officer?.centreCode;
  const atLevel = state.lang !== 'en' && centre ? department?.names?.[levelOf(centre)] : undefined;
  return atLevel ?? localName(department) ?? code;
}
export const officerName = (o) => (o ? (o.name ? `${o.name}（${o.id}）` : o.id) : '—');

/** A labelled form field: <label>text <input></label>, so every control has its accessible name. */
export function field(label, control) {
  return el('label', { class: 'field' }, el('span', { class: 'field-label' }, label), control);
}

/** A definition list of [term, value] pairs. */
export function facts(pairs, attrs = {}) {
  return el('dl', { class: 'facts', ...attrs }, pairs.filter(Boolean).flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value ?? '—')]));
}

/** Moves focus to a screen's heading after navigation, so keyboard and screen-reader users land on it. */
export function focusHeading(root) {
  const heading = root.querySelector('h2');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: false });
  }
}

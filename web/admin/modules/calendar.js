// The working-day calendar (工作日历) as it counts at the administrator's centre: the year's national
// days, its region's (e.g. 广西三月三) and the days off of the centre and those above it. The region's
// administrators load the State Council's notice and the region's own; every administrator adds their
// centre's days off.

import { getJSON, request } from '../../workstation/modules/api.js';
import { el, formatDay } from '../../workstation/modules/helpers.js';
import { screenHeader } from '../../workstation/modules/parts.js';
import { state } from '../../workstation/modules/state.js';
import { statusLine } from '../../workstation/modules/forms.js';
import { clearErrors, showErrors } from './form-errors.js';
import { t } from './i18n.js';
import { centreName, isRegional } from './scope.js';

const scopeName = (scope) => (scope === 'CN' ? t('scopeNational') : centreName(scope));

/** "2027-04-09 三月三" lines as named days; a bad line is refused by the page with its number. */
function parseDays(text, field) {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.map((line, i) => {
    const match = /^(\d{4}-\d{2}-\d{2})\s+(.+)$/.exec(line);
    if (!match) throw Object.assign(new Error(t('badLine', { n: i + 1 })), { details: [{ field, message: t('badLine', { n: i + 1 }), messageZh: t('badLine', { n: i + 1 }) }] });
    return { date: match[1], name: match[2] };
  });
}

export async function renderCalendar(main, year, flash) {
  const centre = state.officer.centreCode;
  const shown = Number(year) || new Date().getFullYear();
  const body = await getJSON(`/v1/calendar/${shown}?centre=${centre}`);
  const again = (message, other = shown) => renderCalendar(main, other, message);
  const yearInput = el('input', { type: 'number', name: 'year', min: 2000, max: 2100, value: shown, 'aria-label': t('year'), testid: 'calendar-year' });
  const table = el(
    'table',
    { class: 'table', testid: 'calendar-days' },
    el('caption', {}, t('calendarCaption', { year: shown, centre: centreName(centre) })),
    el('thead', {}, el('tr', {}, [t('date'), t('dayKind'), t('name'), t('scope'), t('source')].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      body.days.map((d) =>
        el(
          'tr',
          { dataset: { day: d.day, scope: d.scope } },
          el('th', { scope: 'row' }, el('time', { datetime: d.day }, formatDay(d.day))),
          el('td', {}, t(d.kind)),
          el('td', {}, d.name),
          el('td', {}, scopeName(d.scope)),
          el('td', { class: 'muted' }, d.source),
        ),
      ),
    ),
  );
  const forms = [
    isRegional() && noticeForm('national-form', t('loadNational'), (b) => request('PUT', `/v1/calendar/${b.year}`, b.payload), again),
    isRegional() && noticeForm('regional-form', t('loadRegional'), (b) => request('PUT', `/v1/calendar/regions/${centre}/${b.year}`, b.payload), again),
    daysOffForm(centre, shown, again),
  ].filter(Boolean);
  main.replaceChildren(
    screenHeader(
      t('calendarTitle'),
      el('form', { class: 'find', onsubmit: (e) => {
        e.preventDefault();
        location.hash = `#/calendar/${yearInput.value}`;
      } }, yearInput, el('button', { type: 'submit' }, t('show'))),
    ),
    statusLine(flash, 'flash'),
    el(
      'section',
      { class: 'card', testid: 'notices' },
      el('h3', {}, t('notices')),
      body.regionalNotices.length
        ? el('ul', {}, body.regionalNotices.map((n) => el('li', { testid: 'notice' }, `${centreName(n.region)}：${n.source}`)))
        : el('p', { class: 'empty' }, t('noNotices')),
    ),
    body.days.length ? el('div', { class: 'table-wrap' }, table) : el('p', { class: 'empty' }, t('calendarEmpty')),
    el('div', { class: 'columns' }, forms),
  );
}

const field = (name, label, control) => el('label', { class: 'field', dataset: { field: `body.${name}` } }, el('span', { class: 'field-label' }, label), control);

function submitting(form, summary, run) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    summary.hidden = true;
    try {
      await run();
    } catch (error) {
      showErrors(form, summary, error);
    }
  });
}

/** A notice for a year: its source, its days off and its working weekends (national or regional). */
function noticeForm(testid, legend, send, again) {
  const year = el('input', { type: 'number', name: 'year', min: 2000, max: 2100, value: new Date().getFullYear() + 1 });
  const source = el('input', { type: 'text', name: 'source' });
  const daysOff = el('textarea', { name: 'daysOff', rows: 4, placeholder: '2027-04-09 三月三' });
  const working = el('textarea', { name: 'workingWeekends', rows: 2 });
  const summary = el('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true, testid: `${testid}-error` });
  const form = el(
    'form',
    { class: 'action card', testid, novalidate: true },
    el(
      'fieldset',
      {},
      el('legend', {}, legend),
      el('label', { class: 'field', dataset: { field: 'params.year' } }, el('span', { class: 'field-label' }, t('year')), year),
      field('source', t('source'), source),
      field('daysOff', t('daysOffLines'), daysOff),
      field('workingWeekends', t('workingLines'), working),
      el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', testid: `${testid}-submit` }, t('load'))),
    ),
    summary,
  );
  submitting(form, summary, async () => {
    const payload = { source: source.value.trim(), daysOff: parseDays(daysOff.value, 'body.daysOff'), workingWeekends: parseDays(working.value, 'body.workingWeekends') };
    const answer = await send({ year: year.value, payload });
    // The loaded year is shown; replaceState names it in the address without a second render.
    history.replaceState(null, '', `#/calendar/${answer.year}`);
    await again(t('noticeLoaded', answer), answer.year);
  });
  return form;
}

function daysOffForm(centre, shown, again) {
  const source = el('input', { type: 'text', name: 'source' });
  const days = el('textarea', { name: 'days', rows: 3, placeholder: `${shown}-06-01 …` });
  const summary = el('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true, testid: 'days-off-form-error' });
  const form = el(
    'form',
    { class: 'action card', testid: 'days-off-form', novalidate: true },
    el(
      'fieldset',
      {},
      el('legend', {}, t('addDaysOff')),
      field('source', t('source'), source),
      field('days', t('daysOffLines'), days),
      el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', testid: 'days-off-form-submit' }, t('add'))),
    ),
    summary,
  );
  submitting(form, summary, async () => {
    const answer = await request('POST', `/v1/calendar/centres/${centre}/days-off`, { source: source.value.trim(), days: parseDays(days.value, 'body.days') });
    await again(t('daysAdded', answer));
  });
  return form;
}

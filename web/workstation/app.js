// OneWindow's window workstation (政务服务业务通用软件): plain browser modules, no build step; this one
// starts the page. It reads the JSON API of the same origin with the session cookie (api.js) and shows
// each officer the screens of their role: a window officer their queue, consultations and applications;
// a chief representative or department leader their inbox and decisions, a leader also the bad ratings
// of their department to follow up (差评整改); any of them may take down a complaint (登记投诉); anyone
// else a link to the supervision centre. Screens are addressed by the URL's hash (#/queue,
// #/application/<no>, …), so the browser's back button, links and the keyboard work as everywhere else.

import { getJSON } from './modules/api.js';
import { renderApplication } from './modules/application.js';
import { loadCalendar } from './modules/calendar.js';
import { renderComplaint } from './modules/complaint.js';
import { renderConsultation } from './modules/consultation.js';
import { renderDecision, renderInbox } from './modules/decision.js';
import { renderFollowUps } from './modules/follow-ups.js';
import { $, el, focusHeading } from './modules/helpers.js';
import { t } from './modules/i18n.js';
import { renderQueue } from './modules/queue.js';
import { renderFrame, showLoadFailure, startPage } from './modules/page.js';
import { ROLES, state } from './modules/state.js';

const isWindow = () => ROLES.window.includes(state.officer?.role);
const isDeciding = () => ROLES.deciding.includes(state.officer?.role);
const isLeader = () => state.officer?.role === 'department_leader';

function renderStatic() {
  renderFrame(t);
  renderNav();
}

function renderNav() {
  const nav = $('nav');
  if (!state.officer || !isWindow()) {
    nav.hidden = true;
    return;
  }
  const links = [
    isDeciding() && ['#/inbox', t('navInbox')],
    ['#/queue', t('navQueue')],
    ['#/consult', t('navConsult')],
    isLeader() && ['#/follow-ups', t('navFollowUps')],
    ['#/complaint', t('navComplaint')],
  ].filter(Boolean);
  const current = location.hash.split('/').slice(0, 2).join('/');
  const input = el('input', { type: 'search', name: 'no', required: true, placeholder: '450100-20261201-000001', 'aria-label': t('findLabel'), testid: 'find-no' });
  const find = el(
    'form',
    { class: 'find', role: 'search', onsubmit: (e) => {
      e.preventDefault();
      if (input.value.trim()) location.hash = `#/application/${encodeURIComponent(input.value.trim())}`;
    } },
    input,
    el('button', { type: 'submit' }, t('find')),
  );
  nav.replaceChildren(
    el('ul', {}, links.map(([href, label]) => el('li', {}, el('a', { href, 'aria-current': current === href ? 'page' : undefined }, label)))),
    find,
  );
  nav.hidden = false;
}

/** Shows the screen the hash names; `flash` is the outcome of the action that led here. */
async function route(flash) {
  const main = $('main');
  if (!state.officer) return;
  renderNav();
  if (!isWindow()) {
    main.replaceChildren(
      el('h2', {}, t('otherRoleTitle')),
      el(
        'p',
        { testid: 'other-role' },
        t('otherRole', { role: t(`role_${state.officer.role}`) }),
        ' ',
        state.officer.role.endsWith('_administrator') ? [el('a', { href: '/admin' }, t('toAdmin')), ' · '] : null,
        el('a', { href: '/supervision' }, t('toSupervision')),
      ),
    );
    document.body.dataset.ready = 'true';
    return;
  }
  const [, screen, a, b] = location.hash.split('/').map(decodeURIComponent);
  const again = (message) => route(message);
  try {
    main.setAttribute('aria-busy', 'true');
    if (screen === 'application' && a) await renderApplication(main, a, again, flash);
    else if (screen === 'decide' && a && b) await renderDecision(main, a, b, again, flash);
    else if (screen === 'consult') await renderConsultation(main);
    else if (screen === 'follow-ups' && isLeader()) await renderFollowUps(main, a, again, flash);
    else if (screen === 'complaint') await renderComplaint(main);
    else if (screen === 'inbox' && isDeciding()) await renderInbox(main);
    else if (screen === 'queue' || !isDeciding()) await renderQueue(main);
    else await renderInbox(main);
    if (!flash) focusHeading(main);
    else {
      const status = main.querySelector('[data-testid="flash"]');
      if (status) {
        status.tabIndex = -1;
        status.focus();
      }
    }
  } catch (error) {
    showLoadFailure(main, error, t);
  } finally {
    main.removeAttribute('aria-busy');
    document.body.dataset.ready = 'true';
  }
}

async function start() {
  if (!(await startPage({ t, renderStatic, route }))) return;
  const year = Number(new Date().toISOString().slice(0, 4));
  await Promise.all([
    getJSON('/v1/departments').then((body) => {
      state.departments = new Map(body.departments.map((d) => [d.code, d]));
    }).catch(() => {}),
    loadCalendar([year, year + 1], getJSON),
  ]);
  renderStatic();
  await route();
}

void start();

// OneWindow's administration page (/admin): plain browser modules, no build step, signed in as at the
// workstation, whose modules it shares (session and requests, elements, language). Each of the three
// administrators (三员, GB/T 22239) sees only their own screens: the system administrator the item
// catalogue (事项), the organisation (组织), the windows' cameras (摄像机) and the working-day
// calendar (日历); the security administrator the officers and their roles (人员与角色) and
// integrators' keys (接入密钥); the audit administrator the audit trail (审计记录); each also the
// change log (变更记录). Anyone else is told the page is not theirs. Screens are addressed by the
// URL's hash (#/items, #/items/<code>, #/organisation, #/cameras/<centre>, #/calendar/<year>,
// #/officers/<centre>, #/keys, #/audit, #/changes).

import { getJSON } from '../workstation/modules/api.js';
import { $, el, focusHeading } from '../workstation/modules/helpers.js';
import { renderFrame, showLoadFailure, startPage } from '../workstation/modules/page.js';
import { state } from '../workstation/modules/state.js';
import { renderAudit } from './modules/audit.js';
import { renderCalendar } from './modules/calendar.js';
import { renderCameras } from './modules/cameras.js';
import { renderChanges } from './modules/changes.js';
import { t } from './modules/i18n.js';
import { renderItem, renderItems, renderNewItem } from './modules/items.js';
import { renderKeys } from './modules/keys.js';
import { renderOfficers } from './modules/officers.js';
import { renderOrganisation } from './modules/organisation.js';
import { setCentres } from './modules/scope.js';

/** Each administrator's screens, the first their start; what a role does not hold is not shown. */
const SCREENS = {
  system_administrator: [
    ['items', 'navItems'],
    ['organisation', 'navOrganisation'],
    ['cameras', 'navCameras'],
    ['calendar', 'navCalendar'],
    ['changes', 'navChanges'],
  ],
  security_administrator: [
    ['officers', 'navOfficers'],
    ['keys', 'navKeys'],
    ['changes', 'navChanges'],
  ],
  audit_administrator: [
    ['audit', 'navAudit'],
    ['changes', 'navChanges'],
  ],
};
const screensOf = () => SCREENS[state.officer?.role] ?? [];
const isAdministrator = () => screensOf().length > 0;

function renderStatic() {
  renderFrame(t);
  renderNav();
}

function renderNav() {
  const nav = $('nav');
  if (!isAdministrator()) {
    nav.hidden = true;
    return;
  }
  const current = location.hash.split(/[/?]/).slice(0, 2).join('/') || `#/${screensOf()[0][0]}`;
  const links = screensOf().map(([screen, label]) => [`#/${screen}`, t(label)]);
  nav.replaceChildren(el('ul', {}, links.map(([href, label]) => el('li', {}, el('a', { href, 'aria-current': current === href ? 'page' : undefined }, label)))));
  nav.hidden = false;
}

async function route() {
  const main = $('main');
  if (!state.officer) return;
  renderNav();
  if (!isAdministrator()) {
    main.replaceChildren(
      el('h2', {}, t('otherRoleTitle')),
      el('p', { testid: 'other-role' }, t('otherRole', { role: t(`role_${state.officer.role}`) }), ' ', el('a', { href: '/workstation' }, t('toWorkstation'))),
    );
    document.body.dataset.ready = 'true';
    return;
  }
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const [, asked, a, b, c] = path.split('/').map(decodeURIComponent);
  // Another administrator's screen is not drawn: the role's first screen is.
  const screen = screensOf().some(([s]) => s === asked) ? asked : screensOf()[0][0];
  try {
    delete document.body.dataset.ready;
    main.setAttribute('aria-busy', 'true');
    if (screen === 'items' && a === 'new') renderNewItem(main);
    else if (screen === 'items' && a) await renderItem(main, a, b === 'versions' ? c : undefined);
    else if (screen === 'organisation') await renderOrganisation(main);
    else if (screen === 'cameras') await renderCameras(main, a);
    else if (screen === 'calendar') await renderCalendar(main, a);
    else if (screen === 'changes') await renderChanges(main, a);
    else if (screen === 'officers') await renderOfficers(main, a);
    else if (screen === 'keys') await renderKeys(main);
    else if (screen === 'audit') await renderAudit(main);
    else await renderItems(main, new URLSearchParams(query).get('q') ?? '');
    focusHeading(main);
  } catch (error) {
    showLoadFailure(main, error, t);
  } finally {
    main.removeAttribute('aria-busy');
    document.body.dataset.ready = 'true';
  }
}

async function start() {
  if (!(await startPage({ t, renderStatic, route }))) return;
  if (isAdministrator()) {
    await Promise.all([
      getJSON('/v1/departments').then((body) => {
        state.departments = new Map(body.departments.map((d) => [d.code, d]));
      }),
      getJSON('/v1/centres?flat=1').then((body) => setCentres(body.centres)),
    ]).catch(() => {});
  }
  renderStatic();
  await route();
}

void start();

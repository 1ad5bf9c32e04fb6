// OneWindow's administration page (/admin): plain browser modules, no build step, signed in as at the
// workstation, whose modules it shares (session and requests, elements, language). A centre
// administrator keeps the item catalogue (事项), the organisation (组织), the working-day calendar
// (日历) and reads the change log (变更记录); anyone else is told the page is not theirs. Screens are
// addressed by the URL's hash (#/items, #/items/<code>, #/organisation, #/calendar/<year>, #/changes).

import { getJSON } from '../workstation/modules/api.js';
import { $, el, focusHeading } from '../workstation/modules/helpers.js';
import { renderFrame, showLoadFailure, startPage } from '../workstation/modules/page.js';
import { state } from '../workstation/modules/state.js';
import { renderCalendar } from './modules/calendar.js';
import { renderChanges } from './modules/changes.js';
import { t } from './modules/i18n.js';
import { renderItem, renderItems, renderNewItem } from './modules/items.js';
import { renderOrganisation } from './modules/organisation.js';
import { setCentres } from './modules/scope.js';

const isAdministrator = () => state.officer?.role === 'centre_administrator';

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
  const current = location.hash.split(/[/?]/).slice(0, 2).join('/') || '#/items';
  const links = [
    ['#/items', t('navItems')],
    ['#/organisation', t('navOrganisation')],
    ['#/calendar', t('navCalendar')],
    ['#/changes', t('navChanges')],
  ];
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
  const [, screen, a, b, c] = path.split('/').map(decodeURIComponent);
  try {
    delete document.body.dataset.ready;
    main.setAttribute('aria-busy', 'true');
    if (screen === 'items' && a === 'new') renderNewItem(main);
    else if (screen === 'items' && a) await renderItem(main, a, b === 'versions' ? c : undefined);
    else if (screen === 'organisation') await renderOrganisation(main);
    else if (screen === 'calendar') await renderCalendar(main, a);
    else if (screen === 'changes') await renderChanges(main, a);
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

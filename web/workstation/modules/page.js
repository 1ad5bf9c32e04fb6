// What the signed-in pages (the workstation, the administration page) share around their screens: the
// texts of the page's frame in the chosen language, the start (language switch, sign-out, the session,
// or the sign-in link), and a screen that could not load.

import { loadSession, showSignIn, signOut } from './api.js';
import { $, el } from './helpers.js';
import { LANG_KEY, state } from './state.js';

/** The frame's texts: language, title, every labelled node, the language switch and who is signed in. */
export function renderFrame(t) {
  document.documentElement.lang = state.lang === 'en' ? 'en' : 'zh-CN';
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-aria-label]')) node.setAttribute('aria-label', t(node.dataset.i18nAriaLabel));
  const sw = $('lang-switch');
  sw.textContent = t('switchTo');
  sw.lang = state.lang === 'en' ? 'zh-CN' : 'en';
  if (state.officer) {
    // The seed's names already end with the role (南宁市税务局首席代表): say it once.
    const { name, role, id } = state.officer;
    const roleName = t(`role_${role}`);
    $('whoami').textContent = `${name.endsWith(roleName) ? name : `${name} · ${roleName}`} (${id})`;
  }
}

/**
 * Starts a page: its frame, the language switch, sign-out and the hash's screens. Resolves with the
 * signed-in officer's session, or null after offering the sign-in link.
 */
export async function startPage({ t, renderStatic, route }) {
  renderStatic();
  $('lang-switch').addEventListener('click', () => {
    state.lang = state.lang === 'en' ? 'zh' : 'en';
    try {
      localStorage.setItem(LANG_KEY, state.lang);
    } catch {
      // private mode: the choice lasts for this page only
    }
    renderStatic();
    void route();
  });
  $('sign-out').addEventListener('click', () => void signOut());
  window.addEventListener('hashchange', () => void route());

  const session = await loadSession().catch(() => null);
  if (!session) {
    $('main').replaceChildren(el('p', { class: 'muted' }, t('signInNeeded')));
    showSignIn(t('signInNeeded'));
    document.body.dataset.ready = 'true';
    return null;
  }
  state.officer = session.officer;
  state.csrfToken = session.csrfToken;
  $('sign-out').hidden = false;
  return session;
}

/** A screen that could not load says why (a lost session has already offered the sign-in link). */
export function showLoadFailure(main, error, t) {
  if (error.status === 401) return;
  main.replaceChildren(el('h2', {}, t('loadFailedTitle')), el('p', { class: 'form-error', role: 'alert', testid: 'load-error' }, error.message));
}

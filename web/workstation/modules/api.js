// The API of the same origin, with the session cookie: the page never holds a token. Sign-in is the
// identity provider's (GET /auth/session, /auth/login, POST /auth/logout); every request that changes
// something carries the session's CSRF token. A 401 means the session ended: the page says so.

import { t } from './i18n.js';
import { $, el } from './helpers.js';
import { state } from './state.js';

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** The sign-in link: back to this screen of the page (the workstation, or the administration page that shares this module) once signed in. */
const signInHref = () => `/auth/login?returnTo=${encodeURIComponent(`${location.pathname}${location.hash}`)}`;

function csrfFromCookie() {
  return /(?:^|;\s*)ow_csrf=([^;]+)/.exec(document.cookie)?.[1];
}

/** One request; JSON in and out unless a FormData body is given. Throws ApiError with the API's code and message. */
export async function request(method, url, body) {
  // Validation details then also come in Chinese (messageZh) when the page is in Chinese.
  const headers = { accept: 'application/json', 'accept-language': state.lang === 'en' ? 'en' : 'zh-CN' };
  if (method !== 'GET') {
    const csrf = state.csrfToken ?? csrfFromCookie();
    if (csrf) headers['x-csrf-token'] = decodeURIComponent(csrf);
  }
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', t('networkError'));
  }
  const data = response.status === 204 ? undefined : await response.json().catch(() => undefined);
  if (response.status === 401 && url.startsWith('/v1/')) {
    sessionExpired();
    throw new ApiError(401, data?.error?.code ?? 'session_expired', t('sessionExpired'));
  }
  if (!response.ok) {
    throw new ApiError(response.status, data?.error?.code ?? 'error', data?.error?.message ?? `${response.status} ${response.statusText}`, data?.error?.details);
  }
  return data;
}

export const getJSON = (url) => request('GET', url);
export const postJSON = (url, body) => request('POST', url, body ?? {});

/** Shows a notice with the sign-in link across the page (session ended, or never began). */
export function showSignIn(message) {
  const notice = $('notice');
  notice.replaceChildren(el('span', {}, message, ' '), el('a', { href: signInHref(), testid: 'sign-in' }, t('signIn')));
  notice.hidden = false;
}

function sessionExpired() {
  state.officer = null;
  $('sign-out').hidden = true;
  showSignIn(t('sessionExpired'));
}

/** The signed-in officer and the session's CSRF token (GET /auth/session), or null when nobody is signed in (401). */
export async function loadSession() {
  const response = await fetch('/auth/session', { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  if (!response.ok) return null;
  const body = await response.json();
  return { officer: body.officer, csrfToken: body.csrfToken };
}

export async function signOut() {
  try {
    await request('POST', '/auth/logout');
  } catch {
    // signed out or not, the page shows the sign-in link
  }
  state.officer = null;
  state.csrfToken = null;
  $('sign-out').hidden = true;
  $('nav').hidden = true;
  $('whoami').textContent = '';
  $('main').replaceChildren(el('p', { class: 'muted' }, t('signedOut')));
  showSignIn(t('signedOut'));
}

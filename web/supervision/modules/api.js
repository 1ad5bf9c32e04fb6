// The JSON API of the same origin: the stored token, sign-in and sign-out, requests and their loads.

import { TOKEN_KEY } from './constants.js';
import { $ } from './helpers.js';
import { t } from './i18n.js';

export function storedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export async function getJSON(url) {
  const token = storedToken();
  const headers = { accept: 'application/json', ...(token && url.startsWith('/v1/') ? { authorization: `Bearer ${token}` } : {}) };
  const response = await fetch(url, { headers });
  if (response.status === 401) signOut(t('signInFailed', { message: response.statusText }));
  let body;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (!response.ok) throw new Error(body?.error?.message ?? `${response.status} ${response.statusText}`);
  return body;
}

export function showError(id, error) {
  const node = $(id);
  if (!node) return;
  node.hidden = !error;
  node.textContent = error ? t('loadFailed', { message: error.message ?? String(error) }) : '';
}

/** Runs the loads of one kind one at a time and drops answers that a newer request has overtaken. */
export function latest() {
  let seq = 0;
  return async (load, apply) => {
    const mine = ++seq;
    try {
      const result = await load();
      if (mine === seq) apply(result, null);
    } catch (error) {
      if (mine === seq) apply(null, error);
    }
  };
}

export function signOut(message) {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // nothing kept
  }
  location.hash = message ? `signin=${encodeURIComponent(message)}` : '';
  location.reload();
}

/** Resolves with the signed-in officer; until then the sign-in form is shown. */
export async function signIn() {
  const fromLink = /(?:^#|&)token=([^&]+)/.exec(location.hash)?.[1];
  if (fromLink) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(fromLink));
    history.replaceState(null, '', location.pathname);
  }
  const form = $('signin');
  const message = /signin=([^&]+)/.exec(location.hash)?.[1];
  for (;;) {
    if (storedToken()) {
      const response = await fetch('/v1/me', { headers: { authorization: `Bearer ${storedToken()}` } });
      const body = await response.json().catch(() => ({}));
      if (response.ok) {
        form.hidden = true;
        return body;
      }
      sessionStorage.removeItem(TOKEN_KEY);
      $('signin-error').textContent = t('signInFailed', { message: body?.error?.message ?? response.status });
      $('signin-error').hidden = false;
    } else if (message) {
      $('signin-error').textContent = decodeURIComponent(message);
      $('signin-error').hidden = false;
    }
    form.hidden = false;
    await new Promise((resolve) =>
      form.addEventListener(
        'submit',
        (event) => {
          event.preventDefault();
          sessionStorage.setItem(TOKEN_KEY, $('signin-token').value.trim());
          resolve();
        },
        { once: true },
      ),
    );
  }
}

// The JSON API of the same origin: the signed-in session, sign-out, requests and their loads.
// The session lives in an httpOnly cookie the browser sends by itself; the page keeps only the
// session's CSRF token, which writes carry in X-CSRF-Token.

import { $ } from './helpers.js';
import { t } from './i18n.js';

let csrfToken = null;

async function readBody(response) {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

export async function getJSON(url) {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  const body = await readBody(response);
  if (response.status === 401) signedOut(body?.error ?? { message: response.statusText });
  if (!response.ok) throw new Error(body?.error?.message ?? `${response.status} ${response.statusText}`);
  return body;
}

/**
 * A write (POST by default) with a JSON body: it carries the session's CSRF token. A refusal throws an
 * Error with the API's code, its details (each naming its field) and the HTTP status.
 */
export async function sendJSON(url, body, method = 'POST') {
  const response = await fetch(url, {
    method,
    headers: { accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': csrfToken ?? '' },
    body: JSON.stringify(body),
  });
  const answer = await readBody(response);
  if (response.status === 401) signedOut(answer?.error ?? { message: response.statusText });
  if (!response.ok) {
    const error = new Error(answer?.error?.message ?? `${response.status} ${response.statusText}`);
    Object.assign(error, { status: response.status, code: answer?.error?.code, details: answer?.error?.details ?? [] });
    throw error;
  }
  return answer;
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

let leaving = null;

/**
 * The session ended under the page (expired, or signed out elsewhere): start again, saying why. The
 * loads run side by side, and only the first to arrive at the API learns that the session expired
 * (the rest find none): the page waits a moment for the answers, and that reason wins.
 */
function signedOut(error) {
  if (!leaving) {
    leaving = { message: error?.message };
    setTimeout(() => {
      location.hash = leaving.message ? `signin=${encodeURIComponent(leaving.message)}` : '';
      location.reload();
    }, 300);
  } else if (error?.code === 'session_expired') leaving.message = error.message;
}

/** Ends the session at the API (the cookie is cleared by its answer) and shows the sign-in panel. */
export async function signOut() {
  await fetch('/auth/logout', { method: 'POST', headers: { 'x-csrf-token': csrfToken ?? '' } }).catch(() => {});
  signedOut(null);
}

/** Resolves with the signed-in officer; without a session, shows the sign-in panel (its link leaves the page). */
export async function signIn() {
  const response = await fetch('/auth/session', { headers: { accept: 'application/json' } });
  const body = await readBody(response);
  if (response.ok) {
    csrfToken = body.csrfToken;
    if (location.hash.startsWith('#signin=')) history.replaceState(null, '', location.pathname);
    return { kind: 'staff', officer: body.officer };
  }
  // Why the last session ended: the message the API gave then, else (expired, say) the one it gives now.
  const fromHash = /signin=([^&]+)/.exec(location.hash)?.[1];
  const message = fromHash ? decodeURIComponent(fromHash) : body?.error?.code === 'session_expired' ? body.error.message : null;
  if (message) {
    $('signin-error').textContent = t('signInFailed', { message });
    $('signin-error').hidden = false;
  }
  $('signin').hidden = false;
  $('signin-link').focus();
  return new Promise(() => {});
}

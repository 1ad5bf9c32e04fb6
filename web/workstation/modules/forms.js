// Inline action panels: a form with a legend, its fields, one submit button and a place for the answer.
// A refusal from the API is shown in the panel itself (role="alert"), with the API's own message.

import { t } from './i18n.js';
import { el } from './helpers.js';

/**
 * A form that runs `onSubmit(form)` when submitted (button or Enter). While it runs the button is
 * disabled; an ApiError's message appears under it; on success `done(result)` runs (usually a re-render).
 */
export function actionForm({ testid, legend, fields = [], submitLabel, onSubmit, done, danger = false, hint }) {
  const error = el('div', { class: 'form-error', role: 'alert', testid: `${testid}-error`, hidden: true });
  const button = el('button', { type: 'submit', class: danger ? 'danger' : 'primary', testid: `${testid}-submit` }, submitLabel);
  const form = el(
    'form',
    { class: 'action', testid, novalidate: true },
    el('fieldset', {}, el('legend', {}, legend), hint ? el('p', { class: 'hint' }, hint) : null, ...fields, el('div', { class: 'actions' }, button)),
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!form.checkValidity()) {
      form.reportValidity();
      return;
    }
    error.hidden = true;
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const result = await onSubmit(form);
      await done?.(result);
    } catch (e) {
      showRefusal(error, e);
      // The answer is read out (role="alert"); focus stays on the button to try again.
      button.focus();
    } finally {
      button.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  return form;
}

/** A refusal as the window officer must read it: what was refused and the API's reason. */
export function showRefusal(node, e) {
  const title = e?.code === 'missing_materials' ? t('refusedMissing') : e?.status === 409 ? t('refused') : e?.status === 403 ? t('forbidden') : t('failed');
  const missing = e?.missing?.length ? el('ul', { class: 'missing-list', testid: 'missing-list' }, e.missing.map((m) => el('li', {}, m))) : null;
  // A refusal the page knows is said in its language; the API's own message follows (it says what was found).
  const known = e?.code && t(`error_${e.code}`) !== `error_${e.code}` ? el('span', { class: 'reason', testid: 'refusal-text' }, t(`error_${e.code}`)) : null;
  node.replaceChildren(...[el('strong', {}, title), missing, known, el('span', { class: 'reason', testid: 'refusal-reason' }, e?.message ?? String(e))].filter(Boolean));
  node.dataset.code = e?.code ?? '';
  node.hidden = false;
}

/** A status line that screen readers announce without moving focus. */
export function statusLine(text, testid = 'status') {
  return el('p', { class: 'status', role: 'status', testid }, text ?? '');
}

export const textInput = (name, attrs = {}) => el('input', { type: 'text', name, autocomplete: 'off', ...attrs });
export const textArea = (name, attrs = {}) => el('textarea', { name, rows: 2, ...attrs });

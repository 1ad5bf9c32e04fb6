// A refusal shown where it belongs: each detail of a 400 next to its field (the element whose
// data-field is the detail's path, or the nearest enclosing one), in the page's language (the API's
// messageZh in Chinese); other refusals above the form's buttons.

import { el } from '../../workstation/modules/helpers.js';
import { state } from '../../workstation/modules/state.js';
import { t } from './i18n.js';

export function clearErrors(form) {
  for (const node of form.querySelectorAll('.field-error')) node.remove();
  for (const node of form.querySelectorAll('[aria-invalid]')) node.removeAttribute('aria-invalid');
}

/** The element for a field path, "body.steps.0.departments.1.promisedLimitDays", or its nearest ancestor path's. */
function placeOf(form, field) {
  const parts = (field ?? '').split('.');
  for (let n = parts.length; n > 1; n -= 1) {
    const node = form.querySelector(`[data-field="${CSS.escape(parts.slice(0, n).join('.'))}"]`);
    if (node) return node;
  }
  return null;
}

/** A refusal the page makes itself, before sending, shown as the API's are: `details` [{ field, message }] in the page's language. */
export function refusedInPage(details) {
  return Object.assign(new Error(t('invalidForm')), { status: 400, details });
}

const messageOf = (detail) => (state.lang === 'en' ? detail.message : (detail.messageZh ?? detail.message));

/** Shows an ApiError: its details by their fields, the rest (and any other refusal) in `summary`. */
export function showErrors(form, summary, error) {
  clearErrors(form);
  const unplaced = [];
  for (const detail of error?.details ?? []) {
    const place = placeOf(form, detail.field);
    if (!place) {
      unplaced.push(`${detail.field ?? ''} ${messageOf(detail)}`.trim());
      continue;
    }
    place.append(el('span', { class: 'field-error', role: 'alert', testid: 'field-error', dataset: { errorFor: detail.field ?? '' } }, messageOf(detail)));
    place.querySelector('input, select, textarea')?.setAttribute('aria-invalid', 'true');
  }
  const heading = error?.details?.length ? t('invalidForm') : error?.status === 403 ? t('forbidden') : t('failed');
  const reason = error?.details?.length ? [] : [el('span', { class: 'reason', testid: 'refusal-reason' }, error?.message ?? String(error))];
  summary.replaceChildren(el('strong', {}, heading), ...unplaced.map((text) => el('span', { class: 'reason' }, text)), ...reason);
  summary.hidden = false;
  (form.querySelector('[aria-invalid="true"]') ?? summary).focus?.();
}

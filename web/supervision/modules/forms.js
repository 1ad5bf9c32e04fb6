// The supervision page's small forms (a case's steps, a follow-up's actions): one labelled field per
// line, and a refusal shown on the form, each field it names marked and the first focused.
import { el } from './helpers.js';
import { t } from './i18n.js';

let fieldSeq = 0;

/** A unique id for a form's element, `<prefix>-<n>`. */
export const uniqueId = (prefix) => `${prefix}-${++fieldSeq}`;

/** A labelled control named `name` (the API's field without `body.`), its label above it. */
export function field(idPrefix, name, control, label) {
  const id = uniqueId(`${idPrefix}-${name}`);
  control.id = id;
  control.name = name;
  return el('div', { class: 'case-field' }, el('label', { for: id }, label), control);
}

/**
 * Shows a refusal on the form: each detail naming a field marks it (a choice of radio buttons: its
 * fieldset, `data-name`) and the focus moves to the first; without one, the message.
 */
export function showRefusal(node, error) {
  const box = node.querySelector('.case-form-error');
  for (const marked of node.querySelectorAll('[aria-invalid]')) marked.removeAttribute('aria-invalid');
  const lines = [];
  let first = null;
  for (const detail of error.details ?? []) {
    const name = detail.field?.replace(/^body\./, '');
    const fieldset = name ? node.querySelector(`fieldset[data-name="${CSS.escape(name)}"]`) : null;
    const input = fieldset ? null : name ? node.elements.namedItem(name) : null;
    if (fieldset) {
      fieldset.setAttribute('aria-invalid', 'true');
      first ??= fieldset.querySelector('input');
      lines.push(t('fuChoose', { field: fieldset.querySelector('legend').textContent }));
    } else if (input?.id) {
      const label = node.querySelector(`label[for="${input.id}"]`)?.textContent ?? name;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', box.id);
      first ??= input;
      lines.push(input.value.trim() ? t('caseFieldInvalid', { field: label, message: detail.message }) : t('caseFieldRequired', { field: label }));
    }
  }
  if (lines.length === 0) lines.push(t('caseRefused', { message: error.message }));
  box.textContent = lines.join(' ');
  box.hidden = false;
  (first ?? box).focus();
}

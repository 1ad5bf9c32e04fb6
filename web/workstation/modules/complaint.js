// Taking down a complaint (登记投诉, 有诉必查) at the window (POST /v1/complaints): about this window, an
// officer at it, the centre, or an application by its number; what happened; the complainant's name and
// phone, or anonymous (investigated all the same). The complaint's number is shown once taken down, with
// a receipt (投诉回执) to print and hand over: the number, the tracking code (查询码) and the address of
// the public page that shows the complaint's stage and the reply by it. The code is in the API's answer
// this once (only its hash is kept), so the receipt stays on the screen until the next complaint is
// taken down, through a change of language or a visit to another screen (in this page's memory only,
// for the officer who took it down). A 400's details appear by the fields they name, anything else as the workstation shows
// every refusal.

import { getJSON, postJSON } from './api.js';
import { showRefusal, statusLine, textArea, textInput } from './forms.js';
import { t } from './i18n.js';
import { el, facts, field, formatInstant, localName, officerName } from './helpers.js';
import { screenHeader } from './parts.js';
import { ROLES, state } from './state.js';

const SUBJECTS = ['window', 'officer', 'centre', 'application'];

/** The officer's centre, and the windows and window staff of their department there. */
async function placeOfOfficer() {
  const { centreCode, departmentCode, id } = state.officer;
  const query = new URLSearchParams({ centre: centreCode, ...(departmentCode ? { department: departmentCode } : {}) });
  const [centre, { windows }, { officers }] = await Promise.all([
    getJSON(`/v1/centres/${encodeURIComponent(centreCode)}`).catch(() => null),
    getJSON(`/v1/windows?${query}`),
    getJSON(`/v1/officers?${query}`),
  ]);
  const own = officers.find((o) => o.id === id)?.windowCode;
  return { centre, windows, officers: officers.filter((o) => o.windowCode && ROLES.window.includes(o.role)), own: windows.some((w) => w.code === own) ? own : windows[0]?.code };
}

/**
 * A field whose 400 details are shown under it: `path` as the API names it, without "body.". The
 * detail goes beside the label, not in it, so the control keeps its name and is described by it.
 */
const placed = (path, label, control) => el('div', { class: 'field-wrap', dataset: { field: path } }, field(label, control));

const messageOf = (detail) => (state.lang === 'en' ? detail.message : (detail.messageZh ?? detail.message));

function clearFieldErrors(form) {
  for (const node of form.querySelectorAll('.field-error')) node.remove();
  for (const node of form.querySelectorAll('[aria-invalid]')) {
    node.removeAttribute('aria-invalid');
    node.removeAttribute('aria-describedby');
  }
}

/** The element of a field path ("complainant.name"), or of its nearest enclosing path. */
function placeOf(form, path) {
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n -= 1) {
    const node = form.querySelector(`[data-field="${CSS.escape(parts.slice(0, n).join('.'))}"]`);
    if (node && !node.hidden) return node;
  }
  return null;
}

/** Each detail by its field; what has no field on the form goes to the summary. True when any was placed. */
function showFieldErrors(form, summary, error) {
  const unplaced = [];
  let first = null;
  error.details.forEach((detail, i) => {
    const path = (detail.field ?? '').replace(/^body\./, '');
    const place = path && placeOf(form, path);
    if (!place) {
      unplaced.push(`${path} ${messageOf(detail)}`.trim());
      return;
    }
    const id = `complaint-error-${i}`;
    place.append(el('span', { class: 'field-error', id, testid: 'field-error', dataset: { errorFor: path } }, messageOf(detail)));
    const control = place.querySelector('input:not([type="radio"]):not([type="checkbox"]), select, textarea') ?? place.querySelector('input');
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-describedby', id);
      first ??= control;
    }
  });
  summary.replaceChildren(el('strong', {}, t('cpInvalid')), ...unplaced.map((text) => el('span', { class: 'reason', testid: 'refusal-reason' }, text)));
  summary.dataset.code = error.code ?? '';
  summary.hidden = false;
  return first;
}

/** The last complaint taken down here with its code, and by whom: its receipt is shown again when the screen is. */
let lastReceipt = null;

/** Prints the receipt alone: the rest of the page is left off the paper while it prints (style.css). */
function printReceipt() {
  document.body.classList.add('print-receipt');
  const done = () => document.body.classList.remove('print-receipt');
  window.addEventListener('afterprint', done, { once: true });
  try {
    window.print();
  } finally {
    // Browsers that print without blocking send afterprint later; those that block have printed by now.
    setTimeout(done, 0);
  }
}

/** The receipt (投诉回执) of a complaint just taken down: its number, the tracking code and where to follow it. */
function receiptOf(complaint, centreName) {
  const url = new URL(complaint.trackingUrl, window.location.origin).href;
  return el(
    'section',
    { class: 'card receipt', testid: 'complaint-receipt', dataset: { id: complaint.id }, 'aria-labelledby': 'complaint-receipt-title' },
    el('h3', { id: 'complaint-receipt-title' }, t('cpReceipt')),
    facts([
      [t('cpReceiptNo'), el('span', { class: 'mono', testid: 'receipt-no' }, complaint.id)],
      [t('cpReceiptAt'), formatInstant(complaint.openedAt)],
      [t('cpReceiptCentre'), centreName],
      [t('cpReceiptCode'), el('code', { class: 'mono receipt-code', testid: 'receipt-code' }, complaint.trackingCode)],
      [t('cpReceiptUrl'), el('a', { class: 'mono', href: url, target: '_blank', rel: 'noopener noreferrer', testid: 'receipt-url' }, url)],
    ]),
    el('p', { class: 'hint' }, t('cpReceiptHow')),
    el('div', { class: 'actions no-print' }, el('button', { type: 'button', class: 'primary', testid: 'receipt-print', onclick: printReceipt }, t('cpReceiptPrint'))),
  );
}

export async function renderComplaint(main) {
  const place = await placeOfOfficer();
  const centreName = localName(place.centre) ?? state.officer.centreCode;

  const radios = SUBJECTS.map((kind) =>
    el(
      'label',
      { class: 'check' },
      el('input', { type: 'radio', name: 'subjectKind', value: kind, checked: kind === 'window', testid: `complaint-about-${kind}` }),
      ` ${t(`cpAbout_${kind}`, { centre: centreName })}`,
    ),
  );
  const kind = () => radios.map((r) => r.querySelector('input')).find((r) => r.checked)?.value ?? 'window';

  const windowSelect = el(
    'select',
    { name: 'windowCode', testid: 'complaint-window' },
    place.windows.map((w) => el('option', { value: w.code }, `${w.name}（${w.code}）`)),
  );
  windowSelect.value = place.own ?? '';
  const officerSelect = el('select', { name: 'officerId', testid: 'complaint-officer' });
  const fillOfficers = () => {
    const here = place.officers.filter((o) => o.windowCode === windowSelect.value);
    officerSelect.replaceChildren(...here.map((o) => el('option', { value: o.id }, `${officerName(o)} · ${t(`role_${o.role}`)}`)));
  };
  fillOfficers();
  windowSelect.addEventListener('change', fillOfficers);
  const applicationNo = textInput('applicationNo', { maxlength: 64, placeholder: '450100-20261201-000001', spellcheck: 'false', testid: 'complaint-application' });
  const content = textArea('content', { rows: 4, maxlength: 2000, 'aria-required': 'true', testid: 'complaint-content' });
  const anonymous = el('input', { type: 'checkbox', name: 'anonymous', testid: 'complaint-anonymous' });
  const name = textInput('name', { maxlength: 64, autocomplete: 'name', testid: 'complaint-name' });
  const phone = textInput('phone', { maxlength: 20, inputmode: 'tel', autocomplete: 'tel', testid: 'complaint-phone' });

  const windowField = placed('subject.windowCode', t('cpWindow'), windowSelect);
  const officerField = placed('subject.officerId', t('cpOfficer'), officerSelect);
  const applicationField = placed('subject.applicationNo', t('cpApplicationNo'), applicationNo);
  const nameField = placed('complainant.name', t('cpName'), name);
  const phoneField = placed('complainant.phone', t('cpPhone'), phone);
  const subjectSet = el('fieldset', { class: 'checklist', dataset: { field: 'subject' } }, el('legend', {}, t('cpAboutLegend')), radios);

  const showSubject = () => {
    const k = kind();
    windowField.hidden = !(k === 'window' || k === 'officer');
    officerField.hidden = k !== 'officer';
    applicationField.hidden = k !== 'application';
  };
  const showComplainant = () => {
    name.disabled = anonymous.checked;
    phone.disabled = anonymous.checked;
  };
  for (const radio of radios) radio.querySelector('input').addEventListener('change', showSubject);
  anonymous.addEventListener('change', showComplainant);
  showSubject();
  showComplainant();

  const subject = () => {
    switch (kind()) {
      case 'officer':
        return { kind: 'officer', officerId: officerSelect.value };
      case 'centre':
        return { kind: 'centre', centreCode: state.officer.centreCode };
      case 'application':
        return { kind: 'application', applicationNo: applicationNo.value.trim() };
      default:
        return { kind: 'window', windowCode: windowSelect.value };
    }
  };

  const error = el('div', { class: 'form-error', role: 'alert', testid: 'complaint-error', tabindex: '-1', hidden: true });
  const recorded = statusLine('', 'complaint-recorded');
  // The last complaint's receipt: kept until the next one is taken down, as its code cannot be had again.
  const receipt = el('div', { class: 'receipt-holder', testid: 'complaint-receipt-holder' });
  if (lastReceipt && lastReceipt.officerId === state.officer.id) receipt.append(receiptOf(lastReceipt.complaint, centreName));
  const button = el('button', { type: 'submit', class: 'primary', testid: 'complaint-submit' }, t('cpSubmit'));
  const form = el(
    'form',
    { class: 'action complaint', testid: 'complaint', novalidate: true },
    el(
      'fieldset',
      {},
      el('legend', {}, t('cpLegend')),
      el('p', { class: 'hint' }, t('cpHint')),
      subjectSet,
      windowField,
      officerField,
      applicationField,
      placed('content', t('cpContent'), content),
      el(
        'fieldset',
        { class: 'checklist', dataset: { field: 'complainant' } },
        el('legend', {}, t('cpComplainant')),
        el('label', { class: 'check' }, anonymous, ` ${t('cpAnonymous')}`),
        nameField,
        phoneField,
      ),
      el('div', { class: 'actions' }, button),
    ),
    error,
  );

  let reference = newReference();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    error.hidden = true;
    recorded.textContent = '';
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const body = {
        // The same reference until it is recorded: a retry after a lost answer is the same complaint, with a new code.
        reference,
        subject: subject(),
        content: content.value,
        ...(anonymous.checked ? {} : { complainant: { name: name.value.trim(), ...(phone.value.trim() ? { phone: phone.value.trim() } : {}) } }),
      };
      const complaint = await postJSON('/v1/complaints', body);
      recorded.replaceChildren(
        t('cpRecordedBefore'),
        el('span', { class: 'mono', testid: 'complaint-no' }, complaint.id),
        t(complaint.anonymous ? 'cpRecordedAnonymous' : 'cpRecordedNamed'),
      );
      lastReceipt = complaint.trackingCode ? { officerId: state.officer.id, complaint } : null;
      receipt.replaceChildren(complaint.trackingCode ? receiptOf(complaint, centreName) : '');
      reference = newReference();
      content.value = '';
      applicationNo.value = '';
      name.value = '';
      phone.value = '';
      recorded.tabIndex = -1;
      recorded.focus();
    } catch (e) {
      const first = e?.status === 400 && e.details?.length ? showFieldErrors(form, error, e) : null;
      if (!first && !(e?.status === 400 && e.details?.length)) showRefusal(error, e);
      (first ?? error).focus();
    } finally {
      button.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });

  main.replaceChildren(screenHeader(t('cpTitle')), recorded, receipt, el('div', { class: 'columns' }, form));
  state.screen = 'complaint';
}

/** A reference for one complaint being taken down (crypto.getRandomValues works on a plain-http intranet address too). */
function newReference() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `window-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

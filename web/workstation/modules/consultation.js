// Consultation (咨询) under first-inquiry responsibility (首问负责制): the officer records the walk-in's
// question (POST /v1/consultations), then, if the applicant applies, turns it into an application with the
// item's checklist (POST /v1/applications with consultationId): the consultation's officer is named first.

import { getJSON, postJSON } from './api.js';
import { actionForm, statusLine, textArea, textInput } from './forms.js';
import { t } from './i18n.js';
import { el, field, localName } from './helpers.js';
import { itemOf, screenHeader } from './parts.js';
import { state } from './state.js';

let items = null;

async function catalogue() {
  if (!items) items = (await getJSON('/v1/items')).items;
  const mine = state.officer.departmentCode;
  // The officer's own department's items first: a walk-in at this window most often asks about them.
  return [...items].sort((a, b) => Number(b.department === mine) - Number(a.department === mine) || a.code.localeCompare(b.code));
}

export async function renderConsultation(main) {
  const list = await catalogue();
  const itemSelect = el(
    'select',
    { name: 'itemCode', required: true, testid: 'consult-item' },
    list.map((i) => el('option', { value: i.code }, `${localName(i)}（${i.code}）`)),
  );
  const channel = el('select', { name: 'channel', testid: 'consult-channel' }, ['window', 'phone', 'online'].map((c) => el('option', { value: c }, t(`channel_${c}`))));
  const subject = textArea('subject', { required: true, maxlength: 2000, testid: 'consult-subject' });
  const inquirer = textInput('inquirer', { maxlength: 100, testid: 'consult-inquirer' });
  const phone = textInput('phone', { maxlength: 32, inputmode: 'tel', testid: 'consult-phone' });
  const applyPanel = el('div', { testid: 'apply-panel' });

  const record = actionForm({
    testid: 'consult',
    legend: t('consultLegend'),
    hint: t('consultHint'),
    fields: [field(t('channel'), channel), field(t('item'), itemSelect), field(t('subject'), subject), field(t('inquirer'), inquirer), field(t('phone'), phone)],
    submitLabel: t('consultSubmit'),
    onSubmit: () =>
      postJSON('/v1/consultations', {
        centreCode: state.officer.centreCode,
        channel: channel.value,
        itemCode: itemSelect.value,
        subject: subject.value,
        ...(inquirer.value.trim() ? { inquirer: { name: inquirer.value.trim(), ...(phone.value.trim() ? { phone: phone.value.trim() } : {}) } } : {}),
      }),
    done: async (consultation) => {
      applyPanel.replaceChildren(
        statusLine(t('consultRecorded', { id: consultation.id, officer: consultation.officer.name ?? consultation.officer.id }), 'consult-recorded'),
        await applicationForm(consultation, inquirer.value.trim()),
      );
      applyPanel.querySelector('input, select')?.focus();
    },
  });
  main.replaceChildren(screenHeader(t('consultTitle')), el('div', { class: 'columns' }, record, applyPanel));
  state.screen = 'consult';
}

/** The application that follows a consultation: the applicant and the item's materials handed in. */
async function applicationForm(consultation, inquirerName) {
  const item = await itemOf(consultation.itemCode);
  const type = el('select', { name: 'type', testid: 'apply-type' }, ['person', 'organisation'].map((v) => el('option', { value: v }, t(`applicant_${v}`))));
  const name = textInput('name', { required: true, maxlength: 200, value: inquirerName, testid: 'apply-name' });
  const idNumber = textInput('idNumber', { required: true, maxlength: 18, pattern: '[0-9A-Za-z]{18}', testid: 'apply-id' });
  const phone = textInput('phone', { maxlength: 32, inputmode: 'tel' });
  const checks = (item.materials ?? []).map((m, i) =>
    el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'material', value: m.name, testid: `apply-material-${i}` }), ` ${m.name}`, m.required === false ? ` （${t('optional')}）` : ''),
  );
  return actionForm({
    testid: 'apply',
    legend: t('applyLegend', { item: localName(item) }),
    hint: t('applyHint'),
    fields: [
      field(t('applicantType'), type),
      field(t('applicantName'), name),
      field(t('idNumber'), idNumber),
      field(t('phone'), phone),
      el('fieldset', { class: 'checklist' }, el('legend', {}, t('materialsHandedIn')), checks),
    ],
    submitLabel: t('applySubmit'),
    onSubmit: () =>
      postJSON('/v1/applications', {
        itemCode: item.code,
        centreCode: state.officer.centreCode,
        consultationId: consultation.id,
        applicant: { type: type.value, name: name.value.trim(), idNumber: idNumber.value.trim().toUpperCase(), ...(phone.value.trim() ? { phone: phone.value.trim() } : {}) },
        materials: checks.map((c) => c.querySelector('input')).filter((c) => c.checked).map((c) => c.value),
      }),
    done: (created) => {
      location.hash = `#/application/${encodeURIComponent(created.applicationNo)}`;
    },
  });
}

// One application at the window: intake against the item's checklist (受理, 一次性告知, 不予受理), the
// supplement, a review's clock stopped and restarted, its fees (收费, fees.js), the handover (取件), and
// the documents to print.

import { getJSON, postJSON } from './api.js';
import { actionForm, statusLine, textArea, textInput } from './forms.js';
import { feesSection } from './fees.js';
import { t } from './i18n.js';
import { el, field } from './helpers.js';
import { attachmentsOf, documentsOf, documentsSection, itemOf, materialsTable, requiredOf, reviewsTable, screenHeader, summary } from './parts.js';
import { state } from './state.js';

const CLOCK_STOPS = ['supplement', 'hearing', 'tendering', 'auction', 'inspection', 'testing', 'quarantine', 'appraisal', 'expert_review'];

export async function renderApplication(main, no, rerender, flash) {
  const url = `/v1/applications/${encodeURIComponent(no)}`;
  const app = await getJSON(url);
  const [item, attachments, documents] = await Promise.all([itemOf(app.itemCode, app.itemVersion), attachmentsOf(no), documentsOf(no)]);
  const fees = await feesSection(app, item);
  const post = (path, body) => postJSON(`${url}/${path}`, body);
  const after = (message) => () => rerender(message);
  const officer = state.officer;
  const isLead = officer.departmentCode === app.leadDepartment && officer.centreCode === app.centreCode;
  const open = ['submitted', 'supplement_requested', 'in_review'].includes(app.stage);
  const required = requiredOf(item);

  const sections = [summary(app, item)];
  const checklist = materialsTable({ app, item, attachments, checkable: isLead && app.stage === 'submitted', upload: isLead && open, done: after(t('uploaded')) });
  sections.push(el('section', { class: 'card', 'aria-labelledby': 'materials-title' }, el('h3', { id: 'materials-title' }, t('materials')), el('div', { class: 'table-wrap' }, checklist)));

  if (isLead && app.stage === 'submitted') sections.push(intakePanel(app, item, checklist, post, after));
  if (isLead && (app.stage === 'supplement_requested' || (app.stage === 'in_review' && openSupplementStop(app)))) {
    sections.push(supplementPanel(app, required, post, after));
  }
  if (app.stage === 'in_review') {
    sections.push(el('section', { class: 'card', 'aria-labelledby': 'reviews-title' }, el('h3', { id: 'reviews-title' }, t('reviews')), el('div', { class: 'table-wrap' }, reviewsTable(app, officer.departmentCode))));
    for (const review of app.reviews.filter((r) => r.status === 'open' && r.department === officer.departmentCode && r.centreCode === officer.centreCode)) {
      sections.push(clockPanel(app, review, required, after));
    }
  } else if (app.reviews?.length) {
    sections.push(el('section', { class: 'card', 'aria-labelledby': 'reviews-title' }, el('h3', { id: 'reviews-title' }, t('reviews')), el('div', { class: 'table-wrap' }, reviewsTable(app))));
  }
  if (fees) sections.push(fees);
  if (isLead && app.stage === 'completed') sections.push(pickupPanel(post, after, documents.find((d) => d.kind === 'approval_decision')?.licenceNo));
  sections.push(documentsSection(documents));

  main.replaceChildren(
    screenHeader(t('applicationTitle', { no: app.applicationNo }), el('a', { href: '#/queue', class: 'back' }, t('backToQueue'))),
    flash ? statusLine(flash, 'flash') : statusLine(''),
    ...sections,
  );
  state.screen = 'application';
}

const openSupplementStop = (app) => app.reviews.some((r) => r.status === 'open' && r.stops?.some((s) => !s.endedAt && s.type === 'supplement'));

/** Intake: accept, ask at once for everything unticked (一次性告知), or not accept with a reason. */
function intakePanel(app, item, checklist, post, after) {
  const unticked = () => [...checklist.querySelectorAll('input[name="material"]')].filter((c) => !c.checked).map((c) => c.value);
  const reason = textArea('reason', { maxlength: 1000, testid: 'supplement-reason' });
  const refusal = textArea('refusal', { required: true, maxlength: 1000, testid: 'not-accept-reason' });
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'intake-title', testid: 'intake' },
    el('h3', { id: 'intake-title' }, t('intake')),
    el('div', { class: 'columns three' }, [
      actionForm({
        testid: 'accept',
        legend: t('acceptLegend'),
        hint: t('acceptHint'),
        submitLabel: t('accept'),
        onSubmit: async () => {
          try {
            return await post('intake', { decision: 'accept', department: app.leadDepartment });
          } catch (e) {
            // The API names them in its message; the checklist names them in the page's language.
            if (e.code === 'missing_materials') e.missing = requiredOf(item).filter((m) => !app.materials.includes(m));
            throw e;
          }
        },
        done: after(t('accepted')),
      }),
      actionForm({
        testid: 'request-supplement',
        legend: t('requestSupplementLegend'),
        hint: t('requestSupplementHint'),
        fields: [field(t('noteToApplicant'), reason)],
        submitLabel: t('requestSupplement'),
        onSubmit: async () => {
          const missing = unticked();
          if (!missing.length) throw Object.assign(new Error(t('nothingUnticked')), { status: 400 });
          return post('intake', { decision: 'request_supplement', department: app.leadDepartment, missingMaterials: missing, ...(reason.value.trim() ? { reason: reason.value.trim() } : {}) });
        },
        done: after(t('supplementRequested')),
      }),
      actionForm({
        testid: 'not-accept',
        legend: t('notAcceptLegend'),
        fields: [field(t('reasonRequired'), refusal)],
        submitLabel: t('notAccept'),
        danger: true,
        onSubmit: () => post('intake', { decision: 'not_accept', department: app.leadDepartment, reason: refusal.value.trim() }),
        done: after(t('notAccepted')),
      }),
    ]),
  );
}

/** The applicant's supplement, received at the window: the requested materials ticked. */
function supplementPanel(app, required, post, after) {
  const requested = new Set(
    app.stage === 'supplement_requested'
      ? required.filter((m) => !app.materials.includes(m))
      : app.reviews.flatMap((r) => r.stops?.filter((s) => !s.endedAt && s.type === 'supplement').flatMap((s) => s.missingMaterials ?? []) ?? []),
  );
  const names = [...new Set([...requested, ...required])];
  const checks = names.map((m, i) => el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'supplied', value: m, checked: requested.has(m), testid: `supplied-${i}` }), ` ${m}`));
  const note = textArea('note', { maxlength: 1000 });
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'supplement-title', testid: 'supplement' },
    el('h3', { id: 'supplement-title' }, t('supplement')),
    el('p', { testid: 'requested-materials' }, t('requestedMaterials'), ' ', el('strong', {}, [...requested].join('、') || '—')),
    actionForm({
      testid: 'receive-supplement',
      legend: t('receiveSupplementLegend'),
      fields: [el('fieldset', { class: 'checklist' }, el('legend', {}, t('materialsSupplied')), checks), field(t('note'), note)],
      submitLabel: t('receiveSupplement'),
      onSubmit: () => {
        const materials = checks.map((c) => c.querySelector('input')).filter((c) => c.checked).map((c) => c.value);
        if (!materials.length) throw Object.assign(new Error(t('nothingTicked')), { status: 400 });
        return post('supplements', { materials, ...(note.value.trim() ? { note: note.value.trim() } : {}) });
      },
      done: after(t('supplementReceived')),
    }),
  );
}

/** Stop a review's clock (补正, or a procedure excluded by art. 45), or restart it when the procedure ends. */
function clockPanel(app, review, required, after) {
  const base = `/v1/applications/${encodeURIComponent(app.applicationNo)}/reviews/${encodeURIComponent(review.department)}/clock`;
  const stop = review.stops?.find((s) => !s.endedAt);
  const title = el('h3', { id: `clock-title-${review.department}` }, t('clock'));
  if (stop) {
    const note = textInput('note', { maxlength: 1000 });
    return el(
      'section',
      { class: 'card', 'aria-labelledby': title.id, testid: 'clock' },
      title,
      el('p', {}, t('clockStoppedFor', { type: t(`stop_${stop.type}`), reason: stop.reason })),
      stop.type === 'supplement'
        ? el('p', { class: 'hint' }, t('supplementResumes'))
        : actionForm({
            testid: 'resume-clock',
            legend: t('resumeLegend'),
            fields: [field(t('note'), note)],
            submitLabel: t('resume'),
            onSubmit: () => postJSON(`${base}/resume`, note.value.trim() ? { note: note.value.trim() } : {}),
            done: after(t('resumed')),
          }),
    );
  }
  const type = el('select', { name: 'type', testid: 'stop-type' }, CLOCK_STOPS.map((s) => el('option', { value: s }, t(`stop_${s}`))));
  const reason = textArea('reason', { required: true, maxlength: 1000, testid: 'stop-reason' });
  const expected = el('input', { type: 'number', name: 'expectedDays', min: 0, max: 365, inputmode: 'numeric' });
  const missing = required.map((m) => el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'missing', value: m }), ` ${m}`));
  const missingSet = el('fieldset', { class: 'checklist' }, el('legend', {}, t('missingForSupplement')), missing);
  const repeat = textInput('repeatReason', { maxlength: 1000 });
  return el(
    'section',
    { class: 'card', 'aria-labelledby': title.id, testid: 'clock' },
    title,
    actionForm({
      testid: 'stop-clock',
      legend: t('stopLegend'),
      hint: t('stopHint'),
      fields: [field(t('stopType'), type), field(t('reasonRequired'), reason), missingSet, field(t('expectedDays'), expected), field(t('repeatReason'), repeat)],
      submitLabel: t('stop'),
      onSubmit: () => {
        const missingMaterials = missing.map((c) => c.querySelector('input')).filter((c) => c.checked).map((c) => c.value);
        return postJSON(`${base}/stop`, {
          type: type.value,
          reason: reason.value.trim(),
          ...(type.value === 'supplement' ? { missingMaterials } : {}),
          ...(expected.value ? { expectedDays: Number(expected.value) } : {}),
          ...(repeat.value.trim() ? { repeatReason: repeat.value.trim() } : {}),
        });
      },
      done: after(t('stopped')),
    }),
  );
}

/**
 * The handover (取件): to whom, whether their identity document was checked, the licence number (left
 * blank, the API records the approval decision's licence number, shown as the placeholder).
 */
function pickupPanel(post, after, approvalLicence) {
  const recipient = textInput('recipient', { maxlength: 200, required: true, testid: 'pickup-recipient' });
  const idChecked = el('input', { type: 'checkbox', name: 'idChecked', testid: 'pickup-id-checked' });
  const licenceNo = textInput('licenceNo', { maxlength: 100, testid: 'pickup-licence', placeholder: approvalLicence });
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'pickup-title', testid: 'pickup' },
    el('h3', { id: 'pickup-title' }, t('pickup')),
    actionForm({
      testid: 'hand-over',
      legend: t('pickupLegend'),
      hint: t('licenceNoHint', { licence: approvalLicence ? ` ${approvalLicence}` : '' }),
      fields: [field(t('recipient'), recipient), el('label', { class: 'check' }, idChecked, ` ${t('idChecked')}`), field(t('licenceNo'), licenceNo)],
      submitLabel: t('handOver'),
      onSubmit: () =>
        post('pickup', { recipient: recipient.value.trim(), idChecked: idChecked.checked, ...(licenceNo.value.trim() ? { licenceNo: licenceNo.value.trim() } : {}) }),
      done: after(t('handedOver')),
    }),
  );
}

// Fees (行政事业性收费) in an application's detail (GET /v1/applications/:no/fees): the status, the
// current payment notice (缴款通知书) with its amount, payment code, deadline and receipt, every notice
// and refund; and what the officer may do with it: the lead window's assessment (核定) with the amount
// previewed as the rules compute it, a leader's waiver or reduction (减免), a refund (退费) asked by the
// lead window and decided by a leader who did not ask. Every amount is a whole number of fen (分): the
// page formats and parses yuan as text and never computes with a fraction.

import { getJSON, postJSON } from './api.js';
import { actionForm, showRefusal, statusLine, textArea, textInput } from './forms.js';
import { t } from './i18n.js';
import { dueDay, el, facts, field, formatInstant } from './helpers.js';
import { ROLES, state } from './state.js';

/** The most one application's fee may come to, after reductions (workflows/rules/fees.ts MAX_FEN). */
const MAX_FEN = 1_000_000_000;

/** Fen as yuan with two decimals, by integer division and remainder: 10050 → "100.50", 5 → "0.05". */
export function formatYuan(fen) {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const cents = abs % 100;
  return `${sign}${(abs - cents) / 100}.${String(cents).padStart(2, '0')}`;
}

/** "100.50 元" / "¥100.50". */
export const yuan = (fen) => t('yuanAmount', { amount: formatYuan(fen) });

/**
 * Yuan typed as text into whole fen: "45" → 4500, "45.5" → 4550, "45.55" → 4555; null for anything else
 * (a third decimal, a sign, letters, separators, more than 99,999,999 yuan).
 */
export function parseYuan(text) {
  const match = /^(\d{1,8})(?:\.(\d{1,2}))?$/.exec(String(text ?? '').trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** A line's amount before reductions for this quantity, as the rules charge it (grossFen in workflows/rules/fees.ts). */
export function grossFen(standard, quantity) {
  switch (standard.type) {
    case 'fixed':
      return standard.amountFen * quantity;
    case 'per_unit':
      return Math.max(0, quantity - (standard.freeUnits ?? 0)) * standard.unitFen;
    case 'tiered': {
      // Marginal tiers: the units up to each bound are charged at that tier's price.
      let total = 0;
      let counted = 0;
      for (const tier of standard.tiers) {
        const upTo = tier.upTo ?? Number.POSITIVE_INFINITY;
        const units = Math.max(0, Math.min(quantity, upTo) - counted);
        total += units * tier.unitFen;
        counted += units;
        if (counted >= quantity) break;
      }
      return total;
    }
    default:
      return 0;
  }
}

/**
 * What an assessment owes under the schedule, as the rules compute it (assess in workflows/rules/fees.ts):
 * each line's gross, the reductions that apply to it added up and capped at 100 per cent, the reduction
 * floored to whole fen. `{ lines, amountFen }`, or `{ problem }` in the page's language.
 */
export function previewAssessment(schedule, assessment) {
  const reductions = assessment.reductions.map((code) => schedule.reductions.find((r) => r.code === code)).filter(Boolean);
  const lines = [];
  for (const { code, quantity } of assessment.lines) {
    const line = schedule.lines.find((l) => l.code === code);
    if (!line) continue;
    if (!Number.isInteger(quantity) || quantity < 0 || quantity > 10_000) return { problem: t('feeQuantityProblem', { line: line.name }) };
    const gross = grossFen(line.standard, quantity);
    const percent = Math.min(100, reductions.filter((r) => !r.lines || r.lines.includes(code)).reduce((sum, r) => sum + r.percent, 0));
    const reductionFen = Math.floor((gross * percent) / 100);
    lines.push({ code, name: line.name, quantity, grossFen: gross, reductionFen, amountFen: gross - reductionFen });
  }
  const missing = schedule.lines.find((line) => !line.optional && !lines.some((l) => l.code === line.code));
  if (missing) return { problem: t('feeLineMissing', { line: missing.name }) };
  if (!lines.length) return { problem: t('feeNoLines') };
  const amountFen = lines.reduce((sum, line) => sum + line.amountFen, 0);
  if (amountFen > MAX_FEN) return { problem: t('feeTooLarge', { amount: yuan(amountFen), max: yuan(MAX_FEN) }) };
  return { lines, amountFen };
}

/** Whether the schedule's assessment is due at this stage: once accepted (intake), or once completed (decision). */
const assessmentDue = (stage, schedule) =>
  schedule.assessAt === 'intake' ? ['in_review', 'completed', 'picked_up'].includes(stage) : ['completed', 'picked_up'].includes(stage);

/** What the signed-in officer may do with this application's fee. */
function powersOf(app) {
  const officer = state.officer;
  const lead = officer.departmentCode === app.leadDepartment && officer.centreCode === app.centreCode;
  return { lead: lead && ROLES.window.includes(officer.role), leader: lead && officer.role === 'department_leader', id: officer.id };
}

/**
 * The application's fees as a card, or null when its item charges nothing. Each action's answer (the
 * fees as they are now) replaces the card in place, with its outcome announced at the top of it.
 */
export async function feesSection(app, item) {
  if (item && !item.feeSchedule) return null;
  const url = `/v1/applications/${encodeURIComponent(app.applicationNo)}/fees`;
  let fees;
  try {
    fees = await getJSON(url);
  } catch (e) {
    if (e.status === 404 && e.code === 'no_fees') return null;
    if (e.status === 401) throw e;
    return card([el('p', { class: 'form-error', role: 'alert', testid: 'fees-load-error' }, e.message)]);
  }
  let node = null;
  const show = (answer, flash) => {
    const next = feesCard(app, answer, { url, show, flash });
    node?.replaceWith(next);
    node = next;
    if (flash) {
      const status = next.querySelector('[data-testid="fees-flash"]');
      status.tabIndex = -1;
      status.focus();
    }
    return next;
  };
  return show(fees);
}

const card = (children, attrs = {}) =>
  el('section', { class: 'card fees', 'aria-labelledby': 'fees-title', testid: 'fees', ...attrs }, el('h3', { id: 'fees-title' }, t('fees')), ...children);

function feesCard(app, fees, { url, show, flash }) {
  const schedule = fees.schedule;
  const powers = powersOf(app);
  const post = (path, body) => postJSON(`${url}/${path}`, body);
  const then = (message) => (answer) => show(answer, message);
  const current = [...fees.notices].reverse().find((n) => n.status === 'issued' || n.status === 'paid');
  const refundPending = fees.refunds.some((r) => ['requested', 'approved', 'submitted'].includes(r.status));

  const refreshError = el('p', { class: 'form-error', role: 'alert', testid: 'fees-refresh-error', hidden: true });
  const refresh = el('button', { type: 'button', testid: 'fees-refresh' }, t('feesRefresh'));
  refresh.addEventListener('click', async () => {
    refresh.disabled = true;
    try {
      show(await getJSON(url), t('feesRefreshed'));
    } catch (e) {
      showRefusal(refreshError, e);
      refresh.disabled = false;
    }
  });

  const parts = [
    statusLine(flash ?? '', 'fees-flash'),
    el('p', { class: 'hint' }, scheduleHint(schedule)),
    facts(
      [
        [t('feeStatus'), el('span', { class: `status fee-status fee-${fees.status}`, testid: 'fee-status', dataset: { status: fees.status } }, t(`fee_${fees.status}`))],
        (fees.status === 'awaiting_payment' || fees.status === 'paid') && [t('feeAmount'), el('strong', { testid: 'fee-amount', dataset: { fen: String(fees.amountFen) } }, yuan(fees.amountFen))],
        fees.status === 'waived' && [t('feeAmount'), el('strong', { testid: 'fee-amount', dataset: { fen: '0' } }, t('feeNothingOwed'))],
        fees.paymentCode && [t('paymentCode'), el('span', { class: 'mono', testid: 'fee-payment-code' }, fees.paymentCode)],
        fees.dueAt && [t('paymentDue'), dueDay(fees.dueAt, { testid: 'fee-due' })],
        current?.status === 'paid' && [t('paidAt'), formatInstant(current.paidAt)],
        current?.status === 'paid' && [t('receiptNo'), el('span', { class: 'mono', testid: 'fee-receipt' }, current.receiptNo ?? '—')],
      ],
      { testid: 'fee-facts', class: 'fee-facts' },
    ),
    fees.notices.length ? el('div', { class: 'table-wrap' }, noticesTable(fees.notices)) : null,
    fees.refunds.length ? el('div', { class: 'table-wrap' }, refundsTable(fees.refunds)) : null,
    el('div', { class: 'actions' }, refresh),
    refreshError,
  ];

  const forms = [];
  if (powers.lead && fees.status === 'awaiting_assessment' && schedule.assessedBy === 'window' && assessmentDue(app.stage, schedule)) {
    forms.push(assessmentForm(schedule, post, then(t('feeAssessed'))));
  }
  if (powers.leader && fees.status === 'awaiting_payment' && current) forms.push(adjustmentForm(current, post, then(t('feeAdjusted'))));
  if (powers.leader) {
    for (const refund of fees.refunds.filter((r) => r.status === 'requested')) {
      forms.push(
        refund.requestedBy === powers.id
          ? el('p', { class: 'hint', testid: 'refund-own' }, t('refundOwn', { no: refund.refundNo }))
          : refundDecisionForm(refund, post, show),
      );
    }
  }
  // A closed application takes refunds only within the item's refundDays of closing.
  const refundsOpen = !app.closedAt || Date.now() < Date.parse(app.closedAt) + (schedule.refundDays ?? 0) * 86_400_000;
  if (powers.lead && fees.status === 'paid' && refundsOpen) {
    forms.push(refundPending ? el('p', { class: 'hint', testid: 'refund-pending' }, t('refundPending')) : refundRequestForm(fees, post, then(t('refundRequested'))));
  }
  if (forms.length) parts.push(el('div', { class: 'columns fee-forms' }, forms));
  return card(parts, { dataset: { feeStatus: fees.status } });
}

/** When and by whom the fee is assessed, and whether pickup waits for payment. */
function scheduleHint(schedule) {
  return [
    t(`feeAssess_${schedule.assessedBy}_${schedule.assessAt}`),
    schedule.payBeforePickup ? t('feePayBeforePickup') : null,
    t('feePaymentLimit', { days: schedule.paymentLimitDays }),
    schedule.stopsClocks ? t('feeStopsClocks') : null,
    schedule.onOverdue === 'terminate' ? t('feeTerminates') : null,
    schedule.refundDays ? t('feeRefundDays', { days: schedule.refundDays }) : null,
  ]
    .filter(Boolean)
    .join(t('sentenceSeparator'));
}

const STRUCK = new Set(['superseded', 'waived', 'cancelled']);

/** Every payment notice, oldest first; one superseded, waived or withdrawn is struck through, with why. */
function noticesTable(notices) {
  return el(
    'table',
    { class: 'table fee-notices', testid: 'fee-notices' },
    el('caption', {}, t('feeNoticesCaption')),
    el('thead', {}, el('tr', {}, [t('noticeNo'), t('status'), t('feeAmount'), t('feeLines'), t('paymentCode'), t('paymentDue'), t('receiptNo')].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      notices.map((n) => {
        const struck = STRUCK.has(n.status);
        const strike = (content) => (struck ? el('s', {}, content) : content);
        return el(
          'tr',
          { class: struck ? 'struck' : '', testid: `fee-notice-${n.noticeNo}`, dataset: { status: n.status, notice: n.noticeNo } },
          el('th', { scope: 'row', class: 'mono' }, strike(n.noticeNo)),
          el(
            'td',
            {},
            el('span', { class: `status notice-${n.status}` }, t(`notice_${n.status}`)),
            n.adjustment ? el('span', { class: 'hint block' }, t('adjustedBy', { officer: n.adjustment.officer.name ?? n.adjustment.officer.id, reason: n.adjustment.reason })) : null,
          ),
          el('td', { class: 'num', testid: 'notice-amount' }, strike(yuan(n.amountFen))),
          el('td', {}, el('ul', { class: 'fee-lines' }, n.lines.map((l) => el('li', {}, t('feeLineText', { name: l.name, quantity: l.quantity, amount: yuan(l.amountFen) }), l.reductionFen ? t('reducedBy', { amount: yuan(l.reductionFen) }) : '')))),
          el('td', { class: 'mono' }, n.paymentCode ? strike(n.paymentCode) : '—'),
          el('td', {}, n.status === 'issued' ? dueDay(n.dueAt) : n.paidAt ? `${t('paidOn')} ${formatInstant(n.paidAt)}` : '—'),
          el('td', { class: 'mono' }, n.receiptNo ?? '—'),
        );
      }),
    ),
  );
}

/** Every refund, oldest first, with its status, who asked and who decided. */
function refundsTable(refunds) {
  return el(
    'table',
    { class: 'table fee-refunds', testid: 'fee-refunds' },
    el('caption', {}, t('feeRefundsCaption')),
    el('thead', {}, el('tr', {}, [t('refundNo'), t('feeAmount'), t('refundReason'), t('status'), t('requestedBy'), t('refundDecidedBy')].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      refunds.map((r) =>
        el(
          'tr',
          { testid: `fee-refund-${r.refundNo}`, dataset: { status: r.status, refund: r.refundNo } },
          el('th', { scope: 'row', class: 'mono' }, r.refundNo),
          el('td', { class: 'num', testid: 'refund-amount' }, yuan(r.amountFen)),
          el('td', {}, r.reason),
          el('td', {}, el('span', { class: `status refund-${r.status}`, testid: 'refund-status' }, t(`refund_${r.status}`)), r.failure ? el('span', { class: 'hint block' }, r.failure) : null),
          el('td', {}, r.requestedBy === 'rule' ? t('requestedByRule') : r.requestedBy, ' · ', formatInstant(r.requestedAt)),
          el('td', {}, r.decidedBy ? `${r.decidedBy} · ${formatInstant(r.decidedAt)}` : '—'),
        ),
      ),
    ),
  );
}

/** How a line is charged, in the page's language: "80.00 元", "每本 10.00 元，首 1 本免收", tiers. */
function standardText(standard) {
  if (standard.type === 'fixed') return yuan(standard.amountFen);
  if (standard.type === 'per_unit') {
    const each = t('perUnit', { unit: standard.unit, amount: yuan(standard.unitFen) });
    return standard.freeUnits ? `${each}${t('freeUnits', { count: standard.freeUnits, unit: standard.unit })}` : each;
  }
  let from = 1;
  return standard.tiers
    .map((tier) => {
      const text = tier.upTo === undefined ? t('tierFrom', { from, unit: standard.unit, amount: yuan(tier.unitFen) }) : t('tierRange', { from, to: tier.upTo, unit: standard.unit, amount: yuan(tier.unitFen) });
      from = (tier.upTo ?? from) + 1;
      return text;
    })
    .join(t('listSeparator'));
}

const basisText = (basis) => [basis.document, basis.article].filter(Boolean).join(' ');

/**
 * The lead window's assessment: each line of the schedule (an optional one with a checkbox, a quantity
 * for a per-unit or tiered one), the reductions the applicant qualifies for, and the amount as the rules
 * will compute it, kept up to date as the officer changes anything.
 */
function assessmentForm(schedule, post, done) {
  const rows = schedule.lines.map((line) => {
    const include = line.optional ? el('input', { type: 'checkbox', name: 'line', value: line.code, testid: `fee-line-${line.code}` }) : null;
    const quantity =
      line.standard.type === 'fixed'
        ? null
        : el('input', {
            type: 'number',
            name: `quantity-${line.code}`,
            min: 0,
            max: 10_000,
            step: 1,
            value: '1',
            required: true,
            inputmode: 'numeric',
            disabled: line.optional,
            'aria-label': t('quantityOf', { line: line.name, unit: line.standard.unit }),
            testid: `fee-quantity-${line.code}`,
          });
    include?.addEventListener('change', () => {
      if (quantity) quantity.disabled = !include.checked;
    });
    const title = `${line.name} · ${standardText(line.standard)}`;
    return {
      line,
      include,
      quantity,
      node: el(
        'div',
        { class: 'fee-line', dataset: { line: line.code } },
        include ? el('label', { class: 'check' }, include, ` ${title}`) : el('p', { class: 'fee-line-title' }, title, ' ', el('span', { class: 'tag fixed-line' }, t('feeLineRequired'))),
        el('p', { class: 'hint' }, t('feeBasis', { basis: basisText(line.basis), payer: line.payer })),
        quantity ? el('label', { class: 'field quantity' }, el('span', { class: 'field-label' }, t('quantity', { unit: line.standard.unit })), quantity) : null,
      ),
    };
  });
  const reductions = schedule.reductions.map((r) => {
    const box = el('input', { type: 'checkbox', name: 'reduction', value: r.code, testid: `fee-reduction-${r.code}` });
    const applies = r.lines ? t('reductionLines', { lines: r.lines.map((code) => schedule.lines.find((l) => l.code === code)?.name ?? code).join('、') }) : t('reductionAllLines');
    return { reduction: r, box, node: el('label', { class: 'check' }, box, ` ${r.name} · ${t('reductionPercent', { percent: r.percent })}${applies}`) };
  });

  const chosen = () => ({
    lines: rows
      .filter((row) => !row.include || row.include.checked)
      .map((row) => ({ code: row.line.code, quantity: row.quantity ? (/^\d+$/.test(row.quantity.value.trim()) ? Number(row.quantity.value.trim()) : NaN) : 1 })),
    reductions: reductions.filter((r) => r.box.checked).map((r) => r.reduction.code),
  });

  const preview = el('div', { class: 'fee-preview', 'aria-live': 'polite', testid: 'fee-preview' });
  const update = () => {
    const result = previewAssessment(schedule, chosen());
    if ('problem' in result) {
      preview.replaceChildren(el('p', {}, t('previewAmount'), ' ', el('strong', { testid: 'fee-preview-amount' }, '—')), el('p', { class: 'hint', testid: 'fee-preview-problem' }, result.problem));
      return;
    }
    preview.replaceChildren(
      el('p', {}, t('previewAmount'), ' ', el('strong', { testid: 'fee-preview-amount', dataset: { fen: String(result.amountFen) } }, yuan(result.amountFen))),
      el(
        'ul',
        { class: 'fee-lines', testid: 'fee-preview-lines' },
        result.lines.map((l) =>
          el(
            'li',
            { dataset: { line: l.code, fen: String(l.amountFen) } },
            t('feeLineText', { name: l.name, quantity: l.quantity, amount: yuan(l.grossFen) }),
            l.reductionFen ? ` − ${yuan(l.reductionFen)} = ${yuan(l.amountFen)}` : '',
          ),
        ),
      ),
    );
  };

  const fields = [
    el('fieldset', { class: 'checklist' }, el('legend', {}, t('feeLinesLegend')), rows.map((row) => row.node)),
    reductions.length ? el('fieldset', { class: 'checklist' }, el('legend', {}, t('reductionsLegend')), reductions.map((r) => r.node)) : null,
    preview,
  ].filter(Boolean);
  const form = actionForm({
    testid: 'fee-assess',
    legend: t('assessLegend'),
    hint: t('assessHint'),
    fields,
    submitLabel: t('assess'),
    onSubmit: () => {
      const assessment = chosen();
      const result = previewAssessment(schedule, assessment);
      if ('problem' in result) throw Object.assign(new Error(result.problem), { status: 400 });
      return post('assessment', assessment);
    },
    done,
  });
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  update();
  return form;
}

/** Yuan typed as text, read as whole fen, or a refusal in the page's language. */
function fenOf(input) {
  const fen = parseYuan(input.value);
  if (fen === null) throw Object.assign(new Error(t('badYuan', { text: input.value.trim() })), { status: 400, code: 'bad_amount' });
  return fen;
}

/** A leader of the lead department waives (0) or reduces the unpaid notice, with a reason. */
function adjustmentForm(current, post, done) {
  const amount = textInput('toYuan', { required: true, inputmode: 'decimal', maxlength: 12, testid: 'fee-adjust-amount' });
  const reason = textArea('reason', { required: true, maxlength: 500, testid: 'fee-adjust-reason' });
  return actionForm({
    testid: 'fee-adjust',
    legend: t('adjustLegend'),
    hint: t('adjustHint', { amount: yuan(current.amountFen), notice: current.noticeNo }),
    fields: [field(t('newAmount'), amount), field(t('reasonRequired'), reason)],
    submitLabel: t('adjust'),
    danger: true,
    onSubmit: () => {
      const toFen = fenOf(amount);
      if (toFen >= current.amountFen) throw Object.assign(new Error(t('adjustNotLess', { amount: yuan(current.amountFen) })), { status: 400 });
      return post('adjustment', { toFen, reason: reason.value.trim() });
    },
    done,
  });
}

/** The lead window asks for a refund of the paid fee, at most what is paid and not refunded, with a reason. */
function refundRequestForm(fees, post, done) {
  const paid = fees.notices.filter((n) => n.status === 'paid').reduce((sum, n) => sum + n.amountFen, 0);
  const left = paid - fees.refunds.filter((r) => r.status !== 'rejected' && r.status !== 'failed').reduce((sum, r) => sum + r.amountFen, 0);
  if (left < 1) return el('p', { class: 'hint', testid: 'refund-none-left' }, t('refundNoneLeft'));
  const amount = textInput('refundYuan', { required: true, inputmode: 'decimal', maxlength: 12, testid: 'fee-refund-amount' });
  const reason = textArea('reason', { required: true, maxlength: 500, testid: 'fee-refund-reason' });
  return actionForm({
    testid: 'fee-refund',
    legend: t('refundLegend'),
    hint: t('refundHint', { amount: yuan(left) }),
    fields: [field(t('refundAmount'), amount), field(t('reasonRequired'), reason)],
    submitLabel: t('requestRefund'),
    onSubmit: () => {
      const amountFen = fenOf(amount);
      if (amountFen < 1 || amountFen > left) throw Object.assign(new Error(t('refundOutOfRange', { amount: yuan(left) })), { status: 400 });
      return post('refunds', { amountFen, reason: reason.value.trim() });
    },
    done,
  });
}

/** A leader who did not ask approves or rejects a requested refund, with an optional note: one form, two buttons. */
function refundDecisionForm(refund, post, show) {
  const note = textInput('note', { maxlength: 500, testid: 'refund-decision-note' });
  const error = el('div', { class: 'form-error', role: 'alert', testid: 'refund-decision-error', hidden: true });
  const approve = el('button', { type: 'submit', class: 'primary', testid: 'refund-approve' }, t('refundApprove'));
  const reject = el('button', { type: 'submit', class: 'danger', testid: 'refund-reject' }, t('refundReject'));
  const form = el(
    'form',
    { class: 'action', testid: 'refund-decision', dataset: { refund: refund.refundNo }, novalidate: true },
    el(
      'fieldset',
      {},
      el('legend', {}, t('refundDecisionLegend', { no: refund.refundNo })),
      el('p', { class: 'hint' }, t('refundDecisionHint', { amount: yuan(refund.amountFen), reason: refund.reason, officer: refund.requestedBy === 'rule' ? t('requestedByRule') : refund.requestedBy })),
      field(t('refundNote'), note),
      el('div', { class: 'actions' }, approve, ' ', reject),
    ),
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const approving = event.submitter !== reject;
    error.hidden = true;
    approve.disabled = reject.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const answer = await post(`refunds/${encodeURIComponent(refund.refundNo)}/decision`, { approve: approving, ...(note.value.trim() ? { note: note.value.trim() } : {}) });
      show(answer, t(approving ? 'refundApproved' : 'refundRejected'));
    } catch (e) {
      approve.disabled = reject.disabled = false;
      showRefusal(error, e);
      // The answer is read out (role="alert"); focus stays on the button to try again.
      (approving ? approve : reject).focus();
    } finally {
      approve.disabled = reject.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  return form;
}

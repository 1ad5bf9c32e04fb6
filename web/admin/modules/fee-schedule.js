// An item's fee schedule (收费标准，核定) in the item form: the fees the workflow assesses and the
// non-tax payment platform collects (db/item-definition.ts `feeSchedule`), apart from the service
// guide's wording of them (`fees`). Off for an item that charges no assessed fee. Amounts are typed in
// yuan with at most two decimals and sent as whole fen, parsed from the text digit by digit (never
// through a float). Every input's data-field is the API's path of its value, so a refusal lands beside
// it: body.feeSchedule.lines.0.standard.amountFen, body.feeSchedule.reductions.1.percent, …

import { el } from '../../workstation/modules/helpers.js';
import { t } from './i18n.js';

/** The most a fee line may come to, in fen (workflows/rules/fees.ts MAX_FEN): ten million yuan. */
const MAX_FEN = 1_000_000_000;
const ASSESS_AT = ['intake', 'decision'];
const ASSESSED_BY = ['rule', 'window'];
const ON_OVERDUE = ['supervise', 'terminate'];
const STANDARDS = ['fixed', 'per_unit', 'tiered'];
const PATH = 'body.feeSchedule';

/**
 * Yuan as typed ("80", "10.5", "0.07") in whole fen (8000, 1050, 7); null for anything else ("10.555",
 * "-1", "abc", "1e3") and undefined for nothing typed. The digits are read as text: no float is involved.
 */
export function yuanToFen(text) {
  const typed = String(text ?? '').trim();
  if (typed === '') return undefined;
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(typed);
  if (!match) return null;
  const whole = match[1].replace(/^0+(?=\d)/, '');
  // More digits than ten million yuan has: too large, and beyond what Number holds exactly.
  if (whole.length > 8) return MAX_FEN + 1;
  return Number(whole) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** Fen as yuan for the form: 8000 "80", 1050 "10.50", 7 "0.07"; "" for none. */
export function fenToYuan(fen) {
  if (!Number.isInteger(fen)) return '';
  const cents = fen % 100;
  return cents === 0 ? String((fen - cents) / 100) : `${(fen - cents) / 100}.${String(cents).padStart(2, '0')}`;
}

const blankLine = () => ({ code: '', name: '', basis: { document: '' }, standard: { type: 'fixed' }, payer: '申请人', optional: false });
const blankSchedule = () => ({
  assessAt: 'decision',
  assessedBy: 'window',
  payBeforePickup: true,
  paymentLimitDays: 15,
  reminderDays: 3,
  onOverdue: 'supervise',
  stopsClocks: false,
  refundDays: 0,
  lines: [blankLine()],
  reductions: [],
});

const num = (value) => (value === '' ? Number.NaN : Number(value));
const text = (root, name) => root.querySelector(`[name="${name}"]`).value.trim();
/** An optional text (basis article) or whole number (free units, a tier's bound): absent when left empty. */
const optionalText = (value) => value || undefined;
const optionalNumber = (value) => (value === '' ? undefined : num(value));
/** As it is sent: the optional values left empty (undefined) are no keys at all. */
const withoutUndefined = (object) => JSON.parse(JSON.stringify(object));

/** A labelled control inside a line or reduction; `partPath` is its value's path below the line (renumber() makes it the data-field). */
function part(partPath, label, control) {
  return el('label', { class: 'field', dataset: { part: partPath } }, el('span', { class: 'field-label' }, label), control);
}

/** A table cell whose refusals are said in it; `partPath` as for part() ('' for the line or reduction as a whole). */
function partCell(partPath, control) {
  return el('td', { dataset: { part: partPath } }, control);
}

const textInput = (name, value, label, attrs = {}) => el('input', { type: 'text', name, value: value ?? '', autocomplete: 'off', 'aria-label': label, ...attrs });

/**
 * The section for `schedule` (undefined: the item charges no assessed fee). `read()` gives the schedule
 * as the form says it (undefined when there is none) and the problems the page finds before sending:
 * { value, problems: [{ field, message }] }.
 */
export function feeScheduleEditor(schedule) {
  // What the form does not show of the schedule it was given is sent back as it was.
  const given = schedule ?? {};
  let on = !!schedule;
  const body = el('div', { class: 'fee-schedule-body' });
  const section = el('fieldset', { class: 'fee-schedule', testid: 'fee-schedule', dataset: { field: PATH } }, el('legend', {}, t('feeSchedule')), body);
  let lines;
  let reductions;

  /** Sets every data-field of the lines and reductions from their places, after rows came or went. */
  const renumber = () => {
    for (const [rows, name] of [
      [lines, 'lines'],
      [reductions, 'reductions'],
    ]) {
      [...rows.children].forEach((row, i) =>
        row.querySelectorAll('[data-part]').forEach((node) => {
          const tier = node.closest('[data-tier]');
          const below = node.dataset.part.replace('{tier}', tier ? [...tier.parentElement.children].indexOf(tier) : 0);
          node.dataset.field = `${PATH}.${name}.${i}${below ? `.${below}` : ''}`;
        }),
      );
    }
  };

  // A line's standard: the type, and the inputs of that type. What is typed is kept while the type
  // changes (the unit is shared by per-unit and tiered), so changing back loses nothing.
  const standardCell = (standard) => {
    const typed = {
      amount: standard.type === 'fixed' ? fenToYuan(standard.amountFen) : '',
      unit: standard.unit ?? '',
      unitPrice: standard.type === 'per_unit' ? fenToYuan(standard.unitFen) : '',
      freeUnits: standard.freeUnits === undefined ? '' : String(standard.freeUnits),
      tiers: standard.type === 'tiered' ? standard.tiers.map((tier) => ({ upTo: tier.upTo === undefined ? '' : String(tier.upTo), price: fenToYuan(tier.unitFen) })) : [{ upTo: '', price: '' }],
    };
    const inputs = el('div', { class: 'fee-standard' });
    const tierRow = (tier) =>
      el(
        'tr',
        { testid: 'fee-tier', dataset: { tier: '' } },
        partCell('standard.tiers.{tier}.upTo', el('input', { type: 'number', name: 'tierUpTo', min: 1, value: tier.upTo, 'aria-label': t('feeTierUpTo') })),
        partCell('standard.tiers.{tier}.unitFen', textInput('tierPrice', tier.price, t('feeUnitPrice'), { inputmode: 'decimal', class: 'money' })),
        el('td', {}, el('button', { type: 'button', onclick: (e) => { e.currentTarget.closest('tr').remove(); renumber(); } }, t('remove'))),
      );
    const keep = () => {
      const value = (name) => inputs.querySelector(`[name="${name}"]`)?.value;
      typed.amount = value('lineAmount') ?? typed.amount;
      typed.unit = value('lineUnit') ?? typed.unit;
      typed.unitPrice = value('lineUnitPrice') ?? typed.unitPrice;
      typed.freeUnits = value('lineFreeUnits') ?? typed.freeUnits;
      const tiers = [...inputs.querySelectorAll('[data-tier]')];
      if (tiers.length) typed.tiers = tiers.map((row) => ({ upTo: row.querySelector('[name="tierUpTo"]').value, price: row.querySelector('[name="tierPrice"]').value }));
    };
    const draw = (type) => {
      const unit = () => part('standard.unit', t('feeUnit'), textInput('lineUnit', typed.unit, undefined, { class: 'short' }));
      if (type === 'fixed') {
        inputs.replaceChildren(part('standard.amountFen', t('feeAmountYuan'), textInput('lineAmount', typed.amount, undefined, { inputmode: 'decimal', class: 'money' })));
      } else if (type === 'per_unit') {
        inputs.replaceChildren(
          unit(),
          part('standard.unitFen', t('feeUnitPrice'), textInput('lineUnitPrice', typed.unitPrice, undefined, { inputmode: 'decimal', class: 'money' })),
          part('standard.freeUnits', t('feeFreeUnits'), el('input', { type: 'number', name: 'lineFreeUnits', min: 0, max: 1000, value: typed.freeUnits })),
        );
      } else {
        const tiers = el('tbody', {}, typed.tiers.map(tierRow));
        inputs.replaceChildren(
          unit(),
          el(
            'div',
            { dataset: { part: 'standard.tiers' } },
            el(
              'table',
              { class: 'table compact', testid: 'fee-tiers' },
              el('thead', {}, el('tr', {}, [t('feeTierUpTo'), t('feeUnitPrice'), ''].map((h) => el('th', { scope: 'col' }, h)))),
              tiers,
            ),
            el('button', { type: 'button', testid: 'add-fee-tier', onclick: () => { tiers.append(tierRow({ upTo: '', price: '' })); renumber(); } }, t('feeAddTier')),
          ),
        );
      }
    };
    const select = el(
      'select',
      { name: 'lineType', 'aria-label': t('feeStandardType'), onchange: () => { keep(); draw(select.value); renumber(); } },
      STANDARDS.map((type) => el('option', { value: type, selected: type === standard.type }, t(`feeStandard_${type}`))),
    );
    draw(standard.type);
    return partCell('standard', [select, inputs]);
  };

  // A line or a reduction is one row; its code and name share a cell, as do its basis's document and
  // article, so the long texts (the names of documents) stay readable.
  const basisCell = (prefix, basis) =>
    el(
      'td',
      {},
      part('basis.document', t('feeBasisDocument'), el('textarea', { name: `${prefix}Document`, rows: 3 }, basis?.document ?? '')),
      part('basis.article', t('feeBasisArticle'), textInput(`${prefix}Article`, basis?.article)),
    );
  const nameCell = (prefix, item, nameLabel) =>
    el('td', {}, part('code', t('feeLineCode'), textInput(`${prefix}Code`, item.code, undefined, { class: 'mono' })), part('name', nameLabel, textInput(`${prefix}Name`, item.name)));
  // A problem with the line or reduction as a whole (a rule-assessed schedule's line that is not fixed) is said here.
  const removeCell = (row) => partCell('', el('button', { type: 'button', onclick: () => { row.remove(); renumber(); } }, t('remove')));

  const lineRow = (line) => {
    const row = el('tr', { testid: 'fee-line' });
    row.append(
      nameCell('line', line, t('feeLineName')),
      basisCell('line', line.basis),
      el(
        'td',
        {},
        part('payer', t('feePayer'), textInput('linePayer', line.payer, undefined, { class: 'short' })),
        el('label', { class: 'check', dataset: { part: 'optional' } }, el('input', { type: 'checkbox', name: 'lineOptional', checked: !!line.optional }), t('feeOptional')),
      ),
      standardCell(line.standard),
      removeCell(row),
    );
    lines.append(row);
  };

  const reductionRow = (reduction) => {
    const row = el('tr', { testid: 'fee-reduction' });
    row.append(
      nameCell('reduction', reduction, t('feeReductionName')),
      basisCell('reduction', reduction.basis),
      partCell('percent', el('input', { type: 'number', name: 'reductionPercent', min: 1, max: 100, value: reduction.percent ?? '', 'aria-label': t('feePercent') })),
      partCell('lines', textInput('reductionLines', (reduction.lines ?? []).join(', '), t('feeReductionLines'), { class: 'mono' })),
      removeCell(row),
    );
    reductions.append(row);
  };

  const setting = (name, label, control) => el('label', { class: 'field', dataset: { field: `${PATH}.${name}` } }, el('span', { class: 'field-label' }, label), control);
  const choice = (name, values, value) =>
    el('select', { name }, values.map((v) => el('option', { value: v, selected: v === value }, t(`${name}_${v}`))));

  const draw = (shown) => {
    on = !!shown;
    if (!on) {
      body.replaceChildren(
        el('p', { class: 'hint', testid: 'no-fee-schedule' }, t('feeScheduleNone')),
        el('button', { type: 'button', testid: 'add-fee-schedule', onclick: () => draw(blankSchedule()) }, t('feeScheduleAdd')),
      );
      return;
    }
    lines = el('tbody', {});
    reductions = el('tbody', {});
    const head = (labels) => el('thead', {}, el('tr', {}, labels.map((h) => el('th', { scope: 'col' }, h))));
    body.replaceChildren(
      el('p', { class: 'hint' }, t('feeScheduleHint')),
      el(
        'div',
        { class: 'grid' },
        setting('assessAt', t('feeAssessAt'), choice('feeAssessAt', ASSESS_AT, shown.assessAt)),
        setting('assessedBy', t('feeAssessedBy'), choice('feeAssessedBy', ASSESSED_BY, shown.assessedBy)),
        setting('paymentLimitDays', t('feePaymentLimitDays'), el('input', { type: 'number', name: 'feePaymentLimitDays', min: 1, max: 60, value: shown.paymentLimitDays })),
        setting('reminderDays', t('feeReminderDays'), el('input', { type: 'number', name: 'feeReminderDays', min: 0, max: 30, value: shown.reminderDays })),
        setting('onOverdue', t('feeOnOverdue'), choice('feeOnOverdue', ON_OVERDUE, shown.onOverdue ?? 'supervise')),
        setting('refundDays', t('feeRefundDays'), el('input', { type: 'number', name: 'feeRefundDays', min: 0, max: 366, value: shown.refundDays ?? 0 })),
        el(
          'label',
          { class: 'check', dataset: { field: `${PATH}.payBeforePickup` } },
          el('input', { type: 'checkbox', name: 'feePayBeforePickup', checked: shown.payBeforePickup !== false }),
          t('feePayBeforePickup'),
        ),
        el(
          'label',
          { class: 'check', dataset: { field: `${PATH}.stopsClocks` } },
          el('input', { type: 'checkbox', name: 'feeStopsClocks', checked: shown.stopsClocks === true }),
          t('feeStopsClocks'),
        ),
      ),
      el(
        'fieldset',
        { dataset: { field: `${PATH}.lines` } },
        el('legend', {}, t('feeLines')),
        el(
          'div',
          { class: 'table-wrap' },
          el(
            'table',
            { class: 'table compact fee-lines', testid: 'fee-lines' },
            head([t('feeLine'), t('feeLineBasis'), t('feePayer'), t('feeStandard'), '']),
            lines,
          ),
        ),
        el('button', { type: 'button', testid: 'add-fee-line', onclick: () => { lineRow(blankLine()); renumber(); } }, t('feeAddLine')),
      ),
      el(
        'fieldset',
        { dataset: { field: `${PATH}.reductions` } },
        el('legend', {}, t('feeReductions')),
        el(
          'div',
          { class: 'table-wrap' },
          el(
            'table',
            { class: 'table compact fee-reductions', testid: 'fee-reductions' },
            head([t('feeReduction'), t('feeLineBasis'), t('feePercent'), t('feeReductionLines'), '']),
            reductions,
          ),
        ),
        el('button', { type: 'button', testid: 'add-fee-reduction', onclick: () => { reductionRow({ code: '', name: '', basis: { document: '' } }); renumber(); } }, t('feeAddReduction')),
      ),
      el('button', { type: 'button', testid: 'remove-fee-schedule', onclick: () => draw(undefined) }, t('feeScheduleRemove')),
    );
    shown.lines.forEach(lineRow);
    shown.reductions.forEach(reductionRow);
    renumber();
  };

  /** The schedule as the form says it. */
  const read = () => {
    if (!on) return { value: undefined, problems: [] };
    const problems = [];
    const value = (name) => body.querySelector(`[name="${name}"]`).value.trim();
    /** Fen from the yuan typed in `input`; a problem beside it (its data-field) if that is not an amount. */
    const fen = (input) => {
      const parsed = yuanToFen(input.value);
      const message = parsed === undefined ? t('feeAmountRequired') : parsed === null ? t('feeAmountInvalid') : parsed > MAX_FEN ? t('feeAmountTooLarge') : undefined;
      if (message) problems.push({ field: input.closest('[data-field]').dataset.field, message });
      return parsed ?? Number.NaN;
    };
    const standardOf = (row) => {
      const type = row.querySelector('[name="lineType"]').value;
      if (type === 'fixed') return { type, amountFen: fen(row.querySelector('[name="lineAmount"]')) };
      if (type === 'per_unit') {
        return { type, unit: text(row, 'lineUnit'), unitFen: fen(row.querySelector('[name="lineUnitPrice"]')), freeUnits: optionalNumber(text(row, 'lineFreeUnits')) };
      }
      return {
        type,
        unit: text(row, 'lineUnit'),
        tiers: [...row.querySelectorAll('[data-tier]')].map((tier) => ({ upTo: optionalNumber(text(tier, 'tierUpTo')), unitFen: fen(tier.querySelector('[name="tierPrice"]')) })),
      };
    };
    const schedule = withoutUndefined({
      ...given,
      assessAt: value('feeAssessAt'),
      assessedBy: value('feeAssessedBy'),
      payBeforePickup: body.querySelector('[name="feePayBeforePickup"]').checked,
      paymentLimitDays: num(value('feePaymentLimitDays')),
      reminderDays: num(value('feeReminderDays')),
      onOverdue: value('feeOnOverdue'),
      stopsClocks: body.querySelector('[name="feeStopsClocks"]').checked,
      refundDays: num(value('feeRefundDays')),
      lines: [...lines.children].map((row) => ({
        code: text(row, 'lineCode'),
        name: text(row, 'lineName'),
        basis: { document: text(row, 'lineDocument'), article: optionalText(text(row, 'lineArticle')) },
        standard: standardOf(row),
        payer: text(row, 'linePayer'),
        optional: row.querySelector('[name="lineOptional"]').checked,
      })),
      reductions: [...reductions.children].map((row) => {
        const codes = text(row, 'reductionLines').split(/[\s,，、]+/).filter(Boolean);
        return {
          code: text(row, 'reductionCode'),
          name: text(row, 'reductionName'),
          basis: { document: text(row, 'reductionDocument'), article: optionalText(text(row, 'reductionArticle')) },
          percent: num(text(row, 'reductionPercent')),
          lines: codes.length ? codes : undefined,
        };
      }),
    });
    return { value: schedule, problems };
  };

  draw(schedule);
  return { element: section, read };
}

/**
 * Fees (行政事业性收费), workflows/rules/fees.ts: the schedule's lines charged for their quantities, the
 * window's assessment (核定) and its payment notice, a leader's waiver or reduction, the payment the
 * platform reports, pickup waiting for payment, and refunds (退费): requested, decided by a leader who
 * did not request them, submitted to the platform and reported refunded. Every amount is whole fen
 * (分), worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { type ApplicationState, type Officer, REFUSALS } from '../../workflows/messages.js';
import {
  type AssessedLine, type FeeAdjustmentUpdate, type FeeAssessment, type FeeAssessmentUpdate, type FeeLine, type FeeNotice,
  type FeePayment, type FeeReduction, type FeeRefund, type FeeSchedule, type FeeStandard, type FeeState, type IssuedFee,
  MAX_FEN, type RefundDecision, type RefundReport, type RefundRequest, adjustmentRefusal, assess, assessmentRefusal,
  TERMINATED_UNPAID, currentNotice, feeAdjusted, feeAssessed, feeCancelled, feeClockResumed, feeOverdue, feePaid,
  feeReminded, grossFen, noticeNo, refundPeriodEnd,
  paymentRecorded, paymentRefusal, reducedLines, refundDecided, refundDecisionRefusal, refundRecorded, refundReportRefusal,
  refundRequestRefusal, refundRequested, refundSubmitted, refundable, refunded, refundsPending, ruleAssessment, settled,
  unassessed, unpaidRefusal
} from '../../workflows/rules/fees.js';
import { resumeClocks } from '../../workflows/rules/clock-stops.js';
import { stepReview } from '../../workflows/rules/review.js';
import {
  DUE, JOINT, LEAD, OTHER_CENTRE, PARTNER, PROMISED, applied, calendar, chiefOf, china, completedApp, endOf, expectEvents,
  inReviewApp, inStep, leaderOf, named, refused, stoppedFor, submittedApp, supervisor, windowOf
} from './fixtures.js';

// ---- the schedules ------------------------------------------------------------------------------

const BASIS = { document: '桂发改收费〔2025〕12号', article: '第三条' };
const line = (code: string, name: string, standard: FeeStandard, optional = false): FeeLine => ({ code, name, basis: BASIS, standard, payer: 'applicant', optional });
const reduction = (code: string, percent: number, lines?: string[]): FeeReduction => ({ code, name: `${code} ${percent}%`, basis: BASIS, percent, lines });

/** 50 yuan for the licence, every application. */
const LICENCE = line('licence', '证照工本费', { type: 'fixed', amountFen: 5000 });
/** 10 yuan a copy, the first free; the window decides whether copies are asked for. */
const COPIES = line('copies', '副本工本费', { type: 'per_unit', unit: '份', unitFen: 1000, freeUnits: 1 }, true);
/** 小微企业 pay nothing for the licence (but still for copies). */
const SMALL_BUSINESS = reduction('small_business', 100, ['licence']);

/** Assessed by the lead window once every department approved; paid before pickup. */
const WINDOW_ASSESSED: FeeSchedule = {
  assessAt: 'decision',
  assessedBy: 'window',
  payBeforePickup: true,
  paymentLimitDays: 5,
  reminderDays: 2,
  onOverdue: 'supervise',
  lines: [LICENCE, COPIES],
  reductions: [SMALL_BUSINESS],
};
/** Fixed lines, assessed by the workflow's rule at intake. */
const RULE_ASSESSED: FeeSchedule = {
  ...WINDOW_ASSESSED,
  assessAt: 'intake',
  assessedBy: 'rule',
  lines: [line('registration', '登记费', { type: 'fixed', amountFen: 2000 }), LICENCE],
  reductions: [],
};

const schedule = (lines: FeeLine[], reductions: FeeReduction[] = []): FeeSchedule => ({ ...WINDOW_ASSESSED, lines, reductions });
const assessment = (lines: Record<string, number>, reductions: string[] = []): FeeAssessment => ({
  lines: Object.entries(lines).map(([code, quantity]) => ({ code, quantity })),
  reductions,
});

// ---- the notices --------------------------------------------------------------------------------

const NO = PROMISED.applicationNo;
const F1 = `${NO}-F1`;
const F2 = `${NO}-F2`;
const F3 = `${NO}-F3`;

/** Assessed Wednesday 24 September at 16:00: 5 working days to pay (Thu 25 … Tue 30, Sun 28 worked), reminded 2 before. */
const ASSESSED_AT = china('2025-09-24 16:00');
const DUE_AT = endOf('2025-09-30');
const REMIND_AT = endOf('2025-09-28');

/** The licence and 3 copies (the first free): 5000 + 2 × 1000 fen. */
const LINES: AssessedLine[] = [
  { code: 'licence', name: '证照工本费', quantity: 1, grossFen: 5000, reductionFen: 0, amountFen: 5000 },
  { code: 'copies', name: '副本工本费', quantity: 3, grossFen: 2000, reductionFen: 0, amountFen: 2000 },
];
const ISSUED: IssuedFee = { noticeNo: F1, paymentCode: '4501002509240000017', amountFen: 7000, lines: LINES, reductions: [] };
/** Reduced to 3500: the licence's share floor(5000 × 3500 / 7000) = 2500, the copies the remaining 1000. */
const REDUCED: IssuedFee = {
  noticeNo: F2,
  paymentCode: '4501002509260000042',
  amountFen: 3500,
  lines: [
    { ...LINES[0], reductionFen: 2500, amountFen: 2500 },
    { ...LINES[1], reductionFen: 1000, amountFen: 1000 },
  ],
  reductions: [],
};

const notice = (issued: IssuedFee, status: FeeNotice['status'], more: Partial<FeeNotice> = {}): FeeNotice => ({
  ...issued,
  issuedAt: ASSESSED_AT,
  dueAt: DUE_AT,
  status,
  assessedBy: windowOf(),
  ...more,
});
/** The fee assessed and not paid, with these notices. */
const owing = (notices: FeeNotice[] = [notice(ISSUED, 'issued')], more: Partial<FeeState> = {}): FeeState => ({
  status: 'awaiting_payment',
  notices,
  payments: [],
  adjustments: [],
  dueAt: DUE_AT,
  remindAt: REMIND_AT,
  refunds: [],
  ...more,
});
/** A completed application (办结) of an item that charges a fee. */
const withFees = (fees: FeeState = unassessed(), app: ApplicationState = completedApp()): ApplicationState => ({ ...app, fees });
/** An item that charges nothing, or an application submitted before fees: its state has none. */
const NO_FEES = completedApp();

// ---- grossFen -----------------------------------------------------------------------------------

describe('grossFen: a line before reductions', () => {
  it.each(named([
    { case: 'none', quantity: 0, fen: 0 },
    { case: 'one', quantity: 1, fen: 5000 },
    { case: 'three', quantity: 3, fen: 15000 },
  ]))('a fixed amount is charged per item: %s', (_, { quantity, fen }) => {
    expect(grossFen({ type: 'fixed', amountFen: 5000 }, quantity)).toBe(fen);
  });

  it.each(named([
    { case: 'no unit', quantity: 0, fen: 0 },
    { case: 'the free unit', quantity: 1, fen: 0 },
    { case: 'three units, the first free', quantity: 3, fen: 2000 },
  ]))('per unit, the first free: %s', (_, { quantity, fen }) => {
    expect(grossFen({ type: 'per_unit', unit: '份', unitFen: 1000, freeUnits: 1 }, quantity)).toBe(fen);
  });

  it('charges every unit when none is free', () => {
    expect(grossFen({ type: 'per_unit', unit: '份', unitFen: 1000 }, 3)).toBe(3000);
  });

  it.each(named([
    { case: 'nothing', quantity: 0, fen: 0 },
    { case: '5 units, all in the first tier', quantity: 5, fen: 5 * 100 },
    { case: '10 units, the first tier full', quantity: 10, fen: 10 * 100 },
    { case: 'the 11th unit at the second tier’s price', quantity: 11, fen: 10 * 100 + 1 * 50 },
    { case: '100 units, the second tier full', quantity: 100, fen: 10 * 100 + 90 * 50 },
    { case: '150 units, 50 in the open last tier', quantity: 150, fen: 10 * 100 + 90 * 50 + 50 * 10 },
  ]))('tiers are marginal: %s', (_, { quantity, fen }) => {
    const tiers = [{ upTo: 10, unitFen: 100 }, { upTo: 100, unitFen: 50 }, { unitFen: 10 }];
    expect(grossFen({ type: 'tiered', unit: '平方米', tiers }, quantity)).toBe(fen);
  });
});

// ---- assess -------------------------------------------------------------------------------------

describe('assess: what the window’s assessment owes under the schedule', () => {
  it('charges each line for its quantity and adds the lines up', () => {
    expect(assess(WINDOW_ASSESSED, assessment({ licence: 1, copies: 3 }))).toEqual({ lines: LINES, amountFen: 7000 });
  });

  it('leaves out an optional line the window did not assess', () => {
    expect(assess(WINDOW_ASSESSED, assessment({ licence: 1 }))).toEqual({ lines: [LINES[0]], amountFen: 5000 });
  });

  it('accepts the largest quantity, 10000', () => {
    // 9999 copies charged (the first free) at 1000 fen, and the licence.
    expect(assess(WINDOW_ASSESSED, assessment({ licence: 1, copies: 10_000 }))).toMatchObject({ amountFen: 9_999_000 + 5000 });
  });

  describe('reductions, in per cent of each line they apply to', () => {
    const HALF = reduction('half', 50);
    const THIRD = reduction('third', 33);
    const COPIES_FIFTH = reduction('copies_fifth', 20, ['copies']);
    const reducing = schedule([LICENCE, COPIES], [SMALL_BUSINESS, HALF, THIRD, COPIES_FIFTH]);

    it.each(named([
      { case: '100 % exempts the licence and leaves the copies it is not limited to', reductions: ['small_business'], licence: 5000, copies: 0 },
      { case: '50 % on every line', reductions: ['half'], licence: 2500, copies: 1000 },
      { case: 'two reductions add up (50 % + 33 % = 83 %)', reductions: ['half', 'third'], licence: 4150, copies: 1660 },
      { case: 'a reduction limited to the copies adds up only there (50 %, and 70 % on the copies)', reductions: ['half', 'copies_fifth'], licence: 2500, copies: 1400 },
      { case: 'reductions that add up past 100 % take off the whole line, no more', reductions: ['half', 'small_business'], licence: 5000, copies: 1000 },
    ]))('%s', (_, { reductions, licence, copies }) => {
      const result = assess(reducing, assessment({ licence: 1, copies: 3 }, reductions));
      expect(result).toEqual({
        lines: [
          { ...LINES[0], reductionFen: licence, amountFen: 5000 - licence },
          { ...LINES[1], reductionFen: copies, amountFen: 2000 - copies },
        ],
        amountFen: 7000 - licence - copies,
      });
    });

    it.each(named([
      { case: '33 % of 1001 fen takes off 330 (not 330.33)', grossFen: 1001, reductionFen: 330 },
      { case: '33 % of 1 fen takes off nothing', grossFen: 1, reductionFen: 0 },
      { case: '33 % of 300 fen takes off exactly 99', grossFen: 300, reductionFen: 99 },
    ]))('rounds the reduction down to whole fen: %s', (_, { grossFen, reductionFen }) => {
      const odd = schedule([line('odd', '奇数费', { type: 'fixed', amountFen: grossFen })], [THIRD]);
      expect(assess(odd, assessment({ odd: 1 }, ['third']))).toEqual({
        lines: [{ code: 'odd', name: '奇数费', quantity: 1, grossFen, reductionFen, amountFen: grossFen - reductionFen }],
        amountFen: grossFen - reductionFen,
      });
    });
  });

  it.each(named([
    { case: 'a line the schedule does not have', assessment: assessment({ licence: 1, stamp: 1 }), problem: 'the schedule has no fee line stamp' },
    { case: 'a reduction the schedule does not have', assessment: assessment({ licence: 1 }, ['veteran']), problem: 'the schedule has no reduction veteran' },
    {
      case: 'a line assessed twice',
      assessment: { lines: [{ code: 'licence', quantity: 1 }, { code: 'licence', quantity: 2 }], reductions: [] },
      problem: 'fee line licence is assessed twice',
    },
    { case: 'a quantity that is not whole', assessment: assessment({ licence: 1, copies: 1.5 }), problem: 'the quantity of copies must be a whole number from 0 to 10000' },
    { case: 'a negative quantity', assessment: assessment({ licence: 1, copies: -1 }), problem: 'the quantity of copies must be a whole number from 0 to 10000' },
    { case: 'a quantity over 10000', assessment: assessment({ licence: 1, copies: 10_001 }), problem: 'the quantity of copies must be a whole number from 0 to 10000' },
    { case: 'a line every application pays left out', assessment: assessment({ copies: 2 }), problem: 'fee line licence (证照工本费) applies to every application: assess it' },
    { case: 'a reduction claimed twice', assessment: assessment({ licence: 1 }, ['small_business', 'small_business']), problem: 'a reduction is applied twice' },
  ]))('refuses %s', (_, { assessment, problem }) => {
    expect(assess(WINDOW_ASSESSED, assessment)).toEqual({ problem });
  });

  it('refuses a fee above the ceiling of MAX_FEN (ten million yuan)', () => {
    const dear = schedule([line('dear', '高额费', { type: 'fixed', amountFen: 100_000_001 })]);
    expect(assess(dear, assessment({ dear: 10 }))).toEqual({ problem: 'the fee comes to 1000000010 fen, more than 1000000000' });
  });

  it('accepts a fee of exactly MAX_FEN', () => {
    const dear = schedule([line('dear', '高额费', { type: 'fixed', amountFen: 100_000_000 })]);
    expect(MAX_FEN).toBe(1_000_000_000);
    expect(assess(dear, assessment({ dear: 10 }))).toMatchObject({ amountFen: 1_000_000_000 });
  });
});

// ---- reducedLines -------------------------------------------------------------------------------

describe('reducedLines: a leader’s reduction shared over the lines in proportion, the fen left over by largest remainder', () => {
  const assessed = (code: string, grossFen: number, amountFen = grossFen): AssessedLine => ({ code, name: code, quantity: 1, grossFen, reductionFen: grossFen - amountFen, amountFen });

  it('shares 1000 over 3333/3333/3334 as 333/333/334', () => {
    const lines = [assessed('a', 3333), assessed('b', 3333), assessed('c', 3334)];
    expect(reducedLines(lines, 1000)).toEqual([assessed('a', 3333, 333), assessed('b', 3333, 333), assessed('c', 3334, 334)]);
  });

  it('puts the whole reduced amount on a single line', () => {
    expect(reducedLines([assessed('licence', 7000)], 2500)).toEqual([assessed('licence', 7000, 2500)]);
  });

  it('shares by what each line owes now, and counts the reduction from the line before any', () => {
    // Owed 2500 + 2000 = 4500 after an earlier 50 % off the licence; to 1000: 555.56 and 444.44, so 555 and 444,
    // and the fen left over to the larger remainder, the licence's.
    const lines = [assessed('licence', 5000, 2500), assessed('copies', 2000)];
    expect(reducedLines(lines, 1000)).toEqual([assessed('licence', 5000, 556), assessed('copies', 2000, 444)]);
  });

  it('reduces the notice’s lines to the reduced notice’s', () => {
    expect(reducedLines(LINES, 3500)).toEqual(REDUCED.lines);
  });

  it.each([0, 1, 2, 999, 3500, 6999])('makes 3333/3333/3334 add up to exactly %i, each reduction its gross less its amount', (toFen) => {
    const lines = reducedLines([assessed('a', 3333), assessed('b', 3333), assessed('c', 3334)], toFen);
    expect(lines.reduce((sum, l) => sum + l.amountFen, 0)).toBe(toFen);
    for (const l of lines) {
      expect(Number.isInteger(l.amountFen)).toBe(true);
      expect(l.reductionFen).toBe(l.grossFen - l.amountFen);
    }
  });

  it('never charges a line more than it owes: 1/1/1 fen reduced to 2', () => {
    const lines = reducedLines([assessed('a', 1), assessed('b', 1), assessed('c', 1)], 2);
    expect(lines.map((l) => [l.amountFen, l.reductionFen])).toEqual([[1, 0], [1, 0], [0, 1]]);
  });

  it('leaves the lines it was given as they were', () => {
    const lines = structuredClone(LINES);
    reducedLines(lines, 1);
    expect(lines).toEqual(LINES);
  });
});

// ---- ruleAssessment, noticeNo, settled, currentNotice -------------------------------------------

describe('ruleAssessment: a rule-assessed schedule charges every line once, without reductions', () => {
  it('assesses each line of the schedule with quantity 1', () => {
    expect(ruleAssessment(RULE_ASSESSED)).toEqual({ lines: [{ code: 'registration', quantity: 1 }, { code: 'licence', quantity: 1 }], reductions: [] });
  });

  it('comes to the sum of the fixed lines', () => {
    expect(assess(RULE_ASSESSED, ruleAssessment(RULE_ASSESSED))).toMatchObject({ amountFen: 2000 + 5000 });
  });
});

describe('noticeNo: <applicationNo>-F1, -F2 … in the order issued', () => {
  it.each([
    [0, '450100-20250922-0001-F1'],
    [1, '450100-20250922-0001-F2'],
    [9, '450100-20250922-0001-F10'],
  ])('the notice at index %i is %s', (index, expected) => expect(noticeNo('450100-20250922-0001', index)).toBe(expected));
});

describe('settled: nothing more is owed', () => {
  it.each<[string, FeeState | undefined, boolean]>([
    ['no fees at all', undefined, true],
    ['awaiting assessment', unassessed(), false],
    ['awaiting payment', owing(), false],
    ['paid', owing([notice(ISSUED, 'paid')], { status: 'paid' }), true],
    ['waived', owing([notice(ISSUED, 'waived')], { status: 'waived' }), true],
    ['cancelled', owing([notice(ISSUED, 'cancelled')], { status: 'cancelled' }), true],
  ])('%s: %s', (_, fees, expected) => expect(settled(fees)).toBe(expected));
});

describe('currentNotice: the last notice issued or paid', () => {
  const f1 = notice(ISSUED, 'issued');
  const f2 = notice(REDUCED, 'issued');

  it.each(named([
    { case: 'none before the assessment', notices: [], current: undefined },
    { case: 'the one issued', notices: [f1], current: f1 },
    { case: 'the one paid', notices: [{ ...f1, status: 'paid' as const }], current: { ...f1, status: 'paid' } },
    { case: 'the reduced one, not the one it superseded', notices: [{ ...f1, status: 'superseded' as const }, f2], current: f2 },
    { case: 'none once waived', notices: [{ ...f1, status: 'waived' as const }], current: undefined },
    { case: 'none once cancelled', notices: [{ ...f1, status: 'superseded' as const }, { ...f2, status: 'cancelled' as const }], current: undefined },
  ]))('%s', (_, { notices, current }) => {
    expect(currentNotice(owing(notices))).toEqual(current);
  });
});

// ---- the assessment -----------------------------------------------------------------------------

describe('assessmentRefusal: the lead window assesses a window-assessed fee once, when it is due', () => {
  const app = withFees();
  const update = (officer: Officer = windowOf(), more: Partial<FeeAssessmentUpdate> = {}): FeeAssessmentUpdate => ({
    officer,
    assessment: assessment({ licence: 1, copies: 3 }),
    notice: ISSUED,
    ...more,
  });
  const withNotice = (patch: Partial<IssuedFee>) => update(windowOf(), { notice: { ...ISSUED, ...patch } });
  const intake: FeeSchedule = { ...WINDOW_ASSESSED, assessAt: 'intake' };

  it.each(named([
    { case: 'an item without a fee schedule', app, schedule: undefined, update: update(), type: REFUSALS.noFees, part: 'Item restaurant-opening charges no fee' },
    { case: 'an application without fees', app: NO_FEES, schedule: WINDOW_ASSESSED, update: update(), type: REFUSALS.noFees, part: 'Item restaurant-opening charges no fee' },
    { case: 'a rule-assessed fee', app, schedule: RULE_ASSESSED, update: update(), type: REFUSALS.feeNotAssessable, part: "Item restaurant-opening's fee is fixed and assessed by its rule" },
    { case: 'a fee due at the decision, while in review', app: withFees(unassessed(), inReviewApp(PROMISED)), schedule: WINDOW_ASSESSED, update: update(), type: REFUSALS.feeNotAssessable, part: `The fee is assessed at decision; application ${NO} is in_review` },
    { case: 'a fee due at intake, before intake', app: withFees(unassessed(), submittedApp(PROMISED)), schedule: intake, update: update(), type: REFUSALS.feeNotAssessable, part: `The fee is assessed at intake; application ${NO} is submitted` },
    { case: 'a rejected application', app: withFees(unassessed(), inStep('rejected', PROMISED)), schedule: intake, update: update(), type: REFUSALS.feeNotAssessable, part: 'is rejected' },
    { case: 'a fee already assessed', app: withFees(owing()), schedule: WINDOW_ASSESSED, update: update(), type: REFUSALS.feeNotAssessable, part: `The fee of ${NO} is already assessed (awaiting_payment); a leader may reduce or waive it` },
    { case: "a reviewing department's window", app, schedule: WINDOW_ASSESSED, update: update(windowOf(PARTNER)), type: REFUSALS.notAuthorised, part: 'cannot act for market_regulation' },
    { case: "the lead department's window at another centre", app, schedule: WINDOW_ASSESSED, update: update(windowOf(LEAD, OTHER_CENTRE)), type: REFUSALS.notAuthorised, part: 'cannot act at centre 450100' },
    { case: 'a supervisor', app, schedule: WINDOW_ASSESSED, update: update(supervisor), type: REFUSALS.notAuthorised, part: "does not work at a department's window" },
    { case: 'an assessment the schedule cannot give', app, schedule: WINDOW_ASSESSED, update: update(windowOf(), { assessment: assessment({ copies: 3 }) }), type: REFUSALS.feeNotAssessable, part: 'fee line licence (证照工本费) applies to every application' },
    { case: 'a notice that is not the next', app, schedule: WINDOW_ASSESSED, update: withNotice({ noticeNo: F2 }), type: REFUSALS.feeNotAssessable, part: `The next payment notice is ${F1}, not ${F2}` },
    { case: 'a notice for another amount than the schedule’s', app, schedule: WINDOW_ASSESSED, update: withNotice({ amountFen: 6000 }), type: REFUSALS.feeNotAssessable, part: 'The notice is for 6000 fen; it should be 7000' },
    { case: 'an amount without its payment code', app, schedule: WINDOW_ASSESSED, update: withNotice({ paymentCode: undefined }), type: REFUSALS.feeNotAssessable, part: 'A notice with an amount carries its payment code' },
  ]))('refuses %s', (_, { app, schedule, update, type, part }) => {
    expect(assessmentRefusal(app, schedule, update)).toEqual(refused(type, part));
  });

  it.each(named([
    { case: 'a wrong stage, before authority', app: withFees(unassessed(), inReviewApp(PROMISED)), update: update(supervisor), type: REFUSALS.feeNotAssessable },
    { case: 'authority, before the assessment', app, update: update(supervisor, { assessment: assessment({ stamp: 1 }) }), type: REFUSALS.notAuthorised },
  ]))('reports %s', (_, { app, update, type }) => {
    expect(assessmentRefusal(app, WINDOW_ASSESSED, update)?.type).toBe(type);
  });

  it.each(named([
    { case: 'window officer', officer: windowOf() },
    { case: 'chief representative', officer: chiefOf() },
    { case: 'leader', officer: leaderOf() },
  ]))("lets the lead department's %s assess a fee due at the decision", (_, { officer }) => {
    expect(assessmentRefusal(app, WINDOW_ASSESSED, update(officer))).toBeUndefined();
  });

  it.each(named([
    { case: 'in review', app: withFees(unassessed(), inReviewApp(PROMISED)) },
    { case: 'completed', app },
  ]))('lets a fee due at intake be assessed once accepted: %s', (_, { app }) => {
    expect(assessmentRefusal(app, intake, update())).toBeUndefined();
  });

  it('takes a notice of 0 fen (the licence exempt) without a payment code', () => {
    const free = update(windowOf(), {
      assessment: assessment({ licence: 1 }, ['small_business']),
      notice: { noticeNo: F1, amountFen: 0, lines: [{ ...LINES[0], reductionFen: 5000, amountFen: 0 }], reductions: ['small_business'] },
    });
    expect(assessmentRefusal(app, WINDOW_ASSESSED, free)).toBeUndefined();
  });
});

describe('feeAssessed: the notice is issued and the fee awaits payment', () => {
  const app = withFees();
  const at = ASSESSED_AT;

  it('adds the notice, due at dueAt, and awaits payment with its reminder', () => {
    const result = applied(app, (a) => feeAssessed(a, ISSUED, windowOf(), DUE_AT, REMIND_AT, at));
    expect(result.state).toEqual({
      ...app,
      fees: { status: 'awaiting_payment', notices: [notice(ISSUED, 'issued')], payments: [], adjustments: [], refunds: [], dueAt: DUE_AT, remindAt: REMIND_AT },
      seq: app.seq + 1,
    });
    expectEvents(result, app, at, [{ type: 'fee_assessed', actor: windowOf(), data: { noticeNo: F1, amountFen: 7000, paymentCode: ISSUED.paymentCode, dueAt: DUE_AT } }]);
  });

  it('records the rule as the assessor, with no actor, and no reminder when there is none', () => {
    const result = applied(app, (a) => feeAssessed(a, ISSUED, 'rule', DUE_AT, undefined, at));
    expect(result.state.fees).toEqual(owing([notice(ISSUED, 'issued', { assessedBy: 'rule' })], { remindAt: undefined }));
    expect(result.events[0].actor).toBeUndefined();
    expectEvents(result, app, at, [{ type: 'fee_assessed', data: { noticeNo: F1, amountFen: 7000, paymentCode: ISSUED.paymentCode, dueAt: DUE_AT } }]);
  });

  it('waives a fee that comes to 0 fen: nothing to pay, no deadline', () => {
    const free: IssuedFee = { noticeNo: F1, amountFen: 0, lines: [{ ...LINES[0], reductionFen: 5000, amountFen: 0 }], reductions: ['small_business'] };
    const result = applied(app, (a) => feeAssessed(a, free, windowOf(), DUE_AT, REMIND_AT, at));
    expect(result.state.fees).toEqual({ status: 'waived', notices: [notice(free, 'waived')], payments: [], adjustments: [], refunds: [] });
    expect(result.state.fees).not.toHaveProperty('dueAt');
    expect(result.state.fees).not.toHaveProperty('remindAt');
    expectEvents(result, app, at, [{ type: 'fee_assessed', actor: windowOf(), data: { noticeNo: F1, amountFen: 0, paymentCode: undefined, dueAt: DUE_AT } }]);
  });
});

// ---- a leader's waiver or reduction -------------------------------------------------------------

const REASON = '受灾企业，经集体研究减收';
const ADJUSTED_AT = china('2025-09-26 10:00');
/** The reduced notice's own deadline: 5 working days from Friday 26 (Sun 28 worked, 1–8 October off). */
const NEW_DUE_AT = endOf('2025-10-10');
const NEW_REMIND_AT = endOf('2025-09-30');

const waiver = (officer: Officer = leaderOf(), reason = REASON): FeeAdjustmentUpdate => ({ officer, reason, toFen: 0 });
const reductionTo = (toFen: number, notice: IssuedFee | undefined = REDUCED, officer: Officer = leaderOf()): FeeAdjustmentUpdate => ({ officer, reason: REASON, toFen, notice });

describe('adjustmentRefusal: a leader of the lead department waives or reduces an unpaid fee, with a reason', () => {
  const app = withFees(owing());

  it.each(named([
    { case: 'an application without fees', app: NO_FEES, update: waiver(), type: REFUSALS.noFees, part: 'Item restaurant-opening charges no fee' },
    { case: "the lead department's chief representative", app, update: waiver(chiefOf()), type: REFUSALS.notAuthorised, part: 'only a leader of market_regulation may waive or reduce a fee; chief_representative/market_regulation/450100 is a chief_representative' },
    { case: "the lead department's window officer", app, update: waiver(windowOf()), type: REFUSALS.notAuthorised, part: 'is a window_officer' },
    { case: 'a leader of a reviewing department', app, update: waiver(leaderOf(PARTNER)), type: REFUSALS.notAuthorised, part: 'cannot act for market_regulation' },
    { case: "the lead department's leader at another centre", app, update: waiver(leaderOf(LEAD, OTHER_CENTRE)), type: REFUSALS.notAuthorised, part: 'cannot act at centre 450100' },
    { case: 'a supervisor', app, update: waiver(supervisor), type: REFUSALS.notAuthorised, part: "does not work at a department's window" },
    { case: 'a fee not assessed yet', app: withFees(), update: waiver(), type: REFUSALS.feeNotAssessable, part: `Only an unpaid assessed fee can be waived or reduced; the fee of ${NO} is awaiting_assessment` },
    { case: 'a paid fee', app: withFees(owing([notice(ISSUED, 'paid')], { status: 'paid' })), update: waiver(), type: REFUSALS.feeNotAssessable, part: `the fee of ${NO} is paid` },
    { case: 'a waived fee', app: withFees(owing([notice(ISSUED, 'waived')], { status: 'waived' })), update: waiver(), type: REFUSALS.feeNotAssessable, part: `the fee of ${NO} is waived` },
    { case: 'a cancelled fee', app: withFees(owing([notice(ISSUED, 'cancelled')], { status: 'cancelled' })), update: waiver(), type: REFUSALS.feeNotAssessable, part: `the fee of ${NO} is cancelled` },
    { case: 'a negative amount', app, update: { ...waiver(), toFen: -5 }, type: REFUSALS.feeNotAssessable, part: 'a whole number of fen from 0' },
    { case: 'a waiver with a notice', app, update: { ...waiver(), notice: REDUCED }, type: REFUSALS.feeNotAssessable, part: 'A waiver issues no notice' },
    { case: 'a reduction whose lines are not the shared ones', app, update: reductionTo(3500, { ...REDUCED, lines: LINES }), type: REFUSALS.feeNotAssessable, part: 'lines are not the assessed ones' },
    { case: 'a waiver without a reason', app, update: waiver(leaderOf(), '  '), type: REFUSALS.missingReason, part: 'A waiver or reduction needs a reason' },
    { case: 'a "reduction" to the current amount', app, update: reductionTo(7000, { ...REDUCED, amountFen: 7000 }), type: REFUSALS.feeNotAssessable, part: 'A reduction must come below the current 7000 fen' },
    { case: 'a "reduction" above the current amount', app, update: reductionTo(8000, { ...REDUCED, amountFen: 8000 }), type: REFUSALS.feeNotAssessable, part: 'A reduction must come below the current 7000 fen' },
    { case: 'a reduction without its new notice', app, update: { ...reductionTo(3500), notice: undefined }, type: REFUSALS.feeNotAssessable, part: 'A reduction carries its new payment notice' },
    { case: 'a new notice that is not the next', app, update: reductionTo(3500, { ...REDUCED, noticeNo: F1 }), type: REFUSALS.feeNotAssessable, part: `The next payment notice is ${F2}, not ${F1}` },
    { case: 'a new notice for another amount', app, update: reductionTo(3500, { ...REDUCED, amountFen: 3000 }), type: REFUSALS.feeNotAssessable, part: 'The notice is for 3000 fen' },
    { case: 'a new notice without its payment code', app, update: reductionTo(3500, { ...REDUCED, paymentCode: undefined }), type: REFUSALS.feeNotAssessable, part: 'A notice with an amount carries its payment code' },
  ]))('refuses %s', (_, { app, update, type, part }) => {
    expect(adjustmentRefusal(app, update)).toEqual(refused(type, part));
  });

  it.each(named([
    { case: 'authority, before the fee’s status', app: withFees(), update: waiver(chiefOf()), type: REFUSALS.notAuthorised },
    { case: 'the fee’s status, before the reason', app: withFees(), update: waiver(leaderOf(), ''), type: REFUSALS.feeNotAssessable },
  ]))('reports %s', (_, { app, update, type }) => {
    expect(adjustmentRefusal(app, update)?.type).toBe(type);
  });

  it('lets the leader waive the fee, without a new notice', () => {
    expect(adjustmentRefusal(app, waiver())).toBeUndefined();
  });

  it('lets the leader reduce the fee with its new notice', () => {
    expect(adjustmentRefusal(app, reductionTo(3500))).toBeUndefined();
  });

  it('lets the leader reduce a reduced fee again, below the reduced amount, with the third notice', () => {
    const reduced = withFees(owing([notice(ISSUED, 'superseded'), notice(REDUCED, 'issued')]));
    const third: IssuedFee = { ...REDUCED, noticeNo: F3, paymentCode: '4501002509290000077', amountFen: 1000, lines: reducedLines(REDUCED.lines, 1000) };
    expect(adjustmentRefusal(reduced, reductionTo(1000, third))).toBeUndefined();
    expect(adjustmentRefusal(reduced, reductionTo(3500, { ...third, amountFen: 3500 }))).toEqual(refused(REFUSALS.feeNotAssessable, 'below the current 3500 fen'));
  });
});

describe('feeAdjusted: the current notice waived, or superseded by the reduced one', () => {
  const at = ADJUSTED_AT;

  it('waives the current notice and the fee, recording the adjustment', () => {
    const app = withFees(owing());
    const result = applied(app, (a) => feeAdjusted(a, waiver(), NEW_DUE_AT, NEW_REMIND_AT, at));
    const adjustment = { officer: leaderOf(), reason: REASON, fromFen: 7000, toFen: 0, at };
    expect(result.state.fees).toEqual(owing([notice(ISSUED, 'waived', { adjustment })], { status: 'waived', adjustments: [adjustment] }));
    expectEvents(result, app, at, [{ type: 'fee_waived', actor: leaderOf(), data: { fromFen: 7000, toFen: 0, reason: REASON, noticeNo: undefined } }]);
  });

  it('supersedes the current notice with the reduced one, with its own deadline, reminder not yet sent and not overdue', () => {
    const app = withFees(owing([notice(ISSUED, 'issued')], { remindedAt: REMIND_AT, overdueAt: DUE_AT }));
    const result = applied(app, (a) => feeAdjusted(a, reductionTo(3500), NEW_DUE_AT, NEW_REMIND_AT, at));
    const adjustment = { officer: leaderOf(), reason: REASON, fromFen: 7000, toFen: 3500, at };
    expect(result.state.fees).toEqual({
      status: 'awaiting_payment',
      notices: [notice(ISSUED, 'superseded', { adjustment }), notice(REDUCED, 'issued', { issuedAt: at, dueAt: NEW_DUE_AT, assessedBy: leaderOf() })],
      payments: [],
      adjustments: [adjustment],
      refunds: [],
      dueAt: NEW_DUE_AT,
      remindAt: NEW_REMIND_AT,
      remindedAt: undefined,
      overdueAt: undefined,
    });
    expect(currentNotice(result.state.fees!)?.noticeNo).toBe(F2);
    expectEvents(result, app, at, [{ type: 'fee_reduced', actor: leaderOf(), data: { fromFen: 7000, toFen: 3500, reason: REASON, noticeNo: F2 } }]);
  });

  it('adjusts only the current notice of a reduced fee, and keeps the earlier adjustments', () => {
    const first = { officer: leaderOf(), reason: REASON, fromFen: 7000, toFen: 3500, at: china('2025-09-25 09:00') };
    const superseded = notice(ISSUED, 'superseded', { adjustment: first });
    const app = withFees(owing([superseded, notice(REDUCED, 'issued')], { adjustments: [first] }));
    const { state } = applied(app, (a) => feeAdjusted(a, waiver(), NEW_DUE_AT, NEW_REMIND_AT, at));
    const second = { officer: leaderOf(), reason: REASON, fromFen: 3500, toFen: 0, at };
    expect(state.fees!.notices).toEqual([superseded, notice(REDUCED, 'waived', { adjustment: second })]);
    expect(state.fees!.adjustments).toEqual([first, second]);
    expect(state.fees!.status).toBe('waived');
  });
});

// ---- payment ------------------------------------------------------------------------------------

const PAID_AT = china('2025-09-25 11:00');
const payment = (more: Partial<FeePayment> = {}): FeePayment => ({
  paymentId: 'PAY-20250925-0001',
  noticeNo: F1,
  amountFen: 7000,
  paidAt: PAID_AT,
  receiptNo: '45010125000012345',
  channel: 'wechat',
  ...more,
});

describe('paymentRefusal: a payment is taken for the current, unpaid notice, for exactly its amount', () => {
  const app = withFees(owing());
  const paidBy = (p: FeePayment, notices = [notice(ISSUED, 'paid')]) => withFees(owing(notices, { status: 'paid', payments: [p] }));

  it.each(named([
    { case: 'an application without fees', app: NO_FEES, payment: payment(), type: REFUSALS.noFees, part: 'Item restaurant-opening charges no fee' },
    { case: 'a notice the application does not have', app, payment: payment({ noticeNo: `${NO}-F9` }), type: REFUSALS.unknownNotice, part: `Application ${NO} has no payment notice ${NO}-F9` },
    { case: 'a superseded notice', app: withFees(owing([notice(ISSUED, 'superseded'), notice(REDUCED, 'issued')])), payment: payment(), type: REFUSALS.noticeNotPayable, part: `Notice ${F1} was superseded and is not payable` },
    { case: 'a waived notice', app: withFees(owing([notice(ISSUED, 'waived')], { status: 'waived' })), payment: payment(), type: REFUSALS.noticeNotPayable, part: `Notice ${F1} was waived and is not payable` },
    { case: 'a notice paid by another payment', app: paidBy(payment({ paymentId: 'PAY-20250925-0000' })), payment: payment(), type: REFUSALS.noticeNotPayable, part: `Notice ${F1} is already paid (by another payment)` },
    { case: 'less than the notice', app, payment: payment({ amountFen: 6999 }), type: REFUSALS.amountMismatch, part: `Paid 6999 fen; notice ${F1} is for 7000 fen` },
    { case: 'more than the notice', app, payment: payment({ amountFen: 7001 }), type: REFUSALS.amountMismatch, part: `Paid 7001 fen; notice ${F1} is for 7000 fen` },
    { case: 'the amount of the superseded notice for the reduced one', app: withFees(owing([notice(ISSUED, 'superseded'), notice(REDUCED, 'issued')])), payment: payment({ noticeNo: F2 }), type: REFUSALS.amountMismatch, part: `Paid 7000 fen; notice ${F2} is for 3500 fen` },
  ]))('refuses %s', (_, { app, payment, type, part }) => {
    expect(paymentRefusal(app, payment)).toEqual(refused(type, part));
  });

  it('takes the current notice’s exact amount', () => {
    expect(paymentRefusal(app, payment())).toBeUndefined();
  });

  it('takes the reduced notice’s amount', () => {
    expect(paymentRefusal(withFees(owing([notice(ISSUED, 'superseded'), notice(REDUCED, 'issued')])), payment({ noticeNo: F2, amountFen: 3500 }))).toBeUndefined();
  });

  it('accepts a repeated notification of a recorded payment (it changes nothing)', () => {
    expect(paymentRefusal(paidBy(payment()), payment())).toBeUndefined();
  });
});

describe('paymentRecorded: a payment is known by its id', () => {
  it.each(named([
    { case: 'recorded', app: withFees(owing([notice(ISSUED, 'paid')], { status: 'paid', payments: [payment()] })), recorded: true },
    { case: 'another payment', app: withFees(owing([notice(ISSUED, 'paid')], { status: 'paid', payments: [payment({ paymentId: 'PAY-OTHER' })] })), recorded: false },
    { case: 'nothing paid yet', app: withFees(owing()), recorded: false },
    { case: 'an application without fees', app: NO_FEES, recorded: false },
  ]))('%s', (_, { app, recorded }) => {
    expect(paymentRecorded(app, payment())).toBe(recorded);
  });
});

describe('feePaid', () => {
  const at = china('2025-09-25 11:01');

  it('marks the notice paid, records the payment, and settles the fee', () => {
    const app = withFees(owing());
    const result = applied(app, (a) => feePaid(a, payment(), at));
    expect(result.state.fees).toEqual(owing([notice(ISSUED, 'paid')], { status: 'paid', payments: [payment()] }));
    expect(settled(result.state.fees)).toBe(true);
    expectEvents(result, app, at, [{ type: 'fee_paid', data: { noticeNo: F1, paymentId: 'PAY-20250925-0001', amountFen: 7000, receiptNo: '45010125000012345', paidAt: PAID_AT } }]);
  });

  it('marks only the notice paid, leaving the one it superseded', () => {
    const app = withFees(owing([notice(ISSUED, 'superseded'), notice(REDUCED, 'issued')]));
    const { state } = applied(app, (a) => feePaid(a, payment({ noticeNo: F2, amountFen: 3500 }), at));
    expect(state.fees!.notices.map((n) => [n.noticeNo, n.status])).toEqual([[F1, 'superseded'], [F2, 'paid']]);
  });
});

// ---- the deadline, and cancellation ---------------------------------------------------------------

describe('feeReminded and feeOverdue: the payment deadline near, and passed', () => {
  const app = withFees(owing());

  it('records when the applicant was reminded of the deadline', () => {
    const at = REMIND_AT;
    const result = applied(app, (a) => feeReminded(a, at));
    expect(result.state).toEqual({ ...app, fees: owing(undefined, { remindedAt: at }), seq: app.seq + 1 });
    expectEvents(result, app, at, [{ type: 'fee_reminder', data: { dueAt: DUE_AT } }]);
  });

  it('records when the deadline passed unpaid', () => {
    const at = DUE_AT;
    const result = applied(app, (a) => feeOverdue(a, at));
    expect(result.state).toEqual({ ...app, fees: owing(undefined, { overdueAt: at }), seq: app.seq + 1 });
    expectEvents(result, app, at, [{ type: 'fee_overdue', data: { dueAt: DUE_AT } }]);
  });
});

describe('feeCancelled: a rejected application’s unpaid notice is withdrawn', () => {
  const at = china('2025-09-26 17:00');

  it('cancels the current notice, and nothing is owed', () => {
    const app = withFees(owing(), inStep('rejected', PROMISED));
    const result = applied(app, (a) => feeCancelled(a, at));
    expect(result.state.fees).toEqual(owing([notice(ISSUED, 'cancelled')], { status: 'cancelled' }));
    expect(settled(result.state.fees)).toBe(true);
    expectEvents(result, app, at, [{ type: 'fee_cancelled', data: { noticeNo: F1 } }]);
  });

  it('cancels the reduced notice, leaving the superseded one', () => {
    const app = withFees(owing([notice(ISSUED, 'superseded'), notice(REDUCED, 'issued')]), inStep('rejected', PROMISED));
    const result = applied(app, (a) => feeCancelled(a, at));
    expect(result.state.fees!.notices).toEqual([notice(ISSUED, 'superseded'), notice(REDUCED, 'cancelled')]);
    expectEvents(result, app, at, [{ type: 'fee_cancelled', data: { noticeNo: F2 } }]);
  });
});

// ---- pickup -------------------------------------------------------------------------------------

describe('unpaidRefusal: pickup waits for payment where the item hands the result over only after it', () => {
  const afterPayment: FeeSchedule = { ...WINDOW_ASSESSED, payBeforePickup: false };

  it.each(named([
    { case: 'a fee not assessed yet', app: withFees(), type: REFUSALS.feeUnpaid, part: `The result is handed over after payment: the fee of ${NO} is not assessed yet` },
    { case: 'an unpaid notice', app: withFees(owing()), type: REFUSALS.feeUnpaid, part: `The result is handed over after payment: notice ${F1} (7000 fen, payment code 4501002509240000017) is unpaid` },
    { case: 'an unpaid reduced notice', app: withFees(owing([notice(ISSUED, 'superseded'), notice(REDUCED, 'issued')])), type: REFUSALS.feeUnpaid, part: `notice ${F2} (3500 fen, payment code 4501002509260000042) is unpaid` },
  ]))('refuses pickup with %s', (_, { app, type, part }) => {
    expect(unpaidRefusal(app, WINDOW_ASSESSED)).toEqual(refused(type, part));
  });

  it.each(named([
    { case: 'an item without fees', app: NO_FEES, schedule: undefined },
    { case: 'an application submitted before fees', app: NO_FEES, schedule: WINDOW_ASSESSED },
    { case: 'a fee not assessed, where payment may follow pickup', app: withFees(), schedule: afterPayment },
    { case: 'an unpaid fee, where payment may follow pickup', app: withFees(owing()), schedule: afterPayment },
    { case: 'a paid fee', app: withFees(owing([notice(ISSUED, 'paid')], { status: 'paid', payments: [payment()] })), schedule: WINDOW_ASSESSED },
    { case: 'a waived fee', app: withFees(owing([notice(ISSUED, 'waived')], { status: 'waived' })), schedule: WINDOW_ASSESSED },
    { case: 'a cancelled fee', app: withFees(owing([notice(ISSUED, 'cancelled')], { status: 'cancelled' })), schedule: WINDOW_ASSESSED },
  ]))('allows pickup with %s', (_, { app, schedule }) => {
    expect(unpaidRefusal(app, schedule)).toBeUndefined();
  });
});

// ---- refunds (退费) -------------------------------------------------------------------------------

const R1 = `${F1}-R1`;
const R2 = `${F1}-R2`;
const REFUND_REASON = '申请人重复缴纳副本工本费，退还多收部分';
const RULE_REASON = '申请未获准予，退还已缴费用';
/** Thursday 9 October, the first working day after National Day: requested, decided, sent to the platform. */
const REQUESTED_AT = china('2025-10-09 10:00');
const DECIDED_AT = china('2025-10-09 15:00');
const SUBMITTED_AT = china('2025-10-09 15:01');
/** The platform paid it back on Friday 10 October at 09:30; its report was recorded a minute later. */
const REFUNDED_AT = china('2025-10-10 09:30');
const REPORTED_AT = china('2025-10-10 09:31');

/** A refund of 1000 fen of the payment of F1, requested by the lead window. */
const refund = (status: FeeRefund['status'], more: Partial<FeeRefund> = {}): FeeRefund => ({
  refundNo: R1,
  noticeNo: F1,
  paymentId: 'PAY-20250925-0001',
  amountFen: 1000,
  reason: REFUND_REASON,
  requestedBy: windowOf(),
  requestedAt: REQUESTED_AT,
  status,
  ...more,
});
/** Decided by the lead department's leader: the fields an approved (or rejected) refund has. */
const DECIDED = { decidedBy: leaderOf(), decidedAt: DECIDED_AT, note: '同意退费' };
/** F1's 7000 fen paid, with these refunds. */
const paid = (refunds: FeeRefund[] = []): FeeState => owing([notice(ISSUED, 'paid')], { status: 'paid', payments: [payment()], refunds });
/** Another leader of the lead department at the centre (not the one of the fixtures). */
const OTHER_LEADER: Officer = { ...leaderOf(), id: 'department_leader-2/market_regulation/450100', name: '市场监管局另一位分管领导' };

describe('refundable: what was paid, less every refund not rejected or failed', () => {
  it.each(named([
    { case: 'nothing paid yet', fees: owing(), fen: 0 },
    { case: 'paid, nothing refunded', fees: paid(), fen: 7000 },
    { case: 'a requested refund counts', fees: paid([refund('requested')]), fen: 6000 },
    { case: 'an approved refund counts', fees: paid([refund('approved', DECIDED)]), fen: 6000 },
    { case: 'a submitted refund counts', fees: paid([refund('submitted', DECIDED)]), fen: 6000 },
    { case: 'a refunded refund counts', fees: paid([refund('refunded', DECIDED)]), fen: 6000 },
    { case: 'a rejected refund does not', fees: paid([refund('rejected', DECIDED)]), fen: 7000 },
    { case: 'a failed refund does not', fees: paid([refund('failed', { ...DECIDED, failure: 'refund_exceeds' })]), fen: 7000 },
    {
      case: '7000 less a refunded 1000 and a requested 500, not a rejected 2000: 5500',
      fees: paid([
        refund('refunded', DECIDED),
        refund('rejected', { ...DECIDED, refundNo: R2, amountFen: 2000 }),
        refund('requested', { refundNo: `${F1}-R3`, amountFen: 500 }),
      ]),
      fen: 5500,
    },
    { case: 'everything refunded', fees: paid([refund('refunded', { ...DECIDED, amountFen: 7000 })]), fen: 0 },
    {
      case: 'the reduced notice’s 3500 paid',
      fees: owing([notice(ISSUED, 'superseded'), notice(REDUCED, 'paid')], { status: 'paid', payments: [payment({ noticeNo: F2, amountFen: 3500 })] }),
      fen: 3500,
    },
  ]))('%s', (_, { fees, fen }) => {
    expect(refundable(fees)).toBe(fen);
  });
});

describe('refundsPending: a refund not ended yet keeps the workflow open', () => {
  it.each(named([
    { case: 'requested', status: 'requested' as const, pending: true },
    { case: 'approved', status: 'approved' as const, pending: true },
    { case: 'submitted to the platform', status: 'submitted' as const, pending: true },
    { case: 'rejected', status: 'rejected' as const, pending: false },
    { case: 'refunded', status: 'refunded' as const, pending: false },
    { case: 'failed', status: 'failed' as const, pending: false },
  ]))('a refund %s', (_, { status, pending }) => {
    expect(refundsPending(paid([refund(status)]))).toBe(pending);
  });

  it.each<[string, FeeState | undefined, boolean]>([
    ['no fees at all', undefined, false],
    ['a fee not assessed yet', unassessed(), false],
    ['a paid fee without refunds', paid(), false],
    ['ended refunds only', paid([refund('rejected'), refund('refunded', { refundNo: R2 })]), false],
    ['an ended refund and a pending one', paid([refund('rejected'), refund('submitted', { refundNo: R2 })]), true],
  ])('%s: %s', (_, fees, expected) => expect(refundsPending(fees)).toBe(expected));
});

describe('refundRequestRefusal: the lead window requests a refund of a paid fee, one at a time, with a reason', () => {
  const app = withFees(paid());
  const request = (officer: Officer = windowOf(), amountFen = 1000, reason = REFUND_REASON): RefundRequest => ({ officer, amountFen, reason });

  it.each(named([
    { case: 'an application without fees', app: NO_FEES, request: request(), type: REFUSALS.noFees, part: 'Item restaurant-opening charges no fee' },
    { case: "a reviewing department's window", app, request: request(windowOf(PARTNER)), type: REFUSALS.notAuthorised, part: 'cannot act for market_regulation' },
    { case: "the lead department's window at another centre", app, request: request(windowOf(LEAD, OTHER_CENTRE)), type: REFUSALS.notAuthorised, part: 'cannot act at centre 450100' },
    { case: 'a supervisor', app, request: request(supervisor), type: REFUSALS.notAuthorised, part: "does not work at a department's window" },
    { case: 'a fee not assessed yet', app: withFees(), request: request(), type: REFUSALS.feeNotAssessable, part: `Only a paid fee is refunded; the fee of ${NO} is awaiting_assessment` },
    { case: 'an unpaid fee', app: withFees(owing()), request: request(), type: REFUSALS.feeNotAssessable, part: `Only a paid fee is refunded; the fee of ${NO} is awaiting_payment` },
    { case: 'a waived fee', app: withFees(owing([notice(ISSUED, 'waived')], { status: 'waived' })), request: request(), type: REFUSALS.feeNotAssessable, part: `the fee of ${NO} is waived` },
    { case: 'a cancelled fee', app: withFees(owing([notice(ISSUED, 'cancelled')], { status: 'cancelled' })), request: request(), type: REFUSALS.feeNotAssessable, part: `the fee of ${NO} is cancelled` },
    { case: 'a refund requested and not decided', app: withFees(paid([refund('requested')])), request: request(), type: REFUSALS.feeNotAssessable, part: `A refund of ${NO} is under way; one at a time` },
    { case: 'a refund approved and not sent', app: withFees(paid([refund('approved', DECIDED)])), request: request(), type: REFUSALS.feeNotAssessable, part: 'one at a time' },
    { case: 'a refund at the platform', app: withFees(paid([refund('submitted', DECIDED)])), request: request(), type: REFUSALS.feeNotAssessable, part: 'one at a time' },
    { case: 'a blank reason', app, request: request(windowOf(), 1000, '  '), type: REFUSALS.missingReason, part: 'A refund needs a reason' },
    { case: 'nothing (0 fen)', app, request: request(windowOf(), 0), type: REFUSALS.feeNotAssessable, part: 'A refund is of 1 to 7000 fen' },
    { case: 'a negative amount', app, request: request(windowOf(), -100), type: REFUSALS.feeNotAssessable, part: 'A refund is of 1 to 7000 fen' },
    { case: 'a fraction of a fen', app, request: request(windowOf(), 1000.5), type: REFUSALS.feeNotAssessable, part: 'A refund is of 1 to 7000 fen' },
    { case: 'more than was paid', app, request: request(windowOf(), 7001), type: REFUSALS.feeNotAssessable, part: 'A refund is of 1 to 7000 fen' },
    {
      case: 'more than is left after a refunded 1000',
      app: withFees(paid([refund('refunded', DECIDED)])),
      request: request(windowOf(), 6001),
      type: REFUSALS.feeNotAssessable,
      part: 'A refund is of 1 to 6000 fen (what was paid and is not refunded yet)',
    },
  ]))('refuses %s', (_, { app, request, type, part }) => {
    expect(refundRequestRefusal(app, request, REQUESTED_AT)).toEqual(refused(type, part));
  });

  it.each(named([
    { case: 'authority, before the fee’s status', app: withFees(owing()), request: request(supervisor), type: REFUSALS.notAuthorised },
    { case: 'the fee’s status, before the reason', app: withFees(owing()), request: request(windowOf(), 1000, ''), type: REFUSALS.feeNotAssessable },
    { case: 'a refund under way, before the reason', app: withFees(paid([refund('requested')])), request: request(windowOf(), 1000, ''), type: REFUSALS.feeNotAssessable },
    { case: 'the reason, before the amount', app, request: request(windowOf(), 0, ''), type: REFUSALS.missingReason },
  ]))('reports %s', (_, { app, request, type }) => {
    expect(refundRequestRefusal(app, request, REQUESTED_AT)?.type).toBe(type);
  });

  it.each(named([
    { case: 'window officer', officer: windowOf() },
    { case: 'chief representative', officer: chiefOf() },
    { case: 'leader', officer: leaderOf() },
  ]))("lets the lead department's %s request a refund", (_, { officer }) => {
    expect(refundRequestRefusal(app, request(officer), REQUESTED_AT)).toBeUndefined();
  });

  it.each(named([
    { case: '1 fen, the least', app, amountFen: 1 },
    { case: 'the whole 7000 fen', app, amountFen: 7000 },
    { case: 'the 6000 left after a refunded 1000', app: withFees(paid([refund('refunded', DECIDED)])), amountFen: 6000 },
    {
      case: 'the whole 7000 again after a rejected and a failed refund',
      app: withFees(paid([refund('rejected', DECIDED), refund('failed', { ...DECIDED, refundNo: R2, failure: 'refund_exceeds' })])),
      amountFen: 7000,
    },
  ]))('takes %s', (_, { app, amountFen }) => {
    expect(refundRequestRefusal(app, request(windowOf(), amountFen), REQUESTED_AT)).toBeUndefined();
  });
});

describe('refundRequested: a refund of the paid payment, numbered after its notice', () => {
  const at = REQUESTED_AT;

  it('adds the requested refund of the payment of F1, as R1', () => {
    const app = withFees(paid());
    const result = applied(app, (a) => refundRequested(a, { officer: windowOf(), amountFen: 1000, reason: REFUND_REASON }, at));
    expect(result.state).toEqual({ ...app, fees: paid([refund('requested')]), seq: app.seq + 1 });
    expect(refundsPending(result.state.fees)).toBe(true);
    expect(refundable(result.state.fees!)).toBe(6000);
    expectEvents(result, app, at, [{ type: 'fee_refund_requested', actor: windowOf(), data: { refundNo: R1, amountFen: 1000, reason: REFUND_REASON } }]);
  });

  it('records the rule as the requester of a refused application’s whole payment, with no actor', () => {
    const app = withFees(paid(), inStep('rejected', PROMISED));
    const result = applied(app, (a) => refundRequested(a, { officer: 'rule', amountFen: 7000, reason: RULE_REASON }, at));
    expect(result.state.fees).toEqual(paid([refund('requested', { amountFen: 7000, reason: RULE_REASON, requestedBy: 'rule' })]));
    expect(result.events[0].actor).toBeUndefined();
    expectEvents(result, app, at, [{ type: 'fee_refund_requested', data: { refundNo: R1, amountFen: 7000, reason: RULE_REASON } }]);
  });

  it('numbers the next refund R2 after an earlier one, which it leaves as it was', () => {
    const rejected = refund('rejected', { ...DECIDED, amountFen: 2000 });
    const app = withFees(paid([rejected]));
    const result = applied(app, (a) => refundRequested(a, { officer: chiefOf(), amountFen: 500, reason: REFUND_REASON }, at));
    expect(result.state.fees!.refunds).toEqual([rejected, refund('requested', { refundNo: R2, amountFen: 500, requestedBy: chiefOf() })]);
    expectEvents(result, app, at, [{ type: 'fee_refund_requested', actor: chiefOf(), data: { refundNo: R2, amountFen: 500, reason: REFUND_REASON } }]);
  });

  it('refunds the payment of the reduced notice, numbered after F2', () => {
    const reducedPayment = payment({ paymentId: 'PAY-20250927-0003', noticeNo: F2, amountFen: 3500 });
    const app = withFees(owing([notice(ISSUED, 'superseded'), notice(REDUCED, 'paid')], { status: 'paid', payments: [reducedPayment] }));
    const { state } = applied(app, (a) => refundRequested(a, { officer: windowOf(), amountFen: 3500, reason: REFUND_REASON }, at));
    expect(state.fees!.refunds).toEqual([refund('requested', { refundNo: `${F2}-R1`, noticeNo: F2, paymentId: 'PAY-20250927-0003', amountFen: 3500 })]);
  });
});

describe('refundDecisionRefusal: a leader of the lead department decides a requested refund, not the one who requested it', () => {
  const app = withFees(paid([refund('requested')]));
  const decision = (officer: Officer = leaderOf(), refundNo = R1, approve = true): RefundDecision => ({ officer, refundNo, approve, note: DECIDED.note });

  it.each(named([
    { case: 'an application without fees', app: NO_FEES, decision: decision(), type: REFUSALS.noFees, part: 'Item restaurant-opening charges no fee' },
    {
      case: "the lead department's chief representative",
      app,
      decision: decision(chiefOf()),
      type: REFUSALS.notAuthorised,
      part: 'only a leader of market_regulation approves a refund; chief_representative/market_regulation/450100 is a chief_representative',
    },
    { case: "the lead department's window officer", app, decision: decision(windowOf()), type: REFUSALS.notAuthorised, part: 'is a window_officer' },
    { case: 'a leader of a reviewing department', app, decision: decision(leaderOf(PARTNER)), type: REFUSALS.notAuthorised, part: 'cannot act for market_regulation' },
    { case: "the lead department's leader at another centre", app, decision: decision(leaderOf(LEAD, OTHER_CENTRE)), type: REFUSALS.notAuthorised, part: 'cannot act at centre 450100' },
    { case: 'a supervisor', app, decision: decision(supervisor), type: REFUSALS.notAuthorised, part: "does not work at a department's window" },
    {
      case: 'the leader who requested it',
      app: withFees(paid([refund('requested', { requestedBy: leaderOf() })])),
      decision: decision(),
      type: REFUSALS.notAuthorised,
      part: `department_leader/market_regulation/450100 requested refund ${R1} and may not decide it too`,
    },
    { case: 'a refund the application does not have', app, decision: decision(leaderOf(), `${F1}-R9`), type: REFUSALS.feeNotAssessable, part: `Application ${NO} has no refund ${F1}-R9` },
    { case: 'a refund approved already', app: withFees(paid([refund('approved', DECIDED)])), decision: decision(), type: REFUSALS.feeNotAssessable, part: `Refund ${R1} is approved, not waiting for a decision` },
    { case: 'a refund rejected already', app: withFees(paid([refund('rejected', DECIDED)])), decision: decision(), type: REFUSALS.feeNotAssessable, part: `Refund ${R1} is rejected, not waiting for a decision` },
    { case: 'a refund at the platform', app: withFees(paid([refund('submitted', DECIDED)])), decision: decision(), type: REFUSALS.feeNotAssessable, part: `Refund ${R1} is submitted` },
    { case: 'a refund refunded', app: withFees(paid([refund('refunded', DECIDED)])), decision: decision(), type: REFUSALS.feeNotAssessable, part: `Refund ${R1} is refunded` },
    { case: 'a refund the platform refused', app: withFees(paid([refund('failed', DECIDED)])), decision: decision(), type: REFUSALS.feeNotAssessable, part: `Refund ${R1} is failed` },
  ]))('refuses %s', (_, { app, decision, type, part }) => {
    expect(refundDecisionRefusal(app, decision)).toEqual(refused(type, part));
  });

  it.each(named([
    { case: 'authority, before an unknown refund', app, decision: decision(chiefOf(), `${F1}-R9`), type: REFUSALS.notAuthorised },
    { case: 'the requester, before the refund’s status', app: withFees(paid([refund('approved', { ...DECIDED, requestedBy: leaderOf() })])), decision: decision(), type: REFUSALS.notAuthorised },
  ]))('reports %s', (_, { app, decision, type }) => {
    expect(refundDecisionRefusal(app, decision)?.type).toBe(type);
  });

  it.each(named([
    { case: 'approve', approve: true },
    { case: 'reject', approve: false },
  ]))('lets the leader %s the window’s request', (_, { approve }) => {
    expect(refundDecisionRefusal(app, decision(leaderOf(), R1, approve))).toBeUndefined();
  });

  it('lets another leader decide a leader’s request', () => {
    expect(refundDecisionRefusal(withFees(paid([refund('requested', { requestedBy: leaderOf() })])), decision(OTHER_LEADER))).toBeUndefined();
  });

  it.each(named([
    { case: 'the leader of the fixtures', officer: leaderOf() },
    { case: 'another leader', officer: OTHER_LEADER },
  ]))('lets any leader of the lead department decide the rule’s request: %s', (_, { officer }) => {
    expect(refundDecisionRefusal(withFees(paid([refund('requested', { requestedBy: 'rule' })])), decision(officer))).toBeUndefined();
  });

  it('decides the named refund, whatever became of earlier ones', () => {
    const withEarlier = withFees(paid([refund('rejected', DECIDED), refund('requested', { refundNo: R2 })]));
    expect(refundDecisionRefusal(withEarlier, decision(leaderOf(), R2))).toBeUndefined();
  });
});

describe('refundDecided: the refund approved, or rejected, by the leader', () => {
  const at = DECIDED_AT;
  const app = withFees(paid([refund('requested')]));

  it('approves it, with who decided, when and the note', () => {
    const result = applied(app, (a) => refundDecided(a, { officer: leaderOf(), refundNo: R1, approve: true, note: DECIDED.note }, at));
    expect(result.state).toEqual({ ...app, fees: paid([refund('approved', DECIDED)]), seq: app.seq + 1 });
    expect(refundsPending(result.state.fees)).toBe(true);
    expectEvents(result, app, at, [{ type: 'fee_refund_approved', actor: leaderOf(), data: { refundNo: R1, note: DECIDED.note } }]);
  });

  it('rejects it: nothing is pending and the amount is refundable again', () => {
    const note = '已办结，不予退费';
    const result = applied(app, (a) => refundDecided(a, { officer: leaderOf(), refundNo: R1, approve: false, note }, at));
    expect(result.state.fees).toEqual(paid([refund('rejected', { ...DECIDED, note })]));
    expect(refundsPending(result.state.fees)).toBe(false);
    expect(refundable(result.state.fees!)).toBe(7000);
    expectEvents(result, app, at, [{ type: 'fee_refund_rejected', actor: leaderOf(), data: { refundNo: R1, note } }]);
  });

  it('decides without a note', () => {
    const result = applied(app, (a) => refundDecided(a, { officer: leaderOf(), refundNo: R1, approve: true }, at));
    expect(result.state.fees!.refunds).toEqual([refund('approved', { decidedBy: leaderOf(), decidedAt: at })]);
    expectEvents(result, app, at, [{ type: 'fee_refund_approved', actor: leaderOf(), data: { refundNo: R1 } }]);
  });

  it('decides only the named refund', () => {
    const earlier = refund('rejected', DECIDED);
    const two = withFees(paid([earlier, refund('requested', { refundNo: R2 })]));
    const { state } = applied(two, (a) => refundDecided(a, { officer: leaderOf(), refundNo: R2, approve: true, note: DECIDED.note }, at));
    expect(state.fees!.refunds).toEqual([earlier, refund('approved', { ...DECIDED, refundNo: R2 })]);
  });
});

describe('refundSubmitted: the platform took the approved refund, or refused it', () => {
  const at = SUBMITTED_AT;
  const app = withFees(paid([refund('approved', DECIDED)]));

  it('marks it submitted, still pending until the platform reports it', () => {
    const result = applied(app, (a) => refundSubmitted(a, R1, at));
    expect(result.state).toEqual({ ...app, fees: paid([refund('submitted', { ...DECIDED, submittedAt: at })]), seq: app.seq + 1 });
    expect(refundsPending(result.state.fees)).toBe(true);
    expectEvents(result, app, at, [{ type: 'fee_refund_submitted', data: { refundNo: R1 } }]);
  });

  it('marks it failed with the platform’s refusal: nothing pending, the amount refundable again', () => {
    const failure = 'refund_exceeds: payment PAY-20250925-0001 of 7000 fen has 0 fen left to refund';
    const result = applied(app, (a) => refundSubmitted(a, R1, at, failure));
    expect(result.state.fees).toEqual(paid([refund('failed', { ...DECIDED, failure })]));
    expect(result.state.fees!.refunds[0]).not.toHaveProperty('submittedAt');
    expect(refundsPending(result.state.fees)).toBe(false);
    expect(refundable(result.state.fees!)).toBe(7000);
    expectEvents(result, app, at, [{ type: 'fee_refund_failed', data: { refundNo: R1, failure } }]);
  });
});

const report = (more: Partial<RefundReport> = {}): RefundReport => ({ refundNo: R1, amountFen: 1000, refundedAt: REFUNDED_AT, ...more });
const SUBMITTED = { ...DECIDED, submittedAt: SUBMITTED_AT };

describe('refundReportRefusal: the platform reports a refund it was sent, for exactly its amount', () => {
  const app = withFees(paid([refund('submitted', SUBMITTED)]));

  it.each(named([
    { case: 'an application without fees', app: NO_FEES, report: report(), type: REFUSALS.noFees, part: 'Item restaurant-opening charges no fee' },
    { case: 'a refund the application does not have', app, report: report({ refundNo: `${F1}-R9` }), type: REFUSALS.unknownNotice, part: `Application ${NO} has no refund ${F1}-R9` },
    { case: 'a refund of an application with none', app: withFees(paid()), report: report(), type: REFUSALS.unknownNotice, part: `Application ${NO} has no refund ${R1}` },
    { case: 'a refund not decided yet', app: withFees(paid([refund('requested')])), report: report(), type: REFUSALS.noticeNotPayable, part: `Refund ${R1} is requested: it was not sent to the platform` },
    { case: 'a rejected refund', app: withFees(paid([refund('rejected', DECIDED)])), report: report(), type: REFUSALS.noticeNotPayable, part: `Refund ${R1} is rejected` },
    { case: 'a refund the platform refused', app: withFees(paid([refund('failed', { ...DECIDED, failure: 'refund_exceeds' })])), report: report(), type: REFUSALS.noticeNotPayable, part: `Refund ${R1} failed: the platform refused it (refund_exceeds)` },
    { case: 'a repeated report of another amount', app: withFees(paid([refund('refunded', { ...SUBMITTED, refundedAt: '2025-10-10T02:00:00.000Z' })])), report: report({ amountFen: 999 }), type: REFUSALS.amountMismatch, part: `Refund ${R1} was refunded with 1000 fen; this report says 999` },
    { case: 'less than the refund', app, report: report({ amountFen: 999 }), type: REFUSALS.amountMismatch, part: `Refunded 999 fen; refund ${R1} is of 1000 fen` },
    { case: 'more than the refund', app, report: report({ amountFen: 7000 }), type: REFUSALS.amountMismatch, part: `Refunded 7000 fen; refund ${R1} is of 1000 fen` },
  ]))('refuses %s', (_, { app, report, type, part }) => {
    expect(refundReportRefusal(app, report)).toEqual(refused(type, part));
  });

  it('reports a status before the amount', () => {
    expect(refundReportRefusal(withFees(paid([refund('requested')])), report({ amountFen: 999 }))?.type).toBe(REFUSALS.noticeNotPayable);
  });

  it.each(named([
    { case: 'a submitted refund', app },
    { case: 'an approved refund whose report came before the platform’s answer', app: withFees(paid([refund('approved', DECIDED)])) },
    { case: 'a repeated report of a refunded refund (it changes nothing)', app: withFees(paid([refund('refunded', { ...SUBMITTED, refundedAt: REFUNDED_AT })])) },
  ]))('takes the report of %s', (_, { app }) => {
    expect(refundReportRefusal(app, report())).toBeUndefined();
  });
});

describe('refundRecorded: a refund is recorded once the platform reported it refunded', () => {
  const done = refund('refunded', { ...SUBMITTED, refundedAt: REFUNDED_AT });

  it.each(named([
    { case: 'refunded', app: withFees(paid([done])), recorded: true },
    { case: 'another refund refunded', app: withFees(paid([{ ...done, refundNo: R2 }])), recorded: false },
    { case: 'submitted, not reported yet', app: withFees(paid([refund('submitted', SUBMITTED)])), recorded: false },
    { case: 'approved, not sent yet', app: withFees(paid([refund('approved', DECIDED)])), recorded: false },
    { case: 'no refunds', app: withFees(paid()), recorded: false },
    { case: 'an application without fees', app: NO_FEES, recorded: false },
  ]))('%s', (_, { app, recorded }) => {
    expect(refundRecorded(app, report())).toBe(recorded);
  });
});

describe('refunded: the platform paid the refund back', () => {
  const at = REPORTED_AT;

  it('marks it refunded when the platform says, and ends it', () => {
    const app = withFees(paid([refund('submitted', SUBMITTED)]));
    const result = applied(app, (a) => refunded(a, report(), at));
    expect(result.state).toEqual({ ...app, fees: paid([refund('refunded', { ...SUBMITTED, refundedAt: REFUNDED_AT })]), seq: app.seq + 1 });
    expect(refundsPending(result.state.fees)).toBe(false);
    expect(refundable(result.state.fees!)).toBe(6000);
    expect(refundRecorded(result.state, report())).toBe(true);
    expectEvents(result, app, at, [{ type: 'fee_refunded', data: { refundNo: R1, amountFen: 1000, refundedAt: REFUNDED_AT } }]);
  });

  it('marks an approved refund refunded when the report comes before the platform’s answer', () => {
    const app = withFees(paid([refund('approved', DECIDED)]));
    const { state } = applied(app, (a) => refunded(a, report(), at));
    expect(state.fees!.refunds).toEqual([refund('refunded', { ...DECIDED, refundedAt: REFUNDED_AT })]);
  });

  it('marks only the reported refund, and leaves the fee paid', () => {
    const rejected = refund('rejected', DECIDED);
    const app = withFees(paid([rejected, refund('submitted', { ...SUBMITTED, refundNo: R2 })]));
    const { state } = applied(app, (a) => refunded(a, report({ refundNo: R2 }), at));
    expect(state.fees!.refunds).toEqual([rejected, refund('refunded', { ...SUBMITTED, refundNo: R2, refundedAt: REFUNDED_AT })]);
    expect(state.fees!.status).toBe('paid');
  });
});

// ---- the item's rules: waiting for payment stops the clock, the deadline terminates, refunds after closing ----

const THU_25_SEP = china('2025-09-25 10:00');
const THU_9_OCT = china('2025-10-09 10:00');

describe('feeAssessed with stopsClock: waiting for payment holds the application’s clock', () => {
  const reviewing = withFees(unassessed(), inReviewApp(PROMISED));

  it('stops the application’s clock from the notice, and says so', () => {
    const result = applied(reviewing, (a) => feeAssessed(a, ISSUED, 'rule', DUE_AT, REMIND_AT, THU_25_SEP, true));
    expect([result.state.stoppedSince, result.state.fees!.clockStoppedAt]).toEqual([THU_25_SEP, THU_25_SEP]);
    // The review's own clock runs on: the department reviews while the applicant pays.
    expect(result.state.reviews).toEqual(reviewing.reviews);
    expectEvents(result, reviewing, THU_25_SEP, [
      { type: 'fee_assessed', data: { noticeNo: F1, amountFen: 7000, paymentCode: ISSUED.paymentCode, dueAt: DUE_AT } },
      { type: 'fee_clock_stopped', data: { noticeNo: F1 } },
    ]);
  });

  it('keeps the earlier start when a review’s clock already stands still', () => {
    const app = stoppedFor(reviewing, LEAD, 'hearing', china('2025-09-23 10:00'));
    const { state } = feeAssessed(app, ISSUED, 'rule', DUE_AT, REMIND_AT, THU_25_SEP, true);
    expect([state.stoppedSince, state.fees!.clockStoppedAt]).toEqual([china('2025-09-23 10:00'), THU_25_SEP]);
  });

  it.each(named([
    { case: 'an item whose fee does not stop the clock', app: reviewing, issued: ISSUED, stops: false },
    { case: 'a fee of 0 fen (nothing to wait for)', app: reviewing, issued: { ...ISSUED, amountFen: 0, paymentCode: undefined }, stops: true },
    { case: 'an application already decided', app: withFees(unassessed(), completedApp()), issued: ISSUED, stops: true },
  ]))('stops nothing for %s', (_, { app, issued, stops }) => {
    const { state, events } = feeAssessed(app, issued, 'rule', DUE_AT, REMIND_AT, THU_25_SEP, stops);
    expect([state.stoppedSince, state.fees!.clockStoppedAt]).toEqual([undefined, undefined]);
    expect(events.map((e) => e.type)).toEqual(['fee_assessed']);
  });
});

describe('feeClockResumed: paid (or waived, or decided), the application’s clock runs again', () => {
  const waiting = feeAssessed(withFees(unassessed(), inReviewApp(PROMISED)), ISSUED, 'rule', DUE_AT, REMIND_AT, THU_25_SEP, true).state;
  const paidApp = feePaid(waiting, payment({ paidAt: THU_9_OCT }), THU_9_OCT).state;

  it('moves every due instant by the working days it waited', () => {
    const result = applied(paidApp, (a) => feeClockResumed(a, PROMISED.item, calendar, THU_9_OCT));
    // Thursday 25 September to Thursday 9 October: 26, 28 (worked Sunday), 29, 30 and 9 October = 5 working days.
    // Promised 3 + 5 = 8 ends Thu 9 Oct, statutory 5 + 5 = 10 ends Sat 11 Oct (worked); yellow one day before the promise.
    const moved = { warnAt: endOf('2025-09-30'), promisedDue: endOf('2025-10-09'), statutoryDue: endOf('2025-10-11'), provisional: false };
    expect(result.state).toEqual({
      ...paidApp,
      fees: { ...paidApp.fees!, clockStoppedAt: undefined },
      stoppedSince: undefined,
      stoppedDays: 5,
      deadlines: moved,
      // The review's own promise stands; its statutory limit is the application's.
      reviews: [{ ...paidApp.reviews[0], deadlines: { ...DUE, statutoryDue: moved.statutoryDue } }],
      seq: paidApp.seq + 1,
    });
    expectEvents(result, paidApp, THU_9_OCT, [{ type: 'fee_clock_resumed', data: { workingDays: 5 } }]);
  });

  it('leaves the application’s clock stopped while a review’s stop still holds it', () => {
    const app = stoppedFor(paidApp, LEAD, 'hearing', china('2025-09-29 10:00'));
    const { state } = feeClockResumed(app, PROMISED.item, calendar, THU_9_OCT);
    expect([state.fees!.clockStoppedAt, state.stoppedSince, state.stoppedDays]).toEqual([undefined, THU_25_SEP, 0]);
  });

  it('and a review’s clock restarting leaves it stopped while the fee is unpaid', () => {
    const app = stoppedFor(waiting, LEAD, 'hearing', china('2025-09-29 10:00'));
    const { state } = resumeClocks(app, PROMISED.item, [stepReview(app, LEAD)!], calendar, THU_9_OCT);
    // The hearing stood still 30 September and 9 October (1–8 October off): 2 working days of the review's own.
    expect([state.stoppedSince, state.stoppedDays, stepReview(state, LEAD)!.stoppedDays]).toEqual([THU_25_SEP, 0, 2]);
  });
});

describe('feeOverdue under `terminate`: an application still in review ends there, not granted', () => {
  const overdueAt = DUE_AT;

  it('withdraws every open review and rejects the application (终止办理)', () => {
    const app = withFees(owing(), inReviewApp(JOINT));
    const result = applied(app, (a) => feeOverdue(a, overdueAt, 'terminate'));
    expect(result.state.stage).toBe('rejected');
    expect(result.state.closedAt).toBe(overdueAt);
    expect(result.state.fees).toEqual(owing(undefined, { overdueAt }));
    expect(result.state.reviews.map((r) => [r.department, r.status, r.reason])).toEqual([
      [LEAD, 'withdrawn', TERMINATED_UNPAID],
      [PARTNER, 'withdrawn', TERMINATED_UNPAID],
    ]);
    expectEvents(result, app, overdueAt, [
      { type: 'fee_overdue', data: { dueAt: DUE_AT, outcome: 'terminated' } },
      { type: 'review_withdrawn', step: 0, department: LEAD, data: { reason: TERMINATED_UNPAID } },
      { type: 'review_withdrawn', step: 0, department: PARTNER, data: { reason: TERMINATED_UNPAID } },
      { type: 'fee_terminated', data: { reason: TERMINATED_UNPAID } },
    ]);
  });

  it('only lists an application already decided: its result waits for the payment', () => {
    const app = withFees(owing());
    const result = applied(app, (a) => feeOverdue(a, overdueAt, 'terminate'));
    expect(result.state).toEqual({ ...app, fees: owing(undefined, { overdueAt }), seq: app.seq + 1 });
    expectEvents(result, app, overdueAt, [{ type: 'fee_overdue', data: { dueAt: DUE_AT } }]);
  });
});

describe('refunds after closing: within the schedule’s refundDays', () => {
  const CLOSED_AT = china('2025-10-09 09:00');
  const closed = { ...withFees(paid()), stage: 'picked_up' as const, pickedUpAt: CLOSED_AT, closedAt: CLOSED_AT };
  const thirty: FeeSchedule = { ...WINDOW_ASSESSED, refundDays: 30 };
  const request = (): RefundRequest => ({ officer: windowOf(), amountFen: 1000, reason: REFUND_REASON });

  it('ends refundDays calendar days after closing, for a paid fee only', () => {
    expect(refundPeriodEnd(closed, thirty)).toBe(Date.parse(CLOSED_AT) + 30 * 86_400_000);
    expect(refundPeriodEnd(closed, WINDOW_ASSESSED)).toBeUndefined();
    expect(refundPeriodEnd({ ...closed, fees: owing() }, thirty)).toBeUndefined();
    expect(refundPeriodEnd(withFees(paid()), thirty)).toBeUndefined();
  });

  it('takes a request within the period', () => {
    expect(refundRequestRefusal(closed, request(), china('2025-11-07 17:00'), thirty)).toBeUndefined();
  });

  it.each(named([
    { case: 'an item without a refund period', schedule: WINDOW_ASSESSED, at: REQUESTED_AT, part: 'within 0 days of closing' },
    { case: 'a request once the 30 days are over', schedule: thirty, at: china('2025-11-08 09:00'), part: 'within 30 days of closing' },
  ]))('refuses %s', (_, { schedule, at, part }) => {
    expect(refundRequestRefusal(closed, request(), at, schedule)).toEqual(refused(REFUSALS.applicationClosed, part));
  });
});

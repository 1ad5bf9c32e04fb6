/**
 * Examples of the fee routes (行政事业性收费) for /docs: an application's fees, the window's assessment
 * (核定), a leader's waiver or reduction, refunds, the nightly reconciliation and the supervisors'
 * figures. Amounts are whole fen (分): 9000 is 90.00 yuan. Each value is checked against its route's zod
 * schemas (tests/openapi-docs.test.ts).
 *
 * One application runs through them: a second-hand home transfer (二手房转移登记“一件事”) at the Xingning
 * District centre in Nanning (450102), decided on Monday 9 March 2026 and assessed then by the natural
 * resources window: the residential registration fee (80 yuan) and a second title certificate (10 yuan;
 * the first is free), payable within 15 working days.
 */
import type { RouteExamples } from '../openapi.js';

const APPLICATION_NO = '450102-20260303-000021';
const F1 = `${APPLICATION_NO}-F1`;
const F2 = `${APPLICATION_NO}-F2`;
const WINDOW_OFFICER = '450102-natural_resources-officer';
const LEADER = { id: '450102-natural_resources-leader', name: '兴宁区自然资源局负责人' };

/** The item's fee schedule as the application was submitted under it (db/seed/items.json). */
const DOCUMENT = '《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）';
const SCHEDULE = {
  assessAt: 'decision',
  assessedBy: 'window',
  payBeforePickup: true,
  paymentLimitDays: 15,
  reminderDays: 3,
  onOverdue: 'supervise',
  lines: [
    { code: 'registration-residential', name: '不动产登记费（住宅类）', basis: { document: DOCUMENT }, standard: { type: 'fixed', amountFen: 8000 }, payer: '申请人', optional: true },
    { code: 'certificate', name: '不动产权属证书工本费', basis: { document: DOCUMENT }, standard: { type: 'per_unit', unit: '本', unitFen: 1000, freeUnits: 1 }, payer: '申请人', optional: true },
  ],
  reductions: [
    {
      code: 'small-micro-enterprise',
      name: '小微企业（含个体工商户）免收不动产登记费',
      basis: { document: '《财政部 国家发展改革委关于不动产登记收费有关政策问题的通知》（财税〔2016〕79号）' },
      percent: 100,
      lines: ['registration-residential'],
    },
  ],
};

const LINES = [
  { code: 'registration-residential', name: '不动产登记费（住宅类）', quantity: 1, grossFen: 8000, reductionFen: 0, amountFen: 8000 },
  { code: 'certificate', name: '不动产权属证书工本费', quantity: 2, grossFen: 1000, reductionFen: 0, amountFen: 1000 },
];

const issued = {
  noticeNo: F1,
  status: 'issued',
  amountFen: 9000,
  grossFen: 9000,
  lines: LINES,
  reductions: [],
  paymentCode: '45010226030900210011',
  issuedAt: '2026-03-09T03:20:00.000Z',
  dueAt: '2026-03-30T16:00:00.000Z',
  paidAt: null,
  receiptNo: null,
  adjustment: null,
};

const paid = { ...issued, status: 'paid', paidAt: '2026-03-10T06:12:45.000Z', receiptNo: '4501012600187342' };

const fees = (fields: Record<string, unknown>) => ({
  applicationNo: APPLICATION_NO,
  status: 'awaiting_payment',
  amountFen: 9000,
  paymentCode: issued.paymentCode,
  dueAt: issued.dueAt,
  notices: [issued],
  refunds: [],
  schedule: SCHEDULE,
  ...fields,
});

const awaitingPayment = fees({});
const paidFees = fees({ status: 'paid', dueAt: null, notices: [paid] });

const REFUND_REASON = '申请人只领取一本不动产权属证书，多收一本工本费，申请退还';
const refund = {
  refundNo: `${F1}-R1`,
  noticeNo: F1,
  amountFen: 1000,
  reason: REFUND_REASON,
  status: 'requested',
  requestedBy: WINDOW_OFFICER,
  requestedAt: '2026-03-11T02:30:00.000Z',
  decidedBy: null,
  decidedAt: null,
  refundedAt: null,
  failure: null,
};

export const feesExamples: RouteExamples = {
  responses: {
    200: {
      awaitingPayment: { summary: 'Assessed: the payment notice (缴款通知书) and its payment code (缴款码), unpaid', value: awaitingPayment },
      paid: {
        summary: 'Paid, with its electronic receipt (财政电子票据), and a refund (退费) paid back',
        value: fees({
          status: 'paid',
          dueAt: null,
          notices: [paid],
          refunds: [{ ...refund, status: 'refunded', decidedBy: LEADER.id, decidedAt: '2026-03-11T07:05:00.000Z', refundedAt: '2026-03-12T01:48:19.000Z' }],
        }),
      },
      awaitingAssessment: {
        summary: 'Not assessed yet: the window assesses it at the decision (办结)',
        value: fees({ status: 'awaiting_assessment', amountFen: null, paymentCode: null, dueAt: null, notices: [] }),
      },
    },
  },
};

export const assessmentExamples: RouteExamples = {
  body: {
    standard: {
      summary: 'A home (住宅类) registered, with a second title certificate',
      value: {
        lines: [
          { code: 'registration-residential', quantity: 1 },
          { code: 'certificate', quantity: 2 },
        ],
        reductions: [],
      },
    },
    smallMicro: {
      summary: 'A small or micro enterprise (小微企业): the registration fee exempted',
      value: { lines: [{ code: 'registration-residential', quantity: 1 }, { code: 'certificate', quantity: 2 }], reductions: ['small-micro-enterprise'] },
    },
  },
  responses: {
    200: {
      standard: { summary: 'Assessed at 90 yuan: the notice issued with its payment code', value: awaitingPayment },
      smallMicro: {
        summary: 'Assessed at 10 yuan after the exemption',
        value: fees({
          amountFen: 1000,
          notices: [{ ...issued, amountFen: 1000, reductions: ['small-micro-enterprise'], lines: [{ ...LINES[0], reductionFen: 8000, amountFen: 0 }, LINES[1]] }],
        }),
      },
    },
  },
};

const WAIVE_REASON = '申请人为低保户，经集体研究同意免收';
const REDUCE_REASON = '申请人为困难家庭，经集体研究同意减半收取';
const adjustment = (toFen: number, reason: string, at: string) => ({ officer: LEADER, reason, fromFen: 9000, toFen, at });

export const adjustmentExamples: RouteExamples = {
  body: {
    waive: { summary: 'Waived (免收): toFen 0', value: { toFen: 0, reason: WAIVE_REASON } },
    reduce: { summary: 'Reduced (减收) to 45 yuan', value: { toFen: 4500, reason: REDUCE_REASON } },
  },
  responses: {
    200: {
      waive: {
        summary: 'Waived: the notice withdrawn at the platform, nothing owed',
        value: fees({
          status: 'waived',
          paymentCode: null,
          dueAt: null,
          notices: [{ ...issued, status: 'waived', adjustment: adjustment(0, WAIVE_REASON, '2026-03-10T02:00:00.000Z') }],
        }),
      },
      reduce: {
        summary: 'Reduced: the notice superseded by a new one, with its own payment code and deadline',
        value: fees({
          amountFen: 4500,
          paymentCode: '45010226031000210022',
          dueAt: '2026-03-31T16:00:00.000Z',
          notices: [
            { ...issued, status: 'superseded', adjustment: adjustment(4500, REDUCE_REASON, '2026-03-10T02:00:00.000Z') },
            {
              ...issued,
              noticeNo: F2,
              amountFen: 4500,
              lines: [
                { ...LINES[0], reductionFen: 4000, amountFen: 4000 },
                { ...LINES[1], reductionFen: 500, amountFen: 500 },
              ],
              paymentCode: '45010226031000210022',
              issuedAt: '2026-03-10T02:00:00.000Z',
              dueAt: '2026-03-31T16:00:00.000Z',
            },
          ],
        }),
      },
    },
  },
};

export const refundRequestExamples: RouteExamples = {
  body: { overcharged: { summary: 'A certificate’s fee paid back (退费)', value: { amountFen: 1000, reason: REFUND_REASON } } },
  responses: { 200: { requested: { summary: 'Requested: for a leader of the department to approve', value: fees({ ...paidFees, refunds: [refund] }) } } },
};

export const refundDecisionExamples: RouteExamples = {
  body: {
    approve: { summary: 'Approved: paid back through the payment platform', value: { approve: true, note: '核实多收工本费，同意退还' } },
    reject: { summary: 'Rejected, with a note', value: { approve: false, note: '申请人已领取两本权属证书，工本费收取无误' } },
  },
  responses: {
    200: {
      approve: {
        summary: 'Approved and submitted to the payment platform; refunded when it reports so',
        value: fees({ ...paidFees, refunds: [{ ...refund, status: 'submitted', decidedBy: LEADER.id, decidedAt: '2026-03-11T07:05:00.000Z' }] }),
      },
      reject: {
        summary: 'Rejected',
        value: fees({ ...paidFees, refunds: [{ ...refund, status: 'rejected', decidedBy: LEADER.id, decidedAt: '2026-03-11T07:05:00.000Z' }] }),
      },
    },
  },
};

export const reconciliationExamples: RouteExamples = {
  querystring: { week: { summary: 'Nanning’s last seven nights', value: { centre: '450100', limit: 7 } } },
  responses: {
    200: {
      week: {
        summary: 'A night that matched, and one with a payment the platform reported that is not recorded here',
        value: {
          reconciliations: [
            { day: '2026-03-11', ranAt: '2026-03-11T18:30:04.000Z', statementLines: 37, recordedLines: 37, matched: 37, differences: [] },
            {
              day: '2026-03-10',
              ranAt: '2026-03-10T18:30:03.000Z',
              statementLines: 42,
              recordedLines: 41,
              matched: 41,
              differences: [
                {
                  kind: 'there_not_here',
                  what: 'payment',
                  id: 'GXFS202603101412580931',
                  noticeNo: F1,
                  applicationNo: APPLICATION_NO,
                  centreCode: '450102',
                  thereFen: 9000,
                },
              ],
            },
          ],
        },
      },
    },
  },
};

/** A row's figures, in the schema's order: assessed fen and count, collected, waived, reduced fen, refunded fen and count, outstanding. */
const figures = (key: string, f: number[], names?: { name: string; nameEn: string }) => ({
  key,
  ...names,
  assessedFen: f[0],
  assessedCount: f[1],
  collectedFen: f[2],
  collectedCount: f[3],
  waivedFen: f[4],
  waivedCount: f[5],
  reducedFen: f[6],
  refundedFen: f[7],
  refundedCount: f[8],
  outstandingFen: f[9],
  outstandingCount: f[10],
});

export const feeFiguresExamples: RouteExamples = {
  querystring: {
    departments: { summary: 'Nanning and below, by department, in March 2026', value: { groupBy: 'department', centre: '450100', from: '2026-03-01', to: '2026-04-01' } },
    months: { summary: 'By month in the first quarter', value: { groupBy: 'month', centre: '450100', from: '2026-01-01', to: '2026-04-01' } },
  },
  responses: {
    200: {
      departments: {
        summary: 'By department (named at the centre’s level)',
        value: {
          centre: '450100',
          groupBy: 'department',
          from: '2026-03-01',
          to: '2026-04-01',
          rows: [
            figures('natural_resources', [12_437_000, 1402, 11_862_000, 1331, 152_000, 19, 24_000, 31_000, 12, 399_000, 52], { name: '自然资源局', nameEn: 'Natural Resources' }),
            figures('public_security', [361_000, 361, 352_000, 352, 0, 0, 0, 0, 0, 9000, 9], { name: '公安局', nameEn: 'Public Security' }),
          ],
        },
      },
      months: {
        summary: 'By month (yyyy-mm, China time; no name)',
        value: {
          centre: '450100',
          groupBy: 'month',
          from: '2026-01-01',
          to: '2026-04-01',
          rows: [
            figures('2026-01', [10_984_000, 1288, 10_611_000, 1240, 97_000, 12, 16_000, 22_000, 9, 0, 0]),
            figures('2026-02', [6_052_000, 713, 5_874_000, 689, 64_000, 8, 8000, 9000, 4, 0, 0]),
            figures('2026-03', [12_798_000, 1763, 12_214_000, 1683, 152_000, 19, 24_000, 31_000, 12, 408_000, 61]),
          ],
        },
      },
    },
  },
};

export const unpaidExamples: RouteExamples = {
  querystring: { nanning: { summary: 'The 20 longest overdue at Nanning and below', value: { centre: '450100', limit: 20 } } },
  responses: {
    200: {
      nanning: {
        summary: 'Notices unpaid past their deadline, the longest overdue first',
        value: {
          centre: '450100',
          notices: [
            {
              noticeNo: '450103-20260130-000034-F1',
              applicationNo: '450103-20260130-000034',
              centreCode: '450103',
              itemCode: 'real-estate-first-registration',
              itemName: '不动产首次登记（国有建设用地使用权及房屋所有权）',
              itemNameEn: 'First registration of real estate (state land use right and building ownership)',
              department: 'natural_resources',
              amountFen: 55_000,
              paymentCode: '45010326020500340011',
              dueAt: '2026-03-04T16:00:00.000Z',
              issuedAt: '2026-02-05T08:10:00.000Z',
              daysOverdue: 8,
            },
            {
              noticeNo: '450100-20260306-000112-F1',
              applicationNo: '450100-20260306-000112',
              centreCode: '450100',
              itemCode: 'temporary-id-card',
              itemName: '临时居民身份证办理',
              itemNameEn: 'Temporary resident identity card',
              department: 'public_security',
              amountFen: 1000,
              paymentCode: '45010026030601120011',
              dueAt: '2026-03-11T16:00:00.000Z',
              issuedAt: '2026-03-06T02:44:00.000Z',
              daysOverdue: 1,
            },
          ],
        },
      },
    },
  },
};

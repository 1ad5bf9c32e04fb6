/**
 * Examples of the rating routes (好差评) for /docs: an integrator's rating, the notices' one-time rating
 * codes and the public page's, and the supervisors' satisfaction figures. Each value is checked against
 * its route's zod schemas (tests/openapi-docs.test.ts).
 *
 * One application runs through them: a sole proprietorship registration (个体工商户设立登记) at the
 * Xingning District centre in Nanning (450102), taken in at the market regulation window on Monday
 * 2 March 2026, decided on the 4th and rated badly on the 5th.
 */
import type { RouteExamples } from '../openapi.js';

export const APPLICATION_NO = '450102-20260302-000015';
export const CENTRE = { code: '450102', name: '兴宁区政务服务中心' };
export const WINDOW = { code: '450102-market_regulation', name: '市场监督管理局窗口' };
export const WINDOW_OFFICER = { id: '450102-market_regulation-officer', name: '兴宁区市场监督管理局窗口工作人员' };
export const CHIEF = { id: '450102-market_regulation-chief', name: '兴宁区市场监督管理局首席代表' };
export const DEPARTMENT = 'market_regulation';

const ACCEPTANCE_TOKEN = 'sqqoPgJhZA-3K6ov2U6vpfNunXHdqFtmB8l4vIyiUN8';
const PICKUP_TOKEN = 'OsgV3WjHTs3wpfXKpeRIa6PRU2VbnK7Al_f6_Lo8Gt0';

/** A rating as the API shows it, served at the market regulation window. */
const shown = (fields: Record<string, unknown>) => ({
  applicationNo: APPLICATION_NO,
  tags: [],
  comment: null,
  channel: 'api',
  centreCode: CENTRE.code,
  changedAt: null,
  window: WINDOW,
  officer: WINDOW_OFFICER,
  ...fields,
});

const goodIntake = shown({
  event: 'intake',
  level: 'very_satisfied',
  levelZh: '非常满意',
  bad: false,
  tags: ['efficient', 'courteous', 'one_visit'],
  comment: '材料一次性收齐，当场受理，很方便',
  ratedAt: '2026-03-02T02:05:00.000Z',
});

const badDecision = shown({
  event: 'decision',
  level: 'dissatisfied',
  levelZh: '不满意',
  bad: true,
  tags: ['unclear_guidance', 'repeated_visits'],
  comment: '补正材料没有一次性讲清楚，多跑了一趟，办结也比承诺的晚了一天',
  ratedAt: '2026-03-05T02:15:00.000Z',
  officer: CHIEF,
});

export const rateExamples: RouteExamples = {
  body: {
    good: {
      summary: 'A good rating (好评) of intake, with tags',
      description: 'Sent by the integrator that submitted the application, on the applicant’s behalf',
      value: { event: 'intake', level: 'very_satisfied', tags: ['efficient', 'courteous', 'one_visit'], comment: '材料一次性收齐，当场受理，很方便' },
    },
    bad: {
      summary: 'A bad rating (差评) of the decision, with tags and a comment',
      description: '不满意 and 非常不满意 are bad ratings: each opens a follow-up (督办) for the department’s leaders',
      value: { event: 'decision', level: 'dissatisfied', tags: ['unclear_guidance', 'repeated_visits'], comment: '补正材料没有一次性讲清楚，多跑了一趟，办结也比承诺的晚了一天' },
    },
    change: {
      summary: 'The same event rated again within the change window (30 minutes): a change',
      value: { event: 'intake', level: 'satisfied' },
    },
  },
  responses: {
    201: {
      good: { summary: 'The good rating, stored (好评)', value: goodIntake },
      bad: { summary: 'The bad rating, stored (差评): its follow-up is opened', value: badDecision },
    },
    200: {
      changed: {
        summary: 'A rating changed within the change window',
        value: { ...goodIntake, level: 'satisfied', levelZh: '满意', tags: [], comment: null, changedAt: '2026-03-02T02:18:00.000Z' },
      },
    },
  },
};

export const ratingTokenExamples: RouteExamples = {
  body: {
    acceptance: { summary: 'The code printed on the acceptance notice (受理通知书): consultation and intake', value: { for: 'acceptance' } },
    pickup: { summary: 'The code printed on the decision, for the pickup notice: decision and pickup', value: { for: 'pickup' } },
  },
  responses: {
    201: {
      acceptance: {
        summary: 'An acceptance notice’s code: its QR code opens /rate/<token>',
        value: { token: ACCEPTANCE_TOKEN, url: `/rate/${ACCEPTANCE_TOKEN}`, events: ['consultation', 'intake'], expiresAt: '2026-04-01T01:52:40.000Z' },
      },
      pickup: {
        summary: 'A pickup code issued at the decision: the pickup can be rated once it has happened',
        value: { token: PICKUP_TOKEN, url: `/rate/${PICKUP_TOKEN}`, events: ['decision', 'pickup'], expiresAt: '2026-04-03T07:30:12.000Z' },
      },
    },
  },
};

const LEVELS = [
  { code: 'very_satisfied', zh: '非常满意', en: 'Very satisfied' },
  { code: 'satisfied', zh: '满意', en: 'Satisfied' },
  { code: 'basically_satisfied', zh: '基本满意', en: 'Basically satisfied' },
  { code: 'dissatisfied', zh: '不满意', en: 'Dissatisfied' },
  { code: 'very_dissatisfied', zh: '非常不满意', en: 'Very dissatisfied' },
];

const TAGS = [
  { code: 'efficient', zh: '办事效率高', en: 'Efficient' },
  { code: 'courteous', zh: '服务态度好', en: 'Courteous' },
  { code: 'clear_guidance', zh: '一次性告知清楚', en: 'Told everything at once' },
  { code: 'one_visit', zh: '最多跑一次', en: 'Done in one visit' },
  { code: 'slow', zh: '办事效率低', en: 'Slow' },
  { code: 'discourteous', zh: '服务态度差', en: 'Discourteous' },
  { code: 'unclear_guidance', zh: '告知不清楚', en: 'Unclear guidance' },
  { code: 'repeated_visits', zh: '多次跑动', en: 'Had to come several times' },
];

export const rateableExamples: RouteExamples = {
  responses: {
    200: {
      pickup: {
        summary: 'A pickup code read before the pickup: the decision can be rated now, the pickup once it has happened',
        value: {
          applicationNo: APPLICATION_NO,
          item: { name: '个体工商户设立登记', nameEn: 'Sole proprietorship (individual business) registration' },
          centre: CENTRE,
          events: [
            { event: 'decision', happened: true, at: '2026-03-04T07:30:00.000Z', window: WINDOW, officer: CHIEF },
            { event: 'pickup', happened: false, at: null, window: null, officer: null },
          ],
          changeable: [],
          levels: LEVELS,
          tags: TAGS,
          expiresAt: '2026-04-03T07:30:12.000Z',
        },
      },
      changeable: {
        summary: 'The same code read again ten minutes after the decision was rated with it: the decision’s rating may be changed until 08:32, the pickup rated once it has happened',
        value: {
          applicationNo: APPLICATION_NO,
          item: { name: '个体工商户设立登记', nameEn: 'Sole proprietorship (individual business) registration' },
          centre: CENTRE,
          events: [{ event: 'pickup', happened: false, at: null, window: null, officer: null }],
          changeable: [
            {
              ...shown({ channel: 'qr', event: 'decision', level: 'satisfied', levelZh: '满意', bad: false, tags: ['efficient'], ratedAt: '2026-03-04T08:02:10.000Z', officer: CHIEF }),
              changeableUntil: '2026-03-04T08:32:10.000Z',
            },
          ],
          levels: LEVELS,
          tags: TAGS,
          expiresAt: '2026-04-03T07:30:12.000Z',
        },
      },
    },
  },
};

const byCode = (fields: Record<string, unknown>) => shown({ channel: 'qr', ...fields });

export const publicRateExamples: RouteExamples = {
  body: {
    decision: {
      summary: 'The decision rated before the pickup (the code stays open for the pickup)',
      value: { ratings: [{ event: 'decision', level: 'satisfied', tags: ['efficient'] }] },
    },
    both: {
      summary: 'Both events of the pickup notice, after the pickup',
      value: {
        ratings: [
          { event: 'decision', level: 'satisfied', tags: ['efficient'] },
          { event: 'pickup', level: 'very_satisfied', tags: ['courteous', 'one_visit'], comment: '营业执照当天就领到了' },
        ],
      },
    },
    bad: {
      summary: 'A bad rating (差评) with tags, from the QR code',
      value: { ratings: [{ event: 'decision', level: 'very_dissatisfied', tags: ['slow', 'discourteous'], comment: '超过承诺时限才办结，电话询问时态度也不好' }] },
    },
    change: {
      summary: 'The decision rated again with the same code within the change window (30 minutes): a change',
      description: 'Only what this code rated; the code may be used already. A rating given through the integrator is not changed here (409 already_rated)',
      value: { ratings: [{ event: 'decision', level: 'basically_satisfied', tags: [], comment: '后来电话说明了原因' }] },
    },
  },
  responses: {
    201: {
      decision: {
        summary: 'The decision’s rating, stored',
        value: { ratings: [byCode({ event: 'decision', level: 'satisfied', levelZh: '满意', bad: false, tags: ['efficient'], ratedAt: '2026-03-04T08:02:10.000Z', officer: CHIEF })] },
      },
      both: {
        summary: 'Both ratings, stored; the code is used',
        value: {
          ratings: [
            byCode({ event: 'decision', level: 'satisfied', levelZh: '满意', bad: false, tags: ['efficient'], ratedAt: '2026-03-06T03:41:27.000Z', officer: CHIEF }),
            byCode({ event: 'pickup', level: 'very_satisfied', levelZh: '非常满意', bad: false, tags: ['courteous', 'one_visit'], comment: '营业执照当天就领到了', ratedAt: '2026-03-06T03:41:27.000Z' }),
          ],
        },
      },
      bad: {
        summary: 'The bad rating, stored (差评): its follow-up is opened',
        value: {
          ratings: [
            byCode({
              event: 'decision',
              level: 'very_dissatisfied',
              levelZh: '非常不满意',
              bad: true,
              tags: ['slow', 'discourteous'],
              comment: '超过承诺时限才办结，电话询问时态度也不好',
              ratedAt: '2026-03-04T08:02:10.000Z',
              officer: CHIEF,
            }),
          ],
        },
      },
    },
    200: {
      change: {
        summary: 'The decision’s rating, changed (a bad rating changed to a good one withdraws its follow-up)',
        value: {
          ratings: [
            byCode({
              event: 'decision',
              level: 'basically_satisfied',
              levelZh: '基本满意',
              bad: false,
              comment: '后来电话说明了原因',
              ratedAt: '2026-03-04T08:02:10.000Z',
              changedAt: '2026-03-04T08:15:42.000Z',
              officer: CHIEF,
            }),
          ],
        },
      },
    },
  },
};

const levels = (veryS: number, s: number, basically: number, dis: number, veryDis: number) => ({
  levels: { very_satisfied: veryS, satisfied: s, basically_satisfied: basically, dissatisfied: dis, very_dissatisfied: veryDis },
  total: veryS + s + basically + dis + veryDis,
  bad: dis + veryDis,
});

export const satisfactionExamples: RouteExamples = {
  querystring: {
    windows: { summary: 'A district centre’s windows in March 2026', value: { groupBy: 'window', centre: '450102', from: '2026-03-01', to: '2026-04-01' } },
    months: { summary: 'Nanning and its districts and counties, month by month in the first quarter', value: { groupBy: 'month', centre: '450100', from: '2026-01-01', to: '2026-04-01' } },
  },
  responses: {
    200: {
      windows: {
        summary: 'By window (窗口)',
        value: {
          centre: '450102',
          groupBy: 'window',
          from: '2026-03-01',
          to: '2026-04-01',
          rows: [
            { key: '450102-market_regulation', name: '市场监督管理局窗口', ...levels(186, 52, 9, 3, 1), satisfactionRate: 0.9841 },
            { key: '450102-public_security', name: '公安局窗口', ...levels(97, 41, 12, 5, 2), satisfactionRate: 0.9554 },
            { key: '450102-taxation', name: '税务局窗口', ...levels(143, 30, 6, 1, 0), satisfactionRate: 0.9944 },
          ],
        },
      },
      months: {
        summary: 'By month (yyyy-mm, China time)',
        value: {
          centre: '450100',
          groupBy: 'month',
          from: '2026-01-01',
          to: '2026-04-01',
          rows: [
            { key: '2026-01', ...levels(420, 118, 25, 9, 3), satisfactionRate: 0.9791 },
            { key: '2026-02', ...levels(301, 96, 18, 6, 1), satisfactionRate: 0.9834 },
            { key: '2026-03', ...levels(426, 123, 27, 9, 3), satisfactionRate: 0.9796 },
          ],
        },
      },
    },
  },
};

export const rankingExamples: RouteExamples = {
  querystring: {
    march: { summary: 'Nanning’s windows in March 2026, ranked from 20 ratings up', value: { month: '2026-03', centre: '450100', minRatings: 20 } },
  },
  responses: {
    200: {
      march: {
        summary: 'The month’s ranking (好差评通报); a window with too few ratings listed last, unranked',
        value: {
          centre: '450100',
          month: '2026-03',
          minRatings: 20,
          windows: [
            { rank: 1, windowCode: '450103-taxation', name: '税务局窗口', centreCode: '450103', centreName: '青秀区政务服务中心', ...levels(88, 21, 3, 0, 0), satisfactionRate: 1 },
            { rank: 2, windowCode: '450102-market_regulation', name: '市场监督管理局窗口', centreCode: '450102', centreName: '兴宁区政务服务中心', ...levels(61, 17, 4, 2, 0), satisfactionRate: 0.9762 },
            { rank: 3, windowCode: '450100-public_security', name: '公安局窗口', centreCode: '450100', centreName: '南宁市政务服务中心', ...levels(132, 45, 11, 6, 2), satisfactionRate: 0.9592 },
            { rank: 4, windowCode: '450107-human_resources', name: '人力资源和社会保障局窗口', centreCode: '450107', centreName: '西乡塘区政务服务中心', ...levels(40, 22, 7, 4, 3), satisfactionRate: 0.9079 },
            { rank: null, windowCode: '450108-civil_affairs', name: '民政局窗口', centreCode: '450108', centreName: '良庆区政务服务中心', ...levels(5, 1, 0, 0, 0), satisfactionRate: 1 },
          ],
        },
      },
    },
  },
};

/**
 * Examples of the public satisfaction figures (好差评公示) for /docs. Each value is checked against its
 * route's zod schemas (tests/openapi-docs.test.ts).
 *
 * The Xingning District centre in Nanning (450102), March 2026: the same figures the supervisors'
 * examples show for its windows (api/examples/ratings.ts), and a civil affairs window with too few
 * ratings to be ranked.
 */
import type { RouteExamples } from '../openapi.js';

const counts = (veryS: number, s: number, basically: number, dis: number, veryDis: number, satisfactionRate: number) => ({
  levels: { very_satisfied: veryS, satisfied: s, basically_satisfied: basically, dissatisfied: dis, very_dissatisfied: veryDis },
  total: veryS + s + basically + dis + veryDis,
  bad: dis + veryDis,
  satisfactionRate,
});

const CENTRE = { code: '450102', name: '兴宁区政务服务中心' };
const all = counts(431, 124, 27, 9, 3, 0.9798);
const followUp = { closed: 10, rectified: 7, explained: 3, open: 2, disputeUpheld: 1 };

export const publicSatisfactionExamples: RouteExamples = {
  querystring: {
    march: { summary: 'The Xingning District centre in March 2026, windows ranked from 20 ratings up', value: { month: '2026-03', centre: '450102', minRatings: 20 } },
  },
  responses: {
    200: {
      march: {
        summary: 'The month’s figures (好差评公示): the centre’s ratings, how its bad ratings were followed up, and its windows ranked; one window with too few ratings listed last, unranked',
        value: {
          month: '2026-03',
          centre: CENTRE,
          minRatings: 20,
          asOf: '2026-04-08T02:00:00.000Z',
          overall: { ...all, followUp },
          centres: [{ ...CENTRE, parentCode: '450100', ...all, followUp }],
          windows: [
            { rank: 1, windowCode: '450102-taxation', name: '税务局窗口', centreCode: '450102', centreName: CENTRE.name, ...counts(143, 30, 6, 1, 0, 0.9944) },
            { rank: 2, windowCode: '450102-market_regulation', name: '市场监督管理局窗口', centreCode: '450102', centreName: CENTRE.name, ...counts(186, 52, 9, 3, 1, 0.9841) },
            { rank: 3, windowCode: '450102-public_security', name: '公安局窗口', centreCode: '450102', centreName: CENTRE.name, ...counts(97, 41, 12, 5, 2, 0.9554) },
            { rank: null, windowCode: '450102-civil_affairs', name: '民政局窗口', centreCode: '450102', centreName: CENTRE.name, ...counts(5, 1, 0, 0, 0, 1) },
          ],
        },
      },
    },
    400: {
      current: {
        summary: 'The current month (or one to come): published once it is over',
        value: {
          error: {
            code: 'validation_failed',
            message: 'querystring.month: must be a finished month: 2026-04 is the current month in China, and its figures are published once it is over',
            details: [{ field: 'querystring.month', message: 'must be a finished month: 2026-04 is the current month in China, and its figures are published once it is over' }],
          },
        },
      },
    },
    404: {
      centre: { summary: 'No such centre', value: { error: { code: 'not_found', message: 'Centre 450199 was not found' } } },
    },
  },
};

/**
 * Examples of the supervision centre's JSON (电子监察) for /docs: the map of centres and the day's
 * business at Nanning (450100) and the centres below it. Each value is checked against its route's zod
 * schemas (tests/openapi-docs.test.ts).
 */
import type { RouteExamples } from '../openapi.js';

/** A centre as db/seed/centres.json places it, with its open applications. */
const centre = (
  code: string,
  name: string,
  nameEn: string,
  level: 'region' | 'city' | 'county',
  parentCode: string | null,
  [longitude, latitude]: [number, number],
  [open, yellow, red]: [number, number, number],
) => ({ code, name, nameEn, level, parentCode, longitude, latitude, dayMinutes: null, open, yellow, red, supervision: red > 0 ? 'red' : yellow > 0 ? 'yellow' : 'green' });

export const mapExamples: RouteExamples = {
  responses: {
    200: {
      nanning: {
        summary: 'A Nanning supervisor’s map: the city’s centre and those below it (a few of them shown)',
        value: {
          generatedAt: '2026-03-12T02:45:00.000Z',
          centres: [
            centre('450100', '南宁市政务服务中心', 'Nanning Government Service Centre', 'city', '450000', [108.32, 22.824], [418, 12, 1]),
            centre('450102', '兴宁区政务服务中心', 'Xingning District Government Service Centre', 'county', '450100', [108.3202, 22.8195], [96, 3, 0]),
            centre('450103', '青秀区政务服务中心', 'Qingxiu District Government Service Centre', 'county', '450100', [108.3461, 22.8166], [152, 0, 0]),
            centre('450105', '江南区政务服务中心', 'Jiangnan District Government Service Centre', 'county', '450100', [108.3105, 22.7996], [87, 4, 2]),
          ],
        },
      },
    },
  },
};

const day = (itemCode: string, itemName: string, itemNameEn: string, department: string, category: string, counts: number[]) => {
  const [consultation, application, acceptance, decided, completion, pickup, yellow, red] = counts;
  return { itemCode, itemName, itemNameEn, department, category, consultation, application, acceptance, decided, completion, pickup, yellow, red };
};

const COMPANY_STARTUP = ['company-startup', '企业开办（设立登记、公章刻制、发票申领、社保登记、公积金缴存登记）', 'Company start-up (registration, seal engraving, invoices, social insurance, housing fund)'] as const;
const SOLE_PROPRIETORSHIP = ['individual-business-registration', '个体工商户设立登记', 'Sole proprietorship (individual business) registration'] as const;

export const dayExamples: RouteExamples = {
  querystring: {
    licensing: { summary: 'Licensing items (行政许可) at Nanning and below on one day', value: { date: '2026-03-10', centre: '450100', category: 'licensing' } },
    department: { summary: 'One department’s items at a district centre', value: { date: '2026-03-10', centre: '450102', department: 'market_regulation' } },
    item: { summary: 'One item, today at the caller’s own centre', value: { item: 'company-startup' } },
  },
  responses: {
    200: {
      licensing: {
        summary: 'Each item’s steps and alerts that day',
        value: {
          date: '2026-03-10',
          centre: '450100',
          rows: [
            day(...COMPANY_STARTUP, 'market_regulation', 'licensing', [58, 47, 45, 41, 41, 33, 2, 0]),
            day(...SOLE_PROPRIETORSHIP, 'market_regulation', 'licensing', [36, 31, 30, 28, 28, 25, 1, 0]),
            day('food-business-licence', '食品经营许可', 'Food business licence', 'market_regulation', 'licensing', [21, 14, 13, 9, 8, 6, 0, 1]),
          ],
        },
      },
      item: {
        summary: 'One item (企业开办) at a Nanning supervisor’s centre and below',
        value: { date: '2026-03-12', centre: '450100', rows: [day(...COMPANY_STARTUP, 'market_regulation', 'licensing', [41, 35, 33, 30, 30, 22, 1, 0])] },
      },
      department: {
        summary: 'The market regulation items at Xingning (450102)',
        value: {
          date: '2026-03-10',
          centre: '450102',
          rows: [
            day(...COMPANY_STARTUP, 'market_regulation', 'licensing', [9, 7, 7, 6, 6, 5, 0, 0]),
            day(...SOLE_PROPRIETORSHIP, 'market_regulation', 'licensing', [6, 5, 5, 4, 4, 4, 1, 0]),
            day('individual-business-deregistration', '个体工商户注销登记（含简易注销）', 'Sole proprietorship deregistration (incl. simplified)', 'market_regulation', 'other_power', [3, 2, 2, 2, 2, 0, 0, 0]),
          ],
        },
      },
    },
  },
};

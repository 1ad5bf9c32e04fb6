/**
 * Examples for /docs of the item catalogue (api/routes/items.ts): the seed's 食品经营许可 (food business
 * licence) of Nanning's market regulation windows, read, changed (version 2, then 3) and imported.
 */
import type { RouteExamples } from '../openapi.js';

const REGION_ADMIN = { id: '450000-admin', name: '广西壮族自治区政务服务中心系统管理员' };
const CODE = 'food-business-licence';

/** The item as the seed defines it, with the defaults the API fills in (warningDays, major, fees). */
const FOOD_LICENCE = {
  code: CODE,
  name: '食品经营许可',
  nameEn: 'Food business licence',
  department: 'market_regulation',
  kind: 'promised',
  category: 'licensing',
  levels: ['city', 'county'],
  legalBasis: '《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》（2023）',
  statutoryLimitDays: 10,
  promisedLimitDays: 5,
  warningDays: 1,
  major: false,
  materials: [
    { name: '食品经营许可申请书', required: true },
    { name: '营业执照或其他主体资格证明', required: true },
    { name: '与食品经营相适应的主要设备设施、经营布局、操作流程等文件', required: true },
    { name: '食品安全自查、从业人员健康管理、进货查验记录等食品安全管理制度', required: true },
  ],
  fees: [],
  steps: [{ name: '审查决定', departments: [{ code: 'market_regulation', promisedLimitDays: 5 }] }],
};

/** The same item with a promised limit of 4 working days instead of 5 (its one step too). */
const FOUR_DAYS = { ...FOOD_LICENCE, promisedLimitDays: 4, steps: [{ name: '审查决定', departments: [{ code: 'market_regulation', promisedLimitDays: 4 }] }] };

const version2 = { version: 2, createdAt: '2026-03-02T01:20:44.518Z', createdBy: REGION_ADMIN, ownerCentre: null, definition: FOOD_LICENCE };
const version3 = { ...version2, version: 3, createdAt: '2026-03-16T02:05:11.903Z', definition: FOUR_DAYS };

const summary = {
  code: CODE,
  name: FOOD_LICENCE.name,
  nameEn: FOOD_LICENCE.nameEn,
  department: 'market_regulation',
  kind: 'promised',
  category: 'licensing',
  major: false,
  statutoryLimitDays: 10,
  promisedLimitDays: 5,
  levels: ['city', 'county'],
  currentVersion: 2,
  ownerCentre: null,
};

export const listItemsExamples: RouteExamples = {
  querystring: { offered: { summary: 'Food items offered at Nanning’s centre (南宁市政务服务中心可办的食品类事项)', value: { centre: '450100', q: '食品' } } },
  responses: {
    200: {
      found: {
        summary: 'Items of the regional catalogue and Nanning’s local items that match',
        value: {
          items: [
            summary,
            {
              ...summary,
              code: 'restaurant-opening',
              name: '餐饮店开办“一件事”（营业执照、食品经营许可、公章、发票、消防安全检查、排水许可）',
              nameEn: 'Opening a restaurant (one thing)',
              kind: 'joint',
              statutoryLimitDays: 25,
              promisedLimitDays: 10,
              currentVersion: 1,
            },
          ],
        },
      },
    },
  },
};

export const getItemExamples: RouteExamples = {
  responses: {
    200: { current: { summary: 'The current version: send it back with PUT, edited, to change the item (当前版本，可修改后原样提交)', value: version2 } },
  },
};

export const itemVersionsExamples: RouteExamples = {
  responses: {
    200: {
      versions: {
        summary: 'Seeded, then changed by the region’s administrator',
        value: {
          versions: [
            { version: 1, createdAt: '2026-01-05T08:00:03.112Z', createdBy: { id: 'seed', name: 'db/seed' } },
            { version: 2, createdAt: version2.createdAt, createdBy: REGION_ADMIN },
          ],
        },
      },
    },
  },
};

export const itemVersionExamples: RouteExamples = {
  responses: { 200: { version2: { summary: 'Version 2: the rules an application submitted under it runs by', value: version2 } } },
};

const workshop = {
  code: 'food-workshop-registration',
  name: '食品小作坊登记',
  nameEn: 'Registration of a small food workshop',
  department: 'market_regulation',
  kind: 'promised',
  category: 'other_power',
  levels: ['county'],
  legalBasis: '《广西壮族自治区食品小作坊小餐饮和食品摊贩管理条例》',
  statutoryLimitDays: 15,
  promisedLimitDays: 10,
  materials: [{ name: '食品小作坊登记申请表' }, { name: '经营者身份证明' }, { name: '生产加工场所平面图', required: false }],
  steps: [{ name: '审查登记', departments: [{ code: 'market_regulation', promisedLimitDays: 10 }] }],
};

export const createItemExamples: RouteExamples = {
  body: {
    regional: {
      summary: 'A new item of the regional catalogue, taken in at county centres (新增事项)',
      description: 'Fields with a default may be left out: category, warningDays, major, a material’s required, fees.',
      value: workshop,
    },
  },
  responses: {
    201: {
      created: {
        summary: 'Version 1, with the defaults filled in',
        value: {
          version: 1,
          createdAt: '2026-03-16T02:41:27.330Z',
          createdBy: REGION_ADMIN,
          ownerCentre: null,
          definition: { ...workshop, warningDays: 1, major: false, materials: workshop.materials.map((m) => ({ required: true, ...m })), fees: [] },
        },
      },
    },
    409: { exists: { summary: 'The code is taken (事项编码已存在)', value: { error: { code: 'item_exists', message: `Item ${CODE} exists; PUT /v1/items/${CODE} makes a new version` } } } },
  },
};

export const changeItemExamples: RouteExamples = {
  body: {
    asReturned: {
      summary: 'What GET returned, edited: a promised limit of 4 working days (按查询结果修改后原样提交)',
      description: 'Its definition is the change; version, createdAt, createdBy and ownerCentre are the server’s and ignored.',
      value: { ...version2, definition: FOUR_DAYS },
    },
    definition: { summary: 'The definition alone (仅提交事项定义)', value: FOUR_DAYS },
  },
  responses: { 200: { changed: { summary: 'Version 3; running applications keep the version they were submitted under', value: version3 } } },
};

export const exportExamples: RouteExamples = {
  querystring: { csv: { summary: 'As CSV, for a spreadsheet (导出为CSV)', value: { format: 'csv' } } },
};

export const importExamples: RouteExamples = {
  body: { json: { summary: 'Items as JSON, as the export gives them (text/csv is taken too)', value: { items: [FOUR_DAYS, workshop] } } },
  responses: {
    200: {
      imported: {
        summary: 'All or nothing: what each item became',
        value: { created: ['food-workshop-registration'], updated: [CODE], unchanged: [] },
      },
    },
  },
};

export const changesExamples: RouteExamples = {
  querystring: { item: { summary: 'The changes of one item (某事项的变更记录)', value: { entity: 'item', key: CODE, limit: 20 } } },
  responses: {
    200: {
      changes: {
        summary: 'Newest first, with the record before and after: version 2 cites the 2023 measures',
        value: {
          changes: [
            {
              id: 1042,
              at: version2.createdAt,
              actor: REGION_ADMIN,
              entity: 'item',
              key: CODE,
              action: 'update',
              before: { version: 1, ownerCentre: null, ...FOOD_LICENCE, legalBasis: '《中华人民共和国食品安全法》第三十五条；《食品经营许可管理办法》（2015）' },
              after: { version: 2, ownerCentre: null, ...FOOD_LICENCE },
              requestId: 'req-7f3a',
            },
          ],
        },
      },
    },
  },
};

/**
 * Examples for /docs of the organisation (api/routes/organisation.ts): the regional centre, Nanning's
 * centre and its Xingning district, their market regulation windows and officers, as the seed has them.
 */
import type { RouteExamples } from '../openapi.js';

const REGION = {
  code: '450000',
  name: '广西壮族自治区政务服务中心',
  nameEn: 'Guangxi Zhuang Autonomous Region Government Service Centre',
  division: '广西壮族自治区',
  parentCode: null,
  level: 'region',
  longitude: 108.32,
  latitude: 22.824,
  coordinateApproximate: true,
  dayMinutes: null,
};
const NANNING = { ...REGION, code: '450100', name: '南宁市政务服务中心', nameEn: 'Nanning Government Service Centre', division: '南宁市', parentCode: '450000', level: 'city', coordinateApproximate: false };
const XINGNING = {
  ...NANNING,
  code: '450102',
  name: '兴宁区政务服务中心',
  nameEn: 'Xingning District Government Service Centre',
  division: '兴宁区',
  parentCode: '450100',
  level: 'county',
  longitude: 108.3202,
  latitude: 22.8195,
};

export const centresExamples: RouteExamples = {
  querystring: { flat: { summary: 'A flat list (平铺列表)', value: { flat: '1' } } },
  responses: {
    200: {
      tree: {
        summary: 'The tree under the regional centre (shortened to one city and one district)',
        value: { centres: [{ ...REGION, children: [{ ...NANNING, children: [{ ...XINGNING, children: [] }] }] }] },
      },
      flat: { summary: 'With ?flat=1 (shortened)', value: { centres: [REGION, NANNING, XINGNING] } },
    },
  },
};

export const centreExamples: RouteExamples = {
  responses: { 200: { nanning: { summary: 'Nanning’s centre (南宁市政务服务中心)', value: NANNING } } },
};

const DEMO = {
  code: '459900',
  name: '演示中心（时间压缩）',
  nameEn: 'Demo centre (compressed time)',
  division: '演示',
  parentCode: '450000',
  level: 'city',
  longitude: 108.75,
  latitude: 21.25,
  coordinateApproximate: false,
  dayMinutes: 1,
};

export const putCentreExamples: RouteExamples = {
  body: {
    rename: {
      summary: 'Nanning’s centre with another English name (修改中心信息)',
      description: 'coordinateApproximate and dayMinutes may be left out: false and null.',
      value: {
        code: '450100',
        name: '南宁市政务服务中心',
        nameEn: 'Nanning Municipal Government Service Centre',
        division: '南宁市',
        parentCode: '450000',
        level: 'city',
        longitude: 108.32,
        latitude: 22.824,
      },
    },
    demo: { summary: 'A demo centre whose working day lasts a minute (演示中心，codes 4598xx and 4599xx only)', value: DEMO },
  },
  responses: {
    200: { replaced: { summary: 'Replaced', value: { ...NANNING, nameEn: 'Nanning Municipal Government Service Centre' } } },
    201: { created: { summary: 'Created', value: DEMO } },
  },
};

const MARKET_REGULATION = { code: 'market_regulation', name: '市场监督管理局', nameEn: 'Administration for Market Regulation', levels: ['region', 'city', 'county'] };
const PUBLIC_SECURITY = { code: 'public_security', name: '公安厅（局）', nameEn: 'Public Security', levels: ['region', 'city', 'county'] };
const BIG_DATA = { code: 'big_data', name: '大数据发展局', nameEn: 'Big Data Development Bureau', levels: ['region', 'city'] };

export const departmentsExamples: RouteExamples = {
  responses: {
    200: {
      departments: {
        summary: 'Each with its name at each level where it has windows (shortened)',
        value: {
          departments: [
            { ...MARKET_REGULATION, names: { region: '市场监督管理局', city: '市场监督管理局', county: '市场监督管理局' } },
            { ...PUBLIC_SECURITY, names: { region: '公安厅', city: '公安局', county: '公安局' } },
          ],
        },
      },
    },
  },
};

export const putDepartmentExamples: RouteExamples = {
  body: { add: { summary: 'A department with windows at the regional and city centres (新增部门)', value: BIG_DATA } },
  responses: {
    200: { replaced: { summary: 'Replaced', value: BIG_DATA } },
    201: { created: { summary: 'Created', value: BIG_DATA } },
  },
};

const WINDOW = { code: '450100-market_regulation', centreCode: '450100', departmentCode: 'market_regulation', name: '市场监督管理局窗口' };
const SECOND_WINDOW = { code: '450100-market_regulation-2', centreCode: '450100', departmentCode: 'market_regulation', name: '市场监督管理局综合窗口（二）' };

export const windowsExamples: RouteExamples = {
  querystring: { nanning: { summary: 'Market regulation’s windows at Nanning’s centre', value: { centre: '450100', department: 'market_regulation' } } },
  responses: { 200: { windows: { summary: 'One window', value: { windows: [WINDOW] } } } },
};

export const putWindowExamples: RouteExamples = {
  body: { add: { summary: 'A second market regulation window at Nanning’s centre (增设窗口)', value: SECOND_WINDOW } },
  responses: {
    200: { replaced: { summary: 'Replaced', value: SECOND_WINDOW } },
    201: { created: { summary: 'Created', value: SECOND_WINDOW } },
  },
};

const staff = { centreCode: '450100', departmentCode: 'market_regulation', windowCode: '450100-market_regulation' };
const OFFICERS = [
  { id: '450100-market_regulation-officer', name: '南宁市市场监督管理局窗口工作人员', role: 'window_officer', ...staff },
  { id: '450100-market_regulation-chief', name: '南宁市市场监督管理局首席代表', role: 'chief_representative', ...staff },
  { id: '450100-market_regulation-leader', name: '南宁市市场监督管理局负责人', role: 'department_leader', ...staff },
];
const NEW_OFFICER = { id: '450100-market_regulation-officer-2', name: '李梅', role: 'window_officer', ...staff, windowCode: SECOND_WINDOW.code };

export const officersExamples: RouteExamples = {
  querystring: { nanning: { summary: 'Market regulation’s officers at Nanning’s centre', value: { centre: '450100', department: 'market_regulation' } } },
  responses: { 200: { officers: { summary: 'Its window officer, chief representative (首席代表) and leader', value: { officers: OFFICERS } } } },
};

export const putOfficerExamples: RouteExamples = {
  body: {
    grant: {
      summary: 'A new window officer at the second window (security administrators grant roles: 安全管理员)',
      value: NEW_OFFICER,
    },
  },
  responses: {
    200: { replaced: { summary: 'Replaced', value: NEW_OFFICER } },
    201: { created: { summary: 'Created', value: NEW_OFFICER } },
  },
};

/**
 * Examples for /docs of the electronic supervision (电子监察): alerts and flags (alerts.ts), efficiency
 * statistics (statistics.ts), accountability cases (cases.ts) and the audit trail (audit.ts), as a
 * supervisor of Nanning (450100) sees those of its centres. (The supervision centre's pages have theirs
 * in supervision-centre.ts.)
 */
import type { RouteExamples } from '../openapi.js';
import { APPLICATION_NO, APPLICATION_URL, AT, CENTRE, INTEGRATOR_ID, SUPERVISOR, WINDOW_OFFICER } from './applications.js';

const url = (no: string) => `/v1/applications/${no}`;

/** A red alert of 兴宁区自然资源局's review: the promised limit passed (it opened a case by itself). */
const RED_NO = '450102-20260309-000021';
const redAlert = {
  applicationNo: RED_NO,
  seq: 9,
  url: url(RED_NO),
  level: 'red' as const,
  centreCode: CENTRE,
  department: 'natural_resources',
  step: 0,
  at: '2026-03-16T16:00:00.000Z',
  responsible: [
    { id: '450102-natural_resources-officer', name: '兴宁区自然资源局窗口工作人员' },
    { id: '450102-natural_resources-chief', name: '兴宁区自然资源局首席代表' },
  ],
};

/** A yellow alert at 青秀区: one working day before the promised limit. */
const YELLOW_NO = '450103-20260311-000006';
const yellowAlert = {
  applicationNo: YELLOW_NO,
  seq: 5,
  url: url(YELLOW_NO),
  level: 'yellow' as const,
  centreCode: '450103',
  department: 'market_regulation',
  step: 0,
  at: '2026-03-17T16:00:00.000Z',
  responsible: [
    { id: '450103-market_regulation-officer', name: '青秀区市场监督管理局窗口工作人员' },
    { id: '450103-market_regulation-chief', name: '青秀区市场监督管理局首席代表' },
  ],
};

/** The statutory limit of a Nanning application as a whole passed. */
const STATUTORY_NO = '450100-20260227-000133';
const statutoryAlert = {
  applicationNo: STATUTORY_NO,
  seq: 14,
  url: url(STATUTORY_NO),
  level: 'statutory_red' as const,
  centreCode: '450100',
  department: null,
  step: null,
  at: '2026-03-18T16:00:00.000Z',
  responsible: [
    { id: '450100-housing_construction-officer', name: '南宁市住房和城乡建设局窗口工作人员' },
    { id: '450100-housing_construction-chief', name: '南宁市住房和城乡建设局首席代表' },
  ],
};

export const alertsExamples: RouteExamples = {
  querystring: {
    red: { summary: 'Red alerts at Nanning and the centres below it', value: { centre: '450100', level: 'red', limit: '50' } },
    department: { summary: 'One department’s alerts at a district', value: { centre: CENTRE, department: 'natural_resources' } },
  },
  responses: {
    200: {
      alerts: {
        summary: 'Newest first; a red alert opens its case by itself',
        value: {
          alerts: [
            { ...statutoryAlert, caseId: `${STATUTORY_NO}/14` },
            { ...yellowAlert, caseId: null },
            { ...redAlert, caseId: `${RED_NO}/9` },
          ],
        },
      },
    },
  },
};

export const flagsExamples: RouteExamples = {
  querystring: { centre: { summary: 'Flags of Nanning and the centres below it', value: { centre: '450100' } } },
  responses: {
    200: {
      flags: {
        summary: 'A second supplement request, with its reason (一次性告知 not kept)',
        value: {
          flags: [
            {
              applicationNo: '450102-20260310-000014',
              centreCode: CENTRE,
              department: 'market_regulation',
              at: '2026-03-13T03:12:47.905Z',
              reason: '经营场所布局于现场核查时方能确认，首次补正时无法告知',
              officer: { id: WINDOW_OFFICER.id, name: WINDOW_OFFICER.name },
            },
          ],
        },
      },
    },
  },
};

export const efficiencyExamples: RouteExamples = {
  querystring: {
    departments: {
      summary: 'Promised items (承诺件) by department, first quarter of 2026, Nanning and below',
      value: { groupBy: 'department', centre: '450100', kind: 'promised', from: '2026-01-01', to: '2026-04-01' },
    },
    months: { summary: 'Licensing (行政许可) by month, the whole region', value: { groupBy: 'month', centre: '450000', category: 'licensing', from: '2026-01-01' } },
  },
  responses: {
    200: {
      departments: {
        summary: 'By department',
        value: {
          groupBy: 'department',
          rows: [
            {
              key: 'market_regulation',
              decided: 412,
              approved: 398,
              averageStatutoryDays: 12.6,
              averagePromisedDays: 5.8,
              averageWorkingDays: 3.2,
              averageCalendarDays: 4.7,
              speedUp: 3.94,
              onTime: 405,
              onTimeRate: 0.983,
              withinStatutory: 412,
              yellowAlerts: 9,
              redAlerts: 2,
            },
            {
              key: 'natural_resources',
              decided: 268,
              approved: 261,
              averageStatutoryDays: 30,
              averagePromisedDays: 5,
              averageWorkingDays: 4.1,
              averageCalendarDays: 6.3,
              speedUp: 7.32,
              onTime: 251,
              onTimeRate: 0.937,
              withinStatutory: 267,
              yellowAlerts: 21,
              redAlerts: 6,
            },
          ],
        },
      },
      months: {
        summary: 'By month (yyyy-mm)',
        value: {
          groupBy: 'month',
          rows: [
            {
              key: '2026-01',
              decided: 5873,
              approved: 5702,
              averageStatutoryDays: 16.2,
              averagePromisedDays: 7.1,
              averageWorkingDays: 4.4,
              averageCalendarDays: 6.2,
              speedUp: 3.68,
              onTime: 5711,
              onTimeRate: 0.972,
              withinStatutory: 5866,
              yellowAlerts: 148,
              redAlerts: 37,
            },
            {
              key: '2026-02',
              decided: 4120,
              approved: 3998,
              averageStatutoryDays: 15.8,
              averagePromisedDays: 6.9,
              averageWorkingDays: 4.9,
              averageCalendarDays: 9.8,
              speedUp: 3.22,
              onTime: 3969,
              onTimeRate: 0.963,
              withinStatutory: 4111,
              yellowAlerts: 131,
              redAlerts: 44,
            },
          ],
        },
      },
    },
  },
};

const redCase = {
  id: `${RED_NO}/9`,
  applicationNo: RED_NO,
  applicationUrl: url(RED_NO),
  followUpId: null,
  alertSeq: 9,
  level: 'red' as const,
  centreCode: CENTRE,
  department: 'natural_resources',
  responsible: redAlert.responsible,
  status: 'open' as const,
  outcome: null,
  openedBy: null,
  openedAt: '2026-03-16T16:00:00.412Z',
  closedAt: null,
};

const YELLOW_CASE_OPENED = '2026-03-18T01:47:22.318Z';
const yellowCase = {
  id: `${YELLOW_NO}/5`,
  applicationNo: YELLOW_NO,
  applicationUrl: url(YELLOW_NO),
  followUpId: null,
  alertSeq: 5,
  level: 'yellow' as const,
  centreCode: '450103',
  department: 'market_regulation',
  responsible: yellowAlert.responsible,
  status: 'open' as const,
  outcome: null,
  openedBy: SUPERVISOR,
  openedAt: YELLOW_CASE_OPENED,
  closedAt: null,
};

const APPLICATION_CASE_OPENED = '2026-03-26T02:05:13.560Z';
const applicationCase = {
  id: `${APPLICATION_NO}/s1`,
  applicationNo: APPLICATION_NO,
  applicationUrl: APPLICATION_URL,
  followUpId: null,
  alertSeq: null,
  level: null,
  centreCode: CENTRE,
  department: null,
  responsible: [
    { id: WINDOW_OFFICER.id, name: WINDOW_OFFICER.name },
    { id: '450102-market_regulation-chief', name: '兴宁区市场监督管理局首席代表' },
  ],
  status: 'open' as const,
  outcome: null,
  openedBy: SUPERVISOR,
  openedAt: APPLICATION_CASE_OPENED,
  closedAt: null,
};

const OPEN_NOTE = '黄灯预警后仍未办结，请窗口说明原因';
const EXPLANATION = '申请人补充的检验报告于3月18日方才送达，已于当日作出决定';
const CLOSING_NOTE = '经核查，延误系申请人补充材料所致';
const OUTCOME = '情况属实，不予追责；提醒窗口对检验报告送达时间做好记录';
const CLOSED_AT = '2026-03-24T07:18:40.126Z';

export const listCasesExamples: RouteExamples = {
  querystring: {
    pending: { summary: 'Cases not closed yet at Nanning and below', value: { centre: '450100', status: 'pending' } },
    application: { summary: 'The cases of one application', value: { application: APPLICATION_NO } },
  },
  responses: { 200: { cases: { summary: 'Newest first', value: { cases: [applicationCase, yellowCase, redCase] } } } },
};

export const openCaseExamples: RouteExamples = {
  body: {
    fromAlert: { summary: 'From a yellow alert (by its seq)', value: { applicationNo: YELLOW_NO, alertSeq: 5, note: OPEN_NOTE } },
    forApplication: {
      summary: 'For an application itself',
      value: { applicationNo: APPLICATION_NO, note: '群众反映现场核查期间多次往返，核查是否存在推诿情形' },
    },
  },
  responses: {
    201: {
      fromAlert: { summary: 'Opened from the alert', value: yellowCase },
      forApplication: { summary: 'Opened for the application: its responsible officers named', value: applicationCase },
    },
  },
};

export const getCaseExamples: RouteExamples = {
  responses: {
    200: {
      closed: {
        summary: 'A closed case with every step',
        value: {
          ...yellowCase,
          status: 'closed',
          outcome: OUTCOME,
          closedAt: CLOSED_AT,
          steps: [
            { at: YELLOW_CASE_OPENED, actor: SUPERVISOR, status: 'open', note: OPEN_NOTE, outcome: null },
            { at: '2026-03-20T02:33:09.871Z', actor: SUPERVISOR, status: 'explanation_received', note: EXPLANATION, outcome: null },
            { at: CLOSED_AT, actor: SUPERVISOR, status: 'closed', note: CLOSING_NOTE, outcome: OUTCOME },
          ],
        },
      },
    },
  },
};

export const caseStepExamples: RouteExamples = {
  body: {
    explanation: { summary: 'The explanation received (已收到说明)', value: { status: 'explanation_received', note: EXPLANATION } },
    close: { summary: 'Closed with an outcome (办结)', value: { status: 'closed', note: CLOSING_NOTE, outcome: OUTCOME } },
  },
  responses: {
    200: {
      explanation: { summary: 'Explanation received', value: { ...yellowCase, status: 'explanation_received' } },
      close: { summary: 'Closed', value: { ...yellowCase, status: 'closed', outcome: OUTCOME, closedAt: CLOSED_AT } },
    },
  },
};

const PORTAL = { id: INTEGRATOR_ID, kind: 'integrator' as const, name: '广西数字政务一体化平台', ip: '10.45.3.17' };
const WINDOW = { id: WINDOW_OFFICER.id, kind: 'officer' as const, name: WINDOW_OFFICER.name, role: WINDOW_OFFICER.role, ip: '10.45.21.108' };

export const auditExamples: RouteExamples = {
  querystring: {
    latest: { summary: 'The latest 50', value: { limit: '50' } },
    before: { summary: 'The page before entry 20414', value: { before: '20414', limit: '100' } },
  },
  responses: {
    200: {
      entries: {
        summary: 'Newest first: each row’s prevHash is the hash of the row before it',
        value: {
          entries: [
            {
              id: 20417,
              at: '2026-03-16T01:31:40.301Z',
              actor: WINDOW,
              centreCode: CENTRE,
              action: 'POST /v1/applications/:no/intake',
              target: APPLICATION_NO,
              status: 200,
              requestId: 'req-8k3f',
              prevHash: '78086d5abb31822f865c5cf9ec066e02a10e4ec3cfb21780cc0cea62b961d774',
              hash: '0c583e7410e84cb7f28a17420423b0b0b7cd4a0c3942eafd1b08d64ef6ac2ae7',
            },
            {
              id: 20416,
              at: '2026-03-16T01:13:05.214Z',
              actor: PORTAL,
              centreCode: CENTRE,
              action: 'POST /v1/applications/:no/attachments',
              target: APPLICATION_NO,
              status: 201,
              requestId: 'req-8ju2',
              prevHash: 'e0e485e4010cd7786c38af6f2478a576aa0a05cd408a9f5c2b356ffd08929b9a',
              hash: '78086d5abb31822f865c5cf9ec066e02a10e4ec3cfb21780cc0cea62b961d774',
            },
            {
              id: 20415,
              at: '2026-03-16T01:13:02.790Z',
              actor: PORTAL,
              centreCode: CENTRE,
              action: 'POST /v1/applications/:no/attachments',
              target: APPLICATION_NO,
              status: 201,
              requestId: 'req-8jtz',
              prevHash: '49f1a9076afdfdf7ef93b7a45e38e2359db9321e54befa3270d738c4b6d5580b',
              hash: 'e0e485e4010cd7786c38af6f2478a576aa0a05cd408a9f5c2b356ffd08929b9a',
            },
            {
              id: 20414,
              at: AT.submitted,
              actor: PORTAL,
              centreCode: CENTRE,
              action: 'POST /v1/applications',
              target: APPLICATION_NO,
              status: 201,
              requestId: 'req-8jsm',
              prevHash: '8cb68fe2a0d5762d32bc532e1c224d68cb9f1f93e63f3e1cef15548b8ff8e895',
              hash: '49f1a9076afdfdf7ef93b7a45e38e2359db9321e54befa3270d738c4b6d5580b',
            },
          ],
        },
      },
    },
  },
};

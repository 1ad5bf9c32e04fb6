/**
 * Examples for /docs of what a window works from: its department's inbox (inbox.ts), its queue
 * (queue.ts) and the consultations it receives (consultations.ts), at the 兴宁区 centre (450102).
 */
import type { RouteExamples } from '../openapi.js';
import { APPLICATION_NO, APPLICATION_URL, AT, CENTRE, ITEM, MATERIALS, PERSON, WINDOW_OFFICER } from './applications.js';

const url = (no: string) => `/v1/applications/${no}`;

export const inboxExamples: RouteExamples = {
  querystring: { supervisor: { summary: 'A supervisor names the centre (a window officer reads their own)', value: { centre: CENTRE } } },
  responses: {
    200: {
      tasks: {
        summary: 'Two open reviews of 兴宁区市场监督管理局, the nearest promised limit first',
        value: {
          tasks: [
            {
              applicationNo: APPLICATION_NO,
              url: APPLICATION_URL,
              itemCode: ITEM.code,
              itemName: ITEM.name,
              major: false,
              centreCode: CENTRE,
              step: 0,
              department: 'market_regulation',
              reviewCentreCode: CENTRE,
              openedAt: AT.reviewOpened,
              promisedDueAt: '2026-03-24T16:00:00.000Z',
              statutoryDueAt: '2026-03-31T16:00:00.000Z',
              clockStopped: false,
              applicantName: '南宁市兴宁区某某餐饮管理有限公司',
              materials: MATERIALS,
            },
            {
              applicationNo: '450102-20260317-000011',
              url: url('450102-20260317-000011'),
              itemCode: 'special-equipment-use-registration',
              itemName: '特种设备使用登记',
              major: false,
              centreCode: CENTRE,
              step: 0,
              department: 'market_regulation',
              reviewCentreCode: CENTRE,
              openedAt: '2026-03-18T06:20:37.415Z',
              promisedDueAt: '2026-03-25T16:00:00.000Z',
              statutoryDueAt: '2026-04-09T16:00:00.000Z',
              clockStopped: false,
              applicantName: '广西某某物业服务有限公司',
              materials: ['特种设备使用登记表', '使用单位营业执照或身份证明', '特种设备产品合格证（含产品数据表）', '监督检验证明或定期检验报告', '安装告知书'],
            },
          ],
        },
      },
    },
  },
};

const queueItem = {
  itemCode: ITEM.code,
  itemName: ITEM.name,
  itemNameEn: ITEM.nameEn,
  major: false,
  acceptedAt: null,
  completedAt: null,
  stoppedSince: null,
  requiredMaterials: MATERIALS,
};

export const queueExamples: RouteExamples = {
  responses: {
    200: {
      queue: {
        summary: 'One of each task: a stopped clock, an intake, a supplement awaited, a pickup',
        value: {
          department: 'market_regulation',
          centreCode: CENTRE,
          items: [
            {
              ...queueItem,
              applicationNo: APPLICATION_NO,
              url: APPLICATION_URL,
              task: 'clock_stopped',
              stage: 'in_review',
              applicantName: '南宁市兴宁区某某餐饮管理有限公司',
              submittedAt: AT.submitted,
              acceptedAt: AT.accepted,
              stoppedSince: AT.stopped,
              dueAt: '2026-03-24T16:00:00.000Z',
              dueLastDay: '2026-03-24',
              materials: MATERIALS,
              missingMaterials: [],
            },
            {
              ...queueItem,
              applicationNo: '450102-20260320-000005',
              url: url('450102-20260320-000005'),
              task: 'intake',
              stage: 'submitted',
              applicantName: '南宁市兴宁区某某小吃店',
              submittedAt: '2026-03-20T02:14:55.380Z',
              dueAt: '2026-03-27T16:00:00.000Z',
              dueLastDay: '2026-03-27',
              materials: MATERIALS,
              missingMaterials: [],
            },
            {
              ...queueItem,
              applicationNo: '450102-20260319-000017',
              url: url('450102-20260319-000017'),
              task: 'supplement',
              stage: 'supplement_requested',
              applicantName: '广西某某餐饮连锁有限公司',
              submittedAt: '2026-03-19T03:40:12.906Z',
              dueAt: null,
              dueLastDay: null,
              materials: MATERIALS.slice(0, 2),
              missingMaterials: MATERIALS.slice(2),
            },
            {
              ...queueItem,
              applicationNo: '450102-20260312-000008',
              url: url('450102-20260312-000008'),
              task: 'pickup',
              stage: 'completed',
              applicantName: '南宁市某某烘焙工作室',
              submittedAt: '2026-03-12T01:58:30.221Z',
              acceptedAt: '2026-03-12T02:05:44.630Z',
              completedAt: '2026-03-19T08:12:03.547Z',
              dueAt: null,
              dueLastDay: null,
              materials: MATERIALS,
              missingMaterials: [],
            },
          ],
        },
      },
    },
  },
};

const OFFICER = { id: WINDOW_OFFICER.id, name: WINDOW_OFFICER.name };

const atWindow = {
  id: 27,
  centreCode: CENTRE,
  channel: 'window' as const,
  itemCode: 'individual-business-registration',
  subject: '咨询个体工商户设立登记所需材料及办理时限',
  inquirer: { name: PERSON.name, phone: PERSON.phone },
  officer: OFFICER,
  at: '2026-03-16T02:31:18.774Z',
};

const byPhone = {
  id: 31,
  centreCode: CENTRE,
  channel: 'phone' as const,
  itemCode: null,
  subject: '咨询在住宅楼底商开办餐饮店是否需要办理排水许可',
  inquirer: { name: '王五', phone: '13907715678' },
  officer: OFFICER,
  at: '2026-03-17T07:05:49.102Z',
};

export const recordConsultationExamples: RouteExamples = {
  body: {
    window: {
      summary: 'An inquiry at the window about an item (窗口咨询)',
      value: { centreCode: CENTRE, channel: 'window', itemCode: atWindow.itemCode, subject: atWindow.subject, inquirer: atWindow.inquirer },
    },
    phone: { summary: 'A phone inquiry, no item named (电话咨询)', value: { centreCode: CENTRE, channel: 'phone', subject: byPhone.subject, inquirer: byPhone.inquirer } },
  },
  responses: {
    201: {
      window: { summary: 'Recorded: the officer signed in first received it (首问负责)', value: atWindow },
      phone: { summary: 'Recorded, without an item', value: byPhone },
    },
  },
};

export const listConsultationsExamples: RouteExamples = {
  querystring: { below: { summary: 'A supervisor of Nanning names 兴宁区, below it (a window reads its own centre’s)', value: { centre: CENTRE } } },
  responses: { 200: { consultations: { summary: 'Newest first', value: { consultations: [byPhone, atWindow] } } } },
};

/**
 * Examples of the application routes for /docs, and the story they share: one application for a food
 * business licence (食品经营许可) at the 兴宁区 centre of Nanning (450102), from submission through a
 * supplement request, acceptance, a stopped clock and an approval with conditions to pickup. Every value
 * parses with its route's schema (tests/openapi-docs.test.ts).
 */
import type { z } from 'zod';
import type { RouteExamples } from '../openapi.js';
import type { application as applicationSchema, applicationPage, liveState, review as reviewSchema } from '../schemas.js';

type Application = z.input<typeof applicationSchema>;
type Review = z.input<typeof reviewSchema>;

export const CENTRE = '450102';
export const APPLICATION_NO = '450102-20260316-000042';
export const APPLICATION_URL = `/v1/applications/${APPLICATION_NO}`;
/** A second application of the same day: an individual business (个体工商户) of 张三. */
export const PERSON_APPLICATION_NO = '450102-20260316-000043';

export const ITEM = { code: 'food-business-licence', name: '食品经营许可', nameEn: 'Food business licence' };
export const MATERIALS = [
  '食品经营许可申请书',
  '营业执照或其他主体资格证明',
  '与食品经营相适应的主要设备设施、经营布局、操作流程等文件',
  '食品安全自查、从业人员健康管理、进货查验记录等食品安全管理制度',
];
/** What the applicant handed in first: the last material was missing. */
export const FIRST_MATERIALS = MATERIALS.slice(0, 3);
export const MISSING_MATERIAL = MATERIALS[3];

export const COMPANY = { type: 'organisation' as const, name: '南宁市兴宁区某某餐饮管理有限公司', idNumber: '91450102MA5L8Q3X2B', phone: '0771-5551234' };
/** The applicant as lists and supervisors see them (api/identity.ts maskIdNumber). */
export const COMPANY_MASKED = { ...COMPANY, idNumber: '9145**********3X2B' };
export const PERSON = { type: 'person' as const, name: '张三', idNumber: '450102198503124514', phone: '13807710000' };
export const PERSON_MASKED = { ...PERSON, idNumber: '4501**********4514' };

/** The seeded staff of 兴宁区市场监督管理局's window and of the Nanning centre (db/seed.ts). */
export const WINDOW_OFFICER = {
  id: '450102-market_regulation-officer',
  name: '兴宁区市场监督管理局窗口工作人员',
  role: 'window_officer',
  centreCode: CENTRE,
  departmentCode: 'market_regulation',
};
export const CHIEF = {
  id: '450102-market_regulation-chief',
  name: '兴宁区市场监督管理局首席代表',
  role: 'chief_representative',
  centreCode: CENTRE,
  departmentCode: 'market_regulation',
};
export const LEADER = { id: '450102-market_regulation-leader', name: '兴宁区市场监督管理局负责人', role: 'department_leader', centreCode: CENTRE, departmentCode: 'market_regulation' };
export const SUPERVISOR = { id: '450100-supervisor', name: '南宁市电子监察员' };
export const INTEGRATOR_ID = 'integrator:3f9c2a7b81d4';

/** The instants of the story, in 2026 (UTC; China time is 8 hours ahead). */
export const AT = {
  submitted: '2026-03-16T01:12:09.482Z',
  supplementRequested: '2026-03-16T01:31:40.115Z',
  supplemented: '2026-03-17T00:58:12.307Z',
  accepted: '2026-03-17T01:05:27.913Z',
  reviewOpened: '2026-03-17T01:05:27.941Z',
  stopped: '2026-03-18T02:30:16.204Z',
  resumed: '2026-03-20T07:45:10.618Z',
  extended: '2026-03-23T02:40:51.730Z',
  decided: '2026-03-24T03:20:45.117Z',
  pickedUp: '2026-03-25T06:32:08.450Z',
};
export const LICENCE_NO = 'XK-450102-2026-000137';

/** The limits from acceptance (5 working days promised, 10 statutory), then moved on by the 2 working days stopped. */
const DUE = { warnAt: '2026-03-23T16:00:00.000Z', promisedDueAt: '2026-03-24T16:00:00.000Z', statutoryDueAt: '2026-03-31T16:00:00.000Z' };
const DUE_AFTER_STOP = { warnAt: '2026-03-25T16:00:00.000Z', promisedDueAt: '2026-03-26T16:00:00.000Z', statutoryDueAt: '2026-04-02T16:00:00.000Z' };
/** Extended by 10 working days (延期): over 清明 (4–6 April) and 壮族三月三 (17–20 April). */
const DUE_EXTENDED = { ...DUE_AFTER_STOP, statutoryDueAt: '2026-04-21T16:00:00.000Z' };

const inspection = {
  type: 'inspection' as const,
  reason: '需对经营场所进行现场核查',
  officer: WINDOW_OFFICER,
  startedAt: AT.stopped,
  expectedDays: 3,
};
const inspectionEnded = { ...inspection, endedAt: AT.resumed, workingDays: 2 };

const noDeadlines = { warnAt: null, promisedDueAt: null, statutoryDueAt: null, remainingMs: null, provisional: false, stoppedSince: null, stoppedDays: 0 };

/** As submitted: no review yet, no clock. */
const submitted: Application = {
  applicationNo: APPLICATION_NO,
  url: APPLICATION_URL,
  itemCode: ITEM.code,
  itemVersion: 1,
  centreCode: CENTRE,
  leadDepartment: 'market_regulation',
  stage: 'submitted',
  supervision: 'green',
  applicant: COMPANY,
  materials: FIRST_MATERIALS,
  clientReference: 'gxzwfw-2026-0316-000871',
  consultationId: null,
  responsibleOfficer: null,
  submittedAt: AT.submitted,
  acceptedAt: null,
  completedAt: null,
  pickedUpAt: null,
  handover: null,
  closedAt: null,
  deadlines: noDeadlines,
  timing: null,
  reviews: [],
  holdingUp: null,
  alerts: [],
};

const openReview: Review = {
  step: 0,
  department: 'market_regulation',
  centreCode: CENTRE,
  status: 'open',
  decision: null,
  openedAt: AT.reviewOpened,
  decidedAt: null,
  decidedBy: null,
  reason: null,
  conditions: null,
  deadlines: { ...DUE, remainingMs: 658_471_959, stoppedDays: 0 },
  stops: [],
  late: false,
  responsible: [{ id: CHIEF.id, name: CHIEF.name }],
};

export const applicationViews = {
  submitted,
  supplementRequested: { ...submitted, stage: 'supplement_requested' } satisfies Application,
  /** The supplement received: back at intake with every material. */
  resubmitted: { ...submitted, materials: MATERIALS } satisfies Application,
  inReview: {
    ...submitted,
    stage: 'in_review',
    materials: MATERIALS,
    responsibleOfficer: WINDOW_OFFICER,
    acceptedAt: AT.accepted,
    deadlines: { ...DUE, remainingMs: 658_471_959, provisional: false, stoppedSince: null, stoppedDays: 0 },
    reviews: [openReview],
    holdingUp: { department: 'market_regulation', centreCode: CENTRE, promisedDueAt: DUE.promisedDueAt, overdue: false },
  } satisfies Application,
  notAccepted: { ...submitted, stage: 'not_accepted', closedAt: AT.supplementRequested } satisfies Application,
  clockStopped: {
    ...submitted,
    stage: 'in_review',
    materials: MATERIALS,
    responsibleOfficer: WINDOW_OFFICER,
    acceptedAt: AT.accepted,
    deadlines: { ...DUE, remainingMs: null, provisional: false, stoppedSince: AT.stopped, stoppedDays: 0 },
    reviews: [{ ...openReview, deadlines: { ...DUE, remainingMs: null, stoppedDays: 0 }, stops: [inspection] }],
    holdingUp: null,
  } satisfies Application,
  resumed: {
    ...submitted,
    stage: 'in_review',
    materials: MATERIALS,
    responsibleOfficer: WINDOW_OFFICER,
    acceptedAt: AT.accepted,
    deadlines: { ...DUE_AFTER_STOP, remainingMs: 548_088_382, provisional: false, stoppedSince: null, stoppedDays: 2 },
    reviews: [{ ...openReview, deadlines: { ...DUE_AFTER_STOP, remainingMs: 548_088_382, stoppedDays: 2 }, stops: [inspectionEnded] }],
    holdingUp: { department: 'market_regulation', centreCode: CENTRE, promisedDueAt: DUE_AFTER_STOP.promisedDueAt, overdue: false },
  } satisfies Application,
  extended: {
    ...submitted,
    stage: 'in_review',
    materials: MATERIALS,
    responsibleOfficer: WINDOW_OFFICER,
    acceptedAt: AT.accepted,
    deadlines: { ...DUE_EXTENDED, remainingMs: 307_149_270, provisional: false, stoppedSince: null, stoppedDays: 2 },
    reviews: [{ ...openReview, deadlines: { ...DUE_EXTENDED, remainingMs: 307_149_270, stoppedDays: 2 }, stops: [inspectionEnded] }],
    holdingUp: { department: 'market_regulation', centreCode: CENTRE, promisedDueAt: DUE_EXTENDED.promisedDueAt, overdue: false },
  } satisfies Application,
  completed: {
    ...submitted,
    stage: 'completed',
    materials: MATERIALS,
    responsibleOfficer: WINDOW_OFFICER,
    acceptedAt: AT.accepted,
    completedAt: AT.decided,
    deadlines: { ...DUE_AFTER_STOP, remainingMs: null, provisional: false, stoppedSince: null, stoppedDays: 2 },
    timing: { workingDays: 3, calendarDays: 7, onTime: true, withinStatutory: true },
    reviews: [
      {
        ...openReview,
        status: 'approved',
        decision: 'approve',
        decidedAt: AT.decided,
        decidedBy: CHIEF,
        conditions: '许可后30日内完成后厨排烟设施改造，并将整改材料报送兴宁区市场监督管理局',
        deadlines: { ...DUE_AFTER_STOP, remainingMs: null, stoppedDays: 2 },
        stops: [inspectionEnded],
      },
    ],
  } satisfies Application,
  rejected: {
    ...submitted,
    stage: 'rejected',
    materials: MATERIALS,
    responsibleOfficer: WINDOW_OFFICER,
    acceptedAt: AT.accepted,
    closedAt: AT.decided,
    deadlines: { ...DUE_AFTER_STOP, remainingMs: null, provisional: false, stoppedSince: null, stoppedDays: 2 },
    timing: { workingDays: 3, calendarDays: 7, onTime: true, withinStatutory: true },
    reviews: [
      {
        ...openReview,
        status: 'rejected',
        decision: 'reject',
        decidedAt: AT.decided,
        decidedBy: CHIEF,
        reason: '经现场核查，经营场所与申请材料所载布局不符，且未设置独立的粗加工和清洗区域',
        deadlines: { ...DUE_AFTER_STOP, remainingMs: null, stoppedDays: 2 },
        stops: [inspectionEnded],
      },
    ],
  } satisfies Application,
};

const completed = applicationViews.completed;

export const pickedUpView = {
  ...completed,
  stage: 'picked_up',
  pickedUpAt: AT.pickedUp,
  closedAt: AT.pickedUp,
  handover: { officer: WINDOW_OFFICER, recipient: '李四（受托人）', idChecked: true, licenceNo: LICENCE_NO },
} satisfies Application;

/** A row of a list: the applicant's number masked, without reviews, alerts or holdingUp. */
function listing(view: Application) {
  const { reviews: _reviews, alerts: _alerts, holdingUp: _holdingUp, ...summary } = view;
  return { ...summary, applicant: view.applicant.type === 'person' ? PERSON_MASKED : COMPANY_MASKED };
}

const personCompleted: Application = {
  ...submitted,
  applicationNo: PERSON_APPLICATION_NO,
  url: `/v1/applications/${PERSON_APPLICATION_NO}`,
  itemCode: 'individual-business-registration',
  itemVersion: 1,
  stage: 'completed',
  applicant: PERSON,
  materials: ['个体工商户登记（备案）申请书', '经营者身份证件', '经营场所使用证明或住所申报承诺书'],
  clientReference: null,
  consultationId: 27,
  responsibleOfficer: WINDOW_OFFICER,
  submittedAt: '2026-03-16T02:47:33.016Z',
  acceptedAt: '2026-03-16T02:52:04.388Z',
  completedAt: '2026-03-16T02:52:04.388Z',
  timing: { workingDays: 0, calendarDays: 0, onTime: true, withinStatutory: true },
};

const liveValue: z.input<typeof liveState> = {
  applicationNo: APPLICATION_NO,
  stage: 'in_review',
  seq: 7,
  itemCode: ITEM.code,
  itemVersion: 1,
  kind: 'promised',
  centreCode: CENTRE,
  leadDepartment: 'market_regulation',
  currentStep: 0,
  stepCount: 1,
  materials: MATERIALS,
  intakes: [
    { decision: 'request_supplement', officer: WINDOW_OFFICER, at: AT.supplementRequested, reason: '申请材料不齐全，请一次性补齐', missingMaterials: [MISSING_MATERIAL] },
    { decision: 'accept', officer: WINDOW_OFFICER, at: AT.accepted },
  ],
  supplements: [{ at: AT.supplemented, materials: [MISSING_MATERIAL], note: '已补交食品安全管理制度', officer: { id: INTEGRATOR_ID } }],
  reviews: [
    {
      step: 0,
      department: 'market_regulation',
      centreCode: CENTRE,
      promisedLimitDays: 5,
      status: 'open',
      decision: null,
      openedAt: AT.reviewOpened,
      stops: [inspectionEnded],
      stoppedDays: 2,
      deadlines: { warnAt: DUE_AFTER_STOP.warnAt, promisedDue: DUE_AFTER_STOP.promisedDueAt, statutoryDue: DUE_AFTER_STOP.statutoryDueAt, provisional: false },
      responsible: [{ id: CHIEF.id, name: CHIEF.name }],
      late: false,
    },
  ],
  supervision: 'green',
  alerts: [],
  stoppedDays: 2,
  responsibleOfficer: WINDOW_OFFICER,
  submittedAt: AT.submitted,
  acceptedAt: AT.accepted,
  deadlines: { warnAt: DUE_AFTER_STOP.warnAt, promisedDue: DUE_AFTER_STOP.promisedDueAt, statutoryDue: DUE_AFTER_STOP.statutoryDueAt, provisional: false },
};

const page: z.input<typeof applicationPage> = {
  applications: [listing(personCompleted), listing(pickedUpView)],
  nextCursor: 'WyIyMDI2LTAzLTE2VDAxOjEyOjA5LjQ4MloiLCI0NTAxMDItMjAyNjAzMTYtMDAwMDQyIl0',
};

export const submitExamples: RouteExamples = {
  body: {
    organisation: {
      summary: 'A company applies for a food business licence (食品经营许可)',
      description: 'From a portal, with its own reference: sending the same body again returns the same application. One material is missing, as intake will find.',
      value: { itemCode: ITEM.code, centreCode: CENTRE, applicant: COMPANY, materials: FIRST_MATERIALS, clientReference: submitted.clientReference },
    },
    person: {
      summary: 'A person registers an individual business (个体工商户设立登记) after a consultation',
      description: 'The consultation (咨询) recorded at the window makes its officer the first responsible (首问负责制).',
      value: { itemCode: 'individual-business-registration', centreCode: CENTRE, applicant: PERSON, materials: personCompleted.materials, consultationId: 27 },
    },
  },
  responses: {
    201: { submitted: { summary: 'Submitted (已提交): waiting for intake', value: submitted } },
  },
};

export const getApplicationExamples: RouteExamples = {
  querystring: { live: { summary: 'Ask the workflow itself (?live=1) instead of the read model', value: { live: '1' } } },
  responses: {
    200: {
      inReview: { summary: 'In review (审查中), as the window handling it sees it', value: applicationViews.resumed },
      pickedUp: {
        summary: 'Picked up (已取件), as a supervisor sees it: the applicant’s number masked',
        value: { ...pickedUpView, applicant: COMPANY_MASKED },
      },
      live: { summary: 'The workflow’s own state (?live=1)', value: liveValue },
    },
  },
};

export const listApplicationsExamples: RouteExamples = {
  querystring: {
    inReviewBelowNanning: {
      summary: 'In review at the Nanning centre and every centre below it',
      value: { centre: '450100', within: '1', stage: 'in_review', limit: '20' },
    },
    oneItem: { summary: 'Food business licences (食品经营许可) at 兴宁区', value: { centre: CENTRE, item: ITEM.code, category: 'licensing' } },
    nextPage: { summary: 'The next page', value: { centre: CENTRE, cursor: page.nextCursor! } },
  },
  responses: { 200: { page: { summary: 'A page of two, with the cursor of the next', value: page } } },
};

/** The window's updates (window.ts): each answers the application as it is after the update. */
export const intakeExamples: RouteExamples = {
  body: {
    accept: { summary: 'Accept at intake (受理)', value: { decision: 'accept', department: 'market_regulation' } },
    notAccept: {
      summary: 'Not accept (不予受理), with the reason',
      value: {
        decision: 'not_accept',
        department: 'market_regulation',
        reason: '申请人仅销售预包装食品，依法应办理备案，不属于食品经营许可范围',
      },
    },
    requestSupplement: {
      summary: 'Ask for every missing material at once (补正, 一次性告知)',
      value: { decision: 'request_supplement', department: 'market_regulation', missingMaterials: [MISSING_MATERIAL], reason: '申请材料不齐全，请一次性补齐' },
    },
  },
  responses: {
    200: {
      accept: { summary: 'Accepted: in review, the clocks running', value: applicationViews.inReview },
      notAccept: { summary: 'Not accepted: closed', value: applicationViews.notAccepted },
      requestSupplement: { summary: 'Waiting for the applicant’s supplement', value: applicationViews.supplementRequested },
    },
  },
};

export const supplementExamples: RouteExamples = {
  body: {
    supplement: { summary: 'The missing material handed in (补正材料)', value: { materials: [MISSING_MATERIAL], note: '已补交食品安全管理制度' } },
  },
  responses: { 200: { resubmitted: { summary: 'Back at intake with every material', value: applicationViews.resubmitted } } },
};

export const decisionExamples: RouteExamples = {
  body: {
    approve: { summary: 'Approve (准予许可)', value: { decision: 'approve' } },
    approveWithConditions: {
      summary: 'Approve with conditions (附条件准予)',
      value: { decision: 'approve', conditions: '许可后30日内完成后厨排烟设施改造，并将整改材料报送兴宁区市场监督管理局' },
    },
    reject: {
      summary: 'Reject (不予许可), with the reason',
      value: { decision: 'reject', reason: '经现场核查，经营场所与申请材料所载布局不符，且未设置独立的粗加工和清洗区域' },
    },
  },
  responses: {
    200: {
      approved: { summary: 'Every review approved: completed (办结), waiting for pickup', value: applicationViews.completed },
      rejected: { summary: 'Rejected: closed, any other review withdrawn', value: applicationViews.rejected },
    },
  },
};

export const clockStopExamples: RouteExamples = {
  body: {
    inspection: { summary: 'An on-site inspection (现场核查), excluded from the limit', value: { type: 'inspection', reason: '需对经营场所进行现场核查', expectedDays: 3 } },
    supplement: {
      summary: 'Ask for a supplement during review (补正)',
      value: { type: 'supplement', reason: '营业执照经营范围未包含餐饮服务，请补正', missingMaterials: ['营业执照或其他主体资格证明'] },
    },
    secondSupplement: {
      summary: 'A second supplement request, with why it could not be asked the first time',
      value: {
        type: 'supplement',
        reason: '现场核查发现布局与申请材料不符，需补正经营布局图',
        missingMaterials: ['与食品经营相适应的主要设备设施、经营布局、操作流程等文件'],
        repeatReason: '经营场所布局于现场核查时方能确认，首次补正时无法告知',
      },
    },
  },
  responses: { 200: { stopped: { summary: 'The review’s clock stands still', value: applicationViews.clockStopped } } },
};

export const clockResumeExamples: RouteExamples = {
  body: { resume: { summary: 'The inspection done', value: { note: '现场核查完成，经营场所符合要求' } } },
  responses: { 200: { resumed: { summary: 'Running again: every due instant moved by the 2 working days stopped', value: applicationViews.resumed } } },
};

export const extensionExamples: RouteExamples = {
  body: { extend: { summary: 'Extend by 10 working days (延期)', value: { reason: '需组织专家对后厨排烟设施进行论证', workingDays: 10 } } },
  responses: { 200: { extended: { summary: 'The statutory limit moved on by 10 working days', value: applicationViews.extended } } },
};

export const pickupExamples: RouteExamples = {
  body: {
    agent: { summary: 'Collected by an agent, identity checked (取件)', value: { recipient: '李四（受托人）', idChecked: true } },
    namedLicence: { summary: 'Naming the licence handed over', value: { recipient: '张三', idChecked: true, licenceNo: 'JY24501020012345' } },
  },
  responses: { 200: { pickedUp: { summary: 'Picked up (已取件): closed', value: pickedUpView } } },
};

/**
 * Examples of the follow-up routes (督办) for /docs: a bad rating's contact back and rectification, a
 * complaint's acceptance and findings, from the 12345 hotline, a portal, a window or the public page.
 * Each value is checked against its route's zod schemas (tests/openapi-docs.test.ts).
 *
 * The bad rating is the one of api/examples/ratings.ts: the decision of 450102-20260302-000015, rated
 * 不满意 on Thursday 5 March 2026. The complaint is about the public security window of the Qingxiu
 * District centre (450103), received on Tuesday 10 March. Limits are the defaults (contact 3, rectify 15,
 * accept 2, investigate 15 working days); each clock ends at the start of the day after its last
 * working day, China time.
 */
import type { RouteExamples } from '../openapi.js';
import { APPLICATION_NO, DEPARTMENT } from './ratings.js';

const LEADER = { id: '450102-market_regulation-leader', name: '兴宁区市场监督管理局负责人' };
const SUPERVISOR = { id: '450103-supervisor', name: '青秀区电子监察员' };
const COMPLAINED_OFFICER = { id: '450103-public_security-officer', name: '青秀区公安局窗口工作人员' };

const RATING_ID = `R-${APPLICATION_NO}-decision`;
const COMPLAINT_ID = 'C-20260310-0003';

const badRating = {
  id: RATING_ID,
  kind: 'bad_rating',
  stage: 'contacting',
  level: 'green',
  overdue: false,
  centreCode: '450102',
  department: DEPARTMENT,
  applicationNo: APPLICATION_NO,
  ratingEvent: 'decision',
  ratingLevel: 'dissatisfied',
  subject: null,
  content: '补正材料没有一次性讲清楚，多跑了一趟，办结也比承诺的晚了一天',
  anonymous: null,
  channel: 'api',
  assignee: [LEADER],
  responsible: [],
  dueAt: '2026-03-10T16:00:00.000Z',
  clocks: {
    contact: { warnAt: '2026-03-09T16:00:00.000Z', due: '2026-03-10T16:00:00.000Z' },
    rectify: { warnAt: '2026-03-25T16:00:00.000Z', due: '2026-03-26T16:00:00.000Z' },
  },
  outcome: null,
  findings: null,
  reply: null,
  caseId: null,
  openedAt: '2026-03-05T02:15:00.000Z',
  contactedAt: null,
  acceptedAt: null,
  closedAt: null,
};

const contacted = { ...badRating, stage: 'rectifying', dueAt: '2026-03-26T16:00:00.000Z', contactedAt: '2026-03-06T01:40:00.000Z' };
const concluded = (outcome: string) => ({ ...contacted, stage: 'closed', dueAt: null, outcome, closedAt: '2026-03-12T08:05:00.000Z' });
const disputed = { ...contacted, stage: 'disputed', dueAt: null };

const complaint = {
  id: COMPLAINT_ID,
  kind: 'complaint',
  stage: 'received',
  level: 'green',
  overdue: false,
  centreCode: '450103',
  department: 'public_security',
  applicationNo: null,
  ratingEvent: null,
  ratingLevel: null,
  subject: { kind: 'window', windowCode: '450103-public_security' },
  content: '3月9日上午在公安局窗口办理临时身份证，工作人员没有一次性告知需要的材料，让我多跑了一趟，态度也很冷淡。',
  anonymous: false,
  channel: 'api',
  assignee: [],
  responsible: [],
  dueAt: '2026-03-12T16:00:00.000Z',
  clocks: { accept: { warnAt: '2026-03-11T16:00:00.000Z', due: '2026-03-12T16:00:00.000Z' } },
  outcome: null,
  findings: null,
  reply: null,
  caseId: null,
  openedAt: '2026-03-10T06:20:00.000Z',
  contactedAt: null,
  acceptedAt: null,
  closedAt: null,
};

const investigating = {
  ...complaint,
  stage: 'investigating',
  assignee: [SUPERVISOR],
  dueAt: '2026-04-01T16:00:00.000Z',
  clocks: { ...complaint.clocks, investigate: { warnAt: '2026-03-31T16:00:00.000Z', due: '2026-04-01T16:00:00.000Z' } },
  acceptedAt: '2026-03-11T03:00:00.000Z',
};

const FINDINGS = '调取3月9日窗口视频并询问当事工作人员：未按一次性告知制度告知申请人需提供户口簿，导致申请人往返两次，情况属实。';
const REPLY = '您反映的问题经核查属实，已对相关工作人员进行批评教育并责令整改，窗口已重新公示临时身份证所需材料清单。感谢您的监督。';

const substantiated = {
  ...investigating,
  stage: 'closed',
  dueAt: null,
  outcome: 'substantiated',
  findings: FINDINGS,
  reply: { at: '2026-03-20T07:30:00.000Z', text: REPLY, via: 'integrator' },
  responsible: [COMPLAINED_OFFICER],
  caseId: COMPLAINT_ID,
  closedAt: '2026-03-20T07:30:00.000Z',
};

const NOT_ACCEPTED = '您反映的是对交通违法处罚决定的异议，不属于政务服务投诉受理范围，请依法申请行政复议或提起行政诉讼。';

export const listExamples: RouteExamples = {
  querystring: {
    overdue: { summary: 'What is overdue at Nanning and below', value: { centre: '450100', status: 'overdue' } },
    complaints: { summary: 'The open complaints of a district centre', value: { centre: '450103', kind: 'complaint', status: 'open' } },
    application: { summary: 'Everything about one application, closed too', value: { status: 'all', application: APPLICATION_NO } },
  },
  responses: {
    200: {
      open: { summary: 'A bad rating to contact back and a complaint under investigation', value: { followUps: [investigating, badRating] } },
    },
  },
};

const counts = (open: number, yellow: number, overdue: number, closed: number) => ({ open, yellow, overdue, closed });

export const summaryExamples: RouteExamples = {
  querystring: { nanning: { summary: 'Nanning and its districts and counties', value: { centre: '450100' } } },
  responses: {
    200: {
      nanning: { summary: 'Counts for the supervision page', value: { centre: '450100', badRatings: counts(12, 3, 1, 87), complaints: counts(5, 1, 0, 31) } },
    },
  },
};

export const detailExamples: RouteExamples = {
  responses: {
    200: {
      complaint: {
        summary: 'A substantiated complaint with every step, as a supervisor reads it (with the complainant’s contact)',
        value: {
          ...substantiated,
          complainant: { name: '张三', phone: '138 0771 2345' },
          steps: [
            { seq: 1, at: '2026-03-10T06:20:01.000Z', step: 'opened', actor: null, note: 'assigned to the supervisors of 450103' },
            { seq: 2, at: '2026-03-11T03:00:00.000Z', step: 'accepted', actor: SUPERVISOR, note: '属于窗口服务投诉，予以受理，调取窗口视频核查' },
            { seq: 3, at: '2026-03-20T07:30:00.000Z', step: 'substantiated', actor: SUPERVISOR, note: FINDINGS },
            { seq: 4, at: '2026-03-20T07:30:00.000Z', step: 'case_opened', actor: null, note: `${COMPLAINT_ID}: complaint ${COMPLAINT_ID} substantiated: ${FINDINGS}` },
            { seq: 5, at: '2026-03-20T07:30:00.000Z', step: 'told', actor: null, note: 'the outcome is told through integrator' },
          ],
        },
      },
      badRating: {
        summary: 'A bad rating contacted back, being rectified (no complainant: a rating)',
        value: {
          ...contacted,
          complainant: null,
          steps: [
            { seq: 1, at: '2026-03-05T02:15:01.000Z', step: 'opened', actor: null, note: `assigned to ${LEADER.name}` },
            { seq: 2, at: '2026-03-06T01:40:00.000Z', step: 'contacted', actor: LEADER, note: '已电话回访申请人，补正时未一次性告知需补充的经营场所证明，已当面致歉。' },
          ],
        },
      },
    },
  },
};

export const contactExamples: RouteExamples = {
  body: {
    contact: { summary: 'The contact back (回访): what the applicant said', value: { note: '已电话回访申请人，补正时未一次性告知需补充的经营场所证明，已当面致歉。' } },
  },
  responses: { 200: { contacted: { summary: 'Contacted: to rectify within the rectification limit', value: contacted } } },
};

export const conclusionExamples: RouteExamples = {
  body: {
    rectified: {
      summary: 'Rectified (已整改)',
      value: { outcome: 'rectified', note: '已组织窗口人员学习一次性告知制度，补正告知书改为逐项列明所需材料，并向申请人反馈整改情况。' },
    },
    explained: {
      summary: 'Explained (情况说明): looked into and explained to the applicant',
      value: { outcome: 'explained', note: '办结时间延后系因申请人补正材料在3月3日下午提交，已向申请人说明法定时限从补正之日起重新计算，申请人表示理解。' },
    },
    disputed: {
      summary: 'Disputed (申诉): for a supervisor to review',
      value: { outcome: 'disputed', note: '窗口视频显示补正材料清单已当面书面告知并由申请人签收，差评与事实不符，申请复核。' },
    },
  },
  responses: {
    200: {
      rectified: { summary: 'Closed as rectified', value: concluded('rectified') },
      explained: { summary: 'Closed as explained', value: concluded('explained') },
      disputed: { summary: 'Disputed: its rectification limit stands still until a supervisor decides', value: disputed },
    },
  },
};

export const disputeReviewExamples: RouteExamples = {
  body: {
    upheld: { summary: 'Upheld (申诉成立): the rating no longer counts', value: { upheld: true, note: '经查阅窗口视频及签收记录，已一次性书面告知，申诉成立。' } },
    dismissed: { summary: 'Dismissed (申诉不成立): back to rectification', value: { upheld: false, note: '签收的告知书未列明经营场所证明，申诉不成立，请继续整改。' } },
  },
  responses: {
    200: {
      upheld: { summary: 'Closed as dispute_upheld', value: { ...disputed, stage: 'closed', outcome: 'dispute_upheld', closedAt: '2026-03-16T02:30:00.000Z' } },
      dismissed: {
        summary: 'Back to rectifying, its limit moved by the working days the dispute waited',
        value: { ...contacted, dueAt: '2026-03-30T16:00:00.000Z', clocks: { ...badRating.clocks, rectify: { warnAt: '2026-03-27T16:00:00.000Z', due: '2026-03-30T16:00:00.000Z' } } },
      },
    },
  },
};

export const acceptanceExamples: RouteExamples = {
  body: {
    accepted: { summary: 'Accepted (受理): the supervisor investigates', value: { accepted: true, note: '属于窗口服务投诉，予以受理，调取窗口视频核查' } },
    notAccepted: { summary: 'Not accepted (不予受理), with the reason the complainant is told', value: { accepted: false, note: NOT_ACCEPTED } },
  },
  responses: {
    200: {
      accepted: { summary: 'Investigating, assigned to the supervisor who accepted it', value: investigating },
      notAccepted: {
        summary: 'Closed as not_accepted; the complainant is told why',
        value: { ...complaint, stage: 'closed', dueAt: null, outcome: 'not_accepted', reply: { at: '2026-03-11T03:00:00.000Z', text: NOT_ACCEPTED, via: 'integrator' }, closedAt: '2026-03-11T03:00:00.000Z' },
      },
    },
  },
};

export const findingsExamples: RouteExamples = {
  body: {
    substantiated: {
      summary: 'Substantiated (属实): an accountability case names the officer complained about',
      value: { substantiated: true, findings: FINDINGS, reply: REPLY, responsible: [COMPLAINED_OFFICER.id] },
    },
    unsubstantiated: {
      summary: 'Unsubstantiated (不属实)',
      value: {
        substantiated: false,
        findings: '窗口视频及签收的一次性告知书显示，工作人员已书面告知全部所需材料，服务用语规范，投诉情况不属实。',
        reply: '经调取窗口视频核查，工作人员已一次性书面告知所需材料，未发现服务态度问题。如有其他诉求，欢迎继续反映。',
      },
    },
  },
  responses: {
    200: {
      substantiated: { summary: 'Closed as substantiated, with its case', value: substantiated },
      unsubstantiated: {
        summary: 'Closed as unsubstantiated',
        value: {
          ...investigating,
          stage: 'closed',
          dueAt: null,
          outcome: 'unsubstantiated',
          findings: '窗口视频及签收的一次性告知书显示，工作人员已书面告知全部所需材料，服务用语规范，投诉情况不属实。',
          reply: { at: '2026-03-20T07:30:00.000Z', text: '经调取窗口视频核查，工作人员已一次性书面告知所需材料，未发现服务态度问题。如有其他诉求，欢迎继续反映。', via: 'integrator' },
          closedAt: '2026-03-20T07:30:00.000Z',
        },
      },
    },
  },
};

const HOTLINE_CONTENT = complaint.content;
const WINDOW_TRACKING_CODE = 'q7Xb2LmN9pRt4VwYz8AcE1Gh';
const ABOUT_APPLICATION = '来电人反映：办件超过承诺时限仍未办结，多次打电话询问无人答复。';

/** The hotline's complaint about an application another portal submitted (its key: complaintsAbout centres). */
const aboutApplication = {
  ...complaint,
  id: 'C-20260310-0006',
  centreCode: '450102',
  department: DEPARTMENT,
  applicationNo: APPLICATION_NO,
  subject: { kind: 'application', applicationNo: APPLICATION_NO },
  content: ABOUT_APPLICATION,
  openedAt: '2026-03-10T08:10:00.000Z',
};

export const complaintExamples: RouteExamples = {
  body: {
    hotline: {
      summary: 'From the 12345 hotline (12345热线), named, about a window',
      description: 'The hotline system’s own ticket number as the reference: a retry answers the same complaint',
      value: {
        subject: { kind: 'window', windowCode: '450103-public_security' },
        content: HOTLINE_CONTENT,
        complainant: { name: '张三', phone: '138 0771 2345' },
        reference: '12345-GX-20260310-004127',
      },
    },
    anonymous: {
      summary: 'Anonymous (匿名), about a centre, taken down at a window',
      description: 'Investigated all the same; the complainant follows it with the tracking code the answer carries (a receipt, 投诉回执, printed at the window)',
      value: { subject: { kind: 'centre', centreCode: '450102' }, content: '大厅取号机经常故障，上午排队一个多小时，没有人维持秩序。' },
    },
    hotlineApplication: {
      summary: 'From the 12345 hotline, about an application another portal submitted',
      description:
        'A key whose security administrator set complaintsAbout: centres may name any application of its centres; any other key only those it submitted (another, or one outside its centres: 400 body.subject.applicationNo, as an unknown number)',
      value: {
        subject: { kind: 'application', applicationNo: APPLICATION_NO },
        content: ABOUT_APPLICATION,
        complainant: { name: '李四', phone: '13907715678' },
        reference: '12345-GX-20260310-004233',
      },
    },
    application: {
      summary: 'From the portal that submitted the application, about that application',
      value: {
        subject: { kind: 'application', applicationNo: APPLICATION_NO },
        content: '承诺1个工作日办结，实际用了3天，期间没有任何通知。',
        complainant: { name: '广西某某科技有限公司（联系人李四）', phone: '0771-5551234' },
        reference: 'portal-complaint-88213',
      },
    },
  },
  responses: {
    201: {
      hotline: { summary: 'Received: the supervisors of the centre accept it within 2 working days', value: complaint },
      anonymous: {
        summary: 'An anonymous one taken down at a window, received: with the tracking code (查询码) for the complainant, shown this once',
        value: {
          ...complaint,
          id: 'C-20260310-0004',
          centreCode: '450102',
          department: null,
          subject: { kind: 'centre', centreCode: '450102' },
          content: '大厅取号机经常故障，上午排队一个多小时，没有人维持秩序。',
          anonymous: true,
          channel: 'window',
          openedAt: '2026-03-10T06:45:00.000Z',
          trackingCode: WINDOW_TRACKING_CODE,
          trackingUrl: `/complain/track/${WINDOW_TRACKING_CODE}`,
        },
      },
      hotlineApplication: { summary: 'About an application, received: its centre and lead department, nothing of the applicant', value: aboutApplication },
    },
    200: {
      replayed: { summary: 'The same reference sent again: the complaint it made then', value: complaint },
    },
  },
};

export const integratorComplaintExamples: RouteExamples = {
  responses: {
    200: {
      closed: {
        summary: 'Closed as substantiated, with the reply to pass on (no findings, officers or case)',
        value: { ...substantiated, assignee: [], findings: null, responsible: [], caseId: null },
      },
      received: { summary: 'Still waiting to be accepted', value: complaint },
    },
  },
};

export const integratorComplaintListExamples: RouteExamples = {
  querystring: {
    since: { summary: 'What changed since the last poll (its newest updatedAt, less a minute)', value: { since: '2026-03-20T07:00:00.000Z' } },
    page: { summary: 'The next page', value: { limit: 50, cursor: 'WyIyMDI2LTAzLTIwIDA3OjMwOjAwLjEyMzQ1NiswMCIsIkMtMjAyNjAzMTAtMDAwMyJd' } },
  },
  responses: {
    200: {
      changed: {
        summary: 'Closed since: the outcome and the reply to pass on (no findings, officers or case); one still waiting',
        value: {
          complaints: [
            { ...substantiated, assignee: [], findings: null, responsible: [], caseId: null, updatedAt: '2026-03-20T07:30:00.123Z' },
            { ...aboutApplication, updatedAt: '2026-03-10T08:10:00.412Z' },
          ],
          nextCursor: null,
        },
      },
    },
  },
};

const limits = (centreCode: string, contactDays: number, rectifyDays: number, acceptDays: number, investigateDays: number, setAt: string | null) => ({
  centreCode,
  contactDays,
  rectifyDays,
  acceptDays,
  investigateDays,
  setAt,
});

export const limitsExamples: RouteExamples = {
  responses: {
    200: {
      defaults: { summary: 'The defaults (no region set its own)', value: limits('450102', 3, 15, 2, 15, null) },
      regional: { summary: 'Nanning’s own, which its districts and counties take', value: limits('450102', 2, 10, 1, 10, '450100') },
    },
  },
};

export const setLimitsExamples: RouteExamples = {
  body: { shorter: { summary: 'Shorter limits than the national defaults', value: { contactDays: 2, rectifyDays: 10, acceptDays: 1, investigateDays: 10 } } },
  responses: { 200: { shorter: { summary: 'The region’s own limits, applied to new follow-ups', value: limits('450100', 2, 10, 1, 10, '450100') } } },
};

export const limitListExamples: RouteExamples = {
  responses: {
    200: {
      regions: {
        summary: 'Two regions with their own limits',
        value: { limits: [limits('450100', 2, 10, 1, 10, '450100'), limits('450300', 3, 12, 2, 12, '450300')] },
      },
    },
  },
};

/** The public page's complaints (api/routes/public-complaints.ts). */
const TRACKING_CODE = 'DqmRH836Bgmbe4fFbcxF2Ip4';
const PUBLIC_ID = 'C-20260310-0005';

export const publicComplaintExamples: RouteExamples = {
  body: {
    named: {
      summary: 'Named, about a window',
      value: { subject: { kind: 'window', windowCode: '450103-public_security' }, content: HOTLINE_CONTENT, complainant: { name: '张三', phone: '13807712345' } },
    },
    anonymous: {
      summary: 'Anonymous (匿名), about a centre: followed by its tracking code alone',
      value: { subject: { kind: 'centre', centreCode: '450102' }, content: '大厅取号机经常故障，上午排队一个多小时，没有人维持秩序。' },
    },
  },
  responses: {
    201: {
      filed: {
        summary: 'Filed: the tracking code (查询码) is shown this once',
        value: { id: PUBLIC_ID, trackingCode: TRACKING_CODE, trackingUrl: `/complain/track/${TRACKING_CODE}` },
      },
    },
  },
};

const tracked = { id: PUBLIC_ID, stage: 'received', openedAt: '2026-03-10T07:05:00.000Z', acceptedAt: null, closedAt: null, outcome: null, reply: null };

export const trackingExamples: RouteExamples = {
  responses: {
    200: {
      received: { summary: 'Received (受理中)', value: tracked },
      investigating: { summary: 'Accepted, under investigation (调查中)', value: { ...tracked, stage: 'investigating', acceptedAt: investigating.acceptedAt } },
      closed: {
        summary: 'Closed (已办结): substantiated, with the reply (答复)',
        value: { ...tracked, stage: 'closed', acceptedAt: investigating.acceptedAt, closedAt: substantiated.closedAt, outcome: 'substantiated', reply: { at: substantiated.reply.at, text: REPLY } },
      },
    },
  },
};

const CENTRES = [
  { code: '450000', name: '广西壮族自治区政务服务中心', nameEn: 'Guangxi Zhuang Autonomous Region Government Service Centre', parentCode: null },
  { code: '450100', name: '南宁市政务服务中心', nameEn: 'Nanning Government Service Centre', parentCode: '450000' },
  { code: '450102', name: '兴宁区政务服务中心', nameEn: 'Xingning District Government Service Centre', parentCode: '450100' },
  { code: '450103', name: '青秀区政务服务中心', nameEn: 'Qingxiu District Government Service Centre', parentCode: '450100' },
];

const windowOf = (code: string, name: string, department: { code: string; name: string; nameEn: string }) => ({ code: `450102-${code}`, name, department });

export const complaintSubjectExamples: RouteExamples = {
  querystring: { centre: { summary: 'A district centre’s windows too', value: { centre: '450102' } } },
  responses: {
    200: {
      centres: { summary: 'The centres (a few of them shown)', value: { centres: CENTRES } },
      windows: {
        summary: 'With ?centre=450102: its windows and their departments (a few of them shown)',
        value: {
          centres: CENTRES,
          windows: [
            windowOf('market_regulation', '市场监督管理局窗口', { code: 'market_regulation', name: '市场监督管理局', nameEn: 'Administration for Market Regulation' }),
            windowOf('natural_resources', '自然资源局窗口', { code: 'natural_resources', name: '自然资源局', nameEn: 'Natural Resources' }),
            windowOf('public_security', '公安局窗口', { code: 'public_security', name: '公安局', nameEn: 'Public Security' }),
            windowOf('taxation', '税务局窗口', { code: 'taxation', name: '税务局', nameEn: 'Taxation' }),
          ],
        },
      },
    },
  },
};

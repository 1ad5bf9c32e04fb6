/**
 * Examples for /docs of what an application keeps besides its state: the applicant's materials as
 * files (attachments.ts), the notices and decisions issued (documents.ts), and the workflow's history
 * (history.ts). The application is the one of api/examples/applications.ts.
 */
import type { RouteExamples } from '../openapi.js';
import { APPLICATION_NO, APPLICATION_URL, AT, INTEGRATOR_ID, LICENCE_NO, MATERIALS, MISSING_MATERIAL, WINDOW_OFFICER } from './applications.js';

const PORTAL = { id: INTEGRATOR_ID, kind: 'integrator' as const, name: '广西数字政务一体化平台' };

const applicationForm = {
  id: '6f1d2c9e-8b47-4a53-9e0f-3c2b7d51a8e4',
  applicationNo: APPLICATION_NO,
  material: MATERIALS[0],
  fileName: '食品经营许可申请书.pdf',
  contentType: 'application/pdf',
  size: 482_113,
  sha256: '911ae96b9fc3d1bc567dc650bcb8946d62ead5c94e4508b73f1e7b6595cbc0c2',
  uploadedAt: '2026-03-16T01:13:02.651Z',
  uploadedBy: PORTAL,
  url: `${APPLICATION_URL}/attachments/6f1d2c9e-8b47-4a53-9e0f-3c2b7d51a8e4`,
};

const licenceScan = {
  id: 'c40a7e13-5d2b-4f86-b1e9-0a7d3c6f92b5',
  applicationNo: APPLICATION_NO,
  material: MATERIALS[1],
  fileName: '营业执照.jpg',
  contentType: 'image/jpeg',
  size: 1_206_448,
  sha256: '6b9af93708359b3140cbedbdecb4622d937c5e13be6248a13fc166cbdf5d74a5',
  uploadedAt: '2026-03-16T01:13:05.078Z',
  uploadedBy: PORTAL,
  url: `${APPLICATION_URL}/attachments/c40a7e13-5d2b-4f86-b1e9-0a7d3c6f92b5`,
};

const supplementScan = {
  id: '0e58b2d4-7c91-4a3f-8d6e-5b1a9c7e3f20',
  applicationNo: APPLICATION_NO,
  material: MISSING_MATERIAL,
  fileName: '食品安全管理制度.pdf',
  contentType: 'application/pdf',
  size: 356_902,
  sha256: 'd7ab81112889a9d9a679e65a6898a548c2a0cc491e807b72defa12bd5f219256',
  uploadedAt: '2026-03-17T00:56:41.392Z',
  uploadedBy: { id: WINDOW_OFFICER.id, kind: 'officer' as const, name: WINDOW_OFFICER.name, role: WINDOW_OFFICER.role },
  url: `${APPLICATION_URL}/attachments/0e58b2d4-7c91-4a3f-8d6e-5b1a9c7e3f20`,
};

export const uploadAttachmentExamples: RouteExamples = {
  body: {
    form: {
      summary: 'The application form (申请书) as a PDF',
      description: 'multipart/form-data: the field `material`, named as on the item’s checklist, and the file as the part `file` (here 食品经营许可申请书.pdf).',
      value: { material: MATERIALS[0] },
    },
  },
  responses: {
    201: { uploaded: { summary: 'Uploaded: the file is recorded (Location names it)', value: applicationForm } },
    200: { again: { summary: 'The same bytes again: the attachment already recorded', value: applicationForm } },
  },
};

export const listAttachmentsExamples: RouteExamples = {
  responses: {
    200: {
      attachments: {
        summary: 'Three materials: two from the portal, the supplement (补正材料) scanned at the window',
        value: { attachments: [applicationForm, licenceScan, supplementScan] },
      },
    },
  },
};

export const listDocumentsExamples: RouteExamples = {
  responses: {
    200: {
      documents: {
        summary: 'The supplement notice, the acceptance notice and the approval decision, in the order issued',
        value: {
          documents: [
            {
              id: 311,
              kind: 'supplement_notice',
              title: '一次性告知书',
              number: '450102补告〔2026〕第000015号',
              licenceNo: null,
              issuedAt: AT.supplementRequested,
              url: `${APPLICATION_URL}/documents/311`,
            },
            {
              id: 318,
              kind: 'acceptance_notice',
              title: '受理通知书',
              number: '450102受通〔2026〕第000088号',
              licenceNo: null,
              issuedAt: AT.reviewOpened,
              url: `${APPLICATION_URL}/documents/318`,
            },
            {
              id: 342,
              kind: 'approval_decision',
              title: '准予行政许可决定书',
              number: '450102许决〔2026〕第000137号',
              licenceNo: LICENCE_NO,
              issuedAt: AT.decided,
              url: `${APPLICATION_URL}/documents/342`,
            },
          ],
        },
      },
    },
  },
};

/** A payload as the history shows it: decoded (json/plain), the applicant's number masked for a supervisor. */
const payload = (value: unknown) => ({
  metadata: { encoding: Buffer.from('json/plain').toString('base64') },
  data: Buffer.from(JSON.stringify(value)).toString('base64'),
});

const WORKFLOW = APPLICATION_NO;
const OFFICER = WINDOW_OFFICER.id;

export const historyExamples: RouteExamples = {
  querystring: {
    json: { summary: 'Temporal’s events, payloads decoded (the default)', value: { format: 'json' } },
    timeline: { summary: 'A short timeline', value: { format: 'timeline' } },
  },
  responses: {
    200: {
      timeline: {
        summary: 'The timeline (?format=timeline), from Temporal',
        value: {
          applicationNo: APPLICATION_NO,
          temporalUiUrl: `http://localhost:8233/namespaces/default/workflows/${WORKFLOW}`,
          source: 'temporal',
          timeline: [
            { at: '2026-03-16T01:12:09.561203117Z', eventId: 1, what: 'workflow applicationWorkflow started (submitted)', kind: 'workflow_started' },
            { at: '2026-03-16T01:12:09.804418562Z', eventId: 7, what: 'activity recordSubmitted completed', kind: 'activity_completed', activity: 'recordSubmitted' },
            {
              at: '2026-03-16T01:31:40.160731905Z',
              eventId: 11,
              what: `update intake accepted: market_regulation request_supplement by ${OFFICER}`,
              kind: 'update_accepted',
              update: 'intake',
              department: 'market_regulation',
              decision: 'request_supplement',
              officer: OFFICER,
            },
            {
              at: '2026-03-16T01:31:40.162250881Z',
              eventId: 13,
              what: 'activity recordTransition scheduled: intake_request_supplement',
              kind: 'activity_scheduled',
              activity: 'recordTransition',
              transitions: ['intake_request_supplement'],
            },
            {
              at: '2026-03-17T00:58:12.351906274Z',
              eventId: 23,
              what: `update supplement accepted: by ${INTEGRATOR_ID}`,
              kind: 'update_accepted',
              update: 'supplement',
              officer: INTEGRATOR_ID,
            },
            {
              at: '2026-03-17T01:05:27.958314702Z',
              eventId: 35,
              what: `update intake accepted: market_regulation accept by ${OFFICER}`,
              kind: 'update_accepted',
              update: 'intake',
              department: 'market_regulation',
              decision: 'accept',
              officer: OFFICER,
            },
            {
              at: '2026-03-17T01:05:27.958526019Z',
              eventId: 37,
              what: 'timer started',
              kind: 'timer_started',
              timer: { fireAt: '2026-03-23T16:00:00.017Z', alert: 'yellow' },
            },
            {
              at: '2026-03-17T01:05:27.959487150Z',
              eventId: 40,
              what: 'activity recordTransition scheduled: intake_accept, clock_started, review_opened (market_regulation)',
              kind: 'activity_scheduled',
              activity: 'recordTransition',
              transitions: ['intake_accept', 'clock_started', 'review_opened (market_regulation)'],
            },
            {
              at: '2026-03-24T03:20:45.164871093Z',
              eventId: 87,
              what: 'update decision accepted: market_regulation approve by 450102-market_regulation-chief',
              kind: 'update_accepted',
              update: 'decision',
              department: 'market_regulation',
              decision: 'approve',
              officer: '450102-market_regulation-chief',
            },
            {
              at: '2026-03-24T03:20:45.166003552Z',
              eventId: 89,
              what: 'activity recordTransition scheduled: review_approved (market_regulation), decided, completed',
              kind: 'activity_scheduled',
              activity: 'recordTransition',
              transitions: ['review_approved (market_regulation)', 'decided', 'completed'],
            },
            { at: '2026-03-25T06:32:08.517290846Z', eventId: 100, what: `update pickup accepted: by ${OFFICER}`, kind: 'update_accepted', update: 'pickup', officer: OFFICER },
            { at: '2026-03-25T06:32:08.560117438Z', eventId: 109, what: 'workflow completed', kind: 'workflow_completed' },
          ],
        },
      },
      events: {
        summary: 'The events (first of them), from OneWindow’s archive after Temporal’s retention',
        description: 'A supervisor’s view: the applicant’s ID number in the decoded payloads is masked.',
        value: {
          applicationNo: APPLICATION_NO,
          temporalUiUrl: null,
          source: 'archive',
          archivedAt: '2026-03-25T06:40:12.904Z',
          sha256: '5f038fe5576139611bc73db531995ef8a352bb490d9516879aa0d8cb3cd83d04',
          events: [
            {
              eventId: '1',
              eventTime: '2026-03-16T01:12:09.561203117Z',
              eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
              taskId: '1048587',
              workflowExecutionStartedEventAttributes: {
                workflowType: { name: 'applicationWorkflow' },
                taskQueue: { name: 'onewindow-applications', kind: 'TASK_QUEUE_KIND_NORMAL' },
                input: {
                  payloads: [
                    payload({
                      applicationNo: APPLICATION_NO,
                      centreCode: '450102',
                      item: { code: 'food-business-licence', version: 1, name: '食品经营许可', kind: 'promised', department: 'market_regulation' },
                      applicant: { type: 'organisation', name: '南***************', idNumber: '9145**********3X2B', phone: '077****1234' },
                      submittedBy: INTEGRATOR_ID,
                      submittedAt: AT.submitted,
                    }),
                  ],
                },
                workflowTaskTimeout: '10s',
                attempt: 1,
                workflowId: WORKFLOW,
              },
            },
            {
              eventId: '2',
              eventTime: '2026-03-16T01:12:09.561409238Z',
              eventType: 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
              taskId: '1048588',
              workflowTaskScheduledEventAttributes: { taskQueue: { name: 'onewindow-applications', kind: 'TASK_QUEUE_KIND_NORMAL' }, startToCloseTimeout: '10s', attempt: 1 },
            },
          ],
        },
      },
    },
  },
};

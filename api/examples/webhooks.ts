/**
 * Examples of the webhook routes for /docs: the 广西数字政务一体化平台 portal's endpoint, told of its
 * applications' acceptance, decisions, completion and documents. Every value parses with its route's
 * schema (tests/openapi-docs.test.ts).
 */
import type { RouteExamples } from '../openapi.js';

const ENDPOINT_ID = 'we_3kVfQ1xY9aBc';
const URL = 'https://portal.gxzf.gov.cn/onewindow/webhooks';
const TYPES = ['application.accepted', 'application.supplement_requested', 'review.decided', 'application.rejected', 'application.completed', 'document.issued'];
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw/eFKQ8k9HlQ=';

const endpoint = {
  id: ENDPOINT_ID,
  url: URL,
  description: '广西数字政务一体化平台: 办件状态推送 (status updates for the portal)',
  eventTypes: TYPES,
  status: 'active' as const,
  pausedReason: null,
  pausedAt: null,
  failingSince: null,
  lastSuccessAt: '2026-03-16T09:41:07.512Z',
  secrets: [{ createdAt: '2026-03-01T02:00:00.000Z', expiresAt: null }],
  createdAt: '2026-03-01T02:00:00.000Z',
  updatedAt: null,
};

const paused = {
  ...endpoint,
  status: 'paused' as const,
  pausedAt: '2026-03-20T02:15:00.000Z',
  pausedReason: 'No delivery succeeded for 2 day(s); the last attempt: ECONNREFUSED',
  failingSince: '2026-03-18T02:14:55.000Z',
};

const delivered = {
  id: 18231,
  messageId: 'msg_450102-20260316-000042_5_application.accepted',
  type: 'application.accepted',
  applicationNo: '450102-20260316-000042',
  seq: 5,
  status: 'delivered' as const,
  attempts: 1,
  nextAttemptAt: null,
  lastAttemptAt: '2026-03-16T09:41:07.480Z',
  lastStatus: 204,
  lastError: null,
  deliveredAt: '2026-03-16T09:41:07.512Z',
  createdAt: '2026-03-16T09:41:07.301Z',
};

const waiting = {
  ...delivered,
  id: 18544,
  messageId: 'msg_450102-20260316-000042_9_review.decided',
  type: 'review.decided',
  seq: 9,
  status: 'pending' as const,
  attempts: 3,
  nextAttemptAt: '2026-03-18T03:05:12.000Z',
  lastAttemptAt: '2026-03-18T02:35:12.000Z',
  lastStatus: 503,
  lastError: 'answered 503',
  deliveredAt: null,
  createdAt: '2026-03-18T02:30:06.114Z',
};

export const eventTypes: RouteExamples = {
  responses: {
    200: {
      types: {
        summary: 'Two of the types (两种消息类型)',
        value: {
          types: [
            { type: 'application.accepted', description: 'Accepted at intake (受理): the reviews open and the limits count', descriptionZh: '已受理' },
            { type: 'review.decided', description: 'A department decided its review: approve (with any conditions) or reject, with the reason', descriptionZh: '部门审批' },
          ],
        },
      },
    },
  },
};

export const createEndpoint: RouteExamples = {
  body: {
    portal: { summary: 'A portal’s endpoint for status updates (办件状态推送)', value: { url: URL, eventTypes: TYPES, description: endpoint.description } },
    everything: {
      summary: 'The 12345 hotline system, told only of rejections and alerts',
      value: { url: 'https://12345.nanning.gov.cn/api/onewindow/events', eventTypes: ['application.not_accepted', 'application.rejected', 'alert.raised'] },
    },
  },
  responses: { 201: { created: { summary: 'Registered: keep the secret now, it is not shown again', value: { ...endpoint, lastSuccessAt: null, secret: SECRET } } } },
};

export const listEndpoints: RouteExamples = {
  responses: { 200: { endpoints: { summary: 'One active endpoint and a paused one', value: { endpoints: [endpoint, { ...paused, id: 'we_Q8pLm2ZrT0sd', url: 'https://backup.gxzf.gov.cn/hooks' }] } } } },
};

export const oneEndpoint: RouteExamples = {
  responses: {
    200: {
      active: { summary: 'Active', value: endpoint },
      paused: { summary: 'Paused: its receiver refused every attempt for two days (已暂停)', value: paused },
    },
  },
};

export const updateEndpoint: RouteExamples = {
  body: {
    edited: { summary: 'The GET’s answer with a type added, sent back as it is (read-only fields are ignored)', value: { ...endpoint, eventTypes: [...TYPES, 'fee.paid'] } },
    minimal: { summary: 'Only the fields that can change', value: { url: URL, eventTypes: [...TYPES, 'fee.paid'], description: null } },
  },
  responses: { 200: { updated: { summary: 'Changed', value: { ...endpoint, eventTypes: [...TYPES, 'fee.paid'], updatedAt: '2026-03-17T01:00:00.000Z' } } } },
};

export const deleteEndpoint: RouteExamples = {
  responses: { 200: { deleted: { summary: 'Deleted (停用): its log stays readable', value: { ...endpoint, status: 'disabled', updatedAt: '2026-04-01T00:00:00.000Z' } } } },
};

export const rotateSecret: RouteExamples = {
  body: { default: { summary: 'The old secret keeps signing for 24 hours', value: { keepOldHours: 24 } }, now: { summary: 'The old secret stops at once (it leaked)', value: { keepOldHours: 0 } } },
  responses: {
    200: {
      rotated: {
        summary: 'Both secrets sign until the old one expires: each request carries two signatures',
        value: {
          ...endpoint,
          secrets: [
            { createdAt: '2026-06-01T00:00:00.000Z', expiresAt: null },
            { createdAt: '2026-03-01T02:00:00.000Z', expiresAt: '2026-06-02T00:00:00.000Z' },
          ],
          updatedAt: '2026-06-01T00:00:00.000Z',
          secret: 'whsec_Zr3l2gN2m1Hb0u1sYkQeRk0y2U8nN6a7c5QjW9v3pXo=',
        },
      },
    },
  },
};

export const pauseEndpoint: RouteExamples = {
  responses: { 200: { paused: { summary: 'Paused by the integrator (for a maintenance window)', value: { ...paused, pausedReason: 'Paused by the integrator', failingSince: null } } } },
};

export const resumeEndpoint: RouteExamples = {
  responses: { 200: { resumed: { summary: 'Active again: the waiting messages go out in order', value: { ...endpoint, updatedAt: '2026-03-20T08:00:00.000Z' } } } },
};

export const deliveries: RouteExamples = {
  querystring: { failed: { summary: 'Only deliveries whose retries are spent', value: { status: 'failed', limit: 50 } } },
  responses: { 200: { page: { summary: 'A waiting delivery and a delivered one (newest first)', value: { deliveries: [waiting, delivered], nextBefore: null } } } },
};

export const delivery: RouteExamples = {
  responses: {
    200: {
      delivered: {
        summary: 'The message as sent, and its attempt',
        value: {
          ...delivered,
          payload: {
            type: 'application.accepted',
            timestamp: '2026-03-16T09:41:07.000Z',
            data: {
              applicationNo: '450102-20260316-000042',
              clientReference: 'GXZF-2026-0316-88121',
              centreCode: '450102',
              itemCode: 'food-business-licence',
              seq: 5,
              stage: 'in_review',
              promisedDue: '2026-03-30T10:00:00.000Z',
              statutoryDue: '2026-04-14T10:00:00.000Z',
            },
          },
          attempts: [{ at: '2026-03-16T09:41:07.480Z', status: 204, error: null, response: null, durationMs: 32 }],
        },
      },
    },
  },
};

export const replay: RouteExamples = {
  body: {
    since: { summary: 'Everything since the receiver lost its data (重放)', value: { since: '2026-03-18T00:00:00+08:00' } },
    failed: { summary: 'Only what failed, for one application', value: { since: '2026-03-01T00:00:00Z', onlyFailed: true, applicationNo: '450102-20260316-000042' } },
  },
  responses: { 202: { queued: { summary: 'Queued again', value: { replayed: 37 } } } },
};

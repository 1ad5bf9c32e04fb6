/**
 * Examples for /docs of the routes around the applications: health (health.ts), who the caller is
 * (me.ts), integrators' keys (integrators.ts), Temporal's remote codec (codec.ts) and the payment
 * platform's notifications (payments.ts).
 */
import type { RouteExamples } from '../openapi.js';
import { APPLICATION_NO, CENTRE, WINDOW_OFFICER } from './applications.js';

export const healthExamples: RouteExamples = {
  responses: { 200: { ok: { summary: 'Up', value: { status: 'ok' } } } },
};

export const readyExamples: RouteExamples = {
  responses: { 200: { ok: { summary: 'Ready: PostgreSQL and the Temporal namespace answer', value: { status: 'ok' } } } },
};

const KEY_ID = '3f9c2a7b81d4';
const PORTAL_NAME = '广西数字政务一体化平台';

export const meExamples: RouteExamples = {
  responses: {
    200: {
      windowOfficer: {
        summary: 'A window officer (窗口工作人员)',
        value: { kind: 'staff', officer: { id: WINDOW_OFFICER.id, name: WINDOW_OFFICER.name, role: 'window_officer', centreCode: CENTRE, departmentCode: 'market_regulation' } },
      },
      supervisor: {
        summary: 'A supervisor (电子监察员): no department',
        value: { kind: 'staff', officer: { id: '450100-supervisor', name: '南宁市电子监察员', role: 'supervisor', centreCode: '450100', departmentCode: null } },
      },
      integrator: { summary: 'An integrator’s key, bound to the whole region', value: { kind: 'integrator', key: { id: KEY_ID, name: PORTAL_NAME, centres: ['450000'] } } },
    },
  },
};

const SECURITY = { id: '450000-security', name: '广西壮族自治区政务服务中心安全管理员' };

const portalKey = {
  id: KEY_ID,
  name: PORTAL_NAME,
  centres: ['450000'],
  createdBy: SECURITY,
  createdAt: '2026-01-05T02:16:44.092Z',
  revokedAt: null,
};

const appKey = {
  id: 'a83e51c07d26',
  name: '南宁市“爱南宁”App',
  centres: ['450100'],
  createdBy: SECURITY,
  createdAt: '2026-02-10T06:48:03.517Z',
  revokedAt: null,
};

export const createIntegratorExamples: RouteExamples = {
  body: {
    region: { summary: 'The region’s portal, for every centre', value: { name: PORTAL_NAME, centres: ['450000'] } },
    city: { summary: 'A city’s app, for Nanning and the centres below it', value: { name: appKey.name, centres: ['450100'] } },
  },
  responses: {
    201: {
      created: {
        summary: 'Created: the key is shown this once',
        value: { ...portalKey, key: `ow_${KEY_ID}_k4GoOGS-LKYkAXZDVyifeJ0xtCJHRUOm8VOb809pNgc` },
      },
    },
  },
};

export const listIntegratorsExamples: RouteExamples = {
  responses: { 200: { keys: { summary: 'Newest first, never the keys themselves', value: { keys: [appKey, portalKey] } } } },
};

export const revokeIntegratorExamples: RouteExamples = {
  responses: { 200: { revoked: { summary: 'Revoked: refused from now on', value: { ...appKey, revokedAt: '2026-03-20T09:05:31.644Z' } } } },
};

const base64 = (text: string) => Buffer.from(text).toString('base64');

/** A workflow input as Temporal carries it before encryption, and as the codec gives it back. */
const plainValue = {
  applicationNo: APPLICATION_NO,
  centreCode: CENTRE,
  applicant: { type: 'organisation', name: '南宁市兴宁区某某餐饮管理有限公司', idNumber: '91450102MA5L8Q3X2B', phone: '0771-5551234' },
  materials: ['食品经营许可申请书'],
};
const maskedValue = { ...plainValue, applicant: { type: 'organisation', name: '南***************', idNumber: '9145**********3X2B', phone: '077****1234' } };

const plain = { metadata: { encoding: base64('json/plain') }, data: base64(JSON.stringify(plainValue)) };
const masked = { metadata: { encoding: base64('json/plain') }, data: base64(JSON.stringify(maskedValue)) };
const encrypted = {
  metadata: { encoding: base64('binary/encrypted'), 'encryption-key-id': base64('2026-01') },
  data:
    'FoI6BgJBluG7heGSvsQcIAOIhjg8LFW296MEbbZg9avrl2RpRHqDsNXtk+1fOEXe0wparzUhLWByl5yPJn+Dz/O7p49X0kP3y4Kb3IUMw6MJsIEzBnkk7t4IQhWO9crZ86G17JgDqIRV9lu+MJ65bIui9XuoPKM+nFBYo6MGka8o1CaRFN8ZplldJyxeF6NKjRNKDvg8+N71lTo+gJv+US80bgC23WqpGDejJH3cnETTY4LZnIheWk9ftMYSdGyAcDLJR7Hm+Clts0DUNRoPvkx+OUFXlo6flvBLPaMfpI/3BlED+Mjcxr6P9BzUyFikZLZ3mD7hXRukwgaKnoLltlvv9JWii1ytcSnDvV6Z5gd32zMKkMCbxo41YRgI',
};

export const encodeExamples: RouteExamples = {
  body: { plain: { summary: 'A JSON payload (json/plain, base64)', value: { payloads: [plain] } } },
  responses: { 200: { encrypted: { summary: 'Encrypted with the current key (AES-256-GCM), its id in the metadata', value: { payloads: [encrypted] } } } },
};

export const decodeExamples: RouteExamples = {
  body: {
    payloads: {
      summary: 'Payloads as the Temporal UI sends them',
      description:
        'Each payload is decoded in place: one encrypted by OneWindow (encoding binary/encrypted, its key id in encryption-key-id, as the encode example answers) comes back decrypted; one written before encryption (json/plain, shown here) passes through unchanged. A key this process does not have answers 500 payload_key_missing, naming the key to add.',
      value: { payloads: [plain] },
    },
  },
  responses: {
    200: {
      whole: { summary: 'Decrypted, for an officer who handles the application', value: { payloads: [plain] } },
      masked: { summary: 'Decrypted, the applicant’s personal data masked for anyone else', value: { payloads: [masked] } },
    },
  },
};

/** An application with a fee (不动产登记费), its first notice (-F1) paid and later refunded. */
const FEE_APPLICATION = '450102-20260318-000026';
const NOTICE_NO = `${FEE_APPLICATION}-F1`;
const PAYMENT_ID = 'P20260319104523719064';

export const paymentNotificationExamples: RouteExamples = {
  body: {
    payment: {
      summary: 'A payment (缴款): 不动产登记费 80 yuan, paid online',
      description: 'Signed: X-Payment-Signature is the HMAC-SHA256 over "<X-Payment-Timestamp>.<X-Payment-Nonce>.<this body, as sent>".',
      value: {
        type: 'payment',
        paymentId: PAYMENT_ID,
        noticeNo: NOTICE_NO,
        paymentCode: '73029184650271936485',
        amountFen: 8000,
        paidAt: '2026-03-19T10:45:23+08:00',
        receiptNo: '45026031900451873206',
        channel: 'online',
      },
    },
    refund: {
      summary: 'A refund paid back (退付) of that payment',
      value: { type: 'refund', refundNo: `${NOTICE_NO}-R1`, paymentId: PAYMENT_ID, noticeNo: NOTICE_NO, amountFen: 8000, refundedAt: '2026-03-27T15:02:11+08:00' },
    },
  },
  responses: {
    200: {
      payment: { summary: 'A payment received (缴款)', value: { received: true, applicationNo: FEE_APPLICATION, noticeNo: NOTICE_NO, paymentId: PAYMENT_ID } },
      refund: {
        summary: 'A refund paid back (退付)',
        value: { received: true, applicationNo: FEE_APPLICATION, noticeNo: NOTICE_NO, paymentId: PAYMENT_ID, refundNo: `${NOTICE_NO}-R1` },
      },
    },
  },
};

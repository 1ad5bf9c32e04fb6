/**
 * Examples of the audit log's proofs (RFC 9162) for /docs: a signed checkpoint (C2SP tlog-checkpoint)
 * of a log of 1500 rows, the key that checks it, a row's inclusion proof and a consistency proof. They
 * are real: computed with db/merkle.ts and db/audit-checkpoints.ts over a generated log under a
 * throwaway Ed25519 key, so they verify as `npm run audit:check` checks them. Each value is checked
 * against its route's zod schemas (tests/openapi-docs.test.ts).
 */
import type { RouteExamples } from '../openapi.js';

const ORIGIN = 'zwfw.gxzf.gov.cn/onewindow/audit';
/** Its lines; the signature covers those above the blank one. */
const CHECKPOINT = [
  'zwfw.gxzf.gov.cn/onewindow/audit',
  '1500',
  'LYtSgwV/LKCTFLgQETfkRF9EKmlk9KOVNA62qgvLwM8=',
  'time 2026-03-12T02:40:00.000Z',
  'frontier 7llcMCnq33rfmFM8WW0hyPYPhqQ0BNBa8CoW3GD5SSE=,kLHH+hEAa+DpaRJ9hWsTirCcajUgtPPBoqwu0Gtf5Ns=,Fsvvvq661rfFI/vsfkLKVw+Nukp8iFzvon5zH/GU7dc=,QEIRZCH12vMb/d5NdCsi/Qpnn3t/BZ2Tz+xw3whDVVk=,xK41N0gwjxfPf8MC4aaQrNsVwh7kSYUN9fV/4w8044U=,MBFZz5rQ1gliiPd4t6FynOzYZLOnAD3stzBcdXf7fSc=,ZWF2lrnx7Gl6d3gbhKLtcjpzNuH/NzcwAUzmq+14MHU=',
  'last 1500 5kWR47Gu4JS6wYLVaevBIrfDeik33uw43FUf5hq7EzE=',
  '',
  '— zwfw.gxzf.gov.cn/onewindow/audit uVoja7c1Mqx3fKEo/CQ7+grW5/uEDj9S+PMdKoJ75myd5lnnuCIX6kiHkyk/tMJY/UYHVDy9WmKwxXDeoOtbKsmXDQk=',
  '',
].join('\n');
const checkpoint = { size: 1500, root: 'LYtSgwV/LKCTFLgQETfkRF9EKmlk9KOVNA62qgvLwM8=', time: '2026-03-12T02:40:00.000Z', checkpoint: CHECKPOINT };

export const latestCheckpointExamples: RouteExamples = {
  responses: { 200: { latest: { summary: 'The signed note (text/plain): origin, size, root, time, the extension lines, then the signature', value: CHECKPOINT } } },
};

export const makeCheckpointExamples: RouteExamples = {
  responses: {
    201: { signed: { summary: 'Signed now: the log grew since the latest', value: checkpoint } },
    200: { unchanged: { summary: 'No new rows: the latest checkpoint stands', value: checkpoint } },
  },
};

export const publicKeyExamples: RouteExamples = {
  responses: {
    200: {
      key: {
        summary: 'The Ed25519 key, as PEM and as a signed-note verifier key',
        value: {
          origin: ORIGIN,
          publicKey: ['-----BEGIN PUBLIC KEY-----', 'MCowBQYDK2VwAyEAWrWVCSvYkr7n5+RPPi7OFxXg9ys/yWSyk1QBNAIVs/Y=', '-----END PUBLIC KEY-----', ''].join('\n'),
          verifierKey: 'zwfw.gxzf.gov.cn/onewindow/audit+b95a236b+AVq1lQkr2JK+5+fkTz4uzhcV4PcrP8lkspNUATQCFbP2',
        },
      },
    },
  },
};

export const inclusionExamples: RouteExamples = {
  querystring: { row: { summary: 'Row 1042 in the tree of the checkpoint’s 1500 rows', value: { id: 1042, size: 1500 } } },
  responses: {
    200: {
      row: {
        summary: 'A window officer’s fee assessment (核定), proved in the signed tree',
        value: {
          leafIndex: 1041,
          treeSize: 1500,
          leafHash: 'zovZHPj0EkgYN3XSnMItqviUqG3Rg7raDU2i//0Jfms=',
          path: [
            'LxZ7gwgk57rGpMgKFPX5vv/vHuj+8Ry6aA1CT+KwhjE=',
            '+boy+VEHHfccu3my1mgbciaBP1LvIpPIFbnZRdfTCG0=',
            'UHsbkd/hu8tDTfwovB5UCbsDe0TzJcb31zS7GQXcOSk=',
            'Oe/xeiFUIhvP/uS9yZU31A772JHPvlPXkz+HAF68ykE=',
            'SesQ0RXuP1Q7ZLWguaXD/+ZlEEO6yHg/ekPsalWUGnM=',
            'uIJO+tQN3aruh37osrhUkVCcha7SwNb2aqpYXrGCbmQ=',
            'QA0TSriCaA0WP1KDrObuitKieeNVCf4/DWdj6F1/7TI=',
            'lRmhupcawIZ0TQHJCoXjD8d/be34AMhDhgNJTxUWaPw=',
            'GwbHP59RUrI+W9kUY69uzGX15saihkf+wpauPqtbwNA=',
            '7llcMCnq33rfmFM8WW0hyPYPhqQ0BNBa8CoW3GD5SSE=',
          ],
          entry: {
            id: 1042,
            at: '2026-03-09T03:20:00.412Z',
            actor: { id: '450102-natural_resources-officer', kind: 'officer', name: '兴宁区自然资源局窗口工作人员', role: 'window_officer', ip: '10.45.12.57' },
            centreCode: '450102',
            action: 'POST /v1/applications/:no/fees/assessment',
            target: '450102-20260303-000021',
            status: 200,
            requestId: 'req-5k2',
            prevHash: '53cdab18de440b0ae2f36074bc28a0787a3afbfe615ce5a3de1f209fa01da2e1',
            hash: 'f40323eff8013fd64abfc164e8c7fa3b16634bf1b11186597e6a3271f855531b',
          },
        },
      },
    },
  },
};

export const consistencyExamples: RouteExamples = {
  querystring: { grown: { summary: 'The tree of 1500 rows extends the one of 1400 an earlier checkpoint signed', value: { from: 1400, to: 1500 } } },
  responses: {
    200: {
      grown: {
        summary: 'The proof, base64 hashes',
        value: {
          from: 1400,
          to: 1500,
          proof: [
            'gDruL5GFAlJwPsHu4vJHEUoSJTMnD+B6odiGRx9nFJk=',
            'atWVIdSXuUNHDnnpiVPlQ7Q7XKlRaPYwHDZE6k7fEy4=',
            '802b/UCJYcP5vi/Z0my0aY7VGl0LnrLRmFJSYYky5Ls=',
            'w8FG7weA4ISCckCgkpHtWk/TxE3UaQE/2bBPmXJnd6c=',
            'ihDGtGct6qtHfOADETgrbyRVJG8YVw6vmsncVaZhV3Q=',
            'btH5ufEMm83xqeu0pJYPR4lAiXQxsDt29sA4Lf4RcFw=',
            'kLHH+hEAa+DpaRJ9hWsTirCcajUgtPPBoqwu0Gtf5Ns=',
            '7llcMCnq33rfmFM8WW0hyPYPhqQ0BNBa8CoW3GD5SSE=',
          ],
        },
      },
    },
  },
};

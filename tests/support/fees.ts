/**
 * Fee fixtures the fee tests share: two schedules (the window's registration fee, the rule's card
 * fee) and the read-model rows of an application with its payment notices, written as the workflow's
 * recorder writes them (for the statistics and the supervision page, which read only the read model).
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { applications, feeNotices } from '../../db/schema/index.js';
import type { FeeAdjustment, FeeSchedule } from '../../workflows/rules/fees.js';

export const TEST_FEE_BASIS = { document: '测试收费依据（测试〔2026〕1号）', article: '第三条' };
const basis = TEST_FEE_BASIS;

/** Assessed by the window once approved: one registration fee of two, certificates after the first at 10 yuan, the 小微企业 exemption of the registration fee. */
export const registrationSchedule = {
  assessAt: 'decision',
  assessedBy: 'window',
  payBeforePickup: true,
  paymentLimitDays: 15,
  reminderDays: 3,
  onOverdue: 'supervise',
  lines: [
    { code: 'residential', name: '登记费（住宅类）', basis, standard: { type: 'fixed', amountFen: 8000 }, payer: '申请人', optional: true },
    { code: 'non-residential', name: '登记费（非住宅类）', basis, standard: { type: 'fixed', amountFen: 55000 }, payer: '申请人', optional: true },
    { code: 'certificate', name: '证书工本费', basis, standard: { type: 'per_unit', unit: '本', unitFen: 1000, freeUnits: 1 }, payer: '申请人', optional: true },
  ],
  reductions: [{ code: 'small-micro', name: '小微企业免收登记费', basis, percent: 100, lines: ['residential', 'non-residential'] }],
} satisfies FeeSchedule;

/** Assessed by the rule at intake: one fixed card fee (10 yuan unless said), 5 working days to pay, reminded 1 before. */
export const cardSchedule = (more: Partial<FeeSchedule> = {}, amountFen = 1000): FeeSchedule => ({
  assessAt: 'intake',
  assessedBy: 'rule',
  payBeforePickup: true,
  paymentLimitDays: 5,
  reminderDays: 1,
  onOverdue: 'supervise',
  lines: [{ code: 'card', name: '工本费', basis, standard: { type: 'fixed', amountFen }, payer: '申请人', optional: false }],
  reductions: [],
  ...more,
});

/** Two seeded items that charge fees, and their lead departments. */
export const ESTATE = { itemCode: 'real-estate-first-registration', department: 'natural_resources' };
export const CARD = { itemCode: 'temporary-id-card', department: 'public_security' };
export type FeeItem = typeof ESTATE;

/** One payment notice of a read-model application: paid when `paidAt` is given, waived or reduced by `adjustment`. */
export interface NoticeRow {
  status: string;
  amountFen: number;
  issuedAt: string;
  dueAt: string;
  paidAt?: string;
  adjustment?: FeeAdjustment;
}

/** A completed application of the centre in the read model, with its notices F1, F2 …; returns its number. */
export async function feeApplication(db: Db, centreCode: string, item: FeeItem, notices: NoticeRow[], prefix = 'FEE'): Promise<string> {
  const applicationNo = `${centreCode}-${prefix}-${randomUUID().slice(0, 8)}`;
  await db.insert(applications).values({
    applicationNo,
    itemCode: item.itemCode,
    itemVersion: 1,
    centreCode,
    leadDepartment: item.department,
    statutoryLimitDays: 30,
    promisedLimitDays: 5,
    stage: 'completed',
    applicant: { type: 'person', name: '测试', idNumber: '450100199001011234' },
    materials: [],
    submittedAt: notices[0].issuedAt,
  });
  await db.insert(feeNotices).values(
    notices.map((n, i) => ({
      noticeNo: `${applicationNo}-F${i + 1}`,
      applicationNo,
      centreCode,
      itemCode: item.itemCode,
      department: item.department,
      status: n.status,
      amountFen: n.amountFen,
      grossFen: n.amountFen,
      lines: [{ code: 'fee', name: '测试收费', quantity: 1, grossFen: n.amountFen, reductionFen: 0, amountFen: n.amountFen }],
      reductions: [],
      paymentCode: n.amountFen > 0 ? `PC${randomUUID().slice(0, 12)}` : null,
      assessedBy: 'rule' as const,
      issuedAt: n.issuedAt,
      dueAt: n.dueAt,
      adjustment: n.adjustment ?? null,
      paymentId: n.paidAt ? `pay-${randomUUID()}` : null,
      paidAt: n.paidAt ?? null,
      receiptNo: n.paidAt ? `R${randomUUID().slice(0, 10)}` : null,
      lastSeq: 10 + i,
    })),
  );
  return applicationNo;
}

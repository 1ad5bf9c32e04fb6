/**
 * Fee statistics (行政事业性收费) against a known data set: payment notices written to the read model as
 * the workflows write them, at Laibin (451300) and its county Xingbin (451302), which no other test
 * file uses, in March and April 2026 (and one in February). Each figure is dated by its own instant:
 * the first notice's issue (assessed), the payment (collected, in China's time zone), the waiver, the
 * reduction, the refund paid back. A county's supervisor sees the county only; the unpaid notices past their deadline come
 * longest overdue first.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { feeFigures, unpaidPastDeadline } from '../db/fee-statistics.js';
import { feeRefunds } from '../db/schema/index.js';
import { type ScratchDatabase, createScratchDatabase } from '../db/scratch.js';
import { CARD, ESTATE, type FeeItem, type NoticeRow, feeApplication } from './support/fees.js';
import { type Stack, startStack, supervisorOf, windowOf } from './support/stack.js';

const CITY = '451300';
const COUNTY = '451302';
const LEADER = { id: `${CITY}-natural_resources-leader`, name: '测试领导', role: 'department_leader' as const };
const MARCH_APRIL = { from: '2026-03-01', to: '2026-05-01' };

let stack: Stack;
let scratch: ScratchDatabase;

/** An application of the centre with its notices F1, F2 … as the recorder writes them; returns its number. */
const application = (centreCode: string, item: FeeItem, notices: (Omit<NoticeRow, 'adjustment'> & { adjustment?: { toFen: number; at: string } })[]) =>
  feeApplication(
    stack.db,
    centreCode,
    item,
    notices.map(({ adjustment, ...n }) => ({ ...n, adjustment: adjustment && { officer: LEADER, reason: '困难群众', fromFen: n.amountFen, toFen: adjustment.toFen, at: adjustment.at } })),
  );

/** A refund of a paid notice, as the recorder writes it: paid back when `refundedAt` is set. */
async function refund(noticeNo: string, centreCode: string, item: typeof ESTATE, r: { n: number; amountFen: number; status: string; refundedAt?: string }) {
  await stack.db.insert(feeRefunds).values({
    refundNo: `${noticeNo}-R${r.n}`,
    noticeNo,
    applicationNo: noticeNo.replace(/-F\d+$/, ''),
    centreCode,
    itemCode: item.itemCode,
    department: item.department,
    paymentId: `pay-${randomUUID()}`,
    amountFen: r.amountFen,
    reason: '多收',
    status: r.status,
    requestedBy: { id: `${centreCode}-natural_resources-officer` },
    requestedAt: cn('2026-04-01T09:00:00'),
    refundedAt: r.refundedAt ?? null,
    lastSeq: 20 + r.n,
  });
}

/** China time, as the window's clock reads it. */
const cn = (local: string) => `${local}+08:00`;
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
/** Calendar days in China from the day a deadline passed to today, both counted. */
function daysOverdue(dueAt: string) {
  const day = (instant: number) => Date.parse(new Date(instant + 8 * 3_600_000).toISOString().slice(0, 10));
  return (day(Date.now()) - day(Date.parse(dueAt))) / 86_400_000 + 1;
}

const no: Record<string, string> = {};

beforeAll(async () => {
  // A database of its own: these rows would otherwise be in every other file's regional statistics.
  scratch = await createScratchDatabase(Object.assign(new URL(inject('databaseUrl')), { pathname: '/postgres' }).toString(), `onewindow_fee_statistics_${Date.now()}_${process.pid}`);
  stack = await startStack({ worker: false, databaseUrl: scratch.url });
  // Laibin, the city.
  // Paid in March.
  no.a1 = await application(CITY, ESTATE, [{ status: 'paid', amountFen: 9000, issuedAt: cn('2026-03-05T10:00:00'), dueAt: cn('2026-03-27T00:00:00'), paidAt: cn('2026-03-10T11:00:00') }]);
  // Reduced by a leader in April from 80 to 50 yuan; the new notice paid in April.
  no.a2 = await application(CITY, ESTATE, [
    { status: 'superseded', amountFen: 8000, issuedAt: cn('2026-03-20T10:00:00'), dueAt: cn('2026-04-11T00:00:00'), adjustment: { toFen: 5000, at: cn('2026-04-02T09:00:00') } },
    { status: 'paid', amountFen: 5000, issuedAt: cn('2026-04-02T09:00:00'), dueAt: cn('2026-04-24T00:00:00'), paidAt: cn('2026-04-08T15:00:00') },
  ]);
  // Unpaid past its deadline (the start of 17 April in China).
  no.a3 = await application(CITY, CARD, [{ status: 'issued', amountFen: 1000, issuedAt: cn('2026-04-10T10:00:00'), dueAt: cn('2026-04-17T00:00:00') }]);
  // Issued in March, paid at 01:30 on 1 April in China (still 31 March in UTC): collected in April.
  no.a4 = await application(CITY, ESTATE, [{ status: 'paid', amountFen: 9000, issuedAt: cn('2026-03-28T10:00:00'), dueAt: cn('2026-04-18T00:00:00'), paidAt: '2026-03-31T17:30:00Z' }]);
  // Issued in February (assessed before the period), paid in March.
  no.c1 = await application(CITY, ESTATE, [{ status: 'paid', amountFen: 2000, issuedAt: cn('2026-02-20T10:00:00'), dueAt: cn('2026-03-13T00:00:00'), paidAt: cn('2026-03-02T10:00:00') }]);

  // a1 partly refunded in April (paid back); a second refund of it rejected, and a4's still waiting: neither counts.
  await refund(`${no.a1}-F1`, CITY, ESTATE, { n: 1, amountFen: 2000, status: 'refunded', refundedAt: cn('2026-04-03T10:00:00') });
  await refund(`${no.a1}-F1`, CITY, ESTATE, { n: 2, amountFen: 500, status: 'rejected' });
  await refund(`${no.a4}-F1`, CITY, ESTATE, { n: 1, amountFen: 9000, status: 'approved' });

  // Xingbin, the county below it.
  // Waived by a leader in March.
  no.b1 = await application(COUNTY, ESTATE, [{ status: 'waived', amountFen: 9000, issuedAt: cn('2026-03-12T10:00:00'), dueAt: cn('2026-04-02T00:00:00'), adjustment: { toFen: 0, at: cn('2026-03-15T16:00:00') } }]);
  // Unpaid past its deadline (the start of 10 April), before a3's.
  no.b2 = await application(COUNTY, CARD, [{ status: 'issued', amountFen: 1000, issuedAt: cn('2026-04-05T10:00:00'), dueAt: cn('2026-04-10T00:00:00') }]);
  // Unpaid, its deadline still ahead: outstanding, not overdue.
  no.b3 = await application(COUNTY, CARD, [{ status: 'issued', amountFen: 1000, issuedAt: cn('2026-04-20T10:00:00'), dueAt: inDays(5) }]);
  // Reduced from 90 to 60 yuan in April; the new notice unpaid past its deadline.
  no.b4 = await application(COUNTY, ESTATE, [
    { status: 'superseded', amountFen: 9000, issuedAt: cn('2026-04-22T10:00:00'), dueAt: cn('2026-05-14T00:00:00'), adjustment: { toFen: 6000, at: cn('2026-04-25T10:00:00') } },
    { status: 'issued', amountFen: 6000, issuedAt: cn('2026-04-25T10:00:00'), dueAt: cn('2026-05-16T00:00:00') },
  ]);
  // Cancelled (the application rejected before payment): assessed, nothing else.
  no.b5 = await application(COUNTY, CARD, [{ status: 'cancelled', amountFen: 1000, issuedAt: cn('2026-03-25T10:00:00'), dueAt: cn('2026-03-31T00:00:00') }]);
});
afterAll(async () => {
  await stack?.close();
  await scratch?.drop();
});

const zero = { assessedFen: 0, assessedCount: 0, collectedFen: 0, collectedCount: 0, waivedFen: 0, waivedCount: 0, reducedFen: 0, refundedFen: 0, refundedCount: 0, outstandingFen: 0, outstandingCount: 0 };

describe('fee statistics', () => {
  it('sums each centre’s fees in fen, each figure in the period of its own instant', async () => {
    const rows = await feeFigures(stack.db, { centre: CITY, groupBy: 'centre', ...MARCH_APRIL });
    expect(rows).toEqual([
      {
        ...zero,
        key: CITY,
        name: '来宾市政务服务中心',
        nameEn: 'Laibin Government Service Centre',
        // a1, a2's first notice, a3, a4; c1 was assessed in February.
        assessedFen: 27_000,
        assessedCount: 4,
        // a1, a2's second notice, a4, and c1 paid in March.
        collectedFen: 25_000,
        collectedCount: 4,
        reducedFen: 3000,
        refundedFen: 2000,
        refundedCount: 1,
        outstandingFen: 1000,
        outstandingCount: 1,
      },
      {
        ...zero,
        key: COUNTY,
        name: '兴宾区政务服务中心',
        nameEn: 'Xingbin District Government Service Centre',
        assessedFen: 21_000,
        assessedCount: 5,
        waivedFen: 9000,
        waivedCount: 1,
        reducedFen: 3000,
        outstandingFen: 8000,
        outstandingCount: 3,
      },
    ]);
  });

  it('groups by the lead department, named at the centre’s level, and by item', async () => {
    const naturalResources = {
      ...{ assessedFen: 44_000, assessedCount: 5, collectedFen: 25_000, collectedCount: 4, waivedFen: 9000, waivedCount: 1 },
      ...{ reducedFen: 6000, refundedFen: 2000, refundedCount: 1, outstandingFen: 6000, outstandingCount: 1 },
    };
    const publicSecurity = { assessedFen: 4000, assessedCount: 4, outstandingFen: 3000, outstandingCount: 3 };
    expect(await feeFigures(stack.db, { centre: CITY, groupBy: 'department', ...MARCH_APRIL })).toEqual([
      { ...zero, ...naturalResources, key: 'natural_resources', name: '自然资源局', nameEn: 'Natural Resources' },
      { ...zero, ...publicSecurity, key: 'public_security', name: '公安局', nameEn: 'Public Security' },
    ]);
    expect(await feeFigures(stack.db, { centre: CITY, groupBy: 'item', ...MARCH_APRIL })).toEqual([
      expect.objectContaining({ ...zero, ...naturalResources, key: ESTATE.itemCode, name: '不动产首次登记（国有建设用地使用权及房屋所有权）' }),
      expect.objectContaining({ ...zero, ...publicSecurity, key: CARD.itemCode, name: '临时居民身份证办理' }),
    ]);
  });

  it('dates the month of a payment in China’s time zone, of a waiver or reduction by the leader’s decision, of a refund by its paying back', async () => {
    const march = { ...zero, key: '2026-03', assessedFen: 36_000, assessedCount: 5, collectedFen: 11_000, collectedCount: 2, waivedFen: 9000, waivedCount: 1 };
    // a4 was paid at 01:30 on 1 April in China: April's. Both reductions were decided, and a1's refund paid back, in April.
    const april = {
      ...{ ...zero, key: '2026-04', assessedFen: 12_000, assessedCount: 4, collectedFen: 14_000, collectedCount: 2 },
      ...{ reducedFen: 6000, refundedFen: 2000, refundedCount: 1, outstandingFen: 9000, outstandingCount: 4 },
    };
    expect(await feeFigures(stack.db, { centre: CITY, groupBy: 'month', ...MARCH_APRIL })).toEqual([march, april]);
    // Without a period: c1's assessment in February too (the city's codes are this file's alone).
    expect(await feeFigures(stack.db, { centre: CITY, groupBy: 'month' })).toEqual([{ ...zero, key: '2026-02', assessedFen: 2000, assessedCount: 1 }, march, april]);
    // April alone: March's figures are left out.
    expect(await feeFigures(stack.db, { centre: CITY, groupBy: 'month', from: '2026-04-01', to: '2026-05-01' })).toEqual([april]);
  });

  it('lists the notices unpaid past their deadline, the longest overdue first, with the days overdue', async () => {
    const county = await unpaidPastDeadline(stack.db, { centre: COUNTY, limit: 50 });
    expect(county).toEqual([
      {
        noticeNo: `${no.b2}-F1`,
        applicationNo: no.b2,
        centreCode: COUNTY,
        itemCode: CARD.itemCode,
        itemName: '临时居民身份证办理',
        itemNameEn: 'Temporary resident identity card',
        department: 'public_security',
        amountFen: 1000,
        paymentCode: expect.stringMatching(/^PC/),
        dueAt: '2026-04-09T16:00:00.000Z',
        issuedAt: '2026-04-05T02:00:00.000Z',
        daysOverdue: daysOverdue('2026-04-09T16:00:00Z'),
      },
      expect.objectContaining({ noticeNo: `${no.b4}-F2`, amountFen: 6000, dueAt: '2026-05-15T16:00:00.000Z', daysOverdue: daysOverdue('2026-05-15T16:00:00Z') }),
    ]);
    // Overdue since the start of 10 April in China: 10 April itself is the first day.
    expect(county[0].daysOverdue).toBeGreaterThan(county[1].daysOverdue);
    // The city's list holds its county's; the limit keeps the longest overdue.
    const city = await unpaidPastDeadline(stack.db, { centre: CITY, limit: 2 });
    expect(city.map((n) => n.noticeNo)).toEqual([`${no.b2}-F1`, `${no.a3}-F1`]);
    expect((await unpaidPastDeadline(stack.db, { centre: CITY, limit: 50 })).map((n) => n.noticeNo)).toEqual([`${no.b2}-F1`, `${no.a3}-F1`, `${no.b4}-F2`]);
  });

  it('answers a supervisor over the API for their centre and those below it, and refuses the rest', async () => {
    const city = stack.as(supervisorOf(CITY));
    const figures = await city({ url: '/v1/statistics/fees', query: { centre: CITY, groupBy: 'department', ...MARCH_APRIL } });
    expect(figures.statusCode, figures.body).toBe(200);
    expect(figures.json()).toMatchObject({ centre: CITY, groupBy: 'department', ...MARCH_APRIL, rows: [{ key: 'natural_resources', collectedFen: 25_000 }, { key: 'public_security', outstandingFen: 3000 }] });

    // The county's supervisor, by default at the county: its figures alone.
    const county = stack.as(supervisorOf(COUNTY));
    const own = (await county({ url: '/v1/statistics/fees', query: MARCH_APRIL })).json();
    expect(own).toMatchObject({ centre: COUNTY, groupBy: 'centre' });
    expect(own.rows).toEqual([expect.objectContaining({ key: COUNTY, assessedFen: 21_000, waivedFen: 9000, outstandingFen: 8000 })]);
    const unpaid = (await county('/v1/fees/unpaid')).json();
    expect(unpaid.centre).toBe(COUNTY);
    expect(unpaid.notices.map((n: { noticeNo: string }) => n.noticeNo)).toEqual([`${no.b2}-F1`, `${no.b4}-F2`]);

    // Above one's own centre: 403, in the one error shape.
    for (const [who, centre] of [
      [county, CITY],
      [city, '450000'],
    ] as const) {
      for (const url of ['/v1/statistics/fees', '/v1/fees/unpaid']) {
        const refused = await who({ url, query: { centre } });
        expect(refused.statusCode, `${url} ${centre}`).toBe(403);
        expect(refused.json().error).toMatchObject({ code: 'forbidden', message: expect.stringContaining(centre) });
      }
    }
    // Not a supervisor: 403.
    expect((await stack.as(windowOf('natural_resources', CITY))({ url: '/v1/statistics/fees', query: { centre: CITY } })).statusCode).toBe(403);
    expect((await stack.as(windowOf('natural_resources', CITY))('/v1/fees/unpaid')).statusCode).toBe(403);
  });

  it('refuses a query it cannot answer with 400, naming the field', async () => {
    const city = stack.as(supervisorOf(CITY));
    const cases: [Record<string, string>, string][] = [
      [{ groupBy: 'week' }, 'querystring.groupBy'],
      [{ from: '2026-13-01' }, 'querystring.from'],
      [{ centre: '4513' }, 'querystring.centre'],
      [{ from: '2026-05-01', to: '2026-03-01' }, 'to'],
    ];
    for (const [query, field] of cases) {
      const refused = await city({ url: '/v1/statistics/fees', query });
      expect(refused.statusCode, JSON.stringify(query)).toBe(400);
      expect(refused.json().error).toMatchObject({ code: 'validation_failed', details: [expect.objectContaining({ field })] });
    }
    for (const limit of ['0', '201', 'all']) {
      const refused = await city({ url: '/v1/fees/unpaid', query: { limit } });
      expect(refused.statusCode, limit).toBe(400);
      expect(refused.json().error.details).toEqual([expect.objectContaining({ field: 'querystring.limit' })]);
    }
  });
});

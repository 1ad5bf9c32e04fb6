/**
 * The monitoring room's figures against a known data set (a centre and a day of the test's own, the
 * read model's rows written as the workflows write them): the day's table counts applications, not
 * department decisions, and the efficiency statistics can be limited to one item kind (承诺件); both can be
 * limited to one item category (行政许可, 其他行政权力, 公共服务).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applications, centres, events } from '../db/schema/index.js';
import { type Stack, startStack, supervisorOf } from './support/stack.js';

let stack: Stack;
const centre = '450297'; // nests under Liuzhou (4502xx), unused by any real county
const day = '2026-04-14';
const at = (time: string) => `${day}T${time}+08:00`;

interface Known {
  itemCode: string;
  department: string;
  /** The events of the day, in order. */
  types: string[];
  /** Set for a decided application: working days taken, against the item's limits. */
  decided?: { statutory: number; promised: number; working: number };
}

async function insert({ itemCode, department, types, decided }: Known) {
  const applicationNo = `${centre}-FIG-${randomUUID().slice(0, 8)}`;
  await stack.db.insert(applications).values({
    applicationNo,
    itemCode,
    itemVersion: 1,
    centreCode: centre,
    leadDepartment: department,
    statutoryLimitDays: decided?.statutory ?? 5,
    promisedLimitDays: decided?.promised ?? 1,
    stage: decided ? 'completed' : 'in_review',
    applicant: { type: 'person', name: '测试', idNumber: '450100199001011234' },
    materials: [],
    submittedAt: at('09:00:00'),
    acceptedAt: at('09:30:00'),
    ...(decided ? { workingDaysTaken: decided.working, calendarDaysTaken: decided.working, onTime: true, withinStatutory: true, completedAt: at('16:00:00') } : {}),
  });
  await stack.db
    .insert(events)
    .values(types.map((type, i) => ({ applicationNo, seq: i + 1, type, at: at(`${String(10 + i).padStart(2, '0')}:00:00`), centreCode: centre, itemCode })));
}

beforeAll(async () => {
  stack = await startStack();
  await stack.db
    .insert(centres)
    .values({ code: centre, name: '测试数据县政务服务中心', nameEn: 'Figures test', division: '测试', parentCode: '450200', level: 'county', longitude: 109.4, latitude: 24.3 })
    .onConflictDoNothing();
  // 企业开办 (company-startup, a joint item): three departments review each application in parallel.
  const joint = { itemCode: 'company-startup', department: 'market_regulation' };
  // Approved by all three departments: one application decided and completed.
  await insert({ ...joint, types: ['submitted', 'intake_accept', 'review_approved', 'review_approved', 'review_approved', 'decided', 'completed'] });
  // Approved by one, then rejected by another (the third withdrawn): one application decided, not completed.
  await insert({ ...joint, types: ['submitted', 'intake_accept', 'review_approved', 'review_rejected', 'review_withdrawn', 'decided'] });
  // Still in review, two departments of three having approved: not decided.
  await insert({ ...joint, types: ['submitted', 'intake_accept', 'review_approved', 'review_approved'] });

  // Decided applications for the statistics: two promised (承诺件) and one immediate (即办件).
  await insert({ itemCode: 'food-business-licence', department: 'market_regulation', types: ['decided', 'completed'], decided: { statutory: 10, promised: 5, working: 2 } });
  await insert({ itemCode: 'food-business-licence', department: 'market_regulation', types: ['decided', 'completed'], decided: { statutory: 10, promised: 5, working: 4 } });
  await insert({ itemCode: 'housing-fund-rent-withdrawal', department: 'housing_fund', types: ['decided', 'completed'], decided: { statutory: 3, promised: 0, working: 0 } });
  // 公章刻制备案, a filing (其他行政权力), accepted but not decided: in the day's table, not in the statistics.
  await insert({ itemCode: 'seal-engraving-record', department: 'public_security', types: ['submitted', 'intake_accept'] });
});
afterAll(() => stack?.close());

describe("the monitoring room's figures", () => {
  it('counts a joint item’s applications decided once each, however many departments approved them', async () => {
    const supervisor = stack.as(supervisorOf('450200'));
    const table = (await supervisor({ url: '/v1/supervision/day', query: { date: day, centre } })).json();
    const startup = table.rows.find((r: { itemCode: string }) => r.itemCode === 'company-startup');
    // Six department approvals on the day, but three applications, two of them decided, one approved.
    expect(startup).toMatchObject({ application: 3, acceptance: 3, decided: 2, completion: 1, pickup: 0 });
    expect(startup).not.toHaveProperty('approval');
    // No column counts more applications than were decided of those applied for.
    for (const row of table.rows) expect(row.completion, row.itemCode).toBeLessThanOrEqual(row.decided);
    // The parent city's table holds the same counts for this item's applications of the county.
    const city = (await supervisor({ url: '/v1/supervision/day', query: { date: day, centre: '450200' } })).json();
    expect(city.rows.find((r: { itemCode: string }) => r.itemCode === 'company-startup')).toMatchObject({ decided: 2, completion: 1 });
  });

  it('limits the efficiency statistics to one item kind: the promised items (承诺件) alone', async () => {
    const supervisor = stack.as(supervisorOf('450200'));
    const query = { groupBy: 'centre', centre, from: day, to: '2026-04-15' };
    const all = (await supervisor({ url: '/v1/statistics/efficiency', query })).json();
    expect(all.rows).toEqual([expect.objectContaining({ key: centre, decided: 3 })]);
    const promised = (await supervisor({ url: '/v1/statistics/efficiency', query: { ...query, kind: 'promised' } })).json();
    expect(promised.rows).toEqual([expect.objectContaining({ key: centre, decided: 2, averageStatutoryDays: 10, averagePromisedDays: 5, averageWorkingDays: 3 })]);
    const immediate = (await supervisor({ url: '/v1/statistics/efficiency', query: { ...query, kind: 'immediate', groupBy: 'item' } })).json();
    expect(immediate.rows).toEqual([expect.objectContaining({ key: 'housing-fund-rent-withdrawal', decided: 1, averageStatutoryDays: 3 })]);
    const joint = (await supervisor({ url: '/v1/statistics/efficiency', query: { ...query, kind: 'joint' } })).json();
    expect(joint.rows).toEqual([]);
    // An unknown kind is refused, not silently ignored.
    const unknown = await supervisor({ url: '/v1/statistics/efficiency', query: { ...query, kind: 'urgent' } });
    expect(unknown.statusCode).toBe(400);
  });

  it('limits the day’s table and the statistics to one item category', async () => {
    const supervisor = stack.as(supervisorOf('450200'));
    const codes = async (category?: string) =>
      (await supervisor({ url: '/v1/supervision/day', query: { date: day, centre, ...(category ? { category } : {}) } }))
        .json()
        .rows.map((r: { itemCode: string; category: string }) => `${r.itemCode} ${r.category}`);
    expect(await codes()).toEqual([
      'company-startup licensing',
      'food-business-licence licensing',
      'housing-fund-rent-withdrawal public_service',
      'seal-engraving-record other_power',
    ]);
    expect(await codes('licensing')).toEqual(['company-startup licensing', 'food-business-licence licensing']);
    expect(await codes('other_power')).toEqual(['seal-engraving-record other_power']);
    expect(await codes('public_service')).toEqual(['housing-fund-rent-withdrawal public_service']);

    const query = { groupBy: 'item', centre, from: day, to: '2026-04-15' };
    const figures = async (category: string, kind?: string) =>
      (await supervisor({ url: '/v1/statistics/efficiency', query: { ...query, category, ...(kind ? { kind } : {}) } })).json().rows;
    expect(await figures('licensing')).toEqual([expect.objectContaining({ key: 'food-business-licence', decided: 2, averageWorkingDays: 3 })]);
    expect(await figures('public_service')).toEqual([expect.objectContaining({ key: 'housing-fund-rent-withdrawal', decided: 1 })]);
    expect(await figures('other_power')).toEqual([]);
    // With the kind: licences that are immediate items, none here.
    expect(await figures('licensing', 'immediate')).toEqual([]);

    // An unknown category is refused with the one error shape, naming the field.
    for (const url of ['/v1/supervision/day', '/v1/statistics/efficiency']) {
      const refused = await supervisor({ url, query: { centre, category: 'permit' } });
      expect(refused.statusCode, url).toBe(400);
      expect(refused.json().error).toMatchObject({ code: 'validation_failed', details: [expect.objectContaining({ field: 'querystring.category' })] });
    }
  });
});

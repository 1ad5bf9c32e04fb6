/**
 * Item categories (行政许可 licensing, 其他行政权力 other powers, 公共服务 public service) over the real
 * stack: applications of items of two categories submitted, accepted and decided by their workflows,
 * then the application list, the day's table and the statistics narrowed by category. An application
 * keeps the category of the item version it was submitted under; the day's table, a row per item,
 * follows the item's current category. A category the API does not know is refused, naming the field.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, adminOf, startStack, supervisorOf } from './support/stack.js';
import { ok, windowActions } from './support/window.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const window = windowActions(() => stack);
const supervisor = () => stack.as(supervisorOf('450100'));
const chinaToday = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

/** A promised item of market regulation at cities and counties, of the given category. */
const itemOf = (category: string) => {
  const code = `test-category-${randomUUID().slice(0, 8)}`;
  return {
    code,
    name: `测试事项 ${code}`,
    nameEn: `Test item ${code}`,
    department: 'market_regulation',
    kind: 'promised',
    category,
    levels: ['city', 'county'],
    legalBasis: '测试依据',
    statutoryLimitDays: 20,
    promisedLimitDays: 10,
    steps: [{ name: '审查决定', departments: [{ code: 'market_regulation', promisedLimitDays: 10 }] }],
  };
};

/** Submitted at Nanning, accepted and approved: decided, so in the statistics. */
async function decidedApplication(itemCode: string): Promise<string> {
  const no = await window.submit({ itemCode, materials: [] });
  ok(await window.accept(no));
  ok(await window.approve(no, 'market_regulation'));
  await expect.poll(async () => ok<{ stage: string }>(await stack.integrator(`/v1/applications/${no}`)).stage, { timeout: 15_000 }).toBe('completed');
  return no;
}

const listed = async (query: Record<string, string>) =>
  ok<{ applications: { applicationNo: string; itemCode: string }[] }>(
    await supervisor()({ url: '/v1/applications', query: { centre: '450100', limit: '200', ...query } }),
  ).applications.map((a) => a.applicationNo);

const dayRows = async (category?: string) =>
  ok<{ rows: { itemCode: string; category: string; application: number }[] }>(
    await supervisor()({ url: '/v1/supervision/day', query: { date: chinaToday(), centre: '450100', ...(category ? { category } : {}) } }),
  ).rows;

const figures = async (category: string) =>
  ok<{ rows: { key: string; decided: number }[] }>(
    await supervisor()({ url: '/v1/statistics/efficiency', query: { groupBy: 'item', centre: '450100', category } }),
  ).rows;

describe('item categories', () => {
  it('narrow the applications, the day’s table and the statistics; an application keeps its version’s category', { timeout: 120_000 }, async () => {
    const admin = stack.as(adminOf());
    const licence = itemOf('licensing');
    const filing = itemOf('other_power');
    for (const item of [licence, filing]) ok(await admin({ method: 'POST', url: '/v1/items', payload: item }), 201);
    const licensed = await decidedApplication(licence.code);
    const filed = await decidedApplication(filing.code);

    // The lists: each category its own applications only, every one of the category.
    const otherCodes = new Set(ok<{ items: { code: string }[] }>(await stack.app.inject({ url: '/v1/items?category=other_power' })).items.map((i) => i.code));
    const others = ok<{ applications: { applicationNo: string; itemCode: string }[] }>(
      await supervisor()({ url: '/v1/applications', query: { centre: '450100', category: 'other_power', limit: '200' } }),
    ).applications;
    expect(others.map((a) => a.applicationNo)).toContain(filed);
    expect(others.map((a) => a.applicationNo)).not.toContain(licensed);
    expect(others.filter((a) => !otherCodes.has(a.itemCode))).toEqual([]);
    expect(await listed({ category: 'licensing' })).toEqual(expect.arrayContaining([licensed]));
    expect(await listed({ category: 'licensing' })).not.toContain(filed);
    expect(await listed({ category: 'public_service', item: filing.code })).toEqual([]);

    // The day's table: a row per item of the category.
    const otherDay = await dayRows('other_power');
    expect(otherDay.find((r) => r.itemCode === filing.code)).toMatchObject({ category: 'other_power', application: 1 });
    expect(otherDay.map((r) => r.itemCode)).not.toContain(licence.code);
    expect(otherDay.every((r) => r.category === 'other_power')).toBe(true);
    expect((await dayRows('licensing')).map((r) => r.itemCode)).toEqual(expect.arrayContaining([licence.code]));
    expect((await dayRows()).map((r) => r.itemCode)).toEqual(expect.arrayContaining([licence.code, filing.code]));

    // The statistics.
    expect((await figures('other_power')).find((r) => r.key === filing.code)).toMatchObject({ decided: 1 });
    expect((await figures('other_power')).map((r) => r.key)).not.toContain(licence.code);
    expect((await figures('licensing')).find((r) => r.key === licence.code)).toMatchObject({ decided: 1 });

    // The filing becomes a licence (version 2). The application submitted under version 1 stays an other
    // power in the list and the statistics; one submitted now is a licence; the day's row moves.
    ok(await admin({ method: 'PUT', url: `/v1/items/${filing.code}`, payload: { ...filing, category: 'licensing' } }));
    const relicensed = await decidedApplication(filing.code);
    expect(await listed({ category: 'other_power', item: filing.code })).toEqual([filed]);
    expect(await listed({ category: 'licensing', item: filing.code })).toEqual([relicensed]);
    expect((await figures('other_power')).find((r) => r.key === filing.code)).toMatchObject({ decided: 1 });
    expect((await figures('licensing')).find((r) => r.key === filing.code)).toMatchObject({ decided: 1 });
    expect((await dayRows('other_power')).map((r) => r.itemCode)).not.toContain(filing.code);
    expect((await dayRows('licensing')).find((r) => r.itemCode === filing.code)).toMatchObject({ category: 'licensing', application: 2 });
  });

  it('refuses a category it does not know, naming the field', async () => {
    const refusals = [
      await stack.app.inject({ url: '/v1/items?category=permit' }),
      await supervisor()({ url: '/v1/applications', query: { category: 'permit' } }),
      await supervisor()({ url: '/v1/supervision/day', query: { category: 'Licensing' } }),
      await supervisor()({ url: '/v1/statistics/efficiency', query: { category: '' } }),
    ];
    for (const res of refusals) {
      expect(res.statusCode, res.body).toBe(400);
      const body = res.json() as { error: { code: string; details: { field: string }[] } };
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error.code).toBe('validation_failed');
      expect(body.error.details.map((d) => d.field)).toContain('querystring.category');
    }
  });
});

/**
 * Local items (本级事项): a city's or county's administrators keep items of their own beside the regional
 * catalogue. Such an item is offered at its centre and the centres below it, refused anywhere else, and
 * changed only by its centre's administrators or those above them; every change is in the change log.
 * Against the real stack; each test makes its own items.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, adminOf, startStack, submission } from './support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack?.close());

interface ErrorBody {
  error: { code: string; message: string; details?: { field?: string; message: string; messageZh?: string }[] };
}

const NANNING = '450100';
const XINGNING = '450102'; // a district of Nanning
const LIUZHOU = '450200';

function localItem(overrides: Record<string, unknown> = {}) {
  const code = `test-local-${randomUUID().slice(0, 8)}`;
  return {
    code,
    name: `南宁市本级测试事项 ${code}`,
    nameEn: `Nanning local test item ${code}`,
    department: 'market_regulation',
    kind: 'promised',
    levels: ['city', 'county'],
    legalBasis: '南宁市测试规定',
    statutoryLimitDays: 10,
    promisedLimitDays: 5,
    materials: [{ name: '申请书', required: true }],
    steps: [{ name: '审查', departments: [{ code: 'market_regulation', promisedLimitDays: 5 }] }],
    ...overrides,
  };
}

const expectErrorShape = (body: ErrorBody, code: string) => {
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
};

describe('local items of a city centre', () => {
  it('a city administrator creates one: listed at the city and its counties, submittable there, refused in another city; audited', async () => {
    const item = localItem();
    const created = await stack.as(adminOf(NANNING))({ method: 'POST', url: '/v1/items', payload: item });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ version: 1, ownerCentre: NANNING, definition: { code: item.code } });

    const listed = async (centre: string) =>
      (await stack.as(adminOf(centre))(`/v1/items?centre=${centre}&q=${item.code}`)).json().items as { code: string; ownerCentre: string | null }[];
    expect(await listed(NANNING)).toEqual([expect.objectContaining({ code: item.code, ownerCentre: NANNING })]);
    expect(await listed(XINGNING)).toHaveLength(1);
    expect(await listed(LIUZHOU)).toEqual([]);

    for (const centreCode of [NANNING, XINGNING]) {
      const submitted = await stack.integrator({ method: 'POST', url: '/v1/applications', payload: submission({ itemCode: item.code, centreCode, materials: ['申请书'] }) });
      expect(submitted.statusCode).toBe(201);
    }
    const elsewhere = await stack.integrator({ method: 'POST', url: '/v1/applications', payload: submission({ itemCode: item.code, centreCode: LIUZHOU, materials: ['申请书'] }) });
    expect(elsewhere.statusCode).toBe(400);
    expectErrorShape(elsewhere.json(), 'validation_failed');
    expect(elsewhere.json().error.details).toEqual([{ field: 'body.centreCode', message: expect.stringContaining(`local item of centre ${NANNING}`) }]);

    const changes = (await stack.as(adminOf(NANNING))(`/v1/catalogue/changes?entity=item&key=${item.code}`)).json().changes;
    expect(changes).toEqual([
      expect.objectContaining({ action: 'create', actor: expect.objectContaining({ id: adminOf(NANNING) }), before: null, after: expect.objectContaining({ version: 1, ownerCentre: NANNING }) }),
    ]);
  });

  it('the city administrator changes their local item; another city’s administrator and a county’s may not (403); the region’s may', async () => {
    const item = localItem();
    expect((await stack.as(adminOf(NANNING))({ method: 'POST', url: '/v1/items', payload: item })).statusCode).toBe(201);
    const put = (officer: string, promisedLimitDays: number) =>
      stack.as(officer)({ method: 'PUT', url: `/v1/items/${item.code}`, payload: localItem({ code: item.code, promisedLimitDays, steps: [{ name: '审查', departments: [{ code: 'market_regulation', promisedLimitDays }] }] }) });

    const own = await put(adminOf(NANNING), 4);
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ version: 2, ownerCentre: NANNING });
    for (const other of [adminOf(LIUZHOU), adminOf(XINGNING)]) {
      const refused = await put(other, 3);
      expect(refused.statusCode).toBe(403);
      expectErrorShape(refused.json(), 'forbidden');
    }
    const region = await put(adminOf('450000'), 3);
    expect(region.statusCode).toBe(200);
    expect(region.json()).toMatchObject({ version: 3, ownerCentre: NANNING });
    const changes = (await stack.as(adminOf())(`/v1/catalogue/changes?entity=item&key=${item.code}`)).json().changes as { actor: { id: string } }[];
    expect(changes.map((c) => c.actor.id)).toEqual([adminOf('450000'), adminOf(NANNING), adminOf(NANNING)]);
  });

  it('a city administrator may not change the regional catalogue (403); the region’s administrator may', async () => {
    const regional = localItem({ levels: ['region', 'city'], name: '自治区测试事项' });
    expect((await stack.as(adminOf())({ method: 'POST', url: '/v1/items', payload: regional })).json().ownerCentre).toBeNull();
    const refused = await stack.as(adminOf(NANNING))({ method: 'PUT', url: `/v1/items/${regional.code}`, payload: { ...regional, promisedLimitDays: 4, steps: [{ name: '审查', departments: [{ code: 'market_regulation', promisedLimitDays: 4 }] }] } });
    expect(refused.statusCode).toBe(403);
    expectErrorShape(refused.json(), 'forbidden');
    expect((await stack.as(adminOf())(`/v1/items/${regional.code}`)).json().version).toBe(1);
    const allowed = await stack.as(adminOf())({ method: 'PUT', url: `/v1/items/${regional.code}`, payload: { ...regional, promisedLimitDays: 4, steps: [{ name: '审查', departments: [{ code: 'market_regulation', promisedLimitDays: 4 }] }] } });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json().version).toBe(2);
  });

  it('a local item is taken in at its centre’s level or below; a county administrator’s items are the county’s', async () => {
    const tooHigh = await stack.as(adminOf(NANNING))({ method: 'POST', url: '/v1/items', payload: localItem({ levels: ['region', 'city'] }) });
    expect(tooHigh.statusCode).toBe(400);
    expect(tooHigh.json().error.details).toEqual([{ field: 'body.levels', message: `a local item of city centre ${NANNING} is not taken in at a region centre` }]);

    const county = await stack.as(adminOf(XINGNING))({ method: 'POST', url: '/v1/items', payload: localItem({ levels: ['county'] }) });
    expect(county.statusCode).toBe(201);
    expect(county.json().ownerCentre).toBe(XINGNING);
  });
});

describe('validation messages in Chinese', () => {
  it('with Accept-Language zh, each detail also carries messageZh; without it the details are as before', async () => {
    const bad = localItem({ promisedLimitDays: 12, name: '', steps: [{ name: '审查', departments: [{ code: 'market_regulation', promisedLimitDays: 12 }] }] });
    const zh = await stack.as(adminOf(NANNING))({ method: 'POST', url: '/v1/items', payload: bad, headers: { 'accept-language': 'zh-CN,zh;q=0.9' } });
    expect(zh.statusCode).toBe(400);
    const details = (zh.json() as ErrorBody).error.details!;
    expect(details).toEqual(
      expect.arrayContaining([
        { field: 'body.name', message: expect.any(String), messageZh: '必填' },
        { field: 'body.promisedLimitDays', message: 'must not exceed statutoryLimitDays (10)', messageZh: '承诺办结时限不能超过法定办结时限（10个工作日）' },
      ]),
    );
    const en = await stack.as(adminOf(NANNING))({ method: 'POST', url: '/v1/items', payload: bad });
    expect((en.json() as ErrorBody).error.details!.every((d) => !('messageZh' in d))).toBe(true);

    const unknownDepartment = await stack.as(adminOf(NANNING))({
      method: 'POST',
      url: '/v1/items',
      payload: localItem({ department: 'no_such', steps: [{ name: '审查', departments: [{ code: 'no_such', promisedLimitDays: 5 }] }] }),
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(unknownDepartment.json().error.details[0]).toEqual({ field: 'body.department', message: 'unknown department no_such', messageZh: '未知部门：no_such' });
  });
});

/**
 * The catalogue and the organisation over REST, against the real stack: reading centres, departments,
 * windows, officers and items; administrators' writes (versions, the change log, refusals); and
 * import/export, which is all or nothing. Every test creates its own items and records (`test-<uuid>`);
 * seeded records are only read.
 */
import { randomUUID } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { isDemoCentreCode } from '../db/demo.js';
import { loadSeed } from '../db/seed.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../api/catalogue-io.js';
import { type ItemDefinitionInput, itemDefinition } from '../db/item-definition.js';
import { type Stack, adminOf, securityOf, startStack } from './support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack?.close());

// ---------------------------------------------------------------------------------------------------------
// Helpers

interface Reply {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json(): unknown;
}

interface ErrorBody {
  error: { code: string; message: string; details?: { field?: string; message: string }[] };
}

interface Centre {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
  longitude: number;
  latitude: number;
}
type CentreNode = Centre & { children: CentreNode[] };

interface ItemSummary {
  code: string;
  name: string;
  department: string;
  kind: string;
  category: string;
  levels: string[];
  currentVersion: number;
}

interface ItemVersion {
  version: number;
  createdBy: { id: string; name?: string } | null;
  definition: ItemDefinitionInput & { promisedLimitDays: number };
}

interface Change {
  entity: string;
  key: string;
  action: string;
  actor: { id: string; name?: string };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

type InjectOptions = { method: 'GET' | 'POST' | 'PUT'; url: string; payload?: string | object; headers?: Record<string, string> };

const ADMIN = adminOf();
const CITY_ADMIN = adminOf('450100');
/** Officers are the security administrators' (三员): the region's, and Nanning's. */
const SECURITY = securityOf();
const CITY_SECURITY = securityOf('450100');
const WINDOW_OFFICER = '450100-market_regulation-officer';

/** Without credentials. */
const inject = (options: InjectOptions) => stack.app.inject(options) as Promise<Reply>;
const get = (url: string) => inject({ method: 'GET', url });
/** Injects signed in as the regional centre's administrator (or `officer`). */
const admin = (options: InjectOptions, officer = ADMIN) => stack.as(officer)(options) as Promise<Reply>;
/** A 200 answer's body: anonymously for public reads, or signed in as `officer` for staff-only ones. */
const getJson = async <T>(url: string, officer?: string): Promise<T> => {
  const res = officer ? await admin({ method: 'GET', url }, officer) : await get(url);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as T;
};

/** Asserts the status and the one error shape, and returns the error. */
function expectError(res: Reply, status: number, code: string): ErrorBody['error'] {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json() as ErrorBody;
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error;
}

/** A 400 validation_failed naming every one of `fields` in details[].field. */
function expectInvalid(res: Reply, ...fields: string[]): ErrorBody['error'] {
  const error = expectError(res, 400, 'validation_failed');
  expect(error.details?.map((d) => d.field)).toEqual(expect.arrayContaining(fields));
  return error;
}

const uniqueCode = () => `test-${randomUUID()}`;

/** A valid promised item of market_regulation with a unique code. */
const newItem = (overrides: Partial<ItemDefinitionInput> = {}) => {
  const code = overrides.code ?? uniqueCode();
  return {
    code,
    name: `测试事项 ${code}`,
    nameEn: `Test item ${code}`,
    department: 'market_regulation',
    kind: 'promised' as const,
    levels: ['city' as const, 'county' as const],
    legalBasis: '测试依据',
    statutoryLimitDays: 20,
    promisedLimitDays: 10,
    materials: [{ name: '申请书', required: true }],
    fees: [],
    steps: [{ name: '审查决定', departments: [{ code: 'market_regulation', promisedLimitDays: 10 }] }],
    ...overrides,
  };
};

/** The same item with new limits, for the item and its one step. */
const withPromised = (item: ReturnType<typeof newItem>, days: number) => ({
  ...item,
  promisedLimitDays: days,
  steps: [{ ...item.steps[0], departments: [{ code: item.department, promisedLimitDays: days }] }],
});

async function createItem(item: object): Promise<ItemVersion> {
  const res = await admin({ method: 'POST', url: '/v1/items', payload: item });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as ItemVersion;
}

const currentVersion = async (code: string) => (await getJson<ItemVersion>(`/v1/items/${code}`)).version;
const changesOf = async (entity: string, key: string) =>
  (await getJson<{ changes: Change[] }>(`/v1/catalogue/changes?entity=${entity}&key=${encodeURIComponent(key)}`, ADMIN)).changes;

// ---------------------------------------------------------------------------------------------------------

describe('the organisation', () => {
  it('lists the centres as a tree under the regional centre', async () => {
    const { centres } = await getJson<{ centres: CentreNode[] }>('/v1/centres');
    expect(centres.map((c) => c.code)).toEqual(['450000']);
    const [region] = centres;
    expect(region.level).toBe('region');
    // Demo centres (db/demo.ts, 4598xx/4599xx), which tests/demo-centre.test.ts adds, are no city of Guangxi.
    const cities = region.children.filter((c) => !isDemoCentreCode(c.code));
    expect(cities).toHaveLength(14);
    for (const city of cities) {
      expect(city.level, city.code).toBe('city');
      expect(city.parentCode).toBe('450000');
      for (const county of city.children) {
        expect(county.level, county.code).toBe('county');
        expect(county.parentCode).toBe(city.code);
        expect(county.children).toEqual([]);
      }
    }
    // Other test files may add centres of their own: the seeded 111 counties are all there.
    const seeded = new Set((await loadSeed()).centres.filter((c) => c.level === 'county').map((c) => c.code));
    expect(cities.flatMap((c) => c.children).filter((c) => seeded.has(c.code))).toHaveLength(111);
    expect(cities.find((c) => c.code === '450100')?.children.map((c) => c.code)).toContain('450102');
  });

  it('lists the centres flat with ?flat=1', async () => {
    const { centres } = await getJson<{ centres: Centre[] }>('/v1/centres?flat=1');
    expect(centres.length).toBeGreaterThanOrEqual(126);
    expect(centres.every((c) => !('children' in c))).toBe(true);
    expect(centres.map((c) => c.code)).toEqual(expect.arrayContaining(['450000', '450100', '450102']));
  });

  it('reads one centre, with its coordinates', async () => {
    const centre = await getJson<Centre>('/v1/centres/450102');
    expect(centre).toMatchObject({ code: '450102', name: '兴宁区政务服务中心', level: 'county', parentCode: '450100' });
    expect(centre.longitude).toBeCloseTo(108.32, 1);
    expect(centre.latitude).toBeCloseTo(22.82, 1);
    expectError(await get('/v1/centres/459999'), 404, 'not_found');
  });

  it('lists departments, windows and officers, filtered', async () => {
    const { departments } = await getJson<{ departments: { code: string }[] }>('/v1/departments');
    expect(departments.length).toBeGreaterThanOrEqual(21);
    expect(departments.map((d) => d.code)).toEqual(expect.arrayContaining(['market_regulation', 'commerce', 'taxation']));

    const { windows } = await getJson<{ windows: { code: string; centreCode: string; departmentCode: string }[] }>(
      '/v1/windows?centre=450100&department=market_regulation',
    );
    // (The administration page's test may add a window of its own to the shared database.)
    expect(windows).toContainEqual(expect.objectContaining({ code: '450100-market_regulation', centreCode: '450100', departmentCode: 'market_regulation' }));
    expect(windows.every((w) => w.centreCode === '450100' && w.departmentCode === 'market_regulation')).toBe(true);

    // The officers are listed to staff only.
    expectError(await get('/v1/officers?centre=450100&role=chief_representative'), 401, 'unauthorized');
    const { officers } = await getJson<{ officers: { id: string; role: string; centreCode: string }[] }>(
      '/v1/officers?centre=450100&role=chief_representative',
      WINDOW_OFFICER,
    );
    expect(officers.length).toBeGreaterThan(0);
    expect(officers.every((o) => o.role === 'chief_representative' && o.centreCode === '450100')).toBe(true);
    expect(officers.map((o) => o.id)).toContain('450100-market_regulation-chief');

    expectInvalid(await admin({ method: 'GET', url: '/v1/officers?role=bogus' }, WINDOW_OFFICER), 'querystring.role');
  });
});

describe('reading items', () => {
  const list = async (query: string) => (await getJson<{ items: ItemSummary[] }>(`/v1/items?${query}`)).items;

  it('searches by name', async () => {
    const items = await list(`q=${encodeURIComponent('食品')}`);
    expect(items.map((i) => i.code)).toContain('food-business-licence');
    expect(items.every((i) => i.name.includes('食品') || i.code.includes('食品'))).toBe(true);
  });

  it('filters by kind, department and level', async () => {
    const joint = await list('kind=joint');
    expect(joint.map((i) => i.code)).toEqual(expect.arrayContaining(['company-startup', 'construction-project']));
    expect(joint.every((i) => i.kind === 'joint')).toBe(true);

    const market = await list('department=market_regulation');
    expect(market.map((i) => i.code)).toEqual(expect.arrayContaining(['company-startup', 'food-business-licence']));
    expect(market.every((i) => i.department === 'market_regulation')).toBe(true);

    const region = await list('level=region');
    expect(region.length).toBeGreaterThan(0);
    expect(region.map((i) => i.code)).toContain('company-startup');
    expect(region.map((i) => i.code)).not.toContain('food-business-licence');
    expect(region.every((i) => i.levels.includes('region'))).toBe(true);
  });

  it('says each item’s category (行政许可, 其他行政权力, 公共服务) and filters by it', async () => {
    const all = await list('');
    expect(new Set(all.map((i) => i.category))).toEqual(new Set(['licensing', 'other_power', 'public_service']));
    const byCode = new Map(all.map((i) => [i.code, i.category]));
    expect(byCode.get('food-business-licence')).toBe('licensing');
    expect(byCode.get('seal-engraving-record')).toBe('other_power');
    expect(byCode.get('housing-fund-rent-withdrawal')).toBe('public_service');
    for (const category of ['licensing', 'other_power', 'public_service']) {
      const some = await list(`category=${category}`);
      expect(some.map((i) => i.code).sort()).toEqual(all.filter((i) => i.category === category).map((i) => i.code).sort());
    }
    // With another filter: the other powers of development and reform.
    const filings = await list('category=other_power&department=development_reform');
    expect(filings.map((i) => i.code)).toEqual(expect.arrayContaining(['enterprise-investment-filing']));
    expect(filings.every((i) => i.category === 'other_power' && i.department === 'development_reform')).toBe(true);
    expect((await getJson<ItemVersion>('/v1/items/seal-engraving-record')).definition.category).toBe('other_power');
    expectInvalid(await get('/v1/items?category=permit'), 'querystring.category');
  });

  it("reads an item's current version", async () => {
    const item = await getJson<ItemVersion>('/v1/items/construction-project');
    expect(item.version).toBeGreaterThanOrEqual(1);
    expect(item.definition.code).toBe('construction-project');
    expect(item.definition.steps).toHaveLength(4);
    expectError(await get('/v1/items/no-such-item'), 404, 'not_found');
    expectError(await get('/v1/items/no-such-item/versions'), 404, 'not_found');
  });
});

describe("administrators' item writes", () => {
  it('needs a signed-in administrator: the regional centre’s for the regional catalogue, a city’s makes a local item', async () => {
    const item = newItem();
    expectError(await inject({ method: 'POST', url: '/v1/items', payload: item }), 401, 'unauthorized');
    expectError(await admin({ method: 'POST', url: '/v1/items', payload: item }, WINDOW_OFFICER), 403, 'forbidden');
    // A token whose subject is no officer of the organisation signs nobody in.
    expectError(await admin({ method: 'POST', url: '/v1/items', payload: item }, `nobody-${randomUUID()}`), 401, 'unauthorized');
    expectError(await get(`/v1/items/${item.code}`), 404, 'not_found');
    // A city's administrator creates the city's own local item (tests/local-items.test.ts), never a regional one.
    const local = await admin({ method: 'POST', url: '/v1/items', payload: item }, CITY_ADMIN);
    expect(local.statusCode, local.body).toBe(201);
    expect((local.json() as { ownerCentre: string | null }).ownerCentre).toBe('450100');
  });

  it('creates an item, versions its changes and records them', async () => {
    const item = newItem();
    const created = await createItem(item);
    expect(created.version).toBe(1);
    expect(created.createdBy?.id).toBe(ADMIN);
    expect(created.definition).toMatchObject({ code: item.code, promisedLimitDays: 10 });

    expectError(await admin({ method: 'POST', url: '/v1/items', payload: item }), 409, 'item_exists');

    const changed = withPromised(item, 5);
    const put = await admin({ method: 'PUT', url: `/v1/items/${item.code}`, payload: changed });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ version: 2, definition: { promisedLimitDays: 5 } });

    const { versions } = await getJson<{ versions: { version: number }[] }>(`/v1/items/${item.code}/versions`);
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect((await getJson<ItemVersion>(`/v1/items/${item.code}/versions/1`)).definition.promisedLimitDays).toBe(10);
    expect((await getJson<ItemVersion>(`/v1/items/${item.code}`)).definition.promisedLimitDays).toBe(5);
    expectError(await get(`/v1/items/${item.code}/versions/3`), 404, 'not_found');

    // The same definition again is no change: no new version, no new entry in the log.
    const same = await admin({ method: 'PUT', url: `/v1/items/${item.code}`, payload: changed });
    expect(same.statusCode, same.body).toBe(200);
    expect((same.json() as ItemVersion).version).toBe(2);
    expect(await currentVersion(item.code)).toBe(2);

    const changes = await changesOf('item', item.code);
    expect(changes.map((c) => c.action)).toEqual(['update', 'create']);
    for (const c of changes) expect(c.actor.id).toBe(ADMIN);
    const [update, create] = changes;
    expect(create.before).toBeNull();
    expect(create.after).toMatchObject({ version: 1, promisedLimitDays: 10 });
    expect(update.before).toMatchObject({ version: 1, promisedLimitDays: 10 });
    expect(update.after).toMatchObject({ version: 2, promisedLimitDays: 5 });
  });

  it('refuses an invalid item, naming the field', async () => {
    expectInvalid(await admin({ method: 'POST', url: '/v1/items', payload: newItem({ promisedLimitDays: 30 }) }), 'body.promisedLimitDays');

    const unknownDepartment = newItem({
      kind: 'joint',
      steps: [
        {
          name: '并联',
          departments: [
            { code: 'no_such_department', promisedLimitDays: 5 },
            { code: 'market_regulation', promisedLimitDays: 5 },
          ],
        },
      ],
    });
    const refused = await admin({ method: 'POST', url: '/v1/items', payload: unknownDepartment });
    expectInvalid(refused, 'body.steps.0.departments.0.code');
    expectError(await get(`/v1/items/${unknownDepartment.code}`), 404, 'not_found');

    const item = newItem();
    await createItem(item);
    const other = { ...item, code: uniqueCode() };
    expectInvalid(await admin({ method: 'PUT', url: `/v1/items/${item.code}`, payload: other }), 'body.code');
    expectError(await admin({ method: 'PUT', url: `/v1/items/${other.code}`, payload: other }), 404, 'not_found');
    expect(await currentVersion(item.code)).toBe(1);
  });
});

describe("administrators' organisation writes", () => {
  it('creates and updates a window, and records both', async () => {
    const code = uniqueCode();
    const window = { code, centreCode: '450100', departmentCode: 'commerce', name: `测试窗口 ${code}` };
    const created = await admin({ method: 'PUT', url: `/v1/windows/${code}`, payload: window });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toEqual(window);

    const renamed = { ...window, name: `改名窗口 ${code}` };
    const updated = await admin({ method: 'PUT', url: `/v1/windows/${code}`, payload: renamed });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toEqual(renamed);

    const { windows } = await getJson<{ windows: { code: string; name: string }[] }>('/v1/windows?centre=450100&department=commerce');
    expect(windows.find((w) => w.code === code)?.name).toBe(renamed.name);

    const changes = await changesOf('window', code);
    expect(changes.map((c) => c.action)).toEqual(['update', 'create']);
    expect(changes.every((c) => c.actor.id === ADMIN)).toBe(true);
    expect(changes[1].before).toBeNull();
    expect(changes[0].before).toMatchObject({ name: window.name });
    expect(changes[0].after).toMatchObject({ name: renamed.name });
  });

  it('refuses a window at an unknown centre, and a key that differs from the path', async () => {
    const code = uniqueCode();
    const window = { code, centreCode: '459999', departmentCode: 'commerce', name: `测试窗口 ${code}` };
    expectInvalid(await admin({ method: 'PUT', url: `/v1/windows/${code}`, payload: window }), 'body.centreCode');
    expectInvalid(
      await admin({ method: 'PUT', url: `/v1/windows/${code}`, payload: { ...window, centreCode: '450100', departmentCode: 'no_such_department' } }),
      'body.departmentCode',
    );
    expectInvalid(await admin({ method: 'PUT', url: `/v1/windows/${uniqueCode()}`, payload: { ...window, centreCode: '450100' } }), 'body.code');
    expect(await changesOf('window', code)).toEqual([]);
    expectError(await admin({ method: 'PUT', url: `/v1/windows/${code}`, payload: { ...window, centreCode: '450100' } }, WINDOW_OFFICER), 403, 'forbidden');
    expectError(await inject({ method: 'PUT', url: `/v1/windows/${code}`, payload: { ...window, centreCode: '450100' } }), 401, 'unauthorized');
    expect(await changesOf('window', code)).toEqual([]);
  });

  it('creates an officer and a department', async () => {
    const id = uniqueCode();
    const officer = { id, name: `测试人员 ${id}`, role: 'supervisor', centreCode: '450100', departmentCode: null, windowCode: null };
    const created = await admin({ method: 'PUT', url: `/v1/officers/${id}`, payload: officer }, SECURITY);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toEqual(officer);
    const { officers } = await getJson<{ officers: { id: string }[] }>('/v1/officers?centre=450100&role=supervisor', ADMIN);
    expect(officers.map((o) => o.id)).toContain(id);

    const code = `test_${randomUUID().replaceAll('-', '_')}`;
    const department = { code, name: `测试部门 ${code}`, nameEn: `Test department ${code}`, levels: ['city'] };
    const res = await admin({ method: 'PUT', url: `/v1/departments/${code}`, payload: department });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual(department);
    const { departments } = await getJson<{ departments: { code: string }[] }>('/v1/departments');
    expect(departments.map((d) => d.code)).toContain(code);
    expect((await changesOf('department', code)).map((c) => c.action)).toEqual(['create']);
  });

  it("lets a city's security administrator keep its own officers, but not another city's, and its system administrator not the catalogue", async () => {
    const id = uniqueCode();
    const officer = { id, name: `测试人员 ${id}`, role: 'window_officer', centreCode: '450100', departmentCode: 'commerce', windowCode: null };
    const created = await admin({ method: 'PUT', url: `/v1/officers/${id}`, payload: officer }, CITY_SECURITY);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toEqual(officer);
    const changes = await changesOf('officer', id);
    expect(changes.map((c) => [c.action, c.actor.id])).toEqual([['create', CITY_SECURITY]]);

    const elsewhere = uniqueCode();
    const liuzhou = { ...officer, id: elsewhere, name: `测试人员 ${elsewhere}`, centreCode: '450200' };
    expectError(await admin({ method: 'PUT', url: `/v1/officers/${elsewhere}`, payload: liuzhou }, CITY_SECURITY), 403, 'forbidden');
    // Nor by moving one of its own officers to another city.
    expectError(await admin({ method: 'PUT', url: `/v1/officers/${id}`, payload: { ...officer, centreCode: '450200' } }, CITY_SECURITY), 403, 'forbidden');
    const { officers } = await getJson<{ officers: { id: string; centreCode: string }[] }>('/v1/officers?centre=450200', ADMIN);
    expect(officers.map((o) => o.id)).not.toContain(elsewhere);
    expect(await changesOf('officer', elsewhere)).toEqual([]);
    expect((await changesOf('officer', id)).map((c) => c.action)).toEqual(['create']);

    // Items are the region's: a city's administrator may not change one.
    const item = newItem();
    await createItem(item);
    expectError(await admin({ method: 'PUT', url: `/v1/items/${item.code}`, payload: withPromised(item, 5) }, CITY_ADMIN), 403, 'forbidden');
    expect(await currentVersion(item.code)).toBe(1);
    expect((await changesOf('item', item.code)).map((c) => c.action)).toEqual(['create']);
  });
});

describe('import and export', () => {
  const importJson = (items: unknown[], officer = ADMIN) => admin({ method: 'POST', url: '/v1/catalogue/import', payload: { items } }, officer);
  const importCsv = (csv: string) =>
    admin({ method: 'POST', url: '/v1/catalogue/import', payload: csv, headers: { 'content-type': 'text/csv' } });

  it('exports the catalogue as JSON, every item valid', async () => {
    const res = await get('/v1/catalogue/export');
    expect(res.statusCode).toBe(200);
    const { items } = res.json() as { items: unknown[] };
    expect(items.length).toBeGreaterThanOrEqual(79);
    for (const item of items) {
      const result = itemDefinition.safeParse(item);
      expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
    }
    expect(items.map((i) => (i as { code: string }).code)).toEqual(expect.arrayContaining(['company-startup', 'construction-project']));
  });

  it('exports the catalogue as CSV, which imports back unchanged', async () => {
    const mine = [newItem(), newItem({ officialCode: 'TEST-0001', source: '测试来源', major: true })];
    for (const item of mine) await createItem(item);

    const res = await get('/v1/catalogue/export?format=csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...lines] = res.body.split('\n');
    expect(header).toMatch(/^code,officialCode,name,/);
    expect(header.split(',')).toEqual([...CSV_COLUMNS]);

    const rows = lines.filter((line) => mine.some((item) => line.startsWith(`${item.code},`)));
    expect(rows).toHaveLength(2);
    const imported = await importCsv([header, ...rows, ''].join('\n'));
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toEqual({ created: [], updated: [], unchanged: mine.map((i) => i.code).sort() });
    for (const item of mine) expect(await currentVersion(item.code)).toBe(1);
  });

  it('carries each item’s category through CSV and JSON, a new version when it changes, licensing when a file has none', async () => {
    const other = newItem({ category: 'other_power' });
    const service = newItem({ category: 'public_service' });
    const plain = newItem();
    for (const item of [other, service, plain]) await createItem(item);
    expect((await getJson<ItemVersion>(`/v1/items/${plain.code}`)).definition.category).toBe('licensing');

    const json = (await get('/v1/catalogue/export')).json() as { items: { code: string; category: string }[] };
    expect(json.items.find((i) => i.code === other.code)?.category).toBe('other_power');
    expect(json.items.find((i) => i.code === service.code)?.category).toBe('public_service');
    const csv = (await get('/v1/catalogue/export?format=csv')).body;
    const [header, ...lines] = csv.split('\n');
    const column = header.split(',').indexOf('category');
    const mine = lines.filter((line) => [other, service].some((item) => line.startsWith(`${item.code},`)));
    expect(mine.map((line) => line.split(',')[column]).sort()).toEqual(['other_power', 'public_service']);
    const back = await importCsv([header, ...mine, ''].join('\n'));
    expect(back.json()).toEqual({ created: [], updated: [], unchanged: [other.code, service.code].sort() });

    // A category changed by import is a new version, and the list follows it.
    const changed = await importJson([{ ...other, category: 'public_service' }]);
    expect(changed.json()).toEqual({ created: [], updated: [other.code], unchanged: [] });
    expect(await currentVersion(other.code)).toBe(2);
    const services = (await getJson<{ items: ItemSummary[] }>('/v1/items?category=public_service')).items.map((i) => i.code);
    expect(services).toEqual(expect.arrayContaining([other.code, service.code]));

    // A CSV written before categories (no such column) imports as licensing; an unknown one is refused.
    const old = newItem();
    const withoutCategory = stringify(
      [{ ...old, levels: old.levels.join('|'), materials: JSON.stringify(old.materials), fees: '[]', steps: JSON.stringify(old.steps) }],
      { header: true, columns: CSV_COLUMNS.filter((c) => c !== 'category') },
    );
    expect((await importCsv(withoutCategory)).statusCode).toBe(200);
    expect((await getJson<ItemVersion>(`/v1/items/${old.code}`)).definition.category).toBe('licensing');
    expectInvalid(await importJson([newItem({ category: 'permit' as 'licensing' })]), 'items[0].category');
  });

  it('imports new items from JSON, and changes nothing when any row is bad', async () => {
    const three = [newItem(), newItem(), newItem()];
    const res = await importJson(three);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ created: three.map((i) => i.code), updated: [], unchanged: [] });
    for (const item of three) {
      const version = await getJson<ItemVersion>(`/v1/items/${item.code}`);
      expect(version.version).toBe(1);
      expect(version.createdBy?.id).toBe(ADMIN);
    }
    expect((await changesOf('item', three[0].code)).map((c) => c.action)).toEqual(['import']);

    const mixed = [
      withPromised(three[0], 5),
      newItem({ statutoryLimitDays: 5, promisedLimitDays: 10 }),
      newItem({ department: 'no_such_department', steps: [{ name: '审查', departments: [{ code: 'no_such_department', promisedLimitDays: 5 }] }] }),
    ];
    const error = expectInvalid(await importJson(mixed), 'items[1].promisedLimitDays', 'items[2].department');
    expect(error.details?.some((d) => d.field?.startsWith('items[0]'))).toBe(false);

    expect(await currentVersion(three[0].code)).toBe(1);
    expect((await getJson<ItemVersion>(`/v1/items/${three[0].code}`)).definition.promisedLimitDays).toBe(10);
    expect(await changesOf('item', three[0].code)).toHaveLength(1);
    expectError(await get(`/v1/items/${mixed[1].code}`), 404, 'not_found');
    expectError(await get(`/v1/items/${mixed[2].code}`), 404, 'not_found');
  });

  it('refuses a CSV with a cell that is not JSON, naming it', async () => {
    const item = newItem();
    const csv = stringify(
      [{ ...item, levels: item.levels.join('|'), materials: JSON.stringify(item.materials), fees: '[]', steps: '[{"name": "审查", ' }],
      { header: true, columns: [...CSV_COLUMNS] },
    );
    expectInvalid(await importCsv(csv), 'items[0].steps');
    expectError(await get(`/v1/items/${item.code}`), 404, 'not_found');
  });

  it('refuses an import by anyone but an administrator', async () => {
    const item = newItem();
    expectError(await importJson([item], WINDOW_OFFICER), 403, 'forbidden');
    expectError(await get(`/v1/items/${item.code}`), 404, 'not_found');
  });
});

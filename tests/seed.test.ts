/**
 * The seed data and the rules that check it: Guangxi's centres as a tree, the departments, the item
 * catalogue, and the windows and officers that staffing() derives. Pure: reads db/seed/*.json only.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CODE_PATTERN, type ItemDefinitionInput, itemDefinition } from '../db/item-definition.js';
import { departmentNameAt, departmentNames } from '../db/department-names.js';
import { type Seed, loadSeed, seedProblems, staffing } from '../db/seed.js';

let seed: Seed;
beforeAll(async () => {
  seed = await loadSeed();
});

/** A valid promised item; each test changes what it is about. */
const promised = (overrides: Partial<ItemDefinitionInput> = {}): ItemDefinitionInput => ({
  code: 'test-item',
  name: '测试事项',
  nameEn: 'Test item',
  department: 'market_regulation',
  kind: 'promised',
  levels: ['city', 'county'],
  legalBasis: '测试依据',
  statutoryLimitDays: 20,
  promisedLimitDays: 10,
  steps: [{ name: '审查决定', departments: [{ code: 'market_regulation', promisedLimitDays: 10 }] }],
  ...overrides,
});

/** The paths of the issues itemDefinition finds, joined by dots. */
function issuePaths(input: unknown): string[] {
  const result = itemDefinition.safeParse(input);
  expect(result.success).toBe(false);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
}

describe('loadSeed', () => {
  it('has 126 centres: the region, 14 cities and 111 counties, as a tree', () => {
    const byLevel = (level: string) => seed.centres.filter((c) => c.level === level);
    expect(seed.centres).toHaveLength(126);
    expect(byLevel('region').map((c) => c.code)).toEqual(['450000']);
    expect(byLevel('city')).toHaveLength(14);
    expect(byLevel('county')).toHaveLength(111);
    expect(new Set(seed.centres.map((c) => c.code)).size).toBe(126);

    const byCode = new Map(seed.centres.map((c) => [c.code, c]));
    expect(byCode.get('450000')?.parentCode ?? null).toBeNull();
    for (const city of byLevel('city')) expect(city.parentCode, city.code).toBe('450000');
    for (const county of byLevel('county')) {
      expect(byCode.get(county.parentCode ?? '')?.level, county.code).toBe('city');
    }
    for (const c of seed.centres) {
      if (c.parentCode) expect(byCode.has(c.parentCode), c.code).toBe(true);
      expect(c.longitude, c.code).toBeGreaterThanOrEqual(104);
      expect(c.longitude, c.code).toBeLessThanOrEqual(112.5);
      expect(c.latitude, c.code).toBeGreaterThanOrEqual(20.5);
      expect(c.latitude, c.code).toBeLessThanOrEqual(26.5);
    }
  });

  it('has 21 departments', () => {
    expect(seed.departments).toHaveLength(21);
    expect(new Set(seed.departments.map((d) => d.code)).size).toBe(21);
  });

  it('has at least 50 valid items across at least 15 departments', () => {
    expect(seed.items.length).toBeGreaterThanOrEqual(50);
    expect(new Set(seed.items.map((i) => i.department)).size).toBeGreaterThanOrEqual(15);
    const departments = new Set(seed.departments.map((d) => d.code));
    for (const item of seed.items) {
      expect(item.code, item.code).toMatch(CODE_PATTERN);
      expect(departments.has(item.department), item.code).toBe(true);
      expect(item.promisedLimitDays, item.code).toBeLessThanOrEqual(item.statutoryLimitDays);
      for (const step of item.steps) {
        for (const d of step.departments) expect(departments.has(d.code), `${item.code}: ${d.code}`).toBe(true);
      }
    }
    expect(new Set(seed.items.map((i) => i.code)).size).toBe(seed.items.length);
  });

  it('has every kind of item, the company start-up and the construction project', () => {
    expect(new Set(seed.items.map((i) => i.kind))).toEqual(new Set(['immediate', 'promised', 'joint', 'reported']));

    const startup = seed.items.find((i) => i.code === 'company-startup');
    expect(startup?.steps).toHaveLength(1);
    expect(startup?.steps[0].departments.map((d) => d.code)).toEqual([
      'market_regulation',
      'public_security',
      'taxation',
      'human_resources',
      'housing_fund',
    ]);

    const construction = seed.items.find((i) => i.code === 'construction-project');
    expect(construction?.kind).toBe('joint');
    expect(construction?.steps).toHaveLength(4);
  });

  it('says every item’s category, each of the three at least once: mostly licences, filings and registrations as other powers, services', () => {
    // Written in the file, not filled in by the default.
    const raw = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../db/seed/items.json'), 'utf8')) as { items: { code: string; category?: string }[] };
    expect(raw.items.filter((i) => !i.category).map((i) => i.code)).toEqual([]);
    const of = (category: string) => seed.items.filter((i) => i.category === category).map((i) => i.code);
    expect(of('licensing').length).toBeGreaterThan(of('other_power').length + of('public_service').length);
    // 备案 filings and 行政确认 registrations are other administrative powers (其他行政权力), not licences.
    expect(of('other_power')).toEqual(expect.arrayContaining(['seal-engraving-record', 'enterprise-investment-filing', 'marriage-registration', 'real-estate-mortgage-registration']));
    expect(of('public_service')).toEqual(expect.arrayContaining(['housing-fund-rent-withdrawal', 'social-security-card-reissue']));
    expect(of('licensing')).toEqual(expect.arrayContaining(['food-business-licence', 'construction-permit', 'enterprise-investment-approval']));
    // A joint item (一件事) takes its main part's category: 药店开办 includes a 备案 but is licensing.
    for (const item of seed.items.filter((i) => /备案/.test(i.name) && i.kind !== 'joint')) expect(item.category, item.code).toBe('other_power');
    for (const item of seed.items.filter((i) => /许可|许可证/.test(i.name) && i.kind !== 'joint')) expect(item.category, item.code).toBe('licensing');
  });

  it('finds nothing wrong across records', () => {
    expect(seedProblems(seed)).toEqual([]);
  });
});

describe('itemDefinition', () => {
  it('accepts a valid item and fills the defaults', () => {
    const item = itemDefinition.parse(promised());
    expect(item).toMatchObject({ major: false, materials: [], fees: [] });
  });

  it('rejects a promised limit longer than the statutory one', () => {
    expect(issuePaths(promised({ statutoryLimitDays: 5, promisedLimitDays: 10 }))).toContain('promisedLimitDays');
  });

  it('rejects an immediate item that is not decided the same day', () => {
    const immediate = promised({
      kind: 'immediate',
      promisedLimitDays: 1,
      steps: [{ name: '即办', departments: [{ code: 'market_regulation', promisedLimitDays: 1 }] }],
    });
    expect(issuePaths(immediate)).toContain('promisedLimitDays');
  });

  it('rejects a non-joint item with two steps', () => {
    const twoStages = promised({
      steps: [
        { name: '一', departments: [{ code: 'market_regulation', promisedLimitDays: 5 }] },
        { name: '二', departments: [{ code: 'market_regulation', promisedLimitDays: 5 }] },
      ],
    });
    expect(issuePaths(twoStages)).toContain('steps');
  });

  it('rejects a joint item whose lead department is not in the first step', () => {
    const joint = promised({
      kind: 'joint',
      steps: [
        { name: '一', departments: [{ code: 'taxation', promisedLimitDays: 5 }] },
        { name: '二', departments: [{ code: 'market_regulation', promisedLimitDays: 5 }] },
      ],
    });
    expect(issuePaths(joint)).toContain('steps.0.departments');
  });

  it('rejects a department twice in one step', () => {
    const twice = promised({
      kind: 'joint',
      steps: [
        {
          name: '并联',
          departments: [
            { code: 'market_regulation', promisedLimitDays: 5 },
            { code: 'market_regulation', promisedLimitDays: 5 },
          ],
        },
      ],
    });
    expect(issuePaths(twice)).toContain('steps.0.departments.1.code');
  });

  it('rejects a code that is not lower-case words joined by hyphens', () => {
    for (const code of ['Bad_Code', 'two words', '-leading', 'trailing-', 'double--hyphen', '']) {
      expect(issuePaths(promised({ code })), code).toContain('code');
    }
  });
});

describe('seedProblems', () => {
  const centre = (code: string, parentCode: string | null, level: 'region' | 'city' | 'county') => ({
    code,
    name: `${code}政务服务中心`,
    nameEn: `Centre ${code}`,
    division: code,
    parentCode,
    level,
    longitude: 108.3,
    latitude: 22.8,
  });

  it('reports an unknown department, an unknown parent centre and a duplicate item code', () => {
    const small: Seed = {
      centres: [centre('450000', null, 'region'), centre('450100', '450000', 'city'), centre('450102', '459900', 'county')],
      departments: [{ code: 'market_regulation', name: '市场监督管理局', nameEn: 'Market Regulation', levels: ['city', 'county'] }],
      items: [
        itemDefinition.parse(promised({ code: 'first' })),
        itemDefinition.parse(promised({ code: 'first', name: '另一个名称' })),
        itemDefinition.parse(
          promised({
            code: 'unknown-department',
            name: '未知部门事项',
            department: 'nowhere',
            steps: [{ name: '审查', departments: [{ code: 'nowhere', promisedLimitDays: 5 }] }],
          }),
        ),
      ],
    };
    const problems = seedProblems(small);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^centre 450102: unknown parent 459900/),
        expect.stringMatching(/^item first: duplicate code first/),
        expect.stringMatching(/^item unknown-department\.department: unknown department nowhere/),
        expect.stringMatching(/^item unknown-department\.steps\.0\.departments\.0\.code: unknown department nowhere/),
      ]),
    );
    expect(problems).toHaveLength(4);
  });
});

describe('staffing', () => {
  it('gives every centre its three administrators (三员: system, security, audit) and a supervisor', () => {
    const { officers } = staffing(seed);
    for (const c of seed.centres) {
      for (const role of ['system_administrator', 'security_administrator', 'audit_administrator', 'supervisor']) {
        expect(
          officers.some((o) => o.centreCode === c.code && o.role === role),
          `${c.code} ${role}`,
        ).toBe(true);
      }
    }
    expect(officers.find((o) => o.id === '450000-admin')?.role).toBe('system_administrator');
    expect(officers.find((o) => o.id === '450000-security')?.role).toBe('security_administrator');
    expect(officers.find((o) => o.id === '450000-auditor')?.role).toBe('audit_administrator');
  });

  it("staffs every window with an officer, a chief representative and a leader of the window's department", () => {
    const { windows, officers } = staffing(seed);
    expect(windows.length).toBeGreaterThan(seed.centres.length);
    expect(new Set(windows.map((w) => w.code)).size).toBe(windows.length);
    const departments = new Map(seed.departments.map((d) => [d.code, d]));
    const centres = new Map(seed.centres.map((c) => [c.code, c]));
    for (const w of windows) {
      // A window only where its department works at the centre's level.
      expect(departments.get(w.departmentCode)?.levels, w.code).toContain(centres.get(w.centreCode)?.level);
      const staff = officers.filter((o) => o.windowCode === w.code);
      for (const role of ['window_officer', 'chief_representative', 'department_leader']) {
        const found = staff.filter((o) => o.role === role);
        expect(found.length, `${w.code} ${role}`).toBeGreaterThanOrEqual(1);
        for (const o of found) {
          expect(o.departmentCode, o.id).toBe(w.departmentCode);
          expect(o.centreCode, o.id).toBe(w.centreCode);
        }
      }
    }
    expect(windows.some((w) => w.code === '450100-market_regulation')).toBe(true);
    expect(new Set(officers.map((o) => o.id)).size).toBe(officers.length);
  });

  it('names each department at its own level: 厅 at the region, 局 in a city or county; never 厅（局）', () => {
    const { windows, officers } = staffing(seed);
    const name = (id: string) => officers.find((o) => o.id === id)?.name;
    expect(name('450000-public_security-chief')).toBe('广西壮族自治区公安厅首席代表');
    expect(name('450100-public_security-chief')).toBe('南宁市公安局首席代表');
    expect(name('450102-natural_resources-officer')).toBe('兴宁区自然资源局窗口工作人员');
    expect(name('450000-fire_rescue-leader')).toBe('广西壮族自治区消防救援总队负责人');
    expect(name('450100-fire_rescue-leader')).toBe('南宁市消防救援支队负责人');
    expect(name('450102-fire_rescue-leader')).toBe('兴宁区消防救援大队负责人');
    expect(name('450100-taxation-officer')).toBe('南宁市税务局窗口工作人员');
    for (const w of windows) expect(w.name, w.code).not.toMatch(/（局）|（支队）/);
    for (const o of officers) expect(o.name, o.id).not.toMatch(/（局）|（支队）/);
  });
});

describe('departmentNameAt', () => {
  it('takes the level from the name written for both, by level or by centre code, and leaves other names alone', () => {
    expect(departmentNameAt('公安厅（局）', 'region')).toBe('公安厅');
    expect(departmentNameAt('公安厅（局）', '450100')).toBe('公安局');
    expect(departmentNameAt('公安厅（局）', '450102')).toBe('公安局');
    expect(departmentNameAt('消防救援总队（支队）', '450000')).toBe('消防救援总队');
    expect(departmentNameAt('市场监督管理局', 'region')).toBe('市场监督管理局');
    expect(departmentNames({ name: '商务厅（局）', levels: ['region', 'city'] })).toEqual({ region: '商务厅', city: '商务局' });
  });
});

/**
 * The seed: Guangxi's centres (db/seed/centres.json), the departments at their windows
 * (departments.json) and the item catalogue (items.json). Windows and officers follow from rules:
 * every centre has a window of each department that works at its level, staffed by a window officer
 * and a chief representative (首席代表), with a department leader behind it; every centre has an
 * administrator and a supervisor. An empty database is seeded; a non-empty one is left alone.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { seedCalendar } from './calendar.js';
import { itemColumns } from './catalogue-writes.js';
import { type ItemDefinition, itemDefinition, unknownDepartments } from './item-definition.js';
import { departmentNameAt } from './department-names.js';
import { centres, departments, itemVersions, items, officers, windows } from './schema/index.js';

type Centre = typeof centres.$inferInsert;
type Department = typeof departments.$inferInsert;

export interface Seed {
  centres: Centre[];
  departments: Department[];
  items: ItemDefinition[];
}

const dir = path.join(import.meta.dirname, 'seed');
const readJson = async <T>(file: string) => JSON.parse(await readFile(path.join(dir, file), 'utf8')) as T;

/** Reads the seed files and checks them whole; throws naming every problem. */
export async function loadSeed(): Promise<Seed> {
  const [c, d, i] = await Promise.all([
    readJson<{ centres: Centre[] }>('centres.json'),
    readJson<{ departments: Department[] }>('departments.json'),
    readJson<{ items: unknown[] }>('items.json'),
  ]);
  const problems: string[] = [];
  const parsed = i.items.flatMap((raw, n) => {
    const result = itemDefinition.safeParse(raw);
    if (result.success) return [result.data];
    problems.push(...result.error.issues.map((issue) => `items[${n}].${issue.path.join('.')}: ${issue.message}`));
    return [];
  });
  const seed = { centres: c.centres, departments: d.departments, items: parsed };
  problems.push(...seedProblems(seed));
  if (problems.length > 0) throw new Error(`The seed data is invalid:\n  ${problems.join('\n  ')}`);
  return seed;
}

/** Cross-record rules: a tree of centres, known departments, unique codes and names. */
export function seedProblems(seed: Seed): string[] {
  const problems: string[] = [];
  const centreCodes = new Set(seed.centres.map((c) => c.code));
  for (const c of seed.centres) {
    if (!/^45\d{4}$/.test(c.code)) problems.push(`centre ${c.code}: not a Guangxi GB/T 2260 code`);
    if (c.parentCode && !centreCodes.has(c.parentCode)) problems.push(`centre ${c.code}: unknown parent ${c.parentCode}`);
  }
  const known = new Set(seed.departments.map((d) => d.code));
  const seen = { code: new Set<string>(), name: new Set<string>() };
  for (const item of seed.items) {
    for (const p of unknownDepartments(item, known)) problems.push(`item ${item.code}.${p.path.join('.')}: ${p.message}`);
    for (const key of ['code', 'name'] as const) {
      if (seen[key].has(item[key])) problems.push(`item ${item.code}: duplicate ${key} ${item[key]}`);
      seen[key].add(item[key]);
    }
  }
  return problems;
}

/** The windows and officers that the organisation's rules give each centre. */
export function staffing(seed: Seed) {
  const windowRows: (typeof windows.$inferInsert)[] = [];
  const officerRows: (typeof officers.$inferInsert)[] = [];
  for (const centre of seed.centres) {
    const place = centre.name.replace(/政务服务中心$/, '');
    officerRows.push(
      // 三员 (GB/T 22239): three administrators, three people.
      { id: `${centre.code}-admin`, name: `${place}政务服务中心系统管理员`, role: 'system_administrator', centreCode: centre.code },
      { id: `${centre.code}-security`, name: `${place}政务服务中心安全管理员`, role: 'security_administrator', centreCode: centre.code },
      { id: `${centre.code}-auditor`, name: `${place}政务服务中心审计管理员`, role: 'audit_administrator', centreCode: centre.code },
      { id: `${centre.code}-supervisor`, name: `${place}电子监察员`, role: 'supervisor', centreCode: centre.code },
    );
    for (const department of seed.departments.filter((d) => d.levels.includes(centre.level))) {
      const windowCode = `${centre.code}-${department.code}`;
      // 公安厅 at the region, 公安局 in a city or county: the name at the centre's own level.
      const name = departmentNameAt(department.name, centre.level);
      windowRows.push({ code: windowCode, centreCode: centre.code, departmentCode: department.code, name: `${name}窗口` });
      const staff = { centreCode: centre.code, departmentCode: department.code, windowCode };
      officerRows.push(
        { id: `${windowCode}-officer`, name: `${place}${name}窗口工作人员`, role: 'window_officer', ...staff },
        { id: `${windowCode}-chief`, name: `${place}${name}首席代表`, role: 'chief_representative', ...staff },
        { id: `${windowCode}-leader`, name: `${place}${name}负责人`, role: 'department_leader', ...staff },
      );
    }
  }
  return { windows: windowRows, officers: officerRows };
}

export const SEED_ACTOR = { id: 'seed', name: 'db/seed' };

export async function seedCatalogue(db: Db): Promise<boolean> {
  const [{ count }] = await db.select({ count: sql<number>`count(*)::int` }).from(centres);
  if (count > 0) return false;
  const seed = await loadSeed();
  const staff = staffing(seed);
  await db.transaction(async (tx) => {
    await tx.insert(centres).values(seed.centres);
    await tx.insert(departments).values(seed.departments);
    for (const rows of chunks(staff.windows)) await tx.insert(windows).values(rows);
    for (const rows of chunks(staff.officers)) await tx.insert(officers).values(rows);
    await tx.insert(items).values(seed.items.map((item) => ({ ...itemColumns(item), currentVersion: 1 })));
    await tx.insert(itemVersions).values(seed.items.map((definition) => ({ itemCode: definition.code, version: 1, definition, createdBy: SEED_ACTOR })));
    await seedCalendar(tx);
  });
  return true;
}

function* chunks<T>(rows: T[], size = 1000): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

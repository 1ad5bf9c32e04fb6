/** Queries of the organisation and the item catalogue, and the plan an item gives an application. */
import { and, asc, eq, ilike, inArray, isNull, like, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db, Tx } from './client.js';
import { DEFAULT_WARNING_DAYS, itemDepartments, type ItemDefinition, requiredMaterials } from './item-definition.js';
import { applications, centres, departments, itemVersions, items, officers, windows } from './schema/index.js';
import { centrePrefix } from '../workflows/rules/authority.js';
import type { ItemCategory, ItemSnapshot, StepPlan } from '../workflows/messages.js';

export type CentreRow = typeof centres.$inferSelect;

/** The code prefix that every centre under a centre shares (GB/T 2260 codes nest): 450000 → 45, 450100 → 4501. */
export { centrePrefix };

/**
 * The column's centre is the centre or one below it. A county has none below it: its code is matched
 * exactly, which an index on (centre, at) serves in order; LIKE '450102%' would not.
 */
export function inCentre(column: AnyPgColumn, centre: string): SQL {
  const prefix = centrePrefix(centre);
  return prefix.length === centre.length ? eq(column, centre) : like(column, `${prefix}%`);
}

export async function findCentre(db: Db, code: string): Promise<CentreRow | undefined> {
  const [centre] = await db.select().from(centres).where(eq(centres.code, code));
  return centre;
}

/** The item's current version, or the given one. */
export async function findItemVersion(db: Db, code: string, version?: number) {
  const [row] = await db
    .select({
      version: itemVersions.version,
      definition: itemVersions.definition,
      createdAt: itemVersions.createdAt,
      createdBy: itemVersions.createdBy,
      ownerCentre: items.ownerCentre,
    })
    .from(itemVersions)
    .innerJoin(items, eq(items.code, itemVersions.itemCode))
    .where(and(eq(itemVersions.itemCode, code), eq(itemVersions.version, version ?? items.currentVersion)));
  return row;
}

export async function listItemVersions(db: Db, code: string) {
  return db
    .select({ version: itemVersions.version, createdAt: itemVersions.createdAt, createdBy: itemVersions.createdBy })
    .from(itemVersions)
    .where(eq(itemVersions.itemCode, code))
    .orderBy(asc(itemVersions.version));
}

/**
 * The application was submitted under an item version of this category: an application keeps the
 * version it pinned, so a later change of the item's category does not move it. A version written
 * before items had categories says none and counts as the item's current category.
 */
export const submittedAsCategory = (category: ItemCategory): SQL =>
  sql`(${applications.itemCode}, ${applications.itemVersion}) in (select ${itemVersions.itemCode}, ${itemVersions.version} from ${itemVersions} join ${items} on ${items.code} = ${itemVersions.itemCode} where coalesce(${itemVersions.definition}->>'category', ${items.category}) = ${category})`;

export interface ItemFilter {
  department?: string;
  kind?: string;
  category?: ItemCategory;
  /** Matches code or name (Chinese or English), case-insensitively. */
  q?: string;
  level?: string;
  /** Only the items offered at this centre: the regional catalogue and the local items of it and the centres above it. */
  centre?: string;
}

/** A centre and the centres above it, by code (GB/T 2260 codes nest: 450102 lies in 450100, which lies in 450000). */
export const centreAndAbove = (code: string) => [...new Set([`${code.slice(0, 2)}0000`, `${code.slice(0, 4)}00`, code])];

/** Whether an item kept by `ownerCentre` (null: the regional catalogue) is offered at `centre`. */
export const offeredAt = (ownerCentre: string | null, centre: string) => !ownerCentre || centreAndAbove(centre).includes(ownerCentre);

export async function listItems(db: Db, filter: ItemFilter) {
  const conditions: (SQL | undefined)[] = [
    filter.department ? eq(items.department, filter.department) : undefined,
    filter.kind ? eq(items.kind, filter.kind as 'joint') : undefined,
    filter.category ? eq(items.category, filter.category) : undefined,
    filter.q
      ? or(ilike(items.code, `%${filter.q}%`), ilike(items.name, `%${filter.q}%`), ilike(items.nameEn, `%${filter.q}%`))
      : undefined,
    filter.level ? sql`${itemVersions.definition}->'levels' ? ${filter.level}` : undefined,
    filter.centre ? or(isNull(items.ownerCentre), inArray(items.ownerCentre, centreAndAbove(filter.centre))) : undefined,
  ];
  return db
    .select({ item: items, definition: itemVersions.definition })
    .from(items)
    .innerJoin(itemVersions, and(eq(itemVersions.itemCode, items.code), eq(itemVersions.version, items.currentVersion)))
    .where(and(...conditions))
    .orderBy(asc(items.code));
}

export const snapshotOf = (definition: ItemDefinition, version: number): ItemSnapshot => ({
  code: definition.code,
  version,
  name: definition.name,
  kind: definition.kind,
  department: definition.department,
  major: definition.major,
  statutoryLimitDays: definition.statutoryLimitDays,
  promisedLimitDays: definition.promisedLimitDays,
  warningDays: definition.warningDays ?? DEFAULT_WARNING_DAYS,
  requiredMaterials: requiredMaterials(definition),
  ...(definition.feeSchedule ? { feeSchedule: definition.feeSchedule } : {}),
});

/**
 * Places every review of the item at the centre that decides it: the applying centre, or for a
 * reported item (上报件) its parent; and where the department has no window at that level, the
 * nearest centre above that has one.
 */
export async function planSteps(db: Db, definition: ItemDefinition, centre: CentreRow): Promise<StepPlan[]> {
  const chain = await ancestry(db, centre);
  const deciding = definition.kind === 'reported' ? chain.slice(1) : chain;
  const codes = itemDepartments(definition);
  const levels = new Map(
    (await db.select({ code: departments.code, levels: departments.levels }).from(departments)).map((d) => [d.code, d.levels]),
  );
  const placeOf = (department: string) => {
    const place = deciding.find((c) => levels.get(department)?.includes(c.level));
    if (!place) throw new Error(`no centre above ${centre.code} has a window of ${department}`);
    return place.code;
  };
  const placed = new Map(codes.map((code) => [code, placeOf(code)]));
  return definition.steps.map((step) => ({
    name: step.name,
    reviews: step.departments.map((d) => ({ department: d.code, centreCode: placed.get(d.code)!, promisedLimitDays: d.promisedLimitDays })),
  }));
}

/** The centre and its ancestors, nearest first. */
export async function ancestry(db: Db, centre: CentreRow): Promise<CentreRow[]> {
  const chain = [centre];
  for (let parent = centre.parentCode; parent; ) {
    const next = await findCentre(db, parent);
    if (!next) break;
    chain.push(next);
    parent = next.parentCode;
  }
  return chain;
}

export async function findOfficer(db: Db, id: string) {
  const [officer] = await db.select().from(officers).where(eq(officers.id, id));
  return officer;
}

export async function listCentres(db: Db) {
  return db.select().from(centres).orderBy(asc(centres.code));
}

export async function listDepartments(db: Db) {
  return db.select().from(departments).orderBy(asc(departments.code));
}

export async function listWindows(db: Db, filter: { centre?: string; department?: string }) {
  return db
    .select()
    .from(windows)
    .where(
      and(
        filter.centre ? eq(windows.centreCode, filter.centre) : undefined,
        filter.department ? eq(windows.departmentCode, filter.department) : undefined,
      ),
    )
    .orderBy(asc(windows.code));
}

export async function listOfficers(db: Db | Tx, filter: { centre?: string; department?: string; role?: string; window?: string }) {
  return db
    .select()
    .from(officers)
    .where(
      and(
        filter.centre ? eq(officers.centreCode, filter.centre) : undefined,
        filter.department ? eq(officers.departmentCode, filter.department) : undefined,
        filter.role ? eq(officers.role, filter.role as 'supervisor') : undefined,
        filter.window ? eq(officers.windowCode, filter.window) : undefined,
      ),
    )
    .orderBy(asc(officers.id));
}

/**
 * Administrators' changes to the catalogue and the organisation. Each runs in a transaction that also
 * records the change (who, when, what before and after); an item change is a new version.
 */
import { eq, sql } from 'drizzle-orm';
import { isDeepStrictEqual } from 'node:util';
import type { Db, Tx } from './client.js';
import type { ItemDefinition } from './item-definition.js';
import { catalogueChanges, centres, departments, itemVersions, items, officers, windows } from './schema/index.js';
import type { Officer } from '../workflows/messages.js';

export interface Actor extends Officer {
  requestId?: string;
}

export type ItemOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Saves an item: a new item gets version 1, a changed one its next version, an unchanged one nothing.
 * A new item is kept by `ownerCentre` (a city's or county's local item) or, null, by the region; an
 * existing item keeps its owner.
 */
export async function saveItem(tx: Tx, given: ItemDefinition, actor: Actor, action: 'create' | 'update' | 'import', ownerCentre: string | null = null) {
  // As stored (JSON): a key present with `undefined` and a missing key are the same definition.
  const definition = JSON.parse(JSON.stringify(given)) as ItemDefinition;
  const [current] = await tx
    .select({ version: items.currentVersion, definition: itemVersions.definition, ownerCentre: items.ownerCentre })
    .from(items)
    .innerJoin(itemVersions, sql`${itemVersions.itemCode} = ${items.code} and ${itemVersions.version} = ${items.currentVersion}`)
    .where(eq(items.code, definition.code))
    .for('update');
  if (current && isDeepStrictEqual(current.definition, definition)) return { outcome: 'unchanged' as ItemOutcome, version: current.version };
  const version = (current?.version ?? 0) + 1;
  const columns = { ...itemColumns(definition), currentVersion: version, updatedAt: sql`now()` };
  if (current) await tx.update(items).set(columns).where(eq(items.code, definition.code));
  else await tx.insert(items).values({ ...columns, ownerCentre });
  await tx.insert(itemVersions).values({ itemCode: definition.code, version, definition, createdBy: officerOf(actor) });
  const owner = current ? current.ownerCentre : ownerCentre;
  await recordChange(tx, actor, 'item', definition.code, action, current ? { version: current.version, ownerCentre: owner, ...current.definition } : null, {
    version,
    ownerCentre: owner,
    ...definition,
  });
  return { outcome: (current ? 'updated' : 'created') as ItemOutcome, version };
}

/** The columns of `items` that project an item's current definition. */
export const itemColumns = (item: ItemDefinition) => ({
  code: item.code,
  name: item.name,
  nameEn: item.nameEn,
  department: item.department,
  kind: item.kind,
  category: item.category,
  major: item.major,
  statutoryLimitDays: item.statutoryLimitDays,
  promisedLimitDays: item.promisedLimitDays,
});

const organisationTables = {
  centre: { table: centres, key: centres.code },
  department: { table: departments, key: departments.code },
  window: { table: windows, key: windows.code },
  officer: { table: officers, key: officers.id },
} as const;
export type OrganisationEntity = keyof typeof organisationTables;

/**
 * Creates or replaces one record of the organisation; returns it and whether it was created. `check`
 * sees the record as it is, locked, and may throw to refuse the change (an officer's grant).
 */
export async function saveOrganisationRecord(
  db: Db,
  entity: OrganisationEntity,
  key: string,
  values: Record<string, unknown>,
  actor: Actor,
  check?: (before: Record<string, unknown> | undefined) => void,
): Promise<{ created: boolean; record: Record<string, unknown> }> {
  const { table, key: keyColumn } = organisationTables[entity];
  return db.transaction(async (tx) => {
    const [before] = (await tx.select().from(table).where(eq(keyColumn, key)).for('update')) as Record<string, unknown>[];
    check?.(before);
    const row = { ...values, [entity === 'officer' ? 'id' : 'code']: key };
    const [record] = (before
      ? await tx
          .update(table)
          .set({ ...row, updatedAt: sql`now()` } as never)
          .where(eq(keyColumn, key))
          .returning()
      : await tx
          .insert(table)
          .values(row as never)
          .returning()) as Record<string, unknown>[];
    await recordChange(tx, actor, entity, key, before ? 'update' : 'create', before ?? null, record);
    return { created: !before, record };
  });
}

export async function recordChange(
  tx: Tx,
  actor: Actor,
  entity: OrganisationEntity | 'item' | 'calendar',
  key: string,
  action: 'create' | 'update' | 'import',
  before: unknown,
  after: unknown,
) {
  await tx.insert(catalogueChanges).values({ actor: officerOf(actor), entity, key, action, before, after, requestId: actor.requestId });
}

const officerOf = ({ id, name }: Actor): Officer => ({ id, name });

/** Seeds an empty database with the catalogue in db/seed/catalogue.json; a non-empty one is left alone. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { centres, departments, itemDepartments, items } from './schema/index.js';

interface Catalogue {
  centres: (typeof centres.$inferInsert)[];
  departments: (typeof departments.$inferInsert)[];
  items: (typeof items.$inferInsert & { departments: string[]; source?: string })[];
}

export async function seedCatalogue(db: Db): Promise<boolean> {
  const [{ count }] = await db.select({ count: sql<number>`count(*)::int` }).from(centres);
  if (count > 0) return false;
  const file = path.join(import.meta.dirname, 'seed', 'catalogue.json');
  const catalogue = JSON.parse(await readFile(file, 'utf8')) as Catalogue;
  await db.transaction(async (tx) => {
    await tx.insert(centres).values(catalogue.centres).onConflictDoNothing();
    await tx.insert(departments).values(catalogue.departments).onConflictDoNothing();
    for (const { departments: reviewers, source: _source, ...item } of catalogue.items) {
      await tx.insert(items).values(item).onConflictDoNothing();
      await tx
        .insert(itemDepartments)
        .values(reviewers.map((departmentCode) => ({ itemCode: item.code, departmentCode })))
        .onConflictDoNothing();
    }
  });
  return true;
}

/**
 * The item catalogue (事项目录). Every change to an item is a new version; `items` is the current
 * version's projection for lists and search, `item_versions` keeps every version whole, and an
 * application pins the version it was submitted under.
 */
import { boolean, index, integer, jsonb, pgTable, primaryKey, serial, text } from 'drizzle-orm/pg-core';
import type { ItemDefinition } from '../item-definition.js';
import { ITEM_CATEGORIES, ITEM_KINDS, type Officer } from '../../workflows/messages.js';
import { createdAt } from './columns.js';
import { centres, departments } from './organisation.js';

export const items = pgTable(
  'items',
  {
    code: text().primaryKey(),
    name: text().notNull(),
    nameEn: text().notNull(),
    department: text()
      .notNull()
      .references(() => departments.code),
    /** 即办件 immediate, 承诺件 promised, 联办件 joint, 上报件 reported. */
    kind: text({ enum: ITEM_KINDS }).notNull(),
    /** 行政许可 licensing, 其他行政权力 other_power, 公共服务 public_service. */
    category: text({ enum: ITEM_CATEGORIES }).notNull().default('licensing'),
    major: boolean().notNull(),
    statutoryLimitDays: integer().notNull(),
    promisedLimitDays: integer().notNull(),
    currentVersion: integer().notNull(),
    /**
     * Null for the regional catalogue; else the city or county centre that keeps this local item: it is
     * offered there and at the centres below it (as its levels allow), and only that centre's
     * administrators, or those above them, change it. An item never moves between centres.
     */
    ownerCentre: text().references(() => centres.code),
    updatedAt: createdAt(),
  },
  (t) => [
    index('items_department_idx').on(t.department),
    index('items_kind_idx').on(t.kind),
    index('items_category_idx').on(t.category),
    index('items_owner_centre_idx').on(t.ownerCentre),
  ],
);

export const itemVersions = pgTable(
  'item_versions',
  {
    itemCode: text()
      .notNull()
      .references(() => items.code),
    version: integer().notNull(),
    definition: jsonb().$type<ItemDefinition>().notNull(),
    createdAt: createdAt(),
    createdBy: jsonb().$type<Officer>(),
  },
  (t) => [primaryKey({ name: 'item_versions_pk', columns: [t.itemCode, t.version] })],
);

/** Every administrative change to the catalogue or the organisation: who, when, what before and after. */
export const catalogueChanges = pgTable(
  'catalogue_changes',
  {
    id: serial().primaryKey(),
    at: createdAt(),
    actor: jsonb().$type<Officer>().notNull(),
    entity: text({ enum: ['centre', 'department', 'window', 'officer', 'item', 'calendar'] }).notNull(),
    key: text().notNull(),
    action: text({ enum: ['create', 'update', 'import'] }).notNull(),
    before: jsonb(),
    after: jsonb(),
    requestId: text(),
  },
  (t) => [index('catalogue_changes_entity_idx').on(t.entity, t.key)],
);

/** The organisation and the item catalogue (事项目录): data, seeded from db/seed, not code. */
import { integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.js';

/** A government service centre (政务服务中心), identified by its GB/T 2260 administrative code. */
export const centres = pgTable('centres', {
  code: text().primaryKey(),
  name: text().notNull(),
  nameEn: text().notNull(),
  parentCode: text(),
  level: text({ enum: ['region', 'city', 'county'] }).notNull(),
  createdAt: createdAt(),
});

/** A department whose windows sit in the centres' halls. */
export const departments = pgTable('departments', {
  code: text().primaryKey(),
  name: text().notNull(),
  nameEn: text().notNull(),
  createdAt: createdAt(),
});

/** An approval item (事项). */
export const items = pgTable('items', {
  code: text().primaryKey(),
  name: text().notNull(),
  nameEn: text().notNull(),
  /** 即办件 immediate, 承诺件 promised, 联办件 joint, 上报件 reported. */
  kind: text({ enum: ['immediate', 'promised', 'joint', 'reported'] }).notNull(),
  /** The department whose window accepts the application (一口受理). */
  leadDepartment: text()
    .notNull()
    .references(() => departments.code),
  statutoryLimitDays: integer().notNull(),
  promisedLimitDays: integer().notNull(),
  legalBasis: text().notNull(),
  createdAt: createdAt(),
});

/** The departments that review an item in parallel (并联审批). */
export const itemDepartments = pgTable(
  'item_departments',
  {
    itemCode: text()
      .notNull()
      .references(() => items.code),
    departmentCode: text()
      .notNull()
      .references(() => departments.code),
  },
  (t) => [primaryKey({ name: 'item_departments_pk', columns: [t.itemCode, t.departmentCode] })],
);

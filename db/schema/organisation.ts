/** The organisation: centres in a tree, the departments at their windows, and the officers. */
import { sql } from 'drizzle-orm';
import { boolean, check, doublePrecision, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, instant } from './columns.js';

export const CENTRE_LEVELS = ['region', 'city', 'county'] as const;
export type CentreLevel = (typeof CENTRE_LEVELS)[number];

/** A government service centre (政务服务中心), identified by its GB/T 2260 administrative code. */
export const centres = pgTable(
  'centres',
  {
    code: text().primaryKey(),
    name: text().notNull(),
    nameEn: text().notNull(),
    /** The administrative division the centre serves, e.g. 兴宁区. */
    division: text().notNull(),
    parentCode: text(),
    level: text({ enum: CENTRE_LEVELS }).notNull(),
    longitude: doublePrecision().notNull(),
    latitude: doublePrecision().notNull(),
    /** True where the position is the parent city's or a polygon's centroid rather than the seat's. */
    coordinateApproximate: boolean().notNull().default(false),
    /**
     * A demo centre only (codes 4599xx, 4598xx: no real division): each working day lasts this many
     * minutes, every day is worked, no holidays (workflows/rules/working-days.ts). Null for real centres.
     */
    dayMinutes: doublePrecision(),
    createdAt: createdAt(),
    updatedAt: instant(),
  },
  (t) => [index('centres_parent_idx').on(t.parentCode)],
);

export const departments = pgTable('departments', {
  code: text().primaryKey(),
  name: text().notNull(),
  nameEn: text().notNull(),
  /** The levels of centre where the department has windows. */
  levels: jsonb().$type<CentreLevel[]>().notNull(),
  createdAt: createdAt(),
  updatedAt: instant(),
});

/** A window (窗口): one department's counter in one centre's hall. */
export const windows = pgTable(
  'windows',
  {
    code: text().primaryKey(),
    centreCode: text()
      .notNull()
      .references(() => centres.code),
    departmentCode: text()
      .notNull()
      .references(() => departments.code),
    name: text().notNull(),
    createdAt: createdAt(),
    updatedAt: instant(),
  },
  (t) => [uniqueIndex('windows_centre_department_name_uq').on(t.centreCode, t.departmentCode, t.name)],
);

export const OFFICER_ROLES = [
  'window_officer', // 窗口工作人员: takes applications in
  'chief_representative', // 首席代表: decides the department's ordinary items at the window
  'department_leader', // 部门负责人: decides major items
  // 三员 (GB/T 22239, MLPS 2.0): three administrators, none holding another's powers.
  'system_administrator', // 系统管理员: keeps the organisation (but not its officers) and the catalogue
  'security_administrator', // 安全管理员: grants roles (the officers) and integrator keys
  'audit_administrator', // 审计管理员: reads the audit trail
  'supervisor', // 监察: follows alerts and accountability
] as const;
export type OfficerRole = (typeof OFFICER_ROLES)[number];

/** The three administrators (三员): one officer holds at most one of them, since an officer has one role. */
export const ADMINISTRATOR_ROLES = ['system_administrator', 'security_administrator', 'audit_administrator'] as const satisfies readonly OfficerRole[];

export const officers = pgTable(
  'officers',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    role: text({ enum: OFFICER_ROLES }).notNull(),
    centreCode: text()
      .notNull()
      .references(() => centres.code),
    /** Null for administrators and supervisors, who serve the whole centre. */
    departmentCode: text().references(() => departments.code),
    windowCode: text().references(() => windows.code),
    createdAt: createdAt(),
    updatedAt: instant(),
  },
  (t) => [
    index('officers_centre_department_idx').on(t.centreCode, t.departmentCode),
    // The database, too, knows only these roles: a centre_administrator (who held what 三员 separates) cannot come back.
    check('officers_role_check', sql.raw(`role in (${OFFICER_ROLES.map((r) => `'${r}'`).join(', ')})`)),
  ],
);

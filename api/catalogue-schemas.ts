/** Request and response schemas of the catalogue and organisation routes. */
import { z } from 'zod';
import { itemDefinition } from '../db/item-definition.js';
import { CENTRE_LEVELS, OFFICER_ROLES } from '../db/schema/index.js';
import { ITEM_CATEGORIES, ITEM_KINDS } from '../workflows/messages.js';

export const item = itemDefinition.meta({ id: 'ItemDefinition' });

export const ownerCentre = z
  .string()
  .nullable()
  .describe('Null for the regional catalogue; else the city or county centre whose local item it is, offered there and below');

export const itemView = z
  .object({
    version: z.number().int(),
    createdAt: z.string(),
    createdBy: z.object({ id: z.string(), name: z.string().optional() }).nullable(),
    ownerCentre: ownerCentre,
    definition: item,
  })
  .meta({ id: 'ItemVersion' });

/**
 * What PUT /v1/items/{code} takes: the definition, or the item exactly as GET returns it, edited. Its
 * definition is the change; version, createdAt, createdBy and ownerCentre are the server's and ignored.
 */
export const itemChange = z.union([item, itemView]);

/** A change to the catalogue, the organisation or the calendar, as recorded: who, when, before and after. */
export const catalogueChange = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.object({ id: z.string(), name: z.string().nullish() }),
  entity: z.enum(['centre', 'department', 'window', 'officer', 'item', 'calendar']),
  key: z.string().describe('The code or id of what changed; a calendar’s is CN/<year>, <region>/<year> or a centre’s code'),
  action: z.enum(['create', 'update', 'import']),
  before: z.unknown().describe('The record before the change; null when it was created'),
  after: z.unknown().describe('The record after the change'),
  requestId: z.string().nullable().describe('The request that made it, as the log and the audit trail name it'),
});

export const itemListQuery = z.object({
  department: z.string().optional(),
  kind: z.enum(ITEM_KINDS).optional(),
  category: z.enum(ITEM_CATEGORIES).optional().describe('Only items of this category: `licensing` (行政许可), `other_power` (其他行政权力), `public_service` (公共服务)'),
  level: z.enum(CENTRE_LEVELS).optional(),
  q: z.string().trim().min(1).max(100).optional().describe('Search in code and names'),
  centre: z.string().regex(/^\d{6}$/).optional().describe('Only the items offered at this centre: the regional catalogue and the local items of it and the centres above it'),
});

export const centre = z
  .object({
    code: z.string().regex(/^\d{6}$/, 'must be a 6-digit GB/T 2260 code'),
    name: z.string().trim().min(1).max(100),
    nameEn: z.string().trim().min(1).max(200),
    division: z.string().trim().min(1).max(100),
    parentCode: z.string().regex(/^\d{6}$/).nullable(),
    level: z.enum(CENTRE_LEVELS),
    longitude: z.number().min(-180).max(180),
    latitude: z.number().min(-90).max(90),
    coordinateApproximate: z.boolean().default(false),
    dayMinutes: z
      .number()
      .positive()
      .max(1440)
      .nullable()
      .default(null)
      .describe(
        'A demo setting, accepted only for the demo codes 4598xx and 4599xx: each working day at this centre lasts this many minutes, every day is worked, no holidays, so limits pass within minutes (npm run simulate -- --demo). Null for every real centre.',
      ),
  })
  .meta({ id: 'Centre' });

export const department = z
  .object({
    code: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lower-case words joined by underscores'),
    name: z.string().trim().min(1).max(100),
    nameEn: z.string().trim().min(1).max(200),
    levels: z.array(z.enum(CENTRE_LEVELS)).min(1),
  })
  .meta({ id: 'Department' });

export const window = z
  .object({ code: z.string().min(1).max(100), centreCode: z.string(), departmentCode: z.string(), name: z.string().trim().min(1).max(100) })
  .meta({ id: 'Window' });

export const officer = z
  .object({
    id: z.string().min(1).max(100),
    name: z.string().trim().min(1).max(100),
    role: z.enum(OFFICER_ROLES),
    centreCode: z.string(),
    departmentCode: z.string().nullable().default(null),
    windowCode: z.string().nullable().default(null),
  })
  .meta({ id: 'OfficerRecord' });

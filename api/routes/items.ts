/** The item catalogue: search, versions, administrators' edits, import and export. */
import { type FastifyPluginAsyncZod, validatorCompiler } from 'fastify-type-provider-zod';
import { and, desc, eq, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { findCentre, findItemVersion, listDepartments, listItems, listItemVersions } from '../../db/catalogue.js';
import { type ItemOutcome, saveItem } from '../../db/catalogue-writes.js';
import { type ItemDefinition, unknownDepartments } from '../../db/item-definition.js';
import { catalogueChanges } from '../../db/schema/index.js';
import { CHANGE_LOG_READERS, SYSTEM_ADMINISTRATORS, recordedActor, requireCentre, requireRegion, staffOf } from '../auth.js';
import { csvToRawItems, itemsToCsv, validateImport } from '../catalogue-io.js';
import { catalogueChange, item, itemChange, itemListQuery, itemView, ownerCentre } from '../catalogue-schemas.js';
import { HttpError, errorBody, invalid, notFound } from '../errors.js';
import { iso } from '../views.js';
import { ITEM_CATEGORIES } from '../../workflows/messages.js';
import { centrePrefix } from '../../workflows/rules/authority.js';
import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import {
  changeItemExamples,
  changesExamples,
  createItemExamples,
  exportExamples,
  getItemExamples,
  importExamples,
  itemVersionExamples,
  itemVersionsExamples,
  listItemsExamples,
} from '../examples/catalogue.js';

const tags = ['catalogue'];
const codeParams = z.object({ code: z.string().min(1).max(100) });
const summary = z.object({
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  department: z.string(),
  kind: z.string(),
  category: z.enum(ITEM_CATEGORIES).describe('`licensing` (行政许可), `other_power` (其他行政权力) or `public_service` (公共服务)'),
  major: z.boolean(),
  statutoryLimitDays: z.number(),
  promisedLimitDays: z.number(),
  levels: z.array(z.string()),
  currentVersion: z.number(),
  ownerCentre,
});

const LEVEL_RANK = { region: 0, city: 1, county: 2 } as const;

/** An item change sent as GET returns the item: its definition inside. */
const isItemVersion = (body: unknown): body is { definition: unknown } => typeof body === 'object' && body !== null && 'definition' in body;

/**
 * Checks an item change as the form that was sent, so that a mistake is named by its field
 * (body.promisedLimitDays, or body.definition.promisedLimitDays) as for POST: checked as the union of
 * both forms, a wrong type could only be told as "fits neither".
 */
const itemChangeValidator: FastifySchemaCompiler<unknown> = (route) => {
  if (route.httpPart !== 'body') return validatorCompiler({ ...route, schema: route.schema as z.ZodType });
  const asDefinition = validatorCompiler({ ...route, schema: item });
  const asReturned = validatorCompiler({ ...route, schema: itemView });
  return (body: unknown) => (isItemVersion(body) ? asReturned : asDefinition)(body);
};

export const itemRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  const versionView = (v: NonNullable<Awaited<ReturnType<typeof findItemVersion>>>) => ({
    version: v.version,
    createdAt: iso(v.createdAt)!,
    createdBy: v.createdBy ?? null,
    ownerCentre: v.ownerCentre,
    definition: v.definition,
  });

  app.get(
    '/items',
    {
      schema: { tags, summary: 'Items, filtered and searched by code or name; with ?centre= those offered there', querystring: itemListQuery, response: { 200: z.object({ items: z.array(summary) }) } },
      config: { access: 'public', examples: listItemsExamples },
    },
    async (request) => ({
      items: (await listItems(db, request.query)).map(({ item: row, definition }) => ({ ...row, levels: definition.levels })),
    }),
  );

  app.get(
    '/items/:code',
    {
      schema: { tags, summary: 'The current version of an item: PUT takes it back, edited', params: codeParams, response: { 200: itemView, 404: errorBody } },
      config: { access: 'public', examples: getItemExamples },
    },
    async (request) => {
      const found = await findItemVersion(db, request.params.code);
      if (!found) throw notFound(`Item ${request.params.code}`);
      return versionView(found);
    },
  );

  app.get(
    '/items/:code/versions',
    {
      schema: { tags, summary: 'Every version of an item', params: codeParams, response: { 200: z.object({ versions: z.array(itemView.omit({ definition: true, ownerCentre: true })) }), 404: errorBody } },
      config: { access: 'public', examples: itemVersionsExamples },
    },
    async (request) => {
      const versions = await listItemVersions(db, request.params.code);
      if (versions.length === 0) throw notFound(`Item ${request.params.code}`);
      return { versions: versions.map((v) => ({ version: v.version, createdAt: iso(v.createdAt)!, createdBy: v.createdBy ?? null })) };
    },
  );

  app.get(
    '/items/:code/versions/:version',
    {
      schema: {
        tags,
        summary: 'One version of an item: the rules an application submitted under it runs by',
        params: codeParams.extend({ version: z.coerce.number().int().min(1).max(2_147_483_647) }),
        response: { 200: itemView, 404: errorBody },
      },
      config: { access: 'public', examples: itemVersionExamples },
    },
    async (request) => {
      const found = await findItemVersion(db, request.params.code, request.params.version);
      if (!found) throw notFound(`Version ${request.params.version} of item ${request.params.code}`);
      return versionView(found);
    },
  );

  app.post(
    '/items',
    {
      schema: {
        tags,
        summary: 'Create an item (system administrators): in the regional catalogue by the region’s, a local item of their centre by a city’s or county’s',
        body: item,
        response: { 201: itemView, 400: errorBody, 403: errorBody, 409: errorBody },
      },
      config: { access: SYSTEM_ADMINISTRATORS, examples: createItemExamples },
    },
    async (request, reply) => {
      const owner = ownerFor(request);
      const actor = recordedActor(request);
      // The answer is the new version, whose code is inside its definition: the audit row names the item.
      request.auditTarget = request.body.code;
      if (owner) await checkLocalLevels(request.body, owner);
      await checkDepartments(request.body);
      if (await findItemVersion(db, request.body.code)) {
        throw new HttpError(409, 'item_exists', `Item ${request.body.code} exists; PUT /v1/items/${request.body.code} makes a new version`);
      }
      await db.transaction((tx) => saveItem(tx, request.body, actor, 'create', owner));
      return reply.status(201).send(versionView((await findItemVersion(db, request.body.code))!));
    },
  );

  app.put(
    '/items/:code',
    {
      schema: {
        tags,
        summary: 'Change an item: a new version; running applications keep theirs (system administrators)',
        description:
          'Takes the definition, or the item exactly as `GET /v1/items/{code}` returns it, edited: its `definition` is the change, ' +
          'and `version`, `createdAt`, `createdBy` and `ownerCentre` are the server’s, ignored. A definition equal to the current one makes no new version.',
        params: codeParams,
        body: itemChange,
        response: { 200: itemView, 400: errorBody, 403: errorBody, 404: errorBody },
      },
      validatorCompiler: itemChangeValidator,
      config: { access: SYSTEM_ADMINISTRATORS, examples: changeItemExamples },
    },
    async (request) => {
      const sent = request.body;
      const [definition, at] = isItemVersion(sent) ? [sent.definition, 'body.definition'] : [sent, 'body'];
      const current = await findItemVersion(db, request.params.code);
      if (!current) {
        requireRegion(request, 'change the catalogue');
        throw notFound(`Item ${request.params.code}`);
      }
      // The regional catalogue is the region's; a local item is its centre's, and the centres' above it.
      if (current.ownerCentre) {
        requireCentre(request, current.ownerCentre, `change local item ${request.params.code}`);
        request.auditCentre = current.ownerCentre;
      } else requireRegion(request, 'change the regional catalogue');
      const actor = recordedActor(request);
      if (definition.code !== request.params.code) throw invalid(`${at}.code`, `must equal the code in the path (${request.params.code})`);
      if (current.ownerCentre) await checkLocalLevels(definition, current.ownerCentre, at);
      await checkDepartments(definition, at);
      await db.transaction((tx) => saveItem(tx, definition, actor, 'update'));
      return versionView((await findItemVersion(db, request.params.code))!);
    },
  );

  app.get(
    '/catalogue/export',
    {
      schema: {
        tags,
        summary: 'The whole catalogue (current versions) as JSON or CSV',
        querystring: z.object({ format: z.enum(['json', 'csv']).default('json') }),
      },
      config: { access: 'public', examples: exportExamples },
    },
    async (request, reply) => {
      // The regional catalogue: an import is the region's, and would make a local item regional.
      const definitions = (await listItems(db, {})).filter((row) => !row.item.ownerCentre).map((row) => row.definition);
      if (request.query.format === 'csv') {
        return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="items.csv"').send(itemsToCsv(definitions));
      }
      return reply.header('content-disposition', 'attachment; filename="items.json"').send({ items: definitions });
    },
  );

  app.post(
    '/catalogue/import',
    {
      // A whole catalogue of several thousand items fits; every other route keeps the 64 KiB default.
      bodyLimit: 8 * 1_048_576,
      schema: {
        tags,
        summary: 'Import items from JSON ({"items": [...]}) or CSV (text/csv): all or nothing (system administrators)',
        body: z.union([z.object({ items: z.array(z.unknown()) }), z.string()]),
        response: {
          200: z.object({ created: z.array(z.string()), updated: z.array(z.string()), unchanged: z.array(z.string()) }),
          400: errorBody,
          403: errorBody,
        },
      },
      config: { access: SYSTEM_ADMINISTRATORS, examples: importExamples },
    },
    async (request) => {
      requireRegion(request, 'change the catalogue');
      const actor = recordedActor(request);
      const { rows, problems: parseProblems } =
        typeof request.body === 'string' ? csvToRawItems(request.body) : { rows: request.body.items, problems: [] };
      const known = new Set((await listDepartments(db)).map((d) => d.code));
      const { items, problems } = validateImport(rows, known, parseProblems);
      if (problems.length > 0) {
        throw new HttpError(400, 'validation_failed', `The import changed nothing: ${problems.length} problem(s) in the rows`, problems);
      }
      const result: Record<ItemOutcome, string[]> = { created: [], updated: [], unchanged: [] };
      await db.transaction(async (tx) => {
        for (const definition of items) result[(await saveItem(tx, definition, actor, 'import')).outcome].push(definition.code);
      });
      // The audit row names the items created and changed (their count beyond the first 50); each change is in /v1/catalogue/changes.
      const touched = [...result.created, ...result.updated];
      request.auditTarget = touched.length > 50 ? `${touched.slice(0, 50).join(',')},… (${touched.length} items)` : touched.join(',') || '-';
      return result;
    },
  );

  app.get(
    '/catalogue/changes',
    {
      schema: {
        tags,
        summary: 'Changes to the catalogue and the organisation, newest first: who, when, before and after',
        querystring: z.object({
          entity: z.enum(['centre', 'department', 'window', 'officer', 'item']).optional(),
          key: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ changes: z.array(catalogueChange) }) },
        description:
          'Scoped like the organisation it records: the changes that concern the caller’s centre or a centre below it ' +
          '(also a window or officer moved away from one); at the regional centre also the regional catalogue, departments and national calendar.',
      },
      config: { access: CHANGE_LOG_READERS, examples: changesExamples },
    },
    async (request) => {
      const { entity, key, limit } = request.query;
      const rows = await db
        .select()
        .from(catalogueChanges)
        .where(and(changesWithin(staffOf(request).centreCode), entity ? eq(catalogueChanges.entity, entity) : undefined, key ? eq(catalogueChanges.key, key) : undefined))
        .orderBy(desc(catalogueChanges.id))
        .limit(limit);
      return { changes: rows.map((row) => ({ ...row, at: iso(row.at)! })) };
    },
  );

  /**
   * The changes a supervisor or administrator of a centre may read: those whose centre (a centre's
   * code, a calendar's region or centre, a window's or officer's centre before or after, a local
   * item's owner) is theirs or below; at the regional centre also those of no centre (departments,
   * the regional catalogue, the national calendar CN/<year>).
   */
  function changesWithin(scope: string) {
    const { entity, key, before, after } = catalogueChanges;
    const place = sql`case ${entity} when 'centre' then ${key} when 'calendar' then split_part(${key}, '/', 1)
      else coalesce(${after}->>'centreCode', ${after}->>'ownerCentre', ${before}->>'centreCode', ${before}->>'ownerCentre') end`;
    const prefix = `${centrePrefix(scope)}%`;
    const below = or(sql`${place} like ${prefix}`, sql`${before}->>'centreCode' like ${prefix}`);
    return centrePrefix(scope).length > 2 ? below : or(below, sql`${place} is null`, sql`${place} = 'CN'`);
  }

  /** Who keeps a new item: null (the regional catalogue) for the region's administrators, else the administrator's own centre. */
  function ownerFor(request: FastifyRequest): string | null {
    const { centreCode } = staffOf(request);
    if (centrePrefix(centreCode).length <= 2) return null;
    request.auditCentre = centreCode;
    return centreCode;
  }

  /** A local item is taken in at its centre's level or below: a city's at city and county centres, a county's at its own. */
  async function checkLocalLevels(definition: ItemDefinition, owner: string, at = 'body') {
    const centre = await findCentre(db, owner);
    if (!centre) throw notFound(`Centre ${owner}`);
    const above = definition.levels.filter((level) => LEVEL_RANK[level] < LEVEL_RANK[centre.level]);
    if (above.length > 0) {
      throw invalid(`${at}.levels`, `a local item of ${centre.level} centre ${owner} is not taken in at a ${above.join(' or ')} centre`);
    }
  }

  /** The schema cannot know the departments: they are data. */
  async function checkDepartments(definition: ItemDefinition, at = 'body') {
    const known = new Set((await listDepartments(db)).map((d) => d.code));
    const details = unknownDepartments(definition, known).map((p) => ({ field: [at, ...p.path].join('.'), message: p.message }));
    if (details.length > 0) {
      throw new HttpError(400, 'validation_failed', details.map((d) => `${d.field}: ${d.message}`).join('; '), details);
    }
  }
};

/**
 * The organisation: centres (as a tree), departments, windows and officers. System administrators
 * (系统管理员) keep the centres, departments and windows; the officers, who carry the roles, are the
 * security administrators' (安全管理员), under the grant rules of api/grants.ts.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { centrePrefix, findCentre, findOfficer, listCentres, listDepartments, listOfficers, listWindows } from '../../db/catalogue.js';
import type { Db } from '../../db/client.js';
import { centres, windows } from '../../db/schema/index.js';
import { eq } from 'drizzle-orm';
import { type OrganisationEntity, saveOrganisationRecord } from '../../db/catalogue-writes.js';
import { CENTRE_LEVELS, type CentreLevel, OFFICER_ROLES } from '../../db/schema/index.js';
import { OFFICER_ID_RULE, SECURITY_ADMINISTRATORS, STAFF, SYSTEM_ADMINISTRATORS, forbidden, isOfficerId, recordedActor, requireCentre, requireRegion, staffOf } from '../auth.js';
import { type OfficerPlace, grantRefusal, grantTarget } from '../grants.js';
import { centre, department, officer, window } from '../catalogue-schemas.js';
import { departmentNames } from '../../db/department-names.js';
import { isDemoCentreCode } from '../../db/demo.js';
import { errorBody, invalid, notFound } from '../errors.js';
import type { RouteExamples } from '../openapi.js';
import {
  centreExamples,
  centresExamples,
  departmentsExamples,
  officersExamples,
  putCentreExamples,
  putDepartmentExamples,
  putOfficerExamples,
  putWindowExamples,
  windowsExamples,
} from '../examples/organisation.js';

type CentreNode = z.output<typeof centre> & { children: CentreNode[] };
// Named, so that /docs can refer to the tree by its name: a recursive schema has no other way there.
const centreNode: z.ZodType<CentreNode> = z.lazy(() => centre.extend({ children: z.array(centreNode) })).meta({ id: 'CentreNode' });
const tags = ['organisation'];
const codeParams = z.object({ code: z.string().min(1).max(100) });

/** A department as listed: with its name at each level where it has windows (公安厅 at the region, 公安局 in a city or county). */
const departmentWithNames = department.extend({
  names: z.partialRecord(z.enum(CENTRE_LEVELS), z.string()).describe('The name at each level where it has windows: region 公安厅, city and county 公安局'),
});

export const organisationRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;

  app.get(
    '/centres',
    {
      schema: {
        tags,
        summary: 'Every centre: as a tree under the regional centre, or a flat list with ?flat=1',
        querystring: z.object({ flat: z.enum(['0', '1']).optional() }),
        response: { 200: z.object({ centres: z.array(z.union([centreNode, centre])) }) },
      },
      config: { access: 'public', examples: centresExamples },
    },
    async (request) => {
      const rows = await listCentres(db);
      if (request.query.flat === '1') return { centres: rows };
      const nodes = new Map(rows.map((row) => [row.code, { ...row, children: [] as CentreNode[] }]));
      const roots: CentreNode[] = [];
      for (const node of nodes.values()) (node.parentCode ? nodes.get(node.parentCode)?.children : roots)?.push(node);
      return { centres: roots };
    },
  );

  app.get(
    '/centres/:code',
    { schema: { tags, params: codeParams, response: { 200: centre, 404: errorBody } }, config: { access: 'public', examples: centreExamples } },
    async (request) => (await findCentre(db, request.params.code)) ?? Promise.reject(notFound(`Centre ${request.params.code}`)),
  );

  app.get(
    '/departments',
    { schema: { tags, response: { 200: z.object({ departments: z.array(departmentWithNames) }) } }, config: { access: 'public', examples: departmentsExamples } },
    async () => ({ departments: (await listDepartments(db)).map((d) => ({ ...d, names: departmentNames(d) })) }),
  );

  app.get(
    '/windows',
    {
      schema: {
        tags,
        querystring: z.object({ centre: z.string().optional(), department: z.string().optional() }),
        response: { 200: z.object({ windows: z.array(window) }) },
      },
      config: { access: 'public', examples: windowsExamples },
    },
    async (request) => ({ windows: await listWindows(db, request.query) }),
  );

  app.get(
    '/officers',
    {
      schema: {
        tags,
        querystring: z.object({
          centre: z.string().optional(),
          department: z.string().optional(),
          window: z.string().optional(),
          role: z.enum(OFFICER_ROLES).optional(),
        }),
        response: { 200: z.object({ officers: z.array(officer) }) },
      },
      config: { access: STAFF, examples: officersExamples },
    },
    async (request) => ({ officers: await listOfficers(db, request.query) }),
  );

  putRoute(app, 'centre', '/centres/:code', centre, putCentreExamples);
  putRoute(app, 'department', '/departments/:code', department, putDepartmentExamples);
  putRoute(app, 'window', '/windows/:code', window, putWindowExamples);
  putRoute(app, 'officer', '/officers/:code', officer, putOfficerExamples);
};

/** PUT creates or replaces a record; the key in the path must match the body's. */
function putRoute(app: FastifyInstance, entity: OrganisationEntity, url: string, body: z.ZodObject, examples: RouteExamples) {
  app.withTypeProvider<ZodTypeProvider>().put(
    url,
    {
      schema: {
        tags,
        summary: `Create or replace a ${entity} (${entity === 'officer' ? 'security' : 'system'} administrators)`,
        params: codeParams,
        body,
        response: { 200: body, 201: body, 400: errorBody, 401: errorBody, 403: errorBody },
      },
      config: { access: entity === 'officer' ? SECURITY_ADMINISTRATORS : SYSTEM_ADMINISTRATORS, examples },
    },
    async (request, reply) => {
      const values = request.body as Record<string, unknown>;
      // Departments serve the whole region; a centre, its windows and its officers are kept by its administrators or those above.
      if (entity === 'department') requireRegion(request, 'change the departments');
      else {
        const centreCode = entity === 'centre' ? request.params.code : String(values.centreCode);
        requireCentre(request, centreCode, 'change the organisation');
        // Nor may an administrator take over another centre's window or officer by moving it to theirs.
        const existing = await currentCentreOf(app.deps.database.db, entity, request.params.code);
        if (existing) requireCentre(request, existing, 'change the organisation');
        if (entity === 'centre') await checkCentrePlace(app.deps.database.db, request, request.params.code, values);
        request.auditCentre = centreCode;
      }
      const actor = recordedActor(request);
      const keyField = entity === 'officer' ? 'id' : 'code';
      if (values[keyField] !== request.params.code) {
        throw invalid(`body.${keyField}`, `must equal the ${keyField} in the path (${request.params.code})`);
      }
      // The API names its callers by kind (officer:<id>, integrator:<key id>): an officer id must not read as another kind.
      if (entity === 'officer' && !isOfficerId(request.params.code)) throw invalid('body.id', OFFICER_ID_RULE);
      // Compressed working days are a demo's: no real centre may have them (db/demo.ts).
      if (entity === 'centre' && values.dayMinutes != null && !isDemoCentreCode(request.params.code)) {
        throw invalid('body.dayMinutes', 'is a demo setting: only a demo centre (code 4598xx or 4599xx) may have compressed working days');
      }
      // GB/T 2260 codes nest (450000 ⊃ 450100 ⊃ 450102): statistics and scopes rely on it.
      const parent = entity === 'centre' ? (values.parentCode as string | null) : null;
      if (parent && !request.params.code.startsWith(centrePrefix(parent))) {
        throw invalid('body.code', `a centre under ${parent} has a code starting with ${centrePrefix(parent)}`);
      }
      // A grant: checked here for the answer, and again on the row as locked in the transaction that writes it.
      let check: ((before: Record<string, unknown> | undefined) => void) | undefined;
      if (entity === 'officer') {
        const grantor = staffOf(request);
        const after = values as unknown as OfficerPlace;
        check = (before) => {
          const refusal = grantRefusal(grantor, before as OfficerPlace | undefined, after);
          if (refusal) throw forbidden(refusal);
          // The audit row says the grant, so that an auditor can list who was given which role.
          request.auditTarget = grantTarget(before as OfficerPlace | undefined, after);
        };
        check(await findOfficer(app.deps.database.db, request.params.code));
      }
      try {
        const { created, record } = await saveOrganisationRecord(app.deps.database.db, entity, request.params.code, values, actor, check);
        return reply.status(created ? 201 : 200).send(record);
      } catch (err) {
        // A foreign key names the centre, department or window that does not exist.
        const pgError = ((err as { cause?: unknown }).cause ?? err) as { code?: string; constraint?: string };
        const field = pgError.code === '23503' ? pgError.constraint?.match(/_(centre|department|window)_code_/)?.[1] : undefined;
        if (field) throw invalid(`body.${field}Code`, `unknown ${field} ${String(values[`${field}Code`])}`);
        throw err;
      }
    },
  );
}

const LEVEL_RANK: Record<CentreLevel, number> = { region: 0, city: 1, county: 2 };

/**
 * A centre's level and parent decide what it takes in and who keeps it: only an administrator above
 * the centre sets or changes them (its own administrators keep the rest), under a parent within
 * their scope, at a level below the parent's.
 */
async function checkCentrePlace(db: Db, request: FastifyRequest, code: string, values: Record<string, unknown>) {
  const level = values.level as CentreLevel;
  const parentCode = values.parentCode as string | null;
  const existing = await findCentre(db, code);
  if (existing && existing.level === level && existing.parentCode === parentCode) return;
  const officer = requireCentre(request, code, 'place a centre');
  const what = existing ? `change the level or parent of centre ${code}` : `create centre ${code}`;
  if (officer.centreCode === code) throw forbidden(`${officer.id} may not ${what}: only an administrator above it may`);
  if (parentCode === null) throw forbidden(`${officer.id} may not ${what} without a parent: no administrator would be above it`);
  requireCentre(request, parentCode, `${what} under centre ${parentCode}`);
  const parent = await findCentre(db, parentCode);
  if (!parent) throw invalid('body.parentCode', `unknown centre ${parentCode}`);
  const below = CENTRE_LEVELS.filter((l) => LEVEL_RANK[l] > LEVEL_RANK[parent.level]);
  if (!below.includes(level)) {
    throw invalid('body.level', below.length ? `a centre under ${parent.level} centre ${parentCode} is at a level below it (${below.join(' or ')})` : `${parent.level} centre ${parentCode} has no centres below it`);
  }
  const children = await db.select({ code: centres.code, level: centres.level }).from(centres).where(eq(centres.parentCode, code));
  const notBelow = children.filter((child) => LEVEL_RANK[child.level] <= LEVEL_RANK[level]);
  if (notBelow.length > 0) throw invalid('body.level', `centres ${notBelow.map((c) => c.code).join(', ')} under ${code} would not be below a ${level} centre`);
}

/** The centre an existing window or officer belongs to now. */
async function currentCentreOf(db: Db, entity: OrganisationEntity, code: string): Promise<string | undefined> {
  if (entity === 'officer') return (await findOfficer(db, code))?.centreCode;
  if (entity === 'window') return (await db.select({ centreCode: windows.centreCode }).from(windows).where(eq(windows.code, code)))[0]?.centreCode;
  return undefined;
}

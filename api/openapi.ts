/** OpenAPI 3 generated from the routes' zod schemas, browsable at /docs. */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/** One example of a request or an answer, shown in /docs; `summary` in English and Chinese where it helps. */
export interface Example {
  summary: string;
  description?: string;
  value: unknown;
}

/**
 * A route's examples, given in its `config.examples`: the request body's, the query's (each example a
 * whole query; /docs shows each parameter's value) and each answer's by status. An answer of the error
 * shape gets a shared example of its status unless the route gives its own. They are checked against
 * the route's own zod schemas (tests/openapi-docs.test.ts), so they cannot drift.
 */
export interface RouteExamples {
  body?: Record<string, Example>;
  querystring?: Record<string, Example>;
  responses?: Record<number, Record<string, Example>>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    examples?: RouteExamples;
  }
}

/** A route as the document is made from it: its zod schemas and examples, before they become JSON. */
export interface DocumentedRoute {
  method: string;
  url: string;
  schema: FastifySchema;
  examples?: RouteExamples;
}

const documented = new WeakMap<FastifyInstance, DocumentedRoute[]>();

/** The routes in /docs, with the zod schemas their examples must satisfy. */
export const documentedRoutes = (app: FastifyInstance): readonly DocumentedRoute[] => documented.get(app) ?? [];

const DESCRIPTION = `
One window for a region's government approvals (一窗受理). An integrator (an online portal, another
government system) submits an application; the window of the item's lead department takes it in
(受理); every department the item needs reviews it **in parallel** (并联审批); once all have approved
it is completed (办结) and the applicant picks up the result (取件). Each application is a durable
workflow: no decision, application or deadline is lost, and its whole history can be read.

## An application's life

Its \`stage\` says where it is:

| stage | what it means | what moves it on |
|---|---|---|
| \`submitted\` | waiting for intake at the lead department's window | the window accepts it (受理) → \`in_review\`; asks for every missing material at once (补正, 一次性告知) → \`supplement_requested\`; or does not accept it, with a reason (不予受理) → \`not_accepted\` |
| \`supplement_requested\` | the applicant must hand in what intake listed | the applicant's supplement (\`POST /v1/applications/{no}/supplements\`) → \`submitted\` again |
| \`in_review\` | accepted; the departments review it | every department of every step approves → \`completed\`; the first rejection → \`rejected\` (the other open reviews are withdrawn) |
| \`completed\` | approved (办结), waiting for pickup | the window hands the result over (\`POST /v1/applications/{no}/pickup\`) → \`picked_up\` |
| \`picked_up\` | the applicant collected the result (取件); closed | |
| \`rejected\` | a department rejected it, or its unpaid fee ended it (终止办理); closed | |
| \`not_accepted\` | intake refused to accept it (不予受理); closed | |

**Reviews.** An item's \`steps\` run one after another and the departments of a step review in
parallel; the next step opens when all of them have approved (a construction project: land and
planning, then the works permit, ...). Each review is \`open\`, then \`approved\` or \`rejected\`
(or \`withdrawn\` when another department rejected first), decided by the department's chief
representative (首席代表), or by a leader for a major item. An immediate item (即办件) is approved by the
intake window on the spot; a reported item (上报件) is taken in at a city or county centre and decided
by the centre above it.

**Time limits.** Limits count **working days** in China: weekends and public holidays do not count,
the State Council's adjusted working weekends (调休) do, and the day of acceptance does not
(\`GET /v1/calendar/due\` does the same arithmetic). From acceptance every application has a promised
limit (承诺办结时限) and a longer statutory one (法定办结时限), and each review a promised limit of its own
from the opening of its step. The supervision raises **yellow** \`warningDays\` (1 unless the item says
otherwise) before the promised limit, **red** when it passes and **statutory_red** when the statutory
one does; each alert names the responsible officers, and a red one opens an accountability case
(责任追究). A review's clock stands still while the applicant supplies missing material (补正) and
during the procedures the law leaves out of the limit (hearing 听证, inspection 检验检测, expert review
专家评审, ...); the due instants then move by the working days stopped. A leader may extend the
statutory limit once (10 working days, 15 for a joint item).

**Fees.** An item with a fee schedule (行政事业性收费) is assessed at intake or once every department
has approved; the applicant pays through the region's non-tax payment platform, and pickup waits for
the payment where the item says so (\`409 fee_unpaid\`).

**Following changes.** Integrators can register webhook endpoints (tag \`webhooks\`) to learn of every
change instead of polling.

**Errors** always look like \`{"error": {"code", "message", "details"}}\`: 400 \`validation_failed\`
names each bad field (in Chinese too, as \`messageZh\`, with \`Accept-Language: zh\`), 404 \`not_found\`,
409 when the application's rules refuse (\`wrong_stage\`, \`missing_materials\`, ...), 401 and 403 for
credentials and roles, 503 \`unavailable\` when nothing was done and a retry will do. Every route but
the public catalogue needs credentials: an integrator key (\`X-API-Key\`) or a staff token
(\`Authorization: Bearer\`).
`.trim();

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const routes: DocumentedRoute[] = [];
  documented.set(app, routes);
  app.addHook('onRoute', (route) => {
    const schema = route.schema as (FastifySchema & { hide?: boolean }) | undefined;
    if (!schema || schema.hide) return;
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url, schema, examples: route.config?.examples });
    }
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'OneWindow API', description: DESCRIPTION, version: '0.1.0' },
      components: {
        securitySchemes: {
          staffToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A staff token whose subject is an officer id (`npm run token -- <officer-id>` locally)' },
          integratorKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An integrator key from POST /v1/integrators, shown once' },
        },
      },
      tags: [
        {
          name: 'applications',
          description:
            'Submission, the read model and the history. An application goes `submitted` → `in_review` (受理) → `completed` (办结) → `picked_up` (取件), ' +
            'or ends `not_accepted` (不予受理) or `rejected`; intake may first ask for material (补正, `supplement_requested`). See the description above.',
        },
        { name: 'window', description: 'Decisions recorded at a window: intake (受理, 不予受理, 补正), the departments’ reviews (并联审批), clock stops and extensions, pickup (取件)' },
        { name: 'attachments', description: 'The applicant’s materials as files (PDF, JPEG, PNG, OFD)' },
        { name: 'catalogue', description: 'Items (事项) and their versions; import and export. `GET /v1/items/{code}` returns what `PUT` takes back, edited.' },
        { name: 'organisation', description: 'Centres, departments, windows and officers' },
        { name: 'calendar', description: 'Working days, holidays and due dates' },
        { name: 'fees', description: 'Fees (行政事业性收费): assessment, payment notices and payment codes, the payment platform’s signed notifications, refunds, reconciliation' },
        { name: 'ratings', description: 'Ratings of government services (好差评): by the integrator, or on the public page of a notice’s one-time code' },
        {
          name: 'follow-ups',
          description:
            'Follow-ups (督办): every bad rating contacted back and rectified, every complaint (投诉, 有诉必查) accepted, investigated and answered, each within its limit in working days; a limit passed or a substantiated complaint opens an accountability case',
        },
        { name: 'supervision', description: 'Alerts of the electronic supervision (电子监察)' },
        {
          name: 'webhooks',
          description:
            'Webhooks: endpoints an integrator registers to be told of each change of its applications, signed as the Standard Webhooks specification describes (webhook-id, webhook-timestamp, webhook-signature), retried with backoff for days, with a delivery log and replay',
        },
        { name: 'video', description: 'Video monitoring of service behaviour (服务行为视频监控): the windows’ cameras, and views of their recordings' },
        { name: 'temporal', description: 'The payload codec the Temporal UI calls to show the workflows’ encrypted payloads' },
        { name: 'operations', description: 'Health and readiness' },
        { name: 'integrators', description: 'API keys of portals and other systems (administrators)' },
        { name: 'identity', description: 'Who the caller is' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: (document) => oneSchemaPerShape(withExamples(jsonSchemaTransformObject(document) as OpenApiDocument, routes)),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}

// ---------------------------------------------------------------------------------------------------------
// Examples

type Json = Record<string, unknown>;
const ERROR_REF = '#/components/schemas/Error';

const error = (summary: string, code: string, message: string, details?: Json[]): Record<string, Example> => ({
  error: { summary, value: { error: { code, message, ...(details && { details }) } } },
});

/** The one error shape (api/errors.ts), as each status answers it: shown on every answer of that shape. */
const ERROR_EXAMPLES: Record<string, Record<string, Example>> = {
  400: error('A field that is not valid (字段校验不通过); with Accept-Language: zh each detail also in Chinese', 'validation_failed', 'body.promisedLimitDays: must not exceed statutoryLimitDays (20)', [
    { field: 'body.promisedLimitDays', message: 'must not exceed statutoryLimitDays (20)', messageZh: '承诺办结时限不能超过法定办结时限（20个工作日）' },
  ]),
  401: error('No valid credentials (未认证)', 'unauthorized', 'This route needs a signed-in session (/auth/login), a staff token (Authorization: Bearer) or an integrator key (X-API-Key)'),
  403: error('The caller’s role, centre or department does not allow it (无权限)', 'forbidden', '450200-admin of centre 450200 may not change the organisation at centre 450100'),
  404: error('Not found (不存在)', 'not_found', 'Application 450100-20261128-000001 was not found'),
  409: error('Refused by the application’s rules (业务规则拒绝)', 'wrong_stage', 'Intake is possible only while the application is submitted; 450100-20261128-000001 is in_review'),
  429: error('Too many requests (请求过于频繁)', 'rate_limited', 'Rate limit exceeded: at most 3000 requests a minute; retry in 12 seconds'),
  503: error('A dependency is out of reach; nothing was done, retry (服务暂不可用)', 'unavailable', 'A service OneWindow depends on is unavailable; nothing was changed. Retry later.'),
};
const errorExamples = (status: number) =>
  ERROR_EXAMPLES[status] ?? (status < 500 ? error('Refused (请求被拒绝)', 'refused', 'The request was refused') : error('Internal error (内部错误)', 'internal', 'Internal error; it has been logged.'));

/** The path of a route as OpenAPI writes it: /v1/items/{code} for /v1/items/:code. */
export const openApiPath = (url: string) => url.replace(/:(\w+)(\([^)]*\))?/g, '{$1}');

/**
 * Puts each route's examples into the finished document: the body's in its JSON media type, each
 * answer's in its own, a query example's values in their parameters; and the error shape's example of
 * its status into every error answer whose route gives none. (@fastify/swagger would take
 * `x-examples` beside a schema, but drops it beside a `$ref`, which most of ours are.)
 */
function withExamples(document: OpenApiDocument, routes: readonly DocumentedRoute[]): OpenApiDocument {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation | undefined>>;
  for (const route of routes) {
    const operation = paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
    if (!operation) continue;
    const examples = route.examples ?? {};
    // A body that takes no JSON (a multipart form) shows them in the media types it takes.
    const content = operation.requestBody?.content ?? {};
    const bodies = content['application/json'] ? [content['application/json']] : Object.values(content);
    for (const body of examples.body ? bodies : []) body.examples = examples.body;
    for (const [name, example] of Object.entries(examples.querystring ?? {})) {
      for (const [key, value] of Object.entries(example.value as Json)) {
        const parameter = operation.parameters?.find((p) => p.in === 'query' && p.name === key);
        if (parameter) parameter.examples = { ...parameter.examples, [name]: { summary: example.summary, value } };
      }
    }
    for (const [status, answer] of Object.entries(operation.responses ?? {})) {
      const json = answer.content?.['application/json'];
      const own = examples.responses?.[Number(status)];
      if (json && own) json.examples = own;
      else if (json && Number(status) >= 400 && json.schema?.$ref === ERROR_REF) json.examples = errorExamples(Number(status));
    }
  }
  return document;
}

interface Media {
  schema?: { $ref?: string };
  examples?: Record<string, Example>;
}

interface Operation {
  parameters?: { in: string; name: string; examples?: Record<string, Example> }[];
  requestBody?: { content?: Record<string, Media> };
  responses?: Record<string, { content?: Record<string, Media> }>;
}

// ---------------------------------------------------------------------------------------------------------
// One schema per shape

interface OpenApiDocument {
  components?: { schemas?: Record<string, Json> };
  [part: string]: unknown;
}

const REF = '#/components/schemas/';

/** The schemas a part of the document refers to by name. */
function referenced(part: unknown, names = new Set<string>()): Set<string> {
  JSON.stringify(part, (key, value: unknown) => {
    if (key === '$ref' && typeof value === 'string' && value.startsWith(REF)) names.add(value.slice(REF.length));
    return value;
  });
  return names;
}

/** The same shape, whichever variant says it: only an answer's says `additionalProperties: false`. */
export const shapeOf = (schema: unknown): string =>
  JSON.stringify(schema, (key, value: unknown) => (key === 'additionalProperties' && value === false ? undefined : value));

const renamed = <T>(part: T, names: Map<string, string>): T =>
  JSON.parse(JSON.stringify(part), (key, value: unknown) =>
    key === '$ref' && typeof value === 'string' && names.has(value.slice(REF.length)) ? REF + names.get(value.slice(REF.length)) : value,
  ) as T;

/**
 * fastify-type-provider-zod names every schema registered with an id twice: X as answers show it and
 * XInput as requests send it. Most differ only in `additionalProperties: false`, which the answer's
 * says because the serializer strips other properties, while a request's are ignored: those become one
 * schema X, as requests send it, which is true of both. Where only one variant is used it is X. Where
 * both are used and truly differ (a field with a default may be left out of a request but is always in
 * the answer), the request's is XRequest.
 */
function oneSchemaPerShape(document: OpenApiDocument): OpenApiDocument {
  const schemas = document.components?.schemas ?? {};
  const { components, ...parts } = document;
  // Used: referred to by an operation, directly or through other schemas.
  const used = referenced(parts);
  const pending = [...used];
  while (pending.length > 0) {
    for (const name of referenced(schemas[pending.pop()!])) {
      if (!used.has(name)) pending.push(name);
      used.add(name);
    }
  }
  const pairs = Object.keys(schemas).filter((name) => schemas[`${name}Input`]);
  // The same shape once the schemas they refer to are one: found until nothing more is.
  const names = new Map<string, string>();
  for (let found = true; found; ) {
    found = false;
    for (const name of pairs) {
      if (names.has(`${name}Input`) || shapeOf(renamed(schemas[`${name}Input`], names)) !== shapeOf(renamed(schemas[name], names))) continue;
      names.set(`${name}Input`, name);
      found = true;
    }
  }
  const result: Record<string, Json> = {};
  for (const [name, schema] of Object.entries(schemas)) if (!name.endsWith('Input') || !schemas[name.slice(0, -5)]) result[name] = schema;
  for (const name of pairs) {
    const input = `${name}Input`;
    if (!used.has(input)) continue;
    if (names.has(input) || !used.has(name)) {
      names.set(input, name);
      result[name] = schemas[input];
    } else {
      const request = result[`${name}Request`] ? input : `${name}Request`;
      names.set(input, request);
      const said = schemas[input].description ? ` ${String(schemas[input].description)}` : '';
      result[request] = { ...schemas[input], description: `${name} as a request sends it: a field with a default may be left out.${said}` };
    }
  }
  return { ...renamed(parts, names), components: { ...components, schemas: renamed(result, names) } };
}

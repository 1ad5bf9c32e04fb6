/**
 * The OpenAPI document at /docs/json as an integrator reads it: every route with examples of its
 * request and its answers, each accepted by the route's own zod schema; one schema per shape; the
 * application's life described; and an item read with GET, edited and sent back whole with PUT.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import { type DocumentedRoute, documentedRoutes, openApiPath, shapeOf } from '../api/openapi.js';
import { STAGES } from '../workflows/messages.js';
import { adminOf, type Stack, startStack } from './support/stack.js';

interface Media {
  schema?: { $ref?: string };
  examples?: Record<string, { summary?: string; value: unknown }>;
}

interface Operation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
}

interface OpenApiDocument {
  info: { description: string };
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

/**
 * Operations whose success is no JSON (a file, a page, a stream), so no example of it: each named, so
 * that none is left out unnoticed. Every operation whose 2xx answer /docs gives no JSON for must be here.
 */
const NOT_JSON: Record<string, string> = {
  'GET /v1/applications/{no}/attachments/{id}': 'the file itself (PDF, JPEG, PNG, OFD)',
  'GET /v1/applications/{no}/documents/{id}': 'a PDF',
  'GET /v1/catalogue/export': 'a download: JSON or CSV as asked',
  'GET /v1/supervision/stream': 'server-sent events',
  'GET /v1/video-views/{id}/cameras/{camera}/index.m3u8': 'an HLS playlist',
  'GET /v1/video-views/{id}/cameras/{camera}/segments/{run}/{file}': 'a video segment',
};

let stack: Stack;
let doc: OpenApiDocument;
let routes: readonly DocumentedRoute[];

beforeAll(async () => {
  stack = await startStack({ worker: false });
  const res = await stack.app.inject('/docs/json');
  expect(res.statusCode, res.body).toBe(200);
  doc = res.json();
  routes = documentedRoutes(stack.app);
});
afterAll(() => stack?.close());

/** Every operation of the document, named as METHOD /path. */
const operations = () =>
  Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })));

const routeOf = (name: string) => routes.find((r) => `${r.method} ${openApiPath(r.url)}` === name);

/** A route's zod schema of an answer, given directly or per content type. */
function answerSchema(route: DocumentedRoute, status: string): ZodType | undefined {
  const answer = (route.schema.response as Record<string, unknown> | undefined)?.[status] as ZodType | { content?: Record<string, { schema: ZodType }> } | undefined;
  return answer && 'content' in answer ? answer.content?.['application/json']?.schema : (answer as ZodType | undefined);
}

/** Where a value strays from a schema, one line per issue; empty when it fits. */
function problems(schema: ZodType | undefined, value: unknown): string[] {
  if (!schema) return ['no schema to check it against'];
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

describe('examples in /docs', () => {
  it('shows an example of every JSON request body and every JSON success answer', () => {
    const missing: string[] = [];
    for (const { name, operation } of operations()) {
      const body = operation.requestBody?.content?.['application/json'];
      if (body && !Object.keys(body.examples ?? {}).length) missing.push(`${name}: the request body`);
      if (NOT_JSON[name]) continue;
      for (const [status, answer] of Object.entries(operation.responses)) {
        if (!status.startsWith('2')) continue;
        const json = answer.content?.['application/json'];
        if (!json) missing.push(`${name}: ${status} answers no JSON; if that is right, name it in NOT_JSON`);
        else if (!Object.keys(json.examples ?? {}).length) missing.push(`${name}: the ${status} answer`);
      }
    }
    expect(missing, `Operations missing examples (give them in the route's config.examples):\n  ${missing.join('\n  ')}\n`).toEqual([]);
  });

  it('names only operations that exist as not answering JSON', () => {
    const names = new Set(operations().map((o) => o.name));
    expect(Object.keys(NOT_JSON).filter((name) => !names.has(name))).toEqual([]);
  });

  it('shows only examples that the route’s own zod schemas accept', () => {
    const wrong: string[] = [];
    for (const { name, operation } of operations()) {
      const route = routeOf(name);
      if (!route) {
        wrong.push(`${name}: no route found for it`);
        continue;
      }
      const bodies = Object.values(operation.requestBody?.content ?? {});
      if (route.examples?.body && !bodies.some((media) => media.examples)) wrong.push(`${name}: examples of a body that the route does not take`);
      for (const [example, { value }] of bodies.flatMap((media) => Object.entries(media.examples ?? {}))) {
        for (const problem of problems(route.schema.body as ZodType | undefined, value)) wrong.push(`${name} body example "${example}": ${problem}`);
      }
      const parameters = new Set(operation.parameters?.filter((p) => p.in === 'query').map((p) => p.name));
      for (const [example, { value }] of Object.entries(route.examples?.querystring ?? {})) {
        for (const problem of problems(route.schema.querystring as ZodType | undefined, value)) wrong.push(`${name} query example "${example}": ${problem}`);
        for (const key of Object.keys(value as object)) if (!parameters.has(key)) wrong.push(`${name} query example "${example}": no parameter ${key}`);
      }
      for (const [status, answer] of Object.entries(operation.responses)) {
        for (const [example, { value }] of Object.entries(answer.content?.['application/json']?.examples ?? {})) {
          for (const problem of problems(answerSchema(route, status), value)) wrong.push(`${name} ${status} example "${example}": ${problem}`);
        }
      }
      for (const status of Object.keys(route.examples?.responses ?? {})) {
        if (!operation.responses[status]) wrong.push(`${name}: examples of a ${status} answer that the route does not declare`);
      }
    }
    expect(wrong, `Examples that do not fit their schemas:\n  ${wrong.join('\n  ')}\n`).toEqual([]);
  });

  it('shows an example of the error shape on every error answer', () => {
    const missing = operations().flatMap(({ name, operation }) =>
      Object.entries(operation.responses)
        .filter(([status, answer]) => Number(status) >= 400 && answer.content?.['application/json']?.schema?.$ref === '#/components/schemas/Error')
        .filter(([, answer]) => !Object.keys(answer.content!['application/json'].examples ?? {}).length)
        .map(([status]) => `${name}: ${status}`),
    );
    expect(missing).toEqual([]);
    const notFound = doc.paths['/v1/items/{code}'].get.responses['404'].content!['application/json'].examples!;
    expect(Object.values(notFound)[0].value).toMatchObject({ error: { code: 'not_found', message: expect.any(String) } });
  });
});

describe('schemas in /docs', () => {
  it('gives each shape one schema: no XInput beside X, and no two schemas alike', () => {
    const schemas = doc.components.schemas;
    expect(Object.keys(schemas).filter((name) => name.endsWith('Input'))).toEqual([]);
    const byShape = new Map<string, string[]>();
    for (const [name, schema] of Object.entries(schemas)) byShape.set(shapeOf(schema), [...(byShape.get(shapeOf(schema)) ?? []), name]);
    expect([...byShape.values()].filter((names) => names.length > 1)).toEqual([]);
  });

  it('keeps a request’s own schema only where it differs, and says how', () => {
    const { ItemDefinition, ItemDefinitionRequest } = doc.components.schemas as Record<string, { required: string[]; description: string }>;
    // A field with a default is always in the answer, and may be left out of a request.
    expect(ItemDefinition.required).toContain('warningDays');
    expect(ItemDefinitionRequest.required).not.toContain('warningDays');
    expect(ItemDefinitionRequest.description).toMatch(/^ItemDefinition as a request sends it/);
  });

  it('refers only to schemas it has', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect([...new Set(refs)].filter((name) => !doc.components.schemas[name])).toEqual([]);
  });
});

describe('the application’s life in /docs', () => {
  it('describes every stage, what moves an application on, and its clocks, with the Chinese terms', () => {
    const { description } = doc.info;
    for (const stage of STAGES) expect(description).toContain(`\`${stage}\``);
    for (const term of ['受理', '补正', '不予受理', '并联审批', '办结', '取件', '承诺办结时限', '法定办结时限', 'working days', 'yellow', 'red', 'fee']) {
      expect(description).toContain(term);
    }
    const tags = Object.fromEntries(doc.tags.map((t) => [t.name, t.description]));
    expect(tags.applications).toMatch(/submitted.*in_review.*completed.*picked_up/s);
    expect(tags.webhooks).toMatch(/Standard Webhooks/);
    expect(description).toContain('tag `webhooks`');
  });
});

describe('an item read, edited and sent back whole', () => {
  const admin = () => stack.as(adminOf());
  const newItem = (code: string) => ({
    code,
    name: `测试事项 ${code}`,
    nameEn: `Test item ${code}`,
    department: 'market_regulation',
    kind: 'promised',
    levels: ['city', 'county'],
    legalBasis: '测试依据',
    statutoryLimitDays: 20,
    promisedLimitDays: 10,
    materials: [{ name: '申请书' }],
    steps: [{ name: '审查决定', departments: [{ code: 'market_regulation', promisedLimitDays: 10 }] }],
  });

  it('takes back what GET returned with one field changed: a new version with the change', async () => {
    const code = `test-${randomUUID().slice(0, 8)}`;
    expect((await admin()({ method: 'POST', url: '/v1/items', payload: newItem(code) })).statusCode).toBe(201);
    const read = await stack.app.inject(`/v1/items/${code}`);
    const item = read.json();
    expect(item.version).toBe(1);

    const edited = { ...item, definition: { ...item.definition, name: '测试事项（改名）', promisedLimitDays: 8, steps: [{ ...item.definition.steps[0], departments: [{ code: 'market_regulation', promisedLimitDays: 8 }] }] } };
    const put = await admin()({ method: 'PUT', url: `/v1/items/${code}`, payload: edited });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ version: 2, definition: { name: '测试事项（改名）', promisedLimitDays: 8 } });

    const again = (await stack.app.inject(`/v1/items/${code}`)).json();
    expect(again).toMatchObject({ version: 2, definition: edited.definition });
    // Sent back once more, unchanged: the same version.
    expect((await admin()({ method: 'PUT', url: `/v1/items/${code}`, payload: again })).json().version).toBe(2);
    // The definition alone, as before, still does.
    const definitionOnly = await admin()({ method: 'PUT', url: `/v1/items/${code}`, payload: { ...again.definition, warningDays: 2 } });
    expect(definitionOnly.json()).toMatchObject({ version: 3, definition: { warningDays: 2 } });
  });

  it('names a mistake by its field in the form that was sent', async () => {
    const code = `test-${randomUUID().slice(0, 8)}`;
    await admin()({ method: 'POST', url: '/v1/items', payload: newItem(code) });
    const item = (await stack.app.inject(`/v1/items/${code}`)).json();
    const fields = async (payload: object) => {
      const res = await admin()({ method: 'PUT', url: `/v1/items/${code}`, payload });
      expect(res.statusCode, res.body).toBe(400);
      return (res.json().error.details as { field: string }[]).map((d) => d.field);
    };
    expect(await fields({ ...item, definition: { ...item.definition, major: 'yes' } })).toEqual(['body.definition.major']);
    expect(await fields({ ...item.definition, major: 'yes' })).toEqual(['body.major']);
    expect(await fields({ ...item, definition: { ...item.definition, promisedLimitDays: 30 } })).toContain('body.definition.promisedLimitDays');
    expect(await fields({ ...item, definition: { ...item.definition, code: `${code}-other` } })).toEqual(['body.definition.code']);
    expect((await stack.app.inject(`/v1/items/${code}`)).json().version).toBe(1);
  });
});

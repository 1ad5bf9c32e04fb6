/**
 * The API's refusals and failures over REST, against the real stack: idempotent submission, validation,
 * not found, the workflow's refusals (which must change nothing), rejection, supplement, listing,
 * a dependency that is down, and the OpenAPI document. Every error has the one shape
 * {"error": {"code", "message", "details"?}}.
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { isUnavailable } from '../api/errors.js';
import { openDatabase } from '../db/client.js';
import { applications } from '../db/schema/index.js';
import { temporalClient } from '../server/runtime.js';
import { freePort } from '../server/temporal.js';
import {
  STARTUP_DEPARTMENTS,
  adminOf,
  type Stack,
  caller,
  chiefOf,
  materialsOf,
  startStack,
  submission,
  testConfig,
  testDataConverter,
  uniqueCreditCode,
  windowOf,
} from './support/stack.js';
import { windowActions } from './support/window.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

// ---------------------------------------------------------------------------------------------------------
// Helpers

interface Reply {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  json(): unknown;
}

interface ErrorBody {
  error: { code: string; message: string; details?: { field?: string; message: string }[] };
}

interface View {
  applicationNo: string;
  stage: string;
  materials: string[];
  submittedAt: string;
  reviews: { department: string; status: string; reason: string | null }[];
}

interface Page {
  applications: Omit<View, 'reviews'>[];
  nextCursor: string | null;
}

/** Reads and submissions as the stack's integrator (bound to the whole region), which sees what it submitted. */
const get = (url: string) => stack.integrator({ method: 'GET', url }) as Promise<Reply>;
const post = (url: string, payload: object) => stack.integrator({ method: 'POST', url, payload }) as Promise<Reply>;
/** Requests as a seeded officer. */
const getAs = (officerId: string, url: string) => stack.as(officerId)({ method: 'GET', url }) as Promise<Reply>;

/** Asserts the status and the one error shape, and returns the error. */
function expectError(res: Reply, status: number, code: string): ErrorBody['error'] {
  expect(res.statusCode, JSON.stringify(res.json())).toBe(status);
  const body = res.json() as ErrorBody;
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toEqual({
    code,
    message: expect.any(String),
    ...(body.error.details === undefined ? {} : { details: expect.any(Array) }),
  });
  expect(body.error.message.length).toBeGreaterThan(0);
  for (const detail of body.error.details ?? []) {
    expect(Object.keys(detail).every((k) => k === 'field' || k === 'message')).toBe(true);
    expect(typeof detail.message).toBe('string');
  }
  return body.error;
}

/** A 400 validation_failed naming every one of `fields` in details[].field. */
function expectInvalid(res: Reply, ...fields: string[]): void {
  const error = expectError(res, 400, 'validation_failed');
  expect(error.details?.map((d) => d.field)).toEqual(expect.arrayContaining(fields));
}

async function view(no: string): Promise<View> {
  const res = await get(`/v1/applications/${no}`);
  expect(res.statusCode).toBe(200);
  return res.json() as View;
}

const { submit, intake, accept, decide, pickup } = windowActions(() => stack);

/**
 * The workflow's history, but its workflow tasks: what the workflow did. A refused update may leave an
 * empty workflow task behind (the server keeps the update's speculative task when the one before it ran
 * local activities); it may leave nothing else.
 */
const WORKFLOW_TASK = /^EVENT_TYPE_WORKFLOW_TASK_/;
const EventType = proto.temporal.api.enums.v1.EventType;
const historyLength = async (no: string) =>
  (await stack.client.workflow.getHandle(no).fetchHistory()).events?.filter((e) => !WORKFLOW_TASK.test(String(EventType[e.eventType!]))).length ?? 0;

/** Waits until the workflow has nothing in flight (no activity, no workflow task), so its history stands still. */
async function settled(no: string): Promise<void> {
  await expect
    .poll(async () => {
      const { raw } = await stack.client.workflow.getHandle(no).describe();
      return (raw.pendingActivities?.length ?? 0) === 0 && !raw.pendingWorkflowTask;
    })
    .toBe(true);
}

/** A submitted application whose workflow is idle at intake. */
async function submitted(overrides: Record<string, unknown> = {}): Promise<string> {
  const no = await submit(overrides);
  await settled(no);
  return no;
}

/** An accepted company start-up with all five review tasks open and the workflow idle. */
async function inReview(): Promise<string> {
  const no = await submitted();
  expect((await accept(no)).statusCode).toBe(200);
  await expect.poll(async () => (await view(no)).reviews.map((r) => r.status)).toEqual(STARTUP_DEPARTMENTS.map(() => 'open'));
  await settled(no);
  return no;
}

/** A company start-up that taxation rejected. */
async function rejected(): Promise<string> {
  const no = await inReview();
  expect((await decide(no, 'taxation', 'reject', 'Tax registration is incomplete')).statusCode).toBe(200);
  await settled(no);
  return no;
}

/**
 * Sends a request the workflow (or the API) must refuse with 409 `code`, and checks that nothing changed:
 * the read model reads the same and the workflow's history did not grow.
 */
async function expectRefusal(no: string, send: () => Promise<Reply>, code: string): Promise<ErrorBody['error']> {
  // What is stored: the remaining time is derived from the clock and moves on by itself.
  const stored = async () => JSON.parse(JSON.stringify(await view(no), (key, value: unknown) => (key === 'remainingMs' ? undefined : value)));
  const before = { view: await stored(), history: await historyLength(no) };
  const error = expectError(await send(), 409, code);
  expect(await stored()).toEqual(before.view);
  expect(await historyLength(no)).toBe(before.history);
  return error;
}

async function count(query: string): Promise<number> {
  let n = 0;
  for await (const _ of stack.client.workflow.list({ query })) n += 1;
  return n;
}
const workflowsWithId = (no: string) => count(`WorkflowId = '${no}'`);

async function applicationRowsOf(idNumber: string) {
  return stack.db
    .select({ applicationNo: applications.applicationNo })
    .from(applications)
    .where(sql`${applications.applicant}->>'idNumber' = ${idNumber}`);
}

/** Pages through a list query with `limit`, returning every page. */
async function pages(query: string, limit: number): Promise<Page[]> {
  const all: Page[] = [];
  let cursor: string | null = null;
  do {
    const res = await get(`/v1/applications?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode, JSON.stringify(res.json())).toBe(200);
    const page = res.json() as Page;
    all.push(page);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

const listed = async (query: string) => (await pages(query, 200)).flatMap((p) => p.applications.map((a) => a.applicationNo));

// ---------------------------------------------------------------------------------------------------------

describe('idempotent submission', () => {
  it('returns the same application with 201 when a clientReference is sent again, marking the repeat as replayed', async () => {
    const body = submission({ clientReference: `ref-${randomUUID()}` });
    const first = await post('/v1/applications', body);
    const second = await post('/v1/applications', body);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBe('false');
    expect(second.headers['idempotent-replayed']).toBe('true');
    const no = (first.json() as View).applicationNo;
    expect((second.json() as View).applicationNo).toBe(no);
    expect(second.headers.location).toBe(`/v1/applications/${no}`);
  });

  it('starts one workflow and writes one row for five concurrent submissions with one new clientReference', async () => {
    const clientReference = `ref-${randomUUID()}`;
    const body = submission({ clientReference });
    const replies = await Promise.all(Array.from({ length: 5 }, () => post('/v1/applications', body)));
    expect(replies.map((r) => r.statusCode), JSON.stringify(replies.map((r) => r.json()))).toEqual([201, 201, 201, 201, 201]);
    const numbers = new Set(replies.map((r) => (r.json() as View).applicationNo));
    expect(numbers.size).toBe(1);
    const [no] = numbers;
    expect(replies.filter((r) => r.headers['idempotent-replayed'] === 'false')).toHaveLength(1);

    await expect.poll(() => workflowsWithId(no)).toBe(1);
    const attributes = `OneWindowCentre = '450100' AND OneWindowItem = 'company-startup' AND WorkflowId = '${no}'`;
    await expect.poll(() => count(attributes)).toBe(1);

    const rows = await applicationRowsOf(body.applicant.idNumber);
    expect(rows).toEqual([{ applicationNo: no }]);
    const byReference = await stack.db.select().from(applications).where(eq(applications.clientReference, clientReference));
    expect(byReference).toHaveLength(1);
  });

  it('returns 201 to the first submitter even when a repeat of its clientReference starts the workflow first', async () => {
    // The first request reserves the reference; its call to start the workflow is held until the repeat,
    // arriving meanwhile, has started the workflow itself (as happens when both race over the network).
    let firstAtStart!: () => void;
    let repeatStarted!: () => void;
    const firstReachedStart = new Promise<void>((resolve) => (firstAtStart = resolve));
    const repeatHasStarted = new Promise<void>((resolve) => (repeatStarted = resolve));
    let starts = 0;
    const client = new Client({
      connection: stack.connection,
      namespace: stack.client.options.namespace,
      dataConverter: stack.client.options.dataConverter,
      interceptors: {
        workflow: [
          {
            async startWithDetails(input, next) {
              if (++starts === 1) {
                firstAtStart();
                await repeatHasStarted;
                return next(input);
              }
              try {
                return await next(input);
              } finally {
                repeatStarted();
              }
            },
          },
        ],
      },
    });
    const app = await buildApp({
      database: stack.database,
      auth: testConfig().auth,
      temporal: { client, connection: stack.connection, taskQueue: stack.taskQueue },
    });
    const integrator = caller(app, async () => ({ 'x-api-key': stack.integrator.key }));
    try {
      const body = submission({ clientReference: `ref-${randomUUID()}` });
      const first = integrator({ method: 'POST', url: '/v1/applications', payload: body }) as Promise<Reply>;
      await firstReachedStart;
      const repeat = (await integrator({ method: 'POST', url: '/v1/applications', payload: body })) as Reply;
      const original = await first;

      expect(repeat.statusCode, JSON.stringify(repeat.json())).toBe(201);
      expect(repeat.headers['idempotent-replayed']).toBe('true');
      const no = (repeat.json() as View).applicationNo;
      expect(original.statusCode, JSON.stringify(original.json())).toBe(201);
      expect(original.headers['idempotent-replayed']).toBe('false');
      expect((original.json() as View).applicationNo).toBe(no);
      await expect.poll(() => workflowsWithId(no)).toBe(1);
      expect(await applicationRowsOf(body.applicant.idNumber)).toEqual([{ applicationNo: no }]);
    } finally {
      await app.close();
    }
  });

  it('refuses a clientReference reused with a different item or applicant with 409 client_reference_conflict', async () => {
    const clientReference = `ref-${randomUUID()}`;
    const body = submission({ clientReference });
    const first = await post('/v1/applications', body);
    expect(first.statusCode).toBe(201);
    const no = (first.json() as View).applicationNo;

    const otherItem = await post('/v1/applications', { ...body, itemCode: 'food-business-licence' });
    expect(expectError(otherItem, 409, 'client_reference_conflict').message).toContain(no);

    const otherApplicant = await post('/v1/applications', { ...body, applicant: { ...body.applicant, idNumber: uniqueCreditCode() } });
    expectError(otherApplicant, 409, 'client_reference_conflict');

    expect(await applicationRowsOf(body.applicant.idNumber)).toEqual([{ applicationNo: no }]);
  });
});

describe('validation', () => {
  it('names every missing body field of a submission in a 400 validation_failed', async () => {
    expectInvalid(await post('/v1/applications', {}), 'body.itemCode', 'body.centreCode', 'body.applicant');
    expectInvalid(
      await post('/v1/applications', { ...submission(), applicant: { type: 'person' } }),
      'body.applicant.name',
      'body.applicant.idNumber',
    );
  });

  it('refuses a malformed applicant idNumber with 400 naming body.applicant.idNumber', async () => {
    const body = submission();
    const res = await post('/v1/applications', { ...body, applicant: { ...body.applicant, idNumber: 'not-an-id' } });
    expectInvalid(res, 'body.applicant.idNumber');
    expect(await applicationRowsOf('not-an-id')).toEqual([]);
  });

  it('refuses an unknown item code with 400 naming body.itemCode, recording nothing', async () => {
    const body = submission({ itemCode: 'no-such-item' });
    expectInvalid(await post('/v1/applications', body), 'body.itemCode');
    expect(await applicationRowsOf(body.applicant.idNumber)).toEqual([]);
  });

  it('refuses an unknown centre with 400 naming body.centreCode, recording nothing', async () => {
    // Within the region the key is bound to (45…), but no such centre.
    const body = submission({ centreCode: '459999' });
    expectInvalid(await post('/v1/applications', body), 'body.centreCode');
    expect(await applicationRowsOf(body.applicant.idNumber)).toEqual([]);
    // Outside every centre of the key, the caller hears 403 first.
    const outside = submission({ centreCode: '999999' });
    expectError(await post('/v1/applications', outside), 403, 'forbidden');
    expect(await applicationRowsOf(outside.applicant.idNumber)).toEqual([]);
  });

  it('refuses a reject decision without a reason with 400 naming body.reason', async () => {
    const no = await inReview();
    const before = await historyLength(no);
    expectInvalid(await decide(no, 'taxation', 'reject'), 'body.reason');
    expectInvalid(await decide(no, 'taxation', 'reject', '   '), 'body.reason');
    expect((await view(no)).reviews.find((r) => r.department === 'taxation')?.status).toBe('open');
    expect(await historyLength(no)).toBe(before);
  });

  it('refuses an intake request_supplement without missingMaterials with 400 naming body.missingMaterials', async () => {
    const no = await submitted();
    expectInvalid(
      await intake(no, { decision: 'request_supplement', department: 'market_regulation' }),
      'body.missingMaterials',
    );
    expectInvalid(
      await intake(no, { decision: 'request_supplement', department: 'market_regulation', missingMaterials: [] }),
      'body.missingMaterials',
    );
    expect((await view(no)).stage).toBe('submitted');
  });

  it('refuses a list cursor it did not issue with 400 naming querystring.cursor', async () => {
    expectInvalid(await get('/v1/applications?cursor=not-a-cursor'), 'querystring.cursor');
    const forged = Buffer.from(JSON.stringify(['yesterday', 42])).toString('base64url');
    expectInvalid(await get(`/v1/applications?cursor=${forged}`), 'querystring.cursor');
  });

  it('refuses an unknown stage filter with 400 naming querystring.stage', async () => {
    expectInvalid(await get('/v1/applications?stage=lost'), 'querystring.stage');
  });
});

describe('not found', () => {
  const unknown = '450100-19700101-999999';

  it('answers 404 not_found for an unknown application on GET, history, intake, decision and pickup', async () => {
    expectError(await get(`/v1/applications/${unknown}`), 404, 'not_found');
    expectError(await getAs(windowOf('market_regulation'), `/v1/applications/${unknown}/history`), 404, 'not_found');
    expectError(await accept(unknown), 404, 'not_found');
    expectError(await decide(unknown, 'taxation', 'approve'), 404, 'not_found');
    expectError(await pickup(unknown), 404, 'not_found');
    expect(await workflowsWithId(unknown)).toBe(0);
  });

  it('answers 404 not_found for an unknown route', async () => {
    expect(expectError(await get('/v1/nowhere'), 404, 'not_found').message).toContain('/v1/nowhere');
    expectError(await post('/v1/applications/x/teleport', {}), 404, 'not_found');
  });
});

describe('refusals: 409 with the workflow’s reason, and nothing changes', () => {
  it('refuses a decision before intake with wrong_stage', async () => {
    const no = await submitted();
    // Taxation reviews it (the plan says so from submission on): the workflow gives the reason.
    const error = await expectRefusal(no, () => decide(no, 'taxation', 'approve'), 'wrong_stage');
    expect(error.message).toContain('submitted');
  });

  it('refuses intake naming a department that is not the lead department with not_lead_department', async () => {
    // Sent by the lead department's own window, so only the workflow's rule on the department refuses it.
    const no = await submitted();
    const error = await expectRefusal(no, () => accept(no, 'taxation', windowOf('market_regulation')), 'not_lead_department');
    expect(error.message).toContain('market_regulation');
  });

  it('refuses intake of an application already accepted with wrong_stage', async () => {
    const no = await inReview();
    const error = await expectRefusal(no, () => accept(no), 'wrong_stage');
    expect(error.message).toContain('in_review');
  });

  it('refuses a second decision by the same department with already_decided', async () => {
    const no = await inReview();
    expect((await decide(no, 'taxation', 'approve')).statusCode).toBe(200);
    await settled(no);
    await expectRefusal(no, () => decide(no, 'taxation', 'approve'), 'already_decided');
    await expectRefusal(no, () => decide(no, 'taxation', 'reject', 'changed my mind'), 'already_decided');
  });

  it('refuses a decision by a department not on the application with unknown_department', async () => {
    const no = await inReview();
    // Health does not handle it at all (403); asked by a chief who does, the workflow names the reviewers.
    expect((await decide(no, 'health', 'approve')).statusCode).toBe(403);
    const error = await expectRefusal(no, () => decide(no, 'health', 'approve', undefined, chiefOf('market_regulation')), 'unknown_department');
    expect(error.message).toContain('health');
  });

  it('refuses any decision or pickup on a rejected (closed) application with application_closed', async () => {
    const no = await rejected();
    await expectRefusal(no, () => decide(no, 'public_security', 'approve'), 'application_closed');
    await expectRefusal(no, () => decide(no, 'taxation', 'approve'), 'application_closed');
    await expectRefusal(no, () => accept(no), 'application_closed');
    await expectRefusal(no, () => pickup(no), 'application_closed');
  });

  it('refuses a pickup before the application is completed with wrong_stage', async () => {
    const atIntake = await submitted();
    await expectRefusal(atIntake, () => pickup(atIntake), 'wrong_stage');
    const inReviewNo = await inReview();
    await expectRefusal(inReviewNo, () => pickup(inReviewNo), 'wrong_stage');
  });
});

describe('rejection', () => {
  it('rejects with the reason, withdraws every other review and takes the application out of their inboxes', async () => {
    const no = await inReview();
    const inbox = async (department: string) =>
      ((await getAs(windowOf(department), `/v1/departments/${department}/inbox?centre=450100`)).json() as { tasks: { applicationNo: string }[] }).tasks.map(
        (t) => t.applicationNo,
      );
    expect(await inbox('public_security')).toContain(no);

    const res = await decide(no, 'taxation', 'reject', 'Tax registration is incomplete');
    expect(res.statusCode).toBe(200);
    const after = res.json() as View;
    expect(after.stage).toBe('rejected');
    for (const review of after.reviews) {
      if (review.department === 'taxation') {
        expect(review).toMatchObject({ status: 'rejected', reason: 'Tax registration is incomplete' });
      } else {
        expect(review.status, review.department).toBe('withdrawn');
      }
    }
    expect(after.reviews.map((r) => r.department).sort()).toEqual(STARTUP_DEPARTMENTS);
    expect(await view(no)).toEqual(after);
    for (const department of STARTUP_DEPARTMENTS) expect(await inbox(department), department).not.toContain(no);
  });
});

describe('supplement (补正)', () => {
  it('refuses to accept without every required material, asks for the missing ones at once, merges the supplement, then accepts', async () => {
    const [charter, ...missing] = materialsOf('company-startup').filter((m) => m !== '公司章程');
    const no = await submitted({ materials: ['公司章程', charter] });
    const refused = await expectRefusal(no, () => accept(no), 'missing_materials');
    expect(refused.message).toContain(`Required materials are missing: ${missing.join('、')}`);

    const asked = await intake(no, { decision: 'request_supplement', department: 'market_regulation', missingMaterials: missing });
    expect(asked.statusCode).toBe(200);
    expect((asked.json() as View).stage).toBe('supplement_requested');

    const supplied = await post(`/v1/applications/${no}/supplements`, { materials: [...missing, '公司章程'] });
    expect(supplied.statusCode).toBe(200);
    const afterSupplement = supplied.json() as View;
    expect(afterSupplement.stage).toBe('submitted');
    expect(afterSupplement.materials).toEqual(['公司章程', charter, ...missing]);

    const accepted = await accept(no);
    expect(accepted.statusCode).toBe(200);
    expect((accepted.json() as View).stage).toBe('in_review');
  });
});

describe('list and pagination', () => {
  it('pages newest first through a centre and item with nextCursor, and filters by stage and department', async () => {
    const filter = 'centre=450200&item=food-business-licence';
    const mine: string[] = [];
    for (let i = 0; i < 5; i += 1) mine.push(await submit({ centreCode: '450200', itemCode: 'food-business-licence' }));

    const all = await pages(filter, 2);
    expect(all.at(-1)?.nextCursor).toBeNull();
    for (const page of all) expect(page.applications.length).toBeLessThanOrEqual(2);
    for (const page of all.slice(0, -1)) expect(page.applications).toHaveLength(2);
    const seen = all.flatMap((p) => p.applications);
    expect(new Set(seen.map((a) => a.applicationNo)).size).toBe(seen.length);
    for (const a of seen) expect(a).toMatchObject({ centreCode: '450200', itemCode: 'food-business-licence' });
    const times = seen.map((a) => Date.parse(a.submittedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // Other test files may submit at the same centre: ours appear exactly once each, newest first.
    expect(seen.map((a) => a.applicationNo).filter((no) => mine.includes(no))).toEqual([...mine].reverse());

    const [acceptedNo] = mine;
    expect((await accept(acceptedNo)).statusCode).toBe(200);
    const inReviewList = await listed(`${filter}&stage=in_review`);
    expect(inReviewList).toContain(acceptedNo);
    expect(inReviewList.filter((no) => mine.includes(no))).toEqual([acceptedNo]);
    expect((await listed(`${filter}&stage=submitted`)).filter((no) => mine.includes(no))).toEqual(mine.slice(1).reverse());

    expect((await listed(`${filter}&department=market_regulation`)).filter((no) => mine.includes(no))).toEqual([...mine].reverse());
    expect((await listed(`${filter}&department=taxation`)).filter((no) => mine.includes(no))).toEqual([]);
  });
});

describe('a dependency that is down', () => {
  it('counts an update refused while the workflow task is failing (a worker killed mid-task) as unavailable, not as a bug', () => {
    const refusedWhileFailing = Object.assign(new Error('9 FAILED_PRECONDITION: Unable to perform workflow execution update due to Workflow Task in failed state.'), { code: 9 });
    expect(isUnavailable(new Error('update failed', { cause: refusedWhileFailing }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('9 FAILED_PRECONDITION: something else'), { code: 9 }))).toBe(false);
  });

  it('answers 503 unavailable quickly and records nothing when Temporal cannot be reached; /readyz names temporal', async () => {
    const temporal = temporalClient(testConfig().temporal, `127.0.0.1:${await freePort()}`, testDataConverter());
    const app = await buildApp({ database: stack.database, auth: testConfig().auth, temporal: { ...temporal, taskQueue: stack.taskQueue } });
    try {
      const body = submission();
      const started = Date.now();
      const res = (await app.inject({ method: 'POST', url: '/v1/applications', payload: body, headers: { 'x-api-key': stack.integrator.key } })) as Reply;
      const took = Date.now() - started;
      expectError(res, 503, 'unavailable');
      expect(res.headers['retry-after']).toBe('5');
      expect(await applicationRowsOf(body.applicant.idNumber)).toEqual([]);

      const ready = (await app.inject({ method: 'GET', url: '/readyz' })) as Reply;
      const error = expectError(ready, 503, 'unavailable');
      expect(error.details?.map((d) => d.field)).toEqual(['temporal']);

      // Prompt, like the database's 5 s connect timeout and /readyz's 3 s: not held for the SDK's retries.
      expect(took, `POST /v1/applications took ${took} ms to answer 503`).toBeLessThan(10_000);
    } finally {
      await app.close();
      await temporal.connection.close().catch(() => {});
    }
  });

  it('answers 503 unavailable and records nothing when the Temporal namespace does not exist; /readyz says which', async () => {
    const namespace = `missing-${Date.now()}`;
    const temporal = temporalClient(testConfig({ TEMPORAL_NAMESPACE: namespace }).temporal, inject('temporalAddress'), testDataConverter());
    const app = await buildApp({ database: stack.database, auth: testConfig().auth, temporal: { ...temporal, taskQueue: stack.taskQueue } });
    try {
      const body = submission();
      const res = (await app.inject({ method: 'POST', url: '/v1/applications', payload: body, headers: { 'x-api-key': stack.integrator.key } })) as Reply;
      expectError(res, 503, 'unavailable');
      expect(await applicationRowsOf(body.applicant.idNumber)).toEqual([]);

      // A window's update on an application the read model has (taken in through the real namespace).
      const no = await submit();
      const accepted = (await app.inject({
        method: 'POST',
        url: `/v1/applications/${no}/intake`,
        payload: { decision: 'accept', department: 'market_regulation' },
        headers: { authorization: `Bearer ${await stack.token(windowOf('market_regulation'))}` },
      })) as Reply;
      expectError(accepted, 503, 'unavailable');

      const ready = (await app.inject({ method: 'GET', url: '/readyz' })) as Reply;
      const error = expectError(ready, 503, 'unavailable');
      expect(error.details).toEqual([{ field: 'temporal', message: `namespace "${namespace}" does not exist on the Temporal server` }]);
    } finally {
      await app.close();
      await temporal.connection.close().catch(() => {});
    }
  });

  it('answers 503 unavailable when the database cannot be reached; /readyz names database', async () => {
    const database = await openDatabase({ url: `postgres://postgres:postgres@127.0.0.1:${await freePort()}/x`, dataDir: '' });
    const app = await buildApp({
      database,
      auth: testConfig().auth,
      temporal: { client: stack.client, connection: stack.connection, taskQueue: stack.taskQueue },
    });
    try {
      // The caller's key cannot even be looked up: 503, not 401.
      const headers = { 'x-api-key': stack.integrator.key };
      expectError((await app.inject({ method: 'GET', url: '/v1/applications', headers })) as Reply, 503, 'unavailable');
      const ready = (await app.inject({ method: 'GET', url: '/readyz' })) as Reply;
      const error = expectError(ready, 503, 'unavailable');
      expect(error.details?.map((d) => d.field)).toEqual(['database']);
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describe('OpenAPI', () => {
  it('serves an OpenAPI 3 document with the application, intake, decision and inbox paths', async () => {
    const res = await get('/docs/json');
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/applications',
        '/v1/applications/{no}/intake',
        '/v1/applications/{no}/reviews/{department}/decision',
        '/v1/departments/{department}/inbox',
      ]),
    );
  });
});

describe('inputs found by Schemathesis (npm run fuzz)', () => {
  it('answers 400, never 500, to values the database cannot store', async () => {
    const admin = stack.as(adminOf());
    const nul = await stack.app.inject('/v1/items?department=a%00b');
    expect(nul.statusCode).toBe(400);
    expect(nul.json().error.details).toEqual([{ field: 'querystring.department', message: 'contains a NUL character' }]);
    const nulBody = await stack.integrator({ method: 'POST', url: '/v1/applications', payload: submission({ materials: ['章程\u0000'] }) });
    expect(nulBody.statusCode).toBe(400);
    expect(nulBody.json().error.details[0].field).toBe('body.materials.0');
    expect((await stack.app.inject('/v1/items/company-startup/versions/9007199254740990')).statusCode).toBe(400);
    const twice = [{ date: '2093-05-04', name: '测试' }, { date: '2093-05-04', name: '测试' }];
    const daysOff = await admin({ method: 'POST', url: '/v1/calendar/centres/450100/days-off', payload: { source: 'fuzz', days: twice } });
    expect(daysOff.statusCode).toBe(400);
    expect(daysOff.json().error.details[0]).toMatchObject({ field: 'body.days', message: 'names a day more than once' });
    const both = await admin({
      method: 'PUT',
      url: '/v1/calendar/2093',
      payload: { source: 'fuzz', daysOff: twice.slice(1), workingWeekends: twice.slice(1) },
    });
    expect(both.statusCode).toBe(400);
  });
});

/**
 * The supervisors' pending list of accountability cases (责任追究): every case not closed, whatever its
 * step, and no closed one. Real cases: an application on the time-skipping test server passes its
 * promised limit, and its red alerts open cases through the real activities into PostgreSQL; a
 * supervisor opens more by hand, from its yellow alert and for the application.
 */
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../activities/index.js';
import { type App, buildApp } from '../api/app.js';
import { issueToken } from '../api/auth.js';
import { type Database, openDatabase } from '../db/client.js';
import { differences, expectedRows, storedRows } from '../db/reconcile.js';
import { applicationWorkflow } from '../workflows/application.js';
import { intakeUpdate, recordQuery } from '../workflows/messages.js';
import { type Inject, caller, officer, supervisorOf, testConfig, windowOf, testDataConverter } from './support/stack.js';
import { applicationInput, saveTestItem, startTimeSkipping } from './support/items.js';

let env: TestWorkflowEnvironment;
let database: Database;
let worker: Worker;
let running: Promise<void>;
let app: App;
let supervisor: Inject;
let no: string;
const taskQueue = `cases-pending-${randomUUID()}`;

interface Case {
  id: string;
  status: string;
  alertSeq: number | null;
  level: string | null;
  openedBy: { id: string } | null;
  responsible: { id: string }[];
}


/** Waits (in real time: the worker writes the read model) until `check` answers true; expect.poll is for tests, not hooks. */
async function until(check: () => Promise<boolean>, timeout = 20_000) {
  for (const end = Date.now() + timeout; !(await check()); ) {
    if (Date.now() > end) throw new Error(`Not so after ${timeout} ms: ${check.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  env = await startTimeSkipping();
  database = await openDatabase({ url: inject('databaseUrl'), dataDir: '' });
  const itemCode = await saveTestItem(database.db);
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { code: inject('workflowBundleCode') },
    dataConverter: testDataConverter(),
    activities: createActivities({ db: database.db }),
  });
  running = worker.run();
  const { auth } = testConfig();
  app = await buildApp({ database, auth, temporal: { client: env.client, connection: env.connection, taskQueue } });
  const as = (officerId: string) => caller(app, async () => ({ authorization: `Bearer ${await issueToken(auth, officerId, '1h')}` }));
  supervisor = as(supervisorOf('450100'));

  // Accepted at Nanning, then left undecided past its promised limit: yellow, then red for the
  // application and for its review, each red opening a case.
  const input = await applicationInput(database.db, itemCode);
  no = input.applicationNo;
  const handle = await env.client.workflow.start(applicationWorkflow, { workflowId: no, taskQueue, args: [input] });
  await handle.executeUpdate(intakeUpdate, { args: [{ decision: 'accept', department: 'market_regulation', officer: officer(windowOf('market_regulation')) }] });
  await until(async () => ((await handle.query(recordQuery)).state.reviews[0]?.responsible?.length ?? 0) === 1);
  const { deadlines } = (await handle.query(recordQuery)).state;
  await env.sleep(Date.parse(deadlines!.promisedDue) - (await env.currentTimeMs()) + 60_000);
  await until(async () => (await casesOf()).length === 2);
}, 120_000);

afterAll(async () => {
  await app?.close();
  worker?.shutdown();
  await running;
  await database?.close();
  await env?.teardown();
});

async function casesOf(status?: string): Promise<Case[]> {
  const res = await supervisor({ url: '/v1/cases', query: { centre: '450100', application: no, ...(status ? { status } : {}) } });
  expect(res.statusCode).toBe(200);
  return res.json().cases;
}
const ids = (cases: Case[]) => cases.map((c) => c.id).sort();
const step = (id: string, payload: object) => supervisor({ method: 'POST', url: `/v1/cases/${encodeURIComponent(id)}/steps`, payload });

describe('the pending list of accountability cases', () => {
  it('lists every case not closed (open or explanation received) and no closed one', async () => {
    const [explained, closed] = (await casesOf()).sort((a, b) => a.id.localeCompare(b.id));
    expect((await step(explained.id, { status: 'explanation_received', note: '窗口说明：材料审核积压' })).statusCode).toBe(200);
    expect((await step(closed.id, { status: 'explanation_received', note: '已说明' })).statusCode).toBe(200);
    expect((await step(closed.id, { status: 'closed', note: '已核实', outcome: '批评教育' })).statusCode).toBe(200);

    // The finding: the page asked for `status=open`, where a case whose explanation came in is missing.
    expect(ids(await casesOf('open'))).not.toContain(explained.id);
    // The pending list has it, and not the closed one.
    expect(ids(await casesOf('pending'))).toEqual([explained.id]);
    expect(ids(await casesOf())).toEqual(ids([explained, closed]));
  });

  it('lists the cases a supervisor opened from a yellow alert and for the application, and the workflow’s reconciler leaves them be', async () => {
    const { alerts } = (await supervisor({ url: '/v1/alerts', query: { centre: '450100', limit: '500' } })).json() as {
      alerts: { applicationNo: string; seq: number; level: string; caseId: string | null; department: string | null }[];
    };
    const mine = alerts.filter((a) => a.applicationNo === no);
    // Red alerts name the case they opened; yellow ones have none.
    expect(mine.filter((a) => a.level === 'red').every((a) => a.caseId)).toBe(true);
    const yellow = mine.find((a) => a.level === 'yellow' && !a.department)!;
    expect(yellow.caseId).toBeNull();

    const open = (payload: object) => supervisor({ method: 'POST', url: '/v1/cases', payload });
    const fromAlert = await open({ applicationNo: no, alertSeq: yellow.seq, note: '黄牌预警后仍无进展' });
    expect(fromAlert.statusCode).toBe(201);
    expect(fromAlert.json()).toMatchObject({ id: `${no}/${yellow.seq}`, level: 'yellow', status: 'open', openedBy: { id: supervisorOf('450100') } });
    // A second opening from the same alert names the case it already has.
    const again = await open({ applicationNo: no, alertSeq: yellow.seq, note: '再次立案' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'case_exists', details: [{ field: 'alertSeq' }] });
    const forApplication = await open({ applicationNo: no, note: '群众投诉办理拖延' });
    expect(forApplication.statusCode).toBe(201);
    expect(forApplication.json()).toMatchObject({ id: `${no}/s1`, alertSeq: null, level: null, status: 'open' });
    // Those responsible for the application: its review's chief representative.
    expect(forApplication.json().responsible.map((o: { id: string }) => o.id)).toContain('450100-market_regulation-chief');
    // Clear refusals: no note, no such alert, no outcome on closing.
    expect((await open({ applicationNo: no })).json().error.details[0].field).toBe('body.note');
    expect((await open({ applicationNo: no, alertSeq: 9999, note: 'x' })).statusCode).toBe(404);
    const noOutcome = (await step(forApplication.json().id, { status: 'explanation_received', note: '已说明' }).then(() => step(forApplication.json().id, { status: 'closed', note: '已核实' }))).json();
    expect(noOutcome.error).toMatchObject({ code: 'validation_failed', details: [{ field: 'body.outcome', message: 'closing a case needs an outcome' }] });

    const pending = await casesOf('pending');
    expect(ids(pending)).toContain(fromAlert.json().id);
    expect(ids(pending)).toContain(forApplication.json().id);
    expect(pending.every((c) => c.status !== 'closed')).toBe(true);
    // Who opened it and why is the case's first step.
    const opened = (await supervisor(`/v1/cases/${encodeURIComponent(forApplication.json().id)}`)).json();
    expect(opened.steps.map((s: { status: string; note: string }) => `${s.status}: ${s.note}`)).toEqual(['open: 群众投诉办理拖延', 'explanation_received: 已说明']);

    // The read model still agrees with the workflow: hand-opened cases are the supervisors', not phantoms.
    const record = await env.client.workflow.getHandle(no).query(recordQuery);
    expect(differences(expectedRows(record), await storedRows(database.db, no))).toEqual([]);
  });
});

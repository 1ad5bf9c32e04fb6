/**
 * Traces: the API and the worker run as their own processes (from the sources, as `npm run api:dev` and
 * `npm run worker:dev` run them, the worker on the run's workflow bundle), each posting its spans over
 * OTLP/HTTP to a receiver in this test. A request's trace runs from its HTTP server span through the
 * Temporal client's call, in the workflow's headers, into the workflow and on to its activities; the
 * next request's trace is its own. Tracing adds no command: the traced history replays with the trace
 * taken out of it, as an untraced workflow runs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation.js';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type AuthConfig, issueToken } from '../api/auth.js';
import { freePort } from '../server/temporal.js';
import { workerTracing } from '../server/tracing.js';
import { TEST_AUDIT_KEYS, TEST_PAYLOAD_KEYS, securityOf, sharedTemporal, submission, testDataConverter, windowOf } from './support/stack.js';

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed in this process
}

const repoRoot = path.resolve(import.meta.dirname, '..');
const AUTH: AuthConfig = { secret: 'onewindow-tracing-test-secret-0123456789abcdef', issuer: 'onewindow', audience: 'onewindow' };

/** A span as OTLP/HTTP JSON carries it, with the service that sent it. */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: number | string } }[];
  status?: { code?: number };
}
const SERVER = 2; // SPAN_KIND_SERVER
const ERROR = 2; // STATUS_CODE_ERROR

const received: ReceivedSpan[] = [];
const posts: { url?: string; contentType?: string }[] = [];
let receiver: Server;
const children: ChildProcess[] = [];
let output = '';
/** The run's workflow bundle as a file, for the worker's WORKFLOW_BUNDLE. */
const bundle = path.join(repoRoot, 'tests', '.tmp', `tracing-bundle-${randomUUID()}.js`);

/** An OTLP/HTTP receiver, as a collector listens on 4318. */
beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      posts.push({ url: request.url, contentType: request.headers['content-type'] });
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: { resource: { attributes: ReceivedSpan['attributes'] }; scopeSpans: { spans: Omit<ReceivedSpan, 'service'>[] }[] }[];
      };
      for (const { resource, scopeSpans } of body.resourceSpans) {
        const service = resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        for (const { spans } of scopeSpans) for (const span of spans) received.push({ ...span, service });
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await new Promise((resolve) => receiver?.close(resolve));
  rmSync(bundle, { force: true });
});

/** server/api.ts or server/worker.ts under tsx, as `npm run api:dev` and `npm run worker:dev` run them. */
function run(name: 'api' | 'worker', env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server', `${name}.ts`)], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => (output += `[${name}] ${chunk}`));
  children.push(child);
  return child;
}

async function until<T>(what: string, attempt: () => Promise<T | undefined> | T | undefined, seconds = 60): Promise<T> {
  for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    const result = await Promise.resolve()
      .then(attempt)
      .catch(() => undefined);
    if (result !== undefined) return result;
  }
  throw new Error(`${what} did not happen within ${seconds} s. Output:\n${output.slice(-6000)}`);
}

const attribute = (span: ReceivedSpan, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
};
/** The one span of `trace` so named (a name ending in ':' matches any workflow, update or activity type). */
const spanOf = (traceId: string, name: string) => received.find((s) => s.traceId === traceId && (name.endsWith(':') ? s.name.startsWith(name) : s.name === name));
const childrenOf = (parent: ReceivedSpan) => received.filter((s) => s.traceId === parent.traceId && s.parentSpanId === parent.spanId);

describe('traces over OTLP', { timeout: 180_000 }, () => {
  it('follow a request from the API through the workflow to its activities, one trace per request', async () => {
    const port = await freePort();
    writeFileSync(bundle, inject('workflowBundleCode'));
    const env = {
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_ADDRESS: sharedTemporal().address,
      TEMPORAL_NAMESPACE: sharedTemporal().namespace,
      TEMPORAL_TASK_QUEUE: `tracing-${randomUUID()}`,
      AUTH_JWT_SECRET: AUTH.secret!,
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      ...TEST_AUDIT_KEYS,
      // The general endpoint: the exporter posts to its /v1/traces.
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
    const worker = run('worker', { ...env, WORKFLOW_BUNDLE: bundle });
    const api = run('api', { ...env, PORT: String(port), HOST: '127.0.0.1' });
    const base = `http://127.0.0.1:${port}`;
    await until('readiness', async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined));

    const call = async (method: string, url: string, headers: Record<string, string>, body?: unknown) => {
      const res = await fetch(`${base}${url}`, { method, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return { status: res.status, json: (await res.json()) as any };
    };
    const staff = async (officerId: string) => ({ authorization: `Bearer ${await issueToken(AUTH, officerId, '1h')}` });
    const key = await call('POST', '/v1/integrators', await staff(securityOf()), { name: 'Tracing test portal', centres: ['450000'] });
    expect(key.status).toBe(201);
    const submitted = await call('POST', '/v1/applications', { 'x-api-key': key.json.key }, submission());
    expect(submitted.status).toBe(201);
    const no = submitted.json.applicationNo as string;
    const intake = { decision: 'not_accept', department: 'market_regulation', reason: '材料不齐全' };
    const refused = await call('POST', `/v1/applications/${no}/intake`, await staff(windowOf('market_regulation')), intake);
    expect(refused.status, JSON.stringify(refused.json)).toBe(200);
    expect(refused.json.stage).toBe('not_accepted');
    expect((await fetch(`${base}/v1/items/no-such-item`)).status).toBe(404);

    // The submission's trace: the HTTP request, the client's start, the workflow's run (which ends as the
    // workflow does, after the refusal), an activity it scheduled and the activity's run on the worker.
    const http = await until('the submission span', () => received.find((s) => s.name === 'POST /v1/applications'));
    expect(http).toMatchObject({ service: 'onewindow-api', kind: SERVER });
    expect(http.parentSpanId ?? '').toBe('');
    expect(attribute(http, 'http.route')).toBe('/v1/applications');
    expect(attribute(http, 'http.request.method')).toBe('POST');
    expect(attribute(http, 'http.response.status_code')).toBe(201);
    const trace = http.traceId;
    const start = spanOf(trace, 'StartWorkflow:applicationWorkflow');
    expect(start).toMatchObject({ service: 'onewindow-api', parentSpanId: http.spanId });
    const workflow = await until('the workflow span', () => spanOf(trace, 'RunWorkflow:applicationWorkflow'));
    expect(workflow).toMatchObject({ service: 'onewindow-worker', parentSpanId: start!.spanId });
    expect(attribute(workflow, 'workflowId')).toBe(no);
    const scheduled = childrenOf(workflow).filter((s) => s.name.startsWith('StartActivity:'));
    expect(scheduled.length).toBeGreaterThan(0);
    const ran = await until('an activity span', () => scheduled.flatMap(childrenOf).find((s) => s.name.startsWith('RunActivity:')));
    expect(ran.service).toBe('onewindow-worker');
    expect(ran.name.slice('RunActivity:'.length)).toBe(received.find((s) => s.spanId === ran.parentSpanId)!.name.slice('StartActivity:'.length));

    // The intake's trace is its own: the request, the client's update, the workflow's handling of it and
    // the activity that records the refusal.
    const intakeHttp = await until('the intake span', () => received.find((s) => s.name === 'POST /v1/applications/:no/intake'));
    expect(intakeHttp).toMatchObject({ service: 'onewindow-api', kind: SERVER });
    expect(attribute(intakeHttp, 'http.route')).toBe('/v1/applications/:no/intake');
    expect(attribute(intakeHttp, 'url.path')).toBe(`/v1/applications/${no}/intake`);
    expect(intakeHttp.traceId).not.toBe(trace);
    const update = spanOf(intakeHttp.traceId, 'StartWorkflowUpdate:intake');
    expect(update).toMatchObject({ service: 'onewindow-api', parentSpanId: intakeHttp.spanId });
    const handled = await until('the update span', () => spanOf(intakeHttp.traceId, 'HandleUpdate:intake'));
    expect(handled).toMatchObject({ service: 'onewindow-worker', parentSpanId: update!.spanId });
    await until('the refusal recorded', () => childrenOf(handled).find((s) => s.name.startsWith('StartActivity:')));
    expect(received.filter((s) => s.traceId === intakeHttp.traceId && s.name.startsWith('RunWorkflow:'))).toEqual([]);

    // A 4xx is the caller's error, not the server's: its span is not marked failed.
    const notFound = await until('the 404 span', () => received.find((s) => s.name === 'GET /v1/items/:code'));
    expect(attribute(notFound, 'http.response.status_code')).toBe(404);
    expect(notFound.status?.code ?? 0).not.toBe(ERROR);
    expect(new Set(posts.map((p) => `${p.url} ${p.contentType}`))).toEqual(new Set(['/v1/traces application/json']));
    // The probes are not traced: polled every few seconds, they would bury the requests.
    expect(received.filter((s) => s.name === 'GET /readyz')).toEqual([]);

    // Both stop cleanly, sending what they still hold.
    for (const child of [api, worker]) child.kill('SIGTERM');
    expect(await Promise.all([api, worker].map((child) => new Promise((resolve) => child.once('exit', resolve))))).toEqual([0, 0]);

    // The trace travels in the history's headers, and is all that tracing adds to it: without it the
    // history replays as an untraced workflow runs (workflows/tracing.ts passes straight through).
    const connection = await Connection.connect({ address: sharedTemporal().address });
    try {
      const history = await new Client({ connection, namespace: sharedTemporal().namespace }).workflow.getHandle(no).fetchHistory();
      const events = history.events!;
      const started = events[0].workflowExecutionStartedEventAttributes!;
      expect(Object.keys(started.header?.fields ?? {})).toContain(TRACE_HEADER);
      const activities = events.filter((e) => e.activityTaskScheduledEventAttributes);
      expect(activities.length).toBeGreaterThan(0);
      for (const e of activities) expect(Object.keys(e.activityTaskScheduledEventAttributes!.header?.fields ?? {})).toContain(TRACE_HEADER);
      const workflowBundle = { code: inject('workflowBundleCode') };
      await expect(Worker.runReplayHistory({ workflowBundle, dataConverter: testDataConverter(), ...workerTracing(undefined) }, history, no)).resolves.toBeUndefined();
      delete started.header!.fields![TRACE_HEADER];
      await expect(Worker.runReplayHistory({ workflowBundle, dataConverter: testDataConverter(), ...workerTracing(undefined) }, history, no)).resolves.toBeUndefined();
    } finally {
      await connection.close();
    }
  });
});

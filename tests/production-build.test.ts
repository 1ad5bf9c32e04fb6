/**
 * Production as it runs: `npm run build` compiles the processes into dist/, and `npm run api` and
 * `npm run worker` (node dist/server/*.js, no tsx) carry an application from submission into review
 * against the test's Temporal server and PostgreSQL. The API serves its requests' Prometheus metrics
 * on API_METRICS_ADDRESS: each route's count by method, route pattern and status code, its latency
 * histogram and Node.js's own figures; the public port has no /metrics.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type AuthConfig, issueToken } from '../api/auth.js';
import { freePort } from '../server/temporal.js';
import { TEST_AUDIT_KEYS, TEST_PAYLOAD_KEYS, securityOf, submission, windowOf } from './support/stack.js';

const repoRoot = path.resolve(import.meta.dirname, '..');
const AUTH: AuthConfig = { secret: 'onewindow-build-test-secret-0123456789abcdef', issuer: 'onewindow', audience: 'onewindow' };
const children: ChildProcess[] = [];
let output = '';

beforeAll(() => void execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'pipe', timeout: 300_000 }), 300_000);
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

/** `npm run <script>` as package.json says it (`node … dist/server/….js`), without npm in between, so that a signal reaches node. */
function run(script: 'api' | 'worker', env: Record<string, string>): ChildProcess {
  const scripts = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const [command, ...args] = scripts[script].split(' ');
  expect(command).toBe('node');
  const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => (output += `[${script}] ${chunk}`));
  children.push(child);
  return child;
}

async function until<T>(what: string, attempt: () => Promise<T | undefined>): Promise<T> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    const result = await attempt().catch(() => undefined);
    if (result !== undefined) return result;
  }
  throw new Error(`${what} did not happen within 60 s. Output:\n${output.slice(-6000)}`);
}

describe('the compiled production processes', { timeout: 180_000 }, () => {
  it('take an application into review with node dist/server/*.js, and the API counts and times each route', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const env = {
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      TEMPORAL_TASK_QUEUE: `build-${randomUUID()}`,
      AUTH_JWT_SECRET: AUTH.secret!,
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      ...TEST_AUDIT_KEYS,
    };
    // The bundle made ahead carries the tracing interceptors too (workflows/tracing.ts; tests/tracing.test.ts).
    expect(readFileSync(path.join(repoRoot, 'dist', 'workflow-bundle.js'), 'utf8')).toContain('OpenTelemetryInboundInterceptor');
    const worker = run('worker', env);
    const api = run('api', { ...env, PORT: String(port), HOST: '127.0.0.1', API_METRICS_ADDRESS: `127.0.0.1:${metricsPort}` });
    const base = `http://127.0.0.1:${port}`;
    await until('readiness', async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined));

    const call = async (method: string, url: string, officerId?: string, body?: unknown) => {
      const headers: Record<string, string> = officerId ? { authorization: `Bearer ${await issueToken(AUTH, officerId, '1h')}` } : {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${base}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return { status: res.status, json: (await res.json()) as any };
    };
    const key = await call('POST', '/v1/integrators', securityOf(), { name: 'Build test portal', centres: ['450000'] });
    expect(key.status).toBe(201);
    const submitted = await fetch(`${base}/v1/applications`, {
      method: 'POST',
      headers: { 'x-api-key': key.json.key, 'content-type': 'application/json' },
      body: JSON.stringify(submission()),
    });
    expect(submitted.status).toBe(201);
    const { applicationNo } = (await submitted.json()) as { applicationNo: string };
    const accepted = await call('POST', `/v1/applications/${applicationNo}/intake`, windowOf('market_regulation'), { decision: 'accept', department: 'market_regulation' });
    expect(accepted.status, JSON.stringify(accepted.json)).toBe(200);
    expect(accepted.json.stage).toBe('in_review');

    expect((await call('GET', '/v1/items/company-startup')).status).toBe(200);
    expect((await call('GET', '/v1/items/no-such-item')).status).toBe(404);
    expect((await call('GET', '/v1/applications')).status).toBe(401);
    expect((await fetch(`${base}/metrics`)).status).toBe(404);

    const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await scraped.text();
    const count = (labels: string) => Number(new RegExp(`^http_request_duration_seconds_count\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1]);
    expect(count('method="POST",route="/v1/applications",status_code="201"')).toBe(1);
    expect(count('method="POST",route="/v1/applications/:no/intake",status_code="200"')).toBe(1);
    expect(count('method="GET",route="/v1/items/:code",status_code="200"')).toBe(1);
    expect(count('method="GET",route="/v1/items/:code",status_code="404"')).toBe(1);
    expect(count('method="GET",route="/v1/applications",status_code="401"')).toBe(1);
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{le="0.1",method="GET",route="\/v1\/items\/:code",status_code="200"\} \d+$/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \S+$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total \S+$/m);

    // Both stop cleanly on SIGTERM.
    for (const child of [api, worker]) child.kill('SIGTERM');
    expect(await Promise.all([api, worker].map((child) => new Promise((resolve) => child.once('exit', resolve))))).toEqual([0, 0]);
  });

  it("refuse to start without payload keys, saying which to set: applicants' data in Temporal is encrypted with them", async () => {
    const env = { DATABASE_URL: inject('databaseUrl'), TEMPORAL_ADDRESS: inject('temporalAddress'), AUTH_JWT_SECRET: AUTH.secret!, PAYLOAD_KEYS: '', PAYLOAD_KEY_FILE: '' };
    output = '';
    const exits = (['worker', 'api'] as const).map((script) => {
      const child = run(script, env);
      // 'close': the process has ended and its output has been read.
      return new Promise((resolve) => child.once('close', resolve));
    });
    expect(await Promise.all(exits)).toEqual([1, 1]);
    expect(output.match(/Set PAYLOAD_KEYS \(id:base64-key, newest last\) or PAYLOAD_KEY_FILE/g), output).toHaveLength(2);
  });
});

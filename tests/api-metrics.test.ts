/**
 * The production API process (`npm run api`, server/api.ts) serves its requests' Prometheus metrics
 * on API_METRICS_ADDRESS: each route's count by method, route pattern and status code, its latency
 * histogram, and Node.js's own figures; the public port has no /metrics.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../server/temporal.js';

const repoRoot = path.resolve(import.meta.dirname, '..');
let child: ChildProcess | undefined;
afterAll(() => void (child && child.exitCode === null && child.kill('SIGTERM')));

async function until<T>(what: string, attempt: () => Promise<T | undefined>, output: () => string): Promise<T> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    const result = await attempt().catch(() => undefined);
    if (result !== undefined) return result;
  }
  throw new Error(`${what} did not happen within 60 s. Output:\n${output()}`);
}

describe('the API process’s metrics', { timeout: 120_000 }, () => {
  it('counts each route by method, pattern and status, times it, and serves it away from the public port', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    let output = '';
    child = spawn(path.join(repoRoot, 'node_modules', '.bin', 'tsx'), ['server/api.ts'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: inject('databaseUrl'),
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        AUTH_JWT_SECRET: 'onewindow-metrics-test-secret-0123456789abcdef',
        API_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    const base = `http://127.0.0.1:${port}`;
    await until('readiness', async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined), () => output);

    expect((await fetch(`${base}/v1/items/company-startup`)).status).toBe(200);
    expect((await fetch(`${base}/v1/items/company-startup`)).status).toBe(200);
    expect((await fetch(`${base}/v1/items/no-such-item`)).status).toBe(404);
    expect((await fetch(`${base}/v1/applications`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`)).status).toBe(404);

    const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await scraped.text();
    const count = (labels: string) => Number(new RegExp(`^http_request_duration_seconds_count\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1]);
    expect(count('method="GET",route="/v1/items/:code",status_code="200"')).toBe(2);
    expect(count('method="GET",route="/v1/items/:code",status_code="404"')).toBe(1);
    expect(count('method="GET",route="/v1/applications",status_code="401"')).toBe(1);
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{le="0.1",method="GET",route="\/v1\/items\/:code",status_code="200"\} \d+$/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \S+$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total \S+$/m);

    child.kill('SIGTERM');
    expect(await new Promise((resolve) => child!.once('exit', resolve))).toBe(0);
  });
});

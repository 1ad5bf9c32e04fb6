/**
 * End to end: `npm start`'s entry point as a real child process, driven over real HTTP. It starts its
 * own Temporal dev server (SQLite in DATA_DIR) and embedded PGlite database (DATA_DIR/pglite), shuts
 * down gracefully on SIGTERM, and a restart on the same DATA_DIR finds the application where it was.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AuthConfig, issueToken } from '../api/auth.js';
import { freePort } from '../server/temporal.js';
import { STARTUP_DEPARTMENTS, chiefOf, securityOf, submission, windowOf } from './support/stack.js';

const repoRoot = path.resolve(import.meta.dirname, '..');
const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
const POLL_MS = 200;
/** The child's signing secret: the test signs staff tokens with it, as `npm run token` would. */
const AUTH: AuthConfig = { secret: 'onewindow-e2e-tests-only-secret-0123456789', issuer: 'onewindow', audience: 'onewindow' };

interface Started {
  child: ChildProcess;
  stdout(): string;
  /** stdout and stderr interleaved, for failure messages. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: Started[] = [];
const tempDirs: string[] = [];

/** Spawns `tsx server/start.ts` in its own process group, so a SIGKILL fallback reaches its dev server too. */
function start(env: Record<string, string>): Started {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', ...env };
  delete childEnv.DATABASE_URL;
  delete childEnv.TEMPORAL_ADDRESS;
  const child = spawn(tsx, ['server/start.ts'], { cwd: repoRoot, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let all = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    all += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    all += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const handle: Started = { child, stdout: () => out, output: () => all.slice(-8000), exited };
  started.push(handle);
  return handle;
}

function running(p: Started): boolean {
  return p.child.exitCode === null && p.child.signalCode === null;
}

/** Resolves with the exit, or rejects naming what the process printed if it has not exited within `ms`. */
async function exitWithin(p: Started, ms: number, what: string) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: the process did not exit within ${ms} ms. Output:\n${p.output()}`)), ms);
  });
  try {
    return await Promise.race([p.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls GET /readyz until 200; fails early, with the process's output, if it exits first. */
async function waitReady(p: Started, base: string, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!running(p)) {
      throw new Error(`The process exited (${p.child.exitCode ?? p.child.signalCode}) before it was ready. Output:\n${p.output()}`);
    }
    try {
      const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5_000) });
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = String((err as Error).message);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`Not ready within ${ms} ms (last: ${last}). Output:\n${p.output()}`);
}

/** Sends SIGTERM to the entry point alone (not its group): the process must stop its dev server itself. */
async function terminate(p: Started, ms = 30_000) {
  p.child.kill('SIGTERM');
  return exitWithin(p, ms, 'after SIGTERM');
}

/** True when something accepts a TCP connection on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(2_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Credentials for a request: a staff bearer token or an integrator's key. */
type Credentials = { authorization: string } | { 'x-api-key': string } | Record<string, never>;
const staff = async (officerId: string): Promise<Credentials> => ({ authorization: `Bearer ${await issueToken(AUTH, officerId, '1h')}` });

async function http(base: string, method: 'GET' | 'POST' | 'DELETE', url: string, credentials: Credentials, body?: unknown) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { ...credentials, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, json: json as any, text };
}

afterAll(() => {
  for (const p of started) {
    if (!running(p)) continue;
    try {
      process.kill(-p.child.pid!, 'SIGKILL');
    } catch {
      p.child.kill('SIGKILL');
    }
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * `npm start` on a fresh DATA_DIR and free ports, until ready. Another test's process may take a port
 * between freePort() and the bind (seen in CI: the dev server's UI, `bind: address already in use`):
 * then it starts again, on new ports and a new DATA_DIR, at most three times.
 */
async function startOnFreePorts() {
  for (let attempt = 1; ; attempt++) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'onewindow-e2e-'));
    tempDirs.push(dataDir);
    const [port, devPort, uiPort, idpPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    const env = {
      PORT: String(port),
      // The local identity provider's port too: the default (3001) may be taken on a shared machine.
      OIDC_DEV_PORT: String(idpPort),
      TEMPORAL_DEV_PORT: String(devPort),
      TEMPORAL_UI_PORT: String(uiPort),
      DATA_DIR: dataDir,
      AUTH_JWT_SECRET: AUTH.secret!,
    };
    const base = `http://127.0.0.1:${port}`;
    const first = start(env);
    try {
      await waitReady(first, base);
      return { first, env, base, port, devPort };
    } catch (err) {
      if (attempt < 3 && !running(first) && first.output().includes('address already in use')) continue;
      throw err;
    }
  }
}

describe('npm start, end to end', () => {
  it(
    'serves a joint application, shuts down gracefully on SIGTERM, and a restart on the same DATA_DIR resumes it',
    async () => {
      // First run: a fresh DATA_DIR, so the dev server and PGlite start empty and the catalogue is seeded.
      const { first, env, base, port, devPort } = await startOnFreePorts();
      try {
        expect(first.stdout(), first.output()).toContain('OneWindow is running.');
        expect(first.stdout(), first.output()).toContain(`http://localhost:${port}/docs`);

        // The region's security administrator issues an integrator's key; the key is shown once, in the answer.
        const admin = await staff(securityOf());
        const created = await http(base, 'POST', '/v1/integrators', admin, { name: 'E2E portal', centres: ['450000'] });
        expect(created.status, created.text).toBe(201);
        expect(created.json.key).toMatch(/^ow_[0-9a-f]{12}_/);
        const integrator: Credentials = { 'x-api-key': created.json.key };
        const keyId = created.json.id as string;

        const anonymous = await http(base, 'POST', '/v1/applications', {}, submission());
        expect(anonymous.status, anonymous.text).toBe(401);
        expect(anonymous.json.error.code).toBe('unauthorized');

        const submitted = await http(base, 'POST', '/v1/applications', integrator, submission());
        expect(submitted.status, submitted.text).toBe(201);
        const no = submitted.json.applicationNo as string;
        expect(no).toMatch(/^450100-\d{8}-\d{6}$/);

        const window = await staff(windowOf('market_regulation'));
        const accepted = await http(base, 'POST', `/v1/applications/${no}/intake`, window, {
          decision: 'accept',
          department: 'market_regulation',
        });
        expect(accepted.status, accepted.text).toBe(200);
        expect(accepted.json.stage).toBe('in_review');
        expect(accepted.json.responsibleOfficer).toMatchObject({ id: windowOf('market_regulation') });

        const decisions = await Promise.all(
          STARTUP_DEPARTMENTS.map(async (department) =>
            http(base, 'POST', `/v1/applications/${no}/reviews/${department}/decision`, await staff(chiefOf(department)), { decision: 'approve' }),
          ),
        );
        expect(decisions.map((d) => d.status), decisions.map((d) => d.text).join('\n')).toEqual([200, 200, 200, 200, 200]);
        await expect
          .poll(async () => (await http(base, 'GET', `/v1/applications/${no}`, integrator)).json.stage, { timeout: 30_000, interval: POLL_MS })
          .toBe('completed');

        // Graceful shutdown before pickup: exit 0, and the dev server it started is gone with it.
        expect(await listening(devPort), `the Temporal dev server should listen on ${devPort}`).toBe(true);
        const stopped = await terminate(first);
        expect(stopped, first.output()).toEqual({ code: 0, signal: null });
        expect(await listening(devPort), `the Temporal dev server still listens on ${devPort}`).toBe(false);
        expect(await listening(port), `the API still listens on ${port}`).toBe(false);

        // Second run on the same DATA_DIR and ports: the read model and the workflow both survived.
        const second = start(env);
        await waitReady(second, base);
        expect(second.stdout(), second.output()).toContain('OneWindow is running.');

        // The key and the tokens still work: the key is in the database, the secret in the environment.
        const read = await http(base, 'GET', `/v1/applications/${no}`, integrator);
        expect(read.status, read.text).toBe(200);
        expect(read.json.stage).toBe('completed');
        expect(read.json.reviews).toHaveLength(5);
        expect(read.json.reviews.map((r: { department: string }) => r.department).sort()).toEqual([...STARTUP_DEPARTMENTS].sort());
        expect(read.json.reviews.map((r: { status: string }) => r.status)).toEqual(Array(5).fill('approved'));

        const live = await http(base, 'GET', `/v1/applications/${no}?live=1`, integrator);
        expect(live.status, live.text).toBe(200);
        expect(live.json).toMatchObject({ applicationNo: no, stage: 'completed' });
        expect(live.json.reviews.map((r: { status: string }) => r.status)).toEqual(Array(5).fill('approved'));

        const picked = await http(base, 'POST', `/v1/applications/${no}/pickup`, window, {});
        expect(picked.status, picked.text).toBe(200);
        expect(picked.json.stage).toBe('picked_up');

        const timeline = await http(base, 'GET', `/v1/applications/${no}/history?format=timeline`, window);
        expect(timeline.status, timeline.text).toBe(200);
        expect(timeline.json.timeline.at(-1).what).toBe('workflow completed');

        // A bad rating opens its follow-up, whose first activity reads inside a transaction: on the embedded
        // database's one connection, a read beside the transaction once waited for it for ever.
        const rated = await http(base, 'POST', `/v1/applications/${no}/ratings`, integrator, { event: 'intake', level: 'very_dissatisfied', comment: '等候太久' });
        expect(rated.status, rated.text).toBe(201);
        const supervisor = await staff('450000-supervisor');
        await expect
          .poll(async () => (await http(base, 'GET', `/v1/follow-ups/R-${no}-intake`, supervisor)).json.assignee?.length ?? 0, { timeout: 30_000, interval: POLL_MS })
          .toBeGreaterThan(0);
        expect((await http(base, 'GET', '/v1/centres/450000', {})).status).toBe(200);

        // A revoked key is refused at once.
        const revoked = await http(base, 'DELETE', `/v1/integrators/${keyId}`, admin);
        expect(revoked.status, revoked.text).toBe(200);
        expect(revoked.json.revokedAt).not.toBeNull();
        const refused = await http(base, 'GET', `/v1/applications/${no}`, integrator);
        expect(refused.status, refused.text).toBe(401);
        expect(refused.json.error.code).toBe('unauthorized');
        const refusedSubmission = await http(base, 'POST', '/v1/applications', integrator, submission());
        expect(refusedSubmission.status, refusedSubmission.text).toBe(401);

        const stoppedAgain = await terminate(second);
        expect(stoppedAgain, second.output()).toEqual({ code: 0, signal: null });
        expect(await listening(devPort), `the Temporal dev server still listens on ${devPort}`).toBe(false);
      } catch (err) {
        // Leave the output of every run in the failure message.
        const logs = started.map((p, i) => `--- run ${i + 1} output ---\n${p.output()}`).join('\n');
        if (err instanceof Error) err.message += `\n${logs}`;
        throw err;
      }
    },
    180_000,
  );

  it(
    'refuses a bad configuration with a message naming the variable, and exit code 1',
    async () => {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'onewindow-e2e-'));
      tempDirs.push(dataDir);
      const p = start({ PORT: 'notaport', DATA_DIR: dataDir });
      const exit = await exitWithin(p, 60_000, 'with PORT=notaport');
      expect(exit, p.output()).toEqual({ code: 1, signal: null });
      expect(p.output()).toMatch(/\bPORT\b/);
    },
    90_000,
  );
});

/**
 * `npm run cluster`, as the README's production section gives it: the real Temporal server
 * (go.temporal.io/server, built once into the cache) on fresh databases of the test's PostgreSQL
 * server, two workers and two API processes. An application goes from submission to pickup with its
 * requests spread over both APIs; Ctrl+C (SIGINT) then stops everything and exits 0.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { issueToken } from '../api/auth.js';
import { type ItemDefinition, requiredMaterials } from '../db/item-definition.js';
import { ensureTemporalServer, freePorts, portVariable, setupSchemas, storeOf } from '../scripts/cluster/temporal-server.js';
import { chiefOf, securityOf, submission, windowOf } from './support/people.js';

const DEPARTMENTS = ['market_regulation', 'taxation', 'public_security', 'human_resources', 'housing_fund'];

const repoRoot = path.resolve(import.meta.dirname, '..');
const run = `${Date.now()}_${process.pid}`;
const names = { onewindow: `onewindow_cluster_${run}`, temporal: `temporal_cluster_${run}` };
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'onewindow-cluster-'));
let cluster: ChildProcess | undefined;
let output = '';

const onServer = async (sql: string) => {
  const admin = new pg.Client({ connectionString: inject('databaseUrl') });
  await admin.connect();
  await admin.query(sql).finally(() => admin.end());
};
const withDatabase = (name: string) => Object.assign(new URL(inject('databaseUrl')), { pathname: `/${name}` }).toString();

/** A port p below 32768 with p + 1 free too: the two APIs listen on PORT and PORT + 1. */
async function twoFreePorts(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = net.createServer().once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if ((await free(port)) && (await free(port + 1))) return port;
  }
}

// The first build of the server takes minutes; CI's cluster fault run has made it already.
beforeAll(() => void ensureTemporalServer(), 20 * 60_000);
afterAll(async () => {
  if (cluster?.exitCode === null) cluster.kill('SIGKILL');
  for (const name of [names.onewindow, names.temporal, `${names.temporal}_visibility`]) await onServer(`drop database if exists ${name} with (force)`);
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('npm run cluster', () => {
  it('runs two workers and two APIs on the real Temporal server; an application goes through both; Ctrl+C stops all', async () => {
    const ports = await freePorts();
    const apiPort = await twoFreePorts();
    cluster = spawn(process.execPath, [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'scripts/cluster.ts', '--workers', '2', '--apis', '2', '--from-sources'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATABASE_URL: withDatabase(names.onewindow),
        TEMPORAL_STORE_DB: names.temporal,
        TEMPORAL_VISIBILITY_DB: `${names.temporal}_visibility`,
        ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [portVariable(name), String(port)])),
        PORT: String(apiPort),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        // The data folder's own keys, as a newcomer's first run has them.
        AUTH_JWT_SECRET: '',
        PAYLOAD_KEYS: '',
        PAYLOAD_KEY_FILE: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [cluster.stdout!, cluster.stderr!]) stream.on('data', (chunk: Buffer) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => cluster!.once('exit', resolve));
    await expect
      .poll(() => output, { timeout: 180_000, interval: 500 })
      .toContain('OneWindow is running on a Temporal cluster: 2 worker(s), 2 API process(es).');
    expect(output).toContain(`Temporal server 127.0.0.1:${ports.frontend}`);
    expect(output).toContain(`  Recorder:    the windows' cameras, into ${path.join(dataDir, 'video')}`);
    const archive = pathToFileURL(path.join(dataDir, 'cluster', 'archival')).href;
    expect(output).toContain(`namespace default: created (retention 30 days; history archival enabled into ${archive}/history; visibility archival enabled into ${archive}/visibility)`);

    // Staff tokens signed with the data folder's secret, which the cluster handed to its APIs.
    const auth = { secret: readFileSync(path.join(dataDir, 'auth-secret'), 'utf8').trim(), issuer: 'onewindow', audience: 'onewindow' };
    const apis = [`http://127.0.0.1:${apiPort}`, `http://127.0.0.1:${apiPort + 1}`];
    let calls = 0;
    const call = async (method: string, url: string, who: { officer?: string; key?: string } = {}, body?: unknown) => {
      const headers: Record<string, string> = {};
      if (who.officer) headers.authorization = `Bearer ${await issueToken(auth, who.officer, '1h')}`;
      if (who.key) headers['x-api-key'] = who.key;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${apis[calls++ % 2]}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return { status: res.status, json: (await res.json()) as any };
    };

    const key = (await call('POST', '/v1/integrators', { officer: securityOf() }, { name: 'cluster test', centres: ['450100'] })).json.key as string;
    const materials = requiredMaterials((await call('GET', '/v1/items/company-startup')).json.definition as ItemDefinition);
    const submitted = await call('POST', '/v1/applications', { key }, submission({ materials }));
    expect(submitted.status, JSON.stringify(submitted.json)).toBe(201);
    const no = submitted.json.applicationNo as string;
    const accepted = await call('POST', `/v1/applications/${no}/intake`, { officer: windowOf('market_regulation') }, { decision: 'accept', department: 'market_regulation' });
    expect(accepted.status, JSON.stringify(accepted.json)).toBe(200);
    for (const department of DEPARTMENTS) {
      const decided = await call('POST', `/v1/applications/${no}/reviews/${department}/decision`, { officer: chiefOf(department) }, { decision: 'approve' });
      expect(decided.status, JSON.stringify(decided.json)).toBe(200);
    }
    await expect.poll(async () => (await call('GET', `/v1/applications/${no}`, { key })).json.stage, { timeout: 30_000 }).toBe('completed');
    const picked = await call('POST', `/v1/applications/${no}/pickup`, { officer: windowOf('market_regulation') }, {});
    expect(picked.status, JSON.stringify(picked.json)).toBe(200);
    await expect.poll(async () => (await call('GET', `/v1/applications/${no}`, { key })).json.stage, { timeout: 30_000 }).toBe('picked_up');
    expect(calls).toBeGreaterThan(10); // both APIs answered about half of them

    // Ctrl+C: the APIs and workers stop, then the server; the command exits 0 and nothing listens.
    cluster.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('SIGINT: stopping the APIs and workers, then the Temporal server');
    const listening = (port: number) =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1').once('connect', () => (socket.destroy(), resolve(true)));
        socket.once('error', () => resolve(false));
      });
    expect(await Promise.all([apiPort, apiPort + 1, ports.frontend].map(listening))).toEqual([false, false, false]);

    // An upgrade runs the schema step again: it applies only what the databases lack, here nothing.
    const versions = async () => {
      const found = [];
      for (const name of [names.temporal, `${names.temporal}_visibility`]) {
        const client = new pg.Client({ connectionString: withDatabase(name) });
        await client.connect();
        found.push((await client.query<{ v: string }>('select curr_version as v from schema_version').finally(() => client.end())).rows[0].v);
      }
      return found;
    };
    const before = await versions();
    expect(before.every((v) => /^1\.\d+$/.test(v)), before.join()).toBe(true);
    await setupSchemas(ensureTemporalServer(), { ...storeOf(inject('databaseUrl')), database: names.temporal, visibilityDatabase: `${names.temporal}_visibility` });
    expect(await versions()).toEqual(before);
  }, 300_000);
});

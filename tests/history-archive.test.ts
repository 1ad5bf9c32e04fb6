/**
 * A closed application's whole workflow history archived in OneWindow's own store, exactly once, and
 * read from there when Temporal no longer has the workflow; the retention that disposes of it only at
 * its end; `npm run history:archive -- --verify` catching a tampered archive. Real Temporal dev server,
 * real PostgreSQL, real processes killed mid-write.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { sweepClosedHistories } from '../activities/history-archive.js';
import { isWorkflowGone } from '../api/errors.js';
import { verifyAudit } from '../db/audit.js';
import { archiveRequestId, decodeArchivedHistory, storeHistory } from '../db/history-archive.js';
import { disposeAtEnd, recordsAtEnd } from '../db/retention.js';
import { applications, auditLog, historyArchives } from '../db/schema/index.js';
import { ARCHIVER_SCHEDULE_ID, ensureArchiverSchedule } from '../server/schedules.js';
import { ConfigError } from '../server/config.js';
import { ENCRYPTED_ENCODING } from '../server/payload-codec.js';
import { archiveClosedHistories } from '../workflows/archiver.js';
import { buildApp } from '../api/app.js';
import { openBlobStore } from '../db/blob-store.js';
import { temporalClient } from '../server/runtime.js';
import { freePort } from '../server/temporal.js';
import { STARTUP_DEPARTMENTS, type Stack, TEST_AUDIT_KEYS, TEST_PAYLOAD_KEYS, sharedTemporal, startStack, supervisorOf, testConfig, testDataConverter } from './support/stack.js';
import { signIn } from './support/signin.js';
import { ok, windowActions } from './support/window.js';

const repoRoot = path.resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let stack: Stack;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  stack = await startStack({ signIn: true });
});

/** What the supervision page's detail panel says of where the application's timeline came from, in Chinese and in English. */
async function pageSaysSource(no: string): Promise<{ source: string | null; zh: string; en: string; temporalLinks: number }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    await signIn(page, stack.baseUrl, supervisorOf('450100'), '/supervision');
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    // As a string: the test runner would rewrite an import() written as code.
    await page.evaluate(`import('/supervision/modules/detail.js').then((m) => m.openDetail(${JSON.stringify(no)}))`);
    const line = page.locator('[data-testid="history-source"]');
    await line.waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="timeline"] li').first().waitFor({ timeout: 10_000 });
    const zh = (await line.textContent()) ?? '';
    // For a person to look at: tests/.tmp/screenshots/history-source-<temporal|archive>.png. The detail
    // is drawn again whenever the live stream reloads (other test files write to the same database), so
    // the line scrolled to may have been replaced: the screenshot is taken all the same.
    await line.scrollIntoViewIfNeeded().catch(() => {});
    await page.screenshot({ path: path.join(import.meta.dirname, '.tmp/screenshots', `history-source-${await line.getAttribute('data-source')}.png`) });
    await page.evaluate(`import('/supervision/modules/state.js').then((m) => { m.state.lang = 'en'; return import('/supervision/modules/detail.js'); }).then((m) => m.renderDetail())`);
    const en = (await line.textContent()) ?? '';
    return { source: await line.getAttribute('data-source'), zh, en, temporalLinks: await page.locator('[data-testid="temporal-link"]').count() };
  } finally {
    await browser.close();
  }
}
afterAll(async () => {
  await stack?.close();
});

const { submit, accept, decide } = windowActions(() => stack);
const supervisor = () => stack.as(supervisorOf());

/** Submitted, accepted, rejected by a department: its workflow ends. */
async function closedApplication(): Promise<string> {
  const no = await submit();
  ok(await accept(no));
  ok(await decide(no, STARTUP_DEPARTMENTS[0], 'reject', '材料不符'));
  await stack.client.workflow.getHandle(no).result();
  return no;
}

const archiveRows = (no: string) => stack.db.select().from(historyArchives).where(eq(historyArchives.applicationNo, no));
const auditRows = (action: string, requestId: string) =>
  stack.db.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.requestId, requestId)));

/**
 * Deletes the workflows from Temporal, as its namespace's retention would, and waits until Temporal says
 * so: the server deletes a closed workflow once its close task is acknowledged, which it records every
 * 30 seconds (history.transferProcessorUpdateAckInterval), so this takes up to a minute or so.
 */
async function removeFromTemporal(...nos: string[]) {
  for (const no of nos) {
    await stack.client.workflowService.deleteWorkflowExecution({ namespace: stack.client.options.namespace, workflowExecution: { workflowId: no } });
  }
  for (const no of nos) {
    await expect
      .poll(() => stack.client.workflow.getHandle(no).fetchHistory().then(() => 'still there', (err: unknown) => (isWorkflowGone(err) ? 'gone' : String(err))), {
        timeout: 150_000,
        interval: 1_000,
      })
      .toBe('gone');
  }
}

/** A script of scripts/ as its own process, against this run's Temporal and database. */
function script(name: string, args: string[] = [], env: Record<string, string> = {}): ChildProcess & { output: () => string; exited: Promise<number | null> } {
  const temporal = sharedTemporal();
  const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${name}.ts`, ...args], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      ...TEST_AUDIT_KEYS,
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'onewindow-archive-')),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return Object.assign(child, { output: () => output, exited });
}

describe('the history archive', () => {
  it('archives a closed application’s whole history once, encrypted, its SHA-256 in the audit trail; with the workflow gone from Temporal the route reads the archive', async () => {
    const no = await closedApplication();
    const history = (format: string) => supervisor()(`/v1/applications/${no}/history?format=${format}`);
    const before = ok<Record<string, unknown>>(await history('json'));
    const beforeTimeline = ok<Record<string, unknown>>(await history('timeline'));
    expect(before).toMatchObject({ source: 'temporal', temporalUiUrl: expect.stringContaining(no) });
    expect(await pageSaysSource(no)).toMatchObject({ source: 'temporal', temporalLinks: 1, zh: expect.stringContaining('来源：Temporal') });

    // The scheduled workflow's sweep, run now on the stack's worker (its activity reads through the worker's connection).
    const report = await stack.client.workflow.execute(archiveClosedHistories, { taskQueue: stack.taskQueue, workflowId: `archive-now-${no}` });
    expect(report.failed).toBe(0);
    expect(report.archived).toBeGreaterThanOrEqual(1);

    const [row, ...more] = await archiveRows(no);
    expect(more).toHaveLength(0);
    const inTemporal = await stack.client.workflow.getHandle(no).fetchHistory();
    expect(row.eventCount).toBe(inTemporal.events!.length);
    expect(row.closeStatus).toBe('completed');
    expect(row.storedBytes).toBeLessThan(row.rawBytes);
    const audit = await auditRows('history.archived', archiveRequestId(row.runId));
    expect(audit.map((a) => a.target)).toEqual([`${no} sha256:${row.sha256}`]);
    expect((await verifyAudit(stack.db)).problem).toBeUndefined();

    // Payloads as Temporal stores them: the applicant's data in the workflow's input stays encrypted.
    const stored = decodeArchivedHistory(row.bytes!);
    const input = stored.events[0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
    expect(Buffer.from(input.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(input.data!).toString('latin1')).not.toContain('company-startup');

    // A second sweep finds nothing to do.
    const again = await sweepClosedHistories({ db: stack.db, client: stack.client }, { backfill: true });
    expect(again.archived).toBe(0);

    // An application whose workflow Temporal lost before any archive could take it.
    const lost = await submit();
    await stack.client.workflow.getHandle(lost).terminate('test: lost before archiving');

    await removeFromTemporal(no, lost);
    const after = ok<Record<string, unknown>>(await history('json'));
    expect(after).toMatchObject({ source: 'archive', temporalUiUrl: null, sha256: row.sha256, archivedAt: row.archivedAt });
    expect(after.events).toEqual(before.events);
    const afterTimeline = ok<Record<string, unknown>>(await history('timeline'));
    expect(afterTimeline.timeline).toEqual(beforeTimeline.timeline);
    expect(afterTimeline.source).toBe('archive');
    // The supervision page says so, with the archive's SHA-256, and offers no Temporal UI link.
    const shown = await pageSaysSource(no);
    expect(shown.source).toBe('archive');
    expect(shown.zh).toContain('来源：OneWindow 归档');
    expect(shown.zh).toContain(row.sha256.slice(0, 12));
    expect(shown.en).toContain('Source: OneWindow archive');
    expect(shown.temporalLinks).toBe(0);

    // Neither Temporal nor the archive has the lost one: a 404 that says so.
    const missing = await supervisor()(`/v1/applications/${lost}/history`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toContain('neither Temporal nor the archive');
  }, 240_000);

  it('serves a closed application’s archive while Temporal cannot be reached, saying so; without an archive, a 503', async () => {
    const closed = await closedApplication();
    await sweepClosedHistories({ db: stack.db, client: stack.client });
    const open = await submit();
    // The same API, its Temporal a port nothing listens on.
    const config = testConfig();
    const unreachable = temporalClient(config.temporal, `127.0.0.1:${await freePort()}`, testDataConverter());
    const app = await buildApp({
      database: stack.database,
      auth: config.auth,
      attachments: { store: openBlobStore(stack.db, undefined), maxBytes: config.attachments.maxBytes },
      temporal: { ...unreachable, taskQueue: stack.taskQueue, uiUrl: 'http://localhost:8233' },
    });
    try {
      const headers = { authorization: `Bearer ${await stack.token(supervisorOf())}` };
      const archived = await app.inject({ url: `/v1/applications/${closed}/history?format=timeline`, headers });
      expect(archived.statusCode, archived.body).toBe(200);
      expect(archived.json()).toMatchObject({ source: 'archive', temporalUiUrl: null });
      expect(archived.json().timeline.length).toBeGreaterThan(0);
      const down = await app.inject({ url: `/v1/applications/${open}/history`, headers });
      expect(down.statusCode).toBe(503);
      expect(down.json().error.code).toBe('unavailable');
    } finally {
      await app.close();
      await unreachable.connection.close();
    }
  });

  it('archives a workflow an operator terminated, which the read model never shows closed', async () => {
    const no = await submit();
    await stack.client.workflow.getHandle(no).terminate('test: terminated by an operator');
    const report = await sweepClosedHistories({ db: stack.db, client: stack.client });
    expect(report.archived).toBeGreaterThanOrEqual(1);
    expect((await archiveRows(no)).map((r) => r.closeStatus)).toEqual(['terminated']);
  });

  const CRASH_APP = 'onewindow-archive-crash-test';

  it('writes one row and one audit row whatever races or crashes: three archivers at once, a process killed mid-transaction', async () => {
    const raced = await closedApplication();
    const history = await stack.client.workflow.getHandle(raced).fetchHistory();
    const { runId } = (await stack.client.workflow.getHandle(raced).describe());
    const results = await Promise.all([1, 2, 3].map(() => storeHistory(stack.db, { applicationNo: raced, runId }, history)));
    expect(results.filter((r) => r.stored)).toHaveLength(1);
    expect(await archiveRows(raced)).toHaveLength(1);
    expect(await auditRows('history.archived', archiveRequestId(runId))).toHaveLength(1);

    // Crash: the archiver process writes the row, then waits for the audit trail's lock (held here); killed there.
    const no = await closedApplication();
    const holder = new pg.Client({ connectionString: inject('databaseUrl') });
    await holder.connect();
    // Only the archiver's own backend: other test files append to the audit trail too, and wait for the same lock.
    const waiting = async () =>
      (
        await holder.query(
          `select l.pid from pg_locks l join pg_stat_activity a using (pid) where l.locktype = 'advisory' and not l.granted and a.application_name = $1`,
          [CRASH_APP],
        )
      ).rows.map((r) => r.pid as number);
    let locked = true;
    try {
      await holder.query('select pg_advisory_lock(4205011)');
      const child = script('history-archive', [], { DATABASE_URL: `${inject('databaseUrl')}${inject('databaseUrl').includes('?') ? '&' : '?'}application_name=${CRASH_APP}` });
      await expect.poll(waiting, { timeout: 30_000 }).toHaveLength(1);
      const [backend] = await waiting();
      child.kill('SIGKILL');
      await child.exited;
      // PostgreSQL notices the dead client when the lock is granted and it answers: it rolls the transaction back.
      await holder.query('select pg_advisory_unlock(4205011)');
      locked = false;
      await expect.poll(async () => (await holder.query('select count(*)::int as n from pg_stat_activity where pid = $1', [backend])).rows[0].n, { timeout: 30_000 }).toBe(0);
      expect(await archiveRows(no)).toHaveLength(0);
    } finally {
      if (locked) await holder.query('select pg_advisory_unlock(4205011)');
      await holder.end();
    }
    // The next sweep archives it once.
    const rerun = script('history-archive');
    expect(await rerun.exited, rerun.output()).toBe(0);
    const [row, ...more] = await archiveRows(no);
    expect(more).toHaveLength(0);
    expect(await auditRows('history.archived', archiveRequestId(row.runId))).toHaveLength(1);
    const verify = script('history-archive', ['--verify']);
    expect(await verify.exited, verify.output()).toBe(0);
    expect(verify.output()).toMatch(/0 mismatches/);
    expect((await verifyAudit(stack.db)).problem).toBeUndefined();
  });

  it('keeps the archiver’s schedule: created once, updated to the configured interval, and its sweeps archive without anyone asking', async () => {
    await ensureArchiverSchedule(stack.client, { taskQueue: stack.taskQueue, everySeconds: 3600 });
    await ensureArchiverSchedule(stack.client, { taskQueue: stack.taskQueue, everySeconds: 2 });
    const handle = stack.client.schedule.getHandle(ARCHIVER_SCHEDULE_ID);
    try {
      const schedule = await handle.describe();
      expect(schedule.spec.intervals?.map((i) => i.every)).toEqual([2_000]);
      expect(schedule.policies.overlap).toBe('SKIP');
      expect(schedule.action).toMatchObject({ workflowType: 'archiveClosedHistories', taskQueue: stack.taskQueue });
      const no = await closedApplication();
      await expect.poll(async () => (await archiveRows(no)).length, { timeout: 30_000, interval: 500 }).toBe(1);
    } finally {
      await handle.delete();
    }
  });
});

describe('retention', () => {
  it('rejects a retention policy it cannot read, naming the variable', () => {
    expect(() => testConfig({ RECORD_RETENTION_YEARS: 'licencing=10' })).toThrow(ConfigError);
    expect(() => testConfig({ RECORD_RETENTION_YEARS: 'licensing=ten' })).toThrow(/RECORD_RETENTION_YEARS/);
    expect(testConfig({ RECORD_RETENTION_YEARS: 'licensing=30, public_service=10' }).records.retentionYears).toEqual({ licensing: 30, public_service: 10 });
  });

  it('reports what reached its end, disposes of exactly that once, and keeps what has not', async () => {
    const [ended, kept] = [await closedApplication(), await closedApplication()];
    await sweepClosedHistories({ db: stack.db, client: stack.client });
    // Closed eleven years ago: past a licensing record's ten; the other closed today.
    await stack.db.execute(sql`update ${applications} set closed_at = now() - interval '11 years' where application_no = ${ended}`);

    expect((await recordsAtEnd(stack.db, {})).length).toBe(0); // nothing configured: everything is permanent
    const report = script('retention', [], { RECORD_RETENTION_YEARS: 'licensing=10' });
    expect(await report.exited, report.output()).toBe(0);
    expect(report.output()).toContain(ended);
    expect(report.output()).not.toContain(kept);
    expect(report.output()).toContain('nothing deleted');
    expect((await archiveRows(ended))[0].bytes).not.toBeNull();

    const dispose = script('retention', ['--dispose'], { RECORD_RETENTION_YEARS: 'licensing=10' });
    expect(await dispose.exited, dispose.output()).toBe(0);
    expect(dispose.output()).toContain(`disposed of 1 archived histories: ${ended}`);
    const [gone] = await archiveRows(ended);
    expect(gone.bytes).toBeNull();
    expect(gone.disposedAt).not.toBeNull();
    expect((await archiveRows(kept))[0].bytes).not.toBeNull();
    expect(await auditRows('history.disposed', `history-dispose:${gone.runId}`)).toHaveLength(1);
    // Run again: nothing left to dispose of, no second audit row.
    expect(await disposeAtEnd(stack.db, { licensing: 10 })).toEqual([]);
    expect(await auditRows('history.disposed', `history-dispose:${gone.runId}`)).toHaveLength(1);

    await removeFromTemporal(ended);
    const res = await supervisor()(`/v1/applications/${ended}/history`);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toContain('end of its retention');
    expect((await verifyAudit(stack.db)).problem).toBeUndefined();
  }, 240_000);
});

describe('npm run history:archive -- --verify', () => {
  it('catches an archive whose bytes were altered', async () => {
    const no = await closedApplication();
    await sweepClosedHistories({ db: stack.db, client: stack.client });
    const clean = script('history-archive', ['--verify']);
    expect(await clean.exited, clean.output()).toBe(0);
    // One byte of the stored gzip flipped.
    await stack.db.execute(sql`update ${historyArchives} set bytes = set_byte(bytes, 20, (get_byte(bytes, 20) + 1) % 256) where application_no = ${no}`);
    const tampered = script('history-archive', ['--verify']);
    expect(await tampered.exited).toBe(1);
    expect(tampered.output()).toContain(`MISMATCH ${no}`);
    expect(tampered.output()).toMatch(/[1-9]\d* mismatches/);
  });
});

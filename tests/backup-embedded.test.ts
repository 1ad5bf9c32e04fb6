/**
 * `npm run backup:embedded`: npm start's data folder (the embedded PGlite database, the dev server's
 * SQLite file, the payload key file and token secret) backed up into one file and restored into a
 * fresh folder, where the rows, the audit trail's chain and the files are as they were. It refuses to
 * back up a database that is open, and to restore over one.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { appendAudit, verifyAudit } from '../db/audit.js';
import { openDatabase } from '../db/client.js';
import { seedCatalogue } from '../db/seed.js';
import { auditLog, centres } from '../db/schema/index.js';

const repoRoot = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(os.tmpdir(), 'onewindow-backup-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The command as an operator runs it, on DATA_DIR `dataDir`, without a PostgreSQL server. */
/** `--with-server` (the test's own flag): with the test's DATABASE_URL, as on a PostgreSQL deployment. */
async function backupCommand(dataDir: string, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  if (args.includes('--with-server')) env.DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
  else delete env.DATABASE_URL;
  args = args.filter((a) => a !== '--with-server');
  return promisify(execFile)(process.execPath, [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'scripts/backup-embedded.ts', ...args], { cwd: repoRoot, env }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, output: err.stdout + err.stderr }),
  );
}

describe('npm run backup:embedded', () => {
  it('backs up the data folder into one file and restores it into a fresh one: the rows, the audit chain and the keys are there', async () => {
    const original = path.join(work, 'data');
    const database = await openDatabase({ dataDir: original });
    await database.migrate();
    await seedCatalogue(database.db);
    for (let i = 1; i <= 3; i++) {
      await appendAudit(database.db, {
        at: new Date(Date.UTC(2026, 11, 2, 9, i)).toISOString(),
        actor: { id: '450100-market_regulation-officer', kind: 'officer' },
        action: 'POST /v1/applications/:no/intake',
        target: `450100-20261202-00000${i}`,
        status: 200,
        centreCode: '450100',
        requestId: `req-${i}`,
      });
    }
    const centreCount = (await database.db.select().from(centres)).length;
    const auditRows = await database.db.select().from(auditLog);
    writeFileSync(path.join(original, 'payload-keys.json'), '{"current":"k1","keys":{"k1":"secret"}}');
    writeFileSync(path.join(original, 'auth-secret'), 'token-secret');
    writeFileSync(path.join(original, 'temporal.db'), Buffer.from('SQLite format 3\0 the dev server file'));
    writeFileSync(path.join(original, 'temporal.log'), 'a log is not backed up');

    // Open, it is not backed up: npm start must be stopped first.
    const whileOpen = await backupCommand(original, '--out', path.join(work, 'open.tar.gz'));
    expect(whileOpen.code).toBe(2);
    expect(whileOpen.output).toContain('stop npm start first');
    await database.close();

    const file = path.join(work, 'backup.tar.gz');
    const backedUp = await backupCommand(original, '--out', file);
    expect(backedUp.output).toContain('backed up');
    expect(backedUp.code).toBe(0);

    const fresh = path.join(work, 'restored');
    const restored = await backupCommand(fresh, '--restore', file);
    expect(restored.code, restored.output).toBe(0);
    expect(restored.output).toContain('audit trail intact (3 rows)');

    const again = await openDatabase({ dataDir: fresh });
    try {
      expect(await verifyAudit(again.db)).toMatchObject({ rows: 3, problems: [] });
      expect(await again.db.select().from(auditLog)).toEqual(auditRows);
      expect((await again.db.select().from(centres)).length).toBe(centreCount);
    } finally {
      await again.close();
    }
    for (const name of ['payload-keys.json', 'auth-secret', 'temporal.db']) {
      expect(readFileSync(path.join(fresh, name)), name).toEqual(readFileSync(path.join(original, name)));
    }
    expect(() => readFileSync(path.join(fresh, 'temporal.log'))).toThrow();

    // Over a database that is there, nothing is restored.
    const over = await backupCommand(fresh, '--restore', file);
    expect(over.code).toBe(2);
    expect(over.output).toContain('is not empty');
  }, 180_000);

  it('refuses when the database is a PostgreSQL server, or there is nothing to back up', async () => {
    const empty = path.join(work, 'empty');
    mkdirSync(empty);
    const nothing = await backupCommand(empty, '--out', path.join(work, 'none.tar.gz'));
    expect(nothing.code).toBe(2);
    expect(nothing.output).toContain('No embedded database');
    const onServer = await backupCommand(empty, '--out', path.join(work, 'none.tar.gz'), '--with-server');
    expect(onServer.code).toBe(2);
    expect(onServer.output).toContain('pg_basebackup or pg_dump');
    const neither = await backupCommand(empty);
    expect(neither.code).toBe(2);
    expect(neither.output).toContain('Give one of --out');
  }, 60_000);
});

/**
 * `npm run bench:supervision`: the supervision map and the day's table against a read model of one
 * million applications (and their events) in a database of its own on the PostgreSQL server of
 * DATABASE_URL. Prints p50/p95 of each query over repeated runs. Not a test: it asserts nothing.
 */
import os from 'node:os';
import pg from 'pg';
import { openDatabase } from '../../db/client.js';
import { seedCatalogue } from '../../db/seed.js';
import { centreMap, dayBusiness } from '../../db/supervision.js';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
const applications = Number(process.env.BENCH_APPLICATIONS ?? 1_000_000);
const runs = Number(process.env.BENCH_RUNS ?? 100);
const name = `onewindow_bench_${process.pid}`;

const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(serverUrl);
url.pathname = `/${name}`;
const database = await openDatabase({ url: url.toString(), dataDir: '' });
try {
  await database.migrate();
  await seedCatalogue(database.db);
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  const started = Date.now();
  // A year of applications spread over every centre and item; 2% still open, some yellow or red.
  await client.query(`
    insert into applications (application_no, item_code, item_version, centre_code, lead_department, statutory_limit_days,
      promised_limit_days, stage, supervision, applicant, materials, submitted_at, accepted_at, updated_at)
    select 'B' || g, i.code, 1, c.code, i.department, i.statutory_limit_days, i.promised_limit_days,
      case when g % 50 = 0 then 'in_review' else 'picked_up' end,
      case when g % 50 = 0 and g % 7 = 0 then 'red' when g % 50 = 0 and g % 5 = 0 then 'yellow' else 'green' end,
      '{"type":"person","name":"x","idNumber":"450100199001011234"}', '[]',
      timestamptz '2026-01-01' + (g * interval '31 seconds'), timestamptz '2026-01-01' + (g * interval '31 seconds'), now()
    from generate_series(1, ${applications}) g
    join lateral (select code, row_number() over () - 1 as n from centres) c on c.n = g % (select count(*) from centres)
    join lateral (select code, department, statutory_limit_days, promised_limit_days, row_number() over () - 1 as n from items) i
      on i.n = (g / 7) % (select count(*) from items)`);
  await client.query(`
    insert into events (application_no, seq, type, at, centre_code, item_code)
    select a.application_no, s.seq, s.type, a.submitted_at + s.seq * interval '1 hour', a.centre_code, a.item_code
    from applications a
    cross join (values (1, 'submitted'), (2, 'intake_accept'), (3, 'review_approved'), (4, 'completed'), (5, 'picked_up')) s(seq, type)`);
  await client.query('analyze');
  const { rows } = await client.query('select count(*)::int as applications, (select count(*)::int from events) as events from applications');
  console.log(`loaded ${rows[0].applications} applications and ${rows[0].events} events in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  await client.end();

  const measure = async (label: string, query: () => Promise<unknown>) => {
    await query(); // warm
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await query();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1);
    console.log(`${label.padEnd(44)} p50 ${q(0.5).padStart(7)} ms   p95 ${q(0.95).padStart(7)} ms   (${runs} runs)`);
  };
  console.log(`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
  await measure('map: every centre, open applications', () => centreMap(database.db));
  await measure("day's table: region (all 126 centres)", () => dayBusiness(database.db, { day: '2026-06-01', centre: '450000' }));
  await measure("day's table: one city and its counties", () => dayBusiness(database.db, { day: '2026-06-01', centre: '450100' }));
  await measure("day's table: one county", () => dayBusiness(database.db, { day: '2026-06-01', centre: '450102' }));
} finally {
  await database.close();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}

/**
 * `npm run bench:dashboard` (benchmark 4): the read model's queries behind the dashboards and lists
 * (the supervision map, the day's table, a window's list and inbox, alerts, statistics) against one
 * million applications, with their events and review tasks, in a database of its own on the
 * PostgreSQL server of DATABASE_URL. Prints p50/p95 of each query over repeated runs and writes
 * bench-results/dashboard.json. Not a test: it asserts nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../db/client.js';
import { createScratchDatabase } from '../../db/scratch.js';
import { listAlerts, listApplications, openReviewTasks } from '../../db/queries.js';
import { efficiency } from '../../db/statistics.js';
import { centreMap, dayBusiness } from '../../db/supervision.js';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
const applications = Number(process.env.BENCH_APPLICATIONS ?? 1_000_000);
const runs = Number(process.env.BENCH_RUNS ?? 100);

const scratch = await createScratchDatabase(serverUrl, `onewindow_bench_${process.pid}`);
const database = await openDatabase({ url: scratch.url, dataDir: '' });
try {
  const client = new pg.Client({ connectionString: scratch.url });
  await client.connect();
  const started = Date.now();
  // A year of applications spread over every centre and item; 2% still open, some yellow or red.
  await client.query(`
    insert into applications (application_no, item_code, item_version, centre_code, lead_department, statutory_limit_days,
      promised_limit_days, stage, supervision, applicant, materials, submitted_at, accepted_at, updated_at, planned_reviews,
      completed_at, working_days_taken, calendar_days_taken, on_time, within_statutory)
    select 'B' || g, i.code, 1, c.code, i.department, i.statutory_limit_days, i.promised_limit_days,
      case when g % 50 = 0 then 'in_review' else 'picked_up' end,
      case when g % 50 = 0 and g % 7 = 0 then 'red' when g % 50 = 0 and g % 5 = 0 then 'yellow' else 'green' end,
      '{"type":"person","name":"x","idNumber":"450100199001011234"}', '[]',
      timestamptz '2026-01-01' + (g * interval '31 seconds'), timestamptz '2026-01-01' + (g * interval '31 seconds'), now(),
      jsonb_build_array(jsonb_build_object('department', i.department, 'centreCode', c.code)),
      -- The decided ones (statistics): taken 1 to 15 working days, one in ten after its promised limit.
      case when g % 50 = 0 then null else timestamptz '2026-01-01' + (g * interval '31 seconds') + (1 + g % 15) * interval '1 day' end,
      case when g % 50 = 0 then null else 1 + g % 15 end,
      case when g % 50 = 0 then null else 1 + g % 15 + (g % 15) / 5 * 2 end,
      case when g % 50 = 0 then null else g % 10 <> 0 end,
      case when g % 50 = 0 then null else true end
    from generate_series(1, ${applications}) g
    join lateral (select code, row_number() over () - 1 as n from centres) c on c.n = g % (select count(*) from centres)
    join lateral (select code, department, statutory_limit_days, promised_limit_days, row_number() over () - 1 as n from items) i
      on i.n = (g / 7) % (select count(*) from items)`);
  await client.query(`
    insert into events (application_no, seq, type, at, centre_code, item_code)
    select a.application_no, s.seq, s.type, a.submitted_at + s.seq * interval '1 hour', a.centre_code, a.item_code
    from applications a
    cross join (values (1, 'submitted'), (2, 'intake_accept'), (3, 'review_approved'), (4, 'completed'), (5, 'picked_up')) s(seq, type)`);
  // One review task per application, by its lead department at its centre: open while it is in review.
  await client.query(`
    insert into reviews (application_no, step, department, centre_code, status, opened_at)
    select application_no, 0, lead_department, centre_code, case when stage = 'in_review' then 'open' else 'approved' end, accepted_at
    from applications`);
  // Alerts: a yellow for one application in ten, a red for one in ninety (the application's own), and a
  // red for one in thirty of its lead department's review; then counted onto the applications.
  for (const [seq, level, review, every] of [[6, 'yellow', false, 10], [7, 'red', false, 90], [8, 'red', true, 30]] as const) {
    await client.query(`
      insert into alerts (application_no, seq, level, centre_code, department, step, at, responsible)
      select application_no, ${seq}, '${level}', centre_code, ${review ? 'lead_department, 0' : 'null, null'}, accepted_at + interval '2 days', '[]'
      from applications where substr(application_no, 2)::int % ${every} = 0`);
  }
  await client.query(`
    update applications a set yellow_alerts = c.yellow, red_alerts = c.red
    from (select application_no, count(*) filter (where level = 'yellow') as yellow, count(*) filter (where level <> 'yellow') as red
          from alerts where department is null group by application_no) c
    where a.application_no = c.application_no`);
  // As autovacuum leaves a table that has been written: statistics and the visibility map (index-only scans).
  await client.query('vacuum analyze');
  const { rows } = await client.query(
    'select count(*)::int as applications, (select count(*)::int from events) as events, (select count(*)::int from alerts) as alerts from applications',
  );
  console.log(`loaded ${rows[0].applications} applications, ${rows[0].events} events and ${rows[0].alerts} alerts in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  await client.end();

  const results: Array<{ query: string; p50: number; p95: number }> = [];
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
    results.push({ query: label, p50: Number(q(0.5)), p95: Number(q(0.95)) });
    console.log(`${label.padEnd(52)} p50 ${q(0.5).padStart(7)} ms   p95 ${q(0.95).padStart(7)} ms   (${runs} runs)`);
  };
  console.log(`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
  await measure('map: every centre, open applications', () => centreMap(database.db));
  await measure("day's table: region (all 126 centres)", () => dayBusiness(database.db, { day: '2026-06-01', centre: '450000' }));
  await measure("day's table: one city and its counties", () => dayBusiness(database.db, { day: '2026-06-01', centre: '450100' }));
  await measure("day's table: one county", () => dayBusiness(database.db, { day: '2026-06-01', centre: '450102' }));
  await measure('list: region, newest 50', () => listApplications(database.db, { centre: '450000', within: true, limit: 50 }));
  await measure('list: a city, in review, newest 50', () =>
    listApplications(database.db, { centre: '450100', within: true, stage: 'in_review', limit: 50 }),
  );
  await measure("list: a window's (what taxation handles at 450100), 50", () =>
    listApplications(database.db, { handledBy: { department: 'taxation', centre: '450100' }, limit: 50 }),
  );
  await measure("inbox: taxation's open review tasks at 450100", () => openReviewTasks(database.db, 'taxation', '450100'));
  await measure('alerts: region, red, newest 50', () => listAlerts(database.db, { centre: '450000', level: 'red', limit: 50 }));
  await measure('alerts: one county, red, newest 50', () => listAlerts(database.db, { centre: '450102', level: 'red', limit: 50 }));
  await measure('statistics: efficiency by centre, one month', () =>
    efficiency(database.db, { centre: '450000', groupBy: 'centre', from: '2026-06-01', to: '2026-06-30' }),
  );
  const out = path.resolve(import.meta.dirname, '../../bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'dashboard.json'), JSON.stringify({ at: new Date().toISOString(), applications, runs, results }, null, 2));
  console.log(['', '| query | p50 ms | p95 ms |', '|---|---|---|', ...results.map((r) => `| ${r.query} | ${r.p50} | ${r.p95} |`)].join('\n'));
} finally {
  await database.close();
  // BENCH_KEEP=1 keeps the database, to EXPLAIN a query by hand.
  if (process.env.BENCH_KEEP) console.log(`kept: ${scratch.url}`);
  else await scratch.drop();
}

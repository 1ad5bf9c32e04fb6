/**
 * The dashboard's numbers against a known data set: a centre of the test's own, with read-model rows
 * written as the workflows would write them, on a day of its own.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTransition } from '../db/read-model.js';
import { applications, centres, consultations, events } from '../db/schema/index.js';
import { efficiency } from '../db/statistics.js';
import type { ApplicationState, TransitionEvent } from '../workflows/messages.js';
import { type Stack, adminOf, startStack, submission, supervisorOf, windowOf } from './support/stack.js';

let stack: Stack;
const centre = '450299'; // nests under Liuzhou (4502xx), unused by any real county
const day = '2026-03-10';
const at = (time: string) => `${day}T${time}+08:00`;

/** An application of the test's centre as the submission's first write leaves it, at a stage of the test's choosing. */
const insertApplication = (applicationNo: string, stage: string, supervision: 'green' | 'yellow' | 'red' | 'statutory_red') =>
  stack.db.insert(applications).values({
    applicationNo,
    itemCode: 'food-business-licence',
    itemVersion: 1,
    centreCode: centre,
    leadDepartment: 'market_regulation',
    statutoryLimitDays: 10,
    promisedLimitDays: 5,
    stage,
    supervision,
    applicant: { type: 'person', name: '测试', idNumber: '450100199001011234' },
    materials: [],
    submittedAt: at('09:00:00'),
  });

beforeAll(async () => {
  stack = await startStack();
  await stack.db
    .insert(centres)
    .values({ code: centre, name: '测试监察县政务服务中心', nameEn: 'Test', division: '测试', parentCode: '450200', level: 'county', longitude: 109.4, latitude: 24.3 })
    .onConflictDoNothing();
  // Three open applications (green, yellow, red), one closed red one, and what happened on the day.
  const rows = [
    { no: 'g', stage: 'in_review', supervision: 'green' },
    { no: 'y', stage: 'in_review', supervision: 'yellow' },
    { no: 'r', stage: 'in_review', supervision: 'red' },
    { no: 'c', stage: 'picked_up', supervision: 'statutory_red' },
  ] as const;
  for (const row of rows) {
    const applicationNo = `${centre}-KNOWN-${row.no}-${randomUUID().slice(0, 8)}`;
    await insertApplication(applicationNo, row.stage, row.supervision);
    const types = ['submitted', 'intake_accept', ...(row.no === 'c' ? ['review_approved', 'decided', 'completed', 'picked_up', 'alert_red', 'alert_statutory_red'] : []), ...(row.no === 'y' ? ['alert_yellow'] : [])];
    await stack.db.insert(events).values(types.map((type, i) => ({ applicationNo, seq: i + 1, type, at: at(`1${i}:00:00`), centreCode: centre, itemCode: 'food-business-licence' })));
  }
  // An event the day before does not count.
  await stack.db.insert(consultations).values([
    { centreCode: centre, officer: { id: 'w' }, channel: 'window', itemCode: 'food-business-licence', subject: 'x', at: at('08:30:00') },
    { centreCode: centre, officer: { id: 'w' }, channel: 'phone', itemCode: 'food-business-licence', subject: 'y', at: '2026-03-09T20:00:00+08:00' },
  ]);
});
afterAll(() => stack?.close());

describe('supervision data', () => {
  it('colours each centre by the worst state of its open applications', async () => {
    // The regional supervisor's map holds every centre.
    const map = (await stack.as(supervisorOf())('/v1/supervision/map')).json();
    expect(map.centres.length).toBeGreaterThanOrEqual(126);
    expect(map.centres.find((c: { code: string }) => c.code === centre)).toMatchObject({ open: 3, yellow: 1, red: 1, supervision: 'red', longitude: 109.4 });
    expect(map.centres.find((c: { code: string }) => c.code === '450000')).toMatchObject({ level: 'region', parentCode: null });
  });

  it("counts the day's business per item at a centre and the centres below it", async () => {
    // Liuzhou's supervisor (450200) oversees the test county below it.
    const supervisor = stack.as(supervisorOf('450200'));
    const own = (await supervisor({ url: '/v1/supervision/day', query: { date: day, centre } })).json();
    expect(own.centre).toBe(centre);
    expect(own.rows).toEqual([
      {
        itemCode: 'food-business-licence',
        itemName: '食品经营许可',
        itemNameEn: 'Food business licence',
        department: 'market_regulation',
        category: 'licensing',
        consultation: 1,
        application: 4,
        acceptance: 4,
        decided: 1,
        completion: 1,
        pickup: 1,
        yellow: 1,
        red: 2,
      },
    ]);
    // The parent city's table includes its counties' business.
    const city = (await supervisor({ url: '/v1/supervision/day', query: { date: day, centre: '450200' } })).json();
    expect(city.rows.find((r: { itemCode: string }) => r.itemCode === 'food-business-licence')).toMatchObject({ application: 4, red: 2 });
    // A row of the city's table opens the applications of the city and the centres below it.
    const listed = (await supervisor({ url: '/v1/applications', query: { centre: '450200', within: '1', item: 'food-business-licence', limit: '200' } })).json();
    expect(listed.applications.filter((a: { centreCode: string }) => a.centreCode === centre)).toHaveLength(4);
    const cityOnly = (await supervisor({ url: '/v1/applications', query: { centre: '450200', item: 'food-business-licence', limit: '200' } })).json();
    expect(cityOnly.applications.every((a: { centreCode: string }) => a.centreCode === '450200')).toBe(true);
    const before = (await supervisor({ url: '/v1/supervision/day', query: { date: '2026-03-09', centre } })).json();
    expect(before.rows).toEqual([expect.objectContaining({ consultation: 1, application: 0 })]);
  });

  it("is for supervisors and administrators, scoped to their centre and those below it (their own by default)", async () => {
    const dashboard = ['/v1/supervision/map', '/v1/supervision/day', '/v1/alerts', '/v1/flags', '/v1/cases', '/v1/statistics/efficiency'];
    for (const url of dashboard) {
      const anonymous = await stack.app.inject(url);
      expect(anonymous.statusCode, url).toBe(401);
      expect(anonymous.json().error.code, url).toBe('unauthorized');
      const window = await stack.as(windowOf('market_regulation'))(url);
      expect(window.statusCode, url).toBe(403);
      expect(window.json().error.code, url).toBe('forbidden');
      expect((await stack.integrator(url)).statusCode, url).toBe(403);
    }

    // A city's supervisor sees on the map only the city and its counties.
    const nanning = (await stack.as(supervisorOf('450100'))('/v1/supervision/map')).json();
    const codes = nanning.centres.map((c: { code: string }) => c.code);
    expect(codes).toContain('450100');
    expect(codes.length).toBeGreaterThan(1);
    expect(codes.every((code: string) => code.startsWith('4501'))).toBe(true);
    expect(codes).not.toContain(centre);
    const liuzhou = (await stack.as(supervisorOf('450200'))('/v1/supervision/map')).json();
    expect(liuzhou.centres.every((c: { code: string }) => c.code.startsWith('4502'))).toBe(true);
    expect(liuzhou.centres.find((c: { code: string }) => c.code === centre)).toMatchObject({ open: 3, supervision: 'red' });
    // So does the city's administrator.
    const liuzhouAdmin = (await stack.as(adminOf('450200'))('/v1/supervision/map')).json();
    expect(liuzhouAdmin.centres.map((c: { code: string }) => c.code)).toEqual(liuzhou.centres.map((c: { code: string }) => c.code));

    // The day's table covers the caller's own centre unless they name one within it.
    const ownCentre = await stack.as(supervisorOf('450200'))({ url: '/v1/supervision/day', query: { date: day } });
    expect(ownCentre.statusCode).toBe(200);
    expect(ownCentre.json().centre).toBe('450200');
    expect(ownCentre.json().rows.find((r: { itemCode: string }) => r.itemCode === 'food-business-licence')).toMatchObject({ application: 4 });
    const byAdmin = await stack.as(adminOf('450200'))({ url: '/v1/supervision/day', query: { date: day, centre } });
    expect(byAdmin.statusCode).toBe(200);
    expect(byAdmin.json().rows).toEqual([expect.objectContaining({ itemCode: 'food-business-licence', application: 4 })]);
    const outside = await stack.as(supervisorOf('450100'))({ url: '/v1/supervision/day', query: { date: day, centre } });
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error.code).toBe('forbidden');
    // Nanning's own table does not hold the business of a Liuzhou county.
    const nanningDay = (await stack.as(supervisorOf('450100'))({ url: '/v1/supervision/day', query: { date: day } })).json();
    expect(nanningDay.centre).toBe('450100');
    expect(nanningDay.rows.find((r: { itemCode: string }) => r.itemCode === 'food-business-licence')).toBeUndefined();
    // Nor may a county's supervisor read its parent city's.
    expect((await stack.as(supervisorOf('450102'))({ url: '/v1/supervision/day', query: { date: day, centre: '450100' } })).statusCode).toBe(403);

    // Alerts, flags, cases and statistics: the same scope.
    for (const url of ['/v1/alerts', '/v1/flags', '/v1/cases', '/v1/statistics/efficiency']) {
      expect((await stack.as(supervisorOf('450200'))(url)).statusCode, url).toBe(200);
      expect((await stack.as(supervisorOf('450200'))({ url, query: { centre } })).statusCode, url).toBe(200);
      expect((await stack.as(adminOf('450200'))({ url, query: { centre } })).statusCode, url).toBe(200);
      expect((await stack.as(supervisorOf())({ url, query: { centre } })).statusCode, url).toBe(200);
      const refused = await stack.as(supervisorOf('450100'))({ url, query: { centre } });
      expect(refused.statusCode, url).toBe(403);
      expect(refused.json().error.code, url).toBe('forbidden');
      expect((await stack.as(supervisorOf('450200'))({ url, query: { centre: '450000' } })).statusCode, url).toBe(403);
    }
    const statistics = (await stack.as(supervisorOf('450100'))({ url: '/v1/statistics/efficiency', query: { groupBy: 'centre' } })).json();
    expect(statistics.rows.every((r: { key: string }) => r.key.startsWith('4501'))).toBe(true);
  });

  it("counts an application's own alerts into the statistics once, however often their transition is written", async () => {
    const applicationNo = `${centre}-ALERTS-${randomUUID().slice(0, 8)}`;
    await insertApplication(applicationNo, 'in_review', 'green');
    const alert = (seq: number, level: string, department?: string): TransitionEvent => ({
      seq,
      type: `alert_${level}`,
      at: at(`1${seq}:00:00`),
      ...(department ? { step: 0, department } : {}),
      data: { level, centreCode: centre, responsible: [] },
    });
    // The application's yellow and red, and a red of one of its reviews (which the statistics leave out).
    const raised = [alert(2, 'yellow'), alert(3, 'red'), alert(4, 'red', 'market_regulation')];
    const state: ApplicationState = {
      applicationNo,
      itemCode: 'food-business-licence',
      itemVersion: 1,
      kind: 'promised',
      centreCode: centre,
      leadDepartment: 'market_regulation',
      stage: 'completed',
      currentStep: 0,
      stepCount: 1,
      materials: [],
      intakes: [],
      supplements: [],
      reviews: [],
      timing: { workingDays: 7, calendarDays: 9, onTime: false, withinStatutory: true },
      stoppedDays: 0,
      supervision: 'red',
      alerts: [],
      submittedAt: at('09:00:00'),
      acceptedAt: at('09:30:00'),
      completedAt: at('15:00:00'),
      seq: 5,
    };
    const transition = { state, events: [...raised, { seq: 5, type: 'completed', at: at('15:00:00') }] };
    await writeTransition(stack.db, transition);
    await writeTransition(stack.db, transition); // a retried activity, or a replayed worker
    const [row] = await efficiency(stack.db, { centre, groupBy: 'centre', from: day, to: '2026-03-11' });
    expect(row).toMatchObject({ key: centre, decided: 1, approved: 1, averageWorkingDays: 7, onTime: 0, withinStatutory: 1, yellowAlerts: 1, redAlerts: 1 });
  });

  it('pushes a change event to an open stream when an application changes', async () => {
    await stack.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = stack.app.server.address() as AddressInfo;
    const controller = new AbortController();
    // Without credentials the stream is refused; a machine sends its token in the header (the page, its session cookie).
    const anonymous = await fetch(`http://127.0.0.1:${port}/v1/supervision/stream`);
    expect(anonymous.status).toBe(401);
    await anonymous.body?.cancel();
    const token = await stack.token(supervisorOf());
    const response = await fetch(`http://127.0.0.1:${port}/v1/supervision/stream`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    let received = '';
    const changed = (async () => {
      while (!received.includes('event: change')) {
        const { value, done } = await reader.read();
        if (done) break;
        received += new TextDecoder().decode(value);
      }
    })();
    await new Promise((r) => setTimeout(r, 1500)); // the feed has read the current state
    expect((await stack.integrator({ method: 'POST', url: '/v1/applications', payload: submission() })).statusCode).toBe(201);
    await Promise.race([changed, new Promise((_, reject) => setTimeout(() => reject(new Error(`no change event: ${received}`)), 5000))]);
    expect(received).toContain('event: change');
    controller.abort();
  });

  it('serves the page and its offline map data', async () => {
    const page = await stack.app.inject('/supervision');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const map = await stack.app.inject('/supervision/vendor/guangxi.json');
    expect(map.json().features).toHaveLength(14);
    expect((await stack.app.inject('/supervision/vendor/echarts.min.js')).statusCode).toBe(200);
    // The page's script and its modules, which the browser loads only with a JavaScript type.
    const scripts = ['app.js', ...readdirSync(path.resolve(import.meta.dirname, '../web/supervision/modules')).map((file) => `modules/${file}`)];
    expect(scripts.length).toBeGreaterThan(1);
    for (const script of scripts) {
      const served = await stack.app.inject(`/supervision/${script}`);
      expect(served.statusCode, script).toBe(200);
      expect(served.headers['content-type'], script).toMatch(/^(text|application)\/javascript/);
    }
  });
});

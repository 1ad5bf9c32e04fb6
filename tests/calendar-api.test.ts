import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Inject, type Stack, adminOf, startStack, submission, windowOf } from './support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

/** Requests as the regional centre's administrator. */
const admin: Inject = (options) => stack.as(adminOf())(options);
const due = async (from: string, workingDays: number, centre: string) => {
  const res = await stack.app.inject({ url: '/v1/calendar/due', query: { from, workingDays: String(workingDays), centre } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { lastWorkingDay: string; due: string; provisional: boolean };
};

describe('GET /v1/calendar/due', () => {
  it('answers with the same arithmetic as the workflows: 20 working days across the 2026 National Day', async () => {
    expect(await due('2026-09-30T15:00:00+08:00', 20, '450100')).toMatchObject({
      lastWorkingDay: '2026-11-03',
      due: '2026-11-03T16:00:00.000Z',
      provisional: false,
    });
  });

  it('skips Guangxi’s 壮族三月三 days off at every centre of the region', async () => {
    // 2025: lunar 3rd of the 3rd month is Mon 31 Mar; 31 Mar and 1 Apr are off in Guangxi.
    expect((await due('2025-03-28T10:00:00+08:00', 1, '450102')).lastWorkingDay).toBe('2025-04-02');
  });

  it('applies a centre’s own day off to it and the centres below it, not to others', async () => {
    const code = `45019${Math.floor(Math.random() * 10)}`; // nests under Nanning; no real county uses 45019x
    const centre = { code, name: `测试中心${code}`, nameEn: 'Test', division: '测试区', parentCode: '450100', level: 'county', longitude: 108.3, latitude: 22.8 };
    const created = await admin({ method: 'PUT', url: `/v1/centres/${code}`, payload: centre });
    expect([200, 201]).toContain(created.statusCode);
    const added = await admin({
      method: 'POST',
      url: `/v1/calendar/centres/${code}/days-off`,
      payload: { source: 'test notice', days: [{ date: '2026-06-03', name: '测试休息日' }] },
    });
    expect(added.statusCode, added.body).toBe(200);
    expect((await due('2026-06-02T10:00:00+08:00', 1, code)).lastWorkingDay).toBe('2026-06-04');
    expect((await due('2026-06-02T10:00:00+08:00', 1, '450102')).lastWorkingDay).toBe('2026-06-03');
  });

  it('marks a due date beyond the published calendar provisional until the next notice is loaded', async () => {
    expect(await due('2026-12-21T10:00:00+08:00', 10, '450100')).toMatchObject({ lastWorkingDay: '2027-01-04', provisional: true });
    // A running application whose statutory limit (120 working days) reaches into 2027.
    const submitted = await stack.integrator({ method: 'POST', url: '/v1/applications', payload: submission({ itemCode: 'construction-project' }) });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const no = submitted.json().applicationNo as string;
    const intake = await stack.as(windowOf('development_reform'))({
      method: 'POST',
      url: `/v1/applications/${no}/intake`,
      payload: { decision: 'accept', department: 'development_reform' },
    });
    expect(intake.statusCode, intake.body).toBe(200);
    const read = async () => (await stack.integrator(`/v1/applications/${no}`)).json();
    await expect.poll(async () => (await read()).deadlines.provisional).toBe(true);
    const before = (await read()).deadlines.statutoryDueAt as string;

    const loaded = await admin({
      method: 'PUT',
      url: '/v1/calendar/2027',
      payload: { source: 'test notice for 2027', daysOff: [{ date: '2027-01-01', name: '元旦' }, { date: '2027-01-04', name: '测试' }], workingWeekends: [] },
    });
    expect(loaded.statusCode, loaded.body).toBe(200);
    expect(loaded.json().recalculated).toBeGreaterThanOrEqual(1);
    expect(await due('2026-12-21T10:00:00+08:00', 10, '450100')).toMatchObject({ lastWorkingDay: '2027-01-06', provisional: false });
    // Its workflow computed its due instants again: no longer provisional, two days off later.
    await expect.poll(async () => (await read()).deadlines.provisional).toBe(false);
    const after = (await read()).deadlines.statutoryDueAt as string;
    const expected = await due((await read()).acceptedAt, 120, '450100');
    expect(after).toBe(expected.due);
    expect(Date.parse(after)).toBeGreaterThan(Date.parse(before));
    const year = (await stack.app.inject('/v1/calendar/2027')).json();
    expect(year.published).toBe(true);
    expect(year.days.map((d: { day: string }) => d.day)).toEqual(['2027-01-01', '2027-01-04']);
  });

  it('names the bad parameter', async () => {
    const unknown = await stack.app.inject({ url: '/v1/calendar/due', query: { from: '2026-01-05T09:00:00+08:00', workingDays: '3', centre: '999999' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details).toEqual([{ field: 'querystring.centre', message: 'unknown centre 999999' }]);
    const badFrom = await stack.app.inject({ url: '/v1/calendar/due', query: { from: 'yesterday', workingDays: '3', centre: '450100' } });
    expect(badFrom.statusCode).toBe(400);
    expect(badFrom.json().error.details[0].field).toBe('querystring.from');
  });

  it('lets only administrators load a notice, and only for its own year', async () => {
    const notice = { source: 'x', daysOff: [{ date: '2028-01-01', name: '元旦' }], workingWeekends: [] };
    const anonymous = await stack.app.inject({ method: 'PUT', url: '/v1/calendar/2028', payload: notice });
    expect(anonymous.statusCode).toBe(401);
    const officer = await stack.as(windowOf('market_regulation'))({ method: 'PUT', url: '/v1/calendar/2028', payload: notice });
    expect(officer.statusCode).toBe(403);
    // The national calendar is the regional centre's: a city's administrator may not load it.
    const cityAdmin = await stack.as(adminOf('450100'))({ method: 'PUT', url: '/v1/calendar/2028', payload: notice });
    expect(cityAdmin.statusCode).toBe(403);
    expect((await stack.app.inject('/v1/calendar/2028')).json().published).toBe(false);
    const wrongYear = await admin({ method: 'PUT', url: '/v1/calendar/2029', payload: notice });
    expect(wrongYear.statusCode).toBe(400);
    expect(wrongYear.json().error.details).toEqual([{ field: 'body.daysOff.0.date', message: '2028-01-01 is not in 2029' }]);
  });
});

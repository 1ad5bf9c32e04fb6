/**
 * Regional notices: a region's yearly arrangement of its own holidays (Guangxi's 壮族三月三, with its
 * 补休 when the festival falls on a weekend) layered on the national calendar, loaded by the region's
 * administrators, and followed by the running applications it touches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Inject, type Stack, adminOf, startStack, windowOf } from './support/stack.js';
import { saveTestItem } from './support/items.js';
import { ok, windowActions } from './support/window.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const admin: Inject = (options) => stack.as(adminOf())(options);
const actions = windowActions(() => stack);
const due = async (from: string, workingDays: number, centre: string) =>
  ok<{ lastWorkingDay: string; due: string; provisional: boolean }>(
    await stack.app.inject({ url: '/v1/calendar/due', query: { from, workingDays: String(workingDays), centre } }),
  );
interface Year {
  published: boolean;
  days: { scope: string; day: string; kind: string; name: string }[];
  regionalNotices: { region: string; source: string }[];
}
const year = async (y: number, centre?: string) => ok<Year>(await stack.app.inject({ url: `/v1/calendar/${y}`, query: centre ? { centre } : {} }));

describe('regional notices', () => {
  it('serves the seeded 2026 notice of 壮族三月三: 17–20 April off at every centre of Guangxi', async () => {
    const calendar = await year(2026, '450102');
    expect(calendar.regionalNotices.map((n) => n.region)).toEqual(['450000']);
    expect(calendar.days.filter((d) => d.scope === '450000').map((d) => d.day)).toEqual(['2026-04-17', '2026-04-18', '2026-04-19', '2026-04-20']);
    // Thursday 16 April + 1 working day: Friday to Monday are off, so it ends with Tuesday 21 April.
    expect(await due('2026-04-16T10:00:00+08:00', 1, '450102')).toMatchObject({ lastWorkingDay: '2026-04-21', due: '2026-04-21T16:00:00.000Z' });
    // Without a centre the year is the national calendar, and the notices loaded for it.
    const national = await year(2026);
    expect(national.days.some((d) => d.scope !== 'CN')).toBe(false);
    expect(national.regionalNotices.map((n) => n.region)).toContain('450000');
    // 2025: 31 March – 1 April, as the region published it.
    expect((await year(2025, '450100')).days.filter((d) => d.scope === '450000').map((d) => d.day)).toEqual(['2025-03-31', '2025-04-01']);
  });

  it('loads a year’s notice: the calendar shows it and a running application’s due instants move', async () => {
    // An item of this test's own whose limits reach into 2028, where no other test file's clock runs.
    const itemCode = await saveTestItem(stack.db, { promisedLimitDays: 300, statutoryLimitDays: 365 });
    const no = await actions.submit({ itemCode });
    ok(await actions.accept(no));
    const read = async () => ok<{ acceptedAt: string; deadlines: { promisedDueAt: string; statutoryDueAt: string; provisional: boolean } }>(await stack.integrator(`/v1/applications/${no}`));
    await expect.poll(async () => (await read()).deadlines.promisedDueAt).toBeTruthy();
    const before = (await read()).deadlines;
    expect(before.provisional).toBe(true); // 2028's national notice is not out either

    // Monday 10 and Tuesday 11 January 2028 off, Sunday 16 January worked: a test notice, one day net.
    const notice = {
      source: 'test notice of Guangxi for 2028',
      daysOff: [{ date: '2028-01-10', name: '测试节' }, { date: '2028-01-11', name: '测试节补休' }],
      workingWeekends: [{ date: '2028-01-16', name: '测试节调休' }],
    };
    const loaded = ok<{ recalculated: number }>(await admin({ method: 'PUT', url: '/v1/calendar/regions/450000/2028', payload: notice }));
    expect(loaded).toMatchObject({ region: '450000', year: 2028, daysOff: 2, workingWeekends: 1 });
    expect(loaded.recalculated).toBeGreaterThanOrEqual(1);

    const calendar = await year(2028, '450100');
    expect(calendar.regionalNotices).toEqual([expect.objectContaining({ region: '450000', source: notice.source })]);
    expect(calendar.days.filter((d) => d.scope === '450000').map((d) => [d.day, d.kind])).toEqual([
      ['2028-01-10', 'day_off'],
      ['2028-01-11', 'day_off'],
      ['2028-01-16', 'working_day'],
    ]);
    expect((await due('2028-01-07T10:00:00+08:00', 1, '450102')).lastWorkingDay).toBe('2028-01-12');
    expect((await due('2028-01-14T10:00:00+08:00', 1, '450102')).lastWorkingDay).toBe('2028-01-16');

    // Its workflow computed its due instants again, as /calendar/due now counts them (still provisional).
    await expect
      .poll(async () => {
        const { acceptedAt, deadlines } = await read();
        return deadlines.promisedDueAt === (await due(acceptedAt, 300, '450100')).due && deadlines.statutoryDueAt === (await due(acceptedAt, 365, '450100')).due;
      })
      .toBe(true);
    const after = (await read()).deadlines;
    expect(Date.parse(after.promisedDueAt)).toBeGreaterThan(Date.parse(before.promisedDueAt));
    expect(Date.parse(after.statutoryDueAt)).toBeGreaterThan(Date.parse(before.statutoryDueAt));
    expect(after.provisional).toBe(true);

    // Loading it again replaces the region's days of the year.
    ok(await admin({ method: 'PUT', url: '/v1/calendar/regions/450000/2028', payload: { source: 'corrected', daysOff: [{ date: '2028-01-10', name: '测试节' }] } }));
    expect((await year(2028, '450100')).days.filter((d) => d.scope === '450000').map((d) => d.day)).toEqual(['2028-01-10']);
  });

  it('lets only the region’s administrators load it, and names what is wrong', async () => {
    const notice = { source: 'x', daysOff: [{ date: '2029-04-16', name: '测试' }] };
    const url = '/v1/calendar/regions/450000/2029';
    expect((await stack.app.inject({ method: 'PUT', url, payload: notice })).statusCode).toBe(401);
    expect((await stack.as(windowOf('market_regulation'))({ method: 'PUT', url, payload: notice })).statusCode).toBe(403);
    // A city's administrator, even of the region's capital, is not the region's.
    const city = await stack.as(adminOf('450100'))({ method: 'PUT', url, payload: notice });
    expect(city.statusCode).toBe(403);
    expect(city.json().error.message).toMatch(/regional centre/);
    expect((await year(2029, '450100')).regionalNotices).toEqual([]);

    const refused = async (path: string, payload: object) => ok<{ error: { details: { field: string; message: string }[] } }>(await admin({ method: 'PUT', url: path, payload }), 400).error.details;
    expect(await refused('/v1/calendar/regions/450000/2030', notice)).toEqual([{ field: 'body.daysOff.0.date', message: '2029-04-16 is not in 2030' }]);
    expect(await refused(url, { ...notice, workingWeekends: [{ date: '2029-04-17', name: '调休' }] })).toEqual([
      { field: 'body.workingWeekends.0.date', message: '2029-04-17 is a Tuesday: only a weekend day can be made a working day' },
    ]);
    expect(await refused(url, { ...notice, workingWeekends: [{ date: '2029-04-16', name: '调休' }] })).toEqual([
      { field: 'body.workingWeekends', message: 'names a day that daysOff names too' },
    ]);
    expect((await refused('/v1/calendar/regions/450100/2029', notice))[0]).toMatchObject({ field: 'params.region', message: expect.stringMatching(/not a region/) });
    expect((await refused(url, { source: 'x', daysOff: [] }))[0].field).toBe('body.daysOff');
    expect((await admin({ method: 'PUT', url: '/v1/calendar/regions/990000/2029', payload: notice })).statusCode).toBe(404);
    expect((await year(2029, '450100')).regionalNotices).toEqual([]);
  });
});

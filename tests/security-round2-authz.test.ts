/**
 * Security round 2, the authorization findings (issue 19 parts 3, 5, 10 and 11), each as it was seen
 * on a probed run and then refused: a city administrator promoting its own centre, an officer named
 * like an integrator, an idempotent replay with another body, and the change log read by anyone.
 * Against the real stack (API, Temporal, PostgreSQL).
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applications, officers, submissions } from '../db/schema/index.js';
import { centrePrefix } from '../workflows/rules/authority.js';
import { type Stack, adminOf, auditorOf, chiefOf, leaderOf, securityOf, startStack, submission, supervisorOf, windowOf } from './support/stack.js';
import { ok, windowActions } from './support/window.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const NANNING = '450100';
const XINGNING = '450102';
const QINGXIU = '450103';
const LIUZHOU = '450200';
const actions = windowActions(() => stack);

/** The answer is a refusal with the common error body. */
function refusedWith(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json() as { error: { code: string; message: string; details?: { field: string; message: string }[] } };
  expect(body.error.code).toBe(code);
  return body.error;
}

const putCentre = (by: string, code: string, body: Record<string, unknown>) => stack.as(by)({ method: 'PUT', url: `/v1/centres/${code}`, payload: { code, ...body } });
const centreOf = async (code: string) => ok<Record<string, unknown>>(await stack.as(adminOf())(`/v1/centres/${code}`));
/** A centre as PUT takes it back (the GET adds nothing PUT refuses). */
const asPut = (centre: Record<string, unknown>) => {
  const { updatedAt: _u, createdAt: _c, ...rest } = centre;
  return rest;
};
/** An item of the regional catalogue taken in only at the regional centre. */
function regionOnlyItem() {
  const code = `test-region-only-${randomUUID().slice(0, 8)}`;
  return {
    code,
    name: `自治区本级测试事项 ${code}`,
    nameEn: `Region-only test item ${code}`,
    department: 'market_regulation',
    kind: 'promised',
    levels: ['region'],
    legalBasis: '测试',
    statutoryLimitDays: 10,
    promisedLimitDays: 5,
    steps: [{ name: '审查', departments: [{ code: 'market_regulation', promisedLimitDays: 5 }] }],
  };
}
const freeCountyCode = () => `4501${60 + Math.floor(Math.random() * 20)}`; // 450160–450179: no real county

describe('part 3: a centre’s level and parent change only by an administrator above it', () => {
  it('refuses a city administrator promoting its own centre to the region (403), so a region-only item stays refused there', async () => {
    const before = await centreOf(NANNING);
    // As seen: PUT /v1/centres/450100 {"level":"region","parentCode":null} → 200.
    const promoted = await putCentre(adminOf(NANNING), NANNING, { ...asPut(before), level: 'region', parentCode: null });
    expect(refusedWith(promoted, 403, 'forbidden').message).toContain('above');
    for (const change of [{ level: 'county' }, { parentCode: LIUZHOU }, { parentCode: null }]) {
      refusedWith(await putCentre(adminOf(NANNING), NANNING, { ...asPut(before), ...change }), 403, 'forbidden');
    }
    expect(await centreOf(NANNING)).toEqual(before);

    // …and then an integrator submitted a region-only item at 450100 (201): still refused.
    const item = regionOnlyItem();
    ok(await stack.as(adminOf())({ method: 'POST', url: '/v1/items', payload: item }), 201);
    const submitted = await stack.integrator({ method: 'POST', url: '/v1/applications', payload: submission({ itemCode: item.code, centreCode: NANNING, materials: [] }) });
    expect(refusedWith(submitted, 400, 'validation_failed').details).toEqual([{ field: 'body.centreCode', message: expect.stringContaining('not taken in at a city centre') }]);
  });

  it('lets the centre’s own administrator change the rest of it, and the region’s administrator its level and parent', async () => {
    const before = await centreOf(NANNING);
    const renamed = await putCentre(adminOf(NANNING), NANNING, { ...asPut(before), nameEn: 'Nanning Government Service Centre (renamed)' });
    expect(ok(renamed)).toMatchObject({ level: 'city', parentCode: '450000', nameEn: 'Nanning Government Service Centre (renamed)' });
    ok(await putCentre(adminOf(NANNING), NANNING, asPut(before)));

    // Xingning is a county below Nanning: Nanning's administrator is above it, Xingning's is not.
    const xingning = await centreOf(XINGNING);
    refusedWith(await putCentre(adminOf(XINGNING), XINGNING, { ...asPut(xingning), parentCode: '450000', level: 'city' }), 403, 'forbidden');
    // Nanning's may not lift it out of Nanning, nor make it a city under a city.
    refusedWith(await putCentre(adminOf(NANNING), XINGNING, { ...asPut(xingning), parentCode: '450000', level: 'city' }), 403, 'forbidden');
    const sameLevel = await putCentre(adminOf(NANNING), XINGNING, { ...asPut(xingning), level: 'city' });
    expect(refusedWith(sameLevel, 400, 'validation_failed').details).toEqual([{ field: 'body.level', message: expect.stringContaining('county') }]);
    expect(await centreOf(XINGNING)).toEqual(xingning);
  });

  it('places a new centre only under a centre within the administrator’s scope, at a level below its parent', async () => {
    const body = (code: string) => ({ name: `测试区${code}`, nameEn: `Test district ${code}`, division: '测试区', longitude: 108.3, latitude: 22.8 });
    const code = freeCountyCode();
    // Nanning's code prefix (4501) let a city administrator place a centre straight under the region, or as a root.
    refusedWith(await putCentre(adminOf(NANNING), code, { ...body(code), parentCode: '450000', level: 'city' }), 403, 'forbidden');
    refusedWith(await putCentre(adminOf(NANNING), code, { ...body(code), parentCode: null, level: 'region' }), 403, 'forbidden');
    refusedWith(await putCentre(adminOf(NANNING), code, { ...body(code), parentCode: NANNING, level: 'city' }), 400, 'validation_failed');
    expect((await stack.as(adminOf())(`/v1/centres/${code}`)).statusCode).toBe(404);
    expect(ok(await putCentre(adminOf(NANNING), code, { ...body(code), parentCode: NANNING, level: 'county' }), 201)).toMatchObject({ code, parentCode: NANNING, level: 'county' });
  });
});

describe('part 5: officers and integrators are kinds apart', () => {
  it('refuses an officer id that reads as an integrator’s or another officer’s (400), and the real window officer hands in the supplement', async () => {
    const no = await actions.submit();
    ok(await actions.intake(no, { decision: 'request_supplement', missingMaterials: ['章程'], department: 'market_regulation' }));
    const staff = { name: '冒名者', role: 'window_officer' as const, centreCode: NANNING, departmentCode: 'market_regulation', windowCode: `${NANNING}-market_regulation` };
    for (const id of [`integrator:${stack.integrator.keyId}`, `officer:${windowOf('market_regulation')}`, 'a:b']) {
      const res = await stack.as(securityOf(NANNING))({ method: 'PUT', url: `/v1/officers/${encodeURIComponent(id)}`, payload: { id, ...staff } });
      expect(refusedWith(res, 400, 'validation_failed').details).toEqual([{ field: 'body.id', message: expect.stringContaining('":"') }]);
      expect(await stack.db.select().from(officers).where(eq(officers.id, id))).toEqual([]);
    }

    // An impostor already in the organisation (from before the rule) is not let in at all.
    const impostor = `integrator:${stack.integrator.keyId}`;
    await stack.db.insert(officers).values({ id: impostor, ...staff });
    try {
      const res = await stack.as(impostor)({ method: 'POST', url: `/v1/applications/${no}/supplements`, payload: { materials: ['章程'] } });
      refusedWith(res, 401, 'unauthorized');
      refusedWith(await stack.as(impostor)('/v1/me'), 401, 'unauthorized');
    } finally {
      await stack.db.delete(officers).where(eq(officers.id, impostor));
    }
    // The window of the lead department hands it in (the finding: 403, after the impostor had).
    expect(ok(await stack.as(windowOf('market_regulation'))({ method: 'POST', url: `/v1/applications/${no}/supplements`, payload: { materials: ['章程'] } }))).toMatchObject({
      stage: 'submitted',
    });
  });

  it('compares the submitter as a typed identity: an officer who submitted hands in, an integrator with the officer’s bare id would not', async () => {
    const officerId = windowOf('market_regulation');
    const submitted = await stack.as(officerId)({ method: 'POST', url: '/v1/applications', payload: submission() });
    const no = ok<{ applicationNo: string }>(submitted, 201);
    const [row] = await stack.db.select({ submittedBy: applications.submittedBy }).from(applications).where(eq(applications.applicationNo, no.applicationNo));
    expect(row.submittedBy).toBe(`officer:${officerId}`);
    ok(await actions.intake(no.applicationNo, { decision: 'request_supplement', missingMaterials: ['章程'], department: 'market_regulation' }));
    // The stack's integrator is not the submitter, and may not even see it.
    refusedWith(await stack.integrator({ method: 'POST', url: `/v1/applications/${no.applicationNo}/supplements`, payload: { materials: ['章程'] } }), 403, 'forbidden');
    ok(await stack.as(officerId)({ method: 'POST', url: `/v1/applications/${no.applicationNo}/supplements`, payload: { materials: ['章程'] } }));
  });
});

describe('part 10: an idempotent replay must repeat the body', () => {
  const post = (payload: object) => stack.integrator({ method: 'POST', url: '/v1/applications', payload });

  it('answers 409 client_reference_conflict for the same reference with another applicant name or materials; the same body replays', async () => {
    const clientReference = `ref-${randomUUID()}`;
    const body = submission({ clientReference });
    const first = await post(body);
    const { applicationNo } = ok<{ applicationNo: string }>(first, 201);
    expect(first.headers['idempotent-replayed']).toBe('false');

    // As seen: another applicant name under the same reference came back as a replay of the first.
    const renamed = await post({ ...body, applicant: { ...body.applicant, name: '另一家有限公司' } });
    expect(refusedWith(renamed, 409, 'client_reference_conflict').message).toContain(applicationNo);
    refusedWith(await post({ ...body, materials: [...body.materials, '另一份材料'] }), 409, 'client_reference_conflict');
    refusedWith(await post({ ...body, applicant: { ...body.applicant, phone: '13800000000' } }), 409, 'client_reference_conflict');

    // The same submission, its keys in another order and its text padded as validation trims it, is a replay.
    const { applicant, ...rest } = body;
    const same = await post({ applicant: { idNumber: applicant.idNumber, name: ` ${applicant.name} `, type: applicant.type }, ...rest });
    expect(ok<{ applicationNo: string }>(same, 201).applicationNo).toBe(applicationNo);
    expect(same.headers['idempotent-replayed']).toBe('true');
    expect(await stack.db.select({ no: applications.applicationNo }).from(applications).where(sql`${applications.applicant}->>'idNumber' = ${body.applicant.idNumber}`)).toEqual([
      { no: applicationNo },
    ]);
  });

  it('compares a reference reserved before the hash was kept on its item, centre and applicant number, as before', async () => {
    const clientReference = `ref-${randomUUID()}`;
    const body = submission({ clientReference });
    const { applicationNo } = ok<{ applicationNo: string }>(await post(body), 201);
    await stack.db.update(submissions).set({ bodyHash: null }).where(eq(submissions.applicationNo, applicationNo));
    expect(ok<{ applicationNo: string }>(await post(body), 201).applicationNo).toBe(applicationNo);
    refusedWith(await post({ ...body, itemCode: 'food-business-licence' }), 409, 'client_reference_conflict');
  });
});

describe('part 11: the change log is scoped like the organisation it records', () => {
  interface Change {
    entity: string;
    key: string;
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
  }
  const changes = async (who: string, query = '') => ok<{ changes: Change[] }>(await stack.as(who)(`/v1/catalogue/changes?limit=500${query}`)).changes;
  /** The centres a change concerns, as the route reads them (null: the region's own catalogue). */
  const placesOf = (c: Change) => {
    if (c.entity === 'centre') return [c.key];
    if (c.entity === 'calendar') return [c.key.split('/')[0]];
    const record = c.after ?? c.before ?? {};
    return [(record.centreCode ?? record.ownerCentre ?? null) as string | null, (c.before?.centreCode ?? null) as string | null];
  };
  const putOfficer = (by: string, id: string, centreCode: string, role = 'window_officer') =>
    stack.as(by)({
      method: 'PUT',
      url: `/v1/officers/${id}`,
      payload: { id, name: `测试人员${id}`, role, centreCode, departmentCode: 'market_regulation', windowCode: `${centreCode}-market_regulation` },
    });

  it('shows an administrator or supervisor only their centre and below; window staff and integrators not at all (403)', async () => {
    const run = randomUUID().slice(0, 6);
    ok(await stack.as(adminOf())({ method: 'POST', url: '/v1/items', payload: regionOnlyItem() }), 201);
    const inLiuzhou = `test-${run}-liuzhou`;
    const inNanning = `test-${run}-nanning`;
    const moved = `test-${run}-moved`;
    ok(await putOfficer(securityOf(LIUZHOU), inLiuzhou, LIUZHOU), 201);
    // A role change elsewhere: what any staff member could read before.
    ok(await putOfficer(securityOf(LIUZHOU), inLiuzhou, LIUZHOU, 'chief_representative'));
    ok(await putOfficer(securityOf(NANNING), inNanning, NANNING), 201);
    // Moved by Nanning's security administrator from Xingning to Qingxiu: Xingning's still sees it leave.
    ok(await putOfficer(securityOf(NANNING), moved, XINGNING), 201);
    ok(await putOfficer(securityOf(NANNING), moved, QINGXIU));

    for (const who of [windowOf('market_regulation'), chiefOf('market_regulation'), leaderOf('market_regulation')]) {
      refusedWith(await stack.as(who)('/v1/catalogue/changes'), 403, 'forbidden');
    }
    refusedWith(await stack.integrator('/v1/catalogue/changes'), 403, 'forbidden');

    const keys = (list: Change[]) => new Set(list.filter((c) => c.entity === 'officer').map((c) => c.key));
    for (const who of [adminOf(NANNING), securityOf(NANNING), auditorOf(NANNING), supervisorOf(NANNING)]) {
      const seen = await changes(who);
      expect(keys(seen)).toContain(inNanning);
      expect(keys(seen)).toContain(moved);
      expect(keys(seen)).not.toContain(inLiuzhou);
      for (const c of seen) expect(placesOf(c).some((p) => p?.startsWith(centrePrefix(NANNING))), `${c.entity} ${c.key}`).toBe(true);
      expect(await changes(who, `&entity=officer&key=${inLiuzhou}`)).toEqual([]);
    }
    const xingning = keys(await changes(adminOf(XINGNING)));
    expect(xingning).toContain(moved);
    expect(xingning).not.toContain(inNanning);
    expect(await changes(supervisorOf(LIUZHOU), `&entity=officer&key=${inLiuzhou}`)).toHaveLength(2);

    // The region's staff see everything, the regional catalogue (no centre) with it.
    const region = await changes(supervisorOf());
    for (const key of [inLiuzhou, inNanning, moved]) expect(keys(region)).toContain(key);
    expect(region.some((c) => c.entity === 'item' && placesOf(c)[0] === null)).toBe(true);
    expect((await changes(adminOf(NANNING))).some((c) => c.entity === 'item' && placesOf(c)[0] === null)).toBe(false);
  });
});

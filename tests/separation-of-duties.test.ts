/**
 * Separation of duties (三员分立, GB/T 22239; issue 19 part 2), against the real stack. The finding: a
 * centre administrator made itself a supervisor and then read the audit trail, created a supervisor and
 * promoted a window officer. Now a system administrator keeps the organisation and the catalogue, a
 * security administrator grants roles and keys (never to itself, and a centre's administrators and
 * supervisors only from above), an audit administrator reads the audit trail; each grant is an audit
 * row that names it; and the workflow refuses administrators whatever the API let through.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { decisionUpdate, extendUpdate, intakeUpdate } from '../workflows/messages.js';
import { type Stack, TEST_AUDIT_KEYS, adminOf, auditorOf, chiefOf, securityOf, startStack, supervisorOf, windowOf } from './support/stack.js';
import { windowActions } from './support/window.js';
import { grantAsOperator } from '../db/operator-grant.js';

const NANNING = '450100';
const REGION = '450000';
const run = Math.random().toString(36).slice(2, 7);
const newId = (what: string, centre = NANNING) => `${centre}-sod-${what}-${run}-${Math.random().toString(36).slice(2, 5)}`;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const officerRecord = (id: string, role: string, centreCode = NANNING, extra: Record<string, unknown> = {}) => ({
  id,
  name: `三员测试 ${id}`,
  role,
  centreCode,
  departmentCode: null,
  windowCode: null,
  ...extra,
});
const atWindow = (id: string, role: string) => officerRecord(id, role, NANNING, { departmentCode: 'forestry', windowCode: `${NANNING}-forestry` });
const put = (by: string, record: { id: string } & Record<string, unknown>) => stack.as(by)({ method: 'PUT', url: `/v1/officers/${encodeURIComponent(record.id)}`, payload: record });
const roleOf = async (id: string) => (await stack.as(securityOf())(`/v1/officers?centre=${id.slice(0, 6)}`)).json().officers.find((o: { id: string }) => o.id === id)?.role;
const auditRows = async (by: string, limit = 500) => {
  const res = await stack.as(by)(`/v1/audit?limit=${limit}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().entries as { actor: { id: string; kind?: string; role?: string }; action: string; target: string; centreCode: string | null; status: number }[];
};

describe('the finding: a centre administrator granted itself supervision', () => {
  it('refuses the old administrator (now the system administrator) every step of it', async () => {
    const admin = stack.as(adminOf(NANNING));
    const self = await admin({ method: 'PUT', url: `/v1/officers/${adminOf(NANNING)}`, payload: officerRecord(adminOf(NANNING), 'supervisor') });
    expect(self.statusCode, self.body).toBe(403);
    expect(await roleOf(adminOf(NANNING))).toBe('system_administrator');
    expect((await admin('/v1/audit')).statusCode).toBe(403);
    // A new supervisor, and a window officer promoted to department leader.
    const supervisor = newId('supervisor');
    expect((await put(adminOf(NANNING), officerRecord(supervisor, 'supervisor'))).statusCode).toBe(403);
    expect(await roleOf(supervisor)).toBeUndefined();
    const promoted = await put(adminOf(NANNING), { ...officerRecord(windowOf('forestry'), 'department_leader'), departmentCode: 'forestry', windowCode: `${NANNING}-forestry` });
    expect(promoted.statusCode).toBe(403);
    expect(await roleOf(windowOf('forestry'))).toBe('window_officer');
  });

  it('refuses every administrator its own officer record, whatever it changes', async () => {
    for (const id of [adminOf(NANNING), securityOf(NANNING), auditorOf(NANNING), securityOf(REGION)]) {
      const mine = (await stack.as(securityOf(REGION))(`/v1/officers?centre=${id.slice(0, 6)}`)).json().officers.find((o: { id: string }) => o.id === id);
      for (const change of [{ role: 'supervisor' }, { role: 'department_leader', departmentCode: 'forestry' }, { name: '改名' }]) {
        const res = await put(id, { ...mine, ...change });
        expect(res.statusCode, `${id} ${JSON.stringify(change)}`).toBe(403);
      }
    }
    expect(await roleOf(securityOf(NANNING))).toBe('security_administrator');
  });
});

describe('the security administrator (安全管理员)', () => {
  it('grants window roles at its own centre, and each grant is an audit row naming the officer and the role change', async () => {
    const id = newId('officer');
    const created = await put(securityOf(NANNING), atWindow(id, 'window_officer'));
    expect(created.statusCode, created.body).toBe(201);
    const promoted = await put(securityOf(NANNING), atWindow(id, 'department_leader'));
    expect(promoted.statusCode, promoted.body).toBe(200);
    const renamed = await put(securityOf(NANNING), { ...atWindow(id, 'department_leader'), name: '新名字' });
    expect(renamed.statusCode).toBe(200);
    // The city's audit administrator lists the grants.
    const rows = (await auditRows(auditorOf(NANNING))).filter((r) => r.target.startsWith(`${id} role`));
    expect(rows.map((r) => r.target).reverse()).toEqual([`${id} role none→window_officer`, `${id} role window_officer→department_leader`, `${id} role department_leader`]);
    expect(rows.every((r) => r.actor.id === securityOf(NANNING) && r.actor.role === 'security_administrator' && r.centreCode === NANNING)).toBe(true);
  });

  it('may not grant, change or take away an administrator or supervisor role at its own centre', async () => {
    const security = securityOf(NANNING);
    for (const role of ['system_administrator', 'security_administrator', 'audit_administrator', 'supervisor']) {
      const id = newId(role.split('_')[0]);
      const res = await put(security, officerRecord(id, role));
      expect(res.statusCode, `${role}: ${res.body}`).toBe(403);
      expect(res.json().error.message).toContain('above');
      expect(await roleOf(id)).toBeUndefined();
    }
    // Nor turn a window officer into one, nor demote or rename the centre's other administrators.
    expect((await put(security, officerRecord(windowOf('forestry'), 'audit_administrator'))).statusCode).toBe(403);
    expect((await put(security, officerRecord(auditorOf(NANNING), 'window_officer'))).statusCode).toBe(403);
    expect((await put(security, officerRecord(adminOf(NANNING), 'system_administrator', NANNING, { name: '改名' }))).statusCode).toBe(403);
    expect((await put(security, officerRecord(supervisorOf(NANNING), 'supervisor', NANNING, { name: '改名' }))).statusCode).toBe(403);
    expect(await roleOf(auditorOf(NANNING))).toBe('audit_administrator');
  });

  it('of a centre above grants the administrator roles below it', async () => {
    for (const role of ['system_administrator', 'security_administrator', 'audit_administrator', 'supervisor']) {
      const id = newId(role.split('_')[0]);
      const res = await put(securityOf(REGION), officerRecord(id, role));
      expect(res.statusCode, res.body).toBe(201);
      expect(await roleOf(id)).toBe(role);
    }
    // Each is one role: a security administrator made an auditor is no longer a security administrator.
    const id = newId('switch');
    expect((await put(securityOf(REGION), officerRecord(id, 'security_administrator'))).statusCode).toBe(201);
    expect((await put(securityOf(REGION), officerRecord(id, 'audit_administrator'))).statusCode).toBe(200);
    const rows = (await auditRows(auditorOf(REGION))).filter((r) => r.target.startsWith(`${id} role`));
    expect(rows.map((r) => r.target)).toEqual([`${id} role security_administrator→audit_administrator`, `${id} role none→security_administrator`]);
    // A city's security administrator is not above another city.
    expect((await put(securityOf(NANNING), officerRecord(newId('x', '450200'), 'window_officer', '450200'))).statusCode).toBe(403);
  });

  it('grants and revokes integrator keys, each an audit row, but keeps neither the catalogue nor the organisation nor reads the audit trail', async () => {
    const security = stack.as(securityOf(NANNING));
    const created = await security({ method: 'POST', url: '/v1/integrators', payload: { name: `三员门户 ${run}`, centres: [NANNING] } });
    expect(created.statusCode, created.body).toBe(201);
    const keyId = created.json().id as string;
    expect((await security({ method: 'DELETE', url: `/v1/integrators/${keyId}` })).statusCode).toBe(200);
    const rows = (await auditRows(auditorOf(NANNING))).filter((r) => r.target.startsWith(`key ${keyId}`));
    expect(rows.map((r) => `${r.action} ${r.target}`)).toEqual([
      `DELETE /v1/integrators/:id key ${keyId} of 三员门户 ${run} revoked`,
      `POST /v1/integrators key ${keyId} granted to 三员门户 ${run} at ${NANNING}`,
    ]);

    expect((await security('/v1/audit')).statusCode).toBe(403);
    const item = (await stack.integrator('/v1/items/individual-business-registration')).json().definition;
    const refused = [
      { method: 'PUT', url: `/v1/items/${item.code}`, payload: item },
      { method: 'POST', url: '/v1/items', payload: { ...item, code: `sod-${run}` } },
      { method: 'PUT', url: `/v1/centres/${NANNING}`, payload: (await stack.integrator(`/v1/centres/${NANNING}`)).json() },
      { method: 'PUT', url: `/v1/windows/${NANNING}-sod-${run}`, payload: { code: `${NANNING}-sod-${run}`, centreCode: NANNING, departmentCode: 'forestry', name: '三员窗口' } },
      { method: 'POST', url: `/v1/calendar/centres/${NANNING}/days-off`, payload: { source: '三员测试', days: [{ date: '2093-06-01', name: '测试' }] } },
    ] as const;
    for (const request of refused) expect((await security(request)).statusCode, request.url).toBe(403);
    // Nor reads applications and alerts as oversight does.
    expect((await security('/v1/alerts')).statusCode).toBe(403);
  });
});

describe('the system administrator (系统管理员)', () => {
  it('keeps the organisation and catalogue but creates no officer and no key', async () => {
    const admin = stack.as(adminOf(NANNING));
    const window = await admin({ method: 'PUT', url: `/v1/windows/${NANNING}-sod-${run}`, payload: { code: `${NANNING}-sod-${run}`, centreCode: NANNING, departmentCode: 'forestry', name: '三员窗口' } });
    expect(window.statusCode, window.body).toBe(201);
    expect((await put(adminOf(NANNING), atWindow(newId('byadmin'), 'window_officer'))).statusCode).toBe(403);
    expect((await admin({ method: 'POST', url: '/v1/integrators', payload: { name: 'x', centres: [NANNING] } })).statusCode).toBe(403);
    expect((await admin('/v1/integrators')).statusCode).toBe(403);
    expect((await admin({ method: 'DELETE', url: `/v1/integrators/${stack.integrator.keyId}` })).statusCode).toBe(403);
    expect((await admin('/v1/alerts')).statusCode).toBe(200);
  });
});

describe('the audit administrator (审计管理员)', () => {
  it('reads the audit trail of its centre and those below it, and changes nothing', async () => {
    const rows = await auditRows(auditorOf(NANNING));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.centreCode?.startsWith('4501'))).toBe(true);
    const auditor = stack.as(auditorOf(NANNING));
    const item = (await stack.integrator('/v1/items/individual-business-registration')).json().definition;
    const refused = [
      { method: 'PUT', url: `/v1/officers/${auditorOf(NANNING)}`, payload: officerRecord(auditorOf(NANNING), 'supervisor') },
      { method: 'PUT', url: `/v1/officers/${newId('byauditor')}`, payload: atWindow(newId('byauditor'), 'window_officer') },
      { method: 'POST', url: '/v1/integrators', payload: { name: 'x', centres: [NANNING] } },
      { method: 'PUT', url: `/v1/items/${item.code}`, payload: item },
      { method: 'PUT', url: `/v1/windows/${NANNING}-forestry`, payload: { code: `${NANNING}-forestry`, centreCode: NANNING, departmentCode: 'forestry', name: '改名' } },
      { method: 'POST', url: `/v1/calendar/centres/${NANNING}/days-off`, payload: { source: '三员测试', days: [{ date: '2093-06-01', name: '测试' }] } },
      { method: 'POST', url: '/v1/cases', payload: { applicationNo: `${NANNING}-20260101-1`, note: 'x' } },
    ] as const;
    for (const request of refused) expect((await auditor(request)).statusCode, request.url).toBe(403);
    expect((await auditor('/v1/alerts')).statusCode).toBe(403);
    // Supervisors keep reading the trail: they follow accountability.
    expect((await stack.as(supervisorOf(NANNING))('/v1/audit')).statusCode).toBe(200);
  });
});

describe('the workflow checks authority again', () => {
  it('refuses an administrator sent straight to the workflow, even one that claims a department', async () => {
    const actions = windowActions(() => stack);
    const no = await actions.submit();
    const handle = stack.client.workflow.getHandle(no);
    for (const role of ['system_administrator', 'security_administrator', 'audit_administrator', 'supervisor'] as const) {
      const officer = { id: `${NANNING}-${role}`, name: role, role, centreCode: NANNING, departmentCode: 'market_regulation' };
      await expect(handle.executeUpdate(intakeUpdate, { args: [{ decision: 'accept', department: 'market_regulation', officer }] }), role).rejects.toMatchObject({
        cause: { type: 'NotAuthorised' },
      });
    }
    expect((await actions.accept(no)).statusCode).toBe(200);
    for (const role of ['system_administrator', 'security_administrator', 'audit_administrator'] as const) {
      const officer = { id: `${NANNING}-${role}`, name: role, role, centreCode: NANNING, departmentCode: 'market_regulation' };
      await expect(handle.executeUpdate(decisionUpdate, { args: [{ department: 'market_regulation', decision: 'approve', officer }] }), role).rejects.toMatchObject({
        cause: { type: 'NotAuthorised' },
      });
      await expect(handle.executeUpdate(extendUpdate, { args: [{ reason: '需现场核查', workingDays: 5, officer }] }), role).rejects.toMatchObject({
        cause: { type: 'NotAuthorised' },
      });
    }
    // The same decision by the department's chief representative is taken.
    const decided = await stack.as(chiefOf('market_regulation'))({ method: 'POST', url: `/v1/applications/${no}/reviews/market_regulation/decision`, payload: { decision: 'approve' } });
    expect(decided.statusCode, decided.body).toBe(200);
  });
});

describe('the operator grants the regional centre its administrators (npm run officers:grant)', () => {
  it('creates or changes the officer and writes an audit row of kind operator', async () => {
    const id = newId('regional-security', REGION);
    const { stdout } = await promisify(execFile)(
      'npx',
      ['tsx', 'server/officers-grant.ts', id, 'security_administrator', '--centre', REGION, '--name', '自治区安全管理员（测试）'],
      { env: { ...process.env, ...TEST_AUDIT_KEYS, DATABASE_URL: inject('databaseUrl') } },
    );
    expect(stdout).toContain(`${id} role none→security_administrator`);
    expect(await roleOf(id)).toBe('security_administrator');
    // The new security administrator works at once: it grants a city's auditor.
    const auditor = newId('auditor');
    expect((await put(id, officerRecord(auditor, 'audit_administrator'))).statusCode).toBe(201);

    await grantAsOperator(stack.db, { officerId: id, role: 'audit_administrator' }, { id: 'operator:tests', name: 'tests@ci' });
    const rows = (await auditRows(auditorOf(REGION))).filter((r) => r.target.startsWith(`${id} role`));
    expect(rows.map((r) => [r.actor.kind, r.action, r.target])).toEqual([
      ['operator', 'CLI npm run officers:grant', `${id} role security_administrator→audit_administrator`],
      ['operator', 'CLI npm run officers:grant', `${id} role none→security_administrator`],
    ]);
    await expect(grantAsOperator(stack.db, { officerId: id, role: 'centre_administrator' })).rejects.toThrow(/unknown role/);
    await expect(grantAsOperator(stack.db, { officerId: `${REGION}:x`, role: 'supervisor', centre: REGION, name: 'x' })).rejects.toThrow(/:/);
    await expect(grantAsOperator(stack.db, { officerId: newId('nocentre'), role: 'supervisor' })).rejects.toThrow(/--centre/);
  }, 60_000);
});

describe('migration 0020_separation_of_duties', () => {
  it('turns every centre administrator into a system administrator and refuses the old role from then on', async () => {
    const name = `onewindow_sod_${run}`;
    const server = new pg.Client({ connectionString: inject('databaseUrl') });
    await server.connect();
    await server.query(`create database ${name}`);
    const url = new URL(inject('databaseUrl'));
    url.pathname = `/${name}`;
    const db = new pg.Client({ connectionString: url.toString() });
    try {
      await db.connect();
      const migrations = new URL('../db/migrations/', import.meta.url);
      const files = readdirSync(migrations).filter((f) => f.endsWith('.sql')).sort();
      const at = files.findIndex((f) => f.endsWith('_separation_of_duties.sql'));
      for (const file of files.slice(0, at)) await db.query(readFileSync(new URL(file, migrations), 'utf8'));
      await db.query(`insert into centres (code, name, name_en, division, level, longitude, latitude) values ('450000', '自治区', 'Region', '广西', 'region', 108.3, 22.8)`);
      await db.query(`insert into officers (id, name, role, centre_code) values ('450000-admin', '管理员', 'centre_administrator', '450000'), ('450000-supervisor', '监察员', 'supervisor', '450000')`);
      await db.query(readFileSync(new URL(files[at], migrations), 'utf8'));
      expect((await db.query('select id, role from officers order by id')).rows).toEqual([
        { id: '450000-admin', role: 'system_administrator' },
        { id: '450000-supervisor', role: 'supervisor' },
      ]);
      await expect(db.query(`update officers set role = 'centre_administrator' where id = '450000-admin'`)).rejects.toThrow(/officers_role_check/);
    } finally {
      await db.end();
      await server.query(`drop database if exists ${name} with (force)`);
      await server.end();
    }
  });
});

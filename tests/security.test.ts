/**
 * Who may do what: every route × every kind of caller, against the real stack. Each cell is allowed
 * (any answer but 401/403) or refused (401 without valid credentials, 403 for a role or scope the
 * rules exclude, always with the common error body), and a refused request changes nothing. The
 * table must name every route the API serves: a new route without a row fails here.
 */
import { readdirSync } from 'node:fs';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq, like } from 'drizzle-orm';
import { buildApp } from '../api/app.js';
import { paymentHeaders } from '../api/payment-signature.js';
import { auditKeys } from '../db/audit-keys.js';
import { applications, attachments, cameras, followUpLimits, followUps, ratingTokens, ratings, videoViews, webhookEndpoints } from '../db/schema/index.js';
import { supplementUpdate } from '../workflows/messages.js';
import {
  type Inject,
  type Stack,
  adminOf,
  auditorOf,
  caller,
  chiefOf,
  createKey,
  leaderOf,
  officer,
  securityOf,
  TEST_PAYMENT_SECRET,
  startStack,
  submission,
  supervisorOf,
  testConfig,
  windowOf,
} from './support/stack.js';
import { ok, windowActions } from './support/window.js';
import { form, pdf } from './support/files.js';

const WHO = [
  'anonymous',
  'expired',
  'forged',
  'revokedKey',
  'integrator',
  'otherIntegrator',
  'window',
  'chief',
  'leader',
  'otherDepartment',
  'otherCentre',
  'supervisor',
  'otherSupervisor',
  // 三员 (GB/T 22239): 'admin' is the system administrator; the security and audit administrators beside it.
  'admin',
  'otherAdmin',
  'security',
  'otherSecurity',
  'auditor',
  'otherAuditor',
] as const;
type Who = (typeof WHO)[number];

/** Callers without valid credentials: refused everywhere but on public routes, where bad credentials still are. */
const INVALID: Who[] = ['expired', 'forged', 'revokedKey'];
const EVERYONE: Who[] = WHO.filter((w) => w !== 'anonymous' && !INVALID.includes(w));
const STAFF: Who[] = EVERYONE.filter((w) => w !== 'integrator' && w !== 'otherIntegrator');
/** The lead department's window staff at the application's centre (Nanning, 450100). */
const LEAD: Who[] = ['window', 'chief', 'leader'];
const OVERSIGHT: Who[] = ['supervisor', 'otherSupervisor', 'admin', 'otherAdmin'];
/** The audit trail: audit administrators and supervisors. */
const AUDIT_READERS: Who[] = ['supervisor', 'otherSupervisor', 'auditor', 'otherAuditor'];
/** The change log: oversight and each of the three administrators. */
const CHANGE_LOG_READERS: Who[] = [...OVERSIGHT, 'security', 'otherSecurity', 'auditor', 'otherAuditor'];
const PUBLIC = 'public' as const;

let stack: Stack;
let as: Record<Who, Inject>;
let credentials: Record<Who, () => Promise<Record<string, string>>>;
let base: string;
const run = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  stack = await startStack({ payments: true });
  base = stack.baseUrl;
  const bearer = (token: string) => async () => ({ authorization: `Bearer ${token}` });
  const staff = async (id: string) => bearer(await stack.token(id));
  const forged = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(adminOf())
    .setIssuer('onewindow')
    .setAudience('onewindow')
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode('not-the-secret-of-this-api-0123456789abcdef'));
  const revoked = await createKey(stack.db, ['450000'], 'Revoked portal');
  const revoking = await stack.as(securityOf())({ method: 'DELETE', url: `/v1/integrators/${revoked.id}` });
  expect(revoking.statusCode).toBe(200);
  const other = await createKey(stack.db, ['450200'], 'Liuzhou portal');
  credentials = {
    anonymous: async () => ({}),
    expired: bearer(await stack.token(supervisorOf(), Math.floor(Date.now() / 1000) - 60)),
    forged: bearer(forged),
    revokedKey: async () => ({ 'x-api-key': revoked.key }),
    integrator: async () => ({ 'x-api-key': stack.integrator.key }),
    otherIntegrator: async () => ({ 'x-api-key': other.key }),
    window: await staff(windowOf('market_regulation')),
    chief: await staff(chiefOf('market_regulation')),
    leader: await staff(leaderOf('market_regulation')),
    otherDepartment: await staff(chiefOf('education')),
    otherCentre: await staff(chiefOf('market_regulation', '450200')),
    supervisor: await staff(supervisorOf()),
    otherSupervisor: await staff(supervisorOf('450200')),
    admin: await staff(adminOf()),
    otherAdmin: await staff(adminOf('450200')),
    security: await staff(securityOf()),
    otherSecurity: await staff(securityOf('450200')),
    auditor: await staff(auditorOf()),
    otherAuditor: await staff(auditorOf('450200')),
  };
  as = Object.fromEntries(WHO.map((who) => [who, caller(stack.app, credentials[who])])) as Record<Who, Inject>;
});
afterAll(() => stack?.close());

// ---- Applications in the stage each route needs, submitted by the stack's integrator at 450100.

const actions = windowActions(() => stack);
const submitted = (itemCode = 'company-startup') => actions.submit({ itemCode });

/** Intake at the lead (market_regulation) window; the application's number once it is done. */
async function intake(no: string, payload: object): Promise<string> {
  ok(await actions.intake(no, { department: 'market_regulation', ...payload }));
  return no;
}

/** Waits until the workflow's background writes (reviews opened, deadlines) are in the read model. */
async function settled(no: string): Promise<string> {
  let last = '';
  for (;;) {
    const pending = (await stack.client.workflow.getHandle(no).describe()).raw.pendingActivities?.length ?? 0;
    const now = JSON.stringify(await applicationState(no));
    if (now === last && pending === 0) return no;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const inReview = async () => settled(await intake(await submitted(), { decision: 'accept' }));
/** The download path of a PDF the integrator uploaded to the shared application. */
async function attachmentFixture(): Promise<string> {
  const no = await readFixture();
  const res = await stack.integrator({ method: 'POST', url: `/v1/applications/${no}/attachments`, ...form([{ name: 'material', value: '营业执照' }, { name: 'file', value: pdf(), fileName: '营业执照.pdf' }]) });
  expect([200, 201], res.body).toContain(res.statusCode);
  return (res.json() as { url: string }).url;
}
const supplementRequested = async () => intake(await submitted(), { decision: 'request_supplement', missingMaterials: ['章程'] });
async function completed(): Promise<string> {
  const no = await intake(await submitted('individual-business-registration'), { decision: 'accept' });
  await expect.poll(async () => (await applicationState(no)).stage).toBe('completed');
  return settled(no);
}
async function stopped(): Promise<string> {
  const no = await inReview();
  const res = await as.window({
    method: 'POST',
    url: `/v1/applications/${no}/reviews/market_regulation/clock/stop`,
    payload: { type: 'hearing', reason: '听证' },
  });
  expect(res.statusCode).toBe(200);
  return settled(no);
}

/** What a refused request must leave as it was: the read model's row and the workflow's history. */
async function applicationState(no: string) {
  const [row] = await stack.db.select({ lastSeq: applications.lastSeq, stage: applications.stage }).from(applications).where(eq(applications.applicationNo, no));
  // Timers and activities go on in the background; what a request could add is an accepted update.
  const history = await stack.client.workflow.getHandle(no).fetchHistory();
  const updates = history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
  return { ...row, updates };
}

// ---- The table.

interface Row {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The route as registered, e.g. /v1/applications/:no. */
  route: string;
  allowed: readonly Who[] | typeof PUBLIC;
  /** Makes what the request acts on; called afresh for each caller the row allows on a write. */
  fixture?: () => Promise<string>;
  url?: (id: string) => string;
  body?: (id: string) => unknown;
  /** What a refused request must not change. */
  state?: (id: string) => Promise<unknown>;
  /** Server-sent events: asked over HTTP, read up to the status. */
  stream?: boolean;
  /** Headers of the request beside the caller's credentials, made for each request (a payment notification's signature). */
  headers?: (payload: string) => Record<string, string>;
}

const unique = (prefix: string) => `${prefix}_${run}_${Math.random().toString(36).slice(2, 6)}`;
const sharedApplication = { promise: undefined as Promise<string> | undefined };
const readFixture = () => (sharedApplication.promise ??= inReview());
const itemBody = async (code: string) => {
  const current = (await as.anonymous('/v1/items/individual-business-registration')).json().definition;
  return { ...current, code, name: `安全测试事项 ${code}`, nameEn: `Security test item ${code}` };
};
const itemState = async (code: string) => (await as.anonymous(`/v1/items/${code}`)).statusCode;

/** Any integrator manages its own endpoints; another's are not found (404), never shown. */
const INTEGRATORS = ['integrator', 'otherIntegrator'] as const;
const webhookEndpoint = async () =>
  (await stack.integrator({ method: 'POST', url: '/v1/webhooks/endpoints', payload: { url: 'https://portal.example/security', eventTypes: ['application.accepted'] } })).json().id as string;
const endpointState = async (id: string) => (await stack.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)))[0];

const TABLE: Row[] = [
  // Applications.
  { method: 'POST', route: '/v1/applications', allowed: ['integrator', ...LEAD, 'otherDepartment'], body: () => submission() },
  { method: 'GET', route: '/v1/applications', allowed: EVERYONE },
  { method: 'GET', route: '/v1/applications/:no', allowed: ['integrator', ...LEAD, 'supervisor', 'admin'], fixture: readFixture },
  { method: 'GET', route: '/v1/applications/:no/history', allowed: [...LEAD, 'supervisor', 'admin'], fixture: readFixture },
  // Temporal's remote codec protocol (api/routes/codec.ts): any staff member; what is decoded whole depends on the application.
  { method: 'POST', route: '/v1/codec/encode', allowed: STAFF, body: () => ({ payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'e30=' }] }) },
  { method: 'POST', route: '/v1/codec/decode', allowed: STAFF, body: () => ({ payloads: [{ metadata: { encoding: 'anNvbi9wbGFpbg==' }, data: 'e30=' }] }) },
  { method: 'GET', route: '/v1/applications/:no/documents', allowed: ['integrator', ...LEAD, 'supervisor', 'admin'], fixture: readFixture },
  {
    method: 'GET',
    route: '/v1/applications/:no/documents/:id',
    allowed: ['integrator', ...LEAD, 'supervisor', 'admin'],
    fixture: readFixture,
    // No such document: those who may see the application hear 404, the others are refused before the lookup.
    url: (no) => `/v1/applications/${no}/documents/2147483647`,
  },
  { method: 'POST', route: '/v1/applications/:no/intake', allowed: LEAD, fixture: submitted, body: () => ({ decision: 'accept', department: 'market_regulation' }) },
  { method: 'POST', route: '/v1/applications/:no/supplements', allowed: ['integrator', ...LEAD], fixture: supplementRequested, body: () => ({ materials: ['章程'] }) },
  {
    method: 'POST',
    route: '/v1/applications/:no/reviews/:department/decision',
    allowed: ['chief', 'leader'],
    fixture: inReview,
    url: (no) => `/v1/applications/${no}/reviews/market_regulation/decision`,
    body: () => ({ decision: 'approve' }),
  },
  {
    method: 'POST',
    route: '/v1/applications/:no/reviews/:department/clock/stop',
    allowed: LEAD,
    fixture: inReview,
    url: (no) => `/v1/applications/${no}/reviews/market_regulation/clock/stop`,
    body: () => ({ type: 'hearing', reason: '听证' }),
  },
  {
    method: 'POST',
    route: '/v1/applications/:no/reviews/:department/clock/resume',
    allowed: LEAD,
    fixture: stopped,
    url: (no) => `/v1/applications/${no}/reviews/market_regulation/clock/resume`,
    body: () => ({ note: '听证结束' }),
  },
  { method: 'POST', route: '/v1/applications/:no/extension', allowed: ['leader'], fixture: inReview, body: () => ({ reason: '需现场核查', workingDays: 5 }) },
  { method: 'POST', route: '/v1/applications/:no/pickup', allowed: LEAD, fixture: completed, body: () => ({}) },
  // Attachments: a JSON body, so the allowed hear 400 missing_file (tests/attachments.test.ts uploads files).
  {
    method: 'POST',
    route: '/v1/applications/:no/attachments',
    allowed: ['integrator', ...LEAD],
    fixture: readFixture,
    body: () => ({ material: '营业执照' }),
    state: async (no) => (await stack.db.select().from(attachments).where(eq(attachments.applicationNo, no))).length,
  },
  { method: 'GET', route: '/v1/applications/:no/attachments', allowed: ['integrator', ...LEAD, 'supervisor', 'admin'], fixture: readFixture },
  // Those who handle it download; supervisors see the applicant's number masked, so not the materials.
  { method: 'GET', route: '/v1/applications/:no/attachments/:id', allowed: ['integrator', ...LEAD], fixture: attachmentFixture, url: (path) => path },
  {
    method: 'GET',
    route: '/v1/departments/:department/inbox',
    allowed: [...LEAD, 'supervisor'],
    url: () => '/v1/departments/market_regulation/inbox?centre=450100',
  },
  // Every window's own queue: it lists only its department at its centre, so any window staff may ask.
  { method: 'GET', route: '/v1/window/queue', allowed: [...LEAD, 'otherDepartment', 'otherCentre'] },
  { method: 'POST', route: '/v1/consultations', allowed: [...LEAD, 'otherDepartment'], body: () => ({ centreCode: '450100', channel: 'window', subject: '如何办理营业执照' }) },
  { method: 'GET', route: '/v1/consultations', allowed: STAFF },

  // Catalogue and organisation: reads are public, writes need the right administrator.
  { method: 'GET', route: '/v1/items', allowed: PUBLIC },
  { method: 'GET', route: '/v1/items/:code', allowed: PUBLIC, url: () => '/v1/items/company-startup' },
  { method: 'GET', route: '/v1/items/:code/versions', allowed: PUBLIC, url: () => '/v1/items/company-startup/versions' },
  { method: 'GET', route: '/v1/items/:code/versions/:version', allowed: PUBLIC, url: () => '/v1/items/company-startup/versions/1' },
  {
    method: 'POST',
    route: '/v1/items',
    // The region's administrator adds to the regional catalogue, a city's a local item of their city.
    allowed: ['admin', 'otherAdmin'],
    fixture: async () => unique('sec-item').replaceAll('_', '-'),
    url: () => '/v1/items',
    body: itemBody,
    state: itemState,
  },
  {
    method: 'PUT',
    route: '/v1/items/:code',
    allowed: ['admin'],
    fixture: async () => 'individual-business-deregistration',
    body: async (code) => ({ ...(await as.anonymous(`/v1/items/${code}`)).json().definition }),
    state: async (code) => (await as.anonymous(`/v1/items/${code}/versions`)).json().versions.length,
  },
  { method: 'GET', route: '/v1/catalogue/export', allowed: PUBLIC },
  {
    method: 'POST',
    route: '/v1/catalogue/import',
    allowed: ['admin'],
    fixture: async () => unique('sec-import').replaceAll('_', '-'),
    url: () => '/v1/catalogue/import',
    body: async (code) => ({ items: [await itemBody(code)] }),
    state: itemState,
  },
  { method: 'GET', route: '/v1/catalogue/changes', allowed: CHANGE_LOG_READERS },
  { method: 'GET', route: '/v1/centres', allowed: PUBLIC },
  { method: 'GET', route: '/v1/centres/:code', allowed: PUBLIC, url: () => '/v1/centres/450100' },
  { method: 'GET', route: '/v1/departments', allowed: PUBLIC },
  { method: 'GET', route: '/v1/windows', allowed: PUBLIC, url: () => '/v1/windows?centre=450100' },
  { method: 'GET', route: '/v1/officers', allowed: STAFF, url: () => '/v1/officers?centre=450100&department=market_regulation' },
  {
    method: 'PUT',
    route: '/v1/centres/:code',
    allowed: ['admin'],
    fixture: async () => `4501${90 + Math.floor(Math.random() * 10)}`,
    body: (code) => ({ code, name: `安全测试中心${code}`, nameEn: `Test centre ${code}`, division: '测试区', parentCode: '450100', level: 'county', longitude: 108.3, latitude: 22.8 }),
  },
  {
    method: 'PUT',
    route: '/v1/departments/:code',
    allowed: ['admin'],
    fixture: async () => unique('sec_dept'),
    body: (code) => ({ code, name: '安全测试局', nameEn: 'Security test bureau', levels: ['city'] }),
    state: async (code) => (await as.anonymous('/v1/departments')).json().departments.some((d: { code: string }) => d.code === code),
  },
  {
    method: 'PUT',
    route: '/v1/windows/:code',
    allowed: ['admin'],
    fixture: async () => unique('450100-sec-window'),
    // Forestry: other test files count the market regulation windows and officers at 450100.
    body: (code) => ({ code, centreCode: '450100', departmentCode: 'forestry', name: '安全测试窗口' }),
    state: async (code) => (await as.anonymous('/v1/windows?centre=450100')).json().windows.some((w: { code: string }) => w.code === code),
  },
  {
    method: 'PUT',
    route: '/v1/officers/:code',
    // The security administrator above 450100 grants a window role there; nobody else writes officers.
    allowed: ['security'],
    fixture: async () => unique('450100-sec-officer'),
    body: (id) => ({ id, name: '安全测试人员', role: 'window_officer', centreCode: '450100', departmentCode: 'forestry' }),
    state: async (id) => (await as.admin('/v1/officers?centre=450100')).json().officers.some((o: { id: string }) => o.id === id),
  },
  { method: 'GET', route: '/v1/calendar/due', allowed: PUBLIC, url: () => '/v1/calendar/due?from=2026-03-02T01:00:00Z&workingDays=5&centre=450100' },
  { method: 'GET', route: '/v1/calendar/:year', allowed: PUBLIC, url: () => '/v1/calendar/2026' },
  {
    method: 'PUT',
    route: '/v1/calendar/:year',
    allowed: ['admin'],
    // A day outside the year: the regional administrator is let through and hears 400, so no year is loaded
    // (loading one would recompute other test files' running applications).
    url: () => '/v1/calendar/2091',
    body: () => ({ source: '安全测试', daysOff: [{ date: '2090-01-01', name: '元旦' }], workingWeekends: [] }),
    state: async () => (await as.anonymous('/v1/calendar/2091')).json(),
  },
  {
    method: 'PUT',
    route: '/v1/calendar/regions/:region/:year',
    allowed: ['admin'],
    // A day outside the year: the regional administrator is let through and hears 400, so no notice is
    // loaded (loading one would recompute the region's running applications).
    url: () => '/v1/calendar/regions/450000/2092',
    body: () => ({ source: '安全测试', daysOff: [{ date: '2091-04-01', name: '测试' }] }),
    state: async () => (await as.anonymous('/v1/calendar/2092?centre=450000')).json(),
  },
  {
    method: 'POST',
    route: '/v1/calendar/centres/:code/days-off',
    allowed: ['admin'],
    url: () => '/v1/calendar/centres/450100/days-off',
    body: () => ({ source: '安全测试', days: [{ date: '2091-06-01', name: '测试休息日' }] }),
    state: async () => (await as.anonymous('/v1/calendar/2091?centre=450100')).json(),
  },

  // Supervision: supervisors and administrators, each within their own centre.
  { method: 'GET', route: '/v1/alerts', allowed: OVERSIGHT },
  { method: 'GET', route: '/v1/alerts', allowed: ['supervisor', 'admin'], url: () => '/v1/alerts?centre=450100' },
  { method: 'GET', route: '/v1/flags', allowed: OVERSIGHT },
  { method: 'GET', route: '/v1/statistics/efficiency', allowed: OVERSIGHT },
  { method: 'GET', route: '/v1/statistics/efficiency', allowed: ['supervisor', 'admin'], url: () => '/v1/statistics/efficiency?centre=450100' },
  { method: 'GET', route: '/v1/cases', allowed: OVERSIGHT },
  { method: 'GET', route: '/v1/cases', allowed: ['supervisor', 'admin'], url: () => '/v1/cases?centre=450100' },
  // No red alert has opened a case here: the allowed hear 404, the others are refused before the lookup.
  { method: 'GET', route: '/v1/cases/:id', allowed: OVERSIGHT, url: () => '/v1/cases/no-such-case' },
  {
    method: 'POST',
    route: '/v1/cases/:id/steps',
    allowed: ['supervisor', 'otherSupervisor'],
    url: () => '/v1/cases/no-such-case/steps',
    body: () => ({ status: 'explanation_received', note: '已说明' }),
  },
  // A case for an application at Nanning: the supervisors above it only (Liuzhou's is refused by scope).
  {
    method: 'POST',
    route: '/v1/cases',
    allowed: ['supervisor'],
    fixture: readFixture,
    url: () => '/v1/cases',
    body: (no) => ({ applicationNo: no, note: '安全测试立案' }),
    state: async (no) => (await as.supervisor({ url: '/v1/cases', query: { application: no } })).json().cases.length,
  },
  { method: 'GET', route: '/v1/audit', allowed: AUDIT_READERS },
  // The audit log's checkpoints and proofs: its readers (AUDIT_READERS). Before any checkpoint, 404; a proof of row 1 in a tree of 1.
  { method: 'GET', route: '/v1/audit/checkpoints/latest', allowed: AUDIT_READERS },
  {
    method: 'POST',
    route: '/v1/audit/checkpoints',
    allowed: AUDIT_READERS,
    state: async () => readdirSync(auditKeys().checkpointDir, { withFileTypes: true }).length,
  },
  { method: 'GET', route: '/v1/audit/public-key', allowed: AUDIT_READERS },
  { method: 'GET', route: '/v1/audit/proofs/inclusion', allowed: AUDIT_READERS, url: () => '/v1/audit/proofs/inclusion?id=1&size=1' },
  { method: 'GET', route: '/v1/audit/proofs/consistency', allowed: AUDIT_READERS, url: () => '/v1/audit/proofs/consistency?from=0&to=1' },
  { method: 'GET', route: '/v1/supervision/map', allowed: OVERSIGHT },
  { method: 'GET', route: '/v1/supervision/day', allowed: OVERSIGHT },
  { method: 'GET', route: '/v1/supervision/day', allowed: ['supervisor', 'admin'], url: () => '/v1/supervision/day?centre=450100' },
  { method: 'GET', route: '/v1/supervision/stream', allowed: OVERSIGHT, stream: true },

  // Integrators' keys, and who the caller is.
  {
    method: 'POST',
    route: '/v1/integrators',
    allowed: ['security'],
    body: () => ({ name: `Portal ${run}`, centres: ['450100'] }),
  },
  { method: 'GET', route: '/v1/integrators', allowed: ['security', 'otherSecurity'] },
  {
    method: 'DELETE',
    route: '/v1/integrators/:id',
    allowed: ['security'],
    fixture: async () => (await createKey(stack.db, ['450100'], `Revocable ${run}`)).id,
    state: async (id) => (await as.security('/v1/integrators')).json().keys.find((k: { id: string }) => k.id === id)?.revokedAt,
  },
  { method: 'GET', route: '/v1/me', allowed: EVERYONE },
  // Fees: the application's readers and its lead window; a leader waives and decides refunds; the shared application charges none (404).
  { method: 'GET', route: '/v1/applications/:no/fees', allowed: ['integrator', ...LEAD, 'supervisor', 'admin'], fixture: readFixture },
  { method: 'POST', route: '/v1/applications/:no/fees/assessment', allowed: LEAD, fixture: readFixture, body: () => ({ lines: [{ code: 'card', quantity: 1 }] }) },
  { method: 'POST', route: '/v1/applications/:no/fees/adjustment', allowed: ['leader'], fixture: readFixture, body: () => ({ toFen: 0, reason: '安全测试' }) },
  { method: 'POST', route: '/v1/applications/:no/fees/refunds', allowed: LEAD, fixture: readFixture, body: () => ({ amountFen: 1, reason: '安全测试' }) },
  {
    method: 'POST',
    route: '/v1/applications/:no/fees/refunds/:refundNo/decision',
    allowed: ['leader'],
    fixture: readFixture,
    url: (no) => `/v1/applications/${no}/fees/refunds/${no}-F1-R1/decision`,
    body: () => ({ approve: true }),
  },
  { method: 'GET', route: '/v1/statistics/fees', allowed: OVERSIGHT },
  { method: 'GET', route: '/v1/fees/unpaid', allowed: OVERSIGHT },
  { method: 'GET', route: '/v1/fees/reconciliations', allowed: OVERSIGHT },
  // Ratings (好差评): the submitting integrator rates (any other key hears 404, as for an unknown number, so
  // it counts as let through here); the lead window or the integrator issues a notice's code; the code's
  // routes are public (an unknown code: 404); supervisors read the statistics.
  {
    method: 'POST',
    route: '/v1/applications/:no/ratings',
    allowed: ['integrator', 'otherIntegrator'],
    fixture: readFixture,
    body: () => ({ event: 'intake', level: 'satisfied' }),
    state: async (no) => (await stack.db.select().from(ratings).where(eq(ratings.applicationNo, no))).length,
  },
  {
    method: 'POST',
    route: '/v1/applications/:no/rating-token',
    allowed: ['integrator', 'otherIntegrator', ...LEAD],
    fixture: readFixture,
    body: () => ({ for: 'acceptance' }),
    state: async (no) => (await stack.db.select().from(ratingTokens).where(eq(ratingTokens.applicationNo, no))).length,
  },
  { method: 'GET', route: '/v1/public/ratings/:token', allowed: PUBLIC, url: () => `/v1/public/ratings/${'C'.repeat(43)}` },
  {
    method: 'POST',
    route: '/v1/public/ratings/:token',
    allowed: PUBLIC,
    url: () => `/v1/public/ratings/${'C'.repeat(43)}`,
    body: () => ({ ratings: [{ event: 'intake', level: 'satisfied' }] }),
  },
  { method: 'GET', route: '/v1/statistics/satisfaction', allowed: OVERSIGHT },
  { method: 'GET', route: '/v1/statistics/satisfaction/ranking', allowed: OVERSIGHT },
  // Follow-ups (督办): supervisors and administrators read them, a department's leader its own bad ratings;
  // no such follow-up here, so those let through hear 404 (who may act on a real one is the workflow's
  // rule: tests/follow-ups.test.ts). A complaint comes from an integrator (within its key's centres) or
  // a window at the centre it is about; only the integrator that sent it reads it back (404 to another).
  { method: 'GET', route: '/v1/follow-ups', allowed: [...OVERSIGHT, 'leader'] },
  { method: 'GET', route: '/v1/follow-ups/summary', allowed: OVERSIGHT },
  { method: 'GET', route: '/v1/follow-ups/:id', allowed: [...OVERSIGHT, 'leader'], url: () => '/v1/follow-ups/R-no-such-follow-up' },
  { method: 'POST', route: '/v1/follow-ups/:id/contact', allowed: [...OVERSIGHT, 'leader'], url: () => '/v1/follow-ups/R-no-such-follow-up/contact', body: () => ({ note: '已回访' }) },
  {
    method: 'POST',
    route: '/v1/follow-ups/:id/conclusion',
    allowed: [...OVERSIGHT, 'leader'],
    url: () => '/v1/follow-ups/R-no-such-follow-up/conclusion',
    body: () => ({ outcome: 'rectified', note: '已整改' }),
  },
  { method: 'POST', route: '/v1/follow-ups/:id/dispute-review', allowed: OVERSIGHT, url: () => '/v1/follow-ups/R-no-such-follow-up/dispute-review', body: () => ({ upheld: true, note: '申诉成立' }) },
  { method: 'POST', route: '/v1/follow-ups/:id/acceptance', allowed: OVERSIGHT, url: () => '/v1/follow-ups/C-no-such-complaint/acceptance', body: () => ({ accepted: true, note: '受理' }) },
  {
    method: 'POST',
    route: '/v1/follow-ups/:id/findings',
    allowed: OVERSIGHT,
    url: () => '/v1/follow-ups/C-no-such-complaint/findings',
    body: () => ({ substantiated: false, findings: '不属实', reply: '经核查不属实' }),
  },
  {
    method: 'POST',
    route: '/v1/complaints',
    // About Nanning: Liuzhou's key and Liuzhou's window are refused by scope.
    allowed: ['integrator', ...LEAD, 'otherDepartment'],
    body: () => ({ subject: { kind: 'centre', centreCode: '450100' }, content: `安全测试投诉 ${run}` }),
    state: async () => (await stack.db.select().from(followUps).where(eq(followUps.content, `安全测试投诉 ${run}`))).length,
  },
  // An integrator lists its own complaints (another's are not in its list).
  { method: 'GET', route: '/v1/complaints', allowed: ['integrator', 'otherIntegrator'] },
  { method: 'GET', route: '/v1/complaints/:id', allowed: ['integrator', 'otherIntegrator'], url: () => '/v1/complaints/C-no-such-complaint' },
  // The public's complaints (no sign-in): about an application they are refused with 400 before anything
  // is looked up or stored; an unknown tracking code is 404.
  {
    method: 'POST',
    route: '/v1/public/complaints',
    allowed: PUBLIC,
    body: () => ({ subject: { kind: 'application', applicationNo: '450100-20990101-000001' }, content: `安全测试公开投诉 ${run}` }),
    state: async () => (await stack.db.select().from(followUps).where(eq(followUps.content, `安全测试公开投诉 ${run}`))).length,
  },
  { method: 'GET', route: '/v1/public/complaints/:code', allowed: PUBLIC, url: () => `/v1/public/complaints/${'D'.repeat(24)}` },
  { method: 'GET', route: '/v1/public/complaint-subjects', allowed: PUBLIC, url: () => '/v1/public/complaint-subjects?centre=450100' },
  // The month's satisfaction figures and the windows' ranking (好差评公示): public, a finished month only.
  { method: 'GET', route: '/v1/public/satisfaction', allowed: PUBLIC, url: () => '/v1/public/satisfaction?centre=450100&month=2026-01' },
  { method: 'GET', route: '/v1/follow-up-limits', allowed: OVERSIGHT },
  // A centre's limits for those of it and above (Liuzhou's supervisor and administrator: 403).
  { method: 'GET', route: '/v1/follow-up-limits/:centre', allowed: ['supervisor', 'admin'], url: () => '/v1/follow-up-limits/450100' },
  {
    method: 'PUT',
    route: '/v1/follow-up-limits/:centre',
    // The region's system administrator is let through and hears 400 (the contact back after the
    // rectification), so no limits are set at Nanning for the other test files.
    allowed: ['admin'],
    url: () => '/v1/follow-up-limits/450100',
    body: () => ({ contactDays: 16, rectifyDays: 15, acceptDays: 2, investigateDays: 15 }),
    state: async () => (await stack.db.select().from(followUpLimits).where(eq(followUpLimits.centreCode, '450100'))).length,
  },
  // Video monitoring: the cameras for oversight; a camera registered (disabled, so nothing records it)
  // by Nanning's administrators; views and their playlists for supervisors of the centre or above only.
  { method: 'GET', route: '/v1/cameras', allowed: OVERSIGHT },
  {
    method: 'POST',
    route: '/v1/cameras',
    allowed: ['admin'],
    body: () => ({ id: unique('sec-cam'), windowCode: '450100-market_regulation', name: '安全测试', rtspUrl: 'rtsp://127.0.0.1:9/x', enabled: false }),
    state: async () => (await stack.db.select().from(cameras).where(like(cameras.id, `sec-cam_${run}_%`))).length,
  },
  { method: 'PUT', route: '/v1/cameras/:id', allowed: ['admin', 'otherAdmin'], url: () => '/v1/cameras/no-such-camera', body: () => ({ windowCode: '450100-market_regulation', name: 'x', rtspUrl: 'rtsp://127.0.0.1:9/x' }) },
  { method: 'GET', route: '/v1/applications/:no/video-bookmarks', allowed: ['supervisor'], fixture: readFixture },
  {
    method: 'POST',
    route: '/v1/video-views',
    allowed: ['supervisor'],
    body: () => ({ windowCode: '450100-market_regulation', live: true }),
    state: async () => (await stack.db.select().from(videoViews).where(eq(videoViews.windowCode, '450100-market_regulation'))).length,
  },
  {
    method: 'GET',
    route: '/v1/video-views/:id/cameras/:camera/index.m3u8',
    allowed: ['supervisor', 'otherSupervisor'],
    url: () => '/v1/video-views/00000000-0000-4000-8000-000000000000/cameras/none/index.m3u8',
  },
  {
    method: 'GET',
    route: '/v1/video-views/:id/cameras/:camera/segments/:run/:file',
    allowed: ['supervisor', 'otherSupervisor'],
    url: () => '/v1/video-views/00000000-0000-4000-8000-000000000000/cameras/none/segments/20261203T000000000Z-1/seg-000000.ts',
  },
  // The payment platform's notifications: public, authenticated by their signature (a notice unknown here: 422).
  {
    method: 'POST',
    route: '/v1/payments/notifications',
    allowed: PUBLIC,
    body: () => ({ type: 'payment', paymentId: `P-${run}`, noticeNo: '450100-20990101-000001-F1', paymentCode: '1', amountFen: 1, paidAt: new Date().toISOString(), receiptNo: '1' }),
    headers: (payload) => ({ 'content-type': 'application/json', ...paymentHeaders(TEST_PAYMENT_SECRET, payload) }),
  },
  // Webhooks: the integrator's own endpoints only (another key's are not found).
  { method: 'GET', route: '/v1/webhooks/event-types', allowed: INTEGRATORS },
  {
    method: 'POST',
    route: '/v1/webhooks/endpoints',
    allowed: INTEGRATORS,
    body: () => ({ url: 'https://portal.example/security-test', eventTypes: ['application.accepted'] }),
    state: async () => (await stack.db.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.keyId, stack.integrator.keyId)))[0].n,
  },
  { method: 'GET', route: '/v1/webhooks/endpoints', allowed: INTEGRATORS },
  { method: 'GET', route: '/v1/webhooks/endpoints/:id', allowed: INTEGRATORS, fixture: webhookEndpoint },
  { method: 'PUT', route: '/v1/webhooks/endpoints/:id', allowed: INTEGRATORS, fixture: webhookEndpoint, body: () => ({ url: 'https://portal.example/changed', eventTypes: ['fee.paid'] }), state: endpointState },
  { method: 'DELETE', route: '/v1/webhooks/endpoints/:id', allowed: INTEGRATORS, fixture: webhookEndpoint, state: endpointState },
  { method: 'POST', route: '/v1/webhooks/endpoints/:id/rotate-secret', allowed: INTEGRATORS, fixture: webhookEndpoint, body: () => ({ keepOldHours: 1 }), state: endpointState },
  { method: 'POST', route: '/v1/webhooks/endpoints/:id/pause', allowed: INTEGRATORS, fixture: webhookEndpoint, state: endpointState },
  { method: 'POST', route: '/v1/webhooks/endpoints/:id/resume', allowed: INTEGRATORS, fixture: webhookEndpoint, state: endpointState },
  { method: 'GET', route: '/v1/webhooks/endpoints/:id/deliveries', allowed: INTEGRATORS, fixture: webhookEndpoint },
  { method: 'GET', route: '/v1/webhooks/endpoints/:id/deliveries/:deliveryId', allowed: INTEGRATORS, fixture: webhookEndpoint, url: (id) => `/v1/webhooks/endpoints/${id}/deliveries/1` },
  {
    method: 'POST',
    route: '/v1/webhooks/endpoints/:id/replay',
    allowed: INTEGRATORS,
    fixture: webhookEndpoint,
    body: () => ({ since: '2026-01-01T00:00:00Z' }),
    state: endpointState,
  },
  { method: 'GET', route: '/healthz', allowed: PUBLIC },
  { method: 'GET', route: '/readyz', allowed: PUBLIC },
];

function expected(row: Row, who: Who): 'allowed' | 401 | 403 {
  if (INVALID.includes(who)) return 401;
  if (row.allowed === PUBLIC) return 'allowed';
  if (who === 'anonymous') return 401;
  return row.allowed.includes(who) ? 'allowed' : 403;
}

async function send(row: Row, who: Who, id: string) {
  const url = row.url ? row.url(id) : row.route.replace(/:no|:code|:id/, id);
  if (row.stream) {
    const headers = await credentials[who]();
    const abort = new AbortController();
    const res = await fetch(`${base}${url}`, { headers, signal: abort.signal });
    const body = res.status === 200 ? undefined : await res.json();
    abort.abort();
    return { status: res.status, body };
  }
  const payload = row.body ? await row.body(id) : undefined;
  if (row.headers) {
    const raw = JSON.stringify(payload);
    const res = await as[who]({ method: row.method, url, payload: raw, headers: row.headers(raw) });
    return { status: res.statusCode, body: res.statusCode >= 400 ? res.json() : undefined };
  }
  const res = await as[who]({ method: row.method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.statusCode >= 400 ? res.json() : undefined };
}

describe('who may do what', () => {
  it('names every route the API serves', async () => {
    const served = Object.entries((stack.app.swagger() as { paths: Record<string, object> }).paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const covered = new Set(TABLE.map((r) => `${r.method} ${r.route}`));
    expect(served.filter((r) => !covered.has(r))).toEqual([]);
    expect([...covered].filter((r) => !served.includes(r))).toEqual([]);
  });

  for (const row of TABLE) {
    it(`${row.method} ${row.url ? row.url('…') : row.route}`, { timeout: 120_000 }, async () => {
      const writes = row.method !== 'GET';
      const shared = row.fixture ? await row.fixture() : '';
      const problems: string[] = [];
      for (const who of WHO) {
        const want = expected(row, who);
        // An allowed write acts: give it its own application (or record) so the next caller finds the same stage.
        const id = writes && want === 'allowed' && row.fixture ? await row.fixture() : shared;
        const probe = writes && want !== 'allowed' ? probeFor(row, id) : undefined;
        const before = await probe?.();
        const { status, body } = await send(row, who, id);
        const got = status === 401 || status === 403 ? status : 'allowed';
        if (got !== want) problems.push(`${who}: expected ${want}, got ${status} ${JSON.stringify(body?.error ?? '')}`);
        if (got !== 'allowed') {
          expect(body, `${who} ${status}`).toMatchObject({ error: { code: status === 401 ? 'unauthorized' : 'forbidden', message: expect.any(String) } });
          expect(JSON.stringify(body)).not.toMatch(/stack|at .*\.ts|select /i);
          if (probe) expect(await probe(), `${who}: a refused ${row.method} changed something`).toEqual(before);
        } else if (status >= 500) problems.push(`${who}: ${status}`);
      }
      expect(problems).toEqual([]);
    });
  }
});

/** How to see that a refused write changed nothing: the application's state, or the row's own probe. */
function probeFor(row: Row, id: string): (() => Promise<unknown>) | undefined {
  if (row.state) return () => row.state!(id);
  if (row.route.startsWith('/v1/applications/:no')) return () => applicationState(id);
  if (row.route === '/v1/applications') return async () => (await stack.integrator('/v1/applications?limit=1')).json().applications[0]?.applicationNo;
  if (row.route === '/v1/consultations') return async () => (await as.admin('/v1/consultations?limit=1')).json().consultations[0]?.id;
  // The keys this row's POST would add: other test files make keys of their own in the same database meanwhile.
  if (row.route === '/v1/integrators') {
    return async () => (await as.security('/v1/integrators')).json().keys.filter((k: { name: string }) => k.name === `Portal ${run}`).length;
  }
  if (row.route === '/v1/centres/:code') return async () => (await as.anonymous(`/v1/centres/${id}`)).statusCode;
  return undefined;
}

describe('scopes in detail', () => {
  it('keeps an administrator from taking over another centre’s officer or window by moving it', async () => {
    // Officers are the county's security administrator's to move, windows its system administrator's.
    const county = async (options: { method: 'PUT'; url: string; payload: object }) =>
      stack.as(options.url.startsWith('/v1/officers') ? securityOf('450102') : adminOf('450102'))(options);
    const before = (await as.admin('/v1/officers?centre=450000&role=supervisor')).json().officers;
    for (const [url, payload] of [
      ['/v1/officers/450000-supervisor', { id: '450000-supervisor', name: '冒名', role: 'window_officer', centreCode: '450102' }],
      ['/v1/windows/450100-taxation', { code: '450100-taxation', centreCode: '450102', departmentCode: 'taxation', name: '冒名窗口' }],
    ] as const) {
      const res = await county({ method: 'PUT', url, payload });
      expect(res.statusCode, url).toBe(403);
    }
    expect((await as.admin('/v1/officers?centre=450000&role=supervisor')).json().officers).toEqual(before);
    expect((await as.anonymous('/v1/windows?centre=450100&department=taxation')).json().windows).toEqual([
      expect.objectContaining({ code: '450100-taxation', centreCode: '450100' }),
    ]);
  });

  it('lets only the submitter or the lead department’s window hand in a supplement, and the workflow checks again', async () => {
    const no = await supplementRequested();
    const taxation = await stack.as(windowOf('taxation'))({ method: 'POST', url: `/v1/applications/${no}/supplements`, payload: { materials: ['章程'] } });
    expect(taxation.statusCode).toBe(403);
    // Straight to the workflow, past the API: its validator refuses the same officer.
    const handle = stack.client.workflow.getHandle(no);
    await expect(handle.executeUpdate(supplementUpdate, { args: [{ materials: ['章程'], officer: officer(windowOf('taxation')) }] })).rejects.toMatchObject({
      cause: { type: 'NotAuthorised' },
    });
    await expect(handle.executeUpdate(supplementUpdate, { args: [{ materials: ['章程'], officer: { id: 'integrator:someone-else' } }] })).rejects.toMatchObject({
      cause: { type: 'NotAuthorised' },
    });
    expect((await stack.integrator({ method: 'POST', url: `/v1/applications/${no}/supplements`, payload: { materials: ['章程'] } })).statusCode).toBe(200);
  });

  it('refuses a consultation received at another centre as an application’s first inquiry', async () => {
    const liuzhou = await stack.as(windowOf('market_regulation', '450200'))({
      method: 'POST',
      url: '/v1/consultations',
      payload: { centreCode: '450200', channel: 'phone', subject: '开办企业咨询' },
    });
    expect(liuzhou.statusCode).toBe(201);
    const res = await stack.integrator({ method: 'POST', url: '/v1/applications', payload: submission({ consultationId: liuzhou.json().id }) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].field).toBe('body.consultationId');
    // A window reads its own centre's consultations only.
    expect((await as.window('/v1/consultations?centre=450200')).statusCode).toBe(403);
    expect((await as.window('/v1/consultations')).json().consultations.every((c: { centreCode: string }) => c.centreCode === '450100')).toBe(true);
  });

  it('lists to a window what its department takes in or reviews at its centre', async () => {
    const no = await readFixture();
    const listed = async (officerId: string) =>
      (await stack.as(officerId)('/v1/applications?limit=200')).json().applications.map((a: { applicationNo: string }) => a.applicationNo);
    expect(await listed(windowOf('taxation'))).toContain(no); // reviews it at 450100
    expect(await listed(windowOf('market_regulation'))).toContain(no); // takes it in
    expect(await listed(windowOf('education'))).not.toContain(no);
    expect(await listed(windowOf('taxation', '450102'))).not.toContain(no);
  });

  it('files a change under the centre it concerns, for that centre’s supervisors', async () => {
    const res = await as.admin({ method: 'POST', url: '/v1/calendar/centres/450102/days-off', payload: { source: '安全测试', days: [{ date: '2092-03-03', name: '测试' }] } });
    expect(res.statusCode).toBe(200);
    const entries = (await stack.as(supervisorOf('450102'))('/v1/audit?limit=50')).json().entries;
    expect(entries).toContainEqual(expect.objectContaining({ action: 'POST /v1/calendar/centres/:code/days-off', target: '450102', centreCode: '450102', actor: expect.objectContaining({ id: adminOf() }) }));
  });

  it('counts failed sign-ins against the address', async () => {
    const app = await buildApp({
      database: stack.database,
      auth: testConfig().auth,
      temporal: { client: stack.client, connection: stack.connection, taskQueue: stack.taskQueue },
      security: { rateLimitPerMinute: 3 },
    });
    const guesses = [];
    for (let i = 0; i < 5; i++) guesses.push((await app.inject({ url: '/v1/me', headers: { 'x-api-key': `ow_${'0'.repeat(12)}_${'A'.repeat(43)}` } })).statusCode);
    await app.close();
    expect(guesses).toEqual([401, 401, 401, 429, 429]);
  });
});

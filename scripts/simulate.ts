/**
 * `npm run simulate`: a working day across the seeded region, driven through the public REST API of a
 * running OneWindow (`--api`, else ONEWINDOW_API, else http://localhost:$PORT, port 3000 by default): submissions at the centres, intake decisions,
 * some supplements (补正), departments deciding after realistic pauses, a few rejections, pickups,
 * and about one review in ten left open so that, as working days pass, it turns yellow and then red
 * on the supervision map. Time is compressed: a pause of `--minute-ms` milliseconds stands for a
 * minute. It stops by itself after `--applications` applications.
 *
 * With `--demo` it also runs the demo (issue 16): it creates the demo centres (db/demo.ts), whose
 * working day lasts `--day-minutes` (1 by default), through the organisation API, and for
 * `--demo-minutes` (10) submits an application there every half compressed day: some decided at once,
 * some late (after yellow, or after red), some never, so that within minutes yellow, red and statutory
 * red come by the workflows' own timers at real instants, with their alerts and the cases red opens.
 * `--demo-only` runs the demo without the region's working day.
 *
 * An item that charges a fee has it assessed (by the lead window, every line it must charge) and paid
 * through the payment platform simulator `npm start` runs (`--payments`, else http://127.0.0.1:$PAYMENT_SIM_PORT)
 * before the pickup; with no simulator there, the application is left waiting for payment.
 *
 * The applicant rates each intake (好差评; about one in twelve badly, which opens a follow-up) and one
 * in twenty-five complains about the window (投诉).
 *
 * With `--cameras` (`--cameras N`, 4 by default) it also runs synthetic cameras (issue 23): an RTSP
 * server on loopback (scripts/video/synthetic-cameras.ts, a free port) with a test pattern for each of
 * the first N windows of the centres it works with (the region's, or with `--demo-only` the demo
 * centres'), registered through the API as the regional system administrator (450000-admin) with ids
 * `sim-<window>`: created, or changed to this run's URL and enabled when they exist. `npm start`
 * records every registered camera, so those windows' video records while the simulator runs; on exit
 * the cameras stop and are disabled (their recordings stay).
 *
 * It signs in as the officers each step needs, with tokens signed by the same secret as the API
 * (AUTH_JWT_SECRET, or the one `npm start` keeps in the data folder), and submits as an integrator
 * whose key it asks the regional security administrator for (or ONEWINDOW_API_KEY, when set).
 */
import { parseArgs } from 'node:util';
import { issueToken } from '../api/auth.js';
import { residentIdCheck } from '../api/identity.js';
import { type DemoCentre, demoCentres, demoStaffing } from '../db/demo.js';
import { type ItemDefinition, requiredMaterials } from '../db/item-definition.js';
import { loadConfig } from '../server/config.js';
import { authConfig } from '../server/runtime.js';
import { freePort } from '../server/temporal.js';
import { apiBase, unreachableMessage } from './simulate-api.js';
import { type SyntheticCameras, startSyntheticCameras } from './video/synthetic-cameras.js';

/** `--cameras` takes an optional count: alone (last, or before another option) it means 4. */
const DEFAULT_CAMERAS = 4;
const argv = process.argv.slice(2);
const args = argv.map((arg, i) => (arg === '--cameras' && !/^\d+$/.test(argv[i + 1] ?? '') ? `--cameras=${DEFAULT_CAMERAS}` : arg));

const { values } = parseArgs({
  args,
  options: {
    api: { type: 'string' },
    applications: { type: 'string', default: '120' },
    concurrency: { type: 'string', default: '6' },
    'minute-ms': { type: 'string', default: '20' },
    seed: { type: 'string', default: '20261128' },
    demo: { type: 'boolean', default: false },
    'demo-only': { type: 'boolean', default: false },
    'day-minutes': { type: 'string', default: '1' },
    'demo-minutes': { type: 'string', default: '10' },
    payments: { type: 'string' },
    cameras: { type: 'string' },
  },
});
const cameraCount = values.cameras === undefined ? 0 : Number(values.cameras);
if (!Number.isInteger(cameraCount) || cameraCount < 0) {
  console.error(`simulate: --cameras takes a number of cameras, not ${values.cameras}`);
  process.exit(1);
}
const paymentsUrl = values.payments ?? `http://127.0.0.1:${loadConfig().payments.simulatorPort}`;
const api = apiBase(values.api);
const total = Number(values.applications);
const minuteMs = Number(values['minute-ms']);

// A small deterministic generator, so that a run can be repeated.
let state = Number(values.seed) >>> 0;
const random = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
const pause = (minutes: number) => new Promise((r) => setTimeout(r, minutes * minuteMs));

const auth = authConfig(loadConfig(), { localSecret: true });
const tokens = new Map<string, Promise<string>>();
/** Credentials: an officer's token, or the integrator's key. */
type As = { officer: string } | { key: string } | undefined;
async function credentials(as: As): Promise<Record<string, string>> {
  if (!as) return {};
  if ('key' in as) return { 'x-api-key': as.key };
  if (!tokens.has(as.officer)) tokens.set(as.officer, issueToken(auth, as.officer, '12h'));
  return { authorization: `Bearer ${await tokens.get(as.officer)!}` };
}

async function call<T>(method: string, path: string, body?: unknown, as?: As): Promise<T> {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(await credentials(as)) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json()) as T & { error?: { message: string } };
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${json.error?.message ?? ''}`);
  return json;
}

interface Centre {
  code: string;
  level: 'region' | 'city' | 'county';
}
interface Item {
  code: string;
  department: string;
  kind: string;
  levels: string[];
}
interface Clock {
  warnAt: string | null;
  promisedDueAt: string | null;
  statutoryDueAt: string | null;
}
interface Application {
  applicationNo: string;
  stage: string;
  deadlines?: Clock;
  reviews: { department: string; centreCode: string; status: string; step: number; deadlines?: Clock }[];
}

/** A seeded officer at a department's window: officer, chief (representative) or leader. */
const officer = (centre: string, department: string, role: string) => ({ officer: `${centre}-${department}-${role}` });
/** A valid resident ID number: born 1960–1999 in Nanning, with its check character. */
const idNumber = () => {
  const first17 = `450102${1960 + Math.floor(random() * 40)}0${1 + Math.floor(random() * 9)}1${Math.floor(random() * 9)}${String(Math.floor(random() * 1000)).padStart(3, '0')}`;
  return first17 + residentIdCheck(first17);
};

/** The materials each item requires, read once from the catalogue. */
const checklists = new Map<string, Promise<string[]>>();
const checklist = (code: string) => {
  if (!checklists.has(code)) checklists.set(code, call<{ definition: ItemDefinition }>('GET', `/v1/items/${code}`).then(({ definition }) => requiredMaterials(definition)));
  return checklists.get(code)!;
};

async function live(centre: Centre, item: Item, n: number): Promise<string> {
  const required = await checklist(item.code);
  // One applicant in eight forgets a material: the window asks for it (一次性告知) and it comes later.
  const forgotten = required.length > 0 && random() < 0.12 ? required.slice(-1) : [];
  const submitted = await call<Application>('POST', '/v1/applications', {
    itemCode: item.code,
    centreCode: centre.code,
    applicant: { type: 'person', name: `申请人${n}`, idNumber: idNumber() },
    materials: required.filter((m) => !forgotten.includes(m)),
    clientReference: `simulate-${values.seed}-${n}`,
  }, integrator);
  const no = submitted.applicationNo;
  const window = officer(centre.code, item.department, 'officer');
  const intake = (body: object) => call<Application>('POST', `/v1/applications/${no}/intake`, { department: item.department, ...body }, window);
  await pause(5 + random() * 30);
  if (random() < 0.05) {
    await intake({ decision: 'not_accept', reason: '不属于本中心受理范围' });
    return `${no} not_accepted`;
  }
  if (forgotten.length > 0) {
    await intake({ decision: 'request_supplement', missingMaterials: forgotten });
    await pause(20 + random() * 60);
    await call('POST', `/v1/applications/${no}/supplements`, { materials: forgotten }, integrator);
  }
  let application = await intake({ decision: 'accept' });
  await rateAndComplain(no, centre, item, n);
  // Departments decide step by step, each after its own pause; one review in ten stays open.
  for (let round = 0; round < 10 && application.stage === 'in_review'; round++) {
    const open = application.reviews.filter((r) => r.status === 'open');
    if (open.length === 0) {
      await pause(1);
      application = await call<Application>('GET', `/v1/applications/${no}`, undefined, integrator);
      continue;
    }
    for (const review of open) {
      await pause(10 + random() * 120);
      if (random() < 0.1) return `${no} left open at ${review.department}`;
      const reject = random() < 0.04;
      // The leader decides: a chief representative may not decide a major item. A reported item is decided above.
      application = await call<Application>(
        'POST',
        `/v1/applications/${no}/reviews/${review.department}/decision`,
        { decision: reject ? 'reject' : 'approve', reason: reject ? '材料与实际情况不符' : undefined },
        officer(review.centreCode, review.department, 'leader'),
      );
      // A rejection closes the application: the other reviews are withdrawn, nothing more to decide.
      if (application.stage !== 'in_review') break;
    }
  }
  if (application.stage === 'completed') {
    await pause(30 + random() * 120);
    if (!(await feePaid(no, window))) return `${no} completed, waiting for payment`;
    await call('POST', `/v1/applications/${no}/pickup`, {}, window);
  }
  return `${no} ${application.stage}`;
}

const LEVELS: [string, number][] = [['very_satisfied', 0.7], ['satisfied', 0.85], ['basically_satisfied', 0.92], ['dissatisfied', 0.97], ['very_dissatisfied', 1]];

/**
 * The applicant rates the intake through the integrator (好差评): mostly well, one in twelve badly,
 * which opens a follow-up (督办) for the department's leader. One applicant in twenty-five also
 * complains (投诉) about the window, as the 12345 hotline's system would send it.
 */
async function rateAndComplain(no: string, centre: Centre, item: Item, n: number): Promise<void> {
  const roll = random();
  const level = LEVELS.find(([, upTo]) => roll < upTo)![0];
  const bad = level === 'dissatisfied' || level === 'very_dissatisfied';
  await call('POST', `/v1/applications/${no}/ratings`, { event: 'intake', level, tags: bad ? ['slow'] : ['efficient'], comment: bad ? '等候时间过长' : undefined }, integrator);
  if (random() < 0.04) {
    const subject = { kind: 'window', windowCode: `${centre.code}-${item.department}` };
    await call('POST', '/v1/complaints', { subject, content: '窗口工作人员未一次性告知所需材料', complainant: { name: `申请人${n}` }, reference: `simulate-${values.seed}-${n}` }, integrator);
  }
}

/**
 * The fee of an item that charges one, settled before the pickup: the window assesses every line it
 * must charge (and the first optional one), and the applicant pays at the payment platform simulator.
 * True when nothing is owed (no fee, or paid); false when it cannot be paid here.
 */
async function feePaid(no: string, window: As): Promise<boolean> {
  type Fees = { status: string; paymentCode: string | null; schedule: { assessedBy: string; lines: { code: string; optional: boolean }[] } };
  const fees = await call<Fees>('GET', `/v1/applications/${no}/fees`, undefined, window).catch(() => undefined);
  if (!fees) return true; // the item charges nothing (404 no_fees)
  let { status, paymentCode } = fees;
  if (status === 'awaiting_assessment' && fees.schedule.assessedBy === 'window') {
    const lines = fees.schedule.lines.filter((line, i) => !line.optional || i === fees.schedule.lines.findIndex((l) => l.optional));
    ({ status, paymentCode } = await call<Fees>('POST', `/v1/applications/${no}/fees/assessment`, { lines: lines.map(({ code }) => ({ code, quantity: 1 })) }, window));
  }
  if (status === 'paid' || status === 'waived') return true;
  if (!paymentCode) return false;
  const paid = await fetch(`${paymentsUrl}/sim/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ paymentCode }) }).catch(() => undefined);
  if (!paid?.ok) return false;
  for (let tries = 0; tries < 60; tries++) {
    if ((await call<Fees>('GET', `/v1/applications/${no}/fees`, undefined, window)).status === 'paid') return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

const [{ centres }, { items }] = await Promise.all([
  call<{ centres: Centre[] }>('GET', '/v1/centres?flat=1'),
  call<{ items: Item[] }>('GET', '/v1/items'),
]).catch((error: unknown) => {
  const message = unreachableMessage(error, api);
  if (!message) throw error;
  console.error(message);
  process.exit(1);
});
const integrator: As = process.env.ONEWINDOW_API_KEY
  ? { key: process.env.ONEWINDOW_API_KEY }
  : { key: (await call<{ key: string }>('POST', '/v1/integrators', { name: `npm run simulate ${new Date().toISOString()}`, centres: ['450000'] }, { officer: '450000-security' })).key };

// ---- The demo (--demo): centres whose working day lasts minutes --------------------------------------

const admin: As = { officer: '450000-admin' };
/** Officers and keys are the security administrator's (三员); the region's grants the demo centres' administrators. */
const security: As = { officer: '450000-security' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Creates the demo centres with their windows and officers, or sets their day length when they exist. */
async function ensureDemoCentres(list: DemoCentre[]): Promise<void> {
  const { departments } = await call<{ departments: Parameters<typeof demoStaffing>[1] }>('GET', '/v1/departments');
  for (const centre of list) {
    const existing = await fetch(`${api}/v1/centres/${centre.code}`).then((r) => (r.ok ? (r.json() as Promise<{ dayMinutes: number | null }>) : undefined));
    if (existing?.dayMinutes === centre.dayMinutes) continue;
    await call('PUT', `/v1/centres/${centre.code}`, centre, admin);
    if (existing) continue;
    const staff = demoStaffing(centre, departments.map(({ code, name, nameEn, levels }) => ({ code, name, nameEn, levels })));
    for (const w of staff.windows) await call('PUT', `/v1/windows/${w.code}`, w, admin);
    for (const o of staff.officers) await call('PUT', `/v1/officers/${o.id}`, { departmentCode: null, windowCode: null, ...o }, security);
  }
}

/**
 * What happens to a demo application's reviews: decided at once; after yellow, before red; after red
 * (accepted, marked late); never (red, then statutory red).
 */
type Fate = 'prompt' | 'after_yellow' | 'after_red' | 'never';

/** The red demo centre gets every fate in turn, the yellow one only prompt and after-yellow decisions. */
const DEMO_PLAN: { centre: string; items: string[]; fates: Fate[] }[] = [
  { centre: '459900', items: ['construction-permit', 'company-startup', 'food-business-licence'], fates: ['never', 'after_yellow', 'prompt', 'after_red'] },
  { centre: '459800', items: ['construction-permit', 'food-business-licence'], fates: ['after_yellow', 'prompt'] },
];

async function demoApplication(centre: string, itemCode: string, fate: Fate, n: number): Promise<string> {
  const { definition: item } = await call<{ definition: ItemDefinition }>('GET', `/v1/items/${itemCode}`);
  const submitted = await call<Application>('POST', '/v1/applications', {
    itemCode,
    centreCode: centre,
    applicant: { type: 'person', name: `演示申请人${n}`, idNumber: idNumber() },
    materials: await checklist(itemCode),
    clientReference: `demo-${centre}-${Date.now()}-${n}`,
  }, integrator);
  const no = submitted.applicationNo;
  await call('POST', `/v1/applications/${no}/intake`, { decision: 'accept', department: item.department }, officer(centre, item.department, 'officer'));
  // The clocks start with acceptance: wait for the due instants in the read model.
  let application = submitted;
  for (let i = 0; i < 100 && !application.deadlines?.promisedDueAt; i++) {
    await sleep(200);
    application = await call<Application>('GET', `/v1/applications/${no}`, undefined, integrator);
  }
  if (fate === 'never') return `${no} ${itemCode} left open`;
  const d = application.deadlines!;
  const promised = Date.parse(d.promisedDueAt!);
  // After yellow (or, without a yellow instant, halfway to the limit) and before red; or after red.
  const yellow = d.warnAt ? Date.parse(d.warnAt) : Date.now() + (promised - Date.now()) / 2;
  const at = fate === 'prompt' ? Date.now() + 3000 : fate === 'after_yellow' ? yellow + (promised - yellow) / 2 : promised + 5000;
  await sleep(at - Date.now());
  for (let round = 0; round < 10 && application.stage === 'in_review'; round++) {
    for (const review of application.reviews.filter((r) => r.status === 'open')) {
      application = await call<Application>('POST', `/v1/applications/${no}/reviews/${review.department}/decision`, { decision: 'approve' }, officer(review.centreCode, review.department, 'leader'));
    }
    if (application.stage === 'in_review') await sleep(1000);
  }
  return `${no} ${itemCode} decided ${fate.replace('_', ' ')}`;
}

/** Submits at the demo centres every half compressed day for `--demo-minutes`, then waits for the decisions due. */
async function runDemo(): Promise<void> {
  const dayMinutes = Number(values['day-minutes']);
  const minutes = Number(values['demo-minutes']);
  await ensureDemoCentres(demoCentres(dayMinutes));
  console.log(`demo: centres ${DEMO_PLAN.map((p) => p.centre).join(', ')} with ${dayMinutes}-minute working days; submitting for ${minutes} minutes`);
  const until = Date.now() + minutes * 60_000;
  const running: Promise<void>[] = [];
  for (let n = 0; Date.now() < until; n++) {
    for (const plan of DEMO_PLAN) {
      const item = plan.items[n % plan.items.length];
      const fate = plan.fates[n % plan.fates.length];
      running.push(
        demoApplication(plan.centre, item, fate, n)
          .then((outcome) => console.log(`demo: ${outcome}`))
          .catch((err: unknown) => console.error(`demo: ${String(err)}`)),
      );
    }
    await sleep((dayMinutes * 60_000) / 2);
  }
  await Promise.all(running);
  console.log('demo: done (the applications left open keep turning red at their limits)');
}

// ---- Synthetic cameras (--cameras): the windows' video, recorded by `npm start` ------------------------

let cameraServer: SyntheticCameras | undefined;
const registeredCameras: { id: string; body: Record<string, unknown> }[] = [];

/** Creates the camera, or points it at this run's URL (the port changes each run) and enables it. */
async function registerCamera(id: string, body: Record<string, unknown>): Promise<void> {
  try {
    await call('PUT', `/v1/cameras/${id}`, body, admin);
  } catch (err) {
    if (!String(err).includes(': 404 ')) throw err;
    await call('POST', '/v1/cameras', { id, ...body }, admin);
  }
}

/** Serves a test pattern for each of the first `count` windows of these centres and registers a camera for each. */
async function startCameras(count: number, centreCodes: string[]): Promise<void> {
  const { windows } = await call<{ windows: { code: string; centreCode: string; name: string }[] }>('GET', '/v1/windows');
  const chosen = windows.filter((w) => centreCodes.includes(w.centreCode)).slice(0, count);
  if (chosen.length === 0) throw new Error(`no windows at centres ${centreCodes.join(', ')} for the cameras`);
  const port = await freePort();
  cameraServer = await startSyntheticCameras({ port, mounts: chosen.map((w) => `/${w.code}`) });
  for (const w of chosen) {
    const id = `sim-${w.code}`;
    const body = { windowCode: w.code, name: `${w.name}模拟摄像机`, rtspUrl: cameraServer.url(`/${w.code}`), enabled: true };
    await registerCamera(id, body);
    registeredCameras.push({ id, body });
  }
  console.log(`cameras: ${chosen.length} synthetic cameras on rtsp://127.0.0.1:${port}, registered as ${registeredCameras.map((c) => c.id).join(', ')}`);
}

/** Disables the cameras (the recorder stops asking for them; what it recorded stays) and stops their server. */
async function stopCameras(): Promise<void> {
  const server = cameraServer;
  cameraServer = undefined;
  if (!server) return;
  const disabled = Promise.all(registeredCameras.map(({ id, body }) => call('PUT', `/v1/cameras/${id}`, { ...body, enabled: false }, admin))).then(
    () => 'and disabled them',
    (err: unknown) => `but could not disable them (${String(err)})`,
  );
  const outcome = await Promise.race([disabled, sleep(5_000).then(() => 'but could not disable them (the API did not answer within 5 s)')]);
  await server.stop();
  console.log(`cameras: stopped ${registeredCameras.map((c) => c.id).join(', ')} ${outcome}`);
}

if (cameraCount > 0) {
  // Whatever ends the simulator, the camera server does not outlive it.
  process.once('exit', () => {
    const pid = cameraServer?.pid();
    try {
      if (pid) process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => void stopCameras().finally(() => process.exit(code)));
  }
  // With --demo-only, the demo centres' windows (created first); else the region's.
  if (values['demo-only']) await ensureDemoCentres(demoCentres(Number(values['day-minutes'])));
  await startCameras(cameraCount, values['demo-only'] ? DEMO_PLAN.map((p) => p.centre) : centres.map((c) => c.code));
}

let next = 0;
let done = 0;
const outcomes: Record<string, number> = {};
async function worker() {
  while (next < total) {
    const n = ++next;
    const item = pick(items);
    const centre = pick(centres.filter((c) => item.levels.includes(c.level)));
    try {
      const outcome = await live(centre, item, n);
      const key = outcome.split(' ').slice(1).join(' ').replace(/ at .*/, '');
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    } catch (err) {
      outcomes.failed = (outcomes.failed ?? 0) + 1;
      console.error(String(err));
    }
    done += 1;
    if (done % 10 === 0) console.log(`${done}/${total} applications`, JSON.stringify(outcomes));
  }
}
const demo = values.demo || values['demo-only'] ? runDemo() : Promise.resolve();
if (!values['demo-only']) {
  await Promise.all(Array.from({ length: Number(values.concurrency) }, worker));
  console.log(`simulated ${done} applications:`, JSON.stringify(outcomes));
}
await demo;
await stopCameras();

/**
 * `npm run simulate`: a working day across the seeded region, driven through the public REST API of a
 * running OneWindow (`--api`, else ONEWINDOW_API, else http://localhost:$PORT, port 3000 by default): submissions at the centres, intake decisions,
 * some supplements (补正), departments deciding after realistic pauses, a few rejections, pickups,
 * and about one review in ten left open so that, as working days pass, it turns yellow and then red
 * on the supervision map. Time is compressed: a pause of `--minute-ms` milliseconds stands for a
 * minute. It stops by itself after `--applications` applications.
 *
 * It signs in as the officers each step needs, with tokens signed by the same secret as the API
 * (AUTH_JWT_SECRET, or the one `npm start` keeps in the data folder), and submits as an integrator
 * whose key it asks the regional administrator for (or ONEWINDOW_API_KEY, when set).
 */
import { parseArgs } from 'node:util';
import { issueToken } from '../api/auth.js';
import { residentIdCheck } from '../api/identity.js';
import { type ItemDefinition, requiredMaterials } from '../db/item-definition.js';
import { loadConfig } from '../server/config.js';
import { authConfig } from '../server/runtime.js';
import { apiBase, unreachableMessage } from './simulate-api.js';

const { values } = parseArgs({
  options: {
    api: { type: 'string' },
    applications: { type: 'string', default: '120' },
    concurrency: { type: 'string', default: '6' },
    'minute-ms': { type: 'string', default: '20' },
    seed: { type: 'string', default: '20261128' },
  },
});
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
interface Application {
  applicationNo: string;
  stage: string;
  reviews: { department: string; centreCode: string; status: string; step: number }[];
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
    }
  }
  if (application.stage === 'completed') {
    await pause(30 + random() * 120);
    await call('POST', `/v1/applications/${no}/pickup`, {}, window);
  }
  return `${no} ${application.stage}`;
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
  : { key: (await call<{ key: string }>('POST', '/v1/integrators', { name: `npm run simulate ${new Date().toISOString()}`, centres: ['450000'] }, { officer: '450000-admin' })).key };
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
await Promise.all(Array.from({ length: Number(values.concurrency) }, worker));
console.log(`simulated ${done} applications:`, JSON.stringify(outcomes));

/**
 * The windows of the fault run and the restore drill: REST callers that put company start-ups (five
 * departments in parallel) through submission, intake, decisions and pickup, retry what was not
 * answered (a process restarting, a dependency down), and keep every answer. What each answered 200
 * is an expectation the checks (./checks.ts) hold the workflow to afterwards.
 */
import { issueToken } from '../../api/auth.js';
import { residentIdCheck } from '../../api/identity.js';
import { type ItemDefinition, requiredMaterials } from '../../db/item-definition.js';

export const DEPARTMENTS = ['housing_fund', 'human_resources', 'market_regulation', 'public_security', 'taxation'];
export const CENTRE = '450100';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Expectation {
  no: string;
  /** Departments whose decision was answered 200, with the decision. */
  decided: Map<string, string>;
  conflict?: boolean;
}

export interface WindowsOptions {
  /** The API processes' base URLs: calls are spread over them, as a load balancer would. */
  bases: string[];
  /** The token secret the APIs verify staff tokens with. */
  secret: string;
  /** Every submission's clientReference is `${prefix}-${n}`. */
  prefix: string;
  /** Where every wrong answer is named. */
  mismatches: string[];
  /** Called with every answer's status (0: none). */
  onAnswer?: (status: number) => void;
  /** Called when a submission is answered 201, with its number. */
  onSubmitted?: (n: number, applicationNo: string) => void;
}

export type Windows = Awaited<ReturnType<typeof openWindows>>;

/** Waits for every API to be ready, registers an integrator and reads the item's checklist. */
export async function openWindows(options: WindowsOptions) {
  const { bases, secret, mismatches } = options;
  let calls = 0;
  const statuses: Record<string, number> = {};
  const expectations: Expectation[] = [];

  async function call(method: string, url: string, credentials: Record<string, string>, body?: unknown) {
    for (let attempt = 0; ; attempt++) {
      let status = 0;
      let json: { error?: { code: string; message: string } } & Record<string, unknown> = {};
      try {
        const res = await fetch(`${bases[calls++ % bases.length]}${url}`, {
          method,
          headers: { ...credentials, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
          // Generous: an answer given up on is retried, and its outcome is then unknown to this window.
          signal: AbortSignal.timeout(60_000),
        });
        status = res.status;
        json = (await res.json()) as typeof json;
      } catch {
        status = 0; // not answered: the process is restarting, or the answer was lost
      }
      statuses[status] = (statuses[status] ?? 0) + 1;
      options.onAnswer?.(status);
      if (status >= 500 && status !== 503) mismatches.push(`${method} ${url}: ${status} ${json.error?.message ?? ''}`);
      // As a window would: a review task still being opened is decided once it appears.
      const notYet = status === 409 && json.error?.code === 'review_not_open';
      if (status !== 0 && status !== 503 && status !== 429 && !notYet) return { status, json };
      if (attempt > 400) throw new Error(`${method} ${url}: no answer after ${attempt} tries`);
      await sleep(Math.min(2000, 250 * (attempt + 1)));
    }
  }

  async function waitForApi(timeoutMs = 120_000) {
    for (const base of bases) {
      for (const deadline = Date.now() + timeoutMs; ; ) {
        const ok = await fetch(`${base}/readyz`).then((r) => r.ok).catch(() => false);
        if (ok) break;
        if (Date.now() > deadline) throw new Error(`the API at ${base} did not become ready`);
        await sleep(500);
      }
    }
  }

  const bearer = async (officer: string) => ({ authorization: `Bearer ${await issueToken({ secret, issuer: 'onewindow', audience: 'onewindow' }, officer, '2h')}` });
  const window = await bearer(`${CENTRE}-market_regulation-officer`);
  const chiefs = Object.fromEntries(await Promise.all(DEPARTMENTS.map(async (d) => [d, await bearer(`${CENTRE}-${d}-chief`)] as const)));
  const leaders = Object.fromEntries(await Promise.all(DEPARTMENTS.map(async (d) => [d, await bearer(`${CENTRE}-${d}-leader`)] as const)));
  await waitForApi();
  const created = await call('POST', '/v1/integrators', await bearer('450000-security'), { name: options.prefix, centres: [CENTRE] });
  const integrator = { 'x-api-key': created.json.key as string };
  /** Every application hands in what a company start-up requires, read from the catalogue once. */
  const checklist = requiredMaterials((await call('GET', '/v1/items/company-startup', {})).json.definition as ItemDefinition);

  /** One application's life at the windows. Every 5th sends a decision twice at once; every 7th, two windows conflict. */
  async function application(n: number): Promise<void> {
    const first17 = `450102199${n % 10}0${1 + (n % 9)}1${n % 9}${String(n % 1000).padStart(3, '0')}`;
    const submitted = await call('POST', '/v1/applications', integrator, {
      itemCode: 'company-startup',
      centreCode: CENTRE,
      applicant: { type: 'person', name: `申请人${n}`, idNumber: first17 + residentIdCheck(first17) },
      materials: checklist,
      clientReference: `${options.prefix}-${n}`,
    });
    if (submitted.status !== 201) return void mismatches.push(`submission ${n}: ${submitted.status}`);
    const no = submitted.json.applicationNo as string;
    options.onSubmitted?.(n, no);
    const expectation: Expectation = { no, decided: new Map(), conflict: n % 7 === 3 };
    expectations.push(expectation);
    const intake = await call('POST', `/v1/applications/${no}/intake`, window, { decision: 'accept', department: 'market_regulation' });
    // A retried intake whose first try landed hears wrong_stage: the application is in review all the same.
    if (intake.status !== 200 && intake.json.error?.code !== 'wrong_stage') mismatches.push(`${no} intake: ${intake.status}`);

    await Promise.all(
      DEPARTMENTS.map(async (department) => {
        const url = `/v1/applications/${no}/reviews/${department}/decision`;
        if (expectation.conflict && department === 'taxation') {
          // Two windows at once: the chief approves, the leader rejects. Exactly one may succeed.
          const [a, b] = await Promise.all([
            call('POST', url, chiefs[department], { decision: 'approve' }),
            call('POST', url, leaders[department], { decision: 'reject', reason: '材料不符' }),
          ]);
          const won = [a.status === 200 && 'approved', b.status === 200 && 'rejected'].filter(Boolean) as string[];
          if (won.length > 1) mismatches.push(`${no}: both conflicting decisions were answered 200`);
          if (won.length === 1) expectation.decided.set(department, won[0]);
          return;
        }
        const twice = n % 5 === 0 && department === 'housing_fund' ? 2 : 1;
        const answers = await Promise.all(Array.from({ length: twice }, () => call('POST', url, chiefs[department], { decision: 'approve' })));
        for (const answer of answers) {
          if (answer.status === 200) expectation.decided.set(department, 'approved');
          // A repeat (or a retry of a try that landed) hears already_decided; once rejected elsewhere, the review is withdrawn.
          else if (!['already_decided', 'application_closed', 'wrong_stage'].includes(answer.json.error?.code ?? '')) {
            mismatches.push(`${no} ${department}: ${answer.status} ${answer.json.error?.code}`);
          }
        }
      }),
    );
    // The read model may lag behind the workflow while the database is down: wait for the outcome.
    let after = await call('GET', `/v1/applications/${no}`, integrator);
    for (let i = 0; i < 300 && !['completed', 'rejected'].includes(after.json.stage as string); i++) {
      if (after.status === 404) return void mismatches.push(`${no}: answered 404, the application is gone`);
      await sleep(1000);
      after = await call('GET', `/v1/applications/${no}`, integrator);
    }
    if (after.json.stage === 'completed') {
      const picked = await call('POST', `/v1/applications/${no}/pickup`, window, {});
      // A retry of a pickup that landed hears wrong_stage or application_closed; the final check reads the stage.
      if (picked.status !== 200 && !['application_closed', 'wrong_stage'].includes(picked.json.error?.code ?? '')) {
        mismatches.push(`${no} pickup: ${picked.status} ${picked.json.error?.code}`);
      }
    }
  }

  /** `total` applications started evenly over `loadMs`, each then living its life; resolves when all have. */
  async function load(total: number, loadMs: number, from = 1): Promise<void> {
    const running: Promise<void>[] = [];
    for (let n = from; n < from + total; n++) {
      running.push(application(n).catch((err: unknown) => void mismatches.push(`application ${n}: ${String(err)}`)));
      await sleep(loadMs / total);
    }
    await Promise.all(running);
  }

  return { call, waitForApi, application, load, expectations, statuses };
}

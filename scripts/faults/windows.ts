/**
 * The windows of the fault run and the restore drill: REST callers that put company start-ups (five
 * departments in parallel) through submission, intake, decisions and pickup, retry what was not
 * answered (a process restarting, a dependency down), and keep every answer. What each answered 200
 * is an expectation the checks (./checks.ts) hold the workflow to afterwards. With `fees`, a share of
 * the applications are of a copy of the item that charges a fee: the applicant pays its notice once
 * it is issued, and the window hands the result over once it is paid (./payments.ts checks the rest).
 */
import { issueToken } from '../../api/auth.js';
import { residentIdCheck } from '../../api/identity.js';
import { type ItemDefinition, requiredMaterials } from '../../db/item-definition.js';
import type { FeeSchedule } from '../../workflows/rules/fees.js';

export const DEPARTMENTS = ['housing_fund', 'human_resources', 'market_regulation', 'public_security', 'taxation'];
export const CENTRE = '450100';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Expectation {
  no: string;
  /** Departments whose decision was answered 200, with the decision. */
  decided: Map<string, string>;
  conflict?: boolean;
  /** Of the item that charges a fee. */
  charged?: boolean;
}

/** A payment notice as the applicant reads it (GET /v1/applications/:no/fees). */
export interface NoticeToPay {
  applicationNo: string;
  noticeNo: string;
  paymentCode: string;
  amountFen: number;
}

export interface FeeOptions {
  /** The copy of company-startup that charges `schedule`: created at opening by the region's system administrator. */
  itemCode: string;
  schedule: FeeSchedule;
  /** Every `every`-th application is of it, the first one included. */
  every: number;
  /** The applicant pays the notice, when it likes; true once paid, false when the platform refused (the notice withdrawn). */
  pay(notice: NoticeToPay): Promise<boolean>;
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
  /** Called with every answer's status (0: none), and the call's method and URL. */
  onAnswer?: (status: number, method: string, url: string) => void;
  /** Called when a submission is answered 201, with its number. */
  onSubmitted?: (n: number, applicationNo: string) => void;
  /**
   * Called once the intake is answered (accepted), with the windows' calls, the integrator and the lead
   * department's leader; the application's life ends once what it returns has (the fault run's follow-ups).
   */
  onAccepted?: (n: number, applicationNo: string, callers: { call: Call; integrator: Record<string, string>; leader: Record<string, string> }) => Promise<void> | undefined;
  /** A share of the load pays a fee. */
  fees?: FeeOptions;
}

export type Windows = Awaited<ReturnType<typeof openWindows>>;

/** A call of the windows: retried until answered (not 503, 429 or nothing), then the status and the JSON body. */
export type Call = (
  method: string,
  url: string,
  credentials: Record<string, string>,
  body?: unknown,
) => Promise<{ status: number; json: { error?: { code: string; message: string } } & Record<string, unknown> }>;

/** Waits for every API to be ready, registers an integrator and reads the item's checklist. */
export async function openWindows(options: WindowsOptions) {
  const { bases, secret, mismatches } = options;
  let calls = 0;
  const statuses: Record<string, number> = {};
  /** Pickups refused `fee_unpaid` (expected: the window tries again once the fee is paid). */
  let unpaidPickups = 0;
  const expectations: Expectation[] = [];

  const call: Call = async (method, url, credentials, body) => {
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
      options.onAnswer?.(status, method, url);
      if (status >= 500 && status !== 503) mismatches.push(`${method} ${url}: ${status} ${json.error?.message ?? ''}`);
      // As a window would: a review task still being opened is decided once it appears.
      const notYet = status === 409 && json.error?.code === 'review_not_open';
      if (status !== 0 && status !== 503 && status !== 429 && !notYet) return { status, json };
      if (attempt > 400) throw new Error(`${method} ${url}: no answer after ${attempt} tries`);
      await sleep(Math.min(2000, 250 * (attempt + 1)));
    }
  };

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
  const startup = (await call('GET', '/v1/items/company-startup', {})).json.definition as ItemDefinition;
  const checklist = requiredMaterials(startup);
  const { fees } = options;
  if (fees) {
    // The same item with a fee schedule, as an administrator makes one; a retried creation that landed hears item_exists.
    const item = { ...startup, code: fees.itemCode, name: `${startup.name}（收费）`, nameEn: `${startup.nameEn} (charged)`, feeSchedule: fees.schedule };
    const created = await call('POST', '/v1/items', await bearer('450000-admin'), item);
    if (created.status !== 201 && created.json.error?.code !== 'item_exists') throw new Error(`creating item ${fees.itemCode}: ${created.status} ${created.json.error?.message}`);
  }

  /** The applicant reads the notice once the rule has assessed the fee and pays it; false when nothing was paid (refused first). */
  async function payFee(no: string): Promise<boolean> {
    for (let i = 0; i < 600; i++) {
      const read = await call('GET', `/v1/applications/${no}/fees`, integrator);
      if (read.status !== 200) {
        mismatches.push(`${no} fees: ${read.status} ${read.json.error?.code}`);
        return false;
      }
      const { status, paymentCode, amountFen, notices } = read.json as { status: string; paymentCode: string | null; amountFen: number | null; notices: { noticeNo: string; status: string }[] };
      if (status === 'awaiting_payment' && paymentCode && amountFen) {
        const noticeNo = notices.find((n) => n.status === 'issued')!.noticeNo;
        return fees!.pay({ applicationNo: no, noticeNo, paymentCode, amountFen });
      }
      // Cancelled: rejected before it was paid, the notice withdrawn.
      if (status !== 'awaiting_assessment') return false;
      await sleep(500);
    }
    mismatches.push(`${no}: its fee was not assessed within 5 minutes`);
    return false;
  }

  /**
   * Refused after its fee was paid: the workflow puts the payment up for refund, a leader of the lead
   * department approves it, and the platform pays it back and reports it (./payments.ts checks it is recorded once).
   */
  async function approveRefund(no: string): Promise<void> {
    const leader = leaders.market_regulation;
    for (let i = 0; i < 300; i++) {
      const read = await call('GET', `/v1/applications/${no}/fees`, integrator);
      const refunds = (read.json.refunds ?? []) as { refundNo: string; status: string }[];
      const requested = refunds.find((r) => r.status === 'requested');
      if (requested) {
        const url = `/v1/applications/${no}/fees/refunds/${requested.refundNo}/decision`;
        const decided = await call('POST', url, leader, { approve: true, note: '故障演练：申请未获准予，退还已缴费用' });
        // A retried approval that landed hears fee_not_assessable (the refund is no longer waiting for a decision).
        if (decided.status !== 200 && decided.json.error?.code !== 'fee_not_assessable') mismatches.push(`${no} refund ${requested.refundNo}: ${decided.status} ${decided.json.error?.code}`);
        return;
      }
      if (refunds.length > 0) return; // decided already (a retry that landed)
      await sleep(1000);
    }
    mismatches.push(`${no}: refused after its fee was paid, yet no refund was put up within 5 minutes`);
  }

  /** One application's life at the windows. Every 5th sends a decision twice at once; every 7th, two windows conflict. */
  async function application(n: number): Promise<void> {
    const first17 = `450102199${n % 10}0${1 + (n % 9)}1${n % 9}${String(n % 1000).padStart(3, '0')}`;
    // The first application is charged, so that a notice is known before the first fault; then every `every`-th.
    const charged = fees !== undefined && n % fees.every === 1 % fees.every;
    const submitted = await call('POST', '/v1/applications', integrator, {
      itemCode: charged ? fees.itemCode : 'company-startup',
      centreCode: CENTRE,
      applicant: { type: 'person', name: `申请人${n}`, idNumber: first17 + residentIdCheck(first17) },
      materials: checklist,
      clientReference: `${options.prefix}-${n}`,
    });
    if (submitted.status !== 201) return void mismatches.push(`submission ${n}: ${submitted.status}`);
    const no = submitted.json.applicationNo as string;
    options.onSubmitted?.(n, no);
    const expectation: Expectation = { no, decided: new Map(), conflict: n % 7 === 3, charged };
    expectations.push(expectation);
    const intake = await call('POST', `/v1/applications/${no}/intake`, window, { decision: 'accept', department: 'market_regulation' });
    // A retried intake whose first try landed hears wrong_stage: the application is in review all the same.
    const accepted = intake.status === 200 || intake.json.error?.code === 'wrong_stage';
    if (!accepted) mismatches.push(`${no} intake: ${intake.status}`);
    // Accepted: what the run does alongside the reviews (a bad rating of the intake and its follow-up).
    const alongside = accepted ? options.onAccepted?.(n, no, { call, integrator, leader: leaders.market_regulation }) : undefined;
    // The fee is assessed by the rule at intake: the applicant pays while the departments review.
    const paying = charged
      ? payFee(no).catch((err: unknown) => {
          mismatches.push(`${no} payment: ${String(err)}`);
          return false;
        })
      : undefined;

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
      let picked = await call('POST', `/v1/applications/${no}/pickup`, window, {});
      // A charged result is handed over once its fee is paid: until then the window hears fee_unpaid, and tries again.
      for (let i = 0; charged && i < 300 && picked.status === 409 && picked.json.error?.code === 'fee_unpaid'; i++) {
        unpaidPickups += 1;
        await sleep(1000);
        picked = await call('POST', `/v1/applications/${no}/pickup`, window, {});
      }
      // A retry of a pickup that landed hears wrong_stage or application_closed; the final check reads the stage.
      if (picked.status !== 200 && !['application_closed', 'wrong_stage'].includes(picked.json.error?.code ?? '')) {
        mismatches.push(`${no} pickup: ${picked.status} ${picked.json.error?.code}`);
      }
    }
    // Refused after its fee was paid (the payment raced the refusal): the payment is refunded.
    if ((await paying) && after.json.stage === 'rejected') await approveRefund(no);
    await alongside;
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

  return { call, integrator, waitForApi, application, load, expectations, statuses, unpaidPickups: () => unpaidPickups };
}

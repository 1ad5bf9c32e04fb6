/**
 * The fault run's follow-ups (督办, issue 22): every `every`-th application's applicant rates its intake
 * very dissatisfied (差评) through the windows' integrator once the intake is accepted, while the faults
 * happen; the bad rating opens a follow-up (workflows/follow-up.ts) for the lead department's leader, who
 * contacts the applicant back and concludes it rectified. Each call is retried as the windows retry
 * theirs (503, no answer); a retry of a rating that landed is answered 200 (changed), and a retry of an
 * action that landed 409 (wrong_stage, follow_up_closed), which counts as done once the follow-up shows
 * it moved on. Afterwards every follow-up must be closed rectified in the read model and in its
 * workflow's result, with one step of each kind (nothing doubled) and no accountability case (its limits
 * are working days away), its history must replay, and `npm run read-model:reconcile` must have
 * compared it (scripts/faults/checks.ts runs it).
 */
import { eq, or } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import type { Db } from '../../db/client.js';
import { accountabilityCases, followUpSteps, followUps } from '../../db/schema/index.js';
import { followUpWorkflowId } from '../../workflows/follow-up.js';
import type { FollowUpState } from '../../workflows/rules/follow-ups.js';
import { replayFailures } from '../replay.js';
import type { Call } from './windows.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** What a leader does, in order; nothing else may be in the follow-up's steps. */
const EXPECTED_STEPS = ['opened', 'contacted', 'rectified'];

/** One bad rating and how its follow-up went at the windows. */
interface Followed {
  n: number;
  no: string;
  /** R-<no>-intake; its workflow is follow-up-R-<no>-intake. */
  id: string;
  /** 201, or 200 when a retry found the rating that its lost try had stored (changed, still bad). */
  rated?: number;
  /** The leader's actions done: answered 200, or a retry heard 409 and the follow-up showed it had moved on. */
  contacted?: 'answered' | 'retried';
  concluded?: 'answered' | 'retried';
}

/** What the windows lend the follow-ups: their calls (retrying what was not answered), the integrator and the lead department's leader. */
export interface FollowUpCallers {
  call: Call;
  integrator: Record<string, string>;
  leader: Record<string, string>;
}

export function openFollowUps(options: { every: number; mismatches: string[]; log: (message: string) => void }) {
  const { every, mismatches } = options;
  const followed: Followed[] = [];
  /** Every answer to the ratings' and the follow-ups' calls, tries included (0: none), as the windows' onAnswer hears them. */
  const answers: Record<string, number> = {};
  /** Ratings refused event_not_happened: the intake not in the read model yet (it lags while PostgreSQL is down), tried again. */
  let notYetServed = 0;
  const code = (answer: Awaited<ReturnType<Call>>) => answer.json.error?.code ?? '';
  if (every > 0) options.log(`applications ${every}, ${2 * every}, ${3 * every} … rate their intake very dissatisfied once accepted; the leader contacts back and rectifies`);

  /** The applicant rates the intake very dissatisfied; once the read model shows the intake served (it may lag while PostgreSQL is down). */
  async function rate(callers: FollowUpCallers, item: Followed): Promise<boolean> {
    const body = { event: 'intake', level: 'very_dissatisfied', tags: ['slow'], comment: `故障演练：受理时等候过久（第${item.n}件）` };
    for (let i = 0; i < 300; i++) {
      const rated = await callers.call('POST', `/v1/applications/${item.no}/ratings`, callers.integrator, body);
      if ((rated.status === 201 || rated.status === 200) && rated.json.bad === true) {
        item.rated = rated.status;
        return true;
      }
      if (rated.status !== 409 || code(rated) !== 'event_not_happened') {
        mismatches.push(`${item.no} bad rating: ${rated.status} ${code(rated) || JSON.stringify(rated.json).slice(0, 200)}`);
        return false;
      }
      notYetServed += 1;
      await sleep(1000);
    }
    mismatches.push(`${item.no} bad rating: its intake was not shown served within 5 minutes (event_not_happened)`);
    return false;
  }

  /** The leader's action, until done: 200, or a 409 of a retry whose first try landed once the follow-up shows it moved on. */
  async function act(callers: FollowUpCallers, item: Followed, action: 'contact' | 'conclusion', body: object, done: (stage: string) => boolean) {
    const url = `/v1/follow-ups/${item.id}/${action}`;
    const answer = await callers.call('POST', url, callers.leader, body);
    if (answer.status === 200) return 'answered' as const;
    if (answer.status !== 409 || !['wrong_stage', 'follow_up_closed'].includes(code(answer))) {
      mismatches.push(`${item.id} ${action}: ${answer.status} ${code(answer)} ${answer.json.error?.message ?? ''}`.trim());
      return undefined;
    }
    // The workflow has it already; its write to the read model may still be retrying (PostgreSQL down).
    let stage = '';
    for (let i = 0; i < 180; i++) {
      const read = await callers.call('GET', `/v1/follow-ups/${item.id}`, callers.leader);
      stage = String(read.json.stage ?? `${read.status} ${code(read)}`);
      if (read.status === 200 && done(stage)) return 'retried' as const;
      await sleep(1000);
    }
    mismatches.push(`${item.id} ${action}: answered 409 ${code(answer)}, yet the follow-up stayed ${stage} for 3 minutes`);
    return undefined;
  }

  /** For the windows' onAnswer: counts the answers of the bad ratings' and the follow-ups' calls. */
  function answered(status: number, method: string, url: string) {
    if (url.startsWith('/v1/follow-ups/') || (method === 'POST' && url.endsWith('/ratings'))) answers[status] = (answers[status] ?? 0) + 1;
  }

  /**
   * For the windows' onAccepted: every `every`-th application's bad rating and its follow-up, while the
   * departments review. Undefined for the others.
   */
  function follow(n: number, no: string, callers: FollowUpCallers): Promise<void> | undefined {
    if (every <= 0 || n % every !== 0) return undefined;
    const item: Followed = { n, no, id: `R-${no}-intake` };
    followed.push(item);
    return (async () => {
      if (!(await rate(callers, item))) return;
      // The leader calls the applicant back a moment later, and rectifies a moment after that.
      await sleep(Math.random() * 3000);
      item.contacted = await act(callers, item, 'contact', { note: `故障演练：已电话联系申请人（第${n}件），致歉并说明原因` }, (s) => s === 'rectifying' || s === 'closed');
      if (!item.contacted) return;
      await sleep(Math.random() * 3000);
      item.concluded = await act(callers, item, 'conclusion', { outcome: 'rectified', note: `故障演练：高峰期加开受理窗口（第${n}件）` }, (s) => s === 'closed');
    })().catch((err: unknown) => void mismatches.push(`${no} follow-up: ${String(err)}`));
  }

  /**
   * After the load: each follow-up of a bad rating answered 201 or 200 is closed rectified in the read
   * model and in its workflow's result, its steps once each, no case opened; every history replays; the
   * reconcile command's last line (`reconciled`) compared them all and found no difference.
   */
  async function check(args: { client: Client; db: Db; reconciled: string; workflowBundle: WorkflowBundle; settleMs?: number }) {
    const { client, db } = args;
    const found: string[] = [];
    const rated = followed.filter((f) => f.rated);
    let closed = 0;
    let lost = 0;
    let doubled = 0;
    const deadline = Date.now() + (args.settleMs ?? 120_000);
    for (const item of rated) {
      const { id } = item;
      const before = found.length;
      // The row: closed rectified once its last write is in (the actions' answers come after it; a retried one's may lag).
      let [row] = await db.select().from(followUps).where(eq(followUps.id, id));
      while (row && row.stage !== 'closed' && Date.now() < deadline) {
        await sleep(1000);
        [row] = await db.select().from(followUps).where(eq(followUps.id, id));
      }
      // The workflow's result: the follow-up as it closed.
      const handle = client.workflow.getHandle(followUpWorkflowId(id));
      let state: FollowUpState | undefined;
      let noWorkflow = false;
      try {
        const left = Math.max(1000, deadline - Date.now());
        state = await Promise.race([handle.result() as Promise<FollowUpState>, sleep(left).then(() => Promise.reject(new Error('not finished')))]);
      } catch (err) {
        const { status } = await handle.describe().catch(() => ({ status: { name: 'not found' } }));
        noWorkflow = status.name === 'not found';
        found.push(`${id}: workflow ${followUpWorkflowId(id)} ${status.name}: ${String(err)}`);
      }
      // Lost: a bad rating answered 201 or 200 that nothing follows up (no row, or no workflow).
      if (!row || noWorkflow) lost += 1;
      if (!row) {
        found.push(`${id}: the bad rating was answered ${item.rated}, but the read model holds no follow-up of it`);
      } else {
        if (row.stage !== 'closed' || row.outcome !== 'rectified') found.push(`${id}: read model stage ${row.stage}, outcome ${row.outcome}; expected closed, rectified`);
        if (row.caseId) found.push(`${id}: the read model names accountability case ${row.caseId}; none was due (its limits are days away)`);
      }
      if (state && (state.stage !== 'closed' || state.outcome !== 'rectified')) found.push(`${id}: workflow ended ${state.stage}, outcome ${state.outcome}; expected closed, rectified`);
      if (state && state.cases.length > 0) found.push(`${id}: its workflow opened case(s) ${state.cases.join(', ')}; none was due`);
      // The steps: opened, contacted, rectified, each once.
      const steps = (await db.select({ seq: followUpSteps.seq, step: followUpSteps.step }).from(followUpSteps).where(eq(followUpSteps.followUpId, id))).sort((a, b) => a.seq - b.seq).map((s) => s.step);
      const times = new Map<string, number>();
      for (const step of steps) times.set(step, (times.get(step) ?? 0) + 1);
      const extra = [...times.values()].reduce((sum, k) => sum + Math.max(0, k - 1), 0);
      doubled += extra;
      if (row && steps.join(',') !== EXPECTED_STEPS.join(',')) {
        const twice = [...times].filter(([, k]) => k > 1).map(([s, k]) => `${s} ×${k}`);
        found.push(`${id}: steps ${steps.join(', ') || 'none'}; expected ${EXPECTED_STEPS.join(', ')}${twice.length ? ` (doubled: ${twice.join(', ')})` : ''}`);
      }
      const cases = await db
        .select({ id: accountabilityCases.id })
        .from(accountabilityCases)
        .where(or(eq(accountabilityCases.followUpId, id), eq(accountabilityCases.id, id)));
      if (cases.length > 0) found.push(`${id}: accountability case(s) ${cases.map((c) => c.id).join(', ')} opened; none was due`);
      if (found.length === before) closed += 1;
    }
    // A bad rating whose follow-up the leader never finished (the load's mismatches say why).
    for (const item of followed.filter((f) => f.rated && !f.concluded)) found.push(`${item.id}: the leader's ${item.contacted ? 'conclusion' : 'contact back'} was never done`);

    // Each follow-up's history, crashes and restarts included, must replay against today's code.
    const present: string[] = [];
    for (const item of rated) {
      const exists = await client.workflow
        .getHandle(followUpWorkflowId(item.id))
        .describe()
        .then(() => true, () => false);
      if (exists) present.push(followUpWorkflowId(item.id));
    }
    const replayed = await replayFailures(client, present, args.workflowBundle);
    found.push(...replayed.map((failure) => `replay ${failure}`));

    // The operators' command compared them too, and found them as their workflows say.
    const counted = /(\d+) follow-ups checked, (\d+) with differences/.exec(args.reconciled);
    if (!counted) found.push(`the reconcile command's last line names no follow-ups: ${args.reconciled}`);
    else if (Number(counted[1]) < rated.length) found.push(`the reconcile command checked ${counted[1]} follow-ups of the run's ${rated.length}`);
    else if (Number(counted[2]) > 0) found.push(`the reconcile command found ${counted[2]} follow-ups with differences`);

    const changed = rated.filter((f) => f.rated === 200).length;
    const retried = rated.filter((f) => f.contacted === 'retried' || f.concluded === 'retried').length;
    return {
      mismatches: found,
      summary: [
        `follow-ups:        ${rated.length} bad ratings, ${closed} followed up and closed rectified, ${lost} lost, ${doubled} doubled steps`,
        `follow-up calls:   ${Object.entries(answers).map(([s, k]) => `${s === '0' ? 'no answer' : s}×${k}`).join(', ') || 'none'} (ratings, contacts back, conclusions, reads; tries included)`,
        `follow-up retries: ${changed} rating${changed === 1 ? '' : 's'} answered 200 changed, ${notYetServed} rating tr${notYetServed === 1 ? 'y' : 'ies'} answered 409 event_not_happened (intake not yet in the read model), ${retried} follow-up${retried === 1 ? '' : 's'} with an action answered 409 after it landed; ` +
          `${present.length} histories replayed, ${replayed.length} non-deterministic`,
      ],
    };
  }

  return { follow, answered, check, followed };
}

export type FollowUps = ReturnType<typeof openFollowUps>;

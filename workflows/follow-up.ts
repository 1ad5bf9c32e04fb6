/**
 * One follow-up (督办) of a bad rating or a complaint, as a durable workflow (the rules are in
 * workflows/rules/follow-ups.ts): its limits as durable timers that raise yellow and red, the actions
 * of leaders and supervisors as updates (refused by the same rules as the API's), every change written
 * to the read model by an ordinary activity, keyed so that a retry writes nothing twice. A red limit
 * opens an accountability case, and so does a substantiated complaint.
 */
import { allHandlersFinished, condition, defineQuery, defineSignal, defineUpdate, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { FollowUpActivities } from '../activities/follow-ups.js';
import type { Officer } from './messages.js';
import { refuseFollowUp } from './refuse.js';
import {
  type FollowUpInput,
  type FollowUpRefusal,
  type FollowUpState,
  type FollowUpStep,
  authorityRefusal,
  clockOf,
  movedRectifyClock,
  nextMark,
  openingClocks,
  lateAcceptanceCaseId,
  lateCaseId,
  redOpensCase,
  replyChannel,
  stageRefusal,
  worseLevel,
} from './rules/follow-ups.js';
import { WorkingCalendar, chinaDate, spanFor } from './rules/working-days.js';

/** What a leader or supervisor does, each by the officer the API authenticated. */
export type FollowUpCommand =
  | { action: 'contact'; officer: Officer; note: string }
  | { action: 'conclude'; officer: Officer; outcome: 'rectified' | 'explained' | 'disputed'; note: string }
  | { action: 'reviewDispute'; officer: Officer; upheld: boolean; note: string }
  | { action: 'accept'; officer: Officer; accepted: boolean; note: string }
  | { action: 'findings'; officer: Officer; substantiated: boolean; findings: string; reply: string; responsible: Officer[] };

export const followUpUpdate = defineUpdate<FollowUpState, [FollowUpCommand]>('followUp');
/** The applicant changed the bad rating to a good one within the change window. */
export const withdrawRatingSignal = defineSignal('withdrawRating');
export const followUpQuery = defineQuery<FollowUpState>('followUp');

const { openFollowUp, recordFollowUp, openFollowUpCase, ratingStillBad, withdrawFollowUp } = proxyActivities<FollowUpActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
const { calendarSnapshot } = proxyActivities<Pick<Activities, 'calendarSnapshot'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export const followUpWorkflowId = (id: string) => `follow-up-${id}`;

/** Runs from this patch on check the rating and write the withdrawal in one transaction (withdrawFollowUp). */
export const ATOMIC_WITHDRAWAL_PATCH = 'follow-up-atomic-withdrawal';
/** Runs from this patch on open a case when a complaint is left unaccepted past its limit (有诉必查), naming the centre's supervisors. */
export const LATE_ACCEPTANCE_CASE_PATCH = 'follow-up-late-acceptance-case';

export async function followUpWorkflow(input: FollowUpInput): Promise<FollowUpState> {
  // Registered before the first await: an update sent while the follow-up opens waits for it and is
  // checked then (one without a handler when its workflow task ends would be refused).
  const update: { rules?: (command: FollowUpCommand) => void; apply?: (command: FollowUpCommand) => Promise<FollowUpState> } = {};
  // One change at a time (an update, a limit's mark, a withdrawal), each checked against the state it
  // finds: two updates accepted together, or a timer firing while an update waits for its calendar,
  // never act on the same state.
  let busy = false;
  async function exclusively<T>(change: () => Promise<T>): Promise<T> {
    while (busy) await condition(() => !busy);
    busy = true;
    try {
      return await change();
    } finally {
      busy = false;
    }
  }
  setHandler(
    followUpUpdate,
    async (command) => {
      await condition(() => update.apply !== undefined);
      return exclusively(async () => {
        // Checked again here: the validator saw the state before the updates ahead of this one.
        update.rules!(command);
        return update.apply!(command);
      });
    },
    { validator: (command) => update.rules?.(command) },
  );
  const opened = await openFollowUp(input);
  const state: FollowUpState = {
    id: input.id,
    kind: input.kind,
    stage: input.kind === 'bad_rating' ? 'contacting' : 'received',
    centreCode: input.centreCode,
    department: input.department,
    assignee: opened.found ? opened.assignee : [],
    limits: opened.found ? opened.limits : { contactDays: 0, rectifyDays: 0, acceptDays: 0, investigateDays: 0 },
    openedAt: input.openedAt,
    clocks: {},
    stoppedDays: 0,
    level: 'green',
    raised: [],
    responsible: [],
    cases: [],
    version: opened.found ? opened.version : 0,
  };
  setHandler(followUpQuery, () => state);
  const now = () => new Date().toISOString();
  let seq = opened.found ? opened.lastSeq : 0;
  let steps: FollowUpStep[] = [];
  const step = (name: string, actor: Officer | null, note: string | null) => steps.push({ seq: ++seq, at: now(), step: name, actor, note });

  /** Writes the state and the steps not written yet; the newest version wins whatever order the writes land in. */
  async function record(): Promise<void> {
    state.version += 1;
    const pending = steps;
    steps = [];
    await recordFollowUp({ state: { ...state }, steps: pending });
  }

  if (!opened.found) {
    // The request that started it failed before its transaction committed: there is nothing to follow up.
    return { ...state, stage: 'closed', outcome: 'void', closedAt: now() };
  }

  const found = opened;
  const calendarAt = async (from: string, days: number) =>
    new WorkingCalendar(await calendarSnapshot({ centreCode: state.centreCode, from: chinaDate(from), span: spanFor(days) + Math.ceil((Date.now() - Date.parse(from)) / 86_400_000) }));

  const longest = Math.max(state.limits.contactDays, state.limits.rectifyDays, state.limits.acceptDays);
  state.clocks = openingClocks(state.kind, state.limits, await calendarAt(state.openedAt, longest), state.openedAt);
  step('opened', null, state.assignee.length > 0 ? `assigned to ${state.assignee.map((o) => o.name ?? o.id).join(', ')}` : `assigned to the supervisors of ${state.centreCode}`);
  await record();

  /** A case once per follow-up, naming those responsible; the read model keeps its id. */
  async function openCase(caseId: string, reason: string, responsible: Officer[]): Promise<void> {
    if (state.cases.includes(caseId)) return;
    state.cases.push(caseId);
    state.responsible = responsible;
    const opened: string | { id: string; responsible: Officer[] } = await openFollowUpCase({
      id: caseId,
      followUpId: state.id,
      centreCode: state.centreCode,
      department: state.department,
      applicationNo: input.rating?.applicationNo ?? found.applicationNo,
      responsible,
      reason,
    });
    // Workers before the case named the supervisors for nobody answered its id alone.
    state.caseId = typeof opened === 'string' ? opened : opened.id;
    if (typeof opened !== 'string') state.responsible = opened.responsible;
    step('case_opened', null, `${state.caseId}: ${reason}`);
  }

  function close(outcome: FollowUpState['outcome'], actor: Officer | null, note: string | null): void {
    state.stage = 'closed';
    state.outcome = outcome;
    state.closedAt = now();
    step(outcome!, actor, note);
  }

  const refuse = (refusal: FollowUpRefusal | undefined) => refuseFollowUp(refusal);
  update.apply = async (command) => {
    const at = now();
    switch (command.action) {
      case 'contact':
        state.stage = 'rectifying';
        state.contactedAt = at;
        step('contacted', command.officer, command.note);
        break;
      case 'conclude':
        if (command.outcome === 'disputed') {
          state.stage = 'disputed';
          state.disputedAt = at;
          step('disputed', command.officer, command.note);
        } else close(command.outcome, command.officer, command.note);
        break;
      case 'reviewDispute': {
        if (command.upheld) {
          close('dispute_upheld', command.officer, command.note);
          break;
        }
        // Dismissed: back to rectification, its limit moved by the working days the dispute waited.
        state.stage = 'rectifying';
        step('dispute_dismissed', command.officer, command.note);
        const moved = movedRectifyClock(state, await calendarAt(state.openedAt, state.limits.rectifyDays + state.stoppedDays), at);
        state.clocks.rectify = moved.clock;
        state.stoppedDays = moved.stoppedDays;
        break;
      }
      case 'accept':
        if (!command.accepted) {
          state.reply = { at, text: command.note, via: replyChannel(input.complaint!) };
          close('not_accepted', command.officer, command.note);
          if (state.reply.via !== 'none') step('told', null, `not accepted: ${state.reply.via}`);
          break;
        }
        state.stage = 'investigating';
        state.acceptedAt = at;
        state.assignee = [command.officer];
        step('accepted', command.officer, command.note);
        state.clocks.investigate = clockOf(await calendarAt(at, state.limits.investigateDays), at, state.limits.investigateDays);
        break;
      case 'findings':
        state.findings = command.findings;
        state.reply = { at, text: command.reply, via: replyChannel(input.complaint!) };
        close(command.substantiated ? 'substantiated' : 'unsubstantiated', command.officer, command.findings);
        if (command.substantiated) await openCase(state.id, `complaint ${state.id} substantiated: ${command.findings}`, command.responsible);
        step('told', null, state.reply.via === 'none' ? 'anonymous: nobody to tell' : `the outcome is told through ${state.reply.via}`);
        break;
    }
    await record();
    return state;
  };
  update.rules = (command) => {
    refuse(stageRefusal(state, command.action));
    refuse(authorityRefusal(state, command.action, command.officer));
  };

  // The signal is sent before the rating's change commits: only a change that committed withdraws it.
  let withdrawals = 0;
  setHandler(withdrawRatingSignal, () => void (withdrawals += 1));
  let checked = 0;

  while (state.stage !== 'closed') {
    const mark = nextMark(state);
    const version = state.version;
    const woken = () => state.version !== version || withdrawals !== checked;
    const timedOut = mark ? !(await condition(woken, Math.max(1, Date.parse(mark.at) - Date.now()))) : (await condition(woken), false);
    if (withdrawals !== checked) {
      checked = withdrawals;
      await exclusively(async () => {
        const note = 'the applicant changed the rating to a good one';
        if (patched(ATOMIC_WITHDRAWAL_PATCH)) {
          if (state.stage === 'closed') return;
          // Checked and written in one transaction: a change back to bad after the check would otherwise
          // find the follow-up still open, leave it to this run, and see it closed as withdrawn.
          const at = now();
          const closing: FollowUpState = { ...state, stage: 'closed', outcome: 'withdrawn', closedAt: at, version: state.version + 1 };
          const closingSteps = [...steps, { seq: seq + 1, at, step: 'withdrawn', actor: null, note }];
          if (await withdrawFollowUp({ state: closing, steps: closingSteps, rating: input.rating! })) {
            Object.assign(state, closing);
            seq += 1;
            steps = [];
          }
          return;
        }
        if (!(await ratingStillBad(input.rating!)) && state.stage !== 'closed') {
          close('withdrawn', null, note);
          await record();
        }
      });
      continue;
    }
    if (!timedOut || !mark) continue;
    await exclusively(async () => {
      // An update may have moved on meanwhile (accepted, closed, dismissed): only a mark still due is raised.
      const due = nextMark(state);
      if (!due || due.clock !== mark.clock || due.level !== mark.level || Date.parse(due.at) > Date.now()) return;
      state.raised.push(`${mark.clock}:${mark.level}`);
      state.level = worseLevel(state.level, mark.level);
      step(mark.level, null, `the ${mark.clock} limit ${mark.level === 'red' ? 'has passed' : 'ends in a working day'} (${mark.at})`);
      if (mark.level === 'red' && (redOpensCase(mark.clock) || patched(LATE_ACCEPTANCE_CASE_PATCH))) {
        // Accepted late and then investigated late are two cases, naming those who let each limit pass.
        const caseId = mark.clock === 'accept' ? lateAcceptanceCaseId(state) : lateCaseId(state);
        await openCase(caseId, `the ${mark.clock} limit of ${state.id} passed at ${mark.at}`, state.assignee);
      }
      await record();
    });
  }
  // An update still writing finishes before the workflow ends.
  await condition(allHandlersFinished);
  return state;
}

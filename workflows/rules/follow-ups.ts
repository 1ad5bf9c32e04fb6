/**
 * Follow-ups (督办): every bad rating (差评) is contacted back (回访) and rectified (整改), every complaint
 * (投诉, 有诉必查) accepted and investigated, each within its limit in working days at the centre where
 * it arose, yellow one working day before a limit and red at it, like every other clock. A limit that
 * passes opens an accountability case. Pure functions over plain data: the workflow
 * (workflows/follow-up.ts) applies them, the API checks the same refusals before it sends an update.
 *
 * A bad rating: contacting → rectifying → closed (rectified or explained), or → disputed (申诉复核,
 * decided by a supervisor: upheld closes it and takes the rating out of the satisfaction figures;
 * dismissed sends it back to rectifying). While a dispute waits, the rectification limit stands still
 * and moves by the working days it waited. A bad rating changed to a good one within the change window
 * closes as withdrawn.
 *
 * A complaint: received → investigating (accepted) → closed (substantiated or unsubstantiated), or
 * received → closed (not accepted, with the reason). A substantiated complaint opens an accountability
 * case naming the officers it found responsible; the complainant is told the outcome.
 */
import type { Officer } from '../messages.js';
import type { WorkingCalendar } from './working-days.js';

export const FOLLOW_UP_KINDS = ['bad_rating', 'complaint'] as const;
export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number];

export const FOLLOW_UP_STAGES = ['contacting', 'rectifying', 'disputed', 'received', 'investigating', 'closed'] as const;
export type FollowUpStage = (typeof FOLLOW_UP_STAGES)[number];

export const FOLLOW_UP_OUTCOMES = [
  'rectified', // 已整改
  'explained', // 已说明: the rating was looked into and explained to the applicant
  'dispute_upheld', // 申诉成立: the rating does not count
  'withdrawn', // the applicant changed the rating to a good one within the change window
  'void', // the rating or complaint was never stored (its request failed after the workflow started)
  'substantiated', // 投诉属实
  'unsubstantiated', // 投诉不属实
  'not_accepted', // 不予受理, with the reason
] as const;
export type FollowUpOutcome = (typeof FOLLOW_UP_OUTCOMES)[number];

/** The four limits, in working days; a region (a centre and those below it) may set its own. */
export interface FollowUpLimits {
  /** From the bad rating to the contact back (回访). */
  contactDays: number;
  /** From the bad rating to its rectification or explanation (整改), 15 working days by the national rule. */
  rectifyDays: number;
  /** From the complaint to its acceptance (受理). */
  acceptDays: number;
  /** From acceptance to the findings (调查核实). */
  investigateDays: number;
}

export const DEFAULT_FOLLOW_UP_LIMITS: FollowUpLimits = { contactDays: 3, rectifyDays: 15, acceptDays: 2, investigateDays: 15 };

/** What a complaint is about: an officer, a window, a centre, or an application. */
export type ComplaintSubject =
  | { kind: 'officer'; officerId: string }
  | { kind: 'window'; windowCode: string }
  | { kind: 'centre'; centreCode: string }
  | { kind: 'application'; applicationNo: string };

export type FollowUpChannel = 'api' | 'window' | 'public' | 'qr';

/** What the workflow is started with. */
export interface FollowUpInput {
  id: string;
  kind: FollowUpKind;
  /** Where it arose: the rating's centre, or the centre the complaint is about. */
  centreCode: string;
  department: string | null;
  openedAt: string;
  /** A bad rating's application and event. */
  rating?: { applicationNo: string; event: string };
  /** A complaint: was a way back to the complainant given (anonymous: none). */
  complaint?: { anonymous: boolean; channel: FollowUpChannel; tracked?: boolean };
}

export interface FollowUpClock {
  warnAt?: string;
  due: string;
}

export const FOLLOW_UP_LEVELS = ['green', 'yellow', 'red'] as const;
export type FollowUpLevel = (typeof FOLLOW_UP_LEVELS)[number];

export interface FollowUpState {
  id: string;
  kind: FollowUpKind;
  stage: FollowUpStage;
  centreCode: string;
  department: string | null;
  /** Who must act now: the department's leaders for a bad rating, the investigating supervisor for an accepted complaint; empty: the centre's supervisors. */
  assignee: Officer[];
  limits: FollowUpLimits;
  openedAt: string;
  /** The clocks, computed at opening (and at acceptance for the investigation); moved when a dispute ends. */
  clocks: Partial<Record<ClockName, FollowUpClock>>;
  /** Working days the rectification limit stood still while a dispute waited. */
  stoppedDays: number;
  disputedAt?: string;
  /** The worst mark raised, kept once raised: an open follow-up in red is overdue. */
  level: FollowUpLevel;
  /** Marks raised, `<clock>:<level>`, each once. */
  raised: string[];
  contactedAt?: string;
  acceptedAt?: string;
  outcome?: FollowUpOutcome;
  findings?: string;
  /** The officers a substantiated complaint or an overdue limit holds responsible. */
  responsible: Officer[];
  /** The newest case it opened, and all of them. */
  caseId?: string;
  cases: string[];
  closedAt?: string;
  /** What the complainant was told, and how. */
  reply?: { at: string; text: string; via: 'integrator' | 'tracking_code' | 'window' | 'none' };
  /** Bumped by every change: the read model keeps only the newest. */
  version: number;
}

export type ClockName = 'contact' | 'rectify' | 'accept' | 'investigate';

/** One step in a follow-up's history, as the read model keeps it. */
export interface FollowUpStep {
  seq: number;
  at: string;
  step: string;
  actor: Officer | null;
  note: string | null;
}

/** The clock that runs in a stage; none while a dispute waits or once closed. */
export const CLOCK_OF: Record<FollowUpStage, ClockName | undefined> = {
  contacting: 'contact',
  rectifying: 'rectify',
  disputed: undefined,
  received: 'accept',
  investigating: 'investigate',
  closed: undefined,
};

/** A clock of `days` working days from `from`: yellow one working day before its end (none for a limit of 1 or less), red at it. */
export function clockOf(calendar: WorkingCalendar, from: string, days: number): FollowUpClock {
  const due = calendar.due(from, days).due;
  return days > 1 ? { warnAt: calendar.due(from, days - 1).due, due } : { due };
}

/** The clocks a follow-up starts with. */
export function openingClocks(kind: FollowUpKind, limits: FollowUpLimits, calendar: WorkingCalendar, openedAt: string): FollowUpState['clocks'] {
  return kind === 'bad_rating'
    ? { contact: clockOf(calendar, openedAt, limits.contactDays), rectify: clockOf(calendar, openedAt, limits.rectifyDays) }
    : { accept: clockOf(calendar, openedAt, limits.acceptDays) };
}

/** The next mark of the running clock, and when; undefined when none is left (or no clock runs). */
export function nextMark(state: FollowUpState): { clock: ClockName; level: 'yellow' | 'red'; at: string } | undefined {
  const name = CLOCK_OF[state.stage];
  const clock = name && state.clocks[name];
  if (!name || !clock) return undefined;
  if (clock.warnAt && !state.raised.includes(`${name}:yellow`) && !state.raised.includes(`${name}:red`)) return { clock: name, level: 'yellow', at: clock.warnAt };
  if (!state.raised.includes(`${name}:red`)) return { clock: name, level: 'red', at: clock.due };
  return undefined;
}

/**
 * A red mark opens a case, except a complaint not yet accepted: runs before the patch
 * follow-up-late-acceptance-case (workflows/follow-up.ts) only showed it red; runs since open a case
 * naming the centre's supervisors, who had to accept it.
 */
export const redOpensCase = (clock: ClockName) => clock !== 'accept';

/**
 * The case a passed limit opens, once per follow-up: a bad rating's has the follow-up's id; a
 * complaint's `<id>/late`, the follow-up's own id being kept for the case its substantiation opens.
 */
export const lateCaseId = (state: Pick<FollowUpState, 'id' | 'kind'>) => (state.kind === 'bad_rating' ? state.id : `${state.id}/late`);

/** The case of a complaint left unaccepted past its limit (runs since follow-up-late-acceptance-case): one of its own, beside the investigation's. */
export const lateAcceptanceCaseId = (state: Pick<FollowUpState, 'id'>) => `${state.id}/late-accept`;

export const worseLevel = (a: FollowUpLevel, b: FollowUpLevel): FollowUpLevel => (FOLLOW_UP_LEVELS.indexOf(a) >= FOLLOW_UP_LEVELS.indexOf(b) ? a : b);

/** Why an action is refused (409 with the code; 403 for `not_authorised`). */
export interface FollowUpRefusal {
  code: 'wrong_stage' | 'wrong_kind' | 'not_authorised' | 'follow_up_closed';
  message: string;
}

const refusal = (code: FollowUpRefusal['code'], message: string): FollowUpRefusal => ({ code, message });

export const FOLLOW_UP_ACTIONS = ['contact', 'conclude', 'reviewDispute', 'accept', 'findings', 'withdraw'] as const;
export type FollowUpAction = (typeof FOLLOW_UP_ACTIONS)[number];

/** The stage each action belongs to, and the kind. */
const ACTION_STAGES: Record<FollowUpAction, { kind: FollowUpKind; stages: FollowUpStage[]; what: string }> = {
  contact: { kind: 'bad_rating', stages: ['contacting'], what: 'the contact back (回访)' },
  conclude: { kind: 'bad_rating', stages: ['rectifying'], what: 'the rectification (整改)' },
  reviewDispute: { kind: 'bad_rating', stages: ['disputed'], what: 'the review of a dispute (申诉复核)' },
  withdraw: { kind: 'bad_rating', stages: ['contacting', 'rectifying', 'disputed'], what: 'withdrawing the follow-up' },
  accept: { kind: 'complaint', stages: ['received'], what: 'accepting the complaint (受理)' },
  findings: { kind: 'complaint', stages: ['investigating'], what: 'the findings (调查结论)' },
};

export function stageRefusal(state: Pick<FollowUpState, 'id' | 'kind' | 'stage'>, action: FollowUpAction): FollowUpRefusal | undefined {
  const rule = ACTION_STAGES[action];
  if (rule.kind !== state.kind) return refusal('wrong_kind', `${state.id} is a ${state.kind.replace('_', ' ')}: ${rule.what} belongs to a ${rule.kind.replace('_', ' ')}`);
  if (state.stage === 'closed') return refusal('follow_up_closed', `${state.id} is closed; nothing can change it`);
  if (!rule.stages.includes(state.stage)) return refusal('wrong_stage', `${rule.what} is not possible: ${state.id} is ${state.stage}`);
  return undefined;
}

const who = (officer: Officer) => `${officer.id} (${officer.role ?? 'no role'} of ${officer.departmentCode ?? 'no department'} at ${officer.centreCode ?? 'no centre'})`;
const within = (scope: string | undefined, centreCode: string) => !!scope && centreCode.startsWith(scope.replace(/(00)+$/, ''));

/**
 * Who may act: a bad rating's contact back and rectification by a leader of its department at its
 * centre (any supervisor of the centre or above when the department has none); a dispute's review and
 * everything of a complaint by a supervisor of the centre or above.
 */
export function authorityRefusal(state: Pick<FollowUpState, 'centreCode' | 'department' | 'assignee'>, action: FollowUpAction, officer: Officer): FollowUpRefusal | undefined {
  const supervisor = officer.role === 'supervisor' && within(officer.centreCode, state.centreCode);
  if (action === 'contact' || action === 'conclude') {
    if (state.assignee.length === 0) return supervisor ? undefined : refusal('not_authorised', `${who(officer)}: nobody leads the department here, so a supervisor of ${state.centreCode} follows it up`);
    const leader = officer.role === 'department_leader' && officer.departmentCode === state.department && officer.centreCode === state.centreCode;
    return leader ? undefined : refusal('not_authorised', `${who(officer)}: a bad rating is followed up by a leader of ${state.department} at ${state.centreCode}`);
  }
  if (action === 'withdraw') return undefined;
  return supervisor ? undefined : refusal('not_authorised', `${who(officer)}: only a supervisor of ${state.centreCode} or above may do this`);
}

/** The rectification clock after a dispute waited from `disputedAt` to `at`: its limit moved by the working days it waited. */
export function movedRectifyClock(state: FollowUpState, calendar: WorkingCalendar, at: string): { clock: FollowUpClock; stoppedDays: number } {
  const stoppedDays = state.stoppedDays + calendar.workingDaysFrom(state.disputedAt!, at);
  return { clock: clockOf(calendar, state.openedAt, state.limits.rectifyDays + stoppedDays), stoppedDays };
}

/**
 * How the complainant hears the outcome: the tracking code (the public page's, or the receipt's of a
 * complaint taken at a window, named or anonymous), the integrator that sent it, the window (taken
 * before window complaints had codes); an anonymous one without a code not at all.
 */
export function replyChannel(complaint: NonNullable<FollowUpInput['complaint']>): NonNullable<FollowUpState['reply']>['via'] {
  if (complaint.tracked) return 'tracking_code';
  if (complaint.anonymous && complaint.channel !== 'public') return 'none';
  return complaint.channel === 'api' ? 'integrator' : complaint.channel === 'public' ? 'tracking_code' : 'window';
}

/** A workflow's event history as a short timeline a person can read. */
import type { History } from '@temporalio/common/lib/proto-utils.js';

interface JsonEvent {
  eventId: string;
  eventTime: string;
  eventType: string;
  [attributes: string]: unknown;
}

/**
 * What an event means for the application, for a page to say in its own language: `kind`, and the
 * activity, update, department, decision, officer, transitions or deadline it concerns. `what` is the
 * same in English, in Temporal's words.
 */
export interface TimelineEntry {
  at: string;
  eventId: number;
  what: string;
  kind: TimelineKind;
  /** An activity's name: recordSubmitted, recordTransition, openReviewTask, responsibleOfficers, calendarSnapshot. */
  activity?: string;
  /** The transitions a read-model write carries (intake_accept, review_opened…). */
  transitions?: string[];
  /** An update's name: intake, decision, supplement, pickup, stopClock… */
  update?: string;
  department?: string;
  decision?: string;
  officer?: string;
  /** A local activity's tries, when more than one. */
  attempts?: number;
  /** A timer's instant, and the alert it waits for when it matches one of the application's limits. */
  timer?: { fireAt: string; alert?: DeadlineAlert; department?: string };
}

export const TIMELINE_KINDS = [
  'workflow_started',
  'activity_scheduled',
  'activity_completed',
  'activity_failed',
  'activity_timed_out',
  'update_accepted',
  'timer_started',
  'timer_fired',
  'workflow_completed',
  'workflow_failed',
  'workflow_terminated',
  'workflow_canceled',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** The alert a clock's timer waits for: yellow at warnAt, red at the promised limit, statutory red at the statutory one. */
export const DEADLINE_ALERTS = ['yellow', 'red', 'statutory_red'] as const;
export type DeadlineAlert = (typeof DEADLINE_ALERTS)[number];

/** The limits of a clock (the application's, or a review's with its department), as the read model holds them. */
export interface ClockLimits {
  department?: string;
  warnAt: string | null;
  promisedDueAt: string | null;
  statutoryDueAt: string | null;
}

/** A timer whose instant lies this close to a limit waits for that limit (it is armed a moment after it is computed). */
const TIMER_MATCH_MS = 60_000;

/**
 * The instant a timer fires, and the limit it waits for: the nearest within TIMER_MATCH_MS, preferring
 * one no earlier timer took (the application's clock and its single review's can share their limits).
 */
function timerFor(at: string, timeout: string | undefined, clocks: ClockLimits[], taken: Set<string>): TimelineEntry['timer'] {
  const seconds = Number.parseFloat(timeout ?? '');
  if (!Number.isFinite(seconds)) return undefined;
  const fireAt = Date.parse(at) + seconds * 1000;
  let best: { alert: DeadlineAlert; department?: string; off: number; key: string } | undefined;
  for (const clock of clocks) {
    const limits: [DeadlineAlert, string | null][] = [
      ['yellow', clock.warnAt],
      ['red', clock.promisedDueAt],
      ['statutory_red', clock.statutoryDueAt],
    ];
    for (const [alert, limit] of limits) {
      const key = `${clock.department ?? ''}:${alert}`;
      const off = (limit ? Math.abs(Date.parse(limit) - fireAt) : Infinity) + (taken.has(key) ? TIMER_MATCH_MS : 0);
      if (off <= 2 * TIMER_MATCH_MS && (!best || off < best.off)) best = { alert, department: clock.department, off, key };
    }
  }
  if (best && best.off > TIMER_MATCH_MS && !taken.has(best.key)) best = undefined;
  if (best) taken.add(best.key);
  return { fireAt: new Date(fireAt).toISOString(), ...(best ? { alert: best.alert, ...(best.department ? { department: best.department } : {}) } : {}) };
}

const decode = (payload: { data?: string } | undefined): unknown => {
  try {
    return payload?.data ? JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) : undefined;
  } catch {
    return undefined;
  }
};

type Payloads = { payloads?: { data?: string }[] };

/** The few attributes of history events (as JSON) that the timeline reads. */
interface EventAttributes {
  workflowType?: { name?: string };
  activityType?: { name?: string };
  input?: Payloads;
  scheduledEventId?: string;
  startedEventId?: string;
  startToFireTimeout?: string;
  acceptedRequest?: { input?: { name?: string; args?: Payloads } };
  markerName?: string;
  details?: { data?: Payloads };
  failure?: unknown;
}

/**
 * Takes the history as JSON (historyToJSON) and keeps the events that mean something to a person.
 * `clocks`, the application's limits and its reviews', name what each timer waits for.
 */
export function timeline(history: { events?: JsonEvent[] }, clocks: ClockLimits[] = []): TimelineEntry[] {
  const activities = new Map<string, string>();
  const timers = new Map<string, TimelineEntry['timer']>();
  const taken = new Set<string>();
  const entries: TimelineEntry[] = [];
  for (const e of history.events ?? []) {
    const type = e.eventType.replace(/^EVENT_TYPE_/, '');
    const attrs = (e[Object.keys(e).find((k) => k.endsWith('EventAttributes')) ?? ''] ?? {}) as EventAttributes;
    let entry: Omit<TimelineEntry, 'at' | 'eventId'> | undefined;
    switch (type) {
      case 'WORKFLOW_EXECUTION_STARTED':
        entry = { kind: 'workflow_started', what: `workflow ${attrs.workflowType?.name} started (submitted)` };
        break;
      case 'ACTIVITY_TASK_SCHEDULED': {
        const name = attrs.activityType?.name ?? 'unknown';
        activities.set(e.eventId, name);
        const arg = decode(attrs.input?.payloads?.[0]) as { events?: { type: string; department?: string }[] } | undefined;
        const transitions = arg?.events?.map((ev) => (ev.department ? `${ev.type} (${ev.department})` : ev.type));
        const recorded = transitions?.join(', ');
        entry = {
          kind: 'activity_scheduled',
          activity: name,
          ...(transitions?.length ? { transitions } : {}),
          what: `activity ${name} scheduled${recorded ? `: ${recorded}` : ''}`,
        };
        break;
      }
      case 'ACTIVITY_TASK_COMPLETED': {
        const name = activities.get(String(attrs.scheduledEventId)) ?? 'unknown';
        entry = { kind: 'activity_completed', activity: name, what: `activity ${name} completed` };
        break;
      }
      case 'ACTIVITY_TASK_FAILED':
      case 'ACTIVITY_TASK_TIMED_OUT': {
        const name = activities.get(String(attrs.scheduledEventId)) ?? 'unknown';
        const failed = type === 'ACTIVITY_TASK_FAILED';
        entry = { kind: failed ? 'activity_failed' : 'activity_timed_out', activity: name, what: `activity ${name} ${failed ? 'failed' : 'timed out'}` };
        break;
      }
      case 'MARKER_RECORDED': {
        // A local activity (the reads since the local-activities patch; the writes too before committed writes) leaves one marker when it is done.
        if (attrs.markerName !== 'core_local_activity') break;
        const data = decode(attrs.details?.data?.payloads?.[0]) as { activity_type?: string; attempt?: number } | undefined;
        const name = data?.activity_type ?? 'unknown';
        const tries = data?.attempt && data.attempt > 1 ? ` after ${data.attempt} tries` : '';
        entry = {
          kind: attrs.failure ? 'activity_failed' : 'activity_completed',
          activity: name,
          ...(data?.attempt && data.attempt > 1 ? { attempts: data.attempt } : {}),
          what: `activity ${name} ${attrs.failure ? 'failed' : 'completed'}${tries}`,
        };
        break;
      }
      case 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED': {
        const request = attrs.acceptedRequest?.input;
        const arg = decode(request?.args?.payloads?.[0]) as { department?: string; decision?: string; officer?: { id?: string } } | undefined;
        const detail = [arg?.department, arg?.decision, arg?.officer?.id && `by ${arg.officer.id}`].filter(Boolean).join(' ');
        entry = {
          kind: 'update_accepted',
          update: request?.name ?? 'unknown',
          ...(arg?.department ? { department: arg.department } : {}),
          ...(arg?.decision ? { decision: arg.decision } : {}),
          ...(arg?.officer?.id ? { officer: arg.officer.id } : {}),
          what: `update ${request?.name} accepted${detail ? `: ${detail}` : ''}`,
        };
        break;
      }
      case 'TIMER_STARTED': {
        const timer = timerFor(e.eventTime, attrs.startToFireTimeout, clocks, taken);
        timers.set(e.eventId, timer);
        entry = { kind: 'timer_started', ...(timer ? { timer } : {}), what: 'timer started' };
        break;
      }
      case 'TIMER_FIRED': {
        const timer = timers.get(String(attrs.startedEventId));
        entry = { kind: 'timer_fired', ...(timer ? { timer } : {}), what: 'timer fired' };
        break;
      }
      case 'WORKFLOW_EXECUTION_COMPLETED':
        entry = { kind: 'workflow_completed', what: 'workflow completed' };
        break;
      case 'WORKFLOW_EXECUTION_FAILED':
      case 'WORKFLOW_EXECUTION_TERMINATED':
      case 'WORKFLOW_EXECUTION_CANCELED': {
        const ending = type.replace('WORKFLOW_EXECUTION_', '').toLowerCase() as 'failed' | 'terminated' | 'canceled';
        entry = { kind: `workflow_${ending}`, what: `workflow ${ending}` };
        break;
      }
    }
    if (entry) entries.push({ at: e.eventTime, eventId: Number(e.eventId), ...entry });
  }
  return entries;
}

export type { History };

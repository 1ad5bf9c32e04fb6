/** A workflow's event history as a short timeline a person can read. */
import type { History } from '@temporalio/common/lib/proto-utils.js';

interface JsonEvent {
  eventId: string;
  eventTime: string;
  eventType: string;
  [attributes: string]: unknown;
}

export interface TimelineEntry {
  at: string;
  eventId: number;
  what: string;
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
  acceptedRequest?: { input?: { name?: string; args?: Payloads } };
  markerName?: string;
  details?: { data?: Payloads };
  failure?: unknown;
}

/** Takes the history as JSON (historyToJSON) and keeps the events that mean something to a person. */
export function timeline(history: { events?: JsonEvent[] }): TimelineEntry[] {
  const activities = new Map<string, string>();
  const entries: TimelineEntry[] = [];
  for (const e of history.events ?? []) {
    const type = e.eventType.replace(/^EVENT_TYPE_/, '');
    const attrs = (e[Object.keys(e).find((k) => k.endsWith('EventAttributes')) ?? ''] ?? {}) as EventAttributes;
    let what: string | undefined;
    switch (type) {
      case 'WORKFLOW_EXECUTION_STARTED':
        what = `workflow ${attrs.workflowType?.name} started (submitted)`;
        break;
      case 'ACTIVITY_TASK_SCHEDULED': {
        const name = attrs.activityType?.name ?? 'unknown';
        activities.set(e.eventId, name);
        const arg = decode(attrs.input?.payloads?.[0]) as { events?: { type: string; department?: string }[] } | undefined;
        const recorded = arg?.events?.map((ev) => (ev.department ? `${ev.type} (${ev.department})` : ev.type)).join(', ');
        what = `activity ${name} scheduled${recorded ? `: ${recorded}` : ''}`;
        break;
      }
      case 'ACTIVITY_TASK_COMPLETED':
        what = `activity ${activities.get(String(attrs.scheduledEventId))} completed`;
        break;
      case 'ACTIVITY_TASK_FAILED':
      case 'ACTIVITY_TASK_TIMED_OUT':
        what = `activity ${activities.get(String(attrs.scheduledEventId))} ${type === 'ACTIVITY_TASK_FAILED' ? 'failed' : 'timed out'}`;
        break;
      case 'MARKER_RECORDED': {
        // A local activity (the reads since the local-activities patch; the writes too before committed writes) leaves one marker when it is done.
        if (attrs.markerName !== 'core_local_activity') break;
        const data = decode(attrs.details?.data?.payloads?.[0]) as { activity_type?: string; attempt?: number } | undefined;
        const tries = data?.attempt && data.attempt > 1 ? ` after ${data.attempt} tries` : '';
        what = `activity ${data?.activity_type ?? 'unknown'} ${attrs.failure ? 'failed' : 'completed'}${tries}`;
        break;
      }
      case 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED': {
        const request = attrs.acceptedRequest?.input;
        const arg = decode(request?.args?.payloads?.[0]) as { department?: string; decision?: string; officer?: { id?: string } } | undefined;
        const detail = [arg?.department, arg?.decision, arg?.officer?.id && `by ${arg.officer.id}`].filter(Boolean).join(' ');
        what = `update ${request?.name} accepted${detail ? `: ${detail}` : ''}`;
        break;
      }
      case 'TIMER_STARTED':
      case 'TIMER_FIRED':
        what = type.toLowerCase().replace('_', ' ');
        break;
      case 'WORKFLOW_EXECUTION_COMPLETED':
        what = 'workflow completed';
        break;
      case 'WORKFLOW_EXECUTION_FAILED':
      case 'WORKFLOW_EXECUTION_TERMINATED':
      case 'WORKFLOW_EXECUTION_CANCELED':
        what = `workflow ${type.replace('WORKFLOW_EXECUTION_', '').toLowerCase()}`;
        break;
    }
    if (what) entries.push({ at: e.eventTime, eventId: Number(e.eventId), what });
  }
  return entries;
}

export type { History };

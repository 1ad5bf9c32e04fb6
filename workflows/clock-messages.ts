/**
 * The windows' messages about an application's clocks: a review's clock stops (补正, art. 45
 * procedures) and restarts, the statutory limit is extended (art. 42), and every due instant is
 * computed again when the holiday calendar changes. Each is checked against its rule first
 * (workflows/rules/clock-stops.ts, extension.ts, deadlines.ts).
 */
import { setHandler } from '@temporalio/workflow';
import type { ApplicationRecord } from './application-record.js';
import type { Clocks } from './clocks.js';
import {
  type ApplicationInput,
  type ClockResumeRequest,
  type ClockStopRequest,
  type Extension,
  extendUpdate,
  recalculateSignal,
  recalculateUpdate,
  resumeClockUpdate,
  stopClockUpdate,
} from './messages.js';
import { refuseIf } from './refuse.js';
import { resumeRefusal, stopClock, stopRefusal } from './rules/clock-stops.js';
import { recalculated } from './rules/deadlines.js';
import { extend, extensionRefusal } from './rules/extension.js';
import { stageRefusal } from './rules/refusal.js';
import { stepReview } from './rules/review.js';

export function handleClockMessages(record: ApplicationRecord, input: ApplicationInput, clocks: Clocks): void {
  const { state, now, commit, taskOpen } = record;

  setHandler(
    stopClockUpdate,
    async (request: ClockStopRequest) => {
      const events = commit(stopClock(state, request, now()));
      clocks.interrupt();
      return record.record(events);
    },
    { validator: (request: ClockStopRequest) => refuseIf(stopRefusal(state, request, taskOpen)) },
  );

  setHandler(
    resumeClockUpdate,
    async (request: ClockResumeRequest) => record.record(await clocks.resume([stepReview(state, request.department)!], request)),
    { validator: (request: ClockResumeRequest) => refuseIf(resumeRefusal(state, request, taskOpen)) },
  );

  setHandler(
    extendUpdate,
    async (extension: Extension) => {
      const calendar = await clocks.calendarSinceAcceptance(extension.workingDays);
      const events = commit(extend(state, input.item, extension, calendar, now()));
      clocks.publishDeadlines();
      return record.record(events);
    },
    { validator: (extension: Extension) => refuseIf(extensionRefusal(state, extension)) },
  );

  const recalculate = async () => {
    const events = commit(recalculated(state, input.item, await clocks.calendarSinceAcceptance(), now()));
    clocks.publishDeadlines();
    return record.record(events);
  };
  setHandler(recalculateUpdate, recalculate, { validator: () => refuseIf(stageRefusal(state, 'in_review', 'Recalculating the limits')) });
  setHandler(recalculateSignal, async () => {
    // A signal has no validator: one that arrives after the review ended changes nothing.
    if (state.stage === 'in_review') await recalculate();
  });
}

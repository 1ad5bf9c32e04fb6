/**
 * Not a workflow: the Temporal SDK's OpenTelemetry workflow interceptors, bundled with the workflow code
 * (server/runtime.ts). An application started by a traced request (its start carries the trace in a
 * header, written by the API's client interceptor) has its run, its updates and the activities it
 * schedules traced, the spans handed to the worker through the `exporter` sink (server/tracing.ts). Any
 * other passes straight through and makes no span, so a process without tracing pays nothing.
 *
 * Either way no command is added or moved: the interceptors time the calls and add the trace to the
 * activities' headers. Whether a workflow is traced comes from its start event, so a replay decides
 * the same way, on whichever worker, traced or not.
 */
import { TRACE_HEADER } from '@temporalio/interceptors-opentelemetry/lib/instrumentation.js';
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow/index.js';
import type { WorkflowInboundCallsInterceptor, WorkflowInterceptors } from '@temporalio/workflow';

type Method = (input: unknown, next: (input: unknown) => unknown) => unknown;

/** Each method of `Interceptor`, run while `traced()` holds (made on first use), else straight to `next`. */
function whenTraced<T extends object>(Interceptor: new () => T, traced: () => boolean): T {
  let instance: Record<string, Method> | undefined;
  const gated: Record<string, Method> = {};
  for (const name of Object.getOwnPropertyNames(Interceptor.prototype)) {
    if (name === 'constructor') continue;
    gated[name] = (input, next) => {
      if (!traced()) return next(input);
      instance ??= new Interceptor() as unknown as Record<string, Method>;
      return instance[name](input, next);
    };
  }
  return gated as unknown as T;
}

export const interceptors = (): WorkflowInterceptors => {
  let traced = false;
  const inbound: WorkflowInboundCallsInterceptor = whenTraced(OpenTelemetryInboundInterceptor, () => traced);
  const execute = inbound.execute!;
  inbound.execute = (input, next) => {
    traced = TRACE_HEADER in input.headers;
    return execute(input, next);
  };
  return {
    inbound: [inbound],
    outbound: [whenTraced(OpenTelemetryOutboundInterceptor, () => traced)],
    internals: [whenTraced(OpenTelemetryInternalsInterceptor, () => traced)],
  };
};

/**
 * Traces: a request followed from the API (a server span per HTTP request, api/tracing.ts) through the
 * Temporal client's calls into the workflow and on to its activities, by the Temporal SDK's
 * OpenTelemetry interceptors, and posted over OTLP/HTTP (JSON) to a collector (Jaeger, Tempo, an
 * OpenTelemetry Collector). Set OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT to turn
 * it on; without either nothing is set up: no provider, no exporter, no interceptor but the workflows'
 * (workflows/tracing.ts), which passes straight through for a workflow no traced request started.
 */
import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource, detectResourcesSync, envDetectorSync } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { ClientOptions } from '@temporalio/client';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { Config } from './config.js';

export interface Tracing {
  tracer: Tracer;
  /** The Temporal SDK's spans from inside the workflows, handed over by the worker's `exporter` sink. */
  workflowSpans: ReturnType<typeof makeWorkflowExporter>;
  /** Sends the spans still buffered and stops; the process's last step. */
  shutdown(): Promise<void>;
}

/**
 * Registers the process's tracer provider (with W3C trace-context propagation, which the interceptors
 * use) when an endpoint is configured. Spans are batched (OTEL_BSP_* tune it); the exporter reads
 * OTEL_EXPORTER_OTLP_HEADERS and _TIMEOUT itself; OTEL_RESOURCE_ATTRIBUTES adds to the resource.
 */
export function startTracing(config: Config['tracing'], serviceName: string): Tracing | undefined {
  if (!config.url) return undefined;
  const resource = Resource.default()
    .merge(detectResourcesSync({ detectors: [envDetectorSync] }))
    .merge(new Resource({ [ATTR_SERVICE_NAME]: config.serviceName ?? serviceName }));
  const processor = new BatchSpanProcessor(new OTLPTraceExporter({ url: config.url }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  return {
    tracer: provider.getTracer('onewindow'),
    workflowSpans: makeWorkflowExporter(processor, resource),
    shutdown: () => provider.shutdown(),
  };
}

/** The Temporal client's options for tracing: its calls (start, update, query, signal) as spans whose trace travels in the headers. */
export function clientTracing(tracing: Tracing | undefined): Pick<ClientOptions, 'interceptors'> {
  if (!tracing) return {};
  return { interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer })] } };
}

/**
 * The worker's options for tracing: a span for each activity it runs, under the workflow's span that
 * scheduled it, and the workflows' spans exported. Without tracing the `exporter` sink is still there and
 * drops what it gets: a workflow that a traced API started makes spans whichever worker runs it.
 */
export function workerTracing(tracing: Tracing | undefined): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  if (!tracing) return { sinks: { exporter: { export: { fn: () => {}, callDuringReplay: false } } } };
  const options = { tracer: tracing.tracer };
  return {
    interceptors: {
      activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx, options), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
    },
    sinks: { exporter: tracing.workflowSpans },
  };
}

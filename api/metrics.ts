/**
 * The API's Prometheus metrics: every route's requests by method, route pattern and status code (their
 * rate, and the errors among them) and their latency as a histogram (fastify-metrics), with Node.js's
 * own (event-loop lag, heap, garbage collection, from prom-client). Served like the worker's
 * (WORKER_METRICS_ADDRESS) on an address of their own, API_METRICS_ADDRESS, never on the public port.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyMetrics from 'fastify-metrics';
import { Registry } from 'prom-client';

// A CommonJS module whose plugin is its `default` export: under Node's ESM interop that is a property.
const metricsPlugin = fastifyMetrics.default;

/** Records the app's requests into `registry`. */
export async function recordMetrics(app: FastifyInstance, registry: Registry): Promise<void> {
  await app.register(metricsPlugin, {
    endpoint: null,
    defaultMetrics: { enabled: true, register: registry },
    routeMetrics: {
      enabled: { histogram: true, summary: false },
      overrides: { histogram: { registers: [registry], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] } },
    },
  });
}

/** Serves `registry` at http://<address>/metrics; returns how to stop. */
export async function serveMetrics(registry: Registry, address: string): Promise<() => Promise<void>> {
  const [, host, port] = /^(.+):(\d+)$/.exec(address)!;
  const server = Fastify({ logger: false });
  server.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  await server.listen({ host, port: Number(port) });
  return () => server.close();
}

export const metricsRegistry = () => new Registry();

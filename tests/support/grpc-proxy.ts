/**
 * A pass-through gRPC proxy between a worker and the Temporal server, so a test can lose a workflow task
 * the way a real run does: the worker finishes it, but its completion never reaches the server (held
 * while the server restarts, or answered "not found"). Every WorkflowService call is forwarded as raw
 * bytes; only RespondWorkflowTaskCompleted is looked at, and only while a hold is armed.
 */
import * as grpc from '@grpc/grpc-js';
import proto from '@temporalio/proto';
import { DefaultLogger, Runtime } from '@temporalio/worker';

const SERVICE = 'temporal.api.workflowservice.v1.WorkflowService';
const COMPLETION = 'RespondWorkflowTaskCompleted';
const bytes = (b: Buffer) => b;

type Callback = grpc.sendUnaryData<Buffer>;

interface Held {
  workflowId: string;
  /** Answers the worker: the task is gone, as a restarted server would say. */
  lose(): void;
}

export interface GrpcProxy {
  address: string;
  /**
   * Holds the next completion of a task of this workflow (the worker waits for its answer) and resolves
   * once one is held. Nothing of it reaches the server.
   */
  holdNextCompletion(workflowId: string): Promise<Held>;
  /** Forgets the holds not yet used. */
  cancelHolds(): void;
  /** No call gets through or is answered from now on, as if the worker's network were cut. */
  cut(): void;
  close(): Promise<void>;
}

/** For the tests that lose tasks and cut workers off on purpose: the SDK's warnings about it are expected. */
export function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  } catch {
    // already installed in this process
  }
}

export async function startGrpcProxy(upstream: string): Promise<GrpcProxy> {
  const client = new grpc.Client(upstream, grpc.credentials.createInsecure());
  const server = new grpc.Server();
  const holds: { workflowId: string; resolve: (held: Held) => void }[] = [];
  const heldCalls = new Set<Held>();
  const hanging = new Set<Callback>();
  let isCut = false;

  const forward = (method: string, request: Buffer, call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: Callback) => {
    client.makeUnaryRequest(`/${SERVICE}/${method}`, bytes, bytes, request, call.metadata, { deadline: call.getDeadline() }, (err, response) =>
      err ? callback(err) : callback(null, response),
    );
  };

  const definition: Record<string, grpc.MethodDefinition<Buffer, Buffer>> = {};
  const implementation: grpc.UntypedServiceImplementation = {};
  // The reflected service lists every method; all of WorkflowService's are unary.
  const service = proto.temporal.api.workflowservice.v1.WorkflowService as unknown as { methods: Record<string, unknown> };
  for (const method of Object.keys(service.methods)) {
    definition[method] = {
      path: `/${SERVICE}/${method}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: bytes,
      requestDeserialize: bytes,
      responseSerialize: bytes,
      responseDeserialize: bytes,
    };
    implementation[method] = (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: Callback) => {
      if (isCut) return void hanging.add(callback);
      const request = call.request;
      if (method === COMPLETION && holds.length > 0) {
        const token = Buffer.from(proto.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest.decode(request).taskToken);
        const index = holds.findIndex((h) => token.includes(h.workflowId));
        if (index >= 0) {
          const [hold] = holds.splice(index, 1);
          const held: Held = {
            workflowId: hold.workflowId,
            lose: () => {
              if (!heldCalls.delete(held)) return;
              callback({ code: grpc.status.NOT_FOUND, details: 'Workflow task not found.' });
            },
          };
          heldCalls.add(held);
          hold.resolve(held);
          return;
        }
      }
      forward(method, request, call, callback);
    };
  }
  server.addService(definition, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );

  const proxy: GrpcProxy = {
    address: `127.0.0.1:${port}`,
    holdNextCompletion: (workflowId) => new Promise((resolve) => holds.push({ workflowId, resolve })),
    cancelHolds: () => void holds.splice(0),
    cut() {
      isCut = true;
    },
    async close() {
      for (const held of [...heldCalls]) held.lose();
      for (const callback of hanging) callback({ code: grpc.status.UNAVAILABLE, details: 'proxy closed' });
      server.forceShutdown();
      client.close();
    },
  };
  return proxy;
}

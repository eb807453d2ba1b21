// A typed client made from a service's generated definition (ts-proto's
// <Name>ServiceService): one method per RPC, named as in the definition, with
// its request and response types. Adding an RPC to a .proto file adds it here
// with nothing to edit.
import type * as grpc from "@grpc/grpc-js";
import { serviceTarget, type ServiceName } from "./config";
import { clientConnection } from "./connection";
import { Downstream, type CallOptions } from "./downstream";

type Definition = Record<string, grpc.MethodDefinition<any, any>>;

type RequestOf<M> = M extends grpc.MethodDefinition<infer Req, any> ? Req : never;
type ResponseOf<M> = M extends grpc.MethodDefinition<any, infer Res> ? Res : never;

/**
 * Unary calls answer a Promise, server-streaming calls an AsyncGenerator.
 * Client and bidirectional streaming have no shape here (no contract of ours
 * uses them), so such a method is left out of the client.
 */
type Call<M> = M extends { requestStream: true }
  ? never
  : M extends { responseStream: true }
    ? (request: RequestOf<M>, options?: CallOptions) => AsyncGenerator<ResponseOf<M>>
    : (request: RequestOf<M>, options?: CallOptions) => Promise<ResponseOf<M>>;

export type ServiceClient<D extends Definition> = {
  [K in keyof D as Call<D[K]> extends never ? never : K]: Call<D[K]>;
} & {
  /** The service, its address and default deadline, and close(). */
  downstream: Downstream;
};

export interface ServiceClientOptions<D extends Definition> {
  /** A gRPC target; LECTRA_<SERVICE>_ADDR or the default port by default. */
  address?: string;
  /** Default deadlines for some methods, instead of the service's. */
  timeoutsMs?: Partial<Record<keyof D, number>>;
  /** Where TLS settings and the API token are read from (connection.ts); process.env by default. */
  env?: NodeJS.ProcessEnv;
}

export function serviceClient<D extends Definition>(service: ServiceName, definition: D, options: ServiceClientOptions<D> = {}): ServiceClient<D> {
  const downstream = new Downstream(service, options.address ?? serviceTarget(service), clientConnection(service, options.env));
  const client: Record<string, unknown> = { downstream };
  for (const [name, method] of Object.entries(definition)) {
    if (method.requestStream) continue;
    const call = method.responseStream ? downstream.stream.bind(downstream) : downstream.unary.bind(downstream);
    client[name] = (request: unknown, opts: CallOptions = {}) => call(method, request, { ...opts, timeoutMs: opts.timeoutMs ?? options.timeoutsMs?.[name] });
  }
  return client as ServiceClient<D>;
}

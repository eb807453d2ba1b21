// grpc.health.v1 from the caller's side: is a service there and SERVING?
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { protoPath as healthProtoPath } from "grpc-health-check";
import { clientConnection } from "./connection";

type HealthStatus = "UNKNOWN" | "SERVING" | "NOT_SERVING" | "SERVICE_UNKNOWN";
interface HealthClient extends grpc.Client {
  check(
    request: { service: string },
    options: Partial<grpc.CallOptions>,
    callback: (error: grpc.ServiceError | null, response: { status: HealthStatus }) => void,
  ): grpc.ClientUnaryCall;
}
type HealthClientClass = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => HealthClient;
const HealthClientClass = (
  grpc.loadPackageDefinition(protoLoader.loadSync(healthProtoPath, { enums: String })) as unknown as {
    grpc: { health: { v1: { Health: HealthClientClass } } };
  }
).grpc.health.v1.Health;

/**
 * One grpc.health.v1 Check; "UNREACHABLE" when nothing answers (a TLS
 * handshake that fails included). TLS settings come from `env`: health needs
 * no API token, so probes need none either.
 */
export function checkHealth(address: string, timeoutMs = 1000, env: NodeJS.ProcessEnv = process.env): Promise<HealthStatus | "UNREACHABLE"> {
  const { credentials, options } = clientConnection(undefined, env);
  const client = new HealthClientClass(address, credentials, options);
  return new Promise((resolve) => {
    client.check({ service: "" }, { deadline: Date.now() + timeoutMs }, (error, response) => {
      client.close();
      resolve(error ? "UNREACHABLE" : response.status);
    });
  });
}

/** Polls health until the service at `address` is SERVING, or throws after `timeoutMs`. */
export async function waitUntilServing(
  address: string,
  { timeoutMs = 30_000, signal, env }: { timeoutMs?: number; signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {},
) {
  const until = Date.now() + timeoutMs;
  let last: string = "UNREACHABLE";
  while (Date.now() < until) {
    signal?.throwIfAborted();
    last = await checkHealth(address, 1000, env);
    if (last === "SERVING") return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${address} is not SERVING after ${timeoutMs} ms (last health: ${last})`);
}

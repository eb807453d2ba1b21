// Runs one LECTRA service: its gRPC handlers plus grpc.health.v1 and server
// reflection (so grpcurl works), with graceful shutdown on SIGTERM/SIGINT:
// report NOT_SERVING, stop accepting, let calls in flight finish (up to
// LECTRA_SHUTDOWN_GRACE_MS), flush spans, exit.
import * as grpc from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import { dialAddress, envInt, MAX_MESSAGE_BYTES } from "@lectra/clients";
import { createLogger, type Logger } from "./log";
import { reflectionService } from "./reflection";
import type { Telemetry } from "./telemetry";

export interface ServiceBinding {
  /** Fully qualified, e.g. "lectra.v1.LlmService". */
  name: string;
  definition: grpc.ServiceDefinition;
  implementation: grpc.UntypedServiceImplementation;
}

export interface RunOptions {
  /** Short name for logs, e.g. "llm". */
  name: string;
  address: string;
  services: ServiceBinding[];
  telemetry: Telemetry;
  log?: Logger;
  /** Runs after the service stops being healthy and before the server drains. */
  beforeDrain?: () => Promise<void> | void;
  /** Runs after the server has stopped. */
  afterStop?: () => Promise<void> | void;
  /** Don't install signal handlers (tests that run a service in-process). */
  noSignals?: boolean;
}

export interface RunningService {
  /** The address clients dial, with the real port when 0 was asked for. */
  address: string;
  health: HealthImplementation;
  stop(reason?: string): Promise<void>;
}

export const SERVER_OPTIONS: grpc.ServerOptions = {
  "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
  "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
  // Callers balance over every replica a name resolves to, but only resolve it
  // again when a connection ends. Ending each connection after five minutes
  // (calls in flight finish on it: the grace period is unlimited) lets replicas
  // added since, by `--scale` or an autoscaler, take their share.
  "grpc.max_connection_age_ms": 5 * 60_000,
};

export async function runService(options: RunOptions): Promise<RunningService> {
  const log = options.log ?? createLogger(options.name);
  const server = new grpc.Server(SERVER_OPTIONS);
  const names = options.services.map((s) => s.name);
  const health = new HealthImplementation(Object.fromEntries(["", ...names].map((n) => [n, "NOT_SERVING" as const])));

  for (const s of options.services) server.addService(s.definition, s.implementation);
  health.addToServer(server);
  reflectionService([...names, "grpc.health.v1.Health"]).addToServer(server);

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(options.address, grpc.ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(new Error(`cannot listen on ${options.address}: ${error.message}`)) : resolve(port),
    ),
  );
  const bound = options.address.replace(/:\d+$/, `:${port}`);
  const address = dialAddress(bound);
  for (const n of ["", ...names]) health.setStatus(n, "SERVING");
  log.info(`serving ${names.join(", ")} on ${bound}`, { tracing: options.telemetry.endpoint ?? "off" });

  const graceMs = envInt("LECTRA_SHUTDOWN_GRACE_MS", 10_000, { min: 0 });
  let stopping: Promise<void> | undefined;
  const stop = (reason = "stop") =>
    (stopping ??= (async () => {
      log.info(`${reason}: draining`, { graceMs });
      for (const n of ["", ...names]) health.setStatus(n, "NOT_SERVING");
      await options.beforeDrain?.();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          log.warn("calls still running after the grace period; stopping them");
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      await options.afterStop?.();
      await options.telemetry.shutdown();
      log.info("stopped");
    })());

  if (!options.noSignals) {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => {
        void stop(signal).then(() => process.exit(0));
      });
    }
  }
  return { address, health, stop };
}

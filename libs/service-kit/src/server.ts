// Runs one LECTRA service: its gRPC handlers plus grpc.health.v1 and server
// reflection (so grpcurl works), with graceful shutdown on SIGTERM/SIGINT:
// report NOT_SERVING, stop accepting, let calls in flight finish (up to
// LECTRA_SHUTDOWN_GRACE_MS), flush spans, exit. TLS comes from LECTRA_TLS_*
// (@lectra/clients' tls.ts); the public API's tokens and request size from
// public-api.ts.
import * as net from "node:net";
import * as grpc from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import { addressEnv, ConfigError, dialAddress, envInt, isListening, MAX_MESSAGE_BYTES, portOf, serverTls, SERVICES, type ServiceName } from "@lectra/clients";
import { createLogger, type Logger } from "./log";
import { publicApiSettings, stopReadingWhenAnswered, tokenGuard } from "./public-api";
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
  /**
   * This server is the public API (the orchestrator's): API tokens guard its
   * services, requests are held to LECTRA_MAX_REQUEST_BYTES, and mutual TLS
   * asks no client certificate (public-api.ts).
   */
  publicApi?: boolean;
  /** Where settings are read from; process.env by default (tests pass their own). */
  env?: NodeJS.ProcessEnv;
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
  const env = options.env ?? process.env;
  const names = options.services.map((s) => s.name);
  const health = new HealthImplementation(Object.fromEntries(["", ...names].map((n) => [n, "NOT_SERVING" as const])));
  const tls = serverTls(env, { clientCertificates: !options.publicApi });
  const reflection = reflectionEnabled(env);
  const api = options.publicApi ? publicApiSettings(env) : undefined;
  const serverOptions: grpc.ServerOptions = {
    ...SERVER_OPTIONS,
    ...(api && { "grpc.max_receive_message_length": api.maxRequestBytes }),
    // stopReadingWhenAnswered first: it needs grpc-js's own call (public-api.ts).
    ...(api && { interceptors: [stopReadingWhenAnswered(), ...(api.tokens.length ? [tokenGuard(api.tokens, names, log)] : [])] }),
  };

  // A server per attempt to bind: grpc-js keeps a failed bind's outcome for its port.
  const makeServer = () => {
    const server = new grpc.Server(serverOptions);
    for (const s of options.services) server.addService(s.definition, s.implementation);
    health.addToServer(server);
    if (reflection) reflectionService([...names, "grpc.health.v1.Health"]).addToServer(server);
    return server;
  };
  const { server, port } = await bindRetrying(makeServer, options.address, tls.credentials, options.name, log);
  const bound = options.address.replace(/:\d+$/, `:${port}`);
  const address = dialAddress(bound);
  for (const n of ["", ...names]) health.setStatus(n, "SERVING");
  log.info(`serving ${names.join(", ")} on ${bound}`, {
    tracing: options.telemetry.endpoint ?? "off",
    transport: tls.mode,
    reflection: reflection ? "on" : "off",
    ...(api && { apiTokens: api.tokens.length > 0 ? api.tokens.length : "none (open)", maxRequestBytes: api.maxRequestBytes }),
  });

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

/** LECTRA_REFLECTION: on unless `off` (also 0, false, no). */
export function reflectionEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env.LECTRA_REFLECTION?.trim().toLowerCase() ?? "";
  if (["", "on", "1", "true", "yes"].includes(raw)) return true;
  if (["off", "0", "false", "no"].includes(raw)) return false;
  throw new ConfigError(`LECTRA_REFLECTION=${env.LECTRA_REFLECTION}: expected on or off`);
}

/**
 * How long start-up waits for its port while something that is not a server
 * holds it: a socket that connected to itself, then its TIME_WAIT, which
 * Linux keeps for 60 s (@lectra/clients' ports.ts).
 */
export const BIND_WAIT_MS = 70_000;
/** How long start-up waits for its port while another server listens on it (one that is stopping may free it). */
export const BIND_WAIT_FOR_LISTENER_MS = 3_000;

/**
 * Binds `address`, trying again while the port is in use. On one machine a
 * client that dials a port before anything listens there (a health poll, a
 * channel reconnecting to a service that is restarting) can be given that very
 * port as its source port and connect to itself; the port is then held for a
 * minute, though nothing serves on it. That is waited out, saying so. A port
 * another server listens on is a real conflict: start-up fails after a few
 * seconds, saying what to do.
 */
async function bindRetrying(
  makeServer: () => grpc.Server,
  address: string,
  credentials: grpc.ServerCredentials,
  name: string,
  log: Logger,
): Promise<{ server: grpc.Server; port: number }> {
  const started = Date.now();
  const port = portOf(address);
  let lastWarning = -Infinity;
  for (;;) {
    const server = makeServer();
    try {
      const bound = await new Promise<number>((resolve, reject) =>
        server.bindAsync(address, credentials, (error, port) => (error ? reject(error) : resolve(port))),
      );
      return { server, port: bound };
    } catch (error) {
      server.forceShutdown();
      const message = error instanceof Error ? error.message : String(error);
      if (!/EADDRINUSE/.test(message)) throw new Error(`cannot listen on ${address}: ${message}`);
    }
    // Wait with plain listens, which grpc-js does not log an error for, until the port is free.
    for (let delayMs = 50; !(await canListen(address)); delayMs = Math.min(delayMs * 2, 1000)) {
      // Only Linux says who holds it; elsewhere assume a server.
      const listener = port === undefined || isListening(port) !== false;
      const waited = Date.now() - started;
      if (waited + delayMs > (listener ? BIND_WAIT_FOR_LISTENER_MS : BIND_WAIT_MS)) {
        const variable = SERVICES.includes(name as ServiceName) ? addressEnv(name as ServiceName) : "its address";
        const who = listener ? "another server listens on it" : "a socket that is not a server holds it";
        throw new Error(
          `cannot listen on ${address}: the port is still in use after ${waited} ms; ${who} ` +
            `(\`ss -tanp | grep :${port}\` shows which). Stop it, or set ${variable} to a free port`,
        );
      }
      if (Date.now() - lastWarning >= 10_000) {
        lastWarning = Date.now();
        log.warn(
          listener
            ? `${address} is in use by another server; trying again for a few seconds in case it is stopping`
            : `${address} is in use, by no server: a client that dialled it before this service listened connected to itself, ` +
                `and Linux holds such a port for up to 60 s; waiting for it`,
        );
      }
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}

/** Whether host:port can be listened on now: a plain listen, closed at once. Other errors are left to grpc-js to report. */
function canListen(address: string): Promise<boolean> {
  const m = /^(.*):(\d+)$/.exec(address);
  if (!m) return Promise.resolve(true);
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", (e: NodeJS.ErrnoException) => resolve(e.code !== "EADDRINUSE"));
    probe.listen(Number(m[2]), m[1].replace(/^\[|\]$/g, ""), () => probe.close(() => resolve(true)));
  });
}

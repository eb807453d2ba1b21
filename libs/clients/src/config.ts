// Configuration comes from the environment only, with defaults that run all six
// services on one machine. It lives with the clients because callers need it
// (where a service is, how long to wait for it); the services read their own
// settings with the same rules, through @lectra/service-kit.

export const SERVICES = ["orchestrator", "llm", "images", "slides", "speech", "video"] as const;
export type ServiceName = (typeof SERVICES)[number];

export const DEFAULT_PORTS: Record<ServiceName, number> = {
  orchestrator: 50051,
  llm: 50052,
  images: 50053,
  slides: 50054,
  speech: 50055,
  video: 50056,
};

/** Deadlines for calls to each service, in ms, overridable by LECTRA_<SERVICE>_TIMEOUT_MS. */
export const DEFAULT_TIMEOUTS_MS: Record<ServiceName, number> = {
  orchestrator: 30_000,
  // A model call may take a repair round-trip on top of its own 90 s deadline.
  llm: 300_000,
  images: 30_000,
  slides: 60_000,
  speech: 120_000,
  video: 900_000,
};

/** Large enough for a long lecture's narration and frames in one message. */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export class ConfigError extends Error {
  override name = "ConfigError";
}

const envKey = (service: ServiceName, what: string) => `LECTRA_${service.toUpperCase()}_${what}`;

/** The variable that says where a service is: LECTRA_<SERVICE>_ADDR. */
export const addressEnv = (service: ServiceName) => envKey(service, "ADDR");

/**
 * Where callers reach a service: LECTRA_<SERVICE>_ADDR, or 127.0.0.1 and its
 * default port. Any gRPC target works — `host:port`, `dns:///speech:50055`
 * (every address the name resolves to), `ipv4:10.0.0.1:50055,10.0.0.2:50055` —
 * and calls are spread over all of them (round_robin, see downstream.ts).
 */
export function serviceTarget(service: ServiceName, env: NodeJS.ProcessEnv = process.env): string {
  return env[addressEnv(service)]?.trim() || `127.0.0.1:${DEFAULT_PORTS[service]}`;
}

/**
 * Where a service listens: its own LECTRA_<SERVICE>_ADDR, which must then be a
 * plain host:port (a container sets 0.0.0.0:<port>). A target naming several
 * replicas only makes sense to callers, so it is refused here with that said.
 */
export function listenAddress(service: ServiceName, env: NodeJS.ProcessEnv = process.env): string {
  const value = serviceTarget(service, env);
  if (!/^(\[[0-9a-fA-F:.]+\]|[^\s/:,\[\]]+):\d{1,5}$/.test(value)) {
    throw new ConfigError(
      `${addressEnv(service)}="${value}": the ${service} service listens on host:port (e.g. 0.0.0.0:${DEFAULT_PORTS[service]}); ` +
        "gRPC targets such as dns:///name:port are for the services that call it",
    );
  }
  return value;
}

export function serviceTimeoutMs(service: ServiceName, env: NodeJS.ProcessEnv = process.env): number {
  return envInt(envKey(service, "TIMEOUT_MS"), DEFAULT_TIMEOUTS_MS[service], { min: 1, env });
}

export function envString(name: string, fallback: string, env: NodeJS.ProcessEnv = process.env): string {
  return env[name]?.trim() || fallback;
}

export function envInt(
  name: string,
  fallback: number,
  { min = -Infinity, max = Infinity, env = process.env }: { min?: number; max?: number; env?: NodeJS.ProcessEnv } = {},
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}=${raw}: expected a whole number${Number.isFinite(min) ? ` from ${min}` : ""}${Number.isFinite(max) ? ` to ${max}` : ""}`);
  }
  return value;
}

export function envFlag(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(1|true|yes|on)$/i.test(env[name]?.trim() ?? "");
}

/** Rewrites host:0 ports and the like into the address a client should dial. */
export function dialAddress(address: string): string {
  return address.replace(/^0\.0\.0\.0:/, "127.0.0.1:").replace(/^\[::\]:/, "[::1]:");
}

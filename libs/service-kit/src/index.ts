// The server runtime every LECTRA service shares: logs, errors, handlers, the
// server wire-up (health, reflection, graceful shutdown) and the result cache.
// Telemetry is a separate entry point (@lectra/service-kit/telemetry) because
// it must load before @grpc/grpc-js.
//
// Not here: calling a service (@lectra/clients), starting one as a process
// (@lectra/launcher), retrying outbound HTTP (@lectra/resilience).
export * from "./log";
export * from "./errors";
export * from "./handlers";
export * from "./server";
export * from "./public-api";
export * from "./cache";
export type { Telemetry } from "./telemetry";
// Settings come from the environment by the rules the clients use (one owner,
// @lectra/clients); a service reads its own settings through here.
export {
  ConfigError,
  dialAddress,
  envFlag,
  envInt,
  envString,
  listenAddress,
  serviceTarget,
  SERVICES,
  statusName,
  type ServiceName,
} from "@lectra/clients";

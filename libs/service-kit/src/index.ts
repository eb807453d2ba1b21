// What every LECTRA service shares: config, logs, errors, handlers, the server
// wire-up and typed clients. Telemetry is a separate entry point
// (@lectra/service-kit/telemetry) because it must load before @grpc/grpc-js.
export * from "./config";
export * from "./log";
export * from "./errors";
export * from "./handlers";
export * from "./server";
export * from "./clients";
export * from "./launcher";
export * from "./binaries";
export * from "./resilience";
export * from "./cache";
export type { Telemetry } from "./telemetry";

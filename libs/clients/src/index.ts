// How to reach a LECTRA service: where it is (config), typed clients made from
// the generated service definitions, the errors a caller sees, and health.
// Nothing of the server runtime: the CLI and tests use this without it.
export * from "./config";
export * from "./errors";
export * from "./cache-header";
export * from "./downstream";
export * from "./service-client";
export * from "./services";
export * from "./health";

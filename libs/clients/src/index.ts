// How to reach a LECTRA service: where it is (config), typed clients made from
// the generated service definitions, the errors a caller sees, health, and
// how connections are secured (TLS, API tokens).
// Nothing of the server runtime (the CLI and tests use this without it), except
// the server's TLS credentials: tls.ts reads the TLS variables for both ends.
export * from "./config";
export * from "./errors";
export * from "./cache-header";
export * from "./downstream";
export * from "./retry";
export * from "./service-client";
export * from "./services";
export * from "./health";
export * from "./tls";
export * from "./connection";
export * from "./ports";

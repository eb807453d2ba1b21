// Helpers for LECTRA's process-level tests.
export * from "./processes";
export * from "./png";
export * from "./otlp-receiver";
export * from "./media";
export * from "./lectra";
export * from "./waiting";
export * from "./lecture-checks";
export * from "./in-process";
export * from "./pki";
export * from "./self-connect";

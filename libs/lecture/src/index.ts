// The lecture domain: pure functions shared by the services.
export * from "./script";
export * from "./script-writer";
export * from "./text";
export * from "./limits";
export * from "./prosody";
export * from "./language";
export * from "./sentences";
export * from "./timeline";
export * from "./wav";
export * from "./aac-frames";
export * from "./narration-parts";
export * from "./priority";

// Loaded first by main.ts, before anything loads @grpc/grpc-js (see service-kit/telemetry).
import { startTelemetry } from "@lectra/service-kit/telemetry";

export const telemetry = startTelemetry("lectra-slides");

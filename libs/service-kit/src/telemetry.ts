// OpenTelemetry for a LECTRA service. This module must be loaded before
// @grpc/grpc-js: the gRPC instrumentation patches the library when it is first
// required, and a copy loaded earlier is silently left untraced. Each service's
// src/tracing.ts calls startTelemetry() and is the first import of its main.ts.
//
// Spans always get ids (a job's trace id is in its record), but they leave the
// process only when OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set: no endpoint, no exporter, no
// network, no log or metric pipelines either. Nothing in LECTRA reads spans
// back: they are output only.
import { trace, type Tracer } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { GrpcInstrumentation } from "@opentelemetry/instrumentation-grpc";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from "@opentelemetry/sdk-trace-base";

/** Health checks and reflection are plumbing: they stay out of traces. */
const UNTRACED_METHODS = ["Check", "Watch", "check", "watch", "ServerReflectionInfo", "serverReflectionInfo"];

export interface Telemetry {
  serviceName: string;
  tracer: Tracer;
  /** Where spans are exported, or undefined when they are not. */
  endpoint: string | undefined;
  /** Flushes and stops; call once, on shutdown. */
  shutdown(): Promise<void>;
}

export function otlpEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || undefined;
}

export function startTelemetry(defaultServiceName: string): Telemetry {
  const serviceName = process.env.OTEL_SERVICE_NAME?.trim() || defaultServiceName;
  const endpoint = otlpEndpoint();
  // With no endpoint, a processor that drops every span: the SDK still sets up
  // tracing, so every job gets a real trace id and the context still flows.
  // The exporter reads the endpoint (and OTEL_EXPORTER_OTLP_HEADERS) from the environment itself.
  const spanProcessors: SpanProcessor[] = [endpoint ? new BatchSpanProcessor(new OTLPTraceExporter()) : new NoopSpanProcessor()];

  const sdk = new NodeSDK({
    serviceName,
    spanProcessors,
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [new GrpcInstrumentation({ ignoreGrpcMethods: UNTRACED_METHODS })],
  });
  sdk.start();

  let stopped: Promise<void> | undefined;
  return {
    serviceName,
    tracer: trace.getTracer("lectra"),
    endpoint,
    shutdown: () => (stopped ??= sdk.shutdown().catch(() => undefined)),
  };
}

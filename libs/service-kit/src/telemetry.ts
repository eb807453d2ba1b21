// OpenTelemetry for a LECTRA service. This module must be loaded before
// @grpc/grpc-js: the gRPC instrumentation patches the library when it is first
// required, and a copy loaded earlier is silently left untraced. Each service's
// src/tracing.ts calls startTelemetry() and is the first import of its main.ts.
//
// Spans are always recorded (the orchestrator computes its stage report from
// them), but they leave the process only when OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set: no endpoint, no exporter, no
// network, no log or metric pipelines either.
import { trace, type Tracer } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { GrpcInstrumentation } from "@opentelemetry/instrumentation-grpc";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { BatchSpanProcessor, type ReadableSpan, type SpanProcessor } from "@opentelemetry/sdk-trace-base";

/** Health checks and reflection are plumbing: they stay out of traces. */
const UNTRACED_METHODS = ["Check", "Watch", "check", "watch", "ServerReflectionInfo", "serverReflectionInfo"];

/** Hands every ended span to whoever listens in this process (the orchestrator's job recorder). */
export class SpanSink implements SpanProcessor {
  private readonly listeners = new Set<(span: ReadableSpan) => void>();

  listen(listener: (span: ReadableSpan) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    for (const listener of this.listeners) listener(span);
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {
    this.listeners.clear();
  }
}

export interface Telemetry {
  serviceName: string;
  tracer: Tracer;
  spans: SpanSink;
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
  const spans = new SpanSink();
  const spanProcessors: SpanProcessor[] = [spans];
  // The exporter reads the endpoint (and OTEL_EXPORTER_OTLP_HEADERS) from the environment itself.
  if (endpoint) spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter()));

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
    spans,
    endpoint,
    shutdown: () => (stopped ??= sdk.shutdown().catch(() => undefined)),
  };
}

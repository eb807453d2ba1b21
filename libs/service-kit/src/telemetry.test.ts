import { test } from "node:test";
import * as assert from "node:assert/strict";
import { startTelemetry } from "./telemetry";

test("with no endpoint nothing is exported, yet every span has a real trace id (a job's record shows it)", async () => {
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const telemetry = startTelemetry("lectra-test");
  assert.equal(telemetry.endpoint, undefined);
  const span = telemetry.tracer.startSpan("lectra.job");
  assert.match(span.spanContext().traceId, /^[0-9a-f]{32}$/);
  assert.notEqual(span.spanContext().traceId, "0".repeat(32));
  span.end();
  await telemetry.shutdown();
});

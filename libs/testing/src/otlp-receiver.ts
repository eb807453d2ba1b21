// An OTLP/HTTP trace receiver, the protocol Jaeger listens for on port 4318:
// POST /v1/traces with an ExportTraceServiceRequest (JSON, as
// @opentelemetry/exporter-trace-otlp-http sends it). It keeps every span so a
// test can assert the trace's shape.
import * as http from "node:http";
import * as zlib from "node:zlib";
import type { AddressInfo } from "node:net";

export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startMs: number;
  endMs: number;
  attributes: Record<string, string | number | boolean>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
type OtlpAttributes = Array<{ key: string; value: OtlpValue }> | undefined;

function attributes(list: OtlpAttributes): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    out[key] = value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.doubleValue ?? value.boolValue ?? "";
  }
  return out;
}

/** OTLP/JSON ids are hex; some exporters send base64: accept both. */
function hexId(id: string | undefined): string {
  if (!id) return "";
  return /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, "base64").toString("hex");
}

export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  private server = http.createServer((req, res) => this.handle(req, res));

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  /** Waits until `done(spans)` holds, or fails after `timeoutMs`. */
  async waitFor(done: (spans: ReceivedSpan[]) => boolean, timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!done(this.spans)) {
      if (Date.now() > until) throw new Error(`spans did not arrive within ${timeoutMs} ms (have ${this.spans.length})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/traces") {
        res.writeHead(404).end();
        return;
      }
      try {
        let body = Buffer.concat(parts);
        if (req.headers["content-encoding"] === "gzip") body = zlib.gunzipSync(body);
        if (!String(req.headers["content-type"]).includes("json")) throw new Error(`expected OTLP/JSON, got ${req.headers["content-type"]}`);
        this.ingest(JSON.parse(body.toString("utf8")));
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      } catch (error) {
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ message: String(error) }));
      }
    });
  }

  private ingest(request: { resourceSpans?: Array<{ resource?: { attributes?: OtlpAttributes }; scopeSpans?: Array<{ spans?: any[] }> }> }) {
    for (const rs of request.resourceSpans ?? []) {
      const service = String(attributes(rs.resource?.attributes)["service.name"] ?? "");
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          this.spans.push({
            service,
            traceId: hexId(s.traceId),
            spanId: hexId(s.spanId),
            parentSpanId: hexId(s.parentSpanId),
            name: s.name,
            kind: s.kind,
            startMs: Number(BigInt(s.startTimeUnixNano) / 1000n) / 1000,
            endMs: Number(BigInt(s.endTimeUnixNano) / 1000n) / 1000,
            attributes: attributes(s.attributes),
          });
        }
      }
    }
  }
}

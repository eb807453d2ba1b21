// What the fake servers share: a loopback HTTP server with a base URL, JSON
// answers, and a latency knob, so tests can make a fake slow and the benchmark
// can replay measured latencies (bench/src/latencies.ts).
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export type Handler = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void | Promise<void>;

export class FakeHttpServer {
  readonly server: http.Server;
  /** Every request seen, for assertions: method, path with query, parsed JSON body when there was one. */
  readonly requests: Array<{ method: string; url: string; body: unknown }> = [];
  /** Requests being answered now, and the most there ever were at once (do concurrency limits hold?). */
  inFlight = 0;
  maxInFlight = 0;

  constructor(handler: Handler) {
    this.server = http.createServer((req, res) => {
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      res.once("close", () => this.inFlight--);
      const parts: Buffer[] = [];
      req.on("data", (d: Buffer) => parts.push(d));
      req.on("end", () => {
        const body = Buffer.concat(parts);
        let parsed: unknown = undefined;
        try {
          parsed = body.length ? JSON.parse(body.toString("utf8")) : undefined;
        } catch {
          parsed = body.toString("utf8");
        }
        this.requests.push({ method: req.method ?? "", url: req.url ?? "", body: parsed });
        Promise.resolve(handler(req, body, res)).catch((error: unknown) => {
          if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: String(error) }));
        });
      });
    });
  }

  /** Listens on a free loopback port; resolves with the base URL, e.g. http://127.0.0.1:41234. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Waits `ms` milliseconds (0 = no wait); fakes call it to answer like a slow server. */
export function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

// The clients made from the generated definitions, against an in-process
// LectraService: the call shapes, deadlines, errors, cache metadata and
// cancellation every caller relies on.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { GenerateRequest, GenerateResponse, GetJobResponse, Job, LectraServiceService, type LectraServiceServer } from "@lectra/proto";
import { CACHE_HEADER } from "./cache-header";
import { DependencyError } from "./errors";
import { lectraClient, type LectraClient } from "./services";

const EVENTS = 50;
const TOPIC = GenerateRequest.fromPartial({ source: { $case: "topic", value: "Tides" } });
/** The deadline each call arrived with, in ms from when it arrived. */
const deadlines: Record<string, number> = {};
let cancelled = 0;

const record = (method: string, call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>) => {
  deadlines[method] = new Date(call.getDeadline()).getTime() - Date.now();
};

const implementation: Partial<LectraServiceServer> = {
  generate: (call) => {
    record("generate", call);
    for (let i = 0; i < EVENTS; i++) call.write(GenerateResponse.fromPartial({ event: { jobId: `event ${i}` } }));
    call.end();
  },
  getJob: (call, callback) => {
    record("getJob", call);
    if (call.request.jobId === "missing") return callback({ code: grpc.status.NOT_FOUND, details: "no job missing" });
    if (call.metadata.get(CACHE_HEADER)[0] !== "bypass") {
      const md = new grpc.Metadata();
      md.set(CACHE_HEADER, "hit");
      call.sendMetadata(md);
    }
    callback(null, GetJobResponse.fromPartial({ job: Job.fromPartial({ id: call.request.jobId, title: "Tides" }) }));
  },
  // Never answers: the caller has to cancel it.
  cancelJob: (call) => {
    call.on("cancelled", () => cancelled++);
  },
};

let server: grpc.Server;
let address: string;
let client: LectraClient;

before(async () => {
  server = new grpc.Server();
  server.addService(LectraServiceService, implementation as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
  );
  address = `127.0.0.1:${port}`;
  client = lectraClient(address);
});

after(() => {
  client?.downstream.close();
  server?.forceShutdown();
});

describe("a client made from a service definition", () => {
  it("has a method for every RPC of the contract, plus the downstream it calls", () => {
    assert.deepEqual(Object.keys(client).sort(), [...Object.keys(LectraServiceService), "downstream"].sort());
    assert.deepEqual([client.downstream.service, client.downstream.address], ["orchestrator", address]);
  });

  it("answers a unary call with a Promise of the response", async () => {
    const { job } = await client.getJob({ jobId: "j1" });
    assert.deepEqual([job?.id, job?.title], ["j1", "Tides"]);
  });

  it("streams a server-streaming call, every message in order, to a slow reader too", async () => {
    const ids: string[] = [];
    for await (const { event } of client.generate(TOPIC)) {
      ids.push(event!.jobId);
      await new Promise((r) => setTimeout(r, 2));
    }
    assert.deepEqual(ids, Array.from({ length: EVENTS }, (_, i) => `event ${i}`));
  });

  it("gives generate a day, other calls the service's deadline, and a call its own when it asks", async () => {
    for await (const _ of client.generate(TOPIC)) void _;
    const day = 24 * 3600_000;
    assert.ok(Math.abs(deadlines.generate - day) < 5_000, `generate: ${deadlines.generate} ms`);
    await client.getJob({ jobId: "j1" });
    assert.ok(Math.abs(deadlines.getJob - client.downstream.timeoutMs) < 5_000, `getJob: ${deadlines.getJob} ms`);
    await client.getJob({ jobId: "j1" }, { timeoutMs: 2_000 });
    assert.ok(deadlines.getJob <= 2_000 && deadlines.getJob > 0, `getJob with its own: ${deadlines.getJob} ms`);
  });

  it("reports a failure as a DependencyError naming the service, its address and the status", async () => {
    await assert.rejects(client.getJob({ jobId: "missing" }), (e: Error) => {
      assert.ok(e instanceof DependencyError);
      assert.equal(e.code, grpc.status.NOT_FOUND);
      assert.equal(e.message, `orchestrator service (${address}) answered NOT_FOUND: no job missing`);
      return true;
    });
  });

  it("sends bypassCache as metadata and reports a cache hit to onCacheHit", async () => {
    let hits = 0;
    await client.getJob({ jobId: "j1" }, { onCacheHit: () => hits++ });
    assert.equal(hits, 1);
    await client.getJob({ jobId: "j1" }, { bypassCache: true, onCacheHit: () => hits++ });
    assert.equal(hits, 1, "no hit when the cache was bypassed");
  });

  it("cancels a call when its signal aborts, and does not send one whose signal already has", async () => {
    const controller = new AbortController();
    const call = client.cancelJob({ jobId: "j1" }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(call, (e: DependencyError) => e.code === grpc.status.CANCELLED && /call was cancelled/.test(e.message));
    await waitFor(() => cancelled === 1);
    await assert.rejects(client.cancelJob({ jobId: "j1" }, { signal: AbortSignal.abort() }), /cancelled before it was sent/);
    assert.equal(cancelled, 1, "the second call never reached the server");
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000) {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

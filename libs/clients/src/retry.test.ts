// Calls sent again while a service is unavailable, against in-process gRPC
// servers that answer UNAVAILABLE as a restarting service does: only what the
// contract declares safe to send twice, within the deadline, never after the
// caller gave up, a stream only before its first message, and a real restart
// on the same port ridden out.
import { after, afterEach, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import {
  BuildDeckResponse,
  GetJobResponse,
  LectraServiceService,
  ListVoicesResponse,
  SlidesServiceService,
  SpeechServiceService,
  SynthesizeResponse,
} from "@lectra/proto";
import { DependencyError } from "./errors";
import { Retries, RETRY_DELAYS } from "./retry";
import { lectraClient, slidesClient, speechClient } from "./services";

type Outcome = "ok" | "partial" | grpc.status;
const UNAVAILABLE = grpc.status.UNAVAILABLE;

/** What each method answers, call after call (the last entry repeats), and how many calls arrived. */
const plans: Record<string, Outcome[]> = {};
const calls: Record<string, number> = {};
const answer = (method: string): Outcome => {
  const n = (calls[method] = (calls[method] ?? 0) + 1);
  const plan = plans[method] ?? ["ok"];
  return plan[Math.min(n, plan.length) - 1];
};
const failure = (code: grpc.status) => ({ code, details: code === UNAVAILABLE ? "restarting" : "no" });

const unary =
  <T>(method: string, response: T) =>
  (_call: unknown, callback: grpc.sendUnaryData<T>) => {
    const outcome = answer(method);
    if (outcome === "ok") callback(null, response);
    else callback(failure(outcome as grpc.status));
  };

const speech = {
  synthesize: unary("synthesize", SynthesizeResponse.fromPartial({ engine: "test", durationSeconds: 1 })),
  listVoices: unary("listVoices", ListVoicesResponse.fromPartial({ defaultVoice: "en-us" })),
  resolveVoice: unary("resolveVoice", {}),
};
const slides = {
  renderFrames: unary("renderFrames", {}),
  /** "ok": three chunks; "partial": one chunk, then UNAVAILABLE; a code: that status before any chunk. */
  buildDeck: (call: grpc.ServerWritableStream<unknown, BuildDeckResponse>) => {
    const outcome = answer("buildDeck");
    if (outcome === "ok" || outcome === "partial") {
      call.write(BuildDeckResponse.fromPartial({ chunk: Buffer.from("a"), pageCount: 3 }));
      if (outcome === "partial") return call.emit("error", failure(UNAVAILABLE));
      for (const c of ["b", "c"]) call.write(BuildDeckResponse.fromPartial({ chunk: Buffer.from(c) }));
      return call.end();
    }
    call.emit("error", failure(outcome));
  },
};
const lectra = { getJob: unary("getJob", GetJobResponse.fromPartial({})) };

async function serve(port = 0): Promise<{ server: grpc.Server; address: string }> {
  const server = new grpc.Server();
  server.addService(SpeechServiceService, speech as unknown as grpc.UntypedServiceImplementation);
  server.addService(SlidesServiceService, slides as unknown as grpc.UntypedServiceImplementation);
  server.addService(LectraServiceService, lectra as unknown as grpc.UntypedServiceImplementation);
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p))),
  );
  return { server, address: `127.0.0.1:${bound}` };
}

const servers: grpc.Server[] = [];
const closers: Array<() => void> = [];
afterEach(() => {
  for (const key of Object.keys(plans)) delete plans[key];
  for (const key of Object.keys(calls)) delete calls[key];
});
after(() => {
  closers.forEach((close) => close());
  servers.forEach((s) => s.forceShutdown());
});

async function setUp() {
  const { server, address } = await serve();
  servers.push(server);
  const speechC = speechClient(address);
  const slidesC = slidesClient(address);
  const lectraC = lectraClient(address);
  closers.push(() => [speechC, slidesC, lectraC].forEach((c) => c.downstream.close()));
  return { address, speech: speechC, slides: slidesC, lectra: lectraC };
}

describe("retries on UNAVAILABLE", () => {
  let address: string;
  let speech: ReturnType<typeof speechClient>;
  let slides: ReturnType<typeof slidesClient>;
  let lectra: ReturnType<typeof lectraClient>;
  before(async () => ({ address, speech, slides, lectra } = await setUp()));

  it("sends a NO_SIDE_EFFECTS call again until it is answered, telling onRetry each time", async () => {
    plans.synthesize = [UNAVAILABLE, UNAVAILABLE, "ok"];
    const retries: Array<{ attempt: number; delayMs: number }> = [];
    const response = await speech.synthesize({ voice: "", segments: [], priority: 0 }, { onRetry: ({ attempt, delayMs }) => retries.push({ attempt, delayMs }) });
    assert.equal(response.engine, "test");
    assert.equal(calls.synthesize, 3);
    assert.deepEqual(retries.map((r) => r.attempt), [1, 2]);
    assert.ok(retries[0].delayMs >= RETRY_DELAYS.firstMs / 2 && retries[0].delayMs <= RETRY_DELAYS.firstMs, `first delay ${retries[0].delayMs}`);
    assert.ok(retries[1].delayMs >= RETRY_DELAYS.firstMs && retries[1].delayMs <= 2 * RETRY_DELAYS.firstMs, `second delay ${retries[1].delayMs}`);
  });

  it("does not send a call again for any other status", async () => {
    plans.listVoices = [grpc.status.INVALID_ARGUMENT, "ok"];
    await assert.rejects(speech.listVoices({ language: "" }), (e: DependencyError) => e.code === grpc.status.INVALID_ARGUMENT && !/retried/.test(e.message));
    assert.equal(calls.listVoices, 1);
  });

  it("does not send again a call whose contract declares nothing (LectraService.GetJob)", async () => {
    plans.getJob = [UNAVAILABLE, "ok"];
    await assert.rejects(lectra.getJob({ jobId: "j" }), (e: DependencyError) => e.code === UNAVAILABLE && !/retried/.test(e.message));
    assert.equal(calls.getJob, 1);
  });

  it("keeps within the call's deadline, and the error says how often it was retried", async () => {
    plans.synthesize = [UNAVAILABLE];
    const started = Date.now();
    let times = 0;
    await assert.rejects(speech.synthesize({ voice: "", segments: [], priority: 0 }, { timeoutMs: 1_500 }), (e: DependencyError) => {
      assert.equal(e.code, UNAVAILABLE);
      times = e.retried?.times ?? 0;
      // Delays of 100–200 ms and 200–400 ms always fit 1.5 s; a third of 400–800 ms fits only when the draws were short.
      assert.ok(times >= 2, `retried ${times} times`);
      assert.match(e.message, new RegExp(`^speech service \\(${address}\\) is unavailable: restarting \\(retried ${times} times over \\d+\\.\\d s\\)$`));
      return true;
    });
    assert.ok(Date.now() - started <= 1_500, `gave up after ${Date.now() - started} ms`);
    assert.equal(calls.synthesize, 1 + times, "every retry reached the server");
  });

  it("stops at once when the caller's signal aborts while it waits to retry", async () => {
    plans.synthesize = [UNAVAILABLE];
    const controller = new AbortController();
    const call = speech.synthesize({ voice: "", segments: [], priority: 0 }, { signal: controller.signal, onRetry: () => controller.abort() });
    await assert.rejects(call, (e: DependencyError) => {
      assert.equal(e.code, grpc.status.CANCELLED);
      assert.match(e.message, /speech service .* call was cancelled: cancelled while waiting to retry after: restarting \(retried 1 time over/);
      return true;
    });
    await new Promise((r) => setTimeout(r, 2 * RETRY_DELAYS.firstMs));
    assert.equal(calls.synthesize, 1, "nothing was sent after the abort");
  });

  it("sends a stream again while nothing was received, never after its first message", async () => {
    plans.buildDeck = [UNAVAILABLE, "ok"];
    const chunks: string[] = [];
    for await (const m of slides.buildDeck({ slides: [], title: "" } as never)) chunks.push(Buffer.from(m.chunk).toString());
    assert.deepEqual(chunks, ["a", "b", "c"]);
    assert.equal(calls.buildDeck, 2);

    plans.buildDeck = ["partial", "ok"];
    calls.buildDeck = 0;
    const partial: string[] = [];
    await assert.rejects(async () => {
      for await (const m of slides.buildDeck({ slides: [], title: "" } as never)) partial.push(Buffer.from(m.chunk).toString());
    }, (e: DependencyError) => e.code === UNAVAILABLE);
    assert.deepEqual(partial, ["a"], "the part received is not repeated");
    assert.equal(calls.buildDeck, 1);
  });
});

describe("LECTRA_RETRY_WINDOW_MS", () => {
  it("0 turns retries off", async () => {
    const before = process.env.LECTRA_RETRY_WINDOW_MS;
    process.env.LECTRA_RETRY_WINDOW_MS = "0";
    try {
      const { speech } = await setUp();
      plans.synthesize = [UNAVAILABLE, "ok"];
      await assert.rejects(speech.synthesize({ voice: "", segments: [], priority: 0 }), (e: DependencyError) => e.code === UNAVAILABLE);
      assert.equal(calls.synthesize, 1);
    } finally {
      if (before === undefined) delete process.env.LECTRA_RETRY_WINDOW_MS;
      else process.env.LECTRA_RETRY_WINDOW_MS = before;
    }
  });

  it("bounds the time spent retrying, whatever the deadline", () => {
    // Always the longest delay (random() = 1), a window of 5 s, a deadline far away.
    const retries = new Retries(Date.now() + 3_600_000, 5_000, true, () => 1);
    let now = 0;
    const delays: number[] = [];
    for (let d = retries.next(UNAVAILABLE, now); d !== undefined; d = retries.next(UNAVAILABLE, now)) {
      delays.push(d);
      now += d;
    }
    assert.deepEqual(delays, [200, 400, 800, 1_600, 2_000]);
    assert.ok(now <= 5_000);
    assert.deepEqual(retries.summary(now), { times: 5, seconds: 5 });
  });
});

describe("a service restarted on the same address", () => {
  it("answers a call made while it was down, once it is back", async () => {
    const first = await serve();
    const port = Number(first.address.split(":")[1]);
    const speech = speechClient(first.address);
    let again: grpc.Server | undefined;
    try {
      plans.synthesize = ["ok"];
      await speech.synthesize({ voice: "", segments: [], priority: 0 });
      first.server.forceShutdown();
      const retried: number[] = [];
      const call = speech.synthesize({ voice: "", segments: [], priority: 0 }, { onRetry: ({ attempt }) => retried.push(attempt) });
      // Awaited below; an early failure must not end the test before the server it starts is shut down.
      call.catch(() => undefined);
      await new Promise((r) => setTimeout(r, 800));
      again = (await serve(port)).server;
      const response = await call;
      assert.equal(response.engine, "test");
      assert.ok(retried.length >= 1, "the call was sent again");
    } finally {
      speech.downstream.close();
      again?.forceShutdown();
    }
  });
});

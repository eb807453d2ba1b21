import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { CircuitBreaker, HttpStatusError, isNetworkError, isTransient, withRetry } from "./resilience";

const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });

describe("resilience", () => {
  it("tells network failures and 5xx from answers that retrying cannot change", () => {
    assert.ok(isNetworkError(new TypeError("fetch failed", { cause: refused })));
    assert.ok(isTransient(new HttpStatusError(503, "http://x")));
    assert.ok(isTransient(new HttpStatusError(429, "http://x")));
    assert.ok(!isTransient(new HttpStatusError(400, "http://x")));
    assert.ok(!isTransient(new Error("invalid JSON")));
  });

  it("retries transient failures with growing waits, and gives up after the last attempt", async () => {
    const waits: number[] = [];
    let calls = 0;
    await assert.rejects(
      withRetry(async () => {
        calls++;
        throw refused;
      }, { attempts: 3, baseDelayMs: 10, onRetry: (_e, _a, ms) => waits.push(ms) }),
      /ECONNREFUSED/,
    );
    assert.equal(calls, 3);
    assert.equal(waits.length, 2);
    assert.ok(waits[1] > waits[0]);
  });

  it("does not retry a 4xx", async () => {
    let calls = 0;
    await assert.rejects(withRetry(async () => {
      calls++;
      throw new HttpStatusError(404, "http://x");
    }, { attempts: 3, baseDelayMs: 1 }));
    assert.equal(calls, 1);
  });

  it("stops waiting when cancelled", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("cancelled")), 20);
    const started = Date.now();
    await assert.rejects(withRetry(async () => {
      throw refused;
    }, { attempts: 5, baseDelayMs: 10_000, signal: controller.signal }), /cancelled/);
    assert.ok(Date.now() - started < 5000);
  });

  it("a breaker opens on failure, closes on success, and reopens to a try after its cool-down", async () => {
    const breaker = new CircuitBreaker("edge", 30);
    assert.equal(breaker.isOpen, false);
    breaker.failed(refused);
    assert.equal(breaker.isOpen, true);
    assert.match(breaker.reason, /edge failed .*ECONNREFUSED/);
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(breaker.isOpen, false, "after the cool-down the engine gets another try");
    breaker.failed(refused);
    breaker.succeeded();
    assert.equal(breaker.isOpen, false);
  });
});

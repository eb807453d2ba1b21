import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Metadata } from "@grpc/grpc-js";
import { CACHE_HEADER } from "@lectra/clients";
import { cached, ResultCache, type Codec } from "./cache";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "lectra-cache-test-"));
const text: Codec<string> = { encode: (s) => ({ finish: () => Buffer.from(s) }), decode: (b) => Buffer.from(b).toString() };
const call = (bypass = false) => {
  const metadata = new Metadata();
  if (bypass) metadata.set(CACHE_HEADER, "bypass");
  const sent: Metadata[] = [];
  return { metadata, sendMetadata: (m: Metadata) => sent.push(m), sent };
};

describe("result cache", () => {
  it("keys differ when any part differs, including how parts are split", () => {
    assert.notEqual(ResultCache.key("ab", "c"), ResultCache.key("a", "bc"));
    assert.notEqual(ResultCache.key("voice-a", "hello"), ResultCache.key("voice-b", "hello"));
    assert.equal(ResultCache.key("x", 1, Buffer.from([1, 2])), ResultCache.key("x", 1, Buffer.from([1, 2])));
  });

  it("computes once, then answers from disk, and says so in the response metadata", async () => {
    const cache = new ResultCache(tmp(), 1 << 20);
    let computed = 0;
    const compute = async () => `result ${++computed}`;
    const first = call();
    assert.equal(await cached(cache, first, "k".repeat(64).replace(/k/g, "a"), text, compute), "result 1");
    assert.equal(first.sent.length, 0);
    const second = call();
    assert.equal(await cached(cache, second, "a".repeat(64), text, compute), "result 1");
    assert.equal(second.sent[0].get(CACHE_HEADER)[0], "hit");
    assert.equal(computed, 1);
    assert.equal(await cached(cache, call(true), "a".repeat(64), text, compute), "result 2", "bypass recomputes");
  });

  it("does not keep results the caller says are degraded", async () => {
    const cache = new ResultCache(tmp(), 1 << 20);
    await cached(cache, call(), "b".repeat(64), text, async () => "fallback", () => false);
    assert.equal(cache.size.entries, 0);
  });

  it("stays within its bound, evicting the least recently used first, and remembers across restarts", async () => {
    const dir = tmp();
    const cache = new ResultCache(dir, 250);
    const key = (c: string) => c.repeat(64);
    await cache.put(key("a"), Buffer.alloc(100));
    await new Promise((r) => setTimeout(r, 5));
    await cache.put(key("b"), Buffer.alloc(100));
    await new Promise((r) => setTimeout(r, 5));
    await cache.get(key("a")); // a is now more recent than b
    await new Promise((r) => setTimeout(r, 5));
    await cache.put(key("c"), Buffer.alloc(100));
    assert.ok(cache.size.bytes <= 250);
    assert.equal(await cache.get(key("b")), undefined, "the least recently used went first");
    assert.ok(await cache.get(key("a")));
    assert.ok(await cache.get(key("c")));
    const reopened = new ResultCache(dir, 250);
    assert.deepEqual(reopened.size, { entries: 2, bytes: 200 });
  });
});

// The web engines' resilience, shown with the Commons engine against its fake:
// one retry on a transient failure, a breaker that skips a down API, and a
// machine with no DNS treated as offline, quietly.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { FakeCommons } from "@lectra/fakes";
import { HttpStatusError, isTransient, sleep } from "@lectra/resilience";
import type { Logger } from "@lectra/service-kit";
import { loopbackFetch } from "../testing/loopback-fetch";
import { FinderUnavailable } from "./engine";
import { isOffline, webFinder, type WebFinderOptions } from "./web-finder";
import { wikimediaApi } from "./wikimedia";

const quiet = () => undefined;
const log: Logger = { debug: quiet, info: quiet, warn: quiet, error: quiet };
const live = () => new AbortController().signal;
const ignore = () => undefined;

let commons: FakeCommons;
const { net, stray } = loopbackFetch();

before(async () => {
  commons = new FakeCommons(); // its default pictures: a good JPEG about the heart first
  await commons.start();
});

beforeEach(() => {
  commons.requests.length = 0;
  commons.latency = 0;
});

after(async () => {
  net.close();
  await commons.stop();
  assert.deepEqual(stray, []);
});

const finder = (options: Partial<WebFinderOptions> = {}) =>
  webFinder(wikimediaApi(commons.apiUrl), net, { concurrency: 2, log, retryDelayMs: 10, ...options });

test("a transient search failure (503, a closed connection) is retried once", async () => {
  commons.failNext(1, 503);
  assert.equal((await finder().find("heart", live(), ignore))?.engine, "wikimedia");
  assert.equal(commons.searches.length, 2);
  commons.requests.length = 0;
  commons.failNext(1, "close");
  assert.equal((await finder().find("heart", live(), ignore))?.engine, "wikimedia");
  assert.equal(commons.searches.length, 2);
});

test("a 4xx answer is not retried", async () => {
  commons.failNext(1, 400);
  await assert.rejects(finder().find("heart", live(), ignore), (e: unknown) => e instanceof HttpStatusError && e.status === 400);
  assert.equal(commons.searches.length, 1);
});

test("a down API fails the find, then is skipped without a request until the cool-down passes", async () => {
  const wikimedia = finder({ coolDownMs: 200 });
  commons.failNext(2, 500);
  await assert.rejects(wikimedia.find("heart", live(), ignore), (e: unknown) => e instanceof HttpStatusError && e.status === 500);
  assert.equal(commons.searches.length, 2);
  await assert.rejects(wikimedia.find("heart", live(), ignore), (e: unknown) => {
    assert.ok(e instanceof FinderUnavailable);
    assert.equal(e.quiet, false);
    assert.match(e.message, /^is skipped: wikimedia failed \d+ s ago \(.*HTTP 500\)/);
    return true;
  });
  assert.equal(commons.searches.length, 2, "the open breaker sent nothing");
  await sleep(300);
  assert.equal((await wikimedia.find("heart", live(), ignore))?.engine, "wikimedia", "after the cool-down it is tried again");
});

test("a search that outlives the request timeout fails as a retryable timeout and opens the breaker", async () => {
  const slow = loopbackFetch({ timeoutMs: 100 });
  commons.latency = ({ kind }) => (kind === "search" ? 1_000 : 0);
  const wikimedia = webFinder(wikimediaApi(commons.apiUrl), slow.net, { concurrency: 2, log, retryDelayMs: 10 });
  await assert.rejects(wikimedia.find("heart", live(), ignore), (e: unknown) => isTransient(e) && /within 100 ms/.test(String(e)));
  await assert.rejects(wikimedia.find("heart", live(), ignore), FinderUnavailable);
  slow.net.close();
  assert.deepEqual(slow.stray, []);
});

test("no name resolution means no internet: the finder says so quietly and stops asking DNS", async () => {
  const asked: string[] = [];
  const offline = loopbackFetch({
    resolve: async (hostname) => {
      asked.push(hostname);
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    },
  });
  const wikimedia = webFinder(wikimediaApi("https://commons.wikimedia.org/w/api.php"), offline.net, { concurrency: 2, log, retryDelayMs: 10 });
  for (let i = 0; i < 3; i++) {
    await assert.rejects(wikimedia.find("heart", live(), ignore), (e: unknown) => e instanceof FinderUnavailable && e.quiet);
  }
  assert.deepEqual(asked, ["commons.wikimedia.org", "commons.wikimedia.org"], "one search, one retry, then the breaker");
  assert.deepEqual(offline.stray, []);
});

test("isOffline: only name resolution failures", () => {
  assert.equal(isOffline(Object.assign(new Error("x"), { code: "EAI_AGAIN" })), true);
  assert.equal(isOffline(new Error("wrapped", { cause: Object.assign(new Error("x"), { code: "ENOTFOUND" }) })), true);
  assert.equal(isOffline(Object.assign(new Error("x"), { code: "ECONNREFUSED" })), false);
  assert.equal(isOffline(new HttpStatusError(500, "u")), false);
});

test("the caller cancelling is not the API's fault: the breaker stays closed", async () => {
  const wikimedia = finder();
  commons.latency = ({ kind }) => (kind === "search" ? 500 : 0);
  const controller = new AbortController();
  setTimeout(() => controller.abort(new DOMException("the caller cancelled", "AbortError")), 50);
  await assert.rejects(wikimedia.find("heart", controller.signal, ignore), { name: "AbortError" });
  commons.latency = 0;
  assert.equal((await wikimedia.find("heart", live(), ignore))?.engine, "wikimedia");
});

test("a slow picture host does not exceed the engine's concurrency limit", async () => {
  let open = 0;
  let most = 0;
  // Each request counts as open from its arrival until just before its answer goes out.
  commons.latency = () => {
    open++;
    most = Math.max(most, open);
    setTimeout(() => open--, 50);
    return 50;
  };
  const wikimedia = finder({ concurrency: 2 });
  const found = await Promise.all(["heart", "heart anatomy", "human heart", "heart diagram", "heart drawing"].map((q) => wikimedia.find(q, live(), ignore)));
  assert.ok(found.every((p) => p?.engine === "wikimedia"));
  assert.ok(most <= 2, `at most 2 requests at once, saw ${most}`);
});

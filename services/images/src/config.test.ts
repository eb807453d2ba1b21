import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError } from "@lectra/service-kit";
import { DEFAULT_USER_AGENT, imagesConfig, parseEngines } from "./config";

test("the defaults: Commons, then Openverse, then the icons; 10 s per request, 8 MiB, 4 at once, loopback refused", () => {
  assert.deepEqual(imagesConfig({}), {
    engines: ["wikimedia", "openverse", "icons"],
    commonsApiUrl: "https://commons.wikimedia.org/w/api.php",
    openverseApiUrl: "https://api.openverse.org/v1",
    timeoutMs: 10_000,
    maxBytes: 8 * 1024 * 1024,
    concurrency: 4,
    webBudgetMs: 20_000,
    allowLoopback: false,
    userAgent: DEFAULT_USER_AGENT,
  });
});

test("engines are read in order, case and spaces aside", () => {
  assert.deepEqual(parseEngines(" Openverse , icons"), ["openverse", "icons"]);
  assert.deepEqual(parseEngines("wikimedia"), ["wikimedia"]);
  assert.deepEqual(parseEngines("icons"), ["icons"]);
});

test("unknown, repeated or misplaced engines stop the start with a message naming the variable", () => {
  const fails = (raw: string, pattern: RegExp) =>
    assert.throws(() => parseEngines(raw), (e: unknown) => e instanceof ConfigError && /^LECTRA_IMAGES_ENGINES=/.test(e.message) && pattern.test(e.message), raw);
  fails("wikimedia,flickr", /unknown engine "flickr"; known engines are wikimedia, openverse, icons/);
  fails("icons,wikimedia", /icons is the offline fallback and must come last/);
  fails("openverse,openverse", /listed twice/);
  fails(" , ", /name at least one engine/);
});

test("the other settings come from their variables and are checked", () => {
  const config = imagesConfig({
    LECTRA_COMMONS_API_URL: "http://127.0.0.1:9/w/api.php",
    LECTRA_IMAGES_ALLOW_LOOPBACK: "1",
    LECTRA_IMAGES_MAX_BYTES: "1048576",
    LECTRA_IMAGES_USER_AGENT: "Test/1",
  });
  assert.equal(config.commonsApiUrl, "http://127.0.0.1:9/w/api.php");
  assert.equal(config.allowLoopback, true);
  assert.equal(config.maxBytes, 1_048_576);
  assert.equal(config.userAgent, "Test/1");
  assert.throws(() => imagesConfig({ LECTRA_OPENVERSE_API_URL: "file:///etc/passwd" }), /LECTRA_OPENVERSE_API_URL=file:\/\/\/etc\/passwd: expected an http or https URL/);
  assert.throws(() => imagesConfig({ LECTRA_IMAGES_TIMEOUT_MS: "soon" }), /LECTRA_IMAGES_TIMEOUT_MS=soon: expected a whole number/);
  assert.throws(() => imagesConfig({ LECTRA_IMAGES_CONCURRENCY: "0" }), /LECTRA_IMAGES_CONCURRENCY=0/);
});

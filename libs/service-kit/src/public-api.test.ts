// The public API's settings as an operator writes them: tokens from the list
// and the file, what is refused (and that the refusal names where, never the
// token), how a call's metadata is judged, and the request size limit.
import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Metadata } from "@grpc/grpc-js";
import { ConfigError, MAX_MESSAGE_BYTES } from "@lectra/clients";
import { apiTokens, DEFAULT_MAX_REQUEST_BYTES, publicApiSettings, tokenMatcher, tokenProblem } from "./public-api";

const A = "a".repeat(8) + "0123456789abcdef";
const B = "bbbbbbbbbbbbbbbb-_.~+/=";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-tokens-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = (text: string) => {
  const f = path.join(dir, `tokens-${++files}`);
  fs.writeFileSync(f, text);
  return f;
};
const auth = (value?: string) => {
  const m = new Metadata();
  if (value !== undefined) m.set("authorization", value);
  return m;
};

describe("API tokens from the environment", () => {
  it("none set: the API is open (no tokens)", () => {
    assert.deepEqual(apiTokens({}), []);
    assert.deepEqual(apiTokens({ LECTRA_API_TOKENS: " , " }), []);
  });

  it("reads the comma-separated list and the file (blank lines and # comments skipped), together", () => {
    assert.deepEqual(apiTokens({ LECTRA_API_TOKENS: ` ${A} ,${B}` }), [A, B]);
    const f = file(`# the CI's token\n${B}\n\n  ${A}  \r\n`);
    assert.deepEqual(apiTokens({ LECTRA_API_TOKENS_FILE: f }), [B, A]);
    assert.deepEqual(apiTokens({ LECTRA_API_TOKENS: A, LECTRA_API_TOKENS_FILE: f }), [A, B]);
  });

  it("refuses a file with no tokens rather than leave the API open", () => {
    assert.throws(() => apiTokens({ LECTRA_API_TOKENS_FILE: file("# nothing yet\n\n") }), (e: Error) => e instanceof ConfigError && /has no tokens/.test(e.message));
  });

  it("refuses an unreadable file, naming the variable and the path", () => {
    assert.throws(() => apiTokens({ LECTRA_API_TOKENS_FILE: "/no/such/tokens" }), /LECTRA_API_TOKENS_FILE=\/no\/such\/tokens: cannot read it \(ENOENT\)/);
  });

  it("refuses short tokens and characters metadata cannot carry, naming where and never the token", () => {
    const short = "shorttoken";
    assert.throws(() => apiTokens({ LECTRA_API_TOKENS: short }), (e: Error) => /LECTRA_API_TOKENS: a token of 10 characters is too easy to guess; use at least 16/.test(e.message) && !e.message.includes(short));
    assert.throws(() => apiTokens({ LECTRA_API_TOKENS_FILE: file(`${A}\n${"ü".repeat(20)}\n`) }), /line 2: a token may hold letters, digits/);
    assert.throws(() => apiTokens({ LECTRA_API_TOKENS: "has space in it ok" }), /a token may hold/);
  });
});

describe("a call's authorization metadata", () => {
  const matches = tokenMatcher([A, B]);

  it("matches exactly one of the tokens", () => {
    assert.ok(matches(A) && matches(B));
    for (const wrong of ["", A.slice(0, -1), A + "x", A.toUpperCase(), `${A},${B}`]) assert.equal(matches(wrong), false, wrong);
  });

  it("no metadata, another scheme, or a wrong token is a problem that says how to pass one", () => {
    assert.match(tokenProblem(auth(), matches)!, /this API needs a token: send metadata "authorization: Bearer <token>" \(lectra --token <token>, or LECTRA_API_TOKEN/);
    assert.match(tokenProblem(auth(`Basic ${A}`), matches)!, /is not "Bearer <token>"/);
    assert.match(tokenProblem(auth("Bearer"), matches)!, /is not "Bearer <token>"/);
    const wrong = tokenProblem(auth(`Bearer ${"x".repeat(20)}`), matches)!;
    assert.match(wrong, /not one this orchestrator accepts/);
    assert.ok(!wrong.includes("x".repeat(20)), "the message does not echo the token");
  });

  it("a right token, in either case of the scheme, is no problem", () => {
    assert.equal(tokenProblem(auth(`Bearer ${A}`), matches), undefined);
    assert.equal(tokenProblem(auth(`bearer  ${B} `), matches), undefined);
  });
});

describe("the request size limit", () => {
  it("is 1 MiB unless LECTRA_MAX_REQUEST_BYTES says otherwise, and no more than the limit between services", () => {
    assert.equal(publicApiSettings({}).maxRequestBytes, DEFAULT_MAX_REQUEST_BYTES);
    assert.equal(DEFAULT_MAX_REQUEST_BYTES, 1 << 20);
    assert.equal(publicApiSettings({ LECTRA_MAX_REQUEST_BYTES: "2097152" }).maxRequestBytes, 2 << 20);
    assert.throws(() => publicApiSettings({ LECTRA_MAX_REQUEST_BYTES: String(MAX_MESSAGE_BYTES + 1) }), /LECTRA_MAX_REQUEST_BYTES=\d+: expected a whole number from 1024 to 268435456/);
    assert.throws(() => publicApiSettings({ LECTRA_MAX_REQUEST_BYTES: "1MB" }), /expected a whole number/);
  });
});

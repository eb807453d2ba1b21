// A secured stack, as README's "Securing a deployment" sets one up: every
// service serves TLS and calls the others with mutual TLS (certificates made
// by openssl at the start), and the public API wants a token. What callers
// see: a job runs end to end for a caller with the CA and the token; no token
// or a wrong one is UNAUTHENTICATED, saying how to pass one; health answers
// probes without one; a worker will not talk to a client without a
// certificate its CA signed; a 50 MiB request is refused at once, without
// the orchestrator's memory growing; the CLI does all this with --token.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { status } from "@grpc/grpc-js";
import { JobState, SpeechServiceService } from "@lectra/proto";
import { checkHealth, clientConnection, DependencyError, lectraClient, type LectraClient } from "@lectra/clients";
import { makeTestPki, repoRoot, type TestPki } from "@lectra/testing";
import { run, script, startStack, type Stack } from "./stack";

const TOKEN = "e2e-token-5f1c0d9a7b3e4c21a8d6";
const CLI = path.join(repoRoot, "cli", "dist", "main.js");

/** A process's resident memory now, in MiB (VmRSS). */
function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
}

/** The bytes a process has read so far (sockets included), in MiB. */
function readMiB(pid: number): number {
  return Number(/rchar: (\d+)/.exec(fs.readFileSync(`/proc/${pid}/io`, "utf8"))![1]) / 2 ** 20;
}

/** One ListVoices to a speech service, dialled with `env`'s TLS settings: one attempt, no retries. */
function listVoicesOnce(address: string, env: NodeJS.ProcessEnv): Promise<{ code: status; details: string }> {
  const { credentials, options } = clientConnection("speech", env);
  const client = new grpc.Client(address, credentials, options);
  const m = SpeechServiceService.listVoices;
  return new Promise((resolve) =>
    client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, { language: "en" }, { deadline: Date.now() + 10_000 }, (e) => {
      client.close();
      resolve(e ? { code: e.code, details: e.details } : { code: status.OK, details: "" });
    }),
  );
}

describe("a stack with TLS, mutual TLS between the services, and API tokens", () => {
  let pki: TestPki;
  let stack: Stack;
  /** A caller outside: the CA to check the orchestrator with, the token, no certificate of its own. */
  let caller: LectraClient;
  const callerEnv = () => ({ ...pki.callerEnv(), LECTRA_API_TOKEN: TOKEN });

  before(async () => {
    pki = makeTestPki();
    stack = await startStack({ ...pki.serviceEnv(), LECTRA_API_TOKENS: TOKEN });
    caller = lectraClient(stack.orchestratorAddress, callerEnv());
  });
  after(async () => {
    caller?.downstream.close();
    await stack?.stop();
    pki?.remove();
  });

  const jobCount = async () => (await caller.listJobs({ pageSize: 100, pageToken: "" })).jobs.length;

  it("runs a script job end to end for a caller with the CA and the token", async () => {
    const r = await run(caller, { source: { $case: "script", value: script(1) } });
    assert.equal(r.error, undefined, r.error?.message);
    assert.equal(r.job?.state, JobState.JOB_STATE_SUCCEEDED, r.job?.error?.message);
    assert.deepEqual(r.job!.artifacts.map((a) => a.name).sort(), ["captions.srt", "captions.vtt", "deck.pptx", "lecture-001.ts", "lecture.m3u8", "lecture.md", "lecture.mp4", "narration.wav", "timings.json"]);
  });

  it("refuses a call without a token with UNAUTHENTICATED, saying how to pass one, and starts no job", async () => {
    const before = await jobCount();
    // stack.client has the TLS settings and no token.
    const r = await run(stack.client, { source: { $case: "script", value: script(1) } });
    assert.equal(r.error?.code, status.UNAUTHENTICATED, r.error?.message);
    assert.match(r.error!.details, /this API needs a token: send metadata "authorization: Bearer <token>" \(lectra --token <token>, or LECTRA_API_TOKEN/);
    assert.equal(r.events.length, 0);
    await assert.rejects(stack.client.listJobs({ pageSize: 1, pageToken: "" }), (e: DependencyError) => e.code === status.UNAUTHENTICATED);
    assert.equal(await jobCount(), before, "no job was created");
  });

  it("refuses a wrong token with UNAUTHENTICATED", async () => {
    const wrong = lectraClient(stack.orchestratorAddress, { ...pki.callerEnv(), LECTRA_API_TOKEN: TOKEN.replace(/.$/, "0") });
    try {
      await assert.rejects(wrong.listJobs({ pageSize: 1, pageToken: "" }), (e: DependencyError) => e.code === status.UNAUTHENTICATED && /not one this orchestrator accepts/.test(e.details));
    } finally {
      wrong.downstream.close();
    }
  });

  it("answers health without a token, over TLS only", async () => {
    assert.equal(await checkHealth(stack.orchestratorAddress, 3000, pki.callerEnv()), "SERVING");
    assert.equal(await checkHealth(stack.orchestratorAddress, 3000, {}), "UNREACHABLE", "a plaintext client gets no answer: the API is TLS");
  });

  it("a worker refuses a client without a certificate its CA signed; with one, it answers", async () => {
    const speech = stack.services.get("speech")!.address;
    const stranger = { ...pki.callerEnv(), LECTRA_TLS_CERT_FILE: pki.strangerCertFile, LECTRA_TLS_KEY_FILE: pki.strangerKeyFile };
    for (const [who, env] of [["no client certificate", pki.callerEnv()], ["a certificate from another CA", stranger], ["plaintext", {}]] as const) {
      const r = await listVoicesOnce(speech, env);
      assert.equal(r.code, status.UNAVAILABLE, `${who}: ${status[r.code]} ${r.details}`);
    }
    assert.equal(await checkHealth(speech, 3000, pki.callerEnv()), "UNREACHABLE", "not even health without a certificate");
    const admitted = await listVoicesOnce(speech, pki.serviceEnv());
    assert.equal(admitted.code, status.OK, `the services' own certificate is let in: ${admitted.details}`);
  });

  it("refuses a 50 MiB request with RESOURCE_EXHAUSTED at once, reading next to none of it", async (t) => {
    const pid = stack.services.get("orchestrator")!.child.pid!;
    const before = { rss: rssMiB(pid), read: readMiB(pid), jobs: await jobCount() };
    const started = performance.now();
    const r = await run(caller, { source: { $case: "script", value: "x".repeat(50 * 2 ** 20) } });
    const ms = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const grown = rssMiB(pid) - before.rss;
    const read = readMiB(pid) - before.read;
    t.diagnostic(
      `50 MiB request: ${r.error?.code === undefined ? "OK" : status[r.error.code]} after ${ms.toFixed(0)} ms (the caller's own encoding included); ` +
        `the orchestrator read ${read.toFixed(1)} MiB, RSS ${before.rss.toFixed(1)} → ${(before.rss + grown).toFixed(1)} MiB`,
    );
    assert.equal(r.error?.code, status.RESOURCE_EXHAUSTED, r.error?.message);
    assert.match(r.error!.details, /larger than max \(52428\d+ vs\.? 1048576\)/);
    assert.ok(ms < 5000, `refused in ${ms.toFixed(0)} ms`);
    // Before the limit the orchestrator read all of it and grew by 150 MiB and more; draining a refused
    // request without resetting it still read 28-63 MiB.
    assert.ok(read < 4, `the orchestrator read ${read.toFixed(1)} MiB of it`);
    assert.ok(grown < 16, `the orchestrator's RSS grew by ${grown.toFixed(1)} MiB`);
    assert.equal(await jobCount(), before.jobs, "no job was created");
  });

  it("admits the largest script the validator accepts: one character over it is refused by the validator, not the size limit", async () => {
    // 200,001 characters of 3 UTF-8 bytes each: about 600 KB, over the script's limit of 200,000 characters.
    const r = await run(caller, { source: { $case: "script", value: "€".repeat(200_001) } });
    assert.equal(r.error?.code, status.INVALID_ARGUMENT, r.error?.message);
    assert.match(r.error!.details, /^script: .*200,?000/);
  });

  it("the CLI talks TLS with LECTRA_TLS_CA_FILE, and passes --token; without one it says how", () => {
    const lectra = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, "--orchestrator", stack.orchestratorAddress, ...args], {
        encoding: "utf8",
        timeout: 60_000,
        env: { ...process.env, ...pki.callerEnv(), LECTRA_API_TOKEN: "" },
      });
    const listed = lectra("--token", TOKEN, "jobs");
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /\bsucceeded\b/i, "the job of the first test is listed");
    const refused = lectra("jobs");
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /UNAUTHENTICATED: this API needs a token: .*lectra --token <token>/);
  });
});

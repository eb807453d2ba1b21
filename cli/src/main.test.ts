// The CLI as a user meets it without a running LECTRA: what bad arguments and
// an unreachable orchestrator print, and the exit codes scripts rely on
// (README: 0 succeeded, 1 failed, 130 cancelled, 2 bad input).
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { JobState, type Job } from "@lectra/proto";
import { freePort } from "@lectra/testing";
import { exitCode } from "./commands/generate";

const MAIN = path.join(__dirname, "main.js");
const EXAMPLE = path.resolve(__dirname, "..", "..", "examples", "photosynthesis.md");

function lectra(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stderr: r.stderr };
}

/** A loopback port nothing listens on. */
const deadPort = freePort;

describe("lectra generate, bad input: exit code 2 and what to do", () => {
  const cases: Array<[string, string[], RegExp]> = [
    ["no source", [], /give either --script FILE or --topic TEXT/],
    ["both sources", ["--script", EXAMPLE, "--topic", "Tides"], /give either --script FILE or --topic TEXT/],
    ["a script that is not there", ["--script", "no/such/lecture.md"], /no such script file: no\/such\/lecture\.md/],
    ["--slides with a script", ["--script", EXAMPLE, "--slides", "3"], /--slides goes with --topic/],
    ["--slides that is not a number", ["--topic", "Tides", "--slides", "many"], /--slides must be a whole number/],
    ["an option that does not exist", ["--script", EXAMPLE, "--colour", "red"], /unknown option '--colour'/],
    ["--theme with --theme-file", ["--script", EXAMPLE, "--theme", "paper", "--theme-file", EXAMPLE], /give either --theme NAME or --theme-file FILE/],
    ["a theme file that is not there", ["--script", EXAMPLE, "--theme-file", "no/such/theme.json"], /no such theme file: no\/such\/theme\.json/],
    ["a theme file that is not JSON", ["--script", EXAMPLE, "--theme-file", EXAMPLE], /the theme file .*photosynthesis\.md is not JSON \(/],
  ];
  for (const [what, args, message] of cases) {
    it(what, () => {
      const r = lectra("generate", ...args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
    });
  }
});

describe("lectra with no orchestrator listening", () => {
  it("generate exits 1 and says to start LECTRA", async () => {
    const r = lectra("generate", "--script", EXAMPLE, "--orchestrator", `127.0.0.1:${await deadPort()}`);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /orchestrator service \(127\.0\.0\.1:\d+\) is unavailable/);
    assert.match(r.stderr, /Start LECTRA first: npx lectra up/);
  });

  it("themes exits 1 and says to start LECTRA", async () => {
    const r = lectra("--orchestrator", `127.0.0.1:${await deadPort()}`, "themes");
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Start LECTRA first: npx lectra up/);
  });

  it("jobs exits 1 too, naming the address", async () => {
    const port = await deadPort();
    const r = lectra("--orchestrator", `127.0.0.1:${port}`, "jobs");
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port}`));
  });
});

describe("a finished job's exit code", () => {
  const job = (state: JobState) => ({ state }) as Job;
  it("0 succeeded, 130 cancelled, 1 failed or interrupted", () => {
    assert.equal(exitCode(job(JobState.JOB_STATE_SUCCEEDED)), 0);
    assert.equal(exitCode(job(JobState.JOB_STATE_CANCELLED)), 130);
    assert.equal(exitCode(job(JobState.JOB_STATE_FAILED)), 1);
    assert.equal(exitCode(job(JobState.JOB_STATE_INTERRUPTED)), 1);
  });
});

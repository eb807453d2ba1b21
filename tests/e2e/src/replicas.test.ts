// Scaling out: with two replicas of speech and of slides behind one target,
// the orchestrator's per-slide calls are spread over both (round_robin), not
// pinned to the first connection as a plain address would be.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { JobState } from "@lectra/proto";
import { narrationParts, parseScript } from "@lectra/lecture";
import { callsServed } from "@lectra/testing";
import { run, script, startStack, type Run, type Stack } from "./stack";

describe("replicas of a service share a job's calls", () => {
  let stack: Stack;
  let result: Run;

  before(async () => {
    stack = await startStack({ LECTRA_LOG_LEVEL: "debug" }, { replicas: { speech: 2, slides: 2 } });
    result = await run(stack.client, { source: { $case: "script", value: script(6) } });
  });
  after(() => stack?.stop());

  it("the orchestrator dials one target naming both replicas", () => {
    for (const name of ["speech", "slides"] as const) {
      const replicas = stack.replicas.get(name)!;
      assert.equal(replicas.length, 2);
      assert.equal(stack.env[`LECTRA_${name.toUpperCase()}_ADDR`], `ipv4:${replicas.map((r) => r.address).join(",")}`);
    }
  });

  it("the job succeeds", () => {
    assert.equal(result.job?.state, JobState.JOB_STATE_SUCCEEDED, result.error?.message);
  });

  it("both speech replicas synthesised slides, a call per part of each slide's narration", () => {
    const counts = stack.replicas.get("speech")!.map((r) => callsServed(r.logs(), "Synthesize"));
    assert.ok(counts.every((n) => n > 0), `Synthesize calls per replica: ${counts.join(", ")}`);
    // Each slide's narration is spoken in parts, side by side (@lectra/lecture narrationParts): here two a slide.
    const parts = parseScript(script(6)).slides.map((s) => narrationParts(s.narration, "en", true).length);
    assert.deepEqual(parts, [2, 2, 2, 2, 2, 2]);
    assert.equal(counts[0] + counts[1], 12);
  });

  it("both slides replicas rendered frames", () => {
    const counts = stack.replicas.get("slides")!.map((r) => callsServed(r.logs(), "RenderFrames"));
    assert.ok(counts.every((n) => n > 0), `RenderFrames calls per replica: ${counts.join(", ")}`);
  });
});

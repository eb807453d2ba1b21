// Bad input gets INVALID_ARGUMENT naming the field, before any job exists; a
// topic with no language model fails fast with FAILED_PRECONDITION.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { status } from "@grpc/grpc-js";
import { DependencyError } from "@lectra/clients";
import { isInvalid, run, script, startStack, type Stack } from "./stack";

describe("bad input", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.stop());

  const cases: Array<[string, string, Parameters<typeof run>[1]]> = [
    ["no source", "source", {}],
    ["an empty topic", "topic", { source: { $case: "topic", value: "   " } }],
    ["an over-long topic", "topic", { source: { $case: "topic", value: "x".repeat(501) } }],
    ["slide_count above 30", "slide_count", { source: { $case: "topic", value: "The water cycle" }, slideCount: 31 }],
    ["a negative slide_count", "slide_count", { source: { $case: "topic", value: "The water cycle" }, slideCount: -1 }],
    ["a script with no slides", "script", { source: { $case: "script", value: "# Title only\n\nSome words.\n" } }],
    ["a slide with no narration", "script", { source: { $case: "script", value: "# T\n\n## One\n- a bullet\n" } }],
    ["an unknown voice", "voice", { source: { $case: "script", value: script(1) }, voice: "no-such-voice" }],
    ["a voice name with markup", "voice", { source: { $case: "script", value: script(1) }, voice: "<speak>" }],
    ["a frame rate with no video", "constant_frame_rate", { source: { $case: "script", value: script(1) }, skipVideo: true, constantFrameRate: true }],
  ];
  for (const [what, field, request] of cases) {
    it(`${what} → INVALID_ARGUMENT naming ${field}`, async () => {
      const before = (await stack.client.listJobs({ pageSize: 100, pageToken: "" })).jobs.length;
      const r = await run(stack.client, request);
      assert.ok(isInvalid(r, field), `got ${r.error?.code}: ${r.error?.details}`);
      assert.equal(r.events.length, 0, "no job events");
      assert.equal((await stack.client.listJobs({ pageSize: 100, pageToken: "" })).jobs.length, before, "no job was created");
    });
  }

  it("a slide with no narration is named in the message", async () => {
    const r = await run(stack.client, { source: { $case: "script", value: "# T\n\n## Empty one\n- a bullet\n" } });
    assert.match(r.error!.details, /slide 1 "Empty one" has no narration/);
  });

  it("an artifact name with a path in it → INVALID_ARGUMENT naming name", async () => {
    const r = await run(stack.client, { source: { $case: "script", value: script(1) }, skipVideo: true });
    const id = r.job!.id;
    for (const name of ["../job.json", "/etc/passwd", "..", "a/b.txt", "deck.pptx/../../x"]) {
      await assert.rejects(
        async () => {
          for await (const _ of stack.client.downloadArtifact({ jobId: id, name })) void _;
        },
        (e: DependencyError) => e.code === status.INVALID_ARGUMENT && e.details.startsWith("name:"),
        name,
      );
    }
  });

  it("a job id that is not one → INVALID_ARGUMENT naming job_id; an unknown one → NOT_FOUND", async () => {
    await assert.rejects(stack.client.getJob({ jobId: "../../etc" }), (e: DependencyError) => e.code === status.INVALID_ARGUMENT && e.details.startsWith("job_id:"));
    await assert.rejects(stack.client.getJob({ jobId: "00000000-0000-4000-8000-000000000000" }), (e: DependencyError) => e.code === status.NOT_FOUND);
  });

  it("a topic with no reachable language model fails fast with FAILED_PRECONDITION saying what to run", async () => {
    const r = await run(stack.client, { source: { $case: "topic", value: "How vaccines train the immune system" }, slideCount: 3 });
    assert.equal(r.error?.code, status.FAILED_PRECONDITION, r.error?.message);
    assert.match(r.error!.details, /Ollama is not reachable at http:\/\/127\.0\.0\.1:\d+ .*ollama serve.*ollama pull llama3\.1:8b/);
    assert.equal(r.job?.error?.code, "FAILED_PRECONDITION");
    assert.match(r.job!.error!.message, /stage\.outline/);
  });
});

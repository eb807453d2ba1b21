// Jobs over their life: cancelled, interrupted by a shutdown, found again after a
// restart, and failed by a dependency that is down, keeping what they made.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { status } from "@grpc/grpc-js";
import { GenerateRequest, JobState, Stage, StageStatus } from "@lectra/proto";
import { checkHealth, lectraClient } from "@lectra/clients";
import { freePort, startService } from "@lectra/testing";
import { run, script, startStack, WORKERS, type Stack } from "./stack";

describe("job lifecycle", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.stop());

  it("a cancelled job stops, says so, and keeps nothing half-made", async () => {
    let cancelledAt = 0;
    const r = await run(stack.client, { source: { $case: "script", value: script(6, 6) } }, async (e) => {
      const k = e.kind;
      if (!cancelledAt && k?.$case === "stage" && k.value.stage === Stage.STAGE_SPEECH && k.value.status === StageStatus.STAGE_STATUS_STARTED) {
        cancelledAt = Date.now();
        const { job } = await stack.client.cancelJob({ jobId: e.jobId });
        assert.equal(job?.state, JobState.JOB_STATE_CANCELLED);
      }
    });
    assert.ok(cancelledAt > 0, "the job reached speech");
    assert.equal(r.error?.code, status.CANCELLED);
    assert.equal(r.job?.state, JobState.JOB_STATE_CANCELLED);
    assert.match(r.job!.error!.message, /CancelJob/);
    assert.ok(!r.job!.artifacts.some((a) => a.name === "lecture.mp4"), "no video after a cancel");
    const { job } = await stack.client.getJob({ jobId: r.job!.id });
    assert.equal(job?.state, JobState.JOB_STATE_CANCELLED);
    for (const s of stack.services.values()) assert.equal(await checkHealth(s.address), "SERVING", `${s.name} still serving`);
  });

  it("cancelling the Generate call cancels the job", async () => {
    const controller = new AbortController();
    let jobId = "";
    await assert.rejects(async () => {
      for await (const { event } of stack.client.generate(GenerateRequest.fromPartial({ source: { $case: "script", value: script(4, 6) } }), { signal: controller.signal })) {
        if (event?.kind?.$case === "started") {
          jobId = event.jobId;
          controller.abort();
        }
      }
    });
    assert.ok(jobId);
    let state = JobState.JOB_STATE_RUNNING;
    for (let i = 0; i < 100 && state === JobState.JOB_STATE_RUNNING; i++) {
      state = (await stack.client.getJob({ jobId })).job!.state;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(state, JobState.JOB_STATE_CANCELLED);
  });

  it("jobs survive an orchestrator restart; a job running at shutdown is reported INTERRUPTED", async () => {
    const done = await run(stack.client, { source: { $case: "script", value: script(2) } });
    assert.equal(done.job?.state, JobState.JOB_STATE_SUCCEEDED, done.job?.error?.message);

    let interruptedId = "";
    const orchestrator = stack.services.get("orchestrator")!;
    const interrupted = await run(stack.client, { source: { $case: "script", value: script(6, 6) } }, async (e) => {
      if (!interruptedId && e.kind?.$case === "started") {
        interruptedId = e.jobId;
        await orchestrator.stop("SIGTERM");
      }
    });
    assert.equal(await orchestrator.exited, 0, "the orchestrator shut down cleanly");
    assert.equal(interrupted.error?.code, status.UNAVAILABLE);

    await stack.startOrchestrator();
    const again = await stack.client.getJob({ jobId: done.job!.id });
    assert.equal(again.job?.state, JobState.JOB_STATE_SUCCEEDED);
    assert.deepEqual(again.job?.artifacts, done.job?.artifacts);
    const deck = done.job!.artifacts.find((a) => a.name === "deck.pptx")!;
    const hash = createHash("sha256");
    for await (const part of stack.client.downloadArtifact({ jobId: done.job!.id, name: "deck.pptx" })) hash.update(part.chunk);
    assert.equal(hash.digest("hex"), deck.sha256, "the deck downloads intact after the restart");

    const lost = await stack.client.getJob({ jobId: interruptedId });
    assert.equal(lost.job?.state, JobState.JOB_STATE_INTERRUPTED);
    assert.match(lost.job!.error!.message, /shut down|stopped/);
    const listed = (await stack.client.listJobs({ pageSize: 100, pageToken: "" })).jobs.map((j) => j.id);
    assert.ok(listed.includes(done.job!.id) && listed.includes(interruptedId));
  });

  it("a required dependency that is down fails the job naming the stage, slide and service, keeping what was made", async () => {
    // A second orchestrator whose video service address has nothing listening;
    // a short deadline, since calls that may be repeated are retried until it.
    const deadVideo = `127.0.0.1:${await freePort()}`;
    const broken = await startService("orchestrator", { env: { ...stack.env, LECTRA_VIDEO_ADDR: deadVideo, LECTRA_VIDEO_TIMEOUT_MS: "4000" } });
    const client = lectraClient(broken.address, stack.env);
    try {
      const r = await run(client, { source: { $case: "script", value: script(2) } });
      assert.equal(r.job?.state, JobState.JOB_STATE_FAILED);
      assert.ok(r.error?.code === status.UNAVAILABLE || r.error?.code === status.DEADLINE_EXCEEDED, `ended ${r.error?.code}`);
      assert.ok([Stage.STAGE_CLIP, Stage.STAGE_CAPTIONS].includes(r.job!.error!.stage), `failed at ${r.job!.error!.stage}`);
      assert.match(r.job!.error!.message, new RegExp(`stage\\.(clip \\(slide \\d\\)|captions) failed: video service \\(${deadVideo}\\)`));
      assert.ok(r.job!.artifacts.some((a) => a.name === "deck.pptx"), "the deck was made before");
      for (const a of r.job!.artifacts) {
        const hash = createHash("sha256");
        for await (const part of client.downloadArtifact({ jobId: r.job!.id, name: a.name })) hash.update(part.chunk);
        assert.equal(hash.digest("hex"), a.sha256, `${a.name} kept intact`);
      }
    } finally {
      client.downstream.close();
      await broken.stop();
    }
  });

  it("an optional dependency that is down leaves its part out and says so: no images service, slides without pictures", async () => {
    const deadImages = `127.0.0.1:${await freePort()}`;
    const broken = await startService("orchestrator", { env: { ...stack.env, LECTRA_IMAGES_ADDR: deadImages, LECTRA_IMAGES_TIMEOUT_MS: "3000" } });
    const client = lectraClient(broken.address, stack.env);
    try {
      const r = await run(client, { source: { $case: "script", value: script(2) }, skipVideo: true });
      assert.equal(r.job?.state, JobState.JOB_STATE_SUCCEEDED, r.job?.error?.message);
      assert.ok(r.job!.warnings.some((w) => new RegExp(`no picture: images service \\(${deadImages}\\)`).test(w)), r.job!.warnings.join("; "));
      assert.deepEqual(r.job!.credits, []);
    } finally {
      client.downstream.close();
      await broken.stop();
    }
    assert.ok(WORKERS.length === 5);
  });
});

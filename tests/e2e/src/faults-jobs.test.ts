// Faults around jobs, with all six services as processes: the orchestrator
// killed mid-job and the job resumed (what was finished comes from the
// services' caches), three times as many jobs as may run at once (they wait
// their turn; past the line they are refused, saying when to retry), and a job
// deleted with its files.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { status } from "@grpc/grpc-js";
import { GenerateRequest, JobState, Stage, StageStatus, type JobEvent } from "@lectra/proto";
import type { DependencyError } from "@lectra/clients";
import { run, script, stackForSuite } from "./stack";

describe("the orchestrator killed mid-job, then ResumeJob", () => {
  const stack = stackForSuite();

  it("the resumed job succeeds under its own id, and the stages finished before the kill come from the cache", async () => {
    let jobId = "";
    const finishedBefore: string[] = [];
    const orchestrator = stack().services.get("orchestrator")!;
    const killed = await run(stack().client, { source: { $case: "script", value: script(4, 3) } }, async (e) => {
      jobId ||= e.jobId;
      const k = e.kind;
      if (k?.$case === "stage" && k.value.status === StageStatus.STAGE_STATUS_FINISHED) {
        finishedBefore.push(`${k.value.stage}/${k.value.slideIndex}`);
        // Kill it hard once some per-slide speech is done, so the job is half made.
        if (k.value.stage === Stage.STAGE_SPEECH && orchestrator.child.exitCode === null) orchestrator.child.kill("SIGKILL");
      }
    });
    assert.equal(killed.error?.code, status.UNAVAILABLE, "the Generate call lost its orchestrator");

    await stack().startOrchestrator();
    const before = (await stack().client.getJob({ jobId })).job!;
    assert.equal(before.state, JobState.JOB_STATE_INTERRUPTED);

    const events: JobEvent[] = [];
    for await (const { event } of stack().client.resumeJob({ jobId })) events.push(event!);
    const finished = events.at(-1)!.kind;
    assert.equal(finished?.$case, "finished");
    const job = (finished as { value: typeof before }).value;
    assert.equal(job.id, jobId);
    assert.equal(job.state, JobState.JOB_STATE_SUCCEEDED, job.error?.message);
    assert.equal(job.resumed, 1);
    assert.deepEqual(job.artifacts.map((a) => a.name).sort(), ["captions.srt", "captions.vtt", "deck.pptx", "lecture-001.ts", "lecture-002.ts", "lecture-003.ts", "lecture-004.ts", "lecture.m3u8", "lecture.md", "lecture.mp4", "narration.wav", "timings.json"]);

    // Every cached kind of stage run (pictures, speech, frames, clips; a script's
    // content and rule-based tags are not worth caching) that had finished
    // before the kill is a cache hit now.
    const CACHED = new Set([Stage.STAGE_IMAGE, Stage.STAGE_SPEECH, Stage.STAGE_FRAME, Stage.STAGE_CLIP].map(String));
    const cachedNow = new Set(
      events.flatMap((e) =>
        e.kind?.$case === "stage" && e.kind.value.status === StageStatus.STAGE_STATUS_FINISHED && /cached/.test(e.kind.value.detail)
          ? [`${e.kind.value.stage}/${e.kind.value.slideIndex}`]
          : [],
      ),
    );
    const perSlideBefore = finishedBefore.filter((s) => CACHED.has(s.split("/")[0]));
    assert.ok(perSlideBefore.length > 0);
    for (const run of perSlideBefore) assert.ok(cachedNow.has(run), `${run} was done again`);
  });

  it("a job that succeeded, or is unknown, is not resumed", async () => {
    const done = await run(stack().client, { source: { $case: "script", value: script(1) }, skipVideo: true });
    assert.equal(done.job?.state, JobState.JOB_STATE_SUCCEEDED);
    const resume = async (jobId: string) => {
      for await (const _ of stack().client.resumeJob({ jobId }));
    };
    await assert.rejects(resume(done.job!.id), (e: DependencyError) => e.code === status.FAILED_PRECONDITION && /is SUCCEEDED/.test(e.details));
    await assert.rejects(resume("00000000-0000-4000-8000-000000000000"), (e: DependencyError) => e.code === status.NOT_FOUND);
  });

  it("DeleteJob removes a finished job and its files; ListJobs says how big each job is", async () => {
    const done = await run(stack().client, { source: { $case: "script", value: script(1) }, skipVideo: true });
    const id = done.job!.id;
    const listed = (await stack().client.listJobs({ pageSize: 100, pageToken: "" })).jobs.find((j) => j.id === id)!;
    const onDisk = fs.readdirSync(path.join(stack().dataDir, "jobs", id)).reduce((sum, f) => sum + fs.statSync(path.join(stack().dataDir, "jobs", id, f)).size, 0);
    assert.ok(listed.sizeBytes > 0 && Math.abs(listed.sizeBytes - onDisk) < 4096, `listed ${listed.sizeBytes}, on disk ${onDisk}`);
    await stack().client.deleteJob({ jobId: id });
    assert.equal(fs.existsSync(path.join(stack().dataDir, "jobs", id)), false);
    await assert.rejects(stack().client.getJob({ jobId: id }), (e: DependencyError) => e.code === status.NOT_FOUND);
  });
});

describe("three times as many jobs as may run at once", () => {
  const stack = stackForSuite({ LECTRA_MAX_JOBS: "1", LECTRA_MAX_QUEUED_JOBS: "1" });

  it("one runs, one waits its turn and is told its place, one is refused with when to retry; nothing is lost", async () => {
    const request = GenerateRequest.fromPartial({ source: { $case: "script", value: script(2) }, skipVideo: true });
    const results = await Promise.all([0, 1, 2].map(async (i) => {
      await new Promise((r) => setTimeout(r, i * 150)); // in this order
      return run(stack().client, request);
    }));
    const [first, second, third] = results;
    assert.equal(first.job?.state, JobState.JOB_STATE_SUCCEEDED, first.job?.error?.message);
    assert.equal(second.job?.state, JobState.JOB_STATE_SUCCEEDED, second.job?.error?.message);
    const started = second.events[0].kind;
    assert.equal(started?.$case === "started" && started.value.state, JobState.JOB_STATE_QUEUED);
    assert.ok(second.events.some((e) => e.kind?.$case === "queued" && e.kind.value.position === 1), "told it is next in line");
    assert.equal(third.error?.code, status.RESOURCE_EXHAUSTED);
    assert.match(third.error!.details, /LECTRA_MAX_JOBS=1, LECTRA_MAX_QUEUED_JOBS=1\); retry in about \d+ s/);
    assert.equal(third.events.length, 0, "no job was made for it");
  });
});

// The orchestrator's core in process: jobs on the real lecture graph, a real
// job store on disk, the five services faked at their client interface, and
// OpenTelemetry's no-op tracer (the job's report must not need the SDK).
import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { trace } from "@opentelemetry/api";
import { GenerateRequest, JobState, Stage, StageStatus, type JobEvent } from "@lectra/proto";
import { createLogger } from "@lectra/service-kit";
import { validateGenerate } from "../request";
import { FakeServices, untilAborted } from "../testing/downstreams";
import { Jobs } from "./registry";
import { JobStore } from "./store";

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function setUp(services = new FakeServices()) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-jobs-"));
  dirs.push(dir);
  const store = new JobStore(dir);
  await store.open();
  const jobs = new Jobs(store, services.clients, trace.getTracer("test"), createLogger("test"));
  return { store, jobs, services };
}

async function run(jobs: Jobs, options: { skipVideo?: boolean; constantFrameRate?: boolean } = {}) {
  const request = validateGenerate(
    GenerateRequest.fromPartial({ source: { $case: "topic", value: "How tides work" }, slideCount: 3, voice: "fake-voice", ...options }),
  );
  const events: JobEvent[] = [];
  const running = await jobs.start(request, (e) => events.push(e));
  return { running, events, job: await running.done };
}

const stageEvents = (events: JobEvent[], status: StageStatus) =>
  events.flatMap((e) => (e.kind?.$case === "stage" && e.kind.value.status === status ? [e.kind.value] : []));

describe("a job in process", () => {
  it("succeeds with every artifact, progress rising to exactly 1, and a report of every stage", async () => {
    const { jobs, store } = await setUp();
    const { job, events } = await run(jobs);
    assert.equal(job.state, JobState.JOB_STATE_SUCCEEDED, job.error?.message);
    assert.deepEqual(
      job.artifacts.map((a) => a.name).sort(),
      ["captions.srt", "captions.vtt", "deck.pptx", "lecture.mp4", "narration.wav", "timings.json"],
    );
    const progress = events.map((e) => e.progress);
    assert.ok(progress.every((p, i) => i === 0 || p >= progress[i - 1]), `progress went down: ${progress.join(" ")}`);
    const lastStage = events.filter((e) => e.kind?.$case === "stage").at(-1)!;
    assert.equal(lastStage.progress, 1, "the last stage to finish brings progress to exactly 1");
    assert.equal(job.progress, 1);
    assert.deepEqual(
      job.report!.stages.map((s) => [s.spanName, s.count]),
      [["stage.outline", 1], ["stage.content", 3], ["stage.image", 3], ["stage.tags", 3], ["stage.speech", 3], ["stage.frame", 3], ["stage.clip", 3], ["stage.deck", 1], ["stage.captions", 1], ["stage.video", 1]],
    );
    assert.ok(job.report!.criticalPathSeconds <= job.report!.stagedSeconds);
    // The narration is padded to whole AAC frames, and the timeline follows it.
    const timings = JSON.parse(fs.readFileSync(store.artifactPath(job.id, "timings.json"), "utf8"));
    assert.equal(timings.slides.length, 3);
    assert.equal(timings.slides[0].endSeconds, 12_288 / 24_000);
    assert.equal(timings.slides[2].pages.length, 1);
    // What is on disk is what the job says.
    assert.equal(store.get(job.id).state, JobState.JOB_STATE_SUCCEEDED);
  });

  it("stops at the first failure, naming the stage and slide, and calls nothing that needed it", async () => {
    const services = new FakeServices().on("images.findPicture", async (r) => {
      if (r.slideTitle === "The Moon") throw new Error("Commons answered 503");
      return undefined;
    });
    const { jobs } = await setUp(services);
    const { job } = await run(jobs);
    assert.equal(job.state, JobState.JOB_STATE_FAILED);
    assert.equal(job.error!.stage, Stage.STAGE_IMAGE);
    assert.equal(job.error!.slideIndex, 1);
    assert.match(job.error!.message, /stage\.image \(slide 2\) failed: Commons answered 503/);
    assert.equal(services.count("slides.buildDeck"), 0, "the deck needs every picture");
    assert.equal(services.calls.filter((c) => c.method === "slides.renderFrames" && c.slide === 1).length, 0);
    assert.equal(services.count("video.assembleVideo"), 0);
  });

  it("cancelled mid-stage, stops the calls in flight and starts no more", async () => {
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const services = new FakeServices().on("speech.synthesize", (_, options) => {
      held();
      return untilAborted(options);
    });
    const { jobs } = await setUp(services);
    const request = validateGenerate(GenerateRequest.fromPartial({ source: { $case: "topic", value: "How tides work" }, slideCount: 3 }));
    const events: JobEvent[] = [];
    const running = await jobs.start(request, (e) => events.push(e));
    await holding;
    const job = await jobs.cancel(running.job.jobId, "cancelled by the test");
    const callsAtEnd = services.calls.length;

    assert.equal(job.state, JobState.JOB_STATE_CANCELLED);
    assert.equal(job.error!.message, "cancelled by the test");
    const speech = services.calls.filter((c) => c.method === "speech.synthesize");
    assert.ok(speech.length > 0 && speech.every((c) => c.aborted === true), "every speech call in flight saw its cancellation");
    assert.equal(services.count("video.renderClip"), 0);
    assert.equal(services.count("video.writeCaptions"), 0);
    assert.ok(stageEvents(events, StageStatus.STAGE_STATUS_CANCELLED).some((u) => u.stage === Stage.STAGE_SPEECH));
    assert.equal(stageEvents(events, StageStatus.STAGE_STATUS_FAILED).length, 0, "a cancelled stage is not a failed one");
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(services.calls.length, callsAtEnd, "no call after the job said it stopped");
  });

  it("without video: no frames, clips or video, and progress still reaches 1", async () => {
    const { jobs, services } = await setUp();
    const { job } = await run(jobs, { skipVideo: true });
    assert.equal(job.state, JobState.JOB_STATE_SUCCEEDED, job.error?.message);
    for (const m of ["slides.renderFrames", "video.renderClip", "video.assembleVideo", "video.renderVideo"] as const) assert.equal(services.count(m), 0, m);
    assert.ok(!job.artifacts.some((a) => a.name === "lecture.mp4"));
    assert.ok(job.artifacts.some((a) => a.name === "timings.json"));
    assert.equal(job.progress, 1);
  });

  it("at a constant frame rate: frames, then the lecture encoded in one piece, no clips", async () => {
    const { jobs, services } = await setUp();
    const { job, events } = await run(jobs, { constantFrameRate: true });
    assert.equal(job.state, JobState.JOB_STATE_SUCCEEDED, job.error?.message);
    assert.equal(services.count("video.renderClip"), 0);
    assert.equal(services.count("video.assembleVideo"), 0);
    assert.equal(services.count("video.renderVideo"), 1);
    assert.equal(services.count("slides.renderFrames"), 3);
    assert.ok(job.artifacts.some((a) => a.name === "lecture.mp4"));
    assert.equal(events.filter((e) => e.kind?.$case === "stage").at(-1)!.progress, 1);
  });

  it("the outline may plan fewer slides than asked: the plan follows it", async () => {
    const { jobs, services } = await setUp(new FakeServices(["Only one"]));
    const { job } = await run(jobs);
    assert.equal(job.state, JobState.JOB_STATE_SUCCEEDED, job.error?.message);
    assert.equal(job.slideCount, 1);
    assert.equal(services.count("llm.writeSlide"), 1);
    assert.equal(job.progress, 1);
  });

  it("on shutdown, running jobs end INTERRUPTED and say so on disk", async () => {
    const services = new FakeServices().on("llm.writeSlide", (_, options) => untilAborted(options));
    const { jobs, store } = await setUp(services);
    const request = validateGenerate(GenerateRequest.fromPartial({ source: { $case: "topic", value: "How tides work" }, slideCount: 2 }));
    const running = await jobs.start(request, () => {});
    while (services.count("llm.writeSlide") === 0) await new Promise((r) => setTimeout(r, 5));
    await jobs.interruptAll("the orchestrator was shut down");
    const job = await running.done;
    assert.equal(job.state, JobState.JOB_STATE_INTERRUPTED);
    const reopened = new JobStore(store.dataDir);
    await reopened.open();
    assert.equal(reopened.get(job.id).state, JobState.JOB_STATE_INTERRUPTED);
    assert.equal(reopened.get(job.id).error!.code, "ABORTED");
  });
});

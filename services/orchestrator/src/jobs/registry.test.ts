// The orchestrator's core in process: jobs on the real lecture graph, a real
// job store on disk, the five services faked at their client interface, and
// OpenTelemetry's no-op tracer (the job's report must not need the SDK).
import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { status } from "@grpc/grpc-js";
import { trace } from "@opentelemetry/api";
import { DependencyError } from "@lectra/clients";
import { GenerateRequest, JobState, Stage, StageStatus, type JobEvent } from "@lectra/proto";
import { parseScript } from "@lectra/lecture";
import { createLogger } from "@lectra/service-kit";
import { validateGenerate } from "../request";
import { FakeServices, untilAborted } from "../testing/downstreams";
import { Jobs } from "./registry";
import { JobStore } from "./store";

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function setUp(services = new FakeServices(), limits = { maxRunning: 4, maxQueued: 16 }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-jobs-"));
  dirs.push(dir);
  const store = new JobStore(dir);
  await store.open();
  const jobs = new Jobs(store, services.clients, trace.getTracer("test"), createLogger("test"), { ...limits, slidesAtOnce: 12 });
  return { store, jobs, services };
}

async function run(jobs: Jobs, options: { skipVideo?: boolean; constantFrameRate?: boolean } = {}) {
  const raw = GenerateRequest.fromPartial({ source: { $case: "topic", value: "How tides work" }, slideCount: 3, voice: "fake-voice", ...options });
  const events: JobEvent[] = [];
  const running = await jobs.start(validateGenerate(raw), raw, (e) => events.push(e));
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
      ["captions.srt", "captions.vtt", "deck.pptx", "lecture-001.ts", "lecture-002.ts", "lecture-003.ts", "lecture.m3u8", "lecture.md", "lecture.mp4", "narration.wav", "timings.json"],
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

  it("asks for the earlier slides' speech and clips first: each slide's calls carry minus its index as their priority", async () => {
    const priorities = { speech: [] as number[], clips: [] as number[] };
    const services = new FakeServices()
      .on("speech.synthesize", (r) => void priorities.speech.push(r.priority))
      .on("video.renderClip", (r) => void priorities.clips.push(r.priority));
    const { jobs } = await setUp(services);
    const { job } = await run(jobs);
    assert.equal(job.state, JobState.JOB_STATE_SUCCEEDED, job.error?.message);
    assert.deepEqual([...new Set(priorities.speech)].sort((a, b) => a - b), [-2, -1, 0], "every slide's speech, by its slide");
    assert.equal(priorities.speech.length, services.count("speech.synthesize"));
    assert.deepEqual(priorities.clips.sort((a, b) => a - b), [-2, -1, 0]);
  });

  it("writes lecture.md once every slide is written: the lecture as a script, kept when a later stage fails", async () => {
    const moon = { index: 1, title: "The Moon", bullets: ["- it pulls", "**hard**"], narration: "Image: the Moon [pause=400ms] pulls.\n\n# Twice a day.", imageQuery: "moon" };
    const services = new FakeServices()
      .on("llm.writeSlide", async (r) => (r.slideIndex === 1 ? { slide: moon, warnings: [] } : undefined))
      .on("speech.synthesize", async () => {
        throw new Error("espeak-ng crashed");
      });
    const { jobs, store } = await setUp(services);
    const { job } = await run(jobs);
    assert.equal(job.state, JobState.JOB_STATE_FAILED);
    assert.equal(job.error!.stage, Stage.STAGE_SPEECH);
    assert.equal(job.artifacts.find((a) => a.name === "lecture.md")?.mediaType, "text/markdown; charset=utf-8");
    const script = parseScript(fs.readFileSync(store.artifactPath(job.id, "lecture.md"), "utf8"));
    assert.equal(script.title, "The tides");
    assert.equal(script.language, "en");
    const written = (title: string, n: number) => ({ title, bullets: ["one point"], narration: `Slide ${n} speaks.`, imageQuery: title.toLowerCase() });
    const { index: _, ...moonText } = moon;
    assert.deepEqual(script.slides.map(({ line: _, ...slide }) => slide), [written("Tides", 1), moonText, written("Spring tides", 3)]);
  });

  it("stops at the first failure, naming the stage and slide, and calls nothing that needed it", async () => {
    const services = new FakeServices().on("images.findPicture", async (r) => {
      if (r.query === "the moon") throw new Error("Commons answered 503");
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
    const raw = GenerateRequest.fromPartial({ source: { $case: "topic", value: "How tides work" }, slideCount: 3 });
    const events: JobEvent[] = [];
    const running = await jobs.start(validateGenerate(raw), raw, (e) => events.push(e));
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
    const raw = GenerateRequest.fromPartial({ source: { $case: "topic", value: "How tides work" }, slideCount: 2 });
    const running = await jobs.start(validateGenerate(raw), raw, () => {});
    while (services.count("llm.writeSlide") === 0) await new Promise((r) => setTimeout(r, 5));
    await jobs.interruptAll("the orchestrator was shut down");
    const job = await running.done;
    assert.equal(job.state, JobState.JOB_STATE_INTERRUPTED);
    const reopened = new JobStore(store.dataDir);
    await reopened.open();
    assert.equal(reopened.get(job.id).state, JobState.JOB_STATE_INTERRUPTED);
    assert.equal(reopened.get(job.id).error!.code, "ABORTED");
  });

  /** One job per slot, its outline held until `release()`: the next ones wait in line. */
  async function oneSlot(maxQueued: number) {
    const services = new FakeServices();
    const release = services.hold("llm.outline");
    const { jobs } = await setUp(services, { maxRunning: 1, maxQueued });
    const raw = GenerateRequest.fromPartial({ source: { $case: "topic", value: "How tides work" }, slideCount: 2 });
    const start = (listener: (e: JobEvent) => void = () => {}) => jobs.start(validateGenerate(raw), raw, listener);
    return { services, release, jobs, start, first: await start() };
  }

  it("past LECTRA_MAX_JOBS a job waits QUEUED, told its place in line; past the line it is refused, saying when to retry", async () => {
    const { release, jobs, start, first } = await oneSlot(1);
    const waitingEvents: JobEvent[] = [];
    const second = await start((e) => waitingEvents.push(e));
    assert.equal(jobs.get(second.job.jobId).state, JobState.JOB_STATE_QUEUED);
    await assert.rejects(start(), /1 jobs are running and 1 waiting.*retry in about \d+ s/);
    await new Promise((r) => setImmediate(r));
    const places = waitingEvents.flatMap((e) => (e.kind?.$case === "queued" ? [e.kind.value.position] : []));
    assert.deepEqual(places, [1]);
    release();
    const [a, b] = await Promise.all([first.done, second.done]);
    assert.deepEqual([a.state, b.state], [JobState.JOB_STATE_SUCCEEDED, JobState.JOB_STATE_SUCCEEDED]);
    assert.ok(b.report!.wallSeconds < (b.finishTime!.getTime() - b.createTime!.getTime()) / 1000 + 0.05, "its report times the run, not the wait");
  });

  it("a job cancelled while it waits ends CANCELLED without a call, and the line moves on", async () => {
    const { services, release, jobs, start, first } = await oneSlot(2);
    const second = await start();
    const third = await start();
    const cancelled = await jobs.cancel(second.job.jobId, "not needed after all");
    assert.equal(cancelled.state, JobState.JOB_STATE_CANCELLED);
    assert.equal(services.count("llm.outline"), 1, "only the running job called anything");
    release();
    assert.equal((await third.done).state, JobState.JOB_STATE_SUCCEEDED);
    assert.equal((await first.done).state, JobState.JOB_STATE_SUCCEEDED);
  });

  it("a failed job resumes from its stored request: same id, what it made kept, and it succeeds", async () => {
    let videoFails = true;
    const services = new FakeServices().on("video.assembleVideo", async () => {
      if (videoFails) throw new Error("the video service went away");
      return undefined;
    });
    const { jobs, store } = await setUp(services);
    const { job: failed } = await run(jobs);
    assert.equal(failed.state, JobState.JOB_STATE_FAILED);
    const stored = await store.loadRequest(failed.id);
    assert.equal(stored?.voice, "fake-voice");

    videoFails = false;
    const events: JobEvent[] = [];
    // Each event as it was sent (a listener in process gets the live record).
    const resumed = await jobs.resume(failed.id, (e) => events.push(structuredClone(e)));
    const job = await resumed.done;
    assert.equal(job.id, failed.id);
    assert.equal(job.state, JobState.JOB_STATE_SUCCEEDED, job.error?.message);
    assert.equal(job.resumed, 1);
    assert.equal(job.error, undefined);
    assert.ok(job.artifacts.some((a) => a.name === "lecture.mp4"));
    assert.equal(events[0].kind?.$case, "started");
    const startedWith = events[0].kind?.$case === "started" ? events[0].kind.value.artifacts.map((a) => a.name) : [];
    assert.deepEqual(startedWith, failed.artifacts.map((a) => a.name), "it starts with what the failed run made");
    await assert.rejects(jobs.resume(job.id, () => {}), /is SUCCEEDED; only a failed, cancelled or interrupted job can be resumed/);
  });

  it("a finished job can be deleted, with its files; a running one cannot", async () => {
    const services = new FakeServices().on("llm.writeSlide", (_, options) => untilAborted(options));
    const { jobs, store } = await setUp(services);
    const raw = GenerateRequest.fromPartial({ source: { $case: "topic", value: "How tides work" }, slideCount: 1 });
    const running = await jobs.start(validateGenerate(raw), raw, () => {});
    await assert.rejects(jobs.delete(running.job.jobId), /cancel it \(CancelJob\) before deleting it/);
    await jobs.cancel(running.job.jobId, "done with it");
    const dir = store.jobDir(running.job.jobId);
    assert.ok(fs.existsSync(dir));
    await jobs.delete(running.job.jobId);
    assert.equal(fs.existsSync(dir), false);
    assert.throws(() => jobs.get(running.job.jobId), /no job/);
  });

  it("with the images service down, slides go without pictures and the job says so", async () => {
    const services = new FakeServices().on("images.findPicture", async () => {
      throw new DependencyError("images", "127.0.0.1:1", status.UNAVAILABLE, "No connection established");
    });
    const { jobs } = await setUp(services);
    const { job } = await run(jobs);
    assert.equal(job.state, JobState.JOB_STATE_SUCCEEDED, job.error?.message);
    assert.ok(job.warnings.some((w) => /^slide 1: no picture: images service \(127\.0\.0\.1:1\) is unavailable/.test(w)), job.warnings.join("; "));
    assert.deepEqual(job.credits, []);
  });
});

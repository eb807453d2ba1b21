// The graph is declared once: a stage added to the declaration shows up in the
// scheduler, the progress total, the critical path, the staged estimate and
// the report, with no other edit.
import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { trace } from "@opentelemetry/api";
import { GenerateRequest, JobState, Stage, StageStatus, type JobEvent } from "@lectra/proto";
import { createLogger } from "@lectra/service-kit";
import { Jobs } from "../jobs/registry";
import { JobStore } from "../jobs/store";
import { validateGenerate } from "../request";
import { FakeServices } from "../testing/downstreams";
import { criticalPath, stagedSeconds, type TimedRun } from "./critical-path";
import { plannedRuns, StageGraph, stagesOf, stepsFor } from "./graph";
import type { LectureEnv } from "./env";
import { LECTURE_GRAPH } from "./lecture";
import { runGraph } from "./scheduler";
import { stageReport } from "./report";

/** A stage no one has built (a real one would get its own value in the proto): per slide, after the slide's speech. */
const STAGE_SUBTITLES = Stage.STAGE_UNSPECIFIED;
const WITH_CLIPS = { skipVideo: false, constantFrameRate: false };
const subtitled: Array<{ slide: number; seconds: number }> = [];
const EXTENDED = LECTURE_GRAPH.slide("subtitles", {
  stage: STAGE_SUBTITLES,
  needs: ["speech"],
  async run({ speech }, { slide }) {
    subtitled.push({ slide: slide!, seconds: speech.durationSeconds });
    return speech.segments.length;
  },
});

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("the declared graph", () => {
  it("a made-up stage is scheduled per slide after its need, and counted in progress", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-graph-"));
    dirs.push(dir);
    const store = new JobStore(dir);
    await store.open();
    const jobs = new Jobs(store, new FakeServices().clients, trace.getTracer("test"), createLogger("test"), { maxRunning: 4, maxQueued: 4, slidesAtOnce: 12, graph: EXTENDED });
    const events: JobEvent[] = [];
    const raw = GenerateRequest.fromPartial({ source: { $case: "topic", value: "How tides work" }, slideCount: 3 });
    const job = await (await jobs.start(validateGenerate(raw), raw, (e) => events.push(e))).done;

    assert.equal(job.state, JobState.JOB_STATE_SUCCEEDED, job.error?.message);
    assert.deepEqual(subtitled.map((s) => s.slide).sort(), [0, 1, 2]);
    assert.ok(subtitled.every((s) => s.seconds > 0.5), "it got each slide's (padded) speech");
    const finished = events.flatMap((e) => (e.kind?.$case === "stage" && e.kind.value.status === StageStatus.STAGE_STATUS_FINISHED ? [e.kind.value] : []));
    assert.equal(finished.filter((u) => u.stage === STAGE_SUBTITLES).length, 3);
    assert.equal(events.filter((e) => e.kind?.$case === "stage").at(-1)!.progress, 1);
    assert.equal(job.report!.stages.at(-1)!.stage, STAGE_SUBTITLES, "the report lists it, in declaration order");
    assert.equal(job.report!.stages.at(-1)!.count, 3);
  });

  it("the progress total, the critical path, the staged estimate and the report's order all include it", () => {
    assert.equal(plannedRuns(EXTENDED, WITH_CLIPS, 4), plannedRuns(LECTURE_GRAPH, WITH_CLIPS, 4) + 4);
    assert.deepEqual(stagesOf(EXTENDED), [...stagesOf(LECTURE_GRAPH), STAGE_SUBTITLES]);

    const runs: TimedRun[] = [
      { stage: Stage.STAGE_OUTLINE, slideIndex: undefined, seconds: 1 },
      { stage: Stage.STAGE_CONTENT, slideIndex: 0, seconds: 1 },
      { stage: Stage.STAGE_TAGS, slideIndex: 0, seconds: 1 },
      { stage: Stage.STAGE_SPEECH, slideIndex: 0, seconds: 1 },
      { stage: Stage.STAGE_VIDEO, slideIndex: undefined, seconds: 1 },
      { stage: STAGE_SUBTITLES, slideIndex: 0, seconds: 10 },
    ];
    const withIt = criticalPath(EXTENDED, WITH_CLIPS, runs);
    assert.equal(withIt.seconds, 14, "outline, content, tags, speech, then 10 s of subtitles");
    assert.equal(withIt.path.at(-1)!.stage, STAGE_SUBTITLES);
    assert.equal(criticalPath(LECTURE_GRAPH, WITH_CLIPS, runs).seconds, 5, "the graph without it does not know it");
    assert.equal(stagedSeconds(EXTENDED, runs), stagedSeconds(LECTURE_GRAPH, runs) + 10);

    const report = stageReport(EXTENDED, WITH_CLIPS, runs.map((r, i) => ({ stage: r.stage, slideIndex: r.slideIndex, startMs: i * 1000, endMs: i * 1000 + r.seconds * 1000 })), 0, 20_000);
    assert.equal(report.stages.at(-1)!.stage, STAGE_SUBTITLES);
    assert.equal(report.criticalPathSeconds, 14);
  });

  it("each job runs the steps its options keep; a step whose need is left out is left out too", () => {
    const names = (o: { skipVideo: boolean; constantFrameRate: boolean }) => stepsFor(LECTURE_GRAPH, o).map((s) => s.name);
    assert.deepEqual(names(WITH_CLIPS), ["outline", "content", "script", "image", "tags", "speech", "frame", "clip", "playlist", "segment", "deck", "narration", "captions", "timings", "video"]);
    // The playlist is kept but, with no clips, never gets a segment to list.
    assert.deepEqual(names({ skipVideo: false, constantFrameRate: true }), ["outline", "content", "script", "image", "tags", "speech", "frame", "playlist", "deck", "narration", "captions", "timings", "constantRateVideo"]);
    assert.deepEqual(names({ skipVideo: true, constantFrameRate: false }), ["outline", "content", "script", "image", "tags", "speech", "playlist", "deck", "narration", "captions", "timings"]);
    // Stage runs per job: 1 outline, 6/5/4 per slide, deck, captions, and the video when there is one.
    assert.equal(plannedRuns(LECTURE_GRAPH, WITH_CLIPS, 10), 1 + 60 + 3);
    assert.equal(plannedRuns(LECTURE_GRAPH, { skipVideo: false, constantFrameRate: true }, 10), 1 + 50 + 3);
    assert.equal(plannedRuns(LECTURE_GRAPH, { skipVideo: true, constantFrameRate: false }, 10), 1 + 40 + 2);
  });

  it("starts a slide as soon as a partial result of the plan counts it; a follower reads the result as it grows", async () => {
    const events: string[] = [];
    const graph = new StageGraph()
      .lecture("plan", {
        async run(_, { partial }) {
          for (let n = 1; n <= 3; n++) {
            partial(n);
            await new Promise((r) => setTimeout(r, 30));
          }
          events.push("plan done");
          return 3;
        },
      })
      .slidesFrom("plan", (n) => n)
      .slide("page", {
        follows: ["plan"],
        async run({ plan }, { slide }) {
          events.push(`page ${slide} starts`);
          const seen: number[] = [];
          for await (const n of plan) seen.push(n);
          return seen;
        },
      })
      .lecture("book", { needs: ["page"], async run({ page }) { return page; } });
    const controller = new AbortController();
    let book: number[][] = [];
    const job = { signal: controller.signal, fail: (e: unknown) => assert.fail(String(e)) };
    const env = { request: { skipVideo: false, constantFrameRate: false }, clients: {}, job, streaming: true } as unknown as LectureEnv;
    const spy = graph.steps.find((s) => s.name === "book")!;
    const run = spy.run;
    spy.run = async (input, context) => (book = (await run(input, context)) as number[][]);
    await runGraph(graph, env);
    assert.deepEqual(events.slice(0, 4), ["page 0 starts", "page 1 starts", "page 2 starts", "plan done"], "each slide started before the plan was whole");
    assert.equal(book.length, 3, "the book waited for the whole plan's count");
    for (const seen of book) {
      assert.equal(seen.at(-1), 3, "a follower ends with the whole result");
      assert.deepEqual(seen, [...seen].sort(), "and saw it only grow");
    }
    assert.deepEqual(book[0], [1, 2, 3, 3], "slide 0 saw every partial result, then the whole");
  });

  it("refuses a declaration that names a step not declared before it, twice, or per slide before the slides are known", () => {
    const base = new StageGraph().lecture("plan", { run: async () => 2 });
    assert.throws(() => base.lecture("late", { needs: ["nowhere" as "plan"], run: async () => 0 }), /needs "nowhere", which is not declared before it/);
    assert.throws(() => base.lecture("plan", { run: async () => 0 }), /declared twice/);
    assert.throws(() => base.slide("page", { run: async () => 0 }), /does not say where the slides come from/);
    assert.doesNotThrow(() => base.slidesFrom("plan", (n) => n).slide("page", { needs: ["plan"], run: async ({ plan }) => plan }));
  });
});

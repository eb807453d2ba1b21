import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { Stage } from "@lectra/proto";
import { LECTURE_GRAPH } from "./lecture";
import { stageReport } from "./report";
import type { StageRun } from "./stage";

const run = (stage: Stage, startMs: number, endMs: number, slideIndex?: number): StageRun => ({ stage, startMs, endMs, slideIndex });

describe("stage report", () => {
  const runs = [
    run(Stage.STAGE_OUTLINE, 1000, 2000),
    run(Stage.STAGE_CONTENT, 2000, 3000, 0),
    run(Stage.STAGE_CONTENT, 2000, 4000, 1),
    run(Stage.STAGE_TAGS, 3000, 3500, 0),
    run(Stage.STAGE_TAGS, 4000, 4500, 1),
    run(Stage.STAGE_SPEECH, 3500, 5500, 0),
    run(Stage.STAGE_SPEECH, 4500, 7500, 1),
    run(Stage.STAGE_VIDEO, 7500, 8500),
  ];
  const report = stageReport(LECTURE_GRAPH, { skipVideo: false, constantFrameRate: false }, runs, 1000, 9000);

  it("counts, adds up and spans each stage, in the graph's order", () => {
    assert.deepEqual(report.stages.map((s) => s.spanName), ["stage.outline", "stage.content", "stage.tags", "stage.speech", "stage.video"]);
    const speech = report.stages.find((s) => s.stage === Stage.STAGE_SPEECH)!;
    assert.equal(speech.count, 2);
    assert.equal(speech.busySeconds, 5);
    assert.equal(speech.wallSeconds, 4);
    assert.equal(speech.startSeconds, 2.5);
    assert.equal(speech.maxSeconds, 3);
    assert.equal(report.wallSeconds, 8);
  });

  it("says how much of the critical path each stage is", () => {
    // outline 1 + content 2 + tags 0.5 + speech 3 + video 1 = 7.5
    assert.equal(report.criticalPathSeconds, 7.5);
    const share = (s: Stage) => report.stages.find((t) => t.stage === s)!.criticalShare;
    assert.equal(share(Stage.STAGE_SPEECH), 3 / 7.5);
    const total = report.stages.reduce((sum, s) => sum + s.criticalShare, 0);
    assert.ok(Math.abs(total - 1) < 1e-9);
    // staged: outline 1 + slowest content 2 + both taggings 0.5 + 0.5 + both speeches 2 + 3 + video 1
    assert.equal(report.stagedSeconds, 10);
  });
});

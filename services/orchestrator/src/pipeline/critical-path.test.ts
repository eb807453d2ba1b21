import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { Stage } from "@lectra/proto";
import { criticalPath, stagedSeconds, type TimedRun } from "./critical-path";
import { LECTURE_GRAPH } from "./lecture";

const WITH_CLIPS = { skipVideo: false, constantFrameRate: false };

const run = (stage: Stage, seconds: number, slideIndex?: number): TimedRun => ({ stage, seconds, slideIndex });

/** Two slides, their pictures searched from the outline: slide 1 is speech-bound and the slowest overall. */
const RUNS: TimedRun[] = [
  run(Stage.STAGE_OUTLINE, 8),
  run(Stage.STAGE_CONTENT, 6, 0),
  run(Stage.STAGE_IMAGE, 5, 0),
  run(Stage.STAGE_FRAME, 1, 0),
  run(Stage.STAGE_TAGS, 1, 0),
  run(Stage.STAGE_SPEECH, 2, 0),
  run(Stage.STAGE_CONTENT, 9, 1),
  run(Stage.STAGE_IMAGE, 3, 1),
  run(Stage.STAGE_FRAME, 1, 1),
  run(Stage.STAGE_TAGS, 1, 1),
  run(Stage.STAGE_SPEECH, 4, 1),
  run(Stage.STAGE_CLIP, 0.5, 0),
  run(Stage.STAGE_CLIP, 0.5, 1),
  run(Stage.STAGE_DECK, 2),
  run(Stage.STAGE_CAPTIONS, 0.5),
  run(Stage.STAGE_VIDEO, 3),
];

describe("critical path", () => {
  it("a step that follows another counts from as far into it as it really started: the streamed outline's part on the path", () => {
    // Slide 1's content started 3 s into the 8 s outline (its title came then); its tags started with it.
    const at = (r: TimedRun, startSeconds: number): TimedRun => ({ ...r, startSeconds });
    const runs = [
      at(run(Stage.STAGE_OUTLINE, 8), 0),
      at(run(Stage.STAGE_CONTENT, 9, 0), 3),
      at(run(Stage.STAGE_TAGS, 9.5, 0), 3),
      at(run(Stage.STAGE_SPEECH, 10, 0), 3.25),
    ];
    const cp = criticalPath(LECTURE_GRAPH, { skipVideo: true, constantFrameRate: false }, runs);
    // outline's first 3 s, tags' start 0 s into the content, speech 0.25 s into the tags, then speech's 10 s.
    assert.equal(cp.seconds, 3 + 0 + 0.25 + 10);
    assert.deepEqual(
      cp.path.map((r) => [r.stage, r.seconds]),
      [
        [Stage.STAGE_OUTLINE, 3],
        [Stage.STAGE_CONTENT, 0],
        [Stage.STAGE_TAGS, 0.25],
        [Stage.STAGE_SPEECH, 10],
      ],
    );
    // The picture search started with the content but had its slide's image query from the outline only 1 s later:
    // 4 s into the outline, then its own 11 s.
    const withPicture = [...runs, { ...at(run(Stage.STAGE_IMAGE, 12, 0), 3), readySeconds: 4 }];
    const picture = criticalPath(LECTURE_GRAPH, { skipVideo: true, constantFrameRate: false }, withPicture);
    assert.equal(picture.seconds, 4 + 11);
    assert.deepEqual(
      picture.path.map((r) => [r.stage, r.seconds]),
      [
        [Stage.STAGE_OUTLINE, 4],
        [Stage.STAGE_IMAGE, 11],
      ],
    );
    // Without start times a follower counts from the end of what it follows, as a step that needs it does.
    assert.equal(criticalPath(LECTURE_GRAPH, { skipVideo: true, constantFrameRate: false }, runs.map(({ startSeconds: _, ...r }) => r)).seconds, 8 + 9 + 9.5 + 10);
  });


  it("is the longest chain through the per-slide graph", () => {
    // slide 1: outline 8 + content 9 + max(frame 1, tags 1 + speech 4) = 22 (its picture, searched from the outline, came at 11); clip 0.5; then video 3 → 25.5.
    const cp = criticalPath(LECTURE_GRAPH, WITH_CLIPS, RUNS);
    assert.equal(cp.seconds, 25.5);
    assert.deepEqual(
      cp.path.map((r) => [r.stage, r.slideIndex]),
      [
        [Stage.STAGE_OUTLINE, undefined],
        [Stage.STAGE_CONTENT, 1],
        [Stage.STAGE_TAGS, 1],
        [Stage.STAGE_SPEECH, 1],
        [Stage.STAGE_CLIP, 1],
        [Stage.STAGE_VIDEO, undefined],
      ],
    );
  });

  it("ends at the deck when the deck is the last thing to finish", () => {
    const slowDeck = RUNS.map((r) => (r.stage === Stage.STAGE_DECK ? { ...r, seconds: 10 } : r));
    // deck waits for every content and image: the pictures, searched from the outline, end at 13 and 11; slide 1's content at 17 → 27.
    const cp = criticalPath(LECTURE_GRAPH, WITH_CLIPS, slowDeck);
    assert.equal(cp.seconds, 27);
    assert.deepEqual(cp.path.map((r) => r.stage), [Stage.STAGE_OUTLINE, Stage.STAGE_CONTENT, Stage.STAGE_DECK]);
  });

  it("the staged schedule waits for every stage: the slowest slide where slides run side by side, all of them where they run in turn", () => {
    // 8 + content max 9 + image max 5 + tags 1 + 1 + speech 2 + 4 + frame max 1 + clip max 0.5 + deck 2 + captions 0.5 + video 3
    assert.equal(stagedSeconds(LECTURE_GRAPH, RUNS), 37);
  });

  it("never exceeds the staged schedule, whatever the durations", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 10;
    for (let trial = 0; trial < 50; trial++) {
      const runs = RUNS.map((r) => ({ ...r, seconds: random() }));
      assert.ok(criticalPath(LECTURE_GRAPH, WITH_CLIPS, runs).seconds <= stagedSeconds(LECTURE_GRAPH, runs) + 1e-9);
    }
  });

  it("at a constant frame rate, the video waits for every frame and all the speech instead of clips", () => {
    const runs = RUNS.filter((r) => r.stage !== Stage.STAGE_CLIP);
    // the last speech ends at 8 + 9 + 1 + 4 = 22 (slide 1), after every frame (slide 1's at 18): 22 + video 3.
    const cp = criticalPath(LECTURE_GRAPH, { skipVideo: false, constantFrameRate: true }, runs);
    assert.equal(cp.seconds, 25);
    assert.deepEqual(cp.path.map((r) => r.stage).at(-1), Stage.STAGE_VIDEO);
  });

  it("handles a job that stopped early (missing stages)", () => {
    const partial = RUNS.filter((r) => r.stage === Stage.STAGE_OUTLINE || r.stage === Stage.STAGE_CONTENT);
    assert.equal(criticalPath(LECTURE_GRAPH, WITH_CLIPS, partial).seconds, 17);
    assert.equal(criticalPath(LECTURE_GRAPH, WITH_CLIPS, []).seconds, 0);
  });
});

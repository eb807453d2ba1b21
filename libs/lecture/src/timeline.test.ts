import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { buildTimeline, pageTimes } from "./timeline";

describe("timeline", () => {
  it("puts slides back to back by their measured durations, and their segments and words with them", () => {
    const t = buildTimeline([
      { title: "A", durationSeconds: 2, segments: [{ text: "One.", startSeconds: 0, endSeconds: 1.5, pauseSeconds: 0.5, words: [{ word: "One", startSeconds: 0.1, endSeconds: 0.6 }] }] },
      { title: "B", durationSeconds: 3, segments: [{ text: "", startSeconds: 0, endSeconds: 0, pauseSeconds: 0.3, words: [] }, { text: "Two.", startSeconds: 0.3, endSeconds: 2.5, pauseSeconds: 0.5, words: [] }] },
    ]);
    assert.equal(t.durationSeconds, 5);
    assert.deepEqual(t.slides.map((s) => [s.startSeconds, s.endSeconds]), [[0, 2], [2, 5]]);
    assert.deepEqual(t.segments.map((s) => [s.slideIndex, s.text, s.startSeconds, s.endSeconds]), [[0, "One.", 0, 1.5], [1, "Two.", 2.3, 4.5]]);
    assert.deepEqual(t.segments[0].words[0], { word: "One", startSeconds: 0.1, endSeconds: 0.6 });
  });

  it("splits a slide's time between its pages by share, the last ending exactly with the slide", () => {
    const times = pageTimes({ startSeconds: 10, endSeconds: 13 }, [2, 1]);
    assert.deepEqual(times, [{ startSeconds: 10, endSeconds: 12 }, { startSeconds: 12, endSeconds: 13 }]);
    const thirds = pageTimes({ startSeconds: 0, endSeconds: 1 }, [1, 1, 1]);
    assert.equal(thirds.at(-1)!.endSeconds, 1);
  });
});

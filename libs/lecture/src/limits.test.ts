import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { characters, LECTURE_LIMITS, narrationProblem, narrationSegments, SLIDE_LIMITS, SPEECH_LIMITS, speechExcess } from "./limits";

const sentences = (n: number) => Array.from({ length: n }, (_, i) => `Sentence number ${i + 1} is here.`).join(" ");

describe("limits", () => {
  it("a lecture's pages follow from its slides and a slide's pages", () => {
    assert.equal(LECTURE_LIMITS.pages, LECTURE_LIMITS.slides * SLIDE_LIMITS.pages);
    assert.ok(SLIDE_LIMITS.pages >= SLIDE_LIMITS.bullets, "every bullet within the limits needs at most one page");
  });

  it("splits a narration as the tagger does: one segment a sentence, one more at a tag inside one", () => {
    assert.deepEqual(narrationSegments("One here. Two [rate=-10%] slowly there.\n\nThree? [pause=800ms]"), ["One here.", "Two", "slowly there.", "Three?"]);
    assert.deepEqual(narrationSegments("[pause=500ms]"), []);
    assert.deepEqual(narrationSegments("一つ目です。二つ目[rate=-10%]ゆっくり。", "ja"), ["一つ目です。", "二つ目", "ゆっくり。"]);
  });

  it("measures segments against the speech service's limits", () => {
    assert.equal(speechExcess(Array(SPEECH_LIMITS.segments).fill("a")), undefined);
    assert.deepEqual(speechExcess(Array(SPEECH_LIMITS.segments + 1).fill("a")), { kind: "segments", count: 401 });
    assert.deepEqual(speechExcess(["ok", "x".repeat(SPEECH_LIMITS.segmentChars + 1)]), { kind: "segmentChars", index: 1, chars: 5001 });
    assert.deepEqual(speechExcess(Array(11).fill("x".repeat(5000))), { kind: "chars", chars: 55000 });
  });

  it("says to the author what is over and what to do", () => {
    assert.equal(narrationProblem(sentences(400)), undefined);
    assert.match(narrationProblem(sentences(401))!, /^has 401 sentences to speak .*the limit is 400 a slide: move some of them to a new slide$/);
    assert.equal(
      narrationProblem(`Short one. ${"Long ".repeat(1200).trim()}.`),
      'has a sentence of 6,000 characters ("Long Long Long Long Long Long Long Long…"); the limit is 5,000: break it into shorter sentences',
    );
    const long = Array.from({ length: 13 }, () => `Words ${"word ".repeat(798)}end.`).join(" ");
    assert.match(narrationProblem(long)!, /^has 52,000 characters to speak; the limit is 50,000 a slide: move some of it to a new slide$/);
  });

  it("counts characters as a reader does", () => {
    assert.equal(characters("a😀é"), 3);
  });
});

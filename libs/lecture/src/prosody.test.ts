import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { formatTag, parseSegments, stripTags, tagProblem, tokenize, words } from "./prosody";

describe("prosody tags", () => {
  it("parses tagged narration into segments: rate and pitch carry on, a pause ends a segment", () => {
    const segments = parseSegments("[rate=-10%] A definition. [pause=350ms] [pitch=+1st] A question? [rate=+0%] [pause=900ms]");
    assert.deepEqual(segments, [
      { text: "A definition.", ratePercent: -10, pitchSemitones: 0, pauseAfterMs: 350 },
      { text: "A question?", ratePercent: -10, pitchSemitones: 1, pauseAfterMs: 900 },
    ]);
  });

  it("clamps values to natural ranges", () => {
    const [s] = parseSegments("[rate=+90%] [pitch=-7st] Fast and low. [pause=9000ms]");
    assert.deepEqual(s, { text: "Fast and low.", ratePercent: 25, pitchSemitones: -2, pauseAfterMs: 1500 });
    assert.equal(formatTag({ kind: "rate", value: -55 }), "[rate=-30%]");
  });

  it("keeps brackets that are not tags as text, and a tag with the wrong unit too", () => {
    assert.deepEqual(stripTags("See [1] and [rate=fast] and [pause=2st] here."), "See [1] and [rate=fast] and [pause=2st] here.");
    assert.equal(tokenize("[pause=200ms]").length, 1);
  });

  it("a leading pause stays as silence; pauses in a row add up", () => {
    const segments = parseSegments("[pause=300ms] Hello. [pause=400ms] [pause=500ms]");
    assert.deepEqual(segments.map((s) => [s.text, s.pauseAfterMs]), [["", 300], ["Hello.", 900]]);
  });

  it("says which tag an author got wrong and the range to write it in", () => {
    assert.equal(tagProblem("Fine [rate=-10%] and [pitch=+1.5st] and [pause=800ms] and [pause=800] and [1] and [rate limits]."), undefined);
    const PAUSE = "write [pause=Nms] with N from 0 to 1500";
    const RATE = "write [rate=±N%] with N from -30 to +25";
    const problems: Record<string, string> = {
      "Wait [pause=1e9ms] now.": `"[pause=1e9ms]" is not a pause tag: ${PAUSE}`,
      "Low [pitch=-1e3st] voice.": '"[pitch=-1e3st]" is not a pitch tag: write [pitch=±Nst] with N from -2 to +2',
      "[rate=abc]": `"[rate=abc]" is not a rate tag: ${RATE}`,
      "[RATE = +10st]": `"[RATE = +10st]" is not a rate tag: ${RATE}`,
      "[pause=2000ms]": `"[pause=2000ms]" is out of range: ${PAUSE}`,
      "[pause=-5ms]": `"[pause=-5ms]" is out of range: ${PAUSE}`,
    };
    for (const [narration, problem] of Object.entries(problems)) assert.equal(tagProblem(narration), problem, narration);
    assert.equal(tagProblem("[rate=+25%] [rate=-30%] [pitch=-2st] [pause=0ms] [pause=1500ms]"), undefined);
    assert.match(tagProblem("[pitch=+2.1st]")!, /out of range/);
    // What the tokenizer would speak as words is exactly what is refused.
    for (const tag of ["[pause=1e9ms]", "[pitch=-1e3st]", "[rate=abc]", "[rate=+10st]"]) assert.equal(stripTags(tag), tag);
  });

  it("compares narrations by their words, tags and punctuation aside", () => {
    assert.deepEqual(words("[rate=-5%] It's the Heart's job. [pause=300ms]"), ["it's", "the", "heart's", "job"]);
  });
});

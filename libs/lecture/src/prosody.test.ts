import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { formatTag, parseSegments, stripTags, tokenize, words } from "./prosody";

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

  it("compares narrations by their words, tags and punctuation aside", () => {
    assert.deepEqual(words("[rate=-5%] It's the Heart's job. [pause=300ms]"), ["it's", "the", "heart's", "job"]);
  });
});

// The rules tagger splits narration exactly where the door counted: a script the
// orchestrator accepted is spoken in segments the speech service accepts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { narrationSegments, parseScript, parseSegments, SPEECH_LIMITS, speechExcess } from "@lectra/lecture";
import { tagNarration } from "./rule-tagger";

const spoken = (narration: string, bullets: string[] = []) => parseSegments(tagNarration(narration, "en", bullets)).map((s) => s.text);

test("the rules make one segment of every sentence, and one more at each author's tag: what the door counts", () => {
  const narrations = [
    "The heart is a muscle. It pumps blood.\n\nEvery beat counts.",
    "A definition means slow speech. Is it a question? Yes [pause=800ms] it is.",
    "[rate=-10%] Slowly, please. [pitch=+1st] Higher? [rate=+0%] Back to normal. [pause=1500ms]",
    "Dr. Smith et al. measured it, e.g. twice. Then: 3.5 litres! Wow…  \"Quoted.\" (Aside.) [pause=300ms]",
    "no capital after the stop. so this is one sentence [rate=+5%] with a tag in it",
  ];
  for (const narration of narrations) assert.deepEqual(spoken(narration, ["Key term: here", "heart"]), narrationSegments(narration), narration);
});

test("a slide at the door's limits is within the speech service's", () => {
  const sentences = (n: number) => Array.from({ length: n }, (_, i) => `Sentence ${i + 1} is short.`).join(" ");
  const script = parseScript(`# T\n\n## At the limit\n\n${sentences(SPEECH_LIMITS.segments)}\n`);
  const segments = spoken(script.slides[0].narration);
  assert.equal(segments.length, SPEECH_LIMITS.segments);
  assert.equal(speechExcess(segments), undefined);
  assert.throws(() => parseScript(`# T\n\n## Over\n\n${sentences(SPEECH_LIMITS.segments + 1)}\n`), /the limit is 400 a slide/);
  assert.ok(speechExcess(spoken(sentences(SPEECH_LIMITS.segments + 1))), "one more sentence would be refused by the speech service");
});

test("the rules end each sentence at its own script's stop, as the door counts them in that language", () => {
  const narrations: Array<[string, string, number]> = [
    ["hi", "हृदय एक मांसपेशी है। यह रक्त पंप करता है॥ क्या यह ज़रूरी है?", 3],
    ["ja", "心臓は筋肉です。血液を送り出します！大切ですか？", 3],
    ["ar", "القلب عضلة. هل يضخ الدم؟ نعم۔", 3],
  ];
  for (const [language, narration, count] of narrations) {
    const tagged = tagNarration(narration, language);
    const segments = parseSegments(tagged).map((s) => s.text);
    assert.deepEqual(segments, narrationSegments(narration, language), language);
    assert.equal(segments.length, count, language);
    assert.equal(tagged.match(/\[pause=\d+ms\]/g)?.length, count, `a pause after every sentence: ${tagged}`);
  }
});

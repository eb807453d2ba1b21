import assert from "node:assert/strict";
import { test } from "node:test";
import { OUTPUT_SAMPLE_RATE } from "./engine";
import { bcp47, createEspeakEngine, defaultEspeakWorkers, espeakPitch, inertText, parseVoiceTable, wordsPerMinute } from "./espeak";
import { instancesMade, speakSegment as speak } from "./espeak-worker";

test("rate percent maps to words per minute around espeak's 175", () => {
  assert.equal(wordsPerMinute(0), 175);
  assert.equal(wordsPerMinute(20), 210);
  assert.equal(wordsPerMinute(-12), 154);
  assert.equal(wordsPerMinute(25), 219);
  assert.equal(wordsPerMinute(-30), 123);
  // Out of the contract's -30..+25 range: clamped, not extrapolated.
  assert.equal(wordsPerMinute(300), 219);
  assert.equal(wordsPerMinute(-90), 123);
  assert.equal(wordsPerMinute(Number.NaN), 175);
});

test("pitch semitones map to espeak's 0..99 around its default 50", () => {
  assert.equal(espeakPitch(0), 50);
  assert.equal(espeakPitch(1), 56);
  assert.equal(espeakPitch(-2), 38);
  assert.equal(espeakPitch(0.5), 53);
  assert.equal(espeakPitch(12), 62);
  assert.equal(espeakPitch(-12), 38);
  assert.equal(espeakPitch(Number.NaN), 50);
  assert.ok(espeakPitch(1) > espeakPitch(0) && espeakPitch(0) > espeakPitch(-1));
});

test("phoneme brackets and control characters in narration stay plain text", () => {
  assert.equal(inertText("say [[h@l'oU]] now"), "say [ [h@l'oU]] now");
  assert.equal(inertText("[[[x"), "[ [ [x");
  assert.equal(inertText("a [b] c -v --voices"), "a [b] c -v --voices");
  assert.equal(inertText("ring\u0000 the\u0007 bell\n\tnow"), "ring  the  bell\n\tnow");
});

test("espeak language ids become BCP 47 casing", () => {
  assert.equal(bcp47("en-us"), "en-US");
  assert.equal(bcp47("en-gb-x-rp"), "en-GB-x-rp");
  assert.equal(bcp47("cmn-latn-pinyin"), "cmn-Latn-pinyin");
  assert.equal(bcp47("vi-vn-x-central"), "vi-VN-x-central");
  assert.equal(bcp47("es-419"), "es-419");
  assert.equal(bcp47("en-gb-scotland"), "en-GB-scotland");
  assert.equal(bcp47("yue"), "yue");
});

test("the --voices table becomes voices with unique names and their files", () => {
  const table = [
    "Pty Language       Age/Gender VoiceName          File                 Other Languages",
    " 5  af              --/M      Afrikaans          gmw/af               ",
    " 2  en-us           --/M      English_(America)  gmw/en-US            (en 3)",
    " 5  yue             --/M      Chinese_(Cantonese) sit/yue              (zh-yue 5)(zh 8)",
    " 5  yue             --/M      Chinese_(Cantonese,_latin_as_Jyutping) sit/yue-Latn-jyutping (zh-yue 5)(zh 8)",
    " 5  chr-US-Qaaa-x-west --/M      Cherokee_          iro/chr              ",
    "",
  ];
  assert.deepEqual(parseVoiceTable(table), [
    { voice: { name: "af", language: "af", description: "Afrikaans", engine: "espeak" }, file: "gmw/af" },
    { voice: { name: "en-us", language: "en-US", description: "English (America)", engine: "espeak" }, file: "gmw/en-US" },
    { voice: { name: "yue", language: "yue", description: "Chinese (Cantonese)", engine: "espeak" }, file: "sit/yue" },
    {
      voice: { name: "yue-latn-jyutping", language: "yue", description: "Chinese (Cantonese, latin as Jyutping)", engine: "espeak" },
      file: "sit/yue-Latn-jyutping",
    },
    { voice: { name: "chr-us-qaaa-x-west", language: "chr-US-Qaaa-x-west", description: "Cherokee", engine: "espeak" }, file: "iro/chr" },
  ]);
});

test("the engine speaks in its workers, and an abort drops the segments still to be spoken", async () => {
  const engine = await createEspeakEngine({ workers: 1 });
  try {
    const voice = engine.defaultVoice;
    const delivery = { text: "Cancelled before it is spoken.", ratePercent: 0, pitchSemitones: 0 };
    const controller = new AbortController();
    const calls = Array.from({ length: 10 }, () => engine.speak(voice, delivery, controller.signal));
    controller.abort();
    const results = await Promise.allSettled(calls);
    assert.deepEqual(
      results.map((r) => (r.status === "rejected" ? (r.reason as Error).name : r.status)),
      Array(10).fill("AbortError"),
    );

    const clip = await engine.speak(voice, { ...delivery, text: "Spoken." }, new AbortController().signal);
    assert.ok(clip.pcm.length > 0.3 * OUTPUT_SAMPLE_RATE * 2, `${clip.pcm.length} bytes`);
    assert.deepEqual(clip.words, []);
  } finally {
    await engine.close();
  }
});

test("one instance speaks every segment, each as a new instance would: nothing of a run is left for the next", async () => {
  const english = { voice: "gmw/en-US", text: "The same words, twice.", wordsPerMinute: 175, pitch: 50 };
  const first = await speak(english);
  // Another voice, speed, pitch and text; then a run that fails half way.
  const german = await speak({ voice: "gmw/de", text: "Ganz andere Wörter, schneller und höher gesprochen.", wordsPerMinute: 300, pitch: 80 });
  await assert.rejects(speak({ ...english, voice: "xyz/none" }), /status 1/);
  const again = await speak(english);
  assert.ok(first.length > 0 && german.length > 0);
  assert.ok(Buffer.from(again).equals(Buffer.from(first)), "the same segment spoke differently after other runs");
  assert.equal(instancesMade(), 1);
});

test("espeak gets half the cores by default, at least one worker", () => {
  assert.deepEqual([1, 2, 3, 4, 16].map((cores) => defaultEspeakWorkers(cores)), [1, 1, 1, 2, 8]);
});

// Prosody tags from the model: parsed and clamped, words checked, and the rules
// as the fallback.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { FakeOllama } from "@lectra/fakes";
import { parseSegments, stripTags } from "@lectra/lecture";
import type { Slide } from "@lectra/proto";
import { RpcError, statusName } from "@lectra/service-kit";
import { acceptModelTags, ModelTagger, WORDS_CHANGED } from "./model-tagger";
import { tagNarration } from "./rule-tagger";
import { deadUrl, live, MODEL, ollamaAt } from "../testing/engines";

const slide: Slide = {
  index: 0,
  title: "How tides work",
  bullets: ["The moon pulls", "Two bulges"],
  narration: "The moon pulls the sea towards it. That makes two bulges. Why two?",
  imageQuery: "tide",
};

test("the model's tags are clamped to the grammar's ranges and a slide-end pause is added", () => {
  const tagged = acceptModelTags("[rate=-80%] The moon pulls the sea towards it. [pause=5000ms] That makes two bulges. [pitch=+7st] Why two?", slide.narration);
  assert.equal(tagged, "[rate=-30%] The moon pulls the sea towards it. [pause=1500ms] That makes two bulges. [pitch=+2st] Why two? [pause=900ms]");
  assert.deepEqual(
    parseSegments(tagged!).map((s) => [s.ratePercent, s.pitchSemitones, s.pauseAfterMs]),
    [[-30, 0, 1500], [-30, 0, 0], [-30, 2, 900]],
  );
});

test("tags the model ended with a pause are kept as they are", () => {
  assert.equal(acceptModelTags("The moon pulls the sea towards it. That makes two bulges. Why two? [pause=600ms]", slide.narration)?.endsWith("Why two? [pause=600ms]"), true);
});

test("changed, added or dropped words are not accepted, whatever the tags", () => {
  assert.equal(acceptModelTags("[rate=-5%] The moon pulls the ocean towards it. That makes two bulges. Why two?", slide.narration), undefined);
  assert.equal(acceptModelTags("So, the moon pulls the sea towards it. That makes two bulges. Why two?", slide.narration), undefined);
  assert.equal(acceptModelTags("The moon pulls the sea towards it. That makes two bulges.", slide.narration), undefined);
  // A tag with the wrong unit is not a tag: its text counts as words.
  assert.equal(acceptModelTags("[rate=10st] The moon pulls the sea towards it. That makes two bulges. Why two?", slide.narration), undefined);
});

let fake: FakeOllama;
before(async () => {
  fake = new FakeOllama();
  await fake.start();
});
afterEach(() => {
  delete fake.modes.tags;
  fake.chats.length = 0;
});
after(() => fake.stop());

test("the model tags the narration, keeping every word", async () => {
  const tagged = await new ModelTagger(ollamaAt(fake.url), "auto").tag(slide, "en", live());
  assert.equal(tagged.engine, "ollama");
  assert.deepEqual(tagged.warnings, []);
  assert.equal(stripTags(tagged.taggedNarration), slide.narration);
  assert.match(tagged.taggedNarration, /\[pause=\d+ms\]/);
  assert.notEqual(tagged.taggedNarration, tagNarration(slide.narration, "en", slide.bullets));
  assert.equal(fake.chats[0].kind, "tags");
  assert.match(fake.chats[0].messages.at(-1)!.content, /Narration:\nThe moon pulls the sea towards it\./);
});

test("a model that changed the words is overruled by the rules, with a warning", async () => {
  fake.answer("tags", "changes-words");
  for (const mode of ["auto", "model"] as const) {
    const tagged = await new ModelTagger(ollamaAt(fake.url), mode).tag(slide, "en", live());
    assert.equal(tagged.engine, "rules");
    assert.equal(tagged.taggedNarration, tagNarration(slide.narration, "en", slide.bullets));
    assert.deepEqual(tagged.warnings, [WORDS_CHANGED]);
  }
});

test("auto: an absent server costs one quick failure, then the rules tag quietly without asking again", async () => {
  const model = ollamaAt(await deadUrl());
  const tagger = new ModelTagger(model, "auto");
  const first = await tagger.tag(slide, "en", live());
  assert.deepEqual(first, { taggedNarration: tagNarration(slide.narration, "en", slide.bullets), engine: "rules", warnings: [] });
  assert.ok(model.availability.isOpen);
  const second = await tagger.tag(slide, "en", live());
  assert.deepEqual(second.warnings, []);
  assert.equal(second.engine, "rules");
});

test("auto: a model that is not pulled is the offline case too", async () => {
  const model = ollamaAt(fake.url, { model: "mistral:7b" });
  const tagged = await new ModelTagger(model, "auto").tag(slide, "en", live());
  assert.deepEqual([tagged.engine, tagged.warnings], ["rules", []]);
  assert.equal(fake.chats.length, 1);
  await new ModelTagger(model, "auto").tag(slide, "en", live());
  assert.equal(fake.chats.length, 1, "the absent model is not asked again");
});

test("auto: a model that answers badly is replaced by the rules, with a warning", async () => {
  fake.answer("tags", "schema-breaking");
  const tagged = await new ModelTagger(ollamaAt(fake.url), "auto").tag(slide, "en", live());
  assert.equal(tagged.engine, "rules");
  assert.equal(tagged.warnings.length, 1);
  assert.match(tagged.warnings[0], /^the model could not tag the narration \(the model llama3\.1:8b answered the prosody tags of slide 1 with no "tagged_narration" \(after one repair\)\); tagged by rules instead$/);
});

test("model: an absent server is an error, not the rules", async () => {
  const host = await deadUrl();
  await assert.rejects(new ModelTagger(ollamaAt(host), "model").tag(slide, "en", live()), (error: unknown) => {
    assert.ok(error instanceof RpcError);
    assert.equal(statusName(error.code), "FAILED_PRECONDITION");
    assert.match(error.message, /^Ollama is not reachable at /);
    return true;
  });
});

test("a repaired tagging answer is used and says so", async () => {
  fake.answer("tags", "fixed-after-repair");
  const tagged = await new ModelTagger(ollamaAt(fake.url, { model: MODEL }), "model").tag(slide, "en", live());
  assert.equal(tagged.engine, "ollama");
  assert.equal(tagged.warnings.length, 1);
  assert.match(tagged.warnings[0], /first answer for the prosody tags of slide 1 was unusable/);
});

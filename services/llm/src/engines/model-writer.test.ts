// The model writer's streams against a model whose streamed answers the test
// writes: what is handed out when, and what a repair round may change.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CircuitBreaker } from "@lectra/resilience";
import type { LectureSource } from "@lectra/proto";
import type { ChatMessage, JsonChat, LanguageModel, OutlineSoFar, SlideSoFar } from "./engine";
import { ModelWriter } from "./model-writer";
import { scriptWriter } from "./script-writer";
import { collect, live } from "../testing/engines";

/** Streams each scripted answer in pieces of `pieceSize` characters; the repair round gets the next answer whole. */
function streamingModel(answers: string[], pieceSize = 4): LanguageModel & { asked: ChatMessage[][] } {
  const asked: ChatMessage[][] = [];
  return {
    engine: "scripted",
    model: "scripted-1",
    availability: new CircuitBreaker("scripted"),
    asked,
    async chat(request: JsonChat) {
      asked.push(request.messages);
      return answers[asked.length - 1] ?? "";
    },
    async *chatStream(request: JsonChat) {
      asked.push(request.messages);
      const answer = answers[asked.length - 1] ?? "";
      for (let at = 0; at < answer.length; at += pieceSize) yield answer.slice(at, at + pieceSize);
    },
    async check() {},
    async *prepare() {},
  };
}

const topic: LectureSource = { source: { $case: "topic", value: "ocean tides" } };
const plan = {
  title: "Understanding ocean tides",
  slideTitles: ["What tides are", "Why tides matter", "How tides work"],
  imageQueries: ["ocean tide", "tidal flat", "moon orbit"],
};
/** The outline's answer: each slide a title and an image query. */
const outlineSlides = (titles: string[], queries = titles.map((t) => t.toLowerCase())) => titles.map((title, i) => ({ title, image_query: queries[i] }));

/** Each outline so far starts with the titles of the one before, and the lecture title never changes once given. */
function assertTitlesKept(outlines: OutlineSoFar[]): void {
  outlines.forEach((o, i) => {
    if (i === 0) return;
    const before = outlines[i - 1];
    assert.deepEqual(o.slideTitles.slice(0, before.slideTitles.length), before.slideTitles, `outline ${i} changed a title given before`);
    if (before.title) assert.equal(o.title, before.title);
  });
}

test("an outline streams a message each time the title or another slide (its title and image query) is complete, then the whole outline", async () => {
  const answer = JSON.stringify({ title: "Understanding ocean tides", slides: outlineSlides(plan.slideTitles, plan.imageQueries) }, null, 2);
  const outlines = await collect(new ModelWriter(streamingModel([answer])).streamOutline(topic, 3, "en", live()));
  assert.deepEqual(
    outlines.map((o) => [o.title, o.slideTitles.length, o.complete]),
    [
      ["Understanding ocean tides", 0, false],
      ["Understanding ocean tides", 1, false],
      ["Understanding ocean tides", 2, false],
      ["Understanding ocean tides", 3, false],
      ["Understanding ocean tides", 3, true],
    ],
  );
  assert.deepEqual(outlines.map((o) => o.imageQueries), [[], ["ocean tide"], ["ocean tide", "tidal flat"], plan.imageQueries, plan.imageQueries]);
  assert.deepEqual(outlines.at(-1), { ...plan, warnings: [], complete: true });
  assertTitlesKept(outlines);
});

test("after a repair round the outline keeps the titles already given and takes the rest from the repaired answer", async () => {
  const given = JSON.stringify(outlineSlides(["What tides are", "Why tides matter"])).slice(0, -1);
  const cut = `{"title": "Tides and the Moon", "slides": ${given}, {"title": "How ti`;
  const repaired = JSON.stringify({ title: "Another title", slides: outlineSlides(["Tides defined", "Tides and us", "The mechanics", "Tides in practice"]) });
  const model = streamingModel([cut, repaired]);
  const outlines = await collect(new ModelWriter(model).streamOutline(topic, 4, "en", live()));
  assertTitlesKept(outlines);
  const last = outlines.at(-1)!;
  assert.equal(last.complete, true);
  assert.equal(last.title, "Tides and the Moon");
  assert.deepEqual(last.slideTitles, ["What tides are", "Why tides matter", "The mechanics", "Tides in practice"]);
  assert.deepEqual(last.imageQueries, ["what tides are", "why tides matter", "the mechanics", "tides in practice"], "each slide's image query stays with its title");
  assert.deepEqual(last.warnings, ["the model's first answer for the outline was unusable (JSON that was cut off before it ended); a second answer repaired it"]);
  assert.equal(model.asked.length, 2);

  // Nothing given before the repair: the repaired answer is the outline.
  const early = await collect(new ModelWriter(streamingModel(['{"tit', repaired])).streamOutline(topic, 4, "en", live()));
  assert.deepEqual(early.map((o) => o.complete), [true]);
  assert.deepEqual(early[0].slideTitles, ["Tides defined", "Tides and us", "The mechanics", "Tides in practice"]);
});

test("a slide streams its title and bullets once complete and its narration by sentences, then the whole slide; its image query is the outline's", async () => {
  const answer = JSON.stringify({
    title: "How tides work",
    bullets: ["The Moon pulls", "Two bulges"],
    narration: "The Moon pulls the sea. That makes two bulges. The Earth turns through them.",
  });
  const slides: SlideSoFar[] = await collect(new ModelWriter(streamingModel([answer], 3)).streamSlide(topic, plan, 2, "en", live()));
  const seen = slides.map((s) => [s.slide.title, s.slide.bullets.length, s.slide.imageQuery, s.slide.narration, s.complete]);
  assert.deepEqual(seen, [
    ["How tides work", 0, "moon orbit", "", false],
    ["How tides work", 1, "moon orbit", "", false],
    ["How tides work", 2, "moon orbit", "", false],
    ["How tides work", 2, "moon orbit", "The Moon pulls the sea.", false],
    ["How tides work", 2, "moon orbit", "The Moon pulls the sea. That makes two bulges.", false],
    ["How tides work", 2, "moon orbit", "The Moon pulls the sea. That makes two bulges. The Earth turns through them.", false],
    ["How tides work", 2, "moon orbit", "The Moon pulls the sea. That makes two bulges. The Earth turns through them.", true],
  ]);
  assert.ok(slides.every((s) => s.slide.index === 2));
  assert.deepEqual(slides.at(-1)!.warnings, []);
});

test("a slide asked for from the titles so far names them so, and the number of slides in all", async () => {
  const model = streamingModel([JSON.stringify({ title: "Why tides matter", bullets: ["a", "b"], narration: "They matter." })]);
  await collect(new ModelWriter(model).streamSlide(topic, { ...plan, slideTitles: plan.slideTitles.slice(0, 2), slideCount: 6 }, 1, "en", live()));
  const asked = model.asked[0].at(-1)!.content;
  assert.match(asked, /^Slides so far:\n1\. What tides are\n2\. Why tides matter\n\nWrite slide 2 of 6: Why tides matter$/m);
});

test("a script's outline and slide come in one complete message", async () => {
  const script: LectureSource = { source: { $case: "script", value: "# Tides\n\n## The moon\nImage: full moon\n\nThe moon pulls the sea.\n" } };
  assert.deepEqual(await collect(scriptWriter.streamOutline(script, 0, "en", live())), [
    { title: "Tides", slideTitles: ["The moon"], imageQueries: ["full moon"], warnings: [], complete: true },
  ]);
  const slides = await collect(scriptWriter.streamSlide(script, { title: "Tides", slideTitles: ["The moon"] }, 0, "en", live()));
  assert.deepEqual(slides.map((s) => [s.complete, s.slide.narration]), [[true, "The moon pulls the sea."]]);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { CircuitBreaker } from "@lectra/resilience";
import { z } from "zod";
import type { ChatMessage, JsonChat, LanguageModel } from "./engine";
import { outlineSchema, slideSchema } from "./schemas";
import { askForJson, findJsonObject, readAnswer, streamJson, UnusableAnswerError } from "./structured";

/** An outline's slides: each a title and an image query. */
const outlineSlides = (...titles: string[]) => titles.map((title) => ({ title, image_query: title.toLowerCase() }));
const slide = { title: "How tides work", bullets: ["The moon pulls", "Two bulges"], narration: "The moon pulls the sea. That makes tides." };

test("a bare JSON object is found", () => {
  assert.deepEqual(findJsonObject('{"a": 1}'), { ok: true, value: { a: 1 } });
});

test("code fences and prose around the JSON are tolerated", () => {
  const text = 'Sure! Here is the {outline} you asked for:\n```json\n{"a": "x } y", "b": {"c": [1, 2]}}\n```\nAnything else?';
  assert.deepEqual(findJsonObject(text), { ok: true, value: { a: "x } y", b: { c: [1, 2] } } });
});

test("cut-off, malformed, missing and empty JSON each get their own problem", () => {
  assert.deepEqual(findJsonObject('{"title": "Tides", "slides": ["A'), { ok: false, problem: "JSON that was cut off before it ended" });
  const nested = '{"title": "Tides", "slides": [{"title": "A1", "image_query": "a1"}, {"title": "B';
  assert.deepEqual(findJsonObject(nested), { ok: true, value: { title: "A1", image_query: "a1" }, afterCutOff: true }, "an object inside a cut-off one");
  assert.deepEqual(readAnswer(nested, outlineSchema(2)), { ok: false, problem: "JSON that was cut off before it ended" }, "is the cut-off answer's part, not the answer");
  const malformed = findJsonObject('{"title": "Tides",}');
  assert.equal(malformed.ok, false);
  assert.match(!malformed.ok ? malformed.problem : "", /^invalid JSON \(/);
  assert.deepEqual(findJsonObject("I cannot help with that."), { ok: false, problem: "no JSON object" });
  assert.deepEqual(findJsonObject("  "), { ok: false, problem: "an empty answer" });
});

test("the outline must have exactly the asked number of slide titles", () => {
  const answer = JSON.stringify({ title: "Tides", slides: outlineSlides("One", "Two", "Three") });
  assert.deepEqual(readAnswer(answer, outlineSchema(5)), { ok: false, problem: "3 slide titles; 5 were asked for" });
  const good = readAnswer(JSON.stringify({ title: " Tides ", slides: outlineSlides("One", "Two") }), outlineSchema(2));
  assert.deepEqual(good, { ok: true, value: { title: "Tides", slides: outlineSlides("One", "Two") } });
});

test("slide problems read as what the model answered with", () => {
  const { narration: _, ...noNarration } = slide;
  assert.deepEqual(readAnswer(JSON.stringify(noNarration), slideSchema), { ok: false, problem: 'no "narration"' });
  assert.deepEqual(readAnswer(JSON.stringify({ ...slide, bullets: "one" }), slideSchema), { ok: false, problem: '"bullets" as a string instead of a list' });
  assert.deepEqual(readAnswer(JSON.stringify({ ...slide, bullets: ["one"] }), slideSchema), { ok: false, problem: "1 bullet; 2 to 5 are needed" });
  assert.deepEqual(readAnswer(JSON.stringify({ ...slide, narration: "  " }), slideSchema), { ok: false, problem: "an empty narration" });
  assert.deepEqual(readAnswer(JSON.stringify({ ...slide, narration: "The moon pulls the sea and" }), slideSchema), {
    ok: false,
    problem: "a narration that does not end with a full sentence",
  });
  assert.deepEqual(readAnswer("[1, 2]", slideSchema), { ok: false, problem: "no JSON object" });
  assert.deepEqual(readAnswer(JSON.stringify(slide), slideSchema), { ok: true, value: slide });
});

test("the JSON Schema sent to the model carries the asked slide count", () => {
  const schema = z.toJSONSchema(outlineSchema(7)) as unknown as { properties: { slides: { minItems: number; maxItems: number } }; required: string[] };
  assert.equal(schema.properties.slides.minItems, 7);
  assert.equal(schema.properties.slides.maxItems, 7);
  assert.deepEqual(schema.required, ["title", "slides"]);
});

/** A model that answers from a script of texts and records what it was sent. */
function scriptedModel(answers: string[]): LanguageModel & { asked: ChatMessage[][]; schemas: unknown[] } {
  const asked: ChatMessage[][] = [];
  const schemas: unknown[] = [];
  return {
    engine: "ollama",
    model: "llama3.1:8b",
    availability: new CircuitBreaker("test"),
    asked,
    schemas,
    async chat(request: JsonChat) {
      asked.push(request.messages);
      schemas.push(request.schema);
      return answers[asked.length - 1] ?? "";
    },
    async *chatStream(request: JsonChat, signal: AbortSignal) {
      yield await this.chat(request, signal);
    },
    async check() {},
    async *prepare() {},
  };
}

const question = { what: "the outline", name: "outline", schema: outlineSchema(5), messages: [{ role: "user" as const, content: "Plan it." }] };
const fiveTitles = JSON.stringify({ title: "Tides", slides: outlineSlides("A1", "B2", "C3", "D4", "E5") });

test("a usable first answer needs no repair and has no warnings", async () => {
  const model = scriptedModel([fiveTitles]);
  const answer = await askForJson(model, question, new AbortController().signal);
  assert.deepEqual(answer, { value: { title: "Tides", slides: outlineSlides("A1", "B2", "C3", "D4", "E5") }, warnings: [] });
  assert.equal(model.asked.length, 1);
  assert.equal((model.schemas[0] as { type: string }).type, "object");
});

test("an unusable first answer is repaired with the validation error, and says so", async () => {
  const bad = JSON.stringify({ title: "Tides", slides: outlineSlides("A1", "B2", "C3") });
  const model = scriptedModel([bad, fiveTitles]);
  const answer = await askForJson(model, question, new AbortController().signal);
  assert.deepEqual(answer.value.slides, outlineSlides("A1", "B2", "C3", "D4", "E5"));
  assert.deepEqual(answer.warnings, ["the model's first answer for the outline was unusable (3 slide titles; 5 were asked for); a second answer repaired it"]);
  const repair = model.asked[1];
  assert.deepEqual(repair.slice(0, 2), [...question.messages, { role: "assistant", content: bad }]);
  assert.match(repair[2].content, /^Your answer could not be used: 3 slide titles; 5 were asked for\./);
});

test("two unusable answers are an error naming the model and the problem", async () => {
  const bad = JSON.stringify({ title: "Tides", slides: outlineSlides("A1", "B2", "C3") });
  await assert.rejects(askForJson(scriptedModel([bad, bad]), question, new AbortController().signal), (error: unknown) => {
    assert.ok(error instanceof UnusableAnswerError);
    assert.equal(error.message, "the model llama3.1:8b answered the outline with 3 slide titles; 5 were asked for (after one repair)");
    return true;
  });
});

/** A model that streams its scripted answers in small pieces; the repair round (not streamed) gets the next answer. */
function streamingModel(answers: string[], pieceSize = 3): LanguageModel & { streamed: number; asked: ChatMessage[][] } {
  const asked: ChatMessage[][] = [];
  const model = {
    engine: "ollama",
    model: "llama3.1:8b",
    availability: new CircuitBreaker("test"),
    asked,
    streamed: 0,
    async chat(request: JsonChat) {
      asked.push(request.messages);
      return answers[asked.length - 1] ?? "";
    },
    async *chatStream(request: JsonChat) {
      asked.push(request.messages);
      model.streamed++;
      const answer = answers[asked.length - 1] ?? "";
      for (let at = 0; at < answer.length; at += pieceSize) yield answer.slice(at, at + pieceSize);
    },
    async check() {},
    async *prepare() {},
  };
  return model;
}

test("a streamed answer shows its object growing, then the validated value", async () => {
  const model = streamingModel([`Here it is: ${fiveTitles}`]);
  const titlesSeen: number[] = [];
  let last: unknown;
  for await (const answer of streamJson(model, question, new AbortController().signal)) {
    if (!answer.complete) {
      const slides = answer.partial.fields.get("slides");
      titlesSeen.push(slides?.type === "array" ? slides.items.length : 0);
    } else last = answer;
  }
  assert.deepEqual(last, { complete: true, value: { title: "Tides", slides: outlineSlides("A1", "B2", "C3", "D4", "E5") }, warnings: [], repaired: false });
  assert.ok(titlesSeen.length > 10, "many partial readings");
  assert.ok(titlesSeen.every((n, i) => i === 0 || n >= titlesSeen[i - 1]));
  assert.deepEqual([model.streamed, model.asked.length], [1, 1]);
});

test("a streamed answer that is unusable gets the repair round (not streamed), with the same warning as askForJson", async () => {
  for (const [bad, problem] of [
    ['{"title": "Tides", "slides": ["A1", "B2"', "JSON that was cut off before it ended"],
    ['{"title": "Tides", "slides": ["A1", "B2",, "C3"]}', "invalid JSON"],
    [JSON.stringify({ title: "Tides", slides: outlineSlides("A1", "B2", "C3") }), "3 slide titles; 5 were asked for"],
  ]) {
    const model = streamingModel([bad, fiveTitles]);
    const answers = [];
    for await (const answer of streamJson(model, question, new AbortController().signal)) answers.push(answer);
    const last = answers.at(-1)!;
    assert.ok(last.complete && last.repaired);
    assert.deepEqual(last.value.slides, outlineSlides("A1", "B2", "C3", "D4", "E5"));
    assert.equal(last.warnings.length, 1);
    assert.ok(last.warnings[0].startsWith(`the model's first answer for the outline was unusable (${problem}`), last.warnings[0]);
    assert.ok(last.warnings[0].endsWith("); a second answer repaired it"));
    assert.deepEqual(model.asked[1].slice(0, 2), [...question.messages, { role: "assistant", content: bad }]);
    assert.equal(model.streamed, 1, "the repair is asked without streaming");
  }
  const twice = streamingModel(['{"title": "Tides"', '{"title": "Tides"']);
  await assert.rejects(
    (async () => {
      for await (const _ of streamJson(twice, question, new AbortController().signal));
    })(),
    { name: "UnusableAnswerError", message: "the model llama3.1:8b answered the outline with JSON that was cut off before it ended (after one repair)" },
  );
});

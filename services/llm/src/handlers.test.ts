// The llm service's handlers over real gRPC, in process, with a language model
// whose answers the test writes: what a model says goes through the lecture's
// text rule and the speech service's limits before it leaves the service.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { firstUnwritable, parseScript, SLIDE_LIMITS, SPEECH_LIMITS, writeScript } from "@lectra/lecture";
import { LlmServiceService, type Slide } from "@lectra/proto";
import { CircuitBreaker } from "@lectra/resilience";
import { DependencyError, llmClient, statusName, type LlmClient } from "@lectra/clients";
import { ResultCache } from "@lectra/service-kit";
import { serveInProcess, type InProcessServer } from "@lectra/testing";
import type { JsonChat, LanguageModel } from "./engines/engine";
import { ModelTagger, OVER_SPEECH_LIMITS } from "./engines/model-tagger";
import { ModelWriter } from "./engines/model-writer";
import { tagNarration } from "./engines/rule-tagger";
import { LIMITS } from "./engines/schemas";
import { llmHandlers } from "./handlers";
import { collect, quietLog } from "./testing/engines";

/** A model that answers each kind of question with what the test set for it. */
class ScriptedModel implements LanguageModel {
  readonly engine = "scripted";
  readonly model = "scripted-1";
  readonly availability = new CircuitBreaker("scripted");
  answers: Record<string, unknown> = {};
  /** The name of each question asked, streamed or not. */
  readonly asked: string[] = [];

  async chat(request: JsonChat): Promise<string> {
    this.asked.push(request.name);
    return JSON.stringify(this.answers[request.name]);
  }
  /** The answer in pieces of five characters, as a model streams it. */
  async *chatStream(request: JsonChat): AsyncGenerator<string> {
    const answer = await this.chat(request);
    for (let at = 0; at < answer.length; at += 5) yield answer.slice(at, at + 5);
  }
  async check(): Promise<void> {}
  async *prepare() {
    yield { status: "ready", completedBytes: 0, totalBytes: 0, ready: true };
  }
}

const topic = { source: { $case: "topic" as const, value: "How tides work" } };

describe("llm handlers: what a model writes", () => {
  const model = new ScriptedModel();
  let server: InProcessServer;
  let llm: LlmClient;

  before(async () => {
    const engines = { model, topicWriter: new ModelWriter(model), tagger: new ModelTagger(model, "model") };
    server = await serveInProcess(LlmServiceService, llmHandlers(engines, quietLog) as never);
    llm = llmClient(server.address);
  });
  after(() => {
    llm?.downstream.close();
    server?.stop();
  });

  it("is cleaned of characters no deck can hold, with a warning saying so", async () => {
    model.answers.outline = {
      title: "Tides\u0001 and the Moon",
      slides: [
        { title: "The pull\u0000", image_query: "moon\u001f" },
        { title: "Two\u000bbulges", image_query: "tide" },
      ],
    };
    const outline = await llm.outline({ language: "", source: topic, slideCount: 2 });
    assert.deepEqual([outline.title, outline.slideTitles, outline.imageQueries], ["Tides and the Moon", ["The pull", "Two bulges"], ["moon", "tide"]]);
    assert.deepEqual(outline.warnings, ["the outline had 4 characters no deck or caption can hold (control characters); removed"]);

    model.answers.slide = { title: "The pull\u0007", bullets: ["Gravity\u0001", "Distance\uFFFE"], narration: "The Moon pulls\u0000 the sea." };
    const { slide, warnings } = await llm.writeSlide({ slideCount: 0, language: "", source: topic, lectureTitle: outline.title, slideTitles: outline.slideTitles, imageQueries: outline.imageQueries, slideIndex: 0 });
    assert.deepEqual([slide!.title, slide!.bullets, slide!.narration, slide!.imageQuery], ["The pull", ["Gravity", "Distance"], "The Moon pulls the sea.", "moon"]);
    assert.deepEqual(warnings, ["slide 1 had 4 characters no deck or caption can hold (control characters); removed"]);

    model.answers.tags = { tagged_narration: "[rate=-10%] The Moon\u0001 pulls the sea. [pause=800ms]" };
    const tagged = await llm.tagProsody({ endsAt: 0, language: "", slide: slide! });
    assert.equal(tagged.taggedNarration, "[rate=-10%] The Moon pulls the sea. [pause=800ms]");
    assert.equal(firstUnwritable(tagged.taggedNarration), undefined);
    assert.deepEqual(tagged.warnings, ["the tagged narration of slide 1 had 1 character no deck or caption can hold (control characters); removed"]);
  });

  it("comes back in script form: lecture.md, read back as a script, gives the very same slide", async () => {
    model.answers.outline = {
      title: "  Tides\n and   the Moon ",
      slides: [
        { title: "The  pull", image_query: " moon\ttide " },
        { title: "Two\tbulges", image_query: "" },
      ],
    };
    const outline = await llm.outline({ language: "", source: topic, slideCount: 2 });
    assert.deepEqual([outline.title, outline.slideTitles, outline.imageQueries], ["Tides and the Moon", ["The pull", "Two bulges"], ["moon tide", ""]]);
    model.answers.slide = {
      title: "The  *pull*",
      bullets: [" Gravity ", "\u200b", "- a _dash_"],
      narration: "The Moon\npulls   the sea.\n \n\n# Twice a day [pause=5000ms] it **rises**.",
    };
    const { slide } = await llm.writeSlide({ slideCount: 0, language: "", source: topic, lectureTitle: outline.title, slideTitles: outline.slideTitles, imageQueries: outline.imageQueries, slideIndex: 0 });
    assert.deepEqual({ ...slide }, {
      index: 0,
      title: "The *pull*",
      bullets: ["Gravity", "- a _dash_"],
      narration: "The Moon pulls the sea.\n\n# Twice a day [pause=5000ms] it **rises**.",
      imageQuery: "moon tide",
    });
    const [read] = parseScript(writeScript({ title: outline.title, slides: [slide!] })).slides;
    assert.deepEqual({ index: 0, title: read.title, bullets: read.bullets, narration: read.narration, imageQuery: read.imageQuery }, { ...slide });
  });

  it("says nothing when there was nothing to clean", async () => {
    model.answers.outline = { title: "Tides and the Moon", slides: [{ title: "The pull", image_query: "moon" }, { title: "Two bulges", image_query: "" }] };
    assert.deepEqual((await llm.outline({ language: "", source: topic, slideCount: 2 })).warnings, []);
  });

  it("a slide the model may write (the answer schema's limits) is one the slides and speech services take", () => {
    assert.ok(LIMITS.maxBullets <= SLIDE_LIMITS.bullets && LIMITS.bullet <= SLIDE_LIMITS.bulletChars);
    // Even spoken as a single sentence, the longest narration fits one segment.
    assert.ok(LIMITS.narration <= SPEECH_LIMITS.segmentChars && LIMITS.narration <= SPEECH_LIMITS.chars);
  });

  it("tags that would split a narration past the speech service's limits give way to the rules", async () => {
    const words = Array.from({ length: SPEECH_LIMITS.segments + 50 }, (_, i) => `word${i}`);
    const slide: Slide = { index: 2, title: "Many words", bullets: [], narration: `${words.join(" ")}.`, imageQuery: "" };
    model.answers.tags = { tagged_narration: `${words.join(" [pause=10ms] ")}.` };
    const tagged = await llm.tagProsody({ endsAt: 0, language: "", slide });
    assert.equal(tagged.engine, "rules");
    assert.equal(tagged.taggedNarration, tagNarration(slide.narration, "en"));
    assert.deepEqual(tagged.warnings, [OVER_SPEECH_LIMITS]);
  });
});

describe("llm handlers: the streamed outline and slide", () => {
  const model = new ScriptedModel();
  let dir: string;
  let server: InProcessServer;
  let llm: LlmClient;
  const outlineAnswer = {
    title: "Tides\u0001 and the Moon",
    slides: [
      { title: "The pull", image_query: "moon" },
      { title: "Two  bulges", image_query: "sea  bulge" },
      { title: "Twice a day", image_query: "clock" },
    ],
  };
  const slideAnswer = { title: "The pull", bullets: ["Gravity\u0001", "Distance"], narration: "The Moon pulls the sea. The sea\u0000 rises. Twice a day." };
  const slideRequest = {
    source: topic,
    lectureTitle: "Tides and the Moon",
    slideTitles: ["The pull", "Two bulges", "Twice a day"],
    imageQueries: ["moon", "sea bulge", "clock"],
    slideIndex: 0,
    language: "",
    slideCount: 0,
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-llm-stream-"));
    const engines = { model, topicWriter: new ModelWriter(model), tagger: new ModelTagger(model, "model") };
    server = await serveInProcess(LlmServiceService, llmHandlers(engines, quietLog, new ResultCache(dir, 1 << 20)) as never);
    llm = llmClient(server.address);
    model.answers.outline = outlineAnswer;
    model.answers.slide = slideAnswer;
  });
  after(() => {
    llm?.downstream.close();
    server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("StreamOutline sends the outline so far, each message starting with the last one's titles, cleaned, then the whole outline with its warnings", async () => {
    const messages = await collect(llm.streamOutline({ request: { source: topic, slideCount: 3, language: "" } }));
    assert.deepEqual(
      messages.map((m) => [m.outline!.title, m.outline!.slideTitles, m.complete]),
      [
        ["Tides and the Moon", [], false],
        ["Tides and the Moon", ["The pull"], false],
        ["Tides and the Moon", ["The pull", "Two bulges"], false],
        ["Tides and the Moon", ["The pull", "Two bulges", "Twice a day"], false],
        ["Tides and the Moon", ["The pull", "Two bulges", "Twice a day"], true],
      ],
    );
    assert.deepEqual(
      messages.map((m) => m.outline!.imageQueries),
      [[], ["moon"], ["moon", "sea bulge"], ["moon", "sea bulge", "clock"], ["moon", "sea bulge", "clock"]],
      "each slide's image query with its title, in script form",
    );
    assert.ok(messages.every((m) => m.outline!.engine === "scripted"));
    assert.ok(messages.slice(0, -1).every((m) => m.outline!.warnings.length === 0));
    assert.deepEqual(messages.at(-1)!.outline!.warnings, ["the outline had 1 character no deck or caption can hold (control characters); removed"]);
  });

  it("a streamed outline fills the cache Outline reads, and the other way round: a hit is the last message at once", async () => {
    // An answer with warnings is not kept: this one is clean.
    model.answers.outline = { ...outlineAnswer, title: "Tides and the Moon" };
    const request = { source: { source: { $case: "topic" as const, value: "Tides, cached" } }, slideCount: 3, language: "" };
    const streamed = await collect(llm.streamOutline({ request }));
    const asked = model.asked.length;
    let hits = 0;
    const unary = await llm.outline({ ...request, language: "EN" }, { onCacheHit: () => hits++ });
    assert.equal(hits, 1, "Outline found the streamed answer");
    assert.equal(model.asked.length, asked, "the model was not asked again");
    assert.deepEqual(unary, streamed.at(-1)!.outline);
    const again = await collect(llm.streamOutline({ request }));
    assert.deepEqual(again, [{ outline: unary, complete: true }]);
    assert.equal(model.asked.length, asked);
  });

  it("StreamSlide sends each field once complete and the narration by sentences, then WriteSlide's answer; one fills the cache for the other", async () => {
    const messages = await collect(llm.streamSlide({ request: slideRequest }));
    const seen = messages.map((m) => [m.slide!.title, m.slide!.bullets.length, m.slide!.imageQuery, m.slide!.narration, m.complete]);
    assert.deepEqual(seen, [
      ["The pull", 0, "moon", "", false],
      ["The pull", 1, "moon", "", false],
      ["The pull", 2, "moon", "", false],
      ["The pull", 2, "moon", "The Moon pulls the sea.", false],
      ["The pull", 2, "moon", "The Moon pulls the sea. The sea rises.", false],
      ["The pull", 2, "moon", "The Moon pulls the sea. The sea rises. Twice a day.", false],
      ["The pull", 2, "moon", "The Moon pulls the sea. The sea rises. Twice a day.", true],
    ]);
    assert.ok(messages.every((m) => m.slide!.index === 0));
    assert.deepEqual(messages[1].slide!.bullets, ["Gravity"], "partials are cleaned too");
    const last = messages.at(-1)!;
    assert.deepEqual(last.warnings, ["slide 1 had 2 characters no deck or caption can hold (control characters); removed"]);
    assert.ok(messages.slice(0, -1).every((m) => m.warnings.length === 0));

    // A clean answer is kept: WriteSlide then answers from the cache, and so does StreamSlide, in one message.
    model.answers.slide = { ...slideAnswer, bullets: ["Gravity", "Distance"], narration: "The Moon pulls the sea. The sea rises. Twice a day." };
    const clean = await collect(llm.streamSlide({ request: { ...slideRequest, slideIndex: 1 } }));
    const asked = model.asked.length;
    let hits = 0;
    const unary = await llm.writeSlide({ ...slideRequest, slideIndex: 1 }, { onCacheHit: () => hits++ });
    assert.equal(hits, 1);
    assert.deepEqual(unary, { slide: clean.at(-1)!.slide, warnings: [] });
    const unaryFirst = await llm.writeSlide({ ...slideRequest, slideIndex: 2 });
    assert.deepEqual(await collect(llm.streamSlide({ request: { ...slideRequest, slideIndex: 2 } })), [{ slide: unaryFirst.slide, complete: true, warnings: [] }]);
    assert.equal(model.asked.length, asked + 1, "only the first WriteSlide of slide 3 asked the model");
  });

  it("slide_count, slide_index and slide_titles are checked the same way for WriteSlide and StreamSlide", async () => {
    const refused = async (request: typeof slideRequest, details: RegExp) => {
      for (const call of [() => llm.writeSlide(request), () => collect(llm.streamSlide({ request }))]) {
        await assert.rejects(call(), (error: unknown) => {
          assert.ok(error instanceof DependencyError, String(error));
          assert.equal(statusName(error.code), "INVALID_ARGUMENT");
          assert.match(error.details, details);
          return true;
        });
      }
    };
    await refused({ ...slideRequest, slideCount: -1 }, /^slide_count: must be 0 or more, got -1$/);
    await refused({ ...slideRequest, slideCount: 3, slideIndex: 3 }, /^slide_index: 3 is outside the 3 slides of slide_count$/);
    await refused({ ...slideRequest, slideCount: 2 }, /^slide_count: is 2, but slide_titles holds 3 titles$/);
    await refused({ ...slideRequest, slideCount: 8, slideTitles: ["The pull"], slideIndex: 1 }, /^slide_titles: holds 1 titles; slide 2 needs at least the titles up to its own$/);
    await refused({ ...slideRequest, imageQueries: ["moon"] }, /^image_queries: holds 1 queries for 3 slide titles; send one per title, or none$/);
    await assert.rejects(collect(llm.streamSlide({ request: undefined })), /request: is required/);
    await assert.rejects(collect(llm.streamOutline({ request: { source: topic, slideCount: 0, language: "" } })), /slide_count: must be 1\.\.30 with a topic, got 0/);

    // The titles so far, with the number of slides in all.
    const asked = model.asked.length;
    const messages = await collect(llm.streamSlide({ request: { ...slideRequest, slideTitles: ["The pull"], imageQueries: ["moon"], slideCount: 8 } }));
    assert.equal(messages.at(-1)!.complete, true);
    assert.equal(model.asked.length, asked + 1);
  });

  it("a script's streamed outline and slide come in one message each", async () => {
    const script = { source: { $case: "script" as const, value: "# Tides\n\n## The moon\n\nThe moon pulls the sea.\n" } };
    const outline = await collect(llm.streamOutline({ request: { source: script, slideCount: 0, language: "" } }));
    assert.deepEqual(outline, [{ outline: { title: "Tides", slideTitles: ["The moon"], imageQueries: [""], engine: "script", warnings: [] }, complete: true }]);
    const slide = await collect(llm.streamSlide({ request: { ...slideRequest, source: script, lectureTitle: "Tides", slideTitles: ["The moon"], imageQueries: [] } }));
    assert.deepEqual(slide.map((m) => [m.complete, m.slide!.narration]), [[true, "The moon pulls the sea."]]);
  });
});

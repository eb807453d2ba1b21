// The llm service's handlers over real gRPC, in process, with a language model
// whose answers the test writes: what a model says goes through the lecture's
// text rule and the speech service's limits before it leaves the service.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { firstUnwritable, parseScript, SLIDE_LIMITS, SPEECH_LIMITS, writeScript } from "@lectra/lecture";
import { LlmServiceService, type Slide } from "@lectra/proto";
import { CircuitBreaker } from "@lectra/resilience";
import { llmClient, type LlmClient } from "@lectra/clients";
import { serveInProcess, type InProcessServer } from "@lectra/testing";
import type { JsonChat, LanguageModel } from "./engines/engine";
import { ModelTagger, OVER_SPEECH_LIMITS } from "./engines/model-tagger";
import { ModelWriter } from "./engines/model-writer";
import { tagNarration } from "./engines/rule-tagger";
import { LIMITS } from "./engines/schemas";
import { llmHandlers } from "./handlers";
import { quietLog } from "./testing/engines";

/** A model that answers each kind of question with what the test set for it. */
class ScriptedModel implements LanguageModel {
  readonly engine = "scripted";
  readonly model = "scripted-1";
  readonly availability = new CircuitBreaker("scripted");
  answers: Record<string, unknown> = {};

  async chat(request: JsonChat): Promise<string> {
    return JSON.stringify(this.answers[request.name]);
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
    model.answers.outline = { title: "Tides\u0001 and the Moon", slides: ["The pull\u0000", "Two\u000bbulges"] };
    const outline = await llm.outline({ language: "", source: topic, slideCount: 2 });
    assert.deepEqual([outline.title, outline.slideTitles], ["Tides and the Moon", ["The pull", "Two bulges"]]);
    assert.deepEqual(outline.warnings, ["the outline had 3 characters no deck or caption can hold (control characters); removed"]);

    model.answers.slide = { title: "The pull\u0007", bullets: ["Gravity\u0001", "Distance\uFFFE"], narration: "The Moon pulls\u0000 the sea.", image_query: "moon\u001f" };
    const { slide, warnings } = await llm.writeSlide({ language: "", source: topic, lectureTitle: outline.title, slideTitles: outline.slideTitles, slideIndex: 0 });
    assert.deepEqual([slide!.title, slide!.bullets, slide!.narration, slide!.imageQuery], ["The pull", ["Gravity", "Distance"], "The Moon pulls the sea.", "moon"]);
    assert.deepEqual(warnings, ["slide 1 had 5 characters no deck or caption can hold (control characters); removed"]);

    model.answers.tags = { tagged_narration: "[rate=-10%] The Moon\u0001 pulls the sea. [pause=800ms]" };
    const tagged = await llm.tagProsody({ language: "", slide: slide! });
    assert.equal(tagged.taggedNarration, "[rate=-10%] The Moon pulls the sea. [pause=800ms]");
    assert.equal(firstUnwritable(tagged.taggedNarration), undefined);
    assert.deepEqual(tagged.warnings, ["the tagged narration of slide 1 had 1 character no deck or caption can hold (control characters); removed"]);
  });

  it("comes back in script form: lecture.md, read back as a script, gives the very same slide", async () => {
    model.answers.outline = { title: "  Tides\n and   the Moon ", slides: ["The  pull", "Two\tbulges"] };
    const outline = await llm.outline({ language: "", source: topic, slideCount: 2 });
    assert.deepEqual([outline.title, outline.slideTitles], ["Tides and the Moon", ["The pull", "Two bulges"]]);
    model.answers.slide = {
      title: "The  *pull*",
      bullets: [" Gravity ", "\u200b", "- a _dash_"],
      narration: "The Moon\npulls   the sea.\n \n\n# Twice a day [pause=5000ms] it **rises**.",
      image_query: " moon\ttide ",
    };
    const { slide } = await llm.writeSlide({ language: "", source: topic, lectureTitle: outline.title, slideTitles: outline.slideTitles, slideIndex: 0 });
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
    model.answers.outline = { title: "Tides and the Moon", slides: ["The pull", "Two bulges"] };
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
    const tagged = await llm.tagProsody({ language: "", slide });
    assert.equal(tagged.engine, "rules");
    assert.equal(tagged.taggedNarration, tagNarration(slide.narration, "en"));
    assert.deepEqual(tagged.warnings, [OVER_SPEECH_LIMITS]);
  });
});

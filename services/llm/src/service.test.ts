// The real llm service as a process, called through the typed client: once
// with OLLAMA_HOST pointing at FakeOllama (which starts without the model, and
// LECTRA_LLM_PULL=1), once with nothing listening there, once streaming from a
// FakeOllama that writes at a token rate, with a result cache.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { FakeOllama } from "@lectra/fakes";
import { stripTags } from "@lectra/lecture";
import type { PrepareModelResponse } from "@lectra/proto";
import { DependencyError, llmClient, statusName, type LlmClient } from "@lectra/clients";
import { startService, type ServiceProcess } from "@lectra/testing";
import { collect, deadUrl } from "./testing/engines";

const MODEL = "llama3.1:8b";
const topic = { source: { $case: "topic" as const, value: "how vaccines work" } };

async function prepareModel(llm: LlmClient): Promise<PrepareModelResponse[]> {
  const progress: PrepareModelResponse[] = [];
  for await (const p of llm.prepareModel({})) progress.push(p);
  return progress;
}

/** Waits until the service has logged a line matching `pattern` (the start-up check runs in the background). */
async function logged(service: ServiceProcess, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const line = service.logs().split("\n").find((l) => pattern.test(l));
    if (line) return line;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`no log line matches ${pattern}:\n${service.logs()}`);
}

function rpcFailure(code: string, details: RegExp | string) {
  return (error: unknown) => {
    assert.ok(error instanceof DependencyError, String(error));
    assert.equal(statusName(error.code), code);
    if (typeof details === "string") assert.equal(error.details, details);
    else assert.match(error.details, details);
    return true;
  };
}

describe("with Ollama (FakeOllama) and LECTRA_LLM_PULL=1", () => {
  let fake: FakeOllama;
  let service: ServiceProcess;
  let llm: LlmClient;

  before(async () => {
    fake = new FakeOllama({ models: [] });
    await fake.start();
    service = await startService("llm", { env: { OLLAMA_HOST: fake.url, LECTRA_LLM_PULL: "1", LECTRA_LLM_PROVIDER: "", LECTRA_LLM_MODEL: "" } });
    llm = llmClient(service.address);
  });

  after(async () => {
    llm?.downstream.close();
    assert.equal(await service?.stop(), 0);
    await fake?.stop();
  });

  test("the start-up check warns that the model will be pulled, and the service keeps serving", async () => {
    const line = await logged(service, /WARN/);
    assert.match(line, /model "llama3\.1:8b" is not in Ollama at http:\/\/127\.0\.0\.1:\d+ yet: LECTRA_LLM_PULL=1, so the first topic job pulls it/);
  });

  test("PrepareModel pulls the missing model, streaming its progress", async () => {
    const progress = await prepareModel(llm);
    assert.deepEqual(fake.pulls, [MODEL]);
    assert.ok(progress.every((p) => p.engine === "ollama" && p.model === MODEL));
    assert.equal(progress[0].status, "pulling manifest");
    const bytes = progress.filter((p) => p.totalBytes > 0);
    assert.ok(bytes.length >= 2, "download progress has byte counts");
    assert.equal(bytes.at(-1)!.completedBytes, fake.pullBytes);
    assert.deepEqual(progress.at(-1), { engine: "ollama", model: MODEL, status: "ready", completedBytes: 0, totalBytes: 0, ready: true });
    assert.deepEqual(await prepareModel(llm).then((p) => p.map((m) => m.status)), ["ready"], "a second prepare finds the model there");
  });

  test("a topic becomes an outline, slides and model-tagged narration", async () => {
    const outline = await llm.outline({ language: "", source: topic, slideCount: 3 });
    assert.equal(outline.engine, "ollama");
    assert.equal(outline.title, "Understanding how vaccines work");
    assert.deepEqual(outline.slideTitles, ["What how vaccines work is", "Why how vaccines work matters", "How how vaccines work works"]);
    assert.deepEqual(outline.warnings, []);

    for (let i = 0; i < outline.slideTitles.length; i++) {
      const { slide, warnings } = await llm.writeSlide({ slideCount: 0, language: "", source: topic, lectureTitle: outline.title, slideTitles: outline.slideTitles, imageQueries: outline.imageQueries, slideIndex: i });
      assert.ok(slide);
      assert.equal(slide.index, i);
      assert.equal(slide.title, outline.slideTitles[i]);
      assert.ok(slide.bullets.length >= 2);
      assert.ok(slide.narration.split(". ").length >= 3, slide.narration);
      assert.equal(slide.imageQuery, outline.imageQueries[i], "the image query the outline chose");
      assert.ok(slide.imageQuery);
      assert.deepEqual(warnings, []);

      const tagged = await llm.tagProsody({ endsAt: 0, language: "", slide });
      assert.equal(tagged.engine, "ollama");
      assert.equal(stripTags(tagged.taggedNarration), slide.narration);
      assert.match(tagged.taggedNarration, /\[pause=\d+ms\]$/);
    }
    assert.deepEqual(fake.chats.map((c) => c.kind), ["outline", "slide", "tags", "slide", "tags", "slide", "tags"]);
  });

  test("a topic lecture is asked for in the request's language, named in words; a tag that is not one is refused", async () => {
    fake.chats.length = 0;
    const outline = await llm.outline({ source: topic, slideCount: 2, language: "hi" });
    await llm.writeSlide({ slideCount: 0, source: topic, lectureTitle: outline.title, slideTitles: outline.slideTitles, imageQueries: outline.imageQueries, slideIndex: 0, language: "hi" });
    const asked = fake.chats.map((c) => c.messages.at(-1)!.content);
    assert.deepEqual(fake.chats.map((c) => c.kind), ["outline", "slide"]);
    assert.match(asked[0], /^Language: write the title and every slide title in Hindi\.$/m);
    assert.match(asked[1], /^Language: write the title, the bullets and the narration in Hindi\.$/m);
    assert.match(asked[1], /plain spoken Hindi/);
    await assert.rejects(llm.outline({ source: topic, slideCount: 2, language: "hindi please" }), rpcFailure("INVALID_ARGUMENT", /^language: "hindi please" is not a BCP 47 language tag/));
  });

  test("malformed model output is repaired, or fails the call with a clear message", async () => {
    fake.answer("outline", "fixed-after-repair");
    const repaired = await llm.outline({ language: "", source: topic, slideCount: 4 });
    assert.equal(repaired.slideTitles.length, 4);
    assert.equal(repaired.warnings.length, 1);
    assert.match(repaired.warnings[0], /first answer for the outline was unusable \(JSON that was cut off before it ended\); a second answer repaired it/);

    fake.answer("outline", "schema-breaking");
    await assert.rejects(
      llm.outline({ language: "", source: topic, slideCount: 5 }),
      rpcFailure("INTERNAL", "the model llama3.1:8b answered the outline with 3 slide titles; 5 were asked for (after one repair)"),
    );

    fake.answer("slide", "schema-breaking");
    await assert.rejects(
      llm.writeSlide({ slideCount: 0, language: "", source: topic, lectureTitle: "Vaccines", slideTitles: ["What they are", "How they work"], imageQueries: [], slideIndex: 1 }),
      rpcFailure("INTERNAL", 'the model llama3.1:8b answered slide 2 with no "narration" (after one repair)'),
    );

    fake.answer("tags", "changes-words");
    const slide = { index: 0, title: "What they are", bullets: ["Antigens", "Memory cells"], narration: "A vaccine trains the immune system. It is safe.", imageQuery: "" };
    const tagged = await llm.tagProsody({ endsAt: 0, language: "", slide });
    assert.equal(tagged.engine, "rules");
    assert.deepEqual(tagged.warnings, ["the model changed the narration's words; tagged by rules instead"]);
    assert.equal(stripTags(tagged.taggedNarration), slide.narration);
  });
});

describe("with nothing listening at OLLAMA_HOST", () => {
  let host: string;
  let service: ServiceProcess;
  let llm: LlmClient;

  before(async () => {
    host = await deadUrl();
    service = await startService("llm", { env: { OLLAMA_HOST: host, LECTRA_LLM_PULL: "", LECTRA_LLM_PROVIDER: "", LECTRA_LLM_MODEL: "" } });
    llm = llmClient(service.address);
  });

  after(async () => {
    llm?.downstream.close();
    assert.equal(await service?.stop(), 0);
  });

  test("PrepareModel and a topic outline are FAILED_PRECONDITION saying what to run", async () => {
    const expected = `Ollama is not reachable at ${host} (connect ECONNREFUSED): start it with "ollama serve", then "ollama pull llama3.1:8b" — or set OLLAMA_HOST`;
    await assert.rejects(prepareModel(llm), rpcFailure("FAILED_PRECONDITION", expected));
    await assert.rejects(llm.outline({ language: "", source: topic, slideCount: 3 }), rpcFailure("FAILED_PRECONDITION", expected));
    assert.match(await logged(service, /WARN/), /scripts need no model\): Ollama is not reachable at/);
  });

  test("scripts still work, and the rules tag the narration without a warning", async () => {
    const script = { source: { $case: "script" as const, value: "# Tides\n\n## The moon\n\nThe moon pulls the sea. That makes tides.\n" } };
    const outline = await llm.outline({ language: "", source: script, slideCount: 0 });
    assert.deepEqual([outline.engine, outline.title, outline.slideTitles], ["script", "Tides", ["The moon"]]);
    const { slide } = await llm.writeSlide({ slideCount: 0, language: "", source: script, lectureTitle: outline.title, slideTitles: outline.slideTitles, imageQueries: outline.imageQueries, slideIndex: 0 });
    assert.ok(slide);
    const tagged = await llm.tagProsody({ endsAt: 0, language: "", slide });
    assert.equal(tagged.engine, "rules");
    assert.deepEqual(tagged.warnings, []);
    assert.equal(stripTags(tagged.taggedNarration), "The moon pulls the sea. That makes tides.");
  });
});

describe("streamed, from Ollama writing at a token rate (FakeOllama), with a result cache", () => {
  let fake: FakeOllama;
  let cacheDir: string;
  let service: ServiceProcess;
  let llm: LlmClient;

  before(async () => {
    fake = new FakeOllama({ tokensPerSecond: 100, latencyMs: (kind) => (kind === "tags" ? 0 : 800) });
    await fake.start();
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-llm-cache-"));
    service = await startService("llm", {
      env: { OLLAMA_HOST: fake.url, LECTRA_LLM_PULL: "", LECTRA_LLM_PROVIDER: "", LECTRA_LLM_MODEL: "", LECTRA_CACHE_MAX_MB: "16", LECTRA_CACHE_DIR: cacheDir },
    });
    llm = llmClient(service.address);
  });

  after(async () => {
    llm?.downstream.close();
    assert.equal(await service?.stop(), 0);
    await fake?.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  /** Each message with the epoch ms it arrived at, as the fake records its times. */
  async function timed<T>(messages: AsyncIterable<T>): Promise<Array<{ at: number; message: T }>> {
    const out: Array<{ at: number; message: T }> = [];
    for await (const message of messages) out.push({ at: performance.timeOrigin + performance.now(), message });
    return out;
  }

  test("StreamOutline sends each slide title while the model is still writing; the second time it is the cached outline in one message", async () => {
    const request = { source: topic, slideCount: 4, language: "" };
    const messages = await timed(llm.streamOutline({ request }));
    const chat = fake.chats.find((c) => c.kind === "outline")!;
    assert.equal(chat.stream, true);
    assert.deepEqual(messages.map((m) => [m.message.outline!.slideTitles.length, m.message.complete]), [[0, false], [1, false], [2, false], [3, false], [4, false], [4, true]]);
    const first = messages[1];
    assert.equal(first.message.outline!.slideTitles[0], "What how vaccines work is");
    assert.deepEqual(first.message.outline!.imageQueries, ["vaccines work is"], "its image query with it");
    assert.ok(first.at < chat.endedAt - 100, `slide 1's title arrived ${Math.round(chat.endedAt - first.at)} ms before the model was done`);
    const outline = messages.at(-1)!.message.outline!;
    assert.deepEqual([outline.engine, outline.title, outline.warnings], ["ollama", "Understanding how vaccines work", []]);

    const chats = fake.chats.length;
    assert.deepEqual(await collect(llm.streamOutline({ request })), [{ outline, complete: true }]);
    assert.deepEqual(await llm.outline(request), outline, "Outline finds the streamed answer too");
    assert.equal(fake.chats.length, chats, "the model was not asked again");
  });

  test("StreamSlide from the titles so far: the narration by sentences, the first well before the model is done, and WriteSlide answers from the cache", async () => {
    const request = {
      source: topic,
      lectureTitle: "Understanding how vaccines work",
      slideTitles: ["What how vaccines work is"],
      imageQueries: ["vaccine"],
      slideIndex: 0,
      slideCount: 4,
      language: "",
    };
    const messages = await timed(llm.streamSlide({ request }));
    const chat = fake.chats.filter((c) => c.kind === "slide").at(-1)!;
    assert.match(chat.messages.at(-1)!.content, /^Slides so far:\n1\. What how vaccines work is\n\nWrite slide 1 of 4: What how vaccines work is$/m);
    assert.ok(messages.every((m) => m.message.slide!.imageQuery === "vaccine"), "the outline's image query throughout");
    const sentence = messages.find((m) => m.message.slide!.narration !== "")!;
    assert.ok(sentence.at < chat.endedAt - 200, `the first sentence arrived ${Math.round(chat.endedAt - sentence.at)} ms before the model was done`);
    const narrations = [...new Set(messages.map((m) => m.message.slide!.narration))];
    assert.ok(narrations.length >= 4 && narrations.every((n, i) => i === 0 || n.startsWith(narrations[i - 1])), narrations.join(" | "));
    const last = messages.at(-1)!.message;
    assert.equal(last.complete, true);
    assert.deepEqual(last.warnings, []);

    const chats = fake.chats.length;
    assert.deepEqual(await llm.writeSlide(request), { slide: last.slide, warnings: [] });
    assert.equal(fake.chats.length, chats);
  });
});

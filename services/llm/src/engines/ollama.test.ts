// The Ollama engine and the model writer against FakeOllama: a real HTTP server
// speaking Ollama's API on loopback.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { FakeOllama } from "@lectra/fakes";
import type { LectureSource } from "@lectra/proto";
import { RpcError, statusName } from "@lectra/service-kit";
import { ModelWriter } from "./model-writer";
import { collect, deadUrl, live, MODEL, ollamaAt } from "../testing/engines";
import type { OutlineSoFar } from "./engine";
import { UnusableAnswerError } from "./structured";

const topic: LectureSource = { source: { $case: "topic", value: "ocean tides" } };
const outline = {
  title: "Understanding ocean tides",
  slideTitles: ["What tides are", "Why tides matter", "How tides work"],
  imageQueries: ["ocean tide", "tidal flat", "moon orbit"],
};

let fake: FakeOllama;

before(async () => {
  fake = new FakeOllama();
  await fake.start();
});

afterEach(() => {
  fake.models.clear();
  fake.models.add(MODEL);
  for (const kind of ["outline", "slide", "tags"] as const) delete fake.modes[kind];
  fake.latencyMs = undefined;
  fake.tokensPerSecond = undefined;
  fake.pullError = undefined;
  fake.chats.length = 0;
  fake.pulls.length = 0;
});

after(() => fake.stop());

const writer = (options: Parameters<typeof ollamaAt>[1] = {}) => new ModelWriter(ollamaAt(fake.url, options));

function rpcError(code: string, message: RegExp | string) {
  return (error: unknown) => {
    assert.ok(error instanceof RpcError, `expected an RpcError, got ${String(error)}`);
    assert.equal(statusName(error.code), code);
    if (typeof message === "string") assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  };
}

test("an outline comes back with the asked number of titles, asked with a JSON schema as format", async () => {
  const answer = await writer().outline(topic, 5, "en", live());
  assert.equal(answer.title, "Understanding ocean tides");
  assert.equal(answer.slideTitles.length, 5);
  assert.deepEqual(answer.warnings, []);
  assert.equal(fake.chats.length, 1);
  const [chat] = fake.chats;
  assert.equal(chat.model, MODEL);
  assert.equal(chat.kind, "outline");
  const format = chat.format as { type: string; properties: { slides: { minItems: number } } };
  assert.equal(format.type, "object");
  assert.equal(format.properties.slides.minItems, 5);
  assert.match(chat.messages.at(-1)!.content, /^Topic: ocean tides$/m);
});

test("a slide has a title, bullets and narration, and the image query the outline chose for it", async () => {
  const { slide, warnings } = await writer().writeSlide(topic, outline, 2, "en", live());
  assert.equal(slide.index, 2);
  assert.equal(slide.title, "How tides work");
  assert.ok(slide.bullets.length >= 2 && slide.bullets.length <= 5);
  assert.match(slide.narration, /how tides work/);
  assert.equal(slide.imageQuery, "moon orbit");
  assert.deepEqual(warnings, []);
  assert.match(fake.chats[0].messages.at(-1)!.content, /^Write slide 3 of 3: How tides work$/m);
});

test("fenced JSON with prose around it is used as it is, without a repair", async () => {
  fake.answer("outline", "fenced").answer("slide", "fenced");
  const answer = await writer().outline(topic, 4, "en", live());
  assert.equal(answer.slideTitles.length, 4);
  assert.deepEqual(answer.warnings, []);
  const { slide } = await writer().writeSlide(topic, outline, 0, "en", live());
  assert.ok(slide.narration.length > 0);
  assert.equal(fake.chats.length, 2);
});

test("a truncated answer is repaired with a second call that shows the problem", async () => {
  fake.answer("slide", "fixed-after-repair");
  const { slide, warnings } = await writer().writeSlide(topic, outline, 1, "en", live());
  assert.equal(slide.title, "Why tides matter");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /first answer for slide 2 was unusable \(JSON that was cut off before it ended\)/);
  assert.deepEqual(fake.chats.map((c) => c.repair), [false, true]);
  assert.equal(fake.chats[1].messages.at(-2)!.role, "assistant");
  assert.match(fake.chats[1].messages.at(-1)!.content, /cut off/);
});

test("an outline that breaks the schema twice fails the call with a clear INTERNAL message", async () => {
  fake.answer("outline", "schema-breaking");
  await assert.rejects(writer().outline(topic, 5, "en", live()), (error: unknown) => {
    assert.ok(error instanceof UnusableAnswerError);
    assert.equal(error.message, "the model llama3.1:8b answered the outline with 3 slide titles; 5 were asked for (after one repair)");
    return true;
  });
  assert.equal(fake.chats.length, 2);
});

test("a slide without narration twice is an error, never an empty slide", async () => {
  fake.answer("slide", "schema-breaking");
  await assert.rejects(writer().writeSlide(topic, outline, 1, "en", live()), /answered slide 2 with no "narration" \(after one repair\)/);
});

test("an answer truncated twice is an error saying it was cut off", async () => {
  fake.answer("outline", "truncated");
  await assert.rejects(writer().outline(topic, 3, "en", live()), /answered the outline with JSON that was cut off before it ended \(after one repair\)/);
});

test("an answer slower than the call deadline is an error, not a hang, and is not retried", async () => {
  fake.latencyMs = (kind) => (kind === "outline" ? 1_500 : 0);
  await assert.rejects(
    writer({ timeoutMs: 200 }).outline(topic, 3, "en", live()),
    rpcError("UNAVAILABLE", `Ollama at ${fake.url} did not answer the outline within 0.2 s (LECTRA_LLM_CALL_TIMEOUT_MS)`),
  );
  assert.equal(fake.chats.length, 1);
});

test("the caller's cancellation stops a slow call", async () => {
  fake.latencyMs = 1_500;
  const controller = new AbortController();
  const call = writer().outline(topic, 3, "en", controller.signal);
  setTimeout(() => controller.abort(new DOMException("the caller cancelled", "AbortError")), 50);
  await assert.rejects(call, { name: "AbortError" });
});

const chatRequests = () => fake.requests.filter((r) => r.url === "/api/chat").length;

test("a 500 is retried and the next answer used", async () => {
  const before = chatRequests();
  fake.failNext(1, 500);
  const answer = await writer().outline(topic, 3, "en", live());
  assert.equal(answer.slideTitles.length, 3);
  assert.equal(fake.chats.length, 1, "the failed request never reached the chat handler");
  assert.equal(chatRequests() - before, 2);
});

test("a dropped connection is retried too", async () => {
  const before = chatRequests();
  fake.failNext(2, "close");
  const answer = await writer().outline(topic, 3, "en", live());
  assert.equal(answer.slideTitles.length, 3);
  assert.equal(chatRequests() - before, 3);
});

test("a 400 is not retried", async () => {
  const before = fake.requests.length;
  fake.failNext(1, 400);
  await assert.rejects(writer().outline(topic, 3, "en", live()), /Ollama at .* refused the outline: HTTP 400/);
  assert.equal(fake.requests.length - before, 1);
});

test("5xx on every try is UNAVAILABLE after the last try", async () => {
  const before = fake.requests.length;
  fake.failNext(3, 503);
  await assert.rejects(writer().outline(topic, 3, "en", live()), rpcError("UNAVAILABLE", /failed to answer the outline: HTTP 503/));
  assert.equal(fake.requests.length - before, 3);
});

test("no more than the concurrency limit of calls are in flight at once", async () => {
  let inFlight = 0;
  let most = 0;
  const onRequest = (_req: unknown, res: import("node:http").ServerResponse) => {
    most = Math.max(most, ++inFlight);
    res.on("close", () => inFlight--);
  };
  fake.http.server.on("request", onRequest);
  fake.latencyMs = 30;
  try {
    const w = writer({ concurrency: 2 });
    const slides = await Promise.all(outline.slideTitles.concat(outline.slideTitles).map((_, i) => w.writeSlide(topic, outline, i % 3, "en", live())));
    assert.equal(slides.length, 6);
    assert.ok(most <= 2, `${most} calls were in flight at once`);
  } finally {
    fake.http.server.off("request", onRequest);
  }
});

test("a model that is there is ready at once", async () => {
  const progress = await collect(ollamaAt(fake.url).prepare(live()));
  assert.deepEqual(progress, [{ status: "ready", completedBytes: 0, totalBytes: 0, ready: true }]);
  assert.deepEqual(fake.pulls, []);
});

test("a missing model is FAILED_PRECONDITION saying what to run, without LECTRA_LLM_PULL", async () => {
  fake.models.clear();
  const expected = `model "llama3.1:8b" is not in Ollama at ${fake.url}: run "ollama pull llama3.1:8b", or set LECTRA_LLM_PULL=1 to let LECTRA pull it`;
  const model = ollamaAt(fake.url);
  await assert.rejects(collect(model.prepare(live())), rpcError("FAILED_PRECONDITION", expected));
  assert.ok(model.availability.isOpen, "an absent model is remembered");
  // A client that skipped PrepareModel gets the same message from the writer.
  await assert.rejects(new ModelWriter(model).outline(topic, 3, "en", live()), rpcError("FAILED_PRECONDITION", expected));
  assert.deepEqual(fake.pulls, []);
});

test("with LECTRA_LLM_PULL=1 a missing model is pulled, streaming Ollama's progress", async () => {
  fake.models.clear();
  const progress = await collect(ollamaAt(fake.url, { pull: true }).prepare(live()));
  assert.deepEqual(fake.pulls, [MODEL]);
  const statuses = progress.map((p) => p.status);
  assert.equal(statuses[0], "pulling manifest");
  assert.ok(statuses.includes("verifying sha256 digest"));
  assert.ok(statuses.includes("success"));
  const downloading = progress.filter((p) => p.totalBytes > 0);
  assert.ok(downloading.length >= 2);
  assert.equal(downloading.at(-1)!.completedBytes, downloading.at(-1)!.totalBytes);
  assert.ok(downloading.every((p, i) => i === 0 || p.completedBytes >= downloading[i - 1].completedBytes));
  assert.deepEqual(progress.at(-1), { status: "ready", completedBytes: 0, totalBytes: 0, ready: true });
  assert.ok(progress.slice(0, -1).every((p) => !p.ready));
  assert.ok(fake.models.has(MODEL), "the model is there afterwards");
});

test("a pull Ollama cannot do is FAILED_PRECONDITION with its reason", async () => {
  fake.models.clear();
  fake.pullError = "pull model manifest: file does not exist";
  await assert.rejects(
    collect(ollamaAt(fake.url, { pull: true }).prepare(live())),
    rpcError("FAILED_PRECONDITION", /could not pull "llama3.1:8b" \(pull model manifest: file does not exist\)/),
  );
});

test("an unreachable server is FAILED_PRECONDITION saying what to start", async () => {
  const host = await deadUrl();
  const expected = `Ollama is not reachable at ${host} (connect ECONNREFUSED): start it with "ollama serve", then "ollama pull llama3.1:8b" — or set OLLAMA_HOST`;
  await assert.rejects(collect(ollamaAt(host).prepare(live())), rpcError("FAILED_PRECONDITION", expected));
  await assert.rejects(new ModelWriter(ollamaAt(host)).outline(topic, 3, "en", live()), rpcError("FAILED_PRECONDITION", expected));
});

test("a topic slide needs the outline it belongs to", async () => {
  await assert.rejects(writer().writeSlide(topic, outline, 3, "en", live()), rpcError("INVALID_ARGUMENT", /^slide_index: 3 is outside the 3 slide titles/));
  await assert.rejects(writer().writeSlide(topic, { ...outline, title: " " }, 0, "en", live()), rpcError("INVALID_ARGUMENT", /^lecture_title: /));
});

test("a topic lecture is written in the request's language: both prompts name it in words, the picture search stays English", async () => {
  await writer().outline(topic, 3, "ja", live());
  await writer().writeSlide(topic, outline, 0, "pt-BR", live());
  const [outlineAsked, slideAsked] = fake.chats.map((c) => c.messages.at(-1)!.content);
  assert.match(outlineAsked, /^Language: write the title and every slide title in Japanese\.$/m);
  assert.match(slideAsked, /^Language: write the title, the bullets and the narration in Brazilian Portuguese\.$/m);
  assert.match(slideAsked, /3 to 6 full sentences of plain spoken Brazilian Portuguese/);
  assert.match(outlineAsked, /"image_query": two to four English words .* in English whatever the lecture's language/);
  assert.doesNotMatch(slideAsked, /image_query/, "the outline chose the slide's picture");
});

/** Epoch ms, as the fakes record their times. */
const now = () => performance.timeOrigin + performance.now();

/** Each thing a stream yields, with when it came. */
async function timed<T>(items: AsyncIterable<T>): Promise<Array<{ at: number; item: T }>> {
  const out: Array<{ at: number; item: T }> = [];
  for await (const item of items) out.push({ at: now(), item });
  return out;
}

test("a streamed outline hands out each slide title as it is written, well before the model is done", async () => {
  fake.latencyMs = 900;
  fake.tokensPerSecond = 80;
  const outlines = await timed(writer().streamOutline(topic, 5, "en", live()));
  const [chat] = fake.chats;
  assert.equal(chat.stream, true);
  assert.deepEqual(outlines.map((o) => [o.item.slideTitles.length, o.item.complete]), [[0, false], [1, false], [2, false], [3, false], [4, false], [5, false], [5, true]]);
  assert.ok(outlines.every((o) => o.item.imageQueries.length === o.item.slideTitles.length && o.item.imageQueries.every((q) => q !== "")), "each slide's image query with its title");
  const whole = await writer().outline(topic, 5, "en", live());
  assert.deepEqual(outlines.at(-1)!.item, { ...whole, complete: true });
  const firstTitle = outlines[1];
  assert.ok(firstTitle.at < chat.endedAt - 150, `the first slide title came ${Math.round(chat.endedAt - firstTitle.at)} ms before the answer ended`);
  assert.ok(outlines.at(-2)!.at <= chat.endedAt + 50, "the last title came before the answer's end (give or take the reading)");
  assert.ok(chat.chunks.length > 20, "the answer came in many pieces");
});

test("a streamed slide hands out its fields as they are written, the narration by sentences, with the outline's image query throughout", async () => {
  fake.latencyMs = 700;
  fake.tokensPerSecond = 150;
  const slides = await timed(writer().streamSlide(topic, outline, 1, "en", live()));
  const [chat] = fake.chats;
  const firstNarration = slides.findIndex((s) => s.item.slide.narration !== "");
  assert.ok(slides.every((s) => s.item.slide.imageQuery === "tidal flat"));
  assert.ok(slides[firstNarration].at < chat.endedAt - 150, `the first sentence came ${Math.round(chat.endedAt - slides[firstNarration].at)} ms before the answer ended`);
  const narrations = [...new Set(slides.map((s) => s.item.slide.narration))];
  assert.ok(narrations.length >= 4, "sentence by sentence");
  assert.ok(narrations.every((n, i) => i === 0 || n.startsWith(narrations[i - 1])));
  assert.ok(narrations.slice(1).every((n) => /[.!?]$/.test(n)), "always whole sentences");
  const last = slides.at(-1)!.item;
  assert.equal(last.complete, true);
  assert.deepEqual(last.warnings, []);
  assert.deepEqual(last.slide, (await writer().writeSlide(topic, outline, 1, "en", live())).slide);
});

test("a streamed answer that is cut off gets the repair round, and keeps the titles it gave", async () => {
  fake.answer("outline", "fixed-after-repair");
  fake.tokensPerSecond = 2000;
  const outlines = (await collect(writer().streamOutline(topic, 5, "en", live()))) as OutlineSoFar[];
  assert.deepEqual(fake.chats.map((c) => [c.stream, c.repair]), [[true, false], [false, true]], "the repair is asked for whole");
  const given = outlines.at(-2)!.slideTitles;
  assert.ok(given.length >= 1 && given.length < 5, `${given.length} titles came before the answer broke off`);
  const last = outlines.at(-1)!;
  assert.equal(last.complete, true);
  assert.deepEqual(last.slideTitles.slice(0, given.length), given);
  assert.equal(last.slideTitles.length, 5);
  assert.deepEqual(last.warnings, ["the model's first answer for the outline was unusable (JSON that was cut off before it ended); a second answer repaired it"]);
});

test("a connection dropped in the middle of a stream fails it with a clear error, and is not tried again", async () => {
  fake.tokensPerSecond = 1000;
  fake.failNext(1, "close-mid-stream");
  const seen: OutlineSoFar[] = [];
  await assert.rejects(
    (async () => {
      for await (const o of writer().streamOutline(topic, 5, "en", live())) seen.push(o);
    })(),
    rpcError("UNAVAILABLE", new RegExp(`^Ollama at ${fake.url} dropped the connection while answering the outline \\(.+\\)$`)),
  );
  assert.ok(seen.length >= 1 && seen.every((o) => !o.complete), "part of the outline came before the drop");
  assert.equal(fake.chats.length, 1);
});

test("a streamed call that fails before its first token is tried again", async () => {
  const before = chatRequests();
  fake.tokensPerSecond = 1000;
  fake.failNext(1, 503);
  const outlines = await collect(writer().streamOutline(topic, 3, "en", live()));
  assert.equal(outlines.at(-1)!.slideTitles.length, 3);
  assert.equal(chatRequests() - before, 2);
});

test("the deadline of a streamed call covers the whole stream", async () => {
  // The outline's ~35 tokens take 1.4 s: the first comes at once, the last after the deadline.
  fake.latencyMs = 1_500;
  fake.tokensPerSecond = 25;
  await assert.rejects(
    collect(writer({ timeoutMs: 600 }).streamOutline(topic, 3, "en", live())),
    rpcError("UNAVAILABLE", `Ollama at ${fake.url} did not answer the outline within 0.6 s (LECTRA_LLM_CALL_TIMEOUT_MS)`),
  );
  assert.ok(fake.chats[0].chunks.length > 0, "the stream had started");
  assert.equal(fake.chats.length, 1);
});

test("a streamed call holds its concurrency slot until its stream ends", async () => {
  fake.latencyMs = 300;
  fake.tokensPerSecond = 400;
  const w = writer({ concurrency: 1 });
  await Promise.all([collect(w.streamSlide(topic, outline, 0, "en", live())), collect(w.streamSlide(topic, outline, 1, "en", live()))]);
  const [first, second] = fake.chats;
  assert.ok(second.arrivedAt >= first.endedAt - 5, `the second call was sent ${Math.round(first.endedAt - second.arrivedAt)} ms before the first ended`);
});

test("calls waiting for a slot go by their slide, the earlier first, then in the order they came", async () => {
  fake.latencyMs = 150;
  const w = writer({ concurrency: 1 });
  // The first takes the only slot; the rest wait for it.
  await Promise.all([2, 2, 1, 0, 1].map((i) => w.writeSlide(topic, outline, i, "en", live())));
  const asked = fake.chats.map((c) => /Write slide (\d+) of/.exec(c.messages.at(-1)!.content)?.[1]);
  assert.deepEqual(asked, ["3", "1", "2", "2", "3"]);
});

test("a caller that stops reading closes the stream", async () => {
  fake.latencyMs = 1_000;
  fake.tokensPerSecond = 50;
  for await (const soFar of writer().streamOutline(topic, 5, "en", live())) {
    if (soFar.title) break;
  }
  await new Promise((r) => setTimeout(r, 150));
  const [chat] = fake.chats;
  assert.ok(chat.endedAt > 0 && chat.endedAt < chat.arrivedAt + 900, "the answer ended early");
  const written = chat.chunks.length;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(chat.chunks.length, written, "nothing more was written");
});

test("a streamed call for a missing model is FAILED_PRECONDITION, as a whole one is", async () => {
  fake.models.clear();
  fake.tokensPerSecond = 100;
  await assert.rejects(collect(writer().streamOutline(topic, 3, "en", live())), rpcError("FAILED_PRECONDITION", /is not in Ollama at .*: run "ollama pull llama3\.1:8b"/));
});

test("a stream that ends without its done message is an answer cut short", async () => {
  const http = await import("node:http");
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    res.end(JSON.stringify({ model: MODEL, created_at: new Date().toISOString(), message: { role: "assistant", content: '{"title": ' }, done: false }) + "\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    await assert.rejects(
      collect(new ModelWriter(ollamaAt(host)).streamOutline(topic, 3, "en", live())),
      rpcError("UNAVAILABLE", `Ollama at ${host} ended its answer to the outline before it was done`),
    );
  } finally {
    server.close();
  }
});

// The fake model servers' streamed answers: token cutting, pacing to the
// latency, the wire formats (Ollama NDJSON, OpenAI server-sent events), the
// schema's key order, client disconnects and connections cut halfway.
import { after, afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { answerTokens, epochMs } from "./model-stream";
import { FakeOllama } from "./ollama";
import { FakeOpenAI } from "./openai";

const slideSchema = {
  type: "object",
  properties: { title: { type: "string" }, bullets: { type: "array" }, narration: { type: "string" } },
};
const outlineSchema = { type: "object", properties: { title: { type: "string" }, slides: { type: "array", minItems: 3 } } };
const asked = (content: string) => [{ role: "user", content }];

async function post(url: string, body: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal });
}

// The answers' JSON, loosely typed: the tests look into it.
const json = (response: Response): Promise<any> => response.json();

/** Reads a body piece by piece, with the epoch ms each piece arrived at. */
async function readTimed(response: Response): Promise<Array<{ at: number; text: string }>> {
  const pieces: Array<{ at: number; text: string }> = [];
  const decoder = new TextDecoder();
  for await (const bytes of response.body!) pieces.push({ at: epochMs(), text: decoder.decode(bytes, { stream: true }) });
  return pieces;
}

test("tokens are about four characters and never split a surrogate pair", () => {
  assert.deepEqual(answerTokens("abcdefghij"), ["abcd", "efgh", "ij"]);
  assert.deepEqual(answerTokens(""), []);
  const text = "abc😀def😀😀x";
  const tokens = answerTokens(text);
  assert.equal(tokens.join(""), text);
  for (const token of tokens) {
    assert.ok(token.length >= 1 && token.length <= 5, token);
    assert.ok(!/^[\uDC00-\uDFFF]/.test(token) && !/[\uD800-\uDBFF]$/.test(token), `a split pair in ${JSON.stringify(token)}`);
  }
});

describe("FakeOllama streaming", () => {
  let fake: FakeOllama;
  before(async () => {
    fake = new FakeOllama();
    await fake.start();
  });
  afterEach(() => {
    fake.latencyMs = undefined;
    fake.tokensPerSecond = undefined;
    fake.latencyCovers = undefined;
    fake.chats.length = 0;
  });
  after(() => fake.stop());

  const chat = (stream: boolean, schema: unknown = outlineSchema, signal?: AbortSignal) =>
    post(`${fake.url}/api/chat`, { model: "llama3.1:8b", messages: asked("Topic: tides"), format: schema, stream }, signal);

  test("with a token rate, NDJSON lines come one token at a time and the stream ends at the latency", async () => {
    fake.latencyMs = 400;
    fake.tokensPerSecond = 100;
    const response = await chat(true);
    assert.equal(response.headers.get("content-type"), "application/x-ndjson");
    const pieces = await readTimed(response);
    const lines = pieces.map((p) => p.text).join("").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    const last = lines.at(-1);
    assert.equal(last.done, true);
    assert.equal(last.done_reason, "stop");
    assert.equal(last.message.content, "");
    assert.ok(lines.slice(0, -1).every((l) => l.done === false && l.message.role === "assistant" && l.model === "llama3.1:8b"));
    const content = lines.map((l) => l.message.content).join("");
    assert.deepEqual(Object.keys(JSON.parse(content)), ["title", "slides"]);
    assert.equal(last.eval_count, answerTokens(content).length);

    const [recorded] = fake.chats;
    assert.equal(recorded.stream, true);
    assert.equal(recorded.chunks.map((c) => c.text).join(""), content);
    assert.equal(recorded.chunks.length, answerTokens(content).length, "one token a write at 10 ms a token");
    const took = recorded.endedAt - recorded.arrivedAt;
    assert.ok(took >= 390 && took < 900, `the stream took ${took} ms, not about 400`);
    const spread = recorded.chunks.at(-1)!.at - recorded.chunks[0].at;
    const expected = (recorded.chunks.length - 1) * 10;
    assert.ok(Math.abs(spread - expected) < 150, `tokens spread over ${spread} ms, not about ${expected}`);
    assert.ok(pieces.length > 3, "the client saw the answer in several pieces");
    assert.ok(pieces[0].at < recorded.endedAt - 100, "the first piece arrived well before the end");
  });

  test("tokens the latency does not cover come after it, at the same rate", async () => {
    fake.latencyMs = 300;
    fake.tokensPerSecond = 100;
    const kinds: unknown[] = [];
    fake.latencyCovers = (kind) => {
      kinds.push(kind);
      return 5;
    };
    await readTimed(await chat(true));
    const [recorded] = fake.chats;
    const tokens = recorded.chunks.length;
    assert.deepEqual(kinds, ["outline"], "asked once, with the answer's kind");
    assert.ok(tokens > 20, `${tokens} tokens`);
    const first = recorded.chunks[0].at - recorded.arrivedAt;
    const took = recorded.endedAt - recorded.arrivedAt;
    assert.ok(first >= 240 && first < 500, `the first token came after ${first} ms, not about 300 − 5 tokens`);
    const expected = 300 + (tokens - 5) * 10;
    assert.ok(took >= expected - 10 && took < expected + 400, `the stream took ${took} ms, not about ${expected}`);
  });

  test("a fast rate batches tokens into writes about 5 ms apart and keeps the total time", async () => {
    fake.latencyMs = 200;
    fake.tokensPerSecond = 2000;
    await readTimed(await chat(true, slideSchema));
    const [recorded] = fake.chats;
    const tokens = answerTokens(recorded.chunks.map((c) => c.text).join("")).length;
    assert.ok(recorded.chunks.length < tokens / 5, `${recorded.chunks.length} writes for ${tokens} tokens`);
    assert.ok(recorded.endedAt - recorded.arrivedAt >= 195, "the total time is the latency");
  });

  test("a slow rate starts at once when the answer needs longer than the latency", async () => {
    fake.latencyMs = 10;
    fake.tokensPerSecond = 400;
    await readTimed(await chat(true));
    const [recorded] = fake.chats;
    assert.ok(recorded.chunks[0].at - recorded.arrivedAt < 150);
    assert.ok(recorded.endedAt - recorded.arrivedAt >= (recorded.chunks.length * 1000) / 400 - 5);
  });

  test("without a rate, a stream is one line after the latency; an answer that is not streamed is recorded as one chunk", async () => {
    fake.latencyMs = 50;
    const streamed = await (await chat(true)).text();
    const lines = streamed.split("\n").filter(Boolean).map((l) => JSON.parse(l));
    assert.equal(lines.length, 1);
    assert.equal(lines[0].done, true);
    const whole = await json(await chat(false));
    assert.equal(whole.message.content, lines[0].message.content);
    assert.deepEqual(fake.chats.map((c) => [c.stream, c.chunks.length]), [[true, 1], [false, 1]]);
    assert.equal(fake.chats[1].chunks[0].text, whole.message.content);
    assert.ok(fake.chats.every((c) => c.chunks[0].at - c.arrivedAt >= 45 && c.endedAt >= c.chunks[0].at));
  });

  test("a slide's keys come in the schema's order", async () => {
    const answer = JSON.parse((await json(await chat(false, slideSchema))).message.content);
    assert.deepEqual(Object.keys(answer), ["title", "bullets", "narration"]);
    const reordered = { ...slideSchema, properties: { narration: {}, title: {}, bullets: {} } };
    assert.deepEqual(Object.keys(JSON.parse((await json(await chat(false, reordered))).message.content)), ["narration", "title", "bullets"]);
  });

  test("a client that goes away stops the writing", async () => {
    fake.latencyMs = 1_000;
    fake.tokensPerSecond = 50;
    const controller = new AbortController();
    const response = await chat(true, slideSchema, controller.signal);
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await new Promise((r) => setTimeout(r, 100));
    const [recorded] = fake.chats;
    const written = recorded.chunks.length;
    assert.ok(recorded.endedAt > 0, "the answer ended when the client went away");
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(recorded.chunks.length, written, "nothing written after the client went away");
    assert.ok(written < 20, `${written} tokens written to a client that went away at the first`);
  });

  test("close-mid-stream drops the connection after about half of the answer", async () => {
    fake.tokensPerSecond = 1000;
    fake.failNext(1, "close-mid-stream");
    await assert.rejects(readTimed(await chat(true)));
    const [recorded] = fake.chats;
    const whole = JSON.parse((await json(await chat(false))).message.content);
    const sent = recorded.chunks.map((c) => c.text).join("");
    assert.ok(sent.length > 0 && sent.length < JSON.stringify(whole).length * 0.6, `${sent.length} of ${JSON.stringify(whole).length}: ${sent}`);
  });
});

describe("FakeOpenAI streaming", () => {
  let fake: FakeOpenAI;
  before(async () => {
    fake = new FakeOpenAI();
    await fake.start();
  });
  after(() => fake.stop());

  const complete = (stream: boolean) =>
    post(`${fake.baseUrl}/chat/completions`, {
      model: "gpt-4o-mini",
      messages: asked("Topic: tides"),
      response_format: { type: "json_schema", json_schema: { name: "slide", schema: slideSchema } },
      stream,
    });

  /** The content deltas of an SSE body, checking the framing on the way. */
  function deltas(body: string): string[] {
    const events = body.split("\n\n").filter(Boolean);
    assert.equal(events.at(-1), "data: [DONE]");
    const chunks = events.slice(0, -1).map((e) => {
      assert.match(e, /^data: \{/);
      return JSON.parse(e.slice("data: ".length)) as { object: string; choices: Array<{ delta: { role?: string; content?: string }; finish_reason: string | null }> };
    });
    assert.ok(chunks.every((c) => c.object === "chat.completion.chunk"));
    assert.equal(chunks[0].choices[0].delta.role, "assistant");
    assert.equal(chunks.at(-1)!.choices[0].finish_reason, "stop");
    return chunks.map((c) => c.choices[0].delta.content ?? "");
  }

  test("with a token rate, server-sent events carry one token each, then [DONE]", async () => {
    fake.latencyMs = 200;
    fake.tokensPerSecond = 200;
    const response = await complete(true);
    assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
    const pieces = await readTimed(response);
    const content = deltas(pieces.map((p) => p.text).join(""));
    const answer = content.join("");
    assert.deepEqual(Object.keys(JSON.parse(answer)), ["title", "bullets", "narration"]);
    const recorded = fake.completions.at(-1)!;
    assert.equal(recorded.chunks.length, answerTokens(answer).length);
    assert.ok(recorded.endedAt - recorded.arrivedAt >= 195);

    fake.tokensPerSecond = undefined;
    const once = deltas(await (await complete(true)).text());
    assert.equal(once.join(""), answer, "without a rate the same answer comes in one event");
    const whole = await json(await complete(false));
    assert.equal(whole.choices[0].message.content, answer);
  });
});

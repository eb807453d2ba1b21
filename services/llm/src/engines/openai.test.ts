// The OpenAI-compatible engine against FakeOpenAI.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { FakeOpenAI } from "@lectra/fakes";
import type { LectureSource } from "@lectra/proto";
import { RpcError, statusName } from "@lectra/service-kit";
import { ModelTagger } from "./model-tagger";
import { ModelWriter } from "./model-writer";
import { serverSentData, strictSchema } from "./openai";
import { collect, deadUrl, live, openaiAt } from "../testing/engines";

const topic: LectureSource = { source: { $case: "topic", value: "photosynthesis" } };
const KEY = "sk-test-123";

let fake: FakeOpenAI;
before(async () => {
  fake = new FakeOpenAI({ apiKey: KEY, models: ["gpt-4o-mini", "gpt-4o"] });
  await fake.start();
});
afterEach(() => {
  for (const kind of ["outline", "slide", "tags"] as const) delete fake.modes[kind];
  fake.latencyMs = undefined;
  fake.tokensPerSecond = undefined;
  fake.listsModels = true;
  fake.completions.length = 0;
});
after(() => fake.stop());

function rpcError(code: string, message: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof RpcError, `expected an RpcError, got ${String(error)}`);
    assert.equal(statusName(error.code), code);
    assert.match(error.message, message);
    return true;
  };
}

test("outline, slide and tags come from chat completions with a strict json_schema and the key", async () => {
  const model = openaiAt(fake.baseUrl, { apiKey: KEY });
  const writer = new ModelWriter(model);
  const outline = await writer.outline(topic, 4, "en", live());
  assert.equal(writer.name, "openai");
  assert.equal(outline.slideTitles.length, 4);
  const { slide } = await writer.writeSlide(topic, outline, 1, "en", live());
  assert.equal(slide.title, outline.slideTitles[1]);
  const tagged = await new ModelTagger(model, "auto").tag(slide, "en", live());
  assert.equal(tagged.engine, "openai");

  assert.deepEqual(fake.completions.map((c) => c.kind), ["outline", "slide", "tags"]);
  const first = fake.completions[0];
  assert.equal(first.authorization, `Bearer ${KEY}`);
  const format = first.responseFormat as { type: string; json_schema: { name: string; strict: boolean; schema: Record<string, unknown> } };
  assert.equal(format.type, "json_schema");
  assert.equal(format.json_schema.name, "outline");
  assert.equal(format.json_schema.strict, true);
  assert.equal(format.json_schema.schema.additionalProperties, false);
  assert.deepEqual(format.json_schema.schema.required, ["title", "slides"]);
  assert.equal(JSON.stringify(format.json_schema.schema).includes("minItems"), false);
});

test("strict mode schemas lose only the keywords strict mode refuses", () => {
  const schema = { $schema: "x", type: "object", properties: { minLength: { type: "string", minLength: 2 }, list: { type: "array", minItems: 1, items: { type: "string", maxLength: 9 } } }, required: ["minLength", "list"], additionalProperties: false };
  assert.deepEqual(strictSchema(schema), {
    type: "object",
    properties: { minLength: { type: "string" }, list: { type: "array", items: { type: "string" } } },
    required: ["minLength", "list"],
    additionalProperties: false,
  });
});

test("fenced and repaired answers work the same way as with Ollama", async () => {
  fake.answer("outline", "fenced").answer("slide", "fixed-after-repair");
  const writer = new ModelWriter(openaiAt(fake.baseUrl, { apiKey: KEY }));
  const outline = await writer.outline(topic, 3, "en", live());
  assert.deepEqual(outline.warnings, []);
  const { warnings } = await writer.writeSlide(topic, outline, 0, "en", live());
  assert.equal(warnings.length, 1);
});

test("a wrong or missing key is FAILED_PRECONDITION naming LECTRA_OPENAI_API_KEY", async () => {
  await assert.rejects(
    new ModelWriter(openaiAt(fake.baseUrl, { apiKey: "sk-wrong" })).outline(topic, 3, "en", live()),
    rpcError("FAILED_PRECONDITION", /refused the API key \(HTTP 401: Incorrect API key provided\.\): set LECTRA_OPENAI_API_KEY to a valid key/),
  );
  await assert.rejects(collect(openaiAt(fake.baseUrl).prepare(live())), rpcError("FAILED_PRECONDITION", /needs an API key \(HTTP 401.*\): set LECTRA_OPENAI_API_KEY$/));
});

test("an unreachable server is FAILED_PRECONDITION naming LECTRA_OPENAI_BASE_URL", async () => {
  const base = `${await deadUrl()}/v1`;
  await assert.rejects(
    collect(openaiAt(base).prepare(live())),
    rpcError("FAILED_PRECONDITION", new RegExp(`^the OpenAI-compatible server at ${base} is not reachable \\(connect ECONNREFUSED\\): start it, or set LECTRA_OPENAI_BASE_URL`)),
  );
});

test("the model must be among the served ones, when the server lists them", async () => {
  const ready = await collect(openaiAt(fake.baseUrl, { apiKey: KEY, model: "gpt-4o" }).prepare(live()));
  assert.deepEqual(ready.map((p) => p.ready), [true]);
  await assert.rejects(
    collect(openaiAt(fake.baseUrl, { apiKey: KEY, model: "llama3.1:8b" }).prepare(live())),
    rpcError("FAILED_PRECONDITION", /model "llama3\.1:8b" is not served by .* \(it serves gpt-4o-mini, gpt-4o\): set LECTRA_LLM_MODEL/),
  );
  fake.listsModels = false;
  const unlisted = await collect(openaiAt(fake.baseUrl, { apiKey: KEY, model: "llama3.1:8b" }).prepare(live()));
  assert.deepEqual(unlisted.map((p) => p.ready), [true], "a server that does not list its models is trusted");
});

test("a model the server does not have fails the chat with FAILED_PRECONDITION", async () => {
  await assert.rejects(
    new ModelWriter(openaiAt(fake.baseUrl, { apiKey: KEY, model: "nope" })).outline(topic, 3, "en", live()),
    rpcError("FAILED_PRECONDITION", /answered HTTP 404 \(The model `nope` does not exist.*\): check LECTRA_LLM_MODEL \("nope"\)/),
  );
});

test("5xx is retried", async () => {
  fake.failNext(2, 502);
  const outline = await new ModelWriter(openaiAt(fake.baseUrl, { apiKey: KEY })).outline(topic, 3, "en", live());
  assert.equal(outline.slideTitles.length, 3);
});

async function* bytesOf(pieces: string[]): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) yield new TextEncoder().encode(piece);
}

test("server-sent events are read whatever the line ends and however the bytes are cut", async () => {
  const body = ': a comment\r\ndata: {"a":1}\r\n\r\nevent: x\ndata: two\ndata:lines\n\ndata: é\r\rdata: [DONE]';
  const expected = ['{"a":1}', "two\nlines", "é", "[DONE]"];
  assert.deepEqual(await collect(serverSentData(bytesOf([body]))), expected);
  const bytes = new TextEncoder().encode(body);
  for (const size of [1, 2, 3, 5]) {
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size));
    assert.deepEqual(await collect(serverSentData((async function* () { yield* pieces; })())), expected, `pieces of ${size} bytes`);
  }
});

test("a streamed outline hands out each title as it is written, asked for with stream: true and the same json_schema", async () => {
  fake.latencyMs = 800;
  fake.tokensPerSecond = 80;
  const writer = new ModelWriter(openaiAt(fake.baseUrl, { apiKey: KEY }));
  const outlines: Array<{ at: number; titles: number; complete: boolean }> = [];
  for await (const o of writer.streamOutline(topic, 4, "en", live())) {
    outlines.push({ at: performance.timeOrigin + performance.now(), titles: o.slideTitles.length, complete: o.complete });
  }
  assert.deepEqual(outlines.map((o) => [o.titles, o.complete]), [[0, false], [1, false], [2, false], [3, false], [4, false], [4, true]]);
  const [completion] = fake.completions;
  assert.equal(completion.stream, true);
  assert.equal((completion.responseFormat as { json_schema: { name: string } }).json_schema.name, "outline");
  assert.ok(outlines[1].at < completion.endedAt - 200, `the first title came ${Math.round(completion.endedAt - outlines[1].at)} ms before the answer ended`);
  const body = fake.requests.filter((r) => r.url === "/v1/chat/completions").at(-1)!.body as { stream?: boolean; response_format: unknown };
  assert.equal(body.stream, true);
});

test("a streamed slide that is cut off gets the repair round; a connection dropped mid-stream is an UNAVAILABLE error", async () => {
  fake.tokensPerSecond = 2000;
  fake.answer("slide", "fixed-after-repair");
  const writer = new ModelWriter(openaiAt(fake.baseUrl, { apiKey: KEY }));
  const outline = { title: "Photosynthesis", slideTitles: ["What it is", "Why it matters"] };
  const slides = await collect(writer.streamSlide(topic, outline, 0, "en", live()));
  assert.deepEqual(fake.completions.map((c) => [c.stream, c.repair]), [[true, false], [false, true]]);
  assert.equal(slides.at(-1)!.complete, true);
  assert.match(slides.at(-1)!.warnings[0], /first answer for slide 1 was unusable \(JSON that was cut off before it ended\)/);

  fake.failNext(1, "close-mid-stream");
  await assert.rejects(collect(writer.streamSlide(topic, outline, 1, "en", live())), rpcError("UNAVAILABLE", /dropped the connection while answering the slide \(.+\)$/));
});

test("a stream that ends without [DONE] or a finish reason is an answer cut short", async () => {
  const http = await import("node:http");
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end('data: {"choices":[{"index":0,"delta":{"content":"{\\"title\\": "},"finish_reason":null}]}\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
  try {
    await assert.rejects(
      collect(new ModelWriter(openaiAt(base)).streamOutline(topic, 3, "en", live())),
      rpcError("UNAVAILABLE", new RegExp(`^the OpenAI-compatible server at ${base} ended its answer to the outline before it was done$`)),
    );
  } finally {
    server.close();
  }
});

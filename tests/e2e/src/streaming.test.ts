// The model's answers streamed into the next stages, through the six services
// as processes and a fake Ollama that writes its answers a token at a time, as a
// local model does: a slide's content is asked for while the outline is still
// naming the last slides, and a slide's first sentences are spoken while the
// model is still writing the rest. With LECTRA_STREAMING=off neither happens
// (the same checks, inverted, on a second stack), so these checks can fail.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { JobState } from "@lectra/proto";
import { FakeOllama, type RecordedChat } from "@lectra/fakes";
import type { ReceivedSpan } from "@lectra/testing";
import { run, startStack, type Run, type Stack } from "./stack";

const TOPIC = "How the tides rise and fall";
const SLIDES = 4;

/** When the outline's answer had sent its last slide title whole (its closing quote). */
function lastTitleSentAt(outline: RecordedChat): number {
  const text = outline.chunks.map((c) => c.text).join("");
  const titles = (JSON.parse(text) as { slides: string[] }).slides;
  const end = text.lastIndexOf(JSON.stringify(titles.at(-1)!)) + JSON.stringify(titles.at(-1)!).length;
  let sent = 0;
  for (const chunk of outline.chunks) {
    sent += chunk.text.length;
    if (sent >= end) return chunk.at;
  }
  throw new Error("the outline's answer never sent its last title");
}

interface Observed {
  run: Run;
  chats: RecordedChat[];
  spans: ReceivedSpan[];
}

/** A topic lecture on a stack with LECTRA_STREAMING set so, its model's chats and its trace. */
async function observe(streaming: "on" | "off"): Promise<{ observed: Observed; stop(): Promise<void> }> {
  // Answers end after these latencies, written at 60 tokens a second: the
  // outline's titles come over its last second or so, a slide's sentences over
  // its last two or three.
  const ollama = new FakeOllama({ models: ["llama3.1:8b"], latencyMs: (kind) => (kind === "tags" ? 50 : 4000), tokensPerSecond: 60 });
  const host = await ollama.start();
  let stack: Stack | undefined;
  try {
    stack = await startStack({ OLLAMA_HOST: host, LECTRA_LLM_TAGGER: "rules", LECTRA_STREAMING: streaming });
    const result = await run(stack.client, { source: { $case: "topic", value: TOPIC }, slideCount: SLIDES, skipVideo: true });
    const traceId = result.job?.traceId ?? "";
    await stack.receiver.waitFor((spans) => spans.some((s) => s.traceId === traceId && s.name === "lectra.job"));
    const observed = { run: result, chats: [...ollama.chats], spans: stack.receiver.trace(traceId) };
    const running = stack;
    return { observed, stop: async () => Promise.all([running.stop(), ollama.stop()]).then(() => undefined) };
  } catch (error) {
    await Promise.all([stack?.stop(), ollama.stop()]);
    throw error;
  }
}

const slideOf = (spans: ReceivedSpan[], span: ReceivedSpan): number | undefined => {
  for (let s: ReceivedSpan | undefined = span; s; s = spans.find((p) => p.spanId === s!.parentSpanId)) {
    if (typeof s.attributes["lectra.slide.index"] === "number") return s.attributes["lectra.slide.index"];
  }
  return undefined;
};

/** Per slide: when its content stage ended, and when its first speech call reached the speech service. */
function speechAgainstContent(spans: ReceivedSpan[]) {
  return Array.from({ length: SLIDES }, (_, slide) => {
    const content = spans.find((s) => s.name === "stage.content" && s.attributes["lectra.slide.index"] === slide)!;
    const speaking = spans.filter((s) => s.service === "lectra-speech" && /Synthesize/.test(s.name) && slideOf(spans, s) === slide);
    return { slide, contentEnd: content.endMs, firstSpeech: Math.min(...speaking.map((s) => s.startMs)), calls: speaking.length };
  });
}

describe("streaming the model's answers into the next stages", () => {
  let on: Awaited<ReturnType<typeof observe>>;
  let off: Awaited<ReturnType<typeof observe>>;

  before(async () => {
    on = await observe("on");
    off = await observe("off");
  });
  after(async () => {
    await on?.stop();
    await off?.stop();
  });

  it("both jobs succeed with the slides asked for", () => {
    for (const { observed } of [on, off]) {
      assert.equal(observed.run.job?.state, JobState.JOB_STATE_SUCCEEDED, observed.run.job?.error?.message);
      assert.equal(observed.run.job?.slideCount, SLIDES);
    }
  });

  it("a slide's content call starts before the outline's last title has arrived", () => {
    const { chats, spans } = on.observed;
    const outline = chats.find((c) => c.kind === "outline")!;
    assert.ok(outline.stream, "the outline was asked for as a stream");
    const firstSlide = Math.min(...chats.filter((c) => c.kind === "slide").map((c) => c.arrivedAt));
    const lastTitle = lastTitleSentAt(outline);
    assert.ok(firstSlide < lastTitle, `the first slide was asked for ${(lastTitle - firstSlide).toFixed(0)} ms before the last title was sent`);
    const outlineEnd = spans.find((s) => s.name === "stage.outline")!.endMs;
    assert.ok(spans.some((s) => s.name === "stage.content" && s.startMs < outlineEnd), "a content stage span starts inside the outline's");
  });

  it("a slide's first speech call starts before its content is complete", () => {
    const slides = speechAgainstContent(on.observed.spans);
    const early = slides.filter((s) => s.firstSpeech < s.contentEnd);
    assert.ok(early.length >= 1, `speech before content ended on slides ${early.map((s) => s.slide + 1).join(", ") || "none"}: ${JSON.stringify(slides)}`);
    assert.ok(slides.every((s) => s.calls >= 2), "every slide's narration was spoken in parts");
  });

  it("with LECTRA_STREAMING=off, each stage waits for the whole answer before it", () => {
    const { chats, spans } = off.observed;
    const outline = chats.find((c) => c.kind === "outline")!;
    assert.equal(outline.stream, false);
    assert.ok(chats.filter((c) => c.kind === "slide").every((c) => c.arrivedAt >= outline.endedAt), "no slide before the whole outline");
    for (const s of speechAgainstContent(spans)) assert.ok(s.firstSpeech >= s.contentEnd, `slide ${s.slide + 1} spoke only after its content`);
  });

  it("streaming changes when the work is done, not what is made", () => {
    // The same answers in both jobs: the same slides, narration and speech lengths.
    const report = (o: Observed) => o.run.job!.report!.stages.map((s) => [s.spanName, s.count]);
    assert.deepEqual(report(on.observed), report(off.observed));
  });
});

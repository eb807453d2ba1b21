// The Edge engine against a local server speaking Edge's read-aloud protocol
// (FakeEdgeTts): real WebSockets, real MP3, real word-boundary metadata.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { FAKE_EDGE_VOICES, FakeEdgeTts, TICKS_PER_SECOND } from "@lectra/fakes";
import type { Logger } from "@lectra/service-kit";
import { EdgeEngine, EdgeUnavailableError, type EdgeOptions } from "./edge";
import { OUTPUT_SAMPLE_RATE, type SpokenClip, type Voice } from "./engine";

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const ARIA: Voice = { name: "en-US-AriaNeural", language: "en-US", description: "", engine: "edge" };

let fake: FakeEdgeTts;
const engines: EdgeEngine[] = [];

function newEngine(options: Partial<EdgeOptions> = {}): EdgeEngine {
  const engine = new EdgeEngine({ wssUrl: fake.wssUrl, voicesUrl: fake.voicesUrl, concurrency: 2, timeoutMs: 10_000, decodeWorkers: 1, log: quiet, ...options });
  engines.push(engine);
  return engine;
}

before(async () => {
  fake = new FakeEdgeTts();
  await fake.start();
});

after(async () => {
  await Promise.all(engines.map((e) => e.close()));
  await fake.stop();
});

const say = (engine: EdgeEngine, text: string, ratePercent = 0, pitchSemitones = 0, signal = new AbortController().signal) =>
  engine.speak(ARIA, { text, ratePercent, pitchSemitones }, signal);

const samplesOf = (clip: SpokenClip) => new Int16Array(clip.pcm.buffer, clip.pcm.byteOffset, clip.pcm.length / 2);

async function failure(promise: Promise<unknown>): Promise<EdgeUnavailableError> {
  const error = await promise.then(
    () => assert.fail("expected Edge to fail"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof EdgeUnavailableError, String(error));
  return error;
}

test("the voice list becomes Edge voices with their locale and a description", async () => {
  const engine = newEngine();
  assert.equal(engine.voicesLoaded, false);
  await engine.refreshVoices();
  assert.equal(engine.voices.length, FAKE_EDGE_VOICES.length);
  assert.deepEqual(
    engine.voices.find((v) => v.name === "en-US-AriaNeural"),
    { name: "en-US-AriaNeural", language: "en-US", description: "Microsoft Aria Online (Natural) - English (United States), Female", engine: "edge" },
  );
  assert.equal(engine.defaultVoice.name, "en-US-AriaNeural");
  assert.match(fake.requests.at(-1)!.url, /trustedclienttoken=\w+.*Sec-MS-GEC=[0-9A-F]{64}/);
});

test("a voice list that fails is asked for again only after a while", async () => {
  const engine = newEngine();
  const asked = fake.requests.length;
  fake.failVoicesNext(1, 500);
  await engine.refreshVoices();
  assert.equal(engine.voicesLoaded, false);
  assert.match(engine.voicesProblem, /^HTTP 500 from 127\.0\.0\.1:\d+$/);
  await engine.refreshVoices();
  assert.equal(fake.requests.length, asked + 1, "the second refresh did not ask again");
});

test("narration reaches Edge as text, escaped, never as markup", async () => {
  const engine = newEngine();
  const text = `Tom & Jerry's "<speak>" is not a tag > </prosody> & neither is <break time="9s"/>.`;
  const clip = await say(engine, text);
  const request = fake.ssmlRequests.at(-1)!;
  assert.equal(request.invalid, undefined, request.ssml);
  assert.equal(request.text, text);
  assert.ok(clip.pcm.length > 0);
});

test("each segment's rate and pitch reach the SSML as prosody, with its voice and locale", async () => {
  const engine = newEngine();
  await say(engine, "Faster and higher.", 12, 2);
  await say(engine, "Slower and lower.", -30.4, -1.5);
  await say(engine, "As it is.", 0, 0);
  const prosody = fake.ssmlRequests.slice(-3).map((r) => [r.voice, r.lang, r.rate, r.pitch, r.volume]);
  assert.deepEqual(prosody, [
    ["en-US-AriaNeural", "en-US", "+12%", "+2st", "+0%"],
    ["en-US-AriaNeural", "en-US", "-30%", "-1.5st", "+0%"],
    ["en-US-AriaNeural", "en-US", "+0%", "+0Hz", "+0%"],
  ]);
});

test("word timings come from Edge's word boundaries and sit on the speech in the clip", async () => {
  const engine = newEngine();
  const clip = await say(engine, "A remarkably extraordinary idea, simply put.");
  const request = fake.ssmlRequests.at(-1)!;
  assert.deepEqual(
    clip.words.map((w) => w.word),
    ["A", "remarkably", "extraordinary", "idea", "simply", "put"],
  );
  // Each word lasts as long as Edge said, so they are not spread evenly.
  const lengths = clip.words.map((w) => w.endSeconds - w.startSeconds);
  request.words.forEach((w, i) => assert.ok(Math.abs(lengths[i] - w.durationTicks / TICKS_PER_SECOND) < 0.002, `${w.text}: ${lengths[i]} s`));
  assert.ok(lengths[2] > 2 * lengths[0], `"extraordinary" (${lengths[2]} s) is much longer than "A" (${lengths[0]} s)`);

  // The fake's audio is a burst per word: find where each burst really starts and ends.
  const samples = samplesOf(clip);
  const loud = (i: number) => Math.abs(samples[i]) > 2000;
  for (const w of clip.words) {
    const from = Math.max(0, Math.round((w.startSeconds - 0.04) * OUTPUT_SAMPLE_RATE));
    let onset = from;
    while (onset < samples.length && !loud(onset)) onset++;
    const to = Math.min(samples.length - 1, Math.round((w.endSeconds + 0.04) * OUTPUT_SAMPLE_RATE));
    let offset = to;
    while (offset > onset && !loud(offset)) offset--;
    assert.ok(Math.abs(onset / OUTPUT_SAMPLE_RATE - w.startSeconds) < 0.01, `"${w.word}" starts at ${onset / OUTPUT_SAMPLE_RATE} s, timed at ${w.startSeconds} s`);
    assert.ok(Math.abs(offset / OUTPUT_SAMPLE_RATE - w.endSeconds) < 0.01, `"${w.word}" ends at ${offset / OUTPUT_SAMPLE_RATE} s, timed at ${w.endSeconds} s`);
  }
});

test("the MP3 decodes to 24 kHz speech as long as Edge spoke, without its leading and trailing silence", async () => {
  const engine = newEngine();
  const clip = await say(engine, "Photosynthesis turns light into sugar.", -20);
  const { words } = fake.ssmlRequests.at(-1)!;
  const spoken = (words.at(-1)!.offsetTicks + words.at(-1)!.durationTicks - words[0].offsetTicks) / TICKS_PER_SECOND;
  const seconds = clip.pcm.length / 2 / OUTPUT_SAMPLE_RATE;
  assert.ok(Math.abs(seconds - spoken) < 0.03, `clip ${seconds} s, speech ${spoken} s`);
  assert.ok(clip.words[0].startSeconds < 0.02);
});

test("open connections are reused for the next segment of the same voice", async () => {
  const engine = newEngine();
  await say(engine, "One.");
  const connections = fake.connections;
  await say(engine, "Two.");
  await say(engine, "Three.");
  assert.equal(fake.connections, connections);
});

test("no more than the configured number of requests are in flight at once", async () => {
  const engine = newEngine({ concurrency: 2 });
  fake.latencyMs = 150;
  fake.maxConcurrent = 0;
  try {
    const clips = await Promise.all(Array.from({ length: 6 }, (_, i) => say(engine, `Segment number ${i + 1}.`)));
    assert.equal(clips.length, 6);
  } finally {
    fake.latencyMs = 0;
  }
  assert.equal(fake.maxConcurrent, 2);
});

test("when every slot is taken, the waiting segments go by priority, then in the order they came; a cancelled one never reaches Edge", async () => {
  const engine = newEngine({ concurrency: 1 });
  fake.latencyMs = 150;
  const from = fake.ssmlRequests.length;
  const cancel = new AbortController();
  try {
    const asked: Array<[string, number, AbortSignal?]> = [["First in.", -5], ["Later slide, first.", -3], ["Later slide, second.", -3], ["Cancelled.", 0, cancel.signal], ["Opening slide.", 0]];
    const speaking = asked.map(([text, priority, signal]) => engine.speak(ARIA, { text, ratePercent: 0, pitchSemitones: 0 }, signal ?? new AbortController().signal, priority));
    cancel.abort(new DOMException("the caller cancelled", "AbortError"));
    const results = await Promise.allSettled(speaking);
    assert.deepEqual(results.map((r) => r.status), ["fulfilled", "fulfilled", "fulfilled", "rejected", "fulfilled"]);
  } finally {
    fake.latencyMs = 0;
  }
  // The first was sent at once; the rest waited for its slot.
  assert.deepEqual(
    fake.ssmlRequests.slice(from).map((r) => r.text),
    ["First in.", "Opening slide.", "Later slide, first.", "Later slide, second."],
  );
});

test("a connection dropped in the middle of the audio is tried again", async () => {
  const engine = newEngine();
  const asked = fake.ssmlRequests.length;
  fake.failNext(1, "close-mid-stream");
  const clip = await say(engine, "Dropped once, then spoken.");
  assert.equal(fake.ssmlRequests.length, asked + 2);
  assert.deepEqual(
    clip.words.map((w) => w.word),
    ["Dropped", "once", "then", "spoken"],
  );
});

test("a frame that breaks the protocol ends the connection, not the process, and the request is tried again", async () => {
  const engine = newEngine();
  const asked = fake.ssmlRequests.length;
  fake.failNext(1, "garbage");
  const clip = await say(engine, "Spoken after garbage.");
  assert.equal(fake.ssmlRequests.length, asked + 2);
  assert.equal(clip.words.length, 3);
});

test("a 5xx on the upgrade is tried again; a 403 is not, and Edge is then skipped for a while", async () => {
  const retried = newEngine();
  fake.failNext(1, 503);
  assert.ok((await say(retried, "Second try.")).pcm.length > 0);

  const refused = newEngine();
  const upgrades = fake.upgrades.length;
  fake.failNext(1, 403);
  const error = await failure(say(refused, "Refused."));
  assert.match(error.message, /^Edge TTS could not be reached \(HTTP 403 from 127\.0\.0\.1:\d+\)$/);
  assert.equal(fake.upgrades.length, upgrades + 1, "a 403 is not retried");

  const skipped = await failure(say(refused, "Not even tried."));
  assert.equal(fake.upgrades.length, upgrades + 1, "the breaker kept the engine from asking");
  assert.match(skipped.message, /HTTP 403 .*not tried again for 30 s after a failure/);
});

test("a request past its deadline fails, after one more try", async () => {
  const engine = newEngine({ timeoutMs: 300 });
  const asked = fake.ssmlRequests.length;
  fake.latencyMs = 3000;
  try {
    const error = await failure(say(engine, "Too slow."));
    assert.match(error.message, /^Edge TTS could not be reached \(no answer within 0\.3 s\)$/);
  } finally {
    fake.latencyMs = 0;
  }
  assert.equal(fake.ssmlRequests.length, asked + 2);
});

test("a cancelled request stops at once and is not counted against Edge", async () => {
  const engine = newEngine();
  fake.latencyMs = 3000;
  const controller = new AbortController();
  try {
    const speaking = say(engine, "Cancelled.", 0, 0, controller.signal);
    setTimeout(() => controller.abort(new DOMException("the caller cancelled", "AbortError")), 100);
    await assert.rejects(speaking, { name: "AbortError" });
  } finally {
    fake.latencyMs = 0;
  }
  assert.ok((await say(engine, "Still speaking.")).pcm.length > 0, "the breaker stayed closed");
});

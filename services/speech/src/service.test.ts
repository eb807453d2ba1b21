// The real service as a process, called through the typed client: real audio,
// real sample counts.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import * as path from "node:path";
import { after, before, test } from "node:test";
import { SPEECH_LIMITS } from "@lectra/lecture";
import type { SynthesizeRequest, SynthesizeResponse } from "@lectra/proto";
import { checkHealth, DependencyError, speechClient, statusName, type SpeechClient } from "@lectra/clients";
import { startService, type ServiceProcess } from "@lectra/testing";

const RATE = 24_000;
let service: ServiceProcess;
let client: SpeechClient;

before(async () => {
  // espeak-ng only: these tests are about the offline engine, and must not reach for Edge.
  service = await startService("speech", { env: { LECTRA_SPEECH_WORKERS: "2", LECTRA_TTS_ENGINE: "espeak" } });
  client = speechClient(service.address);
});

after(async () => {
  client?.downstream.close();
  await service?.stop();
});

const samplesOf = (res: SynthesizeResponse) => {
  const pcm = res.audio!.pcm;
  return new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
};
const at = (seconds: number) => Math.round(seconds * RATE);
const rms = (s: Int16Array) => Math.sqrt(s.reduce((sum, x) => sum + x * x, 0) / Math.max(1, s.length));

async function refusal(call: Promise<unknown>): Promise<DependencyError> {
  const error = await call.then(
    () => assert.fail("expected the call to be refused"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof DependencyError, String(error));
  return error;
}

test("two segments with pauses: speech, then exact silence, timed from the samples", async () => {
  const res = await client.synthesize({
    voice: "",
    priority: 0,
    segments: [
      { text: "Welcome to the lecture.", ratePercent: 0, pitchSemitones: 0, pauseAfterMs: 400 },
      { text: "Today we look at sound.", ratePercent: -10, pitchSemitones: 1, pauseAfterMs: 700 },
    ],
  });
  assert.equal(res.audio!.sampleRate, RATE);
  assert.equal(res.engine, "espeak");
  assert.equal(res.voice, "en-us");
  const samples = samplesOf(res);
  assert.equal(res.durationSeconds, samples.length / RATE);

  const [first, second] = res.segments;
  assert.equal(first.text, "Welcome to the lecture.");
  assert.equal(first.startSeconds, 0);
  assert.equal(first.pauseSeconds, 0.4);
  assert.equal(second.pauseSeconds, 0.7);
  assert.ok(first.endSeconds > 0.5, `first segment ends at ${first.endSeconds}`);
  assert.ok(Math.abs(second.startSeconds - (first.endSeconds + first.pauseSeconds)) < 1e-9);
  assert.ok(second.endSeconds > second.startSeconds);
  assert.ok(Math.abs(res.durationSeconds - (second.endSeconds + second.pauseSeconds)) < 1e-9);

  // The length is exactly the speech plus the pauses.
  const speech = res.segments.reduce((n, s) => n + at(s.endSeconds) - at(s.startSeconds), 0);
  const pauses = res.segments.reduce((n, s) => n + at(s.pauseSeconds), 0);
  assert.equal(samples.length, speech + pauses);

  for (const s of res.segments) {
    const spoken = samples.subarray(at(s.startSeconds), at(s.endSeconds));
    assert.ok(rms(spoken) > 500, `"${s.text}" is audible (RMS ${rms(spoken).toFixed(0)})`);
    const pause = samples.subarray(at(s.endSeconds), at(s.endSeconds + s.pauseSeconds));
    assert.equal(pause.length, at(s.pauseSeconds));
    assert.ok(pause.every((x) => x === 0), "the pause is digital silence");
    assert.deepEqual(s.words, []);
  }
});

test("a faster rate makes shorter audio than a slower rate for the same text", async () => {
  const text = "The mitochondria is the powerhouse of the cell, and it makes most of the energy a cell uses.";
  const say = (ratePercent: number) =>
    client.synthesize({ voice: "en-us", priority: 0, segments: [{ text, ratePercent, pitchSemitones: 0, pauseAfterMs: 0 }] });
  const [fast, slow] = await Promise.all([say(25), say(-30)]);
  assert.ok(samplesOf(fast).length < samplesOf(slow).length, `fast ${fast.durationSeconds} s, slow ${slow.durationSeconds} s`);
});

test("an empty segment is a pure pause, and text that looks like options or phonemes is spoken as words", async () => {
  const res = await client.synthesize({
    voice: "EN-US",
    priority: 0,
    segments: [
      { text: "", ratePercent: 0, pitchSemitones: 0, pauseAfterMs: 300 },
      { text: "--voices -v xx [[h@l'oU]] <speak>", ratePercent: 0, pitchSemitones: 0, pauseAfterMs: 0 },
    ],
  });
  assert.equal(res.voice, "en-us");
  const [pause, words] = res.segments;
  assert.deepEqual([pause.startSeconds, pause.endSeconds, pause.pauseSeconds], [0, 0, 0.3]);
  assert.equal(words.startSeconds, 0.3);
  // "dash dash voices dash v x x ..." is well over a second; the voice table or a phoneme would be far less.
  assert.ok(words.endSeconds - words.startSeconds > 1.5, `spoken for ${words.endSeconds - words.startSeconds} s`);
  assert.ok(samplesOf(res).subarray(0, at(0.3)).every((x) => x === 0));
});

test("ListVoices filters by language and names the default voice", async () => {
  const all = await client.listVoices({ language: "" });
  const english = await client.listVoices({ language: "EN" });
  assert.equal(english.defaultVoice, "en-us");
  assert.ok(all.voices.length > english.voices.length);
  assert.ok(english.voices.length >= 5);
  assert.ok(english.voices.every((v) => v.language.toLowerCase().split("-")[0] === "en" && v.engine === "espeak"));
  assert.deepEqual(
    english.voices.find((v) => v.name === "en-us"),
    { name: "en-us", language: "en-US", description: "English (America)", engine: "espeak" },
  );
  assert.equal(new Set(all.voices.map((v) => v.name)).size, all.voices.length, "voice names are unique");
});

test("bad requests are refused with the field they concern", async () => {
  const segment = { text: "Hello.", ratePercent: 0, pitchSemitones: 0, pauseAfterMs: 0 };
  const unknown = await refusal(client.synthesize({ voice: "xx-nope", priority: 0, segments: [segment] }));
  assert.equal(statusName(unknown.code), "INVALID_ARGUMENT");
  assert.match(unknown.details, /^voice: unknown voice "xx-nope"; call SpeechService.ListVoices/);

  const edgeVoice = await refusal(client.synthesize({ voice: "en-US-AriaNeural", priority: 0, segments: [segment] }));
  assert.equal(statusName(edgeVoice.code), "INVALID_ARGUMENT", "with LECTRA_TTS_ENGINE=espeak there are no Edge voices");

  const none = await refusal(client.synthesize({ voice: "", priority: 0, segments: [] }));
  assert.equal(statusName(none.code), "INVALID_ARGUMENT");
  assert.match(none.details, /^segments: /);

  const long = await refusal(client.synthesize({ voice: "", priority: 0, segments: [segment, { ...segment, text: "word ".repeat(1001) }] }));
  assert.equal(statusName(long.code), "INVALID_ARGUMENT");
  assert.match(long.details, /^segments\[1\]\.text: is 5005 characters; the limit is 5000/);

  // The lecture's limits, which the orchestrator holds a script to at submit.
  const many = await refusal(client.synthesize({ voice: "", priority: 0, segments: Array(SPEECH_LIMITS.segments + 1).fill(segment) }));
  assert.equal(statusName(many.code), "INVALID_ARGUMENT");
  assert.equal(many.details, `segments: has ${SPEECH_LIMITS.segments + 1} segments; the limit is ${SPEECH_LIMITS.segments} per call`);
});

/** Lots of work for the pool: minutes of audio, seconds of synthesis. */
const bigRequest = (segments: number): SynthesizeRequest => ({
  voice: "",
  priority: 0,
  segments: Array.from({ length: segments }, (_, i) => ({
    text: `Segment ${i + 1}. A lecture is spoken one sentence at a time, and every sentence takes real work to synthesize.`,
    ratePercent: 0,
    pitchSemitones: 0,
    pauseAfterMs: 100,
  })),
});

test("health checks answer SERVING while a large synthesis is running", async () => {
  let settled = false;
  const synthesis = client.synthesize(bigRequest(40)).finally(() => (settled = true));
  const during: string[] = [];
  while (!settled) {
    const health = await checkHealth(service.address, 2000);
    if (!settled) during.push(health);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const res = await synthesis;
  assert.equal(res.segments.length, 40);
  assert.ok(during.length > 0, "the synthesis finished before a health check could be made");
  assert.deepEqual(new Set(during), new Set(["SERVING"]));
});

test("a cancelled synthesis is answered CANCELLED, and the service goes on speaking", async () => {
  const controller = new AbortController();
  const synthesis = client.synthesize(bigRequest(200), { signal: controller.signal });
  setTimeout(() => controller.abort(), 300);
  const error = await refusal(synthesis);
  assert.equal(statusName(error.code), "CANCELLED");

  const res = await client.synthesize({ voice: "", priority: 0, segments: [{ text: "Still here.", ratePercent: 0, pitchSemitones: 0, pauseAfterMs: 0 }] });
  assert.ok(res.durationSeconds > 0.3);
});

async function failedStart(env: NodeJS.ProcessEnv): Promise<string> {
  // Spawned directly: the service must exit by itself, before it ever serves.
  const child = spawn(process.execPath, [path.join(__dirname, "main.js")], {
    env: { ...process.env, LECTRA_SPEECH_WORKERS: "1", LECTRA_SPEECH_ADDR: "127.0.0.1:0", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const [code] = await once(child, "exit");
  assert.equal(code, 1, stderr);
  return stderr;
}

test("start-up fails clearly when LECTRA_VOICE names no voice", async () => {
  const stderr = await failedStart({ LECTRA_VOICE: "xx-nope", LECTRA_TTS_ENGINE: "auto" });
  assert.match(stderr, /cannot start: LECTRA_VOICE="xx-nope" is not a voice of the espeak or edge engine; set it to one that ListVoices lists/);
});

test("start-up fails clearly on a bad engine or Edge address", async () => {
  assert.match(await failedStart({ LECTRA_TTS_ENGINE: "azure" }), /cannot start: LECTRA_TTS_ENGINE="azure": expected auto, edge, espeak/);
  assert.match(
    await failedStart({ LECTRA_TTS_ENGINE: "auto", LECTRA_EDGE_TTS_URL: "https://example.invalid/" }),
    /cannot start: LECTRA_EDGE_TTS_URL="https:\/\/example.invalid\/": expected a wss:\/\/ or ws:\/\/ URL/,
  );
});

test("ResolveVoice with a lecture's language and no name: espeak-ng's voice for it, which speaks it; a tag that is not one is refused", async () => {
  const lectures: Array<[string, string, string]> = [
    ["hi", "hi", "प्रकाश संश्लेषण पौधों में होता है।"],
    ["ja", "ja", "光合成は植物で起こります。"],
    ["ar", "ar", "يحدث التمثيل الضوئي في النباتات."],
    ["", "en-us", "Photosynthesis happens in plants."],
  ];
  for (const [language, name, text] of lectures) {
    const { voice } = await client.resolveVoice({ name: "", language });
    assert.equal(voice?.name, name, language);
    const spoken = await client.synthesize({ voice: voice!.name, priority: 0, segments: [{ text, ratePercent: 0, pitchSemitones: 0, pauseAfterMs: 0 }] });
    assert.equal(spoken.voice, name);
    assert.ok(spoken.durationSeconds > 0.5, `${language}: ${spoken.durationSeconds} s of speech`);
  }
  const bad = await refusal(client.resolveVoice({ name: "", language: "hi_IN" }));
  assert.equal(statusName(bad.code), "INVALID_ARGUMENT");
  assert.match(bad.details, /^language: "hi_IN" is not a BCP 47 language tag/);
});

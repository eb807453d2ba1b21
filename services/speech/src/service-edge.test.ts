// The real service as a process with Edge pointed at a local server that speaks
// Edge's read-aloud protocol (FakeEdgeTts), called through the typed client.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { FakeEdgeTts } from "@lectra/fakes";
import type { SynthesizeResponse } from "@lectra/proto";
import { speechClient, type SpeechClient } from "@lectra/clients";
import { startService, type ServiceProcess } from "@lectra/testing";

const RATE = 24_000;
let fake: FakeEdgeTts;
let service: ServiceProcess;
let client: SpeechClient;

before(async () => {
  fake = new FakeEdgeTts();
  await fake.start();
  service = await startService("speech", {
    env: { LECTRA_SPEECH_WORKERS: "1", LECTRA_TTS_ENGINE: "auto", LECTRA_EDGE_TTS_URL: fake.wssUrl, LECTRA_EDGE_VOICES_URL: fake.voicesUrl },
  });
  client = speechClient(service.address);
});

after(async () => {
  client?.downstream.close();
  await service?.stop();
  await fake?.stop();
});

const samplesOf = (res: SynthesizeResponse) => {
  const pcm = res.audio!.pcm;
  return new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
};
const at = (seconds: number) => Math.round(seconds * RATE);

test("ListVoices offers Edge's voices beside espeak-ng's, and Edge's Aria is the default", async () => {
  const english = await client.listVoices({ language: "en" });
  assert.equal(english.defaultVoice, "en-US-AriaNeural");
  assert.deepEqual(
    english.voices.find((v) => v.name === "en-US-AriaNeural"),
    { name: "en-US-AriaNeural", language: "en-US", description: "Microsoft Aria Online (Natural) - English (United States), Female", engine: "edge" },
  );
  assert.ok(english.voices.some((v) => v.name === "en-us" && v.engine === "espeak"));
  assert.ok(english.voices.every((v) => v.language.toLowerCase().startsWith("en")));
});

test("Synthesize speaks with Edge: real audio, exact pauses, and a timing for every word inside its segment", async () => {
  const res = await client.synthesize({
    voice: "",
    priority: 0,
    segments: [
      { text: "Light becomes sugar.", ratePercent: 0, pitchSemitones: 0, pauseAfterMs: 400 },
      { text: "Chlorophyll absorbs red & blue <light>.", ratePercent: -10, pitchSemitones: 1, pauseAfterMs: 250 },
    ],
  });
  assert.deepEqual([res.engine, res.voice, res.warnings], ["edge", "en-US-AriaNeural", []]);
  assert.equal(res.audio!.sampleRate, RATE);
  const samples = samplesOf(res);
  assert.equal(res.durationSeconds, samples.length / RATE);

  assert.deepEqual(
    res.segments.map((s) => s.words.map((w) => w.word)),
    [
      ["Light", "becomes", "sugar"],
      ["Chlorophyll", "absorbs", "red", "blue", "light"],
    ],
  );
  for (const segment of res.segments) {
    let previous = segment.startSeconds;
    for (const w of segment.words) {
      assert.ok(w.startSeconds >= previous - 1e-9 && w.endSeconds > w.startSeconds && w.endSeconds <= segment.endSeconds + 1e-9, `${w.word}: ${w.startSeconds}–${w.endSeconds} in ${segment.startSeconds}–${segment.endSeconds}`);
      previous = w.endSeconds;
    }
    const pause = samples.subarray(at(segment.endSeconds), at(segment.endSeconds + segment.pauseSeconds));
    assert.equal(pause.length, at(segment.pauseSeconds));
    assert.ok(pause.every((x) => x === 0), "the pause is digital silence");
  }
  // The second segment's prosody and its text, as text, reached Edge.
  const request = fake.ssmlRequests.find((r) => r.text.startsWith("Chlorophyll"))!;
  assert.deepEqual([request.text, request.rate, request.pitch, request.invalid], ["Chlorophyll absorbs red & blue <light>.", "-10%", "+1st", undefined]);
});

test("with Edge down, espeak-ng speaks instead and the response says so", async () => {
  await fake.stop();
  const res = await client.synthesize({
    voice: "en-US-AriaNeural",
    priority: 0,
    segments: [{ text: "Spoken all the same.", ratePercent: 0, pitchSemitones: 0, pauseAfterMs: 0 }],
  });
  assert.deepEqual([res.engine, res.voice], ["espeak", "en-us"]);
  assert.equal(res.warnings.length, 1);
  assert.match(res.warnings[0], /^Edge TTS could not be reached \(ECONNREFUSED 127\.0\.0\.1:\d+\); espeak-ng spoke instead with voice en-us$/);
  assert.ok(res.durationSeconds > 0.5, `${res.durationSeconds} s`);
});

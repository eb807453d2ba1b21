// Which engine speaks, and what happens when Edge cannot: the real espeak-ng
// engine and the real Edge engine against FakeEdgeTts.
import assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import { after, before, test } from "node:test";
import { context, ROOT_CONTEXT, trace, type Attributes, type Context, type ContextManager, type Span } from "@opentelemetry/api";
import { FakeEdgeTts } from "@lectra/fakes";
import { RpcError, statusName, type Logger } from "@lectra/service-kit";
import { freePort } from "@lectra/testing";
import { EdgeEngine } from "./engines/edge";
import type { Delivery, SpeechEngine } from "./engines/engine";
import { createEspeakEngine } from "./engines/espeak";
import { Narrator, type EngineMode } from "./narrator";

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Just enough of a context manager for trace.getActiveSpan() to see the span a test sets. */
class TestContextManager implements ContextManager {
  private readonly store = new AsyncLocalStorage<Context>();
  active = () => this.store.getStore() ?? ROOT_CONTEXT;
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A) {
    return this.store.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind = <T>(_ctx: Context, target: T) => target;
  enable = () => this;
  disable = () => this;
}
context.setGlobalContextManager(new TestContextManager());

/** Runs `work` under a span that records its events. */
async function inSpan<T>(work: () => Promise<T>): Promise<{ result: T; events: Array<{ name: string; attributes?: Attributes }> }> {
  const events: Array<{ name: string; attributes?: Attributes }> = [];
  const span = {
    addEvent: (name: string, attributes?: Attributes) => {
      events.push({ name, attributes });
      return span;
    },
    spanContext: () => ({ traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 }),
    isRecording: () => true,
  } as unknown as Span;
  const result = await context.with(trace.setSpan(context.active(), span), work);
  return { result, events };
}

let fake: FakeEdgeTts;
let espeak: SpeechEngine;
const edges: EdgeEngine[] = [];
let closedUrl: string;

before(async () => {
  fake = new FakeEdgeTts();
  await fake.start();
  espeak = await createEspeakEngine({ workers: 1 });
  closedUrl = `http://127.0.0.1:${await freePort()}/voices/list`;
});

after(async () => {
  await Promise.all([espeak.close(), ...edges.map((e) => e.close())]);
  await fake.stop();
});

/** A fresh Edge engine (its own breaker and voice list) at the fake; `voicesUrl` may point elsewhere. */
function edge(voicesUrl = fake.voicesUrl): EdgeEngine {
  const engine = new EdgeEngine({ wssUrl: fake.wssUrl, voicesUrl, concurrency: 2, timeoutMs: 10_000, decodeWorkers: 1, log: quiet });
  edges.push(engine);
  return engine;
}

function narrator(mode: EngineMode, edgeEngine: EdgeEngine | undefined, configuredVoice = ""): Narrator {
  return new Narrator({ mode, espeak: mode === "edge" ? undefined : espeak, edge: mode === "espeak" ? undefined : edgeEngine, configuredVoice, log: quiet });
}

const lines = (...texts: string[]): Delivery[] => texts.map((text) => ({ text, ratePercent: 0, pitchSemitones: 0 }));
const never = new AbortController().signal;

async function refusal(promise: Promise<unknown>): Promise<RpcError> {
  const error = await promise.then(
    () => assert.fail("expected a refusal"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RpcError, String(error));
  return error;
}

test("auto: with Edge there, its voice is the default and Edge speaks, with word timings", async () => {
  const n = narrator("auto", edge());
  const voice = await n.defaultVoice();
  assert.deepEqual([voice.name, voice.engine], ["en-US-AriaNeural", "edge"]);
  const spoken = await n.speak(voice, lines("Hello there.", "", "Second line."), never);
  assert.deepEqual(spoken.warnings, []);
  assert.equal(spoken.voice.name, "en-US-AriaNeural");
  assert.deepEqual(
    spoken.clips.map((c) => c.words.map((w) => w.word)),
    [["Hello", "there"], [], ["Second", "line"]],
  );
  const all = await n.voices();
  assert.ok(all.some((v) => v.engine === "espeak") && all.some((v) => v.engine === "edge"));
});

test("auto: without Edge's voice list (offline), espeak-ng is the default and nothing warns", async () => {
  const n = narrator("auto", edge(closedUrl));
  const asked = fake.ssmlRequests.length;
  const voice = await n.defaultVoice();
  assert.deepEqual([voice.name, voice.engine], ["en-us", "espeak"]);
  const spoken = await n.speak(voice, lines("Offline and fine."), never);
  assert.deepEqual(spoken.warnings, []);
  assert.equal(spoken.voice.name, "en-us");
  assert.equal(fake.ssmlRequests.length, asked, "Edge was not asked");
  assert.ok((await n.voices()).every((v) => v.engine === "espeak"));
});

test("auto: Edge refusing makes espeak-ng speak the whole call, with a warning and a span event", async () => {
  const n = narrator("auto", edge());
  const voice = await n.resolve("en-US-GuyNeural");
  fake.failNext(1, 403);
  try {
    const { result, events } = await inSpan(() => n.speak(voice, lines("First.", "Second.", "Third."), never));
    assert.equal(result.voice.name, "en-us");
    assert.equal(result.voice.engine, "espeak");
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0], /^Edge TTS could not be reached \(HTTP 403 from 127\.0\.0\.1:\d+\); espeak-ng spoke instead with voice en-us$/);
    assert.ok(result.clips.every((c) => c.pcm.length > 0 && c.words.length === 0), "every segment is espeak-ng's");
    assert.deepEqual(events.map((e) => e.name), ["speech.fallback"]);
    assert.equal(events[0].attributes?.["lectra.speech.voice"], "en-us");
    assert.equal(events[0].attributes?.["lectra.speech.wanted_voice"], "en-US-GuyNeural");
    assert.match(String(events[0].attributes?.["lectra.speech.reason"]), /HTTP 403/);
  } finally {
    fake.heal();
  }
});

test("a lecture's language with no voice named: the default when it speaks it, else Edge's voice of the likely region, else espeak-ng's", async () => {
  const cases: Array<[EngineMode, string, string, Array<[string, string]>]> = [
    // mode, Edge's list, LECTRA_VOICE, then [language, voice]
    ["auto", fake.voicesUrl, "", [["en", "en-US-AriaNeural"], ["hi", "hi-IN-SwaraNeural"], ["ja", "ja-JP-NanamiNeural"], ["ar", "ar-EG-SalmaNeural"], ["en-GB", "en-GB-SoniaNeural"], ["th", "th"], ["zh", "cmn"]]],
    ["auto", closedUrl, "", [["en", "en-us"], ["hi", "hi"], ["ja", "ja"], ["ar", "ar"], ["zh", "cmn"], ["pt", "pt-br"], ["en-GB", "en-gb"]]],
    ["espeak", fake.voicesUrl, "", [["hi", "hi"], ["en", "en-us"]]],
    ["edge", fake.voicesUrl, "", [["hi", "hi-IN-SwaraNeural"], ["th", "en-US-AriaNeural"]]],
    ["auto", closedUrl, "en-gb", [["en", "en-gb"], ["hi", "hi"]]],
    ["auto", fake.voicesUrl, "de", [["de", "de"], ["ja", "ja-JP-NanamiNeural"]]],
  ];
  for (const [mode, voicesUrl, configured, wanted] of cases) {
    const n = narrator(mode, edge(voicesUrl), configured);
    for (const [language, name] of wanted) {
      assert.equal((await n.resolve("", language)).name, name, `${mode}, ${voicesUrl === closedUrl ? "offline" : "online"}, LECTRA_VOICE="${configured}": ${language}`);
    }
  }
  // No voice speaks it: the default all the same; the orchestrator warns.
  assert.equal((await narrator("auto", edge(closedUrl)).resolve("", "yo")).name, "en-us");
  // A named voice is that voice, whatever the lecture's language.
  assert.equal((await narrator("auto", edge()).resolve("en-US-GuyNeural", "hi")).name, "en-US-GuyNeural");
});

test("auto: Edge refusing a Hindi voice makes espeak-ng speak Hindi", async () => {
  const n = narrator("auto", edge());
  const voice = await n.resolve("", "hi");
  assert.equal(voice.name, "hi-IN-SwaraNeural");
  fake.failNext(1, 403);
  try {
    const spoken = await n.speak(voice, lines("प्रकाश संश्लेषण पौधों में होता है।"), never);
    assert.deepEqual([spoken.voice.name, spoken.voice.engine], ["hi", "espeak"]);
    assert.match(spoken.warnings[0], /espeak-ng spoke instead with voice hi$/);
    assert.ok(spoken.clips[0].pcm.length > 0);
  } finally {
    fake.heal();
  }
});

test("edge mode: Edge failing is UNAVAILABLE naming Edge, with no fallback", async () => {
  const n = narrator("edge", edge());
  const voice = await n.defaultVoice();
  fake.failNext(1, 403);
  try {
    const error = await refusal(n.speak(voice, lines("No fallback here."), never));
    assert.equal(statusName(error.code), "UNAVAILABLE");
    assert.match(error.message, /^Edge TTS could not be reached \(HTTP 403 from 127\.0\.0\.1:\d+\); LECTRA_TTS_ENGINE=edge has no fallback/);
  } finally {
    fake.heal();
  }
  assert.ok((await n.voices()).every((v) => v.engine === "edge"), "edge mode offers Edge voices only");
});

test("edge mode: an Edge voice while Edge's list cannot be fetched is UNAVAILABLE", async () => {
  const n = narrator("edge", edge(closedUrl));
  const error = await refusal(n.resolve("en-US-AriaNeural"));
  assert.equal(statusName(error.code), "UNAVAILABLE");
  assert.match(error.message, /^Edge TTS voices could not be fetched \(ECONNREFUSED 127\.0\.0\.1:\d+\)/);
  assert.equal(statusName((await refusal(n.voices())).code), "UNAVAILABLE");
});

test("unknown voices are INVALID_ARGUMENT saying where to find the valid ones", async () => {
  const listed = narrator("auto", edge());
  for (const name of ["xx-nope", "en-US-NobodyNeural"]) {
    const error = await refusal(listed.resolve(name));
    assert.equal(statusName(error.code), "INVALID_ARGUMENT");
    assert.equal(error.message, `voice: unknown voice "${name}"; call SpeechService.ListVoices (or run \`lectra voices\`) to see the available ones`);
  }
  assert.equal((await listed.resolve("EN-US-ARIANEURAL")).name, "en-US-AriaNeural");
  assert.equal((await listed.resolve("En-Gb")).name, "en-gb");

  const espeakOnly = narrator("espeak", undefined);
  assert.equal(statusName((await refusal(espeakOnly.resolve("en-US-AriaNeural"))).code), "INVALID_ARGUMENT");
});

test("LECTRA_VOICE is checked against the engines in use", () => {
  assert.equal(narrator("auto", edge(), "en-gb").configuredVoiceProblem(), undefined);
  assert.equal(narrator("auto", edge(), "de-DE-KatjaNeural").configuredVoiceProblem(), undefined);
  assert.match(narrator("espeak", undefined, "de-DE-KatjaNeural").configuredVoiceProblem() ?? "", /is not a voice of the espeak engine; .* e\.g\. "en-us"$/);
  assert.match(narrator("auto", edge(), "xx-nope").configuredVoiceProblem() ?? "", /^LECTRA_VOICE="xx-nope" is not a voice of the espeak or edge engine; set it to one that ListVoices lists, e\.g\. "en-us" or "en-US-AriaNeural"$/);
});

// Last: it stops the fake.
test("auto: with Edge not running at all, an Edge voice is still accepted and espeak-ng speaks its language", async () => {
  await fake.stop();
  const n = narrator("auto", edge());
  const german = await n.resolve("de-DE-KatjaNeural");
  assert.deepEqual([german.name, german.language, german.engine], ["de-DE-KatjaNeural", "de-DE", "edge"]);
  const spoken = await n.speak(german, lines("Guten Morgen."), never);
  assert.equal(spoken.voice.name, "de");
  assert.match(spoken.warnings[0], /^Edge TTS could not be reached \(ECONNREFUSED 127\.0\.0\.1:\d+\); espeak-ng spoke instead with voice de$/);
  assert.ok(spoken.clips[0].pcm.length > 0);

  // The breaker is open now: the next call goes to espeak-ng without trying Edge, and says so.
  const english = await n.speak(await n.resolve("en-US-AriaNeural"), lines("Hello."), never);
  assert.equal(english.voice.name, "en-us");
  assert.match(english.warnings[0], /ECONNREFUSED .*not tried again for 30 s after a failure\); espeak-ng spoke instead with voice en-us$/);
});

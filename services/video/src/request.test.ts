import { test } from "node:test";
import assert from "node:assert/strict";
import type { AssembleVideoRequest, RenderClipRequest, RenderVideoRequest } from "@lectra/proto";
import { RpcError, statusName } from "@lectra/service-kit";
import { solidPng } from "@lectra/testing";
import { captionSegments, planAssembly, planClip, planVideo } from "./request";

const png = solidPng(64, 36, [10, 20, 30]);
const RATE = 8000;
const pcm = (seconds: number) => Buffer.alloc(Math.round(seconds * RATE) * 2);

function request(overrides: Partial<RenderVideoRequest> = {}): RenderVideoRequest {
  return {
    frames: [
      { png, startSeconds: 0, endSeconds: 1.5 },
      { png, startSeconds: 1.5, endSeconds: 2.25 },
      { png, startSeconds: 2.2505, endSeconds: 3 },
    ],
    narration: { pcm: pcm(3), sampleRate: RATE },
    chapters: [{ title: " Intro ", startSeconds: 0, endSeconds: 3 }],
    constantFrameRate: false,
    framesPerSecond: 0,
    captions: [],
    language: "",
    ...overrides,
  };
}

function refuses(fn: () => unknown, field: string) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof RpcError);
    assert.equal(statusName(error.code), "INVALID_ARGUMENT");
    assert.ok(error.message.startsWith(`${field}: `), error.message);
    return true;
  });
}

test("a good request becomes stills that last until the next one starts", () => {
  const plan = planVideo(request());
  assert.deepEqual(
    plan.stills.map((s) => Number(s.seconds.toFixed(6))),
    [1.5, 0.7505, 0.7495],
  );
  assert.deepEqual(plan.size, { width: 64, height: 36 });
  assert.equal(plan.narration.seconds, 3);
  assert.deepEqual(plan.chapters, [{ title: "Intro", startSeconds: 0, endSeconds: 3 }]);
  assert.deepEqual(plan.frameRate, { mode: "variable" });
});

test("constant frame rate: 0 means 30, others must be 1..60", () => {
  assert.deepEqual(planVideo(request({ constantFrameRate: true })).frameRate, { mode: "constant", fps: 30 });
  assert.deepEqual(planVideo(request({ constantFrameRate: true, framesPerSecond: 25 })).frameRate, { mode: "constant", fps: 25 });
  refuses(() => planVideo(request({ constantFrameRate: true, framesPerSecond: 240 })), "frames_per_second");
});

test("frames are refused by field: empty, not PNG, gaps, backwards, not covering the narration", () => {
  const r = request();
  refuses(() => planVideo(request({ frames: [] })), "frames");
  refuses(() => planVideo(request({ frames: [r.frames[0], { ...r.frames[1], png: Buffer.from("GIF89a....") }, r.frames[2]] })), "frames[1].png");
  refuses(() => planVideo(request({ frames: [{ ...r.frames[0], png: solidPng(1, 1, [0, 0, 0]) }, r.frames[1], r.frames[2]] })), "frames[0].png");
  refuses(() => planVideo(request({ frames: [{ ...r.frames[0], startSeconds: 0.5 }, r.frames[1], r.frames[2]] })), "frames[0].start_seconds");
  refuses(() => planVideo(request({ frames: [r.frames[0], r.frames[1], { ...r.frames[2], startSeconds: 2.4 }] })), "frames[2].start_seconds");
  refuses(() => planVideo(request({ frames: [r.frames[0], { ...r.frames[1], endSeconds: 1.5 }, r.frames[2]] })), "frames[1].end_seconds");
  refuses(() => planVideo(request({ frames: [r.frames[0], { ...r.frames[1], endSeconds: NaN }, r.frames[2]] })), "frames[1].end_seconds");
  refuses(() => planVideo(request({ frames: [r.frames[0], r.frames[1], { ...r.frames[2], endSeconds: 2.9 }] })), "frames[2].end_seconds");
});

test("narration is refused by field", () => {
  refuses(() => planVideo(request({ narration: undefined })), "narration");
  refuses(() => planVideo(request({ narration: { pcm: pcm(3), sampleRate: 96000 } })), "narration.sample_rate");
  refuses(() => planVideo(request({ narration: { pcm: Buffer.alloc(0), sampleRate: RATE } })), "narration.pcm");
  refuses(() => planVideo(request({ narration: { pcm: Buffer.alloc(7), sampleRate: RATE } })), "narration.pcm");
});

test("chapters must be titled, in order and inside the narration", () => {
  const chapter = (title: string, startSeconds: number, endSeconds: number) => ({ title, startSeconds, endSeconds });
  refuses(() => planVideo(request({ chapters: [chapter(" ", 0, 1)] })), "chapters[0].title");
  refuses(() => planVideo(request({ chapters: [chapter("a", -1, 1)] })), "chapters[0].start_seconds");
  refuses(() => planVideo(request({ chapters: [chapter("a", 0, 2), chapter("b", 1, 3)] })), "chapters[1].start_seconds");
  refuses(() => planVideo(request({ chapters: [chapter("a", 1, 1)] })), "chapters[0].end_seconds");
  refuses(() => planVideo(request({ chapters: [chapter("a", 0, 2), chapter("b", 2, 3.5)] })), "chapters[1].end_seconds");
});

test("caption segments are checked and keep their word starts", () => {
  const words = [{ word: "Hi", startSeconds: 1.1, endSeconds: 1.3 }];
  assert.deepEqual(captionSegments({ language: "", segments: [{ text: "Hi", startSeconds: 1, endSeconds: 2, words }] }), [
    { text: "Hi", startSeconds: 1, endSeconds: 2, words: [{ word: "Hi", startSeconds: 1.1 }] },
  ]);
  const segment = (startSeconds: number, endSeconds: number, wordAt?: number) => ({
    text: "Hi",
    startSeconds,
    endSeconds,
    words: wordAt === undefined ? [] : [{ word: "Hi", startSeconds: wordAt, endSeconds: wordAt + 0.1 }],
  });
  refuses(() => captionSegments({ language: "", segments: [segment(-1, 1)] }), "segments[0].start_seconds");
  refuses(() => captionSegments({ language: "", segments: [segment(0, 2), segment(1, 3)] }), "segments[1].start_seconds");
  refuses(() => captionSegments({ language: "", segments: [segment(2, 2)] }), "segments[0].end_seconds");
  // Word times relative to the clip instead of the lecture are caught, not guessed at.
  refuses(() => captionSegments({ language: "", segments: [segment(0, 2), segment(10, 12, 0.2)] }), "segments[1].words[0].start_seconds");
});

const CLIP_RATE = 24000;
const clipPcm = (samples: number) => Buffer.alloc(samples * 2);

function clipRequest(overrides: Partial<RenderClipRequest> = {}): RenderClipRequest {
  const end = 61440 / CLIP_RATE;
  return {
    frames: [
      { png, startSeconds: 0, endSeconds: 1 },
      { png, startSeconds: 1, endSeconds: end },
    ],
    narration: { pcm: clipPcm(61440), sampleRate: CLIP_RATE },
    constantFrameRate: false,
    framesPerSecond: 0,
    priority: 0,
    ...overrides,
  };
}

test("a clip's plan is its stills over its whole narration, without chapters", () => {
  const plan = planClip(clipRequest());
  assert.deepEqual(
    plan.stills.map((s) => Number(s.seconds.toFixed(6))),
    [1, 1.56],
  );
  assert.equal(plan.narration.seconds, 2.56);
  assert.equal(plan.narration.pcm.length, 61440 * 2, "the whole narration; the encoder drops the last frame");
  assert.deepEqual(plan.chapters, []);
  assert.deepEqual(planClip(clipRequest({ constantFrameRate: true })).frameRate, { mode: "constant", fps: 30 });
});

test("a clip's narration must be whole AAC frames, two or more, at a rate AAC carries", () => {
  refuses(() => planClip(clipRequest({ narration: { pcm: clipPcm(61440 - 1), sampleRate: CLIP_RATE } })), "narration.pcm");
  refuses(() => planClip(clipRequest({ narration: { pcm: clipPcm(1024), sampleRate: CLIP_RATE }, frames: [{ png, startSeconds: 0, endSeconds: 1024 / CLIP_RATE }] })), "narration.pcm");
  refuses(() => planClip(clipRequest({ narration: { pcm: Buffer.alloc(0), sampleRate: CLIP_RATE } })), "narration.pcm");
  refuses(() => planClip(clipRequest({ narration: { pcm: clipPcm(61440), sampleRate: 10000 } })), "narration.sample_rate");
  refuses(() => planClip(clipRequest({ narration: { pcm: clipPcm(61440), sampleRate: 96000 } })), "narration.sample_rate");
  refuses(() => planClip(clipRequest({ narration: undefined })), "narration");
  // 44.1 kHz is fine too: 61440 samples of it is 1.393 s.
  const cd = planClip(clipRequest({ narration: { pcm: clipPcm(61440), sampleRate: 44100 }, frames: [{ png, startSeconds: 0, endSeconds: 61440 / 44100 }] }));
  assert.equal(cd.narration.sampleRate, 44100);
});

test("a clip's frames are checked like a lecture's: back to back from 0, covering the narration", () => {
  const r = clipRequest();
  refuses(() => planClip(clipRequest({ frames: [] })), "frames");
  refuses(() => planClip(clipRequest({ frames: [r.frames[0]] })), "frames[0].end_seconds");
  refuses(() => planClip(clipRequest({ frames: [r.frames[0], { ...r.frames[1], startSeconds: 1.2 }] })), "frames[1].start_seconds");
  refuses(() => planClip(clipRequest({ frames: [r.frames[0], { ...r.frames[1], png: Buffer.from("nope") }] })), "frames[1].png");
  refuses(() => planClip(clipRequest({ constantFrameRate: true, framesPerSecond: 61 })), "frames_per_second");
});

const ts = (packets = 2) => {
  const bytes = Buffer.alloc(packets * 188);
  for (let i = 0; i < packets; i++) bytes[i * 188] = 0x47;
  return bytes;
};

function assembly(overrides: Partial<AssembleVideoRequest> = {}): AssembleVideoRequest {
  return {
    clips: [
      { clip: ts(), durationSeconds: 2.56, title: " Welcome " },
      { clip: ts(3), durationSeconds: 106496 / 24000, title: "Costs" },
      { clip: ts(), durationSeconds: 3.2, title: "Wrap-up" },
    ],
    captions: [],
    language: "",
    ...overrides,
  };
}

test("an assembly's chapters start where the clips before them end", () => {
  const plan = planAssembly(assembly());
  assert.deepEqual(
    plan.chapters.map((c) => [c.title, Number(c.startSeconds.toFixed(6)), Number(c.endSeconds.toFixed(6))]),
    [
      ["Welcome", 0, 2.56],
      ["Costs", 2.56, 6.997333],
      ["Wrap-up", 6.997333, 10.197333],
    ],
  );
  assert.equal(plan.clips.length, 3);
  assert.equal(plan.clips[1].ts.length, 3 * 188);
  assert.ok(Math.abs(plan.seconds - 244736 / 24000) < 1e-9);
});

test("an assembly is refused by field: no clips, a clip that is not MPEG-TS, no length, no title", () => {
  const good = assembly().clips;
  refuses(() => planAssembly({ clips: [], captions: [], language: "" }), "clips");
  refuses(() => planAssembly(assembly({ clips: [good[0], { ...good[1], clip: ts().subarray(0, 300) }, good[2]] })), "clips[1].clip");
  refuses(() => planAssembly(assembly({ clips: [good[0], good[1], { ...good[2], clip: Buffer.alloc(188) }] })), "clips[2].clip");
  refuses(() => planAssembly(assembly({ clips: [{ ...good[0], durationSeconds: 0 }] })), "clips[0].duration_seconds");
  refuses(() => planAssembly(assembly({ clips: [{ ...good[0], durationSeconds: NaN }] })), "clips[0].duration_seconds");
  refuses(() => planAssembly(assembly({ clips: [good[0], { ...good[1], title: "  " }] })), "clips[1].title");
});

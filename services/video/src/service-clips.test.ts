// RenderClip and AssembleVideo on the real service: clips rendered one by one,
// joined into a lecture, and the lecture checked the way a person would, with
// ffprobe and by decoding its sound: its length, its chapters, and where each
// slide's speech starts.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { AssembleVideoRequest, AssembleVideoResponse, RenderClipRequest } from "@lectra/proto";
import { DependencyError, statusName, videoClient, type VideoClient } from "@lectra/clients";
import type { Logger } from "@lectra/service-kit";
import { probe as ffprobe, solidPng, startService, type Probe, type ServiceProcess, eventually, hasChildMatching } from "@lectra/testing";
import { PRIMING_SAMPLES } from "./aac";
import { findFfmpeg, type Ffmpeg } from "./ffmpeg";
import { transportStreamProblem } from "./mpegts";

const RATE = 24000;
/** Whole AAC frames: 8.192 s, 4.437 s and 3.2 s at 24 kHz. */
const SAMPLES = [196608, 106496, 76800];
/** The first slide has one page, shown longer than ffmpeg reads into an MPEG-TS file to learn its picture's size (7 s). */
const PAGES = [1, 2, 2];
const TOTAL_SAMPLES = SAMPLES.reduce((a, b) => a + b);
const TOTAL_SECONDS = TOTAL_SAMPLES / RATE;
const TITLES = ["Welcome", "Costs; = # \\ and more", "Wrap-up"];
/** Each slide ends with this much silence, as the orchestrator's narration does. */
const PAUSE_SAMPLES = 12000;
/** A sample this loud is speech (the tone), not silence or coding noise. */
const LOUD = 2000;

/** A 440 Hz tone, then PAUSE_SAMPLES of silence: mono 16-bit PCM. */
function narration(samples: number): Buffer {
  const pcm = new Int16Array(samples);
  for (let i = 0; i < samples - PAUSE_SAMPLES; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / RATE));
  return Buffer.from(pcm.buffer);
}

/** A frame per page, the pages sharing the slide equally. */
function slide(samples: number, i: number, overrides: Partial<RenderClipRequest> = {}, pages = 2): RenderClipRequest {
  const end = samples / RATE;
  const colour = (k: number): [number, number, number] => [(80 * i + 40 * k) % 256, 120, (200 - 60 * i) % 256];
  return {
    frames: Array.from({ length: pages }, (_, k) => ({
      png: solidPng(1280, 720, colour(k)),
      startSeconds: (end * k) / pages,
      endSeconds: k === pages - 1 ? end : (end * (k + 1)) / pages,
    })),
    narration: { pcm: narration(samples), sampleRate: RATE },
    constantFrameRate: false,
    framesPerSecond: 0,
    priority: 0,
    ...overrides,
  };
}

let service: ServiceProcess;
let client: VideoClient;
let tool: Ffmpeg;
let work: string;
let serviceTmp: string;

/** AssembleVideo; without captions unless the request sends them. */
async function assemble(req: Pick<AssembleVideoRequest, "clips"> & Partial<AssembleVideoRequest>) {
  const messages: AssembleVideoResponse[] = [];
  for await (const message of client.assembleVideo({ captions: [], language: "", ...req })) messages.push(message);
  return { messages, mp4: Buffer.concat(messages.map((m) => m.chunk)) };
}

async function save(bytes: Buffer, name: string): Promise<string> {
  const file = path.join(work, name);
  await fs.writeFile(file, bytes);
  return file;
}

/** The sound decoded by ffmpeg: what a player plays, sample by sample. */
async function decodedSound(file: string): Promise<Int16Array> {
  const out = `${file}.pcm`;
  await promisify(execFile)(tool.path, ["-hide_banner", "-loglevel", "error", "-y", "-i", file, "-map", "0:a:0", "-f", "s16le", "-ac", "1", "-ar", String(RATE), out]);
  const bytes = await fs.readFile(out);
  return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
}

/**
 * When each of a file's video frames is shown, from its first, in seconds: the
 * packets as ffmpeg copies them (-copyts: it would close a gap over 10 s in
 * MPEG-TS), listed by the framecrc muxer in the time base it names.
 */
async function frameTimes(file: string): Promise<number[]> {
  const { stdout } = await promisify(execFile)(tool.path, ["-hide_banner", "-loglevel", "error", "-copyts", "-i", file, "-map", "0:v:0", "-c", "copy", "-f", "framecrc", "-"]);
  const [, num, den] = /^#tb 0: (\d+)\/(\d+)$/m.exec(stdout)!;
  const pts = stdout.split("\n").filter((line) => /^\d/.test(line)).map((line) => Number(line.split(",")[2]));
  return pts.map((t) => Number((((t - pts[0]) * Number(num)) / Number(den)).toFixed(6)));
}

/** Where the tone starts after `from`: the first loud sample. */
function onset(sound: Int16Array, from: number): number {
  for (let i = from; i < sound.length; i++) if (Math.abs(sound[i]) >= LOUD) return i;
  return -1;
}

async function refusal(call: Promise<unknown>): Promise<DependencyError> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof DependencyError, String(error));
    return error;
  }
  assert.fail("the request was not refused");
}

before(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), "lectra-video-clips-test-"));
  // The service's own temp folder, so the test can see that it cleans up after itself.
  serviceTmp = path.join(work, "service-tmp");
  await fs.mkdir(serviceTmp);
  service = await startService("video", { env: { TMPDIR: serviceTmp } });
  client = videoClient(service.address);
  const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
  tool = await findFfmpeg(quiet); // the ffmpeg the service runs, to decode what it made
});

after(async () => {
  client?.downstream.close();
  await service?.stop();
  await fs.rm(work, { recursive: true, force: true });
});

describe("RenderClip + AssembleVideo", () => {
  test("clips join into a lecture as long as its narrations, a chapter per clip, each slide's speech where it belongs", async () => {
    const clips = await Promise.all(SAMPLES.map((samples, i) => client.renderClip(slide(samples, i, {}, PAGES[i]))));
    clips.forEach((clip, i) => {
      assert.equal(clip.encoder, "libx264");
      assert.equal(clip.durationSeconds, SAMPLES[i] / RATE, "exactly the narration's length");
      assert.equal(transportStreamProblem(clip.clip), undefined);
    });
    // A frame per page, the first shown again one and two ticks later and the last one tick before the end,
    // on ffmpeg's 1/25 s grid for stills (concat-list.ts): 8.192 s on one page, 4.437 s on two of 2.219 s.
    assert.deepEqual(await frameTimes(await save(clips[0].clip, "clip-0.ts")), [0, 0.04, 0.08, 8.16]);
    assert.deepEqual(await frameTimes(await save(clips[1].clip, "clip-1.ts")), [0, 0.04, 0.08, 2.2, 4.4]);
    // On its own, a clip's sound lasts exactly its narration: the dropped last frame makes up for the priming.
    assert.equal((await decodedSound(await save(clips[1].clip, "clip-1.ts"))).length, SAMPLES[1]);

    const { messages, mp4 } = await assemble({
      clips: clips.map((clip, i) => ({ clip: clip.clip, durationSeconds: clip.durationSeconds, title: TITLES[i] })),
    });
    assert.ok(messages.every((m) => m.chunk.length <= 1 << 20));
    assert.ok(messages.slice(0, -1).every((m) => m.durationSeconds === 0));
    assert.ok(mp4.indexOf("moov") >= 0 && mp4.indexOf("moov") < mp4.indexOf("mdat"), "the index comes first");

    const file = await save(mp4, "lecture.mp4");
    const info: Probe = ffprobe(file);
    const video = info.streams.find((s) => s.codec_type === "video")!;
    const audio = info.streams.find((s) => s.codec_type === "audio")!;
    assert.equal(video?.codec_name, "h264");
    assert.equal(audio?.codec_name, "aac");
    const duration = Number(info.format.duration);
    // The sound lasts exactly the narrations; the picture ends within half of ffmpeg's 1/25 s tick for stills (concat-list.ts).
    assert.ok(Math.abs(duration - TOTAL_SECONDS) <= 0.025, `the lecture lasts ${duration} s, its narrations ${TOTAL_SECONDS} s`);
    assert.ok(Math.abs(Number(video.duration) - TOTAL_SECONDS) <= 0.1, `the picture lasts ${video.duration} s`);
    assert.ok(Math.abs(messages.at(-1)!.durationSeconds - duration) < 0.01, `reported ${messages.at(-1)!.durationSeconds} s, ffprobe says ${duration} s`);

    const starts = SAMPLES.map((_, i) => SAMPLES.slice(0, i).reduce((a, b) => a + b, 0));
    assert.deepEqual(
      info.chapters.map((c) => c.tags?.title),
      TITLES,
    );
    info.chapters.forEach((c, i) => {
      assert.ok(Math.abs(Number(c.start_time) - starts[i] / RATE) < 0.001, `chapter ${i} starts at ${c.start_time}`);
      assert.ok(Math.abs(Number(c.end_time) - (starts[i] + SAMPLES[i]) / RATE) < 0.001, `chapter ${i} ends at ${c.end_time}`);
    });

    const sound = await decodedSound(file);
    assert.ok(Math.abs(sound.length - TOTAL_SAMPLES) <= PRIMING_SAMPLES, `${sound.length} samples decoded, ${TOTAL_SAMPLES} narrated`);
    // Each slide's speech is late by the priming, the same for every slide: it does not add up.
    const delays = starts.map((start) => onset(sound, start) - start);
    for (const delay of delays) assert.ok(Math.abs(delay - PRIMING_SAMPLES) <= 16, `speech starts ${delays.join(", ")} samples after its slide`);
    assert.ok(Math.max(...delays) - Math.min(...delays) <= 2, `speech starts ${delays.join(", ")} samples after its slide`);
  });

  test("captions become the MP4's own subtitle track: mov_text tagged with the lecture's language, every cue in order; picture, sound and chapters as without them", async () => {
    const clips = await Promise.all(SAMPLES.map((samples, i) => client.renderClip(slide(samples, i, {}, PAGES[i]))));
    const request = { clips: clips.map((clip, i) => ({ clip: clip.clip, durationSeconds: clip.durationSeconds, title: TITLES[i] })) };
    const hindi = ["प्रकाश संश्लेषण पौधों में होता है।", "यह सूर्य के प्रकाश से ऊर्जा बनाता है।", "क्या यह ज़रूरी है?", "हाँ, जीवन इसी पर टिका है।"];
    const captions = hindi.map((text, i) => ({ text, startSeconds: i * 3.5, endSeconds: i * 3.5 + 3, words: [] }));

    const plain = ffprobe(await save((await assemble(request)).mp4, "without-captions.mp4"));
    const file = await save((await assemble({ ...request, captions, language: "hi" })).mp4, "hindi.mp4");
    const info = ffprobe(file);
    assert.deepEqual(plain.streams.filter((s) => s.codec_type === "subtitle"), [], "no captions, no track");
    const subtitles = info.streams.filter((s) => s.codec_type === "subtitle");
    assert.deepEqual(subtitles.map((s) => [s.codec_name, s.tags?.language, s.tags?.handler_name]), [["mov_text", "hin", "Hindi"]]);
    const pictureAndSound = (p: Probe) =>
      p.streams
        .filter((s) => s.codec_type === "video" || s.codec_type === "audio")
        .map(({ codec_type, codec_name, width, height, duration, nb_frames }) => ({ codec_type, codec_name, width, height, duration, nb_frames }));
    assert.deepEqual(pictureAndSound(info), pictureAndSound(plain));
    assert.deepEqual(info.chapters, plain.chapters);

    // The track read back: every cue's text, in order (ffmpeg wraps mov_text in a <font> tag).
    const { stdout } = await promisify(execFile)(tool.path, ["-v", "error", "-i", file, "-map", "0:s:0", "-f", "srt", "-"]);
    const cues = stdout.trim().split(/\r?\n\r?\n/).map((block) => block.split(/\r?\n/).slice(2).join(" ").replace(/<[^>]*>/g, ""));
    assert.deepEqual(cues, hindi);
  });

  test("clips at a constant frame rate assemble too", async () => {
    const clips = await Promise.all(SAMPLES.map((samples, i) => client.renderClip(slide(samples, i, { constantFrameRate: true }, PAGES[i]))));
    const { mp4 } = await assemble({ clips: clips.map((clip, i) => ({ clip: clip.clip, durationSeconds: clip.durationSeconds, title: TITLES[i] })) });
    const info = ffprobe(await save(mp4, "constant.mp4"));
    const video = info.streams.find((s) => s.codec_type === "video")!;
    assert.ok(Math.abs(Number(info.format.duration) - TOTAL_SECONDS) <= 0.05, `the lecture lasts ${info.format.duration} s`);
    assert.ok(Math.abs(Number(video.duration) - TOTAL_SECONDS) <= 0.1, `the picture lasts ${video.duration} s`);
    // 30 frames a second all through; where two clips meet, one frame can be shorter (the clips' lengths are not whole frames).
    assert.ok(Math.abs(Number(video.nb_frames) - TOTAL_SECONDS * 30) <= SAMPLES.length, `${video.nb_frames} frames in ${TOTAL_SECONDS} s`);
    assert.equal(info.chapters.length, 3);
    assert.equal((await decodedSound(await save(mp4, "constant-sound.mp4"))).length, TOTAL_SAMPLES);
  });

  test("a narration that is not whole AAC frames, or clips that are not MPEG-TS, are refused naming the field", async () => {
    const ragged = await refusal(client.renderClip({ ...slide(SAMPLES[0], 0), narration: { pcm: narration(SAMPLES[0] - 10), sampleRate: RATE } }));
    assert.equal(statusName(ragged.code), "INVALID_ARGUMENT");
    assert.match(ragged.details, /^narration\.pcm: .*whole number of AAC frames/);
    const rate = await refusal(client.renderClip({ ...slide(SAMPLES[0], 0), narration: { pcm: narration(SAMPLES[0]), sampleRate: 10000 } }));
    assert.match(rate.details, /^narration\.sample_rate: /);

    const notTs = await refusal(assemble({ clips: [{ clip: Buffer.alloc(376, 1), durationSeconds: 1, title: "One" }] }));
    assert.equal(statusName(notTs.code), "INVALID_ARGUMENT");
    assert.match(notTs.details, /^clips\[0\]\.clip: /);
    const none = await refusal(assemble({ clips: [] }));
    assert.match(none.details, /^clips: /);
  });
});



test("cancelling RenderClip stops ffmpeg and removes its temp folder", async () => {
  // A minute at 60 frames a second takes long enough to cancel in the middle.
  const samples = 1407 * 1024;
  const req = slide(samples, 0, { constantFrameRate: true, framesPerSecond: 60 });
  req.frames = [{ png: solidPng(1920, 1080, [90, 90, 90]), startSeconds: 0, endSeconds: samples / RATE }];
  const controller = new AbortController();
  const call = client.renderClip(req, { signal: controller.signal });
  call.catch(() => undefined);
  await eventually("ffmpeg starting", () => hasChildMatching(service.child.pid!, /picture\.mp4|sound\.aac|clip\.ts/));
  controller.abort();
  await assert.rejects(call, (error: unknown) => error instanceof DependencyError && statusName(error.code) === "CANCELLED");
  await eventually("ffmpeg stopping", async () => !(await hasChildMatching(service.child.pid!, /picture\.mp4|sound\.aac|clip\.ts/)));
  await eventually("the temp folder being removed", async () => (await fs.readdir(serviceTmp)).length === 0);
});

test("with the result cache on, the same RenderClip again is answered from it, byte for byte", async () => {
  const cached = await startService("video", { env: { LECTRA_CACHE_MAX_MB: "64", LECTRA_CACHE_DIR: path.join(work, "cache") } });
  const cachedClient = videoClient(cached.address);
  try {
    const req = slide(SAMPLES[0], 2);
    let hits = 0;
    const first = await cachedClient.renderClip(req, { onCacheHit: () => hits++ });
    assert.equal(hits, 0);
    const second = await cachedClient.renderClip(req, { onCacheHit: () => hits++ });
    assert.equal(hits, 1, "the second answer says lectra-cache: hit");
    assert.ok(second.clip.equals(first.clip));
    assert.equal(second.durationSeconds, first.durationSeconds);
    // Another slide is another key.
    await cachedClient.renderClip(slide(SAMPLES[0], 1), { onCacheHit: () => hits++ });
    assert.equal(hits, 1);
  } finally {
    cachedClient.downstream.close();
    await cached.stop();
  }
});

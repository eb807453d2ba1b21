// The video service as a real process, called through the typed client: the MP4
// it streams is checked with ffprobe the way a person would check a video file.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs/promises";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import type { RenderVideoRequest, RenderVideoResponse } from "@lectra/proto";
import { DependencyError, statusName, videoClient, type VideoClient } from "@lectra/clients";
import { probe as ffprobe, solidPng, startService, type Probe, type ServiceProcess, eventually, hasChildMatching } from "@lectra/testing";

const RATE = 24000;
const AUDIO_SECONDS = 4.5;

/** A 440 Hz tone, mono 16-bit PCM. */
function tone(seconds: number, rate = RATE): Buffer {
  const samples = new Int16Array(Math.round(seconds * rate));
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate));
  return Buffer.from(samples.buffer);
}

const TITLES = ["Welcome", "Costs; = # \\ and more", "Wrap-up\u0000 and\u0001 questions"];
/** What the MP4's chapters say: ffmpeg reads C strings, so the NUL, left in, would have cut the last title short. */
const CHAPTER_TITLES = ["Welcome", "Costs; = # \\ and more", "Wrap-up and questions"];
const TIMES: Array<[number, number]> = [
  [0, 1.25],
  [1.25, 3.1],
  [3.1, AUDIO_SECONDS],
];

function lecture(overrides: Partial<RenderVideoRequest> = {}): RenderVideoRequest {
  const colours: Array<[number, number, number]> = [
    [200, 30, 30],
    [30, 200, 30],
    [30, 30, 200],
  ];
  return {
    frames: TIMES.map(([startSeconds, endSeconds], i) => ({ png: solidPng(1920, 1080, colours[i]), startSeconds, endSeconds })),
    narration: { pcm: tone(AUDIO_SECONDS), sampleRate: RATE },
    chapters: TIMES.map(([startSeconds, endSeconds], i) => ({ title: TITLES[i], startSeconds, endSeconds })),
    constantFrameRate: false,
    framesPerSecond: 0,
    captions: [],
    language: "",
    ...overrides,
  };
}

let service: ServiceProcess;
let client: VideoClient;
let work: string;
let serviceTmp: string;

async function render(req: RenderVideoRequest, signal?: AbortSignal) {
  const messages: RenderVideoResponse[] = [];
  for await (const message of client.renderVideo(req, { signal })) messages.push(message);
  return { messages, mp4: Buffer.concat(messages.map((m) => m.chunk)) };
}

async function probe(mp4: Buffer, name: string): Promise<Probe> {
  const file = path.join(work, name);
  await fs.writeFile(file, mp4);
  return ffprobe(file);
}

async function refusal(req: RenderVideoRequest): Promise<DependencyError> {
  try {
    await render(req);
  } catch (error) {
    assert.ok(error instanceof DependencyError, String(error));
    return error;
  }
  assert.fail("the request was not refused");
}



before(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), "lectra-video-test-"));
  // The service's own temp folder, so the test can see that it cleans up after itself.
  serviceTmp = path.join(work, "service-tmp");
  await fs.mkdir(serviceTmp);
  service = await startService("video", { env: { TMPDIR: serviceTmp } });
  client = videoClient(service.address);
});

after(async () => {
  client?.downstream.close();
  await service?.stop();
  await fs.rm(work, { recursive: true, force: true });
});

describe("RenderVideo", () => {
  test("an H.264 + AAC MP4 as long as the narration, with a chapter per slide and its index first", async () => {
    const { messages, mp4 } = await render(lecture());
    const last = messages.at(-1)!;
    assert.equal(last.encoder, "libx264");
    assert.ok(messages.every((m) => m.chunk.length <= 1 << 20));

    const info = await probe(mp4, "variable.mp4");
    const codecs = info.streams.map((s) => `${s.codec_type}:${s.codec_name}`);
    assert.ok(codecs.includes("video:h264"), codecs.join());
    assert.ok(codecs.includes("audio:aac"), codecs.join());
    const duration = Number(info.format.duration);
    assert.ok(Math.abs(duration - AUDIO_SECONDS) <= 0.25, `video lasts ${duration} s, narration ${AUDIO_SECONDS} s`);
    // ffmpeg 4.1 counts the AAC encoder's priming samples (1024, 43 ms at 24 kHz) in the movie header.
    assert.ok(Math.abs(last.durationSeconds - duration) < 0.05, `reported ${last.durationSeconds} s, ffprobe says ${duration} s`);

    assert.deepEqual(
      info.chapters.map((c) => c.tags?.title),
      CHAPTER_TITLES,
    );
    info.chapters.forEach((c, i) => {
      assert.ok(Math.abs(Number(c.start_time) - TIMES[i][0]) < 0.01, `chapter ${i} starts at ${c.start_time}`);
      assert.ok(Math.abs(Number(c.end_time) - TIMES[i][1]) < 0.01, `chapter ${i} ends at ${c.end_time}`);
    });

    // faststart: the movie header comes before the media data.
    assert.ok(mp4.indexOf("moov") >= 0 && mp4.indexOf("moov") < mp4.indexOf("mdat"));

    // One frame per slide (plus the repeat that carries the end time), not 30 a second.
    const video = info.streams.find((s) => s.codec_type === "video")!;
    assert.ok(Number(video.nb_frames) <= TIMES.length + 1, `${video.nb_frames} frames`);
  });

  test("captions in Japanese become a subtitle track tagged jpn; a tag that is not a language is refused", async () => {
    const captions = [
      { text: "光合成は植物で起こります。", startSeconds: 0, endSeconds: 1.2, words: [] },
      { text: "光からエネルギーを作ります。", startSeconds: 1.25, endSeconds: 3, words: [] },
    ];
    const info = await probe((await render(lecture({ captions, language: "ja" }))).mp4, "japanese.mp4");
    const subtitles = info.streams.filter((s) => s.codec_type === "subtitle");
    assert.deepEqual(subtitles.map((s) => [s.codec_name, s.tags?.language, s.tags?.handler_name]), [["mov_text", "jpn", "Japanese"]]);
    assert.equal(info.chapters.length, TITLES.length, "the chapters are still there");
    await assert.rejects(render(lecture({ captions, language: "ja_JP" })), (error: unknown) => {
      assert.ok(error instanceof DependencyError && statusName(error.code) === "INVALID_ARGUMENT", String(error));
      assert.match(error.details, /^language: "ja_JP" is not a BCP 47 language tag/);
      return true;
    });
  });

  test("a constant frame rate when asked, 30 by default", async () => {
    const { messages, mp4 } = await render(lecture({ constantFrameRate: true }));
    const info = await probe(mp4, "constant.mp4");
    const video = info.streams.find((s) => s.codec_type === "video")!;
    assert.equal(video.r_frame_rate, "30/1");
    assert.equal(video.avg_frame_rate, "30/1");
    const duration = Number(info.format.duration);
    assert.ok(Math.abs(duration - AUDIO_SECONDS) <= 0.25, `video lasts ${duration} s`);
    assert.ok(Math.abs(messages.at(-1)!.durationSeconds - duration) < 0.05, `reported ${messages.at(-1)!.durationSeconds} s, ffprobe says ${duration} s`);
    assert.equal(info.chapters.length, 3);
  });

  test("bad frames are refused with INVALID_ARGUMENT naming the field", async () => {
    const good = lecture();
    const shifted = await refusal(lecture({ frames: [good.frames[0], good.frames[1], { ...good.frames[2], startSeconds: 3.3 }] }));
    assert.equal(statusName(shifted.code), "INVALID_ARGUMENT");
    assert.match(shifted.details, /^frames\[2\]\.start_seconds: /);

    const notPng = await refusal(lecture({ frames: [good.frames[0], { ...good.frames[1], png: Buffer.from("not a picture") }, good.frames[2]] }));
    assert.equal(statusName(notPng.code), "INVALID_ARGUMENT");
    assert.match(notPng.details, /^frames\[1\]\.png: /);

    const short = await refusal(lecture({ frames: [good.frames[0]] }));
    assert.match(short.details, /^frames\[0\]\.end_seconds: .*cover the narration/);
  });

  test("cancelling stops ffmpeg and removes its temp folder", async () => {
    // A minute at 60 frames a second takes long enough to cancel in the middle.
    const minute = 60;
    const req = lecture({
      frames: [{ png: solidPng(1920, 1080, [90, 90, 90]), startSeconds: 0, endSeconds: minute }],
      narration: { pcm: tone(minute), sampleRate: RATE },
      chapters: [],
      constantFrameRate: true,
      framesPerSecond: 60,
    });
    const controller = new AbortController();
    const call = render(req, controller.signal);
    call.catch(() => undefined);
    await eventually("ffmpeg starting", () => hasChildMatching(service.child.pid!, /picture\.mp4|sound\.m4a|lecture\.mp4/));
    controller.abort();
    await assert.rejects(call, (error: unknown) => error instanceof DependencyError && statusName(error.code) === "CANCELLED");
    await eventually("ffmpeg stopping", async () => !(await hasChildMatching(service.child.pid!, /picture\.mp4|sound\.m4a|lecture\.mp4/)));
    await eventually("the temp folder being removed", async () => (await fs.readdir(serviceTmp)).length === 0);
  });
});

describe("WriteCaptions", () => {
  test("WebVTT and SRT with numbered cues from the segment timings", async () => {
    const { vtt, srt } = await client.writeCaptions({
      language: "",
      segments: [
        { text: "Welcome to <the> lecture & its captions.", startSeconds: 0, endSeconds: 2, words: [] },
        {
          text: "This sentence is long enough that it will not fit in a single caption of two lines of forty-two characters.",
          startSeconds: 2.5,
          endSeconds: 9,
          words: [],
        },
      ],
    });
    assert.ok(vtt.startsWith("WEBVTT\n\n"));
    assert.ok(vtt.includes("00:00:00.000 --> 00:00:02.000\nWelcome to &lt;the&gt; lecture &amp; its captions."));
    const blocks = srt.trim().split("\n\n");
    assert.ok(blocks.length >= 3);
    blocks.forEach((block, i) => assert.match(block, new RegExp(`^${i + 1}\\n\\d\\d:\\d\\d:\\d\\d,\\d{3} --> \\d\\d:\\d\\d:\\d\\d,\\d{3}\\n`)));
    assert.ok(blocks[1].startsWith("2\n00:00:02,500 --> "));
  });

  test("captions follow the request's language: Japanese lines of at most 20 characters, no spaces added", async () => {
    const text = "光合成は、植物が光のエネルギーを使って、水と二酸化炭素から糖を作る働きです。";
    const { srt } = await client.writeCaptions({ language: "ja", segments: [{ text, startSeconds: 0, endSeconds: 4, words: [] }] });
    const lines = srt.split("\n").filter((line) => line && !/^\d+$/.test(line) && !line.includes(" --> "));
    assert.ok(lines.length >= 2 && lines.every((line) => [...line].length <= 20 && !line.includes(" ")), lines.join("|"));
    assert.equal(lines.join(""), text);
  });

  test("overlapping segments are refused naming the field", async () => {
    await assert.rejects(
      client.writeCaptions({
        language: "",
        segments: [
          { text: "one", startSeconds: 0, endSeconds: 2, words: [] },
          { text: "two", startSeconds: 1, endSeconds: 3, words: [] },
        ],
      }),
      (error: unknown) => error instanceof DependencyError && statusName(error.code) === "INVALID_ARGUMENT" && error.details.startsWith("segments[1].start_seconds"),
    );
  });
});

test("start-up fails clearly when the configured ffmpeg does not exist", async () => {
  await assert.rejects(
    startService("video", { env: { LECTRA_FFMPEG_PATH: "/nonexistent/ffmpeg" }, timeoutMs: 15_000 }),
    /no usable ffmpeg.*\/nonexistent\/ffmpeg/,
  );
});

test("the encode is traced as a video.encode span carrying the encoder; clips and assembly as video.clip and video.assemble", async () => {
  // A loopback OTLP/HTTP receiver: the service exports its spans here as JSON.
  const bodies: string[] = [];
  const receiver = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => {
      const body = Buffer.concat(parts);
      bodies.push((req.headers["content-encoding"] === "gzip" ? zlib.gunzipSync(body) : body).toString("utf8"));
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const { port } = receiver.address() as { port: number };
  const traced = await startService("video", { env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` } });
  const tracedClient = videoClient(traced.address);
  try {
    const short = lecture({
      frames: [{ png: solidPng(320, 180, [0, 0, 0]), startSeconds: 0, endSeconds: 1 }],
      narration: { pcm: tone(1), sampleRate: RATE },
      chapters: [],
    });
    for await (const _ of tracedClient.renderVideo(short)) void _;
    const clip = await tracedClient.renderClip({
      frames: [{ png: solidPng(320, 180, [0, 0, 0]), startSeconds: 0, endSeconds: 2048 / RATE }],
      narration: { pcm: Buffer.alloc(2048 * 2), sampleRate: RATE },
      constantFrameRate: false,
      framesPerSecond: 0,
      priority: 0,
    });
    const assembly = tracedClient.assembleVideo({ clips: [{ clip: clip.clip, durationSeconds: clip.durationSeconds, title: "One" }], captions: [], language: "" });
    for await (const _ of assembly) void _;
  } finally {
    tracedClient.downstream.close();
    await traced.stop(); // flushes spans on the way out
    receiver.close();
  }
  type Attribute = { key: string; value: { stringValue?: string } };
  type Span = { name: string; spanId: string; parentSpanId?: string; attributes: Attribute[] };
  const spans: Span[] = bodies.flatMap((b) =>
    (JSON.parse(b).resourceSpans ?? []).flatMap((r: { scopeSpans: Array<{ spans: Span[] }> }) => r.scopeSpans.flatMap((s) => s.spans)),
  );
  const encode = spans.find((s) => s.name === "video.encode");
  assert.ok(encode, `spans: ${spans.map((s) => s.name).join(", ")}`);
  assert.equal(encode.attributes.find((a) => a.key === "lectra.video.encoder")?.value.stringValue, "libx264");
  // Inside the RenderVideo call's server span, so it joins the caller's trace.
  const parent = spans.find((s) => s.spanId === encode.parentSpanId);
  assert.match(parent?.name ?? "", /VideoService\/RenderVideo/);
  for (const [name, method] of [
    ["video.clip", "RenderClip"],
    ["video.assemble", "AssembleVideo"],
  ]) {
    const span = spans.find((s) => s.name === name);
    assert.ok(span, `no ${name} span in: ${spans.map((s) => s.name).join(", ")}`);
    assert.match(spans.find((s) => s.spanId === span.parentSpanId)?.name ?? "", new RegExp(`VideoService/${method}`));
  }
});

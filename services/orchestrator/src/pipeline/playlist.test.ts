// Watching while it is made, in process: the playlist lists the finished slides
// from the first, in order, each after its segment is saved; it grows, and is
// announced, only when that run of slides grows; it closes when every slide is
// in; a job without clips writes none of it.
import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { trace } from "@opentelemetry/api";
import { GenerateRequest, JobState, type JobEvent, type Playable } from "@lectra/proto";
import { createLogger } from "@lectra/service-kit";
import { artifactFile } from "../artifacts";
import { Jobs } from "../jobs/registry";
import { JobStore } from "../jobs/store";
import { validateGenerate } from "../request";
import { FakeServices } from "../testing/downstreams";
import { hlsPlaylist } from "./playlist";

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function runJob(services: FakeServices, options: { skipVideo?: boolean; constantFrameRate?: boolean } = {}, onEvent: (e: JobEvent, store: JobStore) => void = () => {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-playlist-"));
  dirs.push(dir);
  const store = new JobStore(dir);
  await store.open();
  const jobs = new Jobs(store, services.clients, trace.getTracer("test"), createLogger("test"), { maxRunning: 4, maxQueued: 4, slidesAtOnce: 12 });
  const raw = GenerateRequest.fromPartial({ source: { $case: "topic", value: "How tides work" }, slideCount: 3, voice: "fake-voice", ...options });
  const events: JobEvent[] = [];
  const running = await jobs.start(validateGenerate(raw), raw, (e) => {
    events.push(e);
    onEvent(e, store);
  });
  return { store, events, job: await running.done };
}

const playables = (events: JobEvent[]): Playable[] => events.flatMap((e) => (e.kind?.$case === "playable" ? [e.kind.value] : []));

describe("the lecture's playlist", () => {
  it("is an HLS EVENT playlist: a discontinuity before every segment after the first, exact durations, a target no segment exceeds", () => {
    const segments = [
      { uri: "lecture-001.ts", seconds: 4.2 },
      { uri: "lecture-002.ts", seconds: 9.5 },
    ];
    const growing = [
      "#EXTM3U",
      "#EXT-X-VERSION:3",
      "#EXT-X-PLAYLIST-TYPE:EVENT",
      "#EXT-X-TARGETDURATION:10",
      "#EXT-X-MEDIA-SEQUENCE:0",
      "#EXTINF:4.200000,",
      "lecture-001.ts",
      "#EXT-X-DISCONTINUITY",
      "#EXTINF:9.500000,",
      "lecture-002.ts",
    ];
    assert.equal(hlsPlaylist(segments, false), growing.join("\n") + "\n");
    assert.equal(hlsPlaylist(segments, true), [...growing, "#EXT-X-ENDLIST"].join("\n") + "\n");
    // 9.5 rounds to 10, 10.2 to 10, but 10.6 rounds to 11: the target is each one's ceiling.
    assert.match(hlsPlaylist([{ uri: "a.ts", seconds: 10.6 }], false), /#EXT-X-TARGETDURATION:11\n/);
    assert.match(hlsPlaylist([{ uri: "a.ts", seconds: 10.2 }], false), /#EXT-X-TARGETDURATION:11\n/);
  });

  it("names its segments by slide with plain file names", () => {
    assert.deepEqual(artifactFile({ kind: "segment", slide: 0 }), { name: "lecture-001.ts", mediaType: "video/mp2t" });
    assert.equal(artifactFile({ kind: "segment", slide: 59 }).name, "lecture-060.ts");
    assert.throws(() => artifactFile({ kind: "segment", slide: -1 }), /no segment artifact name/);
    assert.throws(() => artifactFile({ kind: "segment", slide: 1.5 }), /no segment artifact name/);
  });

  it("lists only the finished slides from the first: slide 3 done before slide 2 waits for it; announced as it grows; closed at the end", async () => {
    const seconds = [4.2, 9.6, 2.5];
    // Slide 1 first, then slide 3, then slide 2.
    let slide1Playable!: () => void;
    const slide1 = new Promise<void>((resolve) => (slide1Playable = resolve));
    let slide3Saved!: () => void;
    const slide3 = new Promise<void>((resolve) => (slide3Saved = resolve));
    const services = new FakeServices()
      // Each slide's frame names its slide, so that its clip can have a length of its own.
      .on("slides.renderFrames", async (r) => {
        const index: number = r.slide.slide.index;
        if (index === 1) await slide3;
        if (index === 2) await slide1;
        return { frames: [{ png: Buffer.from(String(index)), page: 1, share: 1 }], warnings: [] };
      })
      .on("video.renderClip", async (r) => {
        const index = Number(r.frames[0].png.toString());
        return { clip: Buffer.from(`clip of slide ${index + 1}`), durationSeconds: seconds[index], encoder: "fake" };
      });

    // What a player would find on disk at each moment.
    const seen: Array<{ event: string; playlist: string | undefined; named: Array<string | undefined> }> = [];
    const { job, events, store } = await runJob(services, {}, (e, store) => {
      const kind = e.kind!;
      if (kind.$case !== "playable" && !(kind.$case === "artifact" && kind.value.name.endsWith(".ts"))) return;
      const read = (name: string) => (fs.existsSync(store.artifactPath(e.jobId, name)) ? fs.readFileSync(store.artifactPath(e.jobId, name), "utf8") : undefined);
      const playlist = read("lecture.m3u8");
      const named = (playlist ?? "").split("\n").filter((l) => l.endsWith(".ts")).map(read);
      seen.push({ event: kind.$case === "playable" ? `playable ${kind.value.slides}` : kind.value.name, playlist, named });
      if (kind.$case === "playable") slide1Playable();
      if (kind.$case === "artifact" && kind.value.name === "lecture-003.ts") slide3Saved();
    });

    assert.equal(job.state, JobState.JOB_STATE_SUCCEEDED, job.error?.message);
    assert.deepEqual(
      seen.map((s) => s.event),
      ["lecture-001.ts", "playable 1", "lecture-003.ts", "lecture-002.ts", "playable 3"],
    );
    const [first, afterSlide1, afterSlide3, , afterAll] = seen;
    assert.equal(first.playlist, undefined, "no playlist before the first segment is saved");
    assert.equal(afterSlide1.playlist, hlsPlaylist([{ uri: "lecture-001.ts", seconds: 4.2 }], false));
    assert.equal(afterSlide3.playlist, afterSlide1.playlist, "slide 3 waits for slide 2");
    assert.equal(
      afterAll.playlist,
      hlsPlaylist(
        [
          { uri: "lecture-001.ts", seconds: 4.2 },
          { uri: "lecture-002.ts", seconds: 9.6 },
          { uri: "lecture-003.ts", seconds: 2.5 },
        ],
        true,
      ),
    );
    assert.match(afterAll.playlist!, /#EXT-X-TARGETDURATION:10\n[^]*lecture-001.ts\n#EXT-X-DISCONTINUITY\n[^]*lecture-002.ts\n#EXT-X-DISCONTINUITY\n[^]*#EXT-X-ENDLIST\n$/);
    assert.deepEqual(afterAll.named, ["clip of slide 1", "clip of slide 2", "clip of slide 3"], "every segment the playlist names is there, whole");

    const announced = playables(events);
    assert.deepEqual(announced, [
      { playlist: "lecture.m3u8", slides: 1, seconds: 4.2 },
      { playlist: "lecture.m3u8", slides: 3, seconds: 4.2 + 9.6 + 2.5 },
    ]);
    const video = events.findIndex((e) => e.kind?.$case === "artifact" && e.kind.value.name === "lecture.mp4");
    assert.ok(events.findIndex((e) => e.kind?.$case === "playable") < video, "slide 1 is playable before the video is joined");
    const names = job.artifacts.map((a) => a.name).sort();
    assert.deepEqual(names.filter((n) => /\.(ts|m3u8)$/.test(n)), ["lecture-001.ts", "lecture-002.ts", "lecture-003.ts", "lecture.m3u8"]);
    assert.equal(job.artifacts.find((a) => a.name === "lecture.m3u8")?.mediaType, "application/vnd.apple.mpegurl");
    assert.equal(fs.readFileSync(store.artifactPath(job.id, "lecture.m3u8"), "utf8"), afterAll.playlist);
  });

  it("is announced with the slides in order, each prefix once, however the clips finish", async () => {
    const services = new FakeServices(["One", "Two", "Three", "Four", "Five"]);
    // Clips finish last slide first.
    services.on("video.renderClip", async (r) => {
      await new Promise((resolve) => setTimeout(resolve, 40 * (5 - Number(r.frames[0].png.toString()))));
      return undefined;
    });
    services.on("slides.renderFrames", async (r) => ({ frames: [{ png: Buffer.from(String(r.slide.slide.index)), page: 1, share: 1 }], warnings: [] }));
    const { job, events } = await runJob(services);
    assert.equal(job.state, JobState.JOB_STATE_SUCCEEDED, job.error?.message);
    const slides = playables(events).map((p) => p.slides);
    assert.deepEqual(slides, [...slides].sort((a, b) => a - b), "never fewer slides than before");
    assert.equal(new Set(slides).size, slides.length, "each growth announced once");
    assert.equal(slides.at(-1), 5);
  });

  it("is closed as it stands when the job fails: what was playable stays listed, and a player stops waiting for more", async () => {
    let slide1Playable!: () => void;
    const slide1 = new Promise<void>((resolve) => (slide1Playable = resolve));
    const services = new FakeServices()
      .on("slides.renderFrames", async (r) => ({ frames: [{ png: Buffer.from(String(r.slide.slide.index)), page: 1, share: 1 }], warnings: [] }))
      .on("video.renderClip", async (r) => {
        const index = Number(r.frames[0].png.toString());
        if (index === 0) return { clip: Buffer.from("clip of slide 1"), durationSeconds: 4.2, encoder: "fake" };
        await slide1;
        throw new Error("ffmpeg was killed");
      });
    const { job, events, store } = await runJob(services, {}, (e) => {
      if (e.kind?.$case === "playable") slide1Playable();
    });
    assert.equal(job.state, JobState.JOB_STATE_FAILED);
    assert.match(job.error!.message, /ffmpeg was killed/);
    assert.deepEqual(playables(events), [{ playlist: "lecture.m3u8", slides: 1, seconds: 4.2 }]);
    assert.equal(fs.readFileSync(store.artifactPath(job.id, "lecture.m3u8"), "utf8"), hlsPlaylist([{ uri: "lecture-001.ts", seconds: 4.2 }], true));
    assert.equal(fs.readFileSync(store.artifactPath(job.id, "lecture-001.ts"), "utf8"), "clip of slide 1");
    // Closed before the job said it ended: the record lists the playlist as it is on disk.
    const finished = events.findLast((e) => e.kind?.$case === "finished");
    assert.ok(finished?.kind?.$case === "finished" && finished.kind.value.artifacts.some((a) => a.name === "lecture.m3u8"));
  });

  it("is not written when the job fails before any slide can be played", async () => {
    const services = new FakeServices().on("video.renderClip", async () => {
      throw new Error("ffmpeg was killed");
    });
    const { job, events, store } = await runJob(services);
    assert.equal(job.state, JobState.JOB_STATE_FAILED);
    assert.deepEqual(playables(events), []);
    assert.ok(!fs.existsSync(store.artifactPath(job.id, "lecture.m3u8")));
  });

  for (const [variant, options] of [
    ["skip_video", { skipVideo: true }],
    ["constant_frame_rate", { constantFrameRate: true }],
  ] as const) {
    it(`is not written with ${variant}: there are no clips to list`, async () => {
      const { job, events } = await runJob(new FakeServices(), options);
      assert.equal(job.state, JobState.JOB_STATE_SUCCEEDED, job.error?.message);
      assert.deepEqual(playables(events), []);
      assert.deepEqual(job.artifacts.filter((a) => /\.(ts|m3u8)$/.test(a.name)), []);
    });
  }
});

// Watching a lecture while it is made, through the six services as processes:
// when slide 1 is announced playable, the playlist and the segments it names
// are fetched as a player would, while the job is still running, and ffmpeg
// reads that playlist through its HLS demuxer: video and sound, lasting as long
// as slide 1's clip. At the end the playlist is closed and plays as long as the MP4.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { JobState, Stage, StageStatus, type Job, type Playable } from "@lectra/proto";
import type { LectraClient } from "@lectra/clients";
import { probe, readHls } from "@lectra/testing";
import { run, startStack, type Run, type Stack } from "./stack";

// Three short slides and a long last one: the job keeps running well after slide 1 is playable.
const narration = (slide: number, sentences: number) =>
  Array.from({ length: sentences }, (_, j) => `Sentence ${j + 1} of slide ${slide} says a little more about the tides.`).join(" ");
const SCRIPT = `# Tides\n\n${[2, 2, 2, 24].map((n, i) => `## Slide ${i + 1}\n- Point ${i + 1}\n\n${narration(i + 1, n)}\n`).join("\n")}`;

async function download(client: LectraClient, jobId: string, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const part of client.downloadArtifact({ jobId, name })) chunks.push(part.chunk);
  return Buffer.concat(chunks);
}

/** A playlist and its segments, into `dir` as a player would need them: the segments first. */
async function fetchPlaylist(client: LectraClient, jobId: string, name: string, dir: string): Promise<string> {
  const text = (await download(client, jobId, name)).toString("utf8");
  for (const uri of text.split("\n").filter((l) => l && !l.startsWith("#"))) fs.writeFileSync(path.join(dir, uri), await download(client, jobId, uri));
  fs.writeFileSync(path.join(dir, name), text);
  return text;
}

const listed = (playlist: string) => [...playlist.matchAll(/#EXTINF:([\d.]+),\n(\S+)/g)].map((m) => ({ seconds: Number(m[1]), uri: m[2] }));

describe("watching a lecture while it is made, end to end", () => {
  let stack: Stack;
  let dir: string;
  let result: Run;
  let first: Playable | undefined;
  let snapshot = "";
  let jobThen: Job | undefined;

  before(async () => {
    stack = await startStack();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-watch-"));
    fs.mkdirSync(path.join(dir, "early"));
    fs.mkdirSync(path.join(dir, "final"));
    result = await run(stack.client, { source: { $case: "script", value: SCRIPT } }, async (e) => {
      if (first || e.kind?.$case !== "playable") return;
      first = e.kind.value;
      snapshot = await fetchPlaylist(stack.client, e.jobId, first.playlist, path.join(dir, "early"));
      // Asked after the playlist and its segments are fetched: the job had not finished by then.
      jobThen = (await stack.client.getJob({ jobId: e.jobId })).job;
    });
  });

  after(async () => {
    await stack?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the job succeeds, announcing ever more playable slides up to all four", () => {
    assert.equal(result.job?.state, JobState.JOB_STATE_SUCCEEDED, result.job?.error?.message);
    const slides = result.events.flatMap((e) => (e.kind?.$case === "playable" ? [e.kind.value.slides] : []));
    assert.ok(slides.length >= 1 && slides.at(-1) === 4, `announced ${slides.join(", ")}`);
    assert.ok(slides.every((n, i) => i === 0 || n > slides[i - 1]), `announced ${slides.join(", ")}`);
  });

  it("slide 1 is playable while the job is still running, before the video is joined", () => {
    assert.ok(first, "a playable event came");
    assert.equal(jobThen?.state, JobState.JOB_STATE_RUNNING);
    assert.ok(!jobThen!.artifacts.some((a) => a.name === "lecture.mp4"), "no lecture.mp4 yet");
    assert.match(snapshot, /^#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-PLAYLIST-TYPE:EVENT\n/);
    assert.doesNotMatch(snapshot, /#EXT-X-ENDLIST/, "still growing");
    assert.equal(listed(snapshot)[0].uri, "lecture-001.ts");
  });

  it("the first playable slides last as long as their clips", () => {
    // Usually slide 1 alone; slide 2 with it when its clip finished first.
    const clipSeconds = (slide: number) => {
      const clip = result.events.find((e) => e.kind?.$case === "stage" && e.kind.value.stage === Stage.STAGE_CLIP && e.kind.value.status === StageStatus.STAGE_STATUS_FINISHED && e.kind.value.slideIndex === slide);
      return Number(clip?.kind?.$case === "stage" ? clip.kind.value.detail.split(" ")[0] : NaN);
    };
    const clips = Array.from({ length: first!.slides }, (_, i) => clipSeconds(i));
    const total = clips.reduce((sum, c) => sum + c, 0);
    assert.ok(Math.abs(first!.seconds - total) < 0.006 * clips.length, `announced ${first!.seconds} s, the clips took ${clips.join(" + ")} s`);
    assert.deepEqual(listed(snapshot).map((s) => s.uri), clips.map((_, i) => `lecture-00${i + 1}.ts`));
    assert.ok(Math.abs(listed(snapshot).reduce((sum, s) => sum + s.seconds, 0) - first!.seconds) < 1e-5);
  });

  it("a player (ffmpeg's HLS demuxer) reads the playlist fetched mid-job: H.264 and AAC, as long as the slides it listed", async () => {
    const { codecs, soundSeconds } = readHls(path.join(dir, "early", "lecture.m3u8"));
    assert.deepEqual(codecs, ["audio:aac", "video:h264"]);
    const listedSeconds = listed(snapshot).reduce((sum, s) => sum + s.seconds, 0);
    assert.ok(Math.abs(soundSeconds - listedSeconds) < 0.1, `plays ${soundSeconds} s, lists ${listedSeconds} s`);
  });

  it("at the end the playlist lists every slide, is closed, and plays as long as the MP4", async () => {
    const final = await fetchPlaylist(stack.client, result.job!.id, "lecture.m3u8", path.join(dir, "final"));
    assert.deepEqual(listed(final).map((s) => s.uri), ["lecture-001.ts", "lecture-002.ts", "lecture-003.ts", "lecture-004.ts"]);
    assert.equal(final.match(/#EXT-X-DISCONTINUITY\n/g)?.length, 3);
    assert.match(final, /#EXT-X-ENDLIST\n$/);
    const target = Number(/#EXT-X-TARGETDURATION:(\d+)/.exec(final)![1]);
    assert.ok(listed(final).every((s) => Math.round(s.seconds) <= target), "no segment is longer than the target duration");
    fs.writeFileSync(path.join(dir, "lecture.mp4"), await download(stack.client, result.job!.id, "lecture.mp4"));
    const mp4 = Number(probe(path.join(dir, "lecture.mp4")).format.duration);
    const { soundSeconds } = readHls(path.join(dir, "final", "lecture.m3u8"));
    assert.ok(Math.abs(soundSeconds - mp4) < 0.1, `the playlist plays ${soundSeconds} s, the MP4 ${mp4} s`);
  });
});

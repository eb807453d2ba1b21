// End to end: a 3-slide script through all six services as separate processes,
// checked the way a user would check the result, plus the trace they would see
// in Jaeger.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseScript } from "@lectra/lecture";
import { JobState, Stage } from "@lectra/proto";
import { checkHealth } from "@lectra/clients";
import { checkCaptions, checkDeck, checkVideo, probe, wavSeconds } from "@lectra/testing";
import { run, startStack, type Run, type Stack } from "./stack";

const SCRIPT = `# The Human Heart

## A pump made of muscle
- Four chambers: two atria, two ventricles
- Beats about 100,000 times a day
Image: heart

The heart is a muscle about the size of a fist. It is defined as a pump that keeps blood moving through the body.

Every beat pushes blood out to the lungs and to the rest of the body.

## Blood takes two loops
- Lungs: pick up oxygen
- Body: deliver oxygen, collect carbon dioxide
Image: lungs

Blood travels in two loops. The first loop goes to the lungs, where it picks up oxygen. The second loop carries that oxygen to every cell.

## Keeping the rhythm
- Electrical signals start each beat
- The pacemaker sets the pace
Image: activity pulse

What keeps the heart in time? A small patch of cells sends an electrical signal before every beat. We call it the natural pacemaker.
`;

const script = parseScript(SCRIPT);

describe("a lecture from a script, end to end", () => {
  let stack: Stack;
  let result: Run;
  let out: string;

  before(async () => {
    stack = await startStack();
    out = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-out-"));
    result = await run(stack.client, { source: { $case: "script", value: SCRIPT } });
    for (const a of result.job?.artifacts ?? []) {
      const chunks: Buffer[] = [];
      for await (const part of stack.client.downloadArtifact({ jobId: result.job!.id, name: a.name })) chunks.push(part.chunk);
      fs.writeFileSync(path.join(out, a.name), Buffer.concat(chunks));
    }
  });

  after(async () => {
    await stack?.stop();
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  it("all six services report SERVING", async () => {
    for (const [name, s] of stack.services) assert.equal(await checkHealth(s.address), "SERVING", name);
  });

  it("the job succeeds and streams its events in order", () => {
    assert.equal(result.error, undefined, result.error?.message);
    assert.equal(result.job?.state, JobState.JOB_STATE_SUCCEEDED, result.job?.error?.message);
    assert.equal(result.events[0].kind?.$case, "started");
    assert.equal(result.events.at(-1)?.kind?.$case, "finished");
    const progress = result.events.map((e) => e.progress);
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b), "progress never goes back");
    assert.equal(result.job?.progress, 1);
    const names = result.job!.artifacts.map((a) => a.name).sort();
    assert.deepEqual(names, ["captions.srt", "captions.vtt", "deck.pptx", "lecture-001.ts", "lecture-002.ts", "lecture-003.ts", "lecture.m3u8", "lecture.md", "lecture.mp4", "narration.wav", "timings.json"]);
  });

  it("the deck has one slide per script slide, with the narration as speaker notes", () => checkDeck(out, script));

  it("the video lasts as long as the narration, with a chapter per slide", () => checkVideo(out, script));

  it("timings put the slides back to back over the whole narration", () => {
    const audio = wavSeconds(path.join(out, "narration.wav"));
    const timings = JSON.parse(fs.readFileSync(path.join(out, "timings.json"), "utf8"));
    assert.equal(timings.slides.length, 3);
    assert.equal(timings.slides[0].startSeconds, 0);
    for (let i = 1; i < 3; i++) assert.equal(timings.slides[i].startSeconds, timings.slides[i - 1].endSeconds);
    assert.ok(Math.abs(timings.slides[2].endSeconds - audio) < 0.001);
    const info = probe(path.join(out, "lecture.mp4"));
    info.chapters.forEach((c, i) => assert.ok(Math.abs(Number(c.start_time) - timings.slides[i].startSeconds) < 0.05, `chapter ${i + 1} starts with its slide`));
  });

  it("captions cover the narration, in order and inside the audio", () => checkCaptions(out, script));

  it("one trace id spans spans from all six services, with stage spans per slide", async () => {
    const traceId = result.job!.traceId;
    const services = ["lectra-orchestrator", "lectra-llm", "lectra-images", "lectra-slides", "lectra-speech", "lectra-video"];
    await stack.receiver.waitFor(() => {
      const spans = stack.receiver.trace(traceId);
      return services.every((s) => spans.some((span) => span.service === s)) && spans.some((s) => s.name === "lectra.job");
    });
    const spans = stack.receiver.trace(traceId);
    const byName = (name: string) => spans.filter((s) => s.name === name);
    assert.equal(byName("lectra.job").length, 1);
    for (const stage of ["stage.content", "stage.image", "stage.tags", "stage.speech", "stage.frame", "stage.clip"]) {
      const indexes = byName(stage).map((s) => s.attributes["lectra.slide.index"]).sort();
      assert.deepEqual(indexes, [0, 1, 2], `${stage} has one span per slide`);
    }
    for (const stage of ["stage.outline", "stage.deck", "stage.captions", "stage.video"]) assert.equal(byName(stage).length, 1, stage);
    // Each service's server span is a child of an orchestrator client span in the same trace.
    const ids = new Set(spans.map((s) => s.spanId));
    for (const s of spans.filter((s) => s.service !== "lectra-orchestrator")) assert.ok(ids.has(s.parentSpanId), `${s.service} ${s.name} has its parent in the trace`);
    assert.ok(!stack.receiver.spans.some((s) => /Health|Reflection/.test(s.name)), "health checks and reflection stay out of traces");
  });

  it("per-slide spans of the same stage overlap in time", async () => {
    const spans = stack.receiver.trace(result.job!.traceId);
    const overlaps = (name: string) => {
      const list = spans.filter((s) => s.name === name);
      return list.some((a) => list.some((b) => a !== b && a.startMs < b.endMs && b.startMs < a.endMs));
    };
    for (const stage of ["stage.content", "stage.speech", "stage.frame", "stage.clip"]) assert.ok(overlaps(stage), `${stage} spans overlap`);
  });

  it("a job can ask for a constant 30 fps video instead", async () => {
    const one = `# Short\n\n## Only slide\n- One point\n\nA single sentence is enough here.\n`;
    const r = await run(stack.client, { source: { $case: "script", value: one }, constantFrameRate: true });
    assert.equal(r.job?.state, JobState.JOB_STATE_SUCCEEDED, r.job?.error?.message);
    assert.equal(r.job?.constantFrameRate, true);
    const file = path.join(out, "cfr.mp4");
    const chunks: Buffer[] = [];
    for await (const part of stack.client.downloadArtifact({ jobId: r.job!.id, name: "lecture.mp4" })) chunks.push(part.chunk);
    fs.writeFileSync(file, Buffer.concat(chunks));
    const video = probe(file).streams.find((s) => s.codec_type === "video")!;
    assert.equal(video.avg_frame_rate, "30/1");
  });

  it("the finished job carries a stage report computed from its spans", () => {
    const report = result.job!.report!;
    const stage = (s: Stage) => report.stages.find((t) => t.stage === s);
    assert.equal(stage(Stage.STAGE_OUTLINE)?.count, 1);
    assert.equal(stage(Stage.STAGE_SPEECH)?.count, 3);
    assert.equal(stage(Stage.STAGE_VIDEO)?.count, 1);
    for (const t of report.stages) {
      assert.ok(t.busySeconds >= t.maxSeconds && t.maxSeconds > 0, `${t.spanName} busy ≥ max > 0`);
      assert.ok(t.startSeconds + t.wallSeconds <= report.wallSeconds + 0.01, `${t.spanName} inside the job`);
    }
  });
});

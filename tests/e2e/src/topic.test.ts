// A lecture from a topic alone, through the real engines' protocols: a fake
// Ollama writes it, and the CLI runs it exactly as the README says. Then what a
// user sees when the model misbehaves, when it must be pulled first, and when
// Edge's voices cannot be reached.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import JSZip from "jszip";
import { JobState, Stage } from "@lectra/proto";
import { FakeEdgeTts, FakeOllama } from "@lectra/fakes";
import { probe, repoRoot, wavSeconds } from "@lectra/testing";
import { run, startStack, type Stack } from "./stack";

const exec = promisify(execFile);
const TOPIC = "How vaccines train the immune system";

describe("a lecture from a topic, through an Ollama-compatible server", () => {
  let ollama: FakeOllama;
  let edge: FakeEdgeTts;
  let stack: Stack;
  let out: string;

  before(async () => {
    ollama = new FakeOllama({ models: ["llama3.1:8b"] });
    const host = await ollama.start();
    // Edge's address, with nothing listening: auto falls back to espeak-ng.
    edge = new FakeEdgeTts();
    await edge.start();
    await edge.stop();
    stack = await startStack({
      OLLAMA_HOST: host,
      LECTRA_LLM_PULL: "1",
      LECTRA_TTS_ENGINE: "auto",
      LECTRA_EDGE_TTS_URL: edge.wssUrl,
      LECTRA_EDGE_VOICES_URL: edge.voicesUrl,
    });
    out = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-topic-"));
  });

  after(async () => {
    await stack?.stop();
    await ollama?.stop();
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  it("`lectra generate --topic … --slides 5` produces the deck, the video and the captions", async () => {
    const cli = path.join(repoRoot, "cli", "bin", "lectra.js");
    const { stdout } = await exec(process.execPath, [cli, "generate", "--topic", TOPIC, "--slides", "5", "--out", out, "--orchestrator", stack.orchestratorAddress], {
      env: { ...process.env, ...stack.env },
    });
    assert.match(stdout, /SUCCEEDED/);
    for (const file of ["deck.pptx", "lecture.mp4", "lecture.md", "captions.vtt", "captions.srt", "narration.wav", "timings.json", "job.json"]) {
      assert.ok(fs.statSync(path.join(out, file)).size > 0, file);
    }
    const zip = await JSZip.loadAsync(fs.readFileSync(path.join(out, "deck.pptx")));
    assert.equal(Object.keys(zip.files).filter((f) => /^ppt\/slides\/slide\d+\.xml$/.test(f)).length, 5);
    const info = probe(path.join(out, "lecture.mp4"));
    assert.equal(info.chapters.length, 5);
    assert.ok(Math.abs(Number(info.format.duration) - wavSeconds(path.join(out, "narration.wav"))) <= 0.25);
    const job = JSON.parse(fs.readFileSync(path.join(out, "job.json"), "utf8"));
    assert.equal(job.topic, TOPIC);
    assert.equal(job.slideCount, 5);
    // The model wrote it: one outline call and one call per slide, each with a JSON schema as `format`.
    const kinds = ollama.chats.map((c) => c.kind);
    assert.equal(kinds.filter((k) => k === "outline").length, 1);
    assert.equal(kinds.filter((k) => k === "slide").length, 5);
    assert.ok(ollama.chats.every((c) => typeof c.format === "object" && c.format !== null));
  });

  it("Edge out of reach: espeak-ng speaks instead, and the job says so", async () => {
    // Edge's voice list is out of reach too, so the default is espeak's: ask for an Edge voice by name.
    const r = await run(stack.client, { source: { $case: "topic", value: TOPIC }, slideCount: 2, skipVideo: true, voice: "en-US-AriaNeural" });
    assert.equal(r.job?.state, JobState.JOB_STATE_SUCCEEDED, r.job?.error?.message);
    assert.ok(r.job!.warnings.some((w) => /espeak-ng spoke instead/.test(w)), r.job!.warnings.join("\n"));
    assert.ok(r.events.some((e) => e.kind?.$case === "warning" && /espeak-ng spoke instead/.test(e.kind.value)));
  });

  it("a missing model is pulled first, its progress reported as job events", async () => {
    ollama.models.clear();
    const r = await run(stack.client, { source: { $case: "topic", value: "Plate tectonics" }, slideCount: 1, skipVideo: true });
    assert.equal(r.job?.state, JobState.JOB_STATE_SUCCEEDED, r.job?.error?.message);
    assert.deepEqual(ollama.pulls, ["llama3.1:8b"]);
    const pulls = r.events.flatMap((e) => (e.kind?.$case === "modelPull" ? [e.kind.value] : []));
    assert.ok(pulls.length >= 2, "several progress events");
    assert.ok(pulls.some((p) => p.totalBytes > 0 && p.completedBytes > 0));
  });

  it("a model that keeps breaking the schema fails the job with a clear message, never an empty slide", async () => {
    ollama.answer("slide", "schema-breaking");
    try {
      const r = await run(stack.client, { source: { $case: "topic", value: "The water cycle" }, slideCount: 2 });
      assert.equal(r.job?.state, JobState.JOB_STATE_FAILED);
      assert.equal(r.job!.error!.stage, Stage.STAGE_CONTENT);
      assert.match(r.job!.error!.message, /stage\.content \(slide \d\) failed: llm service .*the model llama3\.1:8b .*after one repair/);
      assert.ok(!r.job!.artifacts.some((a) => a.name === "deck.pptx"), "no deck of empty slides");
    } finally {
      ollama.answer("slide", "valid");
    }
  });

  it("a fenced or first-time-invalid answer is repaired, and the job succeeds", async () => {
    ollama.answer("outline", "fenced").answer("slide", "fixed-after-repair");
    try {
      const r = await run(stack.client, { source: { $case: "topic", value: "Photosynthesis in deserts" }, slideCount: 2, skipVideo: true });
      assert.equal(r.job?.state, JobState.JOB_STATE_SUCCEEDED, r.job?.error?.message);
      assert.ok(ollama.chats.some((c) => c.repair), "a repair round-trip happened");
    } finally {
      ollama.answer("outline", "valid").answer("slide", "valid");
    }
  });
});

// Every job writes its lecture down as a script, lecture.md. A topic lecture
// written by a (fake) Ollama, given back through the CLI as `--script
// lecture.md`, is the same lecture again without asking the model anything:
// every per-slide stage comes from the services' caches. Edit one slide in it,
// and only that slide is redone. The model writes its slides the way models
// write Markdown (marks, broken lines, paragraphs that start like a heading or a
// bullet, a tag out of range), so lecture.md must escape, and the slides the llm
// service returns must already be in the form a script reads back.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import JSZip from "jszip";
import { FakeOllama } from "@lectra/fakes";
import { repoRoot } from "@lectra/testing";
import { startStack, type Stack } from "./stack";

const exec = promisify(execFile);
const PER_SLIDE = ["stage.image", "stage.tags", "stage.speech", "stage.frame", "stage.clip"];

describe("lecture.md: a lecture made again from what its job wrote down", () => {
  let ollama: FakeOllama;
  let stack: Stack;
  let out: string;

  before(async () => {
    ollama = new FakeOllama({ models: ["llama3.1:8b"] });
    stack = await startStack({ OLLAMA_HOST: await ollama.start() });
    out = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-lecture-md-"));
  });

  after(async () => {
    await stack?.stop();
    await ollama?.stop();
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  /** `lectra generate … --out <dir>` through the CLI, as a user runs it; returns the job record it downloaded. */
  const generate = async (dir: string, ...args: string[]) => {
    const cli = path.join(repoRoot, "cli", "bin", "lectra.js");
    const { stdout } = await exec(process.execPath, [cli, "generate", ...args, "--out", dir, "--orchestrator", stack.orchestratorAddress], {
      env: { ...process.env, ...stack.env },
    });
    assert.match(stdout, /SUCCEEDED/);
    return JSON.parse(fs.readFileSync(path.join(dir, "job.json"), "utf8")) as { traceId: string; artifacts: { name: string }[] };
  };

  /** Per stage, whether each slide's run came from the cache, from the job's trace. */
  const cacheHits = async (traceId: string) => {
    await stack.receiver.waitFor((spans) => spans.some((s) => s.traceId === traceId && s.name === "lectra.job"));
    const hits: Record<string, boolean[]> = {};
    for (const s of stack.receiver.trace(traceId).filter((s) => PER_SLIDE.includes(s.name))) {
      (hits[s.name] ??= [])[s.attributes["lectra.slide.index"] as number] = s.attributes["lectra.cache.hit"] === true;
    }
    return hits;
  };

  /** What the deck says to the speaker: every notes page's XML, in order. */
  const speakerNotes = async (dir: string) => {
    const zip = await JSZip.loadAsync(fs.readFileSync(path.join(dir, "deck.pptx")));
    const pages = Object.keys(zip.files).filter((f) => /^ppt\/notesSlides\/notesSlide\d+\.xml$/.test(f));
    pages.sort((a, b) => Number(/(\d+)\.xml$/.exec(a)![1]) - Number(/(\d+)\.xml$/.exec(b)![1]));
    return Promise.all(pages.map((p) => zip.file(p)!.async("string")));
  };
  const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), "utf8");

  let lectureMd = "";

  it("a topic lecture regenerated from its lecture.md: the same lecture, no model call, every slide's stages from the cache", async () => {
    ollama.answer("slide", "markdown");
    const first = path.join(out, "topic");
    const topicJob = await generate(first, "--topic", "How vaccines train the immune system", "--slides", "3");
    assert.ok(topicJob.artifacts.some((a) => a.name === "lecture.md"), "lecture.md is among the artifacts");
    lectureMd = read(first, "lecture.md");
    assert.match(lectureMd, /^# Understanding How vaccines train the immune system\nLanguage: en\n\n## \\_What How vaccines train the immune system is\\_\n- \\\*\\\*/);
    // Written so that it reads back as the model wrote it: escaped where a script would read it otherwise.
    assert.match(lectureMd, /^- - A worked example$/m);
    assert.match(lectureMd, /^\\# Then a worked example shows it in practice\. \\\[pause=3000ms\]$/m);
    assert.match(lectureMd, /^\\- Finally we sum up/m);
    assert.ok(ollama.chats.some((c) => c.kind === "slide"), "the model wrote the topic lecture");

    const asked = ollama.requests.length;
    const again = path.join(out, "again");
    const scriptJob = await generate(again, "--script", path.join(first, "lecture.md"));
    assert.equal(ollama.requests.length, asked, "no request reached the model");

    // The same slides, bullets and narration: the same lecture.md, timings and speaker notes.
    assert.equal(read(again, "lecture.md"), lectureMd);
    assert.deepEqual(JSON.parse(read(again, "timings.json")), JSON.parse(read(first, "timings.json")));
    const notes = await speakerNotes(again);
    assert.equal(notes.length, 3);
    assert.deepEqual(notes, await speakerNotes(first));

    const hits = await cacheHits(scriptJob.traceId);
    for (const stage of PER_SLIDE) assert.deepEqual(hits[stage], [true, true, true], `${stage} from the cache`);
  });

  it("editing one slide's narration in lecture.md redoes only that slide", async () => {
    assert.ok(lectureMd, "the first test wrote lecture.md");
    const slides = lectureMd.split("\n## ");
    const edited = slides[2].replace("We start with the core idea", "We begin with the central idea");
    assert.notEqual(edited, slides[2]);
    const chats = ollama.chats.length;

    const dir = path.join(out, "edited");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "lecture.md"), [...slides.slice(0, 2), edited, ...slides.slice(3)].join("\n## "));
    const job = await generate(dir, "--script", path.join(dir, "lecture.md"));
    const hits = await cacheHits(job.traceId);
    assert.deepEqual(hits["stage.image"], [true, true, true], "the picture query did not change");
    for (const stage of ["stage.tags", "stage.speech", "stage.frame", "stage.clip"]) {
      assert.deepEqual(hits[stage], [true, false, true], `${stage}: only slide 2 again`);
    }
    // The one question the model gets: how to speak the edited narration.
    const asked = ollama.chats.slice(chats);
    assert.deepEqual(asked.map((c) => c.kind), ["tags"]);
    assert.match(asked[0].messages.at(-1)!.content, /We begin with the central idea/);
  });
});

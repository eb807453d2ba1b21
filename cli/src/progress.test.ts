// What `lectra generate` shows when its output is not a terminal (CI logs,
// pipes): one plain line per job event on stderr, no bars, no carriage-return
// redraws, no colour codes; the summary on stdout. The orchestrator here is a
// stand-in in this process that streams a fixed job.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as grpc from "@grpc/grpc-js";
import { serveInProcess, type InProcessServer } from "@lectra/testing";
import { lectra } from "./testing/lectra-process";
import {
  DownloadArtifactResponse,
  GenerateResponse,
  Job,
  JobState,
  LectraServiceService,
  Stage,
  StageStatus,
  type JobEvent,
  type LectraServiceServer,
} from "@lectra/proto";

const DECK = Buffer.from("a deck");
const deck = { name: "lecture.pptx", mediaType: "application/vnd.ms-powerpoint", sizeBytes: DECK.length, sha256: createHash("sha256").update(DECK).digest("hex") };
const running = Job.fromPartial({ id: "job-1", state: JobState.JOB_STATE_RUNNING, topic: "Tides", slideCount: 2 });

type Kind = NonNullable<JobEvent["kind"]>;
const event = (progress: number, kind: Kind): GenerateResponse => GenerateResponse.fromPartial({ event: { jobId: "job-1", progress, kind } });
const stage = (progress: number, s: Stage, status: StageStatus, seconds: number, detail: string, slideIndex?: number) =>
  event(progress, { $case: "stage", value: { stage: s, status, seconds, detail, slideIndex } });
const pull = (status: string, completedBytes: number, totalBytes: number) =>
  event(0, { $case: "modelPull", value: { model: "llama3.1:8b", status, completedBytes, totalBytes } });

const EVENTS: GenerateResponse[] = [
  event(0, { $case: "started", value: running }),
  pull("pulling manifest", 0, 0),
  // A download reporting every 5 %: twenty-one reports.
  ...Array.from({ length: 21 }, (_, i) => pull("pulling 6a0746a1ec1a", i * 50, 1000)),
  pull("success", 0, 0),
  stage(0.05, Stage.STAGE_OUTLINE, StageStatus.STAGE_STATUS_STARTED, 0, ""),
  stage(0.1, Stage.STAGE_OUTLINE, StageStatus.STAGE_STATUS_FINISHED, 1.5, "2 slides"),
  stage(0.3, Stage.STAGE_CONTENT, StageStatus.STAGE_STATUS_FINISHED, 2.25, "ollama", 0),
  event(0.4, { $case: "warning", value: "slide 2: no picture found" }),
  stage(0.4, Stage.STAGE_IMAGE, StageStatus.STAGE_STATUS_FAILED, 0.5, "timed out", 1),
  event(0.9, { $case: "artifact", value: deck }),
  event(1, { $case: "finished", value: { ...running, state: JobState.JOB_STATE_SUCCEEDED, title: "Tides", artifacts: [deck] } }),
];

const implementation: Partial<LectraServiceServer> = {
  generate: (call) => {
    for (const e of EVENTS) call.write(e);
    call.end();
  },
  downloadArtifact: (call) => {
    call.write(DownloadArtifactResponse.fromPartial({ artifact: { ...deck, name: call.request.name }, chunk: DECK }));
    call.end();
  },
};

let orchestrator: InProcessServer;
let address: string;

before(async () => {
  orchestrator = await serveInProcess(LectraServiceService, implementation as grpc.UntypedServiceImplementation);
  address = orchestrator.address;
});

after(() => orchestrator?.stop());

describe("lectra generate without a terminal", () => {
  it("prints one plain line per event: no bars, no redraws, no colours, and a model download by tenths", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-cli-progress-"));
    const r = await lectra("generate", "--topic", "Tides", "--out", out, "--orchestrator", address);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stderr,
      [
        "  0% job job-1 started: Tides (2 slides)",
        "  0% model llama3.1:8b: pulling manifest",
        ...Array.from({ length: 11 }, (_, i) => `  0% model llama3.1:8b: pulling 6a0746a1ec1a ${i * 10}%`),
        "  0% model llama3.1:8b: success",
        " 10% outline done in 1.50 s (2 slides)",
        " 30% content slide 1 done in 2.25 s (ollama)",
        " 40% warning: slide 2: no picture found",
        " 40% image slide 2 FAILED in 0.50 s (timed out)",
        " 90% ready: lecture.pptx",
        "",
      ].join("\n"),
    );
    for (const text of [r.stderr, r.stdout]) assert.doesNotMatch(text, /[\r\x1b]/, "no carriage returns or escape codes");
    assert.match(r.stdout, /^\nTides — SUCCEEDED\n/);
    assert.match(r.stdout, new RegExp(`${path.join(out, "lecture.pptx").replace(/[.\\]/g, "\\$&")} +6 B\n`));
    assert.deepEqual(fs.readFileSync(path.join(out, "lecture.pptx")), DECK);
    fs.rmSync(out, { recursive: true, force: true });
  });
});

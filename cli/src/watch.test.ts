// `lectra generate --watch`: as soon as slide 1 is playable, the CLI says where
// the downloaded playlist is and how to play it; the playlist is put in the
// folder only after the segments it names, so a player started at once finds
// every file it reads. The orchestrator is a stand-in in this process whose
// segments download slowly.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as grpc from "@grpc/grpc-js";
import { serveInProcess, type InProcessServer } from "@lectra/testing";
import { DownloadArtifactResponse, GenerateResponse, Job, JobState, LectraServiceService, type JobEvent, type LectraServiceServer } from "@lectra/proto";
import { lectra } from "./testing/lectra-process";

const PLAYLIST = "#EXTM3U\n#EXT-X-TARGETDURATION:5\n#EXTINF:4.2,\nlecture-001.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:3.1,\nlecture-002.ts\n#EXT-X-ENDLIST\n";
const FILES: Record<string, Buffer> = {
  "lecture-001.ts": Buffer.from("segment one"),
  "lecture-002.ts": Buffer.from("segment two"),
  "lecture.m3u8": Buffer.from(PLAYLIST),
};
const artifact = (name: string) => ({ name, mediaType: "", sizeBytes: FILES[name].length, sha256: createHash("sha256").update(FILES[name]).digest("hex") });
const running = Job.fromPartial({ id: "job-1", state: JobState.JOB_STATE_RUNNING, title: "Tides", slideCount: 2 });

type Kind = NonNullable<JobEvent["kind"]>;
const event = (progress: number, kind: Kind) => GenerateResponse.fromPartial({ event: { jobId: "job-1", progress, kind } });
const EVENTS = [
  event(0, { $case: "started", value: running }),
  event(0.5, { $case: "artifact", value: artifact("lecture-001.ts") }),
  event(0.5, { $case: "artifact", value: artifact("lecture.m3u8") }),
  event(0.5, { $case: "playable", value: { playlist: "lecture.m3u8", slides: 1, seconds: 4.2 } }),
  event(0.7, { $case: "artifact", value: artifact("lecture-002.ts") }),
  event(0.7, { $case: "artifact", value: artifact("lecture.m3u8") }),
  event(0.7, { $case: "playable", value: { playlist: "lecture.m3u8", slides: 2, seconds: 7.3 } }),
  event(1, { $case: "finished", value: { ...running, state: JobState.JOB_STATE_SUCCEEDED, artifacts: Object.keys(FILES).map(artifact) } }),
];

let out = "";
/** Whether a playlist was already in the folder when a segment it names was still being downloaded. */
const playlistBeforeSegment: string[] = [];

const implementation: Partial<LectraServiceServer> = {
  generate: (call) => {
    for (const e of EVENTS) call.write(e);
    call.end();
  },
  downloadArtifact: (call) => {
    const name = call.request.name;
    const send = () => {
      if (name.endsWith(".ts") && fs.existsSync(path.join(out, "lecture.m3u8"))) playlistBeforeSegment.push(name);
      call.write(DownloadArtifactResponse.fromPartial({ artifact: name in FILES ? artifact(name) : undefined, chunk: FILES[name] ?? Buffer.from("{}") }));
      call.end();
    };
    if (name.endsWith(".ts")) setTimeout(send, 400);
    else send();
  },
};

let orchestrator: InProcessServer;

before(async () => {
  orchestrator = await serveInProcess(LectraServiceService, implementation as grpc.UntypedServiceImplementation);
  out = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-cli-watch-"));
});

after(() => {
  orchestrator?.stop();
  fs.rmSync(out, { recursive: true, force: true });
});


describe("lectra generate --watch", () => {
  it("says where to watch once slide 1 is playable, with every segment the playlist names already downloaded", async () => {
    const r = await lectra("generate", "--topic", "Tides", "--watch", "--out", out, "--orchestrator", address());
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.split("\n");
    assert.ok(lines.includes(" 50% slide 1 playable (4.2 s)"), r.stderr);
    assert.ok(lines.includes(" 70% slides 1–2 playable (7.3 s)"), r.stderr);
    const where = lines.filter((l) => l.startsWith("watch now: "));
    assert.deepEqual(where, [`watch now: ${path.join(out, "lecture.m3u8")}`], "said once");
    assert.ok(lines.some((l) => /^ {2}ffplay -live_start_index 0 \S*lecture\.m3u8$/.test(l)), r.stderr);
    assert.ok(lines.some((l) => /^ {2}mpv \S+ \S*lecture\.m3u8$/.test(l)), r.stderr);
    assert.deepEqual(playlistBeforeSegment, [], "the playlist is put in place only after its segments");
    for (const [name, bytes] of Object.entries(FILES)) assert.deepEqual(fs.readFileSync(path.join(out, name)), bytes, name);
  });

  it("refuses --no-video and --constant-frame-rate: there are no clips to watch", async () => {
    for (const option of ["--no-video", "--constant-frame-rate"]) {
      const r = await lectra("generate", "--topic", "Tides", "--watch", option, "--orchestrator", address());
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--watch/);
    }
  });
});

const address = () => orchestrator.address;

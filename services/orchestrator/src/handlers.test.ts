// The public API over real gRPC, in this process: the handlers on a loopback
// port, jobs on a real store, the five services faked at their client
// interface. What a caller sees: statuses that name the field, NOT_FOUND that
// says what there is, and a Generate stream that ends as its job does.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { status } from "@grpc/grpc-js";
import { GenerateRequest, JobState, type JobEvent } from "@lectra/proto";
import { DependencyError, type LectraClient } from "@lectra/clients";
import { newJobId } from "./jobs/store";
import { servePublicApi, type ServedApi } from "./testing/public-api";
import { FakeServices, untilAborted } from "./testing/downstreams";

const TOPIC = { source: { $case: "topic" as const, value: "How tides work" }, slideCount: 2 };

describe("LectraService in process", () => {
  const services = new FakeServices(["Tides", "The Moon"]);
  let api: ServedApi;
  let client: LectraClient;

  before(async () => {
    api = await servePublicApi(services);
    client = api.client;
  });
  after(() => api?.stop());

  const refused = (field: string, code = status.INVALID_ARGUMENT) => (e: unknown) =>
    e instanceof DependencyError && e.code === code && (code !== status.INVALID_ARGUMENT || e.details.startsWith(`${field}:`));

  async function generate(request: Partial<GenerateRequest>, signal?: AbortSignal) {
    const events: JobEvent[] = [];
    try {
      for await (const r of client.generate(GenerateRequest.fromPartial(request), { signal })) events.push(r.event!);
      return { events };
    } catch (error) {
      return { events, error: error as DependencyError };
    }
  }

  it("Generate streams the job from started to finished and ends OK", async () => {
    const { events, error } = await generate(TOPIC);
    assert.equal(error, undefined);
    assert.equal(events[0].kind?.$case, "started");
    const last = events.at(-1)!;
    assert.equal(last.kind?.$case, "finished");
    const job = (last.kind as { value: { id: string; state: JobState } }).value;
    assert.equal(job.state, JobState.JOB_STATE_SUCCEEDED);
    assert.equal((await client.getJob({ jobId: job.id })).job!.state, JobState.JOB_STATE_SUCCEEDED);

    const parts = [];
    for await (const part of client.downloadArtifact({ jobId: job.id, name: "captions.vtt" })) parts.push(part);
    assert.equal(parts[0].artifact!.name, "captions.vtt");
    assert.match(Buffer.concat(parts.map((p) => p.chunk)).toString(), /^WEBVTT/);
  });

  it("DownloadArtifact describes a small artifact by the bytes it sends, even one rewritten since the job recorded it", async () => {
    const { events } = await generate(TOPIC);
    const job = (events.at(-1)!.kind as { value: { id: string; artifacts: Array<{ name: string; sha256: string; sizeBytes: number }> } }).value;
    const recorded = job.artifacts.find((a) => a.name === "lecture.m3u8")!;
    // A rewrite that lands after the record was read, as the playlist's do while slides finish.
    const rewritten = fs.readFileSync(api.store.artifactPath(job.id, "lecture.m3u8"), "utf8").replace("#EXT-X-ENDLIST\n", "");
    fs.writeFileSync(api.store.artifactPath(job.id, "lecture.m3u8"), rewritten);
    const parts = [];
    for await (const part of client.downloadArtifact({ jobId: job.id, name: "lecture.m3u8" })) parts.push(part);
    const bytes = Buffer.concat(parts.map((p) => p.chunk));
    assert.equal(bytes.toString(), rewritten);
    assert.equal(parts[0].artifact!.sizeBytes, bytes.length);
    assert.equal(parts[0].artifact!.sha256, createHash("sha256").update(bytes).digest("hex"));
    assert.notEqual(parts[0].artifact!.sha256, recorded.sha256);
  });

  it("bad requests name their field, and no job is made", async () => {
    const before = (await client.listJobs({ pageSize: 100, pageToken: "" })).jobs.length;
    const r = await generate({ source: { $case: "topic", value: "x" } });
    assert.ok(refused("topic")(r.error), String(r.error));
    assert.equal(r.events.length, 0);
    await assert.rejects(client.listJobs({ pageSize: 101, pageToken: "" }), refused("page_size"));
    await assert.rejects(client.listJobs({ pageSize: 10, pageToken: "not a token" }), refused("page_token"));
    await assert.rejects(client.getJob({ jobId: "../../etc" }), refused("job_id"));
    await assert.rejects(client.getJob({ jobId: newJobId() }), refused("", status.NOT_FOUND));
    assert.equal((await client.listJobs({ pageSize: 100, pageToken: "" })).jobs.length, before);
  });

  it("an unknown voice is the speech service's INVALID_ARGUMENT, passed on", async () => {
    services.on("speech.resolveVoice", async (r) => {
      if (r.name === "nobody") throw new DependencyError("speech", "fake", status.INVALID_ARGUMENT, 'voice: "nobody" is not a voice');
      return undefined;
    });
    const r = await generate({ ...TOPIC, voice: "nobody" });
    assert.ok(refused("voice")(r.error), String(r.error));
  });

  it("the lecture's language picks the voice and reaches every call that depends on it", async () => {
    const languages = new Map<string, Set<string>>();
    const method = ["llm.outline", "llm.writeSlide", "llm.tagProsody", "speech.resolveVoice", "slides.renderFrames", "slides.buildDeck", "video.writeCaptions", "video.assembleVideo"] as const;
    for (const m of method) {
      services.on(m, (r) => {
        (languages.get(m) ?? languages.set(m, new Set()).get(m)!).add(r.language);
        return undefined;
      });
    }
    const { events, error } = await generate({ ...TOPIC, language: "hi" });
    assert.equal(error, undefined);
    const job = (events.at(-1)!.kind as { value: { language: string; voice: string; warnings: string[] } }).value;
    assert.equal(job.language, "hi");
    for (const m of method) assert.deepEqual([...(languages.get(m) ?? [])], ["hi"], m);
    assert.deepEqual(job.warnings, []);

    // A voice asked for by name that speaks another language: the job runs, and says so.
    const named = await generate({ ...TOPIC, language: "ja", voice: "en-voice" });
    const warned = (named.events.at(-1)!.kind as { value: { warnings: string[] } }).value.warnings;
    assert.ok(warned.some((w) => /en-voice speaks en-US, but the lecture is in ja/.test(w)), warned.join("\n"));
    for (const m of method) services.on(m, () => undefined);
  });

  it("an artifact the job does not have is NOT_FOUND, saying what it has; a path is refused", async () => {
    const { jobs } = await client.listJobs({ pageSize: 1, pageToken: "" });
    const id = jobs[0].id;
    const read = async (name: string) => {
      for await (const _ of client.downloadArtifact({ jobId: id, name }));
    };
    await assert.rejects(read("slides.pdf"), (e: DependencyError) => e.code === status.NOT_FOUND && /it has: .*deck\.pptx/.test(e.details));
    await assert.rejects(read("../job.json"), refused("name"));
  });

  it("a caller that goes away cancels its job", async () => {
    services.on("llm.writeSlide", (_, options) => untilAborted(options));
    const caller = new AbortController();
    const written = services.count("llm.writeSlide");
    const stream = client.generate(GenerateRequest.fromPartial(TOPIC), { signal: caller.signal });
    const id = (await stream.next()).value!.event!.jobId;
    while (services.count("llm.writeSlide") < written + 2) await new Promise((r) => setTimeout(r, 5));
    caller.abort();
    await assert.rejects(async () => {
      for await (const _ of stream);
    }, (e: DependencyError) => e.code === status.CANCELLED);
    let state = JobState.JOB_STATE_RUNNING;
    for (let i = 0; i < 200 && state === JobState.JOB_STATE_RUNNING; i++) {
      state = (await client.getJob({ jobId: id })).job!.state;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(state, JobState.JOB_STATE_CANCELLED);
  });
});

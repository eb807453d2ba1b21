import { after, describe, it, type TestContext } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { promises as fsPromises } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { status } from "@grpc/grpc-js";
import { trace } from "@opentelemetry/api";
import { GenerateRequest, Job, JobState, Stage } from "@lectra/proto";
import { RpcError, type Logger } from "@lectra/service-kit";
import { stageError } from "../pipeline/stage";
import { validateGenerate } from "../request";
import { FakeServices } from "../testing/downstreams";
import { Jobs } from "./registry";
import { JobStore, newJobId, writeFailure } from "./store";

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

// A write that fails must be a rejection someone awaits: one that nobody
// handles would kill the orchestrator (issue 9). Any, in any test, fails the file.
const unhandled: unknown[] = [];
process.on("unhandledRejection", (reason) => unhandled.push(reason));
after(() => assert.deepEqual(unhandled, [], "no write failure went unhandled"));

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-store-"));
  dirs.push(dir);
  return dir;
}

/** A logger that keeps its lines, to check what the store says. */
function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const line = (level: string) => (message: string, details?: Record<string, unknown>) => {
    const extra = details ? ` ${JSON.stringify(details, (_, v) => (v instanceof Error ? v.message : v))}` : "";
    lines.push(`${level} ${message}${extra}`);
  };
  return { lines, debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
}

/** A job record as a crashed orchestrator left it: written, never finished. */
function leftRunning(dir: string, state = JobState.JOB_STATE_RUNNING): string {
  const id = newJobId();
  writeRecord(dir, id, JSON.stringify(Job.toJSON(Job.fromPartial({ id, state, createTime: new Date(), title: "Tides" }))));
  return id;
}

function writeRecord(dir: string, folder: string, text: string): string {
  fs.mkdirSync(path.join(dir, "jobs", folder), { recursive: true });
  fs.writeFileSync(path.join(dir, "jobs", folder, "job.json"), text);
  return path.join(dir, "jobs", folder);
}

const onDisk = (dir: string, id: string) => Job.fromJSON(JSON.parse(fs.readFileSync(path.join(dir, "jobs", id, "job.json"), "utf8")));
const leftovers = (dir: string) => fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => /\.(partial|tmp)$|\.deleted-/.test(f));

type Op = "mkdir" | "open" | "write" | "sync" | "rename";

/**
 * Makes the store's file operations fail with `code` (ENOSPC: a full disk)
 * where `fails` says so, and logs every operation in `ops`. The store calls
 * node:fs/promises, so that is where the fault goes: no hook in the store.
 */
function inject(t: TestContext, fails: (op: Op, file: string) => boolean, code = "ENOSPC"): string[] {
  const ops: string[] = [];
  const real = { mkdir: fsPromises.mkdir, open: fsPromises.open, rename: fsPromises.rename };
  const check = (op: Op, file: string) => {
    ops.push(`${op} ${path.basename(file)}`);
    if (fails(op, file)) throw Object.assign(new Error(`${code}: injected failure, ${op} '${file}'`), { code, syscall: op, path: file });
  };
  t.mock.method(fsPromises, "mkdir", async (dir: string, options: fs.MakeDirectoryOptions) => {
    // Like a real full disk: a folder that is already there is no write.
    if (!fs.existsSync(dir)) check("mkdir", dir);
    return real.mkdir(dir, options);
  });
  t.mock.method(fsPromises, "rename", async (from: string, to: string) => {
    check("rename", to);
    return real.rename(from, to);
  });
  t.mock.method(fsPromises, "open", async (file: string, flags?: string, mode?: number) => {
    check("open", file);
    const handle = await real.open(file, flags, mode);
    const { write, writeFile, sync } = handle;
    const h = handle as unknown as Record<string, unknown>;
    h.write = async (...args: unknown[]) => (check("write", file), (write as (...a: unknown[]) => unknown).apply(handle, args));
    h.writeFile = async (...args: unknown[]) => (check("write", file), (writeFile as (...a: unknown[]) => unknown).apply(handle, args));
    h.sync = async () => (check("sync", file), sync.apply(handle));
    return handle;
  });
  return ops;
}

const isWrite = (op: Op) => op === "write" || op === "open" || op === "mkdir";

describe("the job store", () => {
  it("on restart, a job that was running or waiting is INTERRUPTED, on disk too", async () => {
    const dir = dataDir();
    const running = leftRunning(dir);
    const queued = leftRunning(dir, JobState.JOB_STATE_QUEUED);
    const store = new JobStore(dir, recorder());
    assert.deepEqual(await store.open(), { loaded: 2, interrupted: 2, skipped: 0, swept: 0 });
    const job = store.get(running);
    assert.equal(job.state, JobState.JOB_STATE_INTERRUPTED);
    assert.equal(job.error!.code, "ABORTED");
    assert.match(job.error!.message, /orchestrator stopped while this job was running/);
    assert.match(store.get(queued).error!.message, /stopped while this job was waiting/);
    assert.ok(job.finishTime);
    assert.equal(onDisk(dir, running).state, JobState.JOB_STATE_INTERRUPTED);
    assert.equal(onDisk(dir, queued).state, JobState.JOB_STATE_INTERRUPTED);
  });

  it("skips a folder whose record is missing, truncated or not a job, saying which and why; the rest load", async () => {
    const dir = dataDir();
    const good = leftRunning(dir, JobState.JOB_STATE_SUCCEEDED);
    const empty = writeRecord(dir, newJobId(), "{}");
    const truncated = writeRecord(dir, newJobId(), '{"id": "');
    const other = newJobId();
    const stranger = writeRecord(dir, newJobId(), JSON.stringify({ id: other, state: "JOB_STATE_FAILED", createTime: new Date().toISOString() }));
    const id = newJobId();
    const stateless = writeRecord(dir, id, JSON.stringify({ id, createTime: new Date().toISOString() }));
    const bogus = newJobId();
    const badState = writeRecord(dir, bogus, JSON.stringify({ id: bogus, state: "JOB_STATE_ASLEEP", createTime: new Date().toISOString() }));
    const array = writeRecord(dir, newJobId(), "[]");
    const bare = path.join(dir, "jobs", newJobId());
    fs.mkdirSync(bare);
    fs.mkdirSync(path.join(dir, "jobs", "not-a-job"));
    const log = recorder();
    const store = new JobStore(dir, log);
    assert.deepEqual(await store.open(), { loaded: 1, interrupted: 0, skipped: 8, swept: 0 });
    assert.deepEqual(store.list().map((j) => j.id), [good], "one bad record does not hide the others");
    const said = (folder: string, why: RegExp) =>
      assert.ok(log.lines.some((l) => l.startsWith("warn ") && l.includes(folder) && why.test(l)), `a line about ${folder} matching ${why}:\n${log.lines.join("\n")}`);
    said(empty, /job\.json is not this folder's job \(its id is ""\)/);
    said(truncated, /job\.json is not JSON \(8 bytes, truncated\?\)/);
    said(stranger, new RegExp(`not this folder's job \\(its id is "${other}"\\)`));
    said(stateless, /has no state/);
    said(badState, /not a job record: Unrecognized enum value JOB_STATE_ASLEEP/);
    said(array, /not a job record \(not a JSON object\)/);
    said(bare, /it has no job\.json/);
    said(path.join(dir, "jobs", "not-a-job"), /not a job folder/);
  });

  it("sweeps the temporary files and half-deleted folders a crash left, and nothing else", async () => {
    const dir = dataDir();
    const id = leftRunning(dir, JobState.JOB_STATE_FAILED);
    const job = path.join(dir, "jobs", id);
    for (const f of ["deck.pptx.4242-1.partial", "job.json.4242-7.tmp", "request.json.9-9.tmp"]) fs.writeFileSync(path.join(job, f), "half");
    fs.writeFileSync(path.join(job, "captions.vtt"), "WEBVTT\n");
    fs.mkdirSync(path.join(dir, "jobs", `.deleted-${newJobId()}-4242-3`, "sub"), { recursive: true });
    const store = new JobStore(dir, recorder());
    assert.deepEqual(await store.open(), { loaded: 1, interrupted: 0, skipped: 0, swept: 4 });
    assert.deepEqual(leftovers(dir), []);
    assert.deepEqual(fs.readdirSync(job).sort(), ["captions.vtt", "job.json"]);
  });

  it("refuses job ids and artifact names that are not plain names", async () => {
    const store = new JobStore(dataDir(), recorder());
    await store.open();
    const refused = (f: () => unknown, field: string) =>
      assert.throws(f, (e: unknown) => e instanceof RpcError && e.code === status.INVALID_ARGUMENT && e.message.startsWith(`${field}:`));
    refused(() => store.get("../../etc"), "job_id");
    refused(() => store.artifactPath(newJobId(), "../job.json"), "name");
    refused(() => store.artifactPath(newJobId(), "/etc/passwd"), "name");
    assert.throws(() => store.get(newJobId()), (e: unknown) => e instanceof RpcError && e.code === status.NOT_FOUND);
  });

  it("an artifact appears under its name only when finished; an aborted one leaves nothing", async () => {
    const store = new JobStore(dataDir(), recorder());
    await store.open();
    const id = newJobId();
    const kept = store.artifactWriter(id, "deck.pptx", "application/octet-stream");
    await kept.write(Buffer.from("abc"));
    assert.equal(fs.existsSync(store.artifactPath(id, "deck.pptx")), false);
    const artifact = await kept.finish();
    assert.deepEqual([artifact.name, artifact.sizeBytes], ["deck.pptx", 3]);
    const dropped = store.artifactWriter(id, "lecture.mp4", "video/mp4");
    await dropped.write(Buffer.from("half"));
    await dropped.abort();
    assert.deepEqual(fs.readdirSync(store.jobDir(id)), ["deck.pptx"]);
  });

  it("a record and an artifact reach the disk before their names do: fsync the file, rename, fsync the folder", async (t) => {
    const store = new JobStore(dataDir(), recorder());
    await store.open();
    const ops = inject(t, () => false);
    const job = Job.fromPartial({ id: newJobId(), state: JobState.JOB_STATE_RUNNING, createTime: new Date() });
    await store.save(job);
    const syncs = (name: string) => ops.filter((o) => o.includes(name) || o === `sync ${job.id}` || o === `open ${job.id}`);
    /** The temporary file written and synced, renamed into place, then its folder synced. */
    const safely = (name: string, temp: string) => [...["open", "write", "sync"].map((op) => `${op} ${name}.${temp}`), `rename ${name}`, `open ${job.id}`, `sync ${job.id}`];
    assert.deepEqual(syncs("job.json").map((o) => o.replace(/\.\d+-\d+\.tmp$/, ".TMP")), safely("job.json", "TMP"));
    ops.length = 0;
    await store.writeArtifact(job.id, "timings.json", "application/json", Buffer.from("{}"));
    assert.deepEqual(syncs("timings.json").map((o) => o.replace(/\.\d+-\d+\.partial$/, ".PARTIAL")), safely("timings.json", "PARTIAL"));
  });
});

describe("a full disk fails the write, never the process", () => {
  it("an artifact that cannot be written rejects, naming the disk, the file and the folder, and leaves no .partial", async (t) => {
    const store = new JobStore(dataDir(), recorder());
    await store.open();
    const id = newJobId();
    await store.writeArtifact(id, "captions.vtt", "text/vtt", Buffer.from("WEBVTT\n"));
    inject(t, (op, file) => op === "write" && file.includes("deck.pptx"));
    const writer = store.artifactWriter(id, "deck.pptx", "application/octet-stream");
    const failure = await writer.write(Buffer.alloc(1000)).then(
      () => assert.fail("the write succeeded"),
      (e: unknown) => e,
    );
    assert.ok(failure instanceof RpcError);
    assert.equal(failure.code, status.RESOURCE_EXHAUSTED);
    assert.equal(failure.message, `the disk is full: cannot write deck.pptx under ${store.jobDir(id)} (ENOSPC)`);
    await writer.abort(); // what streamToArtifact does; harmless after the writer cleaned up itself
    assert.deepEqual(fs.readdirSync(store.jobDir(id)), ["captions.vtt"]);
    // The stage that wrote it fails with it, as runStage words it.
    assert.equal(stageError(Stage.STAGE_DECK, undefined, failure).message, `stage.deck failed: the disk is full: cannot write deck.pptx under ${store.jobDir(id)} (ENOSPC)`);
  });

  it("every step of an artifact's write can fail, each a rejection: creating its folder, opening, syncing, renaming", async (t) => {
    const store = new JobStore(dataDir(), recorder());
    await store.open();
    for (const step of ["mkdir", "open", "sync", "rename"] as Op[]) {
      await t.test(step, async (t) => {
        const id = newJobId();
        inject(t, (op, file) => op === step && (file.includes("lecture.mp4") || file.endsWith(id)), "EDQUOT");
        // Creating the writer never throws: the failure comes from a call the caller awaits.
        const writer = store.artifactWriter(id, "lecture.mp4", "video/mp4");
        const attempt = async () => {
          await writer.write(Buffer.from("frames"));
          await writer.finish();
        };
        await assert.rejects(attempt, (e: unknown) => e instanceof RpcError && e.code === status.RESOURCE_EXHAUSTED && /^the disk is full: cannot write lecture\.mp4 under .* \(EDQUOT\)$/.test(e.message));
        await writer.abort();
        assert.deepEqual(leftovers(store.jobsDir), [], `${step}: nothing half-written is left`);
        assert.equal(fs.existsSync(store.artifactPath(id, "lecture.mp4")), false);
      });
    }
  });

  it("other write errors say what failed, and where", async (t) => {
    const store = new JobStore(dataDir(), recorder());
    await store.open();
    const id = newJobId();
    inject(t, (op) => op === "open", "EACCES");
    await assert.rejects(store.writeArtifact(id, "narration.wav", "audio/wav", Buffer.from("RIFF")), (e: unknown) => {
      assert.ok(e instanceof RpcError);
      assert.equal(e.code, status.INTERNAL);
      assert.equal(e.message, `cannot write narration.wav under ${store.jobDir(id)}: injected failure (EACCES)`);
      return true;
    });
    assert.equal(writeFailure(Object.assign(new Error("EIO: i/o error, write"), { code: "EIO" }), "/data/jobs/x/deck.pptx").message, "cannot write deck.pptx under /data/jobs/x: i/o error (EIO)");
  });

  it("a record that cannot be saved keeps the old one on disk and the new state in memory", async (t) => {
    const dir = dataDir();
    const store = new JobStore(dir, recorder());
    await store.open();
    const job = Job.fromPartial({ id: newJobId(), state: JobState.JOB_STATE_RUNNING, createTime: new Date() });
    await store.save(job);
    inject(t, (op) => op === "write");
    const ended = { ...job, state: JobState.JOB_STATE_FAILED, finishTime: new Date() };
    await assert.rejects(store.save(ended), { message: `the disk is full: cannot write job.json under ${store.jobDir(job.id)} (ENOSPC)` });
    assert.equal(store.get(job.id).state, JobState.JOB_STATE_FAILED, "GetJob answers with the real state");
    assert.equal(onDisk(dir, job.id).state, JobState.JOB_STATE_RUNNING, "the old record is intact");
    assert.deepEqual(leftovers(dir), []);
  });

  it("the orchestrator starts on a full disk: records load, INTERRUPTED is kept in memory and logged", async (t) => {
    const dir = dataDir();
    const id = leftRunning(dir);
    fs.writeFileSync(path.join(dir, "jobs", id, "deck.pptx.77-1.partial"), "");
    const log = recorder();
    inject(t, isWrite);
    const store = new JobStore(dir, log);
    assert.deepEqual(await store.open(), { loaded: 1, interrupted: 1, skipped: 0, swept: 1 });
    assert.equal(store.get(id).state, JobState.JOB_STATE_INTERRUPTED);
    assert.equal(onDisk(dir, id).state, JobState.JOB_STATE_RUNNING);
    assert.ok(log.lines.some((l) => l.startsWith("error cannot save job record") && l.includes(id) && l.includes("the disk is full")), log.lines.join("\n"));
    assert.deepEqual(leftovers(dir), []);
  });

  it("with no room even for the jobs folder it starts with no jobs; a data dir that is not a folder stops it, saying where", async (t) => {
    const log = recorder();
    const full = new JobStore(path.join(dataDir(), "new"), log);
    inject(t, isWrite);
    assert.deepEqual(await full.open(), { loaded: 0, interrupted: 0, skipped: 0, swept: 0 });
    assert.ok(log.lines.some((l) => /cannot create the jobs folder .*new\/jobs: the disk is full \(ENOSPC\)/.test(l)), log.lines.join("\n"));
    t.mock.restoreAll();
    const file = path.join(dataDir(), "a-file");
    fs.writeFileSync(file, "");
    await assert.rejects(new JobStore(file, log).open(), { message: new RegExp(`^cannot create the jobs folder ${file}/jobs: .*\\((ENOTDIR|EEXIST)\\)$`) });
  });

  /** A store on a fresh data dir, and jobs that run on it against the faked services. */
  async function jobsOnDisk() {
    const dir = dataDir();
    const store = new JobStore(dir, recorder());
    await store.open();
    const log = recorder();
    return { dir, store, log, jobs: new Jobs(store, new FakeServices().clients, trace.getTracer("test"), log, { maxRunning: 4, maxQueued: 16, slidesAtOnce: 12 }) };
  }

  it("a job whose deck cannot be written FAILS naming stage, disk and file; its record is saved and the store answers", async (t) => {
    const { dir, store, jobs } = await jobsOnDisk();
    inject(t, (op, file) => op === "write" && file.includes("deck.pptx"));
    const raw = GenerateRequest.fromPartial({ source: { $case: "topic", value: "How tides work" }, slideCount: 3, voice: "fake-voice", skipVideo: true });
    const job = await (await jobs.start(validateGenerate(raw), raw, () => {})).done;
    assert.equal(job.state, JobState.JOB_STATE_FAILED);
    assert.equal(job.error!.code, "RESOURCE_EXHAUSTED");
    assert.equal(job.error!.stage, Stage.STAGE_DECK);
    assert.equal(job.error!.message, `stage.deck failed: the disk is full: cannot write deck.pptx under ${store.jobDir(job.id)} (ENOSPC)`);
    assert.equal(onDisk(dir, job.id).state, JobState.JOB_STATE_FAILED);
    assert.deepEqual(leftovers(dir), []);
    t.mock.restoreAll();
    // A step without a stage (narration) keeps the store's words and code too.
    inject(t, (op, file) => op === "write" && file.includes("narration.wav"));
    const second = await (await jobs.start(validateGenerate(raw), raw, () => {})).done;
    assert.equal(second.state, JobState.JOB_STATE_FAILED);
    assert.equal(second.error!.code, "RESOURCE_EXHAUSTED");
    assert.match(second.error!.message, /^the disk is full: cannot write narration\.wav under .* \(ENOSPC\)$/);
  });

  it("a job whose every record save fails still ends, logged, with its end state in memory", async (t) => {
    const { store, log, jobs } = await jobsOnDisk();
    inject(t, (op, file) => op === "write" && path.basename(file).startsWith("job.json"));
    const raw = GenerateRequest.fromPartial({ source: { $case: "topic", value: "How tides work" }, slideCount: 2, voice: "fake-voice", skipVideo: true });
    const job = await (await jobs.start(validateGenerate(raw), raw, () => {})).done;
    assert.equal(job.state, JobState.JOB_STATE_SUCCEEDED, job.error?.message);
    assert.equal(store.get(job.id).state, JobState.JOB_STATE_SUCCEEDED);
    assert.deepEqual(store.list().map((j) => j.id), [job.id]);
    assert.ok(log.lines.some((l) => l.startsWith("error cannot save job record") && l.includes("the disk is full: cannot write job.json")), log.lines.join("\n"));
    assert.equal(fs.existsSync(path.join(store.jobDir(job.id), "job.json")), false);
  });
});

describe("the store's API for resuming, deleting and sweeping jobs", () => {
  const request = GenerateRequest.fromPartial({ source: { $case: "script", value: "# Tides\n\n## One\n- a\n\nSpoken." }, voice: "en-x", skipVideo: true });

  async function withJobs(...jobs: Partial<Job>[]) {
    const dir = dataDir();
    const store = new JobStore(dir, recorder());
    await store.open();
    for (const j of jobs) await store.save(Job.fromPartial({ createTime: new Date(), ...j }));
    return { dir, store };
  }

  it("keeps a job's request next to its record, and gives it back; none for an older job", async () => {
    const id = newJobId();
    const { store } = await withJobs({ id, state: JobState.JOB_STATE_FAILED });
    assert.equal(await store.loadRequest(id), undefined);
    await store.saveRequest(id, request);
    assert.deepEqual(await store.loadRequest(id), request);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(store.jobDir(id), "request.json"), "utf8")), GenerateRequest.toJSON(request));
    assert.deepEqual(store.get(id).artifacts, [], "request.json is not an artifact");
    fs.writeFileSync(path.join(store.jobDir(id), "request.json"), '{"scr');
    await assert.rejects(store.loadRequest(id), (e: unknown) => e instanceof RpcError && e.code === status.DATA_LOSS && e.message.includes("request.json under"));
  });

  it("a request that cannot be saved rejects naming the disk and the file", async (t) => {
    const id = newJobId();
    const { store } = await withJobs({ id, state: JobState.JOB_STATE_RUNNING });
    inject(t, (op) => op === "write");
    await assert.rejects(store.saveRequest(id, request), { message: `the disk is full: cannot write request.json under ${store.jobDir(id)} (ENOSPC)` });
    assert.deepEqual(leftovers(store.jobsDir), []);
  });

  it("deletes a job: its folder goes at once, it is no longer listed, and a second delete is NOT_FOUND", async () => {
    const id = newJobId();
    const kept = newJobId();
    const { dir, store } = await withJobs({ id, state: JobState.JOB_STATE_SUCCEEDED }, { id: kept, state: JobState.JOB_STATE_SUCCEEDED });
    await store.writeArtifact(id, "deck.pptx", "application/octet-stream", Buffer.from("pk"));
    await store.delete(id);
    assert.deepEqual(fs.readdirSync(store.jobsDir), [kept]);
    assert.deepEqual(store.list().map((j) => j.id), [kept]);
    assert.throws(() => store.get(id), (e: unknown) => e instanceof RpcError && e.code === status.NOT_FOUND);
    await assert.rejects(store.delete(id), (e: unknown) => e instanceof RpcError && e.code === status.NOT_FOUND);
    assert.deepEqual((await new JobStore(dir, recorder()).open()).loaded, 1, "it stays deleted after a restart");
  });

  it("deletes a job whose record never reached the disk", async (t) => {
    const { store } = await withJobs();
    const id = newJobId();
    const fails = inject(t, (op, file) => op === "write" && file.includes(id));
    await assert.rejects(store.save(Job.fromPartial({ id, state: JobState.JOB_STATE_FAILED, createTime: new Date() })));
    assert.ok(fails.length > 0);
    fs.rmSync(store.jobDir(id), { recursive: true, force: true });
    await store.delete(id);
    assert.deepEqual(store.list(), []);
  });

  it("tells the bytes a job's files take, and follows new writes", async () => {
    const id = newJobId();
    const { store } = await withJobs({ id, state: JobState.JOB_STATE_RUNNING });
    const record = fs.statSync(path.join(store.jobDir(id), "job.json")).size;
    assert.equal(store.sizeBytes(id), record);
    await store.writeArtifact(id, "deck.pptx", "application/octet-stream", Buffer.alloc(5000));
    assert.equal(store.sizeBytes(id), record + 5000);
    await store.saveRequest(id, request);
    assert.equal(store.sizeBytes(id), record + 5000 + fs.statSync(path.join(store.jobDir(id), "request.json")).size);
    assert.equal(store.sizeBytes(newJobId()), 0, "nothing written, nothing taken");
  });

  it("sweeps the jobs that ended before the cut-off, and only those", async () => {
    const now = Date.parse("2025-06-30T12:00:00Z");
    const daysAgo = (d: number) => new Date(now - d * 86_400_000);
    const old = { id: newJobId(), state: JobState.JOB_STATE_SUCCEEDED, finishTime: daysAgo(31) };
    const oldFailed = { id: newJobId(), state: JobState.JOB_STATE_FAILED, finishTime: daysAgo(40) };
    const recent = { id: newJobId(), state: JobState.JOB_STATE_CANCELLED, finishTime: daysAgo(29) };
    const running = { id: newJobId(), state: JobState.JOB_STATE_RUNNING, createTime: daysAgo(90), finishTime: daysAgo(60) };
    const queued = { id: newJobId(), state: JobState.JOB_STATE_QUEUED, createTime: daysAgo(90) };
    const { store } = await withJobs(old, oldFailed, recent, running, queued);
    assert.deepEqual((await store.sweepOlderThan(30, now)).sort(), [old.id, oldFailed.id].sort());
    assert.deepEqual(store.list().map((j) => j.id).sort(), [recent.id, running.id, queued.id].sort());
    assert.deepEqual(fs.readdirSync(store.jobsDir).sort(), [recent.id, running.id, queued.id].sort());
    assert.deepEqual(await store.sweepOlderThan(30, now), []);
    await assert.rejects(store.sweepOlderThan(-1), RangeError);
    await assert.rejects(store.sweepOlderThan(Number.NaN), RangeError);
  });
});

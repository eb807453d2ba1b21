// A full disk fails the job, not the orchestrator (issue 9): the orchestrator's
// data dir is a 1 MiB disk; a 6-slide job fails saying the disk is full and
// which file it could not write, the orchestrator keeps serving, and it starts
// again on the full disk, sweeping what a crash left and skipping (and naming)
// records that are not jobs.
//
// The disk is a real 1 MiB tmpfs when the test runs as root and may mount one
// (CI does). Elsewhere the orchestrator is given a simulated one
// (testing/small-disk.ts, loaded with --require: no hook in the service), and
// the test says so in its output. LECTRA_TEST_DISK=simulated forces that variant.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { status } from "@grpc/grpc-js";
import { Job, JobState } from "@lectra/proto";
import { checkHealth } from "@lectra/clients";
import { run, script, startStack, type Stack } from "./stack";

const DISK_BYTES = 1 << 20;

interface SmallDisk {
  dir: string;
  /** What the test runs on, for its output. */
  variant: string;
  /** What the services need to see it. */
  env: NodeJS.ProcessEnv;
  /** Fills what room is left. */
  fill(): void;
  dispose(): void;
}

function tmpfsDisk(): SmallDisk | string {
  if (process.getuid?.() !== 0) return "not running as root";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-full-disk-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${DISK_BYTES}`, "tmpfs", dir], { stdio: "pipe" });
  } catch (error) {
    fs.rmdirSync(dir);
    return `cannot mount a tmpfs: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
  }
  return {
    dir,
    variant: `a real 1 MiB tmpfs at ${dir}`,
    env: {},
    fill() {
      // Down to single bytes: tmpfs hands out whole pages, so a small write can still find room.
      const fd = fs.openSync(path.join(dir, "filler"), "a");
      try {
        for (let chunk = 64 * 1024; chunk >= 1; chunk = Math.floor(chunk / 4)) {
          try {
            for (;;) fs.writeSync(fd, Buffer.alloc(chunk));
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
          }
        }
      } finally {
        fs.closeSync(fd);
      }
    },
    dispose() {
      execFileSync("umount", [dir]);
      fs.rmdirSync(dir);
    },
  };
}

function simulatedDisk(why: string): SmallDisk {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-full-disk-"));
  const preload = path.join(__dirname, "testing", "small-disk.js");
  return {
    dir,
    variant: `a simulated 1 MiB disk (${why}): ENOSPC from ${preload} loaded into the services`,
    env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${preload}`.trim(), LECTRA_TEST_DISK_DIR: dir, LECTRA_TEST_DISK_BYTES: String(DISK_BYTES) },
    fill() {
      fs.writeFileSync(path.join(dir, "filler"), Buffer.alloc(DISK_BYTES));
    },
    dispose() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every temporary file or half-deleted folder under `dir`. */
const leftovers = (dir: string) =>
  fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => /\.(partial|tmp)$|\.deleted-/.test(f));

/** "[stage.x failed: ]the disk is full: cannot write <file> under <folder> (ENOSPC)": the file and folder. */
const DISK_FULL = /^(?:stage\.\w+(?: \(slide \d+\))? failed: )?the disk is full: cannot write ([\w.]+) under (\S+) \((ENOSPC|EDQUOT)\)$/;

describe("a full disk", () => {
  let stack: Stack;
  let disk: SmallDisk;
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-cache-"));
  let failed: Job;

  before(async () => {
    const forced = process.env.LECTRA_TEST_DISK === "simulated";
    const real = forced ? "LECTRA_TEST_DISK=simulated" : tmpfsDisk();
    disk = typeof real === "string" ? simulatedDisk(real) : real;
    // Not a quiet substitute: the output says which disk this run had.
    console.log(`# faults-disk: the orchestrator's data dir is ${disk.variant}`);
    // The services' result caches live elsewhere: only the orchestrator's jobs are on the small disk.
    stack = await startStack({ LECTRA_DATA_DIR: disk.dir, LECTRA_CACHE_DIR: cacheDir, ...disk.env });
  });
  after(async () => {
    await stack?.stop();
    disk?.dispose();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it("a 6-slide job FAILS naming the disk and the file; the orchestrator keeps serving", async () => {
    const r = await run(stack.client, { source: { $case: "script", value: script(6, 3) } });
    assert.equal(r.job?.state, JobState.JOB_STATE_FAILED, `expected FAILED, got ${JSON.stringify(r.job?.error)} (${r.error?.message})`);
    failed = r.job!;
    const said = DISK_FULL.exec(failed.error!.message);
    assert.ok(said, `the job's error names the disk and the file: ${failed.error!.message}`);
    assert.equal(said[2], path.join(disk.dir, "jobs", failed.id), "it names the job's folder");
    assert.equal(failed.error!.code, "RESOURCE_EXHAUSTED");
    assert.equal(r.error?.code, status.RESOURCE_EXHAUSTED);
    assert.ok(!failed.artifacts.some((a) => a.name === said[1]), `${said[1]} is not listed`);
    console.log(`# faults-disk: the job failed with "${failed.error!.message}"`);

    const orchestrator = stack.services.get("orchestrator")!;
    assert.equal(orchestrator.child.exitCode, null, "the orchestrator is still running");
    assert.equal(await checkHealth(orchestrator.address), "SERVING");
    const listed = (await stack.client.listJobs({ pageSize: 100, pageToken: "" })).jobs;
    assert.deepEqual(listed.map((j) => [j.id, j.state]), [[failed.id, JobState.JOB_STATE_FAILED]]);
    assert.equal((await stack.client.getJob({ jobId: failed.id })).job?.error?.message, failed.error!.message);
    assert.deepEqual(leftovers(disk.dir), [], "nothing half-written is left");
    // What the job made before the disk filled is intact and downloads.
    for (const a of failed.artifacts) {
      let bytes = 0;
      for await (const part of stack.client.downloadArtifact({ jobId: failed.id, name: a.name })) bytes += part.chunk.length;
      assert.equal(bytes, a.sizeBytes, `${a.name} downloads whole`);
    }
  });

  it("restarted on the full disk, it starts, lists the job, sweeps leftovers and names the records it skips", async () => {
    assert.ok(failed, "the first test made a failed job");
    const orchestrator = stack.services.get("orchestrator")!;
    assert.equal(await orchestrator.stop("SIGTERM"), 0, "the orchestrator shut down cleanly");

    // What a crash leaves: temporary files (empty, so sweeping them frees no room),
    // a job still RUNNING, a record that is not a job and one cut short.
    const jobs = path.join(disk.dir, "jobs");
    fs.writeFileSync(path.join(jobs, failed.id, "lecture.mp4.4242-9.partial"), "");
    fs.writeFileSync(path.join(jobs, failed.id, "job.json.4242-10.tmp"), "");
    const crashed = { ...failed, id: "0c0ffee0-0000-4000-8000-000000000001", state: JobState.JOB_STATE_RUNNING, error: undefined, finishTime: undefined };
    fs.mkdirSync(path.join(jobs, crashed.id));
    fs.writeFileSync(path.join(jobs, crashed.id, "job.json"), JSON.stringify(Job.toJSON(crashed)));
    const notAJob = path.join(jobs, "0c0ffee0-0000-4000-8000-000000000002");
    fs.mkdirSync(notAJob);
    fs.writeFileSync(path.join(notAJob, "job.json"), "{}");
    const truncated = path.join(jobs, "0c0ffee0-0000-4000-8000-000000000003");
    fs.mkdirSync(truncated);
    fs.writeFileSync(path.join(truncated, "job.json"), JSON.stringify(Job.toJSON(failed)).slice(0, 40));
    disk.fill();

    const restarted = await stack.startOrchestrator({ LECTRA_LOG_LEVEL: "info" });
    const logs = restarted.logs();
    const listed = (await stack.client.listJobs({ pageSize: 100, pageToken: "" })).jobs;
    assert.deepEqual(listed.map((j) => j.id).sort(), [failed.id, crashed.id].sort(), "ListJobs answers, with every real job");
    assert.equal((await stack.client.getJob({ jobId: failed.id })).job?.error?.message, failed.error!.message);
    const lost = (await stack.client.getJob({ jobId: crashed.id })).job!;
    assert.equal(lost.state, JobState.JOB_STATE_INTERRUPTED, "a job left RUNNING is INTERRUPTED, in memory though the disk is full");

    assert.match(logs, new RegExp(`skipped job folder ${notAJob}: its job\\.json is not this folder's job`), logs);
    assert.match(logs, new RegExp(`skipped job folder ${truncated}: its job\\.json is not JSON \\(40 bytes, truncated\\?\\)`), logs);
    assert.match(logs, new RegExp(`cannot save job record job=${crashed.id} error="the disk is full: cannot write job\\.json under`), logs);
    assert.match(logs, /jobs in .* loaded=2 interrupted=1 skipped=2 swept=2/, logs);
    assert.deepEqual(leftovers(disk.dir), [], "the crash's temporary files are swept");
  });

  it("a job asked for on the full disk fails saying so, leaves no job looking alive, and the orchestrator keeps serving", async () => {
    const r = await run(stack.client, { source: { $case: "script", value: script(1, 1) }, skipVideo: true });
    // Refused before it runs, or run and failed at its first write: either way the caller hears why.
    assert.equal(r.error?.code, status.RESOURCE_EXHAUSTED, r.error?.message);
    assert.match(r.job?.error?.message ?? r.error!.details, DISK_FULL);
    const listed = (await stack.client.listJobs({ pageSize: 100, pageToken: "" })).jobs;
    const alive = listed.filter((j) => j.state === JobState.JOB_STATE_RUNNING || j.state === JobState.JOB_STATE_QUEUED);
    assert.deepEqual(alive.map((j) => `${j.id} ${JobState[j.state]}`), [], "no job is listed as running or waiting that is not");
    if (r.job) assert.ok(listed.some((j) => j.id === r.job!.id && j.state === JobState.JOB_STATE_FAILED), "it is listed with its end state, kept in memory");
    assert.equal(await checkHealth(stack.services.get("orchestrator")!.address), "SERVING");
    assert.deepEqual(leftovers(disk.dir), []);
  });
});

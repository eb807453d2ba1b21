import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { status } from "@grpc/grpc-js";
import { Job, JobState } from "@lectra/proto";
import { RpcError } from "@lectra/service-kit";
import { JobStore, newJobId } from "./store";

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-store-"));
  dirs.push(dir);
  return dir;
}

/** A job record as a crashed orchestrator left it: written, never finished. */
function leftRunning(dir: string): string {
  const id = newJobId();
  fs.mkdirSync(path.join(dir, "jobs", id), { recursive: true });
  const job = Job.fromPartial({ id, state: JobState.JOB_STATE_RUNNING, createTime: new Date(), title: "Tides" });
  fs.writeFileSync(path.join(dir, "jobs", id, "job.json"), JSON.stringify(Job.toJSON(job)));
  return id;
}

describe("the job store", () => {
  it("on restart, a job that was running is INTERRUPTED, on disk too", async () => {
    const dir = dataDir();
    const id = leftRunning(dir);
    const store = new JobStore(dir);
    assert.deepEqual(await store.open(), { loaded: 1, interrupted: 1 });
    const job = store.get(id);
    assert.equal(job.state, JobState.JOB_STATE_INTERRUPTED);
    assert.equal(job.error!.code, "ABORTED");
    assert.match(job.error!.message, /orchestrator stopped while this job was running/);
    assert.ok(job.finishTime);
    const onDisk = Job.fromJSON(JSON.parse(fs.readFileSync(path.join(dir, "jobs", id, "job.json"), "utf8")));
    assert.equal(onDisk.state, JobState.JOB_STATE_INTERRUPTED);
  });

  it("a folder without a readable record is not a job", async () => {
    const dir = dataDir();
    leftRunning(dir);
    fs.mkdirSync(path.join(dir, "jobs", newJobId()));
    const torn = path.join(dir, "jobs", newJobId());
    fs.mkdirSync(torn);
    fs.writeFileSync(path.join(torn, "job.json"), '{"id": "');
    assert.equal((await new JobStore(dir).open()).loaded, 1);
  });

  it("refuses job ids and artifact names that are not plain names", async () => {
    const store = new JobStore(dataDir());
    await store.open();
    const refused = (f: () => unknown, field: string) =>
      assert.throws(f, (e: unknown) => e instanceof RpcError && e.code === status.INVALID_ARGUMENT && e.message.startsWith(`${field}:`));
    refused(() => store.get("../../etc"), "job_id");
    refused(() => store.artifactPath(newJobId(), "../job.json"), "name");
    refused(() => store.artifactPath(newJobId(), "/etc/passwd"), "name");
    assert.throws(() => store.get(newJobId()), (e: unknown) => e instanceof RpcError && e.code === status.NOT_FOUND);
  });

  it("an artifact appears under its name only when finished; an aborted one leaves nothing", async () => {
    const store = new JobStore(dataDir());
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
});

// Jobs on disk: <data dir>/jobs/<job id>/job.json plus the job's artifacts.
// Every write goes to a temporary file first and is renamed into place, so a
// crash never leaves a half-written record or artifact behind. Job ids and
// artifact names are checked before they become paths.
import { createHash, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { Job, JobState, type Artifact } from "@lectra/proto";
import { invalidArgument, notFound } from "@lectra/service-kit";
import { isArtifactName, JOB_RECORD } from "../artifacts";

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function newJobId(): string {
  return randomUUID();
}

export function checkJobId(field: string, id: string): string {
  if (!JOB_ID.test(id)) throw invalidArgument(field, `"${id.slice(0, 60)}" is not a job id (ListJobs shows them)`);
  return id;
}

/** Streams one artifact to disk; nothing is visible under its name until finish(). */
export interface ArtifactWriter {
  write(chunk: Uint8Array): Promise<void>;
  finish(): Promise<Artifact>;
  abort(): Promise<void>;
}

export class JobStore {
  private readonly jobs = new Map<string, Job>();
  readonly jobsDir: string;

  constructor(readonly dataDir: string) {
    this.jobsDir = path.join(path.resolve(dataDir), "jobs");
  }

  /** Loads every job record; jobs that were running when the orchestrator stopped become INTERRUPTED. */
  async open(): Promise<{ loaded: number; interrupted: number }> {
    await fsp.mkdir(this.jobsDir, { recursive: true });
    let interrupted = 0;
    for (const entry of await fsp.readdir(this.jobsDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !JOB_ID.test(entry.name)) continue;
      const file = path.join(this.jobsDir, entry.name, JOB_RECORD);
      let job: Job;
      try {
        job = Job.fromJSON(JSON.parse(await fsp.readFile(file, "utf8")));
      } catch {
        continue; // a folder without a readable record is not a job
      }
      if (job.state === JobState.JOB_STATE_RUNNING) {
        markInterrupted(job, "the orchestrator stopped while this job was running");
        await this.save(job);
        interrupted++;
      }
      this.jobs.set(job.id, job);
    }
    return { loaded: this.jobs.size, interrupted };
  }

  get(id: string): Job {
    const job = this.jobs.get(checkJobId("job_id", id));
    if (!job) throw notFound(`no job ${id}; ListJobs shows the jobs there are`);
    return job;
  }

  /** Newest first. */
  list(): Job[] {
    return [...this.jobs.values()].sort((a, b) => (b.createTime?.getTime() ?? 0) - (a.createTime?.getTime() ?? 0));
  }

  async save(job: Job): Promise<void> {
    this.jobs.set(job.id, job);
    await fsp.mkdir(this.jobDir(job.id), { recursive: true });
    await writeAtomically(path.join(this.jobDir(job.id), JOB_RECORD), JSON.stringify(Job.toJSON(job), null, 2) + "\n");
  }

  jobDir(id: string): string {
    return path.join(this.jobsDir, checkJobId("job_id", id));
  }

  /** The file behind an artifact name (or the job record), refusing anything that is not a plain file name. */
  artifactPath(id: string, name: string): string {
    if (!isArtifactName(name)) throw invalidArgument("name", `"${name.slice(0, 60)}" is not an artifact name; use a file name such as deck.pptx, without a path`);
    return path.join(this.jobDir(id), name);
  }

  async writeArtifact(id: string, name: string, mediaType: string, data: Uint8Array): Promise<Artifact> {
    const writer = this.artifactWriter(id, name, mediaType);
    await writer.write(data);
    return writer.finish();
  }

  artifactWriter(id: string, name: string, mediaType: string): ArtifactWriter {
    const final = this.artifactPath(id, name);
    const temp = `${final}.${process.pid}.partial`;
    fs.mkdirSync(path.dirname(final), { recursive: true });
    const out = fs.createWriteStream(temp);
    const hash = createHash("sha256");
    let size = 0;
    const closed = new Promise<void>((resolve, reject) => {
      out.once("close", resolve);
      out.once("error", reject);
    });
    return {
      async write(chunk) {
        hash.update(chunk);
        size += chunk.length;
        if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
      },
      async finish() {
        out.end();
        await closed;
        await fsp.rename(temp, final);
        return { name, mediaType, sizeBytes: size, sha256: hash.digest("hex") };
      },
      async abort() {
        out.destroy();
        await fsp.rm(temp, { force: true });
      },
    };
  }
}

export function markInterrupted(job: Job, message: string): void {
  job.state = JobState.JOB_STATE_INTERRUPTED;
  job.finishTime = new Date();
  job.error = { code: "ABORTED", message, stage: job.error?.stage ?? 0, slideIndex: job.error?.slideIndex };
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(temp, content);
  await fsp.rename(temp, file);
}

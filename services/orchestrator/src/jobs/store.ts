// Jobs on disk: <data dir>/jobs/<job id>/ holds job.json (the record),
// request.json (what was asked, for resuming) and the job's artifacts.
//
// Every write goes to a temporary file, is fsynced, renamed into place, and the
// folder is fsynced: a crash (or a power cut) leaves the old file or the new
// one, never a torn or empty one. A failing write (a full disk above all) is a
// rejected promise that names the file and its folder, never a crash of the
// process; what a crash leaves behind (temporary files, half-deleted folders)
// is swept on the next start. Reading needs no writes, so the orchestrator
// starts, and answers, on a full disk. Job ids and artifact names are checked
// before they become paths.
import { createHash, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { status } from "@grpc/grpc-js";
import { GenerateRequest, Job, JobState, type Artifact } from "@lectra/proto";
import { createLogger, invalidArgument, notFound, RpcError, type Logger } from "@lectra/service-kit";
import { isArtifactName, JOB_RECORD } from "../artifacts";

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** What the job was asked to do, kept next to its record so that it can be run again. */
const REQUEST = "request.json";
const DAY_MS = 86_400_000;

/** Jobs in these states have ended: only they can be swept by age. */
const ENDED = new Set([JobState.JOB_STATE_SUCCEEDED, JobState.JOB_STATE_FAILED, JobState.JOB_STATE_CANCELLED, JobState.JOB_STATE_INTERRUPTED]);
/** A record left in one of these states was cut short by a stop or a crash: on start it becomes INTERRUPTED. */
const CUT_SHORT: Partial<Record<JobState, string>> = {
  [JobState.JOB_STATE_RUNNING]: "the orchestrator stopped while this job was running",
  [JobState.JOB_STATE_QUEUED]: "the orchestrator stopped while this job was waiting for a slot",
};

/** A write's temporary file (see tempFor), left behind only by a crash mid-write. */
const LEFTOVER_FILE = /\.(partial|tmp)$/;
/** A job folder being deleted: renamed first so the job is gone at once, removed after. */
const DELETED_PREFIX = ".deleted-";

/**
 * Artifacts are fsynced before they are renamed into place, like records:
 * without it a power cut could leave an artifact the record lists but whose
 * bytes never reached the disk. Measured on an ext4 virtual disk, a 6-slide
 * job's writes (11 record and request saves, 6 artifacts of 6.5 MB) take
 * 20-30 ms more with every fsync than with none (~2 ms per record save), under
 * 1% of the job: not worth a weaker rule for artifacts.
 */
const SYNC_ARTIFACTS = true;

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
  /** Drops what was written; never fails (a leftover is swept on the next start). */
  abort(): Promise<void>;
}

/** What open() found. */
export interface Opened {
  loaded: number;
  /** Records left RUNNING or QUEUED, now INTERRUPTED. */
  interrupted: number;
  /** Folders without a usable record (each one logged with the reason). */
  skipped: number;
  /** Temporary files and half-deleted folders a crash left behind, removed. */
  swept: number;
}

export class JobStore {
  private readonly jobs = new Map<string, Job>();
  /** sizeBytes() answers, dropped whenever a file of the job is written or removed. */
  private readonly sizes = new Map<string, number>();
  readonly jobsDir: string;

  constructor(
    readonly dataDir: string,
    private readonly log: Logger = createLogger("orchestrator"),
  ) {
    this.jobsDir = path.join(path.resolve(dataDir), "jobs");
  }

  /**
   * Loads every job record and sweeps what crashes left behind. Records left
   * RUNNING or QUEUED become INTERRUPTED; if that cannot be saved (a full disk),
   * it is logged and kept in memory. Nothing here needs a write to succeed.
   */
  async open(): Promise<Opened> {
    const opened: Opened = { loaded: 0, interrupted: 0, skipped: 0, swept: 0 };
    if (!(await this.makeJobsDir())) return opened;
    let entries: fs.Dirent[];
    try {
      entries = await fsp.readdir(this.jobsDir, { withFileTypes: true });
    } catch (error) {
      throw new Error(`cannot read the jobs folder ${this.jobsDir}: ${reason(error)}`);
    }
    for (const entry of entries) {
      const dir = path.join(this.jobsDir, entry.name);
      if (entry.name.startsWith(DELETED_PREFIX)) {
        if (await removeQuietly(dir, this.log)) opened.swept++;
        continue;
      }
      if (!entry.isDirectory() || !JOB_ID.test(entry.name)) {
        this.log.warn(`skipped ${dir}: not a job folder (its name is not a job id)`);
        opened.skipped++;
        continue;
      }
      opened.swept += await sweepLeftovers(dir, this.log);
      const loaded = await readRecord(dir, entry.name);
      if (typeof loaded === "string") {
        this.log.warn(`skipped job folder ${dir}: ${loaded}`);
        opened.skipped++;
        continue;
      }
      this.jobs.set(loaded.id, loaded);
      const why = CUT_SHORT[loaded.state];
      if (why) {
        markInterrupted(loaded, why);
        opened.interrupted++;
        await this.save(loaded).catch((error) => this.log.error("cannot save job record", { job: loaded.id, error }));
      }
    }
    opened.loaded = this.jobs.size;
    return opened;
  }

  /** Creates the jobs folder if needed; false when it is not there and the disk is too full to create it. */
  private async makeJobsDir(): Promise<boolean> {
    try {
      await fsp.mkdir(this.jobsDir, { recursive: true });
      return true;
    } catch (error) {
      // A full disk must not stop the service: there is simply nothing to load yet,
      // and each job will fail saying the disk is full. Anything else (a file in
      // the way, no permission) is a misconfigured data dir and stops start-up.
      if (!isDiskFull(error)) throw new Error(`cannot create the jobs folder ${this.jobsDir}: ${reason(error)}`);
      this.log.error(`cannot create the jobs folder ${this.jobsDir}: the disk is full (${errnoCode(error)}); starting with no jobs`);
      return false;
    }
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

  /**
   * Keeps the record in memory, then on disk. The memory copy is updated even
   * when the write fails, so GetJob and ListJobs answer with the job's real
   * state; the rejection says why it is not on disk (the caller logs it).
   */
  async save(job: Job): Promise<void> {
    this.jobs.set(checkJobId("job.id", job.id), job);
    await this.written(job.id, writeDurably(path.join(this.jobDir(job.id), JOB_RECORD), JSON.stringify(Job.toJSON(job), null, 2) + "\n"));
  }

  /** Keeps what a job was asked to do (request.json), written like its record. */
  async saveRequest(id: string, request: GenerateRequest): Promise<void> {
    await this.written(id, writeDurably(path.join(this.jobDir(id), REQUEST), JSON.stringify(GenerateRequest.toJSON(request), null, 2) + "\n"));
  }

  /** What a job was asked to do; undefined if it was never kept (jobs from before request.json). */
  async loadRequest(id: string): Promise<GenerateRequest | undefined> {
    const file = path.join(this.jobDir(id), REQUEST);
    let text: string;
    try {
      text = await fsp.readFile(file, "utf8");
    } catch (error) {
      if (errnoCode(error) === "ENOENT") return undefined;
      throw new RpcError(status.INTERNAL, `cannot read ${REQUEST} under ${path.dirname(file)}: ${reason(error)}`);
    }
    try {
      return GenerateRequest.fromJSON(JSON.parse(text));
    } catch (error) {
      throw new RpcError(status.DATA_LOSS, `${REQUEST} under ${path.dirname(file)} is unreadable: ${reason(error)}`);
    }
  }

  /**
   * Removes a job's folder and forgets the job (whether it may be deleted, e.g.
   * not while running, is the caller's rule). The folder is renamed aside first,
   * so the job is gone at once even if removing its files fails half-way; what
   * is left is swept on the next start.
   */
  async delete(id: string): Promise<void> {
    this.get(id);
    const dir = this.jobDir(id);
    const aside = path.join(this.jobsDir, `${DELETED_PREFIX}${id}-${process.pid}-${++temps}`);
    try {
      await fsp.rename(dir, aside);
      await syncDir(this.jobsDir);
    } catch (error) {
      // Never written (its first save failed): there is nothing on disk to remove.
      if (errnoCode(error) !== "ENOENT") throw new RpcError(status.INTERNAL, `cannot delete job ${id}: cannot move ${dir} aside: ${reason(error)}`);
    }
    this.jobs.delete(id);
    this.sizes.delete(id);
    await removeQuietly(aside, this.log);
  }

  /**
   * Bytes the job's files take (the sum of their sizes). Read from disk the
   * first time it is asked and after each write of the job's files, so a
   * ListJobs of many jobs does not stat every file every time.
   */
  sizeBytes(id: string): number {
    const known = this.sizes.get(id);
    if (known !== undefined) return known;
    const total = folderBytes(this.jobDir(id));
    this.sizes.set(id, total);
    return total;
  }

  /** Forgets the job's size once a write of its files has settled (landed or not): the next sizeBytes() reads the disk. */
  private async written<T>(id: string, write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      this.sizes.delete(id);
    }
  }


  /**
   * Deletes the jobs that ended (not RUNNING or QUEUED) more than `days` days
   * before `now`; returns their ids. A job that cannot be deleted is logged and
   * kept, and the sweep goes on.
   */
  async sweepOlderThan(days: number, now = Date.now()): Promise<string[]> {
    if (!Number.isFinite(days) || days < 0) throw new RangeError(`days must be a number of days, 0 or more; got ${days}`);
    const before = now - days * DAY_MS;
    const old = this.list().filter((j) => ENDED.has(j.state) && j.finishTime !== undefined && j.finishTime.getTime() < before);
    const deleted: string[] = [];
    for (const job of old) {
      try {
        await this.delete(job.id);
        deleted.push(job.id);
      } catch (error) {
        this.log.error("cannot delete an old job", { job: job.id, error });
      }
    }
    return deleted;
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
    const temp = tempFor(final, "partial");
    const hash = createHash("sha256");
    const written = (commit: Promise<void>) => this.written(id, commit);
    let size = 0;
    // Opened on the first write, not here: every failure, even creating the
    // folder, then reaches a caller that awaits it (no sync throw, no stream
    // 'error' event nobody listens to).
    let opening: Promise<fsp.FileHandle> | undefined;
    const file = () => (opening ??= fsp.mkdir(path.dirname(final), { recursive: true }).then(() => fsp.open(temp, "w")));
    let settled = false;
    /** Closes and removes the temporary file; safe to call more than once. */
    const discard = async () => {
      settled = true;
      const handle = await opening?.catch(() => undefined);
      await handle?.close().catch(() => undefined);
      if (opening) await fsp.rm(temp, { force: true }).catch(() => undefined);
    };
    /** Any failure drops the temporary file itself, so nothing half-written stays even if the caller forgets abort(). */
    const failed = async (error: unknown): Promise<never> => {
      await discard();
      throw writeFailure(error, final);
    };
    return {
      async write(chunk) {
        if (settled) throw new Error(`${name} was already finished or aborted`);
        try {
          const handle = await file();
          for (let done = 0; done < chunk.length; ) done += (await handle.write(chunk, done, chunk.length - done)).bytesWritten;
        } catch (error) {
          return failed(error);
        }
        hash.update(chunk);
        size += chunk.length;
      },
      async finish() {
        if (settled) throw new Error(`${name} was already finished or aborted`);
        try {
          await written(commit(await file(), temp, final, SYNC_ARTIFACTS));
        } catch (error) {
          return failed(error);
        }
        settled = true;
        return { name, mediaType, sizeBytes: size, sha256: hash.digest("hex") };
      },
      abort: discard,
    };
  }
}

export function markInterrupted(job: Job, message: string): void {
  job.state = JobState.JOB_STATE_INTERRUPTED;
  job.finishTime = new Date();
  job.error = { code: "ABORTED", message, stage: job.error?.stage ?? 0, slideIndex: job.error?.slideIndex };
}

/**
 * What a failed write becomes: RESOURCE_EXHAUSTED "the disk is full" for
 * ENOSPC and EDQUOT, INTERNAL with what failed for anything else; always with
 * the file's name and folder. A stage that writes an artifact fails with it
 * ("stage.deck failed: the disk is full: cannot write deck.pptx under …").
 */
export function writeFailure(error: unknown, file: string): RpcError {
  if (error instanceof RpcError) return error;
  const where = `${path.basename(file)} under ${path.dirname(file)}`;
  if (isDiskFull(error)) return new RpcError(status.RESOURCE_EXHAUSTED, `the disk is full: cannot write ${where} (${errnoCode(error)})`);
  return new RpcError(status.INTERNAL, `cannot write ${where}: ${reason(error)}`);
}

// ---- how files are written, read and swept ----

let temps = 0;

/** A temporary name no other write uses at the same time; the suffix is what start-up sweeps. */
function tempFor(file: string, suffix: "partial" | "tmp"): string {
  return `${file}.${process.pid}-${++temps}.${suffix}`;
}

/** Writes a whole file so that a crash leaves the old one or the new one (records, request.json). */
async function writeDurably(file: string, content: string): Promise<void> {
  const temp = tempFor(file, "tmp");
  let handle: fsp.FileHandle | undefined;
  try {
    await fsp.mkdir(path.dirname(file), { recursive: true });
    handle = await fsp.open(temp, "w");
    await handle.writeFile(content);
    const h = handle;
    handle = undefined; // commit closes it
    await commit(h, temp, file, true);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fsp.rm(temp, { force: true }).catch(() => undefined);
    throw writeFailure(error, file);
  }
}

/**
 * Puts a written temporary file in place: its bytes reach the disk (fsync)
 * before the rename can, and the rename reaches it (the folder's fsync) before
 * the caller hears it is done. The handle is closed however this ends.
 */
async function commit(handle: fsp.FileHandle, temp: string, file: string, sync: boolean): Promise<void> {
  try {
    if (sync) await handle.sync();
  } finally {
    await handle.close();
  }
  await fsp.rename(temp, file);
  if (sync) await syncDir(path.dirname(file));
}

async function syncDir(dir: string): Promise<void> {
  // Windows cannot open a folder to fsync it; its renames are durable on their own.
  if (process.platform === "win32") return;
  const handle = await fsp.open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The job in a folder, or why it is not one. */
async function readRecord(dir: string, folder: string): Promise<Job | string> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(dir, JOB_RECORD), "utf8");
  } catch (error) {
    return errnoCode(error) === "ENOENT" ? `it has no ${JOB_RECORD}` : `cannot read its ${JOB_RECORD}: ${reason(error)}`;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return `its ${JOB_RECORD} is not JSON (${text.length} bytes, truncated?): ${reason(error)}`;
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return `its ${JOB_RECORD} is not a job record (not a JSON object)`;
  let job: Job;
  try {
    job = Job.fromJSON(raw);
  } catch (error) {
    return `its ${JOB_RECORD} is not a job record: ${reason(error)}`;
  }
  if (job.id !== folder) return `its ${JOB_RECORD} is not this folder's job (its id is "${job.id.slice(0, 60)}")`;
  if (job.state === JobState.JOB_STATE_UNSPECIFIED) return `its ${JOB_RECORD} has no state`;
  if (!job.createTime || Number.isNaN(job.createTime.getTime())) return `its ${JOB_RECORD} has no valid createTime`;
  return job;
}

/** The sum of the sizes of a folder's files; 0 when there is no folder (nothing was written yet). */
function folderBytes(dir: string): number {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return 0;
    throw error;
  }
  let total = 0;
  for (const name of names) {
    try {
      const stat = fs.statSync(path.join(dir, name));
      if (stat.isFile()) total += stat.size;
    } catch {
      // Renamed or removed while we looked (a write finishing): it counts under its new name or not at all.
    }
  }
  return total;
}

/** Removes the temporary files a crash left in a job folder; returns how many. */
async function sweepLeftovers(dir: string, log: Logger): Promise<number> {
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return 0; // readRecord says what is wrong with the folder
  }
  let swept = 0;
  for (const name of names.filter((n) => LEFTOVER_FILE.test(n))) if (await removeQuietly(path.join(dir, name), log)) swept++;
  return swept;
}

/** Removes a file or folder; a failure is logged, not thrown: the next start tries again. */
async function removeQuietly(target: string, log: Logger): Promise<boolean> {
  try {
    await fsp.rm(target, { recursive: true, force: true });
    return true;
  } catch (error) {
    log.warn(`cannot remove ${target}: ${reason(error)}; the next start tries again`);
    return false;
  }
}

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function isDiskFull(error: unknown): boolean {
  const code = errnoCode(error);
  return code === "ENOSPC" || code === "EDQUOT";
}

/** "permission denied (EACCES)" for Node's "EACCES: permission denied, open '/x'": the file is named by the caller. */
function reason(error: unknown): string {
  const code = errnoCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (!code) return message;
  const text = message.replace(new RegExp(`^${code}: `), "").replace(/, \w+( '.*')?$/, "");
  return `${text} (${code})`;
}

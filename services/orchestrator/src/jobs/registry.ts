// The jobs this orchestrator is running or holding in line, by id, next to the
// ones on disk: it admits a job (admission.ts), runs it on the lecture graph,
// resumes one that did not succeed, stops one on request, stops them all on
// shutdown, and deletes finished ones. What a job is and how it ends is the
// Job's business.
import { context, type Context, type Tracer } from "@opentelemetry/api";
import { JobState, type GenerateRequest, type Job as JobRecord } from "@lectra/proto";
import { failedPrecondition, type Logger } from "@lectra/service-kit";
import type { Downstreams } from "../pipeline/env";
import type { Graph } from "../pipeline/graph";
import { LECTURE_GRAPH } from "../pipeline/lecture";
import { runGraph } from "../pipeline/scheduler";
import { validateGenerate, type LectureRequest } from "../request";
import { Admission, type AdmissionLimits } from "./admission";
import { Job, type JobListener } from "./job";
import type { JobStore } from "./store";

export interface RunningJob {
  job: Job;
  /** Settles with the final record when the job has ended. */
  done: Promise<JobRecord>;
}

export interface JobsOptions extends AdmissionLimits {
  /** Slides of one job worked on at once, so that one big job cannot starve the others. */
  slidesAtOnce: number;
  /** LECTRA_STREAMING (config.ts); on unless said. */
  streaming?: boolean;
  graph?: Graph;
}

const RESUMABLE = new Set([JobState.JOB_STATE_FAILED, JobState.JOB_STATE_CANCELLED, JobState.JOB_STATE_INTERRUPTED]);

export class Jobs {
  private readonly running = new Map<string, RunningJob>();
  private readonly admission: Admission;
  private readonly graph: Graph;

  constructor(
    private readonly store: JobStore,
    private readonly clients: Downstreams,
    private readonly tracer: Tracer,
    private readonly log: Logger,
    private readonly options: JobsOptions = { maxRunning: 4, maxQueued: 16, slidesAtOnce: 12 },
  ) {
    this.admission = new Admission(options);
    this.graph = options.graph ?? LECTURE_GRAPH;
  }

  /**
   * Admits a job and returns once it is recorded (running, or waiting in line);
   * RESOURCE_EXHAUSTED when the line is full. `stored` is the request as it
   * will be replayed by ResumeJob (its voice already resolved).
   */
  async start(request: LectureRequest, stored: GenerateRequest, listener: JobListener, parent: Context = context.active()): Promise<RunningJob> {
    const job = new Job(request, { graph: this.graph, archive: this.store, tracer: this.tracer, log: this.log, listener, parent });
    return this.admit(job, () => this.store.saveRequest(job.jobId, stored));
  }

  /** Continues a job that failed, was cancelled or was interrupted, from its stored request. */
  async resume(id: string, listener: JobListener, parent: Context = context.active()): Promise<RunningJob> {
    const record = this.get(id);
    if (this.running.has(id) || !RESUMABLE.has(record.state)) {
      throw failedPrecondition(`job ${id} is ${JobState[record.state].replace("JOB_STATE_", "")}; only a failed, cancelled or interrupted job can be resumed`);
    }
    const stored = await this.store.loadRequest(id);
    if (!stored) throw failedPrecondition(`job ${id} has no stored request (it was made by an older orchestrator); generate it again`);
    const request = validateGenerate(stored);
    const job = new Job(request, { graph: this.graph, archive: this.store, tracer: this.tracer, log: this.log, listener, parent }, record);
    return this.admit(job, async () => undefined);
  }

  /** On start-up (LECTRA_RESUME_INTERRUPTED=1): every interrupted job that kept its request goes on. */
  async resumeInterrupted(): Promise<string[]> {
    const resumed: string[] = [];
    for (const job of this.store.list().filter((j) => j.state === JobState.JOB_STATE_INTERRUPTED)) {
      try {
        await this.resume(job.id, () => {});
        resumed.push(job.id);
      } catch (error) {
        this.log.warn("cannot resume job", { job: job.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return resumed;
  }

  private async admit(job: Job, recordRequest: () => Promise<void>): Promise<RunningJob> {
    const ticket = this.admission.enter(job);
    const id = job.jobId;
    const slidesAtOnce = this.options.slidesAtOnce;
    const opened = job.open(ticket.waits);
    const done = opened
      .then(async () => {
        ticket.announce();
        // Without its request stored the job still runs (on a full disk its first
        // write will fail it, saying so); it only cannot be resumed.
        await recordRequest().catch((error: unknown) =>
          job.warn("job", `its request could not be stored, so it cannot be resumed: ${error instanceof Error ? error.message : String(error)}`),
        );
        return job.run(async (j) => {
          await ticket.granted;
          j.admitted();
          const started = performance.now();
          try {
            const env = { request: j.request, clients: this.clients, job: j, streaming: this.options.streaming ?? true };
            await runGraph(this.graph, env, { slidesAtOnce });
          } finally {
            this.admission.ran((performance.now() - started) / 1000);
          }
        });
      })
      .finally(() => {
        ticket.release();
        this.running.delete(id);
      });
    // Known from the start, so that a stop (cancel, shutdown) reaches it even
    // before it has been recorded: the caller may act on its first event at once.
    const running = { job, done };
    this.running.set(id, running);
    done.catch(() => undefined); // a failed open is the caller's error, below
    await opened;
    return running;
  }

  /** Stops a running or waiting job and waits until it has stopped; a finished job is returned as it is. */
  async cancel(id: string, message: string): Promise<JobRecord> {
    const running = this.running.get(id);
    if (!running) return this.store.get(id);
    running.job.stop({ state: JobState.JOB_STATE_CANCELLED, message });
    return running.done;
  }

  /** On shutdown: every running or waiting job stops and is recorded as INTERRUPTED. */
  async interruptAll(message: string): Promise<void> {
    const all = [...this.running.values()];
    for (const r of all) r.job.stop({ state: JobState.JOB_STATE_INTERRUPTED, message });
    await Promise.allSettled(all.map((r) => r.done));
  }

  /** Deletes a job that is neither running nor waiting, with its files. */
  async delete(id: string): Promise<void> {
    const record = this.get(id);
    if (this.running.has(id)) {
      throw failedPrecondition(`job ${id} is ${JobState[record.state].replace("JOB_STATE_", "")}; cancel it (CancelJob) before deleting it`);
    }
    await this.store.delete(id);
    this.log.info("job deleted", { job: id });
  }

  get(id: string): JobRecord {
    return this.running.get(id)?.job.record ?? this.store.get(id);
  }
}

// The jobs this orchestrator is running, by id, next to the ones on disk: it
// starts a job on the lecture graph, stops one on request, and stops them all
// on shutdown. What a job is and how it ends is the Job's business.
import { context, type Context, type Tracer } from "@opentelemetry/api";
import { JobState, type Job as JobRecord } from "@lectra/proto";
import type { Logger } from "@lectra/service-kit";
import type { Downstreams } from "../pipeline/env";
import { LECTURE_GRAPH } from "../pipeline/lecture";
import type { Graph } from "../pipeline/graph";
import { runGraph } from "../pipeline/scheduler";
import type { LectureRequest } from "../request";
import { Job, type JobListener } from "./job";
import type { JobStore } from "./store";

export interface RunningJob {
  job: Job;
  /** Settles with the final record when the job has ended. */
  done: Promise<JobRecord>;
}

export class Jobs {
  private readonly running = new Map<string, RunningJob>();

  constructor(
    private readonly store: JobStore,
    private readonly clients: Downstreams,
    private readonly tracer: Tracer,
    private readonly log: Logger,
    private readonly graph: Graph = LECTURE_GRAPH,
  ) {}

  /** Creates the job, starts it, and returns once it is recorded. */
  async start(request: LectureRequest, listener: JobListener, parent: Context = context.active()): Promise<RunningJob> {
    const job = new Job(request, { graph: this.graph, archive: this.store, tracer: this.tracer, log: this.log, listener, parent });
    await job.open();
    const done = job.run((j) => runGraph(this.graph, { request, clients: this.clients, job: j })).finally(() => this.running.delete(job.jobId));
    const running = { job, done };
    this.running.set(job.jobId, running);
    return running;
  }

  /** Stops a running job and waits until it has stopped; a finished job is returned as it is. */
  async cancel(id: string, message: string): Promise<JobRecord> {
    const running = this.running.get(id);
    if (!running) return this.store.get(id);
    running.job.stop({ state: JobState.JOB_STATE_CANCELLED, message });
    return running.done;
  }

  /** On shutdown: every running job stops and is recorded as INTERRUPTED. */
  async interruptAll(message: string): Promise<void> {
    const all = [...this.running.values()];
    for (const r of all) r.job.stop({ state: JobState.JOB_STATE_INTERRUPTED, message });
    await Promise.allSettled(all.map((r) => r.done));
  }

  get(id: string): JobRecord {
    return this.running.get(id)?.job.record ?? this.store.get(id);
  }
}

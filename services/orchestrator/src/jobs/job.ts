// One job from start to end. It owns its record (kept on disk as it changes,
// so what a job produced survives however it ends), its events, the stage runs
// it times, its lectra.job span, and its end state: succeeded, failed (the
// first real failure, naming stage and slide), cancelled or interrupted. It is
// the pipeline's LectureJob; cancel, shutdown and the first failure all stop it
// through one AbortController.
import { context, SpanStatusCode, trace, type Context, type Span, type Tracer } from "@opentelemetry/api";
import { status } from "@grpc/grpc-js";
import { JobState, Stage, StageStatus, type Artifact, type Job as JobRecord, type JobEvent, type ModelPull, type Picture, type Playable, type QueuePlace, type StageUpdate } from "@lectra/proto";
import { RpcError, statusName, type Logger } from "@lectra/service-kit";
import { artifactFile, type ArtifactRef } from "../artifacts";
import type { ArtifactSink, LectureJob } from "../pipeline/env";
import type { Graph } from "../pipeline/graph";
import { Progress } from "../pipeline/progress";
import { stageReport } from "../pipeline/report";
import { ATTR_JOB_ID, StageError, type StageRun } from "../pipeline/stage";
import type { LectureRequest } from "../request";
import { markInterrupted, newJobId, type ArtifactWriter } from "./store";

export type JobListener = (event: JobEvent) => void;
type EventKind = NonNullable<JobEvent["kind"]>;

/** Where a job's record and artifacts are kept. */
export interface JobArchive {
  save(job: JobRecord): Promise<void>;
  artifactWriter(id: string, name: string, mediaType: string): ArtifactWriter;
}

/** Why a job stopped before finishing on its own. */
export interface Stop {
  state: JobState.JOB_STATE_CANCELLED | JobState.JOB_STATE_INTERRUPTED;
  message: string;
}

export interface JobDeps {
  graph: Graph;
  archive: JobArchive;
  tracer: Tracer;
  log: Logger;
  listener: JobListener;
  /** The context the job's span hangs from (the Generate call's). */
  parent?: Context;
}

export class Job implements LectureJob {
  readonly record: JobRecord;
  readonly jobId: string;
  readonly tracer: Tracer;
  readonly parent: Context;
  readonly bypassCache: boolean;
  private readonly controller = new AbortController();
  private readonly span: Span;
  private readonly progress: Progress;
  private readonly runs: StageRun[] = [];
  private readonly warned = new Set<string>();
  /** When the job got its slot and started running (it may wait in line first). */
  private startedMs = performance.now();
  private failure: StageError | undefined;
  private saving = Promise.resolve();
  private readonly closers: Array<() => Promise<void>> = [];

  /** A new job, or, given the record of one that did not succeed, that job resumed. */
  constructor(
    readonly request: LectureRequest,
    private readonly deps: JobDeps,
    resumed?: JobRecord,
  ) {
    this.record = {
      id: resumed?.id ?? newJobId(),
      state: JobState.JOB_STATE_QUEUED,
      createTime: resumed?.createTime ?? new Date(),
      finishTime: undefined,
      title: request.scriptTitle,
      slideCount: request.slideCount,
      topic: request.source.$case === "topic" ? request.source.value : "",
      voice: request.voice,
      language: request.language,
      theme: request.theme.name,
      skipVideo: request.skipVideo,
      constantFrameRate: request.constantFrameRate,
      noCache: request.noCache,
      progress: 0,
      // A resumed job keeps what it made until it makes it again.
      artifacts: resumed?.artifacts ?? [],
      warnings: [],
      credits: resumed?.credits ?? [],
      error: undefined,
      report: undefined,
      traceId: "",
      sizeBytes: 0,
      resumed: resumed ? resumed.resumed + 1 : 0,
    };
    this.jobId = this.record.id;
    this.tracer = deps.tracer;
    this.bypassCache = request.noCache;
    this.progress = new Progress(deps.graph, request, request.slideCount);
    const parent = deps.parent ?? context.active();
    this.span = deps.tracer.startSpan("lectra.job", { attributes: { [ATTR_JOB_ID]: this.jobId, "lectra.slide.count": request.slideCount } }, parent);
    this.record.traceId = this.span.spanContext().traceId;
    // Every stage span is a child of the job's.
    this.parent = trace.setSpan(parent, this.span);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * Records the job on disk (QUEUED until it gets its slot, or RUNNING at once)
   * and tells the listener it was accepted.
   */
  async open(waits: boolean): Promise<void> {
    if (!waits) this.record.state = JobState.JOB_STATE_RUNNING;
    // A record that cannot be saved (a full disk) is logged and kept in memory
    // like any other save: the job still runs, and its first artifact that
    // cannot be written fails it, saying the disk is full.
    await this.save();
    // A copy: the event may be sent after the record has moved on (e.g. from QUEUED to RUNNING).
    this.emit({ $case: "started", value: { ...this.record } });
    const resumed = this.record.resumed > 0 ? { resumed: this.record.resumed } : {};
    this.deps.log.info(waits ? "job queued" : "job started", { job: this.jobId, slides: this.request.slideCount, source: this.request.source.$case, ...resumed });
  }

  /** Where the job waits in line. */
  queued(place: QueuePlace): void {
    this.emit({ $case: "queued", value: place });
  }

  /** The job got its slot: it runs from now on. */
  admitted(): void {
    if (this.record.state !== JobState.JOB_STATE_QUEUED) return;
    this.record.state = JobState.JOB_STATE_RUNNING;
    this.startedMs = performance.now();
    this.deps.log.info("job started", { job: this.jobId });
    void this.save();
  }

  /** Runs the job's pipeline and settles its end state; resolves with the final record. */
  async run(pipeline: (job: Job) => Promise<void>): Promise<JobRecord> {
    this.request.notes?.forEach((note) => this.warn("voice", note));
    try {
      await context.with(this.parent, () => pipeline(this));
      if (this.failure) throw this.failure;
      this.record.state = JobState.JOB_STATE_SUCCEEDED;
    } catch (error) {
      this.settleFailure(error);
      await this.close();
    }
    return this.finish();
  }

  /** Runs what the pipeline asked to run if the job stops; a closer that fails is logged, not reported. */
  private async close(): Promise<void> {
    const results = await Promise.allSettled(this.closers.map((close) => close()));
    for (const r of results) {
      if (r.status === "rejected") this.deps.log.warn("cannot close what the job made", { job: this.jobId, error: r.reason instanceof Error ? r.reason.message : String(r.reason) });
    }
  }

  /** Stops the job (cancel, shutdown); its run() settles once its stages have unwound. */
  stop(stop: Stop): void {
    this.controller.abort(stop);
  }

  private settleFailure(error: unknown): void {
    const reason = this.controller.signal.reason as Stop | StageError | undefined;
    if (!this.failure && reason && !(reason instanceof StageError)) {
      this.record.state = reason.state;
      this.record.error = {
        code: reason.state === JobState.JOB_STATE_CANCELLED ? "CANCELLED" : "ABORTED",
        message: reason.message,
        stage: Stage.STAGE_UNSPECIFIED,
        slideIndex: undefined,
      };
      return;
    }
    const f = this.failure ?? asStageError(error);
    this.record.state = JobState.JOB_STATE_FAILED;
    this.record.error = { code: statusName(f.code), message: f.message, stage: f.stage, slideIndex: f.slideIndex };
  }

  private async finish(): Promise<JobRecord> {
    const job = this.record;
    job.finishTime = new Date();
    if (job.state === JobState.JOB_STATE_INTERRUPTED) markInterrupted(job, job.error!.message);
    this.span.setAttribute("lectra.job.state", JobState[job.state]);
    if (job.error) this.span.setStatus({ code: SpanStatusCode.ERROR, message: job.error.message });
    this.span.end();
    job.report = stageReport(this.deps.graph, this.request, this.runs, this.startedMs, performance.now());
    await this.save();
    this.deps.log.info("job ended", { job: job.id, state: JobState[job.state], error: job.error?.message });
    this.emit({ $case: "finished", value: job });
    return job;
  }

  // ---- LectureJob: what the pipeline tells its job ----

  onUpdate(update: StageUpdate): void {
    if (update.status === StageStatus.STAGE_STATUS_FINISHED) this.progress.step();
    this.emit({ $case: "stage", value: update });
  }

  recordRun(run: StageRun): void {
    this.runs.push(run);
  }

  outlined(title: string, slideCount: number): void {
    this.record.title = title;
    this.record.slideCount = slideCount;
    this.progress.setSlides(slideCount);
    this.span.setAttribute("lectra.slide.count", slideCount);
    void this.save();
  }

  warn(where: string, message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    const text = `${where}: ${message}`;
    this.record.warnings = [...this.record.warnings, text];
    this.span.addEvent("lectra.warning", { message: text });
    this.emit({ $case: "warning", value: text });
  }

  modelPull(progress: ModelPull): void {
    this.emit({ $case: "modelPull", value: progress });
  }

  playable(playable: Playable): void {
    this.span.addEvent("lectra.playable", { slides: playable.slides, seconds: playable.seconds });
    this.emit({ $case: "playable", value: playable });
  }

  whenStopped(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  pictured(slideIndex: number, p: Picture): void {
    const credit = { slideIndex, title: p.title, author: p.author, license: p.license, sourceUrl: p.sourceUrl, engine: p.engine };
    this.record.credits = [...this.record.credits.filter((c) => c.slideIndex !== slideIndex), credit].sort((a, b) => a.slideIndex - b.slideIndex);
  }

  fail(error: unknown): void {
    if (this.failure || this.controller.signal.aborted) return;
    this.failure = asStageError(error);
    this.controller.abort(this.failure);
  }

  async saveArtifact(ref: ArtifactRef, data: Uint8Array): Promise<void> {
    const sink = this.artifactSink(ref);
    try {
      await sink.write(data);
      await sink.finish();
    } catch (error) {
      await sink.abort();
      throw error;
    }
  }

  artifactSink(ref: ArtifactRef): ArtifactSink {
    const { name, mediaType } = artifactFile(ref);
    const writer = this.deps.archive.artifactWriter(this.jobId, name, mediaType);
    return {
      write: (chunk) => writer.write(chunk),
      abort: () => writer.abort(),
      finish: async () => {
        this.addArtifact(await writer.finish());
        await this.save();
      },
    };
  }

  private addArtifact(artifact: Artifact): void {
    this.record.artifacts = [...this.record.artifacts.filter((a) => a.name !== artifact.name), artifact];
    this.emit({ $case: "artifact", value: artifact });
  }

  /** Record writes are queued, so they land in the order they were made. */
  private save(): Promise<void> {
    this.saving = this.saving
      .then(() => this.deps.archive.save(this.record))
      .catch((error) => this.deps.log.error("cannot save job record", { job: this.jobId, error }));
    return this.saving;
  }

  private emit(kind: EventKind): void {
    this.record.progress = this.progress.fraction;
    this.deps.listener({ jobId: this.jobId, time: new Date(), progress: this.record.progress, kind });
  }
}

function asStageError(error: unknown): StageError {
  if (error instanceof StageError) return error;
  // A step without a stage (narration, timings) whose artifact could not be
  // written keeps the store's code and words ("the disk is full: cannot write …").
  if (error instanceof RpcError) return new StageError(Stage.STAGE_UNSPECIFIED, undefined, error.code, error.message);
  return new StageError(Stage.STAGE_UNSPECIFIED, undefined, status.INTERNAL, String(error));
}

// Running jobs: each has an AbortController (cancel, shutdown and the first
// failure all stop it), a lectra.job span that every stage hangs from, and a
// listener that receives its events. The record on disk is updated as artifacts
// appear, so what a job produced survives however it ends.
import { context, SpanStatusCode, type Context } from "@opentelemetry/api";
import { status } from "@grpc/grpc-js";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { JobState, Stage, StageStatus, type Job, type JobEvent } from "@lectra/proto";
import { statusName, type Logger } from "@lectra/service-kit";
import type { Telemetry } from "@lectra/service-kit/telemetry";
import { ARTIFACTS } from "../artifacts";
import { produceLecture, type ArtifactKind, type Downstreams, type LectureJob } from "../pipeline/lecture";
import { Progress, stagesPerSlide } from "../pipeline/progress";
import { stageReport, type StageSpan } from "../pipeline/report";
import { ATTR_JOB_ID, ATTR_SLIDE_INDEX, jobContext, StageError } from "../pipeline/stage";
import type { LectureRequest } from "../request";
import { markInterrupted, newJobId, type JobStore } from "./store";

type EventKind = NonNullable<JobEvent["kind"]>;
export type JobListener = (event: JobEvent) => void;

/** Why a job stopped before finishing on its own. */
interface Stop {
  state: JobState.JOB_STATE_CANCELLED | JobState.JOB_STATE_INTERRUPTED;
  message: string;
}

interface Running {
  job: Job;
  controller: AbortController;
  done: Promise<Job>;
}

const hrMs = ([s, ns]: [number, number]) => s * 1000 + ns / 1e6;

export class Jobs {
  private readonly running = new Map<string, Running>();

  constructor(
    private readonly store: JobStore,
    private readonly clients: Downstreams,
    private readonly telemetry: Telemetry,
    private readonly log: Logger,
  ) {}

  /** Creates the job, starts it, and returns once it is recorded; `done` settles when it ends. */
  async start(request: LectureRequest, listener: JobListener, parent: Context = context.active()): Promise<Running> {
    const job: Job = {
      id: newJobId(),
      state: JobState.JOB_STATE_RUNNING,
      createTime: new Date(),
      finishTime: undefined,
      title: request.scriptTitle,
      slideCount: request.slideCount,
      topic: request.source.$case === "topic" ? request.source.value : "",
      voice: request.voice,
      skipVideo: request.skipVideo,
      constantFrameRate: request.constantFrameRate,
      noCache: request.noCache,
      progress: 0,
      artifacts: [],
      warnings: [],
      credits: [],
      error: undefined,
      report: undefined,
      traceId: "",
    };
    const controller = new AbortController();
    const progress = new Progress(request.slideCount, stagesPerSlide(request), !request.skipVideo);
    const emit = (kind: EventKind) => {
      job.progress = progress.fraction;
      listener({ jobId: job.id, time: new Date(), progress: job.progress, kind });
    };

    const span = this.telemetry.tracer.startSpan("lectra.job", { attributes: { [ATTR_JOB_ID]: job.id, "lectra.slide.count": request.slideCount } }, parent);
    job.traceId = span.spanContext().traceId;
    const stageSpans: StageSpan[] = [];
    const unlisten = this.telemetry.spans.listen((s: ReadableSpan) => {
      if (s.attributes[ATTR_JOB_ID] === job.id && s.name.startsWith("stage.")) {
        const slide = s.attributes[ATTR_SLIDE_INDEX];
        stageSpans.push({ name: s.name, slideIndex: typeof slide === "number" ? slide : undefined, startMs: hrMs(s.startTime), endMs: hrMs(s.endTime) });
      }
    });
    const startedMs = Date.now();

    let failure: StageError | undefined;
    const warned = new Set<string>();
    let saving = Promise.resolve();
    const save = () => (saving = saving.then(() => this.store.save(job)).catch((e) => this.log.error("cannot save job record", { job: job.id, error: e })));

    const lecture: LectureJob = {
      jobId: job.id,
      tracer: this.telemetry.tracer,
      parent: jobContext(parent, span),
      signal: controller.signal,
      bypassCache: request.noCache,
      onUpdate: (update) => {
        if (update.status === StageStatus.STAGE_STATUS_FINISHED) progress.step();
        emit({ $case: "stage", value: update });
      },
      outlined: (title, slideCount) => {
        job.title = title;
        job.slideCount = slideCount;
        progress.setSlides(slideCount);
        span.setAttribute("lectra.slide.count", slideCount);
        void save();
      },
      warn: (where, message) => {
        if (warned.has(message)) return;
        warned.add(message);
        const text = `${where}: ${message}`;
        job.warnings = [...job.warnings, text];
        span.addEvent("lectra.warning", { message: text });
        emit({ $case: "warning", value: text });
      },
      modelPull: (progress) => emit({ $case: "modelPull", value: progress }),
      pictured: (slideIndex, p) => {
        const credit = { slideIndex, title: p.title, author: p.author, license: p.license, sourceUrl: p.sourceUrl, engine: p.engine };
        job.credits = [...job.credits.filter((c) => c.slideIndex !== slideIndex), credit].sort((a, b) => a.slideIndex - b.slideIndex);
      },
      fail: (error) => {
        if (failure || controller.signal.aborted) return;
        failure = error instanceof StageError ? error : new StageError(Stage.STAGE_UNSPECIFIED, undefined, status.INTERNAL, String(error));
        controller.abort(failure);
      },
      saveArtifact: async (kind, data) => {
        const { name, mediaType } = ARTIFACTS[kind];
        this.addArtifact(job, await this.store.writeArtifact(job.id, name, mediaType, data), emit);
        await save();
      },
      artifactWriter: (kind: ArtifactKind) => {
        const { name, mediaType } = ARTIFACTS[kind];
        const writer = this.store.artifactWriter(job.id, name, mediaType);
        return {
          ...writer,
          finish: async () => {
            const artifact = await writer.finish();
            this.addArtifact(job, artifact, emit);
            await save();
            return artifact;
          },
        };
      },
    };

    await this.store.save(job);
    emit({ $case: "started", value: job });
    this.log.info("job started", { job: job.id, slides: request.slideCount, source: request.source.$case });

    const done = context.with(lecture.parent, () => produceLecture(lecture, request, this.clients)).then(
      () => {
        if (failure) throw failure;
        job.state = JobState.JOB_STATE_SUCCEEDED;
        job.progress = 1;
      },
    ).catch((error: unknown) => {
      const reason = controller.signal.reason as Stop | StageError | undefined;
      if (!failure && reason && !(reason instanceof StageError)) {
        job.state = reason.state;
        job.error = { code: reason.state === JobState.JOB_STATE_CANCELLED ? "CANCELLED" : "ABORTED", message: reason.message, stage: Stage.STAGE_UNSPECIFIED, slideIndex: undefined };
        return;
      }
      const f = failure ?? (error instanceof StageError ? error : new StageError(Stage.STAGE_UNSPECIFIED, undefined, status.INTERNAL, String(error)));
      job.state = JobState.JOB_STATE_FAILED;
      job.error = { code: statusName(f.code), message: f.message, stage: f.stage, slideIndex: f.slideIndex };
    }).then(async () => {
      job.finishTime = new Date();
      if (job.state === JobState.JOB_STATE_INTERRUPTED) markInterrupted(job, job.error!.message);
      span.setAttribute("lectra.job.state", JobState[job.state]);
      if (job.error) span.setStatus({ code: SpanStatusCode.ERROR, message: job.error.message });
      span.end();
      unlisten();
      job.report = stageReport(stageSpans, startedMs, job.finishTime.getTime());
      await save();
      this.running.delete(job.id);
      this.log.info("job ended", { job: job.id, state: JobState[job.state], error: job.error?.message });
      emit({ $case: "finished", value: job });
      return job;
    });

    const handle = { job, controller, done };
    this.running.set(job.id, handle);
    return handle;
  }

  private addArtifact(job: Job, artifact: Job["artifacts"][number], emit: (kind: EventKind) => void) {
    job.artifacts = [...job.artifacts.filter((a) => a.name !== artifact.name), artifact];
    emit({ $case: "artifact", value: artifact });
  }

  /** Stops a running job and waits until it has stopped; a finished job is returned as it is. */
  async cancel(id: string, message: string): Promise<Job> {
    const running = this.running.get(id);
    if (!running) return this.store.get(id);
    const stop: Stop = { state: JobState.JOB_STATE_CANCELLED, message };
    running.controller.abort(stop);
    return running.done;
  }

  /** On shutdown: every running job stops and is recorded as INTERRUPTED. */
  async interruptAll(message: string): Promise<void> {
    const all = [...this.running.values()];
    for (const r of all) r.controller.abort({ state: JobState.JOB_STATE_INTERRUPTED, message } satisfies Stop);
    await Promise.allSettled(all.map((r) => r.done));
  }

  get(id: string): Job {
    return this.running.get(id)?.job ?? this.store.get(id);
  }
}

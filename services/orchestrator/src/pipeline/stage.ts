// One stage of a job: a span named stage.<name> (with lectra.slide.index for
// per-slide stages), started/finished events for the caller, and errors that
// say which stage and slide failed and which service caused it.
import { SpanStatusCode, trace, type Context, type Span, type Tracer } from "@opentelemetry/api";
import { status } from "@grpc/grpc-js";
import { Stage, StageStatus, stageToJSON, type StageUpdate } from "@lectra/proto";
import { DependencyError, statusName, type CallOptions } from "@lectra/clients";
import { ATTR_CACHE_HIT, RpcError } from "@lectra/service-kit";

export const ATTR_JOB_ID = "lectra.job.id";
export const ATTR_SLIDE_INDEX = "lectra.slide.index";
export const ATTR_STAGE = "lectra.stage";

/** "stage.outline" for Stage.STAGE_OUTLINE: the span name users find in Jaeger. */
export function spanName(stage: Stage): string {
  return `stage.${stageToJSON(stage).replace(/^STAGE_/, "").toLowerCase()}`;
}

const where = (stage: Stage, slideIndex: number | undefined) =>
  `${spanName(stage)}${slideIndex === undefined ? "" : ` (slide ${slideIndex + 1})`}`;

/** A stage failed: which one, on which slide, with the gRPC code to report. */
export class StageError extends Error {
  override name = "StageError";
  constructor(
    readonly stage: Stage,
    readonly slideIndex: number | undefined,
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

export function stageError(stage: Stage, slideIndex: number | undefined, error: unknown): StageError {
  if (error instanceof StageError) return error;
  if (error instanceof DependencyError || error instanceof RpcError) {
    return new StageError(stage, slideIndex, error.code, `${where(stage, slideIndex)} failed: ${error.message}`);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new StageError(stage, slideIndex, status.INTERNAL, `${where(stage, slideIndex)} failed: ${message}`);
}

/** One run of a stage, timed by runStage: what the job's report is computed from. */
export interface StageRun {
  stage: Stage;
  slideIndex: number | undefined;
  /** performance.now() at its start and end. */
  startMs: number;
  endMs: number;
  /**
   * When a step that follows another had all it waits for (StageContext.ready):
   * what it did after that is its own work; before, it waited on the other.
   */
  readyMs?: number;
}

export interface StageRunner {
  jobId: string;
  tracer: Tracer;
  /** The job span's context: every stage span is its child. */
  parent: Context;
  signal: AbortSignal;
  /** The job asked the services not to use their result caches. */
  bypassCache: boolean;
  onUpdate(update: StageUpdate): void;
  /** Every run that ended, however it ended. */
  recordRun(run: StageRun): void;
}

/** What a stage's work gets: its span, the options for its calls (cancellation, cache), and a way to say it has its inputs. */
export interface StageContext {
  span: Span;
  call: CallOptions;
  /** The stage has everything it waits for (see StageRun.readyMs); the first call counts. */
  ready(): void;
}

export async function runStage<T>(
  job: StageRunner,
  stage: Stage,
  slideIndex: number | undefined,
  work: (stage: StageContext) => Promise<T>,
  describe?: (result: T) => string,
): Promise<T> {
  job.signal.throwIfAborted();
  const attributes = {
    [ATTR_JOB_ID]: job.jobId,
    [ATTR_STAGE]: spanName(stage),
    ...(slideIndex === undefined ? {} : { [ATTR_SLIDE_INDEX]: slideIndex }),
  };
  return job.tracer.startActiveSpan(spanName(stage), { attributes }, job.parent, async (span) => {
    const started = performance.now();
    let readyMs: number | undefined;
    const ready = () => {
      if (readyMs !== undefined) return;
      readyMs = performance.now();
      span.addEvent("ready");
    };
    /** Records the run with the job, and says how long it took. */
    const finished = () => {
      const ended = performance.now();
      job.recordRun({ stage, slideIndex, startMs: started, endMs: ended, ...(readyMs === undefined ? {} : { readyMs }) });
      return (ended - started) / 1000;
    };
    // A stage's result came from the caches when every call it made was answered
    // from one (a slide's speech is several calls, one per part of its narration).
    let cacheHits = 0;
    let cacheMisses = 0;
    const call: CallOptions = {
      signal: job.signal,
      bypassCache: job.bypassCache,
      onCacheHit: () => cacheHits++,
      onCacheMiss: () => cacheMisses++,
      // A service coming back (restarted, redeployed) shows in the trace as retries.
      onRetry: ({ attempt, delayMs, error }) =>
        span.addEvent("retry", { "lectra.retry.attempt": attempt, "lectra.retry.delay_ms": delayMs, "lectra.retry.reason": error.message }),
    };
    job.onUpdate({ stage, slideIndex, status: StageStatus.STAGE_STATUS_STARTED, seconds: 0, detail: "" });
    try {
      const result = await work({ span, call, ready });
      span.setAttribute(ATTR_CACHE_HIT, cacheHits > 0 && cacheMisses === 0);
      const cached = cacheHits === 0 ? "" : cacheMisses === 0 ? "cached" : `${cacheHits} of ${cacheHits + cacheMisses} calls cached`;
      const detail = [describe?.(result), cached].filter(Boolean).join(", ");
      if (detail) span.setAttribute("lectra.detail", detail);
      span.end();
      job.onUpdate({ stage, slideIndex, status: StageStatus.STAGE_STATUS_FINISHED, seconds: finished(), detail });
      return result;
    } catch (error) {
      if (job.signal.aborted) {
        // The job was stopped (cancelled, shut down, or failed elsewhere): this stage did not fail.
        span.addEvent("cancelled");
        span.setAttribute("lectra.cancelled", true);
        span.end();
        job.onUpdate({ stage, slideIndex, status: StageStatus.STAGE_STATUS_CANCELLED, seconds: finished(), detail: "" });
        throw error;
      }
      const failure = stageError(stage, slideIndex, error);
      span.recordException(failure);
      span.setStatus({ code: SpanStatusCode.ERROR, message: `${statusName(failure.code)}: ${failure.message}` });
      span.end();
      job.onUpdate({ stage, slideIndex, status: StageStatus.STAGE_STATUS_FAILED, seconds: finished(), detail: failure.message });
      throw failure;
    }
  });
}

/** The span context a job's stages hang from. */
export function jobContext(parent: Context, span: Span): Context {
  return trace.setSpan(parent, span);
}

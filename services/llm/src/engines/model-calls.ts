// How the llm service calls a model server: at most LECTRA_LLM_CONCURRENCY
// calls in flight per engine (one limiter for the process, so the limit holds
// across jobs; the waiting calls by priority, a lecture's first slides first,
// then in the order they came), a deadline per try combined with the caller's
// cancellation, and retries with backoff only where a second try can succeed
// (connection errors, 5xx). A try that ran into its deadline is not repeated: a
// model that needed the whole deadline once will need it again, and the caller
// is waiting. A streamed call holds its slot and its deadline for the whole
// stream, and is tried again only before its first delta: after that the caller
// has acted on part of an answer, and a second answer would not continue it.
import { context, SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import { HttpStatusError, isNetworkError, isTransient, withRetry } from "@lectra/resilience";
import type { Logger } from "@lectra/service-kit";
import PQueue from "p-queue";

export interface CallLimits {
  concurrency: number;
  /** The deadline of one try, in ms. */
  timeoutMs: number;
  /** Tries in all, the first included. */
  attempts: number;
  /** The wait before the second try; it doubles after each. */
  baseDelayMs: number;
}

export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BASE_DELAY_MS = 500;

/** Network failures of a connection that was made (as opposed to nothing answering at that address). */
const DROPPED = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

function* causes(error: unknown): Generator<unknown> {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) yield e;
}

/** A streamed answer that ended without the server saying it was done: the answer is cut off. */
export class StreamCutShort extends Error {
  override name = "StreamCutShort";
}

/** Our own deadline for one try ran out (AbortSignal.timeout). */
export const isDeadline = (error: unknown) => error instanceof Error && error.name === "TimeoutError";

export function connectionDropped(error: unknown): boolean {
  for (const e of causes(error)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && DROPPED.has(code)) return true;
  }
  return false;
}

/** Nothing answers at the address: refused, unresolvable, unroutable, or no connection in time. */
export const cannotConnect = (error: unknown) => isNetworkError(error) && !isDeadline(error) && !connectionDropped(error);

/** A short reason for a network failure, e.g. "connect ECONNREFUSED" or "getaddrinfo ENOTFOUND". */
export function networkDetail(error: unknown): string {
  let last: unknown = error;
  for (const e of causes(error)) {
    const { code, syscall } = e as { code?: unknown; syscall?: unknown };
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return `${typeof syscall === "string" ? syscall : "connect"} ${code}`;
    last = e;
  }
  return last instanceof Error ? last.message : String(last);
}

/** Worth another try. A probe (the caller has a fallback) does not retry connection errors: the server is probably just not running. */
export function shouldRetry(error: unknown, probe = false): boolean {
  if (isDeadline(error)) return false;
  if (probe) return error instanceof HttpStatusError && isTransient(error);
  return isTransient(error);
}

export class ModelCalls {
  private readonly slots: PQueue;

  constructor(
    readonly engine: string,
    readonly model: string,
    readonly limits: CallLimits,
    private readonly log: Logger,
  ) {
    this.slots = new PQueue({ concurrency: limits.concurrency });
  }

  /**
   * Runs `work` as one model call: waits for a free slot, then tries it, each
   * try with its own deadline, as one span "llm.model_call".
   */
  private attributes(name: string) {
    return { "lectra.llm.engine": this.engine, "lectra.llm.model": this.model, "lectra.llm.call": name };
  }

  /** Tries `work` until it succeeds or may not be tried again, each try with its own deadline. */
  private tries<T>(name: string, span: Span, signal: AbortSignal, work: (trySignal: AbortSignal) => Promise<T>, probe: boolean): Promise<T> {
    return withRetry(
      (attempt) => {
        signal.throwIfAborted();
        span.setAttribute("lectra.llm.attempts", attempt);
        return work(AbortSignal.any([signal, AbortSignal.timeout(this.limits.timeoutMs)]));
      },
      {
        attempts: this.limits.attempts,
        baseDelayMs: this.limits.baseDelayMs,
        maxDelayMs: 8_000,
        signal,
        retryable: (error) => shouldRetry(error, probe),
        onRetry: (error, attempt, delayMs) => {
          const reason = isNetworkError(error) ? networkDetail(error) : error instanceof Error ? error.message : String(error);
          span.addEvent("retry", { attempt, "delay_ms": delayMs, reason });
          this.log.info(`${this.engine} ${name}: try ${attempt} failed, trying again in ${delayMs} ms`, { reason });
        },
      },
    );
  }

  /**
   * Runs `work` as one model call: waits for a free slot, then tries it, each
   * try with its own deadline, as one span "llm.model_call".
   */
  run<T>(name: string, signal: AbortSignal, work: (trySignal: AbortSignal) => Promise<T>, probe = false, priority = 0): Promise<T> {
    return this.slots.add(() =>
      trace.getTracer("lectra").startActiveSpan("llm.model_call", { attributes: this.attributes(name) }, async (span) => {
        try {
          return await this.tries(name, span, signal, work, probe);
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
          throw error;
        } finally {
          span.end();
        }
      }),
      { priority },
    );
  }

  /** A free slot; call the function it resolves with to give it back. */
  private slot(priority: number): Promise<() => void> {
    return new Promise((acquired) => void this.slots.add(() => new Promise<void>((release) => acquired(release)), { priority }));
  }

  /**
   * Runs `open` as one streamed model call, passing its deltas on: waits for a
   * free slot and holds it until the stream ends, one span "llm.model_call" for
   * the whole stream. A try's deadline covers its whole stream. A try that
   * fails before its first delta is tried again like a call of `run`; a failure
   * after it ends the call. Stopping early (the caller's `return`) closes the stream.
   */
  async *stream<T>(name: string, signal: AbortSignal, open: (trySignal: AbortSignal) => AsyncIterable<T>, probe = false, priority = 0): AsyncGenerator<T> {
    const release = await this.slot(priority);
    const span = trace.getTracer("lectra").startSpan("llm.model_call", { attributes: { ...this.attributes(name), "lectra.llm.streamed": true } });
    // The server's client calls happen inside the call's span, as with run.
    const inSpan = <R>(fn: () => R): R => context.with(trace.setSpan(context.active(), span), fn);
    let deltas: AsyncIterator<T> | undefined;
    try {
      const first = await this.tries(
        name,
        span,
        signal,
        async (trySignal) => {
          const iterator = inSpan(() => open(trySignal)[Symbol.asyncIterator]());
          deltas = iterator;
          return inSpan(() => iterator.next());
        },
        probe,
      );
      if (!first.done) span.addEvent("first delta");
      for (let next = first; !next.done; next = await inSpan(() => deltas!.next())) yield next.value;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      // Closes the stream when the caller stopped early; a no-op on one that ended.
      await deltas?.return?.().catch(() => undefined);
      span.end();
      release();
    }
  }
}

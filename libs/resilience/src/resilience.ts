// How the network engines cope with a network: retry what may succeed on a second
// try (connection errors, 5xx) with exponential backoff, and stop trying an engine
// for a while after it failed, so a fallback chain does not pay the same timeout
// on every slide.

const NETWORK_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_SOCKET", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CLOSED",
]);

/** A failure to reach the other side (refused, reset, unresolvable, timed out), as opposed to an answer we did not like. */
export function isNetworkError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
    if (e instanceof Error && e.name === "TimeoutError") return true;
    if (e instanceof TypeError && e.message === "fetch failed") return true;
  }
  return false;
}

/** An HTTP answer with a status, so retry rules can tell 5xx from 4xx. */
export class HttpStatusError extends Error {
  override name = "HttpStatusError";
  constructor(
    readonly status: number,
    readonly url: string,
    detail = "",
  ) {
    super(`${url} answered HTTP ${status}${detail ? `: ${detail}` : ""}`);
  }
}

/** Worth a second try: the network failed, or the server did (5xx, 429). Never a 4xx: asking again changes nothing. */
export function isTransient(error: unknown): boolean {
  if (error instanceof HttpStatusError) return error.status >= 500 || error.status === 429;
  return isNetworkError(error);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts: number;
  /** The wait before the second try; it doubles each time (±25 % jitter). */
  baseDelayMs: number;
  maxDelayMs?: number;
  retryable?: (error: unknown) => boolean;
  signal?: AbortSignal;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export async function withRetry<T>(work: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const retryable = options.retryable ?? isTransient;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= options.attempts || options.signal?.aborted || !retryable(error)) throw error;
      const base = Math.min(options.maxDelayMs ?? 30_000, options.baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.round(base * (0.75 + Math.random() * 0.5));
      options.onRetry?.(error, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}

/**
 * Remembers that an engine just failed: while open, callers go straight to their
 * fallback. After `coolDownMs` the next call tries the engine again, and a
 * success closes the breaker.
 */
export class CircuitBreaker {
  private openedAt = 0;
  private lastError = "";

  constructor(
    readonly name: string,
    readonly coolDownMs = 30_000,
  ) {}

  get isOpen(): boolean {
    return this.openedAt > 0 && Date.now() - this.openedAt < this.coolDownMs;
  }

  failed(error: unknown): void {
    this.openedAt = Date.now();
    this.lastError = error instanceof Error ? error.message : String(error);
  }

  succeeded(): void {
    this.openedAt = 0;
    this.lastError = "";
  }

  /** Why callers are skipping the engine right now. */
  get reason(): string {
    return `${this.name} failed ${Math.round((Date.now() - this.openedAt) / 1000)} s ago (${this.lastError}); trying it again after ${Math.round(this.coolDownMs / 1000)} s`;
  }
}

// When a call is sent again: a service that is briefly unavailable (restarted
// by `lectra up` or a container runtime, a replica going away) should cost a
// job a few seconds, not the job. Only what the contract says is safe to send
// twice (idempotency_level in proto/lectra/v1/*.proto), only on UNAVAILABLE,
// only within the call's own deadline, and never after the caller gave up
// (downstream.ts checks the signal). Streams only until their first message.
import { status } from "@grpc/grpc-js";
import { idempotencyLevel } from "@lectra/proto";
import { envInt } from "./config";

/** How long an idempotent call keeps trying a service that is unavailable, from its first failure (LECTRA_RETRY_WINDOW_MS). */
export const DEFAULT_RETRY_WINDOW_MS = 20_000;

/**
 * 0.2 s, 0.4, 0.8, 1.6, then every 2 s, each taken at 50–100 % so that the
 * many per-slide calls a restart failed at once do not all return at once.
 * The channel reconnects on its own backoff (downstream.ts); a retry sent
 * before it has fails fast and costs nothing.
 */
export const RETRY_DELAYS = { firstMs: 200, maxMs: 2_000 };

/** A retry is not sent with less than this left of the deadline: it could only end in DEADLINE_EXCEEDED, hiding why. */
const MIN_ATTEMPT_MS = 250;

export function retryWindowMs(env: NodeJS.ProcessEnv = process.env): number {
  return envInt("LECTRA_RETRY_WINDOW_MS", DEFAULT_RETRY_WINDOW_MS, { min: 0, env });
}

/** A method may be sent again when its contract declares NO_SIDE_EFFECTS or IDEMPOTENT. */
export function isRetryable(methodPath: string): boolean {
  return idempotencyLevel(methodPath) !== "UNKNOWN";
}

/** One call's retries so far, and whether it gets another. */
export class Retries {
  /** Retries sent so far. */
  count = 0;
  private firstFailureAt: number | undefined;

  constructor(
    /** The call's deadline (ms since the epoch): every attempt shares it. */
    readonly deadline: number,
    private readonly windowMs: number,
    /** False for a method that may not be sent twice: no failure is retried. */
    private readonly allowed: boolean,
    private readonly random: () => number = Math.random,
  ) {}

  /** After a failed attempt: the delay before the next one, or undefined when the failure stands. */
  next(code: status, now = Date.now()): number | undefined {
    if (!this.allowed || code !== status.UNAVAILABLE) return undefined;
    this.firstFailureAt ??= now;
    const ceiling = Math.min(RETRY_DELAYS.maxMs, RETRY_DELAYS.firstMs * 2 ** this.count);
    const delayMs = Math.round(ceiling * (0.5 + this.random() / 2));
    if (now + delayMs - this.firstFailureAt > this.windowMs) return undefined;
    if (now + delayMs + MIN_ATTEMPT_MS > this.deadline) return undefined;
    this.count++;
    return delayMs;
  }

  /** For the error a retried call ends with: how many retries, over how long. */
  summary(now = Date.now()): { times: number; seconds: number } | undefined {
    if (this.count === 0 || this.firstFailureAt === undefined) return undefined;
    return { times: this.count, seconds: (now - this.firstFailureAt) / 1000 };
  }
}

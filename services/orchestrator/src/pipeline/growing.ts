// A step's result while it grows, for the steps that follow it (graph.ts,
// Growing): the step publishes partial results, then settles; readers take the
// latest, never waiting for one they have already seen.
import type { Growing } from "./graph";

export class GrowingResult<T> implements Growing<T> {
  private latest: { value: T } | undefined;
  private version = 0;
  private settled: { value: T } | { error: unknown } | undefined;
  private readonly changed = new Set<() => void>();
  readonly whole: Promise<T>;
  private resolveWhole!: (value: T) => void;
  private rejectWhole!: (error: unknown) => void;

  constructor() {
    this.whole = new Promise<T>((resolve, reject) => {
      this.resolveWhole = resolve;
      this.rejectWhole = reject;
    });
    // A failure reaches whoever reads; nobody reading is not an unhandled rejection.
    this.whole.catch(() => {});
  }

  publish(value: T): void {
    if (this.settled) return;
    this.latest = { value };
    this.version++;
    this.wake();
  }

  finish(value: T): void {
    if (this.settled) return;
    this.settled = { value };
    this.resolveWhole(value);
    this.wake();
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.settled = { error };
    this.rejectWhole(error);
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let seen = 0;
    for (;;) {
      if (this.settled) {
        if ("error" in this.settled) throw this.settled.error;
        yield this.settled.value;
        return;
      }
      if (this.version > seen && this.latest) {
        seen = this.version;
        yield this.latest.value;
        continue;
      }
      await new Promise<void>((wake) => this.changed.add(wake));
    }
  }

  private wake(): void {
    const waiting = [...this.changed];
    this.changed.clear();
    waiting.forEach((wake) => wake());
  }
}

/** The first value of a growing result that `ready` accepts, or the whole result. */
export async function firstOf<T>(growing: Growing<T>, ready: (value: T) => boolean): Promise<T> {
  for await (const value of growing) if (ready(value)) return value;
  return growing.whole;
}

/**
 * Reads a stream of cumulative messages (a streamed outline or slide): each
 * message before the last goes to `grew`; the last must say it is complete.
 */
export async function completeOf<M extends { complete: boolean }>(stream: AsyncIterable<M>, grew: (message: M) => void): Promise<M> {
  for await (const message of stream) {
    if (message.complete) return message;
    grew(message);
  }
  throw new Error("the stream ended before its answer was complete");
}

/** Runs `work` once per key; asking again gives the same promise. */
export function memo<A extends unknown[], R>(key: (...args: A) => string, work: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  const started = new Map<string, Promise<R>>();
  return (...args: A) => {
    const k = key(...args);
    if (!started.has(k)) started.set(k, work(...args));
    return started.get(k)!;
  };
}

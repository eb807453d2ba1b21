// Admission control: at most `maxRunning` jobs run at once and `maxQueued` wait
// for a slot, in the order they came; past that a job is refused at the door
// (RESOURCE_EXHAUSTED, saying when to retry) instead of slowing every job down.
// A waiting job that is cancelled or interrupted leaves the line.
import { status } from "@grpc/grpc-js";
import type { QueuePlace } from "@lectra/proto";
import { RpcError } from "@lectra/service-kit";

export interface AdmissionLimits {
  /** LECTRA_MAX_JOBS */
  maxRunning: number;
  /** LECTRA_MAX_QUEUED_JOBS */
  maxQueued: number;
}

/** What the line needs of a job: to hear its place, and to leave when stopped. */
export interface Waiter {
  signal: AbortSignal;
  queued(place: QueuePlace): void;
}

interface Waiting {
  waiter: Waiter;
  admit(): void;
}

/** A slot for one job; released when the job ends, whether it ran or not. */
export interface Ticket {
  /** True when the job must wait for `granted`. */
  waits: boolean;
  /** Resolves when the job may run; rejects with the job's stop reason if it was stopped first. */
  granted: Promise<void>;
  /** Tells a waiting job its place now (the line tells it again whenever it moves). */
  announce(): void;
  release(): void;
}

export class Admission {
  private running = 0;
  private readonly line: Waiting[] = [];
  /** Recent jobs' running times, for "retry in about …". */
  private readonly recentSeconds: number[] = [];

  constructor(readonly limits: AdmissionLimits) {}

  /**
   * Takes a slot now, or a place in line, or refuses: decided at once, before
   * anything awaits, so that jobs arriving together cannot overfill it.
   */
  enter(waiter: Waiter): Ticket {
    const { maxRunning, maxQueued } = this.limits;
    if (this.running < maxRunning && this.line.length === 0) {
      this.running++;
      return { waits: false, granted: Promise.resolve(), announce: () => {}, release: this.releaser(() => true) };
    }
    if (this.line.length >= maxQueued) {
      throw new RpcError(
        status.RESOURCE_EXHAUSTED,
        `${this.running} jobs are running and ${this.line.length} waiting, the most this orchestrator takes ` +
          `(LECTRA_MAX_JOBS=${maxRunning}, LECTRA_MAX_QUEUED_JOBS=${maxQueued}); retry in about ${this.retryAfterSeconds()} s`,
      );
    }
    let admitted = false;
    const granted = new Promise<void>((resolve, reject) => {
      const entry: Waiting = {
        waiter,
        admit: () => {
          admitted = true;
          waiter.signal.removeEventListener("abort", leave);
          resolve();
        },
      };
      const leave = () => {
        this.line.splice(this.line.indexOf(entry), 1);
        this.tellPlaces();
        reject(waiter.signal.reason);
      };
      waiter.signal.addEventListener("abort", leave, { once: true });
      this.line.push(entry);
    });
    granted.catch(() => undefined); // the job awaits it; a stop before that is not unhandled
    const announce = () => {
      const position = this.line.findIndex((w) => w.waiter === waiter) + 1;
      if (position > 0) waiter.queued({ position, running: this.running, maxRunning: this.limits.maxRunning });
    };
    // A job stopped while it waited never held a slot: it only left the line.
    return { waits: true, granted, announce, release: this.releaser(() => admitted) };
  }

  /** A job's running time, for the retry estimate. */
  ran(seconds: number): void {
    this.recentSeconds.push(seconds);
    if (this.recentSeconds.length > 20) this.recentSeconds.shift();
  }

  get counts(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.line.length };
  }

  private releaser(holdsSlot: () => boolean): () => void {
    let released = false;
    return () => {
      if (released || !holdsSlot()) return;
      released = true;
      const next = this.line.shift();
      if (next) {
        // The slot passes straight to the next in line.
        next.admit();
        this.tellPlaces();
      } else {
        this.running--;
      }
    };
  }

  private tellPlaces(): void {
    this.line.forEach((w, i) => w.waiter.queued({ position: i + 1, running: this.running, maxRunning: this.limits.maxRunning }));
  }

  /** A slot frees when a running job ends: about a job's time, less when several run. */
  private retryAfterSeconds(): number {
    const mean = this.recentSeconds.length ? this.recentSeconds.reduce((a, b) => a + b, 0) / this.recentSeconds.length : 30;
    return Math.max(1, Math.ceil(mean / Math.max(1, this.limits.maxRunning)));
  }
}

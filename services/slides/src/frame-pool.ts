// A few worker threads that turn frame SVGs into PNGs (see frame-worker.ts), so
// rasterising never blocks the event loop. Workers start on first use and hold the
// process open only while they have work.
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { FrameJob, FrameResult } from "./frame-worker";

interface Slot {
  worker: Worker;
  /** Jobs sent and not yet answered. */
  busy: number;
}

interface Pending {
  slot: Slot;
  resolve: (png: Buffer) => void;
  reject: (error: Error) => void;
}

export class FramePool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(readonly size: number) {}

  private spawn(): Slot {
    const worker = new Worker(path.join(__dirname, "frame-worker.js"));
    const slot: Slot = { worker, busy: 0 };
    worker.unref();
    worker.on("message", (result: FrameResult) => {
      const p = this.pending.get(result.id);
      this.pending.delete(result.id);
      if (--slot.busy === 0) worker.unref();
      if (!p) return;
      if ("error" in result) p.reject(new Error(`cannot draw the frame: ${result.error}`));
      else p.resolve(Buffer.from(result.png.buffer, result.png.byteOffset, result.png.byteLength));
    });
    worker.on("error", (error) => this.fail(slot, error));
    worker.on("exit", (code) => this.fail(slot, new Error(`frame worker exited (code ${code})`)));
    this.slots.push(slot);
    return slot;
  }

  /** A dead worker fails what it held; the next job starts a fresh one. */
  private fail(slot: Slot, error: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    for (const [id, p] of this.pending) {
      if (p.slot === slot) {
        this.pending.delete(id);
        p.reject(error);
      }
    }
  }

  private pick(): Slot {
    const idle = this.slots.find((s) => s.busy === 0);
    if (idle) return idle;
    if (this.slots.length < this.size) return this.spawn();
    return this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  /** The SVG as a PNG `width` pixels wide. An aborted signal rejects at once; the worker's result is dropped. */
  render(svg: string, width: number, signal?: AbortSignal): Promise<Buffer> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const slot = this.pick();
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(id);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const done = () => signal?.removeEventListener("abort", onAbort);
      this.pending.set(id, {
        slot,
        resolve: (png) => (done(), resolve(png)),
        reject: (error) => (done(), reject(error)),
      });
      if (slot.busy++ === 0) slot.worker.ref();
      slot.worker.postMessage({ id, svg, width } satisfies FrameJob);
    });
  }

  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

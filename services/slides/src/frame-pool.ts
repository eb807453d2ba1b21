// A few worker threads that turn frame SVGs into PNGs (see frame-worker.ts), so
// rasterising never blocks the event loop. Workers start on first use and hold the
// process open only while they have work.
//
// Each worker draws one frame at a time and the frames beyond that wait here, not
// in the workers' message queues: a worker frees a frame's pixels before it takes
// the next (frame-worker.ts), and a waiting frame is only its page until a worker
// is free, its SVG (with its picture in base64) built then. So the frames a pool
// holds at once are its size, whatever the number of calls; more workers than
// cores would only add memory, not speed (a worker drawing held 38 MB more than
// none: its heap, and one frame's 8.3 MB of pixels as resvg draws and encodes it).
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { FrameJob, FrameResult } from "./frame-worker";

interface Frame {
  /** Builds the SVG, once a worker is free for it. */
  svg: () => string;
  width: number;
  resolve: (png: Buffer) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  /** The frame it draws, and that frame's id; none when idle. */
  frame?: Frame & { id: number };
}

export class FramePool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Frame[] = [];
  private nextId = 1;

  constructor(readonly size: number) {}

  /** Frames being drawn now: at most `size`. */
  get drawing(): number {
    return this.slots.filter((s) => s.frame).length;
  }

  /** Frames waiting for a worker. */
  get queued(): number {
    return this.waiting.length;
  }

  private spawn(): Slot {
    const worker = new Worker(path.join(__dirname, "frame-worker.js"));
    const slot: Slot = { worker };
    worker.unref();
    worker.on("message", (result: FrameResult) => {
      const frame = slot.frame;
      if (!frame || frame.id !== result.id) return;
      slot.frame = undefined;
      worker.unref();
      if ("error" in result) frame.reject(new Error(`cannot draw the frame: ${result.error}`));
      else frame.resolve(Buffer.from(result.png.buffer, result.png.byteOffset, result.png.byteLength));
      this.next();
    });
    worker.on("error", (error) => this.fail(slot, error));
    worker.on("exit", (code) => this.fail(slot, new Error(`frame worker exited (code ${code})`)));
    this.slots.push(slot);
    return slot;
  }

  /** A dead worker fails the frame it held; the next frame starts a fresh one. */
  private fail(slot: Slot, error: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    slot.frame?.reject(error);
    this.next();
  }

  /** Hands waiting frames to idle workers, starting workers up to `size`. */
  private next(): void {
    while (this.waiting.length > 0) {
      const slot = this.slots.find((s) => !s.frame) ?? (this.slots.length < this.size ? this.spawn() : undefined);
      if (!slot) return;
      const frame = this.waiting.shift()!;
      let svg: string;
      try {
        svg = frame.svg();
      } catch (error) {
        frame.reject(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      const id = this.nextId++;
      slot.frame = { ...frame, id };
      slot.worker.ref();
      slot.worker.postMessage({ id, svg, width: frame.width } satisfies FrameJob);
    }
  }

  /**
   * The SVG `svg()` builds as a PNG `width` pixels wide. An aborted signal rejects
   * at once: a waiting frame is dropped, a frame being drawn finishes unseen.
   */
  render(svg: () => string, width: number, signal?: AbortSignal): Promise<Buffer> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Buffer>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiting.indexOf(frame);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal!.reason);
      };
      const done = () => signal?.removeEventListener("abort", onAbort);
      const frame: Frame = {
        svg,
        width,
        resolve: (png) => (done(), resolve(png)),
        reject: (error) => (done(), reject(error)),
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(frame);
      this.next();
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

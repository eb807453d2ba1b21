// Runs in a worker thread: SVG in, PNG out. Drawing and PNG encoding are synchronous and
// take up to ~100 ms for a frame with a photo, which would stall the service's
// event loop (and its health checks) if it ran there. Frames hold no <text> (their
// text is glyph outlines, frame.ts), so the worker loads no fonts, not even the
// system's.
//
// resvg keeps a frame's pixels (1920x1080 RGBA: 8.3 MB) and its parsed SVG in
// native memory that the JS objects it returns own, freed only when V8 collects
// them. V8 does not know their size, and the worker's own heap is a few MB, so it
// rarely collected: each frame left ~9 MB behind until it did (a worker grew by
// 8.3 MB a frame through 30 frames in a row; the slides service peaked at
// 400-580 MiB under the 8-lecture load, 183 MiB of it resvg's allocator). So the
// worker collects after every frame and answers once the objects' finalizers have
// run, which bounds a worker at one frame's memory; it costs no time (30 frames in
// a row took 3.1 s so, 3.9 s without: fewer fresh pages to fault in).
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { parentPort } from "node:worker_threads";
import { Resvg } from "@resvg/resvg-js";
import { opaquePng } from "@lectra/pictures";

export interface FrameJob {
  id: number;
  svg: string;
  width: number;
}

export type FrameResult = { id: number; png: Uint8Array } | { id: number; error: string };

// `gc` from a context made after the flag is set: the service needs no --expose-gc on its command line.
setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

/** Its own function, so nothing of resvg's is left on the stack when the worker collects. */
function draw(job: FrameJob): FrameResult {
  try {
    const image = new Resvg(job.svg, {
      fitTo: { mode: "width", value: job.width },
      font: { loadSystemFonts: false },
      logLevel: "off",
    }).render();
    // Opaque RGB rather than resvg's RGBA PNG: what ffmpeg converts fastest (@lectra/pictures' opaque-png.ts).
    const png = opaquePng(image.pixels, image.width, image.height);
    return { id: job.id, png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength) };
  } catch (error) {
    return { id: job.id, error: error instanceof Error ? error.message : String(error) };
  }
}

parentPort!.on("message", (job: FrameJob) => {
  const result = draw(job);
  collect();
  // Native finalizers run as immediates queued by the collection, before this one.
  setImmediate(() => parentPort!.postMessage(result satisfies FrameResult));
});

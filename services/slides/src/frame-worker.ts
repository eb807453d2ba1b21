// Runs in a worker thread: SVG in, PNG out. resvg's PNG encoding is synchronous and
// takes up to ~100 ms for a frame with a photo, which would stall the service's
// event loop (and its health checks) if it ran there. Frames hold no <text> (their
// text is glyph outlines, frame.ts), so the worker loads no fonts, not even the
// system's.
import { parentPort } from "node:worker_threads";
import { Resvg } from "@resvg/resvg-js";

export interface FrameJob {
  id: number;
  svg: string;
  width: number;
}

export type FrameResult = { id: number; png: Uint8Array } | { id: number; error: string };

parentPort!.on("message", (job: FrameJob) => {
  try {
    const png = new Resvg(job.svg, {
      fitTo: { mode: "width", value: job.width },
      font: { loadSystemFonts: false },
      logLevel: "off",
    })
      .render()
      .asPng();
    const bytes = new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
    parentPort!.postMessage({ id: job.id, png: bytes } satisfies FrameResult);
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) } satisfies FrameResult);
  }
});

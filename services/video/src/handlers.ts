// VideoService handlers: check the request, encode or write captions, answer.
import type { RenderVideoRequest, RenderVideoResponse, VideoServiceServer, WriteCaptionsRequest } from "@lectra/proto";
import { chunks, serverStream, unary, type Logger, type Telemetry } from "@lectra/service-kit";
import { buildCaptions, toSrt, toWebVtt } from "./captions";
import { encodeMp4 } from "./encode";
import type { Ffmpeg } from "./ffmpeg";
import { mp4DurationSeconds } from "./mp4";
import { captionSegments, planVideo } from "./requests";

/** The MP4 is streamed in pieces of this size. */
export const CHUNK_BYTES = 1 << 20;

/** SpanStatusCode.ERROR; @opentelemetry/api is service-kit's dependency, not this package's. */
const SPAN_ERROR = 2;

export function videoHandlers(tool: Ffmpeg, tracer: Telemetry["tracer"], log: Logger): VideoServiceServer {
  return {
    renderVideo: serverStream(log, "RenderVideo", async (req: RenderVideoRequest, send, { signal }) => {
      const plan = planVideo(req);
      const { mp4, durationSeconds } = await tracer.startActiveSpan("video.encode", async (span) => {
        span.setAttributes({
          "lectra.video.encoder": tool.encoder.name,
          "lectra.video.ffmpeg_version": tool.version,
          "lectra.video.frame_rate": plan.frameRate.mode === "variable" ? "variable" : `${plan.frameRate.fps}`,
          "lectra.video.frames": plan.stills.length,
          "lectra.video.chapters": plan.chapters.length,
          "lectra.video.narration_seconds": plan.narration.seconds,
        });
        try {
          const mp4 = await encodeMp4(tool, plan, signal);
          const durationSeconds = mp4DurationSeconds(mp4);
          span.setAttributes({ "lectra.video.duration_seconds": durationSeconds, "lectra.video.bytes": mp4.length });
          return { mp4, durationSeconds };
        } catch (error) {
          span.recordException(error as Error);
          span.setStatus({ code: SPAN_ERROR, message: (error as Error).message });
          throw error;
        } finally {
          span.end();
        }
      });
      log.info("encoded", {
        frames: plan.stills.length,
        frameRate: plan.frameRate.mode,
        seconds: Number(durationSeconds.toFixed(3)),
        bytes: mp4.length,
        encoder: tool.encoder.name,
      });

      const pieces = [...chunks(mp4, CHUNK_BYTES)];
      for (const [i, chunk] of pieces.entries()) {
        const last = i === pieces.length - 1;
        const message: RenderVideoResponse = { chunk, durationSeconds: last ? durationSeconds : 0, encoder: last ? tool.encoder.name : "" };
        await send(message);
      }
    }),

    writeCaptions: unary(log, "WriteCaptions", async (req: WriteCaptionsRequest) => {
      const captions = buildCaptions(captionSegments(req));
      return { vtt: toWebVtt(captions), srt: toSrt(captions) };
    }),
  };
}

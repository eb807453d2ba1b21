// VideoService handlers: check the request, encode, join or write captions, answer.
import {
  RenderClipRequest,
  RenderClipResponse,
  type AssembleVideoRequest,
  type AssembleVideoResponse,
  type RenderVideoRequest,
  type RenderVideoResponse,
  type VideoServiceServer,
  type WriteCaptionsRequest,
} from "@lectra/proto";
import { cached, chunks, ResultCache, serverStream, unary, type Logger, type Send, type Telemetry } from "@lectra/service-kit";
import { clipSound, SILENCE_PEAK } from "./aac";
import { assembleMp4 } from "./assemble";
import { buildCaptions, toSrt, toWebVtt } from "./captions";
import { encodeClip } from "./clip";
import { encodeMp4 } from "./encode";
import type { Ffmpeg } from "./ffmpeg";
import { mp4DurationSeconds } from "./mp4";
import { captionSegments, languageOf, planAssembly, planClip, planVideo, type VideoPlan } from "./request";

/** The MP4 is streamed in pieces of this size. */
export const CHUNK_BYTES = 1 << 20;

/**
 * Part of every clip's cache key: change it when a clip's bytes would change
 * for the same request, ffmpeg and encoder (options, priming, muxing).
 */
export const CLIP_FORMAT = "clip/3"; // clip/3: x264's veryfast preset

const NO_BYTES = Buffer.alloc(0);

/**
 * The request for a clip's cache key: every field but the pictures and the
 * sound encoded as the message, those hashed as they came. Encoding the whole
 * request again copied its megabytes a few times over (a 30 s slide's sound is
 * 1.4 MB) for every clip, cached or not. The priority is left out: it says
 * when a clip is encoded, not what it holds.
 */
export function clipRequestParts(req: RenderClipRequest): Uint8Array[] {
  const rest = RenderClipRequest.encode({
    ...req,
    priority: 0,
    frames: req.frames.map((frame) => ({ ...frame, png: NO_BYTES })),
    narration: req.narration && { ...req.narration, pcm: NO_BYTES },
  }).finish();
  return [rest, ...req.frames.map((frame) => frame.png), req.narration?.pcm ?? NO_BYTES];
}

/** SpanStatusCode.ERROR; @opentelemetry/api is service-kit's dependency, not this package's. */
const SPAN_ERROR = 2;

type Attributes = Record<string, string | number | boolean>;
type Span = { setAttributes(attributes: Attributes): unknown };

/**
 * Runs an encode when a slot is free: the waiting ones by `priority` (higher
 * first, RenderClipRequest.priority), then in the order they came; one whose
 * call is cancelled while it waits is dropped.
 */
export type EncodingSlots = <T>(work: () => Promise<T>, priority: number, signal: AbortSignal) => Promise<T>;

/**
 * `encoding` bounds the encodes (clips and one-piece videos) running at once,
 * across all calls: a job starts every slide's clip together, and more ffmpeg
 * processes than cores only slow each other down. Joining clips is a stream copy
 * on the job's critical path, so it never waits behind them.
 */
export function videoHandlers(
  tool: Ffmpeg,
  tracer: Telemetry["tracer"],
  log: Logger,
  cache?: ResultCache,
  encoding: EncodingSlots = (work) => work(),
): VideoServiceServer {
  /** Runs `work` in a span named `name` (a child of the call's span), recording a failure on it. */
  const traced = <T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> =>
    tracer.startActiveSpan(name, async (span) => {
      span.setAttributes({ "lectra.video.encoder": tool.encoder.name, "lectra.video.ffmpeg_version": tool.version, ...attributes });
      try {
        return await work(span);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SPAN_ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    });

  const pictureAttributes = (plan: VideoPlan): Attributes => ({
    "lectra.video.frame_rate": plan.frameRate.mode === "variable" ? "variable" : `${plan.frameRate.fps}`,
    "lectra.video.frames": plan.stills.length,
    "lectra.video.narration_seconds": plan.narration.seconds,
  });

  /** The MP4 in CHUNK_BYTES pieces, the last one carrying `last`. */
  async function stream<T extends { chunk: Buffer }>(mp4: Buffer, send: Send<T>, empty: Omit<T, "chunk">, last: Omit<T, "chunk">) {
    const pieces = [...chunks(mp4, CHUNK_BYTES)];
    for (const [i, chunk] of pieces.entries()) await send({ chunk, ...(i === pieces.length - 1 ? last : empty) } as T);
  }

  return {
    renderVideo: serverStream(log, "RenderVideo", async (req: RenderVideoRequest, send, { signal }) => {
      const plan = planVideo(req);
      const attributes = { ...pictureAttributes(plan), "lectra.video.chapters": plan.chapters.length, "lectra.video.captions": plan.subtitles?.captions.length ?? 0 };
      const { mp4, durationSeconds } = await traced("video.encode", attributes, async (span) => {
        const mp4 = await encoding(() => encodeMp4(tool, plan, signal), 0, signal);
        const durationSeconds = mp4DurationSeconds(mp4);
        span.setAttributes({ "lectra.video.duration_seconds": durationSeconds, "lectra.video.bytes": mp4.length });
        return { mp4, durationSeconds };
      });
      log.info("encoded", {
        frames: plan.stills.length,
        frameRate: plan.frameRate.mode,
        seconds: Number(durationSeconds.toFixed(3)),
        bytes: mp4.length,
        encoder: tool.encoder.name,
      });
      await stream<RenderVideoResponse>(mp4, send, { durationSeconds: 0, encoder: "" }, { durationSeconds, encoder: tool.encoder.name });
    }),

    renderClip: unary(log, "RenderClip", async (req: RenderClipRequest, call) => {
      const plan = planClip(req);
      // A clip depends on the request, on how it is encoded and on the ffmpeg that encodes it.
      const key = ResultCache.key(CLIP_FORMAT, tool.encoder.name, tool.version, ...clipRequestParts(req));
      return traced("video.clip", pictureAttributes(plan), (span) =>
        cached(cache, call, key, RenderClipResponse, async () => {
          const sound = clipSound(plan.narration.pcm);
          if (sound.droppedPeak > SILENCE_PEAK) {
            // The orchestrator pads every slide with silence; speech here means it did not, and its last 43 ms are lost.
            log.debug("clip narration does not end in silence; its last AAC frame is dropped anyway", { peak: sound.droppedPeak, silenceBelow: SILENCE_PEAK });
          }
          const clip = await encoding(() => encodeClip(tool, plan, sound.pcm, call.signal), req.priority, call.signal);
          span.setAttributes({ "lectra.video.duration_seconds": plan.narration.seconds, "lectra.video.bytes": clip.length });
          log.info("clip encoded", { frames: plan.stills.length, frameRate: plan.frameRate.mode, seconds: plan.narration.seconds, bytes: clip.length });
          return { clip, durationSeconds: plan.narration.seconds, encoder: tool.encoder.name };
        }),
      );
    }),

    assembleVideo: serverStream(log, "AssembleVideo", async (req: AssembleVideoRequest, send, { signal }) => {
      const plan = planAssembly(req);
      const attributes = { "lectra.video.clips": plan.clips.length, "lectra.video.narration_seconds": plan.seconds, "lectra.video.captions": plan.subtitles?.captions.length ?? 0 };
      const { mp4, durationSeconds } = await traced("video.assemble", attributes, async (span) => {
        const mp4 = await assembleMp4(tool, plan, signal);
        const durationSeconds = mp4DurationSeconds(mp4);
        span.setAttributes({ "lectra.video.duration_seconds": durationSeconds, "lectra.video.bytes": mp4.length });
        return { mp4, durationSeconds };
      });
      log.info("assembled", { clips: plan.clips.length, seconds: Number(durationSeconds.toFixed(3)), bytes: mp4.length });
      await stream<AssembleVideoResponse>(mp4, send, { durationSeconds: 0 }, { durationSeconds });
    }),

    writeCaptions: unary(log, "WriteCaptions", async (req: WriteCaptionsRequest) => {
      const captions = buildCaptions(captionSegments(req), languageOf(req));
      return { vtt: toWebVtt(captions), srt: toSrt(captions) };
    }),
  };
}

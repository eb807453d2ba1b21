// The lecture pipeline, per DESIGN.md: after the outline, every slide flows
// through its own chain as soon as its inputs exist —
//
//   content ─┬─ image ─── frame ─┬─ clip (the slide's video, encoded on its own)
//            └─ tags → speech ───┘
//
// — and only the deck (all slides' content and pictures), the narration and
// captions (all speech) and the video (all clips, joined without encoding) wait
// for every slide. No stage waits for anything its data does not need.
import { status } from "@grpc/grpc-js";
import {
  Stage,
  type ModelPull,
  type Frame,
  type LectureSource,
  type Picture,
  type RenderClipResponse,
  type Slide,
  type SynthesizeResponse,
} from "@lectra/proto";
import { BYTES_PER_SAMPLE, buildTimeline, encodeWav, padToFrames, pageTimes, parseSegments, type Timeline } from "@lectra/lecture";
import type { ImagesClient, LlmClient, SlidesClient, SpeechClient, VideoClient } from "@lectra/service-kit";
import { ARTIFACTS } from "../artifacts";
import type { ArtifactWriter } from "../jobs/store";
import type { LectureRequest } from "../request";
import { runStage, StageError, type StageRunner } from "./stage";

export interface Downstreams {
  llm: LlmClient;
  images: ImagesClient;
  slides: SlidesClient;
  speech: SpeechClient;
  video: VideoClient;
}

export type ArtifactKind = keyof typeof ARTIFACTS;

/** A model download can take an hour; its deadline is that, not the llm's usual one. */
const MODEL_PULL_TIMEOUT_MS = 3_600_000;

/** What the pipeline needs from the job that runs it. */
export interface LectureJob extends StageRunner {
  outlined(title: string, slideCount: number): void;
  /** Something the user should know; the same message is reported once per job. */
  warn(where: string, message: string): void;
  modelPull(progress: ModelPull): void;
  /** Where a slide's picture came from, for the job record's credits. */
  pictured(slideIndex: number, picture: Picture): void;
  /** Records the first real failure and stops the rest of the job. */
  fail(error: unknown): void;
  saveArtifact(kind: ArtifactKind, data: Uint8Array): Promise<void>;
  artifactWriter(kind: ArtifactKind): ArtifactWriter;
}

interface SlideChain {
  content: Promise<Slide>;
  picture: Promise<Picture | undefined>;
  /** The slide's speech, its audio padded to whole AAC frames. */
  spoken: Promise<SynthesizeResponse>;
  frames: Promise<Frame[]> | undefined;
  clip: Promise<RenderClipResponse> | undefined;
}

export async function produceLecture(job: LectureJob, req: LectureRequest, clients: Downstreams): Promise<void> {
  const source: LectureSource = { source: req.source };
  const inFlight: Promise<unknown>[] = [];
  // Every branch is watched from the start: the first failure stops the job at
  // once, instead of surfacing whenever some later await happens to reach it.
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.push(promise);
    promise.catch((error) => job.fail(error));
    return promise;
  };

  try {
    const outline = await runStage(job, Stage.STAGE_OUTLINE, undefined, async ({ call }) => {
      if (req.source.$case === "topic") await prepareModel(job, clients.llm);
      const answer = await clients.llm.outline({ source, slideCount: req.slideCount }, call);
      answer.warnings.forEach((w) => job.warn("outline", w));
      return answer;
    }, (o) => `${o.slideTitles.length} slides, by ${o.engine}`);
    if (outline.slideTitles.length === 0) {
      throw new StageError(Stage.STAGE_OUTLINE, undefined, status.INTERNAL, "stage.outline failed: the outline has no slides");
    }
    job.outlined(outline.title, outline.slideTitles.length);
    const slideTotal = outline.slideTitles.length;

    const slides: SlideChain[] = outline.slideTitles.map((_, i) => {
      const content = track(
        runStage(job, Stage.STAGE_CONTENT, i, async ({ call }) => {
          const { slide, warnings } = await clients.llm.writeSlide(
            { source, lectureTitle: outline.title, slideTitles: outline.slideTitles, slideIndex: i },
            call,
          );
          warnings.forEach((w) => job.warn(`slide ${i + 1}`, w));
          if (!slide?.narration.trim()) throw new Error("the slide came back without narration");
          return { ...slide, index: i };
        }),
      );
      const picture = track(
        content.then((slide) =>
          runStage(job, Stage.STAGE_IMAGE, i, async ({ call }) => {
            const { picture, warnings } = await clients.images.findPicture({ query: slide.imageQuery, slideTitle: slide.title }, call);
            warnings.forEach((w) => job.warn(`slide ${i + 1}`, w));
            if (picture) job.pictured(i, picture);
            return picture;
          }, (p) => (p ? `${p.engine}: ${p.title}` : "no picture")),
        ),
      );
      const spoken = track(
        content
          .then((slide) =>
            runStage(job, Stage.STAGE_TAGS, i, async ({ call }) => {
              const tagged = await clients.llm.tagProsody({ slide }, call);
              tagged.warnings.forEach((w) => job.warn(`slide ${i + 1}`, w));
              return tagged;
            }, (t) => t.engine),
          )
          .then((tagged) =>
            runStage(job, Stage.STAGE_SPEECH, i, async ({ call }) => {
              const spoken = await clients.speech.synthesize({ voice: req.voice, segments: parseSegments(tagged.taggedNarration) }, call);
              spoken.warnings.forEach((w) => job.warn(`slide ${i + 1}`, w));
              return alignedToFrames(spoken);
            }, (c) => `${c.durationSeconds.toFixed(2)} s, ${c.engine} ${c.voice}`),
          ),
      );
      const frames = req.skipVideo
        ? undefined
        : track(
            Promise.all([content, picture]).then(([slide, picture]) =>
              runStage(job, Stage.STAGE_FRAME, i, async ({ call }) =>
                (await clients.slides.renderFrames({ lectureTitle: outline.title, slideTotal, slide: { slide, picture } }, call)).frames,
                (f) => `${f.length} page${f.length === 1 ? "" : "s"}`,
              ),
            ),
          );
      // A constant frame rate cannot be kept across clips whose lengths are not whole
      // frames, so those videos are encoded in one piece at the end instead.
      const clip = frames && !req.constantFrameRate
        ? track(
            Promise.all([frames, spoken]).then(([frames, spoken]) =>
              runStage(job, Stage.STAGE_CLIP, i, async ({ call }) => {
                const times = pageTimes({ startSeconds: 0, endSeconds: spoken.durationSeconds }, frames.map((f) => f.share));
                return clients.video.renderClip(
                  {
                    frames: frames.map((f, p) => ({ png: f.png, ...times[p] })),
                    narration: spoken.audio,
                    constantFrameRate: req.constantFrameRate,
                    framesPerSecond: 0,
                  },
                  call,
                );
              }, (c) => `${c.durationSeconds.toFixed(2)} s, ${c.encoder}`),
            ),
          )
        : undefined;
      return { content, picture, spoken, frames, clip };
    });

    const deck = track(
      Promise.all(slides.map(async (s) => ({ slide: await s.content, picture: await s.picture }))).then((illustrated) =>
        runStage(job, Stage.STAGE_DECK, undefined, async ({ call }) => {
          let pages = 0;
          await streamToArtifact(job, "deck", clients.slides.buildDeck({ lectureTitle: outline.title, slides: illustrated }, call), (part) => {
            pages ||= part.pageCount;
          });
          return pages;
        }, (pages) => `${pages} pages`),
      ),
    );

    // The narration (every slide's speech, joined) gives the timeline for the captions and timings.
    const narration = track(
      Promise.all(slides.map(async (s) => ({ slide: await s.content, spoken: await s.spoken }))).then(async (all) => {
        const sampleRate = all[0].spoken.audio!.sampleRate;
        if (all.some((s) => s.spoken.audio?.sampleRate !== sampleRate)) {
          throw new StageError(Stage.STAGE_SPEECH, undefined, status.INTERNAL, "stage.speech: slides came back at different sample rates");
        }
        const timeline = buildTimeline(
          all.map(({ slide, spoken }) => ({ title: slide.title, durationSeconds: spoken.durationSeconds, segments: spoken.segments })),
        );
        const pcm = Buffer.concat(all.map((s) => s.spoken.audio!.pcm));
        await job.saveArtifact("narration", encodeWav(pcm, sampleRate));
        return { timeline, pcm, sampleRate };
      }),
    );

    const captions = track(
      narration.then(({ timeline }) =>
        runStage(job, Stage.STAGE_CAPTIONS, undefined, async ({ call }) => {
          const captions = await clients.video.writeCaptions({ segments: timeline.segments }, call);
          await job.saveArtifact("vtt", Buffer.from(captions.vtt));
          await job.saveArtifact("srt", Buffer.from(captions.srt));
          return timeline.segments.length;
        }, (n) => `${n} segments`),
      ),
    );

    const timings = track(
      Promise.all([narration, Promise.all(slides.map((s) => s.frames ?? Promise.resolve([])))]).then(([{ timeline }, frames]) =>
        job.saveArtifact("timings", Buffer.from(JSON.stringify(timingsRecord(outline.title, timeline, pagesOn(timeline, frames)), null, 2) + "\n")),
      ),
    );

    // The video is the slides' clips joined: no encoding left for the end.
    const video = slides.every((s) => s.clip)
      ? track(
          Promise.all(slides.map(async (s) => ({ slide: await s.content, clip: await s.clip! }))).then((clips) =>
            runStage(job, Stage.STAGE_VIDEO, undefined, async ({ call }) => {
              let seconds = 0;
              const request = { clips: clips.map(({ slide, clip }) => ({ clip: clip.clip, durationSeconds: clip.durationSeconds, title: slide.title })) };
              await streamToArtifact(job, "video", clients.video.assembleVideo(request, call), (part) => {
                seconds ||= part.durationSeconds;
              });
              return seconds;
            }, (seconds) => `${seconds.toFixed(2)} s from ${clips.length} clips`),
          ),
        )
      : req.constantFrameRate && !req.skipVideo
        ? track(
            Promise.all([narration, Promise.all(slides.map((s) => s.frames!))]).then(([spoken, frames]) =>
              runStage(job, Stage.STAGE_VIDEO, undefined, async ({ call }) => {
                let encoder = "";
                const pages = pagesOn(spoken.timeline, frames);
                const request = {
                  frames: pages.map((p) => ({ png: frames[p.slideIndex].find((f) => f.page === p.page)!.png, startSeconds: p.startSeconds, endSeconds: p.endSeconds })),
                  narration: { pcm: spoken.pcm, sampleRate: spoken.sampleRate },
                  chapters: spoken.timeline.slides.map((s) => ({ title: s.title, startSeconds: s.startSeconds, endSeconds: s.endSeconds })),
                  constantFrameRate: true,
                  framesPerSecond: 0,
                };
                await streamToArtifact(job, "video", clients.video.renderVideo(request, call), (part) => {
                  encoder ||= part.encoder;
                });
                return `${encoder}, constant frame rate`;
              }, (detail) => detail),
            ),
          )
        : undefined;

    await Promise.all([deck, narration, captions, timings, video]);
  } finally {
    // Let cancelled calls unwind before the job reports its end, so a cancelled
    // job has really stopped its downstream work when it says so.
    await Promise.allSettled(inFlight);
  }
}

/**
 * Topic jobs need the language model: the llm service checks it (and pulls it
 * when allowed), and its progress becomes job events, at most a few per second.
 */
async function prepareModel(job: LectureJob, llm: Downstreams["llm"]): Promise<void> {
  let lastAt = 0;
  let lastStatus = "";
  for await (const p of llm.prepareModel({}, { signal: job.signal, timeoutMs: MODEL_PULL_TIMEOUT_MS })) {
    if (p.ready) return;
    const now = Date.now();
    const layerDone = p.totalBytes > 0 && p.completedBytes === p.totalBytes;
    if (p.status !== lastStatus || layerDone || now - lastAt >= 250) {
      job.modelPull({ model: p.model, status: p.status, completedBytes: p.completedBytes, totalBytes: p.totalBytes });
      lastAt = now;
      lastStatus = p.status;
    }
  }
}

/** Writes a streamed output (deck, video) to its artifact; nothing half-written is kept. */
async function streamToArtifact<Part extends { chunk: Buffer }>(job: LectureJob, kind: ArtifactKind, parts: AsyncIterable<Part>, onPart: (part: Part) => void) {
  const writer = job.artifactWriter(kind);
  try {
    for await (const part of parts) {
      onPart(part);
      await writer.write(part.chunk);
    }
    await writer.finish();
  } catch (error) {
    await writer.abort();
    throw error;
  }
}

/**
 * A slide's speech with its audio padded to whole AAC frames: its clip can then
 * be encoded on its own and joined to the others without drifting, and every
 * time after it (timeline, captions, chapters) uses the padded length.
 */
function alignedToFrames(spoken: SynthesizeResponse): SynthesizeResponse {
  const audio = spoken.audio!;
  const pcm = padToFrames(audio.pcm);
  return { ...spoken, audio: { ...audio, pcm }, durationSeconds: pcm.length / BYTES_PER_SAMPLE / audio.sampleRate };
}

interface PageTiming {
  slideIndex: number;
  page: number;
  startSeconds: number;
  endSeconds: number;
}

/** Where each slide's pages are shown on the lecture's timeline: each for its share of the slide. */
export function pagesOn(timeline: Timeline, frames: Frame[][]): PageTiming[] {
  return timeline.slides.flatMap((slide, i) => {
    const times = pageTimes(slide, frames[i].map((f) => f.share));
    return frames[i].map((frame, p) => ({ slideIndex: i, page: frame.page, ...times[p] }));
  });
}

/** timings.json: where every slide, page and spoken segment sits in the narration. */
function timingsRecord(title: string, timeline: Timeline, pages: PageTiming[]) {
  return {
    title,
    durationSeconds: timeline.durationSeconds,
    slides: timeline.slides.map((s) => ({
      ...s,
      pages: pages.filter((p) => p.slideIndex === s.index).map(({ page, startSeconds, endSeconds }) => ({ page, startSeconds, endSeconds })),
    })),
    segments: timeline.segments,
  };
}

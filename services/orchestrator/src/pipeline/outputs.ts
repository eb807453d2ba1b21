// What the lecture's steps share besides their calls: waiting for the model,
// streaming an output into its artifact, and placing pages on the timeline.
import type { Frame } from "@lectra/proto";
import { pageTimes, type Timeline } from "@lectra/lecture";
import type { ArtifactRef } from "../artifacts";
import type { Downstreams, LectureJob } from "./env";

/** A model download can take an hour; its deadline is that, not the llm's usual one. */
const MODEL_PULL_TIMEOUT_MS = 3_600_000;

/**
 * Topic jobs need the language model: the llm service checks it (and pulls it
 * when allowed), and its progress becomes job events, at most a few per second.
 */
export async function prepareModel(job: LectureJob, llm: Downstreams["llm"]): Promise<void> {
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
export async function streamToArtifact<Part extends { chunk: Buffer }>(
  job: LectureJob,
  kind: ArtifactRef,
  parts: AsyncIterable<Part>,
  onPart: (part: Part) => void,
): Promise<void> {
  const sink = job.artifactSink(kind);
  try {
    for await (const part of parts) {
      onPart(part);
      await sink.write(part.chunk);
    }
    await sink.finish();
  } catch (error) {
    await sink.abort();
    throw error;
  }
}

export interface PageTiming {
  slideIndex: number;
  page: number;
  startSeconds: number;
  endSeconds: number;
}

/** Where each slide's pages are shown on the lecture's timeline: each for its share of the slide. */
export function pagesOn(timeline: Timeline, frames: Frame[][]): PageTiming[] {
  return timeline.slides.flatMap((slide, i) => {
    const slideFrames = frames[i] ?? [];
    const times = pageTimes(slide, slideFrames.map((f) => f.share));
    return slideFrames.map((frame, p) => ({ slideIndex: i, page: frame.page, ...times[p] }));
  });
}

/** timings.json: where every slide, page and spoken segment sits in the narration. */
export function timingsRecord(title: string, timeline: Timeline, pages: PageTiming[]) {
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

// The original system's measured latencies (10 slides, one GPU), as recorded in
// docs/architecture.md, replayed by the fake servers so that LECTRA's schedule is
// measured against the same outside services. A scale factor shrinks every one
// of them alike.
import { answerTokens, type ModelAnswerKind } from "@lectra/fakes";

/** A small seeded generator (mulberry32), so every run replays the same latencies. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seconds, as the original measured them. */
export const ORIGINAL = {
  outline: 8.4,
  slide: [6, 12] as const,
  tags: [0.5, 0.8] as const,
  pictureSearch: [3, 6] as const,
  /** Edge answers its first audio after ~0.4 s and streams at ~0.15 × real time. */
  voiceFirstByte: 0.4,
  voiceRealTimeFactor: 0.15,
  /**
   * How fast the model writes an answer: a local 8B model (llama3.1:8b, Q4) on
   * a strong GPU generates about 100 tokens a second. The replayed total per
   * answer stays the original's measured latency above; the fake model streams
   * its answer's tokens (~4 characters each) at this rate so that the stream
   * ends then (its first token comes at latency − tokens ÷ rate). Answers asked
   * for whole come at once after the latency, as before.
   */
  tokensPerSecond: 100,
};

/**
 * How many of a streamed answer's tokens its replayed latency covers: those of
 * the answer as the original asked for it. The original's outline named the
 * slides only; LECTRA's also chooses each slide's picture (an image query per
 * slide), and the fake model writes those extra tokens after the replayed
 * latency, at the same rate, as a real model would take longer to write them.
 * Other answers are covered whole.
 */
export function originalAnswerTokens(kind: ModelAnswerKind | undefined, content: string): number {
  if (kind !== "outline") return answerTokens(content).length;
  try {
    const outline = JSON.parse(content) as { title: unknown; slides: Array<{ title: unknown }> };
    return answerTokens(JSON.stringify({ title: outline.title, slides: outline.slides.map((s) => s.title) })).length;
  } catch {
    return answerTokens(content).length; // not JSON (a broken answer on purpose): as it is
  }
}

export interface Replay {
  scale: number;
  /** Per answer kind of the fake model server, in ms. */
  model(kind: "outline" | "slide" | "tags" | undefined): number;
  /** Per request of the fake picture API, in ms (searches only; files come at once). */
  picture(kind: "search" | "file"): number;
  voiceFirstByteMs: number;
  voiceRealTimeFactor: number;
  /**
   * The rate the fake model streams an answer's tokens at: ORIGINAL.tokensPerSecond
   * (100) ÷ scale, so that the streaming shrinks with every other replayed time
   * (at scale 1, exactly 100 tokens a second). Each answer still ends at its
   * replayed latency.
   */
  tokensPerSecond: number;
}

export function replay(scale: number, seed = 2026): Replay {
  const random = seeded(seed);
  const between = ([lo, hi]: readonly [number, number]) => (lo + (hi - lo) * random()) * 1000 * scale;
  return {
    scale,
    model: (kind) => (kind === "outline" ? ORIGINAL.outline * 1000 * scale : kind === "slide" ? between(ORIGINAL.slide) : kind === "tags" ? between(ORIGINAL.tags) : 0),
    picture: (kind) => (kind === "search" ? between(ORIGINAL.pictureSearch) : 0),
    voiceFirstByteMs: ORIGINAL.voiceFirstByte * 1000 * scale,
    voiceRealTimeFactor: ORIGINAL.voiceRealTimeFactor * scale,
    tokensPerSecond: ORIGINAL.tokensPerSecond / scale,
  };
}

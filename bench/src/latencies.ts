// The original system's measured latencies (10 slides, one GPU), as recorded in
// docs/architecture.md, replayed by the fake servers so that LECTRA's schedule is
// measured against the same outside services. A scale factor shrinks every one
// of them alike.
import { answerTokens, type ModelAnswerKind } from "@lectra/fakes";

/** A small seeded generator (mulberry32). */
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

/** FNV-1a: a request's words as a number, to seed its draw. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export interface Replay {
  scale: number;
  /**
   * Per answer of the fake model server, in ms: by its kind and `asked`, the
   * request's words (its messages), so that the same request is replayed with
   * the same latency in every run, whatever order the requests come in.
   */
  model(kind: "outline" | "slide" | "tags" | undefined, asked: string): number;
  /** Per request of the fake picture API, in ms (searches only; files come at once); `asked` as for model. */
  picture(kind: "search" | "file", asked: string): number;
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

/**
 * The replayed latencies. Each request draws its own from the seed and what it
 * asks: a draw from one shared sequence in arrival order gave the first slide
 * a different latency from run to run (its call and the picture searches race),
 * and with it "first playable" moved by seconds between identical runs.
 */
export function replay(scale: number, seed = 2026): Replay {
  const between = ([lo, hi]: readonly [number, number], asked: string) => (lo + (hi - lo) * seeded(seed ^ hashOf(asked))()) * 1000 * scale;
  return {
    scale,
    model: (kind, asked) =>
      kind === "outline" ? ORIGINAL.outline * 1000 * scale : kind === "slide" ? between(ORIGINAL.slide, asked) : kind === "tags" ? between(ORIGINAL.tags, asked) : 0,
    picture: (kind, asked) => (kind === "search" ? between(ORIGINAL.pictureSearch, asked) : 0),
    voiceFirstByteMs: ORIGINAL.voiceFirstByte * 1000 * scale,
    voiceRealTimeFactor: ORIGINAL.voiceRealTimeFactor * scale,
    tokensPerSecond: ORIGINAL.tokensPerSecond / scale,
  };
}

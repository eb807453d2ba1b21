// Joins spoken segments and their pauses into one narration clip and says where
// each segment sits in it. Every time comes from sample counts, so the timings
// are exact for the audio that is returned: nothing is estimated.
import { BYTES_PER_SAMPLE, type ClipSegment } from "@lectra/lecture";
import type { SpokenClip } from "./engines/engine";

export interface ClipPart {
  text: string;
  clip: SpokenClip;
  pauseAfterMs: number;
}

export interface Narration {
  /** Mono s16le PCM: each segment's speech followed by its pause, in order. */
  pcm: Buffer;
  segments: ClipSegment[];
  /** Samples divided by the rate. */
  durationSeconds: number;
}

export function pauseSamples(pauseMs: number, sampleRate: number): number {
  return Math.max(0, Math.round((pauseMs * sampleRate) / 1000));
}

export function assembleNarration(parts: ClipPart[], sampleRate: number): Narration {
  const pieces: Buffer[] = [];
  const segments: ClipSegment[] = [];
  let at = 0; // in samples
  for (const part of parts) {
    if (part.clip.pcm.length % BYTES_PER_SAMPLE !== 0) {
      throw new Error(`a clip of ${part.clip.pcm.length} bytes is not whole 16-bit samples`);
    }
    const speech = part.clip.pcm.length / BYTES_PER_SAMPLE;
    const pause = pauseSamples(part.pauseAfterMs, sampleRate);
    const start = at / sampleRate;
    segments.push({
      text: part.text,
      startSeconds: start,
      endSeconds: (at + speech) / sampleRate,
      pauseSeconds: pause / sampleRate,
      words: part.clip.words.map((w) => ({ word: w.word, startSeconds: start + w.startSeconds, endSeconds: start + w.endSeconds })),
    });
    pieces.push(part.clip.pcm, Buffer.alloc(pause * BYTES_PER_SAMPLE));
    at += speech + pause;
  }
  return { pcm: Buffer.concat(pieces), segments, durationSeconds: at / sampleRate };
}

/** Where the speech is: the first sample louder than `level` and one past the last. */
export function speechBounds(samples: Int16Array, level = 0): { start: number; end: number } {
  const loud = (s: number) => s > level || s < -level;
  const first = samples.findIndex(loud);
  if (first < 0) return { start: 0, end: 0 };
  return { start: first, end: samples.findLastIndex(loud) + 1 };
}

/**
 * Drops the silence (samples no louder than `level`; 0 means exact digital
 * silence) before and after the speech. Engines pad their clips; the
 * narration's own pauses say how long the silence between segments is, so the
 * padding would only lengthen them.
 */
export function trimSilence(samples: Int16Array, level = 0): Int16Array {
  const { start, end } = speechBounds(samples, level);
  return samples.subarray(start, end);
}

// Word timings from Edge's word-boundary metadata. Edge says when each word
// starts and how long it lasts, in 100-ns ticks from the start of the audio it
// synthesized; the clip we return starts elsewhere (the MP3 decoder's delay is
// still in front of the speech, and the leading silence is cut off), so every
// time is moved by the same shift and kept inside the clip.
import type { ClipWord } from "@lectra/lecture";

export const TICKS_PER_SECOND = 10_000_000;

/** One WordBoundary event, in seconds from the start of Edge's audio. */
export interface WordBoundary {
  word: string;
  offsetSeconds: number;
  durationSeconds: number;
}

interface MetadataEvent {
  Type?: unknown;
  Data?: { Offset?: unknown; Duration?: unknown; text?: { Text?: unknown; BoundaryType?: unknown } };
}

/**
 * Reads the audio.metadata messages (each `{"Metadata":[…]}`) for word
 * boundaries. Sentence and session events, punctuation "words" and anything
 * malformed are left out: a caption needs the spoken words only.
 */
export function wordBoundaries(messages: readonly Uint8Array[]): WordBoundary[] {
  const words: WordBoundary[] = [];
  for (const message of messages) {
    let events: unknown;
    try {
      events = (JSON.parse(Buffer.from(message).toString("utf8")) as { Metadata?: unknown }).Metadata;
    } catch {
      continue;
    }
    if (!Array.isArray(events)) continue;
    for (const event of events as MetadataEvent[]) {
      if (event?.Type !== "WordBoundary") continue;
      const { Offset, Duration, text } = event.Data ?? {};
      const word = typeof text?.Text === "string" ? text.Text.trim() : "";
      if (text?.BoundaryType !== undefined && text.BoundaryType !== "WordBoundary") continue;
      if (typeof Offset !== "number" || typeof Duration !== "number" || !/[\p{L}\p{N}]/u.test(word)) continue;
      words.push({ word, offsetSeconds: Offset / TICKS_PER_SECOND, durationSeconds: Math.max(0, Duration / TICKS_PER_SECOND) });
    }
  }
  return words.sort((a, b) => a.offsetSeconds - b.offsetSeconds);
}

/**
 * Word boundaries as times in the clip: `shiftSeconds` is added to Edge's times
 * (where Edge's time 0 is in the clip, negative when the clip starts later), and
 * each word is kept within [0, clipSeconds].
 */
export function clipWords(boundaries: readonly WordBoundary[], shiftSeconds: number, clipSeconds: number): ClipWord[] {
  const inClip = (t: number) => Math.min(clipSeconds, Math.max(0, t));
  return boundaries.map((b) => {
    const startSeconds = inClip(b.offsetSeconds + shiftSeconds);
    return { word: b.word, startSeconds, endSeconds: Math.max(startSeconds, inClip(b.offsetSeconds + b.durationSeconds + shiftSeconds)) };
  });
}

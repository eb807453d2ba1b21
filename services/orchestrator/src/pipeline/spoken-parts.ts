// A slide's speech from the parts of its narration (@lectra/lecture's
// narrationParts), each spoken on its own and side by side: joined sample for
// sample, every segment and word moved to where its part begins.
import { NarrationEnd, type SpokenSegment, type SynthesizeResponse } from "@lectra/proto";
import { alignToAacFrames, type PartEnd } from "@lectra/lecture";

/** What TagProsodyRequest.ends_at calls a part's end. */
export const NARRATION_END: Record<PartEnd, NarrationEnd> = {
  sentence: NarrationEnd.NARRATION_END_SENTENCE,
  paragraph: NarrationEnd.NARRATION_END_PARAGRAPH,
  slide: NarrationEnd.NARRATION_END_UNSPECIFIED,
};

/** The slide's speech: the parts' audio joined in order, every segment and word moved to where its part begins. */
export function joinSpoken(parts: SynthesizeResponse[]): SynthesizeResponse & { durationSeconds: number } {
  const sampleRate = parts[0].audio!.sampleRate;
  let offset = 0;
  const segments: SpokenSegment[] = [];
  for (const part of parts) {
    const shift = offset / sampleRate;
    segments.push(
      ...part.segments.map((s) => ({
        ...s,
        startSeconds: s.startSeconds + shift,
        endSeconds: s.endSeconds + shift,
        words: s.words.map((w) => ({ ...w, startSeconds: w.startSeconds + shift, endSeconds: w.endSeconds + shift })),
      })),
    );
    offset += part.audio!.pcm.length / 2;
  }
  const joined = { ...parts[0].audio!, pcm: Buffer.concat(parts.map((p) => p.audio!.pcm)) };
  return {
    ...alignToAacFrames(joined),
    segments,
    engine: parts[0].engine,
    voice: parts[0].voice,
    warnings: [...new Set(parts.flatMap((p) => p.warnings))],
  };
}

/** Parts spoken by different engines or voices, or at different rates, cannot be joined into one voice. */
export const speakOneVoice = (parts: SynthesizeResponse[]) =>
  parts.every((p) => p.engine === parts[0].engine && p.voice === parts[0].voice && p.audio?.sampleRate === parts[0].audio?.sampleRate);

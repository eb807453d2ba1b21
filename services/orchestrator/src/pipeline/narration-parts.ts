// A slide's narration in parts, tagged and spoken side by side and as soon as
// each is written, then joined sample for sample into the slide's speech.
//
// The parts are a function of the narration alone, so a part's tags and speech
// come from the caches whenever its text comes again (an edited sentence redoes
// only its part), and a part is known as soon as its sentences and the next
// sentence are: the first part is the first sentence, so that speech starts
// early; each next one takes sentences until it holds PART_CHARS characters.
import { NarrationEnd, type SpokenSegment, type SynthesizeResponse } from "@lectra/proto";
import { alignToAacFrames, formatTag, paragraphs, sentences, tokenize } from "@lectra/lecture";

/** About ten seconds of speech: long enough to sound whole, short enough to share out. */
export const PART_CHARS = 160;

export interface NarrationPart {
  /** The part's narration, beginning with the rate and pitch tags in effect where it starts. */
  text: string;
  /** What its last sentence ends: a sentence, a paragraph, or the slide (TagProsodyRequest.ends_at). */
  endsAt: NarrationEnd;
}

interface Sentence {
  text: string;
  /** A paragraph begins with it. */
  opens: boolean;
}

/**
 * The parts of `narration` known so far: with `whole`, all of them; else those
 * with at least one more sentence after them, since only then is a part's end
 * known (its length, and whether a paragraph or the slide ends there).
 */
export function narrationParts(narration: string, language: string, whole: boolean): NarrationPart[] {
  const list: Sentence[] = paragraphs(narration).flatMap((paragraph) => sentences(paragraph, language).map((text, s) => ({ text, opens: s === 0 })));
  const parts: NarrationPart[] = [];
  let rate = 0;
  let pitch = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const taken = list.slice(start, i + 1);
    const last = i === list.length - 1;
    const full = parts.length === 0 || taken.reduce((n, s) => n + s.text.length, 0) >= PART_CHARS;
    if (!(last ? whole : full)) continue;
    // Rate and pitch tags last until changed: a part begins with the ones the part before left set.
    const carried = [rate ? formatTag({ kind: "rate", value: rate }) : "", pitch ? formatTag({ kind: "pitch", value: pitch }) : ""].filter(Boolean);
    const body = taken.map((s, k) => (k > 0 && s.opens ? `\n\n${s.text}` : s.text)).join(" ");
    const endsAt = last ? NarrationEnd.NARRATION_END_UNSPECIFIED : list[i + 1].opens ? NarrationEnd.NARRATION_END_PARAGRAPH : NarrationEnd.NARRATION_END_SENTENCE;
    parts.push({ text: [...carried, body].join(" "), endsAt });
    for (const token of tokenize(body)) {
      if (typeof token === "string") continue;
      if (token.kind === "rate") rate = token.value;
      if (token.kind === "pitch") pitch = token.value;
    }
    start = i + 1;
  }
  return parts;
}

/** A key for a part: the same text ending the same way is the same part. */
export const partKey = (part: NarrationPart) => `${part.endsAt}\u0000${part.text}`;

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

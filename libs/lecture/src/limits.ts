// What one slide and one lecture may hold, declared once. Each service enforces
// its own limits from here, and a script is checked against all of them when it
// is submitted (parseScript), so what the API accepts the services accept: a job
// never fails at a later stage on a limit the door could have seen.
import { tokenize } from "./prosody";
import { DEFAULT_LANGUAGE } from "./language";
import { paragraphs, sentences } from "./sentences";

/** SpeechService.Synthesize: one call speaks one slide's narration. */
export const SPEECH_LIMITS = {
  /** Segments in one call. The tagger makes one of every sentence, and one more at every tag inside a sentence. */
  segments: 400,
  /** Characters in one segment: one sentence, spoken in one breath by the engine. */
  segmentChars: 5_000,
  /**
   * Characters in one call, which keeps the answer under the 256 MiB message
   * limit: 50k characters at the slowest rate (~12 characters a second) plus 400
   * pauses of 1.5 s is about 80 minutes of 24 kHz audio, some 230 MB.
   */
  chars: 50_000,
} as const;

/** SlidesService: what one slide is laid out to. */
export const SLIDE_LIMITS = {
  /** Bullets on a slide, all pages together. */
  bullets: 10,
  /**
   * Characters in one bullet: as many as a page without a picture holds. This
   * many fit one page at the smallest body size even beside a picture, in the
   * widest letters (Œ, W, @) broken into words of any length, so within
   * `bullets` no slide needs more than `pages` pages. Symbols wider than an em
   * (‱, some emoji) may need more; the page cap holds for them too.
   */
  bulletChars: 200,
  /** Pages one slide is laid out to, continuations included; what would follow is not shown. */
  pages: 10,
} as const;

/** A whole lecture: a script's slides, a deck's slides, and so the deck's pages. */
export const LECTURE_LIMITS = {
  slides: 60,
  pages: 60 * SLIDE_LIMITS.pages,
} as const;

/** Characters as a reader counts them (code points), as the slides' page rule counts them too. */
export function characters(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * The stretches of a narration the speech service is asked to speak, in order: the
 * tagger ends every sentence with a pause and every tag starts a new segment, so
 * there is one for every sentence (in the narration's language), and one more at
 * every tag inside a sentence.
 */
export function narrationSegments(narration: string, language: string = DEFAULT_LANGUAGE): string[] {
  return paragraphs(narration)
    .flatMap((paragraph) => sentences(paragraph, language))
    .flatMap((sentence) => tokenize(sentence).filter((t): t is string => typeof t === "string"))
    .map((text) => text.replace(/\s+/g, " ").trim())
    .filter(Boolean);
}

/** What is over SPEECH_LIMITS in one call's segments; each caller says it in its own words. */
export type SpeechExcess =
  | { kind: "segments"; count: number }
  | { kind: "segmentChars"; index: number; chars: number }
  | { kind: "chars"; chars: number };

export function speechExcess(texts: readonly string[]): SpeechExcess | undefined {
  if (texts.length > SPEECH_LIMITS.segments) return { kind: "segments", count: texts.length };
  let chars = 0;
  for (const [index, text] of texts.entries()) {
    if (text.length > SPEECH_LIMITS.segmentChars) return { kind: "segmentChars", index, chars: text.length };
    chars += text.length;
  }
  return chars > SPEECH_LIMITS.chars ? { kind: "chars", chars } : undefined;
}

export const formatCount = (n: number) => n.toLocaleString("en-US");

/** Why a narration cannot be spoken in one call, said to its author; undefined when it can. */
export function narrationProblem(narration: string, language: string = DEFAULT_LANGUAGE): string | undefined {
  const segments = narrationSegments(narration, language);
  const excess = speechExcess(segments);
  switch (excess?.kind) {
    case undefined:
      return undefined;
    case "segments":
      return (
        `has ${formatCount(excess.count)} sentences to speak (a tag inside a sentence starts a new one); ` +
        `the limit is ${formatCount(SPEECH_LIMITS.segments)} a slide: move some of them to a new slide`
      );
    case "segmentChars": {
      const start = segments[excess.index].slice(0, 40).trimEnd();
      return (
        `has a sentence of ${formatCount(excess.chars)} characters ("${start}…"); ` +
        `the limit is ${formatCount(SPEECH_LIMITS.segmentChars)}: break it into shorter sentences`
      );
    }
    case "chars":
      return (
        `has ${formatCount(excess.chars)} characters to speak; ` +
        `the limit is ${formatCount(SPEECH_LIMITS.chars)} a slide: move some of it to a new slide`
      );
  }
}

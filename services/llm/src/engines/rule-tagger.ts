// The offline prosody tagger: rules a speaker would follow.
// - A pause after every sentence, a longer one after a paragraph, the longest at
//   the end of the slide, so slides don't run into each other.
// - Definitions ("X is defined as", "refers to", "means", "is called") and
//   sentences that introduce the slide's key terms are spoken more slowly.
// - Questions rise in pitch.
// Tags the author already wrote in the narration are kept and not doubled.
import { formatTag, paragraphs, sentences, tokenize, type ProsodyTag } from "@lectra/lecture";
import { NarrationEnd, type Slide } from "@lectra/proto";
import type { ProsodyTagger } from "./engine";

export const PAUSE_SENTENCE_MS = 350;
export const PAUSE_PARAGRAPH_MS = 700;
export const PAUSE_SLIDE_END_MS = 900;
export const RATE_DEFINITION = -12;
export const RATE_KEY_TERM = -6;
export const PITCH_QUESTION = 1;

const DEFINITION =
  /\b(is|are|was|were)\s+(defined|known|described)\s+as\b|\b(refers?|referring)\s+to\b|\bmeans?\b|\b(is|are)\s+called\b|\bwe\s+call\b|\bstands\s+for\b|\bin\s+other\s+words\b/i;

/** Key terms: the part of a bullet before ":" or " - ", or a short bullet itself. */
export function keyTerms(bullets: string[]): string[] {
  return bullets
    .map((b) => {
      const head = /^(.{2,40}?)\s*(?::|\s[-–—]\s)/.exec(b)?.[1];
      if (head) return head;
      return b.split(/\s+/).length <= 3 ? b : "";
    })
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t.length >= 3);
}

function hasTag(sentence: string, kind: ProsodyTag["kind"]): boolean {
  return tokenize(sentence).some((t) => typeof t !== "string" && t.kind === kind);
}

function endsWithPause(sentence: string): boolean {
  const last = tokenize(sentence.trim()).at(-1);
  return typeof last !== "string" && last?.kind === "pause";
}

/** The pause after the last sentence sent: the slide's end, or a sentence's or paragraph's when more narration follows. */
export function endPauseMs(endsAt: NarrationEnd = NarrationEnd.NARRATION_END_UNSPECIFIED): number {
  if (endsAt === NarrationEnd.NARRATION_END_SENTENCE) return PAUSE_SENTENCE_MS;
  if (endsAt === NarrationEnd.NARRATION_END_PARAGRAPH) return PAUSE_PARAGRAPH_MS;
  return PAUSE_SLIDE_END_MS;
}

/**
 * `language` (BCP 47) says where the narration's sentences end: every one gets
 * its pause. `endsAt` says what the last one ends (a part of a slide's
 * narration, tagged as it is written, ends a sentence or a paragraph).
 */
export function tagNarration(narration: string, language: string, bullets: string[] = [], endsAt?: NarrationEnd): string {
  const terms = keyTerms(bullets);
  const paras = paragraphs(narration);
  const out: string[] = [];
  paras.forEach((paragraph, p) => {
    const list = sentences(paragraph, language);
    list.forEach((sentence, s) => {
      const lower = sentence.toLowerCase();
      const rate = DEFINITION.test(sentence) ? RATE_DEFINITION : terms.some((t) => lower.includes(t)) ? RATE_KEY_TERM : 0;
      const pitch = /\?["'”’)]*$/.test(sentence) ? PITCH_QUESTION : 0;
      const lastOfParagraph = s === list.length - 1;
      const pause = !lastOfParagraph ? PAUSE_SENTENCE_MS : p === paras.length - 1 ? endPauseMs(endsAt) : PAUSE_PARAGRAPH_MS;

      const parts: string[] = [];
      const setRate = rate !== 0 && !hasTag(sentence, "rate");
      const setPitch = pitch !== 0 && !hasTag(sentence, "pitch");
      if (setRate) parts.push(formatTag({ kind: "rate", value: rate }));
      if (setPitch) parts.push(formatTag({ kind: "pitch", value: pitch }));
      parts.push(sentence);
      if (setRate) parts.push(formatTag({ kind: "rate", value: 0 }));
      if (setPitch) parts.push(formatTag({ kind: "pitch", value: 0 }));
      if (!endsWithPause(sentence)) parts.push(formatTag({ kind: "pause", value: pause }));
      out.push(parts.join(" "));
    });
  });
  return out.join(" ");
}

export const ruleTagger: ProsodyTagger = {
  name: "rules",
  async tag(slide: Slide, language: string, _signal: AbortSignal, endsAt?: NarrationEnd) {
    return { taggedNarration: tagNarration(slide.narration, language, slide.bullets, endsAt), engine: "rules", warnings: [] };
  },
};

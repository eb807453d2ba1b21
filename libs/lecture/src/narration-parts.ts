// A slide's narration in parts, which can be tagged and spoken side by side and
// as soon as each is written (the orchestrator does), then joined into the
// slide's speech.
//
// The parts are a function of the narration alone, so a part's tags and speech
// come from the caches whenever its text comes again (an edited sentence redoes
// only its part), and a part is known as soon as its sentences and the next
// sentence are: the first part is the first sentence, so that speech starts
// early; each next one takes sentences until it holds PART_CHARS characters.
import { formatTag, tokenize } from "./prosody";
import { paragraphs, sentences } from "./sentences";

export type PartEnd = "sentence" | "paragraph" | "slide";

/**
 * About five seconds of speech, a sentence or two: long enough to sound whole,
 * short enough to share out. The last part is known only once the narration is
 * whole, so its tags and speech come after the model's answer has ended, on the
 * lecture's critical path: the shorter the parts, the less is left for then.
 */
export const PART_CHARS = 80;

export interface NarrationPart {
  /** The part's narration, beginning with the rate and pitch tags in effect where it starts. */
  text: string;
  /** What its last sentence ends: a sentence that more of its paragraph follows, a paragraph that more narration follows, or the slide. */
  endsAt: PartEnd;
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
    const endsAt: PartEnd = last ? "slide" : list[i + 1].opens ? "paragraph" : "sentence";
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


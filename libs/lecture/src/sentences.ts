// Splits narration into paragraphs and sentences, in the lecture's language: the
// one rule behind the prosody tagger's pauses, the speech segments, the limits a
// script is checked against and so the captions' cues.
//
// Where a sentence may end is Unicode's (Intl.Segmenter, which knows each
// script's full stops: the danda । ॥, 。！？ with no space after them, ؟ and ۔).
// Cased scripts then get the rules LECTRA always had, which Unicode's lack:
// a sentence starts with a capital, a digit or a quote, so "Did he? yes" and
// "e.g. on" go on; it does not end at a common abbreviation or an initial
// ("Dr. Smith", "J. S. Bach"); and "it. 3 times" or "Wait… Then" do end.
import { normalizeLanguage } from "./language";

const ABBREVIATIONS = new Set([
  "e.g", "i.e", "etc", "vs", "dr", "mr", "mrs", "ms", "prof", "st", "no", "fig", "approx", "ca", "cf", "jr", "sr",
]);

/** Closing quotes and brackets, which stay with the sentence they close. */
const CLOSERS = String.raw`["'”’)\]]*`;
/**
 * What may start a sentence after a Latin stop: an opening quote or bracket,
 * then a capital, a digit, or a letter of a script without case (Devanagari,
 * Arabic, Han…). A small letter, markup or a symbol goes on the sentence.
 */
const SENTENCE_START = String.raw`["'“‘(\[]?[\p{Lu}\p{Lt}\p{Lo}\p{N}]`;
const STARTS_SENTENCE = new RegExp(`^${SENTENCE_START}`, "u");
/** A Latin full stop, question or exclamation mark (or …) with its closers, a space, and a sentence's start: where Unicode may not see an end ("it. 3 times", "Wait… Then"). */
const LATIN_END = new RegExp(`([.!?…]+${CLOSERS})\\s+(?=${SENTENCE_START})`, "gu");
/** A piece ending in a Latin stop and any punctuation after it (Unicode counts brackets of both kinds); the group is the space after them. */
const LATIN_STOP_AT_END = /[.!?…][^\s\p{L}\p{N}]*(\s*)$/u;
/** The word before a final full stop, e.g. "dr" in "Dr." or "j" in "(J.". */
const WORD_BEFORE_STOP = new RegExp(`(\\S+)\\.${CLOSERS}\\s*$`, "u");

const segmenters = new Map<string, Intl.Segmenter>();

function segmenter(language: string): Intl.Segmenter {
  let s = segmenters.get(language);
  if (!s) segmenters.set(language, (s = new Intl.Segmenter(language, { granularity: "sentence" })));
  return s;
}

export function paragraphs(narration: string): string[] {
  return narration
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, " ").trim())
    .filter(Boolean);
}

/** Cuts `piece` after every LATIN_END, keeping the space with the piece before. */
function cutAtLatinEnds(piece: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const m of piece.matchAll(LATIN_END)) {
    out.push(piece.slice(start, m.index + m[0].length));
    start = m.index + m[0].length;
  }
  if (start < piece.length) out.push(piece.slice(start));
  return out;
}

/**
 * True when `next` is not a sentence of its own but goes on `sentence`. Only a
 * Latin stop is second-guessed; a boundary after another script's (। 。 ؟) is Unicode's.
 */
function goesOn(sentence: string, next: string): boolean {
  const stop = LATIN_STOP_AT_END.exec(sentence);
  if (!stop) return false;
  // No space after the stop ("a.b", "Yes?No"), or no capital after the space ("Did he? yes").
  if (!stop[1] || !STARTS_SENTENCE.test(next)) return true;
  const word = WORD_BEFORE_STOP.exec(sentence)?.[1]?.toLowerCase().replace(/^[("'“‘]+/, "");
  return word !== undefined && (ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word));
}

/** The sentences of one paragraph in `language` (BCP 47; "" is English), whitespace tidied. */
export function sentences(paragraph: string, language: string): string[] {
  const text = paragraph.replace(/\s+/g, " ").trim();
  if (!text) return [];
  const pieces = [...segmenter(normalizeLanguage(language)).segment(text)].flatMap((s) => cutAtLatinEnds(s.segment));
  const out: string[] = [];
  let sentence = "";
  for (const piece of pieces) {
    if (sentence && !goesOn(sentence, piece)) {
      out.push(sentence.trim());
      sentence = "";
    }
    sentence += piece;
  }
  if (sentence.trim()) out.push(sentence.trim());
  return out;
}

// Which characters a lecture's text may hold. Its text ends up in the deck and
// the frames (XML), in the video's chapter titles (ffmpeg metadata, read as C
// strings) and in the captions. XML 1.0 is the strictest of them: it cannot hold
// a C0 control character other than tab and the line breaks, U+FFFE or U+FFFF,
// or half of a surrogate pair, and NUL, which would cut a chapter title short,
// is among those. One rule, then, for every output: a user's text holding such a
// character is refused at the door, saying where it is; text that is not the
// user's (a model's answer, another caller's request) is cleaned of it.

/** One character XML 1.0 cannot hold. With the u flag a surrogate pair is one code point, so only half a pair matches. */
const UNWRITABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/u;
const EVERY_UNWRITABLE = new RegExp(UNWRITABLE.source, "gu");
/** Vertical tab and form feed separate words where they stand; the other control characters stand for nothing shown. */
const SEPARATORS = /[\u000B\u000C]/;

/** Only white space and characters no renderer draws: zero-width spaces and joiners, direction marks, soft hyphens. */
const INVISIBLE = /^[\p{White_Space}\p{Default_Ignorable_Code_Point}]*$/u;

export interface UnwritableChar {
  /** Where it is in the text, in UTF-16 code units (as String.prototype.indexOf counts). */
  index: number;
  codePoint: number;
  /** E.g. "a control character U+0001", for messages. */
  description: string;
}

const hex = (codePoint: number) => `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;

function describe(codePoint: number): string {
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return `half of a surrogate pair ${hex(codePoint)}`;
  if (codePoint === 0xfffe || codePoint === 0xffff) return `the noncharacter ${hex(codePoint)}`;
  return `a control character ${hex(codePoint)}`;
}

/** The first character of `text` that no output can hold, or undefined when there is none. */
export function firstUnwritable(text: string): UnwritableChar | undefined {
  const m = UNWRITABLE.exec(text);
  if (!m) return undefined;
  const codePoint = m[0].codePointAt(0)!;
  return { index: m.index, codePoint, description: describe(codePoint) };
}

/**
 * Text that is not the user's, made fit for every output: vertical tabs and form
 * feeds become spaces, the other characters no output can hold are removed.
 * `removed` says how many there were, so the caller can say so.
 */
export function cleanText(text: string): { text: string; removed: number } {
  let removed = 0;
  const cleaned = text.replace(EVERY_UNWRITABLE, (c) => {
    removed++;
    return SEPARATORS.test(c) ? " " : "";
  });
  return { text: removed > 0 ? cleaned : text, removed };
}

/** `cleanText` when nobody needs to hear about it: the last line of defence in a writer. */
export const writableText = (text: string): string => cleanText(text).text;

/** True when `text` shows nothing: it is empty, white space, or characters that are never drawn. */
export function isInvisible(text: string): boolean {
  return INVISIBLE.test(text);
}

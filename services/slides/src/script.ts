// What the slides need to know about writing systems: which one a lecture's
// language is written in and in which direction, which script a character
// belongs to, and where a line may break in text without spaces. Kept here,
// from the JavaScript built-ins (Intl and Unicode property escapes), so the
// layout, the frames and the deck agree on it.

export type Direction = "ltr" | "rtl";

export interface WritingSystem {
  /** The BCP 47 tag as given, canonicalised ("en" when empty). */
  language: string;
  /** ISO 15924 code of the script the language is usually written in: "Latn", "Deva", "Jpan"... */
  script: string;
  direction: Direction;
}

const DEFAULT_LANGUAGE = "en";

/** Why `tag` cannot name a lecture's language, or undefined when it can (empty means English). */
export function languageProblem(tag: string): string | undefined {
  if (!tag) return undefined;
  try {
    Intl.getCanonicalLocales(tag);
    return undefined;
  } catch {
    return `"${tag}" is not a BCP 47 language tag (e.g. "en", "hi", "ja", "ar")`;
  }
}

export function writingSystem(tag: string): WritingSystem {
  const locale = new Intl.Locale(Intl.getCanonicalLocales(tag || DEFAULT_LANGUAGE)[0]);
  const maximal = locale.maximize();
  // getTextInfo() is the current name; older engines had a textInfo getter.
  const info = locale as unknown as { getTextInfo?: () => { direction?: string }; textInfo?: { direction?: string } };
  const direction = (info.getTextInfo?.() ?? info.textInfo)?.direction === "rtl" ? "rtl" : "ltr";
  return { language: locale.toString(), script: maximal.script ?? "Latn", direction };
}

/** The language with its usual region, as Office names languages: "hi-IN", "ja-JP", "ar-EG"; the tag itself when it has no region. */
export function officeLanguage(tag: string): string {
  const maximal = new Intl.Locale(writingSystem(tag).language).maximize();
  return maximal.region ? `${maximal.language}-${maximal.region}` : maximal.language;
}

// ---------- characters ----------

/** The scripts the shipped fonts are chosen by; any other letter is "other". */
const SCRIPTS = ["Latn", "Grek", "Cyrl", "Deva", "Arab", "Hebr", "Thai", "Hani", "Hira", "Kana", "Hang", "Bopo"] as const;
export type CharScript = (typeof SCRIPTS)[number] | "neutral" | "other";

const SCRIPT_TESTS = SCRIPTS.map((s) => [s, new RegExp(`^\\p{sc=${s}}`, "u")] as const);
/** Punctuation, digits, spaces and combining marks belong to no one script: they go with their neighbours. */
const NEUTRAL = /^[\p{sc=Zyyy}\p{sc=Zinh}]/u;

const scriptCache = new Map<number, CharScript>();

/** The script of a character (the first code point of `char`). */
export function scriptOf(char: string): CharScript {
  const cp = char.codePointAt(0)!;
  let s = scriptCache.get(cp);
  if (s === undefined) {
    s = NEUTRAL.test(char) ? "neutral" : (SCRIPT_TESTS.find(([, re]) => re.test(char))?.[0] ?? "other");
    scriptCache.set(cp, s);
  }
  return s;
}

/** Control characters, lone surrogates and noncharacters: nothing to draw, nothing to warn of (the request's cleaning drops them). */
const NEVER_DRAWN = /^[\p{Cc}\p{Cs}\p{Noncharacter_Code_Point}]+$/u;
export const isNeverDrawn = (char: string): boolean => NEVER_DRAWN.test(char);

/** Format characters (joiners, variation selectors) shape their neighbours and are never drawn themselves. */
export const isDefaultIgnorable = (codePoint: number): boolean => DEFAULT_IGNORABLE.test(String.fromCodePoint(codePoint));
const DEFAULT_IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u;

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const PLAIN = /^[\x20-\x7e]*$/;

/** Start offsets of the user-perceived characters of `text`: a mark or a conjunct stays with its base. */
export function graphemeStarts(text: string): number[] {
  if (PLAIN.test(text)) return Array.from({ length: text.length }, (_, i) => i);
  return Array.from(graphemes.segment(text), (s) => s.index);
}

// ---------- line breaks in text without spaces ----------

/**
 * Chinese and Japanese break between any two characters (Korean uses spaces,
 * and breaks there). The CJK punctuation and full-width forms count as CJK.
 */
const CJK = /^[\p{sc=Hani}\p{sc=Hira}\p{sc=Kana}\p{sc=Bopo}\u3000-\u303f\u30fb\u30fc\uff00-\uffef]/u;

/** Simple kinsoku: no line starts with a closing mark, a small kana or a prolonged-sound mark... */
const NO_BREAK_BEFORE = new Set([..."、。，．・：；？！ー‐〜～」』）】〕〉》｝］〙〗’”々ゝゞヽヾぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ!),.:;?]}%"]);
/** ...and none ends with an opening one. */
const NO_BREAK_AFTER = new Set([..."「『（【〔〈《｛［〘〖‘“([{"]);

/** Scripts written without spaces whose words the platform's dictionary finds (Thai, Lao, Khmer, Myanmar). */
const DICTIONARY_BREAKS = /[\p{sc=Thai}\p{sc=Laoo}\p{sc=Khmr}\p{sc=Mymr}]/u;

/**
 * Offsets inside `word` (a run without spaces) where a line may break: between
 * CJK characters, and at the word boundaries of Thai and its neighbours.
 * `starts` are the word's grapheme starts; a break is only ever at one of them.
 */
export function breaksInWord(word: string, starts: number[], language: string): number[] {
  const breaks = new Set<number>();
  for (let i = 1; i < starts.length; i++) {
    const before = word.slice(starts[i - 1], starts[i]);
    const after = word.slice(starts[i], starts[i + 1] ?? word.length);
    if ((CJK.test(before) || CJK.test(after)) && !NO_BREAK_BEFORE.has(after) && !NO_BREAK_AFTER.has(before)) breaks.add(starts[i]);
  }
  if (DICTIONARY_BREAKS.test(word)) {
    const onGrapheme = new Set(starts);
    for (const s of new Intl.Segmenter(language, { granularity: "word" }).segment(word)) {
      if (s.index > 0 && onGrapheme.has(s.index) && !NO_BREAK_BEFORE.has(word[s.index])) breaks.add(s.index);
    }
  }
  return [...breaks].sort((a, b) => a - b);
}

// ---------- bidirectional text ----------

/** Strong right-to-left letters. */
const RTL_LETTER = /^[\p{sc=Arab}\p{sc=Hebr}\p{sc=Syrc}\p{sc=Thaa}\p{sc=Nkoo}\p{sc=Samr}\p{sc=Mand}\p{sc=Adlm}\p{sc=Rohg}]/u;
const LETTER = /^\p{L}/u;
const DIGIT = /^\p{Nd}/u;
const MARK = /^\p{M}/u;

/** A simplified Unicode bidi class: strong left, strong right, number, or neutral (marks are "mark": they follow their base). */
export type BidiClass = "L" | "R" | "EN" | "N" | "mark";

export function bidiClass(char: string): BidiClass {
  if (MARK.test(char)) return "mark";
  if (RTL_LETTER.test(char)) return "R";
  if (DIGIT.test(char)) return "EN";
  if (LETTER.test(char)) return "L";
  return "N";
}

/** Brackets and quotes drawn mirrored in right-to-left text (Unicode's Bidi_Mirroring_Glyph, the common ones). */
export const MIRRORED: ReadonlyMap<string, string> = new Map(
  ["()", "[]", "{}", "<>", "«»", "‹›", "⁅⁆", "⁽⁾", "₍₎", "≤≥", "〈〉", "《》", "「」", "『』", "【】", "〔〕", "（）", "［］", "｛｝", "＜＞"].flatMap(([a, b]) => [
    [a, b],
    [b, a],
  ]),
);

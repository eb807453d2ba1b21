// The lecture's language: one BCP 47 tag, given by the request or detected from
// a script's text, and what follows from it: its writing system, its direction,
// whether its words are spaced, its name in words (for a model's prompt) and its
// ISO 639-2 code (for the MP4's subtitle track). Every service asks here, so the
// rules are declared once. An empty tag is English, as the contracts say.
//
// franc-min and iso-639-3 are ES modules; Node 24 loads them from this CommonJS
// build with require(esm).
import { francAll } from "franc-min";
import { iso6393, iso6393To1 } from "iso-639-3";

/** What an empty language means in every contract. */
export const DEFAULT_LANGUAGE = "en";

/** The tag in its canonical BCP 47 form ("EN-us" → "en-US", "iw" → "he"); "" → DEFAULT_LANGUAGE; a RangeError for what is not a tag. */
export function normalizeLanguage(tag: string): string {
  const trimmed = tag.trim();
  if (!trimmed) return DEFAULT_LANGUAGE;
  let canonical: string | undefined;
  try {
    canonical = Intl.getCanonicalLocales(trimmed)[0];
  } catch {
    // Intl's own message ("Incorrect locale information provided") names neither the tag nor the form.
  }
  // The syntax allows a language subtag of 5 to 8 letters, but none is registered: "Hindi" is a name, not a tag.
  if (!canonical || !/^[a-z]{2,3}(?:-|$)/.test(canonical)) {
    throw new RangeError(`"${tag}" is not a BCP 47 language tag; write one like "en", "hi", "ja" or "pt-BR"`);
  }
  return canonical;
}

const locale = (tag: string) => new Intl.Locale(normalizeLanguage(tag));

/** The tag with its likely script and region filled in: "hi" → "hi-Deva-IN", "en" → "en-Latn-US", "zh" → "zh-Hans-CN". */
export function likelyLocale(tag: string): string {
  return locale(tag).maximize().toString();
}

/** The ISO 15924 script the language is written in: "hi" → "Deva", "ja" → "Jpan", "sr-Latn" → "Latn"; "Zzzz" when nobody knows. */
export function writingSystem(tag: string): string {
  return locale(tag).maximize().script ?? "Zzzz";
}

/** Written right to left (Arabic, Hebrew, Persian, Urdu…), as CLDR says. */
export function isRightToLeft(tag: string): boolean {
  const l = locale(tag).maximize() as Intl.Locale & { getTextInfo?: () => { direction: string }; textInfo?: { direction: string } };
  return (l.getTextInfo?.() ?? l.textInfo)?.direction === "rtl";
}

/**
 * Scripts written without spaces between words: a line may break between any
 * two words (which only a dictionary finds, Intl.Segmenter's), and nothing is
 * added where it breaks. Korean spaces its words; Chinese, Japanese and the
 * scripts of South-East Asia do not.
 */
const UNSPACED_SCRIPTS = new Set(["Hani", "Hans", "Hant", "Jpan", "Hira", "Kana", "Thai", "Laoo", "Khmr", "Mymr", "Tibt"]);

export function spacesBetweenWords(tag: string): boolean {
  return !UNSPACED_SCRIPTS.has(writingSystem(tag));
}

/** Scripts whose characters are as wide as two Latin letters: a caption or slide line holds about half as many. */
const WIDE_SCRIPTS = new Set(["Hani", "Hans", "Hant", "Jpan", "Hira", "Kana", "Kore", "Hang"]);

export function isWideScript(tag: string): boolean {
  return WIDE_SCRIPTS.has(writingSystem(tag));
}

const LANGUAGE_NAMES = new Intl.DisplayNames(["en"], { type: "language", fallback: "code" });

/** The language in English words, for a model's prompt: "hi" → "Hindi", "pt-BR" → "Brazilian Portuguese". */
export function languageName(tag: string): string {
  return LANGUAGE_NAMES.of(normalizeLanguage(tag)) ?? normalizeLanguage(tag);
}

/** A tag as an Intl.Locale, or undefined when it is not one (a voice list may hold such tags). */
function parsed(tag: string): Intl.Locale | undefined {
  try {
    return locale(tag);
  } catch {
    return undefined;
  }
}

/**
 * How closely a voice's language (`spoken`) serves the lecture's (`wanted`),
 * both BCP 47: undefined when it is another language or script ("cmn" serves
 * "zh", "en-GB" serves "en", "sr-Latn" does not serve "sr", which is Cyrillic);
 * else higher is closer: the wanted region (named, or the likely one) counts 2
 * when the voice names it and 1 when it is the voice's likely region too, and a
 * voice without variants or private use ("en-us" beside "en-us-nyc") 1 more.
 */
export function languageFit(spoken: string, wanted: string): number | undefined {
  const voice = parsed(spoken);
  const lecture = parsed(wanted)?.maximize();
  if (!voice || !lecture) return undefined;
  const likely = voice.maximize();
  if (likely.language !== lecture.language || likely.script !== lecture.script) return undefined;
  const region = voice.region === lecture.region ? 2 : !voice.region && likely.region === lecture.region ? 1 : 0;
  const subtags = 1 + (voice.script ? 1 : 0) + (voice.region ? 1 : 0);
  const plain = voice.baseName.split("-").length === subtags && !voice.toString().includes("-x-");
  return region * 2 + (plain ? 1 : 0);
}

/** The voice's language is the lecture's: the same language and script, and the same region when the lecture names one. */
export function speaksLanguage(spoken: string, wanted: string): boolean {
  const fit = languageFit(spoken, wanted);
  // A region counts 1 (times 2) when the voice's likely region is the one named: "de" speaks "de-DE".
  return fit !== undefined && (!parsed(wanted)?.region || fit >= 2);
}

let iso6392: Map<string, string> | undefined;

/**
 * The ISO 639-2 code of the tag's language, as an MP4 track's language: ffmpeg's
 * mov muxer takes the terminology codes ("deu", not "ger"; "zho", not "chi").
 * "hi" → "hin", "ja" → "jpn", "ar" → "ara", "en-US" → "eng"; "und" for a
 * language ISO 639-2 has no code for.
 */
export function iso639_2(tag: string): string {
  let language: string;
  try {
    language = locale(tag).language;
  } catch {
    return "und";
  }
  iso6392 ??= new Map(
    iso6393.flatMap((l) => {
      const code = l.iso6392T ?? l.iso6392B;
      if (!code) return [];
      return [[l.iso6393, code], ...(l.iso6391 ? [[l.iso6391, code]] : [])] as Array<[string, string]>;
    }),
  );
  return iso6392.get(language) ?? "und";
}

// ---- Detecting a script's language from its text ----------------------------

/**
 * Writing systems that name their language: the one it is most often written
 * in. Arabic script also writes Persian and Urdu, Devanagari Marathi and Nepali;
 * telling them apart needs more text than a slide has, so the common one stands.
 */
const SCRIPT_LANGUAGES: ReadonlyArray<[RegExp, string]> = [
  [/\p{Script=Devanagari}/u, "hi"],
  [/\p{Script=Arabic}/u, "ar"],
  [/\p{Script=Hebrew}/u, "he"],
  [/\p{Script=Thai}/u, "th"],
  [/\p{Script=Hangul}/u, "ko"],
  [/\p{Script=Greek}/u, "el"],
  [/\p{Script=Bengali}/u, "bn"],
  [/\p{Script=Tamil}/u, "ta"],
  [/\p{Script=Telugu}/u, "te"],
  [/\p{Script=Gujarati}/u, "gu"],
  [/\p{Script=Gurmukhi}/u, "pa"],
  [/\p{Script=Kannada}/u, "kn"],
  [/\p{Script=Malayalam}/u, "ml"],
  [/\p{Script=Sinhala}/u, "si"],
  [/\p{Script=Georgian}/u, "ka"],
  [/\p{Script=Armenian}/u, "hy"],
  [/\p{Script=Ethiopic}/u, "am"],
  [/\p{Script=Myanmar}/u, "my"],
];
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HAN = /\p{Script=Han}/u;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const LATIN = /\p{Script=Latin}/u;

/**
 * Languages franc may name within a script (ISO 639-3, as franc answers), each
 * one LECTRA's voices speak; the first is the answer when franc is unsure.
 */
const FRANC_CHOICES = {
  Latin: ["eng", "spa", "por", "fra", "deu", "ita", "nld", "pol", "ces", "hun", "ron", "swe", "tur", "vie", "ind", "swh", "hrv", "bos", "azj", "uzn"],
  Cyrillic: ["rus", "ukr", "bul", "srp", "bel", "kaz"],
} as const;
/** Letters franc needs before its guess beats the default: fewer, and a sentence's few words decide. */
const FRANC_MIN_LETTERS = 40;
/** franc's runner-up this close to its best (scores are relative to the best, 1) means it cannot tell. */
const FRANC_MARGIN = 0.05;

/** franc's ISO 639-3 answer as a BCP 47 tag: "eng" → "en", "swh" → "sw" (Intl knows the macrolanguages). */
const fromIso6393 = (code: string) => normalizeLanguage(iso6393To1[code] ?? code);

function guessWithFranc(text: string, choices: readonly string[], letters: number): string {
  const fallback = fromIso6393(choices[0]);
  if (letters < FRANC_MIN_LETTERS) return fallback;
  const [best, second] = francAll(text, { only: [...choices], minLength: 1 });
  if (!best || best[0] === "und" || (second && best[1] - second[1] < FRANC_MARGIN)) return fallback;
  return fromIso6393(best[0]);
}

/**
 * The language a lecture's text is written in, as a BCP 47 tag, from its
 * letters' writing systems: the script with the most letters names it. Latin
 * letters turn up in every language's lectures (names, units, formulas), so
 * another script whose letters are at least a quarter of them wins. Kana means
 * Japanese, Han alone Chinese; Latin and Cyrillic text is handed to franc,
 * restricted to languages LECTRA can speak. Unsure or too little text: "en".
 */
export function detectLanguage(text: string): string {
  // Letters by what names their language: "Latin", "Cyrillic", "cjk" (Han and kana), or the language itself.
  const counts = new Map<string, number>();
  let letters = 0;
  for (const char of text) {
    if (!/\p{L}/u.test(char)) continue;
    letters++;
    const group = KANA.test(char) || HAN.test(char) ? "cjk" : CYRILLIC.test(char) ? "Cyrillic" : LATIN.test(char) ? "Latin" : SCRIPT_LANGUAGES.find(([re]) => re.test(char))?.[1];
    if (group) counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1]);
  const other = ranked.find(([group]) => group !== "Latin");
  const [group, count] = other && other[1] * 4 >= letters ? other : (ranked[0] ?? ["Latin", 0]);
  switch (group) {
    case "cjk":
      return cjkLanguage(text);
    case "Cyrillic":
      return guessWithFranc(text, FRANC_CHOICES.Cyrillic, count);
    case "Latin":
      return guessWithFranc(text, FRANC_CHOICES.Latin, count);
    default:
      return group;
  }
}

/** Japanese writes its grammar in kana between the Han (a third to a half of a sentence); Chinese uses none, and a Japanese name it quotes is a few. */
function cjkLanguage(text: string): string {
  let han = 0;
  let kana = 0;
  for (const char of text) {
    if (KANA.test(char)) kana++;
    else if (HAN.test(char)) han++;
  }
  return kana * 5 >= han + kana ? "ja" : "zh";
}

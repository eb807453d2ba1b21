// Captions from the narration's segments: cues of at most two lines of 42
// characters (the usual broadcast limit, readable at a glance), written as
// WebVTT and SRT.
//
// Lines follow the lecture's writing system (its language's): Chinese and
// Japanese characters are as wide as two Latin letters, so their lines hold 20
// (Korean's too, which spaces its words); scripts that write no spaces between
// words (Chinese, Japanese, Thai…) break between the words Intl.Segmenter finds,
// and no space is added where they break. Punctuation stays with the word before
// it (an opening bracket or quote with the word after), so no line starts with 。
//
// Cue times: a segment's time is split between its cues. When the speech engine
// gave word timings, a cue starts when its first word is spoken; otherwise each
// cue gets a share of the segment proportional to its characters. Word timings
// are only trusted when they give every cue a positive length inside the
// segment; otherwise the whole segment falls back to characters.
//
// Guarantees: every character of every segment's text appears (whitespace is
// tidied), in order, and no cue overlaps another.

import { DEFAULT_LANGUAGE, isWideScript, spacesBetweenWords } from "@lectra/lecture";

export const MAX_LINE_CHARS = 42;
/** A line of wide characters (Han, kana, Hangul): about the width of MAX_LINE_CHARS Latin letters. */
export const WIDE_LINE_CHARS = 20;
export const MAX_LINES_PER_CUE = 2;

/** How a caption line is measured and broken in the lecture's writing system. */
export interface LineRule {
  maxChars: number;
  /** Words are separated by spaces; else a line may break between any two words. */
  spaced: boolean;
}

export function lineRule(language: string): LineRule {
  return { maxChars: isWideScript(language) ? WIDE_LINE_CHARS : MAX_LINE_CHARS, spaced: spacesBetweenWords(language) };
}

export interface CaptionWord {
  word: string;
  /** On the lecture's timeline, like the segment. */
  startSeconds: number;
}

export interface CaptionSegment {
  text: string;
  startSeconds: number;
  endSeconds: number;
  words: CaptionWord[];
}

export interface Caption {
  startMs: number;
  endMs: number;
  lines: string[];
}

/** A word of the text as said, with whether a space comes before it in the tidied text. */
export interface Token {
  text: string;
  spaced: boolean;
}

/** A piece of a line: a word, or part of a word too long for one line. */
interface Piece {
  text: string;
  token: number;
  /** Characters of the segment's tidied text before this piece. */
  offset: number;
  /** A space comes before it (it starts a spaced word, not the text's first). */
  space: boolean;
}

const length = (text: string) => [...text].length;

/** What is said, as single-spaced words; control characters become spaces. */
export function tokens(text: string): string[] {
  return text
    .replace(/[\u0000-\u001f\u007f]/g, " ")
    .split(/\s+/)
    .filter(Boolean);
}

/** Opening brackets and quotes, which go with the word after them. */
const OPENING = /^[\p{Ps}\p{Pi}]+$/u;

/**
 * The words of a text in a script without spaces between words, as
 * Intl.Segmenter finds them; punctuation joins the word before it (an opening
 * bracket the word after), and a space the text has is kept as it is.
 */
function unspacedTokens(text: string, language: string): Token[] {
  const out: Token[] = [];
  const push = (word: string, spaced: boolean) => out.push({ text: word, spaced: spaced && out.length > 0 });
  let spaceBefore = false;
  /** Opening brackets waiting for their word, and whether a space came before them. */
  let opening = { text: "", spaced: false };
  for (const { segment, isWordLike } of new Intl.Segmenter(language, { granularity: "word" }).segment(tokens(text).join(" "))) {
    if (/^\s+$/u.test(segment)) {
      if (opening.text) push(opening.text, opening.spaced); // "「 " keeps its space: it is not glued on
      opening = { text: "", spaced: false };
      spaceBefore = true;
    } else if (!isWordLike && OPENING.test(segment)) {
      opening = { text: opening.text + segment, spaced: opening.text ? opening.spaced : spaceBefore };
      spaceBefore = false;
    } else if (!isWordLike && !spaceBefore && !opening.text && out.length > 0) {
      out[out.length - 1].text += segment;
    } else {
      push(opening.text + segment, opening.text ? opening.spaced : spaceBefore);
      opening = { text: "", spaced: false };
      spaceBefore = false;
    }
  }
  if (opening.text) push(opening.text, opening.spaced);
  return out;
}

/** The text's words in the lecture's writing system. */
export function wordsOf(text: string, language: string, rule: LineRule): Token[] {
  if (!rule.spaced) return unspacedTokens(text, language);
  return tokens(text).map((word, i) => ({ text: word, spaced: i > 0 }));
}

function pieces(words: Token[], rule: LineRule): Piece[] {
  const out: Piece[] = [];
  let offset = 0;
  words.forEach((word, token) => {
    if (word.spaced) offset += 1;
    const chars = [...word.text];
    for (let at = 0; at < chars.length; at += rule.maxChars) {
      out.push({ text: chars.slice(at, at + rule.maxChars).join(""), token, offset: offset + at, space: at === 0 && word.spaced });
    }
    offset += chars.length;
  });
  return out;
}

/** Greedy line filling: as many pieces as fit in the rule's line, with the spaces the text has between them. */
function lines(all: Piece[], rule: LineRule): Piece[][] {
  const out: Piece[][] = [];
  let line: Piece[] = [];
  let used = 0;
  for (const piece of all) {
    const needed = line.length === 0 ? length(piece.text) : used + (piece.space ? 1 : 0) + length(piece.text);
    if (line.length > 0 && needed > rule.maxChars) {
      out.push(line);
      line = [];
    }
    used = line.length === 0 ? length(piece.text) : needed;
    line.push(piece);
  }
  if (line.length > 0) out.push(line);
  return out;
}

const normal = (word: string) => word.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");

/** How far ahead to look for a token's word when the speech engine said something the text does not. */
const RESYNC_WORDS = 3;

/**
 * Matches the text's tokens to the spoken words, in order, ignoring case and
 * punctuation. A token the engine spoke as several words ("state-of-the-art")
 * takes the first one's time. Returns, per token, the start of its word or
 * undefined when it has none.
 */
export function alignWords(textTokens: string[], words: CaptionWord[]): Array<number | undefined> {
  const spoken = words.map((w) => ({ norm: normal(w.word), start: w.startSeconds })).filter((w) => w.norm);
  let next = 0;
  return textTokens.map((token) => {
    const norm = normal(token);
    if (!norm) return undefined;
    for (let at = next; at < Math.min(spoken.length, next + RESYNC_WORDS + 1); at++) {
      let joined = "";
      for (let end = at; end < spoken.length && joined.length < norm.length; end++) {
        joined += spoken[end].norm;
        if (joined === norm) {
          next = end + 1;
          return spoken[at].start;
        }
        if (!norm.startsWith(joined)) break;
      }
    }
    return undefined;
  });
}

/** Cue start times for one segment; [start, ...] with one entry per cue. */
function cueStarts(segment: CaptionSegment, cues: Piece[][], totalChars: number, wordStarts: Array<number | undefined>): number[] {
  const { startSeconds: start, endSeconds: end } = segment;
  const proportional = cues.map((cue, i) => (i === 0 ? start : start + ((end - start) * cue[0].offset) / totalChars));
  const timed = cues.map((cue, i) => {
    if (i === 0) return start;
    const first = cue.find((p) => wordStarts[p.token] !== undefined);
    return first ? wordStarts[first.token]! : proportional[i];
  });
  const usable = timed.every((t, i) => i === 0 || (t > timed[i - 1] && t < end));
  return usable ? timed : proportional;
}

/** One segment's cues, in seconds, in the lecture's `language` (BCP 47, canonical). */
export function segmentCues(segment: CaptionSegment, language: string = DEFAULT_LANGUAGE): Array<{ startSeconds: number; endSeconds: number; lines: string[] }> {
  const rule = lineRule(language);
  const words = wordsOf(segment.text, language, rule);
  if (words.length === 0) return [];
  const textTokens = words.map((w) => w.text);
  const all = pieces(words, rule);
  const allLines = lines(all, rule);
  const cues: Piece[][][] = [];
  for (let i = 0; i < allLines.length; i += MAX_LINES_PER_CUE) cues.push(allLines.slice(i, i + MAX_LINES_PER_CUE));

  const totalChars = all.length === 0 ? 0 : all.at(-1)!.offset + length(all.at(-1)!.text);
  const wordStarts = segment.words.length > 0 ? alignWords(textTokens, segment.words) : textTokens.map(() => undefined);
  const starts = cueStarts(segment, cues.map((c) => c.flat()), totalChars, wordStarts);

  return cues.map((cue, i) => ({
    startSeconds: starts[i],
    endSeconds: i + 1 < starts.length ? starts[i + 1] : segment.endSeconds,
    lines: cue.map(joinLine),
  }));
}

/** Pieces of one word stay together on a line; words are separated by the space the text has between them, if any. */
function joinLine(line: Piece[]): string {
  return line.map((p, i) => (i > 0 && p.space ? " " : "") + p.text).join("");
}

/**
 * All cues, in milliseconds. Rounding can make neighbours touch by a
 * millisecond; a cue never starts before the previous one ends and always
 * lasts at least 1 ms, so none overlap.
 */
export function buildCaptions(segments: CaptionSegment[], language: string = DEFAULT_LANGUAGE): Caption[] {
  const out: Caption[] = [];
  let previousEnd = 0;
  for (const segment of segments) {
    for (const cue of segmentCues(segment, language)) {
      const startMs = Math.max(Math.round(cue.startSeconds * 1000), previousEnd);
      const endMs = Math.max(Math.round(cue.endSeconds * 1000), startMs + 1);
      out.push({ startMs, endMs, lines: cue.lines });
      previousEnd = endMs;
    }
  }
  return out;
}

function timestamp(ms: number, separator: "." | ","): string {
  const pad = (n: number, width: number) => String(n).padStart(width, "0");
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor(ms / 60_000) % 60;
  const seconds = Math.floor(ms / 1000) % 60;
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}${separator}${pad(ms % 1000, 3)}`;
}

/** WebVTT cue text is markup: escape it so a caption can't open tags or entities. */
export const escapeVtt = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * SRT has no escape syntax, yet players read HTML-like tags (<i>, <font>) and,
 * in libass-based ones, {\...} override blocks from it. So the characters that
 * open them are replaced by look-alikes that no player interprets:
 * < → ‹ (U+2039), > → › (U+203A), { → ｛ (U+FF5B).
 */
export const neutraliseSrt = (text: string) => text.replace(/</g, "\u2039").replace(/>/g, "\u203a").replace(/\{/g, "\uff5b");

export function toWebVtt(captions: Caption[]): string {
  const cues = captions.map(
    (c, i) => `${i + 1}\n${timestamp(c.startMs, ".")} --> ${timestamp(c.endMs, ".")}\n${c.lines.map(escapeVtt).join("\n")}\n`,
  );
  return ["WEBVTT\n", ...cues].join("\n");
}

export function toSrt(captions: Caption[]): string {
  return captions
    .map((c, i) => `${i + 1}\n${timestamp(c.startMs, ",")} --> ${timestamp(c.endMs, ",")}\n${c.lines.map(neutraliseSrt).join("\n")}\n`)
    .join("\n");
}

// The lecture script format (see README "Lecture scripts"):
//
//   # Lecture title
//   Language: optional BCP 47 tag, e.g. en
//
//   ## Slide title
//   - bullet
//   Image: optional image search words
//
//   Every other line under a slide heading is that slide's narration, in paragraphs.
//
// A script is taken word for word: its narration is what is spoken, its bullets
// are what is shown. Problems are reported with the line they are on, so the
// author can fix them: among them, anything the services down the line would
// refuse or could not write (limits.ts, text.ts), so that a script accepted here
// makes a lecture.
//
// A backslash says "this, literally": before `\`, `*`, `_`, `` ` `` or `[` it is
// that character (not emphasis, code or a prosody tag to check); at the start of
// a line it makes the line narration, whatever follows ("- ", "#", "Image:"), and
// is dropped unless it escapes the character after it. Without them some text could not be written down at all
// (writeScript, in script-writer.ts, uses them only where the text needs them).
import { normalizeLanguage } from "./language";
import { LECTURE_LIMITS, characters, narrationProblem, SLIDE_LIMITS } from "./limits";
import { tagProblem } from "./prosody";
import { firstUnwritable, isInvisible } from "./text";

export const MAX_SCRIPT_SLIDES = LECTURE_LIMITS.slides;
export const MAX_SCRIPT_CHARS = 200_000;

export interface ScriptSlide {
  title: string;
  bullets: string[];
  /** Paragraphs joined by a blank line. */
  narration: string;
  imageQuery: string;
  /** 1-based line of the slide heading. */
  line: number;
}

export interface Script {
  title: string;
  /** The "Language:" line's BCP 47 tag, in canonical form; undefined without one. */
  language?: string;
  slides: ScriptSlide[];
}

/** A problem in a script: `line` is 1-based, 0 when it concerns the whole script. */
export class ScriptError extends Error {
  constructor(
    message: string,
    readonly line = 0,
  ) {
    super(line > 0 ? `line ${line}: ${message}` : message);
    this.name = "ScriptError";
  }
}

const BULLET = /^[-*+]\s+(.*)$/;
const IMAGE = /^image:\s*(.*)$/i;
const SLIDE_HEADING = (line: string) => line.startsWith("## ") || line === "##";
const TITLE_HEADING = (line: string) => /^#(\s|$)/.test(line);
const LANGUAGE = /^language:\s*(.*)$/i;
/** A line starting with this is narration, taken literally; the mark itself is dropped (literalLine). */
export const LITERAL_LINE = "\\";
/** A backslash before one of these stands for the character itself. */
const ESCAPE = /\\([\\*_`[])/g;
const STARTS_ESCAPED = /^\\[\\*_`[]/;
/** Stands in for an escaped character while marks are dropped: a script cannot hold it (text.ts). */
const ESCAPED = "\uFFFF";

/**
 * Whether a trimmed line under a slide heading is read as narration as it is
 * (not a heading, a bullet, an Image: line or a literal line, whose mark is dropped).
 */
export function readsAsNarration(line: string): boolean {
  return literalLine(line) === line && !(SLIDE_HEADING(line) || TITLE_HEADING(line) || BULLET.test(line) || IMAGE.test(line));
}

/** A narration line without its literal-line mark, if it has one (a backslash escaping the next character is not one). */
function literalLine(line: string): string {
  return line.startsWith(LITERAL_LINE) && !STARTS_ESCAPED.test(line) ? line.slice(LITERAL_LINE.length) : line;
}

/** What a line is part of, for messages; `slide` is the number of the slide it is under (0: none yet). */
function partOf(line: string, slide: number): string {
  if (SLIDE_HEADING(line)) return `slide ${slide + 1}'s title`;
  if (TITLE_HEADING(line)) return "the lecture title";
  if (slide === 0) return "the line";
  if (BULLET.test(line)) return `a bullet on slide ${slide}`;
  if (IMAGE.test(line)) return `slide ${slide}'s Image: line`;
  return `slide ${slide}'s narration`;
}

/** White space as a script's lines are read: every run one space, none at the ends. */
export function collapseSpace(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * Drops Markdown emphasis and code marks (they are not words to speak or show),
 * keeps the characters escaped with a backslash, and collapses white space.
 */
export function plainText(text: string): string {
  const escaped: string[] = [];
  const marked = text.replace(ESCAPE, (_, c: string) => {
    escaped.push(c);
    return ESCAPED;
  });
  let next = 0;
  return collapseSpace(
    marked
      .replace(/(\*\*|__)(.+?)\1/g, "$2")
      .replace(/(^|[^\w*])[*_](\S(?:.*?\S)?)[*_](?=[^\w*]|$)/g, "$1$2")
      .replace(/`([^`]*)`/g, "$1"),
  ).replace(/\uFFFF/g, () => escaped[next++] ?? ESCAPED);
}

/** The problem with a line's prosody tags; an escaped bracket opens no tag. */
function narrationTagProblem(line: string): string | undefined {
  return tagProblem(line.replace(ESCAPE, ESCAPED));
}

export function parseScript(source: string): Script {
  if (source.length > MAX_SCRIPT_CHARS) {
    throw new ScriptError(`is ${source.length} characters; the limit is ${MAX_SCRIPT_CHARS}`);
  }
  const lines = source.replace(/^\uFEFF/, "").split(/\r?\n/);
  let title = "";
  let language: string | undefined;
  const slides: ScriptSlide[] = [];
  let slide: (ScriptSlide & { paragraphs: string[][] }) | undefined;
  let paragraph: string[] = [];
  /** Slide headings so far: the number of the slide a line is under. */
  let headings = 0;

  const endParagraph = () => {
    if (slide && paragraph.length > 0) slide.paragraphs.push(paragraph);
    paragraph = [];
  };
  const endSlide = () => {
    endParagraph();
    if (!slide) return;
    const { paragraphs, ...rest } = slide;
    // A paragraph of marks alone says nothing: it is no paragraph.
    const said = paragraphs.map((p) => plainText(p.join(" "))).filter((p) => p !== "");
    slides.push({ ...rest, narration: said.join("\n\n") });
  };

  lines.forEach((raw, i) => {
    const line = raw.trim();
    const lineNo = i + 1;
    const unwritable = firstUnwritable(raw);
    if (unwritable) {
      throw new ScriptError(`${partOf(line, headings)} has ${unwritable.description}, which a deck cannot hold: delete it`, lineNo);
    }
    if (SLIDE_HEADING(line)) {
      endSlide();
      headings++;
      const slideTitle = plainText(line.slice(2));
      if (!slideTitle) throw new ScriptError("slide heading has no title", lineNo);
      if (isInvisible(slideTitle)) throw new ScriptError(`slide ${headings}'s title is only invisible characters; write one a reader can see`, lineNo);
      slide = { title: slideTitle, bullets: [], narration: "", imageQuery: "", line: lineNo, paragraphs: [] };
      return;
    }
    if (TITLE_HEADING(line)) {
      if (title) throw new ScriptError("a second lecture title; slides start with '## '", lineNo);
      if (slide) throw new ScriptError("the lecture title ('# ...') must come before the first slide", lineNo);
      title = plainText(line.slice(1));
      if (!title) throw new ScriptError("lecture title is empty", lineNo);
      if (isInvisible(title)) throw new ScriptError("the lecture title is only invisible characters; write one a reader can see", lineNo);
      return;
    }
    if (line === "") {
      endParagraph();
      return;
    }
    const languageLine = slide ? undefined : LANGUAGE.exec(line);
    if (languageLine) {
      if (language !== undefined) throw new ScriptError("a second Language: line", lineNo);
      const tag = languageLine[1].trim();
      if (!tag) throw new ScriptError(`the Language: line names no language: write a tag such as "en", "hi", "ja" or "pt-BR", or delete the line`, lineNo);
      try {
        language = normalizeLanguage(tag);
      } catch (error) {
        throw new ScriptError(`Language: ${error instanceof Error ? error.message : String(error)}`, lineNo);
      }
      return;
    }
    if (!slide) {
      throw new ScriptError(
        `text before the first slide heading ('## Slide title'): "${line.slice(0, 40)}"`,
        lineNo,
      );
    }
    const bullet = BULLET.exec(line);
    if (bullet) {
      endParagraph();
      const text = plainText(bullet[1]);
      if (isInvisible(text)) return;
      // Over these a slide's pages could not show all of it (SLIDE_LIMITS).
      if (slide.bullets.length === SLIDE_LIMITS.bullets) {
        throw new ScriptError(
          `slide ${headings} "${slide.title}" has more than ${SLIDE_LIMITS.bullets} bullets, more than its pages show: move the rest to a new slide`,
          lineNo,
        );
      }
      const chars = characters(text);
      if (chars > SLIDE_LIMITS.bulletChars) {
        throw new ScriptError(
          `a bullet on slide ${headings} is ${chars} characters; the limit is ${SLIDE_LIMITS.bulletChars}: split it, or say the rest in the narration`,
          lineNo,
        );
      }
      slide.bullets.push(text);
      return;
    }
    const image = IMAGE.exec(line);
    if (image) {
      endParagraph();
      slide.imageQuery = plainText(image[1]);
      return;
    }
    const narration = literalLine(line);
    const badTag = narrationTagProblem(narration);
    if (badTag) throw new ScriptError(`slide ${headings}'s narration: ${badTag}`, lineNo);
    paragraph.push(narration);
  });
  endSlide();

  if (!title) throw new ScriptError("no lecture title: start the script with a line '# Lecture title'");
  if (slides.length === 0) throw new ScriptError("no slides: each slide starts with a line '## Slide title'");
  if (slides.length > MAX_SCRIPT_SLIDES) {
    throw new ScriptError(`has ${slides.length} slides; the limit is ${MAX_SCRIPT_SLIDES}`);
  }
  slides.forEach((s, i) => {
    if (isInvisible(s.narration)) {
      throw new ScriptError(`slide ${i + 1} "${s.title}" has no narration (lines of text under its heading)`, s.line);
    }
    const unspeakable = narrationProblem(s.narration);
    if (unspeakable) throw new ScriptError(`slide ${i + 1} "${s.title}" ${unspeakable}`, s.line);
  });
  return language === undefined ? { title, slides } : { title, language, slides };
}

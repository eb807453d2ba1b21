// A lecture written down as a script (README "Lecture scripts"): the inverse of
// parseScript, so that a job's lecture.md, given back as a script, makes the same
// lecture. Text is written in the form a script holds it (scriptForm): white
// space collapsed, paragraphs one blank line apart, no bullet that shows nothing.
// In that form, parseScript(writeScript(lecture)) gives back every title, bullet,
// image query and narration character for character. A model's text may hold
// what the parser would read otherwise (emphasis marks, a paragraph starting
// with "- " or "#", a tag out of range): the backslash escapes say "literally",
// and are written only where a piece of text needs them.
import { tagProblem } from "./prosody";
import { collapseSpace, LITERAL_LINE, plainText, readsAsNarration } from "./script";
import { isInvisible } from "./text";

export interface SlideText {
  title: string;
  bullets: string[];
  /** Paragraphs joined by a blank line. */
  narration: string;
  /** Empty: the slide title finds the picture. */
  imageQuery: string;
}

export interface LectureText {
  title: string;
  /** BCP 47; written as the "Language:" line when given. */
  language?: string;
  slides: SlideText[];
}

/** The narration's paragraphs as a script reads them: split at blank lines, white space collapsed, empty ones gone. */
export function scriptParagraphs(narration: string): string[] {
  const paragraphs: string[][] = [[]];
  for (const line of narration.split(/\r?\n/)) {
    if (line.trim() === "") paragraphs.push([]);
    else paragraphs.at(-1)!.push(line);
  }
  return paragraphs.map((lines) => collapseSpace(lines.join(" "))).filter((p) => p !== "");
}

/** A slide's text as a script holds it: what parseScript reads back from writeScript. */
export function scriptForm(slide: SlideText): SlideText {
  return {
    title: collapseSpace(slide.title),
    bullets: slide.bullets.map(collapseSpace).filter((b) => !isInvisible(b)),
    narration: scriptParagraphs(slide.narration).join("\n\n"),
    imageQuery: collapseSpace(slide.imageQuery),
  };
}

const MARKS = /[\\*_`]/g;
const MARKS_AND_BRACKETS = /[\\*_`[]/g;
const BACKSLASHES_AND_BRACKETS = /[\\[]/g;

/**
 * Text (in script form) as a line's content that plainText reads back unchanged:
 * as it is when it can be, else with a backslash before the marks it would drop
 * and, in narration, before the brackets of tags the parser would refuse.
 */
function literal(text: string, narration: boolean): string {
  const marks = plainText(text) !== text;
  const brackets = narration && tagProblem(text) !== undefined;
  if (!marks && !brackets) return text;
  // A backslash is escaped whenever anything is, so that none pairs with the character after it.
  const escaped = marks && brackets ? MARKS_AND_BRACKETS : marks ? MARKS : BACKSLASHES_AND_BRACKETS;
  return text.replace(escaped, (c) => `\\${c}`);
}

/** A narration paragraph as one line that reads back as narration, word for word. */
function narrationLine(paragraph: string): string {
  const line = literal(paragraph, true);
  return readsAsNarration(line) ? line : `${LITERAL_LINE}${line}`;
}

/** The lecture in the script format; parseScript reads back its scriptForm. */
export function writeScript(lecture: LectureText): string {
  const lines = [`# ${literal(collapseSpace(lecture.title), false)}`];
  if (lecture.language) lines.push(`Language: ${lecture.language}`);
  for (const slide of lecture.slides.map(scriptForm)) {
    lines.push("", `## ${literal(slide.title, false)}`);
    lines.push(...slide.bullets.map((b) => `- ${literal(b, false)}`));
    if (slide.imageQuery) lines.push(`Image: ${literal(slide.imageQuery, false)}`);
    for (const paragraph of scriptParagraphs(slide.narration)) lines.push("", narrationLine(paragraph));
  }
  return lines.join("\n") + "\n";
}

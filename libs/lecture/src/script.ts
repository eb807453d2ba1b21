// The lecture script format (see README "Lecture scripts"):
//
//   # Lecture title
//
//   ## Slide title
//   - bullet
//   Image: optional image search words
//
//   Every other line under a slide heading is that slide's narration, in paragraphs.
//
// A script is taken word for word: its narration is what is spoken, its bullets
// are what is shown. Problems are reported with the line they are on, so the
// author can fix them.

export const MAX_SCRIPT_SLIDES = 60;
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

/** Drops Markdown emphasis and code marks: they are not words to speak or show. */
export function plainText(text: string): string {
  return text
    .replace(/(\*\*|__)(.+?)\1/g, "$2")
    .replace(/(^|[^\w*])[*_](\S(?:.*?\S)?)[*_](?=[^\w*]|$)/g, "$1$2")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

export function parseScript(source: string): Script {
  if (source.length > MAX_SCRIPT_CHARS) {
    throw new ScriptError(`is ${source.length} characters; the limit is ${MAX_SCRIPT_CHARS}`);
  }
  const lines = source.replace(/^\uFEFF/, "").split(/\r?\n/);
  let title = "";
  const slides: ScriptSlide[] = [];
  let slide: (ScriptSlide & { paragraphs: string[][] }) | undefined;
  let paragraph: string[] = [];

  const endParagraph = () => {
    if (slide && paragraph.length > 0) slide.paragraphs.push(paragraph);
    paragraph = [];
  };
  const endSlide = () => {
    endParagraph();
    if (!slide) return;
    const { paragraphs, ...rest } = slide;
    slides.push({ ...rest, narration: paragraphs.map((p) => plainText(p.join(" "))).join("\n\n") });
  };

  lines.forEach((raw, i) => {
    const line = raw.trim();
    const lineNo = i + 1;
    if (line.startsWith("## ") || line === "##") {
      endSlide();
      const slideTitle = plainText(line.slice(2));
      if (!slideTitle) throw new ScriptError("slide heading has no title", lineNo);
      slide = { title: slideTitle, bullets: [], narration: "", imageQuery: "", line: lineNo, paragraphs: [] };
      return;
    }
    if (/^#(\s|$)/.test(line)) {
      if (title) throw new ScriptError("a second lecture title; slides start with '## '", lineNo);
      if (slide) throw new ScriptError("the lecture title ('# ...') must come before the first slide", lineNo);
      title = plainText(line.slice(1));
      if (!title) throw new ScriptError("lecture title is empty", lineNo);
      return;
    }
    if (line === "") {
      endParagraph();
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
      if (text) slide.bullets.push(text);
      return;
    }
    const image = IMAGE.exec(line);
    if (image) {
      endParagraph();
      slide.imageQuery = plainText(image[1]);
      return;
    }
    paragraph.push(line);
  });
  endSlide();

  if (!title) throw new ScriptError("no lecture title: start the script with a line '# Lecture title'");
  if (slides.length === 0) throw new ScriptError("no slides: each slide starts with a line '## Slide title'");
  if (slides.length > MAX_SCRIPT_SLIDES) {
    throw new ScriptError(`has ${slides.length} slides; the limit is ${MAX_SCRIPT_SLIDES}`);
  }
  slides.forEach((s, i) => {
    if (!s.narration) {
      throw new ScriptError(`slide ${i + 1} "${s.title}" has no narration (lines of text under its heading)`, s.line);
    }
  });
  return { title, slides };
}

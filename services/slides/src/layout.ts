// The slide layout: where every title line, bullet line, picture and footer sits on
// a 16:9 slide, in inches on PowerPoint's 13.333 x 7.5 "wide" page. The deck
// (pptx.ts) and the video frames (frame.ts) both draw from this one layout, so
// the video shows what the deck shows. Text is measured here, with the same font
// the frames are drawn in, and wrapped into lines here, never by a renderer.
//
// A slide whose text does not fit becomes several pages ("<title> (cont.)"): at
// most 3 bullets / 150 characters per page beside a picture, 4 / 200 without,
// so a page stays readable at the body size in a video frame instead of its
// text shrinking to fit. A bullet too long for a page at the smallest font
// continues on the next page. A slide is laid out to at most SLIDE_LIMITS.pages
// pages, whatever it holds: a script within the lecture's limits always fits in
// them, and what would follow for any other request is not shown (leftOut says
// how much), so no request can ask for thousands of frames.
import { SLIDE_LIMITS } from "@lectra/lecture";
import { FONT_FAMILY, FONT_VERSION, textWidthEm, verticalMetricsEm, type Weight } from "./fonts";

/** Part of every cache key built on a layout: bump the number whenever anything below changes. */
export const LAYOUT_VERSION = `slides-layout/1 dejavu/${FONT_VERSION}`;

export { FONT_FAMILY };

/** PowerPoint's LAYOUT_WIDE page, in inches: 12192000 x 6858000 EMU, so exactly 1920 x 1080 at 144 px per inch. */
export const SLIDE = { w: 40 / 3, h: 7.5 } as const;

/** Colours as RRGGBB, shared by both renderers. */
export const THEME = {
  background: "FFFFFF",
  band: "1E3A5F",
  title: "FFFFFF",
  accent: "F2A541",
  body: "1F2937",
  footer: "6B7280",
  rule: "D1D5DB",
} as const;

const MARGIN_X = 0.65;
const BAND_H = 1.45;
const ACCENT_H = 0.08;
const CONTENT_TOP = BAND_H + ACCENT_H + 0.42;
const RULE_Y = 6.88;
const RULE_H = 0.014;
const CONTENT_BOTTOM = RULE_Y - 0.2;
const CONTENT_W = SLIDE.w - 2 * MARGIN_X;

/** Beside a picture the text takes the left column; the picture gets the rest. */
const TEXT_COLUMN_W = 6.55;
const COLUMN_GAP = 0.45;

const TITLE = { maxPt: 36, minPt: 22, oneLineDownToPt: 28, maxLines: 3, lineHeight: 1.15 } as const;
const BODY = { maxPt: 28, minPt: 16, lineHeight: 1.3, paragraphGapEm: 0.55, indent: 0.45 } as const;
const FOOTER = { pt: 12, y: RULE_Y + 0.1, lineHeight: 1.2, maxLectureShare: 0.6 } as const;

/** The continuation rule: what one page holds before the slide continues on the next. */
export const PAGE_LIMITS = {
  withPicture: { bullets: 3, chars: 150 },
  withoutPicture: { bullets: 4, chars: 200 },
} as const;

/**
 * Lines are wrapped to this share of their box: renderers differ a little (kerning,
 * hinting, PowerPoint's own font substitution), and a line that is 1% too long
 * would wrap again in PowerPoint and spill out of its box.
 */
const WRAP_SLACK = 0.97;

const CONTINUED = " (cont.)";
const ELLIPSIS = "…";

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One line of text, positioned by its left end and its baseline. */
export interface TextLine {
  text: string;
  x: number;
  baseline: number;
}

export interface TextBlock {
  /** The block's text as one string, for renderers that wrap themselves (PowerPoint). */
  text: string;
  /** Tight around the lines: width of the column, height of the lines. */
  box: Box;
  fontSize: number;
  weight: Weight;
  color: string;
  /** Distance between baselines, in inches. */
  lineHeight: number;
  lines: TextLine[];
}

export interface BulletBlock extends TextBlock {
  /** Which of the slide's bullets this is (its index in the input). */
  source: number;
  /** The exact slice of the (whitespace-normalised) bullet shown here; a bullet's parts join back to it. */
  part: string;
  /** Where text starts after the bullet mark, in inches from box.x. */
  indent: number;
  marker: TextLine;
}

export interface Shape {
  box: Box;
  color: string;
}

export interface Page {
  /** Which page of the slide, from 0. */
  page: number;
  title: TextBlock;
  bullets: BulletBlock[];
  /** Aspect-fit inside the picture column; undefined when the slide has no picture. */
  picture: Box | undefined;
  footer: TextBlock;
  /** Plain rectangles drawn first: the title band, its accent stripe, the footer rule. */
  shapes: Shape[];
  /** This page's part of the slide's narration time; a slide's shares add up to 1. */
  share: number;
}

export interface SlideInput {
  lectureTitle: string;
  title: string;
  bullets: string[];
  /** Width / height of the slide's picture, or undefined when it has none. */
  pictureAspect: number | undefined;
  /** 1-based position in the lecture, for the footer. */
  number: number;
  total: number;
}

// ---------- text measuring and wrapping ----------

const PT_PER_INCH = 72;

/** Collapses runs of whitespace (newlines, tabs) to one space: slides show flowing text. */
export function normalizeText(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export interface WrappedLine {
  text: string;
  /** Offsets into the wrapped text: text === source.slice(start, end). */
  start: number;
  end: number;
}

/**
 * Greedy line breaking at spaces; a word wider than the line is broken between
 * characters. `text` must be normalised (single spaces, trimmed).
 */
export function wrapText(text: string, sizePt: number, weight: Weight, widthIn: number): WrappedLine[] {
  if (!text) return [];
  const maxEm = (widthIn * WRAP_SLACK * PT_PER_INCH) / sizePt;
  const spaceEm = textWidthEm(" ", weight);
  const lines: WrappedLine[] = [];
  const push = (start: number, end: number) => lines.push({ text: text.slice(start, end), start, end });
  let start = -1;
  let end = -1;
  let lineEm = 0;
  let at = 0;
  for (const word of text.split(" ")) {
    const wordStart = at;
    at += word.length + 1;
    const wordEm = textWidthEm(word, weight);
    if (start >= 0 && lineEm + spaceEm + wordEm <= maxEm) {
      end = wordStart + word.length;
      lineEm += spaceEm + wordEm;
      continue;
    }
    if (start >= 0) push(start, end);
    if (wordEm <= maxEm) {
      [start, end, lineEm] = [wordStart, wordStart + word.length, wordEm];
      continue;
    }
    let pieceStart = wordStart;
    let pieceEm = 0;
    let i = wordStart;
    for (const ch of word) {
      const chEm = textWidthEm(ch, weight);
      if (pieceEm + chEm > maxEm && i > pieceStart) {
        push(pieceStart, i);
        [pieceStart, pieceEm] = [i, 0];
      }
      pieceEm += chEm;
      i += ch.length;
    }
    [start, end, lineEm] = [pieceStart, i, pieceEm];
  }
  if (start >= 0) push(start, end);
  return lines;
}

/** Shortens `text` with an ellipsis until it fits on one line. */
function ellipsize(text: string, sizePt: number, weight: Weight, widthIn: number): string {
  const fits = (t: string) => wrapText(t, sizePt, weight, widthIn).length <= 1;
  if (fits(text)) return text;
  const chars = [...text];
  while (chars.length > 0 && !fits(chars.join("").trimEnd() + ELLIPSIS)) chars.pop();
  return chars.join("").trimEnd() + ELLIPSIS;
}

function lineHeightIn(sizePt: number, lineHeight: number): number {
  return (sizePt * lineHeight) / PT_PER_INCH;
}

/** Lays lines out top-down from `top`, each glyph box centred in its line, as CSS does. */
function textBlock(
  text: string,
  lines: string[],
  at: { x: number; top: number; w: number; textX?: number },
  style: { sizePt: number; lineHeight: number; weight: Weight; color: string },
): TextBlock {
  const lh = lineHeightIn(style.sizePt, style.lineHeight);
  const { ascent, descent } = verticalMetricsEm(style.weight);
  const em = style.sizePt / PT_PER_INCH;
  const baselineOffset = (lh - (ascent + descent) * em) / 2 + ascent * em;
  return {
    text,
    box: { x: at.x, y: at.top, w: at.w, h: lines.length * lh },
    fontSize: style.sizePt,
    weight: style.weight,
    color: style.color,
    lineHeight: lh,
    lines: lines.map((line, i) => ({ text: line, x: at.textX ?? at.x, baseline: at.top + i * lh + baselineOffset })),
  };
}

// ---------- title and footer ----------

/**
 * The largest size that keeps the title on one line (down to 28 pt), else on two
 * (down to the 22 pt floor); past that, three lines at the floor, ellipsized.
 * `text` is what PowerPoint shows: the title, or its shortened form.
 */
export function fitTitle(title: string, widthIn = CONTENT_W): { sizePt: number; lines: string[]; text: string } {
  const fitted = (sizePt: number, lines: WrappedLine[]) => ({ sizePt, lines: lines.map((l) => l.text), text: title });
  for (let sizePt = TITLE.maxPt; sizePt >= TITLE.oneLineDownToPt; sizePt--) {
    const lines = wrapText(title, sizePt, "bold", widthIn);
    if (lines.length <= 1) return fitted(sizePt, lines);
  }
  for (let sizePt = TITLE.maxPt; sizePt >= TITLE.minPt; sizePt--) {
    const lines = wrapText(title, sizePt, "bold", widthIn);
    if (lines.length <= 2) return fitted(sizePt, lines);
  }
  const lines = wrapText(title, TITLE.minPt, "bold", widthIn);
  if (lines.length <= TITLE.maxLines) return fitted(TITLE.minPt, lines);
  // A title this long (well over 200 characters) is not a title; keep the band intact.
  const last = lines[TITLE.maxLines - 1];
  const shortened = ellipsize(title.slice(last.start), TITLE.minPt, "bold", widthIn);
  return {
    sizePt: TITLE.minPt,
    lines: [...lines.slice(0, TITLE.maxLines - 1).map((l) => l.text), shortened],
    text: title.slice(0, last.start) + shortened,
  };
}

function titleBlock(title: string): TextBlock {
  const { sizePt, lines, text } = fitTitle(title);
  const h = lines.length * lineHeightIn(sizePt, TITLE.lineHeight);
  return textBlock(text, lines, { x: MARGIN_X, top: (BAND_H - h) / 2, w: CONTENT_W }, {
    sizePt,
    lineHeight: TITLE.lineHeight,
    weight: "bold",
    color: THEME.title,
  });
}

function footerBlock(lectureTitle: string, number: number, total: number): TextBlock {
  const position = `${number} / ${total}`;
  const lecture = normalizeText(lectureTitle);
  let text = position;
  if (lecture) {
    // The position always shows in full; a long lecture title gives way, so the footer stays quiet.
    text = `${ellipsize(lecture, FOOTER.pt, "regular", CONTENT_W * FOOTER.maxLectureShare)} · ${position}`;
  }
  return textBlock(text, [text], { x: MARGIN_X, top: FOOTER.y, w: CONTENT_W }, {
    sizePt: FOOTER.pt,
    lineHeight: FOOTER.lineHeight,
    weight: "regular",
    color: THEME.footer,
  });
}

// ---------- bullets: pages, then sizes ----------

/** A bullet, or the part of one that fits on a page. */
interface Piece {
  source: number;
  /** Exact slice of the normalised bullet. */
  part: string;
  /** What is shown: the part without the space it was split at. */
  text: string;
}

/** Greedy pages by the continuation rule; a bullet over the character limit gets a page of its own. */
export function paginate<T>(items: T[], chars: (item: T) => number, limit: { bullets: number; chars: number }): T[][] {
  const pages: T[][] = [];
  let page: T[] = [];
  let used = 0;
  for (const item of items) {
    const n = chars(item);
    if (page.length > 0 && (page.length >= limit.bullets || used + n > limit.chars)) {
      pages.push(page);
      [page, used] = [[], 0];
    }
    page.push(item);
    used += n;
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

interface BodyFit {
  sizePt: number;
  lines: string[][];
}

function bodyHeight(sizePt: number, lines: string[][]): number {
  const lh = lineHeightIn(sizePt, BODY.lineHeight);
  const gap = (BODY.paragraphGapEm * sizePt) / PT_PER_INCH;
  return lines.reduce((h, l) => h + l.length * lh, 0) + gap * Math.max(0, lines.length - 1);
}

/** The largest body size at which all of the page's bullets fit the column; undefined when none does. */
function fitBody(texts: string[], columnW: number, heightIn: number): BodyFit | undefined {
  for (let sizePt = BODY.maxPt; sizePt >= BODY.minPt; sizePt--) {
    const lines = texts.map((t) => wrapText(t, sizePt, "regular", columnW - BODY.indent).map((l) => l.text));
    if (bodyHeight(sizePt, lines) <= heightIn + 1e-9) return { sizePt, lines };
  }
  return undefined;
}

/** Cuts a whole bullet too long for one page, at the smallest size, into page-sized parts at line starts. */
function splitBullet(bullet: Piece, columnW: number, heightIn: number): Piece[] {
  const lines = wrapText(bullet.text, BODY.minPt, "regular", columnW - BODY.indent);
  const perPage = Math.max(1, Math.floor((heightIn + 1e-9) / lineHeightIn(BODY.minPt, BODY.lineHeight)));
  const parts: Piece[] = [];
  for (let first = 0; first < lines.length; first += perPage) {
    const from = first === 0 ? 0 : lines[first].start;
    const to = first + perPage < lines.length ? lines[first + perPage].start : bullet.text.length;
    const part = bullet.text.slice(from, to);
    parts.push({ source: bullet.source, part, text: part.trim() });
  }
  return parts;
}

/**
 * Pages of pieces, each guaranteed to fit the column at some body size: the first
 * `maxPages` of them, and no work spent on the ones after.
 */
function pagesOfPieces(pieces: Piece[], limit: { bullets: number; chars: number }, columnW: number, heightIn: number, maxPages: number): Piece[][] {
  const fits = (page: Piece[]) => fitBody(page.map((p) => p.text), columnW, heightIn) !== undefined;
  // Every page holds a piece at least, so pieces past these are never reached.
  const reachable = pieces.slice(0, maxPages * limit.bullets);
  const pages: Piece[][] = [];
  for (const page of paginate(reachable, (p) => charCount(p.text), limit)) {
    if (fits(page)) pages.push(page);
    else {
      for (const p of page) {
        if (pages.length >= maxPages) break;
        pages.push(...(fits([p]) ? [[p]] : splitBullet(p, columnW, heightIn).map((part) => [part])));
      }
    }
    if (pages.length >= maxPages) break;
  }
  return pages.slice(0, maxPages);
}

/** Narration time follows the text: each page's share of the slide's bullet characters. */
export function sharesOf(charsPerPage: number[]): number[] {
  const total = charsPerPage.reduce((a, b) => a + b, 0);
  if (total === 0) return charsPerPage.map((_, i) => (i === 0 ? 1 : 0));
  const shares = charsPerPage.map((n) => n / total);
  // The last page takes the rounding, so the shares add up to exactly 1.
  shares[shares.length - 1] = 1 - shares.slice(0, -1).reduce((a, b) => a + b, 0);
  return shares;
}

/** Aspect-fits a picture of `aspect` (w/h) inside `area`, centred. */
export function fitPicture(aspect: number, area: Box): Box {
  const a = Number.isFinite(aspect) && aspect > 0 ? aspect : 4 / 3;
  const w = Math.min(area.w, area.h * a);
  const h = w / a;
  return { x: area.x + (area.w - w) / 2, y: area.y + (area.h - h) / 2, w, h };
}

// ---------- the slide ----------

export function layoutSlide(input: SlideInput): Page[] {
  const hasPicture = input.pictureAspect !== undefined;
  const limit = hasPicture ? PAGE_LIMITS.withPicture : PAGE_LIMITS.withoutPicture;
  const title = normalizeText(input.title);
  const pieces: Piece[] = input.bullets
    .map((b, source) => ({ source, part: normalizeText(b), text: normalizeText(b) }))
    .filter((p) => p.text.length > 0);

  const contentH = CONTENT_BOTTOM - CONTENT_TOP;
  const columnW = hasPicture && pieces.length > 0 ? TEXT_COLUMN_W : CONTENT_W;
  const pictureArea: Box =
    pieces.length > 0
      ? { x: MARGIN_X + TEXT_COLUMN_W + COLUMN_GAP, y: CONTENT_TOP, w: CONTENT_W - TEXT_COLUMN_W - COLUMN_GAP, h: contentH }
      : { x: MARGIN_X, y: CONTENT_TOP, w: CONTENT_W, h: contentH };
  const picture = hasPicture ? fitPicture(input.pictureAspect!, pictureArea) : undefined;

  const pagePieces = pieces.length > 0 ? pagesOfPieces(pieces, limit, columnW, contentH, SLIDE_LIMITS.pages) : [[]];
  const shares = sharesOf(pagePieces.map((page) => page.reduce((n, p) => n + charCount(p.text), 0)));
  const footer = footerBlock(input.lectureTitle, input.number, input.total);
  const shapes: Shape[] = [
    { box: { x: 0, y: 0, w: SLIDE.w, h: BAND_H }, color: THEME.band },
    { box: { x: 0, y: BAND_H, w: SLIDE.w, h: ACCENT_H }, color: THEME.accent },
    { box: { x: MARGIN_X, y: RULE_Y, w: CONTENT_W, h: RULE_H }, color: THEME.rule },
  ];

  return pagePieces.map((page, index) => {
    const fit = page.length > 0 ? fitBody(page.map((p) => p.text), columnW, contentH)! : { sizePt: BODY.maxPt, lines: [] };
    const gap = (BODY.paragraphGapEm * fit.sizePt) / PT_PER_INCH;
    let top = CONTENT_TOP;
    const bullets = page.map((piece, i): BulletBlock => {
      const style = { sizePt: fit.sizePt, lineHeight: BODY.lineHeight, weight: "regular" as const, color: THEME.body };
      const block = textBlock(piece.text, fit.lines[i], { x: MARGIN_X, top, w: columnW, textX: MARGIN_X + BODY.indent }, style);
      top += block.box.h + gap;
      const marker = { text: "•", x: MARGIN_X, baseline: block.lines[0].baseline };
      return { ...block, source: piece.source, part: piece.part, indent: BODY.indent, marker };
    });
    return {
      page: index,
      title: titleBlock(index === 0 ? title : title + CONTINUED),
      bullets,
      picture,
      footer,
      shapes,
      share: shares[index],
    };
  });
}

/** Characters of the slide's bullets its pages do not show: 0 unless the slide needed more than SLIDE_LIMITS.pages pages. */
export function leftOut(bullets: string[], pages: Page[]): number {
  const shown = pages.reduce((n, page) => page.bullets.reduce((m, b) => m + charCount(b.part), n), 0);
  return bullets.reduce((n, b) => n + charCount(normalizeText(b)), 0) - shown;
}

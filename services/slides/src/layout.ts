// The slide layout: where every title line, bullet line, picture and footer sits on
// a 16:9 slide, in inches on PowerPoint's 13.333 x 7.5 "wide" page. The deck
// (pptx.ts) and the video frames (frame.ts) both draw from this one layout, so
// the video shows what the deck shows. Text is measured here, with the same fonts
// the frames are drawn in (typeset.ts), and wrapped into lines here, never by a
// renderer. A right-to-left lecture's pages are the mirror image: text starts
// at the right, the picture sits on the left.
//
// The lecture's theme (lectra.v1.Theme) is drawn here too: its colours go on
// every shape and text block, its families head the font chains, its title band
// is the page's shapes, its bullet mark is each bullet's marker, its footer text
// is the footer's, and its logo gets a box in the title area's end corner. Where
// things go does not depend on the theme, only what is drawn there: a slide has
// the same pages in every theme but for the widths of its fonts' letters.
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
import { BulletStyle, TitleBand, type Theme } from "@lectra/proto";
import { face, FONT_FAMILY, FONT_VERSIONS, fontChain, verticalMetricsEm, type FontChain, type Weight } from "./fonts";
import type { Direction } from "./script";
import { graphemesIn, missingChars, runsOf, setText, widthEm, type TextRun } from "./typeset";

/** Part of every cache key built on a layout: bump the number whenever anything below changes. */
export const LAYOUT_VERSION = `slides-layout/3 ${FONT_VERSIONS}`;

export { FONT_FAMILY };

/** PowerPoint's LAYOUT_WIDE page, in inches: 12192000 x 6858000 EMU, so exactly 1920 x 1080 at 144 px per inch. */
export const SLIDE = { w: 40 / 3, h: 7.5 } as const;

const MARGIN_X = 0.65;
/** The title area: the filled band's height, and where the other title styles centre the title too. */
const BAND_H = 1.45;
const ACCENT_H = 0.08;
const CONTENT_TOP = BAND_H + ACCENT_H + 0.42;
/** TITLE_BAND_RULE: the rule under the title, margin to margin. */
const TITLE_RULE_H = 0.04;
/** TITLE_BAND_SIDE_BAR: the bar beside the title, in the margin, so the title still lines up with the bullets. */
const SIDE_BAR = { w: 0.12, gap: 0.2 } as const;
/** The logo: aspect-fit in this box at the title area's end, the title kept `gap` clear of it. */
const LOGO = { w: 1.8, h: 0.9, gap: 0.3 } as const;
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

/**
 * Each bullet style's mark, as a character: both renderers draw it as text in
 * the body's font chain (the deck as the paragraph's bullet character), so it is
 * the same glyph in both. An arrow points the way the text reads.
 */
const BULLET_MARKS: Record<BulletStyle, { ltr: string; rtl: string }> = {
  [BulletStyle.BULLET_STYLE_UNSPECIFIED]: { ltr: "•", rtl: "•" },
  [BulletStyle.BULLET_STYLE_DISC]: { ltr: "•", rtl: "•" },
  [BulletStyle.BULLET_STYLE_SQUARE]: { ltr: "▪", rtl: "▪" },
  [BulletStyle.BULLET_STYLE_DASH]: { ltr: "–", rtl: "–" },
  [BulletStyle.BULLET_STYLE_ARROW]: { ltr: "▸", rtl: "◂" },
};

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One line of text, positioned by where it starts (its left end, or its right end in right-to-left text) and its baseline. */
export interface TextLine {
  text: string;
  x: number;
  baseline: number;
  /** The line's text in the fonts that draw it, in reading order; characters no shipped font has are left out. */
  runs: TextRun[];
}

export interface TextBlock {
  /** The block's text as one string, for renderers that wrap themselves (PowerPoint). */
  text: string;
  /** The same text in runs by font, for them; characters no shipped font has stay in, for them to try. */
  runs: TextRun[];
  /** Characters of the text no shipped font has, each once: not in the lines. */
  missing: string[];
  direction: Direction;
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
  /** The theme's bullet mark, set in the block's size and weight. */
  marker: TextLine;
  markerColor: string;
}

/** What a shape is, so a check can find it: the title's band, stripe, rule or side bar, or the rule above the footer. */
export type ShapeKind = "band" | "stripe" | "title-rule" | "side-bar" | "footer-rule";

export interface Shape {
  kind: ShapeKind;
  box: Box;
  color: string;
}

/** The theme's logo where the layout put it, with the bytes to draw there. */
export interface PlacedLogo {
  box: Box;
  data: Uint8Array;
  mediaType: string;
}

export interface Page {
  /** Which page of the slide, from 0. */
  page: number;
  title: TextBlock;
  bullets: BulletBlock[];
  /** Aspect-fit inside the picture column; undefined when the slide has no picture. */
  picture: Box | undefined;
  footer: TextBlock;
  /** The page's colour, drawn under everything. */
  background: string;
  /** Plain rectangles drawn on the background: the title's band (and stripe), rule or side bar, and the footer rule. */
  shapes: Shape[];
  /** The theme's logo, aspect-fit at the title area's end; undefined when the theme has none. */
  logo: PlacedLogo | undefined;
  /** The theme's families, for a deck's defaults (each text names its own fonts). */
  families: { heading: string; body: string };
  /** This page's part of the slide's narration time; a slide's shares add up to 1. */
  share: number;
}

export interface SlideInput {
  /** The lecture's language (BCP 47; empty means English): its script's fonts come first, and its direction. */
  language: string;
  /** How the page looks; checked (request.ts): colours RRGGBB, shipped fonts, a logo whose width and height are its own. */
  theme: Theme;
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

/** The fonts for titles and for the rest of a page. */
export interface PageFonts {
  heading: FontChain;
  body: FontChain;
}

/**
 * Greedy line breaking at spaces, and between characters where a script breaks
 * there (CJK, Thai: script.ts); a word wider than the line is broken between
 * characters. `text` must be normalised (single spaces, trimmed).
 */
export function wrapText(text: string, sizePt: number, weight: Weight, widthIn: number, fonts: FontChain): WrappedLine[] {
  if (!text) return [];
  const set = setText(text, fonts, weight);
  const maxEm = (widthIn * WRAP_SLACK * PT_PER_INCH) / sizePt;
  const lines: WrappedLine[] = [];
  const push = (start: number, end: number) => lines.push({ text: text.slice(start, end), start, end });
  let start = -1;
  let end = -1;
  let lineEm = 0;
  for (const segment of set.segments) {
    const segmentEm = widthEm(set, segment.start, segment.end);
    const gapEm = segment.spaced ? widthEm(set, segment.start - 1, segment.start) : 0;
    if (start >= 0 && lineEm + gapEm + segmentEm <= maxEm) {
      end = segment.end;
      lineEm += gapEm + segmentEm;
      continue;
    }
    if (start >= 0) push(start, end);
    if (segmentEm <= maxEm) {
      [start, end, lineEm] = [segment.start, segment.end, segmentEm];
      continue;
    }
    let pieceStart = segment.start;
    let pieceEm = 0;
    for (const [from, to] of graphemesIn(set, segment.start, segment.end)) {
      const charEm = widthEm(set, from, to);
      if (pieceEm + charEm > maxEm && from > pieceStart) {
        push(pieceStart, from);
        [pieceStart, pieceEm] = [from, 0];
      }
      pieceEm += charEm;
    }
    [start, end, lineEm] = [pieceStart, segment.end, pieceEm];
  }
  if (start >= 0) push(start, end);
  return lines;
}

/** Shortens `text` with an ellipsis until it fits on one line. */
function ellipsize(text: string, sizePt: number, weight: Weight, widthIn: number, fonts: FontChain): string {
  const fits = (t: string) => wrapText(t, sizePt, weight, widthIn, fonts).length <= 1;
  if (fits(text)) return text;
  const set = setText(text, fonts, weight);
  const starts = graphemesIn(set, 0, text.length).map(([from]) => from);
  while (starts.length > 0 && !fits(text.slice(0, starts[starts.length - 1]).trimEnd() + ELLIPSIS)) starts.pop();
  return text.slice(0, starts[starts.length - 1] ?? 0).trimEnd() + ELLIPSIS;
}

function lineHeightIn(sizePt: number, lineHeight: number): number {
  return (sizePt * lineHeight) / PT_PER_INCH;
}

/** Lays lines out top-down from `top`, each glyph box centred in its line, as CSS does. `lines` are slices of `text`. */
function textBlock(
  text: string,
  lines: WrappedLine[],
  at: { x: number; top: number; w: number; textX?: number },
  style: { sizePt: number; lineHeight: number; weight: Weight; color: string; fonts: FontChain },
): TextBlock {
  const lh = lineHeightIn(style.sizePt, style.lineHeight);
  // Every line's box is the theme family's, whichever fonts its characters are in, so lines stay evenly spaced.
  const { ascent, descent } = verticalMetricsEm(face(style.fonts.families[0], style.weight));
  const em = style.sizePt / PT_PER_INCH;
  const baselineOffset = (lh - (ascent + descent) * em) / 2 + ascent * em;
  const set = setText(text, style.fonts, style.weight);
  return {
    text,
    runs: plainRuns(runsOf(set, 0, text.length, true)),
    missing: missingChars(set),
    direction: style.fonts.direction,
    box: { x: at.x, y: at.top, w: at.w, h: lines.length * lh },
    fontSize: style.sizePt,
    weight: style.weight,
    color: style.color,
    lineHeight: lh,
    lines: lines.map((line, i) => ({
      text: line.text,
      x: at.textX ?? at.x,
      baseline: at.top + i * lh + baselineOffset,
      runs: plainRuns(runsOf(set, line.start, line.end)),
    })),
  };
}

const plainRuns = (runs: TextRun[]): TextRun[] => runs.map(({ text, family }) => ({ text, family }));

/** A one-line text laid out on its own: the bullet mark. */
function markLine(text: string, x: number, baseline: number, fonts: FontChain, weight: Weight): TextLine {
  return { text, x, baseline, runs: plainRuns(runsOf(setText(text, fonts, weight), 0, text.length)) };
}

// ---------- title and footer ----------

/**
 * The largest size that keeps the title on one line (down to 28 pt), else on two
 * (down to the 22 pt floor); past that, three lines at the floor, ellipsized.
 * `text` is what PowerPoint shows: the title, or its shortened form; the lines are slices of it.
 */
export function fitTitle(title: string, fonts: FontChain, widthIn = CONTENT_W): { sizePt: number; lines: WrappedLine[]; text: string } {
  const fitted = (sizePt: number, lines: WrappedLine[]) => ({ sizePt, lines, text: title });
  for (let sizePt = TITLE.maxPt; sizePt >= TITLE.oneLineDownToPt; sizePt--) {
    const lines = wrapText(title, sizePt, "bold", widthIn, fonts);
    if (lines.length <= 1) return fitted(sizePt, lines);
  }
  for (let sizePt = TITLE.maxPt; sizePt >= TITLE.minPt; sizePt--) {
    const lines = wrapText(title, sizePt, "bold", widthIn, fonts);
    if (lines.length <= 2) return fitted(sizePt, lines);
  }
  const lines = wrapText(title, TITLE.minPt, "bold", widthIn, fonts);
  if (lines.length <= TITLE.maxLines) return fitted(TITLE.minPt, lines);
  // A title this long (well over 200 characters) is not a title; keep the band intact.
  const last = lines[TITLE.maxLines - 1];
  const shortened = ellipsize(title.slice(last.start), TITLE.minPt, "bold", widthIn, fonts);
  const text = title.slice(0, last.start) + shortened;
  return {
    sizePt: TITLE.minPt,
    lines: [...lines.slice(0, TITLE.maxLines - 1), { text: shortened, start: last.start, end: text.length }],
    text,
  };
}

/** The title, centred in the title area, in the theme's title colour; `widthIn` leaves room for a logo. */
function titleBlock(title: string, fonts: FontChain, color: string, widthIn: number): TextBlock {
  const { sizePt, lines, text } = fitTitle(title, fonts, widthIn);
  const h = lines.length * lineHeightIn(sizePt, TITLE.lineHeight);
  return textBlock(text, lines, { x: MARGIN_X, top: (BAND_H - h) / 2, w: widthIn }, {
    sizePt,
    lineHeight: TITLE.lineHeight,
    weight: "bold",
    color,
    fonts,
  });
}

/** "<label> · n / N": the label is the theme's footer text, or else the lecture's title. */
function footerBlock(label: string, number: number, total: number, fonts: FontChain, color: string): TextBlock {
  const position = `${number} / ${total}`;
  const shown = normalizeText(label);
  let text = position;
  if (shown) {
    // The position always shows in full; a long label gives way, so the footer stays quiet.
    text = `${ellipsize(shown, FOOTER.pt, "regular", CONTENT_W * FOOTER.maxLectureShare, fonts)} · ${position}`;
  }
  return textBlock(text, [{ text, start: 0, end: text.length }], { x: MARGIN_X, top: FOOTER.y, w: CONTENT_W }, {
    sizePt: FOOTER.pt,
    lineHeight: FOOTER.lineHeight,
    weight: "regular",
    color,
    fonts,
  });
}

/** The shapes that set the title off, in the theme's title band style, around the laid-out title. */
function titleShapes(theme: Theme, title: TextBlock): Shape[] {
  const colors = theme.colors!;
  switch (theme.titleBand) {
    case TitleBand.TITLE_BAND_RULE:
      return [{ kind: "title-rule", box: { x: MARGIN_X, y: BAND_H - TITLE_RULE_H, w: CONTENT_W, h: TITLE_RULE_H }, color: colors.band }];
    case TitleBand.TITLE_BAND_SIDE_BAR:
      return [{ kind: "side-bar", box: { x: MARGIN_X - SIDE_BAR.gap - SIDE_BAR.w, y: title.box.y, w: SIDE_BAR.w, h: title.box.h }, color: colors.band }];
    default:
      return [
        { kind: "band", box: { x: 0, y: 0, w: SLIDE.w, h: BAND_H }, color: colors.band },
        { kind: "stripe", box: { x: 0, y: BAND_H, w: SLIDE.w, h: ACCENT_H }, color: colors.accent },
      ];
  }
}

/** The logo aspect-fit in its box at the title area's end, centred in the area's height. */
function placeLogo(theme: Theme): PlacedLogo | undefined {
  const logo = theme.logo;
  if (!logo) return undefined;
  const area: Box = { x: SLIDE.w - MARGIN_X - LOGO.w, y: (BAND_H - LOGO.h) / 2, w: LOGO.w, h: LOGO.h };
  const fitted = fitPicture(logo.width / logo.height, area);
  // Pushed to the end, so the title keeps all the width the logo does not take.
  return { box: { ...fitted, x: area.x + area.w - fitted.w }, data: logo.data, mediaType: logo.mediaType };
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
  lines: WrappedLine[][];
}

function bodyHeight(sizePt: number, lines: WrappedLine[][]): number {
  const lh = lineHeightIn(sizePt, BODY.lineHeight);
  const gap = (BODY.paragraphGapEm * sizePt) / PT_PER_INCH;
  return lines.reduce((h, l) => h + l.length * lh, 0) + gap * Math.max(0, lines.length - 1);
}

/** The largest body size at which all of the page's bullets fit the column; undefined when none does. */
function fitBody(texts: string[], columnW: number, heightIn: number, fonts: FontChain): BodyFit | undefined {
  for (let sizePt = BODY.maxPt; sizePt >= BODY.minPt; sizePt--) {
    const lines = texts.map((t) => wrapText(t, sizePt, "regular", columnW - BODY.indent, fonts));
    if (bodyHeight(sizePt, lines) <= heightIn + 1e-9) return { sizePt, lines };
  }
  return undefined;
}

/** Cuts a whole bullet too long for one page, at the smallest size, into page-sized parts at line starts. */
function splitBullet(bullet: Piece, columnW: number, heightIn: number, fonts: FontChain): Piece[] {
  const lines = wrapText(bullet.text, BODY.minPt, "regular", columnW - BODY.indent, fonts);
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
function pagesOfPieces(
  pieces: Piece[],
  limit: { bullets: number; chars: number },
  columnW: number,
  heightIn: number,
  maxPages: number,
  fonts: FontChain,
): Piece[][] {
  const fits = (page: Piece[]) => fitBody(page.map((p) => p.text), columnW, heightIn, fonts) !== undefined;
  // Every page holds a piece at least, so pieces past these are never reached.
  const reachable = pieces.slice(0, maxPages * limit.bullets);
  const pages: Piece[][] = [];
  for (const page of paginate(reachable, (p) => charCount(p.text), limit)) {
    if (fits(page)) pages.push(page);
    else {
      for (const p of page) {
        if (pages.length >= maxPages) break;
        pages.push(...(fits([p]) ? [[p]] : splitBullet(p, columnW, heightIn, fonts).map((part) => [part])));
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

/** The fonts a lecture's pages are set in: the theme's families first, then the lecture's own script's. */
function pageFonts(theme: Pick<Theme, "headingFont" | "bodyFont">, language: string): PageFonts {
  return { heading: fontChain(theme.headingFont, language), body: fontChain(theme.bodyFont, language) };
}

// ---------- right to left ----------

function mirrorBox(box: Box): Box {
  return { ...box, x: SLIDE.w - box.x - box.w };
}

function mirrorLine(line: TextLine): TextLine {
  return { ...line, x: SLIDE.w - line.x };
}

function mirrorBlock<T extends TextBlock>(block: T): T {
  return { ...block, box: mirrorBox(block.box), lines: block.lines.map(mirrorLine) };
}

/** The page as a right-to-left reader expects it: laid out left to right, then seen in a mirror. */
function mirrorPage(page: Page): Page {
  return {
    ...page,
    title: mirrorBlock(page.title),
    bullets: page.bullets.map((b) => ({ ...mirrorBlock(b), marker: mirrorLine(b.marker) })),
    picture: page.picture && mirrorBox(page.picture),
    footer: mirrorBlock(page.footer),
    shapes: page.shapes.map((s) => ({ ...s, box: mirrorBox(s.box) })),
    logo: page.logo && { ...page.logo, box: mirrorBox(page.logo.box) },
  };
}

// ---------- the slide ----------

export function layoutSlide(input: SlideInput): Page[] {
  const { theme } = input;
  const colors = theme.colors!;
  const fonts = pageFonts(theme, input.language);
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

  const pagePieces = pieces.length > 0 ? pagesOfPieces(pieces, limit, columnW, contentH, SLIDE_LIMITS.pages, fonts.body) : [[]];
  const shares = sharesOf(pagePieces.map((page) => page.reduce((n, p) => n + charCount(p.text), 0)));
  const footer = footerBlock(theme.footerText || input.lectureTitle, input.number, input.total, fonts.body, colors.footer);
  const footerRule: Shape = { kind: "footer-rule", box: { x: MARGIN_X, y: RULE_Y, w: CONTENT_W, h: RULE_H }, color: colors.rule };
  const logo = placeLogo(theme);
  const titleW = logo ? logo.box.x - LOGO.gap - MARGIN_X : CONTENT_W;
  const mark = BULLET_MARKS[theme.bulletStyle] ?? BULLET_MARKS[BulletStyle.BULLET_STYLE_DISC];

  const pages = pagePieces.map((page, index): Page => {
    const fit = page.length > 0 ? fitBody(page.map((p) => p.text), columnW, contentH, fonts.body)! : { sizePt: BODY.maxPt, lines: [] };
    const gap = (BODY.paragraphGapEm * fit.sizePt) / PT_PER_INCH;
    let top = CONTENT_TOP;
    const bullets = page.map((piece, i): BulletBlock => {
      const style = { sizePt: fit.sizePt, lineHeight: BODY.lineHeight, weight: "regular" as const, color: colors.body, fonts: fonts.body };
      const block = textBlock(piece.text, fit.lines[i], { x: MARGIN_X, top, w: columnW, textX: MARGIN_X + BODY.indent }, style);
      top += block.box.h + gap;
      const marker = markLine(mark[fonts.body.direction], MARGIN_X, block.lines[0].baseline, fonts.body, "regular");
      return { ...block, source: piece.source, part: piece.part, indent: BODY.indent, marker, markerColor: colors.accent };
    });
    const titleText = titleBlock(index === 0 ? title : title + CONTINUED, fonts.heading, colors.title, titleW);
    return {
      page: index,
      title: titleText,
      bullets,
      picture,
      footer,
      background: colors.background,
      shapes: [...titleShapes(theme, titleText), footerRule],
      logo,
      families: { heading: fonts.heading.families[0].name, body: fonts.body.families[0].name },
      share: shares[index],
    };
  });
  return fonts.body.direction === "rtl" ? pages.map(mirrorPage) : pages;
}

/** Characters of the page no shipped font has, each once. */
export function missingOn(page: Page): string[] {
  return [...new Set([page.title, ...page.bullets, page.footer].flatMap((b) => b.missing))];
}

/** Characters of the slide's bullets its pages do not show: 0 unless the slide needed more than SLIDE_LIMITS.pages pages. */
export function leftOut(bullets: string[], pages: Page[]): number {
  const shown = pages.reduce((n, page) => page.bullets.reduce((m, b) => m + charCount(b.part), n), 0);
  return bullets.reduce((n, b) => n + charCount(normalizeText(b)), 0) - shown;
}

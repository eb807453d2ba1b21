// Draws a laid-out page as a 1920x1080 video frame: an SVG built from the layout,
// rasterised by resvg in a worker thread. Text is drawn as the outlines of the
// glyphs the layout's fonts shape it into (fontkit, the same shaper that measured
// it), not as SVG <text>: resvg's own shaping misplaces Devanagari's vowel signs
// and drops spaces around them, and this way every character is drawn by exactly
// the font the layout chose for it, with no font to load in the worker at all.
import { writableText } from "@lectra/lecture";
import type { PictureMediaType } from "@lectra/pictures";
import { visualRuns } from "./bidi";
import { face, familyNamed, outline, shapeRun, type Face } from "./fonts";
import type { FramePool } from "./frame-pool";
import { SLIDE, type Box, type Page, type TextBlock, type TextLine } from "./layout";

export const FRAME = { width: 1920, height: 1080, pxPerInch: 144 } as const;

export interface FramePicture {
  data: Uint8Array;
  mediaType: PictureMediaType;
}

/** Escapes text for XML character data and attribute values, dropping what XML cannot hold at all (text.ts). */
export function escapeXml(text: string): string {
  return writableText(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

const round = (n: number) => Math.round(n * 100) / 100;
const toPx = (inches: number) => inches * FRAME.pxPerInch;
const px = (inches: number) => round(toPx(inches)).toString();

function rect(box: Box, color: string): string {
  return `<rect x="${px(box.x)}" y="${px(box.y)}" width="${px(box.w)}" height="${px(box.h)}" fill="#${color}"/>`;
}

/** The glyph outlines a frame uses, each defined once and drawn with <use>. */
class GlyphDefs {
  private readonly ids = new Map<Face, number>();
  private readonly defs = new Map<string, string>();

  /** The id of the glyph's definition, or undefined for a glyph with no outline (a space). */
  ref(f: Face, glyph: number): string | undefined {
    if (!this.ids.has(f)) this.ids.set(f, this.ids.size);
    const id = `g${this.ids.get(f)}-${glyph}`;
    if (!this.defs.has(id)) {
      const d = outline(f, glyph);
      this.defs.set(id, d && `<path id="${id}" d="${d}"/>`);
    }
    return this.defs.get(id) ? id : undefined;
  }

  svg(): string {
    return `<defs>${[...this.defs.values()].join("")}</defs>`;
  }
}

/**
 * One line, its runs in visual order, starting at line.x: its left end, or in
 * right-to-left text its right end. The drawn text rides along as the group's
 * aria-label, for whoever reads the SVG.
 */
function line(block: Pick<TextBlock, "fontSize" | "weight" | "color" | "direction">, l: TextLine, defs: GlyphDefs): string {
  const sizePx = toPx(block.fontSize / 72);
  const shaped = visualRuns(l.runs, block.direction).map((run) => {
    const f = face(familyNamed(run.family), block.weight);
    return { f, ...shapeRun(f, run.text, run.direction) };
  });
  const widthPx = shaped.reduce((w, s) => w + s.advance * sizePx, 0);
  let x = toPx(l.x) - (block.direction === "rtl" ? widthPx : 0);
  const y = toPx(l.baseline);
  const uses: string[] = [];
  for (const { f, glyphs, advance } of shaped) {
    const scale = sizePx / f.font.unitsPerEm;
    for (const g of glyphs) {
      const id = defs.ref(f, g.id);
      if (id) uses.push(`<use xlink:href="#${id}" transform="translate(${round(x + g.x * sizePx)} ${round(y - g.y * sizePx)}) scale(${scale.toPrecision(6)} ${(-scale).toPrecision(6)})"/>`);
    }
    x += advance * sizePx;
  }
  const text = l.runs.map((r) => r.text).join("");
  return `<g aria-label="${escapeXml(text)}" fill="#${block.color}">${uses.join("")}</g>`;
}

function block(b: TextBlock, defs: GlyphDefs): string[] {
  return b.lines.map((l) => line(b, l, defs));
}

/** A picture in its box, kept in proportion. */
function image(box: Box, mediaType: string, data: Uint8Array): string {
  const href = `data:${mediaType};base64,${Buffer.from(data).toString("base64")}`;
  return `<image x="${px(box.x)}" y="${px(box.y)}" width="${px(box.w)}" height="${px(box.h)}" preserveAspectRatio="xMidYMid meet" xlink:href="${href}"/>`;
}

export function pageSvg(page: Page, picture: FramePicture | undefined): string {
  const defs = new GlyphDefs();
  const parts = [
    rect({ x: 0, y: 0, w: SLIDE.w, h: SLIDE.h }, page.background),
    ...page.shapes.map((s) => rect(s.box, s.color)),
    ...(page.logo ? [image(page.logo.box, page.logo.mediaType, page.logo.data)] : []),
    ...block(page.title, defs),
    ...page.bullets.flatMap((b) => [line({ ...b, color: b.markerColor }, b.marker, defs), ...block(b, defs)]),
    ...block(page.footer, defs),
  ];
  if (page.picture && picture) parts.push(image(page.picture, picture.mediaType, picture.data));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${FRAME.width}" height="${FRAME.height}" viewBox="0 0 ${FRAME.width} ${FRAME.height}">`,
    defs.svg(),
    ...parts,
    "</svg>",
  ].join("\n");
}

/** The page as a 1920x1080 PNG, its SVG built when a worker is free; the signal stops waiting for it. */
export function renderFrame(page: Page, picture: FramePicture | undefined, pool: FramePool, signal?: AbortSignal): Promise<Buffer> {
  return pool.render(() => pageSvg(page, picture), FRAME.width, signal);
}

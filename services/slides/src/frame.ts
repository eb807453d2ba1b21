// Draws a laid-out page as a 1920x1080 video frame: an SVG built from the layout
// (every wrapped line is its own <text> at the layout's position), rasterised by
// resvg in a worker thread with only the project's DejaVu fonts loaded, so a frame
// is the same on every machine.
import { writableText } from "@lectra/lecture";
import type { PictureMediaType } from "@lectra/pictures";
import { FONT_FAMILY } from "./fonts";
import type { FramePool } from "./frame-pool";
import { SLIDE, THEME, type Box, type Page, type TextBlock } from "./layout";

export const FRAME = { width: 1920, height: 1080, pxPerInch: 144 } as const;

export interface FramePicture {
  data: Uint8Array;
  mediaType: PictureMediaType;
}

/** Escapes text for XML character data and attribute values, dropping what XML cannot hold at all (text.ts). */
export function escapeXml(text: string): string {
  return writableText(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

const px = (inches: number) => (Math.round(inches * FRAME.pxPerInch * 100) / 100).toString();
/** Points to pixels: 72 points to the inch. */
const ptPx = (points: number) => px(points / 72);

function rect(box: Box, color: string): string {
  return `<rect x="${px(box.x)}" y="${px(box.y)}" width="${px(box.w)}" height="${px(box.h)}" fill="#${color}"/>`;
}

function text(block: Pick<TextBlock, "fontSize" | "weight" | "color">, line: { text: string; x: number; baseline: number }): string {
  const weight = block.weight === "bold" ? "bold" : "normal";
  return (
    `<text x="${px(line.x)}" y="${px(line.baseline)}" font-family="${FONT_FAMILY}" font-size="${ptPx(block.fontSize)}" ` +
    `font-weight="${weight}" fill="#${block.color}" xml:space="preserve">${escapeXml(line.text)}</text>`
  );
}

function block(b: TextBlock): string[] {
  return b.lines.map((line) => text(b, line));
}

export function pageSvg(page: Page, picture: FramePicture | undefined): string {
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${FRAME.width}" height="${FRAME.height}" viewBox="0 0 ${FRAME.width} ${FRAME.height}">`,
    rect({ x: 0, y: 0, w: SLIDE.w, h: SLIDE.h }, THEME.background),
    ...page.shapes.map((s) => rect(s.box, s.color)),
    ...block(page.title),
    ...page.bullets.flatMap((b) => [text(b, b.marker), ...block(b)]),
    ...block(page.footer),
  ];
  if (page.picture && picture) {
    const href = `data:${picture.mediaType};base64,${Buffer.from(picture.data).toString("base64")}`;
    const { x, y, w, h } = page.picture;
    parts.push(
      `<image x="${px(x)}" y="${px(y)}" width="${px(w)}" height="${px(h)}" preserveAspectRatio="xMidYMid meet" xlink:href="${href}"/>`,
    );
  }
  parts.push("</svg>");
  return parts.join("\n");
}

/** The page as a 1920x1080 PNG; the signal stops waiting for it. */
export function renderFrame(page: Page, picture: FramePicture | undefined, pool: FramePool, signal?: AbortSignal): Promise<Buffer> {
  return pool.render(pageSvg(page, picture), FRAME.width, signal);
}

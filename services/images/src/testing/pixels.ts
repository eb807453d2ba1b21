// Test helper: decodes a PNG to RGBA pixels (resvg decodes it as an embedded
// image), so tests can look at what was drawn, not only at the header.
import { Resvg } from "@resvg/resvg-js";
import { pngSize } from "@lectra/testing";

export interface Pixels {
  width: number;
  height: number;
  rgba: Buffer;
}

export function decodePng(png: Buffer): Pixels {
  const { width, height } = pngSize(png);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<image width="${width}" height="${height}" href="data:image/png;base64,${png.toString("base64")}"/></svg>`;
  return { width, height, rgba: new Resvg(svg, { font: { loadSystemFonts: false } }).render().pixels };
}

/** How many pixels are fully opaque and exactly `[r, g, b]`. */
export function countOpaque({ rgba }: Pixels, [r, g, b]: [number, number, number]): number {
  let count = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i + 3] === 255 && rgba[i] === r && rgba[i + 1] === g && rgba[i + 2] === b) count++;
  }
  return count;
}

export function alphaAt({ rgba, width }: Pixels, x: number, y: number): number {
  return rgba[(y * width + x) * 4 + 3]!;
}

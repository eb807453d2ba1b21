// Reads a frame's pixels back for tests, with the renderer the service already
// ships: a PNG drawn as an SVG <image> at its own size comes back from resvg as
// RGBA bytes, so no PNG decoder is needed.
import { Resvg } from "@resvg/resvg-js";
import { pngSize } from "@lectra/testing";

export interface Pixels {
  width: number;
  height: number;
  /** Luminance 0..255 at (x, y). */
  lightness(x: number, y: number): number;
  rgb(x: number, y: number): [number, number, number];
}

export function pixelsOf(png: Uint8Array): Pixels {
  const { width, height } = pngSize(png);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}">` +
    `<image width="${width}" height="${height}" xlink:href="data:image/png;base64,${Buffer.from(png).toString("base64")}"/></svg>`;
  const data = new Resvg(svg, { font: { loadSystemFonts: false } }).render().pixels;
  const rgb = (x: number, y: number): [number, number, number] => {
    const i = (y * width + x) * 4;
    return [data[i], data[i + 1], data[i + 2]];
  };
  return {
    width,
    height,
    rgb,
    lightness: (x, y) => {
      const [r, g, b] = rgb(x, y);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    },
  };
}

// The one typeface slides are set in: DejaVu Sans, shipped with the project (the
// dejavu-fonts-ttf package), so a frame looks the same on every machine and the
// layout measures exactly the glyphs the renderer draws.
import * as fontkit from "fontkit";

export const FONT_FAMILY = "DejaVu Sans";

export const FONT_FILES = {
  regular: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"),
  bold: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"),
} as const;

/** Glyph widths change with the font's version, and with them every line break. */
export const FONT_VERSION: string = require("dejavu-fonts-ttf/package.json").version;

export type Weight = keyof typeof FONT_FILES;

interface Face {
  font: fontkit.Font;
  /** Advance widths by code point, in ems: measuring is hot, and the table never changes. */
  advances: Map<number, number>;
}

const faces = new Map<Weight, Face>();

function face(weight: Weight): Face {
  let f = faces.get(weight);
  if (!f) {
    const font = fontkit.openSync(FONT_FILES[weight]) as fontkit.Font;
    f = { font, advances: new Map() };
    faces.set(weight, f);
  }
  return f;
}

function advance(f: Face, codePoint: number): number {
  let a = f.advances.get(codePoint);
  if (a === undefined) {
    a = f.font.glyphForCodePoint(codePoint).advanceWidth / f.font.unitsPerEm;
    f.advances.set(codePoint, a);
  }
  return a;
}

/**
 * Width of `text` in ems, as the sum of each character's advance. No kerning and
 * no ligatures: kerning only ever narrows DejaVu text, so this is an upper bound for
 * resvg (which kerns) and close to PowerPoint (which does not), and it is the same
 * number on every machine.
 */
export function textWidthEm(text: string, weight: Weight): number {
  const f = face(weight);
  let width = 0;
  for (const ch of text) width += advance(f, ch.codePointAt(0)!);
  return width;
}

/** Ascent and descent (positive, below the baseline) in ems. */
export function verticalMetricsEm(weight: Weight): { ascent: number; descent: number } {
  const { font } = face(weight);
  return { ascent: font.ascent / font.unitsPerEm, descent: -font.descent / font.unitsPerEm };
}

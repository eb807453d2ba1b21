// The typefaces slides are set in, all shipped with the project (npm packages), so
// a frame looks the same on every machine and the layout measures exactly the
// glyphs the frame draws. A theme names one family (DejaVu Sans unless it says
// otherwise); the Noto families behind it draw every other writing system the
// lectures are given in. Fonts open on first use: the CJK ones are 5-10 MB each,
// and an English lecture never needs them.
import * as path from "node:path";
import * as fontkit from "fontkit";
import { isDefaultIgnorable, writingSystem, type CharScript, type Direction } from "./script";

export type Weight = "regular" | "bold";

export interface Family {
  /** The name the font calls itself, and the one the deck names for PowerPoint and LibreOffice. */
  name: string;
  files: Record<Weight, string>;
  /** The scripts this family is chosen for when another family earlier in a chain also has the glyphs. */
  scripts: readonly CharScript[];
  /** The npm package it comes from, whose version is part of the layout's cache key. */
  package: string;
}

/** The default theme's family; also where the vertical metrics of every line come from. */
export const FONT_FAMILY = "DejaVu Sans";

const LATIN: CharScript[] = ["Latn", "Grek", "Cyrl"];

function expo(pkg: string, file: string): Pick<Family, "files" | "package"> {
  const dir = path.dirname(require.resolve(`@expo-google-fonts/${pkg}/package.json`));
  return {
    files: { regular: path.join(dir, "400Regular", `${file}_400Regular.ttf`), bold: path.join(dir, "700Bold", `${file}_700Bold.ttf`) },
    package: `@expo-google-fonts/${pkg}`,
  };
}

/** Every shipped family, once. The order is the fallback order after a lecture's own script. */
export const FAMILIES: readonly Family[] = [
  {
    name: "DejaVu Sans",
    files: { regular: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"), bold: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf") },
    scripts: LATIN,
    package: "dejavu-fonts-ttf",
  },
  { name: "Noto Sans", scripts: LATIN, ...expo("noto-sans", "NotoSans") },
  { name: "Noto Serif", scripts: LATIN, ...expo("noto-serif", "NotoSerif") },
  { name: "Noto Sans Devanagari", scripts: ["Deva"], ...expo("noto-sans-devanagari", "NotoSansDevanagari") },
  { name: "Noto Sans Arabic", scripts: ["Arab"], ...expo("noto-sans-arabic", "NotoSansArabic") },
  { name: "Noto Sans Hebrew", scripts: ["Hebr"], ...expo("noto-sans-hebrew", "NotoSansHebrew") },
  { name: "Noto Sans Thai", scripts: ["Thai"], ...expo("noto-sans-thai", "NotoSansThai") },
  { name: "Noto Sans SC", scripts: ["Hani", "Bopo"], ...expo("noto-sans-sc", "NotoSansSC") },
  { name: "Noto Sans JP", scripts: ["Hani", "Hira", "Kana"], ...expo("noto-sans-jp", "NotoSansJP") },
  { name: "Noto Sans KR", scripts: ["Hang", "Hani"], ...expo("noto-sans-kr", "NotoSansKR") },
];

/** Which family a language's own script comes first in, by the ISO 15924 code of Intl.Locale#maximize. */
const FAMILY_FOR_SCRIPT: Record<string, string> = {
  Latn: "Noto Sans",
  Grek: "Noto Sans",
  Cyrl: "Noto Sans",
  Deva: "Noto Sans Devanagari",
  Arab: "Noto Sans Arabic",
  Hebr: "Noto Sans Hebrew",
  Thai: "Noto Sans Thai",
  Hans: "Noto Sans SC",
  Hant: "Noto Sans SC",
  Jpan: "Noto Sans JP",
  Kore: "Noto Sans KR",
};

/** Font packages' versions: glyph widths change with them, and with them every line break. */
export const FONT_VERSIONS: string = [...new Set(FAMILIES.map((f) => f.package))]
  .map((pkg) => `${pkg.replace("@expo-google-fonts/", "")}/${require(`${pkg}/package.json`).version}`)
  .join(" ");

export function familyNamed(name: string): Family {
  const family = FAMILIES.find((f) => f.name === name);
  if (!family) throw new Error(`"${name}" is not a shipped font family (${FAMILIES.map((f) => f.name).join(", ")})`);
  return family;
}

/** The families a text is set in, in order of preference, for a lecture's language. */
export interface FontChain {
  families: readonly Family[];
  language: string;
  direction: Direction;
  /** Names the chain in caches. */
  key: string;
}

const chains = new Map<string, FontChain>();

/**
 * The theme's family, then the Noto family for the lecture's own script (so Han
 * characters in a Japanese lecture are Japanese glyphs, in a Chinese one
 * Chinese), then every other shipped family.
 */
export function fontChain(family: string, language: string): FontChain {
  const key = `${family}|${language}`;
  let chain = chains.get(key);
  if (!chain) {
    const system = writingSystem(language);
    const own = FAMILY_FOR_SCRIPT[system.script];
    const order = [familyNamed(family), ...(own ? [familyNamed(own)] : []), ...FAMILIES];
    chain = { families: [...new Set(order)], language: system.language, direction: system.direction, key };
    chains.set(key, chain);
  }
  return chain;
}

// ---------- faces: a family at a weight, opened once ----------

/** Width caches hold at most this many strings a face; past it they start over (a page needs far fewer). */
const MAX_CACHED = 20_000;

export interface Face {
  family: Family;
  weight: Weight;
  font: fontkit.Font;
  /** Which code points the font has a glyph for: checked for every character laid out. */
  coverage: Map<number, boolean>;
  /** Widths in ems by string: measuring the same words at every size is the layout's hot path. */
  widths: Map<string, number>;
  /** SVG path data by glyph id, in font units. */
  outlines: Map<number, string>;
}

const faces = new Map<string, Face>();

export function face(family: Family, weight: Weight): Face {
  const key = `${family.name}|${weight}`;
  let f = faces.get(key);
  if (!f) {
    const font = fontkit.openSync(family.files[weight]) as fontkit.Font;
    f = { family, weight, font, coverage: new Map(), widths: new Map(), outlines: new Map() };
    faces.set(key, f);
  }
  return f;
}

/** The fonts opened so far, as "family|weight": only what a lecture's text needed. */
export function openFaces(): string[] {
  return [...faces.keys()];
}

export function hasGlyph(f: Face, codePoint: number): boolean {
  let has = f.coverage.get(codePoint);
  if (has === undefined) {
    has = isDefaultIgnorable(codePoint) || f.font.hasGlyphForCodePoint(codePoint);
    f.coverage.set(codePoint, has);
  }
  return has;
}

/**
 * Measuring turns kerning and ligatures off: they only ever narrow the Latin
 * fonts, PowerPoint applies neither by default, so the width is an upper bound
 * for both renderers. What a script needs to be written at all (Arabic joining,
 * Indic conjuncts and reordering) is not optional in the shaper and stays on.
 */
const MEASURE_FEATURES = { kern: false, liga: false } as const;

/** Width of `text` set in one face, in ems, shaped. */
export function runWidthEm(f: Face, text: string): number {
  let w = f.widths.get(text);
  if (w === undefined) {
    w = f.font.layout(text, MEASURE_FEATURES as unknown as Record<string, boolean>).advanceWidth / f.font.unitsPerEm;
    if (f.widths.size >= MAX_CACHED) f.widths.clear();
    f.widths.set(text, w);
  }
  return w;
}

/** One glyph as drawn: which glyph of the face, and where, in ems from the run's start. */
export interface PlacedGlyph {
  id: number;
  x: number;
  y: number;
}

/** `text` shaped in one face for drawing (kerned), glyphs in visual order, and its advance in ems. */
export function shapeRun(f: Face, text: string, direction: Direction): { glyphs: PlacedGlyph[]; advance: number } {
  const run = f.font.layout(text, undefined, undefined, undefined, direction);
  const upem = f.font.unitsPerEm;
  const glyphs: PlacedGlyph[] = [];
  let x = 0;
  run.glyphs.forEach((g, i) => {
    const p = run.positions[i];
    // Glyph 0 is .notdef, the box: a character the font lacks is never drawn as one.
    if (g.id !== 0) glyphs.push({ id: g.id, x: (x + p.xOffset) / upem, y: p.yOffset / upem });
    x += p.xAdvance;
  });
  return { glyphs, advance: x / upem };
}

/** A glyph's outline as SVG path data in font units (y up), or "" for one that draws nothing (a space). */
export function outline(f: Face, id: number): string {
  let d = f.outlines.get(id);
  if (d === undefined) {
    d = f.font.getGlyph(id).path.toSVG();
    f.outlines.set(id, d);
  }
  return d;
}

/** Ascent and descent (positive, below the baseline) in ems. */
export function verticalMetricsEm(f: Face): { ascent: number; descent: number } {
  return { ascent: f.font.ascent / f.font.unitsPerEm, descent: -f.font.descent / f.font.unitsPerEm };
}

// Text set in a font chain: which shipped family draws each character, the runs
// that makes, their shaped widths, and where a line may break. Each character is
// drawn by the first family in the chain made for its script that has it (so
// Arabic in a Latin theme is Noto Sans Arabic even though DejaVu Sans has some
// Arabic letters: a word is never split between two fonts' shaping), else by
// the first family that has it at all. Punctuation, digits and spaces belong to
// no script and stay in their neighbours' font, so a run of Arabic or Japanese
// stays one run. A character no shipped font has is "missing": it takes no room
// and is left out of the frames, and the job is told.
import { face, familyNamed, hasGlyph, runWidthEm, type Face, type FontChain, type Weight } from "./fonts";
import { breaksInWord, graphemeStarts, isNeverDrawn, scriptOf } from "./script";

/** A stretch of text in one family: what the layout hands the renderers. */
export interface TextRun {
  text: string;
  family: string;
}

interface Grapheme {
  start: number;
  end: number;
  /** Undefined: no shipped font has it, or it is never drawn. */
  face: Face | undefined;
  /** A control character or the like: no font is asked for it and it is no one's loss. */
  invisible: boolean;
}

/** A piece of text between two places a line may break. */
interface Segment {
  start: number;
  end: number;
  /** A space separates it from the segment before (and is dropped where the line breaks). */
  spaced: boolean;
}

export interface SetText {
  text: string;
  graphemes: Grapheme[];
  /** Grapheme index by code unit offset, for offsets that start one (and text.length). */
  index: Int32Array;
  segments: Segment[];
}

function codePoints(s: string): number[] {
  return Array.from(s, (c) => c.codePointAt(0)!);
}

function covers(f: Face, cps: number[]): boolean {
  return cps.every((cp) => hasGlyph(f, cp));
}

/** The face for a character of a script: the first made for it that has it, else the first that has it. */
function faceFor(chain: FontChain, weight: Weight, script: string, cps: number[]): Face | undefined {
  let fallback: Face | undefined;
  for (const family of chain.families) {
    const made = (family.scripts as readonly string[]).includes(script);
    if (!made && fallback) continue;
    const f = face(family, weight);
    if (!covers(f, cps)) continue;
    if (made) return f;
    fallback = f;
  }
  return fallback;
}

function assignFaces(text: string, chain: FontChain, weight: Weight): Grapheme[] {
  const starts = graphemeStarts(text);
  const graphemes: Grapheme[] = [];
  const neutral: number[] = [];
  starts.forEach((start, i) => {
    const end = starts[i + 1] ?? text.length;
    const char = text.slice(start, end);
    const script = scriptOf(char);
    const invisible = isNeverDrawn(char);
    graphemes.push({ start, end, face: undefined, invisible });
    if (invisible) return;
    if (script === "neutral") neutral.push(i);
    else graphemes[i].face = faceFor(chain, weight, script, codePoints(char));
  });
  // A neutral character goes with the letter before it, else the one after, if that font has it.
  const nearest = (i: number, step: 1 | -1): Face | undefined => {
    for (let j = i + step; j >= 0 && j < graphemes.length; j += step) {
      if (scriptOf(text.slice(graphemes[j].start, graphemes[j].end)) !== "neutral" && graphemes[j].face) return graphemes[j].face;
    }
    return undefined;
  };
  for (const i of neutral) {
    const g = graphemes[i];
    const cps = codePoints(text.slice(g.start, g.end));
    g.face = [nearest(i, -1), nearest(i, 1)].find((f) => f && covers(f, cps)) ?? faceFor(chain, weight, "neutral", cps);
  }
  return graphemes;
}

function segmentsOf(text: string, graphemes: Grapheme[], language: string): Segment[] {
  const segments: Segment[] = [];
  const isSpace = (i: number) => graphemes[i].end - graphemes[i].start === 1 && text[graphemes[i].start] === " ";
  let spaced = false;
  for (let i = 0; i < graphemes.length; ) {
    if (isSpace(i)) {
      spaced = segments.length > 0;
      i++;
      continue;
    }
    let j = i;
    while (j < graphemes.length && !isSpace(j)) j++;
    const start = graphemes[i].start;
    const word = text.slice(start, graphemes[j - 1].end);
    let from = start;
    for (const b of [...breaksInWord(word, graphemes.slice(i, j).map((g) => g.start - start), language), word.length]) {
      segments.push({ start: from, end: start + b, spaced });
      [from, spaced] = [start + b, false];
    }
    i = j;
  }
  return segments;
}

const MAX_SETS = 2_000;
const sets = new Map<string, SetText>();

/** `text` set in the chain at a weight (cached: the layout tries every size on the same text). */
export function setText(text: string, chain: FontChain, weight: Weight): SetText {
  const key = `${chain.key}|${weight}|${text}`;
  let set = sets.get(key);
  if (!set) {
    const graphemes = assignFaces(text, chain, weight);
    const index = new Int32Array(text.length + 1).fill(-1);
    graphemes.forEach((g, i) => (index[g.start] = i));
    index[text.length] = graphemes.length;
    set = { text, graphemes, index, segments: segmentsOf(text, graphemes, chain.language) };
    if (sets.size >= MAX_SETS) sets.clear();
    sets.set(key, set);
  }
  return set;
}

function graphemeAt(set: SetText, offset: number): number {
  const i = set.index[offset];
  if (i < 0) throw new Error(`offset ${offset} splits a character of "${set.text}"`);
  return i;
}

/**
 * The runs of text[start, end): consecutive characters in one face. Missing
 * characters are left out, or with `keepMissing` ride along in the run before
 * (or after) them, for a renderer that shows them as its own fonts can.
 */
export function runsOf(set: SetText, start: number, end: number, keepMissing = false): Array<TextRun & { face: Face }> {
  const runs: Array<TextRun & { face: Face }> = [];
  let pending = "";
  for (let i = graphemeAt(set, start); i < graphemeAt(set, end); i++) {
    const g = set.graphemes[i];
    const char = set.text.slice(g.start, g.end);
    const last = runs[runs.length - 1];
    if (!g.face) {
      if (!keepMissing) continue;
      if (last) last.text += char;
      else pending += char;
    } else if (last && last.face === g.face) last.text += char;
    else {
      runs.push({ text: pending + char, family: g.face.family.name, face: g.face });
      pending = "";
    }
  }
  return runs;
}

/** Width of text[start, end) in ems, each run shaped in its face. */
export function widthEm(set: SetText, start: number, end: number): number {
  return runsOf(set, start, end).reduce((w, r) => w + runWidthEm(r.face, r.text), 0);
}

/** Width of runs (a laid-out line's) in ems. */
export function runsWidthEm(runs: readonly TextRun[], weight: Weight): number {
  return runs.reduce((w, r) => w + runWidthEm(face(familyNamed(r.family), weight), r.text), 0);
}

/** The characters of `set` no shipped font has, each once. */
export function missingChars(set: SetText): string[] {
  return [...new Set(set.graphemes.filter((g) => !g.face && !g.invisible).map((g) => set.text.slice(g.start, g.end)))];
}

/** Graphemes of text[start, end), as [start, end] offsets: where a word too long for a line may be cut. */
export function graphemesIn(set: SetText, start: number, end: number): Array<[number, number]> {
  return set.graphemes.slice(graphemeAt(set, start), graphemeAt(set, end)).map((g) => [g.start, g.end]);
}

// The visual order of a laid-out line whose text mixes directions: Arabic with a
// Latin term or a number in it, or an English line quoting Hebrew. The Unicode
// bidirectional algorithm cut down to one paragraph level and no explicit
// embeddings (a slide's text never carries them): numbers read left to right,
// neutrals between two runs of one direction take it, others the paragraph's,
// and the runs are then reversed by level. The shaper draws each run in its own
// direction, so this only orders whole runs.
import type { TextRun } from "./typeset";
import { bidiClass, MIRRORED, type BidiClass, type Direction } from "./script";

export interface VisualRun extends TextRun {
  direction: Direction;
}

/** Characters that join a number they touch: a sign or unit before or after it, a separator inside it. */
const NUMBER_AFFIX = new Set([..."%‰°+-−$€£¥#"]);
const NUMBER_SEPARATOR = new Set([...".,:/"]);

type Strong = "L" | "R" | "EN";

function resolve(classes: BidiClass[], chars: string[], paragraph: Direction): Strong[] {
  const sos: Strong = paragraph === "rtl" ? "R" : "L";
  const out: Array<BidiClass | Strong> = [...classes];
  // Marks take their base's class.
  for (let i = 0; i < out.length; i++) if (out[i] === "mark") out[i] = i > 0 ? out[i - 1] : "N";
  // Separators between digits and affixes touching them become part of the number.
  for (let i = 0; i < out.length; i++) {
    if (out[i] !== "N") continue;
    const prevEN = out[i - 1] === "EN";
    const nextEN = out[i + 1] === "EN";
    if ((NUMBER_SEPARATOR.has(chars[i]) && prevEN && nextEN) || (NUMBER_AFFIX.has(chars[i]) && (prevEN || nextEN))) out[i] = "EN";
  }
  // A number in left-to-right text is just more left-to-right text.
  let strong: Strong = sos;
  for (let i = 0; i < out.length; i++) {
    if (out[i] === "L" || out[i] === "R") strong = out[i] as Strong;
    else if (out[i] === "EN" && strong === "L") out[i] = "L";
  }
  // Neutrals between two of the same direction take it (a number counts as right to left); others the paragraph's.
  const asDirection = (c: BidiClass | Strong | undefined) => (c === undefined ? sos : c === "EN" ? "R" : c);
  for (let i = 0; i < out.length; ) {
    if (out[i] !== "N") {
      i++;
      continue;
    }
    let j = i;
    while (j < out.length && out[j] === "N") j++;
    const before = asDirection(out[i - 1]);
    const after = asDirection(out[j]);
    const take: Strong = before === after ? (before as Strong) : sos;
    for (let k = i; k < j; k++) out[k] = take;
    i = j;
  }
  return out as Strong[];
}

function level(c: Strong, paragraph: Direction): number {
  if (c === "R") return 1;
  if (c === "EN") return 2;
  return paragraph === "rtl" ? 2 : 0;
}

/** The line's runs in the order they are drawn, left to right, each with the direction it is shaped in. */
export function visualRuns(runs: readonly TextRun[], paragraph: Direction): VisualRun[] {
  const chars: string[] = [];
  const families: string[] = [];
  for (const run of runs) {
    for (const ch of run.text) {
      chars.push(ch);
      families.push(run.family);
    }
  }
  const resolved = resolve(chars.map(bidiClass), chars, paragraph);
  const pieces: Array<{ text: string; family: string; level: number }> = [];
  chars.forEach((ch, i) => {
    const lv = level(resolved[i], paragraph);
    const last = pieces[pieces.length - 1];
    const drawn = lv % 2 === 1 ? (MIRRORED.get(ch) ?? ch) : ch;
    if (last && last.level === lv && last.family === families[i]) last.text += drawn;
    else pieces.push({ text: drawn, family: families[i], level: lv });
  });
  const maxLevel = Math.max(0, ...pieces.map((p) => p.level));
  for (let k = maxLevel; k >= 1; k--) {
    for (let i = 0; i < pieces.length; ) {
      if (pieces[i].level < k) {
        i++;
        continue;
      }
      let j = i;
      while (j < pieces.length && pieces[j].level >= k) j++;
      pieces.splice(i, j - i, ...pieces.slice(i, j).reverse());
      i = j;
    }
  }
  return pieces.map((p) => ({ text: p.text, family: p.family, direction: p.level % 2 === 1 ? "rtl" : "ltr" }));
}

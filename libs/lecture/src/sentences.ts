// Splits narration into paragraphs and sentences, for the prosody tagger and
// for captions. Deliberately simple: a sentence ends at . ! ? (or …) followed by
// a space and a capital, digit or quote, unless the word before is a common
// abbreviation.

const ABBREVIATIONS = new Set([
  "e.g", "i.e", "etc", "vs", "dr", "mr", "mrs", "ms", "prof", "st", "no", "fig", "approx", "ca", "cf", "jr", "sr",
]);

export function paragraphs(narration: string): string[] {
  return narration
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, " ").trim())
    .filter(Boolean);
}

export function sentences(paragraph: string): string[] {
  const text = paragraph.replace(/\s+/g, " ").trim();
  const out: string[] = [];
  let start = 0;
  const end = /([.!?…]+["'”’)\]]*)\s+(?=["'“‘(\[]?[\p{Lu}\p{N}])/gu;
  for (const m of text.matchAll(end)) {
    const candidate = text.slice(start, m.index + m[1].length);
    const lastWord = /(\S+)[.!?…]+["'”’)\]]*$/u.exec(candidate)?.[1]?.toLowerCase().replace(/^[("'“‘]+/, "");
    if (m[1].startsWith(".") && lastWord && (ABBREVIATIONS.has(lastWord) || /^\p{L}$/u.test(lastWord))) continue;
    out.push(candidate.trim());
    start = m.index + m[0].length;
  }
  const rest = text.slice(start).trim();
  if (rest) out.push(rest);
  return out;
}

// The prosody tag grammar: [rate=±N%], [pitch=±Nst], [pause=Nms], written inline
// in narration. Rate and pitch change the delivery of the text that follows until
// the next rate or pitch tag; a pause ends a segment with that much silence.
// Values are clamped to ranges a listener finds natural; a script's tags are
// checked against those ranges at the door instead (tagProblem).

export const RATE_RANGE = { min: -30, max: 25 } as const;
export const PITCH_RANGE = { min: -2, max: 2 } as const;
export const PAUSE_RANGE = { min: 0, max: 1500 } as const;

export interface ProsodySegment {
  text: string;
  ratePercent: number;
  pitchSemitones: number;
  pauseAfterMs: number;
}

export type ProsodyTag =
  | { kind: "rate"; value: number }
  | { kind: "pitch"; value: number }
  | { kind: "pause"; value: number };

const TAG = /\[\s*(rate|pitch|pause)\s*=\s*([+-]?\d+(?:\.\d+)?)\s*(%|st|ms)?\s*\]/gi;
const UNIT: Record<ProsodyTag["kind"], string> = { rate: "%", pitch: "st", pause: "ms" };

export const clamp = (value: number, range: { min: number; max: number }) =>
  Math.min(range.max, Math.max(range.min, value));

function clampTag(tag: ProsodyTag): ProsodyTag {
  switch (tag.kind) {
    case "rate":
      return { kind: "rate", value: Math.round(clamp(tag.value, RATE_RANGE)) };
    case "pitch":
      return { kind: "pitch", value: Math.round(clamp(tag.value, PITCH_RANGE) * 10) / 10 };
    case "pause":
      return { kind: "pause", value: Math.round(clamp(tag.value, PAUSE_RANGE)) };
  }
}

/** Writes a tag in the grammar, e.g. [rate=-10%]. */
export function formatTag(tag: ProsodyTag): string {
  const t = clampTag(tag);
  const sign = t.kind === "pause" ? "" : t.value >= 0 ? "+" : "";
  return `[${t.kind}=${sign}${t.value}${UNIT[t.kind]}]`;
}

/** Splits tagged text into text runs and (clamped) tags, in order. A tag whose unit does not fit its kind is kept as text. */
export function tokenize(tagged: string): Array<string | ProsodyTag> {
  const tokens: Array<string | ProsodyTag> = [];
  let last = 0;
  for (const m of tagged.matchAll(TAG)) {
    const kind = m[1].toLowerCase() as ProsodyTag["kind"];
    const unit = (m[3] ?? UNIT[kind]).toLowerCase();
    if (unit !== UNIT[kind]) continue;
    if (m.index > last) tokens.push(tagged.slice(last, m.index));
    tokens.push(clampTag({ kind, value: Number(m[2]) }));
    last = m.index + m[0].length;
  }
  if (last < tagged.length) tokens.push(tagged.slice(last));
  return tokens;
}

const RANGES: Record<ProsodyTag["kind"], { min: number; max: number }> = { rate: RATE_RANGE, pitch: PITCH_RANGE, pause: PAUSE_RANGE };
const FORM: Record<ProsodyTag["kind"], string> = { rate: "[rate=±N%]", pitch: "[pitch=±Nst]", pause: "[pause=Nms]" };
/** Anything written as a tag (a bracket, a tag's name, "="), right or not: what the author meant as one. */
const TAG_LIKE = /\[\s*(rate|pitch|pause)\s*=[^[\]\n]*\]/gi;
const signed = (n: number, kind: ProsodyTag["kind"]) => (kind !== "pause" && n > 0 ? `+${n}` : `${n}`);

/**
 * The first tag in `text` that is malformed or out of its range, said so that
 * its author can fix it; undefined when every tag is right. A model's tags are
 * clamped (tokenize), but an author's are refused: a tag that is not one would
 * be spoken and captioned as words, and a value out of range is not what was meant.
 */
export function tagProblem(text: string): string | undefined {
  for (const m of text.matchAll(TAG_LIKE)) {
    const kind = m[1].toLowerCase() as ProsodyTag["kind"];
    const range = RANGES[kind];
    const allowed = `write ${FORM[kind]} with N from ${signed(range.min, kind)} to ${signed(range.max, kind)}`;
    const tag = new RegExp(`^${TAG.source}$`, "i").exec(m[0]);
    const unit = (tag?.[3] ?? UNIT[kind]).toLowerCase();
    if (!tag || unit !== UNIT[kind]) return `"${m[0]}" is not a ${kind} tag: ${allowed}`;
    const value = Number(tag[2]);
    if (value < range.min || value > range.max) return `"${m[0]}" is out of range: ${allowed}`;
  }
  return undefined;
}

/** The narration with every tag removed and whitespace tidied: what is actually said. */
export function stripTags(tagged: string): string {
  return tokenize(tagged)
    .filter((t): t is string => typeof t === "string")
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The words of a text, for checking that tagging kept the narration's words. */
export function words(text: string): string[] {
  return stripTags(text)
    .toLowerCase()
    .split(/[^\p{L}\p{N}']+/u)
    .filter(Boolean);
}

/**
 * Parses tagged narration into segments: a new segment starts at every tag,
 * a pause tag sets the pause after the text before it. Empty text only survives
 * as a leading pause.
 */
export function parseSegments(tagged: string): ProsodySegment[] {
  const segments: ProsodySegment[] = [];
  let rate = 0;
  let pitch = 0;
  let text = "";

  const flush = (pauseMs: number) => {
    const clean = text.replace(/\s+/g, " ").trim();
    text = "";
    if (clean) {
      segments.push({ text: clean, ratePercent: rate, pitchSemitones: pitch, pauseAfterMs: pauseMs });
    } else if (pauseMs > 0) {
      const previous = segments.at(-1);
      if (previous) previous.pauseAfterMs = clamp(previous.pauseAfterMs + pauseMs, PAUSE_RANGE);
      else segments.push({ text: "", ratePercent: rate, pitchSemitones: pitch, pauseAfterMs: pauseMs });
    }
  };

  for (const token of tokenize(tagged)) {
    if (typeof token === "string") {
      text += token;
      continue;
    }
    if (token.kind === "pause") {
      flush(token.value);
    } else {
      flush(0);
      if (token.kind === "rate") rate = token.value;
      else pitch = token.value;
    }
  }
  flush(0);
  return segments;
}

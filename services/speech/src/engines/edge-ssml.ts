// What goes into the SSML that Edge speaks. msedge-tts pastes the text, the
// voice and the prosody values into its template as they are, so everything
// from a request is made safe here: narration is escaped as XML text, prosody
// values are formatted from numbers, and voice names and locales are checked to
// be plain names before they get near the markup.
import { clamp, PITCH_RANGE, RATE_RANGE } from "@lectra/lecture";

/**
 * Characters XML 1.0 does not allow anywhere (C0 controls other than tab and
 * newlines, lone surrogates, U+FFFE/U+FFFF): Edge refuses SSML that holds them.
 */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** Narration as XML character data: spoken word for word, never read as markup. */
export function ssmlText(text: string): string {
  return text.replace(NOT_XML, " ").replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

/** Rate change in percent (clamped to the contract's range) as SSML's relative rate: "+12%", "-8%", "+0%". */
export function edgeRate(ratePercent: number): string {
  const rate = Number.isFinite(ratePercent) ? Math.round(clamp(ratePercent, RATE_RANGE)) : 0;
  return `${rate >= 0 ? "+" : "-"}${Math.abs(rate)}%`;
}

/**
 * Pitch change in semitones (clamped) as SSML's relative pitch. Microsoft's SSML
 * reference gives relative pitch as "+80Hz" or "-2st"; semitones are what the
 * narration's tags carry. No change is written "+0Hz", the value edge-tts and
 * msedge-tts send by default, which the read-aloud service is known to accept.
 */
export function edgePitch(semitones: number): string {
  const st = Number.isFinite(semitones) ? Math.round(clamp(semitones, PITCH_RANGE) * 100) / 100 : 0;
  if (st === 0) return "+0Hz";
  return `${st > 0 ? "+" : "-"}${Math.abs(st)}st`;
}

/** The narration keeps its volume; segments differ in rate and pitch only. */
export const EDGE_VOLUME = "+0%";

/** Edge voice names ("en-US-AriaNeural") and locales ("en-US") are letters, digits and dashes; nothing else reaches the SSML. */
export const isPlainName = (name: string): boolean => /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/.test(name);

/** What Edge voice names look like, to accept one before the voice list could be fetched. */
export const EDGE_VOICE_NAME = /^[a-z]{2,3}-[A-Z]{2,}(-[A-Za-z]+)?-[A-Za-z0-9]+Neural$/;

/** The language of an Edge voice from its name: "en-US-AriaNeural" → "en-US". */
export function edgeVoiceLanguage(name: string): string {
  return name.split("-").slice(0, 2).join("-");
}

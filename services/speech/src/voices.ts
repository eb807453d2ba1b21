// Looking voices up by the names and languages people type: case does not matter
// ("en-US" finds "en-us"), since BCP 47 tags are case-insensitive.
import { languageFit } from "@lectra/lecture";
import type { Voice } from "./engines/engine";

export function findVoice(voices: readonly Voice[], name: string): Voice | undefined {
  const wanted = name.trim().toLowerCase();
  return voices.find((v) => v.name.toLowerCase() === wanted);
}

/**
 * Voices whose language starts with `prefix` at a subtag boundary: "en" finds
 * "en" and "en-US" but not "enm"; "en-gb" finds "en-GB-scotland". All for "".
 */
export function voicesForLanguage(voices: readonly Voice[], prefix: string): Voice[] {
  const wanted = prefix.trim().toLowerCase().replace(/-+$/, "");
  if (!wanted) return [...voices];
  return voices.filter((v) => {
    const language = v.language.toLowerCase();
    return language === wanted || language.startsWith(`${wanted}-`);
  });
}

/**
 * The voice in `voices` that best speaks `language` (BCP 47), or undefined when
 * none does: its language and script, then its region, then a plain voice
 * before a variant (languageFit); the first of equals, so a list's order breaks
 * ties. "en" finds espeak-ng's en-us (not en-029), "zh" its cmn, "pt" its pt-br,
 * "hi" Edge's hi-IN voices.
 */
export function voiceFor(language: string, voices: readonly Voice[]): Voice | undefined {
  let best: Voice | undefined;
  let bestFit = -1;
  for (const voice of voices) {
    const fit = languageFit(voice.language, language);
    if (fit !== undefined && fit > bestFit) [best, bestFit] = [voice, fit];
  }
  return best;
}

/**
 * The espeak-ng voice for a language, to stand in for an Edge voice: the same
 * language ("en-US" → en-us, "de-DE" → de), else one of another region of it
 * ("pt-BR" → pt-pt when only that exists), else `fallback`.
 */
export function espeakVoiceFor(language: string, voices: readonly Voice[], fallback: Voice): Voice {
  return voiceFor(language, voices) ?? fallback;
}

// Looking voices up by the names and languages people type: case does not matter
// ("en-US" finds "en-us"), since BCP 47 tags are case-insensitive.
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
 * The espeak-ng voice for a language, to stand in for an Edge voice: the same
 * language ("en-US" → en-us), else its primary language ("de-DE" → de), else a
 * regional variant of it ("pt-BR" → pt-pt when only that exists), else `fallback`.
 */
export function espeakVoiceFor(language: string, voices: readonly Voice[], fallback: Voice): Voice {
  const wanted = language.trim().toLowerCase();
  const primary = wanted.split("-")[0];
  const lang = (v: Voice) => v.language.toLowerCase();
  return (
    voices.find((v) => lang(v) === wanted) ??
    voices.find((v) => lang(v) === primary) ??
    voices.find((v) => lang(v).startsWith(`${primary}-`)) ??
    fallback
  );
}

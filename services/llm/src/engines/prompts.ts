// Everything LECTRA says to a language model, in one place, so the lecture's
// voice can be tuned without touching the engines. The schemas (schemas.ts)
// hold the hard limits; the prompts ask for them in words, since small models
// follow words better than schemas. The labelled lines ("Topic:", "Lecture:",
// "Write slide N:", "Narration:") are also what the fake model servers read.
import { languageName, PAUSE_RANGE, PITCH_RANGE, RATE_RANGE } from "@lectra/lecture";
import type { ChatMessage } from "./engine";
import { LIMITS } from "./schemas";

/** Part of every cached answer's key: bump it when the prompts or schemas change what a model writes. */
// prompts/2: the lecture's language named.
// prompts/3: a slide's image_query comes before its narration (schema and prompt), so a
// streamed slide's picture search starts early; a slide can be asked for from the titles so far.
// prompts/4: the outline chooses each slide's image query with its title; a slide's answer has none.
export const PROMPTS_VERSION = "prompts/4";

/** Request text goes on one labelled line, so it cannot pose as another instruction line. */
const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/**
 * The lecture's language, named in words (models follow "Hindi" better than
 * "hi"). The picture search stays English: the image sources and the icon set
 * are searched by English words.
 */
const languageLine = (language: string, what: string) => `Language: write ${what} in ${languageName(language)}.`;

const WRITER =
  "You are an experienced university lecturer who writes clear, accurate lectures for a general audience. " +
  "You answer with one JSON object and nothing else: no markdown, no code fences, no comments.";

export function outlinePrompt(topic: string, slideCount: number, language: string): ChatMessage[] {
  return [
    { role: "system", content: WRITER },
    {
      role: "user",
      content: [
        `Plan a lecture of exactly ${slideCount} slides.`,
        `Topic: ${oneLine(topic)}`,
        languageLine(language, "the title and every slide title"),
        "",
        "Answer with a JSON object with two keys:",
        `- "title": the lecture's title (at most ${LIMITS.title} characters);`,
        `- "slides": exactly ${slideCount} slides in teaching order, starting with what the topic is and ending with a summary or outlook, ` +
          "each a JSON object with two keys:",
        `  - "title": the slide's title (at most ${LIMITS.slideTitle} characters);`,
        `  - "image_query": two to four English words to search a picture for the slide (at most ${LIMITS.imageQuery} characters), ` +
          "in English whatever the lecture's language.",
      ].join("\n"),
    },
  ];
}

/**
 * `slideTitles` may hold only the titles so far (up to the slide, from a streamed
 * outline): `slideCount` then says how many there will be; 0 (or as many as
 * there are titles) asks with the whole outline.
 */
export function slidePrompt(lectureTitle: string, slideTitles: string[], index: number, language: string, slideCount = 0): ChatMessage[] {
  const soFar = slideCount > slideTitles.length;
  return [
    { role: "system", content: WRITER },
    {
      role: "user",
      content: [
        `Lecture: ${oneLine(lectureTitle)}`,
        soFar ? "Slides so far:" : "Slides:",
        ...slideTitles.map((t, i) => `${i + 1}. ${oneLine(t)}`),
        "",
        `Write slide ${index + 1} of ${soFar ? slideCount : slideTitles.length}: ${oneLine(slideTitles[index])}`,
        languageLine(language, "the title, the bullets and the narration"),
        "",
        "Answer with a JSON object with three keys:",
        `- "title": the slide's title (at most ${LIMITS.slideTitle} characters);`,
        `- "bullets": ${LIMITS.minBullets} to ${LIMITS.maxBullets} short bullet points shown on the slide, each at most ${LIMITS.bullet} characters;`,
        `- "narration": what the lecturer says over the slide, 3 to 6 full sentences of plain spoken ${languageName(language)}, ` +
          `at most ${LIMITS.narration} characters, no lists, no markdown, no stage directions; ` +
          "do not repeat what the other slides cover.",
      ].join("\n"),
    },
  ];
}

export function tagPrompt(narration: string, bullets: string[]): ChatMessage[] {
  return [
    {
      role: "system",
      content:
        "You prepare lecture narration for a speech synthesizer by inserting prosody tags. " +
        "You never change, add, remove or reorder a single word or punctuation mark of the narration: you only insert tags. " +
        "You answer with one JSON object and nothing else.",
    },
    {
      role: "user",
      content: [
        "Insert these tags where a good speaker would change their delivery:",
        `- [rate=±N%] speaking rate from here on, N from ${RATE_RANGE.min} to +${RATE_RANGE.max}; slow down (e.g. [rate=-10%]) for definitions and key terms, then return with [rate=+0%];`,
        `- [pitch=±Nst] pitch from here on in semitones, N from ${PITCH_RANGE.min} to +${PITCH_RANGE.max}; e.g. [pitch=+1st] for a question, then [pitch=+0st];`,
        `- [pause=Nms] a silence, N from ${PAUSE_RANGE.min} to ${PAUSE_RANGE.max}; about 300 after a sentence, 700 between ideas, 900 at the very end.`,
        "Use tags sparingly. Key terms on the slide: " + (bullets.length ? bullets.join("; ") : "none") + ".",
        'Answer with a JSON object with one key, "tagged_narration": the narration, word for word, with the tags inserted.',
        "",
        "Narration:",
        narration,
      ].join("\n"),
    },
  ];
}

/** The repair round: the model sees its answer and what was wrong with it. Starts with "Your answer" (the fakes rely on it). */
export function repairPrompt(problem: string): ChatMessage {
  return {
    role: "user",
    content: `Your answer could not be used: ${problem}. Answer again with only the corrected JSON object, following the same instructions.`,
  };
}

// What a streamed answer shows so far, field by field, in the writer's terms:
// the outline's title and slides (each a title and an image query), a slide's
// title, bullets and narration. Only what is complete counts (a title without its closing
// quote may still grow), and only what the answer's schema would take on its
// own (a title too long is not handed out, to be refused at the end); the
// narration counts up to the end of its last complete sentence, so that a
// caller can start speaking it.
import { paragraphs, sentences } from "@lectra/lecture";
import type { Slide } from "@lectra/proto";
import type { z } from "zod";
import type { Outline } from "./engine";
import { completeObjects, completeStrings, stringField, type PartialObject } from "./partial-json";
import { LIMITS, outlineSlideSchema, slideSchema, type outlineSchema } from "./schemas";

/** The value when the schema takes it on its own (trimmed, as the schema trims), else undefined. */
function accepted<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

/** A complete string field the schema takes, or "". */
function completeField(answer: PartialObject, key: string, schema: z.ZodType<string>): string {
  const field = stringField(answer, key);
  return (field?.complete && accepted(schema, field.text)) || "";
}

/** The values the schema takes, up to the first it does not, at most `most`. */
function acceptedItems<T>(values: unknown[], schema: z.ZodType<T>, most: number): T[] {
  const items: T[] = [];
  for (const value of values.slice(0, most)) {
    const item = accepted(schema, value);
    if (item === undefined) break;
    items.push(item);
  }
  return items;
}

/**
 * The outline's title once complete ("" before) and its complete slides, at
 * most the asked number: a slide once its object is closed, so that its title
 * and its image query are handed out together.
 */
export function outlineSoFar(answer: PartialObject, schema: ReturnType<typeof outlineSchema>, slideCount: number): Outline {
  const written = completeObjects(answer, "slides").map((item) => ({ title: stringField(item, "title")?.text, image_query: stringField(item, "image_query")?.text }));
  const slides = acceptedItems(written, outlineSlideSchema, slideCount);
  return {
    title: completeField(answer, "title", schema.shape.title),
    slideTitles: slides.map((s) => s.title),
    imageQueries: slides.map((s) => s.image_query),
  };
}

const WHITE_SPACE = /\s/;

/**
 * The narration up to the end of its last complete sentence, in the lecture's
 * language: a sentence is complete once the next one has started, or the whole
 * narration once its string is closed. Sentences are found the way the speech
 * segments and captions find them (@lectra/lecture's `sentences`).
 */
export function narrationSoFar(text: string, closed: boolean, language: string): string {
  if (closed) return text.trim();
  const found = paragraphs(text).flatMap((p) => sentences(p, language));
  // The last sentence may still be being written.
  const complete = found.slice(0, -1);
  if (complete.length === 0) return "";
  // `sentences` only tidies white space: the complete ones end where as many other characters of the text have passed.
  let wanted = complete.reduce((n, s) => n + s.replace(/\s+/g, "").length, 0);
  let end = 0;
  while (end < text.length && wanted > 0) if (!WHITE_SPACE.test(text[end++])) wanted--;
  return text.slice(0, end).trim();
}

/** The slide so far: each field once complete (the narration by sentences); the index and the outline's image query always. */
export function slideSoFar(answer: PartialObject, index: number, language: string, imageQuery: string): Slide {
  const narration = stringField(answer, "narration");
  return {
    index,
    title: completeField(answer, "title", slideSchema.shape.title),
    bullets: acceptedItems(completeStrings(answer, "bullets"), slideSchema.shape.bullets.element, LIMITS.maxBullets),
    imageQuery,
    narration: narration ? narrationSoFar(narration.text, narration.complete, language) : "",
  };
}

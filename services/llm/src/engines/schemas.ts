// The shapes a model's answers must have, as zod schemas: they become the JSON
// Schema sent to the server (structured outputs) and validate what comes back.
// Every limit has its own message, written so it reads well both in the repair
// prompt and in the job's error ("… answered the outline with 3 slide titles; 5 were asked for").
import { z } from "zod";

export const LIMITS = {
  title: 120,
  slideTitle: 100,
  minBullets: 2,
  maxBullets: 5,
  bullet: 120,
  narration: 1500,
  imageQuery: 60,
} as const;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const countOf = (input: unknown) => (Array.isArray(input) ? input.length : 0);

/** Spoken text ends like a sentence; an answer cut off by a length limit does not. */
const endsLikeSentence = (text: string) => /[.!?…]["'”’)\]]*$/.test(text);

const slideTitle = z
  .string()
  .trim()
  .min(2, "a slide title is shorter than 2 characters")
  .max(LIMITS.slideTitle, `a slide title is longer than ${LIMITS.slideTitle} characters`);

const imageQuery = z.string().trim().max(LIMITS.imageQuery, `an image query longer than ${LIMITS.imageQuery} characters`);

/**
 * One slide of the outline: its title, then the words to search its picture
 * by. The outline chooses the pictures, not the slide's answer, so that each
 * slide's picture search runs while the model writes the slide: it is off the
 * lecture's critical path.
 */
export const outlineSlideSchema = z.object({ title: slideTitle, image_query: imageQuery });

export function outlineSchema(slideCount: number) {
  return z.object({
    title: z
      .string()
      .trim()
      .min(3, "the title is shorter than 3 characters")
      .max(LIMITS.title, `the title is longer than ${LIMITS.title} characters`),
    slides: z
      .array(outlineSlideSchema)
      .length(slideCount, { error: (issue) => `${plural(countOf(issue.input), "slide title")}; ${slideCount} were asked for` }),
  });
}

/** The keys in the order a model writes them (structured outputs follow the schema's order). */
export const slideSchema = z.object({
  title: slideTitle,
  bullets: z
    .array(
      z
        .string()
        .trim()
        .min(1, "a bullet is empty")
        .max(LIMITS.bullet, `a bullet is longer than ${LIMITS.bullet} characters`),
    )
    .min(LIMITS.minBullets, { error: (issue) => `${plural(countOf(issue.input), "bullet")}; ${LIMITS.minBullets} to ${LIMITS.maxBullets} are needed` })
    .max(LIMITS.maxBullets, { error: (issue) => `${plural(countOf(issue.input), "bullet")}; ${LIMITS.minBullets} to ${LIMITS.maxBullets} are needed` }),
  narration: z
    .string()
    .trim()
    .min(1, { error: "an empty narration", abort: true })
    .max(LIMITS.narration, `a narration longer than ${LIMITS.narration} characters`)
    .refine(endsLikeSentence, "a narration that does not end with a full sentence"),
});

export const tagsSchema = z.object({
  tagged_narration: z.string().trim().min(1, "an empty tagged narration"),
});

export type OutlineAnswer = z.infer<ReturnType<typeof outlineSchema>>;
export type SlideAnswer = z.infer<typeof slideSchema>;
export type TagsAnswer = z.infer<typeof tagsSchema>;

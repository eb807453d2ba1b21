// Writes a lecture from a topic with a language model: one call for the
// outline, one per slide, each answer validated against its schema and
// repaired once when it does not fit. Streamed, the outline and each slide are
// handed out as they are written (answer-so-far.ts says what counts as written).
import { slidePriority } from "@lectra/lecture";
import type { LectureSource, Slide } from "@lectra/proto";
import { invalidArgument } from "@lectra/service-kit";
import { outlineSoFar, slideSoFar } from "./answer-so-far";
import type { LanguageModel, LectureWriter, Outline, OutlineSoFar, SlidePlan, SlideSoFar, Warned } from "./engine";
import { outlinePrompt, slidePrompt } from "./prompts";
import { outlineSchema, slideSchema, type SlideAnswer } from "./schemas";
import { askForJson, streamJson, type Question } from "./structured";

function topicOf(source: LectureSource): string {
  if (source.source?.$case !== "topic") throw new Error("the model writer needs a topic");
  return source.source.value.trim();
}

/** The slide as written, with its picture's words from the outline (the plan), which chose them. */
const slideOf = (index: number, value: SlideAnswer, plan: SlidePlan): Slide => ({
  index,
  title: value.title,
  bullets: value.bullets,
  narration: value.narration,
  imageQuery: imageQueryOf(plan, index),
});

const imageQueryOf = (plan: SlidePlan, index: number) => plan.imageQueries?.[index] ?? "";

export class ModelWriter implements LectureWriter {
  constructor(private readonly model: LanguageModel) {}

  get name(): string {
    return this.model.engine;
  }

  private outlineQuestion(source: LectureSource, slideCount: number, language: string) {
    const schema = outlineSchema(slideCount);
    return { what: "the outline", name: "outline", schema, messages: outlinePrompt(topicOf(source), slideCount, language) };
  }

  async outline(source: LectureSource, slideCount: number, language: string, signal: AbortSignal): Promise<Outline & Warned> {
    const { value, warnings } = await askForJson(this.model, this.outlineQuestion(source, slideCount, language), signal);
    return { title: value.title, slideTitles: value.slides.map((s) => s.title), imageQueries: value.slides.map((s) => s.image_query), warnings };
  }

  /**
   * Each time the title or another slide is complete, the outline so far.
   * What was handed out stays: when the answer needed the repair round, the
   * last outline keeps the slides already given and takes only the rest from
   * the repaired answer (which has every slide, so none go missing).
   */
  async *streamOutline(source: LectureSource, slideCount: number, language: string, signal: AbortSignal): AsyncGenerator<OutlineSoFar> {
    const question = this.outlineQuestion(source, slideCount, language);
    let title = "";
    const slideTitles: string[] = [];
    const imageQueries: string[] = [];
    for await (const answer of streamJson(this.model, question, signal)) {
      if (answer.complete) {
        const rest = answer.value.slides.slice(slideTitles.length);
        yield {
          title: title || answer.value.title,
          slideTitles: [...slideTitles, ...rest.map((s) => s.title)],
          imageQueries: [...imageQueries, ...rest.map((s) => s.image_query)],
          warnings: answer.warnings,
          complete: true,
        };
        return;
      }
      const soFar = outlineSoFar(answer.partial, question.schema, slideCount);
      const grown = (!title && soFar.title !== "") || soFar.slideTitles.length > slideTitles.length;
      if (!grown) continue;
      title ||= soFar.title;
      slideTitles.push(...soFar.slideTitles.slice(slideTitles.length));
      imageQueries.push(...soFar.imageQueries.slice(imageQueries.length));
      yield { title, slideTitles: [...slideTitles], imageQueries: [...imageQueries], warnings: [], complete: false };
    }
  }

  private slideQuestion(source: LectureSource, plan: SlidePlan, index: number, language: string): Question<SlideAnswer> {
    topicOf(source);
    if (!plan.title.trim()) throw invalidArgument("lecture_title", "is empty; send the title the outline gave");
    if (plan.slideTitles.some((t) => !t.trim())) throw invalidArgument("slide_titles", "has an empty title; send the titles the outline gave");
    if (index >= plan.slideTitles.length) {
      throw invalidArgument("slide_index", `${index} is outside the ${plan.slideTitles.length} slide titles sent in slide_titles`);
    }
    const messages = slidePrompt(plan.title, plan.slideTitles, index, language, plan.slideCount ?? 0);
    return { what: `slide ${index + 1}`, name: "slide", schema: slideSchema, messages, priority: slidePriority(index) };
  }

  async writeSlide(source: LectureSource, plan: SlidePlan, index: number, language: string, signal: AbortSignal): Promise<{ slide: Slide } & Warned> {
    const { value, warnings } = await askForJson(this.model, this.slideQuestion(source, plan, index, language), signal);
    return { slide: slideOf(index, value, plan), warnings };
  }

  /** The slide so far each time a field or another sentence of the narration is complete, then the whole slide. */
  async *streamSlide(source: LectureSource, plan: SlidePlan, index: number, language: string, signal: AbortSignal): AsyncGenerator<SlideSoFar> {
    const question = this.slideQuestion(source, plan, index, language);
    const imageQuery = imageQueryOf(plan, index);
    let last = JSON.stringify(slideSoFar({ type: "object", fields: new Map(), complete: false }, index, language, imageQuery));
    for await (const answer of streamJson(this.model, question, signal)) {
      if (answer.complete) {
        yield { slide: slideOf(index, answer.value, plan), warnings: answer.warnings, complete: true };
        return;
      }
      const slide = slideSoFar(answer.partial, index, language, imageQuery);
      const seen = JSON.stringify(slide);
      if (seen === last) continue;
      last = seen;
      yield { slide, warnings: [], complete: false };
    }
  }
}

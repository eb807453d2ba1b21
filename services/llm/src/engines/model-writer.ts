// Writes a lecture from a topic with a language model: one call for the
// outline, one per slide, each answer validated against its schema and
// repaired once when it does not fit.
import type { LectureSource, Slide } from "@lectra/proto";
import { invalidArgument } from "@lectra/service-kit";
import type { LanguageModel, LectureWriter, Outline, Warned } from "./engine";
import { outlinePrompt, slidePrompt } from "./prompts";
import { outlineSchema, slideSchema } from "./schemas";
import { askForJson } from "./structured";

function topicOf(source: LectureSource): string {
  if (source.source?.$case !== "topic") throw new Error("the model writer needs a topic");
  return source.source.value.trim();
}

export class ModelWriter implements LectureWriter {
  constructor(private readonly model: LanguageModel) {}

  get name(): string {
    return this.model.engine;
  }

  async outline(source: LectureSource, slideCount: number, language: string, signal: AbortSignal): Promise<Outline & Warned> {
    const { value, warnings } = await askForJson(
      this.model,
      { what: "the outline", name: "outline", schema: outlineSchema(slideCount), messages: outlinePrompt(topicOf(source), slideCount, language) },
      signal,
    );
    return { title: value.title, slideTitles: value.slides, warnings };
  }

  async writeSlide(source: LectureSource, outline: Outline, index: number, language: string, signal: AbortSignal): Promise<{ slide: Slide } & Warned> {
    topicOf(source);
    if (!outline.title.trim()) throw invalidArgument("lecture_title", "is empty; send the title the outline gave");
    if (outline.slideTitles.some((t) => !t.trim())) throw invalidArgument("slide_titles", "has an empty title; send the titles the outline gave");
    if (index >= outline.slideTitles.length) {
      throw invalidArgument("slide_index", `${index} is outside the ${outline.slideTitles.length} slide titles sent in slide_titles`);
    }
    const { value, warnings } = await askForJson(
      this.model,
      { what: `slide ${index + 1}`, name: "slide", schema: slideSchema, messages: slidePrompt(outline.title, outline.slideTitles, index, language) },
      signal,
    );
    return { slide: { index, title: value.title, bullets: value.bullets, narration: value.narration, imageQuery: value.image_query }, warnings };
  }
}

// Prosody tags from the language model, with the rules as the safety net. The
// model's tags are parsed and clamped with the shared grammar; its words must
// be the narration's words, or its answer is dropped and the rules tag the
// narration instead. In "auto" mode an absent model (server not running, model
// not pulled) is the ordinary offline case: the rules tag quietly, and the
// model is not asked again for a while. Tags that would split the narration into
// more segments, or longer ones, than the speech service takes (SPEECH_LIMITS)
// are dropped the same way: the rules' segments are the ones the script was
// checked against at the door.
import { formatTag, parseSegments, slidePriority, SPEECH_LIMITS, speechExcess, tokenize, words } from "@lectra/lecture";
import type { NarrationEnd, Slide } from "@lectra/proto";
import type { LanguageModel, ProsodyTagger, TaggedNarration } from "./engine";
import { tagPrompt } from "./prompts";
import { endPauseMs, tagNarration } from "./rule-tagger";
import { tagsSchema } from "./schemas";
import { askForJson } from "./structured";

export const WORDS_CHANGED = "the model changed the narration's words; tagged by rules instead";
export const OVER_SPEECH_LIMITS =
  `the model's tags split the narration into more segments (or longer ones) than the speech service takes ` +
  `(${SPEECH_LIMITS.segments} of up to ${SPEECH_LIMITS.segmentChars} characters); tagged by rules instead`;

/** The model's tagged narration with every tag clamped to its range and a pause at the end, or undefined when its words are not the narration's. */
export function acceptModelTags(tagged: string, narration: string, endsAt?: NarrationEnd): string | undefined {
  if (words(tagged).join(" ") !== words(narration).join(" ")) return undefined;
  const tokens = tokenize(tagged.trim());
  const last = tokens.at(-1);
  const endsWithPause = typeof last !== "string" && last?.kind === "pause";
  const clamped = tokens.map((t) => (typeof t === "string" ? t : formatTag(t))).join("");
  return endsWithPause ? clamped : `${clamped} ${formatTag({ kind: "pause", value: endPauseMs(endsAt) })}`;
}

const byRules = (slide: Slide, language: string, warnings: string[], endsAt?: NarrationEnd): TaggedNarration => ({
  taggedNarration: tagNarration(slide.narration, language, slide.bullets, endsAt),
  engine: "rules",
  warnings,
});

export class ModelTagger implements ProsodyTagger {
  constructor(
    private readonly model: LanguageModel,
    /** "model": the model or an error; "auto": the rules when the model is not there. */
    private readonly mode: "auto" | "model",
  ) {}

  get name(): string {
    return this.model.engine;
  }

  async tag(slide: Slide, language: string, signal: AbortSignal, endsAt?: NarrationEnd): Promise<TaggedNarration> {
    const auto = this.mode === "auto";
    if (auto && this.model.availability.isOpen) return byRules(slide, language, [], endsAt);
    let answer;
    try {
      answer = await askForJson(
        this.model,
        {
          what: `the prosody tags of slide ${slide.index + 1}`,
          name: "tags",
          schema: tagsSchema,
          messages: tagPrompt(slide.narration, slide.bullets),
          probe: auto,
          priority: slidePriority(slide.index),
        },
        signal,
      );
    } catch (error) {
      if (!auto || signal.aborted) throw error;
      if (this.model.availability.isOpen) return byRules(slide, language, [], endsAt);
      return byRules(slide, language, [`the model could not tag the narration (${error instanceof Error ? error.message : String(error)}); tagged by rules instead`], endsAt);
    }
    const tagged = acceptModelTags(answer.value.tagged_narration, slide.narration, endsAt);
    if (tagged === undefined) return byRules(slide, language, [...answer.warnings, WORDS_CHANGED], endsAt);
    if (speechExcess(parseSegments(tagged).map((s) => s.text))) return byRules(slide, language, [...answer.warnings, OVER_SPEECH_LIMITS], endsAt);
    return { taggedNarration: tagged, engine: this.model.engine, warnings: answer.warnings };
  }
}

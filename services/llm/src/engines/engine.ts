// The llm service's engines. A LectureWriter writes the outline and the slides;
// a ProsodyTagger marks narration up with [rate], [pitch] and [pause] tags; a
// LanguageModel is a model server (Ollama, OpenAI-compatible) that the
// model-backed writer and tagger ask for JSON.
import type { LectureSource, NarrationEnd, Slide } from "@lectra/proto";
import type { CircuitBreaker } from "@lectra/resilience";

export interface Outline {
  title: string;
  slideTitles: string[];
  /**
   * One per slide title: English words to search the slide's picture by, chosen
   * with the titles so that pictures can be looked for while the slides are
   * written; "" means "use the title".
   */
  imageQueries: string[];
}

/**
 * What a slide is written from: the outline, or (from a streamed outline) its
 * titles up to the slide. Without image queries, the written slide's is "".
 */
export interface SlidePlan extends Omit<Outline, "imageQueries"> {
  imageQueries?: string[];
  /** How many slides there are in all when slideTitles holds only the first ones; unset or 0: as many as slideTitles holds. */
  slideCount?: number;
}

/** What a writer or tagger produced, with anything a person may want to know about how. */
export interface Warned {
  warnings: string[];
}

/**
 * An outline as it is written: the title once it is complete ("" before), the
 * slides complete so far (each with its title and image query). A title once given never changes: each outline
 * so far starts with the titles of the one before. The last is the whole
 * outline, validated, with the warnings.
 */
export interface OutlineSoFar extends Outline, Warned {
  complete: boolean;
}

/**
 * A slide as it is written: each field once it is complete, the narration up to
 * the end of its last complete sentence. The last is the whole slide, validated,
 * with the warnings (after a repair round its text may differ from what came before).
 */
export interface SlideSoFar extends Warned {
  slide: Slide;
  complete: boolean;
}

/** `language` is the lecture's (BCP 47, canonical): what a topic lecture is written in; a script is taken as written. */
export interface LectureWriter {
  readonly name: string;
  outline(source: LectureSource, slideCount: number, language: string, signal: AbortSignal): Promise<Outline & Warned>;
  writeSlide(source: LectureSource, plan: SlidePlan, index: number, language: string, signal: AbortSignal): Promise<{ slide: Slide } & Warned>;
  /** The outline as it is written; the last one is complete. Yields only when something changed. */
  streamOutline(source: LectureSource, slideCount: number, language: string, signal: AbortSignal): AsyncGenerator<OutlineSoFar>;
  /** The slide as it is written; the last one is complete. Yields only when something changed. */
  streamSlide(source: LectureSource, plan: SlidePlan, index: number, language: string, signal: AbortSignal): AsyncGenerator<SlideSoFar>;
}

export interface TaggedNarration extends Warned {
  taggedNarration: string;
  /** Which tagger wrote it: "rules", or the model's engine. */
  engine: string;
}

/**
 * `language` is the narration's (BCP 47, canonical): where its sentences end;
 * `endsAt` what its last sentence ends (TagProsodyRequest.ends_at; the slide by default).
 */
export interface ProsodyTagger {
  readonly name: string;
  tag(slide: Slide, language: string, signal: AbortSignal, endsAt?: NarrationEnd): Promise<TaggedNarration>;
}

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** One chat turn whose answer must be a JSON object following `schema`. */
export interface JsonChat {
  /** What the answer is, for the server and for spans, e.g. "outline". */
  name: string;
  messages: ChatMessage[];
  /** A JSON Schema for the answer (Ollama's `format`, OpenAI's json_schema). */
  schema: Record<string, unknown>;
  /**
   * The caller has a fallback and the server may simply not be running: give
   * up at the first connection error instead of retrying it.
   */
  probe?: boolean;
  /** Orders the call among those waiting for a model slot, higher first (@lectra/lecture's slidePriority); 0 when unset. */
  priority?: number;
}

export interface ModelProgress {
  /** E.g. "pulling manifest", "pulling 8eeb52dfb3bb", "ready". */
  status: string;
  completedBytes: number;
  totalBytes: number;
  /** Set on the last message, when the model can be used. */
  ready: boolean;
}

export interface LanguageModel {
  /** "ollama" or "openai". */
  readonly engine: string;
  readonly model: string;
  /**
   * Open while the model is known to be unusable (server down, model missing):
   * the auto tagger goes straight to the rules then. Every call updates it.
   */
  readonly availability: CircuitBreaker;
  /** The model's answer text; throws RpcErrors a person can act on. */
  chat(request: JsonChat, signal: AbortSignal): Promise<string>;
  /**
   * The model's answer text as it is generated, in pieces (deltas) to be
   * concatenated; throws as chat() does. Retried only before its first delta:
   * a failure after it ends the stream with an error.
   */
  chatStream(request: JsonChat, signal: AbortSignal): AsyncIterable<string>;
  /**
   * Throws FAILED_PRECONDITION, saying what to run, when the model cannot be used now.
   * A probe gives up at the first connection error (see JsonChat.probe).
   */
  check(signal: AbortSignal, probe?: boolean): Promise<void>;
  /** Makes the model usable (pulling it when allowed), reporting progress; the last message is ready. */
  prepare(signal: AbortSignal): AsyncGenerator<ModelProgress>;
}

/** What the service runs with, chosen from the environment at start-up. */
export interface Engines {
  /** The language model server; undefined when LECTRA_LLM_PROVIDER=none. */
  model: LanguageModel | undefined;
  /** Writes from a topic; undefined when no language model is configured. */
  topicWriter: LectureWriter | undefined;
  tagger: ProsodyTagger;
}

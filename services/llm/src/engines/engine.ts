// The llm service's engines. A LectureWriter writes the outline and the slides;
// a ProsodyTagger marks narration up with [rate], [pitch] and [pause] tags; a
// LanguageModel is a model server (Ollama, OpenAI-compatible) that the
// model-backed writer and tagger ask for JSON.
import type { LectureSource, Slide } from "@lectra/proto";
import type { CircuitBreaker } from "@lectra/resilience";

export interface Outline {
  title: string;
  slideTitles: string[];
}

/** What a writer or tagger produced, with anything a person may want to know about how. */
export interface Warned {
  warnings: string[];
}

/** `language` is the lecture's (BCP 47, canonical): what a topic lecture is written in; a script is taken as written. */
export interface LectureWriter {
  readonly name: string;
  outline(source: LectureSource, slideCount: number, language: string, signal: AbortSignal): Promise<Outline & Warned>;
  writeSlide(source: LectureSource, outline: Outline, index: number, language: string, signal: AbortSignal): Promise<{ slide: Slide } & Warned>;
}

export interface TaggedNarration extends Warned {
  taggedNarration: string;
  /** Which tagger wrote it: "rules", or the model's engine. */
  engine: string;
}

/** `language` is the narration's (BCP 47, canonical): where its sentences end. */
export interface ProsodyTagger {
  readonly name: string;
  tag(slide: Slide, language: string, signal: AbortSignal): Promise<TaggedNarration>;
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

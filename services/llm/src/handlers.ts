// LlmService handlers: check the request, pick the engine, answer. The
// streamed outline and slide answer the same requests as Outline and
// WriteSlide, checked the same way, from the same cache entries.
import { trace } from "@opentelemetry/api";
import { cleanText, collapseSpace, normalizeLanguage, scriptForm } from "@lectra/lecture";
import {
  OutlineRequest,
  OutlineResponse,
  TagProsodyRequest,
  TagProsodyResponse,
  WriteSlideRequest,
  WriteSlideResponse,
  type LectureSource,
  type LlmServiceServer,
  type PrepareModelRequest,
  type PrepareModelResponse,
  type Slide,
  type StreamOutlineRequest,
  type StreamOutlineResponse,
  type StreamSlideRequest,
  type StreamSlideResponse,
} from "@lectra/proto";
import { argument, cached, failedPrecondition, invalidArgument, ResultCache, serverStream, unary, type CacheContext, type Codec, type Logger } from "@lectra/service-kit";
import type { Engines, LectureWriter, Outline, SlidePlan } from "./engines/engine";
import { PROMPTS_VERSION } from "./engines/prompts";
import { scriptWriter } from "./engines/script-writer";

export const MAX_TOPIC_CHARS = 500;

export const NO_MODEL =
  "writing a lecture from a topic needs a language model, and LECTRA_LLM_PROVIDER=none: set LECTRA_LLM_PROVIDER=ollama (and run Ollama) " +
  "or LECTRA_LLM_PROVIDER=openai with LECTRA_OPENAI_BASE_URL — or send a script, which needs no model (see README, 'Lecture scripts')";

function writerFor(source: LectureSource | undefined, engines: Engines): LectureWriter {
  switch (source?.source?.$case) {
    case "script":
      return scriptWriter;
    case "topic": {
      const topic = source.source.value.trim();
      if (!topic) throw invalidArgument("source.topic", "is empty");
      if (topic.length > MAX_TOPIC_CHARS) throw invalidArgument("source.topic", `is ${topic.length} characters; at most ${MAX_TOPIC_CHARS} are allowed`);
      if (!engines.topicWriter) throw failedPrecondition(NO_MODEL);
      return engines.topicWriter;
    }
    default:
      throw invalidArgument("source", "set either topic or script");
  }
}

/**
 * What an engine wrote, cleaned of the characters no output can hold (the
 * lecture's text rule): a model may answer with control characters, and one in a
 * title would make the deck unreadable. A script never holds them (its writer
 * refuses them), so only a model's text is changed, and a warning says so.
 */
class Cleaning {
  private removed = 0;

  constructor(private readonly what: string) {}

  readonly text = (text: string): string => {
    const cleaned = cleanText(text);
    this.removed += cleaned.removed;
    return cleaned.text;
  };

  warnings(warnings: string[]): string[] {
    if (this.removed === 0) return warnings;
    const characters = this.removed === 1 ? "1 character" : `${this.removed} characters`;
    return [...warnings, `${this.what} had ${characters} no deck or caption can hold (control characters); removed`];
  }
}

/** An outline in script form (white space collapsed), as lecture.md will give it back. */
function writtenOutline(outline: Outline, clean: Cleaning): Outline {
  const written = (text: string) => collapseSpace(clean.text(text));
  return { title: written(outline.title), slideTitles: outline.slideTitles.map(written), imageQueries: outline.imageQueries.map(written) };
}

/** A slide in script form, so that lecture.md, read back as a script, gives this very slide (and its cached stages). */
function writtenSlide(slide: Slide, clean: Cleaning): Slide {
  const cleaned = { title: clean.text(slide.title), bullets: slide.bullets.map(clean.text), narration: clean.text(slide.narration), imageQuery: clean.text(slide.imageQuery) };
  return { ...slide, ...scriptForm(cleaned) };
}

/** An outline request, checked: who writes it, in which language. */
function outlineArguments(req: OutlineRequest, engines: Engines): { writer: LectureWriter; language: string } {
  const writer = writerFor(req.source, engines);
  if (req.source?.source?.$case === "topic" && (req.slideCount < 1 || req.slideCount > 30)) {
    throw invalidArgument("slide_count", `must be 1..30 with a topic, got ${req.slideCount}`);
  }
  return { writer, language: argument("language", () => normalizeLanguage(req.language)) };
}

/**
 * A slide request, checked: who writes it, in which language, from which
 * titles. With slide_count, slide_titles may hold only the titles up to the
 * slide (a streamed outline's so far), but at least those.
 */
function slideArguments(req: WriteSlideRequest, engines: Engines): { writer: LectureWriter; language: string; plan: SlidePlan } {
  const writer = writerFor(req.source, engines);
  if (req.slideIndex < 0) throw invalidArgument("slide_index", `must be 0 or more, got ${req.slideIndex}`);
  if (req.slideCount < 0) throw invalidArgument("slide_count", `must be 0 or more, got ${req.slideCount}`);
  if (req.slideCount > 0) {
    if (req.slideIndex >= req.slideCount) throw invalidArgument("slide_index", `${req.slideIndex} is outside the ${req.slideCount} slides of slide_count`);
    if (req.slideTitles.length > req.slideCount) {
      throw invalidArgument("slide_count", `is ${req.slideCount}, but slide_titles holds ${req.slideTitles.length} titles`);
    }
    if (req.slideTitles.length <= req.slideIndex) {
      throw invalidArgument("slide_titles", `holds ${req.slideTitles.length} titles; slide ${req.slideIndex + 1} needs at least the titles up to its own`);
    }
  }
  if (req.imageQueries.length > 0 && req.imageQueries.length !== req.slideTitles.length) {
    throw invalidArgument("image_queries", `holds ${req.imageQueries.length} queries for ${req.slideTitles.length} slide titles; send one per title, or none`);
  }
  const language = argument("language", () => normalizeLanguage(req.language));
  return { writer, language, plan: { title: req.lectureTitle, slideTitles: req.slideTitles, imageQueries: req.imageQueries, slideCount: req.slideCount } };
}

/** The wrapped request of a streamed call, which must be there. */
function wrapped<T>(request: T | undefined): T {
  if (!request) throw invalidArgument("request", "is required");
  return request;
}

/** Warnings go back in the response (the orchestrator makes them job warnings) and onto the call's span. */
function noted<T extends { warnings: string[] }>(log: Logger, method: string, response: T): T {
  for (const warning of response.warnings) {
    trace.getActiveSpan()?.addEvent("lectra.warning", { "lectra.warning": warning });
    log.info(`${method}: ${warning}`);
  }
  return response;
}

export function llmHandlers(engines: Engines, log: Logger, cache?: ResultCache): LlmServiceServer {
  /**
   * A model's answer is cached under the engine, the model, the prompts' version
   * and the whole request, its language made canonical ("", "en" and "EN" are
   * one); the script writer and the rules are instant and are not. Answers
   * that needed a repair or fell back carry warnings and are not kept.
   */
  const fromModel = <Req, Res extends { warnings: string[] }>(
    call: CacheContext,
    useModel: boolean,
    codec: Codec<Req>,
    req: Req,
    responseCodec: Codec<Res>,
    answer: () => Promise<Res>,
    keep: (response: Res) => boolean = () => true,
  ): Promise<Res> => {
    if (!useModel || !engines.model) return answer();
    // llm/2: answers are kept in script form (scriptForm), not as the model wrote them.
    const key = ResultCache.key("llm/2", engines.model.engine, engines.model.model, PROMPTS_VERSION, codec.encode(req).finish());
    return cached(cache, call, key, responseCodec, answer, (r) => r.warnings.length === 0 && keep(r));
  };

  return {
    prepareModel: serverStream(log, "PrepareModel", async (_req: PrepareModelRequest, send, { signal }) => {
      const model = engines.model;
      if (!model) throw failedPrecondition(NO_MODEL);
      for await (const progress of model.prepare(signal)) {
        await send({ engine: model.engine, model: model.model, ...progress } satisfies PrepareModelResponse);
      }
    }),

    outline: unary(log, "Outline", async (req: OutlineRequest, call) => {
      const { writer, language } = outlineArguments(req, engines);
      return fromModel(call, writer !== scriptWriter, OutlineRequest, { ...req, language }, OutlineResponse, async () => {
        const outline = await writer.outline(req.source!, req.slideCount, language, call.signal);
        const clean = new Cleaning("the outline");
        return noted(log, "Outline", { ...writtenOutline(outline, clean), engine: writer.name, warnings: clean.warnings(outline.warnings) });
      });
    }),

    writeSlide: unary(log, "WriteSlide", async (req: WriteSlideRequest, call) => {
      const { writer, language, plan } = slideArguments(req, engines);
      return fromModel(call, writer !== scriptWriter, WriteSlideRequest, { ...req, language }, WriteSlideResponse, async () => {
        const { slide, warnings } = await writer.writeSlide(req.source!, plan, req.slideIndex, language, call.signal);
        const clean = new Cleaning(`slide ${req.slideIndex + 1}`);
        return noted(log, "WriteSlide", { slide: writtenSlide(slide, clean), warnings: clean.warnings(warnings) });
      });
    }),

    /**
     * Outline's answer as it is written. The cache entry is Outline's: a hit
     * is the last message at once, and a streamed answer kept is one Outline
     * finds. Each message holds the outline so far, cleaned as the last.
     */
    streamOutline: serverStream(log, "StreamOutline", async (stream: StreamOutlineRequest, send, call) => {
      const req = wrapped(stream.request);
      const { writer, language } = outlineArguments(req, engines);
      const outline = await fromModel(call, writer !== scriptWriter, OutlineRequest, { ...req, language }, OutlineResponse, async () => {
        for await (const soFar of writer.streamOutline(req.source!, req.slideCount, language, call.signal)) {
          if (!soFar.complete) {
            const partial = { ...writtenOutline(soFar, new Cleaning("")), engine: writer.name, warnings: [] };
            await send({ outline: partial, complete: false } satisfies StreamOutlineResponse);
            continue;
          }
          const clean = new Cleaning("the outline");
          return noted(log, "StreamOutline", { ...writtenOutline(soFar, clean), engine: writer.name, warnings: clean.warnings(soFar.warnings) });
        }
        throw new Error(`the ${writer.name} writer's outline stream ended before the outline was complete`);
      });
      await send({ outline, complete: true } satisfies StreamOutlineResponse);
    }),

    /** WriteSlide's answer as it is written, from WriteSlide's cache entry (see streamOutline). */
    streamSlide: serverStream(log, "StreamSlide", async (stream: StreamSlideRequest, send, call) => {
      const req = wrapped(stream.request);
      const { writer, language, plan } = slideArguments(req, engines);
      const written = await fromModel(call, writer !== scriptWriter, WriteSlideRequest, { ...req, language }, WriteSlideResponse, async () => {
        for await (const soFar of writer.streamSlide(req.source!, plan, req.slideIndex, language, call.signal)) {
          if (!soFar.complete) {
            await send({ slide: writtenSlide(soFar.slide, new Cleaning("")), complete: false, warnings: [] } satisfies StreamSlideResponse);
            continue;
          }
          const clean = new Cleaning(`slide ${req.slideIndex + 1}`);
          return noted(log, "StreamSlide", { slide: writtenSlide(soFar.slide, clean), warnings: clean.warnings(soFar.warnings) });
        }
        throw new Error(`the ${writer.name} writer's slide stream ended before slide ${req.slideIndex + 1} was complete`);
      });
      await send({ slide: written.slide, complete: true, warnings: written.warnings } satisfies StreamSlideResponse);
    }),

    tagProsody: unary(log, "TagProsody", async (req: TagProsodyRequest, call) => {
      if (!req.slide) throw invalidArgument("slide", "is required");
      if (!req.slide.narration.trim()) throw invalidArgument("slide.narration", "is empty");
      const language = argument("language", () => normalizeLanguage(req.language));
      return fromModel(
        call,
        engines.tagger.name !== "rules",
        TagProsodyRequest,
        { ...req, language },
        TagProsodyResponse,
        async () => {
          const tagged = await engines.tagger.tag(req.slide!, language, call.signal, req.endsAt);
          const clean = new Cleaning(`the tagged narration of slide ${req.slide!.index + 1}`);
          return noted(log, "TagProsody", { ...tagged, taggedNarration: clean.text(tagged.taggedNarration), warnings: clean.warnings(tagged.warnings) });
        },
        // The auto tagger answers with the rules while the model is away: that is not the model's answer.
        (r) => r.engine !== "rules",
      );
    }),
  };
}

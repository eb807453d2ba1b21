// LlmService handlers: check the request, pick the engine, answer.
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
} from "@lectra/proto";
import { argument, cached, failedPrecondition, invalidArgument, ResultCache, serverStream, unary, type CacheContext, type Codec, type Logger } from "@lectra/service-kit";
import type { Engines, LectureWriter } from "./engines/engine";
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
      const writer = writerFor(req.source, engines);
      if (req.source?.source?.$case === "topic" && (req.slideCount < 1 || req.slideCount > 30)) {
        throw invalidArgument("slide_count", `must be 1..30 with a topic, got ${req.slideCount}`);
      }
      const language = argument("language", () => normalizeLanguage(req.language));
      return fromModel(call, writer !== scriptWriter, OutlineRequest, { ...req, language }, OutlineResponse, async () => {
        const outline = await writer.outline(req.source!, req.slideCount, language, call.signal);
        const clean = new Cleaning("the outline");
        // In script form (white space collapsed), as lecture.md will give it back.
        const [title, slideTitles] = [collapseSpace(clean.text(outline.title)), outline.slideTitles.map((t) => collapseSpace(clean.text(t)))];
        return noted(log, "Outline", { title, slideTitles, engine: writer.name, warnings: clean.warnings(outline.warnings) });
      });
    }),

    writeSlide: unary(log, "WriteSlide", async (req: WriteSlideRequest, call) => {
      const writer = writerFor(req.source, engines);
      if (req.slideIndex < 0) throw invalidArgument("slide_index", `must be 0 or more, got ${req.slideIndex}`);
      const language = argument("language", () => normalizeLanguage(req.language));
      const outline = { title: req.lectureTitle, slideTitles: req.slideTitles };
      return fromModel(call, writer !== scriptWriter, WriteSlideRequest, { ...req, language }, WriteSlideResponse, async () => {
        const { slide, warnings } = await writer.writeSlide(req.source!, outline, req.slideIndex, language, call.signal);
        const clean = new Cleaning(`slide ${req.slideIndex + 1}`);
        const cleaned = { title: clean.text(slide.title), bullets: slide.bullets.map(clean.text), narration: clean.text(slide.narration), imageQuery: clean.text(slide.imageQuery) };
        // In script form, so that lecture.md, read back as a script, gives this very slide (and its cached stages).
        const written = { ...slide, ...scriptForm(cleaned) };
        return noted(log, "WriteSlide", { slide: written, warnings: clean.warnings(warnings) });
      });
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
          const tagged = await engines.tagger.tag(req.slide!, language, call.signal);
          const clean = new Cleaning(`the tagged narration of slide ${req.slide!.index + 1}`);
          return noted(log, "TagProsody", { ...tagged, taggedNarration: clean.text(tagged.taggedNarration), warnings: clean.warnings(tagged.warnings) });
        },
        // The auto tagger answers with the rules while the model is away: that is not the model's answer.
        (r) => r.engine !== "rules",
      );
    }),
  };
}

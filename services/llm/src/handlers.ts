// LlmService handlers: check the request, pick the engine, answer.
import type { LectureSource, LlmServiceServer, OutlineRequest, TagProsodyRequest, WriteSlideRequest } from "@lectra/proto";
import { failedPrecondition, invalidArgument, unary, type Logger } from "@lectra/service-kit";
import type { LectureWriter, ProsodyTagger } from "./engines/engine";
import { scriptWriter } from "./engines/script-writer";

export interface Engines {
  /** Writes from a topic; undefined when no language model is configured. */
  topicWriter: LectureWriter | undefined;
  tagger: ProsodyTagger;
}

const NO_TOPIC_ENGINE =
  "writing a lecture from a topic needs a language model, and none is configured; send a script instead (see README, 'Lecture scripts')";

function writerFor(source: LectureSource | undefined, engines: Engines): LectureWriter {
  switch (source?.source?.$case) {
    case "script":
      return scriptWriter;
    case "topic":
      if (!source.source.value.trim()) throw invalidArgument("source.topic", "is empty");
      if (!engines.topicWriter) throw failedPrecondition(NO_TOPIC_ENGINE);
      return engines.topicWriter;
    default:
      throw invalidArgument("source", "set either topic or script");
  }
}

export function llmHandlers(engines: Engines, log: Logger): LlmServiceServer {
  return {
    outline: unary(log, "Outline", async (req: OutlineRequest, { signal }) => {
      const writer = writerFor(req.source, engines);
      if (req.source?.source?.$case === "topic" && (req.slideCount < 1 || req.slideCount > 30)) {
        throw invalidArgument("slide_count", `must be 1..30 with a topic, got ${req.slideCount}`);
      }
      const outline = await writer.outline(req.source!, req.slideCount, signal);
      return { title: outline.title, slideTitles: outline.slideTitles, engine: writer.name };
    }),

    writeSlide: unary(log, "WriteSlide", async (req: WriteSlideRequest, { signal }) => {
      const writer = writerFor(req.source, engines);
      if (req.slideIndex < 0) throw invalidArgument("slide_index", `must be 0 or more, got ${req.slideIndex}`);
      const outline = { title: req.lectureTitle, slideTitles: req.slideTitles };
      const slide = await writer.writeSlide(req.source!, outline, req.slideIndex, signal);
      return { slide };
    }),

    tagProsody: unary(log, "TagProsody", async (req: TagProsodyRequest, { signal }) => {
      if (!req.slide) throw invalidArgument("slide", "is required");
      if (!req.slide.narration.trim()) throw invalidArgument("slide.narration", "is empty");
      return { taggedNarration: await engines.tagger.tag(req.slide, signal), engine: engines.tagger.name };
    }),
  };
}

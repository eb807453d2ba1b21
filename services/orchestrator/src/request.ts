// Checks a GenerateRequest before any job exists, so bad input costs nothing
// and the error names the field to fix. A script is checked against every limit
// and rule the services apply further on (parseScript), so a job that starts does
// not fail on one later; a topic is held to the same text rule.
import { firstUnwritable, isInvisible, parseScript, ScriptError } from "@lectra/lecture";
import type { GenerateRequest } from "@lectra/proto";
import { invalidArgument } from "@lectra/service-kit";

export const TOPIC_CHARS = { min: 3, max: 500 } as const;
export const TOPIC_SLIDES = { min: 1, max: 30, default: 6 } as const;
const VOICE = /^[A-Za-z0-9][A-Za-z0-9_.:+-]{0,99}$/;

/** A request that passed validation, with its defaults filled in. */
export interface LectureRequest {
  source: { $case: "topic"; value: string } | { $case: "script"; value: string };
  /** Slides planned: the script's count, or the topic's slide_count. */
  slideCount: number;
  /** The script's title, known before the outline stage runs. */
  scriptTitle: string;
  voice: string;
  skipVideo: boolean;
  constantFrameRate: boolean;
  noCache: boolean;
}

export function validateGenerate(req: GenerateRequest): LectureRequest {
  const voice = req.voice.trim();
  if (voice && !VOICE.test(voice)) {
    throw invalidArgument("voice", `"${voice.slice(0, 40)}" is not a voice name; SpeechService.ListVoices lists them`);
  }
  if (req.skipVideo && req.constantFrameRate) {
    throw invalidArgument("constant_frame_rate", "asks for a video frame rate, but skip_video asks for no video");
  }
  const common = { voice, skipVideo: req.skipVideo, constantFrameRate: req.constantFrameRate, noCache: req.noCache };

  switch (req.source?.$case) {
    case "topic": {
      const unwritable = firstUnwritable(req.source.value);
      if (unwritable) {
        throw invalidArgument("topic", `has ${unwritable.description} at character ${unwritable.index + 1}, which a deck cannot hold: delete it`);
      }
      const topic = req.source.value.trim().replace(/\s+/g, " ");
      if (!topic) throw invalidArgument("topic", "is empty");
      if (isInvisible(topic)) throw invalidArgument("topic", "is only invisible characters; write the subject of the lecture");
      if (topic.length < TOPIC_CHARS.min) throw invalidArgument("topic", `must be at least ${TOPIC_CHARS.min} characters`);
      if (topic.length > TOPIC_CHARS.max) {
        throw invalidArgument("topic", `is ${topic.length} characters; the limit is ${TOPIC_CHARS.max}`);
      }
      const slideCount = req.slideCount === 0 ? TOPIC_SLIDES.default : req.slideCount;
      if (slideCount < TOPIC_SLIDES.min || slideCount > TOPIC_SLIDES.max) {
        throw invalidArgument("slide_count", `must be ${TOPIC_SLIDES.min}..${TOPIC_SLIDES.max}, got ${req.slideCount}`);
      }
      return { source: { $case: "topic", value: topic }, slideCount, scriptTitle: "", ...common };
    }
    case "script": {
      if (req.slideCount !== 0) {
        throw invalidArgument("slide_count", "a script brings its own slides; leave slide_count unset with a script");
      }
      try {
        const script = parseScript(req.source.value);
        return { source: req.source, slideCount: script.slides.length, scriptTitle: script.title, ...common };
      } catch (error) {
        if (error instanceof ScriptError) throw invalidArgument("script", error.message);
        throw error;
      }
    }
    default:
      throw invalidArgument("source", "set either topic or script");
  }
}

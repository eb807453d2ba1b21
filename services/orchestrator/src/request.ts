// Checks a GenerateRequest before any job exists, so bad input costs nothing
// and the error names the field to fix. A script is checked against every limit
// and rule the services apply further on (parseScript), so a job that starts does
// not fail on one later; a topic is held to the same text rule.
import { detectLanguage, firstUnwritable, isInvisible, normalizeLanguage, parseScript, ScriptError, type Script } from "@lectra/lecture";
import type { GenerateRequest, Theme } from "@lectra/proto";
import { invalidArgument } from "@lectra/service-kit";
import { builtInThemes, DEFAULT_THEME, parseThemeJson, themeByName, ThemeError } from "@lectra/themes";

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
  /**
   * The lecture's language, BCP 47: as asked, else a script's "Language:" line,
   * else detected from the script's text; a topic lecture is English unless asked.
   */
  language: string;
  skipVideo: boolean;
  constantFrameRate: boolean;
  noCache: boolean;
  /** How the deck and frames look: the built-in theme named, the custom one from theme_json, or the default. */
  theme: Theme;
  /** Said as the job's first warnings, e.g. that the voice asked for does not speak the lecture's language. */
  notes?: string[];
}

export function validateGenerate(req: GenerateRequest): LectureRequest {
  const voice = req.voice.trim();
  if (voice && !VOICE.test(voice)) {
    throw invalidArgument("voice", `"${voice.slice(0, 40)}" is not a voice name; SpeechService.ListVoices lists them`);
  }
  if (req.skipVideo && req.constantFrameRate) {
    throw invalidArgument("constant_frame_rate", "asks for a video frame rate, but skip_video asks for no video");
  }
  const asked = languageAsked(req.language);
  const common = { voice, skipVideo: req.skipVideo, constantFrameRate: req.constantFrameRate, noCache: req.noCache, theme: themeAsked(req) };

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
      return { source: { $case: "topic", value: topic }, slideCount, scriptTitle: "", language: asked ?? "en", ...common };
    }
    case "script": {
      if (req.slideCount !== 0) {
        throw invalidArgument("slide_count", "a script brings its own slides; leave slide_count unset with a script");
      }
      try {
        const script = parseScript(req.source.value);
        const language = asked ?? script.language ?? detectLanguage(scriptText(script));
        return { source: req.source, slideCount: script.slides.length, scriptTitle: script.title, language, ...common };
      } catch (error) {
        if (error instanceof ScriptError) throw invalidArgument("script", error.message);
        throw error;
      }
    }
    default:
      throw invalidArgument("source", "set either topic or script");
  }
}

/** The request's language, checked and in canonical case; undefined when none was asked for. */
function languageAsked(tag: string): string | undefined {
  if (!tag.trim()) return undefined;
  try {
    return normalizeLanguage(tag);
  } catch (error) {
    throw invalidArgument("language", `${error instanceof Error ? error.message : String(error)}: give a BCP 47 tag such as "en", "hi", "ja" or "pt-BR"`);
  }
}

/** What the audience reads and hears, for telling its language. */
function scriptText(script: Script): string {
  return [script.title, ...script.slides.flatMap((s) => [s.title, ...s.bullets, s.narration])].join("\n");
}

/** The request's theme: theme_json when set (it replaces theme), else the built-in theme named, else the default. */
function themeAsked(req: GenerateRequest): Theme {
  if (req.themeJson) {
    try {
      return parseThemeJson(req.themeJson);
    } catch (error) {
      if (error instanceof ThemeError) throw invalidArgument(error.field("theme_json"), error.problem);
      throw error;
    }
  }
  const theme = themeByName(req.theme.trim() || DEFAULT_THEME);
  if (!theme) {
    const names = builtInThemes.map((t) => t.name).join(", ");
    throw invalidArgument("theme", `"${req.theme.slice(0, 40)}" is not a theme; the themes are ${names} (ListThemes lists them), or send your own in theme_json`);
  }
  return theme;
}

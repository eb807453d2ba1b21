// Writes the lecture from a script, word for word: the outline is the script's
// headings (with their slides' "Image:" lines), each slide is what the author wrote under its heading. There is
// nothing to wait for, so a stream is the one complete answer.
import { parseScript, ScriptError, type Script } from "@lectra/lecture";
import type { LectureSource } from "@lectra/proto";
import { invalidArgument } from "@lectra/service-kit";
import type { LectureWriter } from "./engine";

function scriptOf(source: LectureSource): Script {
  if (source.source?.$case !== "script") throw new Error("the script writer needs a script");
  try {
    return parseScript(source.source.value);
  } catch (error) {
    if (error instanceof ScriptError) throw invalidArgument("source.script", error.message);
    throw error;
  }
}

export const scriptWriter: LectureWriter = {
  name: "script",

  async outline(source) {
    const script = scriptOf(source);
    return { title: script.title, slideTitles: script.slides.map((s) => s.title), imageQueries: script.slides.map((s) => s.imageQuery), warnings: [] };
  },

  async writeSlide(source, _plan, index) {
    const script = scriptOf(source);
    const slide = script.slides[index];
    if (!slide) throw invalidArgument("slide_index", `${index} is outside the script's ${script.slides.length} slides`);
    return { slide: { index, title: slide.title, bullets: slide.bullets, narration: slide.narration, imageQuery: slide.imageQuery }, warnings: [] };
  },

  async *streamOutline(source, slideCount, language, signal) {
    yield { ...(await scriptWriter.outline(source, slideCount, language, signal)), complete: true };
  },

  async *streamSlide(source, plan, index, language, signal) {
    yield { ...(await scriptWriter.writeSlide(source, plan, index, language, signal)), complete: true };
  },
};

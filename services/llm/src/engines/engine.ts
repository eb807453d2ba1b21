// The llm service's engines. A LectureWriter writes the outline and the slides;
// a ProsodyTagger marks narration up with [rate], [pitch] and [pause] tags.
import type { LectureSource, Slide } from "@lectra/proto";

export interface Outline {
  title: string;
  slideTitles: string[];
}

export interface LectureWriter {
  readonly name: string;
  outline(source: LectureSource, slideCount: number, signal: AbortSignal): Promise<Outline>;
  writeSlide(source: LectureSource, outline: Outline, index: number, signal: AbortSignal): Promise<Slide>;
}

export interface ProsodyTagger {
  readonly name: string;
  tag(slide: Slide, signal: AbortSignal): Promise<string>;
}

// How fast a job could have been, and how fast the old system would have been,
// from the stage durations the job recorded.
//
// The per-slide graph (DESIGN.md): outline → content_i → {image_i, tags_i};
// tags_i → speech_i; {content_i, image_i} → frame_i; {frame_i, speech_i} →
// clip_i; every content and image → deck; every speech → captions; every clip
// → video. Its longest
// path, with each node weighted by its recorded duration, is the lower bound on
// wall time with unlimited parallelism: no schedule of these stages can beat it.
//
// The original ran stage by stage, each stage waiting for the one before: every
// slide's content, then every picture, then the tagging, the speech, the frames,
// and last the deck, captions and video. Its measured times (DESIGN.md) say how
// each stage ran: content and pictures side by side (10 slides of 6–12 s content
// took 12–20 s), tagging and speech one slide after another (ten 0.5–0.8 s
// taggings took 5–8 s; the slides' speech 18–25 s). With the same durations
// that schedule takes: outline + the slowest content + the slowest picture + all
// taggings + all speech + the slowest frame + the slowest clip + deck + captions
// + video.
import { Stage } from "@lectra/proto";

/** One recorded stage run: its stage, its slide (undefined for whole-lecture stages) and how long it took. */
export interface StageRun {
  stage: Stage;
  slideIndex: number | undefined;
  seconds: number;
}

export interface CriticalPath {
  seconds: number;
  /** The runs on the longest path, in order. */
  path: StageRun[];
}

const PER_SLIDE = [Stage.STAGE_CONTENT, Stage.STAGE_IMAGE, Stage.STAGE_TAGS, Stage.STAGE_SPEECH, Stage.STAGE_FRAME, Stage.STAGE_CLIP];

/** Finish time of each node on an infinitely parallel machine, and the path that led there. */
interface Reach {
  at: number;
  path: StageRun[];
}

const none: Reach = { at: 0, path: [] };
const later = (a: Reach, b: Reach) => (b.at > a.at ? b : a);
const latest = (list: Reach[]) => list.reduce(later, none);

export function criticalPath(runs: StageRun[]): CriticalPath {
  const find = (stage: Stage, slide?: number) => runs.find((r) => r.stage === stage && r.slideIndex === slide);
  const after = (from: Reach, run: StageRun | undefined): Reach => (run ? { at: from.at + run.seconds, path: [...from.path, run] } : from);

  const outline = after(none, find(Stage.STAGE_OUTLINE));
  const slides = [...new Set(runs.filter((r) => r.slideIndex !== undefined).map((r) => r.slideIndex!))].sort((a, b) => a - b);
  const perSlide = slides.map((i) => {
    const content = after(outline, find(Stage.STAGE_CONTENT, i));
    const image = after(content, find(Stage.STAGE_IMAGE, i));
    const speech = after(after(content, find(Stage.STAGE_TAGS, i)), find(Stage.STAGE_SPEECH, i));
    const frame = after(image, find(Stage.STAGE_FRAME, i));
    const clip = after(later(frame, speech), find(Stage.STAGE_CLIP, i));
    return { content, image, speech, frame, clip };
  });
  const deck = after(latest(perSlide.flatMap((s) => [s.content, s.image])), find(Stage.STAGE_DECK));
  const spoken = latest(perSlide.map((s) => s.speech));
  const captions = after(spoken, find(Stage.STAGE_CAPTIONS));
  const video = after(latest(perSlide.map((s) => s.clip)), find(Stage.STAGE_VIDEO));
  const end = latest([outline, ...perSlide.map((s) => s.clip), deck, captions, video]);
  return { seconds: end.at, path: end.path };
}

/** Stages the original ran one slide after another; the other per-slide stages ran side by side. */
const ONE_AFTER_ANOTHER = new Set([Stage.STAGE_TAGS, Stage.STAGE_SPEECH]);

export function stagedSeconds(runs: StageRun[]): number {
  const durations = (stage: Stage) => runs.filter((r) => r.stage === stage).map((r) => r.seconds);
  const stageTime = (stage: Stage) => (ONE_AFTER_ANOTHER.has(stage) ? durations(stage).reduce((a, b) => a + b, 0) : Math.max(0, ...durations(stage)));
  return [Stage.STAGE_OUTLINE, ...PER_SLIDE, Stage.STAGE_DECK, Stage.STAGE_CAPTIONS, Stage.STAGE_VIDEO].reduce((sum, s) => sum + stageTime(s), 0);
}

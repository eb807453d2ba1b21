// One 10-slide lecture from a topic, every outside service answering with the
// replayed latencies (latencies.ts), run with the orchestrator streaming the
// model's answers into the next stages (LECTRA_STREAMING=on, the default) and
// as the previous design did it (=off: the outline, then each slide whole):
// wall time against the critical-path bound (from the job's report) and
// against the staged schedule of the original system (below), and how soon
// slide 1 could be watched (its playlist's first `playable` event).
//
// THE STAGED SCHEDULE (`stagedSeconds`, the denominator of `wallOverStaged`)
// is what the original, stage-by-stage system would have waited for with the
// same outside services. It is computed from the latencies the fake servers
// replayed for this job (world.replayed: what each call to the model and the
// picture API was made to wait, drawn from latencies.ts), not from LECTRA's
// spans, which streaming reshapes (a streamed slide's span starts before the
// outline is done, a streamed answer overlaps the stages after it). The
// original ran content, pictures, tags, speech, frames, deck, captions and
// video in that order, each stage waiting for every slide of the one before;
// a stage whose slides ran side by side took its slowest slide, one whose
// slides ran one after another took them added up:
//
//   staged = outline answer                        (Σ of the outline answers, one unless repaired)
//          + max over the slide answers            (content: slides side by side)
//          + max over the picture searches         (pictures: side by side)
//          + slides × the mean tags answer         (tagging: one slide after another, one answer
//                                                   per slide as the original asked; LECTRA asks
//                                                   once per part of a slide's narration)
//          + Σ over the slides of (voice first byte + that slide's audio seconds × real-time factor)
//                                                  (speech: one Edge request per slide, in turn, as
//                                                   the original made; the audio seconds are the
//                                                   job's per-slide durations from timings.json)
//          + the local stages from the job's recorded runs, by the same rules: frame (slowest
//            slide), clip (slowest slide; the original encoded in its video stage), deck,
//            captions, video (one run each); the report's per-stage `maxSeconds`
//            (none of them is an in-turn stage).
//
// Every replayed term is at the bench's --scale, like the wall time. The job
// report's own figure (its spans by the same rules, critical-path.ts
// `stagedSeconds`) is kept as `stagedFromSpansSeconds` for comparison.
import { JobState, Stage, StageStatus, type StageReport } from "@lectra/proto";
import { artifactText, generate, type Generated } from "../jobs";
import { ORIGINAL, type Replay } from "../latencies";
import { replayWorld, type ReplayedLatency, type World } from "../world";

export type Streaming = "on" | "off";

/** The staged schedule's terms, in seconds (see the comment above). */
export interface StagedTerms {
  outline: number;
  content: number;
  pictures: number;
  tags: number;
  speech: number;
  frame: number;
  clip: number;
  deck: number;
  captions: number;
  video: number;
  /** Per slide, the audio seconds the speech term used, and where they came from. */
  audioSeconds: number[];
  audioFrom: "timings.json" | "speech stage details";
  /** How many replayed calls went into each outside-service term. */
  calls: { outline: number; slide: number; tags: number; pictureSearches: number };
}

export interface ReplayResult {
  /** LECTRA_STREAMING for this run. */
  streaming: Streaming;
  slides: number;
  wallSeconds: number;
  criticalPathSeconds: number;
  /** The original's staged schedule from the replayed latencies (see above). */
  stagedSeconds: number;
  wallOverCriticalPath: number;
  wallOverStaged: number;
  /** The job report's staged figure, from its spans (the definition before streaming), for comparison. */
  stagedFromSpansSeconds: number;
  wallOverStagedFromSpans: number;
  /** From the Generate call to slide 1 being playable (the first `playable` event). */
  firstPlayableSeconds: number;
  staged: StagedTerms;
  stages: Array<{ stage: string; count: number; busySeconds: number; wallSeconds: number; maxSeconds: number; startSeconds: number; criticalShare: number }>;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const max = (xs: number[]) => Math.max(0, ...xs);
const mean = (xs: number[]) => (xs.length === 0 ? 0 : sum(xs) / xs.length);

/** Per slide, the narration's seconds: from timings.json, else from the speech stage's details ("12.34 s, edge …"). */
async function audioSecondsOf(world: World, generated: Generated, slides: number): Promise<{ seconds: number[]; from: StagedTerms["audioFrom"] }> {
  try {
    const timings = JSON.parse(await artifactText(world.lectra.client, generated.job.id, "timings.json")) as { slides: Array<{ index: number; startSeconds: number; endSeconds: number }> };
    if (timings.slides.length === slides) return { seconds: timings.slides.map((s) => s.endSeconds - s.startSeconds), from: "timings.json" };
  } catch {
    // Fall back to the stage details below.
  }
  const seconds = Array.from({ length: slides }, (_, i) => {
    const update = generated.finished.find((u) => u.stage === Stage.STAGE_SPEECH && u.slideIndex === i && u.status === StageStatus.STAGE_STATUS_FINISHED);
    const found = update && /^([\d.]+) s\b/.exec(update.detail);
    if (!found) throw new Error(`slide ${i + 1}: neither timings.json nor the speech stage says how long its narration is`);
    return Number(found[1]);
  });
  return { seconds, from: "speech stage details" };
}

/** The original's staged schedule for this job (the comment at the top says how). */
export function stagedTerms(replayed: ReplayedLatency[], replay: Replay, audio: { seconds: number[]; from: StagedTerms["audioFrom"] }, report: StageReport): StagedTerms {
  const model = (kind: string) => replayed.filter((r) => r.service === "model" && r.kind === kind).map((r) => r.ms / 1000);
  const searches = replayed.filter((r) => r.service === "pictures" && r.kind === "search").map((r) => r.ms / 1000);
  const slowest = (stage: Stage) => report.stages.find((s) => s.stage === stage)?.maxSeconds ?? 0;
  return {
    outline: sum(model("outline")),
    content: max(model("slide")),
    pictures: max(searches),
    // One tagging answer per slide, as the original asked: LECTRA tags a slide's
    // narration in parts (each its own answer), which would count several.
    tags: audio.seconds.length * mean(model("tags")),
    speech: sum(audio.seconds.map((s) => replay.voiceFirstByteMs / 1000 + s * replay.voiceRealTimeFactor)),
    frame: slowest(Stage.STAGE_FRAME),
    clip: slowest(Stage.STAGE_CLIP),
    deck: slowest(Stage.STAGE_DECK),
    captions: slowest(Stage.STAGE_CAPTIONS),
    video: slowest(Stage.STAGE_VIDEO),
    audioSeconds: audio.seconds,
    audioFrom: audio.from,
    calls: { outline: model("outline").length, slide: model("slide").length, tags: model("tags").length, pictureSearches: searches.length },
  };
}

export const stagedTotal = (t: StagedTerms) => t.outline + t.content + t.pictures + t.tags + t.speech + t.frame + t.clip + t.deck + t.captions + t.video;

/** One run: a fresh world (LECTRA_STREAMING=`streaming`), a warm-up job, then the measured lecture. */
export async function replayLecture(replay: Replay, streaming: Streaming = "on", slides = 10): Promise<ReplayResult> {
  const world = await replayWorld(replay, { LECTRA_STREAMING: streaming });
  try {
    // A small job first, so connections and code paths are warm for the measured one.
    await generate(world.lectra.client, { source: { $case: "topic", value: "A warm-up about the heart" }, slideCount: 2, skipVideo: true });
    world.replayed.length = 0;
    const chatsBefore = world.ollama.chats.filter((c) => c.kind).length;
    const searchesBefore = world.commons.searches.length;
    const generated = await generate(world.lectra.client, { source: { $case: "topic", value: "How vaccines train the immune system" }, slideCount: slides, noCache: true });
    const { job, firstPlayableSeconds } = generated;
    if (job.state !== JobState.JOB_STATE_SUCCEEDED) throw new Error(`the replayed lecture (streaming ${streaming}) failed: ${job.error?.message}`);
    if (firstPlayableSeconds === undefined) throw new Error(`the replayed lecture (streaming ${streaming}) never said slide 1 was playable`);
    // One drawn latency per model answer and per picture search: else the staged terms would count some twice or miss some.
    const modelCalls = world.replayed.filter((r) => r.service === "model").length;
    const searchCalls = world.replayed.filter((r) => r.service === "pictures").length;
    const chats = world.ollama.chats.filter((c) => c.kind).length - chatsBefore;
    const searches = world.commons.searches.length - searchesBefore;
    if (modelCalls !== chats || searchCalls !== searches) {
      throw new Error(`replayed latencies do not match the calls: ${modelCalls} drawn for ${chats} model answers, ${searchCalls} for ${searches} picture searches`);
    }
    const r = job.report!;
    const staged = stagedTerms(world.replayed, replay, await audioSecondsOf(world, generated, job.slideCount || slides), r);
    const stagedSeconds = stagedTotal(staged);
    return {
      streaming,
      slides,
      wallSeconds: r.wallSeconds,
      criticalPathSeconds: r.criticalPathSeconds,
      stagedSeconds,
      wallOverCriticalPath: r.wallSeconds / r.criticalPathSeconds,
      wallOverStaged: r.wallSeconds / stagedSeconds,
      stagedFromSpansSeconds: r.stagedSeconds,
      wallOverStagedFromSpans: r.wallSeconds / r.stagedSeconds,
      firstPlayableSeconds,
      staged,
      stages: r.stages.map((s) => ({
        stage: s.spanName,
        count: s.count,
        busySeconds: s.busySeconds,
        wallSeconds: s.wallSeconds,
        maxSeconds: s.maxSeconds,
        startSeconds: s.startSeconds,
        criticalShare: s.criticalShare,
      })),
    };
  } finally {
    await world.stop();
  }
}

/** What results.json keeps per streaming mode: the median run, and every run's headline figures. */
export type ReplayModeResult = ReplayResult & {
  runs: Array<Pick<ReplayResult, "wallSeconds" | "stagedSeconds" | "wallOverStaged" | "firstPlayableSeconds" | "stagedFromSpansSeconds">>;
};

export interface ReplayScenarioResult {
  /** The tokens a second of a local 8B model on a strong GPU (ORIGINAL.tokensPerSecond), and the rate the fake streamed at, ÷ scale. */
  tokensPerSecond: number;
  replayedTokensPerSecond: number;
  on?: ReplayModeResult;
  off?: ReplayModeResult;
}

/**
 * `runs` rounds, each running every mode in `modes` in turn (on, off, on, off, …),
 * each in a fresh world with the same seeded latencies; per mode the median
 * run by wall ÷ staged (the slower of the middle two when even).
 */
export async function replayScenario(replayAt: () => Replay, modes: Streaming[], runs: number, slides = 10): Promise<ReplayScenarioResult> {
  const all: Record<Streaming, ReplayResult[]> = { on: [], off: [] };
  for (let i = 0; i < runs; i++) for (const mode of modes) all[mode].push(await replayLecture(replayAt(), mode, slides));
  const pick = (list: ReplayResult[]): ReplayModeResult | undefined => {
    if (list.length === 0) return undefined;
    const median = [...list].sort((a, b) => a.wallOverStaged - b.wallOverStaged)[Math.floor(list.length / 2)];
    return {
      ...median,
      runs: list.map((r) => ({
        wallSeconds: r.wallSeconds,
        stagedSeconds: r.stagedSeconds,
        wallOverStaged: r.wallOverStaged,
        firstPlayableSeconds: r.firstPlayableSeconds,
        stagedFromSpansSeconds: r.stagedFromSpansSeconds,
      })),
    };
  };
  const replay = replayAt();
  return { tokensPerSecond: ORIGINAL.tokensPerSecond, replayedTokensPerSecond: replay.tokensPerSecond, on: pick(all.on), off: pick(all.off) };
}
